//! Activity lists as CSV: Strava's `activities.csv`, Garmin Connect's export in its
//! languages, and intervals.icu's. Columns are found by header name (and, for Strava's
//! two `Distance` columns, by occurrence), never by position.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::Parsed;
use super::kind::classify;

/// How the refusal of a CSV in an unknown layout begins: in a folder or an archive such a
/// file (a profile, a list of photos) is passed over without a word.
pub const UNKNOWN_LAYOUT: &str = "a CSV with columns runback does not know";

/// Which export a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Strava's bulk export `activities.csv` (times in UTC).
    Strava,
    /// Garmin Connect's activity list (local times), in some language.
    Garmin {
        /// Whether numbers use a decimal comma (every language but English).
        decimal_comma: bool,
    },
    /// intervals.icu's activities CSV (local times, metres).
    Intervals,
}

/// One row, with the activity file it names (Strava's `Filename`), if any.
#[derive(Debug, Clone)]
pub struct Row {
    /// The activity.
    pub activity: Parsed,
    /// The file the row names, relative to the CSV's folder.
    pub file: Option<String>,
}

/// Garmin Connect's column names in English, German, French, Spanish, Dutch and Italian.
const GARMIN_TYPE: &[&str] = &[
    "Activity Type",
    "Aktivitätstyp",
    "Type d'activité",
    "Tipo de actividad",
    "Activiteittype",
    "Tipo di attività",
];
const GARMIN_DATE: &[&str] = &["Date", "Datum", "Fecha", "Data"];
const GARMIN_DISTANCE: &[&str] = &["Distance", "Distanz", "Distancia", "Afstand", "Distanza"];
const GARMIN_TIME: &[&str] = &["Time", "Zeit", "Durée", "Tiempo", "Tijd", "Tempo"];
const GARMIN_ASCENT: &[&str] = &[
    "Total Ascent",
    "Anstieg gesamt",
    "Ascension totale",
    "Ascenso total",
    "Totale stijging",
    "Salita totale",
];

/// The position of the `nth` column named `name` (0 for the first).
fn column(headers: &[String], names: &[&str], nth: usize) -> Option<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        .nth(nth)
        .map(|(i, _)| i)
}

/// Which export the headers are from, if any runback knows.
pub fn layout(headers: &[String]) -> Option<Layout> {
    let has = |names: &[&str]| column(headers, names, 0).is_some();
    if has(&["Activity Date"]) && has(&["Activity Type"]) && has(&["Distance"]) {
        return Some(Layout::Strava);
    }
    if has(&["start_date_local"]) && has(&["type"]) {
        return Some(Layout::Intervals);
    }
    let english = has(&["Activity Type"]) && has(&["Date"]);
    if has(GARMIN_TYPE) && has(GARMIN_DATE) && has(GARMIN_DISTANCE) {
        return Some(Layout::Garmin {
            decimal_comma: !english,
        });
    }
    None
}

/// A number as the export writes it: `--` or empty is unknown; thousands separators and a
/// decimal comma are understood.
fn number(text: &str, decimal_comma: bool) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if t.is_empty() || t.chars().all(|c| c == '-') {
        return None;
    }
    let t = if decimal_comma {
        t.replace('.', "").replace(',', ".")
    } else {
        t.replace(',', "")
    };
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `1:02:03`, `45:12`, `45:12.3` or plain seconds.
fn duration(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.contains(':') {
        let mut total = 0.0;
        for part in t.split(':') {
            total = total * 60.0 + part.replace(',', ".").parse::<f64>().ok()?;
        }
        Some(total)
    } else {
        number(t, false)
    }
}

/// Strava's dates: `Oct 7, 2020, 2:43:11 PM`, and the other forms its exports use.
fn strava_date(text: &str) -> Option<DateTime<Utc>> {
    const FORMATS: [&str; 4] = [
        "%b %d, %Y, %I:%M:%S %p",
        "%d %b %Y, %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ];
    let t = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(t) {
        return Some(t.with_timezone(&Utc));
    }
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(|n| n.and_utc())
}

/// A local time as Garmin Connect and intervals.icu write it.
fn local_date(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 5] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
    ];
    let t = text.trim();
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
}

/// Reads the rows of a CSV in a known layout. A row without a readable date is left out;
/// a file where no row has one is refused.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| format!("not a CSV file runback can read: {e}"))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let Some(layout) = layout(&headers) else {
        let first: Vec<String> = headers
            .iter()
            .take(6)
            .map(|h| crate::clean::clean(h).into_owned())
            .collect();
        return Err(format!(
            "{UNKNOWN_LAYOUT} ({}{}); expected a Strava, Garmin Connect or intervals.icu activity export",
            first.join(", "),
            if headers.len() > 6 { ", ..." } else { "" }
        ));
    };
    let col = |names: &[&str], nth: usize| column(&headers, names, nth);
    let (date, kind, distance, metres, time, ascent, gear, file) = match layout {
        Layout::Strava => (
            col(&["Activity Date"], 0),
            col(&["Activity Type"], 0),
            col(&["Distance"], 0),
            col(&["Distance"], 1),
            col(&["Moving Time"], 0).or(col(&["Elapsed Time"], 0)),
            col(&["Elevation Gain"], 0),
            col(&["Activity Gear"], 0),
            col(&["Filename"], 0),
        ),
        Layout::Intervals => (
            col(&["start_date_local"], 0),
            col(&["type"], 0),
            None,
            col(&["distance", "icu_distance"], 0),
            col(&["moving_time", "elapsed_time"], 0),
            col(&["total_elevation_gain", "elevation_gain"], 0),
            col(&["gear", "gear_name"], 0),
            None,
        ),
        Layout::Garmin { .. } => (
            col(GARMIN_DATE, 0),
            col(GARMIN_TYPE, 0),
            col(GARMIN_DISTANCE, 0),
            None,
            col(GARMIN_TIME, 0),
            col(GARMIN_ASCENT, 0),
            None,
            None,
        ),
    };
    let comma = matches!(
        layout,
        Layout::Garmin {
            decimal_comma: true
        }
    );
    let mut rows = Vec::new();
    let mut undated = None;
    for (i, record) in reader.byte_records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 2))?;
        let field = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .filter(|s| !s.trim().is_empty())
        };
        let when = field(date).unwrap_or_default();
        let (start, local) = match layout {
            Layout::Strava => (strava_date(&when), None),
            _ => {
                let local = local_date(&when);
                (local.map(|l| l.and_utc()), local)
            }
        };
        let Some(start) = start else {
            undated.get_or_insert((i + 2, when));
            continue;
        };
        let sport = field(kind).unwrap_or_else(|| "unknown".into());
        // Strava: the second `Distance` is in metres; the first is in the account's unit.
        let distance_m = match layout {
            Layout::Strava => field(metres).and_then(|m| number(&m, false)).or_else(|| {
                field(distance)
                    .and_then(|d| number(&d, false))
                    .map(|km| km * 1000.0)
            }),
            Layout::Intervals => field(metres).and_then(|m| number(&m, false)),
            Layout::Garmin { .. } => field(distance)
                .and_then(|d| number(&d, comma))
                .map(|km| km * 1000.0),
        };
        rows.push(Row {
            activity: Parsed {
                start,
                offset: None,
                local,
                kind: classify(&sport),
                sport,
                distance_m,
                duration_s: field(time).and_then(|t| duration(&t)),
                ascent_m: field(ascent).and_then(|a| number(&a, comma)),
                gear: field(gear).map(|g| g.trim().to_string()),
                warning: None,
            },
            file: field(file).map(|f| f.trim().to_string()),
        });
    }
    if rows.is_empty() {
        return Err(match undated {
            Some((row, text)) => format!(
                "no row has a date runback can read (row {row}: \"{}\")",
                crate::clean::clean(&text)
            ),
            None => "the CSV has no activities".to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_english_and_with_a_decimal_comma() {
        assert_eq!(number("10.03", false), Some(10.03));
        assert_eq!(number("1,234.5", false), Some(1234.5));
        assert_eq!(number("10,03", true), Some(10.03));
        assert_eq!(number("1.234,5", true), Some(1234.5));
        assert_eq!(number("--", true), None);
        assert_eq!(number("", false), None);
    }

    #[test]
    fn strava_dates_and_durations() {
        let d = strava_date("Oct 7, 2020, 2:43:11 PM").unwrap();
        assert_eq!(d.to_rfc3339(), "2020-10-07T14:43:11+00:00");
        assert_eq!(duration("1:02:03"), Some(3723.0));
        assert_eq!(duration("45:12,5"), Some(2712.5));
        assert_eq!(duration("3600"), Some(3600.0));
    }
}
