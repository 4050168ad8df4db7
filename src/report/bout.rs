//! What a check-in and a bout's history show, in every format: a check-in carries the
//! escalation of an assessment (same shape, same words) and the answer to "should I run
//! today?"; a history lists the bouts, each entry with its level, decision and pain.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use super::date;
use super::view::{AnswerView, EscalationView, NOT_ANSWERED, ReportView, ViewOptions};
use crate::answers::{describe, to_json};
use crate::bout::{Bout, CheckIn, Entry, Kind, facts::Spike};
use crate::rulebase::files::BoutFact;
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
    /// The answer to "should I run today?".
    pub run_today: RunTodayView<'a>,
    /// The pain score over the bout, oldest first, this check-in last.
    pub pain: Vec<PainPoint>,
    /// The check-in's answers, and the facts runback worked out about the bout.
    pub answers: Vec<AnswerView<'a>>,
    /// Every source the check-in cites.
    pub sources: Vec<super::view::SourceView<'a>>,
    /// The statement that this is not a diagnosis.
    pub disclaimer: &'a str,
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
    /// Today's step of the return to running.
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

/// An entry's pain score: a check-in's own, an assessment's at its start.
pub fn pain_of(rules: &RuleBase, entry: &Entry) -> Option<f64> {
    let (of, start) = score_questions(rules)?;
    let q = match entry.kind {
        Kind::Checkin => of,
        Kind::Assessment => start,
    };
    crate::bout::number(entry, rules, q)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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
        let plan_step = checkin.plan_step.map(|s| {
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
        let mut pain: Vec<PainPoint> = bout
            .entries
            .iter()
            .map(|e| PainPoint {
                date: date::ymd_of(e.time),
                kind: e.kind,
                pain: pain_of(rb, e),
            })
            .collect();
        if let Some((of, _)) = score_questions(rb) {
            pain.push(PainPoint {
                date: date::ymd_of(now),
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
        let mut cited = decision.sources.clone();
        for d in &today.decided {
            cited.extend_from_slice(&rb.rules[d.rule].sources);
        }
        if let Some(s) = checkin.plan_step {
            cited.extend_from_slice(&run_today.plan.steps[s].sources);
            cited.extend_from_slice(&run_today.plan.sources);
        }
        let mut sources = report.sources.clone();
        for s in cited {
            let view = super::view::source_view(rb, s);
            if !sources.iter().any(|v| v.id == view.id) {
                sources.push(view);
            }
        }
        CheckinView {
            schema_version: SCHEMA_VERSION,
            generated_by: report.generated_by,
            kind: "checkin",
            date: date::ymd_of(now),
            bout: BoutRef {
                id: bout.id.clone(),
                started: date::ymd_of(bout.started()),
                day: (now - bout.started()).max(0) / 86_400,
                entries: bout.entries.len(),
            },
            escalation: report.escalation.clone(),
            run_today: RunTodayView {
                decision: &decision.id,
                title: &decision.title,
                advice: &decision.advice,
                runs: decision.runs,
                reasons,
                held_by_level: today.held_by_level,
                numbers,
                sources: ids(&decision.sources),
            },
            pain,
            answers,
            sources,
            disclaimer: report.disclaimer,
        }
    }
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
    /// An assessment or a check-in.
    pub kind: Kind,
    /// The level reached.
    pub level: String,
    /// The pain score out of 10: a check-in's `pain_now`, an assessment's pain at its worst
    /// (`pain_severity`); absent when not answered.
    pub pain_now: Option<f64>,
    /// At a check-in, the answer to "should I run today?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// At a check-in, the step of the return to running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_step: Option<String>,
    /// At a check-in, what the runner said that no rule weighs (how the plan went), in
    /// words.
    pub notes: Vec<String>,
    /// The warning signs a check-in re-screens that were ticked, or "not sure", by label.
    pub signs: Vec<String>,
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
            bouts: bouts
                .iter()
                .map(|b| BoutView {
                    id: b.id.clone(),
                    started: date::ymd_of(b.started()),
                    current: b.is_current(now, weeks),
                    entries: b.entries.iter().map(|e| entry_view(rules, e)).collect(),
                })
                .collect(),
        }
    }
}

fn entry_view(rules: &RuleBase, e: &Entry) -> EntryView {
    let questionnaire = &rules.questionnaire;
    let answers = crate::bout::answers_of(rules, e);
    // What the runner said of their plan: a check-in's answers that no rule weighs.
    let notes = questionnaire
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.checkin && q.informational && e.kind == Kind::Checkin)
        .filter_map(|(i, q)| Some(format!("{}: {}", q.label, describe(q, answers.get(i)?))))
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
    EntryView {
        date: date::ymd_of(e.time),
        time: date::date_time(e.time),
        kind: e.kind,
        level: e.level.clone(),
        pain_now: pain_of(rules, e),
        decision: e.decision.clone(),
        plan_step: e.plan_step.clone(),
        notes,
        signs,
    }
}
