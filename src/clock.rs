//! Today's date, read here at the edge and passed into the linter, which reads no
//! clock: `ARCHLINT_TODAY=YYYY-MM-DD` when set (tests, reproducible runs), else the
//! system clock (UTC).

use archlint_core::model::Date;

/// Today, or why `ARCHLINT_TODAY` cannot be read (a usage error for every command).
pub(crate) fn today() -> Result<Date, String> {
    match std::env::var("ARCHLINT_TODAY") {
        Ok(v) => Date::parse(&v)
            .ok_or_else(|| format!("ARCHLINT_TODAY=`{v}` is not a date; write it as YYYY-MM-DD")),
        Err(std::env::VarError::NotPresent) => Ok(system_today()),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err("ARCHLINT_TODAY is not a date; write it as YYYY-MM-DD".into())
        }
    }
}

/// The language server asks at every lint, so that a session running past midnight
/// sees the new day. `main` has already refused a malformed `ARCHLINT_TODAY`.
pub(crate) fn today_for_server() -> Date {
    today().unwrap_or_else(|_| system_today())
}

fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}
