//! Diagrams: Mermaid `flowchart` and Graphviz DOT.
//!
//! Components are shaped by kind (cylinders for stores, a distinct shape for queues),
//! sync calls are solid and async ones dashed with the protocol on the edge, replicas
//! are shown, the critical path of each entry point is drawn thick, and components
//! with findings are coloured by their worst severity.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use crate::diag::{Diagnostic, Severity};
use crate::graph::Analysis;
use crate::graph::Origin;
use crate::model::{Component, Kind};

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
            let Some(rest) = d.path.strip_prefix("components.") else {
                continue;
            };
            // the id is the longest prefix of the path that names a component
            let id = a
                .model
                .components
                .iter()
                .filter(|c| {
                    rest == c.id
                        || rest.starts_with(&format!("{}.", c.id))
                        || rest.starts_with(&format!("{}[", c.id))
                })
                .max_by_key(|c| c.id.len());
            if let Some(c) = id {
                let i = a.model.index[&c.id];
                let e = worst.entry(i).or_insert(d.severity);
                *e = (*e).max(d.severity);
            }
        }
        let crit = a.graph.critical_paths(&a.model);
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
                        crate::model::quantity::trim_num(call.fan_out())
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
