//! `archlint schema`: the JSON Schema (draft-07) of the architecture file, generated
//! from the field tables in [`super::fields`] so it always matches validation.

use serde_json::{Map, Value, json};

use super::Kind;
use super::fields::{self, FieldDef, FieldType};
use super::quantity::QuantityKind as Q;

fn quantity(q: Q) -> Value {
    let num = r"[0-9][0-9_]*(\.[0-9]+)?";
    match q {
        Q::Count => json!({ "anyOf": [
            { "type": "number", "minimum": 0 },
            { "type": "string", "pattern": format!(r"^\s*{num}\s*[kKMBGT]?\s*$") }
        ], "description": "a count: 12000, 12k, 10M, 1.5B" }),
        Q::Duration => {
            json!({ "type": "string", "pattern": format!(r"^\s*{num}\s*(ns|us|µs|ms|s|sec|m|min|h|d|w|mo|y)\s*$"),
            "description": "a duration: 250ms, 2s, 5m, 1h, 7d, 5y" })
        }
        Q::Size => {
            json!({ "type": "string", "pattern": format!(r"^\s*{num}\s*(B|KB|kB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB)\s*$"),
            "description": "a size: 500GB, 20TB, 1.5PB, 64GiB" })
        }
        Q::Percent => json!({ "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 100 },
            { "type": "string", "pattern": format!(r"^\s*{num}\s*%?\s*$") }
        ], "description": "a percentage: 99.99%" }),
        Q::Ratio => json!({ "anyOf": [
            { "type": "number", "minimum": 0 },
            { "type": "string", "pattern": format!(r"^\s*{num}\s*(:\s*{num}\s*)?$") }
        ], "description": "a ratio: 100:1" }),
        Q::Growth => json!({ "type": "string",
            "pattern": format!(r"^\s*{num}\s*([xX%]|B|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB)\s*$"),
            "description": "growth per year: 2x, 20%, or an amount such as 5TB" }),
    }
}

fn object(defs: &[FieldDef], required: &[&str]) -> Value {
    let mut props = Map::new();
    for d in defs {
        props.insert(d.name.to_string(), field(d));
    }
    json!({ "type": "object", "properties": props, "required": required, "additionalProperties": false })
}

fn ty(t: FieldType, doc: &str) -> Value {
    match t {
        FieldType::Str => json!({ "type": "string" }),
        FieldType::Bool => json!({ "type": "boolean" }),
        FieldType::Int(4, 7) => json!({ "enum": [4, 7] }),
        FieldType::Int(min, max) => json!({ "type": "integer", "minimum": min, "maximum": max }),
        FieldType::Enum(names) => json!({ "enum": names }),
        FieldType::EnumList(names) => json!({ "type": "array", "items": { "enum": names } }),
        FieldType::StrList => json!({ "type": "array", "items": { "type": "string" } }),
        FieldType::Qty(q) => quantity(q),
        FieldType::DurationOrNone => {
            json!({ "anyOf": [quantity(Q::Duration), { "const": "none" }] })
        }
        FieldType::DurationOrForever => {
            json!({ "anyOf": [quantity(Q::Duration), { "const": "forever" }] })
        }
        FieldType::BoolOr(names) => json!({ "anyOf": [{ "type": "boolean" }, { "enum": names }] }),
        FieldType::BoolOrMap(defs) => {
            json!({ "anyOf": [{ "type": "boolean" }, object(defs, &[])] })
        }
        FieldType::RetryPolicy => json!({ "anyOf": [
            { "const": "none" },
            { "type": "integer", "minimum": 1 },
            object(fields::RETRY, &[])
        ] }),
        FieldType::DurationOrMap(defs) => {
            json!({ "anyOf": [quantity(Q::Duration), object(defs, &[])] })
        }
        FieldType::Map(defs) => object(defs, &[]),
        FieldType::StrMap => {
            json!({ "type": "object", "additionalProperties": { "type": "string" } })
        }
        FieldType::Allow => json!({
            "type": "object",
            "propertyNames": { "$ref": "#/definitions/ruleId" },
            "additionalProperties": { "anyOf": [
                { "type": "string", "minLength": 1 },
                object(fields::ALLOW_ENTRY, &["reason"]),
            ] },
        }),
        FieldType::Calls => json!({ "type": "array", "items": { "anyOf": [
            { "type": "string", "description": "id of the component called, all defaults" },
            object(fields::CALL, &["to"])
        ] } }),
        FieldType::Consumes => json!({ "type": "array", "items": { "anyOf": [
            { "type": "string", "description": "id of the queue consumed" },
            object(fields::CONSUME, &["from"])
        ] } }),
        FieldType::Ref => json!({ "type": "string", "description": doc }),
        FieldType::Components => {
            json!({ "type": "object", "additionalProperties": { "$ref": "#/definitions/component" } })
        }
        FieldType::StrOrList => json!({ "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ] }),
        FieldType::MapList(defs) => {
            let required: &[&str] = if defs.iter().any(|d| d.name == "to") {
                &["to"]
            } else {
                &[]
            };
            json!({ "type": "array", "items": object(defs, required) })
        }
        FieldType::StrListList => {
            json!({ "type": "array", "items": { "type": "array", "items": { "type": "string" } } })
        }
        FieldType::Journeys => json!({
            "type": "object",
            "additionalProperties": object(fields::JOURNEY, &["steps"]),
        }),
        FieldType::Entities => json!({
            "type": "object",
            "additionalProperties": object(fields::ENTITY, &[]),
        }),
    }
}

fn field(d: &FieldDef) -> Value {
    let mut v = ty(d.ty, d.doc);
    if let Value::Object(m) = &mut v {
        let doc = match d.kinds {
            Some(kinds) => format!(
                "{} ({} only)",
                d.doc,
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => d.doc.to_string(),
        };
        let doc = match d.default {
            Some(x) => format!("{doc} Default: {x}."),
            None => doc,
        };
        m.insert("description".into(), Value::String(doc));
        // a plain default (a value, not a sentence) as the schema's `default`
        if let Some(x) = d.default.filter(|x| !x.contains(' ')) {
            let value = match x {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => x
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(x.to_string())),
            };
            m.insert("default".into(), value);
        }
    }
    v
}

/// Kind-specific fields are allowed only on their kinds: `if kind is not X then field: false`.
fn kind_constraints() -> Vec<Value> {
    fields::COMPONENT
        .iter()
        .filter_map(|d| {
            let kinds = d.kinds?;
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            Some(json!({
                "if": { "properties": { "kind": { "not": { "enum": names } } }, "required": ["kind"] },
                "then": { "properties": { d.name: false } }
            }))
        })
        .collect()
}

/// The schema; `rule_ids` are the ids an `allow` may name (the caller's registry, so
/// the model does not depend on the rules).
pub fn schema(rule_ids: &[&str]) -> Value {
    let mut top = object(fields::TOP, &["name"]);
    top["patternProperties"] = json!({ "^x-": {
        "description": "An extension key, ignored by archlint: a place for anchors (`&defaults`) to merge with `<<: *defaults`."
    } });
    let mut component = object(fields::COMPONENT, &["kind"]);
    component["allOf"] = Value::Array(kind_constraints());
    component["properties"]["kind"]["description"] = json!(format!(
        "What the component is: {}.",
        Kind::NAMES.join(", ")
    ));
    top["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    top["$id"] = json!(
        "https://raw.githubusercontent.com/archlint/archlint/main/schema/architecture.schema.json"
    );
    top["title"] = json!("archlint architecture file");
    top["description"] = json!(
        "A system design: components, the calls between them, and the requirements it must meet."
    );
    top["definitions"] = json!({ "component": component, "ruleId": { "enum": rule_ids } });
    top
}
