//! SARIF 2.1.0 for GitHub code scanning; rule metadata comes from the rule pages.
//!
//! Written through typed, borrowing structs straight to text (no `serde_json::Value`
//! tree), so memory stays near the JSON output's on large files.

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
    message: Text<'a>,
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
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
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
/// memory: on a large design it is tens of megabytes). The results are written by
/// hand, byte for byte what serde_json's pretty printer writes for them (the tests
/// hold the two equal): they are nearly all of the log, and serde_json's escaping
/// byte by byte made SARIF half again as slow as JSON on a large file.
pub fn write_with(
    mut w: impl std::io::Write,
    results: &[FileResult],
    custom: &[Meta],
) -> std::io::Result<()> {
    let rules = descriptors(custom);
    let index: std::collections::HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    // the log around the results, by serde_json, cut where the results go
    let head = serde_json::to_vec_pretty(&log(rules, Vec::new()))?;
    const AT: &[u8] = b"\n      \"results\": [";
    let cut = head
        .windows(AT.len())
        .position(|x| x == AT)
        .expect("the log has a results array")
        + AT.len();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(&head[..cut]);
    let mut first = true;
    for r in results {
        let u = uri(&r.source.name);
        for d in &r.diagnostics {
            buf.extend_from_slice(if first {
                b"\n        {"
            } else {
                b",\n        {"
            });
            first = false;
            write_result(
                &mut buf,
                r,
                d,
                &u,
                index.get(d.rule.as_str()).copied().unwrap_or(0),
            );
            if buf.len() >= 1 << 16 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    if !first {
        buf.extend_from_slice(b"\n      ");
    }
    // the rest of the log, from the empty array's `]`
    buf.extend_from_slice(&head[cut..]);
    buf.push(b'\n');
    w.write_all(&buf)
}

/// One result, from its `{` to before its `}`'s line break, at the results'
/// indentation (what serde_json writes for a [`SarifResult`]).
fn write_result(
    buf: &mut Vec<u8>,
    r: &FileResult,
    d: &archlint_core::diag::Diagnostic,
    uri: &str,
    rule_index: usize,
) {
    use super::json::{put_num, put_str};
    let l = locate(&r.source, d);
    put_str(buf, b"\n          \"ruleId\": ", &d.rule);
    put_num(buf, b",\n          \"ruleIndex\": ", rule_index);
    put_str(buf, b",\n          \"level\": ", level(d.severity));
    match &d.help {
        Some(h) => put_str(
            buf,
            b",\n          \"message\": {\n            \"text\": ",
            &format!("{}\nhelp: {h}", d.message),
        ),
        None => put_str(
            buf,
            b",\n          \"message\": {\n            \"text\": ",
            &d.message,
        ),
    }
    buf.extend_from_slice(b"\n          },\n          \"locations\": [\n            {");
    put_str(
        buf,
        b"\n              \"physicalLocation\": {\n                \"artifactLocation\": {\n                  \"uri\": ",
        uri,
    );
    put_num(
        buf,
        b"\n                },\n                \"region\": {\n                  \"startLine\": ",
        l.line,
    );
    put_num(buf, b",\n                  \"startColumn\": ", l.column);
    put_num(buf, b",\n                  \"endLine\": ", l.end_line);
    put_num(buf, b",\n                  \"endColumn\": ", l.end_column);
    put_str(
        buf,
        b"\n                }\n              },\n              \"logicalLocations\": [\n                {\n                  \"fullyQualifiedName\": ",
        &d.path,
    );
    buf.extend_from_slice(
        b",\n                  \"kind\": \"object\"\n                }\n              ]\n            }\n          ],",
    );
    put_str(
        buf,
        b"\n          \"partialFingerprints\": {\n            \"archlint/v1\": ",
        &d.fingerprint,
    );
    buf.extend_from_slice(b"\n          }");
    if !d.related.is_empty() {
        buf.extend_from_slice(b",\n          \"relatedLocations\": [");
        for (i, x) in d.related.iter().enumerate() {
            let p = r.source.line_col(x.span.start());
            put_num(
                buf,
                if i == 0 {
                    b"\n            {\n              \"id\": "
                } else {
                    b",\n            {\n              \"id\": "
                },
                i,
            );
            put_str(
                buf,
                b",\n              \"message\": {\n                \"text\": ",
                &x.message,
            );
            put_str(
                buf,
                b"\n              },\n              \"physicalLocation\": {\n                \"artifactLocation\": {\n                  \"uri\": ",
                uri,
            );
            put_num(
                buf,
                b"\n                },\n                \"region\": {\n                  \"startLine\": ",
                p.line,
            );
            put_num(buf, b",\n                  \"startColumn\": ", p.column);
            buf.extend_from_slice(b"\n                }\n              }\n            }");
        }
        buf.extend_from_slice(b"\n          ]");
    }
    buf.extend_from_slice(b"\n        }");
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

fn log<'a>(rules: Vec<ReportingDescriptor<'a>>, results: Vec<SarifResult<'a>>) -> Log<'a> {
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

/// The log through serde_json alone, every result a [`SarifResult`]: what
/// [`write_with`] must write, byte for byte.
#[cfg(test)]
fn write_with_serde(
    mut w: impl std::io::Write,
    results: &[FileResult],
    custom: &[Meta],
) -> std::io::Result<()> {
    let rules = descriptors(custom);
    let index: std::collections::HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let uris: Vec<String> = results.iter().map(|r| uri(&r.source.name)).collect();
    let texts: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            r.diagnostics
                .iter()
                .map(|d| match &d.help {
                    Some(h) => format!("{}\nhelp: {h}", d.message),
                    None => d.message.clone(),
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for ((r, u), ts) in results.iter().zip(&uris).zip(&texts) {
        for (d, t) in r.diagnostics.iter().zip(ts) {
            let l = locate(&r.source, d);
            out.push(SarifResult {
                rule_id: &d.rule,
                rule_index: index.get(d.rule.as_str()).copied().unwrap_or(0),
                level: level(d.severity),
                message: Text { text: t },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: u },
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
                                artifact_location: ArtifactLocation { uri: u },
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
            });
        }
    }
    serde_json::to_writer_pretty(&mut w, &log(rules, out))?;
    w.write_all(b"\n")
}

/// The SARIF log as a JSON value (for tests).
pub fn build(results: &[FileResult]) -> serde_json::Value {
    serde_json::from_str(&render(results)).expect("SARIF parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use archlint_core::diag::Diagnostic;
    use archlint_core::source::{SourceFile, Span};

    fn both(results: &[FileResult]) -> (String, String) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write_with(&mut a, results, &[]).unwrap();
        write_with_serde(&mut b, results, &[]).unwrap();
        (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap())
    }

    /// The hand-written results are serde_json's, byte for byte: on every example,
    /// with no results at all, and with every control character, quotes, backslashes
    /// and non-ASCII in each string, with and without help and related locations.
    #[test]
    fn hand_written_results_are_serde_jsons() {
        // each example's findings, as `check` makes them
        let settings = archlint_linter::config::Config::default()
            .settings(None, None)
            .unwrap();
        let mut results = Vec::new();
        for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples")).unwrap()
        {
            let p = e.unwrap().path();
            if p.extension().is_none_or(|x| x != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let src = SourceFile::new(p.display().to_string(), text);
            let loaded =
                archlint_core::model::load::load(&src, &settings.rule_ids(), Default::default());
            let m = loaded.model.unwrap();
            let g = archlint_linter::graph::SystemGraph::build(&m);
            let mut ds = archlint_linter::rules::run(&m, &g, &settings);
            archlint_core::diag::sort(&mut ds);
            archlint_linter::fingerprint::assign(Some(&m), &src.name, &mut ds);
            results.push(FileResult {
                source: src,
                diagnostics: ds,
                input_error: false,
            });
        }
        assert!(results.iter().map(|r| r.diagnostics.len()).sum::<usize>() > 20);
        let (a, b) = both(&results);
        assert_eq!(a, b);
        let (a, b) = both(&[]);
        assert_eq!(a, b);
        let mut odd: String = (0u8..=0x7f).map(char::from).collect();
        odd.push_str("é 日本 🚀 \u{2028} \\ \"q\"");
        let text = format!("a: 1\n{odd}\n");
        let mut ds = Vec::new();
        for i in 0..4 {
            let mut d = Diagnostic::invalid(odd.clone(), Span::new(i, i + 3), odd.clone());
            if i % 2 == 0 {
                d = d.help(odd.clone());
            }
            for j in 0..i {
                d = d.related(odd.clone(), Span::new(j * 5, j * 5 + 1), odd.clone());
            }
            ds.push(d);
        }
        let r = FileResult::failed(SourceFile::new(format!("dir/{odd}.yaml"), text), ds);
        let empty = FileResult::failed(SourceFile::new("e.yaml", ""), Vec::new());
        let (a, b) = both(&[r, empty]);
        assert_eq!(a, b);
    }

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
