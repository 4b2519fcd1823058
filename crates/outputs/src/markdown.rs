//! `archlint report`: a Markdown design review in the seven sections of a design review,
//! with every finding in its section together with its help text.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::graph::Picture;
use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::quantity::{fmt_count, fmt_duration, fmt_percent, fmt_size, trim_num};
use archlint_core::model::*;
use archlint_core::source::SourceFile;
use archlint_linter::estimate::{self, Estimate};
use archlint_linter::graph::Analysis;
use archlint_linter::graph::Origin;

/// The review section a rule's findings belong to (1-based, as in the document).
pub fn section_of(rule: &str) -> usize {
    // the rule's page says where its findings belong; custom rules (the organisation's
    // own design rules) go to the high-level design
    archlint_linter::rules::find(rule).map_or(3, |r| usize::from(r.meta().section))
}

/// What serves an access pattern without a finding: the key, an index, or the store.
fn served_by(e: &archlint_core::model::Entity, p: &archlint_core::model::EntityPattern) -> String {
    let by: BTreeSet<&str> = p.by.iter().map(String::as_str).collect();
    let fits = |cols: &[String]| {
        let n = by.len();
        cols.len() >= n
            && cols[..n]
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>()
                == by
            && p.sort.as_ref().is_none_or(|s| cols.get(n) == Some(s))
    };
    if let Some(k) = &e.key
        && (k.v.iter().map(String::as_str).collect::<BTreeSet<_>>() == by || fits(&k.v))
        && !by.is_empty()
    {
        return "the key".into();
    }
    match e.indexes.iter().find(|ix| fits(&ix.v)) {
        Some(ix) if !by.is_empty() || p.sort.is_some() => format!("index ({})", ix.v.join(", ")),
        _ => "the store's model".into(),
    }
}

struct Doc<'a> {
    a: &'a Analysis,
    src: &'a SourceFile,
    findings: &'a [Diagnostic],
    flips: &'a [Diagnostic],
    est: Estimate,
    out: String,
    /// Writing for `report --format html`: the diagram is the inline SVG instead of a
    /// Mermaid block, and finding paths link to their component in it.
    html: bool,
    /// HTML mode: raw HTML to insert at these byte offsets of `out`, which is rendered
    /// with every other tag escaped (user text never becomes markup).
    raw: Vec<(usize, String)>,
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "**error**",
        Severity::Warning => "**warning**",
        Severity::Info => "info",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Doc<'_> {
    fn m(&self) -> &Architecture {
        &self.a.model
    }

    fn findings_in(&self, section: usize) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self
            .findings
            .iter()
            .filter(|d| section_of(&d.rule) == section)
            .collect();
        v.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.start()));
        v
    }

    fn write_findings(&mut self, section: usize, heading: &str) {
        let fs = self.findings_in(section);
        if fs.is_empty() {
            return;
        }
        let mut s = format!("\n**{heading}**\n\n");
        for d in fs {
            let line = self.src.line_col(d.span.start()).line;
            let at = match self.m().component_at(&d.path) {
                Some(i) if self.html => {
                    format!("[`{}`](#component-{})", d.path, self.m().components[i].id)
                }
                _ => format!("`{}`", d.path),
            };
            let _ = writeln!(
                s,
                "- {} {} at {at} (line {line}): {}",
                sev_word(d.severity),
                if self.html && archlint_linter::rules::find(&d.rule).is_some() {
                    format!("[`{}`](#{})", d.rule, super::html::rule_anchor(&d.rule))
                } else {
                    super::rule_link(&d.rule)
                },
                d.message
            );
            if let Some(h) = &d.help {
                // a help of several lines (a list) nests under its bullet
                let _ = writeln!(s, "  - *What to do:* {}", h.replace('\n', "\n    "));
            }
        }
        self.out.push_str(&s);
    }

    fn title(&mut self) {
        let m = self.m();
        let name = m
            .name
            .as_ref()
            .map_or("system", |n| n.v.as_str())
            .to_string();
        let mut s = format!("# Design review: {name}\n\n");
        if let Some(d) = &m.description {
            let _ = writeln!(s, "{}\n", d.v);
        }
        let (e, w, i) = (
            self.findings
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            self.findings
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
            self.findings
                .iter()
                .filter(|d| d.severity == Severity::Info)
                .count(),
        );
        let stage = m
            .stage
            .as_ref()
            .map_or("not stated".to_string(), |s| s.v.to_string());
        let _ = writeln!(
            s,
            "*Drafted by archlint from `{}`: {}, {}; stage {stage}. Findings with every rule on (the trade-off rules included, which `archlint check` runs only when selected): {}, {}, {}.*",
            self.src.name,
            super::plural(m.components.len(), "component"),
            super::plural(self.a.graph.edges.len(), "connection"),
            super::plural(e, "error"),
            super::plural(w, "warning"),
            super::plural(i, "info"),
        );
        if self.a.faults.any {
            let parts = if self.a.faults.units.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    self.a
                        .faults
                        .units
                        .iter()
                        .map(|u| format!("`{u}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                s,
                "\n**The file has input errors** (`archlint check` lists them): this review leaves out the parts at fault{parts} and every finding about them, and its numbers may change once they are fixed."
            );
        }
        self.out.push_str(&s);
    }

    fn requirements(&mut self) {
        let mut s = String::from("\n## 1. Requirements\n\n");
        match &self.m().requirements {
            None => s.push_str("No requirements are stated. Every design decision below is judged without them; answer the questions that follow first.\n"),
            Some(r) => {
                let list = |s: &mut String, title: &str, items: &[String]| {
                    let _ = writeln!(s, "**{title}**\n");
                    for x in items {
                        let _ = writeln!(s, "- {x}");
                    }
                    s.push('\n');
                };
                if let Some(f) = &r.functional {
                    list(&mut s, "What it does", &f.v);
                }
                if let Some(o) = &r.out_of_scope {
                    list(&mut s, "Out of scope", &o.v);
                }
                s.push_str("| requirement | value |\n|---|---|\n");
                if let Some(sc) = &r.scale {
                    let sc = &sc.v;
                    if let Some(x) = &sc.daily_active_users {
                        let _ = writeln!(s, "| daily active users | {} |", fmt_count(x.v));
                    }
                    if let Some(x) = &sc.requests_per_user_per_day {
                        let _ = writeln!(s, "| requests per user per day | {} |", trim_num(x.v));
                    }
                    if let Some(x) = &sc.peak_to_average {
                        let _ = writeln!(s, "| peak / average | {} |", trim_num(x.v));
                    }
                    if let Some(x) = &sc.data_volume {
                        let _ = writeln!(s, "| data volume today | {} |", fmt_size(x.v));
                    }
                    if let Some(x) = &sc.growth_per_year {
                        let g = match x.v {
                            Growth::Factor(f) => format!("{}x per year", trim_num(f)),
                            Growth::Bytes(b) => format!("{} per year", fmt_size(b)),
                        };
                        let _ = writeln!(s, "| growth | {g} |");
                    }
                }
                if let Some(x) = &r.consistency {
                    let _ = writeln!(s, "| consistency | {} |", x.v);
                }
                if let Some(x) = &r.latency {
                    let p: Vec<String> = [("p50", x.v.p50), ("p99", x.v.p99)].iter().filter_map(|(n, v)| v.map(|v| format!("{n} {}", fmt_duration(v)))).collect();
                    let _ = writeln!(s, "| latency | {} |", p.join(", "));
                }
                if let Some(x) = &r.availability {
                    let downtime = (1.0 - x.v) * 365.0 * 24.0;
                    let _ = writeln!(s, "| availability | {} (≈ {} hours of downtime a year) |", fmt_percent(x.v), trim_num(downtime));
                }
                if let Some(x) = &r.geography {
                    let _ = writeln!(s, "| geography | {} |", x.v);
                }
                if let Some(x) = &r.read_write_ratio {
                    let _ = writeln!(s, "| reads : writes | {}:{} |", trim_num(x.v.0), trim_num(x.v.1));
                }
                if let Some(x) = &r.retention {
                    let t = match x.v {
                        Retention::Forever => "forever".to_string(),
                        Retention::Seconds(sec) => fmt_duration(sec),
                    };
                    let _ = writeln!(s, "| retention | {t} |");
                }
                if let Some(x) = &r.compliance {
                    let _ = writeln!(s, "| compliance | {} |", cell(&x.v.join(", ")));
                }
                if let Some(x) = &r.operations {
                    let o = &x.v;
                    let mut parts = Vec::new();
                    if let Some(t) = o.team_size {
                        parts.push(format!("team of {t}"));
                    }
                    if !o.existing.is_empty() {
                        parts.push(format!("already runs {}", o.existing.join(", ")));
                    }
                    if let Some(b) = o.budget {
                        parts.push(format!("{b} budget"));
                    }
                    let _ = writeln!(s, "| operations | {} |", cell(&parts.join("; ")));
                }
            }
        }
        self.out.push_str(&s);
        self.write_findings(1, "Open questions");
    }

    fn capacity(&mut self) {
        let mut s = String::from("\n## 2. Capacity estimation\n\n");
        match &self.est.traffic {
            None => s.push_str("Request rates cannot be estimated: `requirements.scale` needs `daily_active_users` and `requests_per_user_per_day`.\n"),
            Some(t) => {
                let _ = writeln!(s, "- Traffic: {}.", t.formula);
                if let (Some(r), Some(w)) = (t.reads_peak(), t.writes_peak()) {
                    let _ = writeln!(s, "- At peak: ≈ {} reads/s and ≈ {} writes/s.", fmt_count(r), fmt_count(w));
                }
            }
        }
        if let Some(st) = &self.est.storage {
            let _ = writeln!(s, "- Storage: {}.", st.formula);
        }
        if let Some(b) = &self.est.bandwidth {
            if let Some(i) = b.ingress_bytes_per_s {
                let _ = writeln!(s, "- Ingress at peak ≈ {}/s.", fmt_size(i));
            }
            if let Some(o) = b.egress_bytes_per_s {
                let _ = writeln!(s, "- Egress at peak ≈ {}/s.", fmt_size(o));
            }
        }
        if !self.est.components.is_empty() {
            s.push_str("\n| component | peak load | replicas × capacity | utilisation |\n|---|---|---|---|\n");
            for c in &self.est.components {
                let cap = c
                    .capacity_per_replica
                    .map_or("not stated".to_string(), |x| {
                        format!("{} × {} rps", c.replicas, fmt_count(x))
                    });
                let util = c
                    .utilisation
                    .map_or("-".to_string(), |u| format!("{}%", trim_num(u * 100.0)));
                let _ = writeln!(
                    s,
                    "| {} | {} rps | {cap} | {util} |",
                    c.component,
                    fmt_count(c.peak_rps)
                );
            }
            if let Some(b) = &self.est.bottleneck {
                let c = self.est.components.iter().find(|c| &c.component == b);
                match c.and_then(|c| c.utilisation) {
                    Some(u) => {
                        let _ = writeln!(
                            s,
                            "\nThe dominant bottleneck is **{b}**, at {}% of its capacity at peak.",
                            trim_num(u * 100.0)
                        );
                    }
                    None => {
                        let _ = writeln!(
                            s,
                            "\nThe busiest component is **{b}**; no capacities are stated, so utilisation is unknown."
                        );
                    }
                }
            }
            // where a default decided a number: the even splits nobody stated
            let mut assumed: Vec<String> = Vec::new();
            for c in &self.est.components {
                for x in c.sources.iter().filter(|x| x.assumed) {
                    let at = if x.from.is_empty() {
                        "between the clients (no `share:` on them)".to_string()
                    } else {
                        format!("at `{}` (no `share:` on its calls)", x.from)
                    };
                    if !assumed.contains(&at) {
                        assumed.push(at);
                    }
                }
            }
            if !assumed.is_empty() {
                let _ = writeln!(
                    s,
                    "\nAssumed: requests split evenly {}. `archlint estimate` shows the arithmetic under each component.",
                    assumed.join(", ")
                );
            }
        }
        self.out.push_str(&s);
        self.write_findings(2, "Findings");
    }

    fn design(&mut self) {
        let (m, g) = (&self.a.model, &self.a.graph);
        let mut s = String::from("\n## 3. High-level design\n\n");
        let pic = Picture::new(self.a, self.findings);
        if self.html {
            self.out.push_str(&std::mem::take(&mut s));
            let figure = format!("<figure class=\"diagram\">\n{}</figure>\n", pic.svg());
            self.raw.push((self.out.len(), figure));
            s.push_str("\nThick red arrows are critical paths; dashed arrows are asynchronous; coloured components have findings.\n");
        } else {
            let _ = write!(
                s,
                "```mermaid\n{}```\n\nThick arrows are critical paths; dashed arrows are asynchronous; coloured components have findings.\n",
                pic.mermaid()
            );
        }
        let crit = g.critical_paths();
        let roots = g.root_entry_points(m);
        if roots.is_empty() {
            s.push_str("\nNo entry point: nothing is a client, an external caller or `public: true`, so no request path can be traced.\n");
        } else {
            s.push_str("\n**Data flow from each entry point**\n\n");
        }
        for r in roots {
            let (reached, _) = g.sync_reach(&[vec![r]]);
            let sync: Vec<&str> = (0..m.components.len())
                .filter(|&v| reached[v] && v != r)
                .map(|v| m.components[v].id.as_str())
                .collect();
            let mut async_targets = BTreeSet::new();
            for (e, ed) in g.edges.iter().enumerate() {
                if reached[ed.from]
                    && !ed.sync
                    && !ed.startup
                    && matches!(ed.origin, Origin::Call(_))
                {
                    async_targets.insert(m.components[g.edges[e].to].id.as_str());
                }
            }
            let path = g.follow(&crit, r);
            let hops: f64 = path.iter().map(|&e| g.hop_weight(e)).sum();
            let _ = write!(
                s,
                "- **{}**: reaches {} synchronously",
                m.components[r].id,
                if sync.is_empty() {
                    "nothing".to_string()
                } else {
                    sync.join(", ")
                }
            );
            if !async_targets.is_empty() {
                let _ = write!(
                    s,
                    "; hands off asynchronously to {}",
                    async_targets.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
            if path.is_empty() {
                s.push_str(".\n");
            } else {
                // the callers whose calls do not count as hops, named, so that the
                // arrows and the count can be checked against each other
                let mut transparent: Vec<&str> = Vec::new();
                for &e in &path {
                    let from = m.components[g.edges[e].from].id.as_str();
                    if g.hop_weight(e) == 0.0 && !transparent.contains(&from) {
                        transparent.push(from);
                    }
                }
                let note = if transparent.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; the calls of {} are not hops: clients, CDNs and load balancers pass requests on",
                        transparent.join(" and ")
                    )
                };
                let _ = writeln!(
                    s,
                    ".\n  Critical path ({hops} hop{}{note}): {}.",
                    if hops == 1.0 { "" } else { "s" },
                    g.describe(m, &path)
                );
            }
        }
        if !m.journeys.is_empty() {
            s.push_str(&self.journeys());
        }
        self.out.push_str(&s);
        self.write_findings(3, "Structural findings");
    }

    fn deep_dive(&mut self) {
        let m = self.m();
        let mut s = String::from("\n## 4. Component deep dive\n\n");
        // the hardest constraint first: the worst finding, else the dominant bottleneck
        let worst = self
            .findings
            .iter()
            .filter(|d| d.path.starts_with("components."))
            .max_by_key(|d| (d.severity, std::cmp::Reverse(d.span.start())));
        match (worst, &self.est.bottleneck) {
            (Some(d), _) if d.severity >= Severity::Warning => {
                let _ = writeln!(s, "**Hardest constraint:** {} (`{}`).\n", d.message, d.rule);
            }
            (_, Some(b)) => {
                let _ = writeln!(
                    s,
                    "**Hardest constraint:** the load on `{b}`, the dominant bottleneck (section 2).\n"
                );
            }
            _ => {}
        }
        s.push_str("| component | kind | tech | replicas | notes |\n|---|---|---|---|---|\n");
        let mut per_component: std::collections::HashMap<usize, usize> = Default::default();
        for i in self.findings.iter().filter_map(|d| m.component_at(&d.path)) {
            *per_component.entry(i).or_default() += 1;
        }
        for (i, c) in m.components.iter().enumerate() {
            if c.kind() == Kind::Client {
                continue;
            }
            let mut notes = Vec::new();
            if let Some(l) = &c.latency {
                notes.push(format!("p99 {}", fmt_duration(l.v)));
            }
            if let Some(cap) = &c.capacity {
                notes.push(format!("{} rps per replica", fmt_count(cap.v)));
            }
            if c.has_rate_limit() {
                notes.push("rate limited".into());
            }
            if c.is_public() {
                notes.push("public".into());
            }
            let n = per_component.get(&i).copied().unwrap_or(0);
            if n > 0 {
                notes.push(format!("{n} finding{}", if n == 1 { "" } else { "s" }));
            }
            let desc = c
                .description
                .as_ref()
                .map(|d| format!(" — {}", d.v))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {}{} | {} | {} | {} | {} |",
                c.id,
                cell(&desc),
                c.kind(),
                c.tech().unwrap_or("-"),
                c.replicas(),
                notes.join(", ")
            );
        }
        self.out.push_str(&s);
        self.write_findings(4, "Findings");
    }

    fn data_model(&mut self) {
        let (m, g) = (&self.a.model, &self.a.graph);
        let mut s = String::from("\n## 5. Data model\n\n");
        let stores: Vec<usize> = (0..m.components.len())
            .filter(|&i| m.components[i].kind().is_store() || m.components[i].kind() == Kind::Queue)
            .collect();
        if stores.is_empty() {
            s.push_str("The design names no data stores or queues.\n");
        } else {
            s.push_str("| store | kind | model | access patterns | volume | written by | read by |\n|---|---|---|---|---|---|---|\n");
            // counted once: per store it made the section quadratic on a large design
            let databases = m
                .components
                .iter()
                .filter(|x| x.kind() == Kind::Database)
                .count();
            let required = m
                .requirements
                .as_ref()
                .and_then(|r| r.scale.as_ref())
                .and_then(|sc| sc.v.data_volume.as_ref())
                .map(|v| v.v);
            for i in stores {
                let c = &m.components[i];
                let mut writers = BTreeSet::new();
                let mut readers = BTreeSet::new();
                for e in g.incoming(i) {
                    let from = m.components[g.edges[e].from].id.as_str();
                    if let Some(call) = g.call(m, e) {
                        if call.writes() {
                            writers.insert(from);
                        }
                        // a read-write call both reads and writes (a queue is read by
                        // its consumers: a call to it produces)
                        if c.kind() != Kind::Queue
                            && matches!(call.access(), Access::Read | Access::ReadWrite)
                        {
                            readers.insert(from);
                        }
                    }
                }
                for e in g.outgoing(i) {
                    if matches!(g.edges[e].origin, Origin::Consume(_)) {
                        readers.insert(m.components[g.edges[e].to].id.as_str());
                    }
                }
                let model = match c.kind() {
                    Kind::Database => c
                        .db_model()
                        .map_or("unknown".to_string(), |x| x.to_string()),
                    Kind::Cache => c
                        .more()
                        .pattern
                        .as_ref()
                        .map_or("cache".to_string(), |p| p.v.to_string()),
                    Kind::Queue => c
                        .more()
                        .delivery
                        .as_ref()
                        .map_or("queue".to_string(), |d| d.v.to_string()),
                    _ => "objects".to_string(),
                };
                // its own access patterns, then those of the entities it stores
                let mut kinds: Vec<&str> = c
                    .more()
                    .access_patterns
                    .as_ref()
                    .map(|p| p.v.iter().map(|x| x.v.as_str()).collect())
                    .unwrap_or_default();
                for e in m
                    .entities
                    .iter()
                    .filter(|e| e.store.as_ref().is_some_and(|x| x.v == c.id))
                {
                    for p in &e.access_patterns {
                        if let Some(k) = &p.kind
                            && !kinds.contains(&k.v.as_str())
                        {
                            kinds.push(k.v.as_str());
                        }
                    }
                }
                let patterns = kinds.join(", ");
                // the store's own volume; the only database holds what the requirements say
                let only_db = c.kind() == Kind::Database && databases == 1;
                let vol = match (&c.more().data_volume, required) {
                    (Some(v), _) => fmt_size(v.v),
                    (None, Some(r)) if only_db => format!("{} (the requirements')", fmt_size(r)),
                    _ => String::new(),
                };
                let join = |set: BTreeSet<&str>| {
                    if set.is_empty() {
                        "-".to_string()
                    } else {
                        set.into_iter().collect::<Vec<_>>().join(", ")
                    }
                };
                let kind = match c.tech() {
                    Some(t) => format!("{} ({t})", c.kind()),
                    None => c.kind().to_string(),
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    c.id,
                    kind,
                    model,
                    patterns,
                    vol,
                    join(writers),
                    join(readers)
                );
            }
        }
        if !m.entities.is_empty() {
            s.push_str(&self.entities());
        }
        self.out.push_str(&s);
        self.write_findings(5, "Findings");
    }

    /// Each journey with its budget arithmetic: latency against its p99, availability
    /// against its target.
    fn journeys(&self) -> String {
        let (m, g) = (&self.a.model, &self.a.graph);
        // the load each journey puts on its steps, when some journey states its share
        let shares = !self.est.journeys.is_empty();
        let mut s = String::from(if shares {
            "\n### Journeys\n\n| journey | steps | p99 | availability | load |\n|---|---|---|---|---|\n"
        } else {
            "\n### Journeys\n\n| journey | steps | p99 | availability |\n|---|---|---|---|\n"
        });
        for j in &m.journeys {
            let nodes: Vec<usize> = j
                .steps
                .iter()
                .filter_map(|x| m.index.get(&x.v).copied())
                .collect();
            let route = nodes
                .iter()
                .map(|&v| m.components[v].id.as_str())
                .collect::<Vec<_>>()
                .join(" → ");
            let lat: Vec<(String, f64)> = nodes
                .iter()
                .filter_map(|&v| {
                    m.components[v]
                        .latency
                        .as_ref()
                        .map(|l| (m.components[v].id.clone(), l.v))
                })
                .collect();
            let total: f64 = lat.iter().map(|(_, x)| x).sum();
            let latency = match &j.p99 {
                Some(p) => format!(
                    "{} = {} {} {} budget",
                    if lat.is_empty() {
                        "no latencies stated".to_string()
                    } else {
                        lat.iter()
                            .map(|(c, x)| format!("{c} {}", fmt_duration(*x)))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    },
                    fmt_duration(total),
                    if total <= p.v + 1e-12 {
                        "within the"
                    } else {
                        "**over** the"
                    },
                    fmt_duration(p.v)
                ),
                None => format!("{} (no target)", fmt_duration(total)),
            };
            let members: Vec<usize> = nodes
                .iter()
                .copied()
                .filter(|&v| m.components[v].kind() != Kind::Client)
                .collect();
            let avail = |v: usize| archlint_linter::rules::availability_of(m, g, v);
            let product: f64 = members.iter().map(|&v| avail(v)).product();
            let availability = match &j.availability {
                Some(t) => format!(
                    "{} {} {} target",
                    fmt_percent(product),
                    if product >= t.v - 1e-12 {
                        "meets the"
                    } else {
                        "**misses** the"
                    },
                    fmt_percent(t.v)
                ),
                None => format!("{} (no target)", fmt_percent(product)),
            };
            if shares {
                let load = self
                    .est
                    .journeys
                    .iter()
                    .find(|x| x.journey == j.name)
                    .map_or("-".to_string(), |x| {
                        format!(
                            "{} of the peak = {} rps on every step",
                            fmt_percent(x.share),
                            fmt_count(x.rps)
                        )
                    });
                let _ = writeln!(
                    s,
                    "| {} | {route} | {latency} | {availability} | {load} |",
                    j.name
                );
            } else {
                let _ = writeln!(s, "| {} | {route} | {latency} | {availability} |", j.name);
            }
        }
        s
    }

    /// Entities per store, their relationships as a Mermaid `erDiagram`, and each access
    /// pattern with the index that serves it (or the finding that none does).
    fn entities(&self) -> String {
        let m = self.m();
        let mut s = String::from("\n### Entities\n\n");
        let mut stores: Vec<&str> = m
            .entities
            .iter()
            .filter_map(|e| e.store.as_ref().map(|x| x.v.as_str()))
            .collect();
        stores.sort_unstable();
        stores.dedup();
        for st in stores {
            let names: Vec<String> = m
                .entities
                .iter()
                .filter(|e| e.store.as_ref().is_some_and(|x| x.v == st))
                .map(|e| format!("`{}`", e.name))
                .collect();
            let model = m
                .component(st)
                .and_then(|c| c.db_model())
                .map_or("unknown".to_string(), |x| x.to_string());
            let _ = writeln!(s, "- `{st}` ({model}): {}", names.join(", "));
        }
        let ident = |n: &str| n.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_");
        s.push_str("\n```mermaid\nerDiagram\n");
        for e in &m.entities {
            for r in &e.relationships {
                use archlint_core::model::RelationKind as R;
                let (a, b) = (ident(&e.name), ident(&r.to.v));
                let label = r
                    .via
                    .as_ref()
                    .map_or("refers to".to_string(), |v| v.v.clone());
                let line = match r.kind.as_ref().map(|k| k.v) {
                    Some(R::OneToOne) => format!("{a} ||--|| {b}"),
                    Some(R::OneToMany) => format!("{a} ||--o{{ {b}"),
                    Some(R::ManyToMany) => format!("{a} }}o--o{{ {b}"),
                    Some(R::ManyToOne) | None => format!("{b} ||--o{{ {a}"),
                };
                let _ = writeln!(s, "  {line} : \"{}\"", label.replace('"', "'"));
            }
            let key: Vec<&str> = e
                .key
                .as_ref()
                .map(|k| k.v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut fields: Vec<&str> = e
                .fields
                .as_ref()
                .map(|f| f.v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            for k in &key {
                if !fields.contains(k) {
                    fields.insert(0, k);
                }
            }
            let _ = writeln!(s, "  {} {{", ident(&e.name));
            for f in fields {
                let pk = if key.contains(&f) { " PK" } else { "" };
                let _ = writeln!(s, "    field {}{pk}", ident(f));
            }
            s.push_str("  }\n");
        }
        s.push_str("```\n");
        let rows: Vec<String> = m
            .entities
            .iter()
            .flat_map(|e| {
                e.access_patterns.iter().enumerate().map(move |(i, p)| {
                    let path = format!("{}.access_patterns[{i}]", e.path());
                    let what = {
                        let mut w = p.what();
                        if let Some(o) = &p.sort {
                            w.push_str(&format!(" sorted by {o}"));
                        }
                        if !p.on.is_empty() {
                            w.push_str(&format!(" on {}", p.on.join(", ")));
                        }
                        w
                    };
                    let rate = p
                        .rate
                        .map_or("-".to_string(), |r| format!("{} rps", fmt_count(r)));
                    let finding = self.findings.iter().find(|d| d.path == path);
                    let served = match finding {
                        Some(d) => format!("**{}**: {}", d.rule, cell(&d.message)),
                        None => served_by(e, p),
                    };
                    format!("| `{}` | {} | {rate} | {served} |", e.name, cell(&what))
                })
            })
            .collect();
        if !rows.is_empty() {
            s.push_str("\n| entity | access pattern | rate | served by |\n|---|---|---|---|\n");
            for r in rows {
                s.push_str(&r);
                s.push('\n');
            }
        }
        s
    }

    fn tradeoffs(&mut self) {
        let m = self.m();
        let mut s = String::from("\n## 6. Trade-offs and alternatives\n\n");
        let chosen: Vec<&Component> = m
            .components
            .iter()
            .filter(|c| {
                matches!(
                    c.kind(),
                    Kind::Database
                        | Kind::Queue
                        | Kind::Cache
                        | Kind::LoadBalancer
                        | Kind::ObjectStore
                )
            })
            .collect();
        if chosen.is_empty() {
            s.push_str("No infrastructure choices to discuss.\n");
        }
        for c in chosen {
            let what = c
                .tech()
                .map_or_else(|| c.kind().to_string(), |t| format!("{t} ({})", c.kind()));
            let _ = writeln!(s, "- **{}**: {what}.", c.id);
            match &c.more().rationale {
                Some(r) => {
                    let _ = writeln!(s, "  - Why: {}", r.v);
                }
                None => s.push_str("  - Why: *no rationale given.*\n"),
            }
            match c.more().alternatives.as_ref().filter(|a| !a.v.is_empty()) {
                Some(alts) => {
                    for (opt, why) in &alts.v {
                        let _ = writeln!(s, "  - Rejected {opt}: {why}");
                    }
                }
                None => s.push_str("  - Alternatives: *none recorded.*\n"),
            }
            for a in &c.allow {
                let _ = writeln!(s, "  - Accepted risk (`{}`): {}", a.rule, a.reason);
            }
        }
        s.push_str(&self.what_flips());
        self.out.push_str(&s);
        self.write_findings(6, "Findings");
    }

    /// The findings that appear at 10× and not now, each with what grew past its limit.
    fn what_flips(&self) -> String {
        let m = self.m();
        let mut s = String::from("\n### What flips at 10×\n\n");
        if self.flips.is_empty() {
            s.push_str("Nothing: at ten times today's users, request rates and data, no rule reports anything it does not report today.\n");
            return s;
        }
        s.push_str("At ten times today's users, request rates and data (capacity and replicas as today), these findings appear:\n\n");
        let mut later = m.clone();
        archlint_core::model::projection::Projection::at("10x")
            .expect("10x parses")
            .apply(&mut later);
        let est_later = estimate::estimate(&later, &self.a.graph);
        for d in self.flips {
            let id = m
                .component_at(&d.path)
                .map_or("", |i| m.components[i].id.as_str());
            let grew = match (d.rule.as_str(), m.component(id)) {
                ("relational-over-10tb", Some(c)) => {
                    let today = c.more().data_volume.as_ref().map(|x| x.v).or_else(|| {
                        m.requirements
                            .as_ref()?
                            .scale
                            .as_ref()?
                            .v
                            .data_volume
                            .as_ref()
                            .map(|x| x.v)
                    });
                    today.map(|t| {
                        format!(
                            "`{id}` grows from {} to {}: ",
                            fmt_size(t),
                            fmt_size(t * 10.0)
                        )
                    })
                }
                ("capacity-exceeded", Some(_)) => {
                    let find = |e: &Estimate| {
                        e.components
                            .iter()
                            .find(|x| x.component == id)
                            .map(|x| x.peak_rps)
                    };
                    match (find(&self.est), find(&est_later)) {
                        (Some(a), Some(b)) => Some(format!(
                            "`{id}`'s peak load grows from {} to {} rps: ",
                            fmt_count(a),
                            fmt_count(b)
                        )),
                        _ => None,
                    }
                }
                ("queue-tech-mismatch", Some(c)) => c.more().throughput.as_ref().map(|t| {
                    format!(
                        "`{id}` grows from {} to {} messages/s: ",
                        fmt_count(t.v),
                        fmt_count(t.v * 10.0)
                    )
                }),
                _ => None,
            }
            .unwrap_or_default();
            let msg = d
                .message
                .split_once(": ")
                .map_or(d.message.as_str(), |(_, rest)| rest);
            let _ = writeln!(
                s,
                "- {} {}: {grew}{}",
                sev_word(d.severity),
                super::rule_link(&d.rule),
                msg
            );
        }
        s
    }

    fn failure_modes(&mut self) {
        let (m, g) = (&self.a.model, &self.a.graph);
        let mut s = String::from("\n## 7. Failure modes\n\n");
        if let Some(a) = m
            .requirements
            .as_ref()
            .and_then(|r| r.availability.as_ref())
        {
            let _ = writeln!(s, "Availability target: {}.", fmt_percent(a.v));
        }
        // what fails first, per entry point: the least available component on its
        // critical path
        let crit = g.critical_paths();
        let mut first = String::new();
        for entry in g.root_entry_points(m) {
            let path = g.follow(&crit, entry);
            if path.is_empty() {
                continue;
            }
            let members: Vec<usize> = g
                .nodes_of(&path)
                .into_iter()
                .filter(|&v| !m.components[v].kind().is_outside() || v != entry)
                .filter(|&v| m.components[v].kind() != Kind::Client)
                .collect();
            let Some(&weakest) = members.iter().min_by(|&&a, &&b| {
                archlint_linter::rules::availability_of(m, g, a)
                    .total_cmp(&archlint_linter::rules::availability_of(m, g, b))
                    .then(m.components[a].id.cmp(&m.components[b].id))
            }) else {
                continue;
            };
            // say when no component on the path states its availability: the choice
            // then comes from the assumed 99.9% per replica and the replica counts alone
            let stated = members
                .iter()
                .filter(|&&v| m.components[v].availability.is_some())
                .count();
            let assumed = if stated == 0 {
                "; assumed, since no component on this path states its `availability` (each replica counts 99.9%)"
            } else if m.components[weakest].availability.is_none() {
                "; its availability is assumed (99.9% per replica)"
            } else {
                ""
            };
            let _ = writeln!(
                first,
                "- From `{}` ({}): `{}` fails first, {} available{assumed}.",
                m.components[entry].id,
                g.describe(m, &path),
                m.components[weakest].id,
                fmt_percent(archlint_linter::rules::availability_of(m, g, weakest))
            );
        }
        if !first.is_empty() {
            s.push_str("\n**What fails first**\n\n");
            s.push_str(&first);
        }
        let sync_calls: Vec<usize> = (0..g.edges.len())
            .filter(|&e| g.edges[e].sync && m.components[g.edges[e].from].kind().counts_as_hop())
            .collect();
        if !sync_calls.is_empty() {
            s.push_str(
                "\n| synchronous call | timeout | retry | circuit breaker | fallback |\n|---|---|---|---|---|\n",
            );
            for e in sync_calls {
                let Some(call) = g.call(m, e) else { continue };
                let ed = g.edges[e];
                let timeout = call
                    .timeout
                    .as_ref()
                    .map_or("**none**".to_string(), |t| fmt_duration(t.v));
                let retry = match call.retry.as_ref().map(|r| &r.v) {
                    None | Some(Retry::None) => "-".to_string(),
                    Some(
                        r @ Retry::Policy {
                            backoff, jitter, ..
                        },
                    ) => format!(
                        "{} attempts, {}{}",
                        r.attempts(),
                        backoff.map_or("no backoff".to_string(), |b| format!("{b} backoff")),
                        if *jitter == Some(true) {
                            ", jitter"
                        } else {
                            ""
                        }
                    ),
                };
                let cb = if Call::flag(&call.more().circuit_breaker) {
                    "yes"
                } else {
                    "-"
                };
                let fallback = match (
                    &call.more().fallback,
                    call.more().optional.as_ref().is_some_and(|o| o.v),
                ) {
                    (Some(f), _) => cell(&f.v),
                    (None, true) => "**none** (optional)".to_string(),
                    (None, false) => "-".to_string(),
                };
                let _ = writeln!(
                    s,
                    "| {} → {} | {timeout} | {retry} | {cb} | {fallback} |",
                    m.components[ed.from].id, m.components[ed.to].id
                );
            }
        }
        let spofs: Vec<&str> = self
            .findings
            .iter()
            .filter(|d| d.rule == "single-point-of-failure")
            .filter_map(|d| d.path.strip_prefix("components."))
            .collect();
        if !spofs.is_empty() {
            let _ = writeln!(s, "\nSingle points of failure: {}.", spofs.join(", "));
        }
        self.out.push_str(&s);
        self.write_findings(7, "Findings");
    }
}

/// Render the review document.
pub fn render(a: &Analysis, src: &SourceFile, findings: &[Diagnostic]) -> String {
    render_with_flips(a, src, findings, &[])
}

/// The review, with "What flips at 10×" listing `flips`: findings present at ten times
/// today's load and data and absent now ([`crate::lib`]'s `flips_at_10x`).
pub fn render_with_flips(
    a: &Analysis,
    src: &SourceFile,
    findings: &[Diagnostic],
    flips: &[Diagnostic],
) -> String {
    write(a, src, findings, flips, false).out
}

/// The review's Markdown for [`super::html`]: the same text, with the diagram as
/// inline SVG (raw HTML) and finding paths linked to their component.
/// Returns the Markdown and the raw HTML to insert at byte offsets of it.
pub(crate) fn render_for_html(
    a: &Analysis,
    src: &SourceFile,
    findings: &[Diagnostic],
    flips: &[Diagnostic],
) -> (String, Vec<(usize, String)>) {
    let d = write(a, src, findings, flips, true);
    (d.out, d.raw)
}

fn write<'a>(
    a: &'a Analysis,
    src: &'a SourceFile,
    findings: &'a [Diagnostic],
    flips: &'a [Diagnostic],
    html: bool,
) -> Doc<'a> {
    let est = estimate::estimate(&a.model, &a.graph);
    let mut d = Doc {
        a,
        src,
        findings,
        flips,
        est,
        out: String::new(),
        html,
        raw: Vec::new(),
    };
    d.title();
    d.requirements();
    d.capacity();
    d.design();
    d.deep_dive();
    d.data_model();
    d.tradeoffs();
    d.failure_modes();
    d
}
