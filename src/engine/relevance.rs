//! Which questions can still matter, given the answers so far: the questionnaire asks only
//! those.
//!
//! A question matters when it is a warning sign (always asked), when an escalation rule
//! that reads it is still undecided, or when a rule that reads it could still change the
//! top contributors. "Still undecided" is three-valued evaluation with every question not
//! yet asked treated as unknown: a rule already false given the answers can never fire
//! whatever comes later, so its questions need not be asked for its sake. Skipping a
//! question therefore never lowers the escalation below what answering it could give.

use super::{Truth, combine, eval_with, test_answer};
use crate::answers::Answers;
use crate::rulebase::{Conclusion, Condition, QuestionIdx, RuleBase, Test};

/// How many contributors count as "the top ones" a question may still change.
pub const TOP_CAUSES: usize = 3;

/// The lowest confidence that makes a contributor "possible" (see `Strength`).
const POSSIBLE: f64 = 0.35;

/// Evaluates a condition with every `pending` question (not yet asked) unknown, whatever
/// the test; other questions as the engine does.
pub fn eval_pending(condition: &Condition, answers: &Answers, pending: &[bool]) -> Truth {
    eval_with(condition, &|question, test| {
        if pending[question] {
            Truth::Unknown
        } else {
            test_answer(test, answers.get(question))
        }
    })
}

fn reads(condition: &Condition, q: QuestionIdx) -> bool {
    let mut found = false;
    condition.visit_questions(&mut |r| found |= r == q);
    found
}

/// Whether asking question `q` could still change the escalation or the top
/// contributors, given `answers` and the questions still `pending` (not yet asked; `q`
/// among them).
pub fn matters(rules: &RuleBase, answers: &Answers, pending: &[bool], q: QuestionIdx) -> bool {
    let question = &rules.questionnaire.questions[q];
    if question.warning_sign {
        return true;
    }
    if question.informational {
        return false;
    }
    let truth: Vec<Truth> = rules
        .rules
        .iter()
        .map(|r| eval_pending(&r.when, answers, pending))
        .collect();
    // Bounds on each cause's confidence: what has fired, and the most it could reach if
    // every undecided rule for it fired (and only fired rules against it).
    let mut lower = vec![Vec::new(); rules.causes.len()];
    let mut upper = vec![Vec::new(); rules.causes.len()];
    for (rule, t) in rules.rules.iter().zip(&truth) {
        if let Conclusion::Evidence { cause, strength } = rule.then {
            if *t == Truth::True {
                lower[cause].push(strength);
                upper[cause].push(strength);
            } else if *t == Truth::Unknown && strength > 0.0 {
                upper[cause].push(strength);
            }
        }
    }
    let lower: Vec<f64> = lower.iter_mut().map(|s| combine(s)).collect();
    let upper: Vec<f64> = upper.iter_mut().map(|s| combine(s)).collect();
    // The current top contributors: the causes with the most confidence already earned.
    let mut order: Vec<usize> = (0..lower.len()).filter(|&c| lower[c] > 0.0).collect();
    order.sort_by(|&a, &b| lower[b].total_cmp(&lower[a]).then(a.cmp(&b)));
    let top: Vec<usize> = order.iter().copied().take(TOP_CAUSES).collect();
    let threshold = if top.len() < TOP_CAUSES {
        0.0
    } else {
        lower[top[TOP_CAUSES - 1]]
    };

    rules.rules.iter().zip(&truth).any(|(rule, t)| {
        // A check-in's rules are weighed at a check-in, which asks all they read.
        if rule.checkin
            || *t != Truth::Unknown
            || !reads(&rule.when, q)
            || is_only_unanswered(&rule.when, q)
        {
            return false;
        }
        match rule.then {
            Conclusion::Escalate(_) => true,
            // Today's decision belongs to a check-in, which asks all it needs.
            Conclusion::Decide { .. } => false,
            Conclusion::Evidence { cause, strength } => {
                // A cause that raises the escalation when reported matters until it is.
                let escalates = rules.causes[cause].escalate.is_some() && lower[cause] <= 0.0;
                // Evidence for a cause outside the top ones matters if it could bring it in;
                // evidence against one of them, if it could push it out.
                let could_enter = strength > 0.0
                    && !top.contains(&cause)
                    && upper[cause] > threshold
                    && upper[cause] >= POSSIBLE;
                let could_leave = strength < 0.0 && top.contains(&cause);
                escalates || could_enter || could_leave
            }
        }
    })
}

/// Whether the condition reads `q` only through `answered` / `unanswered` tests: such a
/// rule is about the question being skipped, which asking it can only settle.
fn is_only_unanswered(condition: &Condition, q: QuestionIdx) -> bool {
    let mut other = false;
    fn walk(c: &Condition, q: QuestionIdx, other: &mut bool) {
        match c {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().for_each(|c| walk(c, q, other))
            }
            Condition::Not(inner) => walk(inner, q, other),
            Condition::Test { question, test } => {
                if *question == q && !matches!(test, Test::Answered | Test::Unanswered) {
                    *other = true;
                }
            }
        }
    }
    walk(condition, q, &mut other);
    !other
}
