//! What the design would be at another scale: `--at 10x` multiplies the
//! load, `--in 3y` compounds `growth_per_year`. Users, request rates (through the user
//! count and the entities' stated rates), `data_volume`, `write_rps` and queue
//! `throughput` are scaled; what the design provides (capacity, replicas) is not.

use super::Architecture;
use super::quantity::{self as q, Growth};

/// A projection as asked on the command line; `--in` needs the model's growth.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectionSpec {
    At(Projection),
    In(String),
}

impl ProjectionSpec {
    pub fn resolve(&self, m: &Architecture) -> Result<Projection, String> {
        match self {
            ProjectionSpec::At(p) => Ok(p.clone()),
            ProjectionSpec::In(d) => Projection::within(d, m),
        }
    }
}

/// A projection: how much the load and the data grow, and how to name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Factor on users, request rates, `write_rps` and queue throughput.
    pub load: f64,
    /// Factor on stored data.
    pub data: f64,
    /// `10x` or `3y`, as JSON's `projected` carries it.
    pub label: String,
    /// `at 10×` or `in 3y`, as messages start.
    pub phrase: String,
}

impl Projection {
    /// `--at FACTOR`: `10x`, `10`, `2.5x`.
    pub fn at(text: &str) -> Result<Projection, String> {
        let t = text.trim();
        let n = t.strip_suffix(['x', 'X', '×']).unwrap_or(t).trim();
        match n.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 && f <= 1e6 => {
                let label = format!("{}x", q::trim_num(f));
                Ok(Projection {
                    load: f,
                    data: f,
                    phrase: format!("at {}×", q::trim_num(f)),
                    label,
                })
            }
            _ => Err(format!(
                "`{text}` is not a scale factor; write it as `10x` (or `10`)"
            )),
        }
    }

    /// `--in DURATION`: `growth_per_year` compounded over the duration (a factor
    /// compounds for load and data; an amount per year adds to the data only).
    pub fn within(text: &str, m: &Architecture) -> Result<Projection, String> {
        let secs = q::parse_duration(text)
            .map_err(|e| format!("`--in {text}`: {e}; write a duration such as `3y` or `18m`"))?;
        let years = secs / (365.0 * 86_400.0);
        let scale = m.requirements.as_ref().and_then(|r| r.scale.as_ref());
        let growth = scale.and_then(|s| s.v.growth_per_year.as_ref()).ok_or_else(|| {
            "`--in` needs `requirements.scale.growth_per_year` (e.g. `2x` or `5TB`); use `--at 10x` to scale by a factor instead".to_string()
        })?;
        let label = text.trim().to_string();
        let phrase = format!("in {label}");
        Ok(match growth.v {
            Growth::Factor(f) => {
                let k = f.powf(years);
                Projection {
                    load: k,
                    data: k,
                    label,
                    phrase,
                }
            }
            Growth::Bytes(b) => {
                let today = scale
                    .and_then(|s| s.v.data_volume.as_ref().map(|d| d.v))
                    .or_else(|| {
                        let sum: f64 = m.components.iter().filter_map(|c| c.more().data_volume.as_ref().map(|d| d.v)).sum();
                        (sum > 0.0).then_some(sum)
                    })
                    .ok_or_else(|| "`--in` with a growth of an amount per year needs a `data_volume` to add it to".to_string())?;
                Projection {
                    load: 1.0,
                    data: (today + b * years) / today,
                    label,
                    phrase,
                }
            }
        })
    }

    /// Apply to a model.
    pub fn apply(&self, m: &mut Architecture) {
        if let Some(s) = m.requirements.as_mut().and_then(|r| r.scale.as_mut()) {
            if let Some(u) = s.v.daily_active_users.as_mut() {
                u.v *= self.load;
            }
            if let Some(d) = s.v.data_volume.as_mut() {
                d.v *= self.data;
            }
        }
        for c in m
            .components
            .iter_mut()
            .filter_map(|c| c.more.as_deref_mut())
        {
            if let Some(d) = c.data_volume.as_mut() {
                d.v *= self.data;
            }
            if let Some(w) = c.write_rps.as_mut() {
                w.v *= self.load;
            }
            if let Some(t) = c.throughput.as_mut() {
                t.v *= self.load;
            }
        }
        for e in &mut m.entities {
            for p in &mut e.access_patterns {
                if let Some(r) = p.rate.as_mut() {
                    *r *= self.load;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors() {
        let p = Projection::at("10x").unwrap();
        assert_eq!(
            (p.load, p.label.as_str(), p.phrase.as_str()),
            (10.0, "10x", "at 10×")
        );
        assert_eq!(Projection::at("2.5").unwrap().label, "2.5x");
        assert!(Projection::at("ten").is_err());
        assert!(Projection::at("0x").is_err());
    }
}
