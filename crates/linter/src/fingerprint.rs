//! Fingerprints: a stable hash per finding, for SARIF, GitLab, JSON and
//! baselines.
//!
//! The hash covers the rule, the file's path as given, the finding's `path` and its
//! related paths, with every `calls[N]` / `consumes[N]` named by its endpoints
//! (`components.api.calls[2]` hashes as `components.api.calls[api -> orders-db]`), so
//! inserting a call above another, reordering components, moving lines or adding
//! comments changes nothing. Two findings that would still hash the same (one rule
//! firing twice on one node) are told apart by their rank in the file's sorted
//! output, which is itself independent of line positions.

use std::borrow::Cow;
use std::collections::HashMap;

use archlint_core::diag::Diagnostic;
use archlint_core::model::Architecture;

/// 64-bit FNV-1a: small, fast, and the same on every platform and Rust version
/// (unlike `DefaultHasher`), which a fingerprint stored in a baseline needs.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, s: &str) {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // a separator that cannot occur in the text, so ("ab","c") != ("a","bc")
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

/// `path` with each indexed call or consume replaced by its endpoints; borrowed when
/// there is nothing to replace (most paths).
pub fn stable_path<'a>(model: Option<&Architecture>, path: &'a str) -> Cow<'a, str> {
    let Some(m) = model else {
        return Cow::Borrowed(path);
    };
    let Some(rest) = path.strip_prefix("components.") else {
        return Cow::Borrowed(path);
    };
    // the component id may contain dots; find the id the model knows
    for (field, is_call) in [(".calls[", true), (".consumes[", false)] {
        // `rest.find(field)`, by the `[`s (a substring search set up per call was a
        // sixth of this function on a large file)
        let name = &field[..field.len() - 1];
        let Some(at) = memchr::memchr_iter(b'[', rest.as_bytes())
            .find(|&p| rest[..p].ends_with(name))
            .map(|p| p - name.len())
        else {
            continue;
        };
        let id = &rest[..at];
        let after = &rest[at + field.len()..];
        let Some(close) = after.find(']') else {
            continue;
        };
        let Ok(n) = after[..close].parse::<usize>() else {
            continue;
        };
        let Some(&ci) = m.index.get(id) else { continue };
        let c = &m.components[ci];
        // `components.{id}.calls[{id} -> {to}]{tail}` / `...consumes[{from} => {id}]{tail}`
        let (left, arrow, right) = if is_call {
            let Some(x) = c.calls.get(n) else { continue };
            (id, " -> ", x.to.v.as_str())
        } else {
            let Some(x) = c.consumes.get(n) else { continue };
            (x.from.v.as_str(), " => ", id)
        };
        let tail = &after[close + 1..];
        let field = field.trim_end_matches('[');
        let mut out = String::with_capacity(
            "components.".len()
                + id.len()
                + field.len()
                + left.len()
                + right.len()
                + tail.len()
                + 6,
        );
        for piece in ["components.", id, field, "[", left, arrow, right, "]", tail] {
            out.push_str(piece);
        }
        return Cow::Owned(out);
    }
    Cow::Borrowed(path)
}

/// A file's path as given, written one way: `./a//b.yaml` and `a/b.yaml` are the same
/// file to a fingerprint and a baseline (backslashes become slashes).
pub fn normalize_file(name: &str) -> String {
    let s = name.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for p in s.split('/') {
        match p {
            "" | "." if !parts.is_empty() || p == "." => {}
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if s.starts_with('/') && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The fingerprint of one finding before disambiguation. `prefix` has hashed
/// `archlint/v1`, the rule and the normalized file already.
fn base(prefix: Fnv, model: Option<&Architecture>, d: &Diagnostic) -> u64 {
    let mut h = prefix;
    h.write(&stable_path(model, &d.path));
    match d.related.len() {
        0 => {}
        1 => h.write(&stable_path(model, &d.related[0].path)),
        _ => {
            let mut related: Vec<Cow<str>> = d
                .related
                .iter()
                .map(|r| stable_path(model, &r.path))
                .collect();
            related.sort_unstable();
            for r in &related {
                h.write(r);
            }
        }
    }
    h.0
}

/// Set `fingerprint` on every diagnostic of one file; `ds` must be sorted already.
pub fn assign(model: Option<&Architecture>, file: &str, ds: &mut [Diagnostic]) {
    let file = normalize_file(file);
    // the hash state after `archlint/v1`, the rule and the file: the same for every
    // finding of a rule, and there are few rules
    // per rule: the hash so far, and whether its findings stand for the whole file
    // (their fingerprint is then the rule's and the file's alone)
    let mut prefixes: Vec<(&str, Fnv, bool)> = Vec::new();
    for d in ds.iter() {
        if !prefixes.iter().any(|(r, _, _)| *r == d.rule) {
            let mut h = Fnv::new();
            h.write("archlint/v1");
            h.write(&d.rule);
            h.write(&file);
            let whole = crate::rules::find(&d.rule).is_some_and(|r| r.whole_file);
            prefixes.push((&d.rule, h, whole));
        }
    }
    let base_of = |d: &Diagnostic| {
        let &(_, prefix, whole) = prefixes
            .iter()
            .find(|(r, _, _)| *r == d.rule)
            .expect("every rule has a prefix");
        if whole {
            prefix.0
        } else {
            base(prefix, model, d)
        }
    };
    // each base on its own, on every core for a large file (they read the model at
    // random, which is most of their cost); then the ranks, in order
    #[cfg(not(target_arch = "wasm32"))]
    let bases: Vec<u64> = if ds.len() >= PARALLEL_FROM {
        use rayon::prelude::*;
        ds.par_iter().map(base_of).collect()
    } else {
        ds.iter().map(base_of).collect()
    };
    #[cfg(target_arch = "wasm32")]
    let bases: Vec<u64> = ds.iter().map(base_of).collect();
    drop(prefixes);
    let mut seen: HashMap<u64, u32> = HashMap::with_capacity(ds.len());
    for (d, b) in ds.iter_mut().zip(bases) {
        let k = seen.entry(b).or_insert(0);
        let v = if *k == 0 {
            b
        } else {
            let mut h = Fnv(b);
            h.write(&k.to_string());
            h.0
        };
        *k += 1;
        d.fingerprint = format!("{v:016x}");
    }
}

/// Findings from which [`assign`] hashes on every core.
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_FROM: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_normalized() {
        assert_eq!(
            normalize_file("./examples//shop.arch.yaml"),
            "examples/shop.arch.yaml"
        );
        assert_eq!(
            normalize_file("examples/shop.arch.yaml"),
            "examples/shop.arch.yaml"
        );
        assert_eq!(normalize_file("/abs/./x.yaml"), "/abs/x.yaml");
        assert_eq!(normalize_file("a\\b.yaml"), "a/b.yaml");
    }

    #[test]
    fn fnv_is_fixed() {
        let mut h = Fnv::new();
        h.write("a");
        let a = h.0;
        let mut h = Fnv::new();
        h.write("a");
        assert_eq!(a, h.0);
        let mut x = Fnv::new();
        x.write("ab");
        x.write("c");
        let mut y = Fnv::new();
        y.write("a");
        y.write("bc");
        assert_ne!(x.0, y.0);
    }
}
