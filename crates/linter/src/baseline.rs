//! Baselines: the findings a team has accepted for now, recorded by
//! fingerprint, so CI fails only on new ones.
//!
//! The file is JSON, sorted (by file, then path, rule and fingerprint) so that a change
//! to it reads well in review:
//!
//! ```json
//! { "version": 1,
//!   "findings": [ { "fingerprint": "…", "rule": "shared-database", "file": "shop.arch.yaml",
//!                   "path": "components.orders-db", "message": "…" } ] }
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::input::FileResult;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings hidden because the baseline has them.
    pub suppressed: usize,
    /// Entries for the files linted in this run that matched no finding.
    pub stale: Vec<Entry>,
    /// The entries that still match (what `--write-baseline` with `--baseline` keeps).
    pub kept: Vec<Entry>,
}

impl Baseline {
    /// Every finding of the results (input errors excluded), sorted.
    pub fn from_results(results: &[FileResult]) -> Baseline {
        let mut findings: Vec<Entry> = results
            .iter()
            .filter(|r| !r.input_error)
            .flat_map(|r| {
                r.diagnostics.iter().map(|d| Entry {
                    fingerprint: d.fingerprint.clone(),
                    rule: d.rule.clone(),
                    file: r.source.name.clone(),
                    path: d.path.clone(),
                    message: d.message.clone(),
                })
            })
            .collect();
        sort(&mut findings);
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub fn from_entries(mut findings: Vec<Entry>) -> Baseline {
        sort(&mut findings);
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serializes");
        s.push('\n');
        s
    }

    /// Read a baseline file; the error says what is wrong and how to make a good one.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        // a baseline lists every finding once: 64 MiB is room for a million
        let bytes = crate::input::read_bounded(path, &path.display().to_string(), 64 << 20)
            .map_err(|(msg, _)| format!("cannot read the baseline: {msg}"))?;
        Baseline::from_slice(&bytes, &path.display().to_string())
    }

    /// A baseline from its bytes (`name` for the messages): a byte-order mark is
    /// accepted, as in designs.
    pub fn from_slice(bytes: &[u8], name: &str) -> Result<Baseline, String> {
        let path = std::path::Path::new(name);
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let b: Baseline = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "the baseline `{}` is not an archlint baseline ({e}); write one with `archlint check --write-baseline {}`",
                path.display(),
                path.display()
            )
        })?;
        if b.version != VERSION {
            return Err(format!(
                "the baseline `{}` has version {}, this archlint reads version {VERSION}; write it again with --write-baseline",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// Remove the findings the baseline has from `results` (input errors always stay).
    pub fn apply(&self, results: &mut [FileResult]) -> Applied {
        self.apply_with(results, &|_| true)
    }

    /// [`Baseline::apply`], knowing which entries' rules ran (`ran`: with `--select`,
    /// a rule left out reports nothing, and its entries are not stale). An entry is
    /// stale only when its file was linted whole in this run (read, parsed, no input
    /// error) and its rule ran and matched nothing; every other entry is kept, so that
    /// `--baseline F --write-baseline F` never drops an entry it could not check.
    pub fn apply_with(&self, results: &mut [FileResult], ran: &dyn Fn(&Entry) -> bool) -> Applied {
        let wanted: HashMap<&str, &Entry> = self
            .findings
            .iter()
            .map(|e| (e.fingerprint.as_str(), e))
            .collect();
        let mut matched: HashSet<&str> = HashSet::new();
        let mut suppressed = 0;
        // a file with input errors is linted without its parts at fault: what it lacks
        // may be held back, not gone, so none of its entries is stale
        let whole: HashSet<String> = results
            .iter()
            .filter(|r| r.linted && !r.input_error)
            .map(|r| crate::fingerprint::normalize_file(&r.source.name))
            .collect();
        for r in results.iter_mut().filter(|r| r.linted) {
            r.diagnostics
                .retain(|d| match wanted.get_key_value(d.fingerprint.as_str()) {
                    _ if d.is_input_error() => true,
                    Some((k, _)) => {
                        matched.insert(k);
                        suppressed += 1;
                        false
                    }
                    None => true,
                });
        }
        let (kept, stale): (Vec<Entry>, Vec<Entry>) =
            self.findings.iter().cloned().partition(|e| {
                matched.contains(e.fingerprint.as_str())
                    || !whole.contains(&crate::fingerprint::normalize_file(&e.file))
                    || !ran(e)
            });
        Applied {
            suppressed,
            stale,
            kept,
        }
    }
}

fn sort(v: &mut [Entry]) {
    v.sort_by(|a, b| {
        (&a.file, &a.path, &a.rule, &a.fingerprint).cmp(&(
            &b.file,
            &b.path,
            &b.rule,
            &b.fingerprint,
        ))
    });
}
