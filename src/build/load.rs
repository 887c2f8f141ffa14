//! The first stage: the theme layer (templates, UI strings, statics) and
//! the content, loaded side by side since neither needs the other. The
//! theme layer is kept from the previous build while its inputs (theme
//! files and configuration) are unchanged.

use super::cache::{Cache, ThemeState};
use super::finish;
use crate::config::Config;
use crate::content::{self, Content};
use crate::diagnostic::{Diagnostic, Kind};
use crate::i18n::I18n;
use crate::render::Renderer;
use crate::theme::Theme;
use std::sync::Arc;

/// The theme layer with its fingerprint, and the parsed content.
pub(super) fn inputs(
    config: &Config,
    config_fp: u64,
    drafts: bool,
    cache: &mut Cache,
) -> Result<(u64, ThemeState, Content), Vec<Diagnostic>> {
    let previous = cache.theme.take();
    let mut read_cache = std::mem::take(&mut cache.content);
    let (theme, content) = rayon::join(
        || theme_layer(config, config_fp, previous),
        || {
            content::load_cached(config, drafts, &mut read_cache)
                .map_err(|e| Diagnostic::default_kind(e, Kind::Content))
        },
    );
    cache.content = read_cache;
    match (theme, content) {
        (Ok((fp, state)), Ok(content)) => {
            if content.documents.is_empty() {
                cache.theme = Some((fp, state));
                return Err(vec![Diagnostic::error("content/ holds no pages").kind(Kind::Content).file("content").help(
                    "add content/_index.<lang>.md (the home page) and more Markdown files; `aula new DIR` shows a working layout",
                )]);
            }
            Ok((fp, state, content))
        }
        (theme, content) => {
            let mut errors = Vec::new();
            match theme {
                Ok(state) => cache.theme = Some(state),
                Err(e) => errors.extend(e),
            }
            errors.extend(content.err().unwrap_or_default());
            Err(finish(errors))
        }
    }
}

/// Loads the theme, its strings and templates, unless `previous` was made
/// from the same theme files and configuration.
fn theme_layer(
    config: &Config,
    config_fp: u64,
    previous: Option<(u64, ThemeState)>,
) -> Result<(u64, ThemeState), Vec<Diagnostic>> {
    let theme = Theme::load(config).map_err(|e| Diagnostic::default_kind(e, Kind::Template))?;
    let fp = super::cache::fingerprint(&(super::cache::theme_fingerprint(&theme), config_fp));
    if let Some(prev) = previous.filter(|(old, _)| *old == fp) {
        return Ok(prev);
    }
    let i18n =
        I18n::load(config, &theme).map_err(|e| Diagnostic::default_kind(e, Kind::UiString))?;
    let i18n = Arc::new(i18n);
    let renderer = Renderer::new(&theme, Arc::clone(&i18n))?;
    Ok((
        fp,
        ThemeState {
            theme,
            i18n,
            renderer,
        },
    ))
}
