//! `textDocument/completion`: keys by position (from the file format's tables), enum
//! values after a key, and component ids after `to:`, `from:`, `caches:`, `store:`
//! and in lists of calls, consumes and steps.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionResponse, Position, Uri};

use archlint_core::model::Kind;
use archlint_core::model::fields::{self, FieldDef, FieldType};
use archlint_core::source::SourceFile;

use crate::document::{analysed, offset};

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..Default::default()
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The chain of block keys above a line, innermost first (`["calls", "api",
/// "components"]`), from indentation.
fn parents(lines: &[&str], line: usize, indent: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut want = indent;
    for l in lines[..line].iter().rev() {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = indent_of(l);
        if ind < want {
            let key = t
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or("")
                .trim();
            if t.starts_with("- ") && ind + 2 >= want {
                // an item of a list: the list's key is further up
                want = ind;
                continue;
            }
            out.push(key.to_string());
            want = ind;
            if ind == 0 {
                break;
            }
        }
    }
    out
}

fn key_items(defs: &[FieldDef]) -> Vec<CompletionItem> {
    defs.iter()
        .map(|d| item(d.name, CompletionItemKind::PROPERTY, d.doc))
        .collect()
}

fn enum_values(key: &str) -> Option<Vec<&'static str>> {
    if key == "kind" {
        return Some(Kind::NAMES.to_vec());
    }
    let tables: [&[FieldDef]; 9] = [
        fields::TOP,
        fields::REQUIREMENTS,
        fields::COMPONENT,
        fields::CALL,
        fields::CONSUME,
        fields::RETRY,
        fields::RELATIONSHIP,
        fields::ENTITY_PATTERN,
        fields::OPERATIONS,
    ];
    tables.iter().flat_map(|t| t.iter()).find_map(|d| {
        (d.name == key).then_some(())?;
        match d.ty {
            FieldType::Enum(v) | FieldType::EnumList(v) => Some(v.to_vec()),
            FieldType::BoolOr(v) => Some([&["true", "false"][..], v].concat()),
            FieldType::Bool => Some(vec!["true", "false"]),
            _ => None,
        }
    })
}

/// Completion at `pos`; `last_valid` is the document's last text that parsed, whose
/// ids are offered while the text does not parse.
pub(crate) fn completion(
    uri: &Uri,
    text: &str,
    pos: Position,
    last_valid: Option<&str>,
) -> CompletionResponse {
    CompletionResponse::Array(items(uri, text, pos, last_valid))
}

fn items(uri: &Uri, text: &str, pos: Position, last_valid: Option<&str>) -> Vec<CompletionItem> {
    let src = SourceFile::new(uri.as_str(), text);
    // the model ids come from: this text, or else the last one that parsed
    let model = || {
        analysed(&src, uri)
            .or_else(|| last_valid.and_then(|t| analysed(&SourceFile::new(uri.as_str(), t), uri)))
    };
    let at = offset(&src, pos);
    let line = pos.line as usize;
    let (ls, _) = src.line_bounds(at);
    let prefix = &src.text[ls..at];
    // after `key:` with no space, a value must start with one: `to: catalog`
    let pad = if prefix.ends_with(':') { " " } else { "" };
    let padded = |mut it: CompletionItem| {
        if !pad.is_empty() {
            it.insert_text = Some(format!("{pad}{}", it.label));
        }
        it
    };
    // component ids of the kinds that fit (`None`: any), from the text if it parses
    // (what is valid of it), else from `components:` keys by indentation
    let ids = |kinds: Option<&[Kind]>| -> Vec<CompletionItem> {
        match model() {
            Some(a) => a
                .model
                .components
                .iter()
                .filter(|c| kinds.is_none_or(|ks| ks.contains(&c.kind())))
                .map(|c| padded(item(&c.id, CompletionItemKind::VARIABLE, c.kind().as_str())))
                .collect(),
            None => component_ids_by_layout(text)
                .into_iter()
                .map(|id| padded(item(&id, CompletionItemKind::VARIABLE, "component")))
                .collect(),
        }
    };
    let entities = || -> Vec<CompletionItem> {
        model().map_or_else(Vec::new, |a| {
            a.model
                .entities
                .iter()
                .map(|e| padded(item(&e.name, CompletionItemKind::STRUCT, "entity")))
                .collect()
        })
    };
    // a value after `key:` (block or flow)
    let last_key = prefix
        .rsplit(['{', ',', '\n'])
        .next()
        .and_then(|seg| seg.split_once(':'))
        .map(|(k, _)| k.trim().trim_start_matches("- ").trim().to_string());
    if let Some(k) = &last_key {
        let section = section_of(&src.text[..ls]);
        match k.as_str() {
            // a relationship's `to:` names an entity
            "to" if section == "entities" => return entities(),
            "to" => return ids(None),
            "from" => return ids(Some(&[Kind::Queue])),
            "store" | "caches" => return ids(Some(&[Kind::Database, Kind::ObjectStore])),
            "calls" | "steps" if prefix.contains('[') => return ids(None),
            "consumes" if prefix.contains('[') => return ids(Some(&[Kind::Queue])),
            "protocol" => {
                return fields::PROTOCOLS
                    .iter()
                    .map(|p| padded(item(p, CompletionItemKind::VALUE, "protocol")))
                    .collect();
            }
            "tech" => {
                // the technologies of the component's kind, when it says one
                let kind = kind_above(&src.text[..ls]);
                return archlint_core::model::tech::TECHS
                    .iter()
                    .filter(|t| kind.is_none_or(|k| t.kind == k))
                    .filter_map(|t| {
                        let word = t.aliases.first()?;
                        let mut it = item(word, CompletionItemKind::VALUE, t.name);
                        it.detail = Some(format!("{} ({})", t.name, t.kind));
                        Some(padded(it))
                    })
                    .collect();
            }
            _ => {}
        }
        if let Some(vals) = enum_values(k) {
            return vals
                .iter()
                .map(|v| padded(item(v, CompletionItemKind::VALUE, k)))
                .collect();
        }
        return Vec::new();
    }
    // a key: by position
    let lines: Vec<&str> = src.text.lines().collect();
    let indent = indent_of(prefix);
    let chain = parents(&lines, line.min(lines.len()), indent.max(1));
    let in_list_item = prefix.trim_start().starts_with("- ");
    match chain
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] if indent == 0 => key_items(fields::TOP),
        ["requirements", ..] => key_items(fields::REQUIREMENTS),
        ["scale", "requirements", ..] => key_items(fields::SCALE),
        ["latency", "requirements", ..] => key_items(fields::LATENCY),
        ["operations", "requirements", ..] => key_items(fields::OPERATIONS),
        ["calls", _, "components", ..] => key_items(fields::CALL),
        ["consumes", _, "components", ..] => key_items(fields::CONSUME),
        ["retry", ..] => key_items(fields::RETRY),
        [_, "components", ..] => key_items(fields::COMPONENT),
        [_, "entities", ..] => key_items(fields::ENTITY),
        ["relationships", _, "entities", ..] => key_items(fields::RELATIONSHIP),
        ["access_patterns", _, "entities", ..] => key_items(fields::ENTITY_PATTERN),
        [_, "journeys", ..] => key_items(fields::JOURNEY),
        _ if in_list_item => ids(None),
        _ => Vec::new(),
    }
}

/// The `kind:` of the component the text before a line ends in (its fields above).
fn kind_above(before: &str) -> Option<Kind> {
    let mut lines = before.lines().rev();
    let field_col = lines
        .clone()
        .find(|l| !l.trim().is_empty())
        .map(indent_of)?;
    for l in lines.by_ref() {
        if l.trim().is_empty() {
            continue;
        }
        if indent_of(l) < field_col {
            // the component's key: its flow form may say `kind` too
            return l.split("kind:").nth(1).and_then(|k| {
                Kind::parse(
                    k.trim()
                        .trim_end_matches(['}', ','])
                        .split([',', ' '])
                        .next()?,
                )
            });
        }
        if let Some(k) = l.trim().strip_prefix("kind:") {
            return Kind::parse(k.trim());
        }
    }
    None
}

/// The top-level section (`components`, `entities`, ...) the text before a line ends in.
fn section_of(before: &str) -> &str {
    before
        .lines()
        .rev()
        .find(|l| !l.starts_with([' ', '#', '-']) && !l.trim().is_empty())
        .and_then(|l| l.split(':').next())
        .unwrap_or("")
        .trim()
}

/// Component ids by layout (the keys two spaces under `components:`), for a text that
/// does not parse while it is being typed.
fn component_ids_by_layout(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        if indent_of(l) == 0 && !l.trim().is_empty() {
            inside = l.starts_with("components:");
            continue;
        }
        if inside
            && indent_of(l) == 2
            && let Some((k, _)) = l.trim().split_once(':')
        {
            out.push(k.trim().to_string());
        }
    }
    out
}
