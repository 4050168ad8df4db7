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
use runback::rulebase::{Conclusion, RuleBase, embedded};

mod common;
use common::answer;

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
            .filter_map(|(q, v)| Some((q.id.to_string(), v?)))
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
        prop_assert!(!rules.is_empty(), "the shipped rule base has emergency rules");
        // Random answers, with one red flag's answers laid over them: every question
        // its condition or their branch conditions read takes the witness's answer (or
        // none), so nothing random can keep it from firing.
        let rule = &rb.rules[rules[pick.index(rules.len())]];
        let witness = satisfy(rb, &rule.when).expect("every emergency rule can fire");
        let mut answers = parse(&text, rb);
        for q in reached_by(rb, &rule.when) {
            answers.set(q, witness.get(q));
        }
        let a = engine::assess(rb, &answers);
        prop_assert_eq!(
            engine::eval(&rule.when, &a.answers, &mut Vec::new()),
            Truth::True,
            "the red flag laid over the random answers fires"
        );
        prop_assert_eq!(&rb.levels[a.escalation.level].id, "emergency");
        prop_assert_eq!(a.escalation.reasons[0].level, a.escalation.level);
        let picked = engine::ReasonOrigin::Rule(rules[pick.index(rules.len())]);
        prop_assert!(
            a.escalation.reasons.iter().any(|r| r.origin == picked),
            "the rule laid over is among the reasons"
        );
        // The random answers alone: whenever any emergency rule fires, the report says so.
        let a = engine::assess(rb, &parse(&text, rb));
        let fired = rules.iter().any(|&r| {
            engine::eval(&rb.rules[r].when, &a.answers, &mut Vec::new()) == Truth::True
        });
        if fired {
            prop_assert_eq!(&rb.levels[a.escalation.level].id, "emergency");
        }
    }
}

/// The questions a condition reads and, in turn, those their branch conditions read:
/// every answer its outcome depends on.
fn reached_by(rb: &RuleBase, condition: &runback::rulebase::Condition) -> Vec<usize> {
    let mut seen = vec![false; rb.questionnaire.questions.len()];
    let mut queue = vec![condition];
    while let Some(c) = queue.pop() {
        c.visit_questions(&mut |q| {
            if !std::mem::replace(&mut seen[q], true)
                && let Some(ask_if) = &rb.questionnaire.questions[q].ask_if
            {
                queue.push(ask_if);
            }
        });
    }
    (0..seen.len()).filter(|&q| seen[q]).collect()
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
}

/// A runner with a fixed seed, for the properties below that count how often each
/// outcome occurs: the counts (and so the assertions on them) are the same every run.
fn counting_runner(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    TestRunner::new_with_rng(
        Config::with_cases(cases),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// One change to a rule file that keeps it valid JSON, so it reaches the shape checks
/// and the cross-references behind the parser.
#[derive(Debug, Clone)]
enum Damage {
    /// The value at a node replaced.
    Replace(Index, Json),
    /// A member of an object or an element of an array taken out.
    Remove(Index),
    /// An object's key renamed.
    Rename(Index, String),
    /// An element of an array written twice.
    Duplicate(Index),
}

/// The ids, option values and keys of the shipped rule files: a damaged file that
/// swaps one for another reaches the cross-references.
fn words() -> Vec<String> {
    let mut found = std::collections::BTreeSet::new();
    fn walk(json: &Json, found: &mut std::collections::BTreeSet<String>) {
        match json {
            Json::String(s) if s.len() < 40 => {
                found.insert(s.clone());
            }
            Json::Array(items) => items.iter().for_each(|v| walk(v, found)),
            Json::Object(map) => {
                for (k, v) in map {
                    found.insert(k.clone());
                    walk(v, found);
                }
            }
            _ => {}
        }
    }
    for text in TEXTS {
        walk(&serde_json::from_str(text).unwrap(), &mut found);
    }
    found.into_iter().collect()
}

fn damage() -> impl Strategy<Value = Damage> {
    let value = prop_oneof![
        4 => prop::sample::select(words()).prop_map(Json::String),
        1 => ".{0,6}".prop_map(Json::String),
        1 => (-3.0..3.0f64).prop_map(|n| serde_json::json!(n)),
        1 => Just(Json::Null),
        1 => any::<bool>().prop_map(Json::Bool),
        1 => Just(serde_json::json!([])),
        1 => Just(serde_json::json!({})),
    ];
    prop_oneof![
        3 => (any::<Index>(), value).prop_map(|(at, v)| Damage::Replace(at, v)),
        2 => any::<Index>().prop_map(Damage::Remove),
        1 => (any::<Index>(), prop::sample::select(words())).prop_map(|(at, k)| Damage::Rename(at, k)),
        1 => any::<Index>().prop_map(Damage::Duplicate),
    ]
}

/// Every node of a JSON value, as a JSON pointer, the root first.
fn pointers(json: &Json, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match json {
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

fn apply(json: &mut Json, damage: &Damage) {
    let mut all = Vec::new();
    pointers(json, String::new(), &mut all);
    let (Damage::Replace(at, _)
    | Damage::Remove(at)
    | Damage::Rename(at, _)
    | Damage::Duplicate(at)) = damage;
    // The root has no parent to remove it from; start below it.
    let pointer = &all[1.max(at.index(all.len()))];
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let key = last.replace("~1", "/").replace("~0", "~");
    match damage {
        Damage::Replace(_, value) => *json.pointer_mut(pointer).unwrap() = value.clone(),
        Damage::Remove(_) | Damage::Rename(..) | Damage::Duplicate(_) => {
            match json.pointer_mut(parent).unwrap() {
                Json::Object(map) => {
                    if let Some(v) = map.shift_remove(&key)
                        && let Damage::Rename(_, new) = damage
                    {
                        map.insert(new.clone(), v);
                    }
                }
                Json::Array(items) => {
                    let i: usize = key.parse().unwrap();
                    if let Damage::Duplicate(_) = damage {
                        items.insert(i, items[i].clone());
                    } else {
                        items.remove(i);
                    }
                }
                _ => unreachable!("a pointer's parent holds it"),
            }
        }
    }
}

#[test]
fn a_damaged_rule_file_is_refused_by_its_shape_or_references_or_loaded_never_a_panic() {
    let cases = 400;
    let mut runner = counting_runner(cases);
    let outcomes = std::cell::RefCell::new([0usize; 3]); // shape, references, loaded
    runner
        .run(
            &(0..6usize, prop::collection::vec(damage(), 1..4)),
            |(file, damages)| {
                let mut json: Json = serde_json::from_str(TEXTS[file]).unwrap();
                for d in &damages {
                    apply(&mut json, d);
                }
                let mut texts = TEXTS.map(str::to_string);
                texts[file] = json.to_string();
                let outcome = match load_texts(texts) {
                    Ok(_) => 2,
                    Err(runback::rulebase::LoadError::Invalid { problems, .. }) => {
                        prop_assert!(!problems.is_empty());
                        for p in &problems {
                            prop_assert!(FILE_NAMES.contains(&p.file.as_str()), "{p}");
                            prop_assert!(!p.message.starts_with("invalid JSON"), "{p}");
                        }
                        // A JSON pointer means the file parsed and its references were checked.
                        usize::from(problems.iter().any(|p| p.location.starts_with('/')))
                    }
                    Err(other) => panic!("{other}"),
                };
                outcomes.borrow_mut()[outcome] += 1;
                Ok(())
            },
        )
        .unwrap();
    let [shape, references, loaded] = outcomes.into_inner();
    // Each kind of outcome is common enough that the damage reaches every layer.
    for (what, n) in [
        ("shape errors", shape),
        ("reference errors", references),
        ("loaded", loaded),
    ] {
        assert!(n * 20 >= cases as usize, "{what}: {n} of {cases}");
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
        .map(|q| q.id.to_string())
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
                .flat_map(|q| q.options.iter().map(|o| o.value.to_string()))
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

/// An answer file with bytes changed: inserted, deleted or overwritten with any byte.
fn damaged_answer_file() -> impl Strategy<Value = Vec<u8>> {
    let edit = (any::<Index>(), 0..3u8, any::<u8>());
    (answer_file(), prop::collection::vec(edit, 0..3)).prop_map(|(text, edits)| {
        let mut bytes = text.into_bytes();
        for (at, kind, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => bytes.push(byte),
            }
        }
        bytes
    })
}

#[test]
fn arbitrary_bytes_as_an_answer_file_are_refused_or_assessed_never_a_panic() {
    let cases = 512;
    let mut runner = counting_runner(cases);
    let rb = &*SHIPPED;
    let outcomes = std::cell::RefCell::new([0usize; 2]); // refused, assessed
    let bytes = prop_oneof![
        3 => damaged_answer_file(),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ];
    runner
        .run(&bytes, |bytes| {
            match runback::answers::read_text(&bytes[..], "bytes")
                .and_then(|text| Answers::parse(&text, "bytes", &rb.questionnaire))
            {
                Ok(answers) => {
                    let a = engine::assess(rb, &answers);
                    prop_assert!(a.escalation.level < rb.levels.len());
                    let view = ReportView::new(&a, &Default::default());
                    let json: Json = serde_json::from_str(&report::json(&view)).unwrap();
                    prop_assert!(json["escalation"]["level"].is_string());
                    outcomes.borrow_mut()[1] += 1;
                }
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(message.contains("bytes"), "{message}");
                    prop_assert!(
                        !message.chars().any(|c| c.is_control() && c != '\n'),
                        "{message:?}"
                    );
                    outcomes.borrow_mut()[0] += 1;
                }
            }
            Ok(())
        })
        .unwrap();
    let [refused, assessed] = outcomes.into_inner();
    // Both outcomes are common: the bytes reach the answer checks and the engine.
    assert!(
        refused * 10 >= cases as usize,
        "refused {refused} of {cases}"
    );
    assert!(
        assessed * 10 >= cases as usize,
        "assessed {assessed} of {cases}"
    );
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

#[test]
fn a_value_of_the_wrong_kind_is_a_shape_error_not_invalid_json() {
    // serde_json calls this "expected value", as for broken JSON; the file is valid JSON.
    let mut file: Json = serde_json::from_str(TEXTS[RULES_FILE]).unwrap();
    file["rules"][0]["when"] = serde_json::json!(0);
    let mut texts = TEXTS.map(str::to_string);
    texts[RULES_FILE] = file.to_string();
    let message = load_texts(texts).unwrap_err().to_string();
    assert!(
        message.contains("at rules[0].when: a value of the wrong kind"),
        "{message}"
    );
    assert!(!message.contains("invalid JSON"), "{message}");
}

/// The questionnaire, causes, strategies, levels and sources of a small rule base with
/// every question type, for rule files made up by the tests below.
const EVERY_TYPE: [&str; 5] = [
    include_str!("fixtures/rules/every_type/sources.json"),
    include_str!("fixtures/rules/every_type/questionnaire.json"),
    include_str!("fixtures/rules/every_type/causes.json"),
    include_str!("fixtures/rules/every_type/strategies.json"),
    include_str!("fixtures/rules/every_type/escalation.json"),
];

/// A condition over the questions of [`EVERY_TYPE`], as a rule file writes it.
fn condition() -> impl Strategy<Value = Json> {
    use serde_json::json;
    let choice = prop_oneof![
        Just(("alarm", vec!["yes", "no", "unsure"])),
        Just(("shoes", vec!["new", "old"])),
        Just(("shoe_pain", vec!["yes", "no", "unsure"])),
    ];
    let numeric = prop::sample::select(vec!["runs", "severity"]);
    let any_question = prop::sample::select(vec![
        "alarm",
        "severity",
        "timing",
        "runs",
        "shoes",
        "shoe_pain",
    ]);
    let timing = prop::sample::select(vec!["running", "night", "never"]);
    let leaf = prop_oneof![
        choice
            .clone()
            .prop_flat_map(|(q, values)| prop::sample::select(values)
                .prop_map(move |v| json!({ "equals": { "question": q, "value": v } }))),
        choice.prop_flat_map(|(q, values)| prop::sample::subsequence(
            values.clone(),
            1..=values.len()
        )
        .prop_map(move |vs| json!({ "one_of": { "question": q, "values": vs } }))),
        timing.prop_map(|v| json!({ "includes": { "question": "timing", "value": v } })),
        (
            numeric,
            prop::sample::select(vec!["at_least", "at_most", "less_than", "greater_than"]),
            -2..16i32
        )
            .prop_map(|(q, op, v)| json!({ op: { "question": q, "value": v } })),
        any_question.clone().prop_map(|q| json!({ "answered": q })),
        any_question.prop_map(|q| json!({ "unanswered": q })),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|cs| serde_json::json!({ "all": cs })),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|cs| serde_json::json!({ "any": cs })),
            inner.prop_map(|c| serde_json::json!({ "not": c })),
        ]
    })
}

/// A rules file of one to six made-up rules, with texts that hold control characters.
fn made_up_rules() -> impl Strategy<Value = String> {
    use serde_json::json;
    let then = prop_oneof![
        (
            prop::sample::select(vec!["worn_shoes", "too_much"]),
            prop_oneof![-1.0..-0.05f64, 0.05..1.0f64]
        )
            .prop_map(|(c, s)| json!({ "evidence": { "cause": c, "strength": s } })),
        (
            prop::sample::select(vec!["emergency", "routine"]),
            "[a-z \\x1b\\x07\\u{9b}\\u{202e}]{1,12}"
        )
            .prop_map(|(l, r)| json!({ "escalate": { "level": l, "reason": format!("r {r}") } })),
    ];
    prop::collection::vec((condition(), then), 1..6).prop_map(|rules| {
        let rules: Vec<Json> = rules
            .into_iter()
            .enumerate()
            .map(|(i, (when, then))| json!({ "id": format!("r{i}"), "when": when, "then": then, "sources": ["guide-1"] }))
            .collect();
        json!({ "rules": rules }).to_string()
    })
}

/// Any answer set for [`EVERY_TYPE`]'s questionnaire, as an answer file.
fn made_up_answers() -> impl Strategy<Value = String> {
    use serde_json::json;
    let maybe = |s: BoxedStrategy<Json>| prop_oneof![1 => Just(Json::Null), 2 => s];
    (
        maybe(prop::sample::select(vec!["yes", "no", "unsure"]).prop_map(Json::from).boxed()),
        maybe((0..=10i32).prop_map(Json::from).boxed()),
        maybe(prop_oneof![
            prop::sample::subsequence(vec!["running", "night"], 0..=2).prop_map(|v| json!(v)),
            Just(json!(["never"])),
        ].boxed()),
        maybe((0..=14i32).prop_map(Json::from).boxed()),
        maybe(prop::sample::select(vec!["new", "old"]).prop_map(Json::from).boxed()),
        maybe(prop::sample::select(vec!["yes", "no", "unsure"]).prop_map(Json::from).boxed()),
    )
        .prop_map(|(alarm, severity, timing, runs, shoes, shoe_pain)| {
            json!({ "alarm": alarm, "severity": severity, "timing": timing, "runs": runs, "shoes": shoes, "shoe_pain": shoe_pain }).to_string()
        })
}

/// The every-type rule base with made-up `rules.json` text.
fn with_made_up_rules(rules: &str) -> RuleBase {
    let texts = [
        EVERY_TYPE[0],
        EVERY_TYPE[1],
        EVERY_TYPE[2],
        EVERY_TYPE[3],
        EVERY_TYPE[4],
        rules,
    ]
    .map(str::to_string);
    load_texts(texts).expect("made-up rules use only ids that exist")
}

/// What the cargo-fuzz target `check` does with made-up rule bases, as a property:
/// `runback check` and every renderer run on them, nothing raw reaches the output, and a
/// rule `check` calls impossible never fires for any answers.
#[test]
fn check_and_every_renderer_run_on_made_up_rule_bases() {
    let cases = 256;
    let mut runner = counting_runner(cases);
    // Rule bases that loaded, and those in which `check` found a rule that never fires.
    let tally = std::cell::RefCell::new((0u32, 0u32));
    let case = (
        made_up_rules(),
        prop::collection::vec(made_up_answers(), 1..6),
    );
    runner
        .run(&case, |(rules, answers)| {
            let rb = with_made_up_rules(&rules);
            let check = runback::check::Report::new("made up".into(), Ok(&rb));
            let listing = check.render();
            prop_assert!(
                listing
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .starts_with("runback check: ")
            );
            let never: Vec<&str> = check
                .findings
                .iter()
                .filter(|f| f.message.contains("can never fire"))
                .filter_map(|f| f.item.as_deref())
                .collect();
            let view = runback::report::ViewOptions {
                date: "2026-11-21".into(),
                explain: true,
                training: None,
                more: Default::default(),
            };
            let text = runback::report::TextOptions {
                width: 60,
                color: false,
                ascii: false,
                detail: true,
            };
            for answers in &answers {
                let answers = Answers::parse(answers, "made up", &rb.questionnaire).unwrap();
                let a = engine::assess(&rb, &answers);
                for rule in &rb.rules {
                    let fired =
                        engine::eval(&rule.when, &a.answers, &mut Vec::new()) == Truth::True;
                    let item = format!("rule `{}`", rule.id);
                    prop_assert!(
                        !(fired && never.contains(&item.as_str())),
                        "{item} fired: {listing}"
                    );
                }
                for format in [
                    report::Format::Text,
                    report::Format::Markdown,
                    report::Format::Json,
                    report::Format::Html,
                ] {
                    let out = report::render(&a, format, &view, text);
                    prop_assert!(
                        !out.chars()
                            .any(|c| runback::clean::is_unsafe(c) && c != '\n'),
                        "{format:?}: {out:?}"
                    );
                }
            }
            for out in [
                runback::export::questions_text(&rb),
                runback::export::questions_markdown(&rb),
                runback::export::questions_json(&rb),
                runback::export::template(&rb, true, false),
                listing,
            ] {
                prop_assert!(
                    !out.chars()
                        .any(|c| runback::clean::is_unsafe(c) && c != '\n'),
                    "{out:?}"
                );
            }
            let mut tally = tally.borrow_mut();
            tally.0 += 1;
            tally.1 += u32::from(!never.is_empty());
            Ok(())
        })
        .unwrap();
    let (loaded, with_dead_rules) = tally.into_inner();
    assert_eq!(loaded, cases);
    // Enough made-up rules can never fire that the solver's "impossible" is put to the test.
    assert!(
        with_dead_rules * 20 >= cases,
        "{with_dead_rules} of {cases}"
    );
}

/// Whether two assessments say the same, field by field (an assessment holds its rule
/// base, so it is not compared whole).
fn same_assessment(a: &engine::Assessment, b: &engine::Assessment) -> Result<(), TestCaseError> {
    prop_assert!(std::ptr::eq(a.rules, b.rules));
    prop_assert_eq!(&a.answers, &b.answers);
    prop_assert_eq!(&a.escalation, &b.escalation);
    prop_assert_eq!(format!("{:?}", a.today), format!("{:?}", b.today));
    prop_assert_eq!(&a.causes, &b.causes);
    prop_assert_eq!(&a.strategies, &b.strategies);
    prop_assert_eq!(a.start_here, b.start_here);
    prop_assert_eq!(&a.unanswered, &b.unanswered);
    prop_assert_eq!(&a.ignored, &b.ignored);
    prop_assert_eq!(&a.not_checked, &b.not_checked);
    // And so the report a runner reads.
    let json = |a: &engine::Assessment| report::json(&ReportView::new(a, &Default::default()));
    prop_assert_eq!(json(a), json(b));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A batch refills one assessment per worker for answer set after answer set: each
    /// must come out exactly as a fresh one would, whatever the set before left behind.
    #[test]
    fn an_assessment_refilled_for_the_next_answer_set_is_the_fresh_one(
        texts in prop::collection::vec(answer_file(), 1..8),
    ) {
        let rb = &*SHIPPED;
        let mut reused: Option<engine::Assessment> = None;
        for text in &texts {
            let answers = parse(text, rb);
            let fresh = engine::assess(rb, &answers);
            let refilled = match reused.as_mut() {
                Some(a) => {
                    engine::assess_into(rb, &answers, a);
                    a
                }
                None => reused.insert(engine::assess(rb, &answers)),
            };
            same_assessment(refilled, &fresh)?;
        }
    }
}

/// Refilling after every other answer set of the fixtures, among them sets with many more
/// causes, reasons and strategies than the next: nothing of the set before survives.
#[test]
fn an_assessment_refilled_after_a_larger_one_keeps_nothing_of_it() {
    let rb = &*SHIPPED;
    let fixtures = [
        include_str!("fixtures/answers/full.json"),
        include_str!("fixtures/answers/emergency.json"),
        include_str!("fixtures/answers/urgent.json"),
        include_str!("fixtures/answers/soon.json"),
        include_str!("fixtures/answers/routine.json"),
        include_str!("fixtures/answers/empty.json"),
    ];
    let sets: Vec<Answers> = fixtures.iter().map(|text| parse(text, rb)).collect();
    let most = sets
        .iter()
        .map(|a| engine::assess(rb, a).causes.len())
        .max()
        .unwrap();
    assert!(
        sets.iter()
            .any(|a| engine::assess(rb, a).causes.len() < most),
        "some fixture has fewer causes than another"
    );
    for before in &sets {
        for next in &sets {
            let mut a = engine::assess(rb, before);
            engine::assess_into(rb, next, &mut a);
            same_assessment(&a, &engine::assess(rb, next)).unwrap();
        }
    }
}

/// The same on made-up rule bases: rules that raise the floor for unanswered questions,
/// causes that escalate, nothing that stands out (the fallback strategy).
#[test]
fn refilling_gives_the_fresh_assessment_on_made_up_rule_bases() {
    let mut runner = counting_runner(256);
    let case = (
        made_up_rules(),
        prop::collection::vec(made_up_answers(), 2..8),
    );
    runner
        .run(&case, |(rules, answers)| {
            let rb = with_made_up_rules(&rules);
            let sets: Vec<Answers> = answers
                .iter()
                .map(|text| Answers::parse(text, "made up", &rb.questionnaire).unwrap())
                .collect();
            let mut a = engine::assess(&rb, &sets[0]);
            for set in &sets[1..] {
                engine::assess_into(&rb, set, &mut a);
                same_assessment(&a, &engine::assess(&rb, set))?;
            }
            Ok(())
        })
        .unwrap();
}
