//! Properties of the escalation over random answer sets from the shipped questionnaire:
//! being unsure or skipping a warning sign never lowers the level, a "yes" never lowers
//! it, a "yes" to a follow-up asked after "not sure" counts as it would after "yes", every
//! format's escalation box holds only reasons of its own level, and the short
//! questionnaire never ends at a lower level than the full one.

use std::sync::LazyLock;

use proptest::prelude::*;
use runback::answers::{Answers, Value};
use runback::engine::{self, Truth};
use runback::interactive::flow::{self, Scope};
use runback::interactive::replay::Replay;
use runback::report::{self, Format, TextOptions, ViewOptions};
use runback::rulebase::{AnswerKind, Question, RuleBase, embedded};

mod common;

static SHIPPED: LazyLock<RuleBase> =
    LazyLock::new(|| embedded::shipped().expect("the shipped rule base is valid"));

/// A valid answer to one question, or none.
fn answer(question: &Question) -> BoxedStrategy<Option<Value>> {
    let value = common::value(question);
    prop_oneof![4 => value.prop_map(Some), 1 => Just(None)].boxed()
}

/// Random answers to every question that is still asked.
fn answer_set() -> impl Strategy<Value = Answers> {
    let per_question: Vec<_> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .map(|q| {
            if q.retired.is_some() {
                Just(None).boxed()
            } else {
                answer(q)
            }
        })
        .collect();
    per_question.prop_map(|values| {
        let mut answers = Answers::none(&SHIPPED.questionnaire);
        for (q, v) in values.into_iter().enumerate() {
            answers.set(q, v);
        }
        answers
    })
}

/// The level index (0 = most urgent) for answers with question `q` set to `value`.
fn level_with(answers: &Answers, q: usize, value: Option<Value>) -> usize {
    let mut answers = answers.clone();
    answers.set(q, value);
    engine::assess(&SHIPPED, &answers).escalation.level
}

/// A warning sign's harmless answer ("no", or "none"), and its "not sure" answer.
fn benign_and_unsure(question: &Question) -> Option<(Value, Value)> {
    let find = |value: &str| question.option(value);
    let (benign, unsure) = (find("no").or(find("none"))?, find("unsure")?);
    Some(match question.kind {
        AnswerKind::Multi => (Value::Multi(1 << benign), Value::Multi(1 << unsure)),
        _ => (Value::Choice(benign), Value::Choice(unsure)),
    })
}

fn warning_signs() -> Vec<usize> {
    let signs: Vec<usize> = SHIPPED
        .questionnaire
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.warning_sign && benign_and_unsure(q).is_some())
        .map(|(i, _)| i)
        .collect();
    assert!(signs.len() >= 15, "only {} warning signs", signs.len());
    signs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn being_unsure_or_skipping_a_warning_sign_never_lowers_the_level(answers in answer_set()) {
        for q in warning_signs() {
            let question = &SHIPPED.questionnaire.questions[q];
            let (benign, unsure) = benign_and_unsure(question).unwrap();
            let no = level_with(&answers, q, Some(benign));
            let not_sure = level_with(&answers, q, Some(unsure));
            let skipped = level_with(&answers, q, None);
            prop_assert!(not_sure <= no, "{}: not sure gives a lower level than no", question.id);
            prop_assert!(skipped <= not_sure, "{}: skipping gives a lower level than not sure", question.id);
            prop_assert!(skipped <= no, "{}: skipping gives a lower level than no", question.id);
        }
    }

    #[test]
    fn a_yes_never_lowers_the_level(answers in answer_set()) {
        for (q, question) in SHIPPED.questionnaire.questions.iter().enumerate() {
            if question.kind != AnswerKind::YesNo || question.retired.is_some() {
                continue;
            }
            let yes = level_with(&answers, q, Some(Value::Choice(0)));
            for other in 1..question.options.len() {
                let before = level_with(&answers, q, Some(Value::Choice(other)));
                prop_assert!(
                    yes <= before,
                    "{}: yes instead of {} lowers the level",
                    question.id,
                    question.options[other].value
                );
            }
        }
    }

    #[test]
    fn every_escalation_box_holds_only_reasons_of_its_own_level(answers in answer_set()) {
        let a = engine::assess(&SHIPPED, &answers);
        let view_options = ViewOptions { date: "2026-11-22".into(), explain: false, training: None, more: Default::default() };
        let view = report::ReportView::new(&a, &view_options);
        let own: Vec<&str> = view.escalation.own_reasons().map(|r| r.text).collect();
        let lesser: Vec<&str> = view.escalation.lesser_reasons().map(|r| r.text).collect();
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = report::render(
                &a,
                format,
                &view_options,
                TextOptions { width: 100, color: false, ascii: false, detail: true },
            );
            let the_box = escalation_box(&out, format, view.escalation.title);
            for text in &own {
                prop_assert!(the_box.contains(&words(text)), "{format:?}: {text} is not in the box");
            }
            for text in &lesser {
                if own.contains(text) {
                    continue;
                }
                prop_assert!(!the_box.contains(&words(text)), "{format:?}: a lower level's reason is in the box: {text}");
            }
        }
        // JSON keeps every reason with its level, most urgent first.
        let json: serde_json::Value = serde_json::from_str(&report::json(&view)).unwrap();
        let levels: Vec<&str> = json["escalation"]["reasons"].as_array().unwrap().iter().map(|r| r["level"].as_str().unwrap()).collect();
        let rank = |id: &str| SHIPPED.levels.iter().position(|l| l.id == id).unwrap();
        prop_assert!(levels.windows(2).all(|w| rank(w[0]) <= rank(w[1])));
    }
}

/// Every follow-up asked after "not sure" to its gate, as (gate, follow-up): a yes/no
/// question whose branch holds when a yes/no gate it reads is "yes" and also when it is
/// "not sure".
fn follow_ups_after_not_sure() -> Vec<(usize, usize)> {
    let questionnaire = &SHIPPED.questionnaire;
    let mut pairs = Vec::new();
    for (f, follow_up) in questionnaire.questions.iter().enumerate() {
        let Some(ask_if) = &follow_up.ask_if else {
            continue;
        };
        if follow_up.kind != AnswerKind::YesNo || follow_up.retired.is_some() {
            continue;
        }
        let mut gates = Vec::new();
        ask_if.visit_questions(&mut |g| gates.push(g));
        gates.sort_unstable();
        gates.dedup();
        for g in gates {
            let gate = &questionnaire.questions[g];
            let (Some(yes), Some(unsure)) = (gate.option("yes"), gate.option("unsure")) else {
                continue;
            };
            let asked_after = |value| {
                let mut answers = Answers::none(questionnaire);
                answers.set(g, Some(Value::Choice(value)));
                engine::eval(ask_if, &answers, &mut Vec::new()) == Truth::True
            };
            if asked_after(yes) && asked_after(unsure) {
                pairs.push((g, f));
            }
        }
    }
    pairs
}

#[test]
fn the_follow_ups_asked_after_not_sure_include_the_hop_test() {
    let id = |q: usize| SHIPPED.questionnaire.questions[q].id.as_str();
    let pairs: Vec<(&str, &str)> = follow_ups_after_not_sure()
        .into_iter()
        .map(|(g, f)| (id(g), id(f)))
        .collect();
    assert!(pairs.contains(&("bony_pain", "bony_pain_hop")), "{pairs:?}");
    assert!(pairs.contains(&("bony_pain", "low_energy")), "{pairs:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_yes_to_a_follow_up_counts_after_not_sure_as_it_would_after_yes(answers in answer_set()) {
        let questions = &SHIPPED.questionnaire.questions;
        for (g, f) in follow_ups_after_not_sure() {
            let (gate, follow_up) = (&questions[g], &questions[f]);
            let choice = |q: &Question, value: &str| Value::Choice(q.option(value).unwrap());
            let with = |gate_answer: &str, follow_up_answer: &str| {
                let mut answers = answers.clone();
                answers.set(g, Some(choice(gate, gate_answer)));
                answers.set(f, Some(choice(follow_up, follow_up_answer)));
                engine::applicable(&SHIPPED, &answers).0
            };
            let (yes_yes, yes_no, unsure_yes) = (with("yes", "yes"), with("yes", "no"), with("unsure", "yes"));
            for rule in &SHIPPED.rules {
                let fires = |a: &Answers| engine::eval(&rule.when, a, &mut Vec::new()) == Truth::True;
                // The rule counts the follow-up's "yes" after "yes" to the gate ...
                if fires(&yes_yes) && !fires(&yes_no) {
                    // ... so it counts it after "not sure" too.
                    prop_assert!(
                        fires(&unsure_yes),
                        "{}: a yes to {} counts after yes to {} but not after not sure",
                        rule.id,
                        follow_up.id,
                        gate.id
                    );
                }
            }
            let level = |a: &Answers| engine::assess(&SHIPPED, a).escalation.level;
            // And "not sure" with a "yes" is never lower than "no", where nothing follows.
            prop_assert!(
                level(&unsure_yes) <= level(&with("no", "yes")),
                "{}: not sure, then yes, gives a lower level than no to {}",
                follow_up.id,
                gate.id
            );
        }
    }
}

/// The presentation in `tests/clinical/` whose file name ends in `-{name}.json`.
fn presentation(name: &str) -> Answers {
    let path = std::fs::read_dir("tests/clinical")
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&format!("-{name}.json")))
        .unwrap_or_else(|| panic!("no presentation {name}"));
    let text = std::fs::read_to_string(&path).unwrap();
    Answers::parse(&text, &path.display().to_string(), &SHIPPED.questionnaire).unwrap()
}

#[test]
fn the_short_questionnaire_calls_sudden_severe_upper_back_or_chest_and_back_pain_an_emergency() {
    for name in [
        "sudden-severe-upper-back",
        "sudden-severe-middle-back-on-a-run",
        "sudden-severe-chest-pain-unsure",
    ] {
        let truth = presentation(name);
        let level = level_after(&truth, Scope::Short);
        assert_eq!(SHIPPED.levels[level].id, "emergency", "{name}");
    }
}

/// The level a run in `scope` ends at, answered from `truth`.
fn level_after(truth: &Answers, scope: Scope) -> usize {
    let mut runner = Replay::new(&SHIPPED.questionnaire, truth);
    let outcome = flow::run(
        &SHIPPED,
        &mut runner,
        Answers::none(&SHIPPED.questionnaire),
        scope,
        &mut |_| {},
    )
    .unwrap();
    engine::assess(&SHIPPED, outcome.answers()).escalation.level
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_short_questionnaire_never_ends_lower_than_the_full_one(truth in answer_set()) {
        let short = level_after(&truth, Scope::Short);
        let full = level_after(&truth, Scope::Full);
        prop_assert!(
            short <= full,
            "short run: {}, full run: {}",
            SHIPPED.levels[short].id,
            SHIPPED.levels[full].id
        );
    }
}

/// Text with its whitespace collapsed, so wrapped lines compare equal.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The escalation box of a rendered report, with whitespace collapsed and markup removed.
fn escalation_box(out: &str, format: Format, title: &str) -> String {
    let body = match format {
        Format::Text => {
            let mut rules = out.match_indices("=====").map(|(i, _)| i);
            let start = rules.next().expect("the box opens with a rule");
            let end = out[start..]
                .find("\n=====")
                .map(|i| start + i)
                .expect("the box closes with a rule");
            out[start..end]
                .lines()
                .map(|l| l.trim_start_matches(['-', ' ']))
                .collect::<Vec<_>>()
                .join(" ")
        }
        Format::Markdown => {
            let heading = format!("## {title}");
            let start = out.find(&heading).expect("the level heading");
            let rest = &out[start + heading.len()..];
            let end = rest.find("\n#").unwrap_or(rest.len());
            rest[..end].replace("\n- ", " ")
        }
        _ => {
            let start = out.find("<section class=\"escalation").expect("the box");
            let end = start + out[start..].find("</section>").unwrap();
            let mut plain = String::new();
            let mut in_tag = false;
            for c in out[start..end].chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        plain.push(' ');
                    }
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        }
    };
    words(&body)
}
