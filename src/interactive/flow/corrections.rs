//! Putting an answer right: the emergency confirmation and the review.

use super::*;

impl<'a, 'c> Flow<'a, 'c> {
    /// Whenever the answers reach the most urgent level, asks the runner to confirm it on
    /// its own screen; an answer changed there is recorded and checked again.
    pub(super) fn check_emergency(
        &mut self,
        prompter: &mut dyn Prompter,
    ) -> Result<Option<Outcome>, PromptError> {
        loop {
            let assessment = self.weigh();
            let level = assessment.escalation.level;
            // An assessment confirms the most urgent level; a check-in, any level at which
            // the runner is to be seen first, as it ends the running plan for today.
            let confirmed_here = match self.checkin {
                None => level == 0,
                Some(_) => self.rules.levels[level].seen_first,
            };
            if !confirmed_here || self.rules.levels.len() < 2 {
                return Ok(None);
            }
            let urgent: Vec<&engine::Reason> = assessment
                .escalation
                .reasons
                .iter()
                .filter(|r| r.level == level)
                .collect();
            let reasons: Vec<&str> = urgent.iter().map(|r| r.text(self.rules)).collect();
            let mut behind: Vec<QuestionIdx> = urgent
                .iter()
                .flat_map(|r| &r.because)
                .map(|b| b.question)
                .collect();
            behind.sort_unstable();
            behind.dedup();
            if self.checkin.is_some() {
                // Only what the runner chose at this check-in: not the assessment's
                // answers carried over, nor a sign skipped or "not sure" (cautious by
                // design, never a tick to take back), nor a fact runback worked out.
                let asked = self.rules.questionnaire.file_questions(true);
                behind.retain(|&q| asked.contains(&q) && self.chose(q));
                if behind.is_empty() {
                    return Ok(None);
                }
            }
            let items: Vec<ReviewItem> = behind.iter().map(|&q| self.review_item(q)).collect();
            match prompter.emergency(&self.rules.levels[level], &reasons, &items)? {
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

    /// Whether the runner chose this question's answer: ticked it on a checklist, or
    /// answered it, and not with "not sure".
    fn chose(&self, q: QuestionIdx) -> bool {
        if let Some(c) = self
            .checklists()
            .iter()
            .find(|c| c.items.iter().any(|i| i.question == q))
        {
            return ticked_items(c, &self.answers)
                .into_iter()
                .any(|i| c.items[i].question == q);
        }
        let question = &self.rules.questionnaire.questions[q];
        let unsure = question.option("unsure");
        match self.answers.get(q) {
            None => false,
            Some(Value::Choice(o)) => Some(o) != unsure,
            Some(Value::Multi(set)) => unsure.is_none_or(|u| set != 1 << u),
            Some(_) => true,
        }
    }

    /// The screen a question is asked on: its checklist's, or its own.
    pub(super) fn screen_of(&self, q: QuestionIdx) -> Screen {
        match self
            .checklists()
            .iter()
            .position(|c| c.items.iter().any(|i| i.question == q))
        {
            Some(c) => Screen::Checklist(c),
            None => Screen::Question(q),
        }
    }

    /// Asks the screen of one question again (from the review or the emergency screen) and
    /// records it: a checklist whole, so every sign on it is seen and answered again.
    /// `show_current` starts it on the answers given; otherwise (a mistake on the
    /// emergency screen) the question's own answer is not chosen.
    pub(super) fn change(
        &mut self,
        prompter: &mut dyn Prompter,
        q: QuestionIdx,
        show_current: bool,
    ) -> Result<(), PromptError> {
        let screen = self.screen_of(q);
        // Its own place among the screens shown, not one past the last of them.
        let progress = match self.history.iter().position(|s| *s == screen) {
            Some(i) => {
                let estimate = self.history.len() + self.ahead();
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

    /// The review screen; `Some` when the runner is done (or an emergency arose), `None`
    /// after a change.
    pub(super) fn review(
        &mut self,
        prompter: &mut dyn Prompter,
    ) -> Result<Option<Outcome>, PromptError> {
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

    pub(super) fn review_item(&self, q: QuestionIdx) -> ReviewItem {
        ReviewItem {
            question: q,
            label: self.rules.questionnaire.questions[q].label.to_string(),
            answer: self
                .answers
                .get(q)
                .map(|v| crate::answers::describe(&self.rules.questionnaire.questions[q], v)),
        }
    }

    /// Every question asked or answered so far that still applies.
    pub(super) fn review_items(&self) -> Vec<ReviewItem> {
        let askable = self.askable();
        (0..askable.len())
            .filter(|&q| askable[q] && (self.visited[q] || self.answers.get(q).is_some()))
            .map(|q| self.review_item(q))
            .collect()
    }
}
