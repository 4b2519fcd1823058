//! The traffic a running system recorded, for `archlint drift`: Jaeger's
//! dependencies (`{data: [{parent, child, callCount}]}` or a bare list), Zipkin's
//! dependency links (`[{parent, child, callCount, errorCount}]`), and OpenTelemetry's
//! service-graph metrics in the Prometheus text format
//! (`traces_service_graph_request_total`, `_failed_total` and the
//! `_server_seconds` histogram, labelled `client` and `server`).
//!
//! Every pair of services becomes one [`Edge`] (series of the same pair are summed).
//! The metrics are read line by line from any reader, so a file of any size is read
//! in linear time with memory for the pairs only. A document in none of the shapes, a
//! count that is negative or not a number, histogram buckets out of order: each is an
//! error at its line.

use std::collections::BTreeMap;
use std::io::{BufRead, Read as _};

use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;

/// One client/server pair as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub parent: String,
    pub child: String,
    pub calls: f64,
    /// Failed calls, where the format records them.
    pub errors: Option<f64>,
    /// The server-side p99 in seconds, from the histogram.
    pub p99: Option<f64>,
    /// Where the pair first appears in the file (1-based line).
    pub line: usize,
}

/// What a file recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// `jaeger`, `zipkin` or `otel-servicegraph`.
    pub format: &'static str,
    pub edges: Vec<Edge>,
}

/// A problem in an observed file: its line, column and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

fn problem(line: usize, column: usize, message: String, help: &str) -> Problem {
    Problem {
        line,
        column,
        message,
        help: help.to_string(),
    }
}

const SHAPES: &str = "a Jaeger dependencies document ({\"data\": [{\"parent\", \"child\", \"callCount\"}]}), a Zipkin dependency-links list ([{\"parent\", \"child\", \"callCount\", \"errorCount\"}]), or OpenTelemetry service-graph metrics (Prometheus text, traces_service_graph_request_total{client, server})";

/// The largest JSON recording read (it is parsed whole; the metrics are streamed).
pub const MAX_JSON_BYTES: u64 = crate::input::DEFAULT_MAX_FILE_BYTES;

/// Read an observed file: JSON when it starts with `{` or `[`, else Prometheus text.
pub fn read(name: &str, mut input: impl BufRead) -> Result<Observed, Problem> {
    let first = loop {
        let buf = input
            .fill_buf()
            .map_err(|e| problem(1, 1, format!("cannot read `{name}`: {e}"), "check the file"))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    };
    match first {
        None => Err(problem(1, 1, format!("`{name}` is empty"), SHAPES)),
        Some(b'{' | b'[') => {
            let mut text = String::new();
            (&mut input)
                .take(MAX_JSON_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(|e| problem(1, 1, format!("`{name}` is not UTF-8 text: {e}"), SHAPES))?;
            if text.len() as u64 > MAX_JSON_BYTES {
                return Err(problem(
                    1,
                    1,
                    format!(
                        "`{name}` is a JSON document of more than {} MB",
                        MAX_JSON_BYTES >> 20
                    ),
                    "a dependencies document of that size holds millions of pairs: export a shorter window, or the service-graph metrics (read line by line, of any size)",
                ));
            }
            json(&SourceFile::new(name, text))
        }
        Some(_) => prometheus(input),
    }
}

/// A line and column of a node.
fn at(src: &SourceFile, n: &Node) -> (usize, usize) {
    let lc = src.line_col(n.span.start());
    (lc.line, lc.column)
}

/// A count: a number, not negative.
fn count(src: &SourceFile, item: &Node, key: &str) -> Result<Option<f64>, Problem> {
    let Some(v) = item.get(key) else {
        return Ok(None);
    };
    let (l, c) = at(src, v);
    let x = v
        .as_scalar()
        .filter(|_| !v.is_null())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            problem(
                l,
                c,
                format!(
                    "`{key}` must be a number, found `{}`",
                    v.as_scalar().unwrap_or(v.type_name())
                ),
                "a count of calls, such as 1200",
            )
        })?;
    if x < 0.0 {
        return Err(problem(
            l,
            c,
            format!("`{key}` is negative ({x})"),
            "a count of calls is 0 or more",
        ));
    }
    Ok(Some(x))
}

fn json(src: &SourceFile) -> Result<Observed, Problem> {
    let arena = yaml::Arena::new();
    let p = yaml::parse(src, &arena, Default::default()).map_err(|e| {
        let lc = src.line_col(e.span.start());
        problem(
            lc.line,
            lc.column,
            // the parser reads JSON as the YAML it is a subset of: say it as JSON
            format!(
                "not valid JSON: {}",
                e.message
                    .trim_start_matches("invalid YAML: ")
                    .trim_start_matches("while parsing a flow mapping, ")
                    .trim_start_matches("while parsing a flow sequence, ")
            ),
            SHAPES,
        )
    })?;
    let root = &p.root;
    let (items, jaeger) = match (root.get("data"), root.as_seq()) {
        (Some(d), _) => match d.as_seq() {
            Some(items) => (items, true),
            None => {
                let (l, c) = at(src, d);
                return Err(problem(
                    l,
                    c,
                    format!("`data` must be a list, found {}", d.type_name()),
                    SHAPES,
                ));
            }
        },
        (None, Some(items)) => (items, false),
        (None, None) => {
            let (l, c) = at(src, root);
            return Err(problem(
                l,
                c,
                "the document is in none of the shapes archlint reads".into(),
                SHAPES,
            ));
        }
    };
    let zipkin = !jaeger && items.iter().any(|i| i.get("errorCount").is_some());
    let mut pairs: BTreeMap<(String, String), Edge> = BTreeMap::new();
    for item in items {
        let (l, c) = at(src, item);
        let name = |key: &str| {
            item.get(key)
                .and_then(Node::as_scalar)
                .filter(|s| !s.trim().is_empty())
        };
        let (Some(parent), Some(child)) = (name("parent"), name("child")) else {
            return Err(problem(
                l,
                c,
                "a dependency needs `parent` and `child` (service names)".into(),
                SHAPES,
            ));
        };
        let calls = count(src, item, "callCount")?.ok_or_else(|| {
            problem(
                l,
                c,
                format!("the dependency {parent} -> {child} has no `callCount`"),
                SHAPES,
            )
        })?;
        let errors = count(src, item, "errorCount")?;
        let e = pairs
            .entry((parent.to_string(), child.to_string()))
            .or_insert(Edge {
                parent: parent.to_string(),
                child: child.to_string(),
                calls: 0.0,
                errors: None,
                p99: None,
                line: l,
            });
        e.calls += calls;
        if let Some(x) = errors {
            *e.errors.get_or_insert(0.0) += x;
        }
    }
    Ok(Observed {
        format: if zipkin { "zipkin" } else { "jaeger" },
        edges: pairs.into_values().collect(),
    })
}

/// A sample's name, labels and value's text.
type Sample<'l> = (&'l str, Vec<(&'l str, String)>, &'l str);

/// `name{a="1",b="2"} value`: the name, the labels and the value's text.
fn sample(line: &str) -> Option<Sample<'_>> {
    let line = line.trim();
    let (name, rest) = match line.find('{') {
        Some(i) => (&line[..i], &line[i..]),
        None => {
            let i = line.find(char::is_whitespace)?;
            return Some((&line[..i], Vec::new(), line[i..].split_whitespace().next()?));
        }
    };
    let close = rest.rfind('}')?;
    let mut labels = Vec::new();
    let body = &rest[1..close];
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        while i < b.len() && (b[i] == b',' || b[i].is_ascii_whitespace()) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let eq = body[i..].find('=')? + i;
        let key = body[i..eq].trim();
        let mut j = eq + 1;
        if b.get(j) != Some(&b'"') {
            return None;
        }
        j += 1;
        let mut value = String::new();
        while j < b.len() && b[j] != b'"' {
            if b[j] == b'\\' && j + 1 < b.len() {
                j += 1;
            }
            value.push(b[j] as char);
            j += 1;
        }
        labels.push((key, value));
        i = j + 1;
    }
    let value = rest[close + 1..].split_whitespace().next()?;
    Some((name, labels, value))
}

#[derive(Default)]
struct Pair {
    calls: f64,
    errors: Option<f64>,
    /// The bound's bits -> (bound, cumulative count), summed over the pair's series;
    /// keyed by bits because the bits of non-negative floats sort as the floats do.
    buckets: BTreeMap<u64, (f64, f64)>,
    line: usize,
}

/// The p99 of a cumulative histogram, as Prometheus's `histogram_quantile` computes it:
/// linear within the bucket the 99th percentile falls in; the largest finite bound
/// when it falls in `+Inf`.
fn p99(buckets: &BTreeMap<u64, (f64, f64)>) -> Option<f64> {
    let total = buckets.values().last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = 0.99 * total;
    let mut prev = (0.0, 0.0);
    for &(le, c) in buckets.values() {
        if c >= rank {
            if le.is_infinite() {
                return Some(prev.0);
            }
            if c == prev.1 {
                return Some(le);
            }
            return Some(prev.0 + (le - prev.0) * (rank - prev.1) / (c - prev.1));
        }
        prev = (le, c);
    }
    None
}

/// The OpenTelemetry collector's service-graph metrics, Prometheus text format, line
/// by line.
fn prometheus(input: impl BufRead) -> Result<Observed, Problem> {
    let mut pairs: BTreeMap<(String, String), Pair> = BTreeMap::new();
    // the last bucket of each series (its labels but `le`), to see them in order
    let mut last: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    let mut seen_any = false;
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| problem(n, 1, format!("not text: {e}"), SHAPES))?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((name, labels, value)) = sample(t) else {
            return Err(problem(
                n,
                1,
                format!(
                    "not a Prometheus sample: `{}`",
                    t.chars().take(60).collect::<String>()
                ),
                SHAPES,
            ));
        };
        let Some(kind) = name.strip_prefix("traces_service_graph_request_") else {
            continue; // another metric
        };
        let get = |k: &str| labels.iter().find(|(l, _)| *l == k).map(|(_, v)| v.clone());
        let (Some(client), Some(server)) = (get("client"), get("server")) else {
            return Err(problem(
                n,
                1,
                format!("`{name}` has no `client` or `server` label"),
                SHAPES,
            ));
        };
        let column = t.rfind(value).map_or(1, |c| c + 1);
        let x: f64 = value
            .parse()
            .ok()
            .filter(|x: &f64| !x.is_nan())
            .ok_or_else(|| {
                problem(
                    n,
                    column,
                    format!("`{value}` is not a number"),
                    "a sample's value is a number",
                )
            })?;
        if x < 0.0 {
            return Err(problem(
                n,
                column,
                format!("the count {value} is negative"),
                "a counter is 0 or more",
            ));
        }
        seen_any = true;
        let pair = pairs
            .entry((client.clone(), server.clone()))
            .or_insert_with(|| Pair {
                line: n,
                ..Pair::default()
            });
        match kind {
            "total" => pair.calls += x,
            "failed_total" => *pair.errors.get_or_insert(0.0) += x,
            "server_seconds_bucket" => {
                let Some(le) = get("le") else {
                    return Err(problem(
                        n,
                        1,
                        "a histogram bucket has no `le` label".into(),
                        "each bucket is labelled with its upper bound",
                    ));
                };
                let bound: f64 = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    // a latency bound is a number of seconds, 0 or more (the
                    // buckets are ordered by the bits of their bounds)
                    le.parse().ok().filter(|b: &f64| *b >= 0.0).ok_or_else(|| {
                        problem(
                            n,
                            1,
                            format!("the bucket bound `{le}` is not a number of seconds"),
                            "`le` is a number of seconds (0 or more) or `+Inf`",
                        )
                    })?
                };
                let series: String = labels
                    .iter()
                    .filter(|(k, _)| *k != "le")
                    .map(|(k, v)| format!("{k}={v},"))
                    .collect();
                if let Some(&(prev_le, prev_c, prev_line)) = last.get(&series)
                    && (bound <= prev_le || x < prev_c)
                {
                    return Err(problem(
                        n,
                        column,
                        format!(
                            "histogram buckets out of order: le=\"{le}\" with {value} after le={prev_le} with {prev_c} (line {prev_line})"
                        ),
                        "buckets go up in `le`, each counting at least as many as the one before",
                    ));
                }
                last.insert(series, (bound, x, n));
                let e = pair.buckets.entry(bound.to_bits()).or_insert((bound, 0.0));
                e.1 += x;
            }
            _ => {}
        }
    }
    if !seen_any {
        return Err(problem(
            1,
            1,
            "no service-graph metric in the file".into(),
            SHAPES,
        ));
    }
    Ok(Observed {
        format: "otel-servicegraph",
        edges: pairs
            .into_iter()
            .map(|((parent, child), p)| Edge {
                parent,
                child,
                calls: p.calls,
                errors: p.errors,
                p99: p99(&p.buckets),
                line: p.line,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Observed, Problem> {
        read("t", s.as_bytes())
    }

    #[test]
    fn the_three_shapes() {
        let j = read_str(r#"{"data": [{"parent": "frontend", "child": "driver", "callCount": 10}, {"parent": "frontend", "child": "driver", "callCount": 5}]}"#).unwrap();
        assert_eq!(j.format, "jaeger");
        assert_eq!(j.edges.len(), 1);
        assert_eq!(j.edges[0].calls, 15.0);
        let bare = read_str(r#"[{"parent": "a", "child": "b", "callCount": 3}]"#).unwrap();
        assert_eq!(bare.format, "jaeger");
        let z = read_str(r#"[{"parent": "a", "child": "b", "callCount": 3, "errorCount": 1}]"#)
            .unwrap();
        assert_eq!((z.format, z.edges[0].errors), ("zipkin", Some(1.0)));
        let p = read_str(
            "# HELP traces_service_graph_request_total x\n\
             traces_service_graph_request_total{client=\"a\",server=\"b\",connection_type=\"\"} 100\n\
             traces_service_graph_request_failed_total{client=\"a\",server=\"b\"} 2\n\
             traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"0.1\"} 50\n\
             traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"0.5\"} 99\n\
             traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"1\"} 100\n\
             traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"+Inf\"} 100\n\
             other_metric 5\n",
        )
        .unwrap();
        assert_eq!(p.format, "otel-servicegraph");
        let e = &p.edges[0];
        assert_eq!((e.calls, e.errors), (100.0, Some(2.0)));
        // rank 99 falls at the end of the (0.1, 0.5] bucket
        assert!((e.p99.unwrap() - 0.5).abs() < 1e-9, "{:?}", e.p99);
    }

    #[test]
    fn bad_input_is_located() {
        let e = read_str(r#"{"nodes": []}"#).unwrap_err();
        assert!(e.message.contains("none of the shapes"), "{e:?}");
        let e =
            read_str("[\n {\"parent\": \"a\", \"child\": \"b\", \"callCount\": -3}]").unwrap_err();
        assert_eq!((e.line, e.message.contains("negative")), (2, true), "{e:?}");
        let e = read_str("[{\"parent\": \"a\", \"child\": \"b\", \"callCount\": \"many\"}]")
            .unwrap_err();
        assert!(e.message.contains("must be a number"), "{e:?}");
        let e = read_str(
            "traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"1\"} 10\n\
             traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"0.5\"} 5\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        assert!(e.message.contains("out of order"), "{e:?}");
        let e = read_str("traces_service_graph_request_total{client=\"a\",server=\"b\"} lots\n")
            .unwrap_err();
        assert!(e.message.contains("not a number"), "{e:?}");
        assert!(read_str("").unwrap_err().message.contains("empty"));
    }
}
