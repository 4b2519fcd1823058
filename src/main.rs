//! The `archlint` command line: arguments in, one command run, an exit code out.
//!
//! Everything a command needs from outside the process is read here at the edge and
//! passed in: the date (`clock`), the terminal (`terminal`), files and configuration
//! (`configs`, `discover`). The layers below (core, linter, outputs, server, import)
//! do no such reading on their own.

mod clock;
mod commands;
mod configs;
mod discover;
mod exit;
mod terminal;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use commands::ListFormat;
use commands::explain::PageFormat;
use commands::graph::GraphFormat;
use commands::import::ImportFrom;
use commands::report::ReportFormat;
use exit::Exit;

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
/// second. A run frees its YAML tree before the rules allocate their findings, and
/// with the delay those pages are held while new ones are touched: peak 126 MB
/// against 96 MB on the 10k file, for about 1% more CPU time (BENCHMARKS.md).
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
    /// Let configurations name rule packs and baselines in DIR too (by default only in
    /// their own repository). For whoever runs archlint, never set by a file.
    #[arg(long = "allow-path", value_name = "DIR", global = true)]
    allow_path: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Lint architecture files (a directory is searched for architecture.y{a,}ml and *.arch.y{a,}ml).
    Check(commands::check::CheckArgs),
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
        /// `text`: the page laid out for the terminal (wrapped to its width, code
        /// blocks as written); `markdown`: the page's source.
        #[arg(long, value_enum, default_value = "text")]
        format: PageFormat,
    },
    /// The back-of-envelope capacity estimate: QPS, storage, bandwidth, load per component.
    Estimate {
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        /// `human`: the tables with the arithmetic under each component; `json`: the
        /// same numbers for scripts.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Show the numbers at this multiple of today's load and data beside today's (`10x`).
        #[arg(long, value_name = "FACTOR", conflicts_with = "in_")]
        at: Option<String>,
        /// Show the numbers after this long, compounding growth_per_year (`3y`).
        #[arg(long = "in", id = "in_", value_name = "DURATION")]
        in_: Option<String>,
        /// Show the traffic a running system recorded (as `archlint drift` reads it)
        /// beside the modelled rates: with `--window`, its mean rates and their ratio
        /// to the model's; without, its call counts. Repeat for several files.
        #[arg(long, value_name = "FILE")]
        observed: Vec<PathBuf>,
        /// How long the `--observed` recording covers (`1h`): turns counts into rates.
        #[arg(long, value_name = "DURATION", requires = "observed")]
        window: Option<String>,
    },
    /// Draw the system: shapes by kind, sync solid and async dashed, critical paths thick,
    /// components coloured by their worst finding.
    Graph {
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        /// The diagram's language.
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
        /// `markdown` (the default, except to a terminal); `text`: the Markdown laid out
        /// for the terminal (the default there); `html`: one self-contained page with the
        /// diagram as inline SVG, findings linked to their component and to their rule's
        /// explanation.
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write the review to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Overwrite the `--output` file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Compare two versions of a design: what changed, and the findings introduced and
    /// resolved. OLD and NEW are files, `-` (stdin), or REV:PATH read with `git show`.
    #[command(
        after_help = "Examples:\n  archlint diff old.arch.yaml architecture.yaml\n  archlint diff origin/main:architecture.yaml architecture.yaml --format markdown\n  git show HEAD~1:architecture.yaml | archlint diff - architecture.yaml\n\nREV:PATH is read with `git show REV:PATH` in the current repository (PATH from the repository's root, or ./PATH from the working directory); a revision starting with `-` is refused.\nExit codes: 0 nothing introduced at or above --fail-on, 1 introduced findings, 2 input or usage error."
    )]
    Diff(commands::diff::DiffArgs),
    /// Write an architecture file from the deployment files you already have:
    /// docker-compose, Kubernetes manifests, a Threagile model, a FINOS CALM architecture,
    /// a Backstage catalog or a Structurizr workspace.
    #[command(
        after_help = "Examples:\n  archlint import compose docker-compose.yml -o architecture.yaml\n  archlint import k8s k8s/ -o architecture.yaml\n  archlint import threagile threagile.yaml\n  archlint import calm architecture.calm.json\n  archlint import backstage catalog/ -o architecture.yaml\n  archlint import structurizr workspace.json\n\nEvery inferred fact carries a comment naming where it came from; review the TODOs and the\nrequirements checklist, run `archlint check`, then commit the file."
    )]
    Import {
        #[arg(value_enum)]
        from: ImportFrom,
        /// The input files (for k8s and backstage, directories are searched for *.yaml and *.yml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write the architecture file here instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Overwrite the `--output` file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Compare the design with the traffic a running system recorded: Jaeger
    /// dependencies, Zipkin dependency links or OpenTelemetry service-graph metrics.
    #[command(
        after_help = "Examples:\n  archlint drift architecture.yaml dependencies.json --window 24h\n  archlint drift architecture.yaml servicegraph.prom --window 1h --format json\n  archlint drift architecture.yaml dependencies.json --fix\n\nServices map to components by id, by a component's `aliases:`, or by `--map FILE`.\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 input or usage error."
    )]
    Drift(commands::drift::DriftArgs),
    /// Write the design in another model's format: a FINOS CALM 1.2 architecture.
    #[command(
        after_help = "Examples:\n  archlint export calm architecture.yaml -o architecture.calm.json\n\nNodes and `connects` relationships in CALM's own types where it has them; what CALM has no\nplace for rides in `metadata.archlint`, so `archlint import calm` gives the same design back."
    )]
    Export {
        #[arg(value_enum)]
        to: commands::export::ExportTo,
        /// The architecture file (`-` for stdin).
        file: PathBuf,
        /// Write the document here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the `--output` file if it exists.
        #[arg(long)]
        force: bool,
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
    /// Run the tests of your custom rules (`tests:` on each rule): one line per test;
    /// exit 0 when all pass, 1 when one fails, 2 on an invalid definition.
    TestRules {
        /// Use this configuration file instead of discovering `.archlint.yaml`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// The course: graded exercises in the order of a design review. `learn list`,
    /// `learn N` (write exercise N), `learn check FILE`, `learn hint N`, `learn solution N`.
    Learn(commands::learn::LearnArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Write the reference pages (docs/) from the program's own declarations.
    #[command(hide = true)]
    GenerateDocs {
        /// The directory to write them to.
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    archlint_linter::config::allow_paths(cli.allow_path.clone());
    // a malformed ARCHLINT_TODAY is a usage error for every command, never a silent
    // "no allow expires"
    let today = match clock::today() {
        Ok(d) => d,
        Err(e) => return terminal::usage_error(&e).into(),
    };
    let exit = match cli.command {
        Command::Check(args) => commands::check::run(args, today),
        Command::Rules { format } => commands::rules::run(format),
        Command::Explain { id, format } => commands::explain::run(&id, format),
        Command::Estimate {
            file,
            format,
            at,
            in_,
            observed,
            window,
        } => commands::estimate::run(
            &file,
            format,
            at.as_deref(),
            in_.as_deref(),
            &observed,
            window.as_deref(),
        ),
        Command::Graph {
            file,
            format,
            entities,
        } => commands::graph::run(&file, format, entities, today),
        Command::Report {
            file,
            format,
            output,
            force,
        } => match terminal::may_overwrite(output.as_deref(), force) {
            Err(e) => e,
            Ok(()) => commands::report::run(&file, format, output.as_deref(), today),
        },
        Command::Diff(args) => commands::diff::run(args, today),
        Command::Drift(args) => commands::drift::run(args, today),
        Command::Export {
            to,
            file,
            output,
            force,
        } => match terminal::may_overwrite(output.as_deref(), force) {
            Err(e) => e,
            Ok(()) => commands::export::run(to, &file, output.as_deref()),
        },
        Command::Import {
            from,
            paths,
            output,
            force,
        } => match terminal::may_overwrite(output.as_deref(), force) {
            Err(e) => e,
            Ok(()) => commands::import::run(from, &paths, output.as_deref()),
        },
        Command::Server => match archlint_server::run_stdio(clock::today_for_server) {
            Ok(()) => Exit::Clean,
            Err(e) => terminal::usage_error(&e),
        },
        Command::Schema => commands::schema::run(),
        Command::Init { path, force } => commands::init::run(&path, force),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "archlint", &mut std::io::stdout());
            Exit::Clean
        }
        Command::GenerateDocs { dir } => commands::docs::run(&dir),
        Command::Learn(args) => commands::learn::run(args, today),
        Command::TestRules { config } => commands::test_rules::run(config.as_deref(), today),
    };
    exit.into()
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
