//! How long runback takes: one assessment, loading the rule base, a record of each batch
//! format on one core, and a batch end to end, with synthetic rule bases 10 and 100 times
//! the shipped one to show how cost grows with the number of rules. Run with `cargo bench`
//! (`benches/process.rs` times whole processes); BENCHMARKS.md records the figures.

use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use serde_json::Value as Json;

use runback::answers::Answers;
use runback::batch::{self, Format, Progress};
use runback::engine;
use runback::report::{self, ReportView};
use runback::rulebase::embedded::TEXTS;
use runback::rulebase::load::{FILE_NAMES, RuleFile, load};
use runback::rulebase::{RuleBase, embedded};

// Measure with the allocator the binary ships with (the system's), counting what is
// allocated.
#[global_allocator]
static ALLOCATOR: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// The answer sets a batch cycles through: every escalation level, full and empty.
const ANSWER_SETS: [&str; 6] = [
    include_str!("../tests/fixtures/answers/full.json"),
    include_str!("../tests/fixtures/answers/emergency.json"),
    include_str!("../tests/fixtures/answers/urgent.json"),
    include_str!("../tests/fixtures/answers/soon.json"),
    include_str!("../tests/fixtures/answers/routine.json"),
    include_str!("../tests/fixtures/answers/empty.json"),
];

/// How many times the shipped rules are repeated in a synthetic rule base.
const SCALES: [usize; 3] = [1, 10, 100];

static SHIPPED: LazyLock<RuleBase> = LazyLock::new(|| embedded::shipped().unwrap());

/// The six file texts with every rule repeated `scale` times under new ids.
fn scaled_texts(scale: usize) -> [String; 6] {
    let mut texts = TEXTS.map(str::to_string);
    let mut file: Json = serde_json::from_str(TEXTS[5]).unwrap();
    let rules = file["rules"].as_array().unwrap().clone();
    let mut all = Vec::with_capacity(rules.len() * scale);
    for copy in 0..scale {
        for rule in &rules {
            let mut rule = rule.clone();
            if copy > 0 {
                let id = format!("{}_copy{copy}", rule["id"].as_str().unwrap());
                rule["id"] = Json::String(id);
            }
            all.push(rule);
        }
    }
    file["rules"] = Json::Array(all);
    texts[5] = file.to_string();
    texts
}

fn load_texts(texts: &[String; 6]) -> RuleBase {
    let files = std::array::from_fn(|i| RuleFile {
        name: FILE_NAMES[i].to_string(),
        text: texts[i].clone(),
    });
    load("bench".to_string(), files).unwrap()
}

fn full_answers(rb: &RuleBase) -> Answers {
    Answers::parse(ANSWER_SETS[0], "full.json", &rb.questionnaire).unwrap()
}

/// Parse and validate the rule base compiled into the binary.
#[divan::bench]
fn load_embedded() -> RuleBase {
    embedded::shipped().unwrap()
}

/// Parse and validate rule bases with 1, 10 and 100 times the shipped rules.
#[divan::bench(args = SCALES)]
fn load_scaled(bencher: Bencher, scale: usize) {
    let texts = scaled_texts(scale);
    let bytes: usize = texts.iter().map(String::len).sum();
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| load_texts(divan::black_box(&texts)));
}

/// Check one complete answer file against the questionnaire.
#[divan::bench]
fn parse_answers(bencher: Bencher) {
    let rb = &*SHIPPED;
    bencher.bench(|| {
        Answers::parse(
            divan::black_box(ANSWER_SETS[0]),
            "full.json",
            &rb.questionnaire,
        )
        .unwrap()
    });
}

/// Evaluate one complete answer set against the shipped rule base.
#[divan::bench]
fn assess_one(bencher: Bencher) {
    let rb = &*SHIPPED;
    let answers = full_answers(rb);
    bencher.bench(|| engine::assess(rb, divan::black_box(&answers)));
}

/// Evaluate one complete answer set against rule bases 1, 10 and 100 times the size.
#[divan::bench(args = SCALES)]
fn assess_scaled(bencher: Bencher, scale: usize) {
    let rb = load_texts(&scaled_texts(scale));
    let answers = full_answers(&rb);
    bencher.bench(|| engine::assess(&rb, divan::black_box(&answers)).causes.len());
}

/// [`assess_one`], refilling one assessment as `runback batch` does from one answer set
/// to the next: in steady state nothing is allocated.
#[divan::bench]
fn assess_one_into(bencher: Bencher) {
    let rb = &*SHIPPED;
    let answers = full_answers(rb);
    let mut a = engine::assess(rb, &answers);
    bencher.bench_local(|| {
        engine::assess_into(rb, divan::black_box(&answers), &mut a);
        a.causes.len()
    });
}

/// [`assess_scaled`], refilling one assessment.
#[divan::bench(args = SCALES)]
fn assess_scaled_into(bencher: Bencher, scale: usize) {
    let rb = load_texts(&scaled_texts(scale));
    let answers = full_answers(&rb);
    let mut a = engine::assess(&rb, &answers);
    bencher.bench_local(|| {
        engine::assess_into(&rb, divan::black_box(&answers), &mut a);
        a.causes.len()
    });
}

/// Random complete answer sets: every question answered (branches and a check-in's
/// questions too, so some answers are not used), each with an id, as a batch reads them.
fn random_lines(rb: &RuleBase, n: usize) -> Vec<batch::input::Line> {
    use runback::rulebase::AnswerKind;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |below: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    (0..n)
        .map(|i| {
            let mut set = serde_json::Map::new();
            set.insert("id".into(), Json::String(format!("runner-{i}")));
            for q in &rb.questionnaire.questions {
                let value = match &q.kind {
                    AnswerKind::YesNo | AnswerKind::Single => {
                        Json::String(q.options[next(q.options.len())].value.to_string())
                    }
                    AnswerKind::Multi => {
                        let exclusive: Vec<&str> = (q.options.iter())
                            .filter(|o| o.exclusive)
                            .map(|o| o.value.as_str())
                            .collect();
                        let others: Vec<&str> = (q.options.iter())
                            .filter(|o| !o.exclusive)
                            .map(|o| o.value.as_str())
                            .collect();
                        if !exclusive.is_empty() && next(5) == 0 {
                            serde_json::json!([exclusive[next(exclusive.len())]])
                        } else {
                            let chosen: Vec<&str> =
                                others.iter().copied().filter(|_| next(2) == 0).collect();
                            let chosen = if chosen.is_empty() {
                                vec![others[0]]
                            } else {
                                chosen
                            };
                            serde_json::json!(chosen)
                        }
                    }
                    kind => {
                        let (min, max) = kind.range().unwrap();
                        let steps = (max - min) as usize;
                        serde_json::json!(min as i64 + next(steps + 1) as i64)
                    }
                };
                set.insert(q.id.to_string(), value);
            }
            batch::input::Line {
                number: i as u64 + 1,
                text: Ok(Json::Object(set).to_string()),
            }
        })
        .collect()
}

/// The fixtures' answer sets with ids, as [`batch_input`] writes them, one per line.
fn fixture_lines(n: usize) -> Vec<batch::input::Line> {
    String::from_utf8(batch_input(n))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, text)| batch::input::Line {
            number: i as u64 + 1,
            text: Ok(text.to_string()),
        })
        .collect()
}

const RECORD_LINES: usize = 1_000;

/// One record of each batch format on one core: parse the line, assess it, write the
/// record. The same answer sets for every format, so the formats compare directly.
/// `jsonl-view` is the JSONL record written through the report view, as the JSON report
/// is: the reference the batch's own writer must match.
#[divan::bench(args = ["random/jsonl", "random/jsonl-view", "random/csv", "random/jsonl-summary", "fixtures/jsonl", "fixtures/jsonl-view", "fixtures/csv", "fixtures/jsonl-summary"])]
fn record(bencher: Bencher, case: &str) {
    let rb = &*SHIPPED;
    let (input, format) = case.split_once('/').unwrap();
    let lines = match input {
        "random" => random_lines(rb, RECORD_LINES),
        _ => fixture_lines(RECORD_LINES),
    };
    let view = report::ViewOptions {
        date: "2026-12-06".to_string(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(64 << 20);
    bencher
        .counter(ItemsCount::new(RECORD_LINES))
        .bench_local(|| {
            out.clear();
            for line in &lines {
                let record = batch::assess_line(rb, line).unwrap();
                match format {
                    "jsonl" => batch::jsonl::write(&record, &view, &mut out),
                    "jsonl-view" => batch::jsonl::write_via_view(&record, &view, &mut out),
                    "csv" => batch::csv::write(&record, &mut out),
                    _ => batch::summary::write(&record, &view, &mut out),
                }
            }
            out.len()
        });
}

/// Turn one assessment into the JSON report.
#[divan::bench]
fn render_json(bencher: Bencher) {
    let rb = &*SHIPPED;
    let a = engine::assess(rb, &full_answers(rb));
    bencher.bench(|| report::json(&ReportView::new(divan::black_box(&a), &Default::default())));
}

/// A JSONL batch of `n` answer sets with ids, cycling through the fixtures.
fn batch_input(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut json: Json = serde_json::from_str(ANSWER_SETS[i % ANSWER_SETS.len()]).unwrap();
        json["id"] = Json::String(format!("runner-{i}"));
        serde_json::to_writer(&mut out, &json).unwrap();
        out.push(b'\n');
    }
    out
}

const BATCH_LINES: usize = 20_000;

/// Read, assess and write 20,000 answer sets, on every core, as JSONL or CSV.
#[divan::bench(args = ["jsonl", "csv"], sample_count = 10, sample_size = 1)]
fn batch_end_to_end(bencher: Bencher, format: &str) {
    let rb = &*SHIPPED;
    let input = batch_input(BATCH_LINES);
    let format = if format == "csv" {
        Format::Csv
    } else {
        Format::Jsonl
    };
    bencher.counter(ItemsCount::new(BATCH_LINES)).bench(|| {
        let mut out = std::io::sink();
        batch::run(rb, &input[..], &mut out, format, Progress::Hidden).unwrap()
    });
}

/// A five-year Strava-style export: `activities.csv` with 2,000 runs and a one-hour,
/// once-a-second FIT file for each (about 70 KB each, 140 MB unpacked), zipped as Strava
/// does, in a temporary folder made once.
static EXPORT: LazyLock<(tempfile::TempDir, std::path::PathBuf)> = LazyLock::new(|| {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    let fit = std::fs::read("tests/fixtures/training/garmin-hour-1hz.fit.gz").unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut csv = String::from(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance,Elevation Gain,Activity Gear\n",
    );
    let first = chrono::NaiveDate::from_ymd_opt(2021, 11, 22).unwrap();
    for i in 0..EXPORT_RUNS {
        let day = first + chrono::Days::new((i * 1826 / EXPORT_RUNS) as u64);
        // Two runs on some days: morning and evening, not the same run twice.
        let time = if i % 2 == 0 {
            "7:00:00 AM"
        } else {
            "6:00:00 PM"
        };
        let date = format!("{}, {time}", day.format("%b %-d, %Y"));
        csv.push_str(&format!(
            "{i},\"{date}\",Run,Run,10.0,activities/{i}.fit.gz,10000.0,,Pegasus\n"
        ));
        z.start_file(format!("activities/{i}.fit.gz"), stored)
            .unwrap();
        z.write_all(&fit).unwrap();
    }
    z.start_file("activities.csv", stored).unwrap();
    z.write_all(csv.as_bytes()).unwrap();
    z.finish().unwrap();
    (dir, path)
});

const EXPORT_RUNS: usize = 2_000;

/// Reading that export and summarising its last twelve weeks: every FIT file is unzipped,
/// ungzipped and read to its session summary, in parallel.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn training_export(bencher: Bencher) {
    let path = EXPORT.1.clone();
    bencher.counter(ItemsCount::new(EXPORT_RUNS)).bench(|| {
        let log = runback::training::read(
            std::slice::from_ref(&path),
            runback::training::Limits::default(),
        )
        .unwrap();
        assert_eq!(log.activities.len(), EXPORT_RUNS);
        runback::training::summarise(&log, chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
    });
}
