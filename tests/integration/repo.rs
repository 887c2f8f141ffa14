//! The repository's own sample campus is the project's face: it must
//! build with zero warnings and every link in it must resolve.

use crate::common::*;
use aula::build;
use std::path::Path;

#[test]
fn sample_campus_builds_without_warnings_and_links_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let mut opts = options(root);
    opts.output = Some(out.path().join("public"));
    let report = match build::build(&opts) {
        Ok(r) => r,
        Err(e) => panic!("the sample campus does not build:\n{}", render(&e)),
    };
    assert!(report.warnings.is_empty(), "{}", render(&report.warnings));
    let counts = &report.pages_by_language;
    assert_eq!(counts.get("es"), counts.get("en"));
    assert_eq!(counts.get("es"), counts.get("pt"));
    let public = out.path().join("public");
    assert_eq!(broken_references(&public), Vec::<String>::new());
    // Valid under a Content-Security-Policy without 'unsafe-inline'.
    for f in files(&public).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(&public, &f);
        assert!(!html.contains(" style=\""), "{f} has an inline style");
        assert!(!html.contains("<script>"), "{f} has an inline script");
    }
}
