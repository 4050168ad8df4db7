//! A bout of back pain followed through the weeks: the first assessment and every
//! check-in after it, kept in the user's state folder beside the answer store
//! (`bouts/`, owner-only, each bout one file replaced whole on every change).
//!
//! This module knows no more about backs than the engine does. It keeps entries, works
//! out the facts the questionnaire declares (`from_bout`: days since the first
//! assessment, the change in a score, runs and spikes in a training log) and moves along
//! the rule base's plan of steps; the rules decide what the facts mean.

pub mod facts;
pub mod plan;
pub mod store;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::answers::Answers;
use crate::engine::Assessment;
use crate::rulebase::{QuestionIdx, RuleBase};

pub use store::{Bouts, StoreError};

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole assessment.
    Assessment,
    /// A check-in.
    Checkin,
}

/// One entry of a bout, as kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// An assessment or a check-in.
    pub kind: Kind,
    /// When, in seconds since 1970 (UTC).
    pub time: i64,
    /// The level reached.
    pub level: String,
    /// At a check-in, the answer to "should I run today?".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// At a check-in, the step of the plan for today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_step: Option<String>,
    /// The answers given (an answer-file object), with the facts worked out at a check-in.
    pub answers: Map<String, Json>,
}

/// A bout: its entries in time order.
#[derive(Debug, Clone)]
pub struct Bout {
    /// Its file name without `.json`: when it began and a random part.
    pub id: String,
    /// Its entries, oldest first.
    pub entries: Vec<Entry>,
}

impl Bout {
    /// When the bout began.
    pub fn started(&self) -> i64 {
        self.entries.first().map_or(0, |e| e.time)
    }

    /// When its latest entry was made: a check-in weighs the runs since then, so each run
    /// of a training log counts at one check-in only.
    pub fn since_last_entry(&self) -> i64 {
        self.entries.last().map_or(0, |e| e.time)
    }

    /// The latest assessment, whose answers a check-in carries over.
    pub fn latest_assessment(&self) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.kind == Kind::Assessment)
    }

    /// The first assessment, that facts are measured from.
    pub fn first_assessment(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| e.kind == Kind::Assessment)
    }

    /// The check-ins, oldest first.
    pub fn checkins(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == Kind::Checkin)
    }

    /// Whether a check-in may still follow it at `now`: its latest assessment is less
    /// than `weeks` old.
    pub fn is_current(&self, now: i64, weeks: u32) -> bool {
        // An entry after `now` (a clock set back) leaves no bout to follow: a check-in
        // dated before what it follows would make no sense of days.
        let last = self.entries.last().map_or(i64::MIN, |e| e.time);
        last <= now
            && self
                .latest_assessment()
                .is_some_and(|a| now - a.time < i64::from(weeks) * 7 * 86_400)
    }
}

/// An entry for answers just assessed.
pub fn entry(
    rules: &RuleBase,
    kind: Kind,
    time: i64,
    answers: &Answers,
    assessment: &Assessment,
    plan_step: Option<usize>,
) -> Entry {
    let decision = match kind {
        Kind::Checkin => assessment
            .today
            .as_ref()
            .zip(rules.run_today.as_ref())
            .map(|(t, r)| r.decisions[t.decision].id.clone()),
        Kind::Assessment => None,
    };
    Entry {
        kind,
        time,
        level: rules.levels[assessment.escalation.level].id.to_string(),
        decision: decision.map(String::from),
        plan_step: plan_step
            .and_then(|s| rules.run_today.as_ref().map(|r| r.plan.steps[s].id.clone()))
            .map(String::from),
        answers: answers.to_json(&rules.questionnaire),
    }
}

/// A number an entry's answers hold for a question, if any.
pub fn number(entry: &Entry, rules: &RuleBase, q: QuestionIdx) -> Option<f64> {
    entry
        .answers
        .get(rules.questionnaire.questions[q].id.as_str())?
        .as_f64()
}

/// A check-in, assessed.
pub struct CheckIn<'a> {
    /// The answers weighed: the latest assessment's, then the check-in's own in place of
    /// what it re-asks, then the facts worked out about the bout.
    pub answers: Answers,
    /// The result, at the level and with the words of an assessment.
    pub assessment: Assessment<'a>,
    /// Today's step of the plan, when the rule base has one.
    pub plan_step: Option<usize>,
    /// The biggest single-run spike in the training log since the bout's latest entry,
    /// when there is one.
    pub spike: Option<facts::Spike>,
    /// The longest run of the 30 days before now in the training log.
    pub longest_30d_km: Option<f64>,
}

impl CheckIn<'_> {
    /// The entry a check-in is kept as, at `now`: its own answers and the facts worked
    /// out, not the assessment's it carried over.
    pub fn entry(&self, rules: &RuleBase, now: i64) -> Entry {
        let questionnaire = &rules.questionnaire;
        let mut kept = Answers::none(questionnaire);
        for q in questionnaire.file_questions(true) {
            kept.set(q, self.answers.get(q));
        }
        for (q, question) in questionnaire.questions.iter().enumerate() {
            if question.from_bout.is_some() {
                kept.set(q, self.answers.get(q));
            }
        }
        entry(
            rules,
            Kind::Checkin,
            now,
            &kept,
            &self.assessment,
            self.plan_step,
        )
    }
}

/// Weighs a check-in's answers (`given`, only questions a check-in asks) at `now`,
/// following `bout`.
pub fn check_in<'a>(
    rules: &'a RuleBase,
    bout: &Bout,
    given: &Answers,
    now: i64,
    runs: Option<&facts::Runs>,
) -> CheckIn<'a> {
    let answers = weighed_answers(rules, bout, given, now, runs);
    let assessment = crate::engine::evaluate(rules, &answers, crate::engine::Phase::Checkin);
    let plan_step = rules
        .run_today
        .as_ref()
        .zip(assessment.today.as_ref())
        .map(|(run_today, today)| plan::step(run_today, bout, &assessment.answers, today.decision));
    CheckIn {
        answers,
        plan_step,
        spike: runs.and_then(|r| r.spike(bout.since_last_entry(), now)),
        longest_30d_km: runs.and_then(|r| r.longest_before(now + 1)),
        assessment,
    }
}

/// The answers a check-in is weighed on: the latest assessment's, then the check-in's own
/// (`given`) in place of what it re-asks, then the facts worked out about the bout.
pub fn weighed_answers(
    rules: &RuleBase,
    bout: &Bout,
    given: &Answers,
    now: i64,
    runs: Option<&facts::Runs>,
) -> Answers {
    let questionnaire = &rules.questionnaire;
    let mut answers = bout
        .latest_assessment()
        .map_or_else(|| Answers::none(questionnaire), |e| answers_of(rules, e));
    // What the check-in re-asks is its answer alone: a sign skipped now is unknown now,
    // whatever the assessment said.
    for q in questionnaire.file_questions(true) {
        answers.set(q, given.get(q));
    }
    facts::fill(rules, bout, &mut answers, now, runs);
    answers
}

/// An entry's answers, those the rule base still knows; one it no longer accepts is
/// left out rather than making the whole bout unreadable.
pub fn answers_of(rules: &RuleBase, entry: &Entry) -> Answers {
    let questionnaire = &rules.questionnaire;
    let mut answers = Answers::none(questionnaire);
    for (key, value) in &entry.answers {
        let Some(q) = questionnaire.find(key) else {
            continue;
        };
        if let Ok(Some(v)) = crate::answers::check_answer(&questionnaire.questions[q], value) {
            answers.set(q, Some(v));
        }
    }
    answers
}
