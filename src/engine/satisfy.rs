//! Finding an answer set that makes a condition true.
//!
//! Used to prove that every cause and escalation level can be reached, and to spot rules
//! that can never fire. The search handles `all`, `any`, `not` and every test, including
//! the branch conditions of the questions it answers. It is sound (an answer set it
//! returns really satisfies the condition: the engine re-checks it) but not complete in
//! one corner: a multiple choice whose exclusive option must be combined with another
//! is reported as unsatisfiable, which is the truth for valid answers anyway.
//!
//! A condition can hide exponential work (`all` of thirty two-way `any`s and a
//! contradiction is 2^30 combinations for a naive search), so the search applies every
//! certain consequence before it makes a choice, remembers the sets of choices it has
//! seen fail, and works within a [`Budget`]: past it, the answer is
//! [`Satisfiable::Undecided`], never a long wait.

use std::collections::{HashMap, HashSet};

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

/// How much work a search may do before it gives up and says [`Satisfiable::Undecided`].
///
/// A step is one part of a condition looked at, or one alternative of an `any` tried.
/// A budget can be shared by several searches about one rule, so that explaining a
/// finding costs no more than the rule was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    left: u64,
}

impl Budget {
    /// Enough for any rule a person writes (the shipped rules need at most a few hundred
    /// steps each), and a few milliseconds for one that is not.
    pub const PER_RULE_STEPS: u64 = 200_000;

    /// The budget [`satisfy`] and `runback check` give each rule.
    pub fn per_rule() -> Self {
        Budget::steps(Self::PER_RULE_STEPS)
    }

    /// A budget of `steps`.
    pub fn steps(steps: u64) -> Self {
        Budget { left: steps }
    }

    /// Steps not yet used.
    pub fn left(&self) -> u64 {
        self.left
    }

    fn spend(&mut self, steps: u64) -> Result<(), OutOfBudget> {
        self.left = self.left.checked_sub(steps).ok_or(OutOfBudget)?;
        Ok(())
    }
}

/// Whether a condition can be true, as far as a search within its budget could tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Satisfiable {
    /// These answers make it true (the engine has re-checked them).
    Yes(Answers),
    /// No answers can make it true.
    No,
    /// The budget ran out before the search could tell; the condition is too tangled.
    Undecided,
}

impl Satisfiable {
    /// The answers, when there are some.
    pub fn answers(self) -> Option<Answers> {
        match self {
            Satisfiable::Yes(answers) => Some(answers),
            _ => None,
        }
    }
}

/// The search ran out of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OutOfBudget;

/// An answer set under which `condition` is true, or `None` when the search finds none
/// within [`Budget::per_rule`]; [`satisfy_within`] tells "impossible" from "undecided".
pub fn satisfy(rules: &RuleBase, condition: &Condition) -> Option<Answers> {
    satisfy_within(rules, condition, &mut Budget::per_rule()).answers()
}

/// Like [`satisfy`], but as if every question were always asked.
///
/// A condition that this satisfies and [`satisfy`] does not can only be made true by
/// answering a question whose branch condition the rest of it contradicts.
pub fn satisfy_ignoring_branches(rules: &RuleBase, condition: &Condition) -> Option<Answers> {
    satisfy_ignoring_branches_within(rules, condition, &mut Budget::per_rule()).answers()
}

/// Whether answers can make `condition` true, honouring every branch condition, using at
/// most `budget` (which is reduced by the work done).
pub fn satisfy_within(rules: &RuleBase, condition: &Condition, budget: &mut Budget) -> Satisfiable {
    let Some(domains) = search(rules, condition, Branches::Honour, budget) else {
        return Satisfiable::Undecided;
    };
    let Some(answers) = domains.and_then(|d| build(rules, &d)) else {
        return Satisfiable::No;
    };
    let (effective, _) = super::applicable_in(rules, &answers, super::Phase::Checkin);
    if eval(condition, &effective, &mut Vec::new()) == Truth::True {
        Satisfiable::Yes(effective)
    } else {
        Satisfiable::No
    }
}

/// Like [`satisfy_within`], as if every question were always asked.
pub fn satisfy_ignoring_branches_within(
    rules: &RuleBase,
    condition: &Condition,
    budget: &mut Budget,
) -> Satisfiable {
    let Some(domains) = search(rules, condition, Branches::Ignore, budget) else {
        return Satisfiable::Undecided;
    };
    match domains.and_then(|d| build(rules, &d)) {
        Some(answers) if eval(condition, &answers, &mut Vec::new()) == Truth::True => {
            Satisfiable::Yes(answers)
        }
        _ => Satisfiable::No,
    }
}

/// Whether the search requires each answered question's branch condition to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Branches {
    Honour,
    Ignore,
}

/// The domains of some answers that make `condition` true (`Some(Some(..))`), none
/// (`Some(None)`), or `None` when the budget ran out.
fn search(
    rules: &RuleBase,
    condition: &Condition,
    branches: Branches,
    budget: &mut Budget,
) -> Option<Option<Vec<Domain>>> {
    let mut solver = Solver {
        rules,
        branches,
        budget,
        failed: HashSet::new(),
        reads: HashMap::new(),
        depth: 0,
    };
    let domains = vec![Domain::new(); rules.questionnaire.questions.len()];
    solver.solve(vec![(condition, true)], domains).ok()
}

/// A goal: a condition that must be true (`true`) or false, not merely unknown (`false`).
type Goal<'a> = (&'a Condition, bool);

/// The most choices a search may nest, so a condition of thousands of `any`s cannot
/// exhaust the stack before it exhausts the budget.
const MAX_DEPTH: usize = 2_000;

/// A depth-first search over the choices (`any`, and `all` that must be false), after
/// each has had every certain consequence applied, so a contradiction is found before
/// any choice is made. Sets of choices already known to fail, with the domains of the
/// questions they can reach, are remembered and not searched again: choices about
/// questions nothing else reads then cost one try each, not one per combination.
struct Solver<'a, 'b> {
    rules: &'a RuleBase,
    branches: Branches,
    budget: &'b mut Budget,
    failed: HashSet<StateKey>,
    /// The questions a condition can reach (through branch conditions too), by address.
    reads: HashMap<usize, Vec<QuestionIdx>>,
    depth: usize,
}

/// A search state, for remembering that it fails: the choices left (by condition
/// address and wanted value, sorted), and the domains of the questions they can reach.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct StateKey {
    choices: Vec<(usize, bool)>,
    domains: Vec<(QuestionIdx, DomainKey)>,
}

/// A [`Domain`] in a form that can be hashed (numbers by their bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct DomainKey {
    answered: Option<bool>,
    allowed: OptionSet,
    must: Vec<OptionSet>,
    forbid: OptionSet,
    lo: (u64, bool),
    hi: (u64, bool),
}

impl Domain {
    fn key(&self) -> DomainKey {
        DomainKey {
            answered: self.answered,
            allowed: self.allowed,
            must: self.must.clone(),
            forbid: self.forbid,
            lo: (self.lo.0.to_bits(), self.lo.1),
            hi: (self.hi.0.to_bits(), self.hi.1),
        }
    }
}

impl<'a> Solver<'a, '_> {
    fn solve(
        &mut self,
        mut pending: Vec<Goal<'a>>,
        mut domains: Vec<Domain>,
    ) -> Result<Option<Vec<Domain>>, OutOfBudget> {
        // Every certain consequence first; choices wait until nothing else is left.
        let mut choices: Vec<Goal<'a>> = Vec::new();
        while let Some((condition, want)) = pending.pop() {
            self.budget.spend(1)?;
            match (condition, want) {
                (Condition::All(list), true) | (Condition::Any(list), false) => {
                    pending.extend(list.iter().map(|c| (c, want)));
                }
                (Condition::Any(list), true) | (Condition::All(list), false) => {
                    if let [only] = list.as_slice() {
                        pending.push((only, want));
                    } else {
                        choices.push((condition, want));
                    }
                }
                (Condition::Not(inner), want) => pending.push((inner, !want)),
                (Condition::Test { question, test }, want) => {
                    let newly_answered = domains[*question].answered.is_none();
                    if !constrain(self.rules, *question, test, want, &mut domains[*question]) {
                        return Ok(None);
                    }
                    // A question that must be answered must also be asked.
                    if self.branches == Branches::Honour
                        && newly_answered
                        && domains[*question].answered == Some(true)
                        && let Some(ask_if) = &self.rules.questionnaire.questions[*question].ask_if
                    {
                        pending.push((ask_if, true));
                    }
                }
            }
        }
        // The choice met first is tried first, and the rest keep their order when passed
        // on (they are met again in reverse): the order a plain depth-first search over
        // the goals would take, so the answers found are the ones it would find.
        choices.reverse();
        let Some((choice, want)) = choices.pop() else {
            return Ok(Some(domains));
        };
        if self.depth >= MAX_DEPTH {
            return Err(OutOfBudget);
        }
        choices.push((choice, want));
        let key = self.key(&choices, &domains);
        if self.failed.contains(&key) {
            return Ok(None);
        }
        choices.pop();
        let (Condition::Any(alternatives) | Condition::All(alternatives)) = choice else {
            unreachable!("only `any` and `all` are choices")
        };
        self.depth += 1;
        for alternative in alternatives {
            // Copying the domains is the dearest part of a try.
            self.budget.spend(1 + domains.len() as u64 / 16)?;
            let mut goals = choices.clone();
            goals.push((alternative, want));
            if let Some(found) = self.solve(goals, domains.clone())? {
                self.depth -= 1;
                return Ok(Some(found));
            }
        }
        self.depth -= 1;
        self.failed.insert(key);
        Ok(None)
    }

    fn key(&mut self, choices: &[Goal<'a>], domains: &[Domain]) -> StateKey {
        let mut reached: Vec<QuestionIdx> = Vec::new();
        for (condition, _) in choices {
            reached.extend_from_slice(self.reads(condition));
        }
        reached.sort_unstable();
        reached.dedup();
        let mut choices: Vec<(usize, bool)> = choices
            .iter()
            .map(|(c, want)| (std::ptr::from_ref(*c) as usize, *want))
            .collect();
        choices.sort_unstable();
        StateKey {
            choices,
            domains: reached.into_iter().map(|q| (q, domains[q].key())).collect(),
        }
    }

    /// The questions `condition` reads and, when branches are honoured, those their
    /// branch conditions read in turn: everything its outcome can depend on.
    fn reads(&mut self, condition: &'a Condition) -> &[QuestionIdx] {
        let address = std::ptr::from_ref(condition) as usize;
        if !self.reads.contains_key(&address) {
            let mut found = Vec::new();
            let mut seen = vec![false; self.rules.questionnaire.questions.len()];
            let mut queue = vec![condition];
            while let Some(c) = queue.pop() {
                c.visit_questions(&mut |q| {
                    if !seen[q] {
                        seen[q] = true;
                        found.push(q);
                        if self.branches == Branches::Honour
                            && let Some(ask_if) = &self.rules.questionnaire.questions[q].ask_if
                        {
                            queue.push(ask_if);
                        }
                    }
                });
            }
            self.reads.insert(address, found);
        }
        &self.reads[&address]
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
