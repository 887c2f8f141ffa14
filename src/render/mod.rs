//! Templates: Tera set up once per build (templates parsed once, the
//! `t()` Fluent function registered once) and shared read-only by every
//! thread. What each template sees is a typed view model built in
//! [`views`]; this module only turns a context into HTML and a failure
//! into a diagnostic that names the template and the page. It never
//! decides what a page shows. See `ARCHITECTURE.md`.

mod campus;
pub mod certificate;
pub mod downloads;
mod errors;
pub mod views;

use crate::diagnostic::Diagnostic;
use crate::i18n::{I18n, fluent_value};
use crate::theme::Theme;
use errors::tera_error;
use fluent_bundle::FluentArgs;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera};

pub struct Renderer {
    tera: Tera,
    /// Template name to the file it came from, for messages.
    files: HashMap<String, std::path::PathBuf>,
}

impl Renderer {
    pub fn new(theme: &Theme, i18n: Arc<I18n>) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_function(
            "t",
            move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
                translate(&i18n, &kwargs, state)
            },
        );
        let files: HashMap<String, std::path::PathBuf> = theme
            .templates
            .iter()
            .map(|(n, f)| (n.clone(), f.shown.clone()))
            .collect();
        let mut errors = Vec::new();
        for name in crate::content::kinds::required_templates() {
            if !theme.templates.contains_key(name) {
                errors.push(
                    Diagnostic::error(format!("template `{name}` is missing"))
                        .file("templates")
                        .help(format!("add templates/{name} to the site or the theme")),
                );
            }
        }
        if let Err(e) = tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, f)| (n.as_str(), f.text.as_str())),
        ) {
            errors.push(tera_error(&e, &files, theme, None));
        }
        if errors.is_empty() {
            Ok(Renderer { tera, files })
        } else {
            Err(errors)
        }
    }

    /// Renders one template; `page` names the content file for messages.
    pub fn render(
        &self,
        template: &str,
        ctx: &Context,
        theme: &Theme,
        page: Option<&Path>,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_error(&e, &self.files, theme, page))
    }
}

impl Renderer {
    /// Renders `templates/shortcodes/<name>.html` with a call's context
    /// (see [`crate::markdown::ShortcodeCall`]); an error is a message
    /// naming the template and its line.
    pub fn shortcode(
        &self,
        name: &str,
        context: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<String, String> {
        let mut ctx = Context::new();
        for (key, value) in context {
            ctx.insert(key.clone(), value);
        }
        let template = format!("shortcodes/{name}.html");
        self.tera.render(&template, &ctx).map_err(|e| {
            let d = tera_error(&e, &self.files, &Theme::default(), None);
            match (&d.file, d.line) {
                (Some(f), Some(l)) => {
                    format!("{} ({}:{l})", d.message, crate::diagnostic::slashed(f))
                }
                _ => d.message,
            }
        })
    }
}

/// The names of the shortcodes a theme layer provides, sorted.
pub fn shortcode_names(theme: &Theme) -> Vec<String> {
    theme
        .templates
        .keys()
        .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
        .filter(|n| !n.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// The `t(key=…, …)` template function: other named arguments become
/// Fluent variables; the language is the context's `lang`.
fn translate(i18n: &I18n, kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    let key: String = kwargs.must_get::<String>("key")?;
    // `lang=` overrides the page language (the chooser and 404 show
    // each language's own words); it is not a Fluent variable.
    let lang: String = match kwargs.get::<String>("lang")? {
        Some(l) => l,
        None => state.get::<String>("lang")?.unwrap_or_default(),
    };
    let mut args = FluentArgs::new();
    let mut any = false;
    for (k, v) in kwargs.iter() {
        let k = k.to_string();
        if k != "key" && k != "lang" {
            args.set(k, fluent_value(v));
            any = true;
        }
    }
    i18n.translate(&lang, &key, any.then_some(&args))
        .map_err(|e| tera::Error::message(e.to_string()))
}

/// Renders page `i` of the site with its kind's template.
pub fn page(
    renderer: &Renderer,
    theme: &Theme,
    i18n: &I18n,
    site: &crate::site::Site,
    shared: &views::Shared,
    i: usize,
    body: &crate::markdown::Rendered,
) -> Result<String, Diagnostic> {
    let p = &site.pages[i];
    let ctx = views::page_context(site, shared, i18n, i, body);
    let shown = p.doc().map(|d| d.path.as_path());
    renderer.render(p.kind.spec().template, &ctx, theme, shown)
}

/// Renders the self-declared completion page of course or itinerary page
/// `i` (see [`certificate`]).
pub fn certificate_page(
    renderer: &Renderer,
    theme: &Theme,
    i18n: &I18n,
    site: &crate::site::Site,
    shared: &views::Shared,
    i: usize,
    body: &crate::markdown::Rendered,
) -> Result<String, Diagnostic> {
    let ctx = certificate::context(site, shared, i18n, i, body);
    let shown = site.pages[i].doc().map(|d| d.path.as_path());
    renderer.render("certificate.html", &ctx, theme, shown)
}
