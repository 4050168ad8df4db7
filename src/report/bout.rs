//! What a check-in and a bout's history show, in every format: a check-in carries the
//! escalation of an assessment (same shape, same words) and the answer to "should I run
//! today?"; a history lists the bouts, each entry with its level, decision and pain.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use super::date;
use super::view::{AnswerView, EscalationView, NOT_ANSWERED, ReportView, ViewOptions};
use crate::answers::{Answers, describe, to_json};
use crate::bout::{Bout, CheckIn, Entry, Kind, facts::Spike};
use crate::rulebase::files::{BoutFact, SourceKind};
use crate::rulebase::words::number;
use crate::rulebase::{QuestionIdx, RuleBase};

/// Shape version of the check-in and history documents.
pub const SCHEMA_VERSION: u32 = 1;

/// A check-in's report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckinView<'a> {
    /// Shape version of this document.
    pub schema_version: u32,
    /// Program and version that made it.
    pub generated_by: &'static str,
    /// Always `checkin`.
    pub kind: &'static str,
    /// The day it was made, `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
    pub date: String,
    /// The bout it follows.
    pub bout: BoutRef,
    /// The "see a professional" verdict, as an assessment gives it.
    pub escalation: EscalationView<'a>,
    /// What to do, as a check-in says it: the level's action, or at the default level
    /// its title and time frame (a check-in lists no self-care for the action to point
    /// to).
    pub action: String,
    /// The level of the bout's latest entry before this check-in, when it was another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_from: Option<LevelRef>,
    /// The answer to "should I run today?".
    pub run_today: RunTodayView<'a>,
    /// The pain score over the bout, oldest first, this check-in last.
    pub pain: Vec<PainPoint>,
    /// The check-in's answers, and the facts runback worked out about the bout.
    pub answers: Vec<AnswerView<'a>>,
    /// The warning signs the check-in re-screened, each with its answer.
    pub signs: Vec<SignView<'a>>,
    /// Every source the check-in cites.
    pub sources: Vec<super::view::SourceView<'a>>,
    /// The statement that this is not a diagnosis.
    pub disclaimer: &'a str,
}

/// A warning sign a check-in re-screens, and what the runner said of it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SignView<'a> {
    /// The question it answers.
    pub question: &'a str,
    /// Its words on the checklist.
    pub label: &'a str,
    /// `yes` (ticked), `no`, `unsure` or `unanswered`.
    pub state: &'static str,
}

impl SignView<'_> {
    /// Whether the runner ticked it, was not sure, or left it out: what a report names.
    pub fn stands_out(&self) -> bool {
        self.state != "no"
    }

    /// Its label with "(not sure)" or "(not answered)" when so.
    pub fn words(&self) -> String {
        match self.state {
            "unsure" => format!("{} (not sure)", self.label),
            "unanswered" => format!("{} (not answered)", self.label),
            _ => self.label.to_string(),
        }
    }
}

impl CheckinView<'_> {
    /// The answers a report lists: the questions other than the warning signs, which
    /// [`CheckinView::signs_sentence`] sums up.
    pub fn other_answers(&self) -> impl Iterator<Item = &AnswerView<'_>> {
        self.answers
            .iter()
            .filter(|a| !self.signs.iter().any(|s| s.question == a.question))
    }

    /// The warning signs in a sentence: "None of the 15 warning signs." or those ticked,
    /// not sure or not answered; with whether any stands out.
    pub fn signs_sentence(&self) -> Option<(bool, String)> {
        if self.signs.is_empty() {
            return None;
        }
        let out: Vec<String> = self
            .signs
            .iter()
            .filter(|s| s.stands_out())
            .map(SignView::words)
            .collect();
        Some(if out.is_empty() {
            (
                false,
                format!("Warning signs: none of the {}.", self.signs.len()),
            )
        } else {
            (true, format!("Warning signs: {}.", out.join("; ")))
        })
    }
}

/// The bout a check-in follows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BoutRef {
    /// Its id in the state folder (`runback forget --bout ID`).
    pub id: String,
    /// The day of its first assessment, `YYYY-MM-DD`.
    pub started: String,
    /// Whole days since then.
    pub day: i64,
    /// How many entries it held before this check-in.
    pub entries: usize,
}

/// A level an earlier entry reached.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LevelRef {
    /// Its id, as kept.
    pub level: String,
    /// Its title in the rule base; the id when the rule base no longer has it.
    pub title: String,
    /// The day of that entry, `YYYY-MM-DD`.
    pub date: String,
    /// Whether that entry was an assessment or a check-in.
    pub kind: Kind,
    /// Whether the level now is more urgent than that one; `None` when the rule base no
    /// longer has that level.
    pub more_urgent_now: Option<bool>,
}

/// "Should I run today?"
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RunTodayView<'a> {
    /// `run`, `shorter`, `cross_train` or `rest` in the shipped rule base.
    pub decision: &'a str,
    /// The decision in a few words.
    pub title: &'a str,
    /// What to do.
    pub advice: &'a str,
    /// Whether today's decision includes a run.
    pub runs: bool,
    /// Why: every rule that decided, most cautious first; empty for the default.
    pub reasons: Vec<DecidedView<'a>>,
    /// Whether the level (one to be seen at first) held the decision at the most
    /// cautious, whatever the pain said.
    pub held_by_level: bool,
    /// The figures behind today's run.
    pub numbers: Numbers<'a>,
    /// The graded return to running, with today's step marked; absent when the runner is
    /// to be seen before running again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanView<'a>>,
    /// Guidance behind the decision.
    pub sources: Vec<&'a str>,
}

impl RunTodayView<'_> {
    /// Whether today's decision includes a run, so the plan's step is today's run.
    pub fn title_runs(&self) -> bool {
        self.runs
    }
}

/// A rule's reason for today's decision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DecidedView<'a> {
    /// The decision it reached.
    pub decision: &'a str,
    /// The reason, for the runner.
    pub text: &'a str,
    /// The rule.
    pub rule: &'a str,
    /// The answers behind it.
    pub because: Vec<AnswerView<'a>>,
    /// Sources behind it.
    pub sources: Vec<&'a str>,
}

/// The figures behind today's run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Numbers<'a> {
    /// Today's step of the return to running; absent when the runner is to be seen
    /// before running again.
    pub plan_step: Option<StepView<'a>>,
    /// The longest run of the last 30 days in the training log, in km.
    pub longest_30d_km: Option<f64>,
    /// No run longer than this, in km: the longest of the last 30 days plus the
    /// single-run limit.
    pub limit_km: Option<f64>,
    /// The limit, in per cent.
    pub limit_percent: Option<f64>,
    /// The biggest single-run spike in the training log since the last entry, when a run
    /// since then went past the limit.
    pub spike: Option<SpikeView>,
}

/// A step of the return to running.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StepView<'a> {
    /// Which step, from 1.
    pub number: usize,
    /// Of how many.
    pub of: usize,
    /// Stable id.
    pub id: &'a str,
    /// What to run.
    pub run: &'a str,
    /// Whose figures these are, where no source gives them.
    pub figures: Option<&'a str>,
    /// Guidance behind the step.
    pub sources: Vec<&'a str>,
}

/// The graded return to running.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanView<'a> {
    /// Heading.
    pub title: &'a str,
    /// When to move on to the next step, in a sentence.
    pub move_on: &'a str,
    /// Every step, in order.
    pub steps: Vec<PlanStepView<'a>>,
    /// Guidance behind the criteria.
    pub sources: Vec<&'a str>,
}

/// One step of the plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanStepView<'a> {
    /// Which step, from 1.
    pub number: usize,
    /// Stable id.
    pub id: &'a str,
    /// What to run.
    pub run: &'a str,
    /// Whether it is today's step (or the next run's, on a day without one).
    pub current: bool,
}

/// A run that went past the single-run limit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SpikeView {
    /// Its day, `YYYY-MM-DD`.
    pub date: String,
    /// Its distance, in km.
    pub km: f64,
    /// The longest run of the 30 days before it, in km.
    pub longest_before_km: f64,
    /// How much longer, in per cent.
    pub percent: f64,
}

/// The pain score on one day.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PainPoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Whole days since the bout's first entry.
    pub day: i64,
    /// An assessment or a check-in.
    pub kind: Kind,
    /// The score out of 10; absent when not answered.
    pub pain: Option<f64>,
}

/// The questions a bout's pain is scored by: the check-in's and the assessment's
/// (`from_bout` of a `change` fact), when the rule base has them.
pub fn score_questions(rules: &RuleBase) -> Option<(QuestionIdx, QuestionIdx)> {
    rules.questionnaire.questions.iter().find_map(|q| {
        let f = q.from_bout.as_ref()?;
        (f.fact == BoutFact::Change).then_some((f.of?, f.start?))
    })
}

/// An entry's pain score: a check-in's own, an assessment's at its start; a value the
/// question would not accept (a bout file edited by hand) counts as not answered.
pub fn pain_of(rules: &RuleBase, entry: &Entry) -> Option<f64> {
    let (of, start) = score_questions(rules)?;
    let q = match entry.kind {
        Kind::Checkin => of,
        Kind::Assessment => start,
    };
    let question = &rules.questionnaire.questions[q];
    match crate::answers::check_answer(question, entry.answers.get(question.id.as_str())?) {
        Ok(Some(crate::answers::Value::Number(n))) => Some(n),
        _ => None,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Whole days from `start` to `time`, never negative, whatever a bout file holds.
pub fn days_between(start: i64, time: i64) -> i64 {
    time.saturating_sub(start).max(0) / 86_400
}

/// How many entries a check-in lists by day: the first, and the latest after it.
pub const LISTED: usize = 9;

/// The entries a check-in lists by day, each with its place: the first and the latest
/// (a long bout's chart, and `runback history`, have them all); and how many are left out
/// between them.
pub fn listed(pain: &[PainPoint]) -> (Vec<(usize, &PainPoint)>, usize) {
    let hidden = pain.len().saturating_sub(LISTED);
    let list = pain
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || *i > hidden)
        .collect();
    (list, hidden)
}

/// "(34 more entries in runback history)".
pub fn left_out(hidden: usize) -> String {
    format!(
        "({hidden} more entr{} in runback history)",
        if hidden == 1 { "y" } else { "ies" }
    )
}

/// What to do, as a check-in says it: the level's `checkin_action` when the rule base
/// gives one; otherwise the level's action, except at the default level,
/// whose action points to self-care "below" that a check-in does not list; there, its
/// title and time frame.
pub fn checkin_action(e: &EscalationView) -> String {
    if let Some(own) = e.checkin_action {
        return own.to_string();
    }
    if !e.is_default {
        return e.action.to_string();
    }
    match e.time_frame {
        Some(frame) => format!("{}.", capitalized(frame.trim_end_matches('.'))),
        None => format!("{}.", e.title.trim_end_matches('.')),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The pain from the first scored entry to the last, in a sentence: "3 out of 10 today,
/// 2 points lower than at the first assessment (5 on 6 Dec 2025)". `latest` names the
/// last point ("today", "at the latest check-in").
pub fn trend(points: &[PainPoint], latest: &str) -> Option<String> {
    let first = points.iter().find(|p| p.pain.is_some())?;
    let last = points.last().filter(|p| !std::ptr::eq(*p, first))?;
    let (from, to) = (first.pain?, last.pain?);
    let points_word = |n: f64| {
        let n = number(n.abs());
        if n == "1" {
            "1 point".to_string()
        } else {
            format!("{n} points")
        }
    };
    let change = match to - from {
        d if d.abs() < 0.05 => "the same as".to_string(),
        d if d < 0.0 => format!("{} lower than", points_word(d)),
        d => format!("{} higher than", points_word(d)),
    };
    let at = match first.kind {
        Kind::Assessment => "at the first assessment",
        Kind::Checkin => "at the first check-in",
    };
    Some(format!(
        "{} out of 10 {latest}, {change} {at} ({} on {})",
        number(to),
        number(from),
        date::readable_day(&first.date)
    ))
}

impl<'a> CheckinView<'a> {
    /// The view of a check-in at `now`, following `bout` (as it was before this check-in).
    pub fn new(
        checkin: &'a CheckIn<'a>,
        report: &ReportView<'a>,
        bout: &Bout,
        now: i64,
        given: &[QuestionIdx],
    ) -> Self {
        let a = &checkin.assessment;
        let rb = a.rules;
        let run_today = rb
            .run_today
            .as_ref()
            .expect("a check-in needs a rule base with run_today");
        let today = a.today.as_ref().expect("a check-in decides");
        let decision = &run_today.decisions[today.decision];
        // A runner to be seen first is given no step to run, here or in any format.
        let seen_first = report.once_checked();
        let ids = |list: &[usize]| -> Vec<&'a str> {
            list.iter().map(|&s| rb.sources[s].id.as_str()).collect()
        };
        let answer_view = |q: QuestionIdx| {
            let question = &rb.questionnaire.questions[q];
            let value = checkin.answers.get(q);
            AnswerView {
                question: &question.id,
                label: &question.label,
                answer: value.map_or(Json::Null, |v| to_json(question, v)),
                answer_text: value
                    .map_or_else(|| NOT_ANSWERED.to_string(), |v| describe(question, v)),
                from_log: false,
            }
        };
        let reasons = today
            .decided
            .iter()
            .map(|d| DecidedView {
                decision: &run_today.decisions[d.decision].id,
                text: d.reason(rb),
                rule: &rb.rules[d.rule].id,
                because: d.because.iter().map(|b| answer_view(b.question)).collect(),
                sources: ids(&rb.rules[d.rule].sources),
            })
            .collect();
        let step_now = checkin.plan_step.filter(|_| !seen_first);
        let plan_step = step_now.map(|s| {
            let step = &run_today.plan.steps[s];
            StepView {
                number: s + 1,
                of: run_today.plan.steps.len(),
                id: &step.id,
                run: &step.run,
                figures: step.figures.as_deref(),
                sources: ids(&step.sources),
            }
        });
        let plan = step_now.map(|current| PlanView {
            title: &run_today.plan.title,
            move_on: &run_today.plan.move_on,
            steps: run_today
                .plan
                .steps
                .iter()
                .enumerate()
                .map(|(i, step)| PlanStepView {
                    number: i + 1,
                    id: &step.id,
                    run: &step.run,
                    current: i == current,
                })
                .collect(),
            sources: ids(&run_today.plan.sources),
        });
        let limit = run_today.spike_limit;
        let spike = checkin
            .spike
            .filter(|s| s.percent > limit)
            .map(|s: Spike| SpikeView {
                date: date::ymd_of(s.time),
                km: round1(s.km),
                longest_before_km: round1(s.longest_before_km),
                percent: s.percent.round(),
            });
        let numbers = Numbers {
            plan_step,
            longest_30d_km: checkin.longest_30d_km.map(round1),
            limit_km: checkin
                .longest_30d_km
                .map(|km| round1(km * (1.0 + limit / 100.0))),
            limit_percent: checkin.longest_30d_km.map(|_| limit),
            spike,
        };
        let started = bout.started();
        let mut pain: Vec<PainPoint> = bout
            .entries
            .iter()
            .map(|e| PainPoint {
                date: date::ymd_of(e.time),
                day: days_between(started, e.time),
                kind: e.kind,
                pain: pain_of(rb, e),
            })
            .collect();
        if let Some((of, _)) = score_questions(rb) {
            pain.push(PainPoint {
                date: date::ymd_of(now),
                day: days_between(started, now),
                kind: Kind::Checkin,
                pain: match checkin.answers.get(of) {
                    Some(crate::answers::Value::Number(n)) => Some(n),
                    _ => None,
                },
            });
        }
        let mut shown: Vec<QuestionIdx> = given.to_vec();
        shown.extend(
            rb.questionnaire
                .questions
                .iter()
                .enumerate()
                .filter(|(q, question)| {
                    question.from_bout.is_some() && checkin.answers.get(*q).is_some()
                })
                .map(|(q, _)| q),
        );
        let answers = shown.into_iter().map(answer_view).collect();
        let questionnaire = &rb.questionnaire;
        let signs = questionnaire
            .checkin
            .iter()
            .flat_map(|c| &c.signs.items)
            .map(|item| {
                let question = &questionnaire.questions[item.question];
                let state = match checkin.answers.get(item.question) {
                    None => "unanswered",
                    Some(crate::answers::Value::Choice(o)) if o == item.option => "yes",
                    Some(crate::answers::Value::Multi(set)) if set & (1 << item.option) != 0 => {
                        "yes"
                    }
                    Some(crate::answers::Value::Choice(o))
                        if question.options.get(o).is_some_and(|o| o.value == "unsure") =>
                    {
                        "unsure"
                    }
                    Some(_) => "no",
                };
                SignView {
                    question: &question.id,
                    label: item.label(questionnaire),
                    state,
                }
            })
            .collect();
        // What a check-in shows cites: the level, its own reasons and the safety net,
        // then (for a runner not sent to be seen first) today's decision, its reasons and
        // the plan; not the contributors, strategies and milder reasons of the assessment
        // it carries over, which it does not show.
        let e = &report.escalation;
        let by_id = |id: &&str| rb.sources.iter().position(|s| s.id == *id);
        let mut cited: Vec<usize> = e
            .sources
            .iter()
            .chain(e.own_reasons().flat_map(|r| &r.sources))
            .chain(e.safety_net.iter().flat_map(|n| &n.sources))
            .filter_map(by_id)
            .collect();
        if !seen_first {
            cited.extend_from_slice(&decision.sources);
            for d in today
                .decided
                .iter()
                .filter(|d| d.decision == today.decision)
            {
                cited.extend_from_slice(&rb.rules[d.rule].sources);
            }
        }
        if let Some(s) = step_now {
            cited.extend_from_slice(&run_today.plan.steps[s].sources);
            cited.extend_from_slice(&run_today.plan.sources);
            if decision.runs && numbers.limit_km.is_some() {
                cited.extend_from_slice(&run_today.spike_sources);
            }
        }
        cited.sort_unstable();
        cited.dedup();
        // Guidelines first, then research, then the web articles, as an assessment lists
        // them.
        cited.sort_by_key(|&s| match rb.sources[s].kind {
            SourceKind::Guideline => 0,
            SourceKind::Study => 1,
            SourceKind::Article => 2,
        });
        let sources = cited
            .into_iter()
            .map(|s| super::view::source_view(rb, s))
            .collect();
        let changed_from = bout
            .entries
            .last()
            .filter(|e| e.level != report.escalation.level)
            .map(|e| {
                let before = level_rank(rb, &e.level);
                LevelRef {
                    level: e.level.clone(),
                    title: level_title(rb, &e.level),
                    date: date::ymd_of(e.time),
                    kind: e.kind,
                    more_urgent_now: before.map(|b| report.escalation.rank < b),
                }
            });
        CheckinView {
            schema_version: SCHEMA_VERSION,
            generated_by: report.generated_by,
            kind: "checkin",
            date: date::ymd_of(now),
            bout: BoutRef {
                id: bout.id.clone(),
                started: date::ymd_of(started),
                day: days_between(started, now),
                entries: bout.entries.len(),
            },
            escalation: report.escalation.clone(),
            action: checkin_action(&report.escalation),
            changed_from,
            run_today: RunTodayView {
                decision: &decision.id,
                title: &decision.title,
                // A runner to be seen first reads the rule base's words for that, not the
                // decision's (rest "until the pain has settled" would be wrong there).
                advice: match (seen_first, &run_today.seen_first_advice) {
                    (true, Some(held)) => held,
                    _ => &decision.advice,
                },
                runs: decision.runs,
                reasons,
                held_by_level: today.held_by_level,
                numbers,
                plan,
                sources: ids(&decision.sources),
            },
            pain,
            answers,
            signs,
            sources,
            disclaimer: report.disclaimer,
        }
    }
}

/// The report a check-in is rendered with: the assessment's view, citing the check-in's
/// sources.
pub fn cited<'a>(view: &ReportView<'a>, checkin: &CheckinView<'a>) -> ReportView<'a> {
    ReportView {
        sources: checkin.sources.clone(),
        ..view.clone()
    }
}

/// A kept level's title, or the id as kept when the rule base no longer has it.
fn level_title(rules: &RuleBase, level: &str) -> String {
    rules
        .levels
        .iter()
        .find(|l| l.id == level)
        .map_or_else(|| level.to_string(), |l| l.title.to_string())
}

/// How urgent a kept level is, 0 the most urgent; `None` for a level the rule base does
/// not have.
pub fn level_rank(rules: &RuleBase, level: &str) -> Option<usize> {
    rules.levels.iter().position(|l| l.id == level)
}

/// The options a check-in's report view is made with.
pub fn view_options(now: i64) -> ViewOptions {
    ViewOptions {
        date: date::ymd_of(now),
        ..ViewOptions::default()
    }
}

/// Every bout kept, for `runback history`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HistoryView {
    /// Shape version of this document.
    pub schema_version: u32,
    /// Program and version that made it.
    pub generated_by: &'static str,
    /// How many steps the rule base's return to running has (0 when it has none).
    pub plan_steps: usize,
    /// The rule base's levels by id, most urgent first: an entry's `rank` indexes it.
    pub levels: Vec<String>,
    /// The labels of the check-in's questions that no rule weighs, which an entry's
    /// `notes` answer ("How the plan went").
    pub note_labels: Vec<String>,
    /// The bouts, oldest first.
    pub bouts: Vec<BoutView>,
}

/// One bout in the history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BoutView {
    /// Its id (`runback forget --bout ID`).
    pub id: String,
    /// The day of its first assessment.
    pub started: String,
    /// Whether a check-in may still follow it.
    pub current: bool,
    /// Its entries in date order.
    pub entries: Vec<EntryView>,
}

/// One entry of a bout.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EntryView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD HH:MM:SS UTC`.
    pub time: String,
    /// Whole days since the bout's first entry.
    pub day: i64,
    /// An assessment or a check-in.
    pub kind: Kind,
    /// The level reached, by id.
    pub level: String,
    /// The level's title; the id when the rule base no longer has it.
    pub level_title: String,
    /// How urgent the level is, 0 the most urgent; absent for a level the rule base no
    /// longer has.
    pub rank: Option<usize>,
    /// The level of the entry before, when it was another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_from: Option<String>,
    /// The pain score out of 10: a check-in's `pain_now`, an assessment's pain at its worst
    /// (`pain_severity`); absent when not answered.
    pub pain_now: Option<f64>,
    /// At a check-in, the answer to "should I run today?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// At a check-in, that answer in a few words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_title: Option<String>,
    /// At a check-in, the step of the return to running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_step: Option<String>,
    /// That step's number, from 1, on a day whose decision includes a run (and when the
    /// rule base still has the step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_step_number: Option<usize>,
    /// At a check-in, what the runner said that no rule weighs (how the plan went), in
    /// words.
    pub notes: Vec<String>,
    /// The warning signs a check-in re-screens that were ticked, or "not sure", by label.
    pub signs: Vec<String>,
}

impl EntryView {
    /// The answer this entry's notes give to the question labelled `label`, if any.
    pub fn note(&self, label: &str) -> Option<&str> {
        self.notes
            .iter()
            .find_map(|n| n.strip_prefix(label)?.strip_prefix(": "))
    }

    /// "Check-in" or "Assessment".
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            Kind::Assessment => "Assessment",
            Kind::Checkin => "Check-in",
        }
    }

    /// The level in a few words: "soon", or "routine → soon" when it changed.
    pub fn level_words(&self, arrow: &str) -> String {
        match &self.changed_from {
            Some(before) => format!("{before} {arrow} {}", self.level),
            None => self.level.clone(),
        }
    }

    /// "step 3 of 5", when the entry has a known step.
    pub fn step_words(&self, of: usize) -> Option<String> {
        self.plan_step_number.map(|n| format!("step {n} of {of}"))
    }

    /// The entry as the cells of a history table, in plain text: each renderer escapes
    /// them and marks a changed level its own way.
    pub fn table_row<'a>(&'a self, history: &'a HistoryView) -> TableRow<'a> {
        let mut today = self
            .decision_title
            .as_deref()
            .map(|d| d.trim_end_matches('.').to_string())
            .unwrap_or_default();
        if let Some(step) = self.step_words(history.plan_steps) {
            today.push_str(&format!(", {step}"));
        }
        TableRow {
            date: date::readable_day(&self.date),
            day: self.day,
            kind: self.kind_word(),
            pain: self
                .pain_now
                .map_or_else(String::new, crate::rulebase::words::number),
            level: self.level_words("→"),
            changed: self.changed_from.is_some(),
            today,
            notes: history
                .note_labels
                .iter()
                .map(|label| self.note(label).unwrap_or(""))
                .collect(),
            signs: &self.signs,
        }
    }
}

/// One row of a history table ([`EntryView::table_row`]), in plain text.
pub struct TableRow<'a> {
    /// The entry's day in words.
    pub date: String,
    /// Days since the bout began.
    pub day: i64,
    /// "Assessment" or "Check-in".
    pub kind: &'static str,
    /// The pain score, or nothing.
    pub pain: String,
    /// The level, "routine → soon" when it changed.
    pub level: String,
    /// Whether the level changed at this entry.
    pub changed: bool,
    /// The answer to "should I run today?" with the step of the return, or nothing.
    pub today: String,
    /// The answer to each of the history's note labels, in order ("" when none).
    pub notes: Vec<&'a str>,
    /// The warning signs ticked or "not sure".
    pub signs: &'a [String],
}

impl BoutView {
    /// The pain of each entry, for a chart.
    pub fn pain(&self) -> Vec<PainPoint> {
        self.entries
            .iter()
            .map(|e| PainPoint {
                date: e.date.clone(),
                day: e.day,
                kind: e.kind,
                pain: e.pain_now,
            })
            .collect()
    }
}

impl HistoryView {
    /// The history of these bouts at `now`.
    pub fn new(rules: &RuleBase, bouts: &[Bout], now: i64) -> Self {
        let weeks = rules
            .questionnaire
            .checkin
            .as_ref()
            .map_or(12, |c| c.bout_weeks);
        HistoryView {
            schema_version: SCHEMA_VERSION,
            generated_by: concat!("runback ", env!("CARGO_PKG_VERSION")),
            plan_steps: rules.run_today.as_ref().map_or(0, |r| r.plan.steps.len()),
            levels: rules.levels.iter().map(|l| l.id.to_string()).collect(),
            note_labels: note_questions(rules)
                .map(|(_, label)| label.to_string())
                .collect(),
            bouts: bouts
                .iter()
                .map(|b| bout_view(rules, b, b.is_current(now, weeks)))
                .collect(),
        }
    }
}

/// A bout as the history shows it.
pub fn bout_view(rules: &RuleBase, bout: &Bout, current: bool) -> BoutView {
    let started = bout.started();
    let mut before: Option<&str> = None;
    let entries = bout
        .entries
        .iter()
        .map(|e| {
            let mut view = entry_view(rules, e, started);
            view.changed_from = before.filter(|level| *level != e.level).map(str::to_string);
            before = Some(&e.level);
            view
        })
        .collect();
    BoutView {
        id: bout.id.clone(),
        started: date::ymd_of(started),
        current,
        entries,
    }
}

/// The questions a check-in asks that no rule weighs (how the plan went), by label.
pub fn note_questions(rules: &RuleBase) -> impl Iterator<Item = (QuestionIdx, &str)> {
    rules
        .questionnaire
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.checkin && q.informational)
        .map(|(i, q)| (i, q.label.as_str()))
}

/// What the runner said at a check-in that no rule weighs: each such question's label
/// and the answer in words.
fn notes_of<'r>(rules: &'r RuleBase, e: &Entry, answers: &Answers) -> Vec<(&'r str, String)> {
    if e.kind != Kind::Checkin {
        return Vec::new();
    }
    note_questions(rules)
        .filter_map(|(i, label)| {
            let answer = answers.get(i)?;
            Some((label, describe(&rules.questionnaire.questions[i], answer)))
        })
        .collect()
}

fn entry_view(rules: &RuleBase, e: &Entry, started: i64) -> EntryView {
    let questionnaire = &rules.questionnaire;
    let answers = crate::bout::answers_of(rules, e);
    let notes = notes_of(rules, e, &answers)
        .into_iter()
        .map(|(label, answer)| format!("{label}: {answer}"))
        .collect();
    let signs = questionnaire
        .checkin
        .as_ref()
        .map(|c| {
            c.signs
                .items
                .iter()
                .filter_map(|item| {
                    let question = &questionnaire.questions[item.question];
                    let label = item.label(questionnaire);
                    match answers.get(item.question)? {
                        crate::answers::Value::Choice(o) if o == item.option => {
                            Some(label.to_string())
                        }
                        crate::answers::Value::Choice(o)
                            if question.options.get(o).is_some_and(|o| o.value == "unsure") =>
                        {
                            Some(format!("{label} (not sure)"))
                        }
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let run_today = rules.run_today.as_ref();
    let decision_title = e.decision.as_ref().map(|d| {
        run_today
            .and_then(|r| r.decisions.iter().find(|x| &x.id == d))
            .map_or_else(|| d.clone(), |x| x.title.to_string())
    });
    // A step is the day's run only on a day with a run.
    let runs = e.decision.as_ref().is_some_and(|d| {
        run_today.is_some_and(|r| r.decisions.iter().any(|x| &x.id == d && x.runs))
    });
    let plan_step_number = e.plan_step.as_ref().filter(|_| runs).and_then(|id| {
        run_today
            .and_then(|r| r.plan.steps.iter().position(|s| &s.id == id))
            .map(|i| i + 1)
    });
    EntryView {
        date: date::ymd_of(e.time),
        time: date::date_time(e.time),
        day: days_between(started, e.time),
        kind: e.kind,
        level: e.level.clone(),
        level_title: level_title(rules, &e.level),
        rank: level_rank(rules, &e.level),
        changed_from: None,
        pain_now: pain_of(rules, e),
        decision: e.decision.clone(),
        decision_title,
        plan_step: e.plan_step.clone(),
        plan_step_number,
        notes,
        signs,
    }
}

/// A bout since its first assessment, for the printed page of an assessment that joins
/// it: what a physiotherapist reads in a minute.
#[derive(Debug, Clone)]
pub struct SinceView {
    /// The day of the first assessment, `YYYY-MM-DD`.
    pub started: String,
    /// Whole days from it to the latest entry.
    pub days: i64,
    /// How many check-ins.
    pub checkins: usize,
    /// The pain of every entry.
    pub pain: Vec<PainPoint>,
    /// The pain's trend in a sentence, when there are two scores.
    pub trend: Option<String>,
    /// Each change of level: "routine → soon on 20 Dec 2025".
    pub level_changes: Vec<String>,
    /// The answers to "should I run today?", each with how often it was given.
    pub decisions: Vec<(String, usize)>,
    /// What the runner said that no rule weighs: each question's label ("How the plan
    /// went"), with each answer and how often it was given.
    pub notes: Vec<(String, Vec<(String, usize)>)>,
    /// The latest step of the return to running run, with its day: "step 4 of 5 (20 Dec
    /// 2025)".
    pub step: Option<String>,
    /// Each warning sign a check-in found, with its day: "12 Dec 2025: ... (not sure)".
    pub signs: Vec<String>,
}

impl SinceView {
    /// The bout's story for a page, when it has a check-in.
    pub fn new(rules: &RuleBase, bout: &Bout) -> Option<SinceView> {
        bout.checkins().next()?;
        let view = bout_view(rules, bout, true);
        let count = |list: &mut Vec<(String, usize)>, item: &str| match list
            .iter_mut()
            .find(|(x, _)| x == item)
        {
            Some((_, n)) => *n += 1,
            None => list.push((item.to_string(), 1)),
        };
        let mut decisions = Vec::new();
        let mut notes: Vec<(String, Vec<(String, usize)>)> = note_questions(rules)
            .map(|(_, label)| (label.to_string(), Vec::new()))
            .collect();
        let mut signs = Vec::new();
        let mut level_changes = Vec::new();
        for e in &view.entries {
            if let Some(before) = &e.changed_from {
                level_changes.push(format!(
                    "{before} → {} on {} ({})",
                    e.level,
                    date::readable_day(&e.date),
                    e.kind_word().to_lowercase()
                ));
            }
            if e.kind != Kind::Checkin {
                continue;
            }
            if let Some(d) = &e.decision_title {
                count(&mut decisions, d);
            }
            for (label, answers) in &mut notes {
                if let Some(answer) = e.note(label) {
                    count(answers, answer);
                }
            }
            for s in &e.signs {
                signs.push(format!("{}: {s}", date::readable_day(&e.date)));
            }
        }
        let of = rules.run_today.as_ref().map_or(0, |r| r.plan.steps.len());
        notes.retain(|(_, answers)| !answers.is_empty());
        let step = view.entries.iter().rev().find_map(|e| {
            Some(format!(
                "{} ({})",
                e.step_words(of)?,
                date::readable_day(&e.date)
            ))
        });
        let pain = view.pain();
        let latest = match pain.last().map(|p| p.kind) {
            Some(Kind::Assessment) => "at this assessment",
            _ => "at the latest check-in",
        };
        Some(SinceView {
            started: view.started.clone(),
            days: view.entries.last().map_or(0, |e| e.day),
            checkins: bout.checkins().count(),
            trend: trend(&pain, latest),
            pain,
            level_changes,
            decisions,
            notes,
            step,
            signs,
        })
    }
}
