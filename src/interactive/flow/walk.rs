//! Walking the questionnaire: which screen comes next, asking only what can still matter,
//! going back, the count on screen, and recording answers.

use super::*;

impl<'a, 'c> Flow<'a, 'c> {
    pub(super) fn new(
        rules: &'a RuleBase,
        start: Answers,
        scope: Scope,
        checkin: Option<CheckinOf<'c>>,
        on_change: &'c mut dyn FnMut(&Answers),
    ) -> Self {
        let (answers, _) = applicable(rules, checkin, &start);
        let n = rules.questionnaire.questions.len();
        let visited: Vec<bool> = (0..n).map(|q| answers.get(q).is_some()).collect();
        let mut flow = Flow {
            rules,
            scope,
            checkin,
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
    pub(super) fn askable(&self) -> Vec<bool> {
        let (_, applies) = applicable(self.rules, self.checkin, &self.answers);
        applies
            .into_iter()
            .zip(&self.rules.questionnaire.questions)
            .map(|(applies, q)| applies && q.retired.is_none())
            .collect()
    }

    /// The checklists of this run: the questionnaire's, or at a check-in its one list of
    /// warning signs.
    pub(super) fn checklists(&self) -> &'a [Checklist] {
        let questionnaire = &self.rules.questionnaire;
        match (self.checkin, &questionnaire.checkin) {
            (None, _) => &questionnaire.checklists,
            (Some(_), Some(checkin)) => std::slice::from_ref(&checkin.signs),
            (Some(_), None) => &[],
        }
    }

    /// Every screen of the questionnaire, in order: a checklist at its first question. A
    /// check-in's are its own questions, then its warning signs.
    pub(super) fn all_screens(&self) -> Vec<Screen> {
        let questionnaire = &self.rules.questionnaire;
        let checklists = self.checklists();
        let order: Vec<QuestionIdx> = match self.checkin {
            None => (0..questionnaire.questions.len()).collect(),
            Some(_) => questionnaire.file_questions(true),
        };
        let mut out = Vec::new();
        for q in order {
            match checklists
                .iter()
                .position(|c| c.items.iter().any(|i| i.question == q))
            {
                Some(c) if checklists[c].items[0].question == q => out.push(Screen::Checklist(c)),
                Some(_) => {}
                None => out.push(Screen::Question(q)),
            }
        }
        out
    }

    pub(super) fn questions_of(&self, screen: Screen) -> Vec<QuestionIdx> {
        match screen {
            Screen::Question(q) => vec![q],
            Screen::Checklist(c) => self.checklists()[c].questions(),
        }
    }

    /// The section a screen is shown in: its first question's, or at a check-in the
    /// check-in's own, whatever section a warning sign comes from.
    pub(super) fn section_of(&self, screen: Screen) -> usize {
        let questionnaire = &self.rules.questionnaire;
        let own = questionnaire.questions[self.first_question(screen)].section;
        match self.checkin {
            None => own,
            Some(_) => questionnaire
                .sections
                .iter()
                .position(|s| s.checkin)
                .unwrap_or(own),
        }
    }

    /// How the answers so far are assessed: as an assessment, or as a check-in weighed
    /// with its bout.
    pub(super) fn weigh(&self) -> engine::Assessment<'a> {
        match self.checkin {
            None => engine::assess(self.rules, &self.answers),
            Some(of) => {
                crate::bout::check_in(self.rules, of.bout, &self.answers, of.now, of.runs)
                    .assessment
            }
        }
    }

    /// About how many screens are still to come: those open now, and at a check-in also
    /// those a question not yet answered may still open (how the last run went, when
    /// the runner has yet to say whether they ran), so the total only ever comes down.
    pub(super) fn ahead(&self) -> usize {
        let Some(of) = self.checkin else {
            return self.open_screens().len();
        };
        // Still to be asked: what the check-in asks and has not; a fact worked out about
        // the bout is known already.
        let askable = self.askable();
        let mut pending = vec![false; askable.len()];
        for q in self.rules.questionnaire.file_questions(true) {
            pending[q] = askable[q] && !self.visited[q];
        }
        let weighed =
            crate::bout::weighed_answers(self.rules, of.bout, &self.answers, of.now, of.runs);
        let questions = &self.rules.questionnaire.questions;
        let may_apply = |q: QuestionIdx| {
            let Some(condition) = &questions[q].ask_if else {
                return true;
            };
            match relevance::eval_pending(condition, &weighed, &pending) {
                engine::Truth::True => true,
                engine::Truth::False => false,
                engine::Truth::Unknown => {
                    let mut reads_pending = false;
                    condition.visit_questions(&mut |r| reads_pending |= pending[r]);
                    reads_pending
                }
            }
        };
        self.all_screens()
            .into_iter()
            .filter(|&s| {
                !self.is_done(s)
                    && self
                        .questions_of(s)
                        .iter()
                        .any(|&q| questions[q].retired.is_none() && may_apply(q))
            })
            .count()
    }

    pub(super) fn first_question(&self, screen: Screen) -> QuestionIdx {
        self.questions_of(screen)[0]
    }

    pub(super) fn in_scope(&self, screen: Screen) -> bool {
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

    pub(super) fn is_done(&self, screen: Screen) -> bool {
        self.questions_of(screen).iter().all(|&q| self.visited[q])
    }

    /// The screens still to ask, in order: in scope, applying, not yet asked, and (except
    /// in a full run) able to change something, or on the clinician summary (a
    /// physiotherapist reads those whatever the advice).
    pub(super) fn open_screens(&self) -> Vec<Screen> {
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

    pub(super) fn position(&self, screen: Screen) -> usize {
        self.all_screens()
            .iter()
            .position(|s| *s == screen)
            .unwrap_or(0)
    }

    /// The first open screen.
    pub(super) fn first_open(&self) -> Option<Screen> {
        self.open_screens().first().copied()
    }

    /// The screen after `screen`: the next one that is open or was answered before (so
    /// going back and then on again walks through the earlier answers).
    pub(super) fn next_after(&self, screen: Screen) -> Option<Screen> {
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

    pub(super) fn progress(&mut self) -> Progress {
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
        let estimate = done.max(answered) + self.ahead().max(1);
        Progress {
            screen,
            screens: self.steady_total(screen, estimate),
        }
    }

    /// The total to show at `screen`: the estimate, but never more than the total shown
    /// before, nor less than the screen itself.
    pub(super) fn steady_total(&mut self, screen: usize, estimate: usize) -> usize {
        let total = self
            .shown_total
            .map_or(estimate, |shown| estimate.min(shown))
            .max(screen);
        self.shown_total = Some(total);
        total
    }

    /// Records answers and drops answers a changed branch no longer asks for.
    pub(super) fn record(&mut self, values: &[(QuestionIdx, Option<Value>)]) {
        for &(q, value) in values {
            self.answers.set(q, value);
            self.visited[q] = true;
            self.seen[q] = true;
        }
        let (effective, applies) = applicable(self.rules, self.checkin, &self.answers);
        self.answers = effective;
        for (i, applies) in applies.into_iter().enumerate() {
            if !applies {
                self.visited[i] = false;
            }
        }
        (self.on_change)(&self.answers);
    }

    /// Asks one screen; `None` when the runner went back. `show_current` starts it on the
    /// answers given before; `mistaken` is a question whose answer was a mistake, shown
    /// unanswered while a checklist keeps its other ticks.
    pub(super) fn ask_screen(
        &mut self,
        prompter: &mut dyn Prompter,
        screen: Screen,
        progress: Progress,
        show_current: bool,
        mistaken: Option<QuestionIdx>,
    ) -> Result<Option<Recorded>, PromptError> {
        let questionnaire = &self.rules.questionnaire;
        let section = &questionnaire.sections[self.section_of(screen)];
        Ok(match screen {
            Screen::Question(q) => {
                let question = &questionnaire.questions[q];
                let current = self.answers.get(q).filter(|_| show_current);
                match prompter.ask(question, section, current, progress)? {
                    Reply::Answer(v) => Some(vec![(q, Some(v))]),
                    Reply::Skip => Some(vec![(q, None)]),
                    Reply::Back => None,
                }
            }
            Screen::Checklist(c) => {
                let checklist = &self.checklists()[c];
                let labels: Vec<String> = checklist
                    .items
                    .iter()
                    .map(|i| i.label(questionnaire).to_string())
                    .collect();
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

    /// Drives the run to its end; Ctrl-C or Esc ends it with the answers so far.
    pub(super) fn walk(mut self, prompter: &mut dyn Prompter) -> Result<Outcome, std::io::Error> {
        match self.drive(prompter) {
            Ok(outcome) => Ok(outcome),
            Err(PromptError::Interrupted) => Ok(Outcome::Interrupted(self.answers)),
            Err(PromptError::Io(e)) => Err(e),
        }
    }

    pub(super) fn drive(&mut self, prompter: &mut dyn Prompter) -> Result<Outcome, PromptError> {
        // A check-in has a line of its own before it, and no review: its few answers are
        // each shown as given, and b goes back.
        if self.scope != Scope::Refine && self.checkin.is_none() {
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
                if self.checkin.is_some() {
                    return Ok(Outcome::Report(self.answers.clone()));
                }
                reviewing = true;
                if let Some(outcome) = self.review(prompter)? {
                    return Ok(outcome);
                }
                // A changed answer may open follow-up questions: ask those first.
                cursor = self.first_open();
                continue;
            };
            let section = self.section_of(screen);
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
}

/// Which questions apply given the answers, and the answers without those that do not.
/// At a check-in, the answers are weighed with the bout (the latest assessment's answers
/// and the facts worked out, a training log's runs among them) and the check-in's
/// questions apply; the answers kept are the check-in's own.
fn applicable(
    rules: &RuleBase,
    checkin: Option<CheckinOf<'_>>,
    answers: &Answers,
) -> (Answers, Vec<bool>) {
    let Some(of) = checkin else {
        return engine::applicable(rules, answers);
    };
    let weighed = crate::bout::weighed_answers(rules, of.bout, answers, of.now, of.runs);
    let (_, applies) = engine::applicable_in(rules, &weighed, engine::Phase::Checkin);
    let mut effective = answers.clone();
    for (q, &applies) in applies.iter().enumerate() {
        if !applies {
            effective.set(q, None);
        }
    }
    (effective, applies)
}
