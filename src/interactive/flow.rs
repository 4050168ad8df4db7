//! The questionnaire's flow, apart from any terminal: which screen comes next (a question,
//! or a checklist of several), asking only what can still matter, going back, dropping
//! answers that no longer apply, the emergency confirmation and the review.
//!
//! The terminal is behind [`Prompter`], so this logic is tested with a scripted prompter.

use crate::answers::{Answers, Value};
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
    let mut flow = Flow::new(rules, start, scope, on_change);
    match flow.drive(prompter) {
        Ok(outcome) => Ok(outcome),
        Err(PromptError::Interrupted) => Ok(Outcome::Interrupted(flow.answers)),
        Err(PromptError::Io(e)) => Err(e),
    }
}

/// About how many screens a run in `scope` has from these answers (for the welcome screen
/// and the refine offer).
pub fn screens_ahead(rules: &RuleBase, answers: &Answers, scope: Scope) -> usize {
    let mut keep = |_: &Answers| {};
    let flow = Flow::new(rules, answers.clone(), scope, &mut keep);
    flow.open_screens().len()
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

impl<'a, 'c> Flow<'a, 'c> {
    fn new(
        rules: &'a RuleBase,
        start: Answers,
        scope: Scope,
        on_change: &'c mut dyn FnMut(&Answers),
    ) -> Self {
        let (answers, _) = engine::applicable(rules, &start);
        let n = rules.questionnaire.questions.len();
        let visited: Vec<bool> = (0..n).map(|q| answers.get(q).is_some()).collect();
        let mut flow = Flow {
            rules,
            scope,
            on_change,
            answers,
            visited,
            seen: vec![false; n],
            history: Vec::new(),
            focus: None,
            shown_total: None,
        };
        // After a resume, "back" walks through the screens already answered.
        flow.history = flow
            .all_screens()
            .into_iter()
            .take_while(|s| flow.is_done(*s))
            .filter(|s| flow.in_scope(*s))
            .collect();
        for screen in flow.history.clone() {
            for q in flow.questions_of(screen) {
                flow.seen[q] = true;
            }
        }
        flow
    }

    /// The questions the terminal may ask given the answers: those that apply and are not
    /// retired.
    fn askable(&self) -> Vec<bool> {
        let (_, applies) = engine::applicable(self.rules, &self.answers);
        applies
            .into_iter()
            .zip(&self.rules.questionnaire.questions)
            .map(|(applies, q)| applies && q.retired.is_none())
            .collect()
    }

    /// Every screen of the questionnaire, in order: a checklist at its first question.
    fn all_screens(&self) -> Vec<Screen> {
        let questionnaire = &self.rules.questionnaire;
        let mut out = Vec::new();
        for q in 0..questionnaire.questions.len() {
            match questionnaire
                .checklists
                .iter()
                .position(|c| c.items.iter().any(|i| i.question == q))
            {
                Some(c) if questionnaire.checklists[c].items[0].question == q => {
                    out.push(Screen::Checklist(c))
                }
                Some(_) => {}
                None => out.push(Screen::Question(q)),
            }
        }
        out
    }

    fn questions_of(&self, screen: Screen) -> Vec<QuestionIdx> {
        match screen {
            Screen::Question(q) => vec![q],
            Screen::Checklist(c) => self.rules.questionnaire.checklists[c].questions(),
        }
    }

    fn first_question(&self, screen: Screen) -> QuestionIdx {
        self.questions_of(screen)[0]
    }

    fn in_scope(&self, screen: Screen) -> bool {
        let refines = self
            .rules
            .questionnaire
            .refines(self.first_question(screen));
        match self.scope {
            Scope::Short => !refines,
            Scope::Refine => refines,
            Scope::Full => true,
        }
    }

    fn is_done(&self, screen: Screen) -> bool {
        self.questions_of(screen).iter().all(|&q| self.visited[q])
    }

    /// The screens still to ask, in order: in scope, applying, not yet asked, and (except
    /// in a full run) able to change something, or on the clinician summary (a
    /// physiotherapist reads those whatever the advice).
    fn open_screens(&self) -> Vec<Screen> {
        let askable = self.askable();
        let pending: Vec<bool> = (0..askable.len())
            .map(|q| askable[q] && !self.visited[q])
            .collect();
        self.all_screens()
            .into_iter()
            .filter(|&s| {
                let qs = self.questions_of(s);
                self.in_scope(s)
                    && qs.iter().any(|&q| pending[q])
                    && (self.scope == Scope::Full
                        || matches!(s, Screen::Checklist(_))
                        || self.rules.questionnaire.questions[qs[0]].summary
                        || relevance::matters(self.rules, &self.answers, &pending, qs[0]))
            })
            .collect()
    }

    fn position(&self, screen: Screen) -> usize {
        self.all_screens()
            .iter()
            .position(|s| *s == screen)
            .unwrap_or(0)
    }

    /// The first open screen.
    fn first_open(&self) -> Option<Screen> {
        self.open_screens().first().copied()
    }

    /// The screen after `screen`: the next one that is open or was answered before (so
    /// going back and then on again walks through the earlier answers).
    fn next_after(&self, screen: Screen) -> Option<Screen> {
        let from = self.position(screen) + 1;
        let open = self.open_screens();
        let askable = self.askable();
        self.all_screens().into_iter().skip(from).find(|&s| {
            open.contains(&s)
                || (self.in_scope(s)
                    && self.is_done(s)
                    && self
                        .questions_of(s)
                        .iter()
                        .any(|&q| askable[q] && self.seen[q]))
        })
    }

    fn progress(&mut self) -> Progress {
        let done = self.history.len();
        let screen = done + 1;
        // On a screen reached by going back, the answered screens after it still count.
        let answered = self
            .all_screens()
            .into_iter()
            .filter(|&s| {
                self.in_scope(s)
                    && self.is_done(s)
                    && self.questions_of(s).iter().any(|&q| self.seen[q])
            })
            .count();
        let estimate = done.max(answered) + self.open_screens().len().max(1);
        Progress {
            screen,
            screens: self.steady_total(screen, estimate),
        }
    }

    /// The total to show at `screen`: the estimate, but never more than the total shown
    /// before, nor less than the screen itself.
    fn steady_total(&mut self, screen: usize, estimate: usize) -> usize {
        let total = self
            .shown_total
            .map_or(estimate, |shown| estimate.min(shown))
            .max(screen);
        self.shown_total = Some(total);
        total
    }

    /// Records answers and drops answers a changed branch no longer asks for.
    fn record(&mut self, values: &[(QuestionIdx, Option<Value>)]) {
        for &(q, value) in values {
            self.answers.set(q, value);
            self.visited[q] = true;
            self.seen[q] = true;
        }
        let (effective, applies) = engine::applicable(self.rules, &self.answers);
        self.answers = effective;
        for (i, applies) in applies.into_iter().enumerate() {
            if !applies {
                self.visited[i] = false;
            }
        }
        (self.on_change)(&self.answers);
    }

    /// What the earlier answers tick on a checklist.
    fn ticks(&self, checklist: &Checklist) -> Ticks {
        let questions = &self.rules.questionnaire.questions;
        let mut ticks = Ticks::default();
        let answered: Vec<QuestionIdx> = checklist
            .questions()
            .into_iter()
            .filter(|&q| self.answers.get(q).is_some())
            .collect();
        for (i, item) in checklist.items.iter().enumerate() {
            let ticked = match self.answers.get(item.question) {
                Some(Value::Choice(o)) => o == item.option,
                Some(Value::Multi(set)) => set & (1 << item.option) != 0,
                _ => false,
            };
            if ticked {
                ticks.items.push(i);
            }
        }
        let is = |q: QuestionIdx, value: &str| {
            let question = &questions[q];
            match (self.answers.get(q), question.option(value)) {
                (Some(Value::Choice(o)), Some(v)) => o == v,
                (Some(Value::Multi(set)), Some(v)) => set == 1 << v,
                _ => false,
            }
        };
        ticks.unsure = answered.iter().any(|&q| is(q, "unsure"));
        ticks.none = !answered.is_empty()
            && answered.len() == checklist.questions().len()
            && answered.iter().all(|&q| is(q, "no") || is(q, "none"));
        ticks
    }

    /// The answers a checklist's ticks stand for: ticked items yes (or added to their
    /// multiple choice); with "None of these", every question no (or none); with "Not
    /// sure", every question without a tick unsure; otherwise unticked ones no (or none).
    fn checklist_answers(
        &self,
        checklist: &Checklist,
        ticks: &Ticks,
    ) -> Vec<(QuestionIdx, Option<Value>)> {
        let questions = &self.rules.questionnaire.questions;
        checklist
            .questions()
            .into_iter()
            .map(|q| {
                let question = &questions[q];
                let ticked: Vec<usize> = checklist
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(i, item)| item.question == q && ticks.items.contains(i))
                    .map(|(_, item)| item.option)
                    .collect();
                let option = |v: &str| question.option(v).expect("checked at load");
                let multi = matches!(question.kind, crate::rulebase::AnswerKind::Multi);
                let value = match (ticked.is_empty(), ticks.unsure && !ticks.none, multi) {
                    (false, _, true) => Value::Multi(ticked.iter().fold(0, |set, o| set | 1 << o)),
                    (false, _, false) => Value::Choice(ticked[0]),
                    (true, true, true) => Value::Multi(1 << option("unsure")),
                    (true, true, false) => Value::Choice(option("unsure")),
                    (true, false, true) => Value::Multi(1 << option("none")),
                    (true, false, false) => Value::Choice(option("no")),
                };
                (q, Some(value))
            })
            .collect()
    }

    /// Whenever the answers reach the most urgent level, asks the runner to confirm it on
    /// its own screen; an answer changed there is recorded and checked again.
    fn check_emergency(
        &mut self,
        prompter: &mut dyn Prompter,
    ) -> Result<Option<Outcome>, PromptError> {
        loop {
            let assessment = engine::assess(self.rules, &self.answers);
            if assessment.escalation.level != 0 || self.rules.levels.len() < 2 {
                return Ok(None);
            }
            let urgent: Vec<&engine::Reason> = assessment
                .escalation
                .reasons
                .iter()
                .filter(|r| r.level == 0)
                .collect();
            let reasons: Vec<&str> = urgent.iter().map(|r| r.text(self.rules)).collect();
            let mut behind: Vec<QuestionIdx> = urgent
                .iter()
                .flat_map(|r| &r.because)
                .map(|b| b.question)
                .collect();
            behind.sort_unstable();
            behind.dedup();
            let items: Vec<ReviewItem> = behind.iter().map(|&q| self.review_item(q)).collect();
            match prompter.emergency(&self.rules.levels[0], &reasons, &items)? {
                EmergencyChoice::Confirm => {
                    return Ok(Some(Outcome::Emergency(self.answers.clone())));
                }
                EmergencyChoice::Stop => return Ok(Some(Outcome::Stopped(self.answers.clone()))),
                // Nothing is chosen when the question comes back, so a stray Enter cannot
                // repeat the mistake.
                EmergencyChoice::Change(q) => self.change(prompter, q, false)?,
            }
        }
    }

    /// The screen a question is asked on: its checklist's, or its own.
    fn screen_of(&self, q: QuestionIdx) -> Screen {
        let questionnaire = &self.rules.questionnaire;
        match questionnaire.checklist_of(q) {
            Some(found) => Screen::Checklist(
                questionnaire
                    .checklists
                    .iter()
                    .position(|c| c.id == found.id)
                    .expect("a question's checklist is one of the questionnaire's"),
            ),
            None => Screen::Question(q),
        }
    }

    /// Asks the screen of one question again (from the review or the emergency screen) and
    /// records it: a checklist whole, so every sign on it is seen and answered again.
    /// `show_current` starts it on the answers given; otherwise (a mistake on the
    /// emergency screen) the question's own answer is not chosen.
    fn change(
        &mut self,
        prompter: &mut dyn Prompter,
        q: QuestionIdx,
        show_current: bool,
    ) -> Result<(), PromptError> {
        let screen = self.screen_of(q);
        // Its own place among the screens shown, not one past the last of them.
        let progress = match self.history.iter().position(|s| *s == screen) {
            Some(i) => {
                let estimate = self.history.len() + self.open_screens().len();
                Progress {
                    screen: i + 1,
                    screens: self.steady_total(i + 1, estimate),
                }
            }
            None => self.progress(),
        };
        let mistaken = (!show_current).then_some(q);
        if let Some(values) = self.ask_screen(prompter, screen, progress, show_current, mistaken)? {
            self.record(&values);
        }
        self.focus = Some(q);
        Ok(())
    }

    /// Asks one screen; `None` when the runner went back. `show_current` starts it on the
    /// answers given before; `mistaken` is a question whose answer was a mistake, shown
    /// unanswered while a checklist keeps its other ticks.
    fn ask_screen(
        &mut self,
        prompter: &mut dyn Prompter,
        screen: Screen,
        progress: Progress,
        show_current: bool,
        mistaken: Option<QuestionIdx>,
    ) -> Result<Option<Recorded>, PromptError> {
        let questionnaire = &self.rules.questionnaire;
        Ok(match screen {
            Screen::Question(q) => {
                let question = &questionnaire.questions[q];
                let section = &questionnaire.sections[question.section];
                let current = self.answers.get(q).filter(|_| show_current);
                match prompter.ask(question, section, current, progress)? {
                    Reply::Answer(v) => Some(vec![(q, Some(v))]),
                    Reply::Skip => Some(vec![(q, None)]),
                    Reply::Back => None,
                }
            }
            Screen::Checklist(c) => {
                let checklist = &questionnaire.checklists[c];
                let labels: Vec<String> = checklist
                    .items
                    .iter()
                    .map(|i| {
                        let question = &questionnaire.questions[i.question];
                        match question.kind {
                            crate::rulebase::AnswerKind::Multi => {
                                question.options[i.option].label.clone()
                            }
                            _ => question.label.clone(),
                        }
                    })
                    .collect();
                // A checklist belongs to the section of its first question.
                let section = checklist
                    .items
                    .first()
                    .map_or(0, |i| questionnaire.questions[i.question].section);
                let section = &questionnaire.sections[section];
                // From the emergency screen, the sign chosen by mistake comes back unticked
                // and the rest as they were, so a stray Enter cannot repeat the mistake and
                // no other sign is lost.
                let mut current = self.ticks(checklist);
                if let (false, Some(wrong)) = (show_current, mistaken) {
                    current
                        .items
                        .retain(|&i| checklist.items[i].question != wrong);
                    current.none = false;
                }
                match prompter.checklist(checklist, section, &labels, &current, progress)? {
                    ChecklistReply::Answer(ticks) => {
                        Some(self.checklist_answers(checklist, &ticks))
                    }
                    ChecklistReply::Skip => Some(
                        checklist
                            .questions()
                            .into_iter()
                            .map(|q| (q, None))
                            .collect(),
                    ),
                    ChecklistReply::Back => None,
                }
            }
        })
    }

    fn drive(&mut self, prompter: &mut dyn Prompter) -> Result<Outcome, PromptError> {
        if self.scope != Scope::Refine {
            prompter.welcome(Welcome {
                resumed: !self.answers.is_empty(),
            })?;
        }
        if let Some(outcome) = self.check_emergency(prompter)? {
            return Ok(outcome);
        }
        let mut cursor = self.first_open();
        let mut reviewing = false;
        let mut shown_section = None;
        loop {
            let Some(screen) = cursor else {
                reviewing = true;
                if let Some(outcome) = self.review(prompter)? {
                    return Ok(outcome);
                }
                // A changed answer may open follow-up questions: ask those first.
                cursor = self.first_open();
                continue;
            };
            let section = self.rules.questionnaire.questions[self.first_question(screen)].section;
            if shown_section != Some(section) {
                prompter.section(&self.rules.questionnaire.sections[section])?;
                shown_section = Some(section);
            }
            let progress = self.progress();
            let Some(values) = self.ask_screen(prompter, screen, progress, true, None)? else {
                match self.history.pop() {
                    Some(previous) => cursor = Some(previous),
                    None => prompter
                        .notice("This is the first question; there is nothing to go back to.")?,
                }
                continue;
            };
            self.record(&values);
            // The history stays in questionnaire order: answering a screen forgets any
            // later ones it held, which the walk forward shows again.
            let at = self.position(screen);
            let earlier: Vec<Screen> = self
                .history
                .iter()
                .copied()
                .filter(|&s| self.position(s) < at)
                .collect();
            self.history = earlier;
            self.history.push(screen);
            if let Some(outcome) = self.check_emergency(prompter)? {
                return Ok(outcome);
            }
            cursor = if reviewing {
                self.first_open()
            } else {
                self.next_after(screen)
            };
        }
    }

    /// The review screen; `Some` when the runner is done (or an emergency arose), `None`
    /// after a change.
    fn review(&mut self, prompter: &mut dyn Prompter) -> Result<Option<Outcome>, PromptError> {
        let items = self.review_items();
        let focus = self
            .focus
            .and_then(|q| items.iter().position(|i| i.question == q))
            .map_or(0, |i| i + 1);
        match prompter.review(&items, focus)? {
            ReviewChoice::Done => Ok(Some(Outcome::Report(self.answers.clone()))),
            ReviewChoice::Change(q) => {
                self.change(prompter, q, true)?;
                Ok(self.check_emergency(prompter)?)
            }
        }
    }

    fn review_item(&self, q: QuestionIdx) -> ReviewItem {
        ReviewItem {
            question: q,
            label: self.rules.questionnaire.questions[q].label.clone(),
            answer: self
                .answers
                .get(q)
                .map(|v| crate::answers::describe(&self.rules.questionnaire.questions[q], v)),
        }
    }

    /// Every question asked or answered so far that still applies.
    fn review_items(&self) -> Vec<ReviewItem> {
        let askable = self.askable();
        (0..askable.len())
            .filter(|&q| askable[q] && (self.visited[q] || self.answers.get(q).is_some()))
            .map(|q| self.review_item(q))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::rulebase::{embedded, load_dir};

    /// One scripted step: what the runner does at the next prompt.
    #[derive(Debug, Clone)]
    enum Step {
        /// At question `id`, reply.
        Ask(&'static str, Reply),
        Emergency(EmergencyChoice),
        Review(ReviewChoice),
        /// At checklist `id`, reply.
        Checklist(&'static str, ChecklistReply),
        /// Ctrl-C at the next prompt of any kind.
        CtrlC,
    }

    /// A prompter that follows a script and records what it was shown.
    struct Script<'a> {
        rules: &'a RuleBase,
        steps: VecDeque<Step>,
        asked: Vec<(String, Option<Value>, Progress)>,
        sections: Vec<String>,
        reviews: Vec<Vec<ReviewItem>>,
        /// Checklists shown, with what was ticked on them at first.
        checklists: Vec<(String, Ticks)>,
        emergencies: Vec<Vec<ReviewItem>>,
        notices: Vec<String>,
    }

    impl<'a> Script<'a> {
        fn new(rules: &'a RuleBase, steps: Vec<Step>) -> Self {
            Script {
                rules,
                steps: steps.into(),
                asked: Vec::new(),
                sections: Vec::new(),
                reviews: Vec::new(),
                checklists: Vec::new(),
                emergencies: Vec::new(),
                notices: Vec::new(),
            }
        }

        fn next(&mut self, what: &str) -> Result<Step, PromptError> {
            match self.steps.pop_front() {
                Some(Step::CtrlC) => Err(PromptError::Interrupted),
                Some(step) => Ok(step),
                None => panic!("the script ran out at {what}"),
            }
        }

        fn asked_ids(&self) -> Vec<&str> {
            self.asked.iter().map(|(id, _, _)| id.as_str()).collect()
        }
    }

    impl Prompter for Script<'_> {
        fn welcome(&mut self, _: Welcome) -> Result<(), PromptError> {
            Ok(())
        }

        fn section(&mut self, section: &Section) -> Result<(), PromptError> {
            self.sections.push(section.id.clone());
            Ok(())
        }

        fn checklist(
            &mut self,
            checklist: &Checklist,
            _: &Section,
            _: &[String],
            current: &Ticks,
            _: Progress,
        ) -> Result<ChecklistReply, PromptError> {
            self.checklists
                .push((checklist.id.clone(), current.clone()));
            match self.next(&checklist.id)? {
                Step::Checklist(id, reply) => {
                    assert_eq!(id, checklist.id, "the flow showed another checklist");
                    Ok(reply)
                }
                other => panic!(
                    "checklist {} shown but the script says {other:?}",
                    checklist.id
                ),
            }
        }

        fn notice(&mut self, text: &str) -> Result<(), PromptError> {
            self.notices.push(text.to_string());
            Ok(())
        }

        fn ask(
            &mut self,
            question: &Question,
            _: &Section,
            current: Option<Value>,
            progress: Progress,
        ) -> Result<Reply, PromptError> {
            self.asked.push((question.id.clone(), current, progress));
            match self.next(&question.id)? {
                Step::Ask(id, reply) => {
                    assert_eq!(
                        id, question.id,
                        "the flow asked a different question than the script expects"
                    );
                    Ok(reply)
                }
                other => panic!("asked {} but the script says {other:?}", question.id),
            }
        }

        fn emergency(
            &mut self,
            level: &Level,
            reasons: &[&str],
            answers: &[ReviewItem],
        ) -> Result<EmergencyChoice, PromptError> {
            assert_eq!(level.id, self.rules.levels[0].id);
            assert!(!reasons.is_empty(), "the emergency advice says why");
            assert!(
                !answers.is_empty(),
                "the confirmation names the answers behind it"
            );
            self.emergencies.push(answers.to_vec());
            match self.next("emergency")? {
                Step::Emergency(choice) => Ok(choice),
                other => panic!("emergency shown but the script says {other:?}"),
            }
        }

        fn review(&mut self, items: &[ReviewItem], _: usize) -> Result<ReviewChoice, PromptError> {
            self.reviews.push(items.to_vec());
            match self.next("review")? {
                Step::Review(choice) => Ok(choice),
                other => panic!("review shown but the script says {other:?}"),
            }
        }
    }

    fn minimal() -> RuleBase {
        load_dir(std::path::Path::new("tests/fixtures/rules/minimal")).unwrap()
    }

    const NO: Reply = Reply::Answer(Value::Choice(1));
    const YES: Reply = Reply::Answer(Value::Choice(0));
    const NEW: Reply = Reply::Answer(Value::Choice(0));
    const OLD: Reply = Reply::Answer(Value::Choice(1));

    /// Runs a script from no answers, keeping nothing on the side.
    fn run_fresh(rules: &RuleBase, script: &mut Script) -> Outcome {
        run(
            rules,
            script,
            Answers::none(&rules.questionnaire),
            Scope::Full,
            &mut |_| {},
        )
        .unwrap()
    }

    fn runs(n: f64) -> Reply {
        Reply::Answer(Value::Number(n))
    }

    fn answer_of(rules: &RuleBase, outcome: &Outcome, id: &str) -> Option<Value> {
        let (Outcome::Report(a)
        | Outcome::Emergency(a)
        | Outcome::Stopped(a)
        | Outcome::Interrupted(a)) = outcome;
        a.get(rules.questionnaire.find(id).unwrap())
    }

    #[test]
    fn a_full_run_asks_every_question_in_order_then_reviews() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(4.0)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", YES),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert!(matches!(outcome, Outcome::Report(_)));
        assert_eq!(
            answer_of(&rules, &outcome, "runs"),
            Some(Value::Number(4.0))
        );
        assert_eq!(
            answer_of(&rules, &outcome, "shoe_pain"),
            Some(Value::Choice(0))
        );
        assert_eq!(script.sections, ["only"], "a section header is shown once");
        assert_eq!(
            script.reviews[0].len(),
            4,
            "the review lists every question that applied"
        );
    }

    #[test]
    fn a_follow_up_is_skipped_when_its_condition_does_not_hold_and_progress_adjusts() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", Reply::Skip),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert_eq!(script.asked_ids(), ["alarm", "runs", "shoes"]);
        assert_eq!(
            answer_of(&rules, &outcome, "runs"),
            None,
            "a skipped question stays unanswered"
        );
        // Three questions apply until shoes are old; then the follow-up adds a fourth.
        assert_eq!(
            script.asked[0].2,
            Progress {
                screen: 1,
                screens: 3
            }
        );

        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(1.0)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", NO),
                Step::Review(ReviewChoice::Done),
            ],
        );
        run_fresh(&rules, &mut script);
        assert_eq!(script.asked[3].2.screen, 4);
        assert_eq!(script.asked[3].2.screens, 4);
    }

    #[test]
    fn going_back_offers_the_previous_answer_and_a_changed_branch_drops_later_answers() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(3.0)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", YES),
                // At the review, nothing left: go back through the review instead.
                Step::Review(ReviewChoice::Change(
                    rules.questionnaire.find("runs").unwrap(),
                )),
                Step::Ask("runs", runs(5.0)),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert_eq!(
            answer_of(&rules, &outcome, "runs"),
            Some(Value::Number(5.0))
        );
        // Changed from the review, the question keeps its place: second of four.
        assert_eq!(
            script.asked[4].2,
            Progress {
                screen: 2,
                screens: 4
            }
        );

        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(3.0)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", YES),
                Step::Review(ReviewChoice::Change(
                    rules.questionnaire.find("shoes").unwrap(),
                )),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert_eq!(
            answer_of(&rules, &outcome, "shoe_pain"),
            None,
            "the follow-up no longer applies"
        );
        assert_eq!(script.reviews[1].len(), 3);
    }

    #[test]
    fn back_returns_to_the_previous_question_with_its_answer_as_default() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(3.0)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", Reply::Back),
                Step::Ask("shoes", Reply::Back),
                Step::Ask("runs", runs(6.0)),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        let shown: Vec<(&str, Option<Value>)> = script
            .asked
            .iter()
            .map(|(id, v, _)| (id.as_str(), *v))
            .collect();
        assert_eq!(
            shown[4],
            ("shoes", Some(Value::Choice(1))),
            "going back shows the earlier answer"
        );
        assert_eq!(shown[5], ("runs", Some(Value::Number(3.0))));
        assert_eq!(
            answer_of(&rules, &outcome, "runs"),
            Some(Value::Number(6.0))
        );
        assert_eq!(answer_of(&rules, &outcome, "shoe_pain"), None);
    }

    #[test]
    fn every_change_is_reported_so_the_answers_can_be_kept_safe() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(2.0)),
                Step::Ask("shoes", OLD),
                Step::CtrlC,
            ],
        );
        let mut seen = Vec::new();
        let mut keep = |a: &Answers| seen.push(a.clone());
        run(
            &rules,
            &mut script,
            Answers::none(&rules.questionnaire),
            Scope::Full,
            &mut keep,
        )
        .unwrap();
        assert_eq!(seen.len(), 3, "one report per answer");
        let shoes = rules.questionnaire.find("shoes").unwrap();
        assert_eq!(
            seen[2].get(shoes),
            Some(Value::Choice(1)),
            "the last report has every answer so far"
        );
        assert_eq!(seen[0].get(shoes), None);
    }

    #[test]
    fn back_at_the_first_question_stays_there() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", Reply::Back),
                Step::Ask("alarm", NO),
                Step::CtrlC,
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert!(matches!(outcome, Outcome::Interrupted(_)));
        assert_eq!(script.asked_ids(), ["alarm", "alarm", "runs"]);
    }

    #[test]
    fn editing_at_the_review_asks_follow_ups_the_change_opens() {
        let rules = minimal();
        let shoes = rules.questionnaire.find("shoes").unwrap();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(2.0)),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Change(shoes)),
                Step::Ask("shoes", OLD),
                Step::Ask("shoe_pain", YES),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert_eq!(
            answer_of(&rules, &outcome, "shoe_pain"),
            Some(Value::Choice(0))
        );
        assert_eq!(script.reviews.len(), 2);
    }

    #[test]
    fn an_emergency_answer_is_confirmed_on_its_own_screen_before_anything_else() {
        let rules = minimal();
        let alarm = rules.questionnaire.find("alarm").unwrap();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", YES),
                Step::Emergency(EmergencyChoice::Stop),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert!(matches!(outcome, Outcome::Stopped(_)));
        assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(0)));
        assert_eq!(
            script.emergencies[0][0].question, alarm,
            "the confirmation names the answer behind it"
        );

        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", YES),
                Step::Emergency(EmergencyChoice::Confirm),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert!(
            matches!(outcome, Outcome::Emergency(_)),
            "confirming goes straight to what to do now"
        );
    }

    #[test]
    fn i_chose_that_by_mistake_asks_the_question_again_and_the_run_goes_on() {
        let rules = minimal();
        let alarm = rules.questionnaire.find("alarm").unwrap();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", YES),
                Step::Emergency(EmergencyChoice::Change(alarm)),
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(2.0)),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        assert!(matches!(outcome, Outcome::Report(_)));
        assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(1)));
        assert_eq!(
            script.asked[1].1, None,
            "the question comes back with nothing chosen, so a stray Enter cannot repeat the mistake"
        );
        // In its own place, with the screens still to come counted.
        assert_eq!(script.asked[1].2, script.asked[0].2);

        // Choosing the same answer again brings the confirmation back.
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", YES),
                Step::Emergency(EmergencyChoice::Change(alarm)),
                Step::Ask("alarm", YES),
                Step::Emergency(EmergencyChoice::Confirm),
            ],
        );
        assert!(matches!(
            run_fresh(&rules, &mut script),
            Outcome::Emergency(_)
        ));
        assert_eq!(script.emergencies.len(), 2);
    }

    #[test]
    fn a_sign_ticked_by_mistake_brings_back_its_whole_checklist_with_nothing_ticked() {
        let rules = embedded::shipped().unwrap();
        let saddle = rules.questionnaire.find("rf_saddle_numbness").unwrap();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Checklist(
                    "emergency_signs",
                    ChecklistReply::Answer(Ticks {
                        items: vec![0],
                        ..Ticks::default()
                    }),
                ),
                Step::Emergency(EmergencyChoice::Change(saddle)),
                Step::Checklist(
                    "emergency_signs",
                    ChecklistReply::Answer(Ticks {
                        none: true,
                        ..Ticks::default()
                    }),
                ),
                Step::CtrlC,
            ],
        );
        let outcome = run(
            &rules,
            &mut script,
            Answers::none(&rules.questionnaire),
            Scope::Short,
            &mut |_| {},
        )
        .unwrap();
        assert!(matches!(outcome, Outcome::Interrupted(_)), "{outcome:?}");
        assert_eq!(
            script.checklists,
            [
                ("emergency_signs".to_string(), Ticks::default()),
                ("emergency_signs".to_string(), Ticks::default()),
            ],
            "the whole checklist comes back, with nothing ticked"
        );

        // Two signs ticked, one by mistake: the other stays ticked, the mistaken one not.
        let mut script = Script::new(
            &rules,
            vec![
                Step::Checklist(
                    "emergency_signs",
                    ChecklistReply::Answer(Ticks {
                        items: vec![0, 1],
                        ..Ticks::default()
                    }),
                ),
                Step::Emergency(EmergencyChoice::Change(saddle)),
                Step::CtrlC,
            ],
        );
        run(
            &rules,
            &mut script,
            Answers::none(&rules.questionnaire),
            Scope::Short,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(
            script.checklists[1].1,
            Ticks {
                items: vec![1],
                ..Ticks::default()
            },
            "the other sign is kept as ticked"
        );
        let checklist = rules.questionnaire.checklist_of(saddle).unwrap();
        for q in checklist.questions() {
            let question = &rules.questionnaire.questions[q];
            assert_eq!(
                answer_of(&rules, &outcome, &question.id),
                question.option("no").map(Value::Choice),
                "{} answered again",
                question.id
            );
        }
    }

    #[test]
    fn an_interruption_keeps_the_answers_so_far_and_resume_continues_from_the_first_gap() {
        let rules = minimal();
        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("alarm", NO),
                Step::Ask("runs", runs(2.0)),
                Step::CtrlC,
            ],
        );
        let outcome = run_fresh(&rules, &mut script);
        let Outcome::Interrupted(saved) = outcome else {
            panic!("expected an interruption")
        };
        assert_eq!(
            saved.get(rules.questionnaire.find("runs").unwrap()),
            Some(Value::Number(2.0))
        );

        let mut script = Script::new(
            &rules,
            vec![
                Step::Ask("shoes", Reply::Back),
                Step::Ask("runs", runs(2.0)),
                Step::Ask("shoes", NEW),
                Step::Review(ReviewChoice::Done),
            ],
        );
        let outcome = run(&rules, &mut script, saved, Scope::Full, &mut |_| {}).unwrap();
        assert!(matches!(outcome, Outcome::Report(_)));
        assert_eq!(
            script.asked_ids(),
            ["shoes", "runs", "shoes"],
            "resume starts at the first unanswered question"
        );
        assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(1)));
    }
}

#[cfg(test)]
mod shipped_questionnaire {
    use super::*;
    use crate::interactive::replay::Replay;
    use crate::rulebase::embedded;

    fn example(rules: &RuleBase) -> Answers {
        let text = std::fs::read_to_string("examples/answers.json").unwrap();
        Answers::parse(&text, "examples/answers.json", &rules.questionnaire).unwrap()
    }

    fn run_with(rules: &RuleBase, truth: &Answers, scope: Scope) -> (Outcome, Vec<String>) {
        let mut runner = Replay::new(&rules.questionnaire, truth);
        let start = Answers::none(&rules.questionnaire);
        let outcome = run(rules, &mut runner, start, scope, &mut |_| {}).unwrap();
        (outcome, runner.screens)
    }

    #[test]
    fn every_question_on_the_clinician_summary_that_applies_is_asked_in_the_short_part() {
        // A physiotherapist reads the summary whatever the advice: "Weekly distance: not
        // answered" for a runner who knows it is a question never asked.
        let rules = embedded::shipped().unwrap();
        let truth = example(&rules);
        let (outcome, screens) = run_with(&rules, &truth, Scope::Short);
        let (answers, applies) = engine::applicable(&rules, outcome.answers());
        for (q, question) in rules.questionnaire.questions.iter().enumerate() {
            let refines = rules.questionnaire.refines(q);
            if question.summary && applies[q] && !refines && question.retired.is_none() {
                let asked = screens.iter().any(|s| {
                    *s == question.id
                        || rules
                            .questionnaire
                            .checklist_of(q)
                            .is_some_and(|c| *s == c.id)
                });
                assert!(asked, "{} was not asked: {screens:?}", question.id);
                assert_eq!(answers.get(q), truth.get(q), "{}", question.id);
            }
        }
    }

    /// A runner who answers from `inner`, and goes back `times` screens once, at the
    /// screen numbered `at`.
    struct GoesBack<'a> {
        inner: Replay<'a>,
        at: usize,
        times: usize,
        shown: Vec<Progress>,
    }

    impl GoesBack<'_> {
        fn back(&mut self, p: Progress) -> bool {
            self.shown.push(p);
            if p.screen == self.at && self.times > 0 {
                self.times -= 1;
                self.at -= 1;
                return true;
            }
            false
        }
    }

    impl Prompter for GoesBack<'_> {
        fn welcome(&mut self, w: Welcome) -> Result<(), PromptError> {
            self.inner.welcome(w)
        }
        fn section(&mut self, s: &Section) -> Result<(), PromptError> {
            self.inner.section(s)
        }
        fn ask(
            &mut self,
            q: &Question,
            s: &Section,
            c: Option<Value>,
            p: Progress,
        ) -> Result<Reply, PromptError> {
            if self.back(p) {
                return Ok(Reply::Back);
            }
            self.inner.ask(q, s, c, p)
        }
        fn checklist(
            &mut self,
            c: &Checklist,
            s: &Section,
            l: &[String],
            t: &Ticks,
            p: Progress,
        ) -> Result<ChecklistReply, PromptError> {
            if self.back(p) {
                return Ok(ChecklistReply::Back);
            }
            self.inner.checklist(c, s, l, t, p)
        }
        fn notice(&mut self, t: &str) -> Result<(), PromptError> {
            self.inner.notice(t)
        }
        fn emergency(
            &mut self,
            l: &Level,
            r: &[&str],
            a: &[ReviewItem],
        ) -> Result<EmergencyChoice, PromptError> {
            self.inner.emergency(l, r, a)
        }
        fn review(&mut self, i: &[ReviewItem], f: usize) -> Result<ReviewChoice, PromptError> {
            self.inner.review(i, f)
        }
    }

    #[test]
    fn going_back_keeps_the_screens_answered_after_it_in_the_total() {
        let rules = embedded::shipped().unwrap();
        let truth = example(&rules);
        let mut runner = GoesBack {
            inner: Replay::new(&rules.questionnaire, &truth),
            at: 20,
            times: 19,
            shown: Vec::new(),
        };
        let start = Answers::none(&rules.questionnaire);
        run(&rules, &mut runner, start, Scope::Short, &mut |_| {}).unwrap();
        let furthest = runner.shown.iter().map(|p| p.screen).max().unwrap();
        let back_at_one = runner
            .shown
            .iter()
            .rposition(|p| p.screen == 1)
            .filter(|&i| i > 0)
            .unwrap_or_else(|| panic!("went back to the first screen: {:?}", runner.shown));
        for p in &runner.shown[back_at_one..] {
            assert!(
                p.screens >= furthest,
                "after going back the total fell below the {furthest} screens already seen: {:?}",
                runner.shown
            );
        }
    }

    #[test]
    fn the_count_on_screen_goes_up_by_one_and_its_total_never_jumps_up() {
        let rules = embedded::shipped().unwrap();
        let mut sets = vec![example(&rules)];
        for entry in std::fs::read_dir("tests/clinical").unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                sets.push(Answers::parse(&text, "", &rules.questionnaire).unwrap());
            }
        }
        for (n, truth) in sets.iter().enumerate() {
            for scope in [Scope::Short, Scope::Full] {
                let mut runner = Replay::new(&rules.questionnaire, truth);
                let start = Answers::none(&rules.questionnaire);
                run(&rules, &mut runner, start, scope, &mut |_| {}).unwrap();
                for (i, pair) in runner.progress.windows(2).enumerate() {
                    let (before, after) = (pair[0], pair[1]);
                    assert_eq!(
                        after.screen,
                        before.screen + 1,
                        "set {n}, {scope:?}, screen {i}: {:?}",
                        runner.progress
                    );
                    assert!(
                        after.screens <= before.screens.max(after.screen),
                        "set {n}, {scope:?}: the total jumped up: {:?}",
                        runner.progress
                    );
                }
            }
        }
    }

    #[test]
    fn the_short_part_asks_every_warning_sign_first_and_none_of_the_self_tests() {
        let rules = embedded::shipped().unwrap();
        let (outcome, screens) = run_with(&rules, &example(&rules), Scope::Short);
        assert!(matches!(outcome, Outcome::Report(_)));
        assert!(
            screens.len() <= 27,
            "{} screens: {screens:?}",
            screens.len()
        );
        assert_eq!(
            &screens[1..7],
            [
                "emergency_signs",
                "rf_leg_weakness",
                "same_day_signs",
                "age",
                "back_history",
                "health_history"
            ]
        );
        for q in &screens {
            if let Some(i) = rules.questionnaire.find(q) {
                assert!(
                    !rules.questionnaire.refines(i),
                    "{q} needs a video or a self-test"
                );
            }
        }
        // What it skipped could not have changed the escalation.
        let full = engine::assess(&rules, &example(&rules));
        let short = engine::assess(&rules, outcome.answers());
        assert_eq!(short.escalation.level, full.escalation.level);
    }

    #[test]
    fn refining_asks_only_the_self_tests_and_a_full_run_asks_everything() {
        let rules = embedded::shipped().unwrap();
        let truth = example(&rules);
        let (_, refine) = run_with(&rules, &truth, Scope::Refine);
        assert!(
            !refine.contains(&"welcome".to_string()),
            "no second welcome"
        );
        let asked: Vec<&String> = refine.iter().filter(|s| *s != "review").collect();
        assert!(!asked.is_empty());
        for q in asked {
            let i = rules.questionnaire.find(q).unwrap();
            assert!(rules.questionnaire.refines(i), "{q} is not a self-test");
        }
        let (_, full) = run_with(&rules, &truth, Scope::Full);
        assert!(full.contains(&"plank_seconds".to_string()));
        assert!(
            full.contains(&"heavy_week".to_string()),
            "the full run asks what the short one skips"
        );
    }

    /// What a checklist's ticks answer, as the answer file would hold it.
    fn ticked(rules: &RuleBase, checklist: &str, ticks: Ticks) -> Vec<(String, serde_json::Value)> {
        let checklist = rules
            .questionnaire
            .checklists
            .iter()
            .find(|c| c.id == checklist)
            .unwrap();
        let mut keep = |_: &Answers| {};
        let flow = Flow::new(
            rules,
            Answers::none(&rules.questionnaire),
            Scope::Short,
            &mut keep,
        );
        flow.checklist_answers(checklist, &ticks)
            .into_iter()
            .map(|(q, v)| {
                let question = &rules.questionnaire.questions[q];
                (
                    question.id.clone(),
                    crate::answers::to_json(question, v.unwrap()),
                )
            })
            .collect()
    }

    #[test]
    fn a_checklist_answers_each_of_its_questions() {
        let rules = embedded::shipped().unwrap();
        let answer = |list: &[(String, serde_json::Value)], id: &str| {
            list.iter().find(|(q, _)| q == id).unwrap().1.clone()
        };
        // Saddle numbness ticked: yes; the others, unticked, no.
        let some = ticked(
            &rules,
            "emergency_signs",
            Ticks {
                items: vec![0],
                none: false,
                unsure: false,
            },
        );
        assert_eq!(answer(&some, "rf_saddle_numbness"), "yes");
        assert_eq!(answer(&some, "rf_chest_pain"), "no");
        // "Not sure" with nothing ticked: every sign unsure.
        let unsure = ticked(
            &rules,
            "emergency_signs",
            Ticks {
                items: vec![],
                none: false,
                unsure: true,
            },
        );
        assert!(unsure.iter().all(|(_, v)| v == "unsure"), "{unsure:?}");
        // Chest pain ticked and "not sure": chest pain yes, the rest unsure.
        let both = ticked(
            &rules,
            "emergency_signs",
            Ticks {
                items: vec![4],
                none: false,
                unsure: true,
            },
        );
        assert_eq!(answer(&both, "rf_chest_pain"), "yes");
        assert_eq!(answer(&both, "rf_both_legs"), "unsure");
        // "None of these": every sign no.
        let none = ticked(
            &rules,
            "emergency_signs",
            Ticks {
                items: vec![],
                none: true,
                unsure: false,
            },
        );
        assert!(none.iter().all(|(_, v)| v == "no"), "{none:?}");
    }

    #[test]
    fn a_checklist_item_of_a_multiple_choice_adds_its_value() {
        let rules = embedded::shipped().unwrap();
        let answer = |list: &[(String, serde_json::Value)], id: &str| {
            list.iter().find(|(q, _)| q == id).unwrap().1.clone()
        };
        let drugs_and_spine = ticked(
            &rules,
            "health_history",
            Ticks {
                items: vec![3, 5],
                none: false,
                unsure: false,
            },
        );
        assert_eq!(
            answer(&drugs_and_spine, "infection_risk"),
            serde_json::json!(["injecting_drugs", "spine_procedure"])
        );
        assert_eq!(answer(&drugs_and_spine, "cancer_history"), "no");
        let none = ticked(
            &rules,
            "health_history",
            Ticks {
                items: vec![],
                none: true,
                unsure: false,
            },
        );
        assert_eq!(answer(&none, "infection_risk"), serde_json::json!(["none"]));
    }
}
