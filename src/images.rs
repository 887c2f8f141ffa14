//! Images: colocated PNG and JPEG files read once, resized to a few widths
//! and encoded, so that a page can offer a phone a 480-pixel file instead
//! of the author's 4,000-pixel photo.
//!
//! Two steps, at two places in the build:
//!
//! 1. Before Markdown, [`Catalog::read`] reads the *header* of every PNG
//!    and JPEG under `content/` (size, format, EXIF orientation; a few
//!    hundred bytes each, in parallel). Markdown sees one page only and
//!    never touches the disk, so it gets the catalog read-only, through a
//!    lookup like the link resolver, and writes `width`, `height`,
//!    `srcset` and `sizes` from it ([`Catalog::responsive`]).
//! 2. In the outputs, [`make`] decodes each image that a page uses once,
//!    resizes it to every [`Variant`] and encodes it, unless the [`Cache`]
//!    already holds the result under the hash of the source's bytes.
//!
//! Formats: JPEG sources get JPEG variants (quality `[images] quality`);
//! PNG sources get PNG variants and WebP (lossless) variants, offered in a
//! `<picture>` `<source>`. The only pure-Rust WebP encoder is lossless,
//! which beats PNG on graphics but is several times larger than JPEG on
//! photos (numbers in `docs/performance.md`). GIF, SVG and every other
//! file are copied as they are. Nothing is ever upscaled.
//!
//! A corrupt image is an error, never a panic: decoders run under
//! `catch_unwind` as a second line of defence. This module never decides
//! where a file goes in `public/` (that is the `images` output module).

use crate::config::ImagesConfig;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where resized images are kept between builds, under the site's root.
pub const CACHE_DIR: &str = ".aula-cache/images";

/// Changes whenever the bytes made for the same source and settings would
/// change (encoder, filter): old cache files are then simply not found.
const CACHE_VERSION: u32 = 2;

/// Decoded images larger than this many pixels are refused (a "zip bomb"
/// PNG of a few KB can claim gigapixels).
const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// An image format aula reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }

    /// The formats aula resizes, by file extension (case-insensitive):
    /// `.png`, `.jpg`, `.jpeg`.
    pub fn of_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            _ => None,
        }
    }
}

/// What a source image's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Info {
    /// As displayed, i.e. after the EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// EXIF orientation, 1 (as stored) to 8.
    pub orientation: u8,
}

/// One file made from a source image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

/// The files an image gets: each configured width below its own in its
/// own format, and for PNG the same in WebP plus a WebP of the full size
/// when that is no wider than the widest configured width. Never upscaled;
/// an image no wider than the narrowest width gets nothing (it is served
/// as it is, with its size).
pub fn variants(info: &Info, widths: &[u32]) -> Vec<Variant> {
    let at = |format, width: u32| Variant {
        format,
        width,
        height: scaled_height(info, width),
    };
    let smaller: Vec<u32> = widths.iter().copied().filter(|&w| w < info.width).collect();
    let mut out: Vec<Variant> = smaller.iter().map(|&w| at(info.format, w)).collect();
    if info.format == Format::Png && !smaller.is_empty() {
        out.extend(smaller.iter().map(|&w| at(Format::Webp, w)));
        if widths.iter().any(|&w| w >= info.width) {
            out.push(at(Format::Webp, info.width));
        }
    }
    out
}

fn scaled_height(info: &Info, width: u32) -> u32 {
    let h = (u64::from(info.height) * u64::from(width) + u64::from(info.width) / 2)
        / u64::from(info.width.max(1));
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

/// The name of a variant's file next to the source: `img/plan.png` at
/// 480 pixels in WebP is `img/plan-480w.webp`.
pub fn variant_path(source: &str, v: &Variant) -> String {
    let name_at = source.rfind('/').map_or(0, |i| i + 1);
    let stem = match source[name_at..].rfind('.') {
        Some(dot) if dot > 0 => &source[..name_at + dot],
        _ => source,
    };
    format!("{stem}-{}w.{}", v.width, v.format.extension())
}

/// What Markdown writes for a local image: paths relative to the page's
/// folder, narrowest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    pub width: u32,
    pub height: u32,
    /// Candidates in the source's format (the source itself last, when it
    /// is not wider than the widest configured width).
    pub srcset: Vec<(String, u32)>,
    /// WebP candidates for a `<picture>` `<source>`; empty for JPEG.
    pub webp: Vec<(String, u32)>,
    pub sizes: String,
}

/// The header of every PNG and JPEG under `content/`, read before
/// Markdown, and the `[images]` settings.
#[derive(Debug, Default)]
pub struct Catalog {
    /// By path under `content/`: the header, or why it could not be read.
    infos: BTreeMap<String, Result<Info, String>>,
    config: ImagesConfig,
}

impl Catalog {
    /// Reads the headers of the PNG and JPEG files among `assets` (paths
    /// under `content_dir`), in parallel. Reads nothing when images are
    /// disabled.
    pub fn read<'a>(
        content_dir: &Path,
        assets: impl IntoIterator<Item = &'a String>,
        config: &ImagesConfig,
    ) -> Catalog {
        let wanted: Vec<&String> = if config.enabled {
            assets
                .into_iter()
                .filter(|a| Format::of_path(a).is_some())
                .collect()
        } else {
            Vec::new()
        };
        let infos = wanted
            .par_iter()
            .map(|a| ((*a).clone(), read_info(&content_dir.join(a))))
            .collect();
        Catalog {
            infos,
            config: config.clone(),
        }
    }

    /// What the catalog knows of the file at `source` (under `content/`):
    /// `None` when it is not an image aula resizes.
    pub fn get(&self, source: &str) -> Option<&Result<Info, String>> {
        self.infos.get(source)
    }

    pub fn config(&self) -> &ImagesConfig {
        &self.config
    }

    /// Everything Markdown output depends on.
    pub fn fingerprint(&self) -> u64 {
        crate::memo::fingerprint(&(&self.infos, &self.config))
    }

    /// The attributes of the image at `source` (under `content/`), written
    /// in the page as `written` (relative to the page's folder). `None` for
    /// files that are not resized or whose header could not be read (the
    /// outputs report those).
    pub fn responsive(&self, source: &str, written: &str) -> Option<Responsive> {
        let info = self.infos.get(source)?.as_ref().ok()?;
        let widths = &self.config.widths;
        let all = variants(info, widths);
        let list = |format| -> Vec<(String, u32)> {
            all.iter()
                .filter(|v| v.format == format)
                .map(|v| (variant_path(written, v), v.width))
                .collect()
        };
        let mut srcset = list(info.format);
        if !srcset.is_empty() && widths.iter().any(|&w| w >= info.width) {
            srcset.push((written.to_string(), info.width));
        }
        Some(Responsive {
            width: info.width,
            height: info.height,
            srcset,
            webp: list(Format::Webp),
            sizes: self.config.sizes.clone(),
        })
    }
}

/// Reads an image's header: size, format, orientation.
pub fn read_info(path: &Path) -> Result<Info, String> {
    use std::io::Read;
    // The header of a JPEG can sit behind large EXIF and ICC segments.
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(256 * 1024).read_to_end(&mut head))
        .map_err(|e| format!("cannot read it: {e}"))?;
    match guarded(|| probe(&head)) {
        Ok(info) => Ok(info),
        // A header cut off by the 256 KB read: try the whole file.
        Err(_) if head.len() == 256 * 1024 => {
            let all = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
            guarded(|| probe(&all))
        }
        Err(e) => Err(e),
    }
}

/// The header of an image in memory.
pub fn probe(bytes: &[u8]) -> Result<Info, String> {
    match sniff(bytes) {
        Some(Format::Png) => {
            let reader = png::Decoder::new(Cursor::new(bytes))
                .read_info()
                .map_err(|e| format!("not a readable PNG: {e}"))?;
            let info = reader.info();
            Ok(Info {
                width: info.width,
                height: info.height,
                format: Format::Png,
                orientation: 1,
            })
        }
        Some(Format::Jpeg) => {
            let mut d = zune_jpeg::JpegDecoder::new(zune_core::bytestream::ZCursor::new(bytes));
            d.decode_headers()
                .map_err(|e| format!("not a readable JPEG: {e:?}"))?;
            let (w, h) = d
                .dimensions()
                .ok_or_else(|| "not a readable JPEG: no size".to_string())?;
            let (w, h) = (to_u32(w), to_u32(h));
            let orientation = d.exif().map_or(1, |e| exif_orientation(e));
            let (width, height) = if orientation >= 5 { (h, w) } else { (w, h) };
            Ok(Info {
                width,
                height,
                format: Format::Jpeg,
                orientation,
            })
        }
        _ => Err("it is neither a PNG nor a JPEG file".into()),
    }
}

/// The format by the file's first bytes, whatever its name says.
fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else {
        None
    }
}

/// The orientation tag (0x0112) of IFD0 in EXIF data that starts at the
/// TIFF header; 1 when absent or malformed.
fn exif_orientation(exif: &[u8]) -> u8 {
    let exif = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let little = match exif.get(..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return 1,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b: [u8; 2] = exif.get(i..i + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b: [u8; 4] = exif.get(i..i + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let find = || -> Option<u8> {
        let ifd = usize::try_from(u32_at(4)?).ok()?;
        let count = usize::from(u16_at(ifd)?);
        (0..count.min(512)).find_map(|n| {
            let entry = ifd + 2 + n * 12;
            (u16_at(entry)? == 0x0112)
                .then(|| u16_at(entry + 8))
                .flatten()
                .and_then(|v| u8::try_from(v).ok())
        })
    };
    find().filter(|o| (1..=8).contains(o)).unwrap_or(1)
}

/// Runs a decoder, turning a panic inside it into an error.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("the decoder failed on it".into()))
}

/// Decoded pixels, 8 bits per channel, rows top to bottom, as displayed.
#[derive(Debug, Clone)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA).
    pub channels: u8,
    pub data: Vec<u8>,
}

/// Decodes a whole image (not guarded: see [`transform`]).
pub fn decode(bytes: &[u8], info: &Info) -> Result<Pixels, String> {
    if u64::from(info.width) * u64::from(info.height) > MAX_PIXELS {
        return Err(format!(
            "it is {}x{} pixels, more than aula decodes ({} megapixels)",
            info.width,
            info.height,
            MAX_PIXELS / 1024 / 1024
        ));
    }
    let pixels = match info.format {
        Format::Png => decode_png(bytes)?,
        Format::Jpeg => decode_jpeg(bytes)?,
        Format::Webp => return Err("WebP sources are copied, not decoded".into()),
    };
    Ok(orient(pixels, info.orientation))
}

fn decode_png(bytes: &[u8]) -> Result<Pixels, String> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: usize::try_from(MAX_PIXELS * 4).unwrap_or(usize::MAX),
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the PNG is too large".to_string())?;
    let mut data = vec![0; size];
    let frame = reader
        .next_frame(&mut data)
        .map_err(|e| format!("the PNG is damaged: {e}"))?;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("the PNG's palette could not be expanded".into()),
    };
    data.truncate(frame.buffer_size());
    let pixels = Pixels {
        width: frame.width,
        height: frame.height,
        channels,
        data,
    };
    // Images with no transparency are stored without an alpha channel.
    Ok(drop_opaque_alpha(pixels))
}

fn drop_opaque_alpha(p: Pixels) -> Pixels {
    let c = usize::from(p.channels);
    if (c == 2 || c == 4) && p.data.chunks_exact(c).all(|px| px[c - 1] == 255) {
        let data = p
            .data
            .chunks_exact(c)
            .flat_map(|px| px[..c - 1].iter().copied())
            .collect();
        Pixels {
            channels: p.channels - 1,
            data,
            ..p
        }
    } else {
        p
    }
}

fn decode_jpeg(bytes: &[u8]) -> Result<Pixels, String> {
    use zune_core::colorspace::ColorSpace;
    let options = zune_core::options::DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_strict_mode(false);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    let data = d
        .decode()
        .map_err(|e| format!("the JPEG is damaged: {e:?}"))?;
    let (w, h) = d
        .dimensions()
        .ok_or_else(|| "the JPEG has no size".to_string())?;
    let channels = d
        .output_colorspace()
        .map_or(3, |c| u8::try_from(c.num_components()).unwrap_or(3));
    let pixels = Pixels {
        width: to_u32(w),
        height: to_u32(h),
        channels,
        data,
    };
    if pixels.data.len() != pixels.width as usize * pixels.height as usize * channels as usize {
        return Err("the JPEG decoded to fewer pixels than its size".into());
    }
    Ok(pixels)
}

/// Applies an EXIF orientation, so the pixels are as a browser shows the
/// original.
fn orient(p: Pixels, orientation: u8) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return p;
    }
    let (w, h, c) = (p.width as usize, p.height as usize, usize::from(p.channels));
    let (dw, dh) = if orientation >= 5 { (h, w) } else { (w, h) };
    let mut data = vec![0; p.data.len()];
    for y in 0..dh {
        for x in 0..dw {
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let (s, d) = ((sy * w + sx) * c, (y * dw + x) * c);
            data[d..d + c].copy_from_slice(&p.data[s..s + c]);
        }
    }
    Pixels {
        width: u32::try_from(dw).unwrap_or(p.width),
        height: u32::try_from(dh).unwrap_or(p.height),
        channels: p.channels,
        data,
    }
}

/// Resizes with a Lanczos3 filter, in two separable passes over
/// alpha-premultiplied floats. Written here rather than taken from a crate:
/// the one well-kept SIMD resizer pulled in a second `syn` and
/// `thiserror` (~1 minute of compile time on two cores) for a step that
/// takes milliseconds per image.
pub fn resize(p: &Pixels, width: u32, height: u32) -> Pixels {
    // A large reduction first averages k x k blocks (each source pixel read
    // once), then filters the rest of the way: Lanczos3's taps grow with
    // the ratio, and a 2,400-pixel photo to 480 pixels cost 4x more
    // without this, for no visible difference.
    let k = (p.width / width.max(1)).min(p.height / height.max(1)) / 2;
    if k >= 2 {
        return lanczos(&shrink(p, k), width, height);
    }
    lanczos(p, width, height)
}

/// Averages blocks of k x k pixels (partial blocks at the right and bottom
/// edges average what they have), alpha-weighted.
fn shrink(p: &Pixels, k: u32) -> Pixels {
    let c = usize::from(p.channels);
    let alpha = c == 2 || c == 4;
    let (sw, sh, k) = (p.width as usize, p.height as usize, k as usize);
    let (dw, dh) = (sw.div_ceil(k), sh.div_ceil(k));
    let mut data = vec![0u8; dw * dh * c];
    let mut acc = vec![0u32; dw * c + dw];
    for by in 0..dh {
        acc.iter_mut().for_each(|v| *v = 0);
        for y in by * k..((by + 1) * k).min(sh) {
            let row = &p.data[y * sw * c..(y + 1) * sw * c];
            for (x, px) in row.chunks_exact(c).enumerate() {
                let b = x / k;
                let a = if alpha { u32::from(px[c - 1]) } else { 1 };
                for ch in 0..c {
                    let v = u32::from(px[ch]);
                    acc[b * c + ch] += if alpha && ch != c - 1 { v * a } else { v };
                }
                acc[dw * c + b] += 1;
            }
        }
        for b in 0..dw {
            let n = acc[dw * c + b].max(1);
            let a_sum = if alpha { acc[b * c + c - 1] } else { n };
            let out = &mut data[(by * dw + b) * c..(by * dw + b + 1) * c];
            for ch in 0..c {
                let v = acc[b * c + ch];
                let div = if alpha && ch != c - 1 { a_sum } else { n };
                out[ch] = (v + div / 2)
                    .checked_div(div)
                    .map_or(0, |q| u8::try_from(q).unwrap_or(255));
            }
        }
    }
    Pixels {
        width: u32::try_from(dw).unwrap_or(p.width),
        height: u32::try_from(dh).unwrap_or(p.height),
        channels: p.channels,
        data,
    }
}

fn lanczos(p: &Pixels, width: u32, height: u32) -> Pixels {
    match p.channels {
        1 => lanczos_n::<1>(p, width, height),
        2 => lanczos_n::<2>(p, width, height),
        3 => lanczos_n::<3>(p, width, height),
        _ => lanczos_n::<4>(p, width, height),
    }
}

/// Lanczos3 for `C` channels: rows first (each output pixel a dot product
/// over its taps), then columns as whole rows (contiguous, so the
/// compiler vectorises the inner loop).
fn lanczos_n<const C: usize>(p: &Pixels, width: u32, height: u32) -> Pixels {
    let alpha = C == 2 || C == 4;
    let (sw, sh) = (p.width as usize, p.height as usize);
    let (dw, dh) = (width as usize, height as usize);
    let xs = weights(sw, dw);
    let ys = weights(sh, dh);
    // Horizontal pass: sw x sh -> dw x sh, premultiplied.
    let mut row = vec![0f32; sw * C];
    let mut tmp = vec![0f32; dw * sh * C];
    for (src, out_row) in p
        .data
        .chunks_exact(sw * C)
        .zip(tmp.chunks_exact_mut(dw * C))
    {
        for (px, out) in src.chunks_exact(C).zip(row.chunks_exact_mut(C)) {
            let a = if alpha {
                f32::from(px[C - 1]) / 255.0
            } else {
                1.0
            };
            for k in 0..C {
                out[k] = f32::from(px[k]);
                if alpha && k != C - 1 {
                    out[k] *= a;
                }
            }
        }
        for ((start, ws), out) in xs.iter().zip(out_row.chunks_exact_mut(C)) {
            let mut acc = [0f32; C];
            for (w, px) in ws.iter().zip(row[start * C..].chunks_exact(C)) {
                for k in 0..C {
                    acc[k] += px[k] * w;
                }
            }
            out.copy_from_slice(&acc);
        }
    }
    // Vertical pass: dw x sh -> dw x dh, back to straight alpha.
    let mut data = vec![0u8; dw * dh * C];
    let mut acc = vec![0f32; dw * C];
    for ((start, ws), out_row) in ys.iter().zip(data.chunks_exact_mut(dw * C)) {
        acc.iter_mut().for_each(|v| *v = 0.0);
        for (w, src) in ws.iter().zip(tmp[start * dw * C..].chunks_exact(dw * C)) {
            for (a, s) in acc.iter_mut().zip(src) {
                *a += s * w;
            }
        }
        for (px, out) in acc.chunks_exact(C).zip(out_row.chunks_exact_mut(C)) {
            let a = if alpha {
                px[C - 1].clamp(0.0, 255.0) / 255.0
            } else {
                1.0
            };
            for k in 0..C {
                let v = if alpha && k != C - 1 {
                    if a > 0.0 { px[k] / a } else { 0.0 }
                } else {
                    px[k]
                };
                out[k] = v.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    Pixels {
        width,
        height,
        channels: p.channels,
        data,
    }
}

/// For each output position, the first input position and the normalised
/// Lanczos3 weights of the inputs from there.
fn weights(src: usize, dst: usize) -> Vec<(usize, Vec<f32>)> {
    fn sinc(x: f64) -> f64 {
        if x == 0.0 {
            1.0
        } else {
            let x = x * std::f64::consts::PI;
            x.sin() / x
        }
    }
    let scale = src as f64 / dst as f64;
    let stretch = scale.max(1.0);
    let support = 3.0 * stretch;
    (0..dst)
        .map(|i| {
            let centre = (i as f64 + 0.5) * scale;
            let lo = ((centre - support).floor().max(0.0)) as usize;
            let hi = ((centre + support).ceil() as usize).min(src);
            let mut ws: Vec<f64> = (lo..hi)
                .map(|j| {
                    let x = (j as f64 + 0.5 - centre) / stretch;
                    if x.abs() < 3.0 {
                        sinc(x) * sinc(x / 3.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            let sum: f64 = ws.iter().sum();
            if sum.abs() > f64::EPSILON {
                ws.iter_mut().for_each(|w| *w /= sum);
            }
            (lo, ws.into_iter().map(|w| w as f32).collect())
        })
        .collect()
}

/// Encodes pixels in a format; `quality` (1–100) is for JPEG.
pub fn encode(p: &Pixels, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            use jpeg_encoder::{ColorType, Encoder};
            let (w, h) = (dims16(p.width)?, dims16(p.height)?);
            let enc = Encoder::new(&mut out, quality.clamp(1, 100));
            let flat;
            let (data, color) = match p.channels {
                1 => (&p.data, ColorType::Luma),
                3 => (&p.data, ColorType::Rgb),
                // JPEG has no alpha: a JPEG source never has one anyway.
                _ => {
                    flat = without_alpha(p);
                    (
                        &flat,
                        if p.channels == 2 {
                            ColorType::Luma
                        } else {
                            ColorType::Rgb
                        },
                    )
                }
            };
            enc.encode(data, w, h, color).map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let mut enc = png::Encoder::new(&mut out, p.width, p.height);
            enc.set_color(match p.channels {
                1 => png::ColorType::Grayscale,
                2 => png::ColorType::GrayscaleAlpha,
                3 => png::ColorType::Rgb,
                _ => png::ColorType::Rgba,
            });
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Balanced);
            let mut writer = enc.write_header().map_err(|e| e.to_string())?;
            writer
                .write_image_data(&p.data)
                .map_err(|e| e.to_string())?;
            writer.finish().map_err(|e| e.to_string())?;
        }
        Format::Webp => {
            use image_webp::{ColorType, WebPEncoder};
            let color = match p.channels {
                1 => ColorType::L8,
                2 => ColorType::La8,
                3 => ColorType::Rgb8,
                _ => ColorType::Rgba8,
            };
            WebPEncoder::new(&mut out)
                .encode(&p.data, p.width, p.height, color)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn dims16(n: u32) -> Result<u16, String> {
    u16::try_from(n).map_err(|_| format!("{n} pixels is too large for JPEG"))
}

fn without_alpha(p: &Pixels) -> Vec<u8> {
    let c = usize::from(p.channels);
    p.data
        .chunks_exact(c)
        .flat_map(|px| px[..c - 1].iter().copied())
        .collect()
}

/// Decodes `bytes` once and makes every variant in `wanted`, in order.
/// The pure core of [`make`]; never panics.
pub fn transform(
    bytes: &[u8],
    info: &Info,
    wanted: &[Variant],
    quality: u8,
) -> Result<Vec<Vec<u8>>, String> {
    guarded(|| {
        let pixels = decode(bytes, info)?;
        wanted
            .iter()
            .map(|v| {
                let resized;
                let p = if v.width == pixels.width && v.height == pixels.height {
                    &pixels
                } else {
                    resized = resize(&pixels, v.width, v.height);
                    &resized
                };
                encode(p, v.format, quality)
            })
            .collect()
    })
}

/// A made file: in memory (`aula serve`) or in the cache folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    Bytes(Arc<[u8]>),
    File(PathBuf),
}

/// How many variants a build encoded and how many it took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub encoded: usize,
    pub reused: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.encoded += o.encoded;
        self.reused += o.reused;
    }
}

/// Resized images kept between builds, by the hash of the source's bytes
/// and the settings: on disk under [`CACHE_DIR`] and, for `aula serve`,
/// in memory. A cache that cannot be written only costs time.
#[derive(Debug, Default)]
pub struct Cache {
    /// `None`: no disk cache.
    dir: Option<PathBuf>,
    /// `Some` when the made files are kept in memory.
    memory: Option<HashMap<String, Arc<[u8]>>>,
}

impl Cache {
    /// A cache under `root/.aula-cache/images`; `in_memory` also keeps the
    /// files in memory (for `aula serve`).
    pub fn new(root: &Path, in_memory: bool) -> Cache {
        Cache {
            dir: Some(root.join(CACHE_DIR)),
            memory: in_memory.then(HashMap::new),
        }
    }

    /// Forgets what the last build did not use, so memory cannot grow
    /// forever in a long `aula serve`.
    pub fn retain(&mut self, used: &HashSet<String>) {
        if let Some(m) = &mut self.memory {
            m.retain(|k, _| used.contains(k));
        }
    }

    fn get(&self, key: &str) -> Option<Made> {
        if let Some(bytes) = self.memory.as_ref().and_then(|m| m.get(key)) {
            return Some(Made::Bytes(Arc::clone(bytes)));
        }
        let path = self.dir.as_ref()?.join(key);
        if !path.is_file() {
            return None;
        }
        if self.memory.is_some() {
            std::fs::read(&path).ok().map(|b| Made::Bytes(b.into()))
        } else {
            Some(Made::File(path))
        }
    }

    /// Stores a made file; returns how the output should refer to it.
    fn put(&self, key: &str, bytes: Vec<u8>) -> Made {
        let file = self
            .dir
            .as_ref()
            .and_then(|dir| write_atomic(dir, key, &bytes));
        match (file, &self.memory) {
            (Some(path), None) => Made::File(path),
            _ => Made::Bytes(bytes.into()),
        }
    }

    /// Adds what a build made to the memory cache.
    pub fn remember(&mut self, made: &[(String, Made)]) {
        let Some(m) = &mut self.memory else { return };
        for (key, made) in made {
            if let Made::Bytes(b) = made {
                m.entry(key.clone()).or_insert_with(|| Arc::clone(b));
            }
        }
    }
}

/// Writes `dir/name` through a temporary file, so that a killed build
/// never leaves half a file under the name.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(name);
    let tmp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let done = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return None;
    }
    Some(path)
}

/// The cache file name of a variant of a source with these bytes.
pub fn cache_key(source: &[u8], v: &Variant, quality: u8) -> String {
    // SipHash with fixed keys: stable across runs; a new Rust release may
    // change it, which costs one rebuild of the cache, never a wrong file.
    let mut h = std::hash::DefaultHasher::new();
    CACHE_VERSION.hash(&mut h);
    source.hash(&mut h);
    let q = if v.format == Format::Jpeg { quality } else { 0 };
    format!(
        "{:016x}-{}-{}x{}-q{q}.{}",
        h.finish(),
        source.len(),
        v.width,
        v.height,
        v.format.extension()
    )
}

/// One variant of a source, made or found in the cache.
#[derive(Debug, Clone)]
pub struct Done {
    pub variant: Variant,
    /// Its cache key (file name in the cache folder).
    pub key: String,
    pub made: Made,
}

/// Every variant of the image at `path`, from the cache when it holds
/// them, else decoded once and encoded. Returns each variant with its
/// cache key and file.
pub fn make(
    path: &Path,
    info: &Info,
    wanted: &[Variant],
    quality: u8,
    cache: &Cache,
) -> Result<(Vec<Done>, Stats), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let keys: Vec<String> = wanted
        .iter()
        .map(|v| cache_key(&bytes, v, quality))
        .collect();
    let found: Vec<Option<Made>> = keys.iter().map(|k| cache.get(k)).collect();
    let missing: Vec<Variant> = wanted
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(v, _)| *v)
        .collect();
    // An image with nothing to make (smaller than every width) is still
    // decoded, so that a damaged one is found: small images decode fast.
    let check = wanted.is_empty();
    let mut fresh = if missing.is_empty() && !check {
        Vec::new()
    } else {
        transform(&bytes, info, &missing, quality)?
    }
    .into_iter();
    let mut stats = Stats::default();
    let mut out = Vec::with_capacity(wanted.len());
    for ((v, key), found) in wanted.iter().zip(keys).zip(found) {
        let made = match found {
            Some(m) => {
                stats.reused += 1;
                m
            }
            None => {
                stats.encoded += 1;
                let bytes = fresh.next().expect("one encoded file per missing variant");
                cache.put(&key, bytes)
            }
        };
        out.push(Done {
            variant: *v,
            key,
            made,
        });
    }
    Ok((out, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(width: u32, height: u32, format: Format) -> Info {
        Info {
            width,
            height,
            format,
            orientation: 1,
        }
    }

    pub(crate) fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let p = Pixels {
            width,
            height,
            channels: 3,
            data: (0..width * height * 3).map(|i| (i % 251) as u8).collect(),
        };
        encode(&p, Format::Png, 0).unwrap()
    }

    #[test]
    fn never_upscales_and_keeps_the_aspect_ratio() {
        let v = variants(&info(1000, 500, Format::Jpeg), &[480, 960, 1440]);
        let got: Vec<(u32, u32)> = v.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(got, [(480, 240), (960, 480)]);
        assert!(variants(&info(300, 300, Format::Jpeg), &[480]).is_empty());
    }

    #[test]
    fn png_gets_webp_too_and_a_full_size_webp_when_small_enough() {
        let v = variants(&info(1000, 1000, Format::Png), &[480, 1440]);
        let got: Vec<(Format, u32)> = v.iter().map(|v| (v.format, v.width)).collect();
        assert_eq!(
            got,
            [
                (Format::Png, 480),
                (Format::Webp, 480),
                (Format::Webp, 1000)
            ]
        );
        let big = variants(&info(3000, 1000, Format::Png), &[480]);
        assert_eq!(big.len(), 2, "{big:?}");
        assert!(variants(&info(200, 100, Format::Png), &[480]).is_empty());
    }

    #[test]
    fn variant_names_sit_next_to_the_source() {
        let v = Variant {
            format: Format::Webp,
            width: 480,
            height: 10,
        };
        assert_eq!(variant_path("img/plan.png", &v), "img/plan-480w.webp");
        assert_eq!(variant_path("a.b/plan", &v), "a.b/plan-480w.webp");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x89PNG\r\n\x1a\n",
            b"\xFF\xD8\xFF\xE0garbage",
            b"GIF89a",
        ] {
            assert!(probe(bytes).is_err());
        }
        let good = png_bytes(40, 20);
        let i = probe(&good).unwrap();
        assert_eq!((i.width, i.height), (40, 20));
        let cut = &good[..good.len() / 2];
        let v = variants(&i, &[10]);
        assert!(transform(cut, &i, &v, 80).is_err());
    }

    #[test]
    fn made_files_have_the_stated_size() {
        let bytes = png_bytes(100, 50);
        let i = probe(&bytes).unwrap();
        let v = variants(&i, &[30, 60]);
        let out = transform(&bytes, &i, &v, 80).unwrap();
        for (v, file) in v.iter().zip(&out) {
            if v.format == Format::Png {
                let back = probe(file).unwrap();
                assert_eq!((back.width, back.height), (v.width, v.height));
            } else {
                assert!(file.starts_with(b"RIFF"), "{v:?}");
            }
        }
    }

    #[test]
    fn resizing_a_flat_image_keeps_its_colour_on_both_paths() {
        for (w, h, to) in [(100, 60, 50), (2000, 1000, 480)] {
            let p = Pixels {
                width: w,
                height: h,
                channels: 4,
                data: [10u8, 200, 30, 255].repeat((w * h) as usize),
            };
            let r = resize(&p, to, to * h / w);
            assert_eq!((r.width, r.height), (to, to * h / w));
            assert!(
                r.data.chunks_exact(4).all(|px| px == [10, 200, 30, 255]),
                "{w}"
            );
        }
    }

    #[test]
    fn exif_orientation_is_read_and_applied() {
        // Little-endian TIFF header, IFD0 at 8 with one entry: 0x0112 = 6.
        let mut exif = b"II*\0\x08\0\0\0\x01\0".to_vec();
        exif.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        assert_eq!(exif_orientation(&exif), 6);
        assert_eq!(exif_orientation(b"II*\0\xff\xff\xff\xff"), 1);
        // 2x1 image [a b] rotated 90° clockwise is 1x2 [a; b].
        let p = Pixels {
            width: 2,
            height: 1,
            channels: 1,
            data: vec![1, 2],
        };
        let r = orient(p, 6);
        assert_eq!((r.width, r.height, r.data), (1, 2, vec![1, 2]));
    }
}
