//! Evaluating custom rules over the model and the graph: selectors, conditions and
//! the five forms.

use super::*;

/// `*` and `?` globs, without case. The pattern is cut at its stars into pieces: the
/// first must start the text, the last must end it, and each piece between is taken
/// at its leftmost place after the one before (which is always right for `*`). A piece
/// without `?` is found with a linear substring search, so a pattern of stars is
/// matched in time linear in the pattern and the text (a backtracking matcher took
/// seconds on a 20,000-character pattern); a piece with `?` is compared at each place.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.to_lowercase(), text.to_lowercase());
    let pieces: Vec<&str> = p.split('*').collect();
    if pieces.len() == 1 {
        return matches_at(pieces[0], &t).is_some_and(|n| n == t.len());
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    let Some(mut at) = matches_at(first, &t) else {
        return false;
    };
    // the last piece ends the text: where it starts, counted in characters from the end
    let Some(end) = start_of_suffix(last, &t) else {
        return false;
    };
    if end < at {
        return false;
    }
    for piece in &pieces[1..pieces.len() - 1] {
        if piece.is_empty() {
            continue;
        }
        match find(piece, &t[at..end]) {
            Some((i, n)) => at += i + n,
            None => return false,
        }
    }
    true
}

/// The bytes of `t` that `piece` matches from its start (`?` is any one character).
fn matches_at(piece: &str, t: &str) -> Option<usize> {
    let mut chars = t.char_indices();
    for pc in piece.chars() {
        let (_, tc) = chars.next()?;
        if pc != '?' && pc != tc {
            return None;
        }
    }
    Some(chars.next().map_or(t.len(), |(i, _)| i))
}

/// Where in `t` a suffix matching `piece` starts.
fn start_of_suffix(piece: &str, t: &str) -> Option<usize> {
    let n = piece.chars().count();
    if n == 0 {
        return Some(t.len());
    }
    let start = t.char_indices().rev().nth(n - 1).map(|(i, _)| i)?;
    (matches_at(piece, &t[start..]) == Some(t.len() - start)).then_some(start)
}

/// The leftmost place of `piece` in `hay` and the bytes it takes (`?` is any one
/// character). Without `?`, the two-way search of `memchr::memmem`: linear.
fn find(piece: &str, hay: &str) -> Option<(usize, usize)> {
    if !piece.contains('?') {
        return memchr::memmem::find(hay.as_bytes(), piece.as_bytes()).map(|i| (i, piece.len()));
    }
    hay.char_indices()
        .find_map(|(i, _)| matches_at(piece, &hay[i..]).map(|n| (i, n)))
}

pub(super) fn any_glob(pats: &[String], text: &str) -> bool {
    pats.iter().any(|p| glob(p, text))
}

impl Selector {
    /// Whether component `c` matches; `caller` is the component a call starts at (for
    /// `domain: other`).
    pub fn matches(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        c: usize,
        caller: Option<usize>,
    ) -> bool {
        let comp = &m.components[c];
        if !self.kind.is_empty() && !self.kind.contains(&comp.kind()) {
            return false;
        }
        if !self.tech.is_empty() {
            let Some(t) = comp.tech.as_ref().map(|t| t.v.as_str()) else {
                return false;
            };
            let first = t.split_whitespace().next().unwrap_or(t);
            if !any_glob(&self.tech, t) && !any_glob(&self.tech, first) {
                return false;
            }
        }
        if !self.id.is_empty() && !any_glob(&self.id, &comp.id) {
            return false;
        }
        if !self.tags.is_empty() {
            let tags = comp.tags.as_ref().map_or(&[][..], |t| t.v.as_slice());
            if !self
                .tags
                .iter()
                .any(|want| tags.iter().any(|t| glob(want, t)))
            {
                return false;
            }
        }
        if !self.owner.is_empty() {
            match &comp.owner {
                Some(o) if any_glob(&self.owner, &o.v) => {}
                _ => return false,
            }
        }
        if !self.domain.is_empty() {
            let mine = comp.domain.as_ref().map(|d| d.v.as_str());
            let ok = self.domain.iter().any(|want| {
                if want == "other" {
                    let theirs = caller
                        .and_then(|u| m.components[u].domain.as_ref())
                        .map(|d| d.v.as_str());
                    matches!((mine, theirs), (Some(a), Some(b)) if a != b)
                } else {
                    mine.is_some_and(|d| glob(want, d))
                }
            });
            if !ok {
                return false;
            }
        }
        if let Some(p) = self.public
            && g.is_public(m, c) != p
        {
            return false;
        }
        if let Some(not) = &self.not
            && not.matches(m, g, c, caller)
        {
            return false;
        }
        if !self.any.is_empty() && !self.any.iter().any(|s| s.matches(m, g, c, caller)) {
            return false;
        }
        true
    }
}

// ---- evaluation ---------------------------------------------------------------------

/// What a finding's message placeholders are filled with.
pub(super) struct Fill<'a> {
    id: &'a str,
    kind: &'a str,
    tech: &'a str,
    from: &'a str,
    to: &'a str,
    path: String,
}

impl<'a> Fill<'a> {
    /// For a finding on a call (or path) from `u` to `v`.
    fn call(u: &'a Component, v: &'a Component, path: String) -> Fill<'a> {
        Fill {
            id: &u.id,
            kind: u.kind().as_str(),
            tech: u.tech.as_ref().map_or("", |t| t.v.as_str()),
            from: &u.id,
            to: &v.id,
            path,
        }
    }
}

impl CustomRule {
    fn message(&self, f: &Fill, default: String) -> String {
        let Some(t) = &self.message else {
            return default;
        };
        t.replace("{id}", f.id)
            .replace("{kind}", f.kind)
            .replace("{tech}", f.tech)
            .replace("{from}", f.from)
            .replace("{to}", f.to)
            .replace("{path}", &f.path)
    }

    fn diag(&self, path: String, span: Span, message: String, label: String) -> Diagnostic {
        let at = self
            .meta
            .defined_in
            .as_deref()
            .unwrap_or("the configuration");
        Diagnostic::new(&self.meta.id, self.meta.severity, path, span, message)
            .label(label)
            .help(format!(
                "{} (custom rule `{}`, defined in {at})",
                self.help, self.meta.id
            ))
    }

    fn fill_component<'a>(&self, c: &'a Component, path: String) -> Fill<'a> {
        Fill {
            id: &c.id,
            kind: c.kind().as_str(),
            tech: c.tech.as_ref().map_or("", |t| t.v.as_str()),
            from: &c.id,
            to: &c.id,
            path,
        }
    }

    /// Run the rule over a model and its graph.
    pub fn check(&self, m: &Architecture, g: &SystemGraph) -> Vec<Diagnostic> {
        match &self.form {
            Form::Require { select, conds } => self.require(m, g, select, conds),
            Form::ForbidCall {
                from,
                to,
                sync,
                access,
            } => self.forbid_call(m, g, from, to, *sync, access.as_deref()),
            Form::ForbidPath {
                from,
                to,
                sync_only,
                unless_via,
            } => self.forbid_path(m, g, from, to, *sync_only, unless_via.as_ref()),
            Form::Limit {
                select,
                metric,
                op,
                bound,
                text,
            } => self.limit(m, g, select, metric, *op, *bound, text),
            Form::Layers(layers) => self.layers(m, g, layers),
        }
    }

    fn require(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        select: &Selector,
        conds: &[(String, Cond)],
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (ci, c) in m.components.iter().enumerate() {
            if !select.matches(m, g, ci, None) {
                continue;
            }
            for (field, cond) in conds {
                let value = field_value(c, field);
                let Some(problem) = fails(cond, value.as_ref().map(|(v, _)| v), field) else {
                    continue;
                };
                let (path, span) = match &value {
                    Some((_, span)) => (c.field_path(field), *span),
                    None => (c.path(), c.span),
                };
                let fill = self.fill_component(c, path.clone());
                let default = format!(
                    "{} `{}` breaks `{}`: {problem}",
                    c.kind(),
                    c.id,
                    self.meta.id
                );
                out.push(self.diag(path, span, self.message(&fill, default), problem));
            }
        }
        out
    }

    fn forbid_call(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        from: &Selector,
        to: &Selector,
        sync: Option<bool>,
        access: Option<&str>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (e, ed) in g.edges.iter().enumerate() {
            if sync.is_some_and(|s| s != ed.sync) {
                continue;
            }
            if let Some(want) = access {
                let a = match ed.origin {
                    Origin::Call(i) => m.components[ed.from].calls[i]
                        .access
                        .as_ref()
                        .map_or("read-write", |a| a.v.as_str()),
                    Origin::Consume(_) => "read",
                };
                if !(a == want || a == "read-write") {
                    continue;
                }
            }
            if !from.matches(m, g, ed.from, None) || !to.matches(m, g, ed.to, Some(ed.from)) {
                continue;
            }
            let (u, v) = (&m.components[ed.from], &m.components[ed.to]);
            let path = g.edge_path(m, e);
            let fill = Fill::call(u, v, path.clone());
            let mode = if ed.sync {
                "synchronous"
            } else {
                "asynchronous"
            };
            let default = format!(
                "{mode} call from `{}` to `{}` is forbidden by `{}`",
                u.id, v.id, self.meta.id
            );
            out.push(self.diag(
                path,
                g.edge_span(m, e),
                self.message(&fill, default),
                format!("{} -> {} is forbidden", u.id, v.id),
            ));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn forbid_path(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        from: &Selector,
        to: &Selector,
        sync_only: bool,
        unless_via: Option<&Selector>,
    ) -> Vec<Diagnostic> {
        let n = m.components.len();
        let blocked: Vec<bool> = (0..n)
            .map(|c| unless_via.is_some_and(|u| u.matches(m, g, c, None)))
            .collect();
        let sources: Vec<usize> = {
            let mut s: Vec<usize> = (0..n).filter(|&c| from.matches(m, g, c, None)).collect();
            s.sort_by_key(|&c| &m.components[c].id);
            s
        };
        let mut out = Vec::new();
        let mut parent: Vec<Option<usize>> = vec![None; n];
        let mut origin: Vec<usize> = vec![usize::MAX; n];
        let mut seen = vec![false; n];
        let mut queue = VecDeque::new();
        let groups: Vec<Vec<usize>> = if sources.len() <= MAX_PATH_SOURCES {
            sources.iter().map(|&s| vec![s]).collect()
        } else {
            vec![sources.clone()]
        };
        for group in groups {
            // one breadth-first search from the group's sources
            let mut touched = Vec::new();
            for &s in &group {
                seen[s] = true;
                origin[s] = s;
                touched.push(s);
                queue.push_back(s);
            }
            let mut reached = Vec::new();
            while let Some(u) = queue.pop_front() {
                // a component that makes a path fine ends it, unless it is where it starts
                if blocked[u] && origin[u] != u {
                    continue;
                }
                for e in g.outgoing(u) {
                    let ed = g.edges[e];
                    if sync_only && !ed.sync {
                        continue;
                    }
                    let v = ed.to;
                    if seen[v] {
                        continue;
                    }
                    seen[v] = true;
                    parent[v] = Some(e);
                    origin[v] = origin[u];
                    touched.push(v);
                    if !blocked[v] && to.matches(m, g, v, Some(origin[u])) {
                        reached.push(v);
                    }
                    queue.push_back(v);
                }
            }
            reached.sort_by_key(|&v| &m.components[v].id);
            for v in reached {
                let mut hops = Vec::new();
                let mut x = v;
                while let Some(e) = parent[x] {
                    hops.push(e);
                    x = g.edges[e].from;
                    if x == origin[v] {
                        break;
                    }
                }
                hops.reverse();
                let mut nodes = vec![origin[v]];
                nodes.extend(hops.iter().map(|&e| g.edges[e].to));
                let chain = nodes
                    .iter()
                    .map(|&c| m.components[c].id.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> ");
                let (a, b) = (&m.components[origin[v]], &m.components[v]);
                let first = hops[0];
                let fill = Fill::call(a, b, chain.clone());
                let default = format!(
                    "`{}` reaches `{}` by {chain}, a path `{}` forbids",
                    a.id, b.id, self.meta.id
                );
                let mut d = self
                    .diag(
                        g.edge_path(m, first),
                        g.edge_span(m, first),
                        self.message(&fill, default),
                        format!(
                            "hop 1 of {}: {} -> {}",
                            hops.len(),
                            a.id,
                            m.components[g.edges[first].to].id
                        ),
                    )
                    .in_sequence(0);
                for (i, &e) in hops.iter().enumerate().skip(1) {
                    let ed = g.edges[e];
                    d = d.related(
                        g.edge_path(m, e),
                        g.edge_span(m, e),
                        format!(
                            "hop {}: {} -> {}",
                            i + 1,
                            m.components[ed.from].id,
                            m.components[ed.to].id
                        ),
                    );
                }
                out.push(d);
            }
            for x in touched {
                seen[x] = false;
                parent[x] = None;
                origin[x] = usize::MAX;
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn limit(
        &self,
        m: &Architecture,
        g: &SystemGraph,
        select: &Selector,
        metric: &Metric,
        op: Op,
        bound: f64,
        text: &str,
    ) -> Vec<Diagnostic> {
        let depth = matches!(metric, Metric::SyncDepth)
            .then(|| g.longest_from(|e| g.hop_weight(e), |_| 0.0).0);
        let mut out = Vec::new();
        for (ci, c) in m.components.iter().enumerate() {
            if !select.matches(m, g, ci, None) {
                continue;
            }
            let (value, what) = match metric {
                Metric::FanOut => {
                    let callees: HashSet<&str> = c.calls.iter().map(|x| x.to.v.as_str()).collect();
                    (
                        callees.len() as f64,
                        "fan-out (distinct components it calls)",
                    )
                }
                Metric::FanIn => {
                    let callers: HashSet<usize> = g
                        .incoming(ci)
                        .filter(|&e| matches!(g.edges[e].origin, Origin::Call(_)))
                        .map(|e| g.edges[e].from)
                        .collect();
                    (
                        callers.len() as f64,
                        "fan-in (distinct components calling it)",
                    )
                }
                Metric::SyncDepth => (
                    depth.as_ref().map_or(0.0, |d| d.value[ci]),
                    "synchronous depth (hops of its longest synchronous chain)",
                ),
            };
            if op.holds(value, bound) {
                continue;
            }
            let path = c.path();
            let fill = self.fill_component(c, path.clone());
            let default = format!(
                "{} `{}` has a {what} of {value}, but `{}` requires {text}",
                c.kind(),
                c.id,
                self.meta.id
            );
            out.push(self.diag(
                path,
                c.span,
                self.message(&fill, default),
                format!("{value}, limit {text}"),
            ));
        }
        out
    }

    fn layers(&self, m: &Architecture, g: &SystemGraph, layers: &[Selector]) -> Vec<Diagnostic> {
        let layer: Vec<Option<usize>> = (0..m.components.len())
            .map(|c| layers.iter().position(|s| s.matches(m, g, c, None)))
            .collect();
        let mut out = Vec::new();
        for (e, ed) in g.edges.iter().enumerate() {
            let Origin::Call(_) = ed.origin else { continue };
            let (Some(lu), Some(lv)) = (layer[ed.from], layer[ed.to]) else {
                continue;
            };
            if lv >= lu {
                continue;
            }
            let (u, v) = (&m.components[ed.from], &m.components[ed.to]);
            let path = g.edge_path(m, e);
            let fill = Fill::call(u, v, path.clone());
            let default = format!(
                "`{}` (layer {}) calls `{}` in a higher layer ({}): calls may only go down",
                u.id,
                lu + 1,
                v.id,
                lv + 1
            );
            out.push(self.diag(
                path,
                g.edge_span(m, e),
                self.message(&fill, default),
                format!("upward call: layer {} -> layer {}", lu + 1, lv + 1),
            ));
        }
        out
    }
}

/// A component field as the conditions see it: its text (or number) and span.
pub(super) enum FVal {
    Text(String),
    Num(f64),
    List(Vec<String>),
}

pub(super) fn field_value(c: &Component, name: &str) -> Option<(FVal, Span)> {
    macro_rules! text {
        ($f:expr) => {
            $f.as_ref().map(|x| (FVal::Text(x.v.to_string()), x.span))
        };
    }
    macro_rules! num {
        ($f:expr) => {
            $f.as_ref().map(|x| (FVal::Num(x.v as f64), x.span))
        };
    }
    match name {
        "kind" => Some((FVal::Text(c.kind().as_str().into()), c.kind.span)),
        "tech" => text!(c.tech),
        "description" => text!(c.description),
        "public" => text!(c.public),
        "replicas" => num!(c.replicas),
        "owner" => text!(c.owner),
        "tags" => c.tags.as_ref().map(|t| (FVal::List(t.v.clone()), t.span)),
        "aliases" => c
            .more()
            .aliases
            .as_ref()
            .map(|t| (FVal::List(t.v.clone()), t.span)),
        "domain" => text!(c.domain),
        "stateful" => text!(c.stateful),
        "rate_limit" => c
            .rate_limit
            .as_ref()
            .map(|r| (FVal::Text("true".into()), r.span)),
        "latency" => num!(c.latency),
        "availability" => num!(c.availability),
        "capacity" => num!(c.capacity),
        "rationale" => text!(c.more().rationale),
        "alternatives" => c.more().alternatives.as_ref().map(|a| {
            (
                FVal::List(a.v.iter().map(|(k, _)| k.clone()).collect()),
                a.span,
            )
        }),
        "model" => c
            .more()
            .model
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "access_patterns" => c.more().access_patterns.as_ref().map(|x| {
            (
                FVal::List(x.v.iter().map(|p| p.v.as_str().to_string()).collect()),
                x.span,
            )
        }),
        "data_volume" => num!(c.more().data_volume),
        "write_rps" => num!(c.more().write_rps),
        "replication" => c
            .more()
            .replication
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "sharded" => text!(c.more().sharded),
        "pattern" => c
            .more()
            .pattern
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "ttl" => c.more().ttl.as_ref().map(|x| match x.v {
            Some(d) => (FVal::Num(d), x.span),
            None => (FVal::Text("none".into()), x.span),
        }),
        "invalidation" => c
            .more()
            .invalidation
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "scope" => c
            .more()
            .scope
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "caches" => text!(c.more().caches),
        "delivery" => c
            .more()
            .delivery
            .as_ref()
            .map(|x| (FVal::Text(x.v.as_str().into()), x.span)),
        "ordering" => text!(c.more().ordering),
        "replay" => text!(c.more().replay),
        "dead_letter" => text!(c.more().dead_letter),
        "throughput" => num!(c.more().throughput),
        "share" => num!(c.more().share),
        "routes" => text!(c.more().routes),
        "internal" => text!(c.more().internal),
        "hit_ratio" => num!(c.more().hit_ratio),
        "layer" => num!(c.more().layer),
        "sticky_sessions" => text!(c.more().sticky_sessions),
        "tls_termination" => text!(c.more().tls_termination),
        "routing" => c.more().routing.as_ref().map(|x| {
            (
                FVal::List(x.v.iter().map(|r| r.as_str().to_string()).collect()),
                x.span,
            )
        }),
        _ => None,
    }
}

/// Why `value` fails `cond`, or `None` when it holds.
pub(super) fn fails(cond: &Cond, value: Option<&FVal>, field: &str) -> Option<String> {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b.trim());
    match (cond, value) {
        (Cond::Present, Some(_)) | (Cond::Absent, None) => None,
        (Cond::Present, None) => Some(format!("`{field}` is absent, required present")),
        (Cond::Absent, Some(_)) => Some(format!("`{field}` is set, required absent")),
        (_, None) => Some(format!(
            "`{field}` is absent, required {}",
            describe_cond(cond)
        )),
        (Cond::Is(want), Some(v)) => {
            let ok = match v {
                FVal::Text(t) => eq(t, want),
                FVal::Num(x) => want
                    .trim()
                    .parse::<f64>()
                    .is_ok_and(|w| (w - x).abs() < 1e-9),
                FVal::List(l) => l.iter().any(|t| eq(t, want)),
            };
            (!ok).then(|| format!("`{field}` is {}, required {want}", show(v)))
        }
        (Cond::In(set), Some(v)) => {
            let ok = match v {
                FVal::Text(t) => set.iter().any(|w| eq(t, w)),
                FVal::Num(x) => set
                    .iter()
                    .any(|w| w.trim().parse::<f64>().is_ok_and(|w| (w - x).abs() < 1e-9)),
                FVal::List(l) => l.iter().any(|t| set.iter().any(|w| eq(t, w))),
            };
            (!ok).then(|| {
                format!(
                    "`{field}` is {}, required one of [{}]",
                    show(v),
                    set.join(", ")
                )
            })
        }
        (Cond::Cmp(op, bound, text), Some(v)) => match v {
            FVal::Num(x) if op.holds(*x, *bound) => None,
            _ => Some(format!("`{field}` is {}, required {text}", show(v))),
        },
    }
}

pub(super) fn show(v: &FVal) -> String {
    match v {
        FVal::Text(t) => t.clone(),
        FVal::Num(x) => archlint_core::model::quantity::trim_num(*x),
        FVal::List(l) => format!("[{}]", l.join(", ")),
    }
}
