//! A runner who already knows their answers: a [`Prompter`] that answers every screen
//! from an answer set and records the screens it was shown. It measures the questionnaire
//! (how many screens a runner sees) and drives it in tests without a terminal.

use super::flow::{
    ChecklistReply, EmergencyChoice, Progress, PromptError, Prompter, Reply, ReviewChoice,
    ReviewItem, Ticks, Welcome,
};
use crate::answers::{Answers, Value};
use crate::rulebase::{Checklist, Level, Question, Questionnaire, Section};

/// Answers each screen from `answers`: a question with its answer (skipped when there is
/// none); a checklist with the items its answers tick, "Not sure" when any of its
/// questions is unsure, "None of these" when nothing is ticked, and skipped when none of
/// its questions is answered. It confirms an emergency and accepts the review.
pub struct Replay<'a> {
    questionnaire: &'a Questionnaire,
    answers: &'a Answers,
    /// The screens shown, by question or checklist id, with `welcome` and `review`.
    pub screens: Vec<String>,
    /// The progress line of each question or checklist shown.
    pub progress: Vec<Progress>,
}

impl<'a> Replay<'a> {
    /// A runner whose answers are `answers`.
    pub fn new(questionnaire: &'a Questionnaire, answers: &'a Answers) -> Self {
        Replay {
            questionnaire,
            answers,
            screens: Vec::new(),
            progress: Vec::new(),
        }
    }
}

impl Prompter for Replay<'_> {
    fn welcome(&mut self, _: Welcome) -> Result<(), PromptError> {
        self.screens.push("welcome".into());
        Ok(())
    }

    fn section(&mut self, _: &Section) -> Result<(), PromptError> {
        Ok(())
    }

    fn ask(
        &mut self,
        question: &Question,
        _: &Section,
        _: Option<Value>,
        progress: Progress,
    ) -> Result<Reply, PromptError> {
        self.screens.push(question.id.to_string());
        self.progress.push(progress);
        let q = self
            .questionnaire
            .find(&question.id)
            .expect("the flow asks questions of its own questionnaire");
        Ok(self.answers.get(q).map_or(Reply::Skip, Reply::Answer))
    }

    fn checklist(
        &mut self,
        checklist: &Checklist,
        _: &Section,
        _: &[String],
        _: &Ticks,
        progress: Progress,
    ) -> Result<ChecklistReply, PromptError> {
        self.screens.push(checklist.id.to_string());
        self.progress.push(progress);
        let questions = checklist.questions();
        if questions.iter().all(|&q| self.answers.get(q).is_none()) {
            return Ok(ChecklistReply::Skip);
        }
        let mut ticks = Ticks::default();
        ticks.items = super::flow::ticked_items(checklist, self.answers);
        ticks.unsure = questions.iter().any(|&q| {
            let question = &self.questionnaire.questions[q];
            match (self.answers.get(q), question.option("unsure")) {
                (Some(Value::Choice(o)), Some(u)) => o == u,
                (Some(Value::Multi(set)), Some(u)) => set & (1 << u) != 0,
                _ => false,
            }
        });
        ticks.none = ticks.items.is_empty() && !ticks.unsure;
        Ok(ChecklistReply::Answer(ticks))
    }

    fn notice(&mut self, _: &str) -> Result<(), PromptError> {
        Ok(())
    }

    fn emergency(
        &mut self,
        _: &Level,
        _: &[&str],
        _: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError> {
        Ok(EmergencyChoice::Confirm)
    }

    fn review(&mut self, _: &[ReviewItem], _: usize) -> Result<ReviewChoice, PromptError> {
        self.screens.push("review".into());
        Ok(ReviewChoice::Done)
    }
}
