//! Kubernetes manifests (multi-document files, directories) to drafts.

use std::collections::BTreeMap;

use super::{Draft, Imported, error, finish, first_few, hosts_in, image, text};
use archlint_core::model::Kind;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;
use archlint_linter::input::FileResult;

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicaSet",
];
/// `skipped 12 objects the import does not read: 11 ServiceAccount (adservice,
/// cartservice, … and 8 more), 1 ConfigMap (settings)`.
fn skipped_note(skipped: &BTreeMap<String, Vec<String>>) -> String {
    let total: usize = skipped.values().map(Vec::len).sum();
    let kinds: Vec<String> = skipped
        .iter()
        .map(|(kind, names)| format!("{} {kind} ({})", names.len(), first_few(names, 3)))
        .collect();
    format!(
        "skipped {total} object{} the import does not read (it reads workloads, Services, Ingresses, HPAs and routes): {}",
        if total == 1 { "" } else { "s" },
        kinds.join(", ")
    )
}

/// The other kinds the import reads (everything else is counted as skipped).
const READ: &[&str] = &[
    "Service",
    "Ingress",
    "HorizontalPodAutoscaler",
    "HTTPRoute",
    "ConfigMap",
    "Gateway",
    "GRPCRoute",
];

struct Doc<'a> {
    kind: String,
    name: String,
    node: Node<'a>,
}

fn labels(n: Option<&Node>) -> BTreeMap<String, String> {
    n.and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_scalar()?.to_string(), text(v)?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The pod template of a workload (CronJob: jobTemplate.spec.template).
fn template<'n, 'a>(w: &'n Node<'a>, kind: &str) -> Option<&'n Node<'a>> {
    let spec = w.get("spec")?;
    if kind == "CronJob" {
        spec.get("jobTemplate")?.get("spec")?.get("template")
    } else {
        spec.get("template")
    }
}

pub fn import(files: &[SourceFile]) -> Result<Imported, Box<FileResult>> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut notes = Vec::new();
    // the objects the import does not read, by kind: one note, not one per object
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let arena = yaml::Arena::new();
    for src in files {
        let (roots, _) = yaml::parse_documents(src, &arena, Default::default())
            .map_err(|e| super::yaml_failure(src, e))?;
        for (i, r) in roots.into_iter().enumerate() {
            if r.is_null() {
                continue;
            }
            if r.as_map().is_none() {
                return Err(Box::new(error(
                    src,
                    "",
                    &r,
                    format!(
                        "document {} is not a Kubernetes object (a mapping), found {}",
                        i + 1,
                        r.type_name()
                    ),
                    "each document is one object with `apiVersion`, `kind` and `metadata`",
                )));
            }
            // a List holds objects in `items`
            let Some(kind) = r.get("kind").and_then(text).map(str::to_string) else {
                return Err(Box::new(error(
                    src,
                    "",
                    &r,
                    format!("document {} has no `kind`", i + 1),
                    "a Kubernetes object names its `kind` (Deployment, Service, ...)",
                )));
            };
            let name = r
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(text)
                .unwrap_or("")
                .to_string();
            if !WORKLOADS.contains(&kind.as_str()) && !READ.contains(&kind.as_str()) {
                skipped.entry(kind).or_default().push(name);
                continue;
            }
            docs.push(Doc {
                kind,
                name,
                node: r,
            });
        }
    }
    // ConfigMaps by name, for envFrom
    let config_maps: BTreeMap<String, Vec<(String, String)>> = docs
        .iter()
        .filter(|d| d.kind == "ConfigMap")
        .map(|d| {
            (
                d.name.clone(),
                d.node.get("data").map(super::env_pairs).unwrap_or_default(),
            )
        })
        .collect();
    // workloads and their pod labels
    let workloads: Vec<&Doc> = docs
        .iter()
        .filter(|d| WORKLOADS.contains(&d.kind.as_str()))
        .collect();
    let pod_labels: Vec<(String, BTreeMap<String, String>)> = workloads
        .iter()
        .map(|w| {
            (
                w.name.clone(),
                labels(
                    template(&w.node, &w.kind)
                        .and_then(|t| t.get("metadata"))
                        .and_then(|m| m.get("labels")),
                ),
            )
        })
        .collect();
    // the workloads by each of their pod labels, so that a selector looks at the
    // workloads of its rarest label rather than at every workload
    let mut by_label: std::collections::HashMap<(&str, &str), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, (_, l)) in pod_labels.iter().enumerate() {
        for (k, v) in l {
            by_label
                .entry((k.as_str(), v.as_str()))
                .or_default()
                .push(i);
        }
    }
    let selects = |sel: &BTreeMap<String, String>| -> Vec<String> {
        let Some(fewest) = sel
            .iter()
            .map(|(k, v)| {
                by_label
                    .get(&(k.as_str(), v.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|w| w.len())
        else {
            return Vec::new();
        };
        fewest
            .iter()
            .map(|&i| &pod_labels[i])
            .filter(|(_, l)| sel.iter().all(|(k, v)| l.get(k) == Some(v)))
            .map(|(n, _)| n.clone())
            .collect()
    };
    // Services: name -> workloads, ports
    let mut service_targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut service_proto: BTreeMap<String, String> = BTreeMap::new();
    for s in docs.iter().filter(|d| d.kind == "Service") {
        let spec = s.node.get("spec");
        let sel = labels(spec.and_then(|x| x.get("selector")));
        service_targets.insert(s.name.clone(), selects(&sel));
        if let Some(p) = spec
            .and_then(|x| x.get("ports"))
            .and_then(Node::as_seq)
            .and_then(|p| p.first())
        {
            let named = p.get("name").and_then(text).map(|n| n.to_ascii_lowercase());
            let proto = match named.as_deref() {
                Some(n) if n.starts_with("grpc") => Some("grpc".to_string()),
                Some(n) if n.starts_with("https") => Some("https".into()),
                Some(n) if n.starts_with("http") => Some("http".into()),
                _ => p
                    .get("port")
                    .and_then(text)
                    .and_then(|x| x.parse().ok())
                    .and_then(image::protocol_of_port)
                    .map(str::to_string),
            };
            if let Some(pr) = proto {
                service_proto.insert(s.name.clone(), pr);
            }
        }
    }
    let hpa: BTreeMap<String, (u64, String)> = docs
        .iter()
        .filter(|d| d.kind == "HorizontalPodAutoscaler")
        .filter_map(|d| {
            let spec = d.node.get("spec")?;
            let target = spec.get("scaleTargetRef")?.get("name").and_then(text)?;
            let min = spec
                .get("minReplicas")
                .and_then(text)
                .and_then(|m| m.parse().ok())
                .unwrap_or(1);
            Some((
                target.to_string(),
                (
                    min,
                    format!("k8s: HorizontalPodAutoscaler `{}` minReplicas", d.name),
                ),
            ))
        })
        .collect();
    let workload_names: std::collections::HashSet<&str> =
        workloads.iter().map(|w| w.name.as_str()).collect();
    let resolve = |host: &str| -> Option<(String, Option<String>)> {
        if let Some(t) = service_targets.get(host) {
            return t
                .first()
                .map(|w| (w.clone(), service_proto.get(host).cloned()));
        }
        workload_names
            .contains(host)
            .then(|| (host.to_string(), None))
    };
    let mut drafts = Vec::new();
    let mut unrecognised = Vec::new();
    for w in &workloads {
        let tpl = template(&w.node, &w.kind);
        let containers: Vec<&Node> = tpl
            .and_then(|t| t.get("spec"))
            .and_then(|s| s.get("containers"))
            .and_then(Node::as_seq)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        let main = containers.first().copied();
        let img = main
            .and_then(|c| c.get("image"))
            .and_then(text)
            .unwrap_or("");
        let mut env: Vec<(String, String)> = Vec::new();
        let mut ports: Vec<(u16, Option<String>)> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        for c in &containers {
            env.extend(c.get("env").map(super::env_pairs).unwrap_or_default());
            for ef in c.get("envFrom").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(cm) = ef
                    .get("configMapRef")
                    .and_then(|r| r.get("name"))
                    .and_then(text)
                    && let Some(data) = config_maps.get(cm)
                {
                    env.extend(data.iter().cloned());
                }
            }
            for p in c.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(n) = p
                    .get("containerPort")
                    .and_then(text)
                    .and_then(|x| x.parse().ok())
                {
                    ports.push((n, p.get("name").and_then(text).map(str::to_string)));
                }
            }
            for key in ["args", "command"] {
                if let Some(a) = c.get(key).and_then(Node::as_seq) {
                    args.extend(a.iter().filter_map(|x| text(x).map(str::to_string)));
                }
            }
        }
        let keys: Vec<String> = env.iter().map(|(k, _)| k.clone()).collect();
        let rec = image::by_name(img)
            .or_else(|| {
                (!img.is_empty())
                    .then(|| image::by_last_word(&image::base_name(img), "the image's name"))
                    .flatten()
            })
            .or_else(|| image::by_last_word(&w.name, "the workload's name"))
            .or_else(|| {
                ports
                    .iter()
                    .find_map(|(_, n)| n.as_deref().and_then(image::by_port_name))
            })
            .or_else(|| {
                super::store_settings(&env, &keys, |h| {
                    resolve(h).is_some_and(|(t, _)| t != w.name)
                })
            })
            .or_else(|| ports.iter().find_map(|(p, _)| image::by_port(*p)));
        let persistent = w.kind == "StatefulSet"
            || args
                .iter()
                .any(|a| a.contains("appendonly") || a.contains("--save"));
        let job = matches!(w.kind.as_str(), "Job" | "CronJob");
        let mut d = match &rec {
            Some(r) if !job => {
                let (mut kind, mut why) = image::deployed_kind(
                    r,
                    "k8s",
                    persistent.then_some("a StatefulSet, or appendonly/save"),
                );
                if kind == Kind::LoadBalancer {
                    kind = Kind::Service;
                    why = format!("k8s: {}, behind a Service", r.evidence);
                }
                let mut d = Draft::new(&w.name, kind, &why);
                d.tech = Some((r.tech.clone(), format!("k8s: {}", r.evidence)));
                if kind == Kind::Database && r.tech == "redis" {
                    d.model = Some(("key-value".into(), "k8s: redis with persistence".into()));
                }
                d
            }
            _ => {
                if rec.is_none() && !img.is_empty() {
                    unrecognised.push(img.to_string());
                }
                let (kind, why) = if job {
                    (Kind::Worker, format!("k8s: a {}", w.kind))
                } else {
                    (
                        Kind::Service,
                        format!("k8s: {} with an image not recognised", w.kind),
                    )
                };
                Draft::new(&w.name, kind, &why)
            }
        };
        let stated = w
            .node
            .get("spec")
            .and_then(|s| s.get("replicas"))
            .and_then(text);
        let replicas = hpa.get(&w.name).cloned().unwrap_or_else(|| match stated {
            Some(r) => match r.trim().parse::<u64>() {
                Ok(n) => (n, format!("k8s: {} spec.replicas", w.kind)),
                // out of range or not a number: said, never silently 1
                Err(_) => {
                    d.notes.push(format!(
                        "`spec.replicas: {r}` is not a number of replicas archlint reads; set `replicas:` by hand"
                    ));
                    (1, format!("k8s: {} spec.replicas unreadable", w.kind))
                }
            },
            None => (1, format!("k8s: {} without spec.replicas (1)", w.kind)),
        });
        d.listens = !ports.is_empty();
        d.consumer_setting = super::consumer_setting(&keys);
        if w.kind != "DaemonSet" {
            d.replicas = Some(replicas);
        } else {
            d.notes.push(
                "a DaemonSet runs one pod per node: set `replicas` to your node count".into(),
            );
        }
        for (k, v) in &env {
            for (host, proto) in hosts_in(v) {
                if let Some((t, sp)) = resolve(&host) {
                    // the Service's port name says more than a port number's convention
                    let p = sp
                        .or(proto)
                        .map(|p| (p, format!("k8s: {k} via the Service's port")));
                    d.call(&t, p, format!("k8s: env {k} names `{host}`"));
                }
            }
        }
        for a in &args {
            for (host, proto) in hosts_in(a) {
                if let Some((t, sp)) = resolve(&host) {
                    d.call(
                        &t,
                        sp.or(proto).map(|p| (p, "k8s: args".into())),
                        format!("k8s: args name `{host}`"),
                    );
                }
            }
        }
        drafts.push(d);
    }
    // the edge: LoadBalancer/NodePort Services (layer 4), Ingress and HTTPRoute (layer 7)
    let mut edge: Vec<String> = Vec::new();
    for s in docs.iter().filter(|d| d.kind == "Service") {
        let ty = s
            .node
            .get("spec")
            .and_then(|x| x.get("type"))
            .and_then(text)
            .unwrap_or("ClusterIP");
        if !matches!(ty, "LoadBalancer" | "NodePort") {
            continue;
        }
        let mut lb = Draft::new(
            &s.name,
            Kind::LoadBalancer,
            &format!("k8s: Service `{}` of type {ty}", s.name),
        );
        lb.layer = Some((4, format!("k8s: a {ty} Service balances TCP")));
        lb.replicas = Some((
            2,
            "k8s: the cloud's load balancer (assumed redundant)".into(),
        ));
        for t in service_targets.get(&s.name).cloned().unwrap_or_default() {
            lb.call(
                &t,
                service_proto
                    .get(&s.name)
                    .map(|p| (p.clone(), "k8s: Service port name".into())),
                format!("k8s: Service `{}` selects it", s.name),
            );
        }
        edge.push(lb.id.clone());
        drafts.push(lb);
    }
    for ing in docs
        .iter()
        .filter(|d| matches!(d.kind.as_str(), "Ingress" | "HTTPRoute"))
    {
        let mut lb = Draft::new(
            &ing.name,
            Kind::LoadBalancer,
            &format!("k8s: {} `{}`", ing.kind, ing.name),
        );
        lb.layer = Some((7, format!("k8s: an {} routes HTTP", ing.kind)));
        lb.replicas = Some((2, "k8s: the ingress controller (assumed redundant)".into()));
        let mut routing: Vec<String> = Vec::new();
        let spec = ing.node.get("spec");
        let mut backends: Vec<String> = Vec::new();
        if ing.kind == "Ingress" {
            for r in spec
                .and_then(|s| s.get("rules"))
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                if r.get("host").is_some() && !routing.contains(&"host".to_string()) {
                    routing.push("host".into());
                }
                for p in r
                    .get("http")
                    .and_then(|h| h.get("paths"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                {
                    if p.get("path").is_some() && !routing.contains(&"path".to_string()) {
                        routing.push("path".into());
                    }
                    let b = p.get("backend");
                    let name = b
                        .and_then(|b| b.get("service"))
                        .and_then(|s| s.get("name"))
                        .and_then(text)
                        .or_else(|| b.and_then(|b| b.get("serviceName")).and_then(text));
                    backends.extend(name.map(str::to_string));
                }
            }
            if let Some(n) = spec
                .and_then(|s| s.get("defaultBackend"))
                .and_then(|b| b.get("service"))
                .and_then(|s| s.get("name"))
                .and_then(text)
            {
                backends.push(n.to_string());
            }
        } else {
            if spec.and_then(|s| s.get("hostnames")).is_some() {
                routing.push("host".into());
            }
            for r in spec
                .and_then(|s| s.get("rules"))
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                for m in r.get("matches").and_then(Node::as_seq).unwrap_or(&[]) {
                    for (key, what) in [("path", "path"), ("headers", "header")] {
                        if m.get(key).is_some() && !routing.contains(&what.to_string()) {
                            routing.push(what.into());
                        }
                    }
                }
                for b in r.get("backendRefs").and_then(Node::as_seq).unwrap_or(&[]) {
                    backends.extend(b.get("name").and_then(text).map(str::to_string));
                }
            }
        }
        if !routing.is_empty() {
            lb.routing = Some((routing, format!("k8s: the {}'s rules", ing.kind)));
        }
        for b in backends {
            for t in service_targets.get(&b).cloned().unwrap_or_default() {
                lb.call(
                    &t,
                    Some(("http".into(), format!("k8s: {}", ing.kind))),
                    format!("k8s: {} backend `{b}`", ing.kind),
                );
            }
        }
        edge.push(lb.id.clone());
        drafts.push(lb);
    }
    if !edge.is_empty() {
        let mut users = Draft::new(
            &super::synthetic_id(&drafts),
            Kind::Client,
            "k8s: traffic from outside the cluster",
        );
        for e in &edge {
            users.call(e, None, "k8s: exposed outside the cluster".into());
        }
        drafts.insert(0, users);
    }
    let origin = if files.len() == 1 {
        format!("`{}`", files[0].name)
    } else {
        format!("{} manifest files", files.len())
    };
    if !skipped.is_empty() {
        notes.push(skipped_note(&skipped));
    }
    Ok(finish(
        "k8s",
        &origin,
        "imported",
        drafts,
        notes,
        unrecognised,
    ))
}
