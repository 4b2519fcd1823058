//! A Backstage software catalog (its `catalog-info.yaml` files) to an architecture
//! file.
//!
//! Components and Resources become components: a `website` is a client, a `library`
//! is code, not a running component; a Resource's type says its kind (database,
//! queue, bucket, cache). `dependsOn` is a call; `consumesApis` is a call to the
//! component that `providesApis` the API (or, when it names a component, to that
//! component). Entity references in their `kind:namespace/name` forms are resolved
//! with each field's default kind and the namespace `default`. Systems and domains
//! give the parts their `domain` (a component's `system`); owners stay `owner`. APIs, Groups, Users and the
//! rest are counted, not invented.

use std::collections::BTreeMap;

use super::{Draft, Imported, error, finish, models, sanitize, text};
use archlint_core::model::Kind;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

/// An entity's reference: kind, namespace, name (lowercase, as Backstage compares).
type Ref = (String, String, String);

/// `[kind:][namespace/]name`, the kind defaulting to `default_kind`.
pub fn parse_ref(text: &str, default_kind: &str) -> Ref {
    let t = text.trim();
    let (kind, rest) = match t.split_once(':') {
        Some((k, r)) if !k.contains('/') => (k.to_ascii_lowercase(), r),
        _ => (default_kind.to_string(), t),
    };
    let (ns, name) = match rest.split_once('/') {
        Some((n, m)) => (n.to_ascii_lowercase(), m),
        None => ("default".to_string(), rest),
    };
    (kind, ns, name.to_ascii_lowercase())
}

struct Entity<'n, 'a> {
    kind: String,
    name: String,
    namespace: String,
    node: &'n Node<'a>,
}

/// Import catalog files (each may hold several documents).
pub fn import(sources: &[SourceFile]) -> Result<Imported, Box<FileResult>> {
    let arena = yaml::Arena::new();
    let mut docs: Vec<(usize, Node)> = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let (roots, _) = yaml::parse_documents(src, &arena, Default::default())
            .map_err(|e| super::yaml_failure(src, e))?;
        for root in roots {
            docs.push((i, root));
        }
    }
    let mut entities: Vec<Entity> = Vec::new();
    for (i, doc) in &docs {
        let src = &sources[*i];
        if doc.is_null() {
            continue; // an empty document between `---`
        }
        if doc.as_map().is_none() {
            return Err(Box::new(error(
                src,
                "",
                doc,
                format!("a catalog entity is a mapping, found {}", doc.type_name()),
                "each document is { apiVersion, kind, metadata, spec }",
            )));
        }
        let Some(kind) = doc.get("kind").and_then(text) else {
            return Err(Box::new(error(
                src,
                "",
                doc,
                "a catalog entity has no `kind`".into(),
                "write `kind: Component` (or API, Resource, System, Domain, ...)",
            )));
        };
        let meta = doc.get("metadata");
        let Some(name) = meta.and_then(|m| m.get("name")).and_then(text) else {
            return Err(Box::new(error(
                src,
                "metadata",
                meta.unwrap_or(doc),
                format!("the {kind} entity has no `metadata.name`"),
                "every entity is named in `metadata.name`",
            )));
        };
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(text)
            .unwrap_or("default");
        entities.push(Entity {
            kind: kind.to_ascii_lowercase(),
            name: name.to_string(),
            namespace: namespace.to_ascii_lowercase(),
            node: doc,
        });
    }
    let key = |e: &Entity| -> Ref {
        (
            e.kind.clone(),
            e.namespace.clone(),
            e.name.to_ascii_lowercase(),
        )
    };
    fn spec<'n, 'a>(e: &Entity<'n, 'a>, field: &str) -> Option<&'n Node<'a>> {
        e.node.get("spec").and_then(|s| s.get(field))
    }
    let list = |n: Option<&Node>| -> Vec<String> {
        match n {
            Some(n) => match n.as_seq() {
                Some(items) => items.iter().filter_map(text).map(String::from).collect(),
                None => text(n).map(|t| vec![t.to_string()]).unwrap_or_default(),
            },
            None => Vec::new(),
        }
    };
    // the component ids, and which component provides each API
    let mut ids: BTreeMap<Ref, String> = BTreeMap::new();
    let mut provider: BTreeMap<Ref, String> = BTreeMap::new();
    let mut systems: BTreeMap<Ref, Option<String>> = BTreeMap::new();
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut drafts: Vec<Draft> = Vec::new();
    for e in &entities {
        let ty = spec(e, "type")
            .and_then(text)
            .unwrap_or("")
            .to_ascii_lowercase();
        let what = match e.kind.as_str() {
            "component" => match ty.as_str() {
                "library" => None,
                "website" | "frontend" | "mobile-app" | "app" => {
                    Some((Kind::Client, format!("backstage: Component of type `{ty}`")))
                }
                "service" => Some((
                    Kind::Service,
                    "backstage: Component of type `service`".into(),
                )),
                other => Some(match models::kind_word(other) {
                    Some(k) => (k, format!("backstage: Component of type `{other}`")),
                    None => (
                        Kind::Service,
                        format!("backstage: Component of type `{other}`: check its kind"),
                    ),
                }),
            },
            "resource" => {
                let words = format!(
                    "{ty} {} {}",
                    e.name,
                    e.node
                        .get("metadata")
                        .and_then(|m| m.get("description"))
                        .and_then(text)
                        .unwrap_or("")
                );
                Some(
                    match models::kind_word(&ty).or(models::tech_in(&words).map(|(k, _)| k)) {
                        Some(k) => (k, format!("backstage: Resource of type `{ty}`")),
                        None => (
                            Kind::Service,
                            format!("backstage: Resource of type `{ty}`: check its kind"),
                        ),
                    },
                )
            }
            "system" => {
                let domain = spec(e, "domain")
                    .and_then(text)
                    .map(|d| parse_ref(d, "domain").2);
                systems.insert(key(e), domain);
                None
            }
            _ => None,
        };
        let Some((kind, why)) = what else {
            let what = if ty == "library" {
                "library Components (code, not a running component)".to_string()
            } else {
                format!("{} entities", e.kind)
            };
            skipped.entry(what).or_default().push(e.name.clone());
            continue;
        };
        let mut d = Draft::new(&e.name, kind, &why);
        ids.insert(key(e), d.id.clone());
        if let Some(desc) = e
            .node
            .get("metadata")
            .and_then(|m| m.get("description"))
            .and_then(text)
        {
            d.description = Some(desc.to_string());
        }
        if let Some(o) = spec(e, "owner").and_then(text) {
            d.owner = Some((parse_ref(o, "group").2, "backstage: spec.owner".into()));
        }
        let words = format!("{} {}", e.name, d.description.clone().unwrap_or_default());
        if let Some((k, tech)) = models::tech_in(&words)
            && k == kind
        {
            d.tech = Some((
                tech.to_string(),
                format!("backstage: named in `{}`", e.name),
            ));
        }
        for api in list(spec(e, "providesApis")) {
            provider.insert(parse_ref(&api, "api"), d.id.clone());
        }
        drafts.push(d);
    }
    // relations, in the files' order
    let mut notes = Vec::new();
    for e in &entities {
        let Some(from) = ids.get(&key(e)).cloned() else {
            continue;
        };
        let mut links: Vec<(String, String)> = Vec::new();
        for dep in list(spec(e, "dependsOn")) {
            let r = parse_ref(&dep, "component");
            match ids.get(&r) {
                Some(to) => links.push((to.clone(), format!("backstage: dependsOn `{dep}`"))),
                None => notes.push(format!(
                    "`{}` depends on `{dep}`, which these files do not define: add its file to import it",
                    e.name
                )),
            }
        }
        for api in list(spec(e, "consumesApis")) {
            let r = parse_ref(&api, "api");
            let to = if r.0 == "api" {
                provider.get(&r)
            } else {
                ids.get(&r)
            };
            match to {
                Some(to) if *to != from => links.push((
                    to.clone(),
                    if r.0 == "api" {
                        format!("backstage: consumesApis `{api}`, provided by `{to}`")
                    } else {
                        format!("backstage: consumesApis `{api}`")
                    },
                )),
                Some(_) => {}
                None => notes.push(format!(
                    "`{}` consumes `{api}`, which no component here provides",
                    e.name
                )),
            }
        }
        let system = spec(e, "system")
            .and_then(text)
            .map(|s| parse_ref(s, "system"));
        let domain = system
            .as_ref()
            .and_then(|s| systems.get(s).cloned().flatten());
        let d = drafts.iter_mut().find(|d| d.id == from).expect("listed");
        for (to, why) in links {
            d.call(&to, None, why);
        }
        // the system it belongs to is its domain (the system's own domain in the note)
        if let Some(s) = &system {
            let why = match &domain {
                Some(dom) => {
                    format!("backstage: spec.system (the system is in the domain `{dom}`)")
                }
                None => "backstage: spec.system".to_string(),
            };
            d.domain = Some((sanitize(&s.2), why));
        }
        if let Some(parent) = spec(e, "subcomponentOf").and_then(text) {
            d.notes.push(format!(
                "a subcomponent of `{parent}`: the catalog does not say who calls it"
            ));
        }
    }
    for (what, names) in &skipped {
        notes.push(format!(
            "not components: {} {what}: {}",
            names.len(),
            super::first_few(names, 3)
        ));
    }
    let origin = if sources.len() == 1 {
        format!("`{}`", sources[0].name)
    } else {
        format!("{} catalog files", sources.len())
    };
    let name = systems
        .keys()
        .next()
        .map(|s| s.2.clone())
        .unwrap_or_else(|| "catalog".to_string());
    Ok(finish(
        "backstage",
        &origin,
        &name,
        drafts,
        notes,
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_their_forms() {
        let d = |k: &str, n: &str, m: &str| (k.to_string(), n.to_string(), m.to_string());
        assert_eq!(
            parse_ref("artists-db", "resource"),
            d("resource", "default", "artists-db")
        );
        assert_eq!(
            parse_ref("resource:artists-db", "component"),
            d("resource", "default", "artists-db")
        );
        assert_eq!(
            parse_ref("component:ops/Search", "api"),
            d("component", "ops", "search")
        );
        assert_eq!(
            parse_ref("payments/checkout", "api"),
            d("api", "payments", "checkout")
        );
    }
}
