//! The training-log reader against hostile files, each made here: FIT files with headers
//! and dates no file can have (which crashed the FIT decoder runback once used), exports
//! whose rows name files outside themselves, compression nested to
//! unpack far more than it weighs, impossible values, links that loop and FIFOs.
//! A bad file is named and skipped and the rest read; nothing is read from outside what
//! the runner named; the work stays bounded.

use std::io::Write;
use std::path::{Path, PathBuf};

use runback::training::{self, Limits, Log, TrainingError};

const DIR: &str = "tests/fixtures/training";

fn fixture(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

fn read(paths: &[PathBuf]) -> Result<Log, TrainingError> {
    training::read(paths, Limits::default())
}

/// The FIT CRC-16.
fn crc(mut crc: u16, bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    for &b in bytes {
        for nibble in [b & 0xF, b >> 4] {
            let tmp = T[usize::from(crc & 0xF)];
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ T[usize::from(nibble)];
        }
    }
    crc
}

/// A FIT file of these messages, with a 14-byte header and both checksums right.
fn fit_file(messages: &[u8]) -> Vec<u8> {
    let mut out = vec![14u8, 0x20, 0x08, 0x08];
    out.extend_from_slice(&(messages.len() as u32).to_le_bytes());
    out.extend_from_slice(b".FIT");
    let h = crc(0, &out);
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(messages);
    let c = crc(0, &out[14..]);
    out.extend_from_slice(&c.to_le_bytes());
    out
}

/// Seconds from the FIT epoch (1989-12-31T00:00:00Z) to 2026-11-10T07:00:00Z.
const NOV_10: u32 = 1_794_294_000 - 631_065_600;

/// A session message: a running session starting at `start` (stored as a 64-bit signed
/// number when `wide`), of `metres`; before it, when `odd_field` is set, a definition
/// whose field size is not a whole number of values of its type.
fn session(start: i64, wide: bool, metres: u32, odd_field: bool) -> Vec<u8> {
    let mut m = Vec::new();
    if odd_field {
        // Local type 1, global 0 (file_id), one field of 3 bytes typed uint16; and a
        // message of it.
        m.extend_from_slice(&[0x41, 0, 0, 0, 0, 1, 0, 3, 0x84, 0x01, 1, 2, 3]);
    }
    // Local type 0, global 18 (session): start_time, sport, total_distance.
    let (size, base) = if wide { (8, 0x8E) } else { (4, 0x86) };
    m.extend_from_slice(&[0x40, 0, 0, 18, 0, 3, 2, size, base, 5, 1, 0, 9, 4, 0x86]);
    m.push(0x00);
    if wide {
        m.extend_from_slice(&start.to_le_bytes());
    } else {
        m.extend_from_slice(&(start as u32).to_le_bytes());
    }
    m.push(1); // running
    m.extend_from_slice(&(metres * 100).to_le_bytes());
    m
}

fn good_fit() -> Vec<u8> {
    fit_file(&session(i64::from(NOV_10), false, 10_000, false))
}

#[test]
fn a_fit_file_built_here_reads_as_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("run.fit");
    std::fs::write(&p, good_fit()).unwrap();
    let log = read(&[p]).unwrap();
    assert_eq!(log.activities.len(), 1);
    let run = &log.activities[0];
    assert_eq!(run.start.to_rfc3339(), "2026-11-10T07:00:00+00:00");
    assert_eq!(run.distance_m, Some(10_000.0));
}

#[test]
fn fit_files_with_impossible_headers_or_dates_are_named_and_skipped_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("watch");
    std::fs::create_dir(&dir).unwrap();
    // A header-size byte of 220 in a 16-byte file.
    let mut big_header = vec![220u8, 0x10, 0, 0, 0, 0, 0, 0];
    big_header.extend_from_slice(b".FIT");
    big_header.extend_from_slice(&[0; 4]);
    std::fs::write(dir.join("a-header.fit"), &big_header).unwrap();
    // Session start times stored as 64-bit numbers no date can hold.
    std::fs::write(
        dir.join("b-min.fit"),
        fit_file(&session(i64::MIN, true, 10_000, false)),
    )
    .unwrap();
    std::fs::write(
        dir.join("c-huge.fit"),
        fit_file(&session(10_000_000_000_000_000, true, 10_000, false)),
    )
    .unwrap();
    std::fs::write(dir.join("d-good.fit"), good_fit()).unwrap();
    let log = read(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(log.activities.len(), 1, "{log:#?}");
    assert_eq!(log.skipped.len(), 3, "{:#?}", log.skipped);
    assert!(log.skipped[0].file.ends_with("a-header.fit"));
    assert!(
        log.skipped[0].reason.contains("220 bytes"),
        "{:?}",
        log.skipped
    );
    for s in &log.skipped[1..] {
        assert!(s.reason.contains("FIT file"), "{s:?}");
        assert!(!s.reason.contains("panicked"), "{s:?}");
    }

    // The same inside a zip.
    let zip = tmp.path().join("export.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    for (name, bytes) in [
        ("activities/1.fit", big_header.clone()),
        (
            "activities/2.fit",
            fit_file(&session(i64::MIN, true, 1, false)),
        ),
        ("activities/3.fit", good_fit()),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&bytes).unwrap();
    }
    z.finish().unwrap();
    let log = read(&[zip]).unwrap();
    assert_eq!((log.activities.len(), log.skipped.len()), (1, 2));

    // Nothing readable at all: a clear error naming the folder.
    std::fs::remove_file(dir.join("d-good.fit")).unwrap();
    let err = read(std::slice::from_ref(&dir)).unwrap_err().to_string();
    assert!(
        err.contains("watch") && err.contains("holds no activity runback can read"),
        "{err}"
    );
}

fn runback(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1794700800")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn odd_fit_fields_and_impossible_dates_reach_the_terminal_only_as_runbacks_own_message() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("odd.fit");
    std::fs::write(
        &odd,
        fit_file(&session(i64::from(NOV_10), false, 10_000, true)),
    )
    .unwrap();
    let out = runback(&["training", odd.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("ERROR"), "{stderr}");
    // The file is read, its odd field as bytes.
    assert!(String::from_utf8_lossy(&out.stdout).contains("10"));

    let crash = tmp.path().join("crash.fit");
    std::fs::write(&crash, fit_file(&session(i64::MIN, true, 1, false))).unwrap();
    let out = runback(&["training", crash.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("crash.fit") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

fn gpx(day: &str, km: f64) -> String {
    // Two points `km` apart along a meridian (one degree is 111.195 km).
    let deg = km / 111.195;
    format!(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\"><trk><type>running</type><trkseg>\
         <trkpt lat=\"50.0\" lon=\"8.0\"><time>{day}T07:00:00Z</time></trkpt>\
         <trkpt lat=\"{}\" lon=\"8.0\"><time>{day}T08:00:00Z</time></trkpt>\
         </trkseg></trk></gpx>\n",
        50.0 + deg
    )
}

fn strava_row(id: u32, day: &str, file: &str) -> String {
    format!("{id},\"{day}, 7:00:00 AM\",Run,,,{file}\n")
}

const STRAVA_HEADER: &str =
    "Activity ID,Activity Date,Activity Type,Distance,Elevation Gain,Filename\n";

#[test]
fn an_activity_list_reads_only_files_inside_its_own_folder_and_each_once() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside.gpx");
    std::fs::write(&outside, gpx("2026-11-02", 10.0)).unwrap();
    let export = tmp.path().join("export");
    std::fs::create_dir_all(export.join("activities")).unwrap();
    std::fs::write(export.join("activities/ok.gpx"), gpx("2026-11-03", 8.0)).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, export.join("activities/link.gpx")).unwrap();
    let mut csv = STRAVA_HEADER.to_string();
    csv += &strava_row(1, "Nov 2, 2026", "../outside.gpx");
    csv += &strava_row(2, "Nov 4, 2026", &outside.to_string_lossy());
    csv += &strava_row(3, "Nov 5, 2026", "activities.csv");
    csv += &strava_row(4, "Nov 6, 2026", "activities/link.gpx");
    csv += &strava_row(5, "Nov 3, 2026", "activities/ok.gpx");
    // The list naming itself, row after row: read once, not once a row.
    for i in 0..2_000 {
        csv += &strava_row(100 + i, "Nov 7, 2026", "activities.csv");
    }
    let list = export.join("activities.csv");
    std::fs::write(&list, csv).unwrap();
    let log = read(std::slice::from_ref(&list)).unwrap();
    let by_day = |d: u32| {
        log.activities
            .iter()
            .find(|a| a.date == chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
            .unwrap()
    };
    assert_eq!(by_day(2).distance_m, None, "../ is outside the export");
    assert_eq!(by_day(4).distance_m, None, "an absolute path is outside");
    assert_eq!(by_day(5).distance_m, None);
    assert_eq!(by_day(6).distance_m, None, "a link out of the export");
    assert!((by_day(3).distance_m.unwrap() - 8_000.0).abs() < 50.0);
    let reasons: Vec<String> = log
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.file, s.reason))
        .collect();
    assert!(
        reasons
            .iter()
            .all(|r| r.starts_with(&list.to_string_lossy().into_owned())),
        "{reasons:#?}"
    );
    let outside_named = reasons
        .iter()
        .filter(|r| r.contains("outside the export's folder"))
        .count();
    assert_eq!(
        outside_named,
        if cfg!(unix) { 3 } else { 2 },
        "{reasons:#?}"
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.contains("the activity list itself"))
            .count(),
        1,
        "one warning however many rows name it: {reasons:#?}"
    );
}

/// A zip of `n` entries `k.fit.gz`, each (with `header`) a FIT header and then `mib` MiB of
/// zeros once unpacked: a few KiB each in the zip; and one good FIT file.
fn nested_bomb(path: &Path, n: usize, mib: usize, header: bool) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    if header {
        // A header whose size is what follows: read to its end, every byte unpacked.
        let data = ((mib as u32) << 20) - 16;
        gz.write_all(&[14, 0x10, 0, 0]).unwrap();
        gz.write_all(&data.to_le_bytes()).unwrap();
        gz.write_all(b".FIT\x00\x00").unwrap();
    }
    for _ in 0..mib {
        gz.write_all(&vec![0u8; 1 << 20]).unwrap();
    }
    let bytes = gz.finish().unwrap();
    for i in 0..n {
        z.start_file(
            format!("activities/{i}.fit.gz"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(&bytes).unwrap();
    }
    z.start_file(
        "activities/good.fit",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(&good_fit()).unwrap();
    z.finish().unwrap();
}

#[test]
fn what_a_gzip_inside_a_zip_unpacks_to_counts_against_the_limit_for_the_whole_log() {
    let tmp = tempfile::tempdir().unwrap();
    let bomb = tmp.path().join("bomb.zip");
    nested_bomb(&bomb, 12, 1, true);
    assert!(std::fs::metadata(&bomb).unwrap().len() < 64 << 10);
    let limits = Limits {
        file_bytes: 2 << 20,
        archive_bytes: 4 << 20,
        files: 100,
    };
    let err = training::read(std::slice::from_ref(&bomb), limits)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bomb.zip") && err.contains("4 MiB limit once unpacked"),
        "{err}"
    );
    // Across the whole log: two zips, each under the limit, together over it.
    let half = tmp.path().join("half.zip");
    nested_bomb(&half, 3, 1, true);
    let err = training::read(&[half.clone(), half], limits)
        .unwrap_err()
        .to_string();
    assert!(err.contains("once unpacked"), "{err}");
    // A FIT header that claims more than the limit on one file is refused from its first
    // bytes, and bytes after a FIT file's end are never unpacked.
    let claims = tmp.path().join("claims.fit.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&claims).unwrap(),
        flate2::Compression::best(),
    );
    gz.write_all(b"\x0e\x10\x00\x00\xff\xff\xff\x7f.FIT\x00\x00")
        .unwrap();
    gz.finish().unwrap();
    let err = training::read(&[claims], limits).unwrap_err().to_string();
    assert!(err.contains("2 MiB limit"), "{err}");
    let trailing = tmp.path().join("trailing.fit.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&trailing).unwrap(),
        flate2::Compression::best(),
    );
    gz.write_all(&good_fit()).unwrap();
    for _ in 0..8 {
        gz.write_all(&vec![0u8; 1 << 20]).unwrap();
    }
    gz.finish().unwrap();
    let log = training::read(&[trailing.clone(), trailing], limits).unwrap();
    assert_eq!(
        log.activities.len(),
        1,
        "16 MiB of zeros after it are never read"
    );

    // Zeros that are not a training file at all are refused from their first bytes.
    let zeros = tmp.path().join("zeros.zip");
    nested_bomb(&zeros, 12, 1, false);
    let log = training::read(&[zeros], limits).unwrap();
    assert_eq!(log.activities.len(), 1);
    assert_eq!(log.skipped.len(), 12);
    assert!(log.skipped[0].reason.contains("not a FIT, GPX, TCX or CSV"));
}

#[test]
fn values_no_run_can_have_are_dropped_with_a_warning_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("activities.csv");
    std::fs::write(
        &csv,
        "Activity ID,Activity Date,Activity Type,Distance,Elapsed Time,Filename\n\
         1,\"Nov 2, 2026, 7:00:00 AM\",Run,1000000000,3600,\n\
         2,\"Nov 3, 2026, 7:00:00 AM\",Run,10,3000,\n",
    )
    .unwrap();
    let log = read(std::slice::from_ref(&csv)).unwrap();
    assert_eq!(log.activities.len(), 2);
    assert_eq!(log.activities[0].distance_m, None);
    assert_eq!(log.activities[1].distance_m, Some(10_000.0));
    assert_eq!(log.skipped.len(), 1, "{:?}", log.skipped);
    assert!(log.skipped[0].file.ends_with("activities.csv"));
    assert!(
        log.skipped[0].reason.contains("1000000000 km"),
        "{:?}",
        log.skipped
    );
}

#[cfg(unix)]
#[test]
fn links_in_a_folder_are_followed_only_inside_it_and_each_file_counts_once() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("run.gpx"), gpx("2026-11-02", 10.0)).unwrap();
    symlink(".", dir.join("a")).unwrap();
    symlink(".", dir.join("b")).unwrap();
    symlink(".", dir.join("self")).unwrap();
    symlink("run.gpx", dir.join("again.gpx")).unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("other.gpx"), gpx("2026-11-05", 5.0)).unwrap();
    symlink(&elsewhere, dir.join("out")).unwrap();
    let log = read(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(log.activities.len(), 1, "{:#?}", log.activities);
    assert_eq!((log.files_read, log.duplicates), (1, 0));
    assert_eq!(log.skipped.len(), 1, "{:?}", log.skipped);
    assert!(
        log.skipped[0].file.ends_with("log:out"),
        "{:?}",
        log.skipped
    );
    assert!(log.skipped[0].reason.contains("outside the folder"));
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_named_and_skipped_and_one_named_on_the_command_line_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("run.gpx"), gpx("2026-11-02", 10.0)).unwrap();
    mkfifo(&dir.join("waiting.gpx"));
    let log = read(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(log.activities.len(), 1);
    assert_eq!(log.skipped.len(), 1, "{:?}", log.skipped);
    assert!(log.skipped[0].file.ends_with("waiting.gpx"));
    assert!(log.skipped[0].reason.contains("not a regular file"));

    // Named on its own, a FIFO is read, the bytes the format is told from included.
    let fifo = tmp.path().join("pipe");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(gpx("2026-11-04", 7.0).as_bytes()).unwrap();
        })
    };
    let log = read(std::slice::from_ref(&fifo)).unwrap();
    writer.join().unwrap();
    assert_eq!(log.activities.len(), 1);
    assert!((log.activities[0].distance_m.unwrap() - 7_000.0).abs() < 50.0);

    // A zip through a pipe too.
    let fifo = tmp.path().join("zip-pipe");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let bytes = std::fs::read(fixture("strava-export.zip")).unwrap();
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            f.write_all(&bytes).unwrap();
        })
    };
    let from_pipe = read(std::slice::from_ref(&fifo)).unwrap();
    writer.join().unwrap();
    let from_file = read(&[fixture("strava-export.zip")]).unwrap();
    assert_eq!(from_pipe.activities.len(), from_file.activities.len());
}

#[test]
fn the_bytes_of_any_format_read_as_a_pipe_would_give_them() {
    for name in [
        "garmin-trail-run.fit",
        "garmin-trail-run.fit.gz",
        "run-with-elevation.gpx",
        "treadmill.tcx",
        "intervals.csv",
        "strava-export.zip",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let log = training::read_bytes(name, bytes, Limits::default()).unwrap();
        assert!(!log.activities.is_empty(), "{name}");
    }
    let err = training::read_bytes("x", vec![0; 100], Limits::default()).unwrap_err();
    assert!(err.to_string().contains("not a FIT"), "{err}");
}
