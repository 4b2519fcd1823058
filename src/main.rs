//! The `archlint` command line. All logic lives in the library; this file parses
//! arguments, reads files and prints.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use archlint::config::{self, Config};
use archlint::diag::Severity;
use archlint::report;
use archlint::rules::{self, RULES};
use archlint::source::SourceFile;
use archlint::{FileResult, lint_source_with};
use rayon::prelude::*;

/// mimalloc instead of the system allocator: on the shared generator's 10k file the
/// run is mostly many small allocations (YAML nodes, model strings, diagnostics), and
/// glibc's malloc spends a fifth of the time in its free lists (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (v3's `include/mimalloc.h`;
/// `reset_delay` before v2.1, same index). The Rust bindings name no constant for it;
/// the test below holds the index to the option whose default is 1000 ms.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Give freed memory back to the system at once instead of after mimalloc's default
/// second. A run frees its YAML tree (about 20 MB on the shared generator's 10k file)
/// before the rules allocate their findings, and with the delay those pages are held
/// while new ones are touched: peak 126 MB against 96 MB, for about 1% more CPU time
/// (BENCHMARKS.md, "Performance II").
fn tune_allocator() {
    // SAFETY: stores an option value; mimalloc reads it when it next purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

#[derive(Parser)]
#[command(
    name = "archlint",
    version,
    about = "Lint system designs described in YAML: components, calls, stores, queues and requirements.",
    long_about = "archlint reads an architecture file (YAML), builds a graph of the system and runs rules \
that encode established design guidance and anti-patterns. Diagnostics point at the exact line.\n\n\
Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 input or usage error.",
    after_help = "Examples:\n  archlint check examples/photo-sharing.arch.yaml\n  archlint check --format json .\n  archlint explain sync-chain-too-long\n  archlint estimate architecture.yaml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint architecture files (a directory is searched for architecture.y{a,}ml and *.arch.y{a,}ml).
    Check(CheckArgs),
    /// List every rule: id, category, default severity, summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a rule's documentation page.
    Explain {
        /// The rule id, e.g. sync-chain-too-long.
        id: String,
    },
    /// The back-of-envelope capacity estimate: QPS, storage, bandwidth, load per component.
    Estimate {
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Show the numbers at this multiple of today's load and data beside today's (`10x`).
        #[arg(long, value_name = "FACTOR", conflicts_with = "in_")]
        at: Option<String>,
        /// Show the numbers after this long, compounding growth_per_year (`3y`).
        #[arg(long = "in", id = "in_", value_name = "DURATION")]
        in_: Option<String>,
    },
    /// Draw the system: shapes by kind, sync solid and async dashed, critical paths thick,
    /// components coloured by their worst finding.
    Graph {
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Draw the data model's entities beside their stores, with their relationships.
        #[arg(long)]
        entities: bool,
    },
    /// Draft a design review (Markdown, or one self-contained HTML page): requirements, capacity, design, components, data
    /// model, trade-offs, failure modes; every finding in its section.
    Report {
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        /// `markdown`, or `html`: one self-contained page with the diagram as inline SVG,
        /// findings linked to their component and to their rule's explanation.
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        /// Write the review to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Compare two versions of a design: what changed, and the findings introduced and
    /// resolved. OLD and NEW are files, `-` (stdin), or REV:PATH read with `git show`.
    #[command(
        after_help = "Examples:\n  archlint diff old.arch.yaml architecture.yaml\n  archlint diff origin/main:architecture.yaml architecture.yaml --format markdown\n  git show HEAD~1:architecture.yaml | archlint diff - architecture.yaml\n\nREV:PATH is read with `git show REV:PATH` in the current repository (PATH from the repository's root, or ./PATH from the working directory); a revision starting with `-` is refused.\nExit codes: 0 nothing introduced at or above --fail-on, 1 introduced findings, 2 input or usage error."
    )]
    Diff(DiffArgs),
    /// Write an architecture file from the deployment files you already have:
    /// docker-compose, Kubernetes manifests or a Threagile model.
    #[command(
        after_help = "Examples:\n  archlint import compose docker-compose.yml -o architecture.yaml\n  archlint import k8s k8s/ -o architecture.yaml\n  archlint import threagile threagile.yaml\n\nEvery inferred fact carries a comment naming where it came from; review the TODOs and the\nrequirements checklist, run `archlint check`, then commit the file."
    )]
    Import {
        #[arg(value_enum)]
        from: ImportFrom,
        /// The input files (for k8s, directories are searched for *.yaml and *.yml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write the architecture file here instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Run the language server (LSP over stdio) for editors: findings as you type,
    /// hover, go-to-definition, completion and quick fixes.
    Server,
    /// Print the JSON Schema of the architecture file (for editor completion).
    Schema,
    /// Write a commented starter `architecture.yaml`.
    Init {
        /// Where to write it.
        #[arg(default_value = "architecture.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin. Default: the current directory.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Rules or categories to run (comma-separated), replacing the configured selection; `all` for every rule.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules or categories to skip (comma-separated), replacing the configured list.
    #[arg(long, value_delimiter = ',')]
    ignore: Option<Vec<String>>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Use this configuration file instead of discovering `.archlint.yaml`.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
    /// Print only the diagnostics, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Largest file to read, in bytes (at most 4 GiB).
    #[arg(long, default_value_t = archlint::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Most components one file may define.
    #[arg(long, default_value_t = archlint::model::yaml::DEFAULT_MAX_COMPONENTS)]
    max_components: usize,
    /// Name to show for stdin input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Colour the human output: `auto` follows the terminal and NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
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

#[derive(clap::Args)]
struct DiffArgs {
    /// The version before: a file, `-`, or REV:PATH.
    old: String,
    /// The version after: a file, `-`, or REV:PATH.
    new: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Lowest severity of an introduced finding that makes the exit code 1.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Rules or categories to run (comma-separated), replacing the configured selection.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules or categories to skip (comma-separated), replacing the configured list.
    #[arg(long, value_delimiter = ',')]
    ignore: Option<Vec<String>>,
    /// Use this configuration file instead of discovering `.archlint.yaml`.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
    /// Name to show for stdin input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    /// for a terminal
    Human,
    /// for a pull-request comment
    Markdown,
    /// for scripts
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ImportFrom {
    /// docker-compose files
    Compose,
    /// Kubernetes manifests
    K8s,
    /// a Threagile model
    Threagile,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour output going to a terminal (`tty`) or not, as the flag and the
/// usual variables say: an explicit `always`/`never` wins; under `auto`, a non-empty
/// NO_COLOR turns colour off, FORCE_COLOR or CLICOLOR_FORCE (other than `0`) on.
fn use_color(choice: ColorChoice, tty: bool) -> bool {
    let set = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false")
                || set("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            {
                true
            } else {
                tty
            }
        }
    }
}

/// The width to wrap human output to: COLUMNS, else the terminal's, else 100.
fn term_width(tty: bool) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    if tty && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w);
    }
    100
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// rustc-like snippets with labels and help
    Human,
    /// one line per finding: FILE:LINE:COL: SEVERITY[RULE] MESSAGE
    Concise,
    /// the JSON document of SPEC §3.3
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

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ReportFormat {
    Markdown,
    /// one self-contained page, nothing loaded from the network
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum GraphFormat {
    Mermaid,
    Dot,
    /// drawn in-process, no Graphviz needed
    Svg,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn parse(s: &str) -> Option<FailOn> {
        FailOn::from_str(s, true).ok()
    }
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { id } => explain(&id),
        Command::Estimate {
            file,
            format,
            at,
            in_,
        } => estimate(&file, format, at.as_deref(), in_.as_deref()),
        Command::Graph {
            file,
            format,
            entities,
        } => graph(&file, format, entities),
        Command::Report {
            file,
            format,
            output,
        } => review(&file, format, output.as_deref()),
        Command::Diff(args) => diff(args),
        Command::Import {
            from,
            paths,
            output,
        } => import(from, &paths, output.as_deref()),
        Command::Server => match archlint::server::run_stdio() {
            Ok(()) => 0,
            Err(e) => usage_error(&e),
        },
        Command::Schema => {
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&archlint::model::schema::schema(
                    &archlint::rules::ids()
                ))
                .expect("serializes")
            ));
            0
        }
        Command::Init { path, force } => init(&path, force),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "archlint",
                &mut std::io::stdout(),
            );
            0
        }
    };
    ExitCode::from(code)
}

/// Input errors go to stderr, drawn for a person, whatever the command prints on stdout.
fn input_errors(results: &[FileResult]) {
    let tty = std::io::stderr().is_terminal();
    let style = report::human::Style {
        color: use_color(ColorChoice::Auto, tty),
        width: term_width(tty),
    };
    let failed: Vec<&FileResult> = results.iter().filter(|r| r.input_error).collect();
    let mut text = String::new();
    for r in failed {
        for d in &r.diagnostics {
            text.push_str(&report::human::render_one(&r.source, d, style));
            text.push('\n');
        }
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

fn usage_error(msg: &str) -> u8 {
    eprintln!("error: {msg}");
    2
}

fn out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    // a closed pipe (`archlint ... | head`) is not an error worth a panic
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

fn read_input(path: &Path, max: u64, stdin_name: &str) -> Result<SourceFile, FileResult> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        let limit = max.saturating_add(1);
        if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut buf) {
            return Err(archlint::read_failure(
                stdin_name,
                format!("cannot read standard input: {e}"),
                "pipe a YAML architecture file into `archlint check -`",
            ));
        }
        return archlint::source_from_bytes(stdin_name, buf, max);
    }
    archlint::read_source(path, &path.display().to_string(), max)
}

/// The configuration that applies to files in `dir`.
fn config_for(
    args: &CheckArgs,
    dir: &Path,
    cache: &mut Vec<(PathBuf, Config)>,
) -> Result<Config, Box<FileResult>> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::discover(dir),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    if let Some((_, c)) = cache.iter().find(|(p, _)| *p == path) {
        return Ok(c.clone());
    }
    let c = config::load(&path)?;
    cache.push((path, c.clone()));
    Ok(c)
}

fn check(args: CheckArgs) -> u8 {
    let today = match archlint::model::Date::today() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let projection = match (&args.at, &args.in_) {
        (Some(f), _) => match archlint::model::projection::Projection::at(f) {
            Ok(p) => Some(archlint::model::projection::ProjectionSpec::At(p)),
            Err(e) => return usage_error(&e),
        },
        (None, Some(d)) => {
            if let Err(e) = archlint::model::quantity::parse_duration(d) {
                return usage_error(&format!("`--in {d}`: {e}; write a duration such as `3y`"));
            }
            Some(archlint::model::projection::ProjectionSpec::In(d.clone()))
        }
        (None, None) => None,
    };
    let explicit = !args.paths.is_empty();
    let paths = if explicit {
        args.paths.clone()
    } else {
        vec![PathBuf::from(".")]
    };
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        return usage_error("--statistics works with --format human, concise or json");
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for p in &paths {
        if p.is_dir() {
            let found = archlint::discover::find(p);
            if found.is_empty() {
                let msg = format!(
                    "no architecture files (architecture.yaml, architecture.yml, *.arch.yaml, *.arch.yml) found under `{}`",
                    p.display()
                );
                // a path the user named that yields nothing is a mistake a CI job must not pass
                if explicit {
                    return usage_error(&format!(
                        "{msg}; name the file itself if it is called otherwise"
                    ));
                }
                eprintln!("warning: {msg}");
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    // Configuration is resolved in order (cheap, and errors keep their place); the
    // files are then read and linted in parallel, results kept in file order.
    enum Slot<'f> {
        Done(FileResult),
        Lint(&'f Path, rules::Settings),
    }
    let mut slots: Vec<Slot> = Vec::new();
    let mut cache = Vec::new();
    let mut fail_on = args.fail_on;
    let mut baseline_path = args.baseline.clone();
    for f in &files {
        let dir = if f == Path::new("-") {
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
        } else {
            f.parent()
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        p
                    }
                })
                .unwrap_or(Path::new("."))
                .to_path_buf()
        };
        // `shop.arch.yaml` has the parent "": search from the working directory up, as
        // for an absolute path (a relative `.` would stop at the working directory).
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        let cfg = match config_for(&args, &dir, &mut cache) {
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
    let limits = archlint::model::yaml::Limits {
        max_components: args.max_components,
        ..Default::default()
    };
    // the custom rules of every configuration used, for SARIF's rule list
    let mut custom_metas: Vec<archlint::rules::Meta> = Vec::new();
    for slot in &slots {
        if let Slot::Lint(_, st) = slot {
            for c in &st.custom {
                if !custom_metas.iter().any(|m| m.id == c.meta.id) {
                    custom_metas.push(c.meta.clone());
                }
            }
        }
    }
    let slots_settings: Vec<(String, rules::Settings)> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Lint(f, st) => Some((f.display().to_string(), st.clone())),
            Slot::Done(_) => None,
        })
        .collect();
    let mut results: Vec<FileResult> = slots
        .into_par_iter()
        .map(|slot| match slot {
            Slot::Done(r) => r,
            Slot::Lint(f, settings) => {
                match read_input(f, args.max_file_size, &args.stdin_filename) {
                    Ok(src) => {
                        archlint::lint_source_projected(src, &settings, limits, projection.as_ref())
                    }
                    Err(r) => r,
                }
            }
        })
        .collect();
    // Fixes: shown as a diff, or written and the file linted again.
    if args.fix || args.diff {
        let mut any = false;
        let mut diff_text = String::new();
        for r in results.iter_mut() {
            if r.input_error || r.source.name == args.stdin_filename {
                continue;
            }
            let fixes = archlint::fix::fixes(&r.source, &r.diagnostics);
            if fixes.is_empty() {
                continue;
            }
            any = true;
            let edits: Vec<archlint::fix::Edit> =
                fixes.iter().flat_map(|f| f.edits.clone()).collect();
            let fixed = archlint::fix::apply(&r.source.text, &edits);
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
            let path = Path::new(&r.source.name);
            let bom = std::fs::read(path).is_ok_and(|b| b.starts_with(&[0xef, 0xbb, 0xbf]));
            let bytes = if bom {
                format!("\u{feff}{fixed}")
            } else {
                fixed.clone()
            };
            if let Err(e) = std::fs::write(path, bytes) {
                return usage_error(&format!("cannot write `{}`: {e}", path.display()));
            }
            eprintln!(
                "fixed {} in {}",
                report::plural(fixes.len(), "finding"),
                r.source.name
            );
            let settings = match slots_settings.iter().find(|(n, _)| n == &r.source.name) {
                Some((_, st)) => st.clone(),
                None => continue,
            };
            *r = archlint::lint_source_projected(
                SourceFile::new(r.source.name.clone(), fixed),
                &settings,
                limits,
                projection.as_ref(),
            );
        }
        if args.diff {
            out(&diff_text);
            return if any { 1 } else { 0 };
        }
    }

    // Baselines: an old one hides what it records; a new one records what is left.
    let mut applied = None;
    if let Some(p) = &baseline_path {
        let b = match archlint::baseline::Baseline::load(p) {
            Ok(b) => b,
            Err(e) => return usage_error(&e),
        };
        applied = Some((p.clone(), b.apply(&mut results)));
    }
    if let Some(w) = &args.write_baseline {
        let new = match &applied {
            // with --baseline: prune, keep what still matches, add nothing
            Some((_, a)) => archlint::baseline::Baseline::from_entries(a.kept.clone()),
            None => archlint::baseline::Baseline::from_results(&results),
        };
        if let Err(e) = std::fs::write(w, new.to_json()) {
            return usage_error(&format!("cannot write `{}`: {e}", w.display()));
        }
        eprintln!("wrote {} to {}", entries(new.findings.len()), w.display());
        if applied.is_none() {
            applied = Some((w.clone(), new.apply(&mut results)));
        }
    }
    let baseline_report = applied.as_ref().map(|(p, a)| report::json::BaselineReport {
        file: p.display().to_string(),
        baselined: a.suppressed,
        stale: a.stale.clone(),
    });

    // Input errors always reach stderr; the human formats leave them out of stdout,
    // the machine formats keep them in their document (SPEC §1.5, §3.3).
    input_errors(&results);
    let tty = args.output.is_none() && std::io::stdout().is_terminal();
    let style = report::human::Style {
        color: use_color(args.color, tty),
        width: term_width(tty),
    };
    // stale baseline entries: the formats that cannot carry them say so on stderr
    if let Some(b) = applied.as_ref().map(|(p, a)| report::json::BaselineReport {
        file: p.display().to_string(),
        baselined: a.suppressed,
        stale: a.stale.clone(),
    }) && !matches!(args.format, Format::Human | Format::Concise | Format::Json)
    {
        eprint!("{}", stale_text(&b));
    }
    // the process ends after the output: freeing every finding one by one would only
    // cost time (2% of the instructions on the shared generator's 10k file)
    let results = std::mem::ManuallyDrop::new(results);
    // JSON and SARIF are written as they are serialized: on a large design the
    // document is tens of megabytes that need not be held in memory
    if !args.statistics && matches!(args.format, Format::Json | Format::Sarif) {
        let code = exit_code(&results, fail_on.unwrap_or(FailOn::Warning));
        // generic, not `dyn Write`: serde_json writes token by token
        fn document<W: Write>(
            w: &mut W,
            format: Format,
            results: &[FileResult],
            baseline: Option<report::json::BaselineReport>,
            custom: &[rules::Meta],
        ) -> std::io::Result<()> {
            match format {
                Format::Json => report::json::write_with(w, results, baseline),
                _ => report::sarif::write_with(w, results, custom),
            }
        }
        return match &args.output {
            Some(p) => {
                let written = std::fs::File::create(p).and_then(|f| {
                    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                    document(
                        &mut w,
                        args.format,
                        &results,
                        baseline_report,
                        &custom_metas,
                    )?;
                    w.flush()
                });
                match written {
                    Ok(()) => code,
                    Err(e) => usage_error(&format!("cannot write `{}`: {e}", p.display())),
                }
            }
            None => {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                // a closed pipe (`archlint ... | head`) is not an error worth a panic
                let _ = document(
                    &mut w,
                    args.format,
                    &results,
                    baseline_report,
                    &custom_metas,
                )
                .and_then(|()| w.flush());
                code
            }
        };
    }
    let text = if args.statistics {
        match args.format {
            Format::Json => report::statistics_json(&results),
            _ => report::statistics_text(&results),
        }
    } else {
        match args.format {
            Format::Human | Format::Concise => {
                let mut t = if args.format == Format::Human {
                    report::human::render_findings(&results, style, args.quiet)
                } else {
                    report::concise::render(&results, args.quiet, true)
                };
                if let Some(b) = &baseline_report {
                    if !args.quiet && t.ends_with('\n') {
                        t.pop();
                        t.push_str(&format!("; {} baselined\n", b.baselined));
                    }
                    t.push_str(&stale_text(b));
                }
                t
            }
            Format::Json => report::json::render_with(&results, baseline_report),
            Format::Sarif => report::sarif::render_with(&results, &custom_metas),
            Format::Github => report::github::render(&results),
            Format::Junit => report::junit::render(&results),
            Format::Gitlab => report::gitlab::render(&results),
        }
    };
    match &args.output {
        Some(p) => {
            if let Err(e) = std::fs::write(p, text) {
                return usage_error(&format!("cannot write `{}`: {e}", p.display()));
            }
        }
        None => out(&text),
    }
    exit_code(&results, fail_on.unwrap_or(FailOn::Warning))
}

fn entries(n: usize) -> String {
    if n == 1 {
        "1 baseline entry".into()
    } else {
        format!("{n} baseline entries")
    }
}

/// Stale baseline entries, listed (they never fail the run).
fn stale_text(b: &report::json::BaselineReport) -> String {
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

fn exit_code(results: &[FileResult], fail_on: FailOn) -> u8 {
    if results.iter().any(|r| r.input_error) {
        return 2;
    }
    let Some(threshold) = fail_on.threshold() else {
        return 0;
    };
    if results
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= threshold)
    {
        1
    } else {
        0
    }
}

/// The configuration that applies at `dir` (discovered), for the commands that have no
/// `--config`: its custom rules join the built-ins. A bad one is reported (exit 2).
fn config_at(dir: &Path) -> Result<Config, u8> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    match config::discover(&dir).map(|p| config::load(&p)) {
        None => Ok(Config::default()),
        Some(Ok(c)) => Ok(c),
        Some(Err(r)) => {
            input_errors(&[*r]);
            Err(2)
        }
    }
}

/// The configuration for a file argument: the one of its directory (the working
/// directory for stdin).
fn config_for_file(file: &Path) -> Result<Config, u8> {
    let dir = match file.parent() {
        Some(p) if file != Path::new("-") && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    config_at(&dir)
}

fn list_rules(format: ListFormat) -> u8 {
    let cfg = match config_at(Path::new(".")) {
        Ok(c) => c,
        Err(c) => return c,
    };
    if format == ListFormat::Json {
        let mut v: Vec<_> = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                serde_json::json!({
                    "id": r.id, "category": m.category, "severity": m.severity,
                    "summary": m.summary, "default_enabled": m.default_enabled,
                    "options": r.options().iter().map(|(n, v)| (n.to_string(), *v)).collect::<std::collections::BTreeMap<_, _>>(),
                })
            })
            .collect();
        v.extend(cfg.custom.iter().map(|c| {
            serde_json::json!({
                "id": c.meta.id, "category": c.meta.category, "severity": c.meta.severity,
                "summary": c.meta.summary, "default_enabled": true, "options": {},
                "defined_in": c.meta.defined_in,
            })
        }));
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).expect("serializes")
        ));
        return 0;
    }
    let mut t = archlint::rules::table();
    if !cfg.custom.is_empty() {
        let w = cfg
            .custom
            .iter()
            .map(|c| c.meta.id.len())
            .max()
            .unwrap_or(0);
        t.push_str("\ncustom (from the configuration)\n");
        for c in &cfg.custom {
            t.push_str(&format!(
                "  {:w$}  {:7}  {}  ({})\n",
                c.meta.id,
                c.meta.severity.as_str(),
                c.meta.summary,
                c.meta.defined_in.as_deref().unwrap_or("")
            ));
        }
    }
    out(&t);
    0
}

fn explain(id: &str) -> u8 {
    if id == archlint::diag::INVALID_INPUT {
        out(&format!("{}\n", rules::page_text(rules::input_meta())));
        return 0;
    }
    if let Some(r) = rules::find(id) {
        // the page without its front matter (the body states the metadata in prose),
        // then its references
        out(&format!("{}\n", rules::page_text(r.meta())));
        return 0;
    }
    let cfg = match config_at(Path::new(".")) {
        Ok(c) => c,
        Err(c) => return c,
    };
    if let Some(c) = cfg.custom.iter().find(|c| c.meta.id == id) {
        out(&format!("{}\n", c.meta.body.trim_end()));
        return 0;
    }
    let mut ids = rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    let hint = archlint::diag::suggest(id, ids)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    usage_error(&format!(
        "unknown rule `{id}`{hint} (`archlint rules` lists them)"
    ))
}

/// Read and analyse a file for `graph`, `estimate` and `report`, with the custom rules
/// of its configuration (an `allow` may name them).
fn load_with_source(file: &Path) -> Result<(archlint::Analysis, SourceFile, Config), u8> {
    let cfg = config_for_file(file)?;
    let src = match read_input(file, archlint::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
        Ok(s) => s,
        Err(r) => {
            input_errors(&[r]);
            return Err(2);
        }
    };
    let mut ids = rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    match archlint::analyse_for(&src, Default::default(), &ids) {
        Ok(a) => Ok((a, src, cfg)),
        Err(errors) => {
            input_errors(&[FileResult::failed(src, errors)]);
            Err(2)
        }
    }
}

fn estimate(file: &Path, format: ListFormat, at: Option<&str>, within: Option<&str>) -> u8 {
    use archlint::model::projection::Projection;
    let a = match load_with_source(file) {
        Ok((a, _, _)) => a,
        Err(c) => return c,
    };
    let e = archlint::estimate::estimate(&a.model, &a.graph);
    let projection = match (at, within) {
        (Some(f), _) => Some(Projection::at(f)),
        (None, Some(d)) => Some(Projection::within(d, &a.model)),
        (None, None) => None,
    };
    let projected = match projection {
        None => None,
        Some(Err(msg)) => return usage_error(&msg),
        Some(Ok(p)) => {
            let mut m = a.model.clone();
            p.apply(&mut m);
            let later = archlint::estimate::estimate(&m, &a.graph);
            Some((p, later))
        }
    };
    match (format, projected) {
        (ListFormat::Json, None) => out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&e).expect("serializes")
        )),
        (ListFormat::Json, Some((p, later))) => out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "today": e,
                "projected": { "label": p.label, "load_factor": p.load, "data_factor": p.data, "estimate": later },
            }))
            .expect("serializes")
        )),
        (ListFormat::Human, None) => out(&archlint::estimate::render(&a.model, &e)),
        (ListFormat::Human, Some((p, later))) => out(&archlint::estimate::render_projected(
            &a.model, &e, &later, &p.phrase,
        )),
    }
    0
}

fn init(path: &Path, force: bool) -> u8 {
    if path.exists() && !force {
        return usage_error(&format!(
            "`{}` already exists; pass --force to overwrite it",
            path.display()
        ));
    }
    match std::fs::write(path, archlint::STARTER) {
        Ok(()) => {
            eprintln!(
                "wrote {}; run `archlint check {}`",
                path.display(),
                path.display()
            );
            0
        }
        Err(e) => usage_error(&format!("cannot write `{}`: {e}", path.display())),
    }
}

fn graph(file: &Path, format: GraphFormat, entities: bool) -> u8 {
    let (a, _, cfg) = match load_with_source(file) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let findings = archlint::all_findings_with(&a, &cfg.custom);
    let pic = report::graph::Picture::new(&a, &findings).with_entities(entities);
    out(&match format {
        GraphFormat::Mermaid => pic.mermaid(),
        GraphFormat::Dot => pic.dot(),
        GraphFormat::Svg => pic.svg(),
    });
    0
}

fn review(file: &Path, format: ReportFormat, output: Option<&Path>) -> u8 {
    let (a, src, cfg) = match load_with_source(file) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let findings = archlint::all_findings_with(&a, &cfg.custom);
    let flips = archlint::flips_at_10x(&a, &cfg.custom, &src.name);
    let doc = match format {
        ReportFormat::Markdown => report::markdown::render_with_flips(&a, &src, &findings, &flips),
        ReportFormat::Html => report::html::render(&a, &src, &findings, &flips),
    };
    match output {
        None => out(&doc),
        Some(p) => {
            if let Err(e) = std::fs::write(p, doc) {
                return usage_error(&format!("cannot write `{}`: {e}", p.display()));
            }
        }
    }
    0
}

/// One side of a diff: the text, the name to show, and the name its fingerprints use.
struct Version {
    source: SourceFile,
    /// `PATH` of `REV:PATH`, the file's path, or the stdin name.
    path: String,
}

/// Read `-`, a file, or `REV:PATH` (through `git show`, never a shell).
fn read_version(arg: &str, stdin_name: &str) -> Result<Version, Result<FileResult, String>> {
    let max = archlint::DEFAULT_MAX_FILE_BYTES;
    if arg == "-" {
        return read_input(Path::new("-"), max, stdin_name)
            .map(|source| Version {
                source,
                path: stdin_name.to_string(),
            })
            .map_err(Ok);
    }
    if Path::new(arg).exists() {
        return read_input(Path::new(arg), max, stdin_name)
            .map(|source| Version {
                source,
                path: arg.to_string(),
            })
            .map_err(Ok);
    }
    let Some((rev, path)) = arg.split_once(':').filter(|(r, _)| !r.is_empty()) else {
        return Err(Ok(archlint::read_failure(
            arg,
            format!("cannot read `{arg}`: no such file"),
            "name a file, `-` for stdin, or REV:PATH (e.g. `origin/main:architecture.yaml`) to read it from git",
        )));
    };
    if rev.starts_with('-') {
        return Err(Err(format!(
            "refusing the revision `{rev}`: a revision cannot start with `-` (it would be read as an option of git)"
        )));
    }
    let spec = format!("{rev}:{path}");
    let out = std::process::Command::new("git")
        .args(["show", "--end-of-options", &spec])
        .stdin(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Err(format!(
                "cannot read `{spec}`: git is not installed (REV:PATH is read with `git show`)"
            )));
        }
        Err(e) => return Err(Err(format!("cannot run `git show {spec}`: {e}"))),
    };
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.lines().next().unwrap_or("git failed").trim();
        return Err(Err(format!(
            "cannot read `{spec}` from git: {why} (run it inside the repository; PATH is from the repository's root, or ./PATH from here)"
        )));
    }
    archlint::source_from_bytes(&spec, out.stdout, max)
        .map(|source| Version {
            source,
            path: path.trim_start_matches("./").to_string(),
        })
        .map_err(Ok)
}

fn diff(args: DiffArgs) -> u8 {
    if args.old == "-" && args.new == "-" {
        return usage_error("only one of OLD and NEW can be `-` (stdin)");
    }
    let read = |a: &str| read_version(a, &args.stdin_filename);
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut failed = Vec::new();
            for r in [o, n] {
                match r {
                    Err(Err(msg)) => return usage_error(&msg),
                    Err(Ok(fr)) => failed.push(fr),
                    Ok(_) => {}
                }
            }
            input_errors(&failed);
            return 2;
        }
    };
    // the configuration of the new version's directory (or of the working directory)
    let dir = if Path::new(&args.new).exists() && args.new != "-" {
        Path::new(&args.new)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        PathBuf::new()
    };
    let dir = std::path::absolute(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &dir
    })
    .unwrap_or_else(|_| PathBuf::from("."));
    let cfg = if args.no_config {
        Config::default()
    } else {
        let path = args.config.clone().or_else(|| config::discover(&dir));
        match path.map(|p| config::load(&p)) {
            None => Config::default(),
            Some(Ok(c)) => c,
            Some(Err(r)) => {
                input_errors(&[*r]);
                return 2;
            }
        }
    };
    let mut settings = match cfg.settings(args.select.as_deref(), args.ignore.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    settings.today = match archlint::model::Date::today() {
        Ok(d) => Some(d),
        Err(e) => return usage_error(&e),
    };
    let fail_on = args
        .fail_on
        .or_else(|| cfg.fail_on.as_deref().and_then(FailOn::parse))
        .unwrap_or(FailOn::Warning);
    // both versions are fingerprinted under the new one's name, so a finding that is
    // in both has one fingerprint
    let lint = |v: &Version| {
        let display = v.source.name.clone();
        let src = SourceFile::new(new.path.clone(), v.source.text.clone());
        let mut r = lint_source_with(src, &settings, Default::default());
        r.source.name = display;
        r
    };
    let (ro, rn) = (lint(&old), lint(&new));
    if ro.input_error || rn.input_error {
        input_errors(&[ro, rn]);
        return 2;
    }
    let limits = archlint::model::yaml::Limits::default();
    let arena = archlint::model::yaml::Arena::new();
    let (to, tn) = match (
        archlint::model::yaml::parse(&ro.source, &arena, limits),
        archlint::model::yaml::parse(&rn.source, &arena, limits),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return usage_error("the files parsed once but not twice"),
    };
    let design = archlint::diff::design_diff(&to.root, &tn.root);
    let found = archlint::diff::findings_diff(&ro, &rn);
    let text = match args.format {
        DiffFormat::Json => {
            let as_json = |r: &FileResult, ds: &[&archlint::diag::Diagnostic]| {
                let only = [FileResult {
                    source: r.source.clone(),
                    diagnostics: ds.iter().map(|d| (*d).clone()).collect(),
                    input_error: false,
                }];
                serde_json::to_value(report::json::build(&only).diagnostics)
                    .expect("findings serialize")
            };
            let v = serde_json::json!({
                "old": ro.source.name,
                "new": rn.source.name,
                "components": design.components,
                "calls": design.calls,
                "requirements": design.requirements,
                "system": design.system,
                "findings": {
                    "introduced": as_json(&rn, &found.introduced),
                    "resolved": as_json(&ro, &found.resolved),
                    "unchanged": found.unchanged,
                },
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&v).expect("serializes")
            )
        }
        DiffFormat::Markdown => {
            archlint::diff::markdown(&ro.source.name, &rn, &ro, &design, &found)
        }
        DiffFormat::Human => {
            let tty = std::io::stdout().is_terminal();
            let style = report::human::Style {
                color: use_color(args.color, tty),
                width: term_width(tty),
            };
            let mut t = format!("Comparing {} → {}\n\n", ro.source.name, rn.source.name);
            let lines = archlint::diff::design_lines(&design);
            if lines.is_empty() {
                t.push_str("Design changes: none\n");
            } else {
                t.push_str("Design changes:\n");
                for l in lines {
                    t.push_str(&format!("  {l}\n"));
                }
            }
            t.push_str(&format!(
                "\nFindings: {}\n",
                archlint::diff::findings_summary(&found)
            ));
            if !found.introduced.is_empty() {
                t.push_str("\nIntroduced:\n");
                for d in &found.introduced {
                    t.push('\n');
                    t.push_str(&report::human::render_one(&rn.source, d, style));
                }
            }
            if !found.resolved.is_empty() {
                t.push_str("\nResolved:\n");
                for d in &found.resolved {
                    let l = report::locate(&ro.source, d);
                    t.push_str(&format!(
                        "  {}:{}:{}: {}[{}] {}\n",
                        ro.source.name,
                        l.line,
                        l.column,
                        d.severity.as_str(),
                        d.rule,
                        d.message
                    ));
                }
            }
            t
        }
    };
    out(&text);
    match fail_on.threshold() {
        Some(t) if found.introduced.iter().any(|d| d.severity >= t) => 1,
        _ => 0,
    }
}

fn import(from: ImportFrom, paths: &[PathBuf], output: Option<&Path>) -> u8 {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() && from == ImportFrom::K8s {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(d) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    continue;
                };
                for e in rd.flatten() {
                    let path = e.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                        found.push(path);
                    }
                }
            }
            found.sort();
            if found.is_empty() {
                return usage_error(&format!(
                    "no *.yaml or *.yml manifests under `{}`",
                    p.display()
                ));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut sources = Vec::new();
    for f in &files {
        match read_input(f, archlint::DEFAULT_MAX_FILE_BYTES, "<stdin>") {
            Ok(s) => sources.push(s),
            Err(r) => {
                input_errors(&[r]);
                return 2;
            }
        }
    }
    let result = match from {
        ImportFrom::Compose => archlint::import::compose::import(&sources),
        ImportFrom::K8s => archlint::import::k8s::import(&sources),
        ImportFrom::Threagile => {
            if sources.len() != 1 {
                return usage_error("`import threagile` takes one model file");
            }
            archlint::import::threagile::import(&sources[0])
        }
    };
    let imported = match result {
        Ok(i) => i,
        Err(r) => {
            input_errors(&[*r]);
            return 2;
        }
    };
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    eprintln!("{}", imported.summary);
    match output {
        Some(p) => {
            if let Err(e) = std::fs::write(p, &imported.yaml) {
                return usage_error(&format!("cannot write `{}`: {e}", p.display()));
            }
            eprintln!(
                "wrote {}; run `archlint check {}`",
                p.display(),
                p.display()
            );
        }
        None => out(&imported.yaml),
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option index is mimalloc's purge delay: its default is 1000 ms in v3 (and
    /// the environment can override it, which `MIMALLOC_PURGE_DELAY` would show here).
    #[test]
    fn purge_delay_index_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an option value.
        let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(before, 1000);
        tune_allocator();
        let after = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(after, 0);
    }
}
