//! runback's own FIT reader against made-up activity files (`benches/training/fit_gen.rs`):
//! each file reads back as the sessions it was written with, whatever parts of the format
//! it uses (developer fields, both byte orders, compressed timestamps, chains, private
//! messages); the runner's day does not depend on the machine's time zone; and every cut
//! or changed byte is read or refused, never a panic.

#[path = "../benches/training/fit_gen.rs"]
mod fit_gen;

use chrono::{DateTime, Datelike, Utc};
use fit_gen::{FIT_EPOCH, Shape, V, Writer, Written, base, global};
use runback::training::{self, Activity, Limits, Log, TrainingError};

fn read(name: &str, bytes: Vec<u8>) -> Result<Log, TrainingError> {
    training::read_bytes(name, bytes, Limits::default())
}

/// The FIT profile's names of the sports and sub-sports the made-up files use.
fn sport_name(sport: u64) -> &'static str {
    match sport {
        1 => "running",
        2 => "cycling",
        3 => "transition",
        5 => "swimming",
        10 => "training",
        11 => "walking",
        _ => panic!("no name for sport {sport}"),
    }
}

fn sub_sport_name(sub: u8) -> &'static str {
    match sub {
        0 => "generic",
        1 => "treadmill",
        2 => "street",
        3 => "trail",
        4 => "track",
        6 => "indoor_cycling",
        7 => "road",
        8 => "mountain",
        17 => "lap_swimming",
        20 => "strength_training",
        30 => "casual_walking",
        58 => "virtual_activity",
        _ => panic!("no name for sub-sport {sub}"),
    }
}

/// What runback should say a session's sport is.
fn sport_of(w: &Written, shape: &Shape) -> String {
    match w.sport {
        Some((sport, 0)) => sport_name(sport).to_string(),
        Some((sport, sub)) => format!("{}/{}", sport_name(sport), sub_sport_name(sub)),
        // The sport message's name field holds 16 bytes.
        None => shape.sport_name.map_or("unknown".to_string(), |name| {
            String::from_utf8_lossy(&name.as_bytes()[..name.len().min(16)]).into_owned()
        }),
    }
}

fn check(n: u64, shape: &Shape, written: &[Written], log: &Log) {
    // With the activity message first, reading stops at the first session.
    let expected = if shape.activity && shape.activity_first {
        &written[..1]
    } else {
        written
    };
    assert_eq!(
        log.activities.len(),
        expected.len(),
        "file {n}: {shape:?}\n{:#?}",
        log.activities
    );
    assert!(log.warnings.is_empty(), "file {n}: {:?}", log.warnings);
    for (a, w) in log.activities.iter().zip(expected) {
        let at = |what: &str| format!("file {n}, {what}: {shape:?}\n{a:#?}\n{w:#?}");
        assert_eq!(a.start.timestamp(), w.start, "{}", at("start"));
        assert_eq!(
            a.distance_m,
            Some(w.centimetres as f64 / 100.0),
            "{}",
            at("distance")
        );
        assert_eq!(
            a.duration_s,
            Some(w.timer_ms as f64 / 1000.0),
            "{}",
            at("time")
        );
        assert_eq!(a.ascent_m, w.ascent.map(|m| m as f64), "{}", at("ascent"));
        assert_eq!(a.sport, sport_of(w, shape), "{}", at("sport"));
        if shape.activity {
            let local = a.start + chrono::Duration::seconds(i64::from(shape.offset));
            assert_eq!(a.date, local.date_naive(), "{}", at("day"));
        }
    }
}

#[test]
fn made_up_files_read_back_as_the_sessions_they_were_written_with() {
    let mut developer = 0;
    for n in 0..240u64 {
        let start = fit_gen::NOV_22 - 86_400 * (1 + n as i64 % 80) + 3_600 * (n as i64 % 17);
        let mut shape = Shape::varied(n, start, n % 2 == 1);
        shape.chained = false;
        developer += u32::from(shape.developer);
        let (bytes, written) = fit_gen::activity_and_sessions(&shape, n);
        let log = read(&format!("{n}.fit"), bytes).unwrap();
        check(n, &shape, &written, &log);
    }
    assert!(developer > 50, "{developer} files with developer fields");
}

/// A run of an hour with the given options, read.
fn run_with(f: impl Fn(&mut Shape)) -> Vec<Activity> {
    let mut shape = Shape::run(1_795_000_000, 3_600);
    f(&mut shape);
    let (bytes, written) = fit_gen::activity_and_sessions(&shape, 7);
    let log = read("run.fit", bytes).unwrap();
    check(7, &shape, &written, &log);
    log.activities
}

#[test]
fn developer_fields_are_stepped_over_by_their_size() {
    // The decoder runback used before refused these files as not valid.
    let with = run_with(|s| s.developer = true);
    let without = run_with(|s| s.developer = false);
    assert_eq!(with, without);
}

#[test]
fn big_endian_definitions_read_as_little_endian_ones_do() {
    assert_eq!(
        run_with(|s| s.big_endian = true),
        run_with(|s| s.big_endian = false)
    );
    assert_eq!(
        run_with(|s| {
            s.big_endian = true;
            s.compressed = true;
            s.smart = true;
            s.header = 12;
        }),
        run_with(|s| {
            s.compressed = true;
            s.smart = true;
        })
    );
}

#[test]
fn a_session_timed_only_by_a_compressed_header_counts_from_the_last_timestamp_of_any_message() {
    // A record with a full timestamp, then a session whose only time is a compressed
    // header's five bits, as the FIT protocol allows.
    let last = 1_794_294_000 - FIT_EPOCH; // 2026-11-10T07:00:00Z
    let mut w = Writer::new();
    w.def(0, global::FILE_ID, false, &[(0, 1, base::ENUM)], &[]);
    w.data(0, &[V::N(4)]);
    w.def(
        0,
        global::RECORD,
        false,
        &[(253, 4, base::UINT32), (5, 4, base::UINT32)],
        &[],
    );
    w.data(0, &[V::N(last as u64), V::N(0)]);
    w.def(
        1,
        global::SESSION,
        false,
        &[(5, 1, base::ENUM), (9, 4, base::UINT32)],
        &[],
    );
    // Five bits that are smaller than the last timestamp's: the time has rolled over.
    let low = (last & 0x1F) as u8;
    let offset = (low + 30) & 0x1F;
    w.compressed(1, offset, &[V::N(1), V::N(1_000_000)]);
    let log = read("compressed.fit", w.finish(14, true)).unwrap();
    let expected = (last & !0x1F) + i64::from(offset) + if offset < low { 32 } else { 0 };
    assert_eq!(log.activities.len(), 1);
    assert_eq!(log.activities[0].start.timestamp(), expected + FIT_EPOCH);
    assert_eq!(log.activities[0].distance_m, Some(10_000.0));
    assert!(expected - last > 0 && expected - last < 32);
}

#[test]
fn every_file_of_a_chain_is_read_until_the_session_and_its_offset_are_known() {
    // A first file with no activity message (no offset), then a second: both sessions.
    let mut first = Shape::run(1_795_000_000, 1_800);
    first.activity = false;
    let mut second = Shape::run(1_795_000_000 + 7_200, 2_400);
    second.header = 12;
    let mut bytes = fit_gen::activity(&first, 1);
    bytes.extend_from_slice(&fit_gen::activity(&second, 2));
    let log = read("chain.fit", bytes.clone()).unwrap();
    let starts: Vec<i64> = log.activities.iter().map(|a| a.start.timestamp()).collect();
    assert_eq!(starts, [1_795_000_000, 1_795_007_200]);
    // The offset the second file gives places both.
    assert!(log.activities.iter().all(|a| a.date.day() == 18));
    // A first file whose activity gives the offset: its own session only, and the second
    // file is never reached (so damage there is never seen).
    let mut bytes = fit_gen::activity(&second, 2);
    let whole = bytes.len();
    bytes.extend_from_slice(&fit_gen::activity(&first, 1));
    bytes.truncate(whole + 100);
    let log = read("chain.fit", bytes).unwrap();
    assert_eq!(log.activities.len(), 1);
    assert!(log.skipped.is_empty());
}

fn runback_day(path: &std::path::Path, tz: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(["training", "-f", "json", path.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1795305600")
        .env("TZ", tz)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["last_day"].as_str().unwrap().to_string()
}

#[test]
fn the_runners_day_comes_from_the_file_whatever_the_machines_time_zone() {
    // 07:30 UTC on Friday 20 November, recorded at UTC-7: 00:30 on the Friday for the
    // runner. (The decoder runback used before placed it on the Thursday on a machine set
    // to Berlin time, whose offset it wrongly subtracted.)
    let start = DateTime::parse_from_rfc3339("2026-11-20T07:30:00Z")
        .unwrap()
        .with_timezone(&Utc)
        .timestamp();
    let mut shape = Shape::run(start, 2_400);
    shape.offset = -7 * 3600;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("late.fit");
    std::fs::write(&path, fit_gen::activity(&shape, 3)).unwrap();
    for tz in ["UTC", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"] {
        assert_eq!(runback_day(&path, tz), "2026-11-20", "TZ={tz}");
    }
}

#[test]
fn a_header_whose_own_checksum_does_not_match_is_refused() {
    let mut bytes = fit_gen::activity(&Shape::run(1_795_000_000, 600), 4);
    bytes[12] ^= 0x01;
    let err = read("bad-header.fit", bytes).unwrap_err().to_string();
    assert!(err.contains("checksum does not match"), "{err}");
}

/// The reasons a FIT file can be refused for.
fn known_reason(err: &str) -> bool {
    [
        "cut short",
        "checksum does not match",
        "not a valid FIT file",
        "no session summary",
        "damaged in a way runback cannot read",
        "12 or 14 is right",
        "no activity",
        "not a FIT, GPX, TCX or CSV",
        "larger than the 64 MiB limit",
    ]
    .iter()
    .any(|r| err.contains(r))
}

#[test]
fn every_cut_and_every_changed_byte_of_a_file_is_read_or_refused_without_a_panic() {
    let mut shape = Shape::run(1_795_000_000, 60);
    shape.developer = true;
    shape.compressed = true;
    shape.sport_name = Some("Easy run");
    let (bytes, written) = fit_gen::activity_and_sessions(&shape, 5);
    let start = written[0].start;
    let mut read_ok = 0;
    for len in 0..bytes.len() {
        match read("cut.fit", bytes[..len].to_vec()) {
            // Cut after the session: the session still counts.
            Ok(log) => {
                assert_eq!(log.activities[0].start.timestamp(), start, "cut at {len}");
                read_ok += 1;
            }
            Err(e) => assert!(known_reason(&e.to_string()), "cut at {len}: {e}"),
        }
    }
    // Without its checksum (the last two bytes) the file still reads whole, and from
    // the end of the session onwards.
    assert!(read_ok >= 2, "{read_ok}");
    let mut changed = 0;
    for at in 0..bytes.len() {
        for value in [0x00, 0xFF, bytes[at] ^ 0x40, bytes[at] ^ 0x80] {
            if value == bytes[at] {
                continue;
            }
            let mut b = bytes.clone();
            b[at] = value;
            match read("changed.fit", b) {
                Ok(log) => {
                    for a in &log.activities {
                        assert!(a.distance_m.is_none_or(f64::is_finite));
                        assert!(!a.sport.chars().any(char::is_control), "{:?}", a.sport);
                    }
                }
                Err(e) => assert!(known_reason(&e.to_string()), "byte {at} = {value}: {e}"),
            }
            changed += 1;
        }
    }
    assert!(changed > 3 * bytes.len(), "{changed}");
}
