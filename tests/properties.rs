//! Properties of the engine over random answer sets drawn from the shipped questionnaire,
//! and of the parsers over arbitrary bytes: whatever a runner (or a stranger) hands
//! runback, it answers with a report that carries an escalation, or with an error.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value as Json};

use runback::answers::Answers;
use runback::engine::satisfy::satisfy;
use runback::engine::{self, Truth};
use runback::report::{self, ReportView};
use runback::rulebase::embedded::TEXTS;
use runback::rulebase::load::{FILE_NAMES, RuleFile, load};
use runback::rulebase::{AnswerKind, Conclusion, Question, RuleBase, embedded};

const RULES_FILE: usize = 5;

static SHIPPED: LazyLock<RuleBase> =
    LazyLock::new(|| embedded::shipped().expect("the shipped rule base is valid"));

fn load_texts(texts: [String; 6]) -> Result<RuleBase, runback::rulebase::LoadError> {
    let mut texts = texts.into_iter();
    let files = std::array::from_fn(|i| RuleFile {
        name: FILE_NAMES[i].to_string(),
        text: texts.next().unwrap_or_default(),
    });
    load("test".to_string(), files)
}

/// A valid answer to one question, edge values included.
fn answer(question: &Question) -> BoxedStrategy<Json> {
    let values: Vec<String> = question.options.iter().map(|o| o.value.clone()).collect();
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single => {
            prop::sample::select(values).prop_map(Json::String).boxed()
        }
        AnswerKind::Multi => {
            let exclusive: Vec<String> = question
                .options
                .iter()
                .filter(|o| o.exclusive)
                .map(|o| o.value.clone())
                .collect();
            let others: Vec<String> = question
                .options
                .iter()
                .filter(|o| !o.exclusive)
                .map(|o| o.value.clone())
                .collect();
            let n = others.len();
            let some = prop::sample::subsequence(others, 0..=n)
                .prop_map(|list| Json::Array(list.into_iter().map(Json::String).collect()));
            if exclusive.is_empty() {
                some.boxed()
            } else {
                prop_oneof![
                    3 => some,
                    1 => prop::sample::select(exclusive)
                        .prop_map(|v| Json::Array(vec![Json::String(v)])),
                ]
                .boxed()
            }
        }
        AnswerKind::Number {
            min, max, integer, ..
        } => {
            let (min, max, integer) = (*min, *max, *integer);
            prop_oneof![
                1 => Just(min),
                1 => Just(max),
                4 => (min..=max).prop_map(move |n| if integer { n.floor().max(min) } else { n }),
            ]
            .prop_map(|n| serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
            .boxed()
        }
        AnswerKind::Scale { min, max, .. } => prop_oneof![
            1 => Just(*min),
            1 => Just(*max),
            4 => *min..=*max,
        ]
        .prop_map(Json::from)
        .boxed(),
    }
}

/// A whole answer file: each question answered, `null`, or left out.
fn answer_file() -> impl Strategy<Value = String> {
    let per_question: Vec<_> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .map(|q| {
            prop_oneof![
                3 => answer(q).prop_map(Some),
                1 => Just(Some(Json::Null)),
                2 => Just(None),
            ]
        })
        .collect();
    per_question.prop_map(|values| {
        let map: Map<String, Json> = SHIPPED
            .questionnaire
            .questions
            .iter()
            .zip(values)
            .filter_map(|(q, v)| Some((q.id.clone(), v?)))
            .collect();
        Json::Object(map).to_string()
    })
}

fn parse(text: &str, rb: &RuleBase) -> Answers {
    Answers::parse(text, "generated", &rb.questionnaire).expect("generated answers are valid")
}

fn emergency_rules(rb: &RuleBase) -> Vec<usize> {
    rb.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(&r.then, Conclusion::Escalate(e) if rb.levels[e.level].id == "emergency"))
        .map(|(i, _)| i)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_report_carries_an_escalation_and_confidences_in_zero_to_one(text in answer_file()) {
        let rb = &*SHIPPED;
        let a = engine::assess(rb, &parse(&text, rb));
        prop_assert!(a.escalation.level < rb.levels.len());
        for cause in &a.causes {
            prop_assert!(cause.confidence > 0.0 && cause.confidence <= 1.0, "{}", cause.confidence);
        }
        let view = ReportView::new(&a, &Default::default());
        prop_assert!(rb.levels.iter().any(|l| l.id == view.escalation.level));
        prop_assert!(!view.escalation.action.is_empty());
        for cause in &view.causes {
            prop_assert!((0.0..=1.0).contains(&cause.confidence));
        }
        // Both renderings succeed.
        let json: Json = serde_json::from_str(&report::json(&view)).unwrap();
        prop_assert!(json["escalation"]["level"].is_string());
    }

    #[test]
    fn a_rule_that_marks_an_answer_emergency_makes_the_report_emergency(
        text in answer_file(),
        pick in any::<Index>(),
    ) {
        let rb = &*SHIPPED;
        let rules = emergency_rules(rb);
        prop_assume!(!rules.is_empty());
        // Random answers, with one red flag's answers laid over them.
        let rule = &rb.rules[rules[pick.index(rules.len())]];
        let witness = satisfy(rb, &rule.when).expect("every emergency rule can fire");
        let mut answers = parse(&text, rb);
        for q in 0..rb.questionnaire.questions.len() {
            if let Some(v) = witness.get(q) {
                answers.set(q, Some(v));
            }
        }
        for answers in [parse(&text, rb), answers] {
            let a = engine::assess(rb, &answers);
            let fired = rules.iter().any(|&r| {
                engine::eval(&rb.rules[r].when, &a.answers, &mut Vec::new()) == Truth::True
            });
            if fired {
                prop_assert_eq!(&rb.levels[a.escalation.level].id, "emergency");
                prop_assert_eq!(a.escalation.reasons[0].level, a.escalation.level);
            }
        }
    }
}

proptest! {
    // Each case loads a whole rule base; fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_order_of_rules_in_the_file_does_not_change_the_report(
        text in answer_file(),
        order in Just((0..count_rules()).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let mut file: Json = serde_json::from_str(TEXTS[RULES_FILE]).unwrap();
        let rules = file["rules"].as_array().unwrap().clone();
        file["rules"] = Json::Array(order.iter().map(|&i| rules[i].clone()).collect());
        let mut texts = TEXTS.map(str::to_string);
        texts[RULES_FILE] = file.to_string();
        let shuffled = load_texts(texts).expect("a shuffled rule base is still valid");
        let rb = &*SHIPPED;
        let expected = report::json(&ReportView::new(&engine::assess(rb, &parse(&text, rb)), &Default::default()));
        let actual = report::json(&ReportView::new(&engine::assess(&shuffled, &parse(&text, &shuffled)), &Default::default()));
        prop_assert_eq!(actual, expected);
    }

    #[test]
    fn arbitrary_bytes_as_a_rule_file_are_refused_or_loaded_never_a_panic(
        file in 0..6usize,
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut texts = TEXTS.map(str::to_string);
        texts[file] = String::from_utf8_lossy(&bytes).into_owned();
        prop_assert!(load_texts(texts).is_err());
    }

    #[test]
    fn a_damaged_rule_file_is_refused_or_loaded_never_a_panic(
        file in 0..6usize,
        edits in prop::collection::vec((any::<Index>(), 0..64usize, ".{0,8}"), 1..6),
    ) {
        // Cuts and insertions in the real files reach the checks past the JSON parser.
        let mut texts = TEXTS.map(str::to_string);
        let text = &mut texts[file];
        for (at, cut, insert) in edits {
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, &insert);
        }
        if let Err(e) = load_texts(texts) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

fn count_rules() -> usize {
    SHIPPED.rules.len()
}

/// Arbitrary JSON with the questionnaire's ids among its keys, to get past the syntax check.
fn arbitrary_json() -> impl Strategy<Value = Json> {
    let ids: Vec<String> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        ".{0,12}".prop_map(Json::String),
        prop::sample::select(
            SHIPPED
                .questionnaire
                .questions
                .iter()
                .flat_map(|q| q.options.iter().map(|o| o.value.clone()))
                .collect::<Vec<_>>()
        )
        .prop_map(Json::String),
    ];
    let key = prop_oneof![3 => prop::sample::select(ids), 1 => ".{0,8}"];
    leaf.prop_recursive(3, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Json::Array),
            prop::collection::vec((key.clone(), inner), 0..12)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_as_an_answer_file_are_refused_or_assessed_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let rb = &*SHIPPED;
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(answers) = Answers::parse(&text, "bytes", &rb.questionnaire) {
            engine::assess(rb, &answers);
        }
    }

    #[test]
    fn arbitrary_json_as_an_answer_file_is_refused_or_assessed_never_a_panic(json in arbitrary_json()) {
        let rb = &*SHIPPED;
        match Answers::parse(&json.to_string(), "json", &rb.questionnaire) {
            Ok(answers) => {
                let a = engine::assess(rb, &answers);
                prop_assert!(a.escalation.level < rb.levels.len());
            }
            Err(e) => prop_assert!(e.to_string().starts_with("json")),
        }
    }
}

#[test]
fn an_answer_file_over_the_size_limit_is_refused_naming_file_and_limit() {
    let rb = &*SHIPPED;
    let padding = " ".repeat(runback::answers::MAX_ANSWER_BYTES);
    let text = format!("{{}}{padding}");
    let err = Answers::parse(&text, "big.json", &rb.questionnaire).unwrap_err();
    assert_eq!(
        err.to_string(),
        "big.json is larger than the 1 MiB limit for answers; an answer file holds one JSON object and is a few kilobytes"
    );
    let err = runback::answers::read_text(text.as_bytes(), "big.json").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("big.json is larger than the 1 MiB limit")
    );
    // Just under the limit is fine.
    let text = format!("{{}}{}", &padding[3..]);
    assert!(Answers::parse(&text, "ok.json", &rb.questionnaire).is_ok());
}

#[test]
fn an_answer_file_nested_too_deep_is_refused_with_a_clear_error() {
    let rb = &*SHIPPED;
    let text = format!(
        "{{\"pain_timing\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = Answers::parse(&text, "deep.json", &rb.questionnaire).unwrap_err();
    assert!(
        err.to_string().contains("recursion limit exceeded"),
        "{err}"
    );
}

#[test]
fn a_rule_file_over_the_size_limit_is_refused_naming_file_and_limit() {
    let mut texts = TEXTS.map(str::to_string);
    texts[RULES_FILE].push_str(&" ".repeat(runback::rulebase::load::MAX_RULE_FILE_BYTES));
    let err = load_texts(texts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rule file rules.json is larger than the 4 MiB limit for one rule file"
    );
}

#[test]
fn a_rule_file_nested_too_deep_is_refused_with_a_clear_error() {
    let mut texts = TEXTS.map(str::to_string);
    let deep = format!(
        "{{\"rules\": [{{\"id\": \"deep\", \"when\": {}{{\"answered\": \"pain_severity\"}}{}, \"then\": {{}}, \"sources\": []}}]}}",
        "{\"not\": ".repeat(5_000),
        "}".repeat(5_000)
    );
    texts[RULES_FILE] = deep;
    let err = load_texts(texts).unwrap_err().to_string();
    assert!(
        err.contains("rules.json") && err.contains("recursion limit exceeded"),
        "{err}"
    );
}

#[test]
fn an_answer_file_with_thousands_of_bad_keys_lists_a_hundred_and_counts_the_rest() {
    let rb = &*SHIPPED;
    let keys: Vec<String> = (0..5_000)
        .map(|i| format!("\"not_a_question_{i}\": 1"))
        .collect();
    let text = format!("{{{}}}", keys.join(", "));
    let err = Answers::parse(&text, "many.json", &rb.questionnaire).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("many.json: 5000 invalid answers:\n"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1 + 100 + 1);
    assert!(message.ends_with("\n  and 4900 more, not listed"));
}

#[test]
fn a_rule_file_with_thousands_of_bad_references_lists_two_hundred_and_counts_the_rest() {
    let rules: Vec<String> = (0..1_000)
        .map(|i| {
            format!(
                r#"{{"id": "r{i}", "when": {{"equals": {{"question": "nq{i}", "value": "yes"}}}}, "then": {{"escalate": {{"level": "soon", "reason": "x"}}}}, "sources": ["nice-ng59"]}}"#
            )
        })
        .collect();
    let mut texts = TEXTS.map(str::to_string);
    texts[RULES_FILE] = format!("{{\"rules\": [{}]}}", rules.join(", "));
    let message = load_texts(texts).unwrap_err().to_string();
    assert!(message.contains("(1000 problems)"), "{}", &message[..200]);
    assert_eq!(message.lines().count(), 1 + 200 + 1);
    assert!(message.ends_with("\n  and 800 more, not listed"));
}
