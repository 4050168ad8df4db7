//! The assessment with every index resolved to text: the one model all formats render.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use crate::answers::{Value, describe, to_json};
use crate::engine::explain::{self, FailureReason};
use crate::engine::{Assessment, Because, ReasonOrigin};
use crate::rulebase::{Conclusion, QuestionIdx, RuleBase, SourceIdx, words};

/// Version of the JSON report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A report, ready to render.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportView {
    /// Shape version of this document.
    pub schema_version: u32,
    /// Program and version that made it.
    pub generated_by: String,
    /// The day it was made, `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
    pub date: String,
    /// The "see a professional" verdict.
    pub escalation: EscalationView,
    /// Likely causes, most likely first.
    pub causes: Vec<CauseView>,
    /// Strategies, most useful first.
    pub strategies: Vec<StrategyView>,
    /// Ids of questions that applied but were not answered.
    pub unanswered: Vec<QuestionRef>,
    /// Ids of questions answered although they did not apply; these answers were not used.
    pub ignored: Vec<QuestionRef>,
    /// Every answer that counted, in questionnaire order.
    pub answers: Vec<AnswerView>,
    /// Every source the report cites.
    pub sources: Vec<SourceView>,
    /// The statement that this is not a diagnosis.
    pub disclaimer: String,
    /// With `--explain`: every rule, whether it fired, and if not, why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceView>>,
}

/// One rule's outcome, for `--explain`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TraceView {
    /// Rule id.
    pub rule: String,
    /// Whether it fired.
    pub fired: bool,
    /// What it concludes when it fires, in words.
    pub then: String,
    /// Its condition, in words.
    pub when: String,
    /// For a rule that did not fire: each part of the condition that stopped it.
    pub failed: Vec<FailureView>,
}

/// A part of a condition that did not hold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FailureView {
    /// The part, in words.
    pub condition: String,
    /// `unanswered`, `different_answer` or `held` (a `not` whose inner part held).
    pub reason: &'static str,
    /// The question it reads, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The answer given, in words, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl FailureView {
    /// The part and why it did not hold, in words: `form_lean is yes: the answer was "No"`.
    pub fn describe(&self) -> String {
        let why = match (self.reason, &self.answer) {
            ("unanswered", _) => "not answered".to_string(),
            ("held", _) => "it held".to_string(),
            (_, Some(answer)) => format!("the answer was \"{answer}\""),
            (_, None) => "it did not hold".to_string(),
        };
        format!("{}: {why}", self.condition)
    }
}

/// What a report needs beyond the assessment.
#[derive(Debug, Clone, Default)]
pub struct ViewOptions {
    /// The day to print, `YYYY-MM-DD`.
    pub date: String,
    /// Whether to trace every rule.
    pub explain: bool,
}

/// The escalation, in words.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EscalationView {
    /// Level id: `emergency`, `urgent`, `soon` or `routine` in the shipped rule base.
    pub level: String,
    /// Short title of the level.
    pub title: String,
    /// What to do.
    pub action: String,
    /// Whether this is the default level (nothing raised it).
    pub is_default: bool,
    /// How urgent, 0 being the most urgent level of the rule base.
    pub rank: usize,
    /// A caution to read before the strategies, at urgent levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_care_note: Option<String>,
    /// Every reason raised, most urgent first.
    pub reasons: Vec<ReasonView>,
    /// Guidance behind the level.
    pub sources: Vec<String>,
}

/// One reason to see a professional.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReasonView {
    /// The level this reason asks for.
    pub level: String,
    /// The reason, for the runner.
    pub text: String,
    /// The rule (or cause) that raised it.
    pub raised_by: String,
    /// The answers behind it.
    pub because: Vec<AnswerView>,
    /// Sources behind it.
    pub sources: Vec<String>,
}

/// A likely cause.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CauseView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it is.
    pub summary: String,
    /// Combined confidence in (0, 1], rounded to two places.
    pub confidence: f64,
    /// The confidence in a word.
    pub strength: &'static str,
    /// The answers that point to it.
    pub because: Vec<AnswerView>,
    /// The answers that point away from it.
    pub against: Vec<AnswerView>,
    /// Ids of the rules that fired.
    pub rules: Vec<String>,
    /// Ids of the strategies for it.
    pub strategies: Vec<String>,
    /// Sources behind it.
    pub sources: Vec<String>,
}

/// A strategy.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StrategyView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// A short how-to.
    pub how_to: String,
    /// Ids of the reported causes it helps with.
    pub for_causes: Vec<String>,
    /// Sources behind it.
    pub sources: Vec<String>,
}

/// One answer, with its question.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AnswerView {
    /// Question id.
    pub question: String,
    /// The question's short label.
    pub label: String,
    /// The answer as in the answer file.
    pub answer: Json,
    /// The answer in words.
    pub answer_text: String,
}

/// A question by id and label.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QuestionRef {
    /// Question id.
    pub id: String,
    /// Short label.
    pub label: String,
}

/// A cited source.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SourceView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Where to find it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The confidence in a word a runner reads.
pub fn strength_word(confidence: f64) -> &'static str {
    match confidence {
        c if c >= 0.8 => "strong",
        c if c >= 0.6 => "likely",
        c if c >= 0.35 => "possible",
        _ => "slight",
    }
}

impl ReportView {
    /// The titles of the reported causes with these ids, in that order.
    pub fn cause_titles<'a>(&'a self, ids: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        ids.iter().filter_map(|id| {
            self.causes
                .iter()
                .find(|c| &c.id == id)
                .map(|c| c.title.as_str())
        })
    }

    /// Resolves an assessment into text.
    pub fn new(a: &Assessment, options: &ViewOptions) -> Self {
        let rb = a.rules;
        let mut cited: Vec<SourceIdx> = Vec::new();
        let mut ids = |list: &[SourceIdx]| -> Vec<String> {
            cited.extend_from_slice(list);
            list.iter().map(|&s| rb.sources[s].id.clone()).collect()
        };
        let answers = |list: &[Because]| -> Vec<AnswerView> {
            list.iter()
                .filter_map(|b| {
                    let question = &rb.questionnaire.questions[b.question];
                    // Of a multiple choice, show only the options that counted.
                    let value = match a.answers.get(b.question)? {
                        Value::Multi(chosen) => Value::Multi(chosen & b.options),
                        other => other,
                    };
                    Some(AnswerView {
                        question: question.id.clone(),
                        label: question.label.clone(),
                        answer: to_json(question, value),
                        answer_text: describe(question, value),
                    })
                })
                .collect()
        };
        let level = &rb.levels[a.escalation.level];
        let reasons = a
            .escalation
            .reasons
            .iter()
            .map(|r| {
                let (text, raised_by) = match r.origin {
                    ReasonOrigin::Rule(i) => match &rb.rules[i].then {
                        crate::rulebase::Conclusion::Escalate(e) => {
                            (e.reason.clone(), rb.rules[i].id.clone())
                        }
                        crate::rulebase::Conclusion::Evidence { .. } => {
                            unreachable!("evidence rules raise no reasons")
                        }
                    },
                    ReasonOrigin::Cause(c) => {
                        let cause = &rb.causes[c];
                        let reason = cause
                            .escalate
                            .as_ref()
                            .map(|e| e.reason.clone())
                            .unwrap_or_default();
                        (reason, cause.id.clone())
                    }
                };
                ReasonView {
                    level: rb.levels[r.level].id.clone(),
                    text,
                    raised_by,
                    because: answers(&r.because),
                    sources: ids(&r.sources),
                }
            })
            .collect();
        let escalation = EscalationView {
            level: level.id.clone(),
            title: level.title.clone(),
            action: level.action.clone(),
            is_default: a.escalation.level == rb.default_level(),
            rank: a.escalation.level,
            self_care_note: level.self_care_note.clone(),
            reasons,
            sources: ids(&level.sources),
        };
        let causes = a
            .causes
            .iter()
            .map(|f| {
                let cause = &rb.causes[f.cause];
                CauseView {
                    id: cause.id.clone(),
                    title: cause.title.clone(),
                    summary: cause.summary.clone(),
                    confidence: (f.confidence * 100.0).round() / 100.0,
                    strength: strength_word(f.confidence),
                    because: answers(&f.because),
                    against: answers(&f.against),
                    rules: f.rules.iter().map(|&r| rb.rules[r].id.clone()).collect(),
                    strategies: cause
                        .strategies
                        .iter()
                        .map(|&s| rb.strategies[s].id.clone())
                        .collect(),
                    sources: ids(&f.sources),
                }
            })
            .collect();
        let strategies = a
            .strategies
            .iter()
            .map(|f| {
                let s = &rb.strategies[f.strategy];
                StrategyView {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    how_to: s.how_to.clone(),
                    for_causes: f
                        .for_causes
                        .iter()
                        .map(|&c| rb.causes[c].id.clone())
                        .collect(),
                    sources: ids(&s.sources),
                }
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        let given: Vec<Because> = (0..rb.questionnaire.questions.len())
            .filter(|&q| a.answers.get(q).is_some())
            .map(Because::whole)
            .collect();
        ReportView {
            schema_version: SCHEMA_VERSION,
            generated_by: format!("runback {}", env!("CARGO_PKG_VERSION")),
            date: options.date.clone(),
            escalation,
            causes,
            strategies,
            unanswered: question_refs(rb, &a.unanswered),
            ignored: question_refs(rb, &a.ignored),
            sources: cited
                .into_iter()
                .map(|s| SourceView {
                    id: rb.sources[s].id.clone(),
                    title: rb.sources[s].title.clone(),
                    url: rb.sources[s].url.clone(),
                })
                .collect(),
            answers: answers(&given),
            disclaimer: rb.disclaimer.clone(),
            trace: options.explain.then(|| trace(a)),
        }
    }
}

/// Every rule's outcome in words.
fn trace(a: &Assessment) -> Vec<TraceView> {
    let rb = a.rules;
    explain::trace(rb, &a.answers)
        .into_iter()
        .map(|t| {
            let rule = &rb.rules[t.rule];
            let then = match &rule.then {
                Conclusion::Evidence { cause, strength } if *strength > 0.0 => {
                    format!("evidence for {} ({strength})", rb.causes[*cause].id)
                }
                Conclusion::Evidence { cause, strength } => {
                    format!("evidence against {} ({strength})", rb.causes[*cause].id)
                }
                Conclusion::Escalate(e) => format!("escalate to {}", rb.levels[e.level].id),
            };
            let failed = t
                .failed
                .iter()
                .map(|f| FailureView {
                    condition: f.condition.clone(),
                    reason: f.reason.key(),
                    question: f.question.map(|q| rb.questionnaire.questions[q].id.clone()),
                    answer: f
                        .question
                        .filter(|_| f.reason == FailureReason::Different)
                        .and_then(|q| {
                            a.answers
                                .get(q)
                                .map(|v| describe(&rb.questionnaire.questions[q], v))
                        }),
                })
                .collect();
            TraceView {
                rule: rule.id.clone(),
                fired: t.fired,
                then,
                when: words::condition(&rule.when, &rb.questionnaire),
                failed,
            }
        })
        .collect()
}

fn question_refs(rb: &RuleBase, qs: &[QuestionIdx]) -> Vec<QuestionRef> {
    qs.iter()
        .map(|&q| QuestionRef {
            id: rb.questionnaire.questions[q].id.clone(),
            label: rb.questionnaire.questions[q].label.clone(),
        })
        .collect()
}
