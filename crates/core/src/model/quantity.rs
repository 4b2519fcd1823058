//! Quantities with units, parsed strictly.
//!
//! Every parser takes the text as written (a YAML string or number) and returns the
//! value in a base unit (seconds, bytes, a fraction, a plain count) or an error message
//! that says what would be valid.

/// What kind of quantity a field holds; used for messages and the JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityKind {
    Count,
    Duration,
    Size,
    Percent,
    Ratio,
    Growth,
}

impl QuantityKind {
    pub fn describe(self) -> &'static str {
        match self {
            QuantityKind::Count => "a count such as `12000`, `12k`, `10M` or `1.5B`",
            QuantityKind::Duration => "a duration such as `250ms`, `2s`, `5m`, `1h`, `7d` or `5y`",
            QuantityKind::Size => "a size such as `500GB`, `20TB`, `1.5PB` or `64GiB`",
            QuantityKind::Percent => "a percentage such as `99.9%`",
            QuantityKind::Ratio => "a ratio such as `100:1`",
            QuantityKind::Growth => {
                "a growth factor such as `2x`, or a yearly amount such as `5TB`"
            }
        }
    }
}

/// Growth per year: a multiplicative factor, or an amount of bytes added each year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Growth {
    Factor(f64),
    Bytes(f64),
}

fn split_number(s: &str) -> Option<(f64, &str)> {
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .map_or(s.len(), |(i, _)| i);
    let (num, unit) = s.split_at(end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.starts_with('_') {
        return None;
    }
    let v: f64 = if num.len() <= 15 && num.bytes().all(|c| c.is_ascii_digit()) {
        // an integer below 2^53: exact as u64 and as f64, without the float parser
        num.parse::<u64>().ok()? as f64
    } else if num.contains('_') {
        let cleaned: String = num.chars().filter(|&c| c != '_').collect();
        cleaned.parse().ok()?
    } else {
        num.parse().ok()?
    };
    if !v.is_finite() {
        return None;
    }
    Some((v, unit.trim()))
}

/// `12000`, `12k`, `10M`, `1.5B`.
pub fn parse_count(s: &str) -> Result<f64, String> {
    let Some((v, unit)) = split_number(s) else {
        return Err(format!("`{s}` is not a count"));
    };
    let mult = match unit {
        "" => 1.0,
        "k" | "K" => 1e3,
        "M" => 1e6,
        "B" | "G" => 1e9,
        "T" => 1e12,
        "m" => {
            return Err(format!(
                "`{s}`: `m` is ambiguous in a count; write `M` for million"
            ));
        }
        _ => return Err(format!("`{s}` has an unknown unit `{unit}` for a count")),
    };
    Ok(v * mult)
}

/// Seconds. `250ms`, `2s`, `5m`, `1h`, `7d`, `2w`, `5y`; a bare number has no unit and is an error.
pub fn parse_duration(s: &str) -> Result<f64, String> {
    let Some((v, unit)) = split_number(s) else {
        return Err(format!("`{s}` is not a duration"));
    };
    let mult = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 7.0 * 86_400.0,
        "mo" => 30.0 * 86_400.0,
        "y" => 365.0 * 86_400.0,
        "" => {
            return Err(format!("`{s}` has no unit; write e.g. `{s}ms` or `{s}s`"));
        }
        _ => return Err(format!("`{s}` has an unknown unit `{unit}` for a duration")),
    };
    Ok(v * mult)
}

/// Bytes. Decimal `KB MB GB TB PB EB` and binary `KiB MiB GiB TiB PiB`.
pub fn parse_size(s: &str) -> Result<f64, String> {
    let Some((v, unit)) = split_number(s) else {
        return Err(format!("`{s}` is not a size"));
    };
    let mult = match unit {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "PB" => 1e15,
        "EB" => 1e18,
        "KiB" => 1024.0,
        "MiB" => 1024f64.powi(2),
        "GiB" => 1024f64.powi(3),
        "TiB" => 1024f64.powi(4),
        "PiB" => 1024f64.powi(5),
        "" => {
            return Err(format!("`{s}` has no unit; write e.g. `{s}GB` or `{s}TB`"));
        }
        _ => {
            let upper = unit.to_ascii_uppercase();
            if ["KB", "MB", "GB", "TB", "PB"].contains(&upper.as_str()) {
                return Err(format!("`{s}`: write the unit as `{upper}`"));
            }
            return Err(format!("`{s}` has an unknown unit `{unit}` for a size"));
        }
    };
    Ok(v * mult)
}

/// A fraction in [0, 1]: `99.99%` or `99.99`.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let num = t.strip_suffix('%').unwrap_or(t).trim();
    let Some((v, rest)) = split_number(num) else {
        return Err(format!("`{s}` is not a percentage"));
    };
    if !rest.is_empty() {
        return Err(format!("`{s}` is not a percentage"));
    }
    if v > 100.0 {
        return Err(format!("`{s}` is over 100%"));
    }
    // `availability: 0.999` is a fraction written where a percentage is expected: read
    // as a percentage it is 0.999%, which nobody means, so it is refused.
    if !t.ends_with('%') && v < 1.0 {
        let pct = (v * 100.0 * 1e6).round() / 1e6;
        return Err(format!(
            "`{s}` would mean {v}%; a bare number is a percentage, not a fraction: did you mean `{pct}%`?"
        ));
    }
    Ok(v / 100.0)
}

/// `100:1` -> (100, 1); a bare number N means N:1.
pub fn parse_ratio(s: &str) -> Result<(f64, f64), String> {
    let t = s.trim();
    if let Some((a, b)) = t.split_once(':') {
        let a = split_number(a).filter(|(_, u)| u.is_empty());
        let b = split_number(b).filter(|(_, u)| u.is_empty());
        match (a, b) {
            (Some((a, _)), Some((b, _))) if a + b > 0.0 => Ok((a, b)),
            _ => Err(format!("`{s}` is not a ratio")),
        }
    } else {
        match split_number(t) {
            Some((v, "")) => Ok((v, 1.0)),
            _ => Err(format!("`{s}` is not a ratio")),
        }
    }
}

/// `2x` (a factor), `20%` (a factor of 1.2), or a size per year (`5TB`).
pub fn parse_growth(s: &str) -> Result<Growth, String> {
    let t = s.trim();
    if let Some(f) = t.strip_suffix(['x', 'X']) {
        return match split_number(f) {
            Some((v, "")) if v > 0.0 => Ok(Growth::Factor(v)),
            _ => Err(format!("`{s}` is not a growth factor")),
        };
    }
    if t.ends_with('%') {
        let p = parse_percent(t).or_else(|_| {
            split_number(t.trim_end_matches('%'))
                .filter(|(_, u)| u.is_empty())
                .map(|(v, _)| v / 100.0)
                .ok_or(())
        });
        return p
            .map(|p| Growth::Factor(1.0 + p))
            .map_err(|_| format!("`{s}` is not a growth rate"));
    }
    parse_size(t).map(Growth::Bytes)
}

/// Format a count the way people say it: 11.6k, 3.5M, 950.
pub fn fmt_count(v: f64) -> String {
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{}", trim_num(x), suffix)
}

/// Format bytes in decimal units.
pub fn fmt_size(v: f64) -> String {
    let units = [
        (1e18, "EB"),
        (1e15, "PB"),
        (1e12, "TB"),
        (1e9, "GB"),
        (1e6, "MB"),
        (1e3, "KB"),
    ];
    for (m, u) in units {
        if v.abs() >= m {
            return format!("{}{}", trim_num(v / m), u);
        }
    }
    format!("{}B", trim_num(v))
}

/// Format seconds with the most natural unit.
pub fn fmt_duration(secs: f64) -> String {
    // no "-0ms": a sum that cancels out is zero
    if secs == 0.0 || !secs.is_finite() {
        return "0ms".to_string();
    }
    if secs < 0.0 {
        return format!("-{}", fmt_duration(-secs));
    }
    const YEAR: f64 = 365.0 * 86_400.0;
    if secs < 1.0 {
        return format!("{}ms", trim_num(secs * 1000.0));
    }
    if secs < 60.0 {
        return format!("{}s", trim_num(secs));
    }
    if secs >= YEAR {
        return format!("{}y", trim_num(secs / YEAR));
    }
    // the largest unit, and what is left in the next one down: 100 s is `1m 40s`, not
    // `1.67m`; a whole number of the unit is just that (`5m`, `2h`, `7d`)
    let units = [
        (86_400.0, "d", 3600.0, "h"),
        (3600.0, "h", 60.0, "m"),
        (60.0, "m", 1.0, "s"),
    ];
    let &(size, name, next, next_name) = units
        .iter()
        .find(|(size, ..)| secs >= *size)
        .expect("at least a minute");
    let whole = (secs / size + 1e-9).floor();
    let rest = secs - whole * size;
    if rest.abs() < 1e-6 * size {
        format!("{}{name}", trim_num(whole))
    } else {
        format!(
            "{}{name} {}{next_name}",
            trim_num(whole),
            trim_num(rest / next)
        )
    }
}

/// Format a fraction as a percentage with enough digits to be exact or distinct, never
/// rounding a value below 1 up to 100%: 99.99%, 99.8501%, 99.9999%.
pub fn fmt_percent(f: f64) -> String {
    let p = f * 100.0;
    for digits in 0..=4 {
        let s = format!("{p:.digits$}");
        let back: f64 = s.parse().unwrap_or(p);
        if (back - p).abs() < 1e-9 {
            return format!("{s}%");
        }
    }
    let s = format!("{p:.4}");
    if s.starts_with("100") && p < 100.0 {
        return "99.9999%".to_string();
    }
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A number as `{}` prints an `f64`, through integer formatting when it is a whole
/// number (the common case in messages: hop counts, limits), which is several times
/// cheaper than the float formatter and prints the same digits.
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.fract() == 0.0 && x.abs() < 1e15 && (x != 0.0 || x.is_sign_positive()) {
            write!(f, "{}", x as i64)
        } else {
            write!(f, "{x}")
        }
    }
}

/// Up to 3 significant figures, no trailing zeros.
pub fn trim_num(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 && a.is_finite() {
        // 3 significant figures: 12345 -> 12300 (and no float noise in the last digits)
        let zeros = a.log10().floor() as i32 - 2;
        let mut digits = (a / 10f64.powi(zeros)).round() as u64; // 100..=1000
        let mut zeros = zeros as usize;
        while digits.is_multiple_of(10) && digits > 0 {
            digits /= 10;
            zeros += 1;
        }
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}{digits}{}", "0".repeat(zeros.min(400)));
    }
    let s = if a >= 100.0 || (x.fract() == 0.0 && a < 1e15) {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::Num;

    /// `Num` prints what `{}` prints for an `f64`, whole or not.
    #[test]
    fn num_prints_as_f64_display() {
        for x in [
            0.0,
            -0.0,
            1.0,
            4.0,
            -3.0,
            0.5,
            2.25,
            1e14,
            999_999_999_999_999.0,
            1e15,
            1e16,
            1e300,
            -7.5,
            f64::NAN,
            f64::INFINITY,
            0.1 + 0.2,
            123456.789,
        ] {
            assert_eq!(Num(x).to_string(), format!("{x}"), "{x:?}");
        }
    }
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("12000").unwrap(), 12000.0);
        assert_eq!(parse_count("12k").unwrap(), 12000.0);
        assert_eq!(parse_count("10M").unwrap(), 1e7);
        assert_eq!(parse_count("1.5B").unwrap(), 1.5e9);
        assert_eq!(parse_count("1_000").unwrap(), 1000.0);
        assert!(parse_count("10m").unwrap_err().contains("ambiguous"));
        assert!(parse_count("ten").is_err());
        assert!(parse_count("10 X").is_err());
        assert!(parse_count("-5").is_err());
        assert!(parse_count("").is_err());
    }

    #[test]
    fn numbers_keep_three_significant_figures() {
        assert_eq!(trim_num(1250.0), "1250");
        assert_eq!(trim_num(12345.0), "12300");
        assert_eq!(trim_num(-99_960.0), "-100000");
        assert_eq!(trim_num(434_031_250_000_000_064.0), "434000000000000000");
        assert_eq!(trim_num(434_031_249_999_999_936.0), "434000000000000000");
        assert_eq!(trim_num(11.6), "11.6");
        assert_eq!(trim_num(0.25), "0.25");
        assert_eq!(fmt_count(11_574.07), "11.6k");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), 0.25);
        assert_eq!(parse_duration("2s").unwrap(), 2.0);
        assert_eq!(parse_duration("5m").unwrap(), 300.0);
        assert_eq!(parse_duration("1h").unwrap(), 3600.0);
        assert_eq!(parse_duration("7d").unwrap(), 604_800.0);
        assert_eq!(parse_duration("5y").unwrap(), 5.0 * 365.0 * 86_400.0);
        assert!(parse_duration("200").unwrap_err().contains("no unit"));
        assert!(parse_duration("3 parsecs").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("500GB").unwrap(), 5e11);
        assert_eq!(parse_size("20TB").unwrap(), 2e13);
        assert_eq!(parse_size("1.5PB").unwrap(), 1.5e15);
        assert_eq!(parse_size("1KiB").unwrap(), 1024.0);
        assert_eq!(parse_size("2GiB").unwrap(), 2.0 * 1024f64.powi(3));
        assert!(parse_size("20tb").unwrap_err().contains("TB"));
        assert!(parse_size("20").is_err());
    }

    #[test]
    fn percents_ratios_growth() {
        assert!((parse_percent("99.99%").unwrap() - 0.9999).abs() < 1e-12);
        assert!((parse_percent("99.99").unwrap() - 0.9999).abs() < 1e-12);
        assert!(parse_percent("101%").is_err());
        assert!(parse_percent("high").is_err());
        let e = parse_percent("0.999").unwrap_err();
        assert!(e.contains("`99.9%`"), "{e}");
        assert!(parse_percent("0.5%").is_ok());
        assert!(parse_percent("1").is_ok());
        assert_eq!(parse_ratio("100:1").unwrap(), (100.0, 1.0));
        assert_eq!(parse_ratio("4").unwrap(), (4.0, 1.0));
        assert!(parse_ratio("100/1").is_err());
        assert_eq!(parse_growth("2x").unwrap(), Growth::Factor(2.0));
        assert_eq!(parse_growth("5TB").unwrap(), Growth::Bytes(5e12));
        assert_eq!(parse_growth("20%").unwrap(), Growth::Factor(1.2));
        assert!(parse_growth("lots").is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_count(11_574.07), "11.6k");
        assert_eq!(fmt_count(34_722.2), "34.7k");
        assert_eq!(fmt_count(950.0), "950");
        assert_eq!(fmt_count(3_500_000.0), "3.5M");
        assert_eq!(fmt_size(2e13), "20TB");
        assert_eq!(fmt_duration(0.25), "250ms");
        assert_eq!(fmt_duration(-0.0), "0ms");
        assert_eq!(fmt_duration(0.0), "0ms");
        assert_eq!(fmt_duration(1.5), "1.5s");
        assert_eq!(fmt_duration(100.0), "1m 40s");
        assert_eq!(fmt_duration(300.0), "5m");
        assert_eq!(fmt_duration(5400.0), "1h 30m");
        assert_eq!(fmt_duration(7.0 * 86_400.0), "7d");
        assert_eq!(fmt_duration(36.0 * 3600.0), "1d 12h");
        assert_eq!(fmt_duration(3.0 * 365.0 * 86_400.0), "3y");
        assert_eq!(fmt_duration(-0.2), "-200ms");
        assert_eq!(fmt_percent(0.9999), "99.99%");
        assert_eq!(fmt_percent(0.999), "99.9%");
        assert_eq!(fmt_percent(0.999_999_999), "99.9999%");
        assert_eq!(fmt_percent(1.0), "100%");
    }
}
