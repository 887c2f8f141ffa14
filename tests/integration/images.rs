//! Colocated images: resized files exist at the widths `srcset` states,
//! `width`/`height` are the original's, the second build takes every
//! resized file from the cache, a corrupt image is a located error that
//! writes nothing, SVG passes through, and an image without alt text is a
//! warning.

use crate::common::*;
use std::path::Path;

/// A noisy RGB photo-like JPEG.
fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let data: Vec<u8> = (0..usize::from(width) * usize::from(height) * 3)
        .map(|i| ((i * 7919) % 253) as u8)
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&data, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encode JPEG");
    out
}

/// A flat-coloured RGBA graphic with transparency.
fn png(width: u32, height: u32) -> Vec<u8> {
    let data: Vec<u8> = (0..width * height)
        .flat_map(|i| {
            if (i % width) < width / 2 {
                [20, 80, 200, 255]
            } else {
                [250, 250, 250, 0]
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgba);
    let mut w = enc.write_header().expect("png header");
    w.write_image_data(&data).expect("png data");
    w.finish().expect("png end");
    out
}

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";

/// The basic fixture with a photo, a graphic and an SVG on the Spanish
/// about page.
fn site_with_images() -> tempfile::TempDir {
    let site = site("basic");
    let content = site.path().join("content");
    std::fs::create_dir_all(content.join("img")).unwrap();
    std::fs::write(content.join("img/foto grande.jpg"), jpeg(1200, 800)).unwrap();
    std::fs::write(content.join("img/plan.png"), png(700, 300)).unwrap();
    std::fs::write(content.join("img/logo.svg"), SVG).unwrap();
    // These are test pictures of noise, heavier than any photo; the page
    // budget is not what these tests are about.
    let toml = site.path().join("aula.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config.push_str("\n[budget]\npage_kb = 10000\n");
    std::fs::write(&toml, config).unwrap();
    append(
        site.path(),
        "about.es.md",
        "\n![Una foto del aula](<img/foto grande.jpg>)\n\n![Un plano](img/plan.png)\n\n![Logo](img/logo.svg)\n",
    );
    site
}

fn append(root: &Path, file: &str, text: &str) {
    let path = root.join("content").join(file);
    let mut s = std::fs::read_to_string(&path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

/// The value of `attr` in the first `<img` whose src is `src`.
fn img_attr(html: &str, src: &str, attr: &str) -> Option<String> {
    let start = html.find(&format!("<img src=\"{src}\""))?;
    let tag = &html[start..start + html[start..].find('>')?];
    let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

/// `(url, width)` pairs of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').expect("url and width");
            let w = w.strip_suffix('w').expect("w descriptor").parse().unwrap();
            (url.replace("%20", " "), w)
        })
        .collect()
}

#[test]
fn srcset_widths_exist_with_their_pixel_widths_and_sizes_match_the_original() {
    let site = site_with_images();
    let report = build_ok(site.path());
    assert!(report.warnings.is_empty(), "{}", render(&report.warnings));
    let public = site.path().join("public");
    let dir = public.join("es/about");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();

    let photo = "img/foto%20grande.jpg";
    assert_eq!(img_attr(&html, photo, "width").as_deref(), Some("1200"));
    assert_eq!(img_attr(&html, photo, "height").as_deref(), Some("800"));
    assert_eq!(img_attr(&html, photo, "loading").as_deref(), Some("lazy"));
    assert_eq!(img_attr(&html, photo, "decoding").as_deref(), Some("async"));
    assert!(img_attr(&html, photo, "sizes").is_some());
    let set = candidates(&img_attr(&html, photo, "srcset").expect("photo srcset"));
    assert_eq!(
        set.iter().map(|c| c.1).collect::<Vec<_>>(),
        [480, 960, 1200],
        "never upscaled, the original last: {set:?}"
    );
    for (url, width) in &set {
        let bytes = std::fs::read(dir.join(url)).unwrap_or_else(|e| panic!("{url}: {e}"));
        let info = aula::images::probe(&bytes).unwrap();
        assert_eq!(info.width, *width, "{url}");
        assert_eq!(info.height, width * 800 / 1200, "{url}");
        assert_eq!(info.format, aula::images::Format::Jpeg, "{url}");
    }

    // The graphic: PNG candidates and a WebP <source>, in a <picture>.
    assert_eq!(
        img_attr(&html, "img/plan.png", "width").as_deref(),
        Some("700")
    );
    assert_eq!(
        img_attr(&html, "img/plan.png", "height").as_deref(),
        Some("300")
    );
    let set = candidates(&img_attr(&html, "img/plan.png", "srcset").unwrap());
    assert_eq!(
        set,
        [
            ("img/plan-480w.png".into(), 480),
            ("img/plan.png".into(), 700)
        ]
    );
    let info = aula::images::probe(&std::fs::read(dir.join("img/plan-480w.png")).unwrap()).unwrap();
    assert_eq!((info.width, info.height), (480, 206));
    assert!(
        html.contains("<picture><source type=\"image/webp\" srcset=\"img/plan-480w.webp 480w, img/plan-700w.webp 700w\""),
        "{html}"
    );
    for webp in ["img/plan-480w.webp", "img/plan-700w.webp"] {
        let bytes = std::fs::read(dir.join(webp)).unwrap();
        assert!(
            bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP",
            "{webp}"
        );
    }

    // SVG passes through untouched, with no srcset.
    assert!(img_attr(&html, "img/logo.svg", "srcset").is_none());
    assert_eq!(
        std::fs::read_to_string(dir.join("img/logo.svg")).unwrap(),
        SVG
    );
    // The original is copied as it is.
    assert_eq!(
        std::fs::read(dir.join("img/foto grande.jpg")).unwrap(),
        std::fs::read(site.path().join("content/img/foto grande.jpg")).unwrap()
    );
}

#[test]
fn the_second_build_takes_every_resized_image_from_the_cache() {
    let site = site_with_images();
    let first = build_ok(site.path());
    // Photo: 480, 960. Graphic: 480 PNG, 480 and 700 WebP. (The fixture's
    // 1x1 PNG is smaller than every width: served as it is.)
    assert_eq!(first.images.encoded, 5, "{:?}", first.images);
    assert_eq!(first.images.reused, 0);
    let cache = site.path().join(aula::images::CACHE_DIR);
    let stamp = |p: &Path| -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = stamp(&cache);
    assert_eq!(before.len(), 5, "{before:?}");
    let second = build_ok(site.path());
    assert_eq!(second.images.encoded, 0, "{:?}", second.images);
    assert_eq!(second.images.reused, 5);
    assert_eq!(stamp(&cache), before, "no cache file was written again");

    // In `aula serve`, the second build takes them from memory.
    let mut session = aula::build::Session::new(options(site.path()));
    let (a, r1) = session.build().expect("serve build");
    let (b, r2) = session.build().expect("serve rebuild");
    assert_eq!((r1.images.encoded, r1.images.reused), (0, 5));
    assert_eq!((r2.images.encoded, r2.images.reused), (0, 5));
    assert_eq!(a, b);
}

#[test]
fn a_corrupt_image_is_a_located_error_and_nothing_is_written() {
    let site = site_with_images();
    let good = png(700, 300);
    std::fs::write(
        site.path().join("content/img/plan.png"),
        &good[..good.len() / 2],
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/img/roto.jpg"),
        b"\xFF\xD8\xFF\xE0 not a jpeg",
    )
    .unwrap();
    append(
        site.path(),
        "about.en.md",
        "\nSee ![A broken photo](img/roto.jpg).\n",
    );
    let errors = build(site.path()).expect_err("corrupt images fail the build");
    let text = render(&errors);
    assert!(
        text.contains("cannot use the image `img/plan.png`"),
        "{text}"
    );
    assert!(text.contains("content/about.es.md:11:1"), "{text}");
    assert!(
        text.contains("cannot use the image `img/roto.jpg`"),
        "{text}"
    );
    assert!(text.contains("content/about.en.md:"), "{text}");
    assert!(text.contains("export it again as PNG or JPEG"), "{text}");
    assert!(!site.path().join("public").exists(), "nothing written");
}

#[test]
fn an_image_without_alt_text_is_a_warning() {
    let site = site_with_images();
    append(site.path(), "about.pt.md", "\n![](img/logo.svg)\n");
    let report = build_ok(site.path());
    let text = render(&report.warnings);
    assert_eq!(report.warnings.len(), 1, "{text}");
    assert!(text.contains("has no alternative text"), "{text}");
    assert!(text.contains("content/about.pt.md:"), "{text}");
}

#[test]
fn images_can_be_turned_off() {
    let site = site_with_images();
    let toml = site.path().join("aula.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config.push_str("\n[images]\nenabled = false\n");
    std::fs::write(&toml, config).unwrap();
    let report = build_ok(site.path());
    assert_eq!(report.images.encoded + report.images.reused, 0);
    let html = std::fs::read_to_string(site.path().join("public/es/about/index.html")).unwrap();
    assert!(!html.contains("srcset"), "{html}");
    assert!(
        !site
            .path()
            .join("public/es/about/img/plan-480w.png")
            .exists()
    );
}
