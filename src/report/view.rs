//! The assessment with every index resolved to text: the one model all formats render.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use super::training::TrainingView;
use crate::answers::{Value, describe, to_json};
use crate::engine::explain::{self, FailureReason};
use crate::engine::{Assessment, Because};
use crate::rulebase::files::SourceKind;
use crate::rulebase::{Conclusion, QuestionIdx, RuleBase, SourceIdx, words};

/// Version of the JSON report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A report, ready to render.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportView<'a> {
    /// Shape version of this document.
    pub schema_version: u32,
    /// Program and version that made it.
    pub generated_by: &'static str,
    /// The day it was made, `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
    pub date: String,
    /// The "see a professional" verdict.
    pub escalation: EscalationView<'a>,
    /// Likely causes, most likely first.
    pub causes: Vec<CauseView<'a>>,
    /// Strategies, most useful first.
    pub strategies: Vec<StrategyView<'a>>,
    /// How many of the first strategies are the ones to start with.
    pub start_here: usize,
    /// Ids of questions that applied but were not answered.
    pub unanswered: Vec<QuestionRef<'a>>,
    /// How many of them the runner was shown and skipped, when they answered on screen.
    #[serde(skip)]
    #[schemars(skip)]
    pub skipped: Option<usize>,
    /// The whole command that prints the whole report, when known.
    #[serde(skip)]
    #[schemars(skip)]
    pub more_command: Option<String>,
    /// Ids of questions answered although they did not apply; these answers were not used.
    pub ignored: Vec<QuestionRef<'a>>,
    /// Every answer that counted, in questionnaire order.
    pub answers: Vec<AnswerView<'a>>,
    /// The clinician's summary: the answers a physiotherapist reads first (where it hurts,
    /// how long, how bad, and every warning sign), answered or not, in questionnaire order.
    pub summary: Vec<SummaryView<'a>>,
    /// Self-tests and videos not done yet: what to film or try, and what it could show.
    pub worth_checking: Vec<CheckView<'a>>,
    /// Every source the report cites.
    pub sources: Vec<SourceView<'a>>,
    /// The statement that this is not a diagnosis.
    pub disclaimer: &'a str,
    /// With `--explain`: every rule, whether it fired, and if not, why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceView<'a>>>,
    /// With `--training`: the log's last weeks, its spikes, and the answers it gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingView>,
    /// On the printed page, the bout these answers joined, since its first assessment,
    /// when it has check-ins (see [`super::render_with_bout`]).
    #[serde(skip)]
    #[schemars(skip)]
    pub since: Option<super::bout::SinceView>,
}

/// One rule's outcome, for `--explain`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TraceView<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Whether it fired.
    pub fired: bool,
    /// What it concludes when it fires, in words.
    pub then: String,
    /// Its condition, in words.
    pub when: String,
    /// For a rule that did not fire: each part of the condition that stopped it.
    pub failed: Vec<FailureView<'a>>,
}

/// A part of a condition that did not hold.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FailureView<'a> {
    /// The part, in words.
    pub condition: String,
    /// `unanswered`, `different_answer` or `held` (a `not` whose inner part held).
    pub reason: &'static str,
    /// The question it reads, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<&'a str>,
    /// The answer given, in words, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl FailureView<'_> {
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
    /// The training log the answers drew on, if any.
    pub training: Option<TrainingView>,
    /// How the short text report points to the whole one.
    pub more: More,
}

/// How the short text report points to the whole one, when the runner's own run is known.
#[derive(Debug, Clone, Default)]
pub struct More {
    /// The whole command that prints it ("runback assess --answers FILE --detail");
    /// `None` says to add `--detail`.
    pub command: Option<String>,
    /// The questions the runner was shown, when they answered on screen: only those count
    /// as left without an answer. `None` counts every question that applied.
    pub asked: Option<Vec<QuestionIdx>>,
}

/// The escalation, in words.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EscalationView<'a> {
    /// Level id: `emergency`, `urgent`, `soon` or `routine` in the shipped rule base.
    pub level: &'a str,
    /// Short title of the level.
    pub title: &'a str,
    /// How soon, in a few words ("today"), when the rule base says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_frame: Option<&'a str>,
    /// What to do.
    pub action: &'a str,
    /// What to do, as a check-in says it, when the rule base words it apart.
    #[serde(skip)]
    #[schemars(skip)]
    pub checkin_action: Option<&'a str>,
    /// Whether this is the default level (nothing raised it).
    pub is_default: bool,
    /// Whether the runner is to be seen before anything else (the level's `seen_first`).
    #[serde(skip)]
    #[schemars(skip)]
    pub seen_first: bool,
    /// How urgent, 0 being the most urgent level of the rule base.
    pub rank: usize,
    /// A caution to read before the strategies, at urgent levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_care_note: Option<&'a str>,
    /// Every reason raised, most urgent first.
    pub reasons: Vec<ReasonView<'a>>,
    /// Guidance behind the level.
    pub sources: Vec<&'a str>,
    /// Questions behind the escalation that were not answered, so the warning signs they
    /// ask about could not be ruled out.
    pub not_checked: Vec<QuestionRef<'a>>,
    /// What to do meanwhile instead of the usual self-care, from the reasons raised (such
    /// as "stop running until checked"), most urgent first.
    pub self_care_notes: Vec<&'a str>,
    /// The signs that mean "get emergency help now"; absent at the most urgent level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety_net: Option<SafetyNetView<'a>>,
}

impl EscalationView<'_> {
    /// The reasons of the level itself, which its box holds.
    pub fn own_reasons(&self) -> impl Iterator<Item = &ReasonView<'_>> {
        self.reasons.iter().filter(move |r| r.level == self.level)
    }

    /// The reasons of less urgent levels: worth mentioning when the runner is seen. The
    /// floor for unanswered warning signs is not among them: its own time frame would
    /// contradict the level's, and the "not checked" notice already names its questions.
    pub fn lesser_reasons(&self) -> impl Iterator<Item = &ReasonView<'_>> {
        self.reasons
            .iter()
            .filter(move |r| r.level != self.level && !r.from_unanswered)
    }

    /// The "not checked" notice's sentence, without its list of questions: how many
    /// questions needed to rule out warning signs were not answered, and, when a reason
    /// of the level itself rests on one, that the advice is more cautious for it.
    pub fn not_checked_sentence(&self) -> Option<String> {
        let n = self.not_checked.len();
        if n == 0 {
            return None;
        }
        let cautious = if self
            .own_reasons()
            .any(|r| r.from_unanswered || r.because.iter().any(|b| b.answer.is_null()))
        {
            ", and the advice is more cautious because of it"
        } else {
            ""
        };
        Some(format!(
            "{n} question{} needed to rule out warning signs {} not answered, so runback cannot rule those signs out{cautious}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" },
        ))
    }

    /// Whether this is the most urgent level of the rule base.
    pub fn is_most_urgent(&self) -> bool {
        self.rank == 0
    }
}

/// The signs that mean "get emergency help now".
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SafetyNetView<'a> {
    /// Heading.
    pub title: &'a str,
    /// The signs, one line each.
    pub signs: &'a [crate::rulebase::Text],
    /// What to do if one appears.
    pub action: &'a str,
    /// Whether the answers make it matter more (pain spreading into a leg, say): then it
    /// is shown right after the escalation.
    pub prominent: bool,
    /// Guidance behind it.
    pub sources: Vec<&'a str>,
}

/// One reason to see a professional.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReasonView<'a> {
    /// The level this reason asks for.
    pub level: &'a str,
    /// The reason, for the runner.
    pub text: &'a str,
    /// The rule (or cause) that raised it.
    pub raised_by: &'a str,
    /// The answers behind it (an unanswered question has a `null` answer).
    pub because: Vec<AnswerView<'a>>,
    /// Sources behind it.
    pub sources: Vec<&'a str>,
    /// Whether it is the rule base's floor for unanswered warning signs rather than a rule:
    /// its questions are the report's "not checked" notice.
    #[serde(skip)]
    pub from_unanswered: bool,
}

/// A possible contributor.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CauseView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// What it is.
    pub summary: &'a str,
    /// Combined confidence in (0, 1], rounded to two places.
    pub confidence: f64,
    /// The confidence in a word.
    pub strength: &'static str,
    /// How well the cause fits the answers, in the words a report shows ("fits well");
    /// see [`FIT_LEGEND`].
    #[serde(skip)]
    pub fit: &'static str,
    /// Whether a runner-facing report shows the strength; false for a condition only an
    /// examination can judge.
    pub rated: bool,
    /// The answers that point to it.
    pub because: Vec<AnswerView<'a>>,
    /// The answers that point away from it.
    pub against: Vec<AnswerView<'a>>,
    /// Ids of the rules that fired.
    pub rules: Vec<&'a str>,
    /// Ids of the strategies for it.
    pub strategies: Vec<&'a str>,
    /// Sources behind it.
    pub sources: Vec<&'a str>,
}

/// A strategy.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StrategyView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// A short how-to.
    pub how_to: &'a str,
    /// Ids of the reported causes it helps with.
    pub for_causes: Vec<&'a str>,
    /// Sources behind it.
    pub sources: Vec<&'a str>,
}

/// One answer, with its question.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AnswerView<'a> {
    /// Question id.
    pub question: &'a str,
    /// The question's short label.
    pub label: &'a str,
    /// The answer as in the answer file; `null` when it was not answered.
    pub answer: Json,
    /// The answer in words.
    pub answer_text: String,
    /// Whether the answer came from the runner's training log rather than from them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_log: bool,
}

/// A refining section not (fully) answered: a self-test or video worth doing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckView<'a> {
    /// The section's id.
    pub section: &'a str,
    /// The section's title.
    pub title: &'a str,
    /// What to film or try.
    pub check: &'a str,
    /// About how many minutes it takes.
    pub minutes: u32,
    /// The contributors its answers could point to, by title.
    pub could_show: Vec<&'a str>,
}

/// One line of the clinician's summary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SummaryView<'a> {
    /// The question and its answer (`null` when not answered).
    #[serde(flatten)]
    pub answer: AnswerView<'a>,
    /// Whether this answer raised the escalation or one of its reasons.
    pub raised: bool,
    /// Whether the answer is a plain "no" (an option valued `no` or `none`, or only
    /// `none` ticked): a printed summary gathers these on one line.
    #[serde(skip)]
    pub negative: bool,
}

/// A question by id and label.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QuestionRef<'a> {
    /// Question id.
    pub id: &'a str,
    /// Short label.
    pub label: &'a str,
}

/// A cited source.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SourceView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// The short name a reader knows it by ("NICE NG59"), as reports cite it; the id when
    /// the rule base gives no name.
    pub name: &'a str,
    /// What sort of document it is, in words ("systematic review", "web article").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<&'a str>,
    /// Title.
    pub title: &'a str,
    /// Who published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<&'a str>,
    /// The year it was published or last reviewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Where to find it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
}

/// A source as a report cites it.
pub fn source_view(rb: &RuleBase, s: SourceIdx) -> SourceView<'_> {
    let source = &rb.sources[s];
    SourceView {
        id: &source.id,
        name: source.name.as_deref().unwrap_or(&source.id),
        document: source.document.as_deref(),
        title: &source.title,
        publisher: source.publisher.as_deref(),
        year: source.year,
        url: source.url.as_deref(),
    }
}

/// What follows a title before the next part of a source's line: ". ", or a space alone
/// after a title that ends a sentence itself ("... When Running?").
pub fn after_title(title: &str) -> &'static str {
    if title.ends_with(['.', '?', '!']) {
        " "
    } else {
        ". "
    }
}

/// The confidence in a word a runner reads.
pub fn strength_word(confidence: f64) -> &'static str {
    crate::engine::Strength::of(confidence).word()
}

/// How well a cause of this confidence fits the answers, in the words a report shows:
/// words about fit, since "strong" beside a contributor reads as strength of evidence.
pub fn fit_words(confidence: f64) -> &'static str {
    use crate::engine::Strength;
    match Strength::of(confidence) {
        Strength::Strong => "fits closely",
        Strength::Likely => "fits well",
        Strength::Possible => "fits in part",
        Strength::Slight => "fits a little",
    }
}

/// What the fit words mean, said once beside the contributors in every format.
pub const FIT_LEGEND: &str =
    "How well each fits your answers, not how strong the research behind it is.";

/// A label as an item of a running list ("No: leg weakness; chest pain"): its first
/// letter in lower case, unless the label opens with a name or an abbreviation ("NHS").
pub fn in_a_list(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(label[first.len_utf8()..].chars())
            .collect(),
        _ => label.to_string(),
    }
}

/// Whether an answer is a plain "no": an option valued `no` or `none` (the values a
/// checklist's "none of these" gives), or of a multiple choice only such options.
fn is_negative(question: &crate::rulebase::Question, value: Value) -> bool {
    let plain_no = |o: usize| {
        question
            .options
            .get(o)
            .is_some_and(|o| matches!(o.value.as_str(), "no" | "none"))
    };
    match value {
        Value::Choice(o) => plain_no(o),
        Value::Multi(chosen) => {
            chosen != 0
                && (0..question.options.len()).all(|o| chosen & (1 << o) == 0 || plain_no(o))
        }
        Value::Number(_) => false,
    }
}

/// What a report built on few answers asks for, after [`ReportView::few_answers`].
pub const ANSWER_MORE: &str = "answer more of the questions for a useful result";

/// How a report words an unanswered question.
pub const NOT_ANSWERED: &str = "not answered";

impl<'a> ReportView<'a> {
    /// "Based on 15 of 63 answers", when fewer than a quarter of the questions that
    /// applied were answered. An emergency report does not ask for more answers.
    pub fn few_answers(&self) -> Option<String> {
        if !self.notices_first() {
            return None;
        }
        let answered = self.answers.len();
        let asked = answered + self.unanswered.len();
        (asked > 0 && answered * 4 < asked)
            .then(|| format!("Based on {answered} of {asked} answers"))
    }

    /// Whether the notices about answers (too few, warning signs not checked) come before
    /// the escalation. An emergency report opens with its action instead.
    pub fn notices_first(&self) -> bool {
        let e = &self.escalation;
        !e.is_most_urgent() || e.is_default
    }

    /// Whether the runner is told to be seen today or now: then what to try and what to
    /// check come after being seen, and in an emergency they are left out.
    pub fn once_checked(&self) -> bool {
        let e = &self.escalation;
        e.seen_first && !e.is_default
    }

    /// How a section of things to try or to check is headed in a full report: as it is,
    /// with ", once checked" when the runner is to be seen today, or `None` in an
    /// emergency, whose report leaves such sections out.
    pub fn to_do_heading(&self, heading: &str) -> Option<String> {
        let e = &self.escalation;
        match (self.once_checked(), e.is_most_urgent()) {
            (false, _) => Some(heading.to_string()),
            (true, false) => Some(format!("{heading}, once checked")),
            (true, true) => None,
        }
    }

    /// The self-care notes "What to try" repeats: those "Start here" cannot show, since an
    /// emergency report has no "Start here".
    pub fn notes_for_what_to_try(&self) -> &[&'a str] {
        if self.to_do_heading("Start here").is_some() {
            &[]
        } else {
            &self.escalation.self_care_notes
        }
    }

    /// The names of the sources with these ids, as a report cites them, joined by "; ".
    pub fn cite(&self, ids: &[&str]) -> String {
        ids.iter()
            .map(|id| {
                self.sources
                    .iter()
                    .find(|s| s.id == *id)
                    .map_or(*id, |s| s.name)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The titles of the reported causes with these ids, in that order.
    pub fn cause_titles<'v>(&'v self, ids: &'v [&'a str]) -> impl Iterator<Item = &'a str> + 'v {
        ids.iter()
            .filter_map(|id| self.causes.iter().find(|c| c.id == *id).map(|c| c.title))
    }

    /// Resolves an assessment into text.
    pub fn new(a: &'a Assessment<'a>, options: &ViewOptions) -> Self {
        let rb = a.rules;
        let from_log = |id: &str| {
            options
                .training
                .as_ref()
                .is_some_and(|t| t.answered.iter().any(|l| l.question == id))
        };
        let mut cited: Vec<SourceIdx> = Vec::new();
        let mut ids = |list: &[SourceIdx]| -> Vec<&'a str> {
            cited.extend_from_slice(list);
            list.iter().map(|&s| rb.sources[s].id.as_str()).collect()
        };
        let answers = |list: &[Because]| -> Vec<AnswerView<'a>> {
            list.iter()
                .map(|b| {
                    let question = &rb.questionnaire.questions[b.question];
                    // Of a multiple choice, show only the options that counted.
                    let value = a.answers.get(b.question).map(|v| match v {
                        Value::Multi(chosen) => Value::Multi(chosen & b.options),
                        other => other,
                    });
                    AnswerView {
                        question: &question.id,
                        label: &question.label,
                        answer: value.map_or(Json::Null, |v| to_json(question, v)),
                        answer_text: value
                            .map_or_else(|| NOT_ANSWERED.to_string(), |v| describe(question, v)),
                        from_log: from_log(&question.id),
                    }
                })
                .collect()
        };
        let level = &rb.levels[a.escalation.level];
        let reasons = a
            .escalation
            .reasons
            .iter()
            .map(|r| {
                let (text, raised_by) = (r.text(rb), r.raised_by(rb));
                ReasonView {
                    level: &rb.levels[r.level].id,
                    text,
                    raised_by,
                    because: answers(&r.because),
                    sources: ids(&r.sources),
                    from_unanswered: r.origin == crate::engine::ReasonOrigin::Unanswered,
                }
            })
            .collect();
        let mut self_care_notes: Vec<&str> = Vec::new();
        for r in &a.escalation.reasons {
            if let Some(note) = r.self_care_note(rb)
                && !self_care_notes.contains(&note)
            {
                self_care_notes.push(note);
            }
        }
        let safety_net = rb
            .safety_net
            .as_ref()
            .filter(|_| a.escalation.level != 0)
            .map(|net| SafetyNetView {
                title: &net.title,
                signs: &net.signs,
                action: &net.action,
                prominent: net.prominent_when.as_ref().is_some_and(|c| {
                    crate::engine::eval(c, &a.answers, &mut Vec::new())
                        == crate::engine::Truth::True
                }),
                sources: ids(&net.sources),
            });
        let escalation = EscalationView {
            level: &level.id,
            title: &level.title,
            time_frame: level.time_frame.as_deref(),
            action: &level.action,
            checkin_action: level.checkin_action.as_deref(),
            is_default: a.escalation.level == rb.default_level(),
            seen_first: level.seen_first,
            rank: a.escalation.level,
            self_care_note: level.self_care_note.as_deref(),
            reasons,
            sources: ids(&level.sources),
            not_checked: question_refs(rb, &a.not_checked),
            self_care_notes,
            safety_net,
        };
        let causes = a
            .causes
            .iter()
            .map(|f| {
                let cause = &rb.causes[f.cause];
                CauseView {
                    id: &cause.id,
                    title: &cause.title,
                    summary: &cause.summary,
                    confidence: (f.confidence * 100.0).round() / 100.0,
                    strength: strength_word(f.confidence),
                    fit: fit_words(f.confidence),
                    rated: !cause.unrated,
                    because: answers(&f.because),
                    against: answers(&f.against),
                    rules: f.rules.iter().map(|&r| rb.rules[r].id.as_str()).collect(),
                    strategies: cause
                        .strategies
                        .iter()
                        .map(|&s| rb.strategies[s].id.as_str())
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
                    id: &s.id,
                    title: &s.title,
                    how_to: &s.how_to,
                    for_causes: f
                        .for_causes
                        .iter()
                        .map(|&c| rb.causes[c].id.as_str())
                        .collect(),
                    sources: ids(&s.sources),
                }
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        // Guidelines first, then research, then the web articles; the rule base's order
        // within each.
        cited.sort_by_key(|&s| match rb.sources[s].kind {
            SourceKind::Guideline => 0,
            SourceKind::Study => 1,
            SourceKind::Article => 2,
        });
        let given: Vec<Because> = (0..rb.questionnaire.questions.len())
            .filter(|&q| a.answers.get(q).is_some())
            .map(Because::whole)
            .collect();
        let raised: Vec<QuestionIdx> = a
            .escalation
            .reasons
            .iter()
            .flat_map(|r| &r.because)
            .filter(|b| a.answers.get(b.question).is_some())
            .map(|b| b.question)
            .collect();
        let (_, applies) = crate::engine::applicable(rb, &a.answers);
        let summary_questions: Vec<Because> = rb
            .questionnaire
            .questions
            .iter()
            .enumerate()
            .filter(|(q, question)| question.summary && question.retired.is_none() && applies[*q])
            .map(|(q, _)| Because::whole(q))
            .collect();
        let summary = answers(&summary_questions)
            .into_iter()
            .zip(&summary_questions)
            .map(|(answer, b)| SummaryView {
                answer,
                raised: raised.contains(&b.question),
                negative: a
                    .answers
                    .get(b.question)
                    .is_some_and(|v| is_negative(&rb.questionnaire.questions[b.question], v)),
            })
            .collect();
        let worth_checking = rb
            .questionnaire
            .sections
            .iter()
            .enumerate()
            .filter_map(|(si, section)| {
                let refine = section.refine.as_ref()?;
                let open = section
                    .questions
                    .clone()
                    .any(|q| applies[q] && a.answers.get(q).is_none());
                if !open {
                    return None;
                }
                // In the rule base's order of causes, whatever order the rules are in:
                // worked out when the rule base was loaded.
                let could_show = rb.plan.could_show[si]
                    .iter()
                    .map(|&c| rb.causes[c].title.as_str())
                    .collect();
                Some(CheckView {
                    section: &section.id,
                    title: &section.title,
                    check: &refine.check,
                    minutes: refine.minutes,
                    could_show,
                })
            })
            .collect();
        ReportView {
            schema_version: SCHEMA_VERSION,
            generated_by: concat!("runback ", env!("CARGO_PKG_VERSION")),
            date: options.date.clone(),
            escalation,
            causes,
            strategies,
            start_here: a.start_here,
            unanswered: question_refs(rb, &a.unanswered),
            skipped: options
                .more
                .asked
                .as_ref()
                .map(|asked| a.unanswered.iter().filter(|q| asked.contains(q)).count()),
            more_command: options.more.command.clone(),
            ignored: question_refs(rb, &a.ignored),
            sources: cited.into_iter().map(|s| source_view(rb, s)).collect(),
            answers: answers(&given),
            summary,
            worth_checking,
            disclaimer: &rb.disclaimer,
            trace: options.explain.then(|| trace(a)),
            training: options.training.clone(),
            since: None,
        }
    }
}

/// Every rule's outcome in words.
fn trace<'a>(a: &'a Assessment<'a>) -> Vec<TraceView<'a>> {
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
                Conclusion::Decide { decision, .. } => format!(
                    "decide {}",
                    rb.run_today
                        .as_ref()
                        .map_or("", |r| r.decisions[*decision].id.as_str())
                ),
            };
            let failed = t
                .failed
                .iter()
                .map(|f| FailureView {
                    condition: f.condition.clone(),
                    reason: f.reason.key(),
                    question: f
                        .question
                        .map(|q| rb.questionnaire.questions[q].id.as_str()),
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
                rule: &rule.id,
                fired: t.fired,
                then,
                when: words::condition(&rule.when, &rb.questionnaire),
                failed,
            }
        })
        .collect()
}

fn question_refs<'a>(rb: &'a RuleBase, qs: &[QuestionIdx]) -> Vec<QuestionRef<'a>> {
    qs.iter()
        .map(|&q| QuestionRef {
            id: &rb.questionnaire.questions[q].id,
            label: &rb.questionnaire.questions[q].label,
        })
        .collect()
}
