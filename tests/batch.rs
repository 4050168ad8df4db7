//! `runback batch` as a club or clinic uses it: many answer sets in, one record each out,
//! in input order, surviving whatever lines it is handed.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::Value as Json;

use runback::answers::Answers;
use runback::batch::{self, Format, Progress};
use runback::engine;
use runback::report::{ReportView, ViewOptions, date};
use runback::rulebase::{RuleBase, embedded};

static SHIPPED: LazyLock<RuleBase> =
    LazyLock::new(|| embedded::shipped().expect("the shipped rule base is valid"));

const FIXTURES: [&str; 6] = ["full", "emergency", "urgent", "soon", "routine", "empty"];

fn fixture(name: &str) -> Json {
    let text = std::fs::read_to_string(format!("tests/fixtures/answers/{name}.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn run_batch(input: &[u8], format: Format) -> (String, batch::Summary) {
    let mut out = Vec::new();
    let summary = batch::run(&SHIPPED, input, &mut out, format, Progress::Hidden)
        .unwrap_or_else(|_| panic!("reading and writing memory cannot fail"));
    (String::from_utf8(out).unwrap(), summary)
}

/// The record `runback assess --format json` would print for these answers, as a value.
fn single_report(answers: &Json) -> Json {
    let rb = &*SHIPPED;
    let answers = Answers::from_json(answers, "test", &rb.questionnaire).unwrap();
    let view = ViewOptions {
        date: date::today().unwrap(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    serde_json::to_value(ReportView::new(&engine::assess(rb, &answers), &view)).unwrap()
}

#[test]
fn many_lines_come_out_in_input_order_each_as_a_single_assessment_reports_it() {
    // Two whole chunks of 1,024 lines and part of a third, so ordering across chunks
    // and workers is exercised (a debug build takes seconds for each thousand reports).
    let n = 2_100;
    let mut input = String::new();
    let mut expected = Vec::new();
    for i in 0..n {
        if i % 97 == 13 {
            input.push_str("{\"id\": \"broken\", \n");
            expected.push(None);
            continue;
        }
        let answers = fixture(FIXTURES[i % FIXTURES.len()]);
        let mut line = answers.clone();
        line["id"] = Json::String(format!("runner-{i}"));
        input.push_str(&line.to_string());
        input.push('\n');
        expected.push(Some(answers));
    }
    let (out, summary) = run_batch(input.as_bytes(), Format::Jsonl);
    let records: Vec<Json> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), n);
    let failed = expected.iter().filter(|e| e.is_none()).count() as u64;
    assert_eq!(summary.total, n as u64);
    assert_eq!(summary.failed, failed);
    assert_eq!(summary.assessed, n as u64 - failed);
    assert_eq!(summary.by_level.iter().sum::<u64>(), summary.assessed);
    let mut cache = std::collections::HashMap::new();
    for (i, (record, expected)) in records.iter().zip(&expected).enumerate() {
        assert_eq!(record["line"], i + 1, "record {i} is out of order");
        match expected {
            None => {
                assert!(
                    record["error"]
                        .as_str()
                        .unwrap()
                        .starts_with("invalid JSON")
                );
                assert_eq!(record.get("escalation"), None);
            }
            Some(answers) => {
                assert_eq!(record["id"], format!("runner-{i}"));
                let mut report = record.clone();
                let map = report.as_object_mut().unwrap();
                map.shift_remove("line");
                map.shift_remove("id");
                let single = cache
                    .entry(answers.to_string())
                    .or_insert_with(|| single_report(answers));
                assert_eq!(&report, single, "line {}", i + 1);
            }
        }
    }
}

#[test]
fn csv_has_a_row_per_answer_set_in_order_with_the_escalation_first() {
    let mut input = String::new();
    for (i, name) in FIXTURES.iter().enumerate() {
        let mut line = fixture(name);
        line["id"] = Json::from(i);
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let (out, summary) = run_batch(input.as_bytes(), Format::Csv);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 1 + FIXTURES.len());
    assert!(rows[0].starts_with("line,id,escalation,cause_1,confidence_1"));
    for (i, name) in FIXTURES.iter().enumerate() {
        let fields: Vec<&str> = rows[i + 1].split(',').collect();
        assert_eq!(fields[0], (i + 1).to_string());
        assert_eq!(fields[1], i.to_string());
        let level = match *name {
            "full" => "routine",
            // Unanswered emergency signs count as "not sure": a doctor today.
            "empty" => "urgent",
            other => other,
        };
        assert_eq!(fields[2], level, "{name}");
    }
    assert_eq!(summary.failed, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_as_a_batch_give_one_record_per_non_blank_line(
        bytes in prop::collection::vec(
            prop_oneof![4 => any::<u8>(), 1 => Just(b'\n'), 1 => Just(b'{'), 1 => Just(b'}')],
            0..2048,
        ),
    ) {
        let (out, summary) = run_batch(&bytes, Format::Jsonl);
        prop_assert_eq!(summary.assessed + summary.failed, summary.total);
        prop_assert_eq!(out.lines().count() as u64, summary.total);
        for line in out.lines() {
            let record: Json = serde_json::from_str(line).unwrap();
            prop_assert!(record["line"].is_u64());
            prop_assert!(record["error"].is_string() || record["escalation"]["level"].is_string());
        }
    }
}

fn runback() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_runback"));
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_output_file_is_written_whole_and_never_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("club.csv");
    let batch = |extra: &[&str]| {
        runback()
            .args([
                "batch",
                "--input",
                "tests/fixtures/batch/club.jsonl",
                "--format",
                "csv",
            ])
            .arg("--output")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = batch(&[]);
    assert!(first.status.success());
    assert!(first.stdout.is_empty(), "the records go to the file only");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 5, "a header and four answer sets");

    std::fs::write(&out, "keep me").unwrap();
    let refused = batch(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("club.csv already exists; use --force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");

    assert!(batch(&["--force"]).status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    assert_eq!(files_in(dir.path()), ["club.csv"], "no temporary file left");
}

#[test]
fn a_failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let run = runback()
        .args([
            "batch",
            "--input",
            "tests/fixtures/batch/missing.jsonl",
            "--output",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cannot read tests/fixtures/batch/missing.jsonl"),
        "{stderr}"
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_batch_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let line = fixture("full").to_string();
    // Far more output than a pipe holds, so runback is still writing when the reader leaves.
    std::fs::write(&input, format!("{line}\n").repeat(3_000)).unwrap();
    let mut child = runback()
        .args(["batch", "--input"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(stderr, "", "no error and no summary after a broken pipe");
}

#[test]
fn a_line_over_the_size_limit_becomes_an_error_record_and_the_batch_goes_on() {
    let long = format!(
        "{{\"id\": \"huge\", \"x\": \"{}\"}}",
        "a".repeat(runback::answers::MAX_ANSWER_BYTES)
    );
    let input = format!("{long}\n{{\"id\": \"next\"}}\n");
    let (out, summary) = run_batch(input.as_bytes(), Format::Jsonl);
    let records: Vec<Json> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records[0]["line"], 1);
    assert_eq!(
        records[0]["error"],
        "the line is longer than the 1 MiB limit for one answer set"
    );
    assert_eq!(records[1]["id"], "next");
    assert_eq!((summary.assessed, summary.failed), (1, 1));
}

#[test]
fn an_answer_file_over_the_size_limit_is_refused_by_assess() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: a 64 MiB file that takes no room, of which only the limit may be read.
    file.set_len(64 << 20).unwrap();
    let run = runback()
        .arg("assess")
        .arg("--answers")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(run.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("huge.json is larger than the 1 MiB limit for answers"),
        "{stderr}"
    );
}

#[test]
fn a_rule_file_over_the_size_limit_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("rules").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let rules = dir.path().join("rules.json");
    std::fs::File::options()
        .append(true)
        .open(&rules)
        .unwrap()
        .set_len(16 << 20)
        .unwrap();
    let run = runback()
        .arg("--rules")
        .arg(dir.path())
        .arg("questions")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("rules.json is larger than the 4 MiB limit for one rule file"),
        "{stderr}"
    );
}

/// A stream that yields some lines, then fails, as a network mount or a dying disk might.
struct FailingReader {
    lines: std::io::Cursor<Vec<u8>>,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.lines.read(buf)? {
            0 => Err(std::io::Error::other("the disk went away")),
            n => Ok(n),
        }
    }
}

/// A sink that takes a few bytes and then refuses, as a full disk does.
struct FullDisk {
    room: usize,
}

impl std::io::Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left",
            ));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_read_or_write_failure_mid_batch_stops_it_with_that_error() {
    let line = fixture("full").to_string();
    // Past two chunks, so the failure comes while chunks are read, assessed and written.
    let many = format!("{line}\n").repeat(2_100).into_bytes();
    let reader = std::io::BufReader::new(FailingReader {
        lines: std::io::Cursor::new(many.clone()),
    });
    let result = batch::run(
        &SHIPPED,
        reader,
        &mut Vec::new(),
        Format::Jsonl,
        Progress::Hidden,
    );
    assert!(
        matches!(result, Err(batch::RunError::Read(e)) if e.to_string() == "the disk went away")
    );

    let mut disk = FullDisk { room: 100_000 };
    let result = batch::run(
        &SHIPPED,
        &many[..],
        &mut disk,
        Format::Jsonl,
        Progress::Hidden,
    );
    assert!(
        matches!(result, Err(batch::RunError::Write(e)) if e.kind() == std::io::ErrorKind::StorageFull)
    );
}

#[test]
fn an_input_that_cannot_be_read_fails_and_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let run = runback()
        .args(["batch", "--input", "tests/fixtures", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cannot read tests/fixtures: Is a directory"),
        "{stderr}"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn a_slow_stream_gets_each_record_without_waiting_for_the_end_of_the_input() {
    use std::io::{BufRead, Write};
    let mut child = runback()
        .args(["batch", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (tx, records) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // The time-outs only keep a broken build from hanging the suite.
    let next = || {
        records
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("a record arrives while the input is still open")
    };
    assert!(next().starts_with("line,id,escalation"));
    for (i, name) in ["emergency", "routine"].iter().enumerate() {
        let mut line = fixture(name);
        line["id"] = Json::from(*name);
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let record = next();
        assert!(
            record.starts_with(&format!("{},{name},{name},", i + 1)),
            "{record}"
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_summary_record_is_the_full_record_cut_down_to_its_verdict() {
    let mut input = String::new();
    for (i, name) in FIXTURES.iter().enumerate() {
        let mut line = fixture(name);
        line["id"] = Json::String(format!("runner-{i}"));
        input.push_str(&format!("{line}\n"));
    }
    input.push_str("{\"id\": \"broken\", \n{\"pain_severity\": 11}\n");
    let (full, _) = run_batch(input.as_bytes(), Format::Jsonl);
    let (summary, counts) = run_batch(input.as_bytes(), Format::JsonlSummary);
    assert_eq!((counts.assessed, counts.failed), (6, 2));
    let full: Vec<Json> = full
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<&str> = summary.lines().collect();
    assert_eq!(summary.len(), full.len());
    for (record, line) in full.iter().zip(&summary) {
        let compact: Json = serde_json::from_str(line).unwrap();
        if record.get("error").is_some() {
            assert_eq!(&compact, record, "an error record is JSONL's");
            continue;
        }
        let cut = serde_json::json!({
            "line": record["line"],
            "id": record["id"],
            "escalation": {
                "level": record["escalation"]["level"],
                "reasons": record["escalation"]["reasons"].as_array().unwrap().iter().map(|r| serde_json::json!({
                    "level": r["level"], "text": r["text"], "raised_by": r["raised_by"],
                })).collect::<Vec<_>>(),
            },
            "causes": record["causes"].as_array().unwrap().iter().map(|c| serde_json::json!({
                "id": c["id"], "confidence": c["confidence"], "strength": c["strength"],
            })).collect::<Vec<_>>(),
        });
        assert_eq!(compact, cut);
        assert!(
            line.len() * 4 < serde_json::to_string(record).unwrap().len(),
            "a summary is a fraction of the full record"
        );
    }
}
