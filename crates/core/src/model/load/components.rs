//! The loader's `components`: each component's fields, its calls and consumes.

use super::*;

impl Loader<'_> {
    pub(super) fn components(&mut self, v: &Node, a: &mut Architecture) {
        let Some(map) = self.expect_map("components", v) else {
            return;
        };
        if map.len() > self.max_components {
            let (key, _) = &map[self.max_components];
            self.push(
                Diagnostic::invalid(
                    "components",
                    key.span,
                    format!(
                        "the file defines {} components, more than the limit of {}",
                        map.len(),
                        self.max_components
                    ),
                )
                .label(format!(
                    "component {} of {}",
                    self.max_components + 1,
                    map.len()
                ))
                .help(
                    "split the system into several files, or raise the limit with --max-components",
                ),
            );
            return;
        }
        a.components.reserve(map.len());
        self.defined = component_ids(map.iter().map(|(k, _)| k)).0;
        for (k, val) in map {
            self.component_entry(k, val, a);
        }
        a.index.retain(|&i| i != usize::MAX);
    }

    /// One entry of `components`: the component, or the error that it is none.
    pub(super) fn component_entry(&mut self, k: &Node, val: &Node, a: &mut Architecture) {
        let Some(id) = k.as_scalar().filter(|_| !k.is_null()) else {
            self.push(
                Diagnostic::invalid("components", k.span, "a component id must be a name")
                    .label("not a name")
                    .help("name the component, e.g. `orders-api:`; `null`, `~`, an empty key, a list or a mapping is not an id"),
            );
            return;
        };
        if a.index.contains_key(id) {
            return; // reported as a duplicate key
        }
        let path = format!("components.{id}");
        match self.component(id, &path, k, val) {
            Some(c) => {
                a.index.insert(id, a.components.len());
                a.components.push(c);
            }
            // keep a placeholder so a duplicate id is not loaded twice
            None => {
                a.index.insert(id, usize::MAX);
            }
        }
    }

    pub(super) fn component(
        &mut self,
        id: &str,
        path: &str,
        key: &Node,
        v: &Node,
    ) -> Option<Component> {
        let Some(map) = v.as_map() else {
            // `calls:` or `replicas:` dedented to the level of the components: a field
            // that lost its component, not a component
            if fields::component_field(id).is_some() {
                self.push(
                    Diagnostic::invalid(
                        path,
                        key.span,
                        format!(
                            "`{id}` is a component field, but it sits directly under `components:`, where it reads as a component named `{id}`"
                        ),
                    )
                    .label("indented like a component")
                    .help(format!(
                        "indent `{id}:` to line up with the fields (`kind:`, ...) of the component above it"
                    )),
                );
                return None;
            }
            self.push(
                Diagnostic::invalid(
                    path,
                    if v.is_null() { key.span } else { v.span },
                    format!(
                        "component `{id}` must be a mapping with at least `kind`, found {}",
                        v.type_name()
                    ),
                )
                .label("expected a mapping")
                .help(format!(
                    "write it as `{id}: {{ kind: service }}`, with one of the kinds: {}",
                    list_values(Kind::NAMES)
                )),
            );
            return None;
        };
        let kind = match v.entry("kind") {
            None => {
                self.push(
                    Diagnostic::invalid(path, key.span, format!("component `{id}` has no `kind`"))
                        .label("`kind` is required")
                        .help(format!(
                            "add `kind:` with one of {}",
                            list_values(Kind::NAMES)
                        )),
                );
                None
            }
            Some((kk, kv)) => self
                .enumv(&join(path, "kind"), kv, Kind::NAMES, Kind::parse)
                .map(|x| self.sp(kk, kv, x)),
        };
        self.check_keys(
            map,
            fields::COMPONENT,
            path,
            kind.as_ref().map(|k| k.v),
            &format!("component `{id}`"),
        );
        let Some(kind) = kind else {
            // still validate references and values so that all errors are reported
            let mut scratch = Component::new(
                id.to_string(),
                key.span,
                Sp {
                    v: Kind::Service,
                    span: key.span,
                },
            );
            self.component_fields(path, map, &mut scratch);
            // what it calls, consumes or caches loses a neighbour: at fault too
            self.left_out_neighbours.extend(
                scratch
                    .calls
                    .iter()
                    .map(|c| c.to.v.clone())
                    .chain(scratch.consumes.iter().map(|c| c.from.v.clone()))
                    .chain(scratch.more().caches.iter().map(|c| c.v.clone())),
            );
            return None;
        };
        let mut c = Component::new(id.to_string(), key.span, kind);
        self.component_fields(path, map, &mut c);
        Some(c)
    }

    pub(super) fn component_fields(&mut self, path: &str, map: &[(Node, Node)], c: &mut Component) {
        let mut buf = String::with_capacity(path.len() + 24);
        for (k, v) in map {
            let Some(name) = k.as_scalar() else { continue };
            let Some(def) = fields::component_field(name) else {
                continue;
            };
            if let (Some(kinds), kind) = (def.kinds, c.kind.v)
                && !kinds.contains(&kind)
            {
                continue; // reported by check_keys
            }
            let p = join_into(&mut buf, path, name);
            macro_rules! set {
                ($field:ident, $e:expr) => {{
                    let x = $e;
                    c.$field = x.map(|x| self.sp(k, v, x));
                }};
            }
            // a field of `ComponentMore`
            macro_rules! more {
                ($field:ident, $e:expr) => {{
                    let x = $e.map(|x| self.sp(k, v, x));
                    set_more(&mut c.more, x, |m| &mut m.$field);
                }};
            }
            match name {
                "kind" => {}
                "tech" => set!(tech, self.string(p, v)),
                "description" => set!(description, self.string(p, v)),
                "public" => set!(public, self.boolean(p, v)),
                "replicas" => set!(replicas, self.int(p, v, 1, 1_000_000)),
                "owner" => set!(owner, self.string(p, v)),
                "tags" => set!(tags, self.str_list(p, v)),
                "domain" => set!(domain, self.string(p, v)),
                "stateful" => set!(stateful, self.boolean(p, v)),
                "rate_limit" => set!(rate_limit, self.rate_limit(p, v)),
                "latency" => set!(latency, self.qty(p, v, QuantityKind::Duration)),
                "availability" => set!(availability, self.qty(p, v, QuantityKind::Percent)),
                "capacity" => set!(capacity, self.qty(p, v, QuantityKind::Count)),
                "calls" => c.calls = self.calls(p, v),
                "consumes" => c.consumes = self.consumes(p, v),
                "rationale" => more!(rationale, self.string(p, v)),
                "aliases" => more!(aliases, self.str_list(p, v)),
                "alternatives" => more!(alternatives, self.alternatives(p, v)),
                "allow" => c.allow = self.allow(p, v),
                "model" => more!(model, self.enumv(p, v, DbModel::NAMES, DbModel::parse)),
                "access_patterns" => more!(
                    access_patterns,
                    self.enum_list(p, v, AccessPattern::NAMES, AccessPattern::parse)
                ),
                "data_volume" => more!(data_volume, self.qty(p, v, QuantityKind::Size)),
                "write_rps" => more!(write_rps, self.qty(p, v, QuantityKind::Count)),
                "replication" => more!(
                    replication,
                    self.enumv(p, v, Replication::NAMES, Replication::parse)
                ),
                "sharded" => more!(sharded, self.boolean(p, v)),
                "pattern" => more!(
                    pattern,
                    self.enumv(p, v, CachePattern::NAMES, CachePattern::parse)
                ),
                "ttl" => more!(
                    ttl,
                    match v.as_scalar() {
                        Some("none") if v.is_plain_scalar() => Some(None),
                        _ => self.qty(p, v, QuantityKind::Duration).map(Some),
                    }
                ),
                "invalidation" => more!(
                    invalidation,
                    self.enumv(p, v, Invalidation::NAMES, Invalidation::parse)
                ),
                "scope" => more!(
                    scope,
                    self.enumv(p, v, CacheScope::NAMES, CacheScope::parse)
                ),
                "caches" => more!(caches, self.reference(p, v, "caches")),
                "delivery" => more!(delivery, self.enumv(p, v, Delivery::NAMES, Delivery::parse)),
                "ordering" => more!(
                    ordering,
                    self.bool_or(
                        p,
                        v,
                        &["none", "per-key", "per-partition", "fifo", "global"]
                    )
                ),
                "replay" => more!(replay, self.boolean(p, v)),
                "dead_letter" => more!(dead_letter, self.boolean(p, v)),
                "throughput" => more!(throughput, self.qty(p, v, QuantityKind::Count)),
                "share" => more!(share, self.qty(p, v, QuantityKind::Percent)),
                "internal" => more!(internal, self.boolean(p, v)),
                "routes" => more!(routes, self.boolean(p, v)),
                "hit_ratio" => more!(hit_ratio, self.qty(p, v, QuantityKind::Percent)),
                "layer" => more!(
                    layer,
                    self.int(p, v, 4, 7).filter(|l| {
                        let ok = *l == 4 || *l == 7;
                        if !ok {
                            self.push(
                                Diagnostic::invalid(
                                    p,
                                    v.span,
                                    format!("`layer` must be 4 or 7, found `{l}`"),
                                )
                                .label("expected 4 or 7"),
                            );
                        }
                        ok
                    })
                ),
                "sticky_sessions" => more!(sticky_sessions, self.boolean(p, v)),
                "tls_termination" => more!(tls_termination, self.boolean(p, v)),
                "routing" => more!(
                    routing,
                    self.enum_list(p, v, Routing::NAMES, Routing::parse)
                        .map(|l| l.into_iter().map(|s| s.v).collect())
                ),
                _ => {}
            }
        }
    }

    pub(super) fn bool_or(&mut self, path: &str, v: &Node, names: &[&str]) -> Option<bool> {
        if let Some(b) = v.as_bool() {
            return Some(b);
        }
        match v.as_scalar() {
            Some("none") => Some(false),
            Some(t) if names.contains(&t) => Some(true),
            _ => {
                let mut all = vec!["true", "false"];
                all.extend_from_slice(names);
                self.type_error(path, v, &format!("one of {}", list_values(&all)));
                None
            }
        }
    }

    pub(super) fn rate_limit(&mut self, path: &str, v: &Node) -> Option<RateLimit> {
        if let Some(b) = v.as_bool() {
            return Some(if b { RateLimit::On } else { RateLimit::Off });
        }
        if v.as_map().is_none() {
            self.type_error(
                path,
                v,
                "`true`, `false` or a mapping `{ requests_per_second, per }`",
            );
            return None;
        }
        let map = v.as_map()?;
        self.check_keys(map, fields::RATE_LIMIT, path, None, "`rate_limit`");
        let mut rps = None;
        let mut per = None;
        for (k, val) in map {
            match k.as_scalar() {
                Some("requests_per_second") => {
                    rps = self.qty(&join(path, "requests_per_second"), val, QuantityKind::Count)
                }
                Some("per") => per = self.string(&join(path, "per"), val),
                _ => {}
            }
        }
        Some(RateLimit::Limit {
            requests_per_second: rps,
            per,
        })
    }

    pub(super) fn alternatives(&mut self, path: &str, v: &Node) -> Option<Vec<(String, String)>> {
        let map = self.expect_map(path, v)?;
        let mut out = Vec::new();
        for (k, val) in map {
            let (Some(opt), Some(why)) =
                (k.as_scalar(), val.as_scalar().filter(|_| !val.is_null()))
            else {
                self.type_error(
                    &join(path, k.as_scalar().unwrap_or("?")),
                    val,
                    "a reason (string)",
                );
                continue;
            };
            out.push((opt.to_string(), why.to_string()));
        }
        Some(out)
    }

    /// The span of a list item: the scalar, or the first entry of a mapping item.
    pub(super) fn item_span(&self, it: &Node) -> Span {
        match it.as_map() {
            Some(m) if !m.is_empty() => {
                let (k, v) = m
                    .iter()
                    .find(|(k, _)| matches!(k.as_scalar(), Some("to" | "from")))
                    .unwrap_or(&m[0]);
                let first = self.entry_span(k, v);
                if it.span.start() < first.start()
                    && self.src.line_of(it.span.start()) == self.src.line_of(first.start())
                {
                    // a flow mapping `{ to: x, ... }`: the whole item when it is on one line
                    if self.src.line_of(it.span.end().saturating_sub(1))
                        == self.src.line_of(it.span.start())
                    {
                        return it.span;
                    }
                }
                Span::new(
                    m[0].0.span.start().min(first.start()),
                    first.end().max(m[0].0.span.end()),
                )
            }
            _ => it.span,
        }
    }

    pub(super) fn calls(&mut self, path: &str, v: &Node) -> Vec<Call> {
        // paths built in reused buffers: they are needed only for messages
        let (mut buf, mut item, mut to) = (String::new(), String::new(), String::new());
        let Some(items) = v.as_seq() else {
            if !v.is_null() {
                self.type_error(path, v, "a list of component ids or `{ to: ... }` mappings");
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            item.clear();
            let _ = write!(item, "{path}[{i}]");
            let p: &str = &item;
            if it.as_scalar().is_some() {
                if let Some(to) = self.reference(p, it, "calls") {
                    out.push(Call {
                        to: Sp {
                            v: to,
                            span: it.span,
                        },
                        span: it.span,
                        protocol: None,
                        mode: None,
                        access: None,
                        timeout: None,
                        retry: None,
                        more: None,
                        allow: Vec::new(),
                    });
                }
                continue;
            }
            let Some(map) = it.as_map() else {
                self.type_error(p, it, "a component id or a mapping `{ to: ... }`");
                continue;
            };
            self.check_keys(map, fields::CALL, p, None, "a call");
            let Some((tk, tv)) = it.entry("to") else {
                self.push(
                    Diagnostic::invalid(p, self.item_span(it), "call has no `to`")
                        .label("`to` is required")
                        .help("name the component called: `- to: orders-db`"),
                );
                continue;
            };
            let Some(to) = self.reference(join_into(&mut to, p, "to"), tv, "calls") else {
                continue;
            };
            let mut c = Call {
                to: self.sp(tk, tv, to),
                span: self.item_span(it),
                protocol: None,
                mode: None,
                access: None,
                timeout: None,
                retry: None,
                more: None,
                allow: Vec::new(),
            };
            for (k, val) in map {
                let Some(name) = k.as_scalar() else { continue };
                let fp = join_into(&mut buf, p, name);
                macro_rules! set {
                    ($field:ident, $e:expr) => {{
                        let x = $e;
                        c.$field = x.map(|x| self.sp(k, val, x));
                    }};
                }
                // a field of `CallMore`
                macro_rules! more {
                    ($field:ident, $e:expr) => {{
                        let x = $e.map(|x| self.sp(k, val, x));
                        set_more(&mut c.more, x, |m| &mut m.$field);
                    }};
                }
                match name {
                    "protocol" => set!(
                        protocol,
                        self.string(fp, val).map(|s| s.to_ascii_lowercase())
                    ),
                    "mode" => set!(mode, self.enumv(fp, val, Mode::NAMES, Mode::parse)),
                    "access" => set!(access, self.enumv(fp, val, Access::NAMES, Access::parse)),
                    "read_from" => more!(
                        read_from,
                        self.enumv(fp, val, ReadFrom::NAMES, ReadFrom::parse)
                    ),
                    "timeout" => set!(timeout, self.qty(fp, val, QuantityKind::Duration)),
                    "retry" => set!(retry, self.retry(fp, val)),
                    "circuit_breaker" => more!(circuit_breaker, self.boolean(fp, val)),
                    "idempotent" => more!(idempotent, self.boolean(fp, val)),
                    "locking" => {
                        more!(locking, self.enumv(fp, val, Locking::NAMES, Locking::parse))
                    }
                    "realtime" => more!(realtime, self.boolean(fp, val)),
                    "streaming" => more!(streaming, self.boolean(fp, val)),
                    "per_request" => more!(per_request, self.qty(fp, val, QuantityKind::Count)),
                    "share" => more!(share, self.qty(fp, val, QuantityKind::Percent)),
                    "startup" => more!(startup, self.boolean(fp, val)),
                    "optional" => more!(optional, self.boolean(fp, val)),
                    "fallback" => more!(fallback, self.string(fp, val)),
                    "description" => {
                        self.string(fp, val);
                    }
                    "allow" => c.allow = self.allow(fp, val),
                    _ => {}
                }
            }
            out.push(c);
        }
        out
    }

    pub(super) fn consumes(&mut self, path: &str, v: &Node) -> Vec<Consume> {
        let (mut buf, mut item, mut from) = (String::new(), String::new(), String::new());
        let Some(items) = v.as_seq() else {
            if !v.is_null() {
                self.type_error(path, v, "a list of queue ids or `{ from: ... }` mappings");
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            item.clear();
            let _ = write!(item, "{path}[{i}]");
            let p: &str = &item;
            if it.as_scalar().is_some() {
                if let Some(from) = self.reference(p, it, "consumes") {
                    out.push(Consume {
                        from: Sp {
                            v: from,
                            span: it.span,
                        },
                        span: it.span,
                        idempotent: None,
                        retry: None,
                        allow: Vec::new(),
                    });
                }
                continue;
            }
            let Some(map) = it.as_map() else {
                self.type_error(p, it, "a queue id or a mapping `{ from: ... }`");
                continue;
            };
            self.check_keys(map, fields::CONSUME, p, None, "a consume");
            let Some((fk, fv)) = it.entry("from") else {
                self.push(
                    Diagnostic::invalid(p, self.item_span(it), "consume has no `from`")
                        .label("`from` is required")
                        .help("name the queue read from: `- from: orders-queue`"),
                );
                continue;
            };
            let Some(from) = self.reference(join_into(&mut from, p, "from"), fv, "consumes") else {
                continue;
            };
            let mut c = Consume {
                from: self.sp(fk, fv, from),
                span: self.item_span(it),
                idempotent: None,
                retry: None,
                allow: Vec::new(),
            };
            for (k, val) in map {
                let Some(name) = k.as_scalar() else { continue };
                let fp = join_into(&mut buf, p, name);
                match name {
                    "idempotent" => {
                        c.idempotent = self.boolean(fp, val).map(|x| self.sp(k, val, x))
                    }
                    "retry" => c.retry = self.retry(fp, val).map(|x| self.sp(k, val, x)),
                    "description" => {
                        self.string(fp, val);
                    }
                    "allow" => c.allow = self.allow(fp, val),
                    _ => {}
                }
            }
            out.push(c);
        }
        out
    }

    /// Resolve references, then sort the errors by position.
    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        let ids = std::mem::take(&mut self.defined);
        let refs = std::mem::take(&mut self.refs);
        // candidates for "did you mean", in one order whatever the hash seed
        let mut names: Vec<&str> = Vec::new();
        if refs.iter().any(|r| !ids.contains_key(&r.id)) {
            names = ids.keys().collect();
            names.sort_unstable();
        }
        for r in refs {
            if ids.contains_key(&r.id) {
                continue;
            }
            let what = match r.field {
                "consumes" => "consumes from",
                "caches" => "caches",
                _ => "calls",
            };
            // never the component the reference is written in (`- to: fraud-store`
            // inside `fraud` is not a call to `fraud`)
            let owner = names
                .iter()
                .copied()
                .filter(|n| {
                    r.path
                        .strip_prefix("components.")
                        .and_then(|rest| rest.strip_prefix(*n))
                        .is_some_and(|after| after.starts_with(['.', '[']))
                })
                .max_by_key(|n| n.len());
            let mut d = Diagnostic::invalid(
                r.path,
                r.span,
                format!("`{what}` names unknown component `{}`", r.id),
            )
            .label("no component with this id");
            d = match suggest(&r.id, names.iter().copied().filter(|n| Some(*n) != owner)) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("define it under `components:`, or fix the id"),
            };
            self.errors.push(d);
        }
        self.errors.sort_by_key(|d| (d.span.start(), d.span.end()));
        self.errors
            .dedup_by(|a, b| a.span == b.span && a.message == b.message);
        self.errors
    }
}
