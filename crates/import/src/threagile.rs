//! A Threagile model to drafts: technical assets and their communication links.

use super::{Draft, Imported, error, finish, text};
use archlint_core::model::Kind;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

fn kind_of(technology: &str, asset_type: &str) -> (Kind, String) {
    let t = technology.to_ascii_lowercase();
    let k = match t.as_str() {
        "browser" | "desktop" | "mobile-app" | "devops-client" | "iot-device" | "tool" => {
            Kind::Client
        }
        "database"
        | "identity-store-ldap"
        | "identity-store-database"
        | "data-lake"
        | "vault"
        | "hsm" => Kind::Database,
        "file-server" | "block-storage" => Kind::ObjectStore,
        "load-balancer" | "reverse-proxy" | "waf" | "ids" | "ips" | "gateway" => Kind::LoadBalancer,
        "message-queue" | "stream-processing" | "event-listener" => Kind::Queue,
        "cache" => Kind::Cache,
        "cdn" => Kind::Cdn,
        "batch-processing" | "scheduler" | "task" => Kind::Worker,
        _ if asset_type == "datastore" => Kind::Database,
        _ => Kind::Service,
    };
    (k, format!("threagile: technology `{technology}`"))
}

pub fn import(src: &SourceFile) -> Result<Imported, Box<FileResult>> {
    let arena = yaml::Arena::new();
    let p =
        yaml::parse(src, &arena, Default::default()).map_err(|e| super::yaml_failure(src, e))?;
    let Some(assets) = p.root.get("technical_assets") else {
        return Err(Box::new(error(
            src,
            "",
            &p.root,
            "a Threagile model has no `technical_assets`".into(),
            "pass a threagile.yaml model",
        )));
    };
    let Some(map) = assets.as_map() else {
        return Err(Box::new(error(
            src,
            "technical_assets",
            assets,
            format!(
                "`technical_assets` must be a mapping, found {}",
                assets.type_name()
            ),
            "each asset is `Title: { id, technology, ... }`",
        )));
    };
    let mut drafts = Vec::new();
    for (k, a) in map {
        let title = k.as_scalar().unwrap_or("asset");
        if a.as_map().is_none() {
            return Err(Box::new(error(
                src,
                &format!("technical_assets.{title}"),
                a,
                format!(
                    "technical asset `{title}` must be a mapping, found {}",
                    a.type_name()
                ),
                "write it as `Title: { id, technology, communication_links, ... }`",
            )));
        }
        let id = a.get("id").and_then(text).unwrap_or(title);
        let tech = a
            .get("technology")
            .and_then(text)
            .unwrap_or("unknown-technology");
        let ty = a.get("type").and_then(text).unwrap_or("");
        let (mut kind, mut why) = kind_of(tech, ty);
        if ty == "external-entity" && kind != Kind::Client {
            kind = Kind::External;
            why = "threagile: type `external-entity`".into();
        }
        let mut d = Draft::new(id, kind, &why);
        d.description = Some(title.to_string());
        d.tech = Some((tech.to_string(), "threagile: technology".into()));
        if !matches!(kind, Kind::Client | Kind::External) {
            let redundant = a.get("redundant").and_then(Node::as_bool) == Some(true);
            d.replicas = Some(if redundant {
                (2, "threagile: redundant: true".into())
            } else {
                (1, "threagile: redundant: false".into())
            });
            if a.get("internet").and_then(Node::as_bool) == Some(true) {
                d.public = Some("threagile: internet: true".into());
            }
        }
        if a.get("out_of_scope").and_then(Node::as_bool) == Some(true) {
            d.notes.push(
                "out of scope in the threat model: keep it, or remove it and its calls".into(),
            );
        }
        for (lk, l) in a
            .get("communication_links")
            .and_then(Node::as_map)
            .unwrap_or(&[])
        {
            let Some(target) = l.get("target").and_then(text) else {
                continue;
            };
            let link = lk.as_scalar().unwrap_or("link");
            let proto = l
                .get("protocol")
                .and_then(text)
                .map(|p| (p.to_string(), format!("threagile: link `{link}`")));
            let access = (l.get("readonly").and_then(Node::as_bool) == Some(true)).then(|| {
                (
                    "read".to_string(),
                    format!("threagile: link `{link}` readonly: true"),
                )
            });
            d.link(
                target,
                proto,
                access,
                format!("threagile: communication link `{link}`"),
            );
        }
        drafts.push(d);
    }
    let name = p.root.get("title").and_then(text).unwrap_or("imported");
    Ok(finish(
        "threagile",
        &format!("`{}`", src.name),
        name,
        drafts,
        Vec::new(),
        Vec::new(),
    ))
}
