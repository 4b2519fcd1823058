//! The loader's sections other than `components`: `allow`, journeys, entities, the
//! top level and `requirements`.

use super::*;

impl Loader<'_> {
    pub(super) fn allow(&mut self, path: &str, v: &Node) -> Vec<Allow> {
        let Some(map) = self.expect_map(path, v) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, val) in map {
            let Some(rule) = k.as_scalar() else {
                self.type_error(path, k, "a rule id");
                continue;
            };
            if !self.rule_ids.contains(&rule) {
                let mut d = Diagnostic::invalid(
                    join(path, rule),
                    k.span,
                    format!("`allow` names unknown rule `{rule}`"),
                )
                .label("no such rule");
                d = match suggest(rule, self.rule_ids.iter().copied()) {
                    Some(s) => d.help(format!(
                        "did you mean `{s}`? (`archlint rules` lists them all)"
                    )),
                    None => d.help("`archlint rules` lists the rule ids"),
                };
                self.push(d);
                continue;
            }
            let entry = join(path, rule);
            let (reason, until) = match val.as_map() {
                // `rule: { reason: ..., until: 2027-03-31 }`: an expiring suppression
                Some(m) => {
                    self.check_keys(
                        m,
                        fields::ALLOW_ENTRY,
                        &entry,
                        None,
                        &format!("`allow` of `{rule}`"),
                    );
                    let mut reason = "";
                    let mut until = None;
                    for (ek, ev) in m {
                        match ek.as_scalar() {
                            Some("reason") => {
                                reason = ev
                                    .as_scalar()
                                    .filter(|_| !ev.is_null())
                                    .map(str::trim)
                                    .unwrap_or("")
                            }
                            Some("until") => {
                                let text = ev.as_scalar().unwrap_or("");
                                match Date::parse(text) {
                                    Some(d) => until = Some(self.sp(ek, ev, d)),
                                    None => self.push(
                                        Diagnostic::invalid(join(&entry, "until"), ev.span, format!("`until` must be a date, found `{text}`"))
                                            .label("not a date")
                                            .help("write the day the suppression expires as YYYY-MM-DD, e.g. `until: 2027-03-31`"),
                                    ),
                                }
                            }
                            _ => {}
                        }
                    }
                    (reason, until)
                }
                None => (
                    val.as_scalar()
                        .filter(|_| !val.is_null())
                        .map(str::trim)
                        .unwrap_or(""),
                    None,
                ),
            };
            if reason.is_empty() {
                self.push(
                    Diagnostic::invalid(join(path, rule), self.entry_span(k, val), format!("`allow` of `{rule}` has no reason"))
                        .label("reason missing")
                        .help(format!("say why the finding does not apply here, e.g. `{rule}: accepted for the beta, revisit at 10k users`")),
                );
                continue;
            }
            out.push(Allow {
                rule: rule.to_string(),
                reason: reason.to_string(),
                span: self.entry_span(k, val),
                until,
            });
        }
        out
    }

    pub(super) fn journeys(&mut self, v: &Node) -> Vec<Journey> {
        let mut out = Vec::new();
        if v.is_null() {
            return out;
        }
        let Some(map) = self.expect_map("journeys", v) else {
            return out;
        };
        for (k, jv) in map {
            let Some(name) = k.as_scalar() else {
                self.type_error("journeys", k, "a journey name");
                continue;
            };
            let path = format!("journeys.{name}");
            let Some(jm) = self.expect_map(&path, jv) else {
                continue;
            };
            self.check_keys(
                jm,
                fields::JOURNEY,
                &path,
                None,
                &format!("journey `{name}`"),
            );
            let mut j = Journey {
                name: name.to_string(),
                span: k.span,
                steps: Vec::new(),
                p99: None,
                availability: None,
                share: None,
            };
            for (fk, fv) in jm {
                let fp = join(&path, fk.as_scalar().unwrap_or(""));
                match fk.as_scalar() {
                    Some("steps") => match fv.as_seq() {
                        Some(items) => {
                            for (i, it) in items.iter().enumerate() {
                                if let Some(id) = self.string(&format!("{fp}[{i}]"), it) {
                                    j.steps.push(Sp {
                                        v: id,
                                        span: it.span,
                                    });
                                }
                            }
                        }
                        None => self.type_error(&fp, fv, "a list of component ids"),
                    },
                    Some("p99") => {
                        j.p99 = self
                            .qty(&fp, fv, QuantityKind::Duration)
                            .map(|x| self.sp(fk, fv, x))
                    }
                    Some("availability") => {
                        j.availability = self
                            .qty(&fp, fv, QuantityKind::Percent)
                            .map(|x| self.sp(fk, fv, x))
                    }
                    Some("share") => {
                        j.share = self
                            .qty(&fp, fv, QuantityKind::Percent)
                            .map(|x| self.sp(fk, fv, x))
                    }
                    // documentation only, but it must be text
                    Some("description") => {
                        self.string(&fp, fv);
                    }
                    _ => {}
                }
            }
            if jm.iter().all(|(k, _)| k.as_scalar() != Some("steps")) {
                self.push(
                    Diagnostic::invalid(&path, k.span, format!("journey `{name}` has no `steps`"))
                        .label("`steps` missing")
                        .help("list the components a request meets, in order, e.g. `steps: [web, api, orders, orders-db]`"),
                );
            }
            out.push(j);
        }
        out
    }

    pub(super) fn entities(&mut self, v: &Node) -> Vec<Entity> {
        let mut out = Vec::new();
        if v.is_null() {
            return out;
        }
        let Some(map) = self.expect_map("entities", v) else {
            return out;
        };
        for (k, ev) in map {
            let Some(name) = k.as_scalar() else {
                self.type_error("entities", k, "an entity name");
                continue;
            };
            let path = format!("entities.{name}");
            let mut e = Entity {
                name: name.to_string(),
                span: k.span,
                store: None,
                key: None,
                fields: None,
                relationships: Vec::new(),
                access_patterns: Vec::new(),
                indexes: Vec::new(),
            };
            if ev.is_null() {
                out.push(e);
                continue;
            }
            let Some(em) = self.expect_map(&path, ev) else {
                continue;
            };
            self.check_keys(em, fields::ENTITY, &path, None, &format!("entity `{name}`"));
            for (fk, fv) in em {
                let Some(field) = fk.as_scalar() else {
                    continue;
                };
                let fp = join(&path, field);
                match field {
                    "store" => e.store = self.string(&fp, fv).map(|x| self.sp(fk, fv, x)),
                    // documentation only, but it must be text
                    "description" => {
                        self.string(&fp, fv);
                    }
                    "key" => {
                        let key = match fv.as_scalar() {
                            Some(t) if !fv.is_null() => Some(vec![t.trim().to_string()]),
                            _ => self.str_list(&fp, fv),
                        };
                        e.key = key.map(|x| self.sp(fk, fv, x));
                    }
                    "fields" => e.fields = self.str_list(&fp, fv).map(|x| self.sp(fk, fv, x)),
                    "relationships" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of `{ to, kind, via }`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let Some(im) = self.expect_map(&ip, it) else {
                                continue;
                            };
                            self.check_keys(im, fields::RELATIONSHIP, &ip, None, "a relationship");
                            let mut to = None;
                            let mut kind = None;
                            let mut via = None;
                            for (rk, rv) in im {
                                let rp = join(&ip, rk.as_scalar().unwrap_or(""));
                                match rk.as_scalar() {
                                    Some("to") => {
                                        to = self.string(&rp, rv).map(|x| self.sp(rk, rv, x))
                                    }
                                    Some("kind") => {
                                        kind = self
                                            .enumv(
                                                &rp,
                                                rv,
                                                RelationKind::NAMES,
                                                RelationKind::parse,
                                            )
                                            .map(|x| self.sp(rk, rv, x))
                                    }
                                    Some("via") => {
                                        via = self.string(&rp, rv).map(|x| self.sp(rk, rv, x))
                                    }
                                    _ => {}
                                }
                            }
                            match to {
                                Some(to) => e.relationships.push(Relationship { to, kind, via, span: it.span }),
                                None => self.push(
                                    Diagnostic::invalid(&ip, it.span, "a relationship has no `to`")
                                        .label("`to` missing")
                                        .help("name the entity it refers to, e.g. `{ to: customer, kind: many-to-one, via: customer_id }`"),
                                ),
                            }
                        }
                    }
                    "access_patterns" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of `{ by, sort, kind, rate, on }`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let Some(im) = self.expect_map(&ip, it) else {
                                continue;
                            };
                            self.check_keys(
                                im,
                                fields::ENTITY_PATTERN,
                                &ip,
                                None,
                                "an access pattern",
                            );
                            let mut p = EntityPattern {
                                by: Vec::new(),
                                sort: None,
                                kind: None,
                                rate: None,
                                on: Vec::new(),
                                span: it.span,
                            };
                            for (pk, pv) in im {
                                let pp = join(&ip, pk.as_scalar().unwrap_or(""));
                                match pk.as_scalar() {
                                    Some("by") => {
                                        p.by = match pv.as_scalar() {
                                            Some(t) if !pv.is_null() => vec![t.trim().to_string()],
                                            _ => self.str_list(&pp, pv).unwrap_or_default(),
                                        }
                                    }
                                    Some("sort") => p.sort = self.string(&pp, pv),
                                    Some("kind") => {
                                        p.kind = self
                                            .enumv(
                                                &pp,
                                                pv,
                                                AccessPattern::NAMES,
                                                AccessPattern::parse,
                                            )
                                            .map(|x| self.sp(pk, pv, x))
                                    }
                                    Some("rate") => p.rate = self.qty(&pp, pv, QuantityKind::Count),
                                    Some("on") => p.on = self.str_list(&pp, pv).unwrap_or_default(),
                                    _ => {}
                                }
                            }
                            e.access_patterns.push(p);
                        }
                    }
                    "indexes" => {
                        let Some(items) = fv.as_seq() else {
                            self.type_error(&fp, fv, "a list of indexes, each a list of fields: `[[customer_id, created_at]]`");
                            continue;
                        };
                        for (i, it) in items.iter().enumerate() {
                            let ip = format!("{fp}[{i}]");
                            let cols = match it.as_scalar() {
                                Some(t) if !it.is_null() => Some(vec![t.trim().to_string()]),
                                _ => self.str_list(&ip, it),
                            };
                            if let Some(cols) = cols {
                                e.indexes.push(Sp {
                                    v: cols,
                                    span: it.span,
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            out.push(e);
        }
        out
    }

    pub(super) fn retry(&mut self, path: &str, v: &Node) -> Option<Retry> {
        if let Some(t) = v.as_scalar() {
            if v.is_plain_scalar() && matches!(t, "none" | "false") {
                return Some(Retry::None);
            }
            if let Ok(n) = t.trim().parse::<u64>()
                && n >= 1
            {
                return Some(Retry::Policy {
                    attempts: Some(n),
                    backoff: None,
                    jitter: None,
                });
            }
            self.type_error(
                path,
                v,
                "`none` or a mapping `{ attempts, backoff, jitter }`",
            );
            return None;
        }
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::RETRY, path, None, "a retry policy");
        let mut attempts = None;
        let mut backoff = None;
        let mut jitter = None;
        for (k, val) in map {
            let p = join(path, k.as_scalar().unwrap_or(""));
            match k.as_scalar() {
                Some("attempts") => attempts = self.int(&p, val, 1, 100),
                Some("backoff") => backoff = self.enumv(&p, val, Backoff::NAMES, Backoff::parse),
                Some("jitter") => jitter = self.boolean(&p, val),
                _ => {}
            }
        }
        Some(Retry::Policy {
            attempts,
            backoff,
            jitter,
        })
    }

    pub(super) fn reference(
        &mut self,
        path: &str,
        v: &Node,
        field: &'static str,
    ) -> Option<String> {
        let id = self.string(path, v)?;
        if self.defined.contains_key(&id) {
            return Some(id);
        }
        self.refs.push(Ref {
            path: path.to_string(),
            span: v.span,
            id: id.clone(),
            field,
        });
        Some(id)
    }

    // ---- the document -------------------------------------------------------------

    pub(super) fn top(&mut self, root: &Node, mut a: Architecture) -> Option<Architecture> {
        let Some(map) = root.as_map() else {
            let d = Diagnostic::invalid("", root.span, format!("the top level of an architecture file must be a mapping, found {}", root.type_name()))
                .label("expected `name:`, `requirements:` and `components:` here")
                .help("start the file with `name: my-system`, then `components:` (`archlint init` writes a starter file)");
            self.push(d);
            return None;
        };
        self.check_keys(map, fields::TOP, "", None, "the top level");
        for (k, v) in map {
            match k.as_scalar() {
                Some("name") => a.name = self.string("name", v).map(|s| self.sp(k, v, s)),
                Some("description") => {
                    a.description = self.string("description", v).map(|s| self.sp(k, v, s))
                }
                Some("stage") => {
                    a.stage = self
                        .enumv("stage", v, Stage::NAMES, Stage::parse)
                        .map(|s| self.sp(k, v, s))
                }
                Some("requirements") => a.requirements = self.requirements(k, v),
                Some("allow") => a.allow = self.allow("allow", v),
                Some("entities") => a.entities = self.entities(v),
                Some("journeys") => a.journeys = self.journeys(v),
                Some("components") => {
                    a.components_span = Some(k.span);
                    if !v.is_null() {
                        self.components(v, &mut a);
                    }
                }
                _ => {}
            }
        }
        if root.get("name").is_none() {
            self.push(
                Diagnostic::invalid("", Span::new(0, 0), "the file has no `name`")
                    .label("`name` is required")
                    .help("add `name: my-system` at the top of the file"),
            );
        }
        Some(a)
    }

    pub(super) fn requirements(&mut self, key: &Node, v: &Node) -> Option<Requirements> {
        let mut r = Requirements {
            span: key.span,
            ..Default::default()
        };
        if v.is_null() {
            return Some(r);
        }
        let map = self.expect_map("requirements", v)?;
        self.check_keys(
            map,
            fields::REQUIREMENTS,
            "requirements",
            None,
            "`requirements`",
        );
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join("requirements", name);
            match name {
                "scale" => r.scale = self.scale(&p, val).map(|s| self.sp(k, val, s)),
                "consistency" => {
                    r.consistency = self
                        .enumv(&p, val, Consistency::NAMES, Consistency::parse)
                        .map(|x| self.sp(k, val, x))
                }
                "latency" => r.latency = self.latency(&p, val).map(|x| self.sp(k, val, x)),
                "availability" => {
                    r.availability = self
                        .qty(&p, val, QuantityKind::Percent)
                        .map(|x| self.sp(k, val, x))
                }
                "geography" => {
                    r.geography = self
                        .enumv(&p, val, Geography::NAMES, Geography::parse)
                        .map(|x| self.sp(k, val, x))
                }
                "read_write_ratio" => {
                    r.read_write_ratio = self
                        .qty_text(&p, val, QuantityKind::Ratio)
                        .and_then(|t| {
                            self.qty_result(&p, val, QuantityKind::Ratio, q::parse_ratio(&t))
                        })
                        .map(|x| self.sp(k, val, x))
                }
                "retention" => {
                    r.retention = match val.as_scalar() {
                        Some("forever") => Some(Retention::Forever),
                        _ => self
                            .qty(&p, val, QuantityKind::Duration)
                            .map(Retention::Seconds),
                    }
                    .map(|x| self.sp(k, val, x))
                }
                "compliance" => r.compliance = self.str_list(&p, val).map(|x| self.sp(k, val, x)),
                "functional" => r.functional = self.str_list(&p, val).map(|x| self.sp(k, val, x)),
                "out_of_scope" => {
                    r.out_of_scope = self.str_list(&p, val).map(|x| self.sp(k, val, x))
                }
                "operations" => r.operations = self.operations(&p, val).map(|x| self.sp(k, val, x)),
                _ => {}
            }
        }
        Some(r)
    }

    pub(super) fn scale(&mut self, path: &str, v: &Node) -> Option<Scale> {
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::SCALE, path, None, "`scale`");
        let mut s = Scale::default();
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join(path, name);
            match name {
                "daily_active_users" => {
                    s.daily_active_users = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "requests_per_user_per_day" => {
                    s.requests_per_user_per_day = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "peak_to_average" => {
                    s.peak_to_average = self
                        .qty(&p, val, QuantityKind::Count)
                        .map(|x| self.sp(k, val, x))
                }
                "data_volume" => {
                    s.data_volume = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "request_size" => {
                    s.request_size = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "response_size" => {
                    s.response_size = self
                        .qty(&p, val, QuantityKind::Size)
                        .map(|x| self.sp(k, val, x))
                }
                "growth_per_year" => {
                    s.growth_per_year = self
                        .qty_text(&p, val, QuantityKind::Growth)
                        .and_then(|t| {
                            self.qty_result(&p, val, QuantityKind::Growth, q::parse_growth(&t))
                        })
                        .map(|x| self.sp(k, val, x))
                }
                _ => {}
            }
        }
        Some(s)
    }

    pub(super) fn latency(&mut self, path: &str, v: &Node) -> Option<LatencyReq> {
        if v.as_scalar().is_some() {
            let p99 = self.qty(path, v, QuantityKind::Duration)?;
            return Some(LatencyReq {
                p50: None,
                p99: Some(p99),
            });
        }
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::LATENCY, path, None, "`latency`");
        let mut r = LatencyReq::default();
        for (k, val) in map {
            match k.as_scalar() {
                Some("p50") => r.p50 = self.qty(&join(path, "p50"), val, QuantityKind::Duration),
                Some("p99") => r.p99 = self.qty(&join(path, "p99"), val, QuantityKind::Duration),
                _ => {}
            }
        }
        Some(r)
    }

    pub(super) fn operations(&mut self, path: &str, v: &Node) -> Option<Operations> {
        let map = self.expect_map(path, v)?;
        self.check_keys(map, fields::OPERATIONS, path, None, "`operations`");
        let mut o = Operations::default();
        for (k, val) in map {
            let Some(name) = k.as_scalar() else { continue };
            let p = join(path, name);
            match name {
                "team_size" => o.team_size = self.int(&p, val, 1, 1_000_000),
                "existing" => o.existing = self.str_list(&p, val).unwrap_or_default(),
                "budget" => o.budget = self.enumv(&p, val, Budget::NAMES, Budget::parse),
                _ => {}
            }
        }
        Some(o)
    }
}
