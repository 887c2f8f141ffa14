//! The docs and the binary agree, where that can be checked mechanically:
//! every key of `aula.toml` and of each kind's front matter is documented,
//! and every documented key exists (the key tables of
//! docs/configuration.md and the kind matrix of docs/authoring.md are
//! parsed and compared with the schemas); every subcommand has a section
//! in docs/ that names each of its flags.

use aula::config::Config;
use aula::content::front::Schema;
use aula::content::kinds::KINDS;
use std::collections::BTreeSet;
use std::path::Path;

fn doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first cell of each row of the Markdown table right below the
/// heading `heading`, without backticks and table brackets.
fn table_keys(text: &str, heading: &str) -> Vec<String> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("heading {heading:?} not found"));
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| l.split('|').nth(1))
        .map(|cell| {
            cell.trim()
                .trim_matches('`')
                .trim_matches(['[', ']'])
                .to_string()
        })
        .collect()
}

#[test]
fn every_config_key_is_documented_and_every_documented_key_exists() {
    let text = doc("configuration.md");
    for (table, keys) in Config::schema() {
        for key in keys {
            let forms = [
                format!("`{key}`"),
                format!("{key} = "),
                format!("[{key}]"),
                format!("[{key}."),
                format!(".{key}]"),
            ];
            assert!(
                forms.iter().any(|f| text.contains(f.as_str())),
                "aula.toml key `{key}` of [{table}] is not in docs/configuration.md"
            );
        }
    }
    let schema = Config::schema();
    let accepted = |table: &str| -> BTreeSet<&str> {
        schema
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, k)| k.iter().copied().collect())
            .unwrap_or_default()
    };
    for key in table_keys(&text, "### Top-level keys") {
        let base = key.split('.').next().unwrap_or(&key).to_string();
        assert!(
            accepted("").contains(base.as_str()),
            "docs/configuration.md documents a top-level key `{key}` that aula.toml does not accept"
        );
    }
    for key in table_keys(&text, "### `[languages.<code>]`") {
        assert!(
            accepted("languages.<code>").contains(key.as_str()),
            "docs/configuration.md documents `{key}` in [languages.<code>], which aula.toml does not accept"
        );
    }
}

#[test]
fn the_front_matter_matrix_matches_every_kind_schema() {
    let text = doc("authoring.md");
    let start = text.find("### Keys per kind").expect("the matrix heading");
    let rows: Vec<&str> = text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let header: Vec<String> = rows[0].split('|').map(|c| c.trim().to_string()).collect();
    let mut documented: Vec<(String, BTreeSet<String>)> = Vec::new();
    for row in &rows[2..] {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let key = cells[1]
            .trim_matches('`')
            .trim_matches(['[', ']'])
            .to_string();
        let kinds = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == "✓")
            .flat_map(|(i, _)| header[i].split(", ").map(str::to_string))
            .collect();
        documented.push((key, kinds));
    }
    for spec in &KINDS {
        let keys: BTreeSet<&str> = spec.schema.keys().iter().copied().collect();
        for (key, kinds) in &documented {
            assert_eq!(
                kinds.contains(spec.name),
                keys.contains(key.as_str()),
                "docs/authoring.md says `{key}` is {}accepted by a {} page; the schema says otherwise",
                if kinds.contains(spec.name) {
                    ""
                } else {
                    "not "
                },
                spec.name
            );
        }
        for key in keys {
            assert!(
                documented.iter().any(|(k, _)| k == key),
                "front-matter key `{key}` of a {} page is missing from the matrix in docs/authoring.md",
                spec.name
            );
        }
    }
    for (table, keys) in Schema::table_keys() {
        for key in keys {
            assert!(
                text.contains(&format!("{key} = ")),
                "`{key}` of [{table}] has no example in docs/authoring.md"
            );
        }
    }
}

#[test]
fn every_subcommand_and_flag_is_documented() {
    let docs: Vec<String> = ["configuration.md", "serve.md", "translation.md"]
        .iter()
        .map(|d| doc(d))
        .collect();
    let cmd = aula::cli::command();
    let globals: Vec<String> = cmd
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    // Hidden commands are aula's own (`remove-old-site`), not for people.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let heading = format!("`aula {}`", sub.get_name());
        let section = docs
            .iter()
            .find_map(|d| {
                let at = d
                    .lines()
                    .position(|l| l.starts_with('#') && l.contains(&heading))?;
                let level = d.lines().nth(at)?.chars().take_while(|c| *c == '#').count();
                let ends = |l: &&str| {
                    let hashes = l.chars().take_while(|c| *c == '#').count();
                    hashes > 0 && hashes <= level && l[hashes..].starts_with(' ')
                };
                let body: Vec<&str> = d.lines().skip(at + 1).take_while(|l| !ends(l)).collect();
                Some(body.join("\n"))
            })
            .unwrap_or_else(|| panic!("no section headed {heading} in docs/"));
        for arg in sub.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            let flag = format!("--{long}");
            if flag == "--help" || globals.contains(&flag) {
                continue;
            }
            assert!(
                section.contains(&flag),
                "{flag} of {heading} is not documented in its section"
            );
        }
    }
    let all = docs.join("\n");
    for flag in globals
        .iter()
        .filter(|f| *f != "--help" && *f != "--version")
    {
        assert!(
            all.contains(flag.as_str()),
            "global flag {flag} is not documented"
        );
    }
}
