//! From a log's figures to answers, as the questionnaire's `from_training` annotations say;
//! the runner's own answers always win.

use std::collections::BTreeMap;

use crate::answers::{Answers, Value, number_in_range};
use crate::rulebase::{AnswerKind, FigureMap, Question, QuestionIdx, Questionnaire};

use super::Figure;

/// An answer a training log gives to one question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proposal {
    /// The question.
    pub question: QuestionIdx,
    /// The answer the log gives.
    pub value: Value,
}

/// What the log did to a set of answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// The answers the log gave, because the runner had not answered.
    pub filled: Vec<Proposal>,
    /// Questions the runner answered differently from the log: their answer was kept; the
    /// log's is here for the report.
    pub overruled: Vec<Proposal>,
}

/// Every answer the figures give, in questionnaire order. A figure the log cannot support
/// is absent from `figures`, and its question gets no answer.
pub fn propose(questionnaire: &Questionnaire, figures: &BTreeMap<String, Figure>) -> Vec<Proposal> {
    questionnaire
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.retired.is_none())
        .filter_map(|(question, q)| {
            let from = q.from_training.as_ref()?;
            let value = answer(q, &from.map, figures.get(from.figure.as_str())?)?;
            Some(Proposal { question, value })
        })
        .collect()
}

/// Fills the questions the runner left unanswered with the log's answers; an answer the
/// runner gave is kept, and noted when the log says otherwise.
pub fn apply(answers: &mut Answers, proposals: &[Proposal]) -> Applied {
    let mut applied = Applied::default();
    for p in proposals {
        match answers.get(p.question) {
            None => {
                answers.set(p.question, Some(p.value));
                applied.filled.push(*p);
            }
            Some(own) if own != p.value => applied.overruled.push(*p),
            Some(_) => {}
        }
    }
    applied
}

fn answer(question: &Question, map: &FigureMap, figure: &Figure) -> Option<Value> {
    match (map, figure) {
        (FigureMap::Number, Figure::Number(n)) if n.is_finite() => {
            let n = match question.kind {
                AnswerKind::Number { integer: true, .. } | AnswerKind::Scale { .. } => n.round(),
                // A log's 32.714 km reads as 32.7 km; the rules compare with whole figures.
                _ => (n * 10.0).round() / 10.0,
            };
            let n = match question.kind {
                AnswerKind::Number { min, max, .. } => n.clamp(min, max),
                AnswerKind::Scale { min, max, .. } => n.clamp(min as f64, max as f64),
                _ => return None,
            };
            number_in_range(question, n).ok().map(Value::Number)
        }
        (FigureMap::Bands(bands), Figure::Number(n)) if n.is_finite() => bands
            .iter()
            .find(|(up_to, _)| up_to.is_none_or(|limit| *n <= limit))
            .map(|&(_, option)| Value::Choice(option)),
        (FigureMap::Kinds(kinds), Figure::Kinds(done)) => {
            let set = kinds
                .iter()
                .filter(|(kind, _)| done.iter().any(|d| d == kind))
                .fold(0, |set, &(_, option)| set | (1 << option));
            (set != 0).then_some(Value::Multi(set))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebase;

    fn shipped() -> rulebase::RuleBase {
        rulebase::from_dir_or_shipped(None).expect("the shipped rule base loads")
    }

    fn figures(pairs: &[(&str, Figure)]) -> BTreeMap<String, Figure> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    fn value_of(rules: &rulebase::RuleBase, proposals: &[Proposal], id: &str) -> Option<String> {
        let q = rules.questionnaire.find(id)?;
        let p = proposals.iter().find(|p| p.question == q)?;
        Some(crate::answers::to_json(&rules.questionnaire.questions[q], p.value).to_string())
    }

    #[test]
    fn bands_include_their_upper_end_and_the_last_is_open() {
        let rules = shipped();
        let at = |pct: f64| {
            let p = propose(
                &rules.questionnaire,
                &figures(&[("longest_run_spike_pct", Figure::Number(pct))]),
            );
            value_of(&rules, &p, "long_run_spike").unwrap()
        };
        assert_eq!(at(-20.0), "\"none\"");
        assert_eq!(at(10.0), "\"none\"");
        assert_eq!(at(10.5), "\"10_to_30\"");
        assert_eq!(at(30.0), "\"10_to_30\"");
        assert_eq!(at(100.0), "\"30_to_100\"");
        assert_eq!(at(100.1), "\"over_100\"");
    }

    #[test]
    fn numbers_are_rounded_for_whole_number_questions_and_kept_in_range() {
        let rules = shipped();
        let p = propose(
            &rules.questionnaire,
            &figures(&[
                ("rest_days_per_week", Figure::Number(2.5)),
                ("weekly_km", Figure::Number(412.0)),
            ]),
        );
        assert_eq!(value_of(&rules, &p, "rest_days").as_deref(), Some("3"));
        assert_eq!(value_of(&rules, &p, "weekly_km").as_deref(), Some("300"));
    }

    #[test]
    fn kinds_tick_their_options_and_unknown_kinds_tick_nothing() {
        let rules = shipped();
        let kinds =
            |names: &[&str]| Figure::Kinds(names.iter().map(|s| (*s).to_string()).collect());
        let p = propose(
            &rules.questionnaire,
            &figures(&[("cross_training_kinds", kinds(&["cycling", "walking"]))]),
        );
        assert_eq!(
            value_of(&rules, &p, "cross_training").as_deref(),
            Some(r#"["cycling","other_sport"]"#)
        );
        let p = propose(
            &rules.questionnaire,
            &figures(&[("cross_training_kinds", kinds(&["rowing"]))]),
        );
        assert_eq!(value_of(&rules, &p, "cross_training"), None);
    }

    #[test]
    fn a_figure_of_the_wrong_shape_or_not_finite_answers_nothing() {
        let rules = shipped();
        let p = propose(
            &rules.questionnaire,
            &figures(&[
                ("weekly_km", Figure::Kinds(vec!["run".into()])),
                ("shoe_km", Figure::Number(f64::NAN)),
            ]),
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn the_runners_own_answer_wins_and_a_disagreement_is_noted() {
        let rules = shipped();
        let q = &rules.questionnaire;
        let p = propose(
            q,
            &figures(&[
                ("longest_run_spike_pct", Figure::Number(60.0)),
                ("weekly_km", Figure::Number(30.0)),
            ]),
        );
        let mut answers =
            Answers::parse(r#"{"long_run_spike": "none"}"#, "me.json", q).expect("valid");
        let applied = apply(&mut answers, &p);
        let spike = q.find("long_run_spike").unwrap();
        let km = q.find("weekly_km").unwrap();
        assert_eq!(
            answers.get(spike),
            Some(Value::Choice(0)),
            "the runner's answer"
        );
        assert_eq!(
            answers.get(km),
            Some(Value::Number(30.0)),
            "filled from the log"
        );
        assert_eq!(applied.filled.len(), 1);
        assert_eq!(applied.filled[0].question, km);
        assert_eq!(applied.overruled.len(), 1);
        assert_eq!(applied.overruled[0].question, spike);
    }
}
