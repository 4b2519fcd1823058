//! SARIF 2.1.0 for GitHub code scanning; rule metadata comes from the rule pages.
//!
//! Written through typed, borrowing structs by serde_json straight to the writer: the
//! results are serialized as they are made from the findings (no `serde_json::Value`
//! tree, no vector of them), so memory stays near the JSON output's on large files.

use serde::Serialize;

use super::{locate, rule_url};
use archlint_core::diag::{INVALID_INPUT, Severity};
use archlint_linter::input::FileResult;
use archlint_linter::rules::{Meta, RULES};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Characters a URI path keeps as they are (RFC 3986 unreserved, `/`, and the
/// sub-delimiters that are safe in a path); everything else is percent-encoded.
fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'/'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'@'
        )
}

fn percent_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The artifact URI of a file as named on the command line: relative to the working
/// directory (forward slashes, percent-encoded) when the file is inside it, an absolute
/// `file://` URI otherwise. Stdin keeps the name `--stdin-filename` gave it.
pub fn uri(name: &str) -> String {
    let p = std::path::Path::new(name);
    let Ok(cwd) = std::env::current_dir() else {
        return percent_encode(&name.replace('\\', "/"));
    };
    let abs = normalize(&cwd.join(p));
    let cwd = normalize(&cwd);
    match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            percent_encode(&rel.to_string_lossy().replace('\\', "/"))
        }
        _ => {
            let s = abs.to_string_lossy().replace('\\', "/");
            let s = if s.starts_with('/') {
                s
            } else {
                format!("/{s}")
            };
            format!("file://{}", percent_encode(&s))
        }
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

/// A finding's message, with its help on a second line (`help: …`), serialized as one
/// string without building it first.
struct MessageText<'a> {
    message: &'a str,
    help: Option<&'a str>,
}

impl Serialize for MessageText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Joined<'b>(&'b str, Option<&'b str>);
        impl std::fmt::Display for Joined<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.1 {
                    Some(h) => write!(f, "{}\nhelp: {h}", self.0),
                    None => f.write_str(self.0),
                }
            }
        }
        struct Str<'b>(Joined<'b>);
        impl Serialize for Str<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }
        let mut st = s.serialize_struct("Text", 1)?;
        st.serialize_field("text", &Str(Joined(self.message, self.help)))?;
        st.end()
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct Properties<'a> {
    tags: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help,
    help_uri: String,
    default_configuration: DefaultConfiguration,
    properties: Properties<'a>,
}

fn descriptor<'a>(id: &'a str, m: &'a Meta) -> ReportingDescriptor<'a> {
    ReportingDescriptor {
        id,
        name: camel(id),
        short_description: Text { text: &m.summary },
        full_description: Text { text: &m.summary },
        help: {
            let page = archlint_linter::rules::page_text(m);
            Help {
                text: page.clone(),
                markdown: page,
            }
        },
        help_uri: match &m.defined_in {
            // a custom rule's page is its definition: `FILE#L12`
            Some(at) => match at.rsplit_once(':') {
                Some((file, line)) => format!("{}#L{line}", uri(file)),
                None => uri(at),
            },
            None => rule_url(id),
        },
        default_configuration: DefaultConfiguration {
            level: level(m.severity),
            enabled: m.default_enabled,
        },
        properties: Properties {
            tags: [&m.category],
        },
    }
}

fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<'a>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "archlint/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: MessageText<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Results<'a>,
    column_kind: &'static str,
}

/// Every finding of every file as a SARIF result, made one at a time as serde_json
/// writes the array.
struct Results<'a> {
    files: &'a [FileResult],
    uris: Vec<String>,
    /// Each rule id's index in the driver's rules.
    index: std::collections::HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.files.iter().zip(&self.uris).flat_map(|(r, u)| {
            r.diagnostics.iter().map(move |d| {
                result(
                    r,
                    d,
                    u,
                    self.index.get(d.rule.as_str()).copied().unwrap_or(0),
                )
            })
        }))
    }
}

/// One finding as a SARIF result.
fn result<'a>(
    r: &'a FileResult,
    d: &'a archlint_core::diag::Diagnostic,
    uri: &'a str,
    rule_index: usize,
) -> SarifResult<'a> {
    let l = locate(&r.source, d);
    SarifResult {
        rule_id: &d.rule,
        rule_index,
        level: level(d.severity),
        message: MessageText {
            message: &d.message,
            help: d.help.as_deref(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region {
                    start_line: l.line,
                    start_column: l.column,
                    end_line: Some(l.end_line),
                    end_column: Some(l.end_column),
                },
            },
            logical_locations: [LogicalLocation {
                fully_qualified_name: &d.path,
                kind: "object",
            }],
        }],
        partial_fingerprints: Fingerprints { v1: &d.fingerprint },
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let p = r.source.line_col(x.span.start());
                RelatedLocation {
                    id: i,
                    message: Text { text: &x.message },
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri },
                        region: Region {
                            start_line: p.line,
                            start_column: p.column,
                            end_line: None,
                            end_column: None,
                        },
                    },
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

pub fn render(results: &[FileResult]) -> String {
    render_with(results, &[])
}

/// [`render`], listing a configuration's custom rules after the built-ins.
pub fn render_with(results: &[FileResult], custom: &[Meta]) -> String {
    let mut buf = Vec::with_capacity(
        4096 + results.iter().map(|r| r.diagnostics.len()).sum::<usize>() * 3072,
    );
    write_with(&mut buf, results, custom).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// [`render_with`], written to `w` as it is serialized (no copy of the whole log in
/// memory: on a large design it is tens of megabytes).
pub fn write_with(
    mut w: impl std::io::Write,
    results: &[FileResult],
    custom: &[Meta],
) -> std::io::Result<()> {
    let rules = descriptors(custom);
    let index = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let results = Results {
        files: results,
        uris: results.iter().map(|r| uri(&r.source.name)).collect(),
        index,
    };
    serde_json::to_writer_pretty(&mut w, &log(rules, results))?;
    w.write_all(b"\n")
}

/// The rules' descriptors: every built-in rule, `invalid-input`, then custom rules.
fn descriptors(custom: &[Meta]) -> Vec<ReportingDescriptor<'_>> {
    let input = archlint_linter::rules::input_meta();
    let mut rules: Vec<ReportingDescriptor> =
        RULES.iter().map(|r| descriptor(r.id, r.meta())).collect();
    rules.push(descriptor(INVALID_INPUT, input));
    rules.extend(custom.iter().map(|m| descriptor(&m.id, m)));
    rules
}

fn log<'a>(rules: Vec<ReportingDescriptor<'a>>, results: Results<'a>) -> Log<'a> {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "archlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

/// The SARIF log as a JSON value (for tests).
pub fn build(results: &[FileResult]) -> serde_json::Value {
    serde_json::from_str(&render(results)).expect("SARIF parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("examples/shop.arch.yaml"), "examples/shop.arch.yaml");
        assert_eq!(uri("./a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        let outside = uri("../elsewhere/x y.yaml");
        assert!(outside.starts_with("file:///"), "{outside}");
        assert!(outside.ends_with("/elsewhere/x%20y.yaml"), "{outside}");
        assert!(!outside.contains(".."), "{outside}");
        assert!(uri("/tmp/z.yaml").starts_with("file:///"));
    }
}
