//! Support for fuzzing and property tests (not part of the stable API).
//!
//! [`every_output`] runs the whole pipeline on raw bytes, every rule on, and renders
//! every output the CLI can produce. It panics if an invariant breaks, so a fuzzer
//! or a property test only has to call it:
//! - every diagnostic's span lies inside the file, on character boundaries;
//! - the JSON and SARIF outputs parse as JSON;
//! - an input error never comes with rule findings.

pub mod synth;

use archlint_core::model::Date;
use archlint_linter::config::Config;

/// The date the support functions lint on: fixed, so that results never depend on the
/// day a test runs.
pub const TODAY: Date = Date {
    year: 2026,
    month: 1,
    day: 1,
};

use archlint_linter::{FileResult, lint_source_with};

/// Everything archlint can print for `bytes`, in a fixed order: human (plain and
/// coloured), JSON, SARIF, GitHub; and for a valid file also the Markdown review,
/// the estimate, and the Mermaid and DOT pictures.
pub fn every_output(name: &str, bytes: &[u8]) -> Vec<String> {
    let mut settings = Config::default()
        .settings(Some(&["all".to_string()]), None)
        .expect("`all` resolves");
    settings.today = Some(TODAY);
    let limits = archlint_core::model::yaml::Limits::default();
    let result = match archlint_linter::source_from_bytes(
        name,
        bytes.to_vec(),
        archlint_linter::DEFAULT_MAX_FILE_BYTES,
    ) {
        Ok(src) => lint_source_with(src, &settings, limits),
        Err(r) => r,
    };
    check_result(&result);
    // the same bytes as a baseline: an error or a baseline, never a panic
    let _ = archlint_linter::baseline::Baseline::from_slice(bytes, name);
    if !result.input_error {
        check_fixes(&result, &settings, limits);
    }
    let mut out = render_all(std::slice::from_ref(&result));
    if !result.input_error {
        let src = &result.source;
        let a = archlint_linter::analyse_with(src, limits)
            .expect("a file without input errors analyses");
        let findings = archlint_linter::all_findings(&a, TODAY);
        let e = archlint_linter::estimate::estimate(&a.model, &a.graph);
        out.push(archlint_outputs::estimate::render(&a.model, &e, 100));
        out.push(archlint_outputs::markdown::render(&a, src, &findings));
        let pic = archlint_outputs::graph::Picture::new(&a, &findings);
        out.push(pic.mermaid());
        out.push(pic.dot());
    }
    out
}

/// The safe fixes of a linted file keep it valid and add no finding (by rule and
/// place): what `--fix` writes must load, whatever anchors, aliases or flow maps the
/// file has.
pub fn check_fixes(
    r: &FileResult,
    settings: &archlint_linter::rules::Settings,
    limits: archlint_core::model::yaml::Limits,
) {
    let fixes = archlint_linter::fix::fixes(&r.source, &r.diagnostics);
    let edits: Vec<archlint_linter::fix::Edit> =
        fixes.iter().flat_map(|f| f.edits.clone()).collect();
    if edits.is_empty() {
        return;
    }
    let fixed = archlint_linter::fix::apply(&r.source.text, &edits);
    let after = lint_source_with(
        archlint_core::source::SourceFile::new(r.source.name.clone(), fixed.clone()),
        settings,
        limits,
    );
    assert!(
        !after.input_error,
        "the fixed file does not load:\n{}\n--- fixed:\n{fixed}\n{:?}",
        r.source.text,
        after
            .diagnostics
            .iter()
            .filter(|d| d.is_input_error())
            .collect::<Vec<_>>()
    );
    let before: std::collections::HashSet<(&str, &str)> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.path.as_str()))
        .collect();
    for d in &after.diagnostics {
        assert!(
            before.contains(&(d.rule.as_str(), d.path.as_str())),
            "fixing added {d:?}:\n{}\n--- fixed:\n{fixed}",
            r.source.text
        );
    }
}

/// Human (plain and coloured), JSON, SARIF and GitHub renderings; the JSON ones are parsed.
pub fn render_all(results: &[FileResult]) -> Vec<String> {
    let plain = archlint_outputs::human::render(results, Default::default(), false);
    let color = archlint_outputs::human::render(
        results,
        archlint_outputs::human::Style {
            color: true,
            width: 80,
        },
        false,
    );
    let json = archlint_outputs::json::render(results);
    let sarif = archlint_outputs::sarif::render(results);
    for (what, text) in [("JSON", &json), ("SARIF", &sarif)] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            panic!("{what} output does not parse: {e}\n{text}");
        }
    }
    let github = archlint_outputs::github::render(results);
    vec![plain, color, json, sarif, github]
}

/// The invariants every result keeps; panics with the offending diagnostic.
pub fn check_result(r: &FileResult) {
    let text = &r.source.text;
    for d in &r.diagnostics {
        let spans = std::iter::once(d.span).chain(d.related.iter().map(|x| x.span));
        for s in spans {
            assert!(
                s.start() <= s.end() && s.end() <= text.len(),
                "span {s:?} outside the file ({} bytes): {d:?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()),
                "span {s:?} not on character boundaries: {d:?}"
            );
        }
        if r.input_error && !r.linted {
            assert!(
                d.is_input_error(),
                "rule finding in a file that was not linted: {d:?}"
            );
        }
    }
}

/// A random but valid architecture, as choices that [`Spec::to_yaml`] turns into a
/// file. Every number is an index taken modulo the table it picks from, so any
/// values make a valid file: fuzzers fill it from raw bytes, property tests from
/// strategies. Fields and their value types come from the field tables in
/// `model::fields`, so new fields are generated without touching this code.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// (field of `requirements`, value choice)
    pub requirements: Vec<(u32, u32)>,
    pub stage: u32,
    pub components: Vec<ComponentSpec>,
}

#[derive(Debug, Clone, Default)]
pub struct ComponentSpec {
    pub kind: u32,
    /// (component field, value choice); fields not allowed on the kind are skipped
    pub fields: Vec<(u32, u32)>,
    /// (callee, call fields)
    pub calls: Vec<(u32, Vec<(u32, u32)>)>,
    /// (queue read, consume fields)
    pub consumes: Vec<(u32, Vec<(u32, u32)>)>,
}

use archlint_core::model::fields::{self, FieldDef, FieldType};
use archlint_core::model::quantity::QuantityKind;
use archlint_core::model::{Kind, Stage};

const STRINGS: &[&str] = &[
    "orders",
    "\"Stores orders: one row per order\"",
    "'single-quoted text'",
    "élan — non-ASCII text",
    "message broker",
    "in-house queue",
    "postgresql",
    "redis",
    "kafka",
    "Elasticsearch 8",
];

fn pick<T: Copy>(xs: &[T], i: u32) -> T {
    *nth(xs, i)
}

fn nth<T>(xs: &[T], i: u32) -> &T {
    &xs[i as usize % xs.len()]
}

fn quantity(kind: QuantityKind, c: u32) -> &'static str {
    match kind {
        QuantityKind::Count => pick(&["100", "12k", "1.5M", "3", "250000"], c),
        QuantityKind::Duration => pick(&["20ms", "250ms", "2s", "5m", "1h"], c),
        QuantityKind::Size => pick(&["50GB", "20TB", "1.5PB", "512MiB"], c),
        QuantityKind::Percent => pick(&["99.9%", "99.99%", "99.5", "100%"], c),
        QuantityKind::Ratio => pick(&["10:1", "1:1", "100:1", "1:4"], c),
        QuantityKind::Growth => pick(&["2x", "5TB", "1.2x"], c),
    }
}

/// A valid YAML value (flow style) for a field type.
fn value(ty: FieldType, c: u32, depth: u32) -> Option<String> {
    let sub = c.wrapping_mul(2_654_435_761).rotate_left(7);
    Some(match ty {
        FieldType::Str => pick(STRINGS, c).to_string(),
        FieldType::Bool => pick(&["true", "false"], c).to_string(),
        FieldType::Int(4, 7) => pick(&["4", "7"], c).to_string(),
        FieldType::Int(min, max) => (min + u64::from(c) % (max - min + 1).min(10)).to_string(),
        FieldType::Enum(names) => pick(names, c).to_string(),
        FieldType::EnumList(names) => {
            let a = pick(names, c);
            let b = pick(names, sub);
            if a == b {
                format!("[{a}]")
            } else {
                format!("[{a}, {b}]")
            }
        }
        FieldType::StrList => format!("[{}]", pick(&["postgresql", "redis", "kafka, s3"], c)),
        FieldType::Qty(k) => quantity(k, c).to_string(),
        FieldType::DurationOrNone => pick(&["none", "30s", "5m"], c).to_string(),
        FieldType::DurationOrForever => pick(&["forever", "30d", "5y"], c).to_string(),
        FieldType::BoolOr(names) => match c % 3 {
            0 => "true".into(),
            1 => "false".into(),
            _ => pick(names, sub).to_string(),
        },
        FieldType::BoolOrMap(fs) => match c % 3 {
            0 => "true".into(),
            1 => "false".into(),
            _ => map(fs, sub, depth)?,
        },
        FieldType::RetryPolicy => match c % 3 {
            0 => "none".into(),
            1 => (1 + sub % 5).to_string(),
            _ => map(fields::RETRY, sub, depth)?,
        },
        FieldType::DurationOrMap(fs) => match c % 2 {
            0 => quantity(QuantityKind::Duration, sub).to_string(),
            _ => map(fs, sub, depth)?,
        },
        FieldType::Map(fs) => map(fs, c, depth)?,
        FieldType::StrMap => format!(
            "{{ {}: rejected because it costs more }}",
            pick(&["mongodb", "kafka", "memcached"], c)
        ),
        FieldType::Allow => format!(
            "{{ {}: accepted for the beta }}",
            pick(&archlint_linter::rules::ids(), c)
        ),
        FieldType::StrOrList => pick(&["id", "[region, id]"], c).to_string(),
        FieldType::MapList(_)
        | FieldType::StrListList
        | FieldType::Entities
        | FieldType::Journeys => return None,
        FieldType::Calls | FieldType::Consumes | FieldType::Ref | FieldType::Components => {
            return None;
        }
    })
}

/// A flow mapping with some of the fields (each chosen by a bit of `c`).
fn map(fs: &[FieldDef], c: u32, depth: u32) -> Option<String> {
    if depth > 3 {
        return None;
    }
    let mut parts = Vec::new();
    for (i, f) in fs.iter().enumerate() {
        if (c.rotate_right(i as u32) & 1 == 1 || parts.is_empty() && i + 1 == fs.len())
            && let Some(v) = value(f.ty, c.rotate_left(i as u32 * 3), depth + 1)
        {
            parts.push(format!("{}: {v}", f.name));
        }
    }
    Some(format!("{{ {} }}", parts.join(", ")))
}

impl Spec {
    /// The file, one block mapping per component, in the order given.
    pub fn to_yaml(&self) -> String {
        let order: Vec<usize> = (0..self.components.len()).collect();
        self.to_yaml_in_order(&order)
    }

    /// The component ids in use (`c0`, `c1`, ...), in order.
    pub fn ids(&self) -> Vec<String> {
        (0..self.components.len())
            .map(|i| format!("c{i}"))
            .collect()
    }

    /// The file with the components written in the order of `order` (a permutation
    /// of their indices); ids and contents do not change.
    pub fn to_yaml_in_order(&self, order: &[usize]) -> String {
        let ids = self.ids();
        let mut y = self.header();
        for &i in order {
            self.component(&mut y, i, &ids);
        }
        y
    }

    fn header(&self) -> String {
        let mut y = String::from("name: generated\n");
        y.push_str(&format!("stage: {}\n", pick(Stage::NAMES, self.stage)));
        let mut seen = Vec::new();
        let mut reqs = String::new();
        for &(f, c) in &self.requirements {
            let def = pick(fields::REQUIREMENTS, f);
            if seen.contains(&def.name) {
                continue;
            }
            if let Some(v) = value(def.ty, c, 0) {
                seen.push(def.name);
                reqs.push_str(&format!("  {}: {v}\n", def.name));
            }
        }
        if !reqs.is_empty() {
            y.push_str("requirements:\n");
            y.push_str(&reqs);
        }
        y.push_str(if self.components.is_empty() {
            "components: {}\n"
        } else {
            "components:\n"
        });
        y
    }

    fn component(&self, y: &mut String, i: usize, ids: &[String]) {
        let c = &self.components[i];
        let kind = pick(Kind::ALL, c.kind);
        let queues: Vec<&String> = ids
            .iter()
            .zip(&self.components)
            .filter(|(_, s)| pick(Kind::ALL, s.kind) == Kind::Queue)
            .map(|(id, _)| id)
            .collect();
        y.push_str(&format!("  {}:\n    kind: {}\n", ids[i], kind.as_str()));
        // shares are checked against each other (at most 100% in all, only on a
        // router's calls): the traffic properties generate them on their own
        let mut seen = vec!["kind", "calls", "consumes", "caches", "share"];
        for &(f, v) in &c.fields {
            let def = pick(fields::COMPONENT, f);
            if seen.contains(&def.name) || def.kinds.is_some_and(|ks| !ks.contains(&kind)) {
                continue;
            }
            if let Some(text) = value(def.ty, v, 0) {
                seen.push(def.name);
                y.push_str(&format!("    {}: {text}\n", def.name));
            }
        }
        if kind == Kind::Cache
            && !ids.is_empty()
            && let Some(&(_, v)) = c.fields.first()
        {
            y.push_str(&format!("    caches: {}\n", nth(ids, v)));
        }
        if !c.calls.is_empty() && !ids.is_empty() {
            y.push_str("    calls:\n");
            for (to, fs) in &c.calls {
                y.push_str(&format!("      - to: {}\n", nth(ids, *to)));
                item_fields(y, fields::CALL, fs, &["to", "share"]);
            }
        }
        if !c.consumes.is_empty() && !queues.is_empty() {
            y.push_str("    consumes:\n");
            for (from, fs) in &c.consumes {
                y.push_str(&format!("      - from: {}\n", pick(&queues, *from)));
                item_fields(y, fields::CONSUME, fs, &["from"]);
            }
        }
    }
}

fn item_fields(y: &mut String, table: &[FieldDef], fs: &[(u32, u32)], skip: &[&str]) {
    let mut seen: Vec<&str> = skip.to_vec();
    for &(f, v) in fs {
        let def = pick(table, f);
        if seen.contains(&def.name) {
            continue;
        }
        if let Some(text) = value(def.ty, v, 0) {
            seen.push(def.name);
            y.push_str(&format!("        {}: {text}\n", def.name));
        }
    }
}

// ---- rule packs ---------------------------------------------------------------------

/// A configuration from raw bytes and a design: if the configuration loads, its custom
/// rules run on the design with every output rendered; an input error in either is
/// fine. Panics only if an invariant breaks.
pub fn rule_pack_bytes(config: &[u8], design: &str) -> Vec<String> {
    let Ok(src) = archlint_linter::source_from_bytes(".archlint.yaml", config.to_vec(), 1 << 20)
    else {
        return Vec::new();
    };
    let cfg = match archlint_linter::config::parse(src, None) {
        Ok(c) => c,
        Err(r) => {
            check_result(&r);
            return render_all(std::slice::from_ref(&*r));
        }
    };
    let Ok(mut settings) = cfg.settings(Some(&["all".to_string()]), None) else {
        return Vec::new();
    };
    settings.today = Some(TODAY);
    let result = lint_source_with(
        archlint_core::source::SourceFile::new("design.arch.yaml", design),
        &settings,
        Default::default(),
    );
    check_result(&result);
    render_all(std::slice::from_ref(&result))
}

/// A random *valid* rule pack: each rule a form with selectors and conditions drawn
/// from the vocabularies below, by index (modulo their lengths).
#[derive(Debug, Clone, Default)]
pub struct PackSpec {
    /// (form, choices)
    pub rules: Vec<(u32, Vec<u32>)>,
}

const SEL: &[&str] = &[
    "{ kind: service }",
    "{ kind: [gateway, service] }",
    "{ kind: database }",
    "{ kind: client }",
    "{ id: \"c*\" }",
    "{ tags: pci }",
    "{ domain: payments }",
    "{ kind: queue }",
    "{ public: true }",
    "{ tech: postgresql }",
    "{}",
];
const TO_SEL: &[&str] = &[
    "{ domain: other }",
    "{ kind: [database, cache] }",
    "{ id: \"*\" }",
];
const REQ: &[&str] = &[
    "{ owner: present }",
    "{ replicas: \">= 2\" }",
    "{ latency: \"< 500ms\" }",
    "{ tech: { in: [go, postgresql] } }",
    "{ domain: absent }",
    "{ kind: service }",
    "{ availability: \">= 99.9%\", data_volume: \"<= 10TB\" }",
];
const LIMITS: &[&str] = &[
    "fan_out: \"<= 2\"",
    "fan_in: \"< 3\"",
    "sync_depth: \"<= 1\"",
];

impl PackSpec {
    /// The pack as the `custom_rules:` of a configuration.
    pub fn to_yaml(&self) -> String {
        let pick = |v: &[&'static str], c: &[u32], i: usize| {
            v[c.get(i).copied().unwrap_or(0) as usize % v.len()]
        };
        let mut s = String::from("custom_rules:\n");
        for (n, (form, c)) in self.rules.iter().enumerate() {
            s.push_str(&format!(
                "  - id: acme-r{n}\n    summary: rule {n}\n    help: fix {n}\n    message: \"{{kind}} {{id}} {{from}} {{to}} {{path}}\"\n"
            ));
            let body = match form % 5 {
                0 => format!(
                    "    match: {}\n    require: {}\n",
                    pick(SEL, c, 0),
                    pick(REQ, c, 1)
                ),
                1 => format!(
                    "    forbid_call: {{ from: {}, to: {} }}\n",
                    pick(SEL, c, 0),
                    if c.get(2).is_some_and(|x| x % 2 == 0) {
                        pick(TO_SEL, c, 1)
                    } else {
                        pick(SEL, c, 1)
                    }
                ),
                2 => format!(
                    "    forbid_path: {{ from: {}, to: {}, sync_only: {}, unless_via: {} }}\n",
                    pick(SEL, c, 0),
                    pick(SEL, c, 1),
                    c.get(2).is_some_and(|x| x % 2 == 0),
                    pick(SEL, c, 3)
                ),
                3 => format!(
                    "    limit: {{ match: {}, {} }}\n",
                    pick(SEL, c, 0),
                    pick(LIMITS, c, 1)
                ),
                _ => format!(
                    "    layers: [{}, {}, {}]\n",
                    pick(SEL, c, 0),
                    pick(SEL, c, 1),
                    pick(SEL, c, 2)
                ),
            };
            s.push_str(&body);
        }
        s
    }
}

/// Raw bytes through each importer, and what an importer writes through the loader:
/// never a panic, and an import that succeeds must load without an input error.
/// Export a design that loads as CALM and import it back: the same findings, by rule,
/// place and message (`export calm` carries the whole design).
pub fn calm_round_trip(src: &archlint_core::source::SourceFile) {
    if archlint_linter::analyse(src).is_err() {
        return;
    }
    let Ok(doc) = archlint_import::calm::export(src) else {
        panic!("a design that loads exports")
    };
    let back = archlint_import::calm::import(&archlint_core::source::SourceFile::new(
        "x.calm.json",
        doc.as_str(),
    ))
    .unwrap_or_else(|_| panic!("an export imports:\n{doc}"));
    let findings = |s: &archlint_core::source::SourceFile| {
        let settings = archlint_linter::rules::Settings::all(TODAY);
        let mut v: Vec<(String, String, String)> =
            archlint_linter::lint_source(s.clone(), &settings)
                .diagnostics
                .iter()
                .map(|d| (d.rule.clone(), d.path.clone(), d.message.clone()))
                .collect();
        v.sort();
        v
    };
    let again = archlint_core::source::SourceFile::new(src.name.as_str(), back.yaml.as_str());
    assert_eq!(
        findings(src),
        findings(&again),
        "round trip of:\n{}\nto:\n{}",
        src.text,
        back.yaml
    );
}

pub fn import_bytes(bytes: &[u8]) {
    let Ok(src) = archlint_linter::source_from_bytes("input.yaml", bytes.to_vec(), 1 << 20) else {
        return;
    };
    let outputs = [
        archlint_import::compose::import(std::slice::from_ref(&src)),
        archlint_import::k8s::import(std::slice::from_ref(&src)),
        archlint_import::threagile::import(&src),
        archlint_import::calm::import(&src),
        archlint_import::backstage::import(std::slice::from_ref(&src)),
        archlint_import::structurizr::import(&src),
    ];
    for out in outputs {
        match out {
            Ok(imported) => {
                let text = archlint_core::source::SourceFile::new(
                    "imported.arch.yaml",
                    imported.yaml.as_str(),
                );
                if let Err(errors) = archlint_linter::analyse(&text) {
                    panic!(
                        "an import does not load: {:?}\n{}",
                        errors.iter().map(|d| &d.message).collect::<Vec<_>>(),
                        imported.yaml
                    );
                }
            }
            Err(r) => check_result(&r),
        }
    }
    calm_round_trip(&src);
    // any bytes as a recording for `archlint drift`: read or refused, never a panic
    let _ = archlint_linter::observed::read("recorded", bytes);
}
