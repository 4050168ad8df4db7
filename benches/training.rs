//! Reading a training export against only unpacking it: `training::read` of a generated
//! Strava-style export of 150 runs (each a gzipped FIT file, once a second for 30 to 90
//! minutes) against plain gunzip of the same 150 files, on one thread and on every core.
//! The ratio of the two is what BENCHMARKS.md records. Run with
//! `cargo bench --bench training`.
//!
//! On a busy machine wall times wander; `RUNBACK_ROUNDS=N cargo bench --bench training`
//! instead alternates the two on one thread for N rounds and prints the median CPU time
//! of each and their ratio, the figure BENCHMARKS.md gives.
//!
//! `RUNBACK_WRITE_FIT=DIR cargo bench --bench training` writes the generated files instead
//! (see `scripts/bench/fit_compare.sh`): `DIR/export.zip` (the benchmark's export),
//! `DIR/varied/` (FIT files with every option of the format, no developer fields) and
//! `DIR/developer/` (the same with developer fields) and `DIR/small/` (short files of every
//! sort, to seed the `training` fuzz target).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use rayon::prelude::*;

#[path = "training/fit_gen.rs"]
mod fit_gen;

/// Runs in the export.
const RUNS: usize = 150;

/// How many varied files `RUNBACK_WRITE_FIT` writes of each sort.
const VARIED: u64 = 600;

fn main() {
    if let Some(dir) = std::env::var_os("RUNBACK_WRITE_FIT") {
        write_files(Path::new(&dir));
        return;
    }
    if let Some(rounds) = std::env::var("RUNBACK_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        alternate(rounds);
        return;
    }
    divan::main();
}

/// The export: its 150 gzipped FIT files, and the zip holding them with an
/// activities.csv, in a temporary folder made once.
struct Export {
    gz: Vec<Vec<u8>>,
    unpacked: usize,
    zip: PathBuf,
    _dir: tempfile::TempDir,
}

static EXPORT: LazyLock<Export> = LazyLock::new(|| {
    let (files, csv) = fit_gen::export(RUNS, true);
    Export::new(files, &csv)
});

/// For comparison, an export of 150 copies of the one-hour fixture written by fit-tool
/// (few message types, six fields a record), as the training_export benchmark of
/// `benches/runback.rs` builds it.
static FIXTURE_EXPORT: LazyLock<Export> = LazyLock::new(|| {
    let fit = std::fs::read("tests/fixtures/training/garmin-hour-1hz.fit.gz").unwrap();
    let mut csv = String::from(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance,Elevation Gain,Activity Gear\n",
    );
    let mut files = Vec::new();
    let first = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    for i in 0..RUNS {
        let day = first + chrono::Days::new(i as u64);
        let date = format!("{}, 7:00:00 AM", day.format("%b %-d, %Y"));
        csv.push_str(&format!(
            "{i},\"{date}\",Run,Run,10.0,activities/{i}.fit.gz,10000.0,,Pegasus\n"
        ));
        files.push((format!("activities/{i}.fit.gz"), fit.clone()));
    }
    Export::new(files, &csv)
});

impl Export {
    fn new(files: Vec<(String, Vec<u8>)>, csv: &str) -> Export {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("export.zip");
        write_zip(&zip, &files, csv);
        let gz: Vec<Vec<u8>> = files.into_iter().map(|(_, bytes)| bytes).collect();
        let unpacked = gz.iter().map(|g| gunzip(g).len()).sum();
        Export {
            gz,
            unpacked,
            zip,
            _dir: dir,
        }
    }
}

fn write_zip(path: &Path, files: &[(String, Vec<u8>)], csv: &str) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    // As Strava writes it: the gzipped files stored, not compressed again.
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        z.start_file(name.as_str(), stored).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.start_file("activities.csv", stored).unwrap();
    z.write_all(csv.as_bytes()).unwrap();
    z.finish().unwrap();
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(gz.len() * 4);
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// One thread, and every core.
fn threads() -> [usize; 2] {
    [
        1,
        std::thread::available_parallelism().map_or(2, |n| n.get()),
    ]
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// Plain gunzip of the export's 150 files, already in memory, each into a fresh buffer.
#[divan::bench(args = threads(), sample_count = 30)]
fn gunzip_files(bencher: Bencher, threads: usize) {
    let export = &*EXPORT;
    let pool = pool(threads);
    bencher
        .counter(BytesCount::new(export.unpacked))
        .bench(|| pool.install(|| export.gz.par_iter().map(|g| gunzip(g).len()).sum::<usize>()));
}

/// `training::read` of the export zip: every FIT file unzipped, ungzipped and read to its
/// session, the activities.csv read and matched to them.
#[divan::bench(args = threads(), sample_count = 30)]
fn training_read(bencher: Bencher, threads: usize) {
    let export = &*EXPORT;
    let pool = pool(threads);
    let path = export.zip.clone();
    bencher.counter(ItemsCount::new(RUNS)).bench(|| {
        pool.install(|| {
            let log = runback::training::read(
                std::slice::from_ref(&path),
                runback::training::Limits::default(),
            )
            .unwrap();
            assert_eq!(log.activities.len(), RUNS);
            log
        })
    });
}

fn write_files(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let (files, csv) = fit_gen::export(RUNS, true);
    write_zip(&dir.join("export.zip"), &files, &csv);
    for (sub, developer) in [("varied", false), ("developer", true)] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).unwrap();
        for n in 0..VARIED {
            let start = fit_gen::NOV_22 - 86_400 * (1 + (n as i64 % 80)) + 3_600 * (n as i64 % 17);
            let shape = fit_gen::Shape::varied(n, start, developer);
            if developer && !shape.developer {
                continue;
            }
            std::fs::write(d.join(format!("{n}.fit")), fit_gen::activity(&shape, n)).unwrap();
        }
    }
    // Short ones (one to five minutes), small enough to seed the `training` fuzz target.
    let d = dir.join("small");
    std::fs::create_dir_all(&d).unwrap();
    for n in 0..60 {
        let mut shape = fit_gen::Shape::varied(n, fit_gen::NOV_22 - 86_400, n % 2 == 1);
        shape.seconds = 60 + (n as u32 * 37) % 240;
        std::fs::write(d.join(format!("{n}.fit")), fit_gen::activity(&shape, n)).unwrap();
    }
    eprintln!("wrote {}", dir.display());
}

/// CPU time of the whole process so far, in seconds (every thread, user and system).
fn cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Gunzip and `training::read` of each export in turn, `rounds` times, on one thread: the
/// median CPU time of each and their ratio.
fn alternate(rounds: usize) {
    for (name, export) in [
        ("generated export", &*EXPORT),
        ("fixture copies", &*FIXTURE_EXPORT),
    ] {
        let pool = pool(1);
        let (mut gunzips, mut reads) = (Vec::new(), Vec::new());
        // One of each first, to warm the caches and fault the memory in.
        for round in 0..=rounds {
            let t = cpu();
            let n = pool.install(|| export.gz.iter().map(|g| gunzip(g).len()).sum::<usize>());
            let g = cpu() - t;
            assert_eq!(n, export.unpacked);
            let t = cpu();
            let log = pool.install(|| {
                runback::training::read(
                    std::slice::from_ref(&export.zip),
                    runback::training::Limits::default(),
                )
                .unwrap()
            });
            let r = cpu() - t;
            assert_eq!(log.activities.len(), RUNS);
            if round > 0 {
                gunzips.push(g);
                reads.push(r);
            }
        }
        let (g, r) = (median(gunzips), median(reads));
        println!(
            "{name}: {RUNS} files, {:.1} MB unpacked, {rounds} rounds, one thread, CPU time \
             medians: gunzip {:.1} ms, training::read {:.1} ms, ratio {:.2}",
            export.unpacked as f64 / 1e6,
            g * 1e3,
            r * 1e3,
            r / g
        );
    }
}
