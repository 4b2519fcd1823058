//! `archlint diff OLD NEW`: what changed between two versions of a design, and the
//! findings introduced and resolved. OLD and NEW are files, `-`, or `REV:PATH`.

use std::path::{Path, PathBuf};

use archlint_core::model::{Date, yaml};
use archlint_core::source::SourceFile;
use archlint_linter::{FileResult, lint_source_with};
use archlint_outputs::diff;
use clap::ValueEnum;

use crate::configs::Configs;
use crate::exit::{Exit, FailOn};
use crate::terminal::{ColorChoice, input_errors, out, read_input, stdout_style, usage_error};

#[derive(clap::Args)]
pub(crate) struct DiffArgs {
    /// The version before: a file, `-`, or REV:PATH.
    old: String,
    /// The version after: a file, `-`, or REV:PATH.
    new: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Lowest severity of an introduced finding that makes the exit code 1.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Rules or categories to run (comma-separated), replacing the configured selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Rules or categories to skip (comma-separated), replacing the configured list.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Option<Vec<String>>,
    /// Use this configuration file instead of discovering `.archlint.yaml`.
    #[arg(long, conflicts_with = "no_config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
    /// Name to show for stdin input.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    stdin_filename: String,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
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

/// One side of a diff: the text, the name to show, and the name its fingerprints use.
struct Version {
    source: SourceFile,
    /// `PATH` of `REV:PATH`, the file's path, or the stdin name.
    path: String,
}

/// Why a version could not be read: its located input errors, or a usage error.
enum Unread {
    Input(FileResult),
    Usage(String),
}

/// Read `-`, a file, or `REV:PATH` (through `git show`, never a shell).
fn read_version(arg: &str, stdin_name: &str) -> Result<Version, Unread> {
    let max = archlint_linter::DEFAULT_MAX_FILE_BYTES;
    if arg == "-" || Path::new(arg).exists() {
        let path = if arg == "-" { stdin_name } else { arg };
        return read_input(Path::new(arg), max, stdin_name)
            .map(|source| Version {
                source,
                path: path.to_string(),
            })
            .map_err(Unread::Input);
    }
    let Some((rev, path)) = arg.split_once(':').filter(|(r, _)| !r.is_empty()) else {
        return Err(Unread::Input(archlint_linter::read_failure(
            arg,
            format!("cannot read `{arg}`: no such file"),
            "name a file, `-` for stdin, or REV:PATH (e.g. `origin/main:architecture.yaml`) to read it from git",
        )));
    };
    if rev.starts_with('-') {
        return Err(Unread::Usage(format!(
            "refusing the revision `{rev}`: a revision cannot start with `-` (it would be read as an option of git)"
        )));
    }
    let spec = format!("{rev}:{path}");
    // the blob's size first: a huge one is refused before a byte of it is read
    if let Ok(o) = std::process::Command::new("git")
        .args(["cat-file", "-s", "--end-of-options", &spec])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        && o.status.success()
        && let Ok(size) = String::from_utf8_lossy(&o.stdout).trim().parse::<u64>()
        && size > max
    {
        return Err(Unread::Input(archlint_linter::read_failure(
            &spec,
            format!("`{spec}` is {size} bytes, more than the {max} byte limit"),
            "an architecture file is a few hundred kilobytes at most; compare the files it was split into",
        )));
    }
    let out = std::process::Command::new("git")
        .args(["show", "--end-of-options", &spec])
        .stdin(std::process::Stdio::null())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Unread::Usage(format!(
                "cannot read `{spec}`: git is not installed (REV:PATH is read with `git show`)"
            )));
        }
        Err(e) => return Err(Unread::Usage(format!("cannot run `git show {spec}`: {e}"))),
    };
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.lines().next().unwrap_or("git failed").trim();
        return Err(Unread::Usage(format!(
            "cannot read `{spec}` from git: {why} (run it inside the repository; PATH is from the repository's root, or ./PATH from here)"
        )));
    }
    archlint_linter::source_from_bytes(&spec, out.stdout, max)
        .map(|source| Version {
            source,
            path: path.trim_start_matches("./").to_string(),
        })
        .map_err(Unread::Input)
}

pub(crate) fn run(args: DiffArgs, today: Date) -> Exit {
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
                    Err(Unread::Usage(msg)) => return usage_error(&msg),
                    Err(Unread::Input(fr)) => failed.push(fr),
                    Ok(_) => {}
                }
            }
            input_errors(&failed);
            return Exit::Error;
        }
    };
    // the configuration of the new version's directory (or of the working directory)
    let mut configs = Configs::new(args.config.clone(), args.no_config);
    let cfg = if args.new != "-" && Path::new(&args.new).exists() {
        configs.for_file_or_exit(Path::new(&args.new))
    } else {
        configs.for_dir_or_exit(Path::new("."))
    };
    let cfg = match cfg {
        Ok(c) => c,
        Err(e) => return e,
    };
    let mut settings = match cfg.settings(args.select.as_deref(), args.ignore.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    settings.today = Some(today);
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
        return Exit::Error;
    }
    let arena = yaml::Arena::new();
    let limits = yaml::Limits::default();
    let (to, tn) = match (
        yaml::parse(&ro.source, &arena, limits),
        yaml::parse(&rn.source, &arena, limits),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return usage_error("the files parsed once but not twice"),
    };
    let design = diff::design_diff(&to.root, &tn.root);
    let found = diff::findings_diff(&ro, &rn);
    out(&match args.format {
        DiffFormat::Json => diff::json(&ro, &rn, &design, &found),
        DiffFormat::Markdown => diff::markdown(&ro.source.name, &rn, &ro, &design, &found),
        DiffFormat::Human => {
            diff::human(&ro, &rn, &design, &found, stdout_style(args.color, false))
        }
    });
    if found.introduced.iter().any(|d| fail_on.fails(d.severity)) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
