//! UI strings with Fluent.
//!
//! One concurrent `FluentBundle` per site language, built once from the
//! theme's `.ftl` files with the site's own layered on top (message by
//! message), then shared read-only by every rendering thread. A message
//! missing in one language falls back to the default language and is
//! recorded as a warning; a message missing everywhere is an error for the
//! template that asked for it.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, line_col};
use crate::theme::Theme;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct I18n {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
    default_language: String,
    /// Warnings for messages of the default language that a language lacks.
    fallbacks: Vec<Diagnostic>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("languages", &self.bundles.keys())
            .finish()
    }
}

/// Why a message could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No language has the key.
    Everywhere(String),
    /// The message exists but formatting failed (e.g. a missing variable).
    Format(String),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Everywhere(key) => write!(
                f,
                "no UI string `{key}` in any language: add `{key} = ...` to locales/<lang>/*.ftl"
            ),
            Missing::Format(msg) => write!(f, "{msg}"),
        }
    }
}

impl I18n {
    pub fn load(config: &Config, theme: &Theme) -> Result<I18n, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut bundles = HashMap::new();
        let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for lang in &config.languages {
            let langid = lang
                .code
                .parse()
                .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            for (code, file) in &theme.locales {
                if *code != lang.code {
                    continue;
                }
                let resource = match FluentResource::try_new(file.text.clone()) {
                    Ok(r) => r,
                    Err((r, errs)) => {
                        for e in errs {
                            // Point at the start of the broken message: the
                            // parser's own position is often the end of file.
                            let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                            let (line, col) = line_col(&file.text, at);
                            errors.push(
                                Diagnostic::error(format!("Fluent syntax error: {}", e.kind))
                                    .file(&file.shown)
                                    .at(line, col, Some(&file.text))
                                    .help("messages look like `key = Text with { $variable }`; see https://projectfluent.org/fluent/guide/"),
                            );
                        }
                        r
                    }
                };
                ids.entry(lang.code.as_str())
                    .or_default()
                    .extend(message_ids(&resource));
                bundle.add_resource_overriding(resource);
            }
            bundles.insert(lang.code.clone(), bundle);
        }
        for (code, file) in &theme.locales {
            if config.language(code).is_none() {
                errors.push(
                    Diagnostic::warning(format!(
                        "UI strings for `{code}`, which is not a site language, are ignored"
                    ))
                    .file(&file.shown),
                );
            }
        }
        if errors.iter().any(Diagnostic::is_error) {
            return Err(errors);
        }
        Ok(I18n {
            bundles,
            default_language: config.default_language.clone(),
            fallbacks: gaps(config, &ids),
        })
    }

    /// Formats `key` in `lang`, falling back to the default language.
    pub fn translate(
        &self,
        lang: &str,
        key: &str,
        args: Option<&FluentArgs>,
    ) -> Result<String, Missing> {
        if let Some(s) = self.format(lang, key, args)? {
            return Ok(s);
        }
        if lang != self.default_language
            && let Some(s) = self.format(&self.default_language, key, args)?
        {
            return Ok(s);
        }
        Err(Missing::Everywhere(key.to_string()))
    }

    fn format(
        &self,
        lang: &str,
        key: &str,
        args: Option<&FluentArgs>,
    ) -> Result<Option<String>, Missing> {
        let Some(bundle) = self.bundles.get(lang) else {
            return Ok(None);
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return Ok(None);
        };
        let mut errors = Vec::new();
        let out = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        if let Some(e) = errors.first() {
            return Err(Missing::Format(format!(
                "UI string `{key}` in `{lang}`: {e}"
            )));
        }
        Ok(Some(out))
    }

    /// Warnings for messages a language lacks, whose default-language
    /// text is shown instead.
    pub fn fallback_warnings(&self) -> Vec<Diagnostic> {
        self.fallbacks.clone()
    }
}

/// The ids of the messages a Fluent file defines.
fn message_ids(resource: &FluentResource) -> impl Iterator<Item = String> + '_ {
    resource.entries().filter_map(|e| match e {
        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
        _ => None,
    })
}

/// One warning per message of the default language missing in another.
fn gaps(config: &Config, ids: &BTreeMap<&str, BTreeSet<String>>) -> Vec<Diagnostic> {
    let default = config.default_language.as_str();
    let Some(all) = ids.get(default) else {
        return Vec::new();
    };
    let none = BTreeSet::new();
    let mut out = Vec::new();
    for lang in config.languages.iter().filter(|l| l.code != default) {
        let have = ids.get(lang.code.as_str()).unwrap_or(&none);
        for key in all.difference(have) {
            out.push(
                Diagnostic::warning(format!(
                    "UI string `{key}` is missing in `{}`; the {default} text is used",
                    lang.code
                ))
                .help(format!(
                    "add `{key} = ...` to locales/{}/main.ftl",
                    lang.code
                )),
            );
        }
    }
    out
}

/// Converts a template argument to a Fluent value: numbers stay numbers so
/// plural selectors work.
pub fn fluent_value(v: &tera::Value) -> FluentValue<'static> {
    if let Some(n) = v.as_f64().filter(|_| v.is_number()) {
        FluentValue::from(n)
    } else if let Some(s) = v.as_str() {
        FluentValue::from(s.to_string())
    } else {
        FluentValue::from(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::TextFile;
    use std::path::{Path, PathBuf};

    fn i18n(files: &[(&str, &str)]) -> Result<I18n, Vec<Diagnostic>> {
        let config = Config::parse(
            Path::new("."),
            "default_language = \"es\"\n[languages.es]\ntitle = \"a\"\n[languages.pt]\ntitle = \"b\"\n",
        )
        .expect("valid");
        let mut theme = Theme::default();
        for (lang, text) in files {
            theme.locales.push((
                lang.to_string(),
                TextFile {
                    shown: PathBuf::from(format!("locales/{lang}/main.ftl")),
                    text: text.to_string(),
                },
            ));
        }
        I18n::load(&config, &theme)
    }

    #[test]
    fn plurals_use_numbers() {
        let i = i18n(&[(
            "pt",
            "mods = { $count ->\n    [one] { $count } módulo\n   *[other] { $count } módulos\n}\n",
        )])
        .expect("valid");
        let mut args = FluentArgs::new();
        args.set("count", fluent_value(&tera::Value::from(1)));
        assert_eq!(
            i.translate("pt", "mods", Some(&args)).as_deref(),
            Ok("1 módulo")
        );
        args.set("count", fluent_value(&tera::Value::from(4)));
        assert_eq!(
            i.translate("pt", "mods", Some(&args)).as_deref(),
            Ok("4 módulos")
        );
    }

    #[test]
    fn site_strings_override_theme_strings() {
        let i =
            i18n(&[("es", "hello = Hola\nbye = Chao"), ("es", "hello = Buenas")]).expect("valid");
        assert_eq!(i.translate("es", "hello", None).as_deref(), Ok("Buenas"));
        assert_eq!(i.translate("es", "bye", None).as_deref(), Ok("Chao"));
    }

    #[test]
    fn missing_key_falls_back_with_warning_then_errors() {
        let i = i18n(&[("es", "only-es = Sólo")]).expect("valid");
        let w = i.fallback_warnings();
        assert_eq!(w.len(), 1, "found when loading, before any rendering");
        assert_eq!(i.translate("pt", "only-es", None).as_deref(), Ok("Sólo"));
        let w = i.fallback_warnings();
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("`only-es` is missing in `pt`"));
        assert_eq!(
            i.translate("pt", "nowhere", None),
            Err(Missing::Everywhere("nowhere".into()))
        );
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let errs = i18n(&[("es", "ok = Sí\n\nbroken = { $x\n")]).expect_err("bad ftl");
        assert_eq!(
            errs[0].file.as_deref(),
            Some(Path::new("locales/es/main.ftl"))
        );
        assert_eq!(errs[0].line, Some(3));
    }
}
