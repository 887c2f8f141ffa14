//! The translators' status page, `translations/index.html`: which page is
//! up to date, outdated or missing in which language. `noindex`, not
//! linked from learner navigation, in the default language; written only
//! when the theme has a `translations.html` template.

use super::{Files, Input};
use crate::diagnostic::Diagnostic;
use crate::memo::{Entry, Memo};
use std::sync::Arc;

/// Where the status page is written.
pub const PATH: &str = "translations/index.html";

/// What it was made from is pushed onto `memo`.
pub fn add(
    input: &Input,
    previous: &Memo<Arc<[u8]>>,
    memo: &mut Vec<Entry<Arc<[u8]>>>,
    files: &mut Files,
) -> Vec<Diagnostic> {
    if !input.theme.templates.contains_key("translations.html") {
        return Vec::new();
    }
    let inputs = (input.fingerprints.global, input.status);
    let made = previous.get_or_make(PATH, &inputs, || {
        let mut ctx = input.shared.root_context(input.site, "../");
        ctx.insert("report", input.status);
        input
            .renderer
            .render("translations.html", &ctx, input.theme, None)
            .map(|html| Arc::<[u8]>::from(html.into_bytes()))
    });
    match made {
        Ok((fp, bytes)) => {
            let added = files.add_generated(PATH, Arc::clone(&bytes));
            memo.push((PATH.to_string(), (fp, bytes)));
            added.err().into_iter().collect()
        }
        Err(d) => vec![d],
    }
}
