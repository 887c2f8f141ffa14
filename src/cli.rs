//! The command line: parses arguments, runs a command, prints diagnostics
//! and a one-line summary, and owns the exit code policy:
//! 0 success, 1 build or check failure, 2 usage error.

use crate::build::{self, Options};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outputs::budget::Gzip;
use crate::site::LinkStyle;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "aula",
    bin_name = "aula",
    version,
    about = "Build a static, multilingual open course campus from Markdown"
)]
pub struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more detail (the time of each build stage).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically replaced).
    Build {
        /// Folder holding aula.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// How links to pages are written: `file` (cursos/x/index.html)
        /// works on every host and opened from disk; `dir` (cursos/x/)
        /// gives shorter addresses on a web server.
        #[arg(long, value_enum, default_value_t = Links::File)]
        links: Links,
        /// Treat every warning as an error: exit 1 and write nothing.
        #[arg(long)]
        strict: bool,
        /// Also write every page's weight (HTML, CSS, images; raw, gzip,
        /// brotli) as JSON to FILE (not into the output folder).
        #[arg(long, value_name = "FILE")]
        budget_report: Option<PathBuf>,
    },
    /// Validate everything a build validates, without writing.
    Check {
        /// Folder holding aula.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also report which translations are up to date, outdated or missing.
        #[arg(long)]
        translations: bool,
        /// Treat every warning as an error (exit 1); with --translations,
        /// also fail when a translation is outdated or missing.
        #[arg(long)]
        strict: bool,
        /// Fail (exit 1) when a page is over a limit of [budget] in
        /// aula.toml; with --format json, also report every page's weight.
        #[arg(long)]
        budget: bool,
    },
    /// Print the hash a translation of PATH records in `translation_of`.
    TranslationHash {
        /// The source page, e.g. content/courses/x/01-a.es.md.
        path: PathBuf,
        /// Folder holding aula.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new three-language campus in DIR.
    New {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
        /// Also copy the default theme into themes/default/ to customise it.
        #[arg(long)]
        with_theme: bool,
    },
    /// Serve the site from memory and reload pages as you edit.
    Serve {
        /// Folder holding aula.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on; when taken, the next free one is used
        /// (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Any other than 127.0.0.1 makes the site
        /// readable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Internal: removes the site a finished `aula build` (process PID)
    /// replaced in OUTPUT, so that build need not wait for it.
    #[command(hide = true)]
    RemoveOldSite { output: PathBuf, pid: u32 },
}

/// The hidden command [`Command::RemoveOldSite`], as `aula build` runs it.
const REMOVE_OLD_SITE: &str = "remove-old-site";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Links {
    Dir,
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The command line's definition: subcommands and flags, for `--help` and
/// for the test that keeps the docs in step.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Runs aula with the process arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(run(cli))
}

fn run(cli: Cli) -> u8 {
    let (quiet, verbose) = (cli.quiet, cli.verbose);
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            links,
            strict,
            budget_report,
        } => {
            let links = match links {
                Links::Dir => LinkStyle::Directory,
                Links::File => LinkStyle::File,
            };
            let opts = Options {
                root,
                output,
                drafts,
                links,
                write: true,
                strict,
                budget_gzip: if budget_report.is_some() {
                    Gzip::Measure
                } else {
                    Gzip::Skip
                },
            };
            run_build(&opts, budget_report.as_deref(), quiet, verbose)
        }
        Command::Check {
            root,
            drafts,
            format,
            translations,
            strict,
            budget,
        } => {
            let opts = Options {
                root,
                drafts,
                budget_gzip: if budget { Gzip::Measure } else { Gzip::Skip },
                ..Options::default()
            };
            let report = CheckReport {
                format,
                translations,
                strict,
                budget,
            };
            run_check(&opts, report, quiet)
        }
        Command::TranslationHash { path, root } => match translation_hash(&root, &path) {
            Ok(hash) => {
                println!("{hash}");
                0
            }
            Err(d) => {
                print_diagnostics(&d, false);
                1
            }
        },
        Command::Serve {
            root,
            port,
            bind,
            drafts,
        } => {
            let opts = Options {
                root,
                drafts,
                write: false,
                ..Options::default()
            };
            serve(opts, bind, port, quiet, verbose)
        }
        Command::New { dir, with_theme } => run_new(&dir, with_theme, quiet),
        Command::RemoveOldSite { output, pid } => {
            crate::output::remove_old_site(&output, pid);
            0
        }
    }
}

/// `aula build`.
fn run_build(
    opts: &Options,
    budget_report: Option<&std::path::Path>,
    quiet: bool,
    verbose: bool,
) -> u8 {
    match with_progress(!quiet, || build::build(opts)) {
        Ok(mut report) => {
            print_diagnostics(&report.warnings, quiet);
            if let Some(path) = budget_report {
                let json = serde_json::to_string_pretty(&report.budget).unwrap_or_default();
                if let Err(e) = std::fs::write(path, json + "\n") {
                    print_diagnostics(
                        &[
                            Diagnostic::error(format!("cannot write the budget report: {e}"))
                                .file(path)
                                .help("choose a --budget-report path in a folder you can write to"),
                        ],
                        false,
                    );
                    return 1;
                }
            }
            if verbose {
                for stage in &report.stages {
                    eprintln!("{}", stage.line());
                }
                let images = report.images;
                eprintln!(
                    "images: {} resized, {} from the cache",
                    images.encoded, images.reused
                );
            }
            if !quiet && report.fallback_pages > 0 {
                eprintln!(
                    "{} page{} shown in a fallback language with a notice; `aula check --translations` lists them",
                    report.fallback_pages,
                    if report.fallback_pages == 1 { "" } else { "s" }
                );
            }
            if let Some(line) = report.budget.summary().filter(|_| !quiet) {
                eprintln!("{line}");
            }
            if !quiet {
                eprintln!(
                    "{} into {} in {:.2} s",
                    report.summary(),
                    report.output.display(),
                    report.elapsed.as_secs_f64()
                );
            }
            // The new site is in place: the old one is removed by a process
            // of its own, which this one does not wait for. A leftover of an
            // earlier build is a warning; the build succeeded.
            if let Some(cleanup) = report.cleanup.take() {
                let warnings = match std::env::current_exe() {
                    Ok(aula) => cleanup.detach(&aula, &[REMOVE_OLD_SITE]),
                    Err(_) => cleanup.finish(),
                };
                print_diagnostics(&warnings, quiet);
            }
            0
        }
        Err(errors) => {
            print_diagnostics(&errors, quiet);
            eprintln!(
                "build failed: {}; the previous output was left untouched",
                count(&errors)
            );
            1
        }
    }
}

/// What `aula check` reports beyond diagnostics, and how.
struct CheckReport {
    format: Format,
    translations: bool,
    strict: bool,
    budget: bool,
}

/// `aula check`.
fn run_check(opts: &Options, how: CheckReport, quiet: bool) -> u8 {
    let result = build::build(opts);
    let (mut diags, mut ok) = match &result {
        Ok(r) => (r.warnings.clone(), true),
        Err(e) => (e.clone(), false),
    };
    // --strict: every warning is an error. The build itself ran without it,
    // so that the translation report is still there to print.
    if how.strict && diags.iter().any(|d| !d.is_error()) {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
        ok = false;
    }
    let diags = diags.as_slice();
    let status = result
        .as_ref()
        .ok()
        .filter(|_| how.translations)
        .map(|r| &r.translations);
    let failed_strict = how.strict && status.is_some_and(|s| s.has_work());
    let budget = result
        .as_ref()
        .ok()
        .filter(|_| how.budget)
        .map(|r| &r.budget);
    let over_budget = budget.map_or(0, |b| b.over().count());
    if how.format == Format::Json {
        println!(
            "{}",
            json_report(diags, ok && over_budget == 0, status, budget)
        );
    } else {
        if let Some(s) = status {
            print!("{}", s.text());
        }
        print_diagnostics(diags, quiet);
        if let Some(line) = budget.and_then(|b| b.summary()).filter(|_| !quiet) {
            eprintln!("{line}");
        }
        if over_budget > 0 {
            eprintln!(
                "check failed: {over_budget} page{} over budget (see the warnings above)",
                if over_budget == 1 { "" } else { "s" }
            );
            return 1;
        }
        if ok && !quiet {
            let with = if diags.is_empty() {
                String::new()
            } else {
                format!(" with {}", count(diags))
            };
            eprintln!("check passed{with}");
        } else if !ok {
            eprintln!("check failed: {}", count(diags));
        }
    }
    if ok && !failed_strict && over_budget == 0 {
        0
    } else {
        1
    }
}

/// `aula new`.
fn run_new(dir: &std::path::Path, with_theme: bool, quiet: bool) -> u8 {
    match crate::scaffold::create(dir, with_theme) {
        Ok(n) => {
            if !quiet {
                eprintln!(
                    "created a new campus in {} ({n} files); next: cd {} && aula build",
                    dir.display(),
                    dir.display()
                );
            }
            0
        }
        Err(d) => {
            print_diagnostics(&[d], false);
            1
        }
    }
}

#[cfg(feature = "serve")]
fn serve(build: Options, bind: std::net::IpAddr, port: u16, quiet: bool, verbose: bool) -> u8 {
    let opts = crate::serve::Options {
        build,
        bind,
        port,
        quiet,
        verbose,
    };
    match crate::serve::run(opts) {
        Ok(()) => 0,
        Err(errors) => {
            print_diagnostics(&errors, false);
            eprintln!("serve failed: {}", count(&errors));
            1
        }
    }
}

#[cfg(not(feature = "serve"))]
fn serve(_: Options, _: std::net::IpAddr, _: u16, _: bool, _: bool) -> u8 {
    print_diagnostics(
        &[Diagnostic::error("`aula serve` is not available: this aula was built without the `serve` feature")
            .help("build aula with its default features, e.g. `cargo install --path .` or `cargo build --features serve`")],
        false,
    );
    1
}

/// Runs `work`, showing an elapsed-time line on stderr if it takes more
/// than a second and stderr is a terminal; the line is erased at the end.
fn with_progress<T>(enabled: bool, work: impl FnOnce() -> T) -> T {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    if !enabled || !std::io::stderr().is_terminal() {
        return work();
    }
    let done = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|scope| {
        let ticker = scope.spawn(|| {
            let mut shown = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = start.elapsed();
                if elapsed >= Duration::from_secs(1) && !done.load(Ordering::Relaxed) {
                    eprint!("\rbuilding… {:.1} s", elapsed.as_secs_f64());
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[2K");
            }
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        let _ = ticker.join();
        result
    })
}

fn count(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn print_diagnostics(diags: &[Diagnostic], quiet: bool) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for d in diags {
        if quiet && d.severity == Severity::Warning {
            continue;
        }
        let _ = writeln!(out, "{d}");
    }
}

/// The `--format json` report: stable keys, one object per diagnostic.
/// The hash of the page in `path` (relative to the current folder or to
/// `root`), computed from the parsed page exactly as the build does.
fn translation_hash(
    root: &std::path::Path,
    path: &std::path::Path,
) -> Result<String, Vec<Diagnostic>> {
    let config = crate::config::Config::load(root)?;
    let content = crate::content::load(&config, true)?;
    // The file as given, else relative to the root. Two paths that both
    // fail to resolve must not count as equal.
    let target = std::fs::canonicalize(path)
        .or_else(|_| std::fs::canonicalize(root.join(path)))
        .ok();
    let wanted = |p: &std::path::Path| {
        target.is_some() && std::fs::canonicalize(root.join(p)).ok() == target
    };
    content
        .documents
        .iter()
        .find(|d| wanted(&d.path))
        .map(|d| crate::translations::source_hash(&d.front, d.body()))
        .ok_or_else(|| {
            vec![
                Diagnostic::error(format!("{} is not a page of this site", path.display())).help(
                    "pass the path of a Markdown file under content/, e.g. content/about.es.md",
                ),
            ]
        })
}

fn json_report(
    diags: &[Diagnostic],
    ok: bool,
    translations: Option<&crate::translations::Report>,
    budget: Option<&crate::outputs::budget::Report>,
) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "kind": d.kind.name(),
                "message": d.headline(),
                "file": d.file.as_deref().map(crate::diagnostic::slashed),
                "line": d.line,
                "column": d.column,
                "help": d.help,
            })
        })
        .collect();
    let mut report = serde_json::json!({ "ok": ok, "diagnostics": items });
    if let Some(t) = translations {
        report["translations"] = serde_json::to_value(t).unwrap_or_default();
    }
    if let Some(b) = budget {
        report["budget"] = serde_json::to_value(b).unwrap_or_default();
    }
    serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into())
}
