//! Reading training logs: every format from files written by other tools (fit-tool, gpxpy;
//! TCX and CSV in the exports' own layouts), the figures against hand-worked examples, and
//! every way a file can be unusable.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use runback::training::{
    self, Activity, Figure, Kind, Limits, Log, Summary, TrainingError, summarise,
};

const DIR: &str = "tests/fixtures/training";

fn fixture(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

fn read(paths: &[PathBuf]) -> Result<Log, TrainingError> {
    training::read(paths, Limits::default())
}

fn only(name: &str) -> Activity {
    let log = read(&[fixture(name)]).unwrap();
    assert_eq!(log.activities.len(), 1, "{name}: {:#?}", log.activities);
    log.activities.into_iter().next().unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn near(a: Option<f64>, b: f64, tolerance: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tolerance)
}

#[test]
fn fit_files_from_different_makers_give_their_session_summary() {
    let run = only("garmin-trail-run.fit");
    assert_eq!(run.kind, Kind::Run);
    assert_eq!(run.sport, "running/trail");
    assert!(near(run.distance_m, 28_000.0, 1.0), "{run:?}");
    assert!(near(run.ascent_m, 420.0, 0.5), "{run:?}");
    assert!(near(run.duration_s, 170.0 * 60.0, 1.0), "{run:?}");
    assert_eq!(run.start.to_rfc3339(), "2026-11-14T07:30:00+00:00");
    assert_eq!(run.date, day("2026-11-14"));
    assert_eq!(only("garmin-trail-run.fit.gz").distance_m, run.distance_m);
    let ride = only("wahoo-ride.fit");
    assert_eq!(ride.kind, Kind::Cycling);
    assert!(near(ride.distance_m, 40_000.0, 1.0));
}

#[test]
fn a_late_run_lands_on_the_local_day_the_file_records() {
    // 23:30 on Thursday 19 Nov in New York is 04:30 on Friday 20 Nov in UTC; the file's
    // activity message gives the offset, whatever this machine's time zone.
    let late = only("coros-treadmill-late.fit");
    assert_eq!(late.start.to_rfc3339(), "2026-11-20T04:30:00+00:00");
    assert_eq!(late.date, day("2026-11-19"));
    assert_eq!(late.kind, Kind::Run, "treadmill running is running");
}

#[test]
fn gpx_gives_distance_from_its_points_and_ascent_only_when_it_has_elevation() {
    let run = only("run-with-elevation.gpx");
    assert_eq!(run.kind, Kind::Run);
    assert!(near(run.distance_m, 10_000.0, 100.0), "{run:?}");
    // A 40 m hill with 1 m wobbles that are not climbs.
    assert!(near(run.ascent_m, 40.0, 3.0), "{run:?}");
    assert_eq!(run.start.to_rfc3339(), "2026-11-17T06:00:00+00:00");
    let flat = only("run-no-elevation.gpx");
    assert_eq!(flat.ascent_m, None, "no elevation is unknown, not flat");
    assert!(near(flat.distance_m, 5_000.0, 60.0));
    let err = read(&[fixture("run-no-time.gpx")]).unwrap_err().to_string();
    assert!(
        err.contains("run-no-time.gpx") && err.contains("no times"),
        "{err}"
    );
}

#[test]
fn tcx_sums_its_laps_and_keeps_its_offset() {
    let run = only("treadmill.tcx");
    assert_eq!(run.kind, Kind::Run);
    assert!(
        near(run.distance_m, 7_000.0, 0.1),
        "laps, not trackpoints: {run:?}"
    );
    assert!(near(run.duration_s, 2_100.0, 0.1));
    assert!(near(run.ascent_m, 10.0, 0.1));
    assert_eq!(run.start.to_rfc3339(), "2026-11-16T17:05:00+00:00");
    assert_eq!(run.date, day("2026-11-16"));
}

#[test]
fn garmin_connect_in_german_with_decimal_commas_and_dashes() {
    let log = read(&[fixture("garmin-connect-de.csv")]).unwrap();
    let by_day = |d: &str| {
        log.activities
            .iter()
            .find(|a| a.date == day(d))
            .unwrap_or_else(|| panic!("{d}: {:#?}", log.activities))
    };
    let run = by_day("2026-11-21");
    assert_eq!(run.kind, Kind::Run);
    assert!(near(run.distance_m, 12_340.0, 0.5), "{run:?}");
    assert!(near(run.ascent_m, 185.0, 0.1));
    assert!(near(run.duration_s, 3_912.0, 0.1));
    let treadmill = by_day("2026-11-19");
    assert_eq!(treadmill.kind, Kind::Run, "Laufbandtraining");
    assert_eq!(treadmill.ascent_m, None, "-- is unknown");
    assert_eq!(by_day("2026-11-18").kind, Kind::Strength);
    let ride = by_day("2026-11-17");
    assert_eq!(ride.kind, Kind::Cycling);
    assert!(near(ride.distance_m, 45_500.0, 0.5));
    assert!(
        near(ride.ascent_m, 1_020.0, 0.1),
        "1.020 is a thousand and twenty"
    );
}

#[test]
fn intervals_icu_gives_metres_gear_and_kinds() {
    let log = read(&[fixture("intervals.csv")]).unwrap();
    let kinds: Vec<Kind> = log.activities.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [Kind::Run, Kind::Run, Kind::Swimming]);
    assert!(near(log.activities[0].distance_m, 10_020.5, 0.01));
    assert_eq!(log.activities[1].gear.as_deref(), Some("Speedgoat 5"));
    assert_eq!(log.activities[1].date, day("2026-11-21"));
}

/// Strava's header with the columns rearranged: the first `Distance` in miles, the second
/// in metres, wherever they stand.
fn strava_csv(header: &[&str], rows: &[&[&str]]) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn strava_distance_columns_are_taken_by_name_and_occurrence_never_by_position() {
    let tmp = tempfile::tempdir().unwrap();
    let usual = strava_csv(
        &[
            "Activity ID",
            "Activity Date",
            "Activity Type",
            "Distance",
            "Elevation Gain",
            "Distance",
        ],
        &[&[
            "1",
            "\"Oct 7, 2020, 2:43:11 PM\"",
            "Run",
            "6.22",
            "",
            "10010.0",
        ]],
    );
    let moved = strava_csv(
        &[
            "Distance",
            "Activity Type",
            "Activity ID",
            "Elevation Gain",
            "Distance",
            "Activity Date",
        ],
        &[&[
            "6.22",
            "Run",
            "1",
            "55",
            "10010.0",
            "\"Oct 7, 2020, 2:43:11 PM\"",
        ]],
    );
    for (name, text, ascent) in [("usual.csv", usual, None), ("moved.csv", moved, Some(55.0))] {
        let log = read(&[write_temp(tmp.path(), name, &text)]).unwrap();
        let a = &log.activities[0];
        assert!(
            near(a.distance_m, 10_010.0, 0.01),
            "{name}: metres, not miles: {a:?}"
        );
        assert_eq!(a.ascent_m, ascent, "{name}: an empty elevation is unknown");
        let expected: DateTime<Utc> = "2020-10-07T14:43:11Z".parse().unwrap();
        assert_eq!(a.start, expected, "{name}");
    }
    // An export with a single Distance column: kilometres.
    let single = strava_csv(
        &["Activity ID", "Activity Date", "Activity Type", "Distance"],
        &[&["1", "\"Oct 7, 2020, 12:00:00 PM\"", "Run", "10.5"]],
    );
    let log = read(&[write_temp(tmp.path(), "single.csv", &single)]).unwrap();
    assert!(near(log.activities[0].distance_m, 10_500.0, 0.01));
}

#[test]
fn the_format_is_told_from_content_not_the_name() {
    let tmp = tempfile::tempdir().unwrap();
    let fit = tmp.path().join("notes.txt");
    std::fs::copy(fixture("garmin-trail-run.fit"), &fit).unwrap();
    let gpx = tmp.path().join("run.fit");
    std::fs::copy(fixture("run-with-elevation.gpx"), &gpx).unwrap();
    let log = read(&[fit, gpx]).unwrap();
    let kinds: Vec<&str> = log.activities.iter().map(|a| a.sport.as_str()).collect();
    assert_eq!(kinds, ["running/trail", "running"]);
}

#[test]
fn a_strava_export_joins_rows_to_their_files_and_counts_a_run_recorded_twice_once() {
    let log = read(&[fixture("strava-export.zip")]).unwrap();
    assert_eq!(log.duplicates, 1, "the phone's GPX of the long run");
    assert_eq!(
        log.files_read, 4,
        "activities.csv, two activity files and the GPX"
    );
    assert!(
        log.skipped.is_empty(),
        "a profile and a photo are not bad files: {:?}",
        log.skipped
    );
    let long: Vec<&Activity> = log
        .activities
        .iter()
        .filter(|a| a.date == day("2026-11-14"))
        .collect();
    assert_eq!(long.len(), 1, "{long:#?}");
    let long = long[0];
    assert_eq!(
        long.gear.as_deref(),
        Some("Speedgoat 5"),
        "from the CSV row"
    );
    assert!(
        near(long.ascent_m, 420.0, 0.5),
        "from the FIT file the row names"
    );
    assert_eq!(long.sport, "Trail Run");
    let runs = log
        .activities
        .iter()
        .filter(|a| a.kind == Kind::Run)
        .count();
    assert_eq!(runs, 48);
}

fn run(date: &str, km: f64) -> Activity {
    let d = day(date);
    Activity {
        start: d.and_hms_opt(7, 0, 0).unwrap().and_utc(),
        date: d,
        kind: Kind::Run,
        sport: "Run".into(),
        distance_m: Some(km * 1000.0),
        duration_s: None,
        ascent_m: None,
        gear: None,
        source: "hand".into(),
    }
}

fn log_of(activities: Vec<Activity>) -> Log {
    Log {
        activities,
        files_read: 1,
        skipped: vec![],
        warnings: vec![],
        duplicates: 0,
    }
}

fn number(s: &Summary, name: &str) -> Option<f64> {
    match s.figures.get(name) {
        Some(Figure::Number(n)) => Some(*n),
        _ => None,
    }
}

#[test]
fn the_long_run_spike_against_a_hand_worked_example() {
    // The 30 days before Sat 14 Nov are 15 Oct to 13 Nov: their longest run is 12 km (27
    // Oct), so 18 km is 1.5 times as long, 50 % longer (Frandsen's 30 to 100 % band).
    // Sat 21 Nov's 13 km is compared with 22 Oct to 20 Nov, whose longest is now 18 km:
    // shorter, so no spike. The figure is the larger of the two: 50.
    let s = summarise(
        &log_of(vec![
            run("2026-10-10", 5.0),
            run("2026-10-20", 10.0),
            run("2026-10-27", 12.0),
            run("2026-11-03", 11.0),
            run("2026-11-14", 18.0),
            run("2026-11-21", 13.0),
        ]),
        day("2026-11-22"),
    );
    let spike = s.biggest_recent_spike.as_ref().expect("a spike");
    assert_eq!(spike.date, day("2026-11-14"));
    assert!((spike.ratio - 1.5).abs() < 1e-9);
    assert!((spike.longest_before_km - 12.0).abs() < 1e-9);
    assert!(near(number(&s, "longest_run_spike_pct"), 50.0, 1e-9));
    // The 27 Oct run is 20 % longer than 20 Oct's, but the log starts on 10 Oct, short of
    // the 30 days before it: no comparison, so no spike in its week's chart.
    let oct = s
        .weeks
        .iter()
        .find(|w| w.start <= day("2026-10-27") && w.end >= day("2026-10-27"));
    assert_eq!(oct.unwrap().spikes, []);
    let nov = s
        .weeks
        .iter()
        .find(|w| w.start <= day("2026-11-14") && w.end >= day("2026-11-14"));
    assert_eq!(nov.unwrap().spikes.len(), 1);
    // Rest: runs on 2 of the last 14 days, so 12 rest days, 6 a week.
    assert_eq!(s.rest_days_last_14, Some(12));
    assert!(near(number(&s, "rest_days_per_week"), 6.0, 1e-9));
}

#[test]
fn weekly_figures_against_a_hand_worked_example() {
    // Weeks end on Sundays to 22 Nov. Weeks 5 to 8 (28 Sep to 25 Oct) run 20 km each;
    // weeks 11 and 12 (9 to 22 Nov) 30 and 32 km: (31 / 20 − 1) = 55 % more.
    let mut runs = Vec::new();
    for w in 0..12u64 {
        let monday = day("2026-08-31") + chrono::Days::new(7 * w);
        let km = match w {
            10 => 30.0,
            11 => 32.0,
            _ => 20.0,
        };
        runs.push(run(&(monday + chrono::Days::new(1)).to_string(), km / 2.0));
        runs.push(run(&(monday + chrono::Days::new(4)).to_string(), km / 2.0));
    }
    let s = summarise(&log_of(runs), day("2026-11-22"));
    assert_eq!(s.weeks.len(), 12);
    assert_eq!(s.weeks[0].start, day("2026-08-31"));
    assert_eq!(s.weeks[11].end, day("2026-11-22"));
    assert!(near(number(&s, "weekly_km_increase_pct"), 55.0, 1e-9));
    // Weekly distance: the last four weeks, (20 + 20 + 30 + 32) / 4.
    assert!(near(number(&s, "weekly_km"), 25.5, 1e-9));
    // The heavier of the last two weeks against weeks 7 to 10: 32 / 20.
    assert!(near(number(&s, "heavy_recent_week_ratio"), 1.6, 1e-9));
    assert!(
        near(s.weeks[10].change_pct, 50.0, 1e-9),
        "context: +50 % week on week"
    );
}

#[test]
fn a_log_too_short_or_too_old_gives_no_figure_it_cannot_support() {
    // Ten days of running: nothing to compare a month with.
    let short = summarise(
        &log_of(vec![run("2026-11-13", 5.0), run("2026-11-20", 9.0)]),
        day("2026-11-22"),
    );
    for figure in [
        "weekly_km",
        "weekly_km_increase_pct",
        "heavy_recent_week_ratio",
        "longest_run_spike_pct",
    ] {
        assert_eq!(number(&short, figure), None, "{figure}");
    }
    assert!(short.current);
    // A log that stopped three weeks ago says nothing about now, but its shoes still count.
    let mut old: Vec<Activity> = (0..20)
        .map(|i| {
            run(
                &(day("2026-08-01") + chrono::Days::new(4 * i)).to_string(),
                8.0,
            )
        })
        .collect();
    for a in &mut old {
        a.gear = Some("Pegasus 40".into());
    }
    let stale = summarise(&log_of(old), day("2026-11-22"));
    assert!(!stale.current);
    assert_eq!(
        stale.figures.keys().collect::<Vec<_>>(),
        ["shoe_km"],
        "only the shoes"
    );
    assert!(near(number(&stale, "shoe_km"), 160.0, 1e-9));
}

#[test]
fn unusable_files_are_refused_with_their_name_and_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (fixture("truncated.fit"), "cut short"),
        (fixture("damaged.fit"), "damaged"),
        (
            fixture("not-training.txt"),
            "not a FIT, GPX, TCX or CSV training file",
        ),
        (
            write_temp(tmp.path(), "shoes.csv", "Shoe Name,Brand,Model\nA,B,C\n"),
            "columns runback does not know (Shoe Name, Brand, Model)",
        ),
        (tmp.path().join("missing.fit"), "cannot be read"),
    ];
    for (path, reason) in cases {
        let err = read(std::slice::from_ref(&path)).unwrap_err().to_string();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(err.contains(&name), "{err}");
        assert!(err.contains(reason), "{name}: {err}");
    }
}

fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn a_zip_with_nothing_usable_is_refused_and_names_what_it_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("export.zip");
    zip_of(
        &empty,
        &[
            ("profile.csv", b"Athlete ID,Email,Name\n1,a,b\n"),
            ("media/a.jpg", b"\xff\xd8"),
        ],
    );
    let err = read(&[empty]).unwrap_err().to_string();
    assert!(
        err.contains("export.zip") && err.contains("holds no FIT, GPX, TCX or activity CSV"),
        "{err}"
    );
    let bad = tmp.path().join("bad.zip");
    let truncated = std::fs::read(fixture("truncated.fit")).unwrap();
    zip_of(&bad, &[("activities/1.fit", &truncated)]);
    let err = read(&[bad]).unwrap_err().to_string();
    assert!(
        err.contains("bad.zip")
            && err.contains("1 file skipped")
            && err.contains("activities/1.fit"),
        "{err}"
    );
    let not_zip = write_temp(tmp.path(), "broken.zip", "PK\u{3}\u{4} and then nothing");
    let err = read(&[not_zip]).unwrap_err().to_string();
    assert!(
        err.contains("broken.zip") && err.contains("damaged or cut short"),
        "{err}"
    );
}

#[test]
fn size_limits_hold_for_plain_files_zips_and_gzip_bombs() {
    let tmp = tempfile::tempdir().unwrap();
    let small = Limits {
        file_bytes: 1 << 20,
        archive_bytes: 2 << 20,
        files: 3,
    };
    let big = tmp.path().join("big.gpx");
    // A GPX start, then padding: the format is told from the start, the size from the rest.
    let mut text = b"<gpx version=\"1.1\">".to_vec();
    text.resize((1 << 20) + 1, b' ');
    std::fs::write(&big, text).unwrap();
    let err = training::read(&[big], small).unwrap_err().to_string();
    assert!(
        err.contains("big.gpx") && err.contains("1 MiB limit"),
        "{err}"
    );
    // A FIT header, then 64 MiB of zeros, compress to about 64 KiB: the limit stops the
    // unpacking at 1 MiB.
    let bomb = tmp.path().join("bomb.fit.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&bomb).unwrap(),
        flate2::Compression::best(),
    );
    gz.write_all(b"\x0e\x10\x00\x00\xff\xff\xff\x7f.FIT\x00\x00")
        .unwrap();
    for _ in 0..64 {
        gz.write_all(&vec![0u8; 1 << 20]).unwrap();
    }
    gz.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let err = training::read(&[bomb], small).unwrap_err().to_string();
    assert!(
        err.contains("bomb.fit.gz") && err.contains("once uncompressed"),
        "{err}"
    );
    // A folder with more training files than the limit.
    let many = tmp.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..4 {
        std::fs::copy(fixture("treadmill.tcx"), many.join(format!("{i}.tcx"))).unwrap();
    }
    let err = training::read(&[many], small).unwrap_err().to_string();
    assert!(
        err.contains("many") && err.contains("more than 3 files"),
        "{err}"
    );
}

#[test]
fn in_a_folder_one_bad_file_is_skipped_and_the_rest_still_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("watch");
    std::fs::create_dir_all(dir.join("older")).unwrap();
    std::fs::copy(fixture("garmin-trail-run.fit"), dir.join("a.fit")).unwrap();
    std::fs::copy(fixture("truncated.fit"), dir.join("older/b.fit")).unwrap();
    std::fs::copy(fixture("treadmill.tcx"), dir.join("older/c.tcx")).unwrap();
    std::fs::write(dir.join("photo.jpg"), b"\xff\xd8").unwrap();
    let log = read(&[dir]).unwrap();
    assert_eq!(log.activities.len(), 2);
    assert_eq!(log.files_read, 2);
    assert_eq!(log.skipped.len(), 1, "{:?}", log.skipped);
    assert!(log.skipped[0].file.ends_with("older/b.fit"));
    assert!(log.skipped[0].reason.contains("cut short"));
}

#[test]
fn a_full_export_gives_every_figure_the_rule_base_can_name() {
    let log = read(&[fixture("strava-export.zip")]).unwrap();
    let s = summarise(&log, day("2026-11-22"));
    let mut given: Vec<&str> = s.figures.keys().map(String::as_str).collect();
    let mut all = training::FIGURES.to_vec();
    given.sort_unstable();
    all.sort_unstable();
    assert_eq!(given, all);
}

/// The trail-run fixture with one byte of its per-second records changed, as a bad sector
/// or a broken download would: the file still reads, but its checksum no longer matches.
fn with_a_changed_byte() -> Vec<u8> {
    let mut bytes = std::fs::read(fixture("garmin-trail-run.fit")).unwrap();
    bytes[1000] ^= 0x01;
    bytes
}

#[test]
fn a_fit_file_whose_checksum_does_not_match_is_read_and_named_as_maybe_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let changed = tmp.path().join("changed.fit");
    std::fs::write(&changed, with_a_changed_byte()).unwrap();
    let mut bad_sum = std::fs::read(fixture("garmin-trail-run.fit")).unwrap();
    let last = bad_sum.len() - 1;
    bad_sum[last] ^= 0xff;
    let bad_sum_path = tmp.path().join("bad-sum.fit");
    std::fs::write(&bad_sum_path, bad_sum).unwrap();
    let zip = tmp.path().join("export.zip");
    zip_of(&zip, &[("activities/7.fit", &with_a_changed_byte())]);
    for (path, named) in [
        (&changed, "changed.fit"),
        (&bad_sum_path, "bad-sum.fit"),
        (&zip, "export.zip:activities/7.fit"),
    ] {
        let log = read(std::slice::from_ref(path)).unwrap();
        assert_eq!(log.activities.len(), 1, "{named}: read anyway");
        assert!(near(log.activities[0].distance_m, 28_000.0, 1.0));
        assert_eq!(log.warnings.len(), 1, "{named}: {:?}", log.warnings);
        assert!(log.warnings[0].file.ends_with(named), "{:?}", log.warnings);
        assert!(
            log.warnings[0].reason.contains("may be damaged"),
            "{:?}",
            log.warnings
        );
    }
    // Whole files say nothing.
    for name in [
        "garmin-trail-run.fit",
        "garmin-trail-run.fit.gz",
        "wahoo-ride.fit",
        "coros-treadmill-late.fit",
        "strava-export.zip",
    ] {
        let log = read(&[fixture(name)]).unwrap();
        assert!(log.warnings.is_empty(), "{name}: {:?}", log.warnings);
    }
}
