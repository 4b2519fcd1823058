//! `archlint drift DESIGN OBSERVED…`: the design held to the traffic a running system
//! recorded (Jaeger dependencies, Zipkin dependency links, OpenTelemetry service-graph
//! metrics). Findings as `check` prints them, in every format; `--fix` adds the
//! undeclared calls to the design.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use archlint_core::diag::Diagnostic;
use archlint_core::model::Date;
use archlint_core::model::yaml;
use archlint_core::source::{SourceFile, Span};
use archlint_linter::FileResult;
use archlint_linter::drift::{self, Recorded};
use archlint_linter::observed::{self, Observed};
use archlint_outputs as outputs;

use super::check::Format;
use crate::exit::Exit;
use crate::exit::FailOn;
use crate::terminal::{
    ColorChoice, input_errors, out, read_input, stderr_width, stdout_style, usage_error,
    write_atomic_with,
};

#[derive(clap::Args)]
pub(crate) struct DriftArgs {
    /// The architecture file.
    design: PathBuf,
    /// What the system recorded: Jaeger dependencies JSON, Zipkin dependency links, or
    /// OpenTelemetry service-graph metrics (Prometheus text).
    #[arg(required = true, value_name = "OBSERVED")]
    observed: Vec<PathBuf>,
    /// How long the recording covers (`1h`, `24h`): turns counts into rates.
    #[arg(long, value_name = "DURATION")]
    window: Option<String>,
    /// A YAML mapping of recorded service names to component ids.
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Add the undeclared calls to the design (comments and layout kept), each with a
    /// comment saying how often it was recorded.
    #[arg(long)]
    fix: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

/// An observed file's problem as a located `invalid-input`. The snippet's line is
/// read again, streaming up to it (the lines before it kept as empty lines, so the
/// location stays right), so a problem deep in a large file costs no more memory
/// than the reading did.
fn located(path: &Path, name: &str, p: &observed::Problem) -> FileResult {
    use std::io::{BufRead as _, Read as _};
    let line = p.line.max(1);
    let mut text = "\n".repeat(line - 1);
    if let Ok((file, _)) = archlint_linter::input::open_regular(path, name) {
        let mut r = BufReader::new(file);
        let mut buf = Vec::new();
        for n in 1..=line {
            buf.clear();
            // a line is at most the JSON limit (a one-line document) long
            let read = (&mut r)
                .take(observed::MAX_JSON_BYTES + 1)
                .read_until(b'\n', &mut buf);
            if !matches!(read, Ok(k) if k > 0) {
                break;
            }
            if n == line {
                text.push_str(String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']));
            }
        }
    }
    let src = SourceFile::new(name, text);
    let start = src.offset_of(line, p.column.saturating_sub(1));
    let end = src.text[start.min(src.text.len())..]
        .find('\n')
        .map_or(src.text.len(), |e| start + e);
    FileResult::failed(
        src.clone(),
        vec![
            Diagnostic::invalid(
                "",
                Span::new(start.min(src.text.len()), end),
                p.message.clone(),
            )
            .label("cannot read this")
            .help(p.help.clone()),
        ],
    )
}

/// `--window`: how long a recording covers, in seconds; a malformed one is a usage
/// error.
pub(crate) fn parse_window(window: Option<&str>) -> Result<Option<f64>, Exit> {
    match window.map(archlint_core::model::quantity::parse_duration) {
        None => Ok(None),
        Some(Ok(w)) if w > 0.0 => Ok(Some(w)),
        Some(_) => Err(usage_error(&format!(
            "`--window {}` is not a duration (e.g. `1h`, `24h`, `7d`)",
            window.unwrap_or("")
        ))),
    }
}

/// Every recording that reads, and a located input error for each that does not
/// (a missing file, a pipe or device, a document in none of the shapes, ...).
pub(crate) fn read_recordings(files: &[PathBuf]) -> (Vec<(String, Observed)>, Vec<FileResult>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for p in files {
        let name = p.display().to_string();
        let file = match archlint_linter::input::open_regular(p, &name) {
            Ok((f, _)) => f,
            Err((msg, help)) => {
                bad.push(archlint_linter::input::read_failure(&name, msg, help));
                continue;
            }
        };
        match observed::read(&name, BufReader::new(file)) {
            Ok(o) => good.push((name, o)),
            Err(problem) => bad.push(located(p, &name, &problem)),
        }
    }
    (good, bad)
}

pub(crate) fn run(args: DriftArgs, today: Date) -> Exit {
    // a design with input errors is compared without the parts at fault (what those
    // could have caused is held back below), as `check` lints the rest
    let super::Analysed {
        a,
        src,
        cfg,
        errors: design_errors,
        exit: _,
    } = match super::analyse_file(&args.design, "comparison") {
        Ok(x) => x,
        Err(e) => return e,
    };
    if args.fix && !design_errors.is_empty() {
        eprintln!("note: `drift --fix` edits only a design without input errors: fix them first");
        return Exit::Error;
    }
    let window = match parse_window(args.window.as_deref()) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let map = match &args.map {
        None => BTreeMap::new(),
        Some(p) => match read_map(p, &a.model) {
            Ok(m) => m,
            Err(r) => {
                input_errors(&[*r]);
                return Exit::Error;
            }
        },
    };
    // every bad recording is reported; the rest are still compared (below, what a
    // missing recording could change is held back)
    let (recordings, bad) = read_recordings(&args.observed);
    if !bad.is_empty() {
        input_errors(&bad);
        if recordings.is_empty() || args.fix {
            return Exit::Error;
        }
    }
    let recorded: Vec<Recorded> = recordings
        .iter()
        .map(|(name, o)| Recorded { name, observed: o })
        .collect();
    let opts = drift::Options { map: &map, window };
    let drift::Comparison {
        findings: found,
        notes,
        undeclared,
    } = drift::compare(&a.model, &recorded, &opts);
    let mut settings = match cfg.settings(None, None) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    settings.today = Some(today);
    if args.fix {
        return fix(&args, &src, &undeclared, window);
    }
    let mut diagnostics = archlint_linter::rules::settle(&a.model, &src.name, found, &settings);
    // with a recording missing, an unobserved call may be in it and the error rates
    // are of part of the traffic: held back. The rest stands (a missing file only
    // adds calls, load and slow hops).
    let before = diagnostics.len();
    if !bad.is_empty() {
        diagnostics
            .retain(|d| !matches!(d.rule.as_ref(), "unobserved-call" | "observed-error-rate"));
    }
    let held = before - diagnostics.len();
    // a part of the design left out: a recorded call or service may be in it, and a
    // finding located in it is of a part the design does not say yet
    let before = diagnostics.len();
    let f = &a.faults;
    diagnostics.retain(|d| {
        // an unknown service may be the component left out (its message names the
        // service first); an undeclared call, one its caller (at fault) declared
        let left_out = d.rule == "unknown-service"
            && d.message.split('`').nth(1).is_some_and(|service| {
                f.units
                    .iter()
                    .any(|u| u.eq_ignore_ascii_case(&format!("components.{service}")))
            });
        !(left_out || f.holds(d, false, false, false))
    });
    let held_for_design = before - diagnostics.len();
    let design_faulty = !design_errors.is_empty();
    let mut results = vec![FileResult::linted(src, diagnostics, design_errors)];
    results[0].held_back = (held + held_for_design) as u32;
    if held > 0 {
        eprintln!(
            "note: {}",
            outputs::text::fill(
                &format!(
                    "{held} finding{} (unobserved calls, error rates) held back until every recording reads",
                    if held == 1 { "" } else { "s" }
                ),
                stderr_width(),
                6,
                2
            )
        );
    }
    let unread = !bad.is_empty();
    results.extend(bad);
    if let Some(b) = &args.baseline {
        match archlint_linter::baseline::Baseline::load(b) {
            Ok(base) => {
                base.apply(&mut results);
            }
            Err(e) => return usage_error(&e),
        }
    }
    for n in notes {
        eprintln!("note: {}", outputs::text::fill(&n, stderr_width(), 6, 2));
    }
    let text = match args.format {
        // the input errors are on stderr (above): the findings only
        Format::Human => {
            outputs::human::render_findings(&results, stdout_style(args.color, false), false)
        }
        Format::Concise => outputs::concise::render(&results, false, true),
        Format::Json => outputs::json::render_with(&results, None),
        Format::Sarif => outputs::sarif::render_with(&results, &[]),
        Format::Github => outputs::github::render(&results),
        Format::Junit => outputs::junit::render(&results),
        Format::Gitlab => outputs::gitlab::render(&results),
    };
    out(&text);
    let fail_on = args
        .fail_on
        .or_else(|| cfg.fail_on.as_deref().and_then(FailOn::parse))
        .unwrap_or(FailOn::Warning);
    if unread || design_faulty {
        Exit::Error
    } else if results[0]
        .diagnostics
        .iter()
        .any(|d| fail_on.fails(d.severity))
    {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// `--map FILE`: `service: component` pairs; a component that does not exist is an
/// error at its value.
fn read_map(
    path: &Path,
    m: &archlint_core::model::Architecture,
) -> Result<BTreeMap<String, String>, Box<FileResult>> {
    let src = read_input(path, 1 << 20, "<stdin>").map_err(Box::new)?;
    let arena = yaml::Arena::new();
    let fail = |span: Span, msg: String| {
        Box::new(FileResult::failed(
            src.clone(),
            vec![
                Diagnostic::invalid("", span, msg)
                    .label("cannot map this")
                    .help("write `service-name: component-id`, one per line"),
            ],
        ))
    };
    let p = yaml::parse(&src, &arena, Default::default())
        .map_err(|e| fail(e.span, e.message.clone()))?;
    let Some(entries) = p.root.as_map() else {
        return Err(fail(
            p.root.span,
            "a map file is a mapping of service names to component ids".into(),
        ));
    };
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let (Some(service), Some(id)) = (k.as_scalar(), v.as_scalar()) else {
            return Err(fail(v.span, "each entry is `service: component`".into()));
        };
        if !m.components.iter().any(|c| c.id == id) {
            let hint = archlint_core::diag::suggest(id, m.components.iter().map(|c| c.id.as_str()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(fail(
                v.span,
                format!("`{id}` is not a component of the design{hint}"),
            ));
        }
        out.insert(service.to_string(), id.to_string());
    }
    Ok(out)
}

/// `drift --fix`: each undeclared call added under its caller's `calls:`, with how
/// often it was recorded; written whole or not at all, and only if the design did not
/// change since it was read.
fn fix(
    args: &DriftArgs,
    src: &SourceFile,
    undeclared: &[drift::Undeclared],
    window: Option<f64>,
) -> Exit {
    // the window as the user wrote it (`24h` stays `24h`), the count whole: a
    // comment a reader and a script can take as it is
    let over = window
        .and(args.window.as_deref())
        .map(|w| format!(" in {}", w.trim()))
        .unwrap_or_default();
    let added: Vec<(String, String, String)> = undeclared
        .iter()
        .map(|u| {
            (
                u.from.clone(),
                u.to.clone(),
                format!("observed: {} calls{over}", u.calls.round() as u64),
            )
        })
        .collect();
    if added.is_empty() {
        eprintln!("nothing to add: every recorded call is declared");
        return Exit::Clean;
    }
    let Some(text) = archlint_linter::fix::add_calls(src, &added) else {
        eprintln!(
            "could not place the calls in `{}`: add them by hand",
            src.name
        );
        return Exit::Error;
    };
    let path = &args.design;
    // as `check --fix`: never over an edit saved meanwhile, a byte-order mark kept
    let (unchanged, bom) =
        super::unchanged_since_read(path, src, archlint_linter::DEFAULT_MAX_FILE_BYTES);
    let text = if bom { format!("\u{feff}{text}") } else { text };
    if !unchanged {
        eprintln!(
            "`{}` changed since it was read: not fixed; run again",
            src.name
        );
        return Exit::Error;
    }
    if let Err(e) = write_atomic_with(path, |w| std::io::Write::write_all(w, text.as_bytes())) {
        eprintln!("cannot write `{}`: {e}", path.display());
        return Exit::Error;
    }
    for (from, to, why) in &added {
        eprintln!("added `{from} -> {to}` ({why})");
    }
    Exit::Clean
}
