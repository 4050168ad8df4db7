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

/// Both outcomes of a condition from one walk, a bit each for "true" and "false" (neither
/// is unknown): as the engine sees it ([`eval`]), and as the floor for unanswered
/// questions sees it, where a question that is not asked (its branch does not apply, or it
/// is retired) counts as decided: its tests are false and `unanswered` is true. The second
/// tells a rule undecided for want of an answer the runner could give from one that can no
/// longer fire.
type Both = u8;
const SEEN_TRUE: Both = 1;
const SEEN_FALSE: Both = 2;
const ASKED_TRUE: Both = 4;
const ASKED_FALSE: Both = 8;
const TRUES: Both = SEEN_TRUE | ASKED_TRUE;
const FALSES: Both = SEEN_FALSE | ASKED_FALSE;

fn bits(truth: Truth) -> Both {
    match truth {
        Truth::True => SEEN_TRUE,
        Truth::False => SEEN_FALSE,
        Truth::Unknown => 0,
    }
}

/// Evaluates a condition both ways at once (see [`Both`]); on "true" as the engine sees
/// it, `why` gains the answers that made it so, exactly as [`eval`] records them.
fn eval_both(
    condition: &Condition,
    answers: &Answers,
    asked: &[bool],
    why: &mut Vec<Because>,
) -> Both {
    let mark = why.len();
    let both = match condition {
        Condition::All(list) => {
            let (mut t, mut f) = (TRUES, 0);
            for c in list {
                let x = part_both(c, answers, asked, why);
                t &= x;
                f |= x;
                if f & FALSES == FALSES {
                    break;
                }
            }
            (t & TRUES) | (f & FALSES)
        }
        Condition::Any(list) => {
            // Every branch is evaluated so that `why` names all the answers that hold.
            let (mut t, mut f) = (0, FALSES);
            for c in list {
                let branch = why.len();
                let x = part_both(c, answers, asked, why);
                if x & SEEN_TRUE == 0 {
                    why.truncate(branch);
                }
                t |= x;
                f &= x;
            }
            (t & TRUES) | (f & FALSES)
        }
        Condition::Not(inner) => {
            let x = eval_both(inner, answers, asked, why);
            if x & SEEN_FALSE != 0 {
                why.truncate(mark);
                // As in `eval`: the answers read are why it holds, except a multiple choice.
                inner.visit_questions(&mut |q| {
                    if matches!(answers.get(q), Some(v) if !matches!(v, Value::Multi(_))) {
                        why.push(Because::whole(q));
                    }
                });
            }
            ((x & TRUES) << 1) | ((x & FALSES) >> 1)
        }
        Condition::Test { question, test } => {
            return test_both(*question, test, answers, asked, why);
        }
    };
    if both & SEEN_TRUE == 0 {
        why.truncate(mark);
    }
    both
}

/// [`eval_both`] of one part, called in place for the tests most conditions are made of:
/// a test adds to `why` only when it holds, so there is nothing to take back.
#[inline(always)]
fn part_both(
    condition: &Condition,
    answers: &Answers,
    asked: &[bool],
    why: &mut Vec<Because>,
) -> Both {
    match condition {
        Condition::Test { question, test } => test_both(*question, test, answers, asked, why),
        _ => eval_both(condition, answers, asked, why),
    }
}

/// [`eval_both`] of a test.
#[inline(always)]
fn test_both(
    question: QuestionIdx,
    test: &Test,
    answers: &Answers,
    asked: &[bool],
    why: &mut Vec<Because>,
) -> Both {
    let answer = answers.get(question);
    let seen = test_answer(test, answer);
    if seen == Truth::True {
        match (test, answer) {
            (Test::Includes(set), Some(Value::Multi(chosen))) => why.push(Because {
                question,
                options: set & chosen,
            }),
            (_, Some(_)) | (Test::Unanswered, None) => why.push(Because::whole(question)),
            (_, None) => {}
        }
    }
    let asked_truth = match (test, answer) {
        (Test::Unanswered | Test::Answered, None) => seen,
        (_, None) if !asked[question] => Truth::False,
        _ => seen,
    };
    bits(seen) | (bits(asked_truth) << 2)
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
///
/// Each rule is evaluated once, in three-valued logic and both ways [`Both`] tells
/// apart, and the escalation, the contributors, today's decision and the floor for
/// unanswered questions all come from that one pass; the pass allocates nothing (its
/// working space is kept per thread), so its cost grows with the rules and nothing else.
pub fn evaluate<'a>(rules: &'a RuleBase, answers: &Answers, phase: Phase) -> Assessment<'a> {
    let mut out = Assessment::empty(rules);
    SCRATCH.with_borrow_mut(|scratch| evaluate_in(rules, answers, phase, scratch, &mut out));
    out
}

/// [`assess`], into an assessment made before (by [`assess`]): its lists are emptied into
/// the thread's working space and filled again from there, so once they have grown to what
/// answer sets need, assessing a set this way allocates nothing (`runback batch` refills
/// each worker's last assessment). `into` ends exactly as [`assess`] would have made it,
/// whatever it held before.
pub fn assess_into<'a>(rules: &'a RuleBase, answers: &Answers, into: &mut Assessment<'a>) {
    SCRATCH.with_borrow_mut(|scratch| {
        evaluate_in(rules, answers, Phase::Assessment, scratch, into);
    });
}

impl<'a> Assessment<'a> {
    /// Nothing assessed yet: every list empty, which allocates nothing.
    fn empty(rules: &'a RuleBase) -> Self {
        Assessment {
            rules,
            answers: Answers::default(),
            escalation: Escalation {
                level: rules.default_level(),
                reasons: Vec::new(),
            },
            today: None,
            causes: Vec::new(),
            strategies: Vec::new(),
            start_here: 0,
            unanswered: Vec::new(),
            ignored: Vec::new(),
            not_checked: Vec::new(),
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The working space of an evaluation, kept between answer sets.
#[derive(Default)]
struct Scratch {
    /// Per question: whether it is asked (applies and is not retired).
    asked: Vec<bool>,
    /// Per question: named by a reason an escalation rule raised.
    named: Vec<bool>,
    /// Per question: a candidate for the floor for unanswered questions.
    candidate: Vec<bool>,
    /// The candidates, in the order found.
    candidates: Vec<QuestionIdx>,
    /// The answers behind the rule being evaluated.
    why: Vec<Because>,
    /// The evidence rules that fired, and where their answers are in `pool`.
    fired: Vec<Fired>,
    /// The answers behind every evidence rule that fired.
    pool: Vec<Because>,
    /// Per cause: where its fired rules start in `by_cause` (one more entry at the end).
    start: Vec<usize>,
    /// `fired`, grouped by cause in rule order.
    by_cause: Vec<usize>,
    /// Per question: the options merged so far, and whether it has been met.
    options: Vec<(OptionSet, bool)>,
    /// The questions met while merging.
    met: Vec<QuestionIdx>,
    /// Per source: whether it has been listed.
    cited: Vec<bool>,
    /// A cause's certainty factors.
    strengths: Vec<f64>,
    /// Per cause: covered by a "start here" action.
    covered: Vec<bool>,
    /// Per strategy found: still a "start here" candidate.
    open: Vec<bool>,
    /// Per cause: reported at least "possible", and its confidence then.
    notable: Vec<Option<f64>>,
    /// For each strategy in turn, the causes at least possible it serves.
    served: Vec<CauseIdx>,
    /// Per strategy: where its causes are in `served`.
    serves: Vec<(usize, usize)>,
    /// Per strategy: where it is in `found`, plus one; 0 when not found yet.
    slot: Vec<u32>,
    /// The strategies found, in the order first met, with their scores.
    found: Vec<(StrategyFinding, f64)>,
    /// The scores of `found` and their places, to sort.
    order: Vec<(f64, u32)>,
    /// The strategies, most useful first.
    ranked: Vec<StrategyFinding>,
    /// Lists of answers from assessments filled before, emptied for the next.
    spare_because: Vec<Vec<Because>>,
    /// Lists of indices (sources, rules, causes) likewise.
    spare_indices: Vec<Vec<usize>>,
    /// Today's decisions from an assessment filled before, emptied.
    decided: Vec<Decided>,
}

/// An evidence rule that fired.
#[derive(Clone, Copy)]
struct Fired {
    cause: CauseIdx,
    rule: RuleIdx,
    strength: f64,
    why: (usize, usize),
}

/// Fills `into` with `len` copies of `value`, keeping its memory.
fn reset<T: Clone>(into: &mut Vec<T>, len: usize, value: T) {
    into.clear();
    into.resize(len, value);
}

impl Scratch {
    /// An empty list of answers, with memory from an earlier assessment when there is some.
    fn because_list(&mut self) -> Vec<Because> {
        self.spare_because.pop().unwrap_or_default()
    }

    /// The answers behind the rule just evaluated (`why`), as a reason or decision lists
    /// them.
    fn because_of_why(&mut self) -> Vec<Because> {
        let mut because = self.because_list();
        merge(
            &mut self.options,
            &mut self.met,
            std::iter::once(self.why.as_slice()),
            &mut because,
        );
        because
    }

    /// An empty list of indices, likewise.
    fn index_list(&mut self) -> Vec<usize> {
        self.spare_indices.pop().unwrap_or_default()
    }

    fn keep_because(&mut self, mut list: Vec<Because>) {
        if list.capacity() > 0 {
            list.clear();
            self.spare_because.push(list);
        }
    }

    fn keep_indices(&mut self, mut list: Vec<usize>) {
        if list.capacity() > 0 {
            list.clear();
            self.spare_indices.push(list);
        }
    }

    /// Empties an assessment, keeping the memory of every list it holds for the next.
    fn recycle(&mut self, a: &mut Assessment) {
        for r in a.escalation.reasons.drain(..) {
            self.keep_because(r.because);
            self.keep_indices(r.sources);
        }
        for c in a.causes.drain(..) {
            self.keep_because(c.because);
            self.keep_because(c.against);
            self.keep_indices(c.rules);
            self.keep_indices(c.sources);
        }
        for s in a.strategies.drain(..) {
            self.keep_indices(s.for_causes);
        }
        if let Some(mut today) = a.today.take() {
            for d in today.decided.drain(..) {
                self.keep_because(d.because);
            }
            if today.decided.capacity() > self.decided.capacity() {
                self.decided = today.decided;
            }
        }
        a.unanswered.clear();
        a.ignored.clear();
        a.not_checked.clear();
    }
}

/// Appends to `out` one entry per question of `lists`, in questionnaire order, with the
/// options that counted merged, in time linear in the entries (and the questions met).
/// `options` (per question) and `met` are working space, left as found.
fn merge<'b>(
    options: &mut [(OptionSet, bool)],
    met: &mut Vec<QuestionIdx>,
    lists: impl Iterator<Item = &'b [Because]>,
    out: &mut Vec<Because>,
) {
    for list in lists {
        for b in list {
            let slot = &mut options[b.question];
            if !slot.1 {
                *slot = (0, true);
                met.push(b.question);
            }
            slot.0 |= b.options;
        }
    }
    met.sort_unstable();
    out.extend(met.iter().map(|&q| Because {
        question: q,
        options: options[q].0,
    }));
    for &q in met.iter() {
        options[q] = (0, false);
    }
    met.clear();
}

fn evaluate_in<'a>(
    rules: &'a RuleBase,
    answers: &Answers,
    phase: Phase,
    s: &mut Scratch,
    out: &mut Assessment<'a>,
) {
    s.recycle(out);
    let Assessment {
        rules: out_rules,
        answers: effective,
        escalation,
        today,
        causes,
        strategies,
        start_here: start_count,
        unanswered,
        ignored,
        not_checked,
    } = out;
    *out_rules = rules;
    let questions = &rules.questionnaire.questions;
    let plan = &rules.plan;
    let n = questions.len();
    reset(&mut s.asked, n, false);
    reset(&mut s.named, n, false);
    reset(&mut s.candidate, n, false);
    reset(&mut s.options, n, (0, false));
    reset(&mut s.cited, rules.sources.len(), false);
    s.candidates.clear();
    s.met.clear();
    s.fired.clear();
    s.pool.clear();

    effective.clone_from(answers);
    for (i, q) in questions.iter().enumerate() {
        s.why.clear();
        let ok = (phase == Phase::Checkin || !q.checkin)
            && q.ask_if
                .as_ref()
                .is_none_or(|c| eval(c, effective, &mut s.why) == Truth::True);
        if !ok {
            if effective.get(i).is_some() {
                ignored.push(i);
            }
            effective.set(i, None);
        }
        let asked = ok && q.retired.is_none();
        if asked && effective.get(i).is_none() {
            unanswered.push(i);
        }
        s.asked[i] = asked;
    }
    let effective: &Answers = effective;

    // The one pass over the rules.
    let reasons = &mut escalation.reasons;
    let mut decided = std::mem::take(&mut s.decided);
    for (ri, rule) in rules.rules.iter().enumerate() {
        if rule.checkin && phase == Phase::Assessment {
            continue;
        }
        s.why.clear();
        let both = eval_both(&rule.when, effective, &s.asked, &mut s.why);
        if both & SEEN_TRUE == 0 {
            // Undecided even counting the questions not asked as answered: the floor
            // names those of its questions that could still be answered.
            if both & (ASKED_TRUE | ASKED_FALSE) == 0 {
                for &q in &plan.floor_questions[ri] {
                    if s.asked[q] && effective.get(q).is_none() && !s.candidate[q] {
                        s.candidate[q] = true;
                        s.candidates.push(q);
                    }
                }
            }
            continue;
        }
        match &rule.then {
            Conclusion::Evidence { cause, strength } => {
                let from = s.pool.len();
                s.pool.extend_from_slice(&s.why);
                s.fired.push(Fired {
                    cause: *cause,
                    rule: ri,
                    strength: *strength,
                    why: (from, s.pool.len()),
                });
            }
            Conclusion::Escalate(e) => {
                for b in &s.why {
                    s.named[b.question] = true;
                }
                let because = s.because_of_why();
                let mut sources = s.index_list();
                sources.extend_from_slice(&rule.sources);
                reasons.push(Reason {
                    level: e.level,
                    origin: ReasonOrigin::Rule(ri),
                    because,
                    sources,
                });
            }
            Conclusion::Decide { decision, .. } => {
                let because = s.because_of_why();
                decided.push(Decided {
                    decision: *decision,
                    rule: ri,
                    because,
                });
            }
        }
    }
    // The floor: questions of undecided rules that no fired rule's reason names already.
    if let Some(floor) = &rules.unanswered {
        let named = &s.named;
        s.candidates.retain(|&q| !named[q]);
        if !s.candidates.is_empty() {
            s.candidates.sort_unstable();
            let mut because = s.because_list();
            because.extend(s.candidates.iter().map(|&q| Because::whole(q)));
            let mut sources = s.index_list();
            sources.extend_from_slice(&floor.sources);
            reasons.push(Reason {
                level: floor.level,
                origin: ReasonOrigin::Unanswered,
                because,
                sources,
            });
        }
    }

    // The fired evidence, grouped by cause in rule order.
    reset(&mut s.start, rules.causes.len() + 1, 0);
    for f in &s.fired {
        s.start[f.cause + 1] += 1;
    }
    for c in 0..rules.causes.len() {
        s.start[c + 1] += s.start[c];
    }
    reset(&mut s.by_cause, s.fired.len(), 0);
    for (i, f) in s.fired.iter().enumerate() {
        let at = &mut s.start[f.cause];
        s.by_cause[*at] = i;
        *at += 1;
    }
    // `start[c]` now ends cause `c`'s group, which begins where the previous one ends.
    for ci in 0..rules.causes.len() {
        let (from, to) = (if ci == 0 { 0 } else { s.start[ci - 1] }, s.start[ci]);
        if from == to {
            continue;
        }
        s.strengths.clear();
        s.strengths
            .extend(s.by_cause[from..to].iter().map(|&i| s.fired[i].strength));
        let confidence = combine(&mut s.strengths);
        if confidence <= 0.0 {
            continue;
        }
        let mut because = s.because_list();
        let mut against = s.because_list();
        let mut fired_rules = s.index_list();
        let mut sources = s.index_list();
        let (group, fired, pool) = (&s.by_cause[from..to], &s.fired, &s.pool);
        let whys = |positive: bool| {
            group
                .iter()
                .map(|&i| &fired[i])
                .filter(move |f| (f.strength > 0.0) == positive)
                .map(|f| &pool[f.why.0..f.why.1])
        };
        merge(&mut s.options, &mut s.met, whys(true), &mut because);
        merge(&mut s.options, &mut s.met, whys(false), &mut against);
        fired_rules.extend(group.iter().map(|&i| fired[i].rule));
        fired_rules.sort_unstable_by_key(|&r| plan.rule_order[r]);
        let cause = &rules.causes[ci];
        let rule_sources = fired_rules.iter().flat_map(|&r| &rules.rules[r].sources);
        for &src in cause.sources.iter().chain(rule_sources) {
            if !s.cited[src] {
                s.cited[src] = true;
                sources.push(src);
            }
        }
        for &src in &sources {
            s.cited[src] = false;
        }
        sources.sort_unstable();
        causes.push(CauseFinding {
            cause: ci,
            confidence,
            because,
            against,
            rules: fired_rules,
            sources,
        });
    }
    // Most likely first; the cause's place breaks ties, so no two compare equal.
    causes.sort_unstable_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.cause.cmp(&b.cause))
    });

    for finding in causes.iter() {
        if let Some(e) = &rules.causes[finding.cause].escalate {
            let mut because = s.because_list();
            because.extend_from_slice(&finding.because);
            let mut sources = s.index_list();
            sources.extend_from_slice(&rules.causes[finding.cause].sources);
            reasons.push(Reason {
                level: e.level,
                origin: ReasonOrigin::Cause(finding.cause),
                because,
                sources,
            });
        }
    }
    // Reasons read in questionnaire order within a level, whatever order rules were
    // written in; then by id (rules, then causes, then the floor). No two reasons have
    // the same origin, so no two compare equal.
    let origin_key = |o: &ReasonOrigin| match o {
        ReasonOrigin::Rule(r) => (0, plan.rule_order[*r]),
        ReasonOrigin::Cause(c) => (1, plan.cause_order[*c]),
        ReasonOrigin::Unanswered => (2, 0),
    };
    reasons.sort_unstable_by(|a, b| {
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
    escalation.level = level;

    rank_strategies(rules, causes, s);
    // The strategies to start with lead the list, in their own order.
    let mut ranked = std::mem::take(&mut s.ranked);
    let (first, count) = start_here(rules, causes, &ranked, s);
    let first = &first[..count];
    for &i in first {
        let taken = StrategyFinding {
            strategy: ranked[i].strategy,
            for_causes: Vec::new(),
        };
        strategies.push(std::mem::replace(&mut ranked[i], taken));
    }
    strategies.extend(
        ranked
            .drain(..)
            .enumerate()
            .filter(|(i, _)| !first.contains(i))
            .map(|(_, f)| f),
    );
    s.ranked = ranked;
    *start_count = count;
    not_checked.extend(
        reasons
            .iter()
            .flat_map(|r| &r.because)
            .map(|b| b.question)
            .filter(|&q| effective.get(q).is_none()),
    );
    not_checked.sort_unstable();
    not_checked.dedup();
    *today = match &rules.run_today {
        Some(r) => Some(decide(r, decided, rules.levels[level].seen_first)),
        None => {
            for d in decided.drain(..) {
                s.keep_because(d.because);
            }
            s.decided = decided;
            None
        }
    };
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
    // In rule order among equal decisions, as they were found.
    decided.sort_unstable_by_key(|d| (d.decision, d.rule));
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

/// The strategies to start with, as indices into `strategies`, and how many there are.
/// Candidates are the first strategy of each cause that is at least possible, and any
/// strategy helping two such causes. Those leading a cause marked `start_first` come
/// first; then, one at a time, the candidate that covers the most confidence among the
/// causes not yet covered, so the actions differ from one another. When nothing stands
/// out, the fallback strategy.
fn start_here(
    rules: &RuleBase,
    causes: &[CauseFinding],
    strategies: &[StrategyFinding],
    s: &mut Scratch,
) -> ([usize; START_HERE], usize) {
    reset(&mut s.notable, rules.causes.len(), None);
    for f in causes {
        if Strength::of(f.confidence) >= Strength::Possible {
            s.notable[f.cause] = Some(f.confidence);
        }
    }
    // The causes at least possible that each strategy serves, in report order: its
    // `for_causes` are in report order, a cause that lists it twice twice in a row.
    s.served.clear();
    s.serves.clear();
    for strategy in strategies {
        let from = s.served.len();
        let mut last = None;
        for &c in &strategy.for_causes {
            if s.notable[c].is_some() && last != Some(c) {
                s.served.push(c);
            }
            last = Some(c);
        }
        s.serves.push((from, s.served.len()));
    }
    let (notable, served, ranges) = (&s.notable, &s.served, &s.serves);
    let serves = |i: usize| {
        let (from, to) = ranges[i];
        served[from..to].iter().copied()
    };
    let leads = |c: CauseIdx, s: StrategyIdx| rules.causes[c].strategies.first() == Some(&s);
    let covered = &mut s.covered;
    let open = &mut s.open;
    reset(covered, rules.causes.len(), false);
    reset(open, strategies.len(), false);
    for (i, strategy) in strategies.iter().enumerate() {
        open[i] = serves(i).len() >= 2 || serves(i).any(|c| leads(c, strategy.strategy));
    }
    let mut chosen = [0; START_HERE];
    let mut count = 0;
    let choose = |i: usize,
                  chosen: &mut [usize],
                  count: &mut usize,
                  open: &mut [bool],
                  covered: &mut [bool]| {
        chosen[*count] = i;
        *count += 1;
        open[i] = false;
        for c in serves(i) {
            covered[c] = true;
        }
    };
    for (i, strategy) in strategies.iter().enumerate() {
        if open[i]
            && count < START_HERE
            && serves(i).any(|c| rules.causes[c].start_first && leads(c, strategy.strategy))
        {
            choose(i, &mut chosen, &mut count, open, covered);
        }
    }
    while count < START_HERE {
        // The first candidate with the largest gain: ties keep the strategies' order.
        let mut best: Option<(usize, f64)> = None;
        for i in (0..strategies.len()).filter(|&i| open[i]) {
            let gain: f64 = serves(i)
                .filter(|&c| !covered[c])
                .map(|c| notable[c].unwrap_or(0.0))
                .sum();
            if gain > 0.0 && best.is_none_or(|(_, most)| gain > most) {
                best = Some((i, gain));
            }
        }
        let Some((i, _)) = best else {
            break;
        };
        choose(i, &mut chosen, &mut count, open, covered);
    }
    if count == 0
        && let Some(i) = strategies
            .iter()
            .position(|s| rules.fallback_strategies.contains(&s.strategy))
    {
        chosen[0] = i;
        count = 1;
    }
    (chosen, count)
}

/// Orders strategies by how much they are likely to help, into `s.ranked`: a strategy
/// serving several likely causes combines their confidences (`a + b(1 - a)`); ties keep
/// report order.
fn rank_strategies(rules: &RuleBase, causes: &[CauseFinding], s: &mut Scratch) {
    reset(&mut s.slot, rules.strategies.len(), 0);
    s.found.clear();
    for finding in causes {
        for &strategy in &rules.causes[finding.cause].strategies {
            match s.slot[strategy] {
                0 => {
                    let mut for_causes = s.index_list();
                    for_causes.push(finding.cause);
                    s.found.push((
                        StrategyFinding {
                            strategy,
                            for_causes,
                        },
                        finding.confidence,
                    ));
                    s.slot[strategy] = s.found.len() as u32;
                }
                at => {
                    let (f, score) = &mut s.found[at as usize - 1];
                    f.for_causes.push(finding.cause);
                    *score += finding.confidence * (1.0 - *score);
                }
            }
        }
    }
    // Highest score first; among equals, the first found first.
    s.order.clear();
    s.order.extend(
        s.found
            .iter()
            .enumerate()
            .map(|(i, (_, score))| (*score, i as u32)),
    );
    s.order
        .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    s.ranked.clear();
    for &(_, i) in &s.order {
        let found = &mut s.found[i as usize].0;
        let taken = StrategyFinding {
            strategy: found.strategy,
            for_causes: Vec::new(),
        };
        s.ranked.push(std::mem::replace(found, taken));
    }
    // When nothing stands out, the report still says what to do.
    if causes
        .iter()
        .all(|f| Strength::of(f.confidence) < Strength::Possible)
    {
        for &strategy in rules.fallback_strategies.iter().rev() {
            // At most one: each strategy is found once, and moved here once.
            if let Some(at) = s.ranked.iter().position(|f| f.strategy == strategy) {
                let removed = s.ranked.remove(at);
                s.keep_indices(removed.for_causes);
            }
            s.ranked.insert(
                0,
                StrategyFinding {
                    strategy,
                    for_causes: Vec::new(),
                },
            );
        }
    }
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
                .map(|&q| rb.questionnaire.questions[q].id.to_string())
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
