//! A batch's JSONL record is written straight from the assessment, for speed; the JSON
//! report's view is what it must say. These tests hold the two together, byte for byte:
//! on every fixture, on many random answer sets (partial, complete, with odd ids), on
//! lines that are refused, and on rule bases whose text holds characters to escape.

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{Map, Value as Json};

use runback::batch::{self, input::Line, jsonl};
use runback::report::ViewOptions;
use runback::rulebase::load::{FILE_NAMES, RuleFile, load, load_dir};
use runback::rulebase::{AnswerKind, Question, RuleBase, embedded};

mod common;
use common::answer;

static SHIPPED: LazyLock<RuleBase> =
    LazyLock::new(|| embedded::shipped().expect("the shipped rule base is valid"));

fn view() -> ViewOptions {
    ViewOptions {
        date: "2026-12-06".to_string(),
        ..ViewOptions::default()
    }
}

/// The record of one line as a batch writes it, and as the report view writes it.
fn both(rb: &RuleBase, number: u64, text: &str, view: &ViewOptions) -> (String, String) {
    let line = Line {
        number,
        text: Ok(text.to_string()),
    };
    let record = batch::assess_line(rb, &line).expect("not a blank line");
    let (mut fast, mut reference) = (Vec::new(), Vec::new());
    jsonl::write(&record, view, &mut fast);
    jsonl::write_via_view(&record, view, &mut reference);
    (
        String::from_utf8(fast).expect("UTF-8"),
        String::from_utf8(reference).expect("UTF-8"),
    )
}

fn assert_same(rb: &RuleBase, number: u64, text: &str) -> String {
    let (fast, reference) = both(rb, number, text, &view());
    if fast != reference {
        let at = fast
            .bytes()
            .zip(reference.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(fast.len().min(reference.len()));
        let from = at.saturating_sub(120);
        panic!(
            "line {number}: the record differs from the report view at byte {at}:\n  record: {}\n  view:   {}",
            &fast[from..(at + 120).min(fast.len())],
            &reference[from..(at + 120).min(reference.len())],
        );
    }
    fast
}

/// The escalation level a record gives.
fn level(record: &str) -> String {
    let json: Json = serde_json::from_str(record).expect("a record is JSON");
    json["escalation"]["level"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn every_fixture_gives_the_record_the_report_view_gives_at_every_level() {
    let mut levels = std::collections::BTreeSet::new();
    let mut files: Vec<_> = [
        "tests/fixtures/answers",
        "tests/fixtures/answers/release-0.1",
    ]
    .iter()
    .flat_map(|dir| std::fs::read_dir(dir).unwrap())
    .map(|entry| entry.unwrap().path())
    .filter(|p| p.extension().is_some_and(|e| e == "json"))
    .collect();
    files.push("examples/answers.json".into());
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        // As a batch line: one line of JSON, with an id when it is an object.
        let line = match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(mut map)) => {
                map.insert("id".into(), Json::String(format!("runner-{i}")));
                Json::Object(map).to_string()
            }
            _ => text.replace('\n', " "),
        };
        let record = assert_same(&SHIPPED, i as u64 + 1, &line);
        levels.insert(level(&record));
    }
    // And the club's lines, each as it is.
    let club = std::fs::read_to_string("tests/fixtures/answers/release-0.1/club.jsonl").unwrap();
    for (i, line) in club.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        levels.insert(level(&assert_same(&SHIPPED, i as u64 + 1, line)));
    }
    let every: std::collections::BTreeSet<String> =
        SHIPPED.levels.iter().map(|l| l.id.to_string()).collect();
    assert!(
        every.is_subset(&levels),
        "levels reached: {levels:?}, of {every:?}"
    );
}

#[test]
fn refused_lines_and_odd_ids_give_the_same_records() {
    let full = include_str!("fixtures/answers/full.json");
    let mut map: Map<String, Json> = serde_json::from_str(full).unwrap();
    for id in [
        Json::from("ana\u{1b}]0;x\u{7}"),
        Json::from("bidi\u{202e}evil"),
        Json::from("quote\"d, back\\slash\ttab\nline"),
        Json::from("é – 日本語 🏃"),
        Json::from("\u{7f}\u{9b}\u{feff}\u{200b}"),
        Json::from(""),
        Json::from(17),
        Json::from(-3),
        Json::from(2.5),
        Json::from(u64::MAX),
        Json::Null,
    ] {
        map.insert("id".into(), id);
        assert_same(&SHIPPED, 9, &Json::Object(map.clone()).to_string());
    }
    for refused in [
        "{not json",
        r#"{"id": [1]}"#,
        r#"{"id": "x\u001b", "no_such_question": 1}"#,
        "[]",
        r#"{"id": 4, "pain_severity": "loud"}"#,
        "{}",
    ] {
        assert_same(&SHIPPED, 3, refused);
    }
}

#[test]
fn view_options_a_batch_does_not_use_still_give_the_report_views_record() {
    let full = include_str!("fixtures/answers/full.json").replace('\n', " ");
    let explain = ViewOptions {
        explain: true,
        ..view()
    };
    let (fast, reference) = both(&SHIPPED, 1, &full, &explain);
    assert_eq!(fast, reference);
    assert!(fast.contains("\"trace\":["));
    // A date is written as given, escaped like any text.
    let odd = ViewOptions {
        date: "2026-12-06\u{1b}[31m\"".to_string(),
        ..view()
    };
    let (fast, reference) = both(&SHIPPED, 1, &full, &odd);
    assert_eq!(fast, reference);
}

#[test]
fn rule_bases_whose_text_needs_escapes_give_the_same_records() {
    for dir in [
        "tests/fixtures/rules/hostile",
        "tests/fixtures/rules/every_type",
    ] {
        let rb = load_dir(Path::new(dir)).unwrap();
        let mut runner = runner(64);
        runner
            .run(&answer_file(&rb, "[a-z\\x1b\\u{202e}\"]{0,6}"), |text| {
                assert_same(&rb, 1, &text);
                Ok(())
            })
            .unwrap();
    }
}

/// Made-up escalation rules with text to escape, over the small rule base with every
/// type of question: every level, and reasons whose words need escapes.
#[test]
fn made_up_reasons_with_text_to_escape_give_the_same_records() {
    let dir = Path::new("tests/fixtures/rules/every_type");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let rb = load_dir(dir).unwrap();
    let questions: Vec<&Question> = rb.questionnaire.questions.iter().collect();
    let levels: Vec<String> = rb.levels.iter().map(|l| l.id.to_string()).collect();
    // Each question with options, and how a condition tests one of them.
    let choice_questions: Vec<(String, &str, Vec<String>)> = questions
        .iter()
        .filter(|q| !q.options.is_empty())
        .map(|q| {
            let test = match q.kind {
                AnswerKind::Multi => "includes",
                _ => "equals",
            };
            (
                q.id.to_string(),
                test,
                q.options.iter().map(|o| o.value.to_string()).collect(),
            )
        })
        .collect();
    let rule = (
        prop::sample::select(choice_questions),
        any::<prop::sample::Index>(),
        prop::sample::select(levels),
        "[a-z \\x1b\\x07\\u{9b}\\u{202e}\"\\\\]{1,12}",
    )
        .prop_map(|((q, test, values), pick, level, reason)| {
            let value = pick.get(&values).clone();
            serde_json::json!({
                "when": { test: { "question": q, "value": value } },
                "then": { "escalate": { "level": level, "reason": format!("r {reason}") } },
                "sources": ["guide-1"],
            })
        });
    let mut runner = runner(48);
    runner
        .run(&prop::collection::vec(rule, 1..6), |rules| {
            let rules: Vec<Json> = rules
                .into_iter()
                .enumerate()
                .map(|(i, mut r)| {
                    r["id"] = Json::from(format!("r{i}"));
                    r
                })
                .collect();
            let mut texts = FILE_NAMES.map(read);
            texts[5] = serde_json::json!({ "rules": rules }).to_string();
            let mut texts = texts.into_iter();
            let files = std::array::from_fn(|i| RuleFile {
                name: FILE_NAMES[i].to_string(),
                text: texts.next().unwrap_or_default(),
            });
            let made_up = load("made up".to_string(), files).expect("made-up rules load");
            let mut inner = runner_seeded(8);
            inner
                .run(&answer_file(&made_up, "[a-z]{1,4}"), |text| {
                    assert_same(&made_up, 2, &text);
                    Ok(())
                })
                .unwrap();
            Ok(())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_answer_sets_give_the_record_the_report_view_gives(
        text in answer_file(&SHIPPED, "[ -~\\x1b\\u{7f}\\u{9b}\\u{202e}é\"\\\\]{0,10}"),
        line in 1..u64::MAX,
    ) {
        assert_same(&SHIPPED, line, &text);
    }
}

/// A runner with a fixed seed, so a failure shows again on the next run.
fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    runner_seeded(cases)
}

fn runner_seeded(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    TestRunner::new_with_rng(
        Config::with_cases(cases),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// A whole answer set as a batch line: each question answered, `null` or left out, with
/// mostly complete sets so that causes and strategies are reported, and an id that is
/// text (drawn from `id_chars`), a number or absent.
fn answer_file(rb: &RuleBase, id_chars: &str) -> impl Strategy<Value = String> + use<> {
    let ids: Vec<String> = rb
        .questionnaire
        .questions
        .iter()
        .map(|q| q.id.to_string())
        .collect();
    let per_question: Vec<_> = rb
        .questionnaire
        .questions
        .iter()
        .map(|q| {
            prop_oneof![
                6 => answer(q).prop_map(Some),
                1 => Just(Some(Json::Null)),
                2 => Just(None),
            ]
        })
        .collect();
    let id = prop_oneof![
        3 => proptest::string::string_regex(id_chars)
            .expect("a valid pattern")
            .prop_map(|s| Some(Json::String(s))),
        1 => any::<i64>().prop_map(|n| Some(Json::from(n))),
        1 => Just(None),
    ];
    (per_question, id).prop_map(move |(values, id)| {
        let mut map: Map<String, Json> = Map::new();
        if let Some(id) = id {
            map.insert("id".into(), id);
        }
        for (q, v) in ids.iter().zip(values) {
            if let Some(v) = v {
                map.insert(q.clone(), v);
            }
        }
        Json::Object(map).to_string()
    })
}
