//! Today's date for a report, without a calendar dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// The last second of 9999-12-31 UTC, the last day a `YYYY-MM-DD` date can show.
pub const LAST_SECOND: i64 = 253_402_300_799;

/// Why `SOURCE_DATE_EPOCH` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "SOURCE_DATE_EPOCH is {}, which is not a date from 1970 to 9999; set it to whole seconds since 1970-01-01 UTC (0 to {LAST_SECOND}), or unset it",
    crate::clean::clean(.value)
)]
pub struct DateError {
    /// The variable's value, as set.
    pub value: String,
}

/// Today as `YYYY-MM-DD` in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set, so a
/// report can be reproduced byte for byte. A value that is not whole seconds between
/// 1970 and the end of 9999 is refused rather than turned into a malformed date, as the
/// reproducible-builds specification asks; an empty one counts as unset.
pub fn today() -> Result<String, DateError> {
    Ok(ymd(now()?.div_euclid(86_400)))
}

/// Seconds since 1970 now, or `SOURCE_DATE_EPOCH` when it is set, checked as [`today`]
/// checks it.
pub fn now() -> Result<i64, DateError> {
    let seconds = match std::env::var_os("SOURCE_DATE_EPOCH") {
        Some(value) if !value.is_empty() => {
            let text = value.to_string_lossy();
            text.trim()
                .parse::<i64>()
                .ok()
                .filter(|s| (0..=LAST_SECOND).contains(s))
                .ok_or_else(|| DateError {
                    value: text.into_owned(),
                })?
        }
        _ => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(seconds)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 1970.
pub fn date_time(seconds: i64) -> String {
    let day = seconds.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        ymd(seconds.div_euclid(86_400)),
        day / 3600,
        day % 3600 / 60,
        day % 60
    )
}

/// `22 Nov 2026 at 11:23 UTC`: a moment as a runner reads it.
pub fn readable(seconds: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = ymd(seconds.div_euclid(86_400));
    let mut parts = date.split('-');
    let (year, month, day) = (
        parts.next().unwrap_or_default(),
        parts
            .next()
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(1),
        parts
            .next()
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(1),
    );
    let time = seconds.rem_euclid(86_400);
    format!(
        "{day} {} {year} at {:02}:{:02} UTC",
        MONTHS[(month + 11) % 12],
        time / 3600,
        time % 3600 / 60
    )
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
/// `2 Dec 2026` for `2026-12-02`; anything else as it is.
pub fn readable_day(ymd: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = ymd.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return ymd.to_string();
    };
    match (m.parse::<usize>(), d.parse::<u32>()) {
        (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => ymd.to_string(),
    }
}

/// `YYYY-MM-DD` (UTC) of a moment in seconds since 1970.
pub fn ymd_of(seconds: i64) -> String {
    ymd(seconds.div_euclid(86_400))
}

fn ymd(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::{LAST_SECOND, ymd};

    #[test]
    fn known_days() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(11_016), "2000-02-29");
        assert_eq!(ymd(20_778), "2026-11-21");
        assert_eq!(ymd(-1), "1969-12-31");
        assert_eq!(ymd(LAST_SECOND / 86_400), "9999-12-31");
        assert_eq!(ymd(LAST_SECOND / 86_400 + 1), "10000-01-01");
        assert_eq!(super::date_time(1_795_350_672), "2026-11-22 12:31:12 UTC");
        assert_eq!(super::readable(1_795_350_672), "22 Nov 2026 at 12:31 UTC");
    }
}
