//! Twelve weeks of a log, and the figures it can support.
//!
//! Weeks are seven-day windows ending on the summary's day, week 12 being the last. A
//! figure is given only when the log reaches back over the days it compares (a log that
//! starts last week cannot say how much the distance rose in a month), and figures about
//! recent training only when the log reaches the last 14 days.

use std::collections::BTreeMap;

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{Activity, Figure, Gear, Kind, Log, Spike, Summary, WEEKS, Week};

/// A run this much longer than the longest of the 30 days before it is a spike
/// (Frandsen et al. 2025: the risk rises from 10 % longer).
const SPIKE_RATIO: f64 = 1.10;

/// Runs climbing this many metres a kilometre or more count as hilly.
const HILLY_M_PER_KM: f64 = 15.0;

/// The days a run is compared against.
const LOOKBACK_DAYS: u64 = 30;

fn km(a: &Activity) -> f64 {
    a.distance_m.unwrap_or(0.0) / 1000.0
}

fn runs(log: &Log) -> impl Iterator<Item = &Activity> {
    log.activities.iter().filter(|a| a.kind == Kind::Run)
}

/// A run's start, and the longest run of its day that started no later (kilometres).
type Started = (DateTime<Utc>, Option<f64>);

/// The runs of the days a figure can look at, by day, each day's in start order with the
/// longest run so far, so the longest run of the 30 days before any run is found in at
/// most 31 look-ups: the summary's work grows with the log, not with its square.
struct Days30 {
    by_day: BTreeMap<NaiveDate, Vec<Started>>,
    first: Option<NaiveDate>,
}

#[cfg(test)]
thread_local! {
    /// Days looked at, to check the work stays linear.
    static LOOKUPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Days30 {
    /// Runs on the days `from..=to`.
    fn new(log: &Log, first: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> Days30 {
        let mut by_day: BTreeMap<NaiveDate, Vec<Started>> = BTreeMap::new();
        for a in runs(log).filter(|a| a.date >= from && a.date <= to) {
            by_day
                .entry(a.date)
                .or_default()
                .push((a.start, Some(km(a)).filter(|&k| k > 0.0)));
        }
        for day in by_day.values_mut() {
            day.sort_by_key(|&(start, _)| start);
            let mut longest: Option<f64> = None;
            for (_, k) in day.iter_mut() {
                longest = match (longest, *k) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                *k = longest;
            }
        }
        Days30 { by_day, first }
    }

    /// The longest run of the 30 days before `run` (that started before it), when the log
    /// covers them.
    fn longest_before(&self, run: &Activity) -> Option<f64> {
        let from = run.date.checked_sub_days(Days::new(LOOKBACK_DAYS))?;
        if self.first? > from {
            return None;
        }
        let mut longest: Option<f64> = None;
        for (_, day) in self.by_day.range(from..=run.date) {
            #[cfg(test)]
            LOOKUPS.with(|n| n.set(n.get() + 1));
            let before = day.partition_point(|&(start, _)| start < run.start);
            if let Some(&(_, Some(k))) = before.checked_sub(1).and_then(|i| day.get(i)) {
                longest = Some(longest.map_or(k, |l: f64| l.max(k)));
            }
        }
        longest
    }

    fn spike_of(&self, run: &Activity) -> Option<Spike> {
        let before = self.longest_before(run)?;
        let this = km(run);
        (this > before * SPIKE_RATIO).then(|| Spike {
            date: run.date,
            km: this,
            longest_before_km: before,
            ratio: this / before,
        })
    }
}

/// See [`super::summarise`].
pub fn summarise(log: &Log, as_of: NaiveDate) -> Summary {
    let first = log.activities.iter().map(|a| a.date).min();
    let last = log.activities.iter().map(|a| a.date).max();
    let day = |n: u64| as_of - Days::new(n);
    // Week w (1..=12) is the seven days ending 7 × (12 − w) days before as_of.
    let week_end = |w: usize| day(7 * (WEEKS - w) as u64);
    let week_start = |w: usize| week_end(w) - Days::new(6);
    let covers = |from: NaiveDate| first.is_some_and(|f| f <= from);
    // A day or two past `as_of` is a time zone ahead of the report's, not a stale log.
    let current = last.is_some_and(|l| l >= day(13));
    let in_window = |a: &&Activity, from: NaiveDate, to: NaiveDate| a.date >= from && a.date <= to;

    // Every run of the twelve weeks, in its week, in one pass over the log.
    let start_1 = week_start(1);
    let mut week_runs: Vec<Vec<&Activity>> = vec![Vec::new(); WEEKS];
    for a in runs(log).filter(|a| in_window(a, start_1, as_of)) {
        week_runs[((a.date - start_1).num_days() / 7) as usize].push(a);
    }
    let days = Days30::new(log, first, start_1 - Days::new(LOOKBACK_DAYS), as_of);
    let mut weeks: Vec<Week> = Vec::with_capacity(WEEKS);
    for (w, week_runs) in (1..=WEEKS).zip(week_runs) {
        let (start, end) = (week_start(w), week_end(w));
        let km_week: f64 = week_runs
            .iter()
            .map(|a| km(a))
            .fold(0.0, |total, x| total + x);
        let ascents: Vec<f64> = week_runs.iter().filter_map(|a| a.ascent_m).collect();
        let change_pct = weeks
            .last()
            .filter(|prev| prev.km > 0.0 && covers(prev.start))
            .map(|prev| (km_week / prev.km - 1.0) * 100.0);
        let spikes = week_runs.iter().filter_map(|r| days.spike_of(r)).collect();
        weeks.push(Week {
            start,
            end,
            km: km_week,
            runs: week_runs.len() as u32,
            ascent_m: (!ascents.is_empty()).then(|| ascents.iter().sum()),
            change_pct,
            spikes,
        });
    }

    let recent_from = day(13);
    let recent_runs: Vec<&Activity> = runs(log)
        .filter(|a| in_window(a, recent_from, as_of))
        .collect();
    let biggest_recent_spike = recent_runs
        .iter()
        .filter_map(|r| days.spike_of(r))
        .max_by(|a, b| a.ratio.total_cmp(&b.ratio));
    let run_days: std::collections::BTreeSet<NaiveDate> =
        recent_runs.iter().map(|a| a.date).collect();
    let rest_days_last_14 = (current && covers(recent_from)).then(|| 14 - run_days.len() as u32);

    let mut figures: BTreeMap<String, Figure> = BTreeMap::new();
    let mut put = |name: &str, value: Option<f64>| {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            figures.insert(name.to_string(), Figure::Number(v));
        }
    };
    let four_weeks = day(27);
    let mean = |from: usize, to: usize| {
        weeks[from - 1..to].iter().map(|w| w.km).sum::<f64>() / (to - from + 1) as f64
    };
    if current {
        let month_km = runs(log)
            .filter(|a| in_window(a, four_weeks, as_of))
            .map(km)
            // From +0: an empty `sum` of floats is -0, which prints as "-0".
            .fold(0.0, |total, x| total + x);
        put("weekly_km", covers(four_weeks).then(|| month_km / 4.0));
        let baseline = mean(5, 8);
        put(
            "weekly_km_increase_pct",
            (covers(week_start(5)) && baseline >= 1.0)
                .then(|| (mean(11, 12) / baseline - 1.0) * 100.0),
        );
        let base = mean(7, 10);
        put(
            "heavy_recent_week_ratio",
            (covers(week_start(7)) && base >= 1.0).then(|| weeks[10].km.max(weeks[11].km) / base),
        );
        let comparable: Vec<f64> = recent_runs
            .iter()
            .filter_map(|r| days.longest_before(r).map(|b| (km(r) / b - 1.0) * 100.0))
            .collect();
        let spike_pct = match (recent_runs.is_empty(), comparable.is_empty()) {
            // No run at all in the last two weeks: no run was longer than usual.
            (true, _) if covers(recent_from) => Some(0.0),
            (false, false) => comparable.into_iter().max_by(f64::total_cmp),
            _ => None,
        };
        put("longest_run_spike_pct", spike_pct);
        put(
            "rest_days_per_week",
            rest_days_last_14.map(|d| f64::from(d) / 2.0),
        );
        let month: Vec<&Activity> = runs(log)
            .filter(|a| in_window(a, four_weeks, as_of))
            .filter(|a| a.ascent_m.is_some() && a.distance_m.is_some_and(|d| d > 0.0))
            .collect();
        let hilly = month
            .iter()
            .filter(|a| a.ascent_m.unwrap_or(0.0) / km(a) >= HILLY_M_PER_KM)
            .count();
        put(
            "hilly_share_pct",
            (!month.is_empty()).then(|| hilly as f64 * 100.0 / month.len() as f64),
        );
        let strength_ever = log.activities.iter().any(|a| a.kind == Kind::Strength);
        let strength = log
            .activities
            .iter()
            .filter(|a| a.kind == Kind::Strength && in_window(a, four_weeks, as_of))
            .count();
        put(
            "strength_sessions_per_week",
            (strength_ever && covers(four_weeks)).then(|| strength as f64 / 4.0),
        );
    }

    let mut cross_training: BTreeMap<String, u32> = BTreeMap::new();
    for a in log
        .activities
        .iter()
        .filter(|a| in_window(a, four_weeks, as_of))
    {
        if super::CROSS_TRAINING_KINDS.contains(&a.kind) {
            *cross_training.entry(a.kind.name().to_string()).or_default() += 1;
        }
    }
    if current && !cross_training.is_empty() {
        figures.insert(
            "cross_training_kinds".into(),
            Figure::Kinds(cross_training.keys().cloned().collect()),
        );
    }

    // Shoes: the whole log's kilometres in each named pair, most recently used first.
    let mut gear: Vec<Gear> = Vec::new();
    let mut gear_index: HashMap<&str, usize> = HashMap::new();
    for a in runs(log) {
        let Some(name) = a.gear.as_deref().map(str::trim).filter(|g| !g.is_empty()) else {
            continue;
        };
        match gear_index.get(name) {
            Some(&i) => {
                let g = &mut gear[i];
                g.km += km(a);
                g.last_used = g.last_used.max(a.date);
            }
            None => {
                gear_index.insert(name, gear.len());
                gear.push(Gear {
                    name: name.to_string(),
                    km: km(a),
                    last_used: a.date,
                });
            }
        }
    }
    gear.sort_by(|a, b| b.last_used.cmp(&a.last_used).then(a.name.cmp(&b.name)));
    if let Some(latest) = runs(log)
        .filter(|a| a.gear.is_some())
        .max_by_key(|a| a.start)
        && let Some(g) = gear
            .iter()
            .find(|g| Some(g.name.as_str()) == latest.gear.as_deref().map(str::trim))
    {
        figures.insert("shoe_km".into(), Figure::Number(g.km));
    }

    Summary {
        as_of,
        weeks,
        biggest_recent_spike,
        rest_days_last_14,
        gear,
        cross_training,
        first_day: first,
        last_day: last,
        current,
        figures,
        files_read: log.files_read,
        skipped: log.skipped.clone(),
        duplicates: log.duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn run(date: NaiveDate, hour: i64, km: f64) -> Activity {
        let start = Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
            + chrono::TimeDelta::hours(hour);
        Activity {
            start,
            date,
            kind: Kind::Run,
            sport: "Run".into(),
            distance_m: Some(km * 1000.0),
            duration_s: None,
            ascent_m: None,
            gear: Some(format!("shoe {}", hour % 3)),
            source: "t".into(),
        }
    }

    /// The longest run of the 30 days before `run`, by looking at every run.
    fn naive(log: &Log, first: NaiveDate, run: &Activity) -> Option<f64> {
        let from = run.date - Days::new(LOOKBACK_DAYS);
        if first > from {
            return None;
        }
        runs(log)
            .filter(|a| a.date >= from && a.start < run.start && a.date <= run.date)
            .map(km)
            .filter(|&k| k > 0.0)
            .max_by(f64::total_cmp)
    }

    fn random_log(seed: u64, n: usize, as_of: NaiveDate) -> Log {
        let mut x = seed;
        let mut next = move |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let activities = (0..n)
            .map(|_| {
                let date = as_of - Days::new(next(130));
                // Starts a day either side of the date, as time zones can make them.
                run(date, next(72) as i64 - 24, next(300) as f64 / 10.0)
            })
            .collect();
        Log {
            activities,
            ..Log::default()
        }
    }

    #[test]
    fn the_longest_run_before_each_run_is_the_one_a_full_search_finds() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for seed in 0..40 {
            let log = random_log(seed, 300, as_of);
            let first = log.activities.iter().map(|a| a.date).min().unwrap();
            let days = Days30::new(&log, Some(first), as_of - Days::new(113), as_of);
            for r in runs(&log).filter(|a| a.date >= as_of - Days::new(83)) {
                assert_eq!(days.longest_before(r), naive(&log, first, r), "{r:?}");
            }
        }
    }

    #[test]
    fn the_summarys_work_grows_with_the_log_not_its_square() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for n in [1_000, 20_000] {
            let log = random_log(7, n, as_of);
            LOOKUPS.with(|c| c.set(0));
            let s = summarise(&log, as_of);
            assert!(s.weeks.iter().map(|w| w.runs).sum::<u32>() > 0);
            let lookups = LOOKUPS.with(|c| c.get());
            // At most 31 days looked at for each run of the twelve weeks, twice for the
            // last two weeks.
            assert!(lookups <= 31 * 2 * n, "{n} runs: {lookups} look-ups");
        }
    }
}
