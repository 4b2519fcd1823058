//! The course: graded exercises in the order of a design review, for `archlint learn`
//! and the playground.
//!
//! Each exercise is a small design with a mistake a reviewer would catch, a goal, hints
//! and a worked solution. A goal is a set of rules that must not fire, plus what the
//! learner must keep, so that deleting or suppressing is never a solution: every
//! component stays (but those the exercise lets go, as a merge does), every component
//! the users reached is still reached, every stated requirement keeps its value, no
//! `allow` anywhere, and the file still names its exercise (`x-learn: N`).
//!
//! Invariant: no I/O. The caller reads and writes files; this crate grades text.

use std::collections::{BTreeMap, BTreeSet};

use archlint_core::diag::Diagnostic;
use archlint_core::model::projection::{Projection, ProjectionSpec};
use archlint_core::model::{Architecture, Date, Kind};
use archlint_core::source::SourceFile;
use archlint_linter::FileResult;
use archlint_linter::rules::Settings;
use serde_json::Value;

mod exercises;

pub use exercises::EXERCISES;

/// One exercise of the course.
#[derive(Debug)]
pub struct Exercise {
    /// Its number, from 1, in the order of a design review.
    pub n: u32,
    pub title: &'static str,
    /// The step of the review it belongs to.
    pub step: &'static str,
    /// What to do, as a reviewer would ask it.
    pub task: &'static str,
    /// Rules that must not fire on the learner's design.
    pub rules: &'static [&'static str],
    /// Components the learner may remove or rename (a merge, a replacement).
    pub may_remove: &'static [&'static str],
    /// Also graded with the design at this scale (`10x`): what flips at 10×.
    pub at: Option<&'static str>,
    /// The first hint: the question a reviewer would ask.
    pub hint: &'static str,
    /// The design to fix (with `x-learn: N`).
    pub design: &'static str,
    /// A worked solution (with `x-learn: N`), commented with the reasoning.
    pub solution: &'static str,
}

/// Exercise `n`.
pub fn find(n: u32) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.n == n)
}

/// What the goal asks, in words: the rules, then what must be kept.
pub fn goal_text(e: &Exercise) -> String {
    let rules: Vec<String> = e.rules.iter().map(|r| format!("`{r}`")).collect();
    let scale =
        e.at.map(|f| format!(", today or at {f}"))
            .unwrap_or_default();
    format!(
        "{} must not fire{scale}; every component stays{}, and the users still reach \
every component they reached; the stated requirements keep their values; no `allow`.",
        rules.join(" and "),
        if e.may_remove.is_empty() {
            String::new()
        } else {
            " (but those you merge or replace)".to_string()
        }
    )
}

/// `text` as comment lines of at most 80 columns (`# ` and words).
fn comment(text: &str, out: &mut String) {
    let mut line = String::from("#");
    for w in text.split_whitespace() {
        if line.len() + 1 + w.len() > 80 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(w);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The file `archlint learn N` writes: the task, the goal and the commands as
/// comments, then the design.
pub fn design_file(e: &Exercise) -> String {
    let mut s = String::new();
    comment(
        &format!(
            "archlint learn, exercise {} of {}: {} ({})",
            e.n,
            EXERCISES.len(),
            e.title,
            e.step.to_lowercase()
        ),
        &mut s,
    );
    s.push_str("#\n");
    comment(e.task, &mut s);
    s.push_str("#\n");
    comment(&format!("Goal: {}", goal_text(e)), &mut s);
    s.push_str("#\n");
    let file = format!("exercise-{}.arch.yaml", e.n);
    let cmds = [
        (
            format!("archlint learn check {file}"),
            "says which goals are met",
        ),
        (
            format!("archlint learn hint {}", e.n),
            "reveals the next hint",
        ),
        (
            format!("archlint learn solution {}", e.n),
            "prints a worked solution",
        ),
    ];
    let w = cmds.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    for (cmd, what) in cmds {
        s.push_str(&format!("#   {cmd:<w$}  {what}\n"));
    }
    s.push('\n');
    s.push_str(e.design);
    s
}

/// A goal and whether the learner's design meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub text: String,
    pub met: bool,
    /// Why it is not met: the finding's message, the component removed, …
    pub why: Vec<String>,
}

/// The exercise a design names in its top-level `x-learn:` key.
pub fn exercise_of(text: &str) -> Option<u32> {
    let src = SourceFile::new("exercise.arch.yaml", text);
    let arena = archlint_core::model::yaml::Arena::new();
    let p = archlint_core::model::yaml::parse(&src, &arena, Default::default()).ok()?;
    p.root
        .get("x-learn")
        .and_then(|n| n.as_scalar())
        .and_then(|s| s.trim().parse().ok())
}

/// The hints of an exercise, in the order `learn hint` reveals them: the reviewer's
/// question, then why the first rule's pattern hurts and what fixes it (from its page).
pub fn hints(e: &Exercise) -> Vec<String> {
    let mut out = vec![e.hint.to_string()];
    if let Some(r) = e
        .rules
        .first()
        .and_then(|id| archlint_linter::rules::find(id))
    {
        let body = &r.meta().body;
        for heading in ["## Why it hurts", "## The fix"] {
            if let Some(p) = first_paragraph(body, heading) {
                out.push(p);
            }
        }
    }
    out
}

/// The first block after a heading of a page: a paragraph (on one line), or a code
/// block as it is written.
fn first_paragraph(page: &str, heading: &str) -> Option<String> {
    let start = page.find(heading)? + heading.len();
    let rest = page[start..].trim_start();
    if let Some(code) = rest.strip_prefix("```") {
        let body = &code[code.find('\n')? + 1..];
        let end = body.find("```")?;
        return Some(body[..end].trim_end().to_string());
    }
    let para: Vec<&str> = rest
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("```"))
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

/// What grading needs of a design: its model and its YAML as JSON.
struct Parsed {
    model: Architecture,
    json: Value,
}

fn parse(src: &SourceFile) -> Option<Parsed> {
    let a = archlint_linter::analyse(src).ok()?;
    let arena = archlint_core::model::yaml::Arena::new();
    let tree = archlint_core::model::yaml::parse(src, &arena, Default::default()).ok()?;
    Some(Parsed {
        model: a.model,
        json: tree.root.to_json(),
    })
}

/// The components the users reach: from every client and external caller, along calls
/// of any mode and from each queue to its consumers.
fn reached(m: &Architecture) -> BTreeSet<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &m.components {
        for call in &c.calls {
            next.entry(&c.id).or_default().push(&call.to.v);
        }
        for q in &c.consumes {
            next.entry(&q.from.v).or_default().push(&c.id);
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<&str> = m
        .components
        .iter()
        .filter(|c| matches!(c.kind(), Kind::Client | Kind::External))
        .map(|c| c.id.as_str())
        .collect();
    while let Some(v) = todo.pop() {
        if seen.insert(v.to_string()) {
            todo.extend(next.get(v).into_iter().flatten().copied());
        }
    }
    seen
}

/// Flatten a mapping to dotted paths of leaves.
fn leaves(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&p, x, out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), v.clone());
        }
    }
}

/// Every `allow` in the design: file, components, calls, consumes.
fn allows(m: &Architecture) -> Vec<String> {
    let mut out: Vec<String> = m
        .allow
        .iter()
        .map(|a| format!("the file: {}", a.rule))
        .collect();
    for c in &m.components {
        out.extend(c.allow.iter().map(|a| format!("`{}`: {}", c.id, a.rule)));
        for call in &c.calls {
            out.extend(
                call.allow
                    .iter()
                    .map(|a| format!("`{} -> {}`: {}", c.id, call.to.v, a.rule)),
            );
        }
        for q in &c.consumes {
            out.extend(
                q.allow
                    .iter()
                    .map(|a| format!("`{} <= {}`: {}", c.id, q.from.v, a.rule)),
            );
        }
    }
    out
}

/// Grade a learner's design against exercise `e`. `Err` holds the result with the
/// input errors when the design does not load (they come first).
pub fn grade(e: &Exercise, src: &SourceFile, today: Date) -> Result<Vec<Goal>, Box<FileResult>> {
    let settings = Settings::all(today);
    let projection = e.at.map(|f| {
        Projection::at(f)
            .map(ProjectionSpec::At)
            .expect("a valid scale")
    });
    let result = archlint_linter::lint_source_projected(
        src.clone(),
        &settings,
        Default::default(),
        projection.as_ref(),
    );
    if result.input_error {
        return Err(Box::new(result));
    }
    let Some(mine) = parse(src) else {
        return Err(Box::new(result));
    };
    let given = parse(&SourceFile::new("exercise.arch.yaml", e.design))
        .expect("an exercise's design loads");
    let mut goals = Vec::new();

    // the rules of the exercise: none fires (today and, when asked, at the scale)
    for id in e.rules {
        let hits: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.rule == *id)
            .collect();
        let scale = e.at.map(|f| format!(" (nor at {f})")).unwrap_or_default();
        goals.push(Goal {
            text: format!("`{id}` does not fire{scale}"),
            met: hits.is_empty(),
            why: hits
                .iter()
                .map(|d| format!("line {}: {}", src.line_of(d.span.start()), d.message))
                .collect(),
        });
    }

    // the components stay, and the users still reach what they reached
    let ids: BTreeSet<&str> = mine
        .model
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let gone: Vec<String> = given
        .model
        .components
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !ids.contains(id) && !e.may_remove.contains(id))
        .map(|id| format!("`{id}` was removed"))
        .collect();
    goals.push(Goal {
        text: if e.may_remove.is_empty() {
            "every component stays".into()
        } else {
            format!(
                "every component stays (you may merge or replace {})",
                e.may_remove
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        met: gone.is_empty(),
        why: gone,
    });
    let now = reached(&mine.model);
    let lost: Vec<String> = reached(&given.model)
        .into_iter()
        .filter(|id| !e.may_remove.contains(&id.as_str()) && !now.contains(id))
        .map(|id| format!("no path from a client reaches `{id}` any more"))
        .collect();
    goals.push(Goal {
        text: "the users still reach every component they reached".into(),
        met: lost.is_empty(),
        why: lost,
    });

    // the requirements keep their values
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    leaves("", &given.json["requirements"], &mut before);
    leaves("", &mine.json["requirements"], &mut after);
    let changed: Vec<String> = before
        .iter()
        .filter(|(k, _)| !k.is_empty())
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, v)| match after.get(k) {
            None => format!("`requirements.{k}` was removed (it was {v})"),
            Some(x) => format!("`requirements.{k}` changed from {v} to {x}"),
        })
        .collect();
    goals.push(Goal {
        text: "the stated requirements keep their values".into(),
        met: changed.is_empty(),
        why: changed,
    });

    // nothing suppressed, and the file still names its exercise
    let suppressed = allows(&mine.model);
    goals.push(Goal {
        text: "no `allow` (fix the design, do not suppress the finding)".into(),
        met: suppressed.is_empty(),
        why: suppressed,
    });
    let named = exercise_of(&src.text);
    goals.push(Goal {
        text: format!("the file names its exercise (`x-learn: {}`)", e.n),
        met: named == Some(e.n),
        why: match named {
            Some(n) if n != e.n => vec![format!("it names exercise {n}")],
            Some(_) => Vec::new(),
            None => vec!["no `x-learn:` key".into()],
        },
    });
    Ok(goals)
}

#[cfg(test)]
mod tests;
