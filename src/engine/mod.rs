//! The rule engine: answers in, an [`Assessment`] out.
//!
//! It knows nothing about backs. It evaluates every rule's condition in three-valued
//! logic (an unanswered question is unknown), combines evidence per cause with certainty
//! factors, and raises the escalation to the most urgent level any rule or cause asks for.

pub mod explain;
pub mod relevance;
pub mod satisfy;

use crate::answers::{Answers, Value};
use crate::rulebase::{
    CauseIdx, Conclusion, Condition, DecisionIdx, LevelIdx, OptionSet, QuestionIdx, RuleBase,
    RuleIdx, RunToday, SourceIdx, StrategyIdx, Test,
};

/// An answer that made a condition true: the question, and for a multiple choice the
/// options that mattered (every bit set means the whole answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Because {
    /// The question answered.
    pub question: QuestionIdx,
    /// The options of a multiple-choice answer that counted.
    pub options: OptionSet,
}

impl Because {
    /// The whole answer to a question.
    pub fn whole(question: QuestionIdx) -> Self {
        Because {
            question,
            options: OptionSet::MAX,
        }
    }
}

/// The outcome of evaluating a condition when some answers may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot tell: an answer it needs is missing.
    Unknown,
}

/// Everything a report needs: ranked causes, strategies, escalation, and what was missing.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    /// The rule base it was made with.
    pub rules: &'a RuleBase,
    /// The answers that counted (answers to questions that did not apply are removed).
    pub answers: Answers,
    /// The "see a professional" verdict; always present.
    pub escalation: Escalation,
    /// The answer to "should I run today?", when the rule base has one (a check-in
    /// reports it).
    pub today: Option<Today>,
    /// Likely causes, most likely first; only causes with confidence above zero.
    pub causes: Vec<CauseFinding>,
    /// Strategies for those causes, most useful first, each once.
    pub strategies: Vec<StrategyFinding>,
    /// How many of the first `strategies` to start with (one to three when there are any).
    pub start_here: usize,
    /// Questions that applied but were not answered, in questionnaire order.
    pub unanswered: Vec<QuestionIdx>,
    /// Questions answered although their branch condition did not hold; not used.
    pub ignored: Vec<QuestionIdx>,
    /// Questions behind the escalation that were not answered, so the signs they ask
    /// about could not be ruled out; in questionnaire order.
    pub not_checked: Vec<QuestionIdx>,
}

/// The escalation: a level and every reason raised for it or below it.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    /// The most urgent level raised, or the rule base's default.
    pub level: LevelIdx,
    /// Every reason, most urgent first.
    pub reasons: Vec<Reason>,
}

/// One reason to see a professional.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The level this reason asks for.
    pub level: LevelIdx,
    /// What raised it.
    pub origin: ReasonOrigin,
    /// The answers behind it.
    pub because: Vec<Because>,
    /// Sources behind it.
    pub sources: Vec<SourceIdx>,
}

impl Reason {
    /// The escalation as the rule base words it: the rule's or cause's `escalate`, or the
    /// floor for unanswered questions.
    fn escalate<'r>(&self, rules: &'r RuleBase) -> (&'r str, Option<&'r str>) {
        let found = match self.origin {
            ReasonOrigin::Rule(i) => match &rules.rules[i].then {
                Conclusion::Escalate(e) => Some((e.reason.as_str(), e.self_care_note.as_deref())),
                Conclusion::Evidence { .. } | Conclusion::Decide { .. } => None,
            },
            ReasonOrigin::Cause(c) => rules.causes[c]
                .escalate
                .as_ref()
                .map(|e| (e.reason.as_str(), e.self_care_note.as_deref())),
            ReasonOrigin::Unanswered => {
                rules.unanswered.as_ref().map(|u| (u.reason.as_str(), None))
            }
        };
        // Only escalating rules, causes with `escalate` and a configured floor raise reasons.
        found.unwrap_or(("", None))
    }

    /// What the runner reads.
    pub fn text<'r>(&self, rules: &'r RuleBase) -> &'r str {
        self.escalate(rules).0
    }

    /// What to do meanwhile instead of the usual self-care, if this reason says.
    pub fn self_care_note<'r>(&self, rules: &'r RuleBase) -> Option<&'r str> {
        self.escalate(rules).1
    }

    /// The id of the rule or cause that raised it, or `unanswered`.
    pub fn raised_by<'r>(&self, rules: &'r RuleBase) -> &'r str {
        match self.origin {
            ReasonOrigin::Rule(i) => &rules.rules[i].id,
            ReasonOrigin::Cause(c) => &rules.causes[c].id,
            ReasonOrigin::Unanswered => "unanswered",
        }
    }
}

/// What raised an escalation reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonOrigin {
    /// An escalation rule fired.
    Rule(RuleIdx),
    /// A cause that always needs a professional was reported.
    Cause(CauseIdx),
    /// A rule for a more urgent level could not be decided for want of answers.
    Unanswered,
}

/// How strongly the answers point to a cause, in the words a runner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Below 0.35: a hint.
    Slight,
    /// 0.35 to 0.6.
    Possible,
    /// 0.6 to 0.8.
    Likely,
    /// 0.8 or more.
    Strong,
}

impl Strength {
    /// The band a confidence falls in.
    pub fn of(confidence: f64) -> Self {
        match confidence {
            c if c >= 0.8 => Strength::Strong,
            c if c >= 0.6 => Strength::Likely,
            c if c >= 0.35 => Strength::Possible,
            _ => Strength::Slight,
        }
    }

    /// The word a report shows.
    pub fn word(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Likely => "likely",
            Strength::Possible => "possible",
            Strength::Slight => "slight",
        }
    }
}

/// A likely cause and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseFinding {
    /// The cause.
    pub cause: CauseIdx,
    /// Combined confidence in (0, 1].
    pub confidence: f64,
    /// Answers that point to it, in questionnaire order.
    pub because: Vec<Because>,
    /// Answers that point away from it, in questionnaire order.
    pub against: Vec<Because>,
    /// The rules that fired for or against it.
    pub rules: Vec<RuleIdx>,
    /// The cause's sources and those of the rules that fired.
    pub sources: Vec<SourceIdx>,
}

/// A strategy and the reported causes it helps with.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyFinding {
    /// The strategy.
    pub strategy: StrategyIdx,
    /// The causes it serves, in report order.
    pub for_causes: Vec<CauseIdx>,
}

/// Combines certainty factors so that order never matters.
///
/// Positive factors combine as `a + b(1 - a)`, negative ones likewise, and the two totals
/// as MYCIN does: `(P - N) / (1 - min(P, N))`. Factors are sorted first so that the
/// floating-point result is identical whatever order the rules were written in.
pub fn combine(strengths: &mut [f64]) -> f64 {
    strengths.sort_by(f64::total_cmp);
    let fold = |it: &mut dyn Iterator<Item = f64>| it.fold(0.0, |acc, s| acc + s * (1.0 - acc));
    let positive = fold(&mut strengths.iter().copied().filter(|s| *s > 0.0));
    let negative = fold(&mut strengths.iter().copied().filter(|s| *s < 0.0).map(f64::abs));
    let denominator = 1.0 - positive.min(negative);
    if denominator <= 0.0 {
        return 0.0;
    }
    ((positive - negative) / denominator).clamp(-1.0, 1.0)
}

/// Evaluates a condition; on `True`, `why` gains the answers that made it so.
pub fn eval(condition: &Condition, answers: &Answers, why: &mut Vec<Because>) -> Truth {
    let mark = why.len();
    let truth = match condition {
        Condition::All(list) => {
            let mut truth = Truth::True;
            for c in list {
                match eval(c, answers, why) {
                    Truth::False => {
                        truth = Truth::False;
                        break;
                    }
                    Truth::Unknown => truth = Truth::Unknown,
                    Truth::True => {}
                }
            }
            truth
        }
        Condition::Any(list) => {
            // Every branch is evaluated so that `why` names all the answers that hold.
            let mut truth = Truth::False;
            for c in list {
                let branch = why.len();
                match eval(c, answers, why) {
                    Truth::True => truth = Truth::True,
                    other => {
                        why.truncate(branch);
                        if other == Truth::Unknown && truth == Truth::False {
                            truth = Truth::Unknown;
                        }
                    }
                }
            }
            truth
        }
        Condition::Not(inner) => match eval(inner, answers, why) {
            Truth::True => Truth::False,
            Truth::Unknown => Truth::Unknown,
            Truth::False => {
                why.truncate(mark);
                // The answers read are why it holds, except a multiple choice: a `not`
                // holds there because options were *not* ticked, and of the ones that
                // were, none counted (as with `includes`, only options that counted are
                // shown, so a guard like "pain not when sitting" lists nothing).
                inner.visit_questions(&mut |q| {
                    if matches!(answers.get(q), Some(v) if !matches!(v, Value::Multi(_))) {
                        why.push(Because::whole(q));
                    }
                });
                Truth::True
            }
        },
        Condition::Test { question, test } => {
            let answer = answers.get(*question);
            let truth = test_answer(test, answer);
            if truth == Truth::True {
                match (test, answer) {
                    (Test::Includes(set), Some(Value::Multi(chosen))) => why.push(Because {
                        question: *question,
                        options: set & chosen,
                    }),
                    // An `unanswered` test that holds names the question it found empty,
                    // so a report can say which warning signs were not checked.
                    (_, Some(_)) | (Test::Unanswered, None) => why.push(Because::whole(*question)),
                    (_, None) => {}
                }
            }
            truth
        }
    };
    if truth != Truth::True {
        why.truncate(mark);
    }
    truth
}

pub(crate) fn test_answer(test: &Test, answer: Option<Value>) -> Truth {
    let holds = match (test, answer) {
        (Test::Answered, a) => a.is_some(),
        (Test::Unanswered, a) => a.is_none(),
        (_, None) => return Truth::Unknown,
        (Test::ChoiceIn(set), Some(Value::Choice(o))) => set & (1 << o) != 0,
        (Test::Includes(set), Some(Value::Multi(chosen))) => set & chosen != 0,
        (Test::Compare(cmp, value), Some(Value::Number(n))) => cmp.holds(n, *value),
        // Loading checked every test against its question's type, so this is unreachable
        // for answers parsed against the same questionnaire.
        _ => false,
    };
    if holds { Truth::True } else { Truth::False }
}

/// Evaluates a condition in three-valued logic with `leaf` deciding each test: the one
/// walk behind the analyses that need a different view of unanswered questions than
/// [`eval`]'s (which also records why).
pub(crate) fn eval_with(
    condition: &Condition,
    leaf: &dyn Fn(QuestionIdx, &Test) -> Truth,
) -> Truth {
    match condition {
        Condition::All(list) => {
            list.iter()
                .fold(Truth::True, |acc, c| match (acc, eval_with(c, leaf)) {
                    (Truth::False, _) | (_, Truth::False) => Truth::False,
                    (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
                    _ => Truth::True,
                })
        }
        Condition::Any(list) => {
            list.iter()
                .fold(Truth::False, |acc, c| match (acc, eval_with(c, leaf)) {
                    (Truth::True, _) | (_, Truth::True) => Truth::True,
                    (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
                    _ => Truth::False,
                })
        }
        Condition::Not(inner) => match eval_with(inner, leaf) {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        },
        Condition::Test { question, test } => leaf(*question, test),
    }
}

/// Evaluates a condition as [`eval`] does, except that a question that is not asked (its
/// branch does not apply, or it is retired) counts as decided: its tests are false and
/// `unanswered` is true. Used to tell a rule that is undecided for want of an answer the
/// runner could give from one that can no longer fire.
fn eval_asked(condition: &Condition, answers: &Answers, asked: &[bool]) -> Truth {
    eval_with(condition, &|question, test| {
        let answer = answers.get(question);
        match (test, answer) {
            (Test::Unanswered, None) => Truth::True,
            (Test::Answered, None) => Truth::False,
            (_, None) if !asked[question] => Truth::False,
            _ => test_answer(test, answer),
        }
    })
}

/// Which questions apply given the answers, and the answers with non-applying ones removed.
///
/// A question applies when it has no branch condition or its condition is `True`; a
/// branch whose parent is unanswered does not apply yet.
pub fn applicable(rules: &RuleBase, answers: &Answers) -> (Answers, Vec<bool>) {
    applicable_in(rules, answers, Phase::Assessment)
}

/// [`applicable`], for either questionnaire.
pub fn applicable_in(rules: &RuleBase, answers: &Answers, phase: Phase) -> (Answers, Vec<bool>) {
    let mut effective = answers.clone();
    let mut applies = Vec::with_capacity(rules.questionnaire.questions.len());
    let mut scratch = Vec::new();
    for (i, q) in rules.questionnaire.questions.iter().enumerate() {
        let ok = (phase == Phase::Checkin || !q.checkin)
            && q.ask_if
                .as_ref()
                .is_none_or(|c| eval(c, &effective, &mut scratch) == Truth::True);
        scratch.clear();
        if !ok {
            effective.set(i, None);
        }
        applies.push(ok);
    }
    (effective, applies)
}

/// Runs every rule against the answers of an assessment and assembles the result; the
/// questions of a check-in do not apply.
pub fn assess<'a>(rules: &'a RuleBase, answers: &Answers) -> Assessment<'a> {
    evaluate(rules, answers, Phase::Assessment)
}

/// Which questionnaire the answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// An assessment: the questions of check-in sections do not apply.
    Assessment,
    /// A check-in: every question applies, the assessment's answers carried over.
    Checkin,
}

/// Runs every rule against the answers and assembles the result.
pub fn evaluate<'a>(rules: &'a RuleBase, answers: &Answers, phase: Phase) -> Assessment<'a> {
    let (effective, applies) = applicable_in(rules, answers, phase);
    let ignored = (0..applies.len())
        .filter(|&q| !applies[q] && answers.get(q).is_some())
        .collect();
    let questions = &rules.questionnaire.questions;
    let unanswered = (0..applies.len())
        .filter(|&q| applies[q] && questions[q].retired.is_none() && effective.get(q).is_none())
        .collect();

    struct Tally {
        strengths: Vec<f64>,
        because: Vec<Because>,
        against: Vec<Because>,
        rules: Vec<RuleIdx>,
    }
    let mut tallies: Vec<Tally> = (0..rules.causes.len())
        .map(|_| Tally {
            strengths: Vec::new(),
            because: Vec::new(),
            against: Vec::new(),
            rules: Vec::new(),
        })
        .collect();
    let mut reasons = Vec::new();
    let mut decided = Vec::new();
    let mut why = Vec::new();
    for (ri, rule) in rules.rules.iter().enumerate() {
        why.clear();
        if (rule.checkin && phase == Phase::Assessment)
            || eval(&rule.when, &effective, &mut why) != Truth::True
        {
            continue;
        }
        match &rule.then {
            Conclusion::Evidence { cause, strength } => {
                let tally = &mut tallies[*cause];
                tally.strengths.push(*strength);
                tally.rules.push(ri);
                let list = if *strength > 0.0 {
                    &mut tally.because
                } else {
                    &mut tally.against
                };
                list.extend_from_slice(&why);
            }
            Conclusion::Escalate(e) => reasons.push(Reason {
                level: e.level,
                origin: ReasonOrigin::Rule(ri),
                because: merge(why.clone()),
                sources: rule.sources.clone(),
            }),
            Conclusion::Decide { decision, .. } => decided.push(Decided {
                decision: *decision,
                rule: ri,
                because: merge(why.clone()),
            }),
        }
    }
    if let Some(floor) = unanswered_floor(rules, &effective, &applies, &reasons, phase) {
        reasons.push(floor);
    }

    let mut causes: Vec<CauseFinding> = tallies
        .into_iter()
        .enumerate()
        .filter_map(|(ci, mut t)| {
            let confidence = combine(&mut t.strengths);
            if confidence <= 0.0 {
                return None;
            }
            let cause = &rules.causes[ci];
            let mut sources = cause.sources.clone();
            for &r in &t.rules {
                sources.extend_from_slice(&rules.rules[r].sources);
            }
            t.rules
                .sort_by(|a, b| rules.rules[*a].id.cmp(&rules.rules[*b].id));
            Some(CauseFinding {
                cause: ci,
                confidence,
                because: merge(t.because),
                against: merge(t.against),
                rules: t.rules,
                sources: sorted_unique(sources),
            })
        })
        .collect();
    causes.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.cause.cmp(&b.cause))
    });

    for finding in &causes {
        if let Some(e) = &rules.causes[finding.cause].escalate {
            reasons.push(Reason {
                level: e.level,
                origin: ReasonOrigin::Cause(finding.cause),
                because: finding.because.clone(),
                sources: rules.causes[finding.cause].sources.clone(),
            });
        }
    }
    // Reasons read in questionnaire order within a level, whatever order rules were written in.
    let origin_key = |o: &ReasonOrigin| match o {
        ReasonOrigin::Rule(r) => (0, rules.rules[*r].id.as_str()),
        ReasonOrigin::Cause(c) => (1, rules.causes[*c].id.as_str()),
        ReasonOrigin::Unanswered => (2, ""),
    };
    reasons.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then(
                a.because
                    .first()
                    .map(|b| b.question)
                    .cmp(&b.because.first().map(|b| b.question)),
            )
            .then_with(|| origin_key(&a.origin).cmp(&origin_key(&b.origin)))
    });
    let level = reasons.first().map_or(rules.default_level(), |r| {
        r.level.min(rules.default_level())
    });

    let mut strategies = rank_strategies(rules, &causes);
    // The strategies to start with lead the list, in their own order.
    let first = start_here(rules, &causes, &strategies);
    let start_here = first.len();
    let mut rest: Vec<StrategyFinding> = Vec::with_capacity(strategies.len());
    let mut lead: Vec<Option<StrategyFinding>> = vec![None; first.len()];
    for (i, s) in strategies.drain(..).enumerate() {
        match first.iter().position(|&f| f == i) {
            Some(at) => lead[at] = Some(s),
            None => rest.push(s),
        }
    }
    strategies = lead.into_iter().flatten().chain(rest).collect();
    let not_checked = sorted_unique(
        reasons
            .iter()
            .flat_map(|r| &r.because)
            .map(|b| b.question)
            .filter(|&q| effective.get(q).is_none())
            .collect(),
    );
    let today = rules
        .run_today
        .as_ref()
        .map(|r| decide(r, decided, rules.levels[level].seen_first));
    Assessment {
        rules,
        answers: effective,
        escalation: Escalation { level, reasons },
        today,
        causes,
        strategies,
        start_here,
        unanswered,
        ignored,
        not_checked,
    }
}

/// The answer to "should I run today?".
#[derive(Debug, Clone)]
pub struct Today {
    /// The decision: the most cautious any rule reached, the default when none did.
    pub decision: DecisionIdx,
    /// Every rule that decided, most cautious first.
    pub decided: Vec<Decided>,
    /// Whether a level to be seen at first held today's decision at the most cautious.
    pub held_by_level: bool,
}

/// A rule's decision, and the answers behind it.
#[derive(Debug, Clone)]
pub struct Decided {
    /// The decision.
    pub decision: DecisionIdx,
    /// The rule.
    pub rule: RuleIdx,
    /// The answers it read.
    pub because: Vec<Because>,
}

impl Decided {
    /// The reason the runner reads.
    pub fn reason<'r>(&self, rules: &'r RuleBase) -> &'r str {
        match &rules.rules[self.rule].then {
            Conclusion::Decide { reason, .. } => reason,
            _ => "",
        }
    }
}

/// The most cautious decision reached, or the default (the last); a level at which the
/// runner is to be seen first holds it at the most cautious.
fn decide(run_today: &RunToday, mut decided: Vec<Decided>, seen_first: bool) -> Today {
    decided.sort_by_key(|d| d.decision);
    let default = run_today.decisions.len().saturating_sub(1);
    let reached = decided.first().map_or(default, |d| d.decision);
    let decision = if seen_first { 0 } else { reached };
    Today {
        decision,
        decided,
        held_by_level: seen_first && reached != 0,
    }
}

/// How many "start here" actions a report names.
pub const START_HERE: usize = 3;

/// The strategies to start with. Candidates are the first strategy of each cause that is
/// at least possible, and any strategy helping two such causes. Those leading a cause
/// marked `start_first` come first; then, one at a time, the candidate that covers the most
/// confidence among the causes not yet covered, so the actions differ from one another.
/// When nothing stands out, the fallback strategy.
fn start_here(
    rules: &RuleBase,
    causes: &[CauseFinding],
    strategies: &[StrategyFinding],
) -> Vec<usize> {
    let notable: Vec<&CauseFinding> = causes
        .iter()
        .filter(|f| Strength::of(f.confidence) >= Strength::Possible)
        .collect();
    let leads =
        |f: &CauseFinding, s: StrategyIdx| rules.causes[f.cause].strategies.first() == Some(&s);
    let serves = |i: usize| -> Vec<&CauseFinding> {
        notable
            .iter()
            .copied()
            .filter(|f| strategies[i].for_causes.contains(&f.cause))
            .collect()
    };
    let mut candidates: Vec<usize> = (0..strategies.len())
        .filter(|&i| {
            let served = serves(i);
            served.len() >= 2 || served.iter().any(|f| leads(f, strategies[i].strategy))
        })
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    let mut covered: Vec<CauseIdx> = Vec::new();
    for &i in &candidates {
        if chosen.len() < START_HERE
            && serves(i)
                .iter()
                .any(|f| rules.causes[f.cause].start_first && leads(f, strategies[i].strategy))
        {
            chosen.push(i);
            covered.extend(serves(i).iter().map(|f| f.cause));
        }
    }
    candidates.retain(|i| !chosen.contains(i));
    while chosen.len() < START_HERE {
        let gain = |i: usize| -> f64 {
            serves(i)
                .iter()
                .filter(|f| !covered.contains(&f.cause))
                .map(|f| f.confidence)
                .sum()
        };
        // The first candidate with the largest gain: ties keep the strategies' order.
        let Some(&best) = candidates
            .iter()
            .filter(|&&i| gain(i) > 0.0)
            .reduce(|a, b| if gain(*b) > gain(*a) { b } else { a })
        else {
            break;
        };
        chosen.push(best);
        covered.extend(serves(best).iter().map(|f| f.cause));
        candidates.retain(|&i| i != best);
    }
    if chosen.is_empty() {
        chosen = strategies
            .iter()
            .position(|s| rules.fallback_strategies.contains(&s.strategy))
            .into_iter()
            .collect();
    }
    chosen
}

/// The reason raised when a warning sign may have been missed for want of answers:
/// a rule for a level more urgent than the rule base's floor cannot be decided (every
/// question it lacks is listed), or a rule at the floor's own level cannot be decided for
/// want of a warning-sign answer (those are listed). Skipping a warning sign must never
/// leave a report below the floor. Questions another reason already names as not answered
/// are not listed twice.
fn unanswered_floor(
    rules: &RuleBase,
    answers: &Answers,
    applies: &[bool],
    fired: &[Reason],
    phase: Phase,
) -> Option<Reason> {
    let floor = rules.unanswered.as_ref()?;
    let questions = &rules.questionnaire.questions;
    let asked: Vec<bool> = (0..questions.len())
        .map(|q| applies[q] && questions[q].retired.is_none())
        .collect();
    let named: Vec<QuestionIdx> = fired
        .iter()
        .flat_map(|r| &r.because)
        .map(|b| b.question)
        .collect();
    let mut missing = Vec::new();
    for rule in &rules.rules {
        let Conclusion::Escalate(e) = &rule.then else {
            continue;
        };
        if rule.checkin && phase == Phase::Assessment {
            continue;
        }
        if e.level > floor.level || eval_asked(&rule.when, answers, &asked) != Truth::Unknown {
            continue;
        }
        let above = e.level < floor.level;
        rule.when.visit_questions(&mut |q| {
            if asked[q]
                && answers.get(q).is_none()
                && (above || questions[q].warning_sign)
                && !named.contains(&q)
            {
                missing.push(q);
            }
        });
    }
    if missing.is_empty() {
        return None;
    }
    Some(Reason {
        level: floor.level,
        origin: ReasonOrigin::Unanswered,
        because: sorted_unique(missing)
            .into_iter()
            .map(Because::whole)
            .collect(),
        sources: floor.sources.clone(),
    })
}

/// Orders strategies by how much they are likely to help: a strategy serving several
/// likely causes combines their confidences (`a + b(1 - a)`); ties keep report order.
fn rank_strategies(rules: &RuleBase, causes: &[CauseFinding]) -> Vec<StrategyFinding> {
    let mut found: Vec<(StrategyFinding, f64)> = Vec::new();
    for finding in causes {
        for &s in &rules.causes[finding.cause].strategies {
            match found.iter_mut().find(|(f, _)| f.strategy == s) {
                Some((f, score)) => {
                    f.for_causes.push(finding.cause);
                    *score += finding.confidence * (1.0 - *score);
                }
                None => found.push((
                    StrategyFinding {
                        strategy: s,
                        for_causes: vec![finding.cause],
                    },
                    finding.confidence,
                )),
            }
        }
    }
    // A stable sort keeps first-seen order among equals.
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut ranked: Vec<StrategyFinding> = found.into_iter().map(|(f, _)| f).collect();
    // When nothing stands out, the report still says what to do.
    if causes
        .iter()
        .all(|f| Strength::of(f.confidence) < Strength::Possible)
    {
        for &s in rules.fallback_strategies.iter().rev() {
            ranked.retain(|f| f.strategy != s);
            ranked.insert(
                0,
                StrategyFinding {
                    strategy: s,
                    for_causes: Vec::new(),
                },
            );
        }
    }
    ranked
}

/// One entry per question, in questionnaire order, with the options that counted merged.
fn merge(mut list: Vec<Because>) -> Vec<Because> {
    list.sort();
    let mut out: Vec<Because> = Vec::with_capacity(list.len());
    for b in list {
        match out.last_mut() {
            Some(last) if last.question == b.question => last.options |= b.options,
            _ => out.push(b),
        }
    }
    out
}

fn sorted_unique<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebase::{Comparison, load_dir};

    fn minimal() -> RuleBase {
        load_dir(std::path::Path::new("tests/fixtures/rules/minimal"))
            .expect("the minimal rule base loads")
    }

    fn answers(rb: &RuleBase, json: &str) -> Answers {
        Answers::parse(json, "test", &rb.questionnaire).expect("valid answers")
    }

    fn confidence(a: &Assessment, cause: &str) -> Option<f64> {
        a.causes
            .iter()
            .find(|f| a.rules.causes[f.cause].id == cause)
            .map(|f| f.confidence)
    }

    #[test]
    fn certainty_factors_combine_as_mycin_does() {
        assert!((combine(&mut [0.5, 0.5]) - 0.75).abs() < 1e-12);
        assert!((combine(&mut [0.6]) - 0.6).abs() < 1e-12);
        // Evidence against: (P - N) / (1 - min(P, N)) = (0.6 - 0.4) / 0.6.
        assert!((combine(&mut [0.6, -0.4]) - 0.2 / 0.6).abs() < 1e-12);
        assert_eq!(combine(&mut []), 0.0);
        assert_eq!(combine(&mut [1.0, -1.0]), 0.0);
    }

    #[test]
    fn combining_is_independent_of_order_to_the_last_bit() {
        let forward = combine(&mut [0.1, 0.35, 0.7, -0.2, 0.45]);
        let backward = combine(&mut [0.45, -0.2, 0.7, 0.35, 0.1]);
        assert_eq!(forward.to_bits(), backward.to_bits());
    }

    #[test]
    fn two_rules_for_one_cause_raise_its_confidence() {
        let rb = minimal();
        let one = assess(&rb, &answers(&rb, r#"{"shoes": "old"}"#));
        let two = assess(
            &rb,
            &answers(&rb, r#"{"shoes": "old", "shoe_pain": "yes"}"#),
        );
        assert_eq!(confidence(&one, "worn_shoes"), Some(0.5));
        assert_eq!(confidence(&two, "worn_shoes"), Some(0.75));
    }

    #[test]
    fn evidence_against_lowers_a_cause_and_is_reported_as_such() {
        let rb = minimal();
        let a = assess(&rb, &answers(&rb, r#"{"runs": 2}"#));
        // Only evidence against: the cause is not reported at all.
        assert_eq!(confidence(&a, "too_much"), None);
        let a = assess(&rb, &answers(&rb, r#"{"runs": 8}"#));
        assert_eq!(confidence(&a, "too_much"), Some(0.6));
    }

    #[test]
    fn an_unanswered_question_is_unknown_even_under_not() {
        let rb = minimal();
        // `few_runs` is `not (runs >= 3)`: with `runs` unanswered it must not fire.
        let a = assess(&rb, &Answers::none(&rb.questionnaire));
        assert!(a.causes.is_empty());
        let mut why = Vec::new();
        let few_runs = rb.rules.iter().find(|r| r.id == "few_runs").unwrap();
        assert_eq!(
            eval(&few_runs.when, &Answers::none(&rb.questionnaire), &mut why),
            Truth::Unknown
        );
        assert!(why.is_empty());
    }

    #[test]
    fn three_valued_all_and_any() {
        let rb = minimal();
        let q = |id: &str| rb.questionnaire.find(id).unwrap();
        let yes = Condition::Test {
            question: q("alarm"),
            test: Test::ChoiceIn(1),
        };
        let many = Condition::Test {
            question: q("runs"),
            test: Test::Compare(Comparison::AtLeast, 7.0),
        };
        let alarm_only = answers(&rb, r#"{"alarm": "yes"}"#);
        let mut why = Vec::new();
        let all = Condition::All(vec![yes.clone(), many.clone()]);
        let any = Condition::Any(vec![yes.clone(), many.clone()]);
        assert_eq!(eval(&all, &alarm_only, &mut why), Truth::Unknown);
        assert_eq!(eval(&any, &alarm_only, &mut why), Truth::True);
        assert_eq!(why, vec![Because::whole(q("alarm"))]);
        let alarm_no = answers(&rb, r#"{"alarm": "no"}"#);
        assert_eq!(eval(&all, &alarm_no, &mut Vec::new()), Truth::False);
        assert_eq!(eval(&any, &alarm_no, &mut Vec::new()), Truth::Unknown);
    }

    #[test]
    fn the_escalation_defaults_to_the_last_level_and_rises_with_a_rule() {
        let rb = minimal();
        let calm = assess(&rb, &Answers::none(&rb.questionnaire));
        assert_eq!(rb.levels[calm.escalation.level].id, "routine");
        let alarm = assess(&rb, &answers(&rb, r#"{"alarm": "yes", "shoes": "old"}"#));
        assert_eq!(rb.levels[alarm.escalation.level].id, "urgent");
        assert_eq!(alarm.escalation.reasons.len(), 1);
    }

    #[test]
    fn a_branch_that_does_not_apply_drops_its_answer() {
        let rb = minimal();
        let a = assess(
            &rb,
            &answers(&rb, r#"{"shoes": "new", "shoe_pain": "yes"}"#),
        );
        let shoe_pain = rb.questionnaire.find("shoe_pain").unwrap();
        assert_eq!(a.ignored, vec![shoe_pain]);
        assert_eq!(a.answers.get(shoe_pain), None);
        assert!(
            !a.unanswered.contains(&shoe_pain),
            "a question that does not apply is not 'unanswered'"
        );
        assert_eq!(confidence(&a, "worn_shoes"), None);
    }

    #[test]
    fn unanswered_lists_only_questions_that_apply() {
        let rb = minimal();
        let ids = |a: &Assessment| -> Vec<String> {
            a.unanswered
                .iter()
                .map(|&q| rb.questionnaire.questions[q].id.clone())
                .collect()
        };
        let a = assess(&rb, &Answers::none(&rb.questionnaire));
        assert_eq!(ids(&a), ["alarm", "runs", "shoes"]);
        let a = assess(&rb, &answers(&rb, r#"{"shoes": "old"}"#));
        assert_eq!(ids(&a), ["alarm", "runs", "shoe_pain"]);
    }

    #[test]
    fn strategies_appear_once_ordered_by_the_causes_they_serve() {
        let rb = minimal();
        let a = assess(&rb, &answers(&rb, r#"{"shoes": "old", "runs": 9}"#));
        let ids: Vec<&str> = a
            .strategies
            .iter()
            .map(|s| rb.strategies[s.strategy].id.as_str())
            .collect();
        // `new_shoes` serves both causes, so it outranks `rest`, which serves one.
        assert_eq!(ids, ["new_shoes", "rest"]);
        assert_eq!(a.strategies[0].for_causes.len(), 2);
    }

    #[test]
    fn satisfy_finds_answers_that_fire_each_rule_including_branches() {
        let rb = minimal();
        for rule in &rb.rules {
            let found = satisfy::satisfy(&rb, &rule.when)
                .unwrap_or_else(|| panic!("rule {} is reachable", rule.id));
            assert_eq!(
                eval(&rule.when, &found, &mut Vec::new()),
                Truth::True,
                "rule {}",
                rule.id
            );
        }
        let shoe_pain = rb.rules.iter().find(|r| r.id == "old_shoes_hurt").unwrap();
        let found = satisfy::satisfy(&rb, &shoe_pain.when).unwrap();
        // The follow-up is only asked about old shoes, so the witness must say so.
        let shoes = rb.questionnaire.find("shoes").unwrap();
        assert_eq!(found.get(shoes), Some(Value::Choice(1)));
    }

    #[test]
    fn satisfy_reports_a_contradiction() {
        let rb = minimal();
        let shoes = rb.questionnaire.find("shoes").unwrap();
        let runs = rb.questionnaire.find("runs").unwrap();
        let both = Condition::All(vec![
            Condition::Test {
                question: shoes,
                test: Test::ChoiceIn(1),
            },
            Condition::Test {
                question: shoes,
                test: Test::ChoiceIn(2),
            },
        ]);
        assert!(satisfy::satisfy(&rb, &both).is_none());
        let empty_range = Condition::All(vec![
            Condition::Test {
                question: runs,
                test: Test::Compare(Comparison::LessThan, 3.0),
            },
            Condition::Test {
                question: runs,
                test: Test::Compare(Comparison::GreaterThan, 5.0),
            },
        ]);
        assert!(satisfy::satisfy(&rb, &empty_range).is_none());
    }
}
