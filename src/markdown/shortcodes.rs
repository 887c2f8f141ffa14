//! Shortcodes, in Zola's syntax: `{{ name(arg="…") }}` inline and
//! `{% name(arg="…") %}` … `{% end %}` around Markdown. Each is a template
//! `templates/shortcodes/<name>.html` of the theme or the site; the caller
//! renders it ([`Shortcodes::render`]), this module finds the calls and
//! checks them.
//!
//! `expand` runs before Markdown is parsed: it finds every `{{ … }}` and
//! `{% … %}` outside code spans and blocks (those are never touched),
//! renders each call (a body as Markdown first, with the page's options),
//! and puts a placeholder in its place that keeps the line count, so that
//! positions of everything after it stay right. The renderer swaps the
//! placeholders for the output, closing the paragraph around a block.
//! Anything else in those brackets is another generator's syntax (Liquid,
//! Hugo): a warning that says what to write instead (see `super::lint`).
//!
//! Arguments that name a file (`src`, `poster`, `image`, `file`) are local
//! assets like an image's: checked, copied, and their size given to the
//! template; URL arguments are refused if they would run script. An
//! unknown shortcode or arguments that do not parse are errors. It must
//! never panic, nor recurse without bound.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::{Map, Value};

use super::links::{check_asset_path, local_asset_path};
use super::locator::Locator;
use super::safety::dangerous_scheme;
use super::{AssetRef, MarkdownError, MarkdownWarning, Options, Rendered, vault};
use crate::diagnostic::Kind;

/// Renders shortcode `call.name` with `call.context`; `Err` is a message.
pub type Render<'a> = &'a (dyn Fn(&Call) -> Result<String, String> + Sync);

/// The shortcodes a page may use.
#[derive(Clone, Copy)]
pub struct Shortcodes<'a> {
    /// Known names, sorted.
    pub names: &'a [String],
    pub render: Render<'a>,
    /// How deep in shortcode bodies the text being rendered is.
    pub depth: u8,
}

fn render_none(call: &Call) -> Result<String, String> {
    Err(format!("no shortcode `{}`", call.name))
}

impl Shortcodes<'_> {
    /// No shortcodes at all.
    pub const NONE: Shortcodes<'static> = Shortcodes {
        names: &[],
        render: &render_none,
        depth: 0,
    };
}

/// One call, as the template sees it: its arguments, and `body` (rendered
/// HTML), `lang`, `files` (per file argument: `bytes`, `size` as text,
/// `width`, `height`) and `hosts` (per `http(s)` URL argument, its host).
#[derive(Debug)]
pub struct Call<'c> {
    pub name: &'c str,
    pub context: &'c Map<String, Value>,
}

/// A call's output and whether it is a block (never inside a `<p>`).
#[derive(Debug, Clone)]
pub(super) struct Output {
    pub(super) html: String,
    pub(super) block: bool,
}

/// Shortcode bodies may nest this deep.
const MAX_DEPTH: u8 = 8;

/// Arguments that name a local file or a URL.
const FILE_ARGS: [&str; 4] = ["src", "poster", "image", "file"];
const URL_ARGS: [&str; 5] = ["url", "href", "link", "source", "player"];

/// The body with its shortcodes replaced by placeholders.
pub(super) struct Expanded<'b> {
    pub(super) text: Cow<'b, str>,
    pub(super) outputs: Vec<Output>,
    /// What rendering the calls and their bodies found: errors, warnings,
    /// assets, links, words.
    pub(super) found: Rendered,
}

/// Finds and renders the shortcodes of `body` (see the module docs).
pub(super) fn expand<'b>(body: &'b str, opts: &Options) -> Expanded<'b> {
    let mut ex = Expanded {
        text: Cow::Borrowed(body),
        outputs: Vec::new(),
        found: Rendered::default(),
    };
    if !body.contains("{{") && !body.contains("{%") {
        return ex;
    }
    let code = code_ranges(body);
    let mut locator = Locator::new(body, opts.first_line);
    let mut text = String::with_capacity(body.len());
    let mut copied = 0;
    let mut pos = 0;
    while let Some(tag) = next_tag(body, pos, &code) {
        let (extent, html) = call_at(&tag, body, &code, opts, &mut locator, &mut ex.found);
        pos = extent.end;
        let Some(html) = html else { continue };
        // The call becomes a marker the renderer swaps for its HTML, with
        // the call's line breaks kept so later lines keep their numbers.
        text.push_str(&body[copied..extent.start]);
        text.push_str(&vault::call_marker(ex.outputs.len()));
        let lines = body[extent.clone()].matches('\n').count();
        text.push_str(&"\n".repeat(lines));
        copied = extent.end;
        ex.outputs.push(Output {
            block: is_block(&html),
            html,
        });
    }
    if copied > 0 {
        text.push_str(&body[copied..]);
        ex.text = Cow::Owned(text);
    }
    ex
}

/// The call `tag` makes: what it spans (up to its `{% end %}` when it has
/// a body, so the body is not searched again) and its HTML, or `None`
/// when it is not a shortcode (a warning) or a wrong one (an error), both
/// recorded in `found`.
fn call_at(
    tag: &TagAt,
    body: &str,
    code: &[Range<usize>],
    opts: &Options,
    locator: &mut Locator,
    found: &mut Rendered,
) -> (Range<usize>, Option<String>) {
    let mut extent = tag.range.clone();
    let inner = body[tag.inner.clone()].trim();
    let (line, column) = locator.position(tag.range.start);
    let error = |message: String, help: String| MarkdownError {
        line,
        column,
        message,
        help,
    };
    let foreign = || {
        let (message, help) = super::lint::foreign(&body[tag.range.clone()], opts.shortcodes.names);
        warning(line, column, message, help)
    };
    if tag.hugo {
        found.warnings.push(foreign());
        return (extent, None);
    }
    let (name, args) = match parse_call(inner) {
        Shape::Foreign if tag.block && inner == "end" => {
            found.errors.push(error(
                "`{% end %}` closes no shortcode".to_owned(),
                "a body shortcode opens with `{% name(…) %}`; remove this line or add its opening"
                    .to_owned(),
            ));
            return (extent, None);
        }
        Shape::Foreign => {
            found.warnings.push(foreign());
            return (extent, None);
        }
        Shape::Broken(message) => {
            found.errors.push(error(
                format!("shortcode arguments do not parse: {message}"),
                "write arguments as name=value, separated by commas: strings in double quotes, \
                 numbers, true/false or [lists]: `{{ video(src=\"a.mp4\", duration=\"3:20\") }}`"
                    .to_owned(),
            ));
            return (extent, None);
        }
        Shape::Call(name, args) => (name, args),
    };
    let mut inner_body = None;
    if tag.block {
        let Some(end) = matching_end(body, tag.range.end, code) else {
            found.errors.push(error(
                format!("shortcode `{name}` has no `{{% end %}}`"),
                format!(
                    "close its body with `{{% end %}}` on a line of its own, or write it inline as `{{{{ {name}(…) }}}}` if it takes no body"
                ),
            ));
            return (extent, None);
        };
        inner_body = Some(tag.range.end..end.start);
        extent.end = end.end;
    }
    if !opts.shortcodes.names.contains(&name) {
        found.errors.push(error(
            format!("unknown shortcode `{name}`"),
            unknown_help(&name, opts.shortcodes.names),
        ));
        return (extent, None);
    }
    let Some(context) = call_context(
        &name,
        args,
        inner_body.map(|r| (r, body)),
        opts,
        line,
        column,
        found,
        locator,
    ) else {
        return (extent, None);
    };
    let call = Call {
        name: &name,
        context: &context,
    };
    match (opts.shortcodes.render)(&call) {
        Ok(html) => (extent, Some(html)),
        Err(message) => {
            found.errors.push(error(
                format!("shortcode `{name}` failed: {message}"),
                format!("check the arguments, and templates/shortcodes/{name}.html"),
            ));
            (extent, None)
        }
    }
}

/// The help of an unknown shortcode `name`: the closest of `names`, and
/// all of them.
fn unknown_help(name: &str, names: &[String]) -> String {
    let known = if names.is_empty() {
        "this site has none".to_owned()
    } else {
        format!("known shortcodes: {}", names.join(", "))
    };
    let hint = crate::diagnostic::did_you_mean(name, names.iter().map(String::as_str))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!(
        "{hint}{known}; a shortcode is a template in templates/shortcodes/<name>.html of the site or theme"
    )
}

fn warning(line: usize, column: usize, message: String, help: String) -> MarkdownWarning {
    MarkdownWarning {
        kind: Kind::ForeignSyntax,
        line,
        column,
        message,
        help,
    }
}

/// What a template gets for one call (see [`Call`]); `None` when an
/// argument was refused (the error is recorded).
#[allow(clippy::too_many_arguments)]
fn call_context(
    name: &str,
    args: Map<String, Value>,
    body: Option<(Range<usize>, &str)>,
    opts: &Options,
    line: usize,
    column: usize,
    found: &mut Rendered,
    locator: &mut Locator,
) -> Option<Map<String, Value>> {
    let (files, hosts) = checked_args(name, &args, opts, line, column, found)?;
    let mut context = args;
    if let Some((range, source)) = body {
        if opts.shortcodes.depth >= MAX_DEPTH {
            found.errors.push(MarkdownError {
                line,
                column,
                message: format!("shortcode `{name}` is nested more than {MAX_DEPTH} deep"),
                help: "close the shortcodes opened before it with `{% end %}`".to_owned(),
            });
            return None;
        }
        let (body_line, _) = locator.position(range.start);
        let nested = Options {
            first_line: body_line,
            shortcodes: Shortcodes {
                depth: opts.shortcodes.depth + 1,
                ..opts.shortcodes
            },
            // A body repeats no page title.
            title: "",
            ..*opts
        };
        let rendered = super::render(&source[range], &nested);
        context.insert("body".into(), Value::String(rendered.html.clone()));
        found.merge(rendered);
    }
    context.insert("lang".into(), Value::String(opts.lang.to_owned()));
    context.insert("files".into(), Value::Object(files));
    context.insert("hosts".into(), Value::Object(hosts));
    Some(context)
}

/// A call's file and address arguments, checked: `files` (what the
/// template may show of each file argument that names a file of the
/// site) and `hosts` (the host of each web address). `None` when one was
/// refused; every refusal is recorded, not only the first.
fn checked_args(
    name: &str,
    args: &Map<String, Value>,
    opts: &Options,
    line: usize,
    column: usize,
    found: &mut Rendered,
) -> Option<(Map<String, Value>, Map<String, Value>)> {
    let mut files = Map::new();
    let mut hosts = Map::new();
    let mut ok = true;
    let mut refuse = |message: String, help: String| {
        found.errors.push(MarkdownError {
            line,
            column,
            message,
            help,
        });
    };
    let mut assets = Vec::new();
    for (key, value) in args {
        let Value::String(v) = value else { continue };
        let is_file = FILE_ARGS.contains(&key.as_str());
        if is_file || URL_ARGS.contains(&key.as_str()) || key.ends_with("_url") {
            if let Some(scheme) = dangerous_scheme(v) {
                refuse(
                    format!("shortcode `{name}`: `{key}` is a `{scheme}` URL"),
                    "such a URL can run code in the reader's browser; give an https:// address or a file next to the page".to_owned(),
                );
                ok = false;
                continue;
            }
            if let Some(host) = http_host(v) {
                hosts.insert(key.clone(), Value::String(host));
            }
        }
        let Some(path) = is_file.then(|| local_asset_path(v)).flatten() else {
            continue;
        };
        if let Err((message, help)) = check_asset_path(&path) {
            refuse(message, help);
            ok = false;
            continue;
        }
        let path = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect::<Vec<_>>()
            .join("/");
        if path.is_empty() {
            continue;
        }
        if let Some(info) = (opts.media)(&path) {
            files.insert(key.clone(), file_value(&path, &info, opts.lang));
        }
        assets.push(AssetRef { path, line, column });
    }
    found.assets.extend(assets);
    ok.then_some((files, hosts))
}

/// What a template sees of a file argument: its size in bytes and for
/// people, its type, and its pixels when it is an image.
fn file_value(path: &str, info: &super::FileInfo, lang: &str) -> Value {
    let mut file = Map::new();
    file.insert("bytes".into(), info.bytes.into());
    file.insert(
        "size".into(),
        crate::text::human_bytes(info.bytes, lang).into(),
    );
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    file.insert("type".into(), ext.to_ascii_uppercase().into());
    if let Some((w, h)) = info.size {
        file.insert("width".into(), w.into());
        file.insert("height".into(), h.into());
    }
    Value::Object(file)
}

/// `https://www.example.org/x` → `www.example.org`.
fn http_host(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

/// Whether a shortcode's output is a block (it must not sit in a `<p>`).
fn is_block(html: &str) -> bool {
    const BLOCKS: [&str; 24] = [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "ol",
        "p",
        "section",
        "table",
    ];
    let t = html.trim_start();
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCKS.contains(&name.as_str())
        || ["ul", "pre", "video", "audio", "nav"].contains(&name.as_str())
}

/// Byte ranges of code spans and code blocks, sorted.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new_ext(body, super::cmark_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

fn in_code(at: usize, code: &[Range<usize>]) -> bool {
    let i = code.partition_point(|r| r.end <= at);
    code.get(i).is_some_and(|r| r.start <= at)
}

/// A `{{ … }}`, `{% … %}`, `{{< … >}}` or `{{% … %}}` in the body.
struct TagAt {
    range: Range<usize>,
    inner: Range<usize>,
    /// `{% … %}`.
    block: bool,
    hugo: bool,
}

/// The next tag at or after `from`, outside code. A tag does not cross a
/// blank line, and is at most 4 KB long.
fn next_tag(body: &str, mut from: usize, code: &[Range<usize>]) -> Option<TagAt> {
    loop {
        let at = from + body.get(from..)?.find('{')?;
        from = at + 1;
        let rest = &body[at..];
        let (open, close, block, hugo) = if rest.starts_with("{{<") {
            ("{{<", ">}}", false, true)
        } else if rest.starts_with("{{%") {
            ("{{%", "%}}", false, true)
        } else if rest.starts_with("{{") {
            ("{{", "}}", false, false)
        } else if rest.starts_with("{%") {
            ("{%", "%}", true, false)
        } else {
            continue;
        };
        if in_code(at, code) {
            continue;
        }
        let window = &rest[..rest.len().min(4096)];
        let window = match window.find("\n\n").or_else(|| window.find("\n\r\n")) {
            Some(blank) => &window[..blank],
            None => window,
        };
        let Some(end) = window[open.len()..].find(close) else {
            continue;
        };
        let inner_start = at + open.len();
        let inner_end = inner_start + end;
        return Some(TagAt {
            range: at..inner_end + close.len(),
            inner: inner_start..inner_end,
            block,
            hugo,
        });
    }
}

/// The `{% end %}` that closes a body opened just before `from`, counting
/// nested body shortcodes.
fn matching_end(body: &str, mut from: usize, code: &[Range<usize>]) -> Option<Range<usize>> {
    let mut depth = 0usize;
    while let Some(tag) = next_tag(body, from, code) {
        from = tag.range.end;
        if !tag.block || tag.hugo {
            continue;
        }
        let inner = body[tag.inner.clone()].trim();
        if inner == "end" {
            if depth == 0 {
                return Some(tag.range);
            }
            depth -= 1;
        } else if matches!(parse_call(inner), Shape::Call(..)) {
            depth += 1;
        }
    }
    None
}

/// What the inside of a tag is.
#[derive(Debug, PartialEq)]
enum Shape {
    /// `name(args)`.
    Call(String, Map<String, Value>),
    /// `name(` but the arguments do not parse.
    Broken(String),
    /// Not a call: another generator's syntax.
    Foreign,
}

fn parse_call(inner: &str) -> Shape {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Shape::Foreign;
    }
    let Some(args) = inner[name_len..].trim_start().strip_prefix('(') else {
        return Shape::Foreign;
    };
    let mut p = ArgParser { s: args, pos: 0 };
    match p.args() {
        Ok(map) => Shape::Call(name.to_owned(), map),
        Err(e) => Shape::Broken(e),
    }
}

/// A small recursive-descent parser for `key=value, …)`.
struct ArgParser<'s> {
    s: &'s str,
    pos: usize,
}

impl ArgParser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn args(&mut self) -> Result<Map<String, Value>, String> {
        let mut map = Map::new();
        loop {
            if self.eat(')') {
                break;
            }
            self.skip_ws();
            let key_len = self
                .rest()
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(self.rest().len());
            if key_len == 0 {
                return Err(match self.rest().chars().next() {
                    Some(c) => format!("expected an argument name, found `{c}`"),
                    None => "missing `)`".to_owned(),
                });
            }
            let key = self.rest()[..key_len].to_owned();
            self.pos += key_len;
            if !self.eat('=') {
                return Err(format!("expected `=` after `{key}`"));
            }
            let value = self.value(0)?;
            if map.insert(key.clone(), value).is_some() {
                return Err(format!("`{key}` is given twice"));
            }
            if self.eat(',') {
                continue;
            }
            if self.eat(')') {
                break;
            }
            return Err(match self.rest().chars().next() {
                Some(c) => format!("expected `,` or `)`, found `{c}`"),
                None => "missing `)`".to_owned(),
            });
        }
        self.skip_ws();
        if self.rest().is_empty() {
            Ok(map)
        } else {
            Err(format!("unexpected `{}` after `)`", self.rest()))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        self.skip_ws();
        let s = self.s;
        let rest = &s[self.pos..];
        let Some(first) = rest.chars().next() else {
            return Err("missing value".to_owned());
        };
        match first {
            '"' | '\'' | '`' => {
                let mut out = String::new();
                let mut chars = rest[1..].char_indices();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' if first != '`' => match chars.next() {
                            Some((_, 'n')) => out.push('\n'),
                            Some((_, 't')) => out.push('\t'),
                            Some((_, e)) => out.push(e),
                            None => break,
                        },
                        c if c == first => {
                            self.pos += 1 + i + c.len_utf8();
                            return Ok(Value::String(out));
                        }
                        c => out.push(c),
                    }
                }
                Err("a string is not closed".to_owned())
            }
            '[' if depth < 4 => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(']') {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                    if !self.eat(',') {
                        if self.eat(']') {
                            return Ok(Value::Array(items));
                        }
                        return Err("expected `,` or `]` in a list".to_owned());
                    }
                }
            }
            _ => {
                let len = rest
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
                    })
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                self.pos += len;
                match word {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    _ => {
                        if let Ok(n) = word.parse::<i64>() {
                            Ok(Value::from(n))
                        } else if let Some(n) = word
                            .parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                        {
                            Ok(Value::Number(n))
                        } else if word.is_empty() {
                            Err(format!("expected a value, found `{first}`"))
                        } else {
                            Err(format!(
                                "`{word}` is not a value: put text in double quotes"
                            ))
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse() {
        let Shape::Call(name, args) = parse_call(
            "video(src=\"a \\\"b\\\".mp4\", n=3, x=-1.5, ok=true, list=['a', 2,], t=`r\\aw`)",
        ) else {
            panic!("a call")
        };
        assert_eq!(name, "video");
        assert_eq!(
            Value::Object(args).to_string(),
            r#"{"list":["a",2],"n":3,"ok":true,"src":"a \"b\".mp4","t":"r\\aw","x":-1.5}"#
        );
        assert_eq!(parse_call("note()"), Shape::Call("note".into(), Map::new()));
        for foreign in [
            "include figure.html",
            "page.title",
            "site.baseurl | x",
            "end",
            "",
            "(x)",
        ] {
            assert_eq!(parse_call(foreign), Shape::Foreign, "{foreign}");
        }
        for broken in [
            "video(src=\"a.mp4\"",
            "video(src=a.mp4)",
            "video(src)",
            "video(src=\"a\" poster=\"b\")",
            "video(src=\"a\", src=\"b\")",
            "video(src=\"a) }}",
            "video() extra",
            "video(l=[[[[[[1]]]]]])",
        ] {
            assert!(matches!(parse_call(broken), Shape::Broken(_)), "{broken}");
        }
    }

    #[test]
    fn hosts_of_http_urls() {
        assert_eq!(
            http_host("https://user@www.YouTube.com:443/watch?v=x").as_deref(),
            Some("www.youtube.com")
        );
        assert_eq!(http_host("ftp://x"), None);
    }

    #[test]
    fn tags_skip_code_and_blank_lines() {
        let body = "`{{ a() }}` and\n\n```\n{% b() %}\n```\n{{ c(\n\n) }} {% d() %}";
        let code = code_ranges(body);
        let tag = next_tag(body, 0, &code).expect("d");
        assert_eq!(&body[tag.range], "{% d() %}");
    }
}
