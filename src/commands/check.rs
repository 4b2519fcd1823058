//! `archlint check`: lint files, apply or show fixes, hold them to a baseline, and
//! print the findings in one of the formats.

use std::io::Write;
use std::path::{Path, PathBuf};

use archlint_core::model::projection::{Projection, ProjectionSpec};
use archlint_core::model::{Date, yaml};
use archlint_core::source::SourceFile;
use archlint_linter::{FileResult, baseline::Baseline, fix, rules};
use archlint_outputs::json::BaselineReport;
use archlint_outputs::{self as outputs, human};
use clap::ValueEnum;
use rayon::prelude::*;

use crate::configs::Configs;
use crate::exit::{self, Exit, FailOn};
use crate::terminal::{
    ColorChoice, input_errors, out, read_input, stderr_width, stdout_style, usage_error, write_file,
};

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Exit 0 when a directory holds no architecture file (by default that is an
    /// error: a misnamed file must not pass a CI job in silence).
    #[arg(long)]
    allow_empty: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Rules or categories to run (comma-separated), replacing the configured selection; `all` for every rule.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Rules or categories to skip (comma-separated), replacing the configured list.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Option<Vec<String>>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Use this configuration file instead of discovering `.archlint.yaml`.
    #[arg(long, conflicts_with = "no_config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
    /// Print only the diagnostics, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Largest file to read, in bytes (at most 4 GiB).
    #[arg(long, default_value_t = archlint_linter::DEFAULT_MAX_FILE_BYTES, value_name = "BYTES")]
    max_file_size: u64,
    /// Most components one file may define.
    #[arg(long, default_value_t = yaml::DEFAULT_MAX_COMPONENTS, value_name = "N")]
    max_components: usize,
    /// Name to show for stdin input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    stdin_filename: String,
    /// Write the report to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Colour the human output: `auto` follows the terminal and NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Print how many findings each rule made instead of the findings (human, concise or json).
    #[arg(long)]
    statistics: bool,
    /// Report only findings not recorded in this baseline file (also `baseline:` in .archlint.yaml).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file (with --baseline: keep only the
    /// entries that still match, pruning stale ones).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Apply the safe fixes (remove unused `allow` entries, exponential backoff with
    /// jitter) to the files, keeping comments and layout, then report what is left.
    #[arg(long)]
    fix: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there are any).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Also lint the design at this multiple of today's load and data (e.g. `10x`);
    /// findings that appear only then say so ("at 10×: …").
    #[arg(long, value_name = "FACTOR", conflicts_with = "in_")]
    at: Option<String>,
    /// Also lint the design as it would be after this long, compounding
    /// requirements.scale.growth_per_year (e.g. `3y`).
    #[arg(long = "in", id = "in_", value_name = "DURATION")]
    in_: Option<String>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    /// rustc-like snippets with labels and help
    Human,
    /// one line per finding: FILE:LINE:COL: SEVERITY[RULE] MESSAGE
    Concise,
    /// the findings as one JSON document
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// GitHub Actions annotations
    Github,
    /// JUnit XML (one test case per file and rule)
    Junit,
    /// GitLab Code Quality JSON
    Gitlab,
}

/// What the run lints: each file with its settings, or the input error that stopped it.
enum Slot<'f> {
    Done(FileResult),
    Lint(&'f Path, rules::Settings),
}

/// How every file of the run is linted: the same limits and projection for all.
struct Linting {
    limits: yaml::Limits,
    projection: Option<ProjectionSpec>,
}

impl Linting {
    fn lint(&self, src: SourceFile, settings: &rules::Settings) -> FileResult {
        archlint_linter::lint_source_projected(src, settings, self.limits, self.projection.as_ref())
    }
}

pub(crate) fn run(args: CheckArgs, today: Date) -> Exit {
    let projection = match (&args.at, &args.in_) {
        (Some(f), _) => match Projection::at(f) {
            Ok(p) => Some(ProjectionSpec::At(p)),
            Err(e) => return usage_error(&e),
        },
        (None, Some(d)) => {
            if let Err(e) = archlint_core::model::quantity::parse_duration(d) {
                return usage_error(&format!("`--in {d}`: {e}; write a duration such as `3y`"));
            }
            Some(ProjectionSpec::In(d.clone()))
        }
        (None, None) => None,
    };
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        return usage_error("--statistics works with --format human, concise or json");
    }
    let files = match files_to_lint(&args.paths, args.allow_empty) {
        Ok(f) => f,
        Err(e) => return e,
    };
    // Configuration is resolved in order (cheap, and errors keep their place); the
    // files are then read and linted in parallel, results kept in file order.
    let mut slots: Vec<Slot> = Vec::new();
    let mut configs = Configs::new(args.config.clone(), args.no_config);
    let mut fail_on = args.fail_on;
    let mut baseline_path = args.baseline.clone();
    for f in &files {
        let cfg = match configs.for_file(f) {
            Ok(c) => c,
            Err(r) => {
                let seen = slots
                    .iter()
                    .any(|s| matches!(s, Slot::Done(x) if x.source.name == r.source.name));
                if !seen {
                    slots.push(Slot::Done(*r));
                }
                continue;
            }
        };
        if fail_on.is_none() {
            fail_on = cfg.fail_on.as_deref().and_then(FailOn::parse);
        }
        if baseline_path.is_none() {
            baseline_path = cfg.baseline.clone();
        }
        let mut settings = match cfg.settings(args.select.as_deref(), args.ignore.as_deref()) {
            Ok(s) => s,
            Err(e) => return usage_error(&e),
        };
        settings.today = Some(today);
        slots.push(Slot::Lint(f, settings));
    }
    let fail_on = fail_on.unwrap_or(FailOn::Warning);
    let linting = Linting {
        limits: yaml::Limits {
            max_components: args.max_components,
            ..Default::default()
        },
        projection,
    };
    // the custom rules of every configuration used, for SARIF's rule list
    let mut custom_metas: Vec<rules::Meta> = Vec::new();
    let mut settings_of: Vec<(String, rules::Settings)> = Vec::new();
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    for slot in &slots {
        if let Slot::Lint(f, st) = slot {
            for c in &st.custom {
                if !custom_metas.iter().any(|m| m.id == c.meta.id) {
                    custom_metas.push(c.meta.clone());
                }
            }
            settings_of.push((f.display().to_string(), st.clone()));
            paths.push((f.display().to_string(), f.to_path_buf()));
        }
    }
    let mut results: Vec<FileResult> = slots
        .into_par_iter()
        .map(|slot| match slot {
            Slot::Done(r) => r,
            Slot::Lint(f, settings) => {
                match read_input(f, args.max_file_size, &args.stdin_filename) {
                    Ok(src) => linting.lint(src, &settings),
                    Err(r) => r,
                }
            }
        })
        .collect();
    if args.fix || args.diff {
        match apply_fixes(&args, &mut results, &settings_of, &paths, &linting) {
            Err(e) => return e,
            Ok(Some(shown)) => return shown,
            Ok(None) => {}
        }
    }
    let baseline = match baselines(&args, baseline_path.as_deref(), &mut results, &settings_of) {
        Ok(b) => b,
        Err(e) => return e,
    };

    // Input errors always reach stderr; the human formats leave them out of stdout,
    // the machine formats keep them in their document.
    input_errors(&results);
    // stale baseline entries: the formats that cannot carry them say so on stderr
    if let Some(b) = &baseline
        && !matches!(args.format, Format::Human | Format::Concise | Format::Json)
    {
        eprint!("{}", stale_text(b));
    }
    // the process ends after the output: freeing every finding one by one would only
    // cost time (2% of the instructions on the shared generator's 10k file)
    let results = std::mem::ManuallyDrop::new(results);
    let code = exit::of_results(&results, fail_on);
    if !args.statistics && matches!(args.format, Format::Json | Format::Sarif) {
        return match stream_document(&args, &results, baseline, &custom_metas) {
            Ok(()) => code,
            Err(e) => e,
        };
    }
    let text = render(&args, &results, baseline, &custom_metas);
    match &args.output {
        Some(p) => {
            if let Err(e) = write_file(p, text) {
                return e;
            }
        }
        None => out(&text),
    }
    code
}

/// The files the paths name: files as they are, directories searched. A directory
/// that holds no architecture file, named or the default `.`, is an error (exit 2)
/// that says what was looked for: a CI job must not pass on a misnamed file.
/// `--allow-empty` makes it a warning.
fn files_to_lint(paths: &[PathBuf], allow_empty: bool) -> Result<Vec<PathBuf>, Exit> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let found = crate::discover::find(p).map_err(|e| usage_error(&e))?;
        if found.is_empty() {
            let msg = format!(
                "no architecture files (architecture.yaml, architecture.yml, *.arch.yaml, *.arch.yml) found under `{}`",
                p.display()
            );
            if !allow_empty {
                return Err(usage_error(&format!(
                    "{msg}; name the file itself if it is called otherwise, or pass --allow-empty"
                )));
            }
            eprintln!(
                "warning: {}",
                archlint_outputs::text::fill(&msg, stderr_width(), 9, 2)
            );
        }
        files.extend(found);
    }
    Ok(files)
}

/// `--fix` and `--diff`: the fixes shown as a diff (`Ok(Some(exit))`, nothing more to
/// print), or written and each fixed file linted again (`Ok(None)`).
fn apply_fixes(
    args: &CheckArgs,
    results: &mut [FileResult],
    settings_of: &[(String, rules::Settings)],
    paths: &[(String, PathBuf)],
    linting: &Linting,
) -> Result<Option<Exit>, Exit> {
    let mut any = false;
    let mut diff_text = String::new();
    for r in results.iter_mut() {
        if r.input_error || r.source.name == args.stdin_filename {
            continue;
        }
        let (fixes, skipped): (Vec<fix::Fix>, Vec<fix::Fix>) =
            fix::fixes(&r.source, &r.diagnostics)
                .into_iter()
                .partition(|f| f.skipped.is_none());
        for f in &skipped {
            let line = format!(
                "{}: `{}`: {}",
                r.source.name,
                f.path,
                f.skipped.as_deref().unwrap_or_default()
            );
            eprintln!(
                "{}",
                archlint_outputs::text::fill(&line, stderr_width(), 0, 2)
            );
        }
        if fixes.is_empty() {
            continue;
        }
        any = true;
        let edits: Vec<fix::Edit> = fixes.iter().flat_map(|f| f.edits.clone()).collect();
        let fixed = fix::apply(&r.source.text, &edits);
        if args.diff {
            diff_text.push_str(
                &similar::TextDiff::from_lines(&r.source.text, &fixed)
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("a/{}", r.source.name),
                        &format!("b/{}", r.source.name),
                    )
                    .to_string(),
            );
            continue;
        }
        // the path as the OS gave it (a name that is not UTF-8 is shown lossily)
        let path: &Path = paths
            .iter()
            .find(|(n, _)| n == &r.source.name)
            .map_or(Path::new(&r.source.name), |(_, p)| p.as_path());
        // the file as it is now: an edit saved since it was read is never overwritten
        let (unchanged, bom) = super::unchanged_since_read(path, &r.source, args.max_file_size);
        let bytes = if bom {
            format!("\u{feff}{fixed}")
        } else {
            fixed.clone()
        };
        let written = if unchanged {
            crate::terminal::write_atomic_with(path, |w| w.write_all(bytes.as_bytes()))
                .map_err(|e| format!("cannot write the fixes to `{}`: {e}", r.source.name))
        } else {
            Err(format!(
                "`{}` changed since it was read; its fixes were not written (run `archlint check --fix` again)",
                r.source.name
            ))
        };
        if let Err(msg) = written {
            // reported, and the other files are still fixed
            r.diagnostics.push(
                archlint_core::diag::Diagnostic::invalid(
                    "",
                    archlint_core::source::Span::new(0, 0),
                    msg,
                )
                .label("not fixed")
                .help("check that the file is writable and not being edited, then run again"),
            );
            r.input_error = true;
            continue;
        }
        eprintln!(
            "fixed {} in {}",
            outputs::plural(fixes.len(), "finding"),
            r.source.name
        );
        let Some((_, settings)) = settings_of.iter().find(|(n, _)| n == &r.source.name) else {
            continue;
        };
        *r = linting.lint(SourceFile::new(r.source.name.clone(), fixed), settings);
    }
    if args.diff {
        out(&diff_text);
        return Ok(Some(if any { Exit::Findings } else { Exit::Clean }));
    }
    Ok(None)
}

/// Baselines: an old one hides what it records; a new one records what is left.
fn baselines(
    args: &CheckArgs,
    baseline_path: Option<&Path>,
    results: &mut [FileResult],
    settings_of: &[(String, rules::Settings)],
) -> Result<Option<BaselineReport>, Exit> {
    let mut applied = None;
    // whether an entry's rule ran on its file in this run (`--select` may leave it out)
    let ran = |e: &archlint_linter::baseline::Entry| {
        let file = archlint_linter::fingerprint::normalize_file(&e.file);
        settings_of
            .iter()
            .find(|(n, _)| archlint_linter::fingerprint::normalize_file(n) == file)
            .is_none_or(|(_, s)| s.is_enabled_id(&e.rule))
    };
    if let Some(p) = baseline_path {
        let b = Baseline::load(p).map_err(|e| usage_error(&e))?;
        applied = Some((p.to_path_buf(), b.apply_with(results, &ran)));
    }
    if let Some(w) = &args.write_baseline {
        let new = match &applied {
            // with --baseline: prune, keep what still matches, add nothing
            Some((_, a)) => Baseline::from_entries(a.kept.clone()),
            None => Baseline::from_results(results),
        };
        write_file(w, new.to_json())?;
        eprintln!("wrote {} to {}", entries(new.findings.len()), w.display());
        if applied.is_none() {
            applied = Some((w.clone(), new.apply_with(results, &ran)));
        }
    }
    Ok(applied.map(|(p, a)| BaselineReport {
        file: p.display().to_string(),
        baselined: a.suppressed,
        stale: a.stale,
    }))
}

/// JSON and SARIF are written as they are serialized: on a large design the document
/// is tens of megabytes that need not be held in memory.
fn stream_document(
    args: &CheckArgs,
    results: &[FileResult],
    baseline: Option<BaselineReport>,
    custom: &[rules::Meta],
) -> Result<(), Exit> {
    // generic, not `dyn Write`: serde_json writes token by token
    fn document<W: Write>(
        w: &mut W,
        format: Format,
        results: &[FileResult],
        baseline: Option<BaselineReport>,
        custom: &[rules::Meta],
    ) -> std::io::Result<()> {
        match format {
            Format::Json => outputs::json::write_with(w, results, baseline),
            _ => outputs::sarif::write_with(w, results, custom),
        }
    }
    match &args.output {
        Some(p) => crate::terminal::write_atomic_with(p, |w| {
            document(w, args.format, results, baseline, custom)
        })
        .map_err(|e| usage_error(&format!("cannot write `{}`: {e}", p.display()))),
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            // a closed pipe (`archlint ... | head`) is not an error worth a panic
            let _ =
                document(&mut w, args.format, results, baseline, custom).and_then(|()| w.flush());
            Ok(())
        }
    }
}

/// Every other format (and `--statistics`), as one text.
fn render(
    args: &CheckArgs,
    results: &[FileResult],
    baseline: Option<BaselineReport>,
    custom: &[rules::Meta],
) -> String {
    if args.statistics {
        return match args.format {
            Format::Json => outputs::statistics_json(results),
            _ => outputs::statistics_text(results),
        };
    }
    match args.format {
        Format::Human | Format::Concise => {
            let mut t = if args.format == Format::Human {
                let style: human::Style = stdout_style(args.color, args.output.is_some());
                human::render_findings(results, style, args.quiet)
            } else {
                outputs::concise::render(results, args.quiet, true)
            };
            if let Some(b) = &baseline {
                if !args.quiet && t.ends_with('\n') {
                    t.pop();
                    t.push_str(&format!("; {} baselined\n", b.baselined));
                }
                t.push_str(&stale_text(b));
            }
            t
        }
        Format::Json => outputs::json::render_with(results, baseline),
        Format::Sarif => outputs::sarif::render_with(results, custom),
        Format::Github => outputs::github::render(results),
        Format::Junit => outputs::junit::render(results),
        Format::Gitlab => outputs::gitlab::render(results),
    }
}

fn entries(n: usize) -> String {
    if n == 1 {
        "1 baseline entry".into()
    } else {
        format!("{n} baseline entries")
    }
}

/// Stale baseline entries, listed (they never fail the run).
fn stale_text(b: &BaselineReport) -> String {
    if b.stale.is_empty() {
        return String::new();
    }
    let mut t = format!(
        "info: {} in `{}` {} no finding any more (stale); prune with `--baseline {} --write-baseline {}`\n",
        entries(b.stale.len()),
        b.file,
        if b.stale.len() == 1 {
            "matches"
        } else {
            "match"
        },
        b.file,
        b.file
    );
    for e in &b.stale {
        t.push_str(&format!(
            "  {} [{}] at `{}`: {}\n",
            e.file, e.rule, e.path, e.message
        ));
    }
    t
}
