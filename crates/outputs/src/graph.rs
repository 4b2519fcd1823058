//! Diagrams: Mermaid `flowchart`, Graphviz DOT, and SVG drawn in-process.
//!
//! Components are shaped by kind (cylinders for stores, a distinct shape for queues),
//! sync calls are solid and async ones dashed with the protocol on the edge, replicas
//! are shown, the critical path of each entry point is drawn thick, and components
//! with findings are coloured by their worst severity.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::{Component, Kind};
use archlint_linter::graph::Analysis;
use archlint_linter::graph::Origin;

/// What to draw: the analysis, its findings and the critical-path edges.
pub struct Picture<'a> {
    pub a: &'a Analysis,
    worst: HashMap<usize, Severity>,
    critical: HashSet<usize>,
    /// Draw the data model's entities beside their stores (`graph --entities`).
    pub entities: bool,
}

impl<'a> Picture<'a> {
    pub fn new(a: &'a Analysis, findings: &[Diagnostic]) -> Self {
        let mut worst: HashMap<usize, Severity> = HashMap::new();
        for d in findings {
            let id = a.model.component_at(&d.path);
            if let Some(i) = id {
                let e = worst.entry(i).or_insert(d.severity);
                *e = (*e).max(d.severity);
            }
        }
        let crit = a.graph.critical_paths();
        let mut critical = HashSet::new();
        for root in a.graph.root_entry_points(&a.model) {
            critical.extend(a.graph.follow(&crit, root));
        }
        Picture {
            a,
            worst,
            critical,
            entities: false,
        }
    }

    /// Draw the entities too: each one linked to its store, relationships between them.
    pub fn with_entities(mut self, on: bool) -> Self {
        self.entities = on;
        self
    }

    /// (entity index, store component index) for the entities drawn.
    fn entity_links(&self) -> Vec<(usize, Option<usize>)> {
        if !self.entities {
            return Vec::new();
        }
        let m = &self.a.model;
        m.entities
            .iter()
            .enumerate()
            .map(|(j, e)| (j, e.store.as_ref().and_then(|s| m.index.get(&s.v).copied())))
            .collect()
    }

    fn label(c: &Component) -> String {
        let mut l = c.id.clone();
        let mut details = Vec::new();
        if let Some(t) = c.tech() {
            details.push(t.to_string());
        } else if !matches!(c.kind(), Kind::Service) && !c.id.contains(c.kind().as_str()) {
            details.push(c.kind().to_string());
        }
        if c.replicas() > 1 {
            details.push(format!("×{}", c.replicas()));
        }
        if !details.is_empty() {
            l.push('\n');
            l.push_str(&details.join(" · "));
        }
        l
    }

    fn edge_label(&self, e: usize) -> String {
        let ed = self.a.graph.edges[e];
        match ed.origin {
            Origin::Call(i) => {
                let call = &self.a.model.components[ed.from].calls[i];
                let mut parts = Vec::new();
                if let Some(p) = call.protocol() {
                    parts.push(p.to_string());
                }
                if call.fan_out() != 1.0 {
                    parts.push(format!(
                        "×{}",
                        archlint_core::model::quantity::trim_num(call.fan_out())
                    ));
                }
                parts.join(" ")
            }
            Origin::Consume(_) => "consumes".to_string(),
        }
    }

    /// Mermaid `flowchart LR`.
    pub fn mermaid(&self) -> String {
        let m = &self.a.model;
        let mut s = String::from("flowchart LR\n");
        let ids: Vec<String> = (0..m.components.len()).map(|i| format!("n{i}")).collect();
        for (i, c) in m.components.iter().enumerate() {
            let text = mermaid_text(&Self::label(c));
            let node = match c.kind() {
                Kind::Database | Kind::Cache | Kind::ObjectStore => {
                    format!("{}[(\"{text}\")]", ids[i])
                }
                Kind::Queue => format!("{}>\"{text}\"]", ids[i]),
                Kind::Client => format!("{}([\"{text}\"])", ids[i]),
                Kind::External => format!("{}[[\"{text}\"]]", ids[i]),
                Kind::LoadBalancer | Kind::Cdn | Kind::Gateway => {
                    format!("{}{{{{\"{text}\"}}}}", ids[i])
                }
                Kind::Worker => format!("{}(\"{text}\")", ids[i]),
                Kind::Service => format!("{}[\"{text}\"]", ids[i]),
            };
            let _ = writeln!(s, "  {node}");
        }
        for (e, ed) in self.a.graph.edges.iter().enumerate() {
            let arrow = if self.critical.contains(&e) {
                "==>"
            } else if ed.sync {
                "-->"
            } else {
                "-.->"
            };
            let label = self.edge_label(e);
            if label.is_empty() {
                let _ = writeln!(s, "  {} {arrow} {}", ids[ed.from], ids[ed.to]);
            } else {
                let _ = writeln!(
                    s,
                    "  {} {arrow}|\"{}\"| {}",
                    ids[ed.from],
                    mermaid_text(&label),
                    ids[ed.to]
                );
            }
        }
        let m = &self.a.model;
        for (j, store) in self.entity_links() {
            let e = &m.entities[j];
            let _ = writeln!(
                s,
                "  e{j}[/\"{}\"/]",
                mermaid_text(&format!("entity {}", e.name))
            );
            if let Some(i) = store {
                let _ = writeln!(s, "  {} --- e{j}", ids[i]);
            }
            for r in &e.relationships {
                if let Some(t) = m.entities.iter().position(|x| x.name == r.to.v) {
                    let via = r.via.as_ref().map_or(String::new(), |v| v.v.clone());
                    let kind = r
                        .kind
                        .as_ref()
                        .map_or("refers to".to_string(), |k| k.v.to_string());
                    let label = if via.is_empty() {
                        kind
                    } else {
                        format!("{kind} via {via}")
                    };
                    let _ = writeln!(s, "  e{j} -.-|\"{}\"| e{t}", mermaid_text(&label));
                }
            }
        }
        s.push_str("  classDef error fill:#fdd,stroke:#c00,stroke-width:2px\n");
        s.push_str("  classDef warning fill:#fff3cd,stroke:#d39e00,stroke-width:2px\n");
        s.push_str("  classDef info fill:#e7f1ff,stroke:#4a7ebb\n");
        let mut by_sev: Vec<(usize, Severity)> = self.worst.iter().map(|(&i, &s)| (i, s)).collect();
        by_sev.sort_unstable();
        for (i, sev) in by_sev {
            let _ = writeln!(s, "  class {} {}", ids[i], sev.as_str());
        }
        s
    }

    /// Graphviz DOT.
    pub fn dot(&self) -> String {
        let m = &self.a.model;
        let name = m.name.as_ref().map_or("system", |n| n.v.as_str());
        let mut s = String::new();
        let _ = writeln!(s, "digraph {} {{", dot_id(name));
        s.push_str("  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11, style=filled, fillcolor=white];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (i, c) in m.components.iter().enumerate() {
            let shape = match c.kind() {
                Kind::Database | Kind::Cache | Kind::ObjectStore => "cylinder",
                Kind::Queue => "cds",
                Kind::Client => "ellipse",
                Kind::External => "doubleoctagon",
                Kind::LoadBalancer | Kind::Cdn | Kind::Gateway => "hexagon",
                Kind::Worker => "component",
                Kind::Service => "box",
            };
            let (fill, color) = match self.worst.get(&i) {
                Some(Severity::Error) => ("#ffdddd", "#cc0000"),
                Some(Severity::Warning) => ("#fff3cd", "#d39e00"),
                Some(Severity::Info) => ("#e7f1ff", "#4a7ebb"),
                None => ("white", "black"),
            };
            let _ = writeln!(
                s,
                "  n{i} [label={}, shape={shape}, fillcolor=\"{fill}\", color=\"{color}\"];",
                dot_str(&Self::label(c))
            );
        }
        for (e, ed) in self.a.graph.edges.iter().enumerate() {
            let mut attrs = vec![format!("label={}", dot_str(&self.edge_label(e)))];
            if !ed.sync {
                attrs.push("style=dashed".into());
            }
            if self.critical.contains(&e) {
                attrs.push("penwidth=3".into());
                attrs.push("color=\"#cc0000\"".into());
            }
            let _ = writeln!(s, "  n{} -> n{} [{}];", ed.from, ed.to, attrs.join(", "));
        }
        let m = &self.a.model;
        for (j, store) in self.entity_links() {
            let e = &m.entities[j];
            let _ = writeln!(
                s,
                "  e{j} [label={}, shape=note, fillcolor=\"#f5f5f5\", color=\"#666666\"];",
                dot_str(&format!("entity {}", e.name))
            );
            if let Some(i) = store {
                let _ = writeln!(s, "  n{i} -> e{j} [style=dotted, arrowhead=none];");
            }
            for r in &e.relationships {
                if let Some(t) = m.entities.iter().position(|x| x.name == r.to.v) {
                    let label = r.via.as_ref().map_or(String::new(), |v| v.v.clone());
                    let _ = writeln!(
                        s,
                        "  e{j} -> e{t} [style=dotted, label={}];",
                        dot_str(&label)
                    );
                }
            }
        }
        s.push_str("}\n");
        s
    }
}

/// Text inside a quoted Mermaid label: entities for quotes, `<br/>` for newlines.
fn mermaid_text(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('"', "#quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br/>")
}

fn dot_str(t: &str) -> String {
    format!(
        "\"{}\"",
        t.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

fn dot_id(t: &str) -> String {
    let id: String = t
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        format!("g_{id}")
    } else {
        id
    }
}

// ---- SVG, drawn in-process ------------------------------------------------------------

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Columns left to right: each component one column right of its furthest caller
/// (calls inside a cycle do not push), then rows ordered by the barycentre of the
/// neighbours in the previous column, a few sweeps each way (a small Sugiyama-style
/// layout: linear in components plus calls per sweep).
fn layout(p: &Picture) -> (Vec<usize>, Vec<usize>) {
    let (m, g) = (&p.a.model, &p.a.graph);
    let n = m.components.len();
    let order = g.components_in_flow_order();
    let mut scc = vec![0; n];
    for (i, members) in order.iter().enumerate() {
        for &v in members {
            scc[v] = i;
        }
    }
    let mut col = vec![0usize; n];
    for members in &order {
        for &u in members {
            for e in g.outgoing(u) {
                let v = g.edges[e].to;
                if scc[v] != scc[u] {
                    col[v] = col[v].max(col[u] + 1);
                }
            }
        }
    }
    let cols = col.iter().copied().max().map_or(0, |c| c + 1);
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); cols];
    for v in 0..n {
        by_col[col[v]].push(v);
    }
    for c in &mut by_col {
        c.sort_by(|&a, &b| m.components[a].id.cmp(&m.components[b].id));
    }
    let mut row = vec![0usize; n];
    let set_rows = |by_col: &Vec<Vec<usize>>, row: &mut Vec<usize>| {
        for c in by_col {
            for (i, &v) in c.iter().enumerate() {
                row[v] = i;
            }
        }
    };
    set_rows(&by_col, &mut row);
    for sweep in 0..4 {
        let forward = sweep % 2 == 0;
        let range: Vec<usize> = if forward {
            (1..cols).collect()
        } else {
            (0..cols.saturating_sub(1)).rev().collect()
        };
        for c in range {
            let mut keyed: Vec<(f64, usize)> = by_col[c]
                .iter()
                .map(|&v| {
                    let neigh: Vec<usize> = if forward {
                        g.incoming(v)
                            .map(|e| g.edges[e].from)
                            .filter(|&u| col[u] + 1 == col[v])
                            .collect()
                    } else {
                        g.outgoing(v)
                            .map(|e| g.edges[e].to)
                            .filter(|&w| col[w] == col[v] + 1)
                            .collect()
                    };
                    let bary = if neigh.is_empty() {
                        row[v] as f64
                    } else {
                        neigh.iter().map(|&u| row[u] as f64).sum::<f64>() / neigh.len() as f64
                    };
                    (bary, v)
                })
                .collect();
            keyed.sort_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(m.components[a.1].id.cmp(&m.components[b.1].id))
            });
            by_col[c] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in by_col[c].iter().enumerate() {
                row[v] = i;
            }
        }
    }
    (col, row)
}

const BOX_W: f64 = 170.0;
const BOX_H: f64 = 46.0;
const COL_GAP: f64 = 90.0;
const ROW_GAP: f64 = 28.0;

impl Picture<'_> {
    /// The diagram as a standalone SVG: the same visual language as the DOT output
    /// (shapes by kind, fill by the worst finding, dashed async calls, thick critical
    /// path); each component a `<g id="component-ID">` with its id as text, each call a
    /// `<path class="call" data-from=… data-to=…>`.
    pub fn svg(&self) -> String {
        let (m, g) = (&self.a.model, &self.a.graph);
        let (col, row) = layout(self);
        let x = |v: usize| 20.0 + col[v] as f64 * (BOX_W + COL_GAP);
        let y = |v: usize| 20.0 + row[v] as f64 * (BOX_H + ROW_GAP);
        let width = col
            .iter()
            .map(|&c| 40.0 + (c + 1) as f64 * (BOX_W + COL_GAP))
            .fold(200.0, f64::max);
        let height = row
            .iter()
            .map(|&r| 40.0 + (r + 1) as f64 * (BOX_H + ROW_GAP))
            .fold(120.0, f64::max);
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        );
        s.push_str("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker>\n        <marker id=\"arrow-critical\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#cc0000\"/></marker></defs>\n");
        // calls first, so boxes draw over their ends
        for (e, ed) in g.edges.iter().enumerate() {
            let (u, v) = (ed.from, ed.to);
            let (x1, y1) = (x(u) + BOX_W, y(u) + BOX_H / 2.0);
            let (x2, y2) = if col[v] > col[u] {
                (x(v), y(v) + BOX_H / 2.0)
            } else {
                (x(v) + BOX_W / 2.0, y(v))
            };
            let mid = (x1 + x2) / 2.0;
            let critical = self.critical.contains(&e);
            let style = match (critical, ed.sync) {
                (true, _) => {
                    "stroke=\"#cc0000\" stroke-width=\"3\" marker-end=\"url(#arrow-critical)\""
                }
                (false, true) => "stroke=\"#333\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"",
                (false, false) => {
                    "stroke=\"#333\" stroke-width=\"1.3\" stroke-dasharray=\"6 4\" marker-end=\"url(#arrow)\""
                }
            };
            let label = self.edge_label(e);
            let _ = writeln!(
                s,
                "  <path class=\"call{}\" data-from=\"{}\" data-to=\"{}\" d=\"M {x1:.1} {y1:.1} C {mid:.1} {y1:.1}, {mid:.1} {y2:.1}, {x2:.1} {y2:.1}\" fill=\"none\" {style}><title>{} → {}{}</title></path>",
                if ed.sync { "" } else { " async" },
                xml(&m.components[u].id),
                xml(&m.components[v].id),
                xml(&m.components[u].id),
                xml(&m.components[v].id),
                if label.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", xml(&label))
                }
            );
        }
        for (i, c) in m.components.iter().enumerate() {
            let (fill, stroke) = match self.worst.get(&i) {
                Some(Severity::Error) => ("#ffdddd", "#cc0000"),
                Some(Severity::Warning) => ("#fff3cd", "#d39e00"),
                Some(Severity::Info) => ("#e7f1ff", "#4a7ebb"),
                None => ("#ffffff", "#333333"),
            };
            let (bx, by) = (x(i), y(i));
            let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
            let shape = match c.kind() {
                Kind::Database | Kind::Cache | Kind::ObjectStore => format!(
                    "<path d=\"M {bx} {t} a {rx} 7 0 0 1 {w} 0 v {h} a {rx} 7 0 0 1 -{w} 0 z\" {paint}/><path d=\"M {bx} {t} a {rx} 7 0 0 0 {w} 0\" fill=\"none\" stroke=\"{stroke}\"/>",
                    t = by + 7.0,
                    rx = BOX_W / 2.0,
                    w = BOX_W,
                    h = BOX_H - 14.0
                ),
                Kind::Queue => format!(
                    "<path d=\"M {bx} {by} h {w} l 10 {hh} l -10 {hh} h -{w} z\" {paint}/>",
                    w = BOX_W - 10.0,
                    hh = BOX_H / 2.0
                ),
                Kind::Client => format!(
                    "<rect x=\"{bx}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"{r}\" {paint}/>",
                    r = BOX_H / 2.0
                ),
                Kind::External => format!(
                    "<rect x=\"{bx}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" {paint}/><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{stroke}\"/>",
                    bx + 4.0,
                    by + 4.0,
                    BOX_W - 8.0,
                    BOX_H - 8.0
                ),
                Kind::LoadBalancer | Kind::Cdn | Kind::Gateway => format!(
                    "<path d=\"M {} {by} h {} l 14 {hh} l -14 {hh} h -{} l -14 -{hh} z\" {paint}/>",
                    bx + 14.0,
                    BOX_W - 28.0,
                    BOX_W - 28.0,
                    hh = BOX_H / 2.0
                ),
                Kind::Worker => format!(
                    "<rect x=\"{bx}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"10\" {paint}/>"
                ),
                Kind::Service => format!(
                    "<rect x=\"{bx}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"3\" {paint}/>"
                ),
            };
            let detail = {
                let mut d = vec![c.kind().as_str().to_string()];
                if let Some(t) = c.tech() {
                    d.push(t.to_string());
                }
                if c.replicas() > 1 {
                    d.push(format!("×{}", c.replicas()));
                }
                d.join(" · ")
            };
            let cx = bx + BOX_W / 2.0;
            // a store's title sits below its cylinder's top rim
            let dy = if matches!(c.kind(), Kind::Database | Kind::Cache | Kind::ObjectStore) {
                4.0
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "  <g id=\"component-{}\" class=\"component kind-{}\">{shape}<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text><text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{}</text></g>",
                xml(&c.id),
                c.kind().as_str(),
                by + 20.0 + dy,
                xml(&c.id),
                by + 35.0 + dy,
                xml(&detail)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}
