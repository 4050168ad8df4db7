//! Finding an answer set that makes a condition true.
//!
//! Used to prove that every cause and escalation level can be reached, and to spot rules
//! that can never fire. The search handles `all`, `any`, `not` and every test, including
//! the branch conditions of the questions it answers. It is sound (an answer set it
//! returns really satisfies the condition: the engine re-checks it) but not complete in
//! one corner: a multiple choice whose exclusive option must be combined with another
//! is reported as unsatisfiable, which is the truth for valid answers anyway.

use super::{Truth, eval};
use crate::answers::{Answers, Value};
use crate::rulebase::{AnswerKind, Comparison, Condition, OptionSet, QuestionIdx, RuleBase, Test};

/// What the search has required of one question so far.
#[derive(Debug, Clone)]
struct Domain {
    /// Must be answered (`Some(true)`) or must not (`Some(false)`).
    answered: Option<bool>,
    /// Single choice: options still allowed.
    allowed: OptionSet,
    /// Multiple choice: each set must meet the answer.
    must: Vec<OptionSet>,
    /// Multiple choice: options that must not be chosen.
    forbid: OptionSet,
    /// Numbers: lower bound and whether it is strict.
    lo: (f64, bool),
    /// Numbers: upper bound and whether it is strict.
    hi: (f64, bool),
}

impl Domain {
    fn new() -> Self {
        Domain {
            answered: None,
            allowed: OptionSet::MAX,
            must: Vec::new(),
            forbid: 0,
            lo: (f64::NEG_INFINITY, false),
            hi: (f64::INFINITY, false),
        }
    }
}

/// An answer set under which `condition` is true, or `None` if the search finds none.
pub fn satisfy(rules: &RuleBase, condition: &Condition) -> Option<Answers> {
    let domains = vec![Domain::new(); rules.questionnaire.questions.len()];
    let domains = solve(rules, vec![(condition, true)], domains, Branches::Honour)?;
    let answers = build(rules, &domains)?;
    let (effective, _) = super::applicable(rules, &answers);
    (eval(condition, &effective, &mut Vec::new()) == Truth::True).then_some(effective)
}

/// Like [`satisfy`], but as if every question were always asked.
///
/// A condition that this satisfies and [`satisfy`] does not can only be made true by
/// answering a question whose branch condition the rest of it contradicts.
pub fn satisfy_ignoring_branches(rules: &RuleBase, condition: &Condition) -> Option<Answers> {
    let domains = vec![Domain::new(); rules.questionnaire.questions.len()];
    let domains = solve(rules, vec![(condition, true)], domains, Branches::Ignore)?;
    let answers = build(rules, &domains)?;
    (eval(condition, &answers, &mut Vec::new()) == Truth::True).then_some(answers)
}

/// Whether the search requires each answered question's branch condition to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Branches {
    Honour,
    Ignore,
}

/// Depth-first search over the goals; `(c, true)` means `c` must be true, `(c, false)`
/// that it must be false (not merely unknown).
fn solve<'a>(
    rules: &'a RuleBase,
    mut goals: Vec<(&'a Condition, bool)>,
    mut domains: Vec<Domain>,
    branches: Branches,
) -> Option<Vec<Domain>> {
    let Some((condition, want)) = goals.pop() else {
        return Some(domains);
    };
    match (condition, want) {
        (Condition::All(list), true) | (Condition::Any(list), false) => {
            goals.extend(list.iter().map(|c| (c, want)));
            solve(rules, goals, domains, branches)
        }
        (Condition::Any(list), true) | (Condition::All(list), false) => list.iter().find_map(|c| {
            let mut goals = goals.clone();
            goals.push((c, want));
            solve(rules, goals, domains.clone(), branches)
        }),
        (Condition::Not(inner), want) => {
            goals.push((inner, !want));
            solve(rules, goals, domains, branches)
        }
        (Condition::Test { question, test }, want) => {
            let newly_answered = domains[*question].answered.is_none();
            if !constrain(rules, *question, test, want, &mut domains[*question]) {
                return None;
            }
            // A question that must be answered must also be asked.
            if branches == Branches::Honour
                && newly_answered
                && domains[*question].answered == Some(true)
                && let Some(ask_if) = &rules.questionnaire.questions[*question].ask_if
            {
                goals.push((ask_if, true));
            }
            solve(rules, goals, domains, branches)
        }
    }
}

/// Narrows a question's domain; false when nothing is left.
fn constrain(rules: &RuleBase, q: QuestionIdx, test: &Test, want: bool, d: &mut Domain) -> bool {
    let question = &rules.questionnaire.questions[q];
    let all_options: OptionSet = if question.options.len() >= 64 {
        OptionSet::MAX
    } else {
        (1 << question.options.len()) - 1
    };
    let needs_answer = |d: &mut Domain| {
        if d.answered == Some(false) {
            return false;
        }
        d.answered = Some(true);
        true
    };
    match (test, want) {
        (Test::Answered, true) | (Test::Unanswered, false) => needs_answer(d),
        (Test::Answered, false) | (Test::Unanswered, true) => {
            if d.answered == Some(true) {
                return false;
            }
            d.answered = Some(false);
            true
        }
        (Test::ChoiceIn(set), want) => {
            d.allowed &= if want { *set } else { !*set };
            needs_answer(d) && d.allowed & all_options != 0
        }
        (Test::Includes(set), true) => {
            d.must.push(*set);
            needs_answer(d) && d.must.iter().all(|m| m & !d.forbid & all_options != 0)
        }
        (Test::Includes(set), false) => {
            d.forbid |= set;
            needs_answer(d) && d.must.iter().all(|m| m & !d.forbid & all_options != 0)
        }
        (Test::Compare(cmp, v), want) => {
            let cmp = if want { *cmp } else { opposite(*cmp) };
            match cmp {
                Comparison::AtLeast => tighten_lo(d, *v, false),
                Comparison::GreaterThan => tighten_lo(d, *v, true),
                Comparison::AtMost => tighten_hi(d, *v, false),
                Comparison::LessThan => tighten_hi(d, *v, true),
            }
            needs_answer(d) && pick_number(&question.kind, d).is_some()
        }
    }
}

fn opposite(cmp: Comparison) -> Comparison {
    match cmp {
        Comparison::AtLeast => Comparison::LessThan,
        Comparison::LessThan => Comparison::AtLeast,
        Comparison::AtMost => Comparison::GreaterThan,
        Comparison::GreaterThan => Comparison::AtMost,
    }
}

fn tighten_lo(d: &mut Domain, v: f64, strict: bool) {
    if v > d.lo.0 || (v == d.lo.0 && strict) {
        d.lo = (v, strict);
    }
}

fn tighten_hi(d: &mut Domain, v: f64, strict: bool) {
    if v < d.hi.0 || (v == d.hi.0 && strict) {
        d.hi = (v, strict);
    }
}

/// The smallest allowed number within the question's range and the domain's bounds.
fn pick_number(kind: &AnswerKind, d: &Domain) -> Option<f64> {
    let (min, max) = kind.range()?;
    let (lo, strict) = if d.lo.0 >= min { d.lo } else { (min, false) };
    let candidate = if kind.whole_numbers_only() {
        if strict { lo.floor() + 1.0 } else { lo.ceil() }
    } else if strict {
        lo + ((max.min(d.hi.0) - lo) / 2.0).min(1.0)
    } else {
        lo
    };
    let below_hi = if d.hi.1 {
        candidate < d.hi.0
    } else {
        candidate <= d.hi.0
    };
    (candidate <= max && candidate >= min && below_hi && (!strict || candidate > lo))
        .then_some(candidate)
}

/// Turns the domains into concrete answers.
fn build(rules: &RuleBase, domains: &[Domain]) -> Option<Answers> {
    let mut answers = Answers::none(&rules.questionnaire);
    for (q, d) in domains.iter().enumerate() {
        if d.answered != Some(true) {
            continue;
        }
        let question = &rules.questionnaire.questions[q];
        let value = match &question.kind {
            AnswerKind::YesNo | AnswerKind::Single => {
                Value::Choice((0..question.options.len()).find(|&o| d.allowed & (1 << o) != 0)?)
            }
            AnswerKind::Multi => {
                let usable = |o: &usize| d.forbid & (1 << o) == 0;
                let mut chosen: OptionSet = 0;
                for m in &d.must {
                    if m & chosen != 0 {
                        continue;
                    }
                    let o = (0..question.options.len())
                        .filter(usable)
                        .find(|o| m & (1 << o) != 0)?;
                    chosen |= 1 << o;
                }
                if chosen == 0 {
                    let o = (0..question.options.len())
                        .filter(usable)
                        .find(|&o| !question.options[o].exclusive)?;
                    chosen = 1 << o;
                }
                let exclusive = question
                    .options
                    .iter()
                    .enumerate()
                    .any(|(o, opt)| opt.exclusive && chosen & (1 << o) != 0);
                if exclusive && chosen.count_ones() > 1 {
                    return None;
                }
                Value::Multi(chosen)
            }
            AnswerKind::Number { .. } | AnswerKind::Scale { .. } => {
                Value::Number(pick_number(&question.kind, d)?)
            }
        };
        answers.set(q, Some(value));
    }
    Some(answers)
}
