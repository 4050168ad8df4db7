//! A bout of back pain followed through the weeks, driven as a clinic would drive
//! runback: `runback assess --answers FILE --keep` on the first day, then
//! `runback checkin --answers FILE` on each simulated day (`SOURCE_DATE_EPOCH` sets the
//! day, `RUNBACK_STATE_DIR` a folder of the test's own), reading `checkin -f json` and
//! `history -f json` as a physiotherapist's tool would.
//!
//! Then the safety of a check-in over random bouts (its level never below an
//! assessment's with the same warning-sign answers; "not sure" or a skip never below
//! "no"), and the store and the inputs under attack: files that are not bouts, folders
//! and files kept private, a write that fails, bad check-in files, `forget` unconfirmed
//! or pointed outside the store, and `--output` onto a file that exists.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};

use runback::answers::{Answers, Value};
use runback::bout::{self, Bout, Kind};
use runback::engine;
use runback::rulebase::{AnswerKind, Question, QuestionIdx, RuleBase, embedded};

mod common;

static SHIPPED: LazyLock<RuleBase> =
    LazyLock::new(|| embedded::shipped().expect("the shipped rule base is valid"));

/// Saturday 6 December 2025, 00:00 UTC: the day a bout's first assessment is made.
const T0: i64 = 1_764_979_200;
const DAY: i64 = 86_400;

/// The moment of day `day` of the bout, at eight in the morning.
fn at(day: i64) -> i64 {
    T0 + day * DAY + 8 * 3600
}

/// `YYYY-MM-DD` of day `day` of the bout.
fn date_of(day: i64) -> String {
    runback::report::date::ymd_of(at(day))
}

// ---------------------------------------------------------------------------------------
// Driving the binary
// ---------------------------------------------------------------------------------------

/// One runner's machine: a state folder of its own, and a folder for the files the
/// runner fills in.
struct Clinic {
    state: tempfile::TempDir,
    files: tempfile::TempDir,
}

impl Clinic {
    fn new() -> Clinic {
        Clinic {
            state: tempfile::tempdir().unwrap(),
            files: tempfile::tempdir().unwrap(),
        }
    }

    fn bouts_dir(&self) -> PathBuf {
        self.state.path().join("bouts")
    }

    /// runback on day `day`, with no terminal anywhere.
    fn command(&self, day: i64, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_runback"));
        c.args(args)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "80")
            .env("SOURCE_DATE_EPOCH", at(day).to_string())
            .env("RUNBACK_STATE_DIR", self.state.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, day: i64, args: &[&str]) -> Output {
        self.command(day, args).output().expect("runback runs")
    }

    /// A file the runner wrote, in the files folder.
    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.files.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The first assessment (or a later one), kept in the bout.
    #[track_caller]
    fn assess(&self, day: i64, answers: &Json) -> Output {
        let path = self.file(&format!("assessment-{day}.json"), &answers.to_string());
        let out = self.run(
            day,
            &["assess", "--answers", path.to_str().unwrap(), "--keep"],
        );
        ok(&out, "assess --keep");
        out
    }

    /// A check-in's JSON report.
    #[track_caller]
    fn checkin(&self, day: i64, answers: &Json) -> Json {
        self.checkin_with(day, answers, &[])
    }

    #[track_caller]
    fn checkin_with(&self, day: i64, answers: &Json, extra: &[&str]) -> Json {
        let out = self.checkin_raw(day, answers, &["-f", "json"], extra);
        ok(&out, &format!("checkin on day {day}"));
        serde_json::from_slice(&out.stdout).expect("a check-in's JSON report")
    }

    /// A check-in's report as runback printed it.
    fn checkin_raw(&self, day: i64, answers: &Json, format: &[&str], extra: &[&str]) -> Output {
        let path = self.file(&format!("checkin-{day}.json"), &answers.to_string());
        let mut args = vec!["checkin", "--answers", path.to_str().unwrap()];
        args.extend_from_slice(format);
        args.extend_from_slice(extra);
        self.run(day, &args)
    }

    #[track_caller]
    fn history(&self, day: i64) -> Json {
        let out = self.run(day, &["history", "-f", "json"]);
        ok(&out, "history");
        serde_json::from_slice(&out.stdout).expect("history's JSON")
    }

    /// Every file in the bouts folder, by name, with its text.
    fn bout_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(self.bouts_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| std::fs::symlink_metadata(p).unwrap().is_file())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

#[track_caller]
fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------

/// The shipped example of a whole assessment (routine), with the pain's duration and
/// its worst score set; `None` skips the duration.
fn assessment(duration: Option<&str>, pain: u8) -> Json {
    let text = std::fs::read_to_string("examples/answers.json").unwrap();
    let mut answers: Map<String, Json> = serde_json::from_str(&text).unwrap();
    match duration {
        Some(d) => answers.insert("pain_duration".into(), json!(d)),
        None => answers.remove("pain_duration"),
    };
    answers.insert("pain_severity".into(), json!(pain));
    Json::Object(answers)
}

/// The questions of the check-in's warning-sign checklist.
fn sign_questions() -> Vec<QuestionIdx> {
    SHIPPED
        .questionnaire
        .checkin
        .as_ref()
        .expect("the shipped rule base has a check-in")
        .signs
        .questions()
}

/// A sign's harmless value ("no", or "none") and its "not sure" value.
fn benign_and_unsure(question: &Question) -> (&str, &str) {
    let value = |v: &str| {
        question
            .options
            .iter()
            .find(|o| o.value == v)
            .map(|o| o.value.as_str())
    };
    (
        value("no")
            .or(value("none"))
            .unwrap_or_else(|| panic!("{}: no harmless answer", question.id)),
        value("unsure").unwrap_or_else(|| panic!("{}: no \"not sure\"", question.id)),
    )
}

/// A check-in: pain `pain` over the last day, no run since the last answers, the plan
/// followed, and no warning sign.
fn rested(pain: u8) -> Json {
    let mut answers = Map::new();
    answers.insert("pain_now".into(), json!(pain));
    answers.insert("runs_since".into(), json!(0));
    answers.insert("plan_followed".into(), json!("yes"));
    for q in sign_questions() {
        let question = &SHIPPED.questionnaire.questions[q];
        answers.insert(
            question.id.to_string(),
            json!(benign_and_unsure(question).0),
        );
    }
    Json::Object(answers)
}

/// A check-in after one run that took the pain to `run_pain`, the next morning `morning`.
fn ran(pain: u8, run_pain: u8, morning: &str) -> Json {
    let mut answers = rested(pain);
    answers["runs_since"] = json!(1);
    answers["run_pain_worst"] = json!(run_pain);
    answers["pain_next_morning"] = json!(morning);
    answers
}

/// `answers` with `key` set to `value`.
fn with(mut answers: Json, key: &str, value: Json) -> Json {
    answers[key] = value;
    answers
}

/// `answers` without `key`.
fn without(mut answers: Json, key: &str) -> Json {
    answers.as_object_mut().unwrap().remove(key);
    answers
}

// ---------------------------------------------------------------------------------------
// What a report says
// ---------------------------------------------------------------------------------------

fn level(report: &Json) -> &str {
    report["escalation"]["level"].as_str().unwrap()
}

fn decision(report: &Json) -> &str {
    report["run_today"]["decision"].as_str().unwrap()
}

/// Today's step of the plan, from 1, or 0 when the report gives none.
fn step(report: &Json) -> u64 {
    report["run_today"]["numbers"]["plan_step"]["number"]
        .as_u64()
        .unwrap_or(0)
}

/// The rules and causes behind the escalation.
fn raised_by(report: &Json) -> Vec<&str> {
    report["escalation"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["raised_by"].as_str().unwrap())
        .collect()
}

/// The rules behind today's decision.
fn decided_by(report: &Json) -> Vec<&str> {
    report["run_today"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect()
}

/// The one bout of a history, its entries.
fn entries(history: &Json) -> &Vec<Json> {
    let bouts = history["bouts"].as_array().unwrap();
    assert_eq!(bouts.len(), 1, "one bout: {history:#}");
    bouts[0]["entries"].as_array().unwrap()
}

/// A short account of a check-in, for failure messages.
fn summary(report: &Json) -> String {
    format!(
        "day {}: {} / {} / step {} / raised by {:?} / decided by {:?}",
        report["bout"]["day"],
        level(report),
        decision(report),
        step(report),
        raised_by(report),
        decided_by(report)
    )
}

const NOT_BETTER: &str = "checkin_not_better_after_3_weeks";
const WORSE: &str = "checkin_getting_worse";

// ---------------------------------------------------------------------------------------
// Scenarios over simulated weeks
// ---------------------------------------------------------------------------------------

#[test]
fn steady_improvement_stays_routine_and_a_runner_who_had_stopped_climbs_the_plan_a_step_a_good_run()
{
    let clinic = Clinic::new();
    let out = clinic.assess(0, &assessment(Some("under_2_weeks"), 6));
    assert!(
        stderr(&out).contains("starts a new bout"),
        "{}",
        stderr(&out)
    );
    // (day, check-in, the step of the plan expected, the decision)
    let days: [(i64, Json, u64, &str); 9] = [
        // Stopped running: the plan starts at walk-run.
        (2, rested(5), 1, "run"),
        // A good run each time: a step on each time.
        (4, ran(4, 3, "better"), 2, "run"),
        (6, ran(4, 3, "same"), 3, "run"),
        (9, ran(3, 2, "better"), 4, "run"),
        (11, ran(3, 2, "same"), 5, "run"),
        // The last step is where the plan stays.
        (13, ran(2, 2, "better"), 5, "run"),
        // A rest day holds the step: no run, nothing shown to move on from.
        (16, rested(2), 5, "run"),
        (20, ran(1, 1, "better"), 5, "run"),
        (27, ran(1, 0, "better"), 5, "run"),
    ];
    let mut seen = Vec::new();
    for (day, answers, expected_step, expected) in &days {
        let report = clinic.checkin(*day, answers);
        assert_eq!(level(&report), "routine", "{}", summary(&report));
        assert_eq!(decision(&report), *expected, "{}", summary(&report));
        assert_eq!(step(&report), *expected_step, "{}", summary(&report));
        assert!(raised_by(&report).is_empty(), "{}", summary(&report));
        assert_eq!(report["bout"]["day"], json!(day));
        seen.push(report["run_today"]["numbers"]["plan_step"]["id"].clone());
    }
    // The history holds the same story, entry by entry.
    let history = clinic.history(28);
    let entries = entries(&history);
    assert_eq!(entries.len(), 1 + days.len());
    assert_eq!(entries[0]["kind"], "assessment");
    assert_eq!(entries[0]["pain_now"], json!(6.0));
    for (e, (id, (day, answers, _, expected))) in entries[1..].iter().zip(seen.iter().zip(&days)) {
        assert_eq!(e["kind"], "checkin");
        assert_eq!(e["date"], json!(date_of(*day)));
        assert_eq!(e["level"], "routine");
        assert_eq!(e["decision"], json!(expected));
        assert_eq!(&e["plan_step"], id);
        assert_eq!(e["pain_now"].as_f64(), answers["pain_now"].as_f64());
        assert!(e["signs"].as_array().unwrap().is_empty(), "{e}");
    }
}

#[test]
fn no_clear_improvement_about_three_weeks_in_sends_the_runner_to_be_seen_whatever_the_duration_said()
 {
    // (the duration answered, the first day the safety net is due)
    let cases: [(Option<&str>, i64); 5] = [
        (Some("under_2_weeks"), 14),
        (Some("2_to_6_weeks"), 7),
        (Some("6_to_12_weeks"), 0),
        (Some("over_3_months"), 0),
        (None, 7),
    ];
    for (duration, due) in cases {
        let clinic = Clinic::new();
        clinic.assess(0, &assessment(duration, 5));
        // The pain hovers where it started: 5, 4, 5, 4... never clearly better, as the
        // worst of the last three check-ins stays at 5.
        for (i, day) in [1, 3, 6, 7, 10, 13, 14, 17, 21].into_iter().enumerate() {
            let pain = if i % 2 == 0 { 5 } else { 4 };
            let report = clinic.checkin(day, &rested(pain));
            let what = format!("{duration:?}, {}", summary(&report));
            let fired = raised_by(&report).contains(&NOT_BETTER);
            assert_eq!(fired, day >= due, "{what}");
            if day >= due {
                assert_eq!(level(&report), "soon", "{what}");
                let reason = report["escalation"]["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["raised_by"] == NOT_BETTER)
                    .unwrap();
                assert_eq!(reason["level"], "soon", "{what}");
                assert!(
                    reason["text"].as_str().unwrap().contains("three weeks"),
                    "{what}"
                );
            } else {
                // Nothing else in these answers asks for more than self-care.
                assert_eq!(level(&report), "routine", "{what}");
            }
        }
    }
}

#[test]
fn a_clear_improvement_of_two_points_holds_off_the_safety_net_but_one_good_day_does_not() {
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("2_to_6_weeks"), 6));
    // One good day among bad ones: the worst of the last three check-ins is 6, no better.
    for (day, pain) in [(2, 6), (4, 6), (7, 2)] {
        let report = clinic.checkin(day, &rested(pain));
        assert_eq!(
            raised_by(&report).contains(&NOT_BETTER),
            day >= 7,
            "{}",
            summary(&report)
        );
    }
    // Three check-ins at 4 or less: clearly better, the net is lifted.
    for day in [9, 11] {
        let report = clinic.checkin(day, &rested(4));
        assert_eq!(
            raised_by(&report).contains(&NOT_BETTER),
            day < 11,
            "{}",
            summary(&report)
        );
    }
    let report = clinic.checkin(13, &rested(3));
    assert_eq!(level(&report), "routine", "{}", summary(&report));
}

#[test]
fn mild_pain_that_has_gone_or_fallen_by_a_third_is_clearly_better_but_a_smaller_fall_is_not() {
    // (the pain at the assessment, the pain at every check-in, whether the safety net is
    // due from day 7): "clearly better" is 2 points, or 30 % of where it started.
    let cases: [(u8, u8, bool); 9] = [
        (1, 0, false),
        (2, 0, false),
        (2, 1, false),
        (3, 2, false),
        (3, 3, true),
        (4, 3, true),
        (4, 2, false),
        (6, 5, true),
        (6, 4, false),
    ];
    for (start, now, due) in cases {
        let clinic = Clinic::new();
        clinic.assess(0, &assessment(Some("2_to_6_weeks"), start));
        for day in [2, 5, 8, 11, 14, 21] {
            let report = clinic.checkin(day, &ran(now, now.min(3), "better"));
            let what = format!("{start} to {now}: {}", summary(&report));
            assert_eq!(
                raised_by(&report).contains(&NOT_BETTER),
                due && day >= 7,
                "{what}"
            );
            let expected = if due && day >= 7 { "soon" } else { "routine" };
            assert_eq!(level(&report), expected, "{what}");
        }
    }
}

#[test]
fn pain_worse_week_on_week_slows_the_plan_then_sends_the_runner_to_be_seen() {
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    for (day, answers, expected_step) in [
        (2, rested(4), 1),
        (4, ran(4, 3, "same"), 2),
        (6, ran(3, 3, "better"), 3),
    ] {
        let report = clinic.checkin(day, &answers);
        assert_eq!(
            (level(&report), decision(&report), step(&report)),
            ("routine", "run", expected_step),
            "{}",
            summary(&report)
        );
    }
    // A point worse than the check-in of day 4, a week ago, after a good run: shorter,
    // and a step back down the plan, but no need yet to be seen.
    let report = clinic.checkin(9, &ran(5, 4, "same"));
    assert_eq!(decision(&report), "shorter", "{}", summary(&report));
    assert_eq!(step(&report), 2, "{}", summary(&report));
    assert!(decided_by(&report).contains(&"today_worse_than_last_week"));
    assert_eq!(level(&report), "routine", "{}", summary(&report));
    // Two points worse than a week ago (day 6): be seen soon, and go on stepping back.
    let report = clinic.checkin(13, &ran(5, 5, "same"));
    assert_eq!(level(&report), "soon", "{}", summary(&report));
    assert!(raised_by(&report).contains(&WORSE), "{}", summary(&report));
    assert_eq!(decision(&report), "shorter", "{}", summary(&report));
    assert_eq!(step(&report), 1, "{}", summary(&report));
    // The step never goes below the first.
    let report = clinic.checkin(16, &ran(7, 5, "same"));
    assert_eq!(level(&report), "soon", "{}", summary(&report));
    assert_eq!(step(&report), 1, "{}", summary(&report));
    let history = clinic.history(16);
    let steps: Vec<&str> = entries(&history)[1..]
        .iter()
        .map(|e| e["plan_step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "walk_run_short",
            "walk_run_long",
            "continuous_20",
            "walk_run_long",
            "walk_run_short",
            "walk_run_short"
        ]
    );
}

#[test]
fn a_new_cauda_equina_sign_at_week_two_not_sure_is_urgent_and_yes_is_an_emergency_with_no_running()
{
    for (answer, expected) in [("unsure", "urgent"), ("yes", "emergency")] {
        for sign in [
            "rf_saddle_numbness",
            "rf_bladder_bowel",
            "rf_sexual_dysfunction",
        ] {
            let clinic = Clinic::new();
            clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
            for (day, answers) in [(3, rested(4)), (6, ran(4, 3, "better"))] {
                let report = clinic.checkin(day, &answers);
                assert_eq!(level(&report), "routine", "{}", summary(&report));
            }
            let report = clinic.checkin(13, &with(ran(3, 2, "better"), sign, json!(answer)));
            let what = format!("{sign} {answer}: {}", summary(&report));
            assert_eq!(level(&report), expected, "{what}");
            assert_eq!(decision(&report), "rest", "{what}");
            assert_eq!(
                report["run_today"]["runs"], false,
                "{what}: no run on a day to be seen"
            );
            let reason = &report["escalation"]["reasons"][0];
            assert_eq!(reason["level"], expected, "{what}");
            assert!(
                reason["because"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|b| b["question"] == sign),
                "{what}: the reason names the sign"
            );
            let text =
                stdout(&clinic.checkin_raw(14, &with(rested(3), sign, json!(answer)), &[], &[]));
            assert!(text.contains("Don't run today."), "{text}");
            let history = clinic.history(14);
            let signs = &entries(&history)[3]["signs"];
            assert_eq!(signs.as_array().unwrap().len(), 1, "{signs}");
            assert_eq!(
                signs[0].as_str().unwrap().ends_with("(not sure)"),
                answer == "unsure",
                "{signs}"
            );
        }
    }
}

#[test]
fn the_check_in_template_sent_back_unfilled_keeps_the_runner_from_running_until_checked() {
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    let template = clinic.run(1, &["template", "--checkin"]);
    ok(&template, "template --checkin");
    let answers: Json = serde_json::from_slice(&template.stdout).unwrap();
    let report = clinic.checkin(2, &answers);
    assert_eq!(level(&report), "urgent", "{}", summary(&report));
    assert_eq!(decision(&report), "rest", "{}", summary(&report));
    assert_eq!(report["run_today"]["runs"], false);
    let not_checked = report["escalation"]["not_checked"].as_array().unwrap();
    assert!(
        not_checked.len() >= 13,
        "every sign is listed as not checked: {not_checked:?}"
    );
}

/// An intervals.icu export of runs: `(day of the bout, km)`, at seven in the morning.
fn intervals_csv(runs: &[(i64, f64)]) -> String {
    let mut out = String::from(
        "id,start_date_local,type,name,distance,moving_time,elapsed_time,total_elevation_gain,gear\n",
    );
    for (i, (day, km)) in runs.iter().enumerate() {
        let start = chrono::DateTime::from_timestamp(T0 + day * DAY + 7 * 3600, 0).unwrap();
        let seconds = (km * 330.0).round();
        out.push_str(&format!(
            "i{i},{},Run,Easy run,{},{seconds},{seconds},20,\n",
            start.format("%Y-%m-%dT%H:%M:%S"),
            km * 1000.0
        ));
    }
    out
}

/// A GPX track of a run heading north from the equator, `km` long, on day `day` at
/// seven in the morning: a point every 100 m, 30 s apart.
fn gpx_run(day: i64, km: f64) -> String {
    let points = (km * 10.0).round() as i64;
    // 100 m of latitude on the sphere of mean radius 6371 km that GPX distances use.
    let step = 0.1 / (6371.0 * std::f64::consts::PI / 180.0);
    let start = T0 + day * DAY + 7 * 3600;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk><type>running</type><trkseg>\n",
    );
    for i in 0..=points {
        let time = chrono::DateTime::from_timestamp(start + i * 30, 0).unwrap();
        out.push_str(&format!(
            "<trkpt lat=\"{:.7}\" lon=\"11.0\"><time>{}</time></trkpt>\n",
            i as f64 * step,
            time.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    out.push_str("</trkseg></trk>\n</gpx>\n");
    out
}

/// A month of runs before the bout (the longest 10 km), easy runs in its first days, a
/// 13 km run on day 6 (30 % past the 10 km), and ordinary runs after it.
const RUNS: [(i64, f64); 14] = [
    (-28, 8.0),
    (-25, 6.0),
    (-21, 10.0),
    (-18, 7.0),
    (-14, 8.0),
    (-10, 9.0),
    (-7, 6.0),
    (-3, 8.0),
    (1, 4.0),
    (3, 5.0),
    // day 6: the long run, in a GPX file of its own
    (9, 6.0),
    (12, 7.0),
    (15, 7.0),
    (18, 8.0),
];

/// A runner still running, assessed on day 0 and checked in on day 4 with the log.
fn a_runner_with_a_log() -> (Clinic, Vec<String>) {
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    let csv = clinic.file("intervals.csv", &intervals_csv(&RUNS));
    let gpx = clinic.file("long.gpx", &gpx_run(6, 13.0));
    let training: Vec<String> = ["--training", csv.to_str().unwrap(), gpx.to_str().unwrap()]
        .map(String::from)
        .to_vec();
    let training_ref: Vec<&str> = training.iter().map(String::as_str).collect();
    let report = clinic.checkin_with(4, &logged(ran(4, 3, "better")), &training_ref);
    assert_eq!(decision(&report), "run", "{}", summary(&report));
    let facts = answers_of(&report);
    assert_eq!(
        facts["runs_logged"],
        json!(2),
        "both runs since the assessment"
    );
    assert_eq!(
        facts["run_spike_pct"],
        json!(0),
        "no run past the month before it"
    );
    assert_eq!(report["run_today"]["numbers"]["spike"], Json::Null);
    // Still running, so the plan starts at its last step: the usual runs, within 10 %.
    assert_eq!(step(&report), 5, "{}", summary(&report));
    assert_eq!(report["run_today"]["numbers"]["limit_km"], json!(11.0));
    (clinic, training)
}

/// A check-in that leaves the count of runs to the training log.
fn logged(answers: Json) -> Json {
    without(answers, "runs_since")
}

/// A check-in report's answers and facts, by question.
fn answers_of(report: &Json) -> Map<String, Json> {
    report["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["question"].as_str().unwrap().to_string(),
                a["answer"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_run_much_longer_than_the_month_before_it_during_the_return_is_named_with_its_day() {
    let (clinic, training) = a_runner_with_a_log();
    let training: Vec<&str> = training.iter().map(String::as_str).collect();
    let report = clinic.checkin_with(7, &logged(ran(4, 3, "same")), &training);
    assert_eq!(decision(&report), "shorter", "{}", summary(&report));
    assert_eq!(
        decided_by(&report),
        ["today_run_spike"],
        "{}",
        summary(&report)
    );
    assert_eq!(step(&report), 4, "a step back: {}", summary(&report));
    assert_eq!(level(&report), "routine", "{}", summary(&report));
    let spike = &report["run_today"]["numbers"]["spike"];
    assert_eq!(spike["date"], json!(date_of(6)), "{spike}");
    assert!(
        (spike["km"].as_f64().unwrap() - 13.0).abs() <= 0.2,
        "{spike}"
    );
    assert_eq!(spike["longest_before_km"], json!(10.0), "{spike}");
    assert!(
        (spike["percent"].as_f64().unwrap() - 30.0).abs() <= 2.0,
        "{spike}"
    );
    assert_eq!(answers_of(&report)["runs_logged"], json!(1));

    // The same check-in in words: the runner reads the day of the run (Friday 12 December
    // 2025) and the limit.
    let (clinic, training) = a_runner_with_a_log();
    let training: Vec<&str> = training.iter().map(String::as_str).collect();
    let out = clinic.checkin_raw(7, &logged(ran(4, 3, "same")), &[], &training);
    ok(&out, "checkin in words");
    let text = stdout(&out).replace("\n    ", " ");
    for line in [
        "Should I run today? Run shorter and easier.",
        "Your run on 12 Dec 2025 (13 km) was 30% longer than your longest of the 30 days before it (10 km).",
        "Step 4 of 5: 30 minutes of continuous easy running.",
        "Limit: no run over 14.3 km (your longest in the last 30 days was 13 km).",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
}

#[test]
fn one_long_run_steps_the_plan_back_once_and_good_runs_after_it_move_it_on_again() {
    let (clinic, training) = a_runner_with_a_log();
    let training: Vec<&str> = training.iter().map(String::as_str).collect();
    let mut steps = Vec::new();
    for day in [7, 10, 13, 16, 19] {
        let report = clinic.checkin_with(day, &logged(ran(3, 2, "better")), &training);
        let spiked = day == 7;
        assert_eq!(
            decision(&report),
            if spiked { "shorter" } else { "run" },
            "{}",
            summary(&report)
        );
        assert_eq!(
            report["run_today"]["numbers"]["spike"].is_null(),
            !spiked,
            "{}",
            summary(&report)
        );
        assert_eq!(
            answers_of(&report)["runs_logged"],
            json!(1),
            "{}",
            summary(&report)
        );
        steps.push(step(&report));
    }
    assert_eq!(steps, [4, 5, 5, 5, 5]);
}

// ---------------------------------------------------------------------------------------
// Safety over random bouts
// ---------------------------------------------------------------------------------------

/// A valid answer to one question, or none.
fn answer(question: &Question) -> BoxedStrategy<Option<Value>> {
    let value = common::value(question);
    // A warning sign is mostly "no": with every sign at random, nearly every bout would
    // be an emergency from the start, and a check-in could never be found too mild.
    let harmless = ["no", "none"]
        .iter()
        .find_map(|v| question.option(v))
        .filter(|_| question.option("unsure").is_some());
    match harmless {
        Some(o) => {
            let harmless = match question.kind {
                AnswerKind::Multi => Value::Multi(1 << o),
                _ => Value::Choice(o),
            };
            prop_oneof![
                40 => Just(Some(harmless)),
                1 => value.prop_map(Some),
                1 => Just(None),
            ]
            .boxed()
        }
        None => prop_oneof![4 => value.prop_map(Some), 1 => Just(None)].boxed(),
    }
}

/// Random answers to the questions `which` picks (the rest unanswered).
fn answers_to(which: impl Fn(QuestionIdx, &Question) -> bool) -> BoxedStrategy<Answers> {
    let per_question: Vec<BoxedStrategy<Option<Value>>> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            if which(q, question) {
                answer(question)
            } else {
                Just(None).boxed()
            }
        })
        .collect();
    per_question
        .prop_map(|values| {
            let mut answers = Answers::none(&SHIPPED.questionnaire);
            for (q, v) in values.into_iter().enumerate() {
                answers.set(q, v);
            }
            answers
        })
        .boxed()
}

/// A whole assessment's answers, at random: the shipped example (a routine one), each
/// answer now and then changed or skipped, so that bouts of every level are drawn.
fn assessment_answers() -> BoxedStrategy<Answers> {
    static EXAMPLE: LazyLock<Answers> = LazyLock::new(|| {
        let text = std::fs::read_to_string("examples/answers.json").unwrap();
        Answers::parse(&text, "examples/answers.json", &SHIPPED.questionnaire).unwrap()
    });
    let per_question: Vec<BoxedStrategy<Option<Value>>> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            if question.retired.is_some() || !SHIPPED.questionnaire.in_assessment(q) {
                return Just(None).boxed();
            }
            match EXAMPLE.get(q) {
                Some(v) => prop_oneof![24 => Just(Some(v)), 1 => answer(question)].boxed(),
                None => answer(question),
            }
        })
        .collect();
    per_question
        .prop_map(|values| {
            let mut answers = Answers::none(&SHIPPED.questionnaire);
            for (q, v) in values.into_iter().enumerate() {
                answers.set(q, v);
            }
            answers
        })
        .boxed()
}

/// A check-in file's answers, at random: every question a check-in file may answer.
fn checkin_answers() -> BoxedStrategy<Answers> {
    let file = SHIPPED.questionnaire.file_questions(true);
    answers_to(move |q, _| file.contains(&q))
}

/// What follows the first assessment: a check-in (or, now and then, a new assessment
/// in the same bout), some hours after the entry before it.
#[derive(Debug, Clone)]
enum Next {
    Checkin(Answers),
    Assessment(Answers),
}

fn random_bout() -> impl Strategy<Value = (Answers, Vec<(i64, Next)>)> {
    let next = prop_oneof![
        8 => checkin_answers().prop_map(Next::Checkin),
        1 => assessment_answers().prop_map(Next::Assessment),
    ];
    (
        assessment_answers(),
        prop::collection::vec((0i64..24 * 30, next), 1..8),
    )
}

/// A check-in's level (0 the most urgent) with sign `q` answered `value`.
fn checkin_level(
    bout: &Bout,
    given: &Answers,
    now: i64,
    q: QuestionIdx,
    value: Option<Value>,
) -> usize {
    let mut given = given.clone();
    given.set(q, value);
    bout::check_in(&SHIPPED, bout, &given, now, None)
        .assessment
        .escalation
        .level
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_check_in_is_never_less_urgent_than_an_assessment_with_its_signs_and_unsure_or_skipped_is_never_below_no(
        (first, steps) in random_bout(),
    ) {
        let rb = &*SHIPPED;
        let signs = sign_questions();
        let mut now = T0;
        let mut bout = Bout { id: "random".into(), entries: Vec::new() };
        let assessed = engine::assess(rb, &first);
        bout.entries.push(bout::entry(rb, Kind::Assessment, now, &first, &assessed, None));
        let mut latest = first;
        for (hours, next) in steps {
            now += hours * 3600;
            let given = match next {
                Next::Assessment(answers) => {
                    let assessed = engine::assess(rb, &answers);
                    bout.entries.push(bout::entry(rb, Kind::Assessment, now, &answers, &assessed, None));
                    latest = answers;
                    continue;
                }
                Next::Checkin(given) => given,
            };
            let checkin = bout::check_in(rb, &bout, &given, now, None);
            let level = checkin.assessment.escalation.level;
            // The assessment with the check-in's sign answers in place of its own.
            let mut same_signs = latest.clone();
            for &q in &signs {
                same_signs.set(q, given.get(q));
            }
            let assessed = engine::assess(rb, &same_signs).escalation.level;
            prop_assert!(
                level <= assessed,
                "the check-in is {} where the assessment with its signs is {}",
                rb.levels[level].id,
                rb.levels[assessed].id
            );
            // A level to be seen at first never lets the runner run.
            let today = checkin.assessment.today.as_ref().expect("a check-in decides");
            if rb.levels[level].seen_first {
                prop_assert_eq!(today.decision, 0, "rest, at {}", &rb.levels[level].id);
            }
            for &q in &signs {
                let question = &rb.questionnaire.questions[q];
                let (benign, unsure) = benign_and_unsure(question);
                let value = |v: &str| Some(Value::Choice(question.option(v).unwrap()));
                let no = checkin_level(&bout, &given, now, q, value(benign));
                for (what, answer) in [("not sure", value(unsure)), ("skipped", None)] {
                    let other = checkin_level(&bout, &given, now, q, answer);
                    prop_assert!(
                        other <= no,
                        "{}: {what} gives {}, \"{benign}\" gives {}",
                        question.id,
                        rb.levels[other].id,
                        rb.levels[no].id
                    );
                }
            }
            bout.entries.push(checkin.entry(rb, now));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The store and the inputs under attack
// ---------------------------------------------------------------------------------------

/// Whether this process may read and write whatever it likes (root): permissions then
/// cannot make a file unreadable or a folder unwritable.
fn privileged() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// A clinic with one bout: the example assessment on day 0, a check-in on day 2.
fn clinic_with_a_bout() -> (Clinic, String) {
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    let report = clinic.checkin(2, &rested(4));
    let id = report["bout"]["id"].as_str().unwrap().to_string();
    (clinic, id)
}

/// The bout's file as kept, parsed.
fn bout_json(clinic: &Clinic, id: &str) -> Json {
    let text = std::fs::read_to_string(clinic.bouts_dir().join(format!("{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Makes a FIFO.
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn files_in_the_bouts_folder_that_are_not_bouts_are_passed_over_and_left_alone() {
    let (clinic, id) = clinic_with_a_bout();
    let dir = clinic.bouts_dir();
    let good = bout_json(&clinic, &id);
    // Every planted file is named as a bout that began later than the real one, so a
    // store that read it would take it for the current bout.
    let name = |what: &str| dir.join(format!("2025-12-07T000000Z-{what}.json"));
    let with_times = |time: i64| {
        let mut bout = good.clone();
        for e in bout["entries"].as_array_mut().unwrap() {
            e["time"] = json!(time);
        }
        bout.to_string()
    };
    // A link to a good bout kept elsewhere, and one to nothing.
    let elsewhere = clinic.state.path().join("elsewhere.json");
    std::fs::write(&elsewhere, with_times(at(1))).unwrap();
    std::os::unix::fs::symlink(&elsewhere, name("link")).unwrap();
    std::os::unix::fs::symlink(clinic.state.path().join("nothing"), name("dangling")).unwrap();
    // A FIFO nobody writes to: opening it would wait for ever.
    mkfifo(&name("fifo"));
    // A good bout padded past the size limit with spaces, still valid JSON.
    {
        let mut text = with_times(at(1));
        text.push_str(&" ".repeat(17 << 20));
        std::fs::write(name("huge"), text).unwrap();
    }
    std::fs::write(name("garbage"), "this is not JSON {").unwrap();
    std::fs::write(name("binary"), [0xff, 0xfe, 0x00, 0x7b]).unwrap();
    std::fs::write(name("empty"), "").unwrap();
    std::fs::write(name("array"), "[1, 2, 3]").unwrap();
    let mut newer = serde_json::from_str::<Json>(&with_times(at(1))).unwrap();
    newer["$runback"]["bout"] = json!(2);
    std::fs::write(name("version-2"), newer.to_string()).unwrap();
    std::fs::write(
        name("no-entries"),
        json!({"$runback": {"bout": 1}, "entries": []}).to_string(),
    )
    .unwrap();
    // Times no clock gives: before 1970, past the year 9999, and the extremes of the
    // type, which overflow any arithmetic on them.
    for (what, time) in [
        ("before-1970", -1),
        ("year-10000", 253_402_300_800),
        ("min", i64::MIN),
        ("max", i64::MAX),
    ] {
        std::fs::write(name(what), with_times(time)).unwrap();
    }
    std::fs::create_dir(name("folder")).unwrap();
    std::fs::write(name("unreadable"), with_times(at(1))).unwrap();
    std::fs::set_permissions(name("unreadable"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let planted: Vec<(String, Option<Vec<u8>>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with(format!("{id}.json")))
        .map(|p| {
            let bytes = std::fs::symlink_metadata(&p)
                .unwrap()
                .is_file()
                .then(|| std::fs::read(&p).unwrap());
            (p.to_string_lossy().into_owned(), bytes)
        })
        .collect();
    assert_eq!(planted.len(), 16);

    // The history lists the one real bout, in every format.
    let history = clinic.history(3);
    let bouts = history["bouts"].as_array().unwrap();
    let ids: Vec<&str> = bouts.iter().map(|b| b["id"].as_str().unwrap()).collect();
    let expected_ids: Vec<&str> = if privileged() {
        // Root reads a file whatever its permissions: that one is a bout like any other.
        vec![&id, "2025-12-07T000000Z-unreadable"]
    } else {
        vec![&id]
    };
    assert_eq!(ids, expected_ids, "{history:#}");
    for format in ["text", "markdown", "html"] {
        let out = clinic.run(3, &["history", "-f", format]);
        ok(&out, &format!("history -f {format}"));
        assert!(
            stdout(&out).contains("6 Dec 2025"),
            "{format}: {}",
            stdout(&out)
        );
    }
    // A check-in follows the real bout.
    if privileged() {
        std::fs::remove_file(name("unreadable")).unwrap();
    }
    let report = clinic.checkin(3, &rested(4));
    assert_eq!(report["bout"]["id"], json!(id));
    assert_eq!(report["bout"]["entries"], json!(2));
    // Nothing planted was changed or deleted.
    for (path, bytes) in &planted {
        if privileged() && path.ends_with("unreadable.json") {
            continue;
        }
        let meta = std::fs::symlink_metadata(path)
            .unwrap_or_else(|e| panic!("{path} is still there: {e}"));
        if let Some(bytes) = bytes {
            assert!(meta.is_file(), "{path}");
            if meta.permissions().mode() & 0o400 != 0 {
                assert_eq!(&std::fs::read(path).unwrap(), bytes, "{path} unchanged");
            }
        }
    }
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        with_times(at(1))
    );
}

#[test]
fn the_bouts_folder_is_the_owners_alone_and_every_bout_file_too_whatever_the_umask() {
    let clinic = Clinic::new();
    // A folder others could read, made before runback ran, is tightened.
    std::fs::create_dir(clinic.bouts_dir()).unwrap();
    std::fs::set_permissions(clinic.bouts_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = clinic.file(
        "assessment.json",
        &assessment(Some("under_2_weeks"), 5).to_string(),
    );
    let mut command = clinic.command(
        0,
        &["assess", "--answers", path.to_str().unwrap(), "--keep"],
    );
    // SAFETY: umask is async-signal-safe and touches nothing else.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            libc::umask(0);
            Ok(())
        });
    }
    ok(&command.output().unwrap(), "assess --keep with umask 0");
    assert_eq!(mode(&clinic.bouts_dir()), 0o700);
    let files = clinic.bout_files();
    assert_eq!(files.len(), 1);
    let file = clinic.bouts_dir().join(&files[0].0);
    assert_eq!(mode(&file), 0o600);
    // Replaced whole by a check-in, still the owner's alone, and nothing else beside it.
    clinic.checkin(2, &rested(4));
    assert_eq!(mode(&file), 0o600);
    assert_eq!(clinic.bout_files().len(), 1);
    assert_eq!(std::fs::read_dir(clinic.bouts_dir()).unwrap().count(), 1);
}

#[test]
fn a_check_in_whose_write_fails_leaves_the_bout_as_it_was_and_prints_no_report() {
    let (clinic, id) = clinic_with_a_bout();
    let before = clinic.bout_files();
    let path = clinic.file("checkin.json", &rested(3).to_string());
    let args = ["checkin", "--answers", path.to_str().unwrap()];
    // The new file cannot grow past 1 KiB: runback is stopped by the signal, or (with the
    // signal ignored) told the write failed, part-way through writing it.
    for ignore_signal in [false, true] {
        let mut command = clinic.command(4, &args);
        // SAFETY: setrlimit and signal are async-signal-safe.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
                let limit = libc::rlimit {
                    rlim_cur: 1024,
                    rlim_max: 1024,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if ignore_signal {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                }
                Ok(())
            });
        }
        let out = command.output().unwrap();
        assert!(!out.status.success(), "{ignore_signal}: {:?}", out.status);
        assert!(
            out.stdout.is_empty(),
            "no report for a check-in not kept: {}",
            stdout(&out)
        );
        if ignore_signal {
            assert_eq!(out.status.code(), Some(1));
            let err = stderr(&out);
            assert!(
                err.contains("cannot keep the check-in in") && err.contains(&id),
                "{err}"
            );
        }
        assert_eq!(
            clinic.bout_files(),
            before,
            "the old file is whole, nothing beside it"
        );
        assert_eq!(
            std::fs::read_dir(clinic.bouts_dir()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
    // A folder runback may not write in (as anyone but root).
    if !privileged() {
        std::fs::set_permissions(clinic.bouts_dir(), std::fs::Permissions::from_mode(0o500))
            .unwrap();
        let out = clinic.run(4, &args);
        std::fs::set_permissions(clinic.bouts_dir(), std::fs::Permissions::from_mode(0o700))
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("cannot"), "{}", stderr(&out));
        assert_eq!(clinic.bout_files(), before);
    }
    // The bout carries on from where it was.
    let report = clinic.checkin(4, &rested(3));
    assert_eq!(report["bout"]["entries"], json!(2));
}

#[test]
fn a_bad_check_in_file_is_refused_naming_the_file_and_the_key_and_the_bout_is_unchanged() {
    let (clinic, _) = clinic_with_a_bout();
    let before = clinic.bout_files();
    // (file name, contents, what the message must name besides the file)
    let cases: [(&str, String, &[&str]); 9] = [
        (
            "not-json.json",
            "{\"pain_now\": 3,".into(),
            &[":1:15", "invalid JSON"],
        ),
        (
            "unknown.json",
            with(rested(3), "pain_noww", json!(3)).to_string(),
            &["pain_noww", "pain_now"],
        ),
        (
            "assessment-only.json",
            with(rested(3), "pain_severity", json!(5)).to_string(),
            &["pain_severity", "not a check-in question"],
        ),
        (
            "fact.json",
            with(rested(3), "bout_days", json!(3)).to_string(),
            &["bout_days", "works this out"],
        ),
        (
            "fact-logged.json",
            with(rested(3), "runs_logged", json!(2)).to_string(),
            &["runs_logged", "works this out"],
        ),
        (
            "out-of-range.json",
            with(rested(3), "pain_now", json!(11)).to_string(),
            &["pain_now", "10"],
        ),
        (
            "negative-runs.json",
            with(rested(3), "runs_since", json!(-1)).to_string(),
            &["runs_since"],
        ),
        (
            "bad-option.json",
            with(rested(3), "rf_leg_weakness", json!("maybe")).to_string(),
            &["rf_leg_weakness", "getting_worse"],
        ),
        (
            "wrong-type.json",
            with(rested(3), "rf_saddle_numbness", json!(1)).to_string(),
            &["rf_saddle_numbness", "a number"],
        ),
    ];
    for (name, contents, names) in cases {
        let path = clinic.file(name, &contents);
        for format in ["text", "json"] {
            let out = clinic.run(
                4,
                &["checkin", "--answers", path.to_str().unwrap(), "-f", format],
            );
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(
                out.stdout.is_empty(),
                "{name}: nothing on stdout: {}",
                stdout(&out)
            );
            assert!(err.contains(name), "{name}: the file is named: {err}");
            for n in names {
                assert!(err.contains(n), "{name}: {n} is named: {err}");
            }
            assert!(err.starts_with("runback: "), "{name}: {err}");
            assert_eq!(clinic.bout_files(), before, "{name}: the bout is unchanged");
        }
    }
    // A file name made to move the cursor and recolour is named cleaned.
    let hostile = clinic.file(
        "x\x1b]0;pwned\x07\x1b[31m\u{202e}.json",
        &with(rested(3), "pain_severity", json!(5)).to_string(),
    );
    let out = clinic.run(4, &["checkin", "--answers", hostile.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        raw_in(&out.stderr).is_empty(),
        "{}",
        stderr(&out).escape_debug()
    );
    assert!(stderr(&out).contains("pain_severity"), "{}", stderr(&out));
    // The same from a pipe, named as such.
    let mut command = clinic.command(4, &["checkin"]);
    command.stdin(Stdio::piped());
    let mut child = command.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            with(rested(3), "pain_severity", json!(5))
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("<stdin>") && stderr(&out).contains("pain_severity"),
        "{}",
        stderr(&out)
    );
    assert_eq!(clinic.bout_files(), before);
}

#[test]
fn a_check_in_with_no_bout_of_the_last_twelve_weeks_says_how_to_start_one() {
    let clinic = Clinic::new();
    let out = clinic.checkin_raw(0, &rested(3), &[], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("there is no assessment from the last 12 weeks to check in on")
            && err.contains("runback assess --answers FILE --keep"),
        "{err}"
    );
    assert!(clinic.bout_files().is_empty(), "nothing is kept");
    // A state folder that is a file.
    let not_a_folder = clinic.file("state", "");
    let mut command = clinic.command(0, &["checkin", "--answers", "-"]);
    command.env("RUNBACK_STATE_DIR", &not_a_folder);
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("cannot use the folder") && stderr(&out).contains("state/bouts"),
        "{}",
        stderr(&out)
    );
    // A bout is current for twelve weeks after its latest assessment, and no longer.
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    let report = clinic.checkin(83, &rested(3));
    assert_eq!(report["bout"]["day"], json!(83));
    let before = clinic.bout_files();
    let out = clinic.checkin_raw(84, &rested(3), &[], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no assessment from the last 12 weeks"));
    assert_eq!(clinic.bout_files(), before);
    // A new assessment starts a new bout.
    let out = clinic.assess(84, &assessment(Some("under_2_weeks"), 5));
    assert!(
        stderr(&out).contains("starts a new bout"),
        "{}",
        stderr(&out)
    );
    assert_eq!(clinic.history(84)["bouts"].as_array().unwrap().len(), 2);
}

#[test]
fn forget_refuses_without_confirmation_and_an_id_that_is_a_path_deletes_nothing() {
    let (clinic, id) = clinic_with_a_bout();
    let before = clinic.bout_files();
    let outside = clinic.state.path().join("x.json");
    std::fs::write(&outside, "keep me").unwrap();
    for args in [
        vec!["forget", "--all"],
        vec!["forget", "--bout", id.as_str()],
    ] {
        let out = clinic.run(3, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out)
                .contains("nothing was deleted: with no terminal to ask in, add --yes to delete"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(clinic.bout_files(), before, "{args:?}");
    }
    let bout_path = clinic.bouts_dir().join(&id);
    for target in [
        "../x".to_string(),
        "../bouts/../x".to_string(),
        format!("../bouts/{id}"),
        outside.with_extension("").to_string_lossy().into_owned(),
        bout_path.to_string_lossy().into_owned(),
        format!("{id}.json"),
        String::new(),
        "*".to_string(),
    ] {
        let out = clinic.run(3, &["forget", "--bout", &target, "--yes"]);
        assert_eq!(out.status.code(), Some(1), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is kept; runback history lists them"),
            "{target}: {}",
            stderr(&out)
        );
        assert_eq!(clinic.bout_files(), before, "{target}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    }
    // The bout's own id, confirmed, deletes the bout and nothing else.
    let out = clinic.run(3, &["forget", "--bout", &id, "--yes"]);
    ok(&out, "forget --bout ID --yes");
    assert!(
        stderr(&out).contains("deleted the bout of back pain from 6 Dec 2025 (2 entries)"),
        "{}",
        stderr(&out)
    );
    assert!(clinic.bout_files().is_empty());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
}

#[test]
fn forget_all_deletes_every_bout_file_even_one_that_no_longer_reads_but_nothing_outside() {
    let (clinic, _) = clinic_with_a_bout();
    let dir = clinic.bouts_dir();
    // A bout from a newer runback, and one damaged: still the runner's answers.
    let mut newer = bout_json(&clinic, &clinic.bout_files()[0].0.replace(".json", ""));
    newer["$runback"]["bout"] = json!(2);
    std::fs::write(dir.join("2025-12-08T000000Z-newer.json"), newer.to_string()).unwrap();
    std::fs::write(
        dir.join("2025-12-09T000000Z-damaged.json"),
        "{\"$runback\": {\"bout\": 1}, \"entr",
    )
    .unwrap();
    // A link planted in the folder goes; what it points to stays.
    let outside = clinic.state.path().join("outside.json");
    std::fs::write(&outside, "keep me").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link.json")).unwrap();
    // Not runback's: a file of another name.
    std::fs::write(dir.join("notes.txt"), "keep me too").unwrap();
    let out = clinic.run(3, &["forget", "--all", "--yes"]);
    ok(&out, "forget --all --yes");
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["notes.txt"]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    let history = clinic.history(3);
    assert!(history["bouts"].as_array().unwrap().is_empty());
}

#[test]
fn an_output_file_that_exists_is_refused_without_force_and_the_check_in_is_not_kept() {
    let (clinic, _) = clinic_with_a_bout();
    let before = clinic.bout_files();
    let existing = clinic.file("report.txt", "an earlier report");
    let existing = existing.to_str().unwrap();
    let out = clinic.checkin_raw(4, &rested(3), &["-o", existing], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("report.txt") && stderr(&out).contains("--force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(existing).unwrap(),
        "an earlier report"
    );
    assert_eq!(clinic.bout_files(), before, "the check-in is not kept");
    let out = clinic.run(4, &["history", "-o", existing]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(existing).unwrap(),
        "an earlier report"
    );
    // An output that cannot be written keeps nothing either: the runner can run the same
    // check-in again without a second entry.
    let missing = clinic.files.path().join("missing").join("report.txt");
    for target in [
        missing.to_str().unwrap(),
        clinic.files.path().to_str().unwrap(),
    ] {
        let out = clinic.checkin_raw(4, &rested(3), &["-o", target], &[]);
        assert_eq!(out.status.code(), Some(1), "{target}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("cannot write the report to"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            clinic.bout_files(),
            before,
            "{target}: the check-in is not kept"
        );
    }
    // With --force, both replace it.
    let out = clinic.checkin_raw(
        4,
        &rested(3),
        &["-o", existing, "--force", "-f", "json"],
        &[],
    );
    ok(&out, "checkin -o --force");
    assert!(out.stdout.is_empty());
    let report: Json = serde_json::from_str(&std::fs::read_to_string(existing).unwrap()).unwrap();
    assert_eq!(report["kind"], "checkin");
    ok(
        &clinic.run(4, &["history", "-o", existing, "--force"]),
        "history -o --force",
    );
    assert!(
        std::fs::read_to_string(existing)
            .unwrap()
            .contains("6 Dec 2025")
    );
}

/// The characters of `out` a terminal must not see raw: controls but the line break,
/// and the bidirectional overrides.
fn raw_in(out: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(out)
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect()
}

#[test]
fn text_from_a_bout_file_reaches_the_terminal_cleaned() {
    let (clinic, id) = clinic_with_a_bout();
    let path = clinic.bouts_dir().join(format!("{id}.json"));
    let mut bout = bout_json(&clinic, &id);
    let hostile = "\x1b[31mRED \x1b]0;pwned\x07 \u{9b}31m \u{202e}RLO";
    let checkin = &mut bout["entries"][1];
    checkin["level"] = json!(format!("routine{hostile}"));
    checkin["decision"] = json!(format!("run{hostile}"));
    checkin["plan_step"] = json!(format!("walk_run_short{hostile}"));
    checkin["answers"][format!("key{hostile}")] = json!(hostile);
    checkin["answers"]["plan_followed"] = json!(hostile);
    std::fs::write(&path, bout.to_string()).unwrap();
    // A bout of the same content under a name made to move the cursor and recolour.
    let mut older = bout.clone();
    for e in older["entries"].as_array_mut().unwrap() {
        e["time"] = json!(e["time"].as_i64().unwrap() - 100 * DAY);
    }
    std::fs::write(
        clinic
            .bouts_dir()
            .join(format!("2025-08-01T000000Z-{hostile}.json")),
        older.to_string(),
    )
    .unwrap();
    for args in [
        vec!["history"],
        vec!["history", "-f", "markdown"],
        vec!["history", "-f", "html"],
        vec!["history", "-f", "json"],
    ] {
        let out = clinic.run(3, &args);
        ok(&out, &format!("{args:?}"));
        let raw = raw_in(&out.stdout);
        assert!(
            raw.is_empty(),
            "{args:?}: raw {raw:?} in {}",
            stdout(&out).escape_debug()
        );
    }
    // A name runback never gives is not one of its bouts.
    assert_eq!(clinic.history(3)["bouts"].as_array().unwrap().len(), 1);
    let out = clinic.run(3, &["forget", "--bout", &format!("x{hostile}"), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        raw_in(&out.stderr).is_empty(),
        "{}",
        stderr(&out).escape_debug()
    );
    // The check-in after it starts the plan afresh from a step it does not know.
    let report = clinic.checkin(4, &rested(3));
    assert_eq!(step(&report), 1, "{}", summary(&report));
}

#[test]
fn check_ins_made_at_the_same_moment_are_all_kept() {
    // A runner checking in from two windows, or a clinic's script running several at
    // once: each reads the bout, and each entry must survive the others' saves.
    let clinic = Clinic::new();
    clinic.assess(0, &assessment(Some("under_2_weeks"), 5));
    let path = clinic.file("checkin.json", &rested(4).to_string());
    let children: Vec<std::process::Child> = (0..8)
        .map(|_| {
            clinic
                .command(3, &["checkin", "--answers", path.to_str().unwrap()])
                .spawn()
                .expect("runback starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        ok(&out, "a check-in among eight at once");
    }
    let history = clinic.history(3);
    assert_eq!(entries(&history).len(), 9, "{history:#}");
}
