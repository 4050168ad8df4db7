//! Any bytes as a training log, read by content as a pipe would give them: FIT, GPX, TCX,
//! CSV, and the same inside a gzip or a zip (the first byte picks the wrapping). Refused
//! with an error, or read and summarised; never a panic, a hang or an allocation past the
//! limits.
#![no_main]

use std::io::Write;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use runback::training::{self, Limits};

const LIMITS: Limits = Limits {
    file_bytes: 1 << 20,
    archive_bytes: 4 << 20,
    files: 64,
};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// A zip of the bytes as `activities/1.fit` (stored), beside an activities.csv naming it
/// and files outside the zip.
fn zip(bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("activities/1.fit", stored).unwrap();
    z.write_all(bytes).unwrap();
    z.start_file("activities.csv", stored).unwrap();
    z.write_all(
        b"Activity ID,Activity Date,Activity Type,Distance,Filename\n\
          1,\"Nov 2, 2026, 7:00:00 AM\",Run,,activities/1.fit\n\
          2,\"Nov 3, 2026, 7:00:00 AM\",Run,,../../etc/passwd\n\
          3,\"Nov 4, 2026, 7:00:00 AM\",Run,,activities.csv\n",
    )
    .unwrap();
    z.finish().unwrap().into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let bytes = match pick % 4 {
        0 | 1 => rest.to_vec(),
        2 => gzip(rest),
        _ => zip(rest),
    };
    let Ok(log) = training::read_bytes("fuzz", bytes, LIMITS) else {
        return;
    };
    assert!(!log.activities.is_empty());
    for a in &log.activities {
        assert!(a.distance_m.is_none_or(|d| d.is_finite() && (0.0..=5e6).contains(&d)));
        assert!(a.duration_s.is_none_or(|t| t.is_finite() && t >= 0.0));
        assert!(!a.sport.chars().any(char::is_control));
    }
    let s = training::summarise(&log, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    assert_eq!(s.weeks.len(), training::WEEKS);
    serde_json::to_string(&s).unwrap();
});
