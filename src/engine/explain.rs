//! Why a rule did or did not fire: the question rule authors ask most.

use super::{Truth, test_answer};
use crate::answers::Answers;
use crate::rulebase::{Condition, QuestionIdx, RuleBase, RuleIdx, words};

/// The outcome of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTrace {
    /// The rule.
    pub rule: RuleIdx,
    /// Whether its condition was true.
    pub fired: bool,
    /// For a rule that did not fire, each part of the condition that stopped it.
    pub failed: Vec<Failure>,
}

/// One part of a condition that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The question the part reads, when it reads one.
    pub question: Option<QuestionIdx>,
    /// The part, in words (`form_hunch is yes`).
    pub condition: String,
    /// Why it did not hold.
    pub reason: FailureReason,
}

/// Why part of a condition did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The question was not answered (or did not apply), so the part is unknown.
    Unanswered,
    /// The answer was something else.
    Different,
    /// A `not` whose inner condition held.
    Held,
}

impl FailureReason {
    /// The reason as written in reports and JSON.
    pub fn key(self) -> &'static str {
        match self {
            FailureReason::Unanswered => "unanswered",
            FailureReason::Different => "different_answer",
            FailureReason::Held => "held",
        }
    }
}

/// Traces every rule against the answers that counted (see [`super::applicable`]).
pub fn trace(rules: &RuleBase, answers: &Answers) -> Vec<RuleTrace> {
    rules
        .rules
        .iter()
        .enumerate()
        // An assessment's trace: a check-in's rules are not weighed there.
        .filter(|(_, rule)| !rule.checkin)
        .map(|(i, rule)| {
            let mut failed = Vec::new();
            let truth = explain(rules, &rule.when, answers, &mut failed);
            if truth == Truth::True {
                failed.clear();
            }
            RuleTrace {
                rule: i,
                fired: truth == Truth::True,
                failed,
            }
        })
        .collect()
}

/// Evaluates like [`super::eval`], recording every part that kept the condition from
/// being true.
fn explain(rules: &RuleBase, c: &Condition, answers: &Answers, failed: &mut Vec<Failure>) -> Truth {
    let q = &rules.questionnaire;
    match c {
        Condition::All(list) => {
            let mut truth = Truth::True;
            for child in list {
                match explain(rules, child, answers, failed) {
                    Truth::False => truth = Truth::False,
                    Truth::Unknown if truth == Truth::True => truth = Truth::Unknown,
                    _ => {}
                }
            }
            truth
        }
        Condition::Any(list) => {
            let mark = failed.len();
            let mut truth = Truth::False;
            for child in list {
                match explain(rules, child, answers, failed) {
                    Truth::True => truth = Truth::True,
                    Truth::Unknown if truth == Truth::False => truth = Truth::Unknown,
                    _ => {}
                }
            }
            if truth == Truth::True {
                failed.truncate(mark);
            }
            truth
        }
        Condition::Not(inner) => {
            let mark = failed.len();
            let truth = explain(rules, inner, answers, failed);
            match truth {
                Truth::True => {
                    failed.truncate(mark);
                    failed.push(Failure {
                        question: None,
                        condition: words::condition(c, q),
                        reason: FailureReason::Held,
                    });
                    Truth::False
                }
                Truth::False => {
                    failed.truncate(mark);
                    Truth::True
                }
                Truth::Unknown => Truth::Unknown,
            }
        }
        Condition::Test { question, test } => {
            let truth = test_answer(test, answers.get(*question));
            let reason = match truth {
                Truth::True => return truth,
                Truth::False => FailureReason::Different,
                Truth::Unknown => FailureReason::Unanswered,
            };
            failed.push(Failure {
                question: Some(*question),
                condition: words::condition(c, q),
                reason,
            });
            truth
        }
    }
}
