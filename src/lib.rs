//! aula: a static-site generator for multilingual open course campuses.
//!
//! Data flows one way (the map of the code is `ARCHITECTURE.md`):
//!
//! ```text
//! aula.toml  --config-->  Config
//! themes/, templates/, locales/  --theme-->  Theme --> I18n (Fluent), Renderer (Tera)
//! content/   --content--> Vec<Document>  --site-->  Site (URLs, courses, translations)
//!            --markdown--> Rendered per page  --checks-->  --render::views-->
//!            --outputs--> Files  --output-->  public/ (atomic swap)
//! ```
//!
//! [`build::build`] runs the whole chain; [`cli`] is the command line.
//! No stage keeps global state: expensive shared things (syntax set, Tera,
//! Fluent bundles) are built once per build and passed by reference.

#![forbid(unsafe_code)]
// Diagnostics are large (file, position, source line, help) but only ever
// built on the failure path; boxing them would clutter every constructor
// for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod highlight;
pub mod i18n;
pub mod images;
pub mod keys;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod outputs;
pub mod render;
pub mod scaffold;
pub mod section;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod slug;
pub mod spill;
pub mod text;
pub mod theme;
pub mod tomlerr;
pub mod translations;
