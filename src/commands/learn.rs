//! `archlint learn`: the course in the terminal. `learn list`, `learn N` (write the
//! exercise), `learn check FILE`, `learn hint N`, `learn solution N`. Which hints have
//! been revealed is kept in `.archlint-learn` in the current directory.

use std::path::{Path, PathBuf};

use archlint_core::model::Date;
use archlint_course::{EXERCISES, Exercise};
use archlint_outputs::text::fill;
use clap::{Args, Subcommand};

use crate::exit::Exit;
use crate::terminal::{input_errors, out, read_input, stdout_width, usage_error, write_file};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct LearnArgs {
    #[command(subcommand)]
    command: Option<LearnCommand>,
    /// Write exercise N's design to `exercise-N.arch.yaml` in the current directory.
    #[arg(value_name = "N")]
    n: Option<u32>,
    /// Overwrite `exercise-N.arch.yaml` if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum LearnCommand {
    /// One line per exercise: number, title, status in the current directory.
    List,
    /// Say which goals a design meets; exit 0 only when it meets them all.
    Check {
        /// The exercise file (`-` for stdin); it names its exercise with `x-learn: N`.
        file: PathBuf,
    },
    /// Reveal the next hint of exercise N.
    Hint { n: u32 },
    /// Print a worked solution of exercise N, commented with the reasoning.
    Solution { n: u32 },
}

const PROGRESS: &str = ".archlint-learn";

pub(crate) fn run(args: LearnArgs, today: Date) -> Exit {
    match (args.command, args.n) {
        (Some(LearnCommand::List), _) => list(today),
        (Some(LearnCommand::Check { file }), _) => check(&file, today),
        (Some(LearnCommand::Hint { n }), _) => match exercise(n) {
            Ok(e) => hint(e),
            Err(x) => x,
        },
        (Some(LearnCommand::Solution { n }), _) => match exercise(n) {
            Ok(e) => {
                out(e.solution);
                Exit::Clean
            }
            Err(x) => x,
        },
        (None, Some(n)) => match exercise(n) {
            Ok(e) => start(e, args.force),
            Err(x) => x,
        },
        (None, None) => {
            out(&format!(
                "{}\n",
                fill(
                    &format!(
                        "{} exercises in the order of a design review. `archlint learn list` \
shows them, `archlint learn 1` writes the first one to exercise-1.arch.yaml.",
                        EXERCISES.len()
                    ),
                    stdout_width(),
                    0,
                    0
                )
            ));
            Exit::Clean
        }
    }
}

fn exercise(n: u32) -> Result<&'static Exercise, Exit> {
    archlint_course::find(n).ok_or_else(|| {
        usage_error(&format!(
            "there is no exercise {n}: the course has exercises 1 to {}",
            EXERCISES.len()
        ))
    })
}

fn file_of(n: u32) -> PathBuf {
    PathBuf::from(format!("exercise-{n}.arch.yaml"))
}

/// Whether the exercise's file in the current directory is done, started or absent.
fn status(e: &Exercise, today: Date) -> &'static str {
    // read as every design is: bounded, and never a pipe or a device
    let path = file_of(e.n);
    let name = path.display().to_string();
    let Ok(src) =
        archlint_linter::read_source(&path, &name, archlint_linter::DEFAULT_MAX_FILE_BYTES)
    else {
        return "not started";
    };
    match archlint_course::grade(e, &src, today) {
        Ok(goals) if goals.iter().all(|g| g.met) => "done",
        _ => "started",
    }
}

fn list(today: Date) -> Exit {
    let width = stdout_width();
    let tw = EXERCISES.iter().map(|e| e.title.len()).max().unwrap_or(0);
    let mut s = String::new();
    for e in EXERCISES {
        let st = status(e, today);
        if 4 + tw + 2 + 11 <= width {
            s.push_str(&format!("{:>2}  {:tw$}  {st}\n", e.n, e.title));
        } else {
            s.push_str(&format!("{:>2}  {}  {st}\n", e.n, e.title));
        }
    }
    out(&s);
    Exit::Clean
}

fn start(e: &Exercise, force: bool) -> Exit {
    let path = file_of(e.n);
    if path.exists() && !force {
        return usage_error(&format!(
            "{} exists; `archlint learn check {}` checks it, `--force` starts it again",
            path.display(),
            path.display()
        ));
    }
    if let Err(x) = write_file(&path, archlint_course::design_file(e)) {
        return x;
    }
    let width = stdout_width();
    let done = format!(
        "wrote {}; edit it, then run `archlint learn check {}`",
        path.display(),
        path.display()
    );
    out(&format!(
        "Exercise {}: {}\n\n{}\n\n{}\n",
        e.n,
        e.title,
        fill(e.task, width, 0, 0),
        fill(&done, width, 0, 0)
    ));
    Exit::Clean
}

fn check(file: &Path, today: Date) -> Exit {
    let src = match read_input(file, archlint_linter::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
        Ok(s) => s,
        Err(r) => {
            input_errors(&[r]);
            return Exit::Error;
        }
    };
    let Some(n) = archlint_course::exercise_of(&src.text) else {
        return usage_error(&format!(
            "{} does not name its exercise: it needs a top-level `x-learn: N` (`archlint learn N` writes one)",
            src.name
        ));
    };
    let e = match exercise(n) {
        Ok(e) => e,
        Err(x) => return x,
    };
    let goals = match archlint_course::grade(e, &src, today) {
        Ok(g) => g,
        Err(result) => {
            input_errors(&[*result]);
            eprintln!("fix the input errors first; then the goals can be checked");
            return Exit::Error;
        }
    };
    let width = stdout_width();
    let mut s = format!("Exercise {}: {}\n", e.n, e.title);
    for g in &goals {
        let mark = if g.met { "ok  " } else { "todo" };
        s.push_str(&format!("  {mark} {}\n", fill(&g.text, width, 7, 7)));
        for why in &g.why {
            s.push_str(&format!("         {}\n", fill(why, width, 9, 11)));
        }
    }
    let met = goals.iter().filter(|g| g.met).count();
    if met == goals.len() {
        s.push_str(&format!(
            "\nAll {} goals met. `archlint learn solution {}` shows one way to reason about it.\n",
            goals.len(),
            e.n
        ));
        out(&s);
        Exit::Clean
    } else {
        s.push_str(&format!(
            "\n{met} of {} goals met; `archlint learn hint {}` reveals a hint.\n",
            goals.len(),
            e.n
        ));
        out(&s);
        Exit::Findings
    }
}

/// The hints revealed so far, per exercise: `N=K` lines.
fn revealed() -> Vec<(u32, usize)> {
    std::fs::read_to_string(PROGRESS)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (n, k) = l.split_once('=')?;
            Some((n.trim().parse().ok()?, k.trim().parse().ok()?))
        })
        .collect()
}

fn hint(e: &Exercise) -> Exit {
    let hints = archlint_course::hints(e);
    let mut seen = revealed();
    let shown = seen.iter().find(|(n, _)| *n == e.n).map_or(0, |(_, k)| *k);
    let width = stdout_width();
    if shown >= hints.len() {
        out(&format!(
            "{}\n",
            fill(
                &format!(
                    "No more hints for exercise {}: `archlint learn solution {}` prints a worked solution.",
                    e.n, e.n
                ),
                width,
                0,
                0
            )
        ));
        return Exit::Clean;
    }
    let text = &hints[shown];
    let body = if text.contains('\n') {
        // a fix as YAML: as written
        text.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        fill(text, width, 0, 0)
    };
    out(&format!(
        "Hint {} of {} for exercise {}:\n\n{body}\n",
        shown + 1,
        hints.len(),
        e.n
    ));
    seen.retain(|(n, _)| *n != e.n);
    seen.push((e.n, shown + 1));
    seen.sort_unstable();
    let text: String = seen.iter().map(|(n, k)| format!("{n}={k}\n")).collect();
    // the progress is a convenience: a read-only directory still shows the hint
    let _ = std::fs::write(PROGRESS, text);
    Exit::Clean
}
