//! A training log in the report: the chart in every format, the biggest jump in words, the
//! answers the log gave marked as the log's, and the runner's own answers winning.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use runback::answers::Answers;
use runback::engine;
use runback::report::training::TrainingView;
use runback::report::{self, Format, TextOptions, ViewOptions};
use runback::rulebase::{RuleBase, embedded};
use runback::training::{Figure, Spike, Summary, Week, propose};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Twelve weeks to Sun 22 Nov 2026 building from 20 to 41 km, with one long run on Sat 14
/// Nov: 28 km against a longest of 17.5 km in the 30 days before (1.6 times).
fn summary() -> Summary {
    let as_of = day("2026-11-22");
    let kms = [
        20.0, 22.0, 21.0, 24.0, 23.0, 26.0, 25.0, 27.0, 30.0, 28.0, 41.0, 36.0,
    ];
    let spike = Spike {
        date: day("2026-11-14"),
        km: 28.0,
        longest_before_km: 17.5,
        ratio: 1.6,
    };
    let weeks = kms
        .iter()
        .enumerate()
        .map(|(i, &km)| {
            let end = as_of - chrono::Days::new(7 * (11 - i as u64));
            Week {
                start: end - chrono::Days::new(6),
                end,
                km,
                runs: 4,
                ascent_m: Some(150.0),
                change_pct: None,
                spikes: if i == 10 { vec![spike.clone()] } else { vec![] },
            }
        })
        .collect();
    let figures: BTreeMap<String, Figure> = [
        ("weekly_km", Figure::Number(35.0)),
        ("weekly_km_increase_pct", Figure::Number(48.0)),
        ("longest_run_spike_pct", Figure::Number(60.0)),
        ("rest_days_per_week", Figure::Number(3.0)),
        ("shoe_km", Figure::Number(920.0)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Summary {
        as_of,
        weeks,
        biggest_recent_spike: Some(spike),
        rest_days_last_14: Some(6),
        gear: vec![],
        cross_training: BTreeMap::new(),
        first_day: Some(day("2026-08-01")),
        last_day: Some(day("2026-11-21")),
        current: true,
        figures,
        files_read: 48,
        skipped: vec![],
        duplicates: 0,
    }
}

fn shipped() -> RuleBase {
    embedded::shipped().unwrap()
}

/// The report for an answer file plus the log, as `runback assess --training` makes it.
fn render(rb: &RuleBase, answers: &str, format: Format, detail: bool) -> String {
    let mut answers = Answers::parse(answers, "me.json", &rb.questionnaire).unwrap();
    let s = summary();
    let proposals = propose::propose(&rb.questionnaire, &s.figures);
    let applied = propose::apply(&mut answers, &proposals);
    let view = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: Some(TrainingView::new(&s, &applied, &rb.questionnaire)),
        more: Default::default(),
    };
    let text = TextOptions {
        width: 80,
        color: false,
        ascii: false,
        detail,
    };
    report::render(&engine::assess(rb, &answers), format, &view, text)
}

const PAIN: &str = r#"{"pain_duration": "2_to_6_weeks", "pain_severity": 4}"#;

#[test]
fn the_log_raises_too_much_too_soon_and_every_format_says_why_in_the_runners_words() {
    let rb = shipped();
    let json: serde_json::Value =
        serde_json::from_str(&render(&rb, PAIN, Format::Json, false)).unwrap();
    let causes: Vec<&str> = json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(causes.first(), Some(&"overtraining"), "{causes:?}");
    let because = &json["causes"][0]["because"];
    assert!(
        because
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["question"] == "long_run_spike" && a["from_log"] == true),
        "the spike answer is marked as the log's: {because}"
    );
    let line = "Sat 14 Nov: 28 km, 1.6 times your longest run of the 30 days before (18 km)";
    for format in [Format::Text, Format::Markdown, Format::Html, Format::Json] {
        // The text report wraps at 80 columns.
        let out = render(&rb, PAIN, format, false);
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            out.contains(line),
            "{format:?} names the biggest jump:\n{out}"
        );
        assert!(
            out.contains("(from your log)") || format == Format::Json,
            "{format:?}"
        );
    }
    assert_eq!(json["training"]["biggest_recent_spike"]["ratio"], 1.6);
    assert_eq!(json["training"]["weeks"].as_array().unwrap().len(), 12);
}

#[test]
fn the_text_chart_is_a_line_of_blocks_and_a_row_a_week_with_detail() {
    let rb = shipped();
    let short = render(&rb, PAIN, Format::Text, false);
    let chart = short
        .lines()
        .find(|l| l.contains("km a week"))
        .expect("a chart line");
    let blocks: String = chart.chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert_eq!(blocks.chars().count(), 12, "{chart}");
    assert_eq!(blocks.chars().last(), Some('▇'), "36 of 41 km: {chart}");
    assert!(short.contains('▲'), "the spike week is marked:\n{short}");
    let detail = render(&rb, PAIN, Format::Text, true);
    let rows: Vec<&str> = detail
        .lines()
        .filter(|l| l.contains(" km") && l.contains('█'))
        .collect();
    assert_eq!(rows.len(), 12, "{detail}");
    assert!(rows[10].contains("▲ 28 km run, 1.6x"), "{}", rows[10]);
    assert!(rows[10].ends_with("1.6x") && rows[10].contains("41 km"));
    // Only a web address longer than the line goes past it, whole and alone.
    for line in detail.lines().filter(|l| l.chars().count() > 80) {
        assert!(
            line.trim_start().starts_with("https://"),
            "wider than 80: {line}"
        );
        assert_eq!(line.split_whitespace().count(), 1, "{line}");
    }
}

#[test]
fn markdown_has_a_table_of_weeks_and_html_an_svg_without_script() {
    let rb = shipped();
    let md = render(&rb, PAIN, Format::Markdown, false);
    let rows = md.lines().filter(|l| l.starts_with("| 2026-")).count();
    assert_eq!(rows, 12, "{md}");
    assert!(
        md.contains("| 2026-11-09 | 41 km | 4 | 150 m | 28 km (1.6×) |"),
        "{md}"
    );
    let html = render(&rb, PAIN, Format::Html, false);
    let svg_start = html.find("<svg").expect("an inline chart");
    let svg = &html[svg_start..html[svg_start..].find("</svg>").unwrap() + svg_start];
    assert_eq!(svg.matches("<rect").count(), 12, "{svg}");
    assert!(svg.contains("#c0504d"), "the spike week is drawn apart");
    assert!(!html.to_lowercase().contains("<script"), "no script");
}

#[test]
fn an_answer_the_runner_gave_wins_over_the_log_and_the_report_says_so() {
    let rb = shipped();
    let mine = r#"{"pain_duration": "2_to_6_weeks", "long_run_spike": "none", "weekly_km": 30}"#;
    let json: serde_json::Value =
        serde_json::from_str(&render(&rb, mine, Format::Json, false)).unwrap();
    let answer = |id: &str| {
        json["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["question"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(answer("long_run_spike")["answer"], "none");
    assert!(answer("long_run_spike").get("from_log").is_none());
    assert_eq!(answer("weekly_km")["answer"], 30);
    let overruled: Vec<&str> = json["training"]["overruled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question"].as_str().unwrap())
        .collect();
    assert_eq!(overruled, ["weekly_km", "long_run_spike"]);
    let text = render(&rb, mine, Format::Text, false);
    assert!(
        text.contains("You answered differently from the log, and your answer counted"),
        "{text}"
    );
    // The printed page names what the log said, so the physiotherapist sees both.
    let html = render(&rb, mine, Format::Html, false);
    assert!(
        html.contains("theirs counted: Weekly distance (the log says: "),
        "{html}"
    );
    // The log still answered what the runner left open.
    assert_eq!(answer("km_increase")["answer"], "large");
    assert_eq!(answer("km_increase")["from_log"], true);
}

#[test]
fn the_json_report_with_a_log_matches_the_committed_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schemas/report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&render(&shipped(), PAIN, Format::Json, false)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(report["training"].is_object());
}

#[test]
fn a_log_that_stops_weeks_ago_says_it_answered_nothing_about_recent_training() {
    let rb = shipped();
    let mut s = summary();
    s.current = false;
    s.last_day = Some(day("2026-10-01"));
    let view = TrainingView::new(&s, &propose::Applied::default(), &rb.questionnaire);
    assert!(
        view.headline().contains(
            "The log does not reach the last two weeks (the last activity is on Thu 1 Oct)"
        ),
        "{}",
        view.headline()
    );
}

fn runback(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        // Sunday 22 Nov 2026, the fixtures' last day; the runner's clock in London.
        .env("SOURCE_DATE_EPOCH", "1795305600")
        .env("TZ", "Europe/London")
        .env("NO_COLOR", "1")
        .env_remove("RUNBACK_STATE_DIR")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

const EXPORT: &str = "tests/fixtures/training/strava-export.zip";

#[test]
fn a_strava_export_as_downloaded_gives_a_report_with_the_chart_and_the_jump() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("me.json");
    std::fs::write(&answers, PAIN).unwrap();
    let out = runback(&[
        "assess",
        "--training",
        EXPORT,
        "--answers",
        answers.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flat = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Biggest jump: Sat 14 Nov: 28 km, 2.3 times your longest run of the 30 days before (12 km)"),
        "{stdout}"
    );
    assert!(flat.contains("1. Too much, too soon"), "{stdout}");
    assert!(
        flat.contains("One run much longer than usual: More than twice as long (from your log)"),
        "{stdout}"
    );
    assert!(stdout.contains("km a week, oldest first: "), "{stdout}");
    // The same in Markdown, with the table of weeks.
    let md = runback(&[
        "assess",
        "--training",
        EXPORT,
        "--answers",
        answers.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("| 2026-11-09 | 41 km | 4 |"), "{md}");
}

#[test]
fn the_training_command_prints_the_summary_and_the_answers_it_would_give() {
    let out = runback(&["training", EXPORT, "--ascii"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.is_ascii(), "--ascii: {text}");
    assert!(text.contains("^ 28 km run, 2.3x"), "{text}");
    assert!(
        text.contains("It answers: Weekly distance: 33.8 km"),
        "{text}"
    );
    assert!(
        text.contains("Read 4 files; 1 duplicate counted once."),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&runback(&["training", EXPORT, "-f", "json"]).stdout).unwrap();
    assert_eq!(json["figures"]["longest_run_spike_pct"], 133.33);
    assert_eq!(json["gear"][0]["name"], "Speedgoat 5");
}

#[test]
fn a_log_that_cannot_be_read_stops_the_run_before_anything_is_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("me.json");
    std::fs::write(&answers, PAIN).unwrap();
    for (file, reason) in [
        ("tests/fixtures/training/truncated.fit", "cut short"),
        (
            "tests/fixtures/training/not-training.txt",
            "not a FIT, GPX, TCX or CSV",
        ),
        ("tests/fixtures/training/none-such.zip", "cannot be read"),
    ] {
        let out = runback(&[
            "assess",
            "--training",
            file,
            "--answers",
            answers.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout");
        assert!(
            stderr.starts_with("runback: error: cannot read the training log: ")
                && stderr.contains(file)
                && stderr.contains(reason),
            "{stderr}"
        );
    }
}

#[test]
fn a_run_late_at_night_counts_on_the_runners_own_day() {
    // 02:30 UTC on Friday 20 Nov is 21:30 on Thursday 19 Nov in New York.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("activities.csv");
    std::fs::write(
        &csv,
        "Activity ID,Activity Date,Activity Type,Distance,Distance\n1,\"Nov 20, 2026, 2:30:00 AM\",Run,5.0,5000\n",
    )
    .unwrap();
    let day = |tz: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_runback"))
            .args(["training", "-f", "json", csv.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", "1795305600")
            .env("TZ", tz)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["last_day"].as_str().unwrap().to_string()
    };
    assert_eq!(day("America/New_York"), "2026-11-19");
    assert_eq!(day("Europe/Berlin"), "2026-11-20");
}

#[test]
fn text_from_a_training_log_never_reaches_the_terminal_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("activities\u{1b}]0;pwned\u{7}.csv");
    std::fs::write(
        &csv,
        "Activity ID,Activity Date,Activity Type,Distance,Distance,Activity Gear\n\
         1,\"Nov 20, 2026, 7:00:00 AM\",Run,5.0,5000,\"Shoe \u{1b}[31mRED\u{202e}\"\n\
         2,\"Nov 21, 2026, 7:00:00 AM\",\"Row\u{9b}2J\",0,0,\n",
    )
    .unwrap();
    let bad = tmp.path().join("bad\u{1b}[2J.fit");
    std::fs::copy("tests/fixtures/training/truncated.fit", &bad).unwrap();
    let raw = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text.chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{9b}' || c == '\u{202e}')
    };
    for format in ["text", "markdown", "json"] {
        let out = runback(&["training", "-f", format, csv.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !raw(&out.stdout),
            "{format}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Shoe"),
            "{format}"
        );
    }
    let out = runback(&["training", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !raw(&out.stderr),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(r"bad\u{1b}[2J.fit"));
}

#[test]
fn weeks_without_a_run_since_the_log_ended_read_zero_in_every_format() {
    // Two weeks after the fixtures' last day: the last two weeks hold no run.
    for format in ["text", "markdown", "html", "json"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_runback"))
            .args(["assess", "--answers", "examples/answers.json"])
            .args(["--training", EXPORT, "--format", format, "--detail"])
            .env("SOURCE_DATE_EPOCH", "1796515200")
            .env("TZ", "Europe/London")
            .env("NO_COLOR", "1")
            .env_remove("RUNBACK_STATE_DIR")
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}");
        let report = String::from_utf8_lossy(&out.stdout);
        for negative_zero in ["-0 km", "-0.0", ">-0<", "\"km\": -0"] {
            assert!(
                !report.contains(negative_zero),
                "{format}: {negative_zero:?} in:\n{report}"
            );
        }
        if format == "markdown" {
            assert!(report.contains("| 2026-11-30 | 0.0 km | 0 |"), "{report}");
        }
    }
}

#[test]
fn a_fit_file_whose_checksum_does_not_match_gives_the_report_and_a_warning_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("me.json");
    std::fs::write(&answers, PAIN).unwrap();
    let mut bytes = std::fs::read("tests/fixtures/training/garmin-trail-run.fit").unwrap();
    bytes[1000] ^= 0x01;
    // A name that would drive the terminal if it were printed as it is.
    let fit = tmp.path().join("trail\u{1b}[2J.fit");
    std::fs::write(&fit, bytes).unwrap();
    let out = runback(&[
        "assess",
        "--training",
        fit.to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!out.stdout.is_empty(), "the report is written");
    assert!(
        stderr.starts_with("runback: warning: ")
            && stderr.contains("trail")
            && stderr.contains(".fit: ")
            && stderr.contains("may be damaged"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "the name is cleaned: {stderr:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
