//! The questionnaire's flow, apart from any terminal: which screen comes next (a question,
//! or a checklist of several), asking only what can still matter, going back, dropping
//! answers that no longer apply, the emergency confirmation and the review.
//!
//! The same flow asks a check-in ([`run_checkin`]): its own questions, then the warning
//! signs on one checklist, weighed with the bout it follows.
//!
//! The terminal is behind [`Prompter`], so this logic is tested with a scripted prompter.

use crate::answers::{Answers, Value};
use crate::bout::{Bout, facts::Runs};
use crate::engine::{self, relevance};
use crate::rulebase::{Checklist, Level, Question, QuestionIdx, RuleBase, Section};

/// Which questions a run asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The first part: every warning sign, and of the rest only what can still change the
    /// escalation or the top contributors; no refining sections.
    Short,
    /// The refining sections (videos and self-tests), asking only what can still matter.
    Refine,
    /// Every question that applies, in one go.
    Full,
}

/// Where the runner is, for the line above each question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 1-based number of this screen in the run.
    pub screen: usize,
    /// About how many screens the run has, given the answers so far (it changes as
    /// answers open follow-ups or make questions unnecessary).
    pub screens: usize,
}

/// What the runner did at a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reply {
    /// Gave an answer.
    Answer(Value),
    /// Chose not to answer.
    Skip,
    /// Asked to return to the previous question.
    Back,
}

/// What was ticked on a checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ticks {
    /// The items ticked, by index into the checklist's items.
    pub items: Vec<usize>,
    /// "None of these".
    pub none: bool,
    /// "Not sure".
    pub unsure: bool,
}

/// What the runner did at a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecklistReply {
    /// Ticked something.
    Answer(Ticks),
    /// Chose not to answer any of its questions.
    Skip,
    /// Asked to return to the previous screen.
    Back,
}

/// What the runner chose on the emergency confirmation screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmergencyChoice {
    /// "That's right": show what to do now.
    Confirm,
    /// "I chose that by mistake": change the answer to this question.
    Change(QuestionIdx),
    /// Stop without a report.
    Stop,
}

/// What the runner chose on the review screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    /// The answers are right: show the report.
    Done,
    /// Change the answer to this question.
    Change(QuestionIdx),
}

/// One line of the review screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// The question.
    pub question: QuestionIdx,
    /// The question's short label.
    pub label: String,
    /// The answer in words, or `None` when skipped.
    pub answer: Option<String>,
}

/// What the welcome screen says about the run ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Welcome {
    /// Whether the run continues earlier answers.
    pub resumed: bool,
}

/// Why a prompt did not return a reply.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// Ctrl-C or Esc.
    #[error("interrupted")]
    Interrupted,
    /// The terminal failed.
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
}

/// The questions, asked somewhere: a terminal, or a script in tests.
pub trait Prompter {
    /// Says what runback is and how it works, before the first question.
    fn welcome(&mut self, welcome: Welcome) -> Result<(), PromptError>;
    /// Shows a section's header as the runner enters it.
    fn section(&mut self, section: &Section) -> Result<(), PromptError>;
    /// Asks one question; `current` is the answer given before, offered as the default.
    fn ask(
        &mut self,
        question: &Question,
        section: &Section,
        current: Option<Value>,
        progress: Progress,
    ) -> Result<Reply, PromptError>;
    /// Asks several questions as one checklist; `current` is what earlier answers tick.
    fn checklist(
        &mut self,
        checklist: &Checklist,
        section: &Section,
        labels: &[String],
        current: &Ticks,
        progress: Progress,
    ) -> Result<ChecklistReply, PromptError>;
    /// Tells the runner something in passing ("this is the first question").
    fn notice(&mut self, text: &str) -> Result<(), PromptError>;
    /// An answer has reached the most urgent level: shows why, with the answers behind it,
    /// and asks the runner to confirm, change an answer, or stop. One stray key must never
    /// raise an emergency, so this is always its own screen.
    fn emergency(
        &mut self,
        level: &Level,
        reasons: &[&str],
        answers: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError>;
    /// Lists the answers and asks whether to change one; `focus` is the line to start on.
    fn review(&mut self, items: &[ReviewItem], focus: usize) -> Result<ReviewChoice, PromptError>;
}

/// How a questionnaire ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Answered and reviewed.
    Report(Answers),
    /// Cut short: the runner confirmed an answer that needs emergency help now.
    Emergency(Answers),
    /// The runner chose to stop after emergency advice.
    Stopped(Answers),
    /// Ctrl-C or Esc.
    Interrupted(Answers),
}

impl Outcome {
    /// The answers, however it ended.
    pub fn answers(&self) -> &Answers {
        match self {
            Outcome::Report(a)
            | Outcome::Emergency(a)
            | Outcome::Stopped(a)
            | Outcome::Interrupted(a) => a,
        }
    }
}

/// The items of a checklist that answers tick: a question answered with the item's option
/// (for a multiple choice, among its options), by index into the checklist's items.
pub fn ticked_items(checklist: &Checklist, answers: &Answers) -> Vec<usize> {
    checklist
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| match answers.get(item.question) {
            Some(Value::Choice(o)) => o == item.option,
            Some(Value::Multi(set)) => set & (1 << item.option) != 0,
            _ => false,
        })
        .map(|(i, _)| i)
        .collect()
}

/// Walks the questionnaire with a prompter, starting from `start` (empty, or resumed).
///
/// `on_change` sees the answers after every change, so a caller can keep them safe even
/// if the process is killed or its terminal closed.
pub fn run(
    rules: &RuleBase,
    prompter: &mut dyn Prompter,
    start: Answers,
    scope: Scope,
    on_change: &mut dyn FnMut(&Answers),
) -> Result<Outcome, std::io::Error> {
    let flow = Flow::new(rules, start, scope, None, on_change);
    flow.walk(prompter)
}

/// A check-in being asked: the bout it follows, the training log's runs, and when.
#[derive(Debug, Clone, Copy)]
pub struct CheckinOf<'b> {
    /// The bout.
    pub bout: &'b Bout,
    /// The runs of a training log, when one was given.
    pub runs: Option<&'b Runs>,
    /// Now, in seconds since 1970.
    pub now: i64,
}

/// Asks a check-in with a prompter: the check-in's own questions that apply (given the
/// bout and the training log), then the warning signs on one checklist. The screens,
/// keys and emergency confirmation are the questionnaire's; there is no welcome and no
/// review, and an answer that reaches a level at which the runner is to be seen first is
/// confirmed on its own screen. The answers are the check-in's own (`given`).
pub fn run_checkin(
    rules: &RuleBase,
    prompter: &mut dyn Prompter,
    checkin: CheckinOf<'_>,
    on_change: &mut dyn FnMut(&Answers),
) -> Result<Outcome, std::io::Error> {
    let start = Answers::none(&rules.questionnaire);
    let flow = Flow::new(rules, start, Scope::Full, Some(checkin), on_change);
    flow.walk(prompter)
}

/// About how many screens a run in `scope` has from these answers (for the welcome screen
/// and the refine offer).
pub fn screens_ahead(rules: &RuleBase, answers: &Answers, scope: Scope) -> usize {
    let mut keep = |_: &Answers| {};
    let flow = Flow::new(rules, answers.clone(), scope, None, &mut keep);
    flow.open_screens().len()
}

/// About how many screens a check-in has (for the line before its first question).
pub fn checkin_screens(rules: &RuleBase, checkin: CheckinOf<'_>) -> usize {
    let mut keep = |_: &Answers| {};
    let start = Answers::none(&rules.questionnaire);
    let flow = Flow::new(rules, start, Scope::Full, Some(checkin), &mut keep);
    flow.ahead()
}

/// Answers a screen records: each question and its value (`None` when skipped).
type Recorded = Vec<(QuestionIdx, Option<Value>)>;

/// One screen of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    /// One question.
    Question(QuestionIdx),
    /// A checklist, by index.
    Checklist(usize),
}

struct Flow<'a, 'c> {
    rules: &'a RuleBase,
    scope: Scope,
    /// At a check-in, the bout it follows; `None` in an assessment.
    checkin: Option<CheckinOf<'c>>,
    /// Told of every change to the answers.
    on_change: &'c mut dyn FnMut(&Answers),
    answers: Answers,
    /// Questions asked (answered or skipped) and not since dropped by a branch.
    visited: Vec<bool>,
    /// Questions shown on a screen in this run (or in the resumed part before it): walking
    /// forward after going back shows these again, but never an answer given beforehand
    /// (by a training log, say) that the runner has not been asked.
    seen: Vec<bool>,
    /// Screens in the order they were shown, for going back.
    history: Vec<Screen>,
    /// The last question changed at the review, where its list starts next time.
    focus: Option<QuestionIdx>,
    /// The total last shown ("of about N"): an answer that opens a follow-up never makes
    /// it jump up, it only comes down as questions stop mattering.
    shown_total: Option<usize>,
}

mod checklist;
mod corrections;
#[cfg(test)]
mod shipped;
#[cfg(test)]
mod tests;
mod walk;
