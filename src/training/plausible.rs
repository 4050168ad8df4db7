//! Values no session can have: a run of a billion kilometres, a walk of a year, a run at
//! the speed of a car. Such a value is a unit mistake, a broken device or a hostile file;
//! it is dropped (the session still counts), with a warning naming the file, so it never
//! feeds the figures or the answers.

use std::collections::BTreeMap;

use super::{Activity, Kind, Skipped};

/// The longest distance, in metres, one recorded session of a kind can cover: the longest
/// non-stop runs and walks are a few hundred kilometres, the longest swims tens, the
/// longest rides a few thousand.
fn max_distance_m(kind: Kind) -> f64 {
    match kind {
        Kind::Run | Kind::Walking => 1_000_000.0,
        Kind::Swimming => 100_000.0,
        _ => 5_000_000.0,
    }
}

/// The longest one recorded session can last, in seconds: two weeks on foot (the longest
/// mountain races take under a week), thirty days for anything else.
fn max_duration_s(kind: Kind) -> f64 {
    match kind {
        Kind::Run | Kind::Walking => 14.0 * 86_400.0,
        _ => 30.0 * 86_400.0,
    }
}

/// The fastest average speed, in metres a second, a session of a kind can have: 12 m/s
/// on foot is faster than the 100 m world record's average; none for kinds whose speed
/// says nothing (strength, yoga, other sports such as skiing or sailing).
fn max_speed(kind: Kind) -> Option<f64> {
    match kind {
        Kind::Run | Kind::Walking => Some(12.0),
        Kind::Swimming => Some(5.0),
        Kind::Cycling => Some(40.0),
        _ => None,
    }
}

/// The most climbing one session can have, in metres (the longest mountain races climb
/// about 25,000 m).
const MAX_ASCENT_M: f64 = 50_000.0;

/// What was wrong with one activity, in words, when anything was; the value is dropped.
fn tidy(a: &mut Activity) -> Option<String> {
    let what = a.kind.name();
    let mut wrong = None;
    if let Some(d) = a.distance_m.filter(|&d| d > max_distance_m(a.kind)) {
        a.distance_m = None;
        wrong.get_or_insert(format!(
            "a {what} of {:.0} km is longer than anyone can go in one session: its distance \
             is left out",
            d / 1000.0
        ));
    }
    if let Some(t) = a.duration_s.filter(|&t| t > max_duration_s(a.kind)) {
        a.duration_s = None;
        wrong.get_or_insert(format!(
            "a {what} of {:.0} days is longer than one session can last: its time is left out",
            t / 86_400.0
        ));
    }
    if let (Some(d), Some(t), Some(max)) = (a.distance_m, a.duration_s, max_speed(a.kind))
        && t > 0.0
        && d / t > max
    {
        a.distance_m = None;
        wrong.get_or_insert(format!(
            "a {what} of {:.1} km in {} is faster than anyone can go: its distance is left out",
            d / 1000.0,
            clock(t)
        ));
    }
    if let Some(up) = a.ascent_m.filter(|&up| up > MAX_ASCENT_M) {
        a.ascent_m = None;
        wrong.get_or_insert(format!(
            "a climb of {up:.0} m in one session is more than any route has: its ascent is \
             left out"
        ));
    }
    wrong
}

/// Seconds as `1:02:03` or `12:03`.
fn clock(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, m, s) => format!("{m}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
}

/// Drops every value no session can have, and adds one warning for each file that had
/// any: its first such value, and how many more.
pub fn check(activities: &mut [Activity], warnings: &mut Vec<Skipped>) {
    let mut by_file: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for a in activities.iter_mut() {
        if let Some(why) = tidy(a) {
            by_file
                .entry(a.source.clone())
                .and_modify(|(_, n)| *n += 1)
                .or_insert((why, 1));
        }
    }
    for (file, (why, n)) in by_file {
        let reason = match n {
            1 => why,
            n => format!(
                "{why} (and in {} more session{} of this file)",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        warnings.push(Skipped { file, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn run(kind: Kind, km: f64, seconds: f64) -> Activity {
        Activity {
            start: Utc.with_ymd_and_hms(2026, 11, 1, 7, 0, 0).unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            kind,
            sport: kind.name().into(),
            distance_m: Some(km * 1000.0),
            duration_s: Some(seconds),
            ascent_m: Some(100.0),
            gear: None,
            source: "log.csv".into(),
        }
    }

    #[test]
    fn real_sessions_keep_every_value() {
        for a in [
            run(Kind::Run, 10.0, 3000.0),
            // A 100 km ultra in 7 hours; a fast 5 km at 3 min/km.
            run(Kind::Run, 100.0, 7.0 * 3600.0),
            run(Kind::Run, 5.0, 900.0),
            run(Kind::Cycling, 600.0, 24.0 * 3600.0),
            run(Kind::Other, 50.0, 600.0),
        ] {
            let mut b = a.clone();
            assert_eq!(tidy(&mut b), None, "{a:?}");
            assert_eq!(a, b);
        }
    }

    #[test]
    fn impossible_distances_times_and_speeds_are_dropped_and_named() {
        let mut all = vec![
            run(Kind::Run, 1e9, 3600.0),
            run(Kind::Run, 10.0, 1e9),
            run(Kind::Run, 42.0, 600.0),
            run(Kind::Run, 10.0, 3000.0),
        ];
        all[3].source = "other.fit".into();
        let mut warnings = Vec::new();
        check(&mut all, &mut warnings);
        assert_eq!(all[0].distance_m, None);
        assert_eq!(all[0].duration_s, Some(3600.0));
        assert_eq!(all[1].duration_s, None);
        assert_eq!(all[1].distance_m, Some(10_000.0));
        assert_eq!(all[2].distance_m, None, "42 km in 10 minutes");
        assert_eq!(all[3].distance_m, Some(10_000.0));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].file, "log.csv");
        assert!(
            warnings[0].reason.contains("1000000000 km")
                && warnings[0].reason.contains("2 more sessions"),
            "{}",
            warnings[0].reason
        );
    }
}
