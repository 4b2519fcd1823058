//! Linting through input errors: which parts of the file an error puts at fault, the
//! model with those parts left out, and which findings they could have caused.
//!
//! A semantic error never hides the rest of the design. The loader leaves the part at
//! fault out (an invalid field is ignored, a component without a valid kind is not
//! loaded); [`recover`] then drops what still refers to a left-out part (a call to an
//! unknown or invalid component, an entity whose store is not a database, a journey
//! with an unknown step), so that every rule can run on what is left. A rule must not
//! report what a left-out part would have caused (an ignored `timeout: fast` is not
//! "no timeout"), so [`Faults::holds`] holds back every finding that involves a part at
//! fault, and every finding of the traffic model when a fault changes the traffic.

use super::yaml::Node;
use super::{Architecture, IdMap, Kind, fields};
use crate::diag::{Diagnostic, suggest};
use crate::source::Span;

/// The parts of a file at fault, and what findings they hold back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// The parts at fault, as path prefixes (`components.orders`, `requirements`,
    /// `entities.order`, `journeys.checkout`), sorted.
    pub units: Vec<String>,
    /// A fault that changes the numbers computed over the whole design (a load, share,
    /// latency, availability, call or component left out): the findings made of those
    /// numbers (loads, the critical path's availability and latency) are held back
    /// everywhere, since the worst path or the busiest component may be another.
    pub traffic: bool,
    /// A call or component left out: the paths from the entry points are not the
    /// design's, so the findings that follow paths are held back everywhere.
    pub structure: bool,
    /// A fault whose reach is the whole file (a file-level `allow`, a misspelt section).
    pub whole_file: bool,
    /// The model is partial (any error): whether an `allow` is used cannot be known.
    pub any: bool,
}

/// Fields whose value the whole-design numbers read: an error in one changes every
/// load, or which path is the critical one.
const TRAFFIC_FIELDS: &[&str] = &[
    "latency",
    "availability",
    "timeout",
    "retry",
    "p50",
    "p99",
    "optional",
    "kind",
    "calls",
    "consumes",
    "to",
    "from",
    "mode",
    "access",
    "share",
    "per_request",
    "routes",
    "startup",
    "internal",
    "replicas",
    "capacity",
    "throughput",
    "hit_ratio",
    "caches",
    "peak_rps",
];

impl Faults {
    /// No fault: nothing is held back.
    pub fn none() -> Faults {
        Faults::default()
    }

    /// The faults of `errors`, located in the parsed file `root`.
    pub fn locate(root: &Node, errors: &[Diagnostic]) -> Faults {
        let mut f = Faults {
            any: !errors.is_empty(),
            ..Faults::default()
        };
        if errors.is_empty() {
            return f;
        }
        let units = units_of(root);
        for e in errors {
            let key = last_key(&e.path);
            if key.is_empty() || TRAFFIC_FIELDS.contains(&key) {
                f.traffic = true;
            }
            match innermost(&units, e.span) {
                Some(u) if u.path.is_empty() => {}
                Some(u) if u.whole_file => f.whole_file = true,
                Some(u) => {
                    if u.traffic {
                        f.traffic = true;
                    }
                    f.units.push(u.path.clone());
                }
                // no part of the file holds it (`the file has no name`): by its path
                None => {
                    if let Some(p) = unit_of_path(&e.path) {
                        f.units.push(p);
                    }
                }
            }
        }
        f.units.sort_unstable();
        f.units.dedup();
        f
    }

    /// Whether a finding involves a part at fault: its location or one of its related
    /// locations lies in one; or its rule reads numbers of the whole design (`reads`)
    /// when a fault changed them, or follows paths (`paths`) when a fault changed
    /// them; or it says an `allow` is unused (`allow_use`).
    pub fn holds(&self, d: &Diagnostic, reads: bool, paths: bool, allow_use: bool) -> bool {
        if !self.any {
            return false;
        }
        if self.whole_file || (reads && self.traffic) || (paths && self.structure) || allow_use {
            return true;
        }
        std::iter::once(d.path.as_str())
            .chain(d.related.iter().map(|r| r.path.as_str()))
            .any(|p| self.units.iter().any(|u| within(p, u)))
    }

    /// The components a left-out component called, consumed from or cached: each lost
    /// a neighbour (and may now look like an entry point), so each is at fault.
    pub(crate) fn left_out_neighbours(&mut self, ids: Vec<String>) {
        if ids.is_empty() {
            return;
        }
        for id in ids {
            self.add(format!("components.{id}"));
        }
        // one left out changes the paths and the whole-design numbers
        self.structure = true;
        self.traffic = true;
    }

    fn add(&mut self, unit: String) {
        if let Err(i) = self.units.binary_search(&unit) {
            self.units.insert(i, unit);
        }
    }
}

/// `path` is `unit` or inside it (`components.a.calls[0]` is inside `components.a`,
/// `components.ab` is not).
fn within(path: &str, unit: &str) -> bool {
    path.strip_prefix(unit)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The field a path ends in, without list indices.
fn last_key(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

/// A part of the file an error can be in: its text, and the path findings use for it.
struct Unit {
    extent: Span,
    path: String,
    traffic: bool,
    whole_file: bool,
}

fn extent(k: &Node, v: &Node) -> Span {
    Span::new(k.span.start(), k.span.end().max(v.span.end()))
}

/// The parts of the file: each top-level entry, and each component, entity and
/// journey inside its section. A part runs from its key to the next entry's key, so
/// that a line left blank after its last field (a half-typed key) is still in it.
fn units_of(root: &Node) -> Vec<Unit> {
    let mut out = Vec::new();
    let Some(map) = root.as_map() else {
        return out;
    };
    let ends = |entries: &[(Node, Node)], last: usize| -> Vec<usize> {
        (0..entries.len())
            .map(|i| {
                entries.get(i + 1).map_or(last, |(k, _)| {
                    k.span
                        .start()
                        .saturating_sub(1)
                        .max(entries[i].0.span.end())
                })
            })
            .collect()
    };
    let file_end = u32::MAX as usize;
    let top_ends = ends(map, file_end);
    for ((k, v), &end) in map.iter().zip(&top_ends) {
        let Some(key) = k.as_scalar() else { continue };
        let known = fields::TOP.iter().any(|f| f.name == key);
        let misspelt_section = !known
            && !key.starts_with("x-")
            && suggest(key, fields::TOP.iter().map(|f| f.name)).is_some();
        out.push(Unit {
            extent: Span::new(k.span.start(), end.max(extent(k, v).end())),
            path: if known {
                key.to_string()
            } else {
                String::new()
            },
            traffic: matches!(key, "requirements" | "components"),
            whole_file: key == "allow" || misspelt_section,
        });
        if matches!(key, "components" | "entities" | "journeys")
            && let Some(items) = v.as_map()
        {
            for ((ik, iv), &iend) in items.iter().zip(&ends(items, end)) {
                let Some(id) = ik.as_scalar() else { continue };
                out.push(Unit {
                    extent: Span::new(ik.span.start(), iend.max(extent(ik, iv).end())),
                    path: format!("{key}.{id}"),
                    traffic: false,
                    whole_file: false,
                });
            }
        }
    }
    out
}

/// The smallest part holding the span (a component inside `components`).
fn innermost(units: &[Unit], at: Span) -> Option<&Unit> {
    units
        .iter()
        .filter(|u| u.extent.start() <= at.start() && at.start() <= u.extent.end())
        .min_by_key(|u| u.extent.end() - u.extent.start())
}

fn unit_of_path(path: &str) -> Option<String> {
    let mut parts = path.splitn(3, '.');
    let first = parts.next().filter(|s| !s.is_empty())?;
    let first = first.split('[').next().unwrap_or(first);
    match (first, parts.next()) {
        ("components" | "entities" | "journeys", Some(second)) => Some(format!(
            "{first}.{}",
            second.split('[').next().unwrap_or(second)
        )),
        _ => Some(first.to_string()),
    }
}

/// Leave out of `m` what refers to a part the loader left out, and add what that
/// changes to `faults`: a call, consume or `caches` naming a component not in the
/// model (unknown, or without a valid kind) is dropped and its component is at fault,
/// as is the component the name was probably meant for; an entity at fault, or whose
/// store is not a database, is dropped with the relationships to it; a journey at
/// fault, or with a step not in the model, is dropped.
pub fn recover(m: &mut Architecture, faults: &mut Faults) {
    if !faults.any {
        return;
    }
    let index: &IdMap<usize> = &m.index;
    // candidates for the component a dangling name was meant for, in one order
    let ids: Vec<String> = {
        let mut v: Vec<String> = m.components.iter().map(|c| c.id.clone()).collect();
        v.sort_unstable();
        v
    };
    let kinds: Vec<Kind> = m.components.iter().map(|c| c.kind()).collect();
    let mut at_fault: Vec<String> = Vec::new();
    let mut dropped = false;
    for c in &mut m.components {
        let before = (c.calls.len(), c.consumes.len());
        let mut meant: Vec<String> = Vec::new();
        let me = c.id.clone();
        let mut keep = |to: &str| {
            let ok = index.get(to).is_some();
            let others = ids.iter().map(String::as_str).filter(|i| *i != me);
            if !ok && let Some(s) = suggest(to, others) {
                meant.push(s.to_string());
            }
            ok
        };
        c.calls.retain(|x| keep(&x.to.v));
        // a consume from anything but a queue is an error too
        c.consumes.retain(|x| {
            keep(&x.from.v)
                && index
                    .get(&x.from.v)
                    .is_some_and(|&i| kinds[i] == Kind::Queue)
        });
        let mut caches_gone = false;
        if let Some(more) = c.more.as_mut()
            && let Some(target) = &more.caches
            && !keep(&target.v)
        {
            more.caches = None;
            caches_gone = true;
        }
        if caches_gone || before != (c.calls.len(), c.consumes.len()) {
            dropped = true;
            at_fault.push(c.path());
            at_fault.extend(meant.into_iter().map(|id| format!("components.{id}")));
        }
    }
    let is_db = |id: &str| {
        m.index
            .get(id)
            .is_some_and(|&i| m.components[i].kind() == Kind::Database)
    };
    let held = |f: &Faults, path: &str| f.units.iter().any(|u| within(path, u));
    let before = m.entities.len();
    let mut gone: Vec<String> = Vec::new();
    m.entities.retain(|e| {
        let keep = !held(faults, &e.path()) && e.store.as_ref().is_some_and(|s| is_db(&s.v));
        if !keep {
            gone.push(e.name.clone());
        }
        keep
    });
    if m.entities.len() != before {
        let names: Vec<String> = m.entities.iter().map(|e| e.name.clone()).collect();
        for e in &mut m.entities {
            let n = e.relationships.len();
            e.relationships.retain(|r| names.contains(&r.to.v));
            if e.relationships.len() != n {
                at_fault.push(e.path());
            }
        }
        at_fault.extend(gone.iter().map(|n| format!("entities.{n}")));
    }
    let steps_known = |j: &super::Journey| j.steps.iter().all(|s| m.index.get(&s.v).is_some());
    let kept: Vec<bool> = m
        .journeys
        .iter()
        .map(|j| !held(faults, &j.path()) && steps_known(j))
        .collect();
    let mut it = kept.iter();
    m.journeys.retain(|_| *it.next().unwrap_or(&true));
    for p in at_fault {
        faults.add(p);
    }
    faults.traffic |= dropped;
    faults.structure |= dropped;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_is_a_path_prefix_not_a_string_prefix() {
        assert!(within("components.a", "components.a"));
        assert!(within("components.a.calls[0]", "components.a"));
        assert!(within("components.a[0]", "components.a"));
        assert!(!within("components.ab", "components.a"));
        assert!(!within("components", "components.a"));
    }

    #[test]
    fn paths_name_their_unit() {
        assert_eq!(
            unit_of_path("components.a.calls[2].timeout").as_deref(),
            Some("components.a")
        );
        assert_eq!(
            unit_of_path("requirements.scale").as_deref(),
            Some("requirements")
        );
        assert_eq!(unit_of_path("allow[0]").as_deref(), Some("allow"));
        assert_eq!(unit_of_path(""), None);
    }
}
