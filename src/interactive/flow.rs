//! The questionnaire's flow, apart from any terminal: which question comes next, going
//! back, dropping answers that no longer apply, the emergency interrupt and the review.
//!
//! The terminal is behind [`Prompter`], so this logic is tested with a scripted prompter.

use crate::answers::{Answers, Value};
use crate::engine;
use crate::rulebase::{Level, Question, QuestionIdx, RuleBase, Section};

/// Where the runner is, for the header of each question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 1-based section number.
    pub section: usize,
    /// Number of sections.
    pub sections: usize,
    /// 1-based number of this question among those that apply.
    pub question: usize,
    /// How many questions apply given the answers so far (more may follow from branches).
    pub questions: usize,
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
    /// Shows a section's header as the runner enters it.
    fn section(&mut self, section: &Section, progress: Progress) -> Result<(), PromptError>;
    /// Asks one question; `current` is the answer given before, offered as the default.
    fn ask(
        &mut self,
        question: &Question,
        current: Option<Value>,
        progress: Progress,
    ) -> Result<Reply, PromptError>;
    /// An answer has reached the most urgent level: shows why, with the answers behind it,
    /// and asks the runner to confirm, change an answer, or stop. One stray key must never
    /// raise an emergency, so this is always its own screen.
    fn emergency(
        &mut self,
        level: &Level,
        reasons: &[&str],
        answers: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError>;
    /// Lists every answer and asks whether to change one.
    fn review(&mut self, items: &[ReviewItem]) -> Result<ReviewChoice, PromptError>;
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

/// Walks the questionnaire with a prompter, starting from `start` (empty, or resumed).
///
/// `on_change` sees the answers after every change, so a caller can keep them safe even
/// if the process is killed or its terminal closed.
pub fn run(
    rules: &RuleBase,
    prompter: &mut dyn Prompter,
    start: Answers,
    on_change: &mut dyn FnMut(&Answers),
) -> Result<Outcome, std::io::Error> {
    let mut flow = Flow::new(rules, start, on_change);
    match flow.drive(prompter) {
        Ok(outcome) => Ok(outcome),
        Err(PromptError::Interrupted) => Ok(Outcome::Interrupted(flow.answers)),
        Err(PromptError::Io(e)) => Err(e),
    }
}

/// Which questions the terminal asks given the answers: those that apply and are not
/// retired.
fn asked(rules: &RuleBase, answers: &Answers) -> Vec<bool> {
    let (_, applies) = engine::applicable(rules, answers);
    applies
        .into_iter()
        .zip(&rules.questionnaire.questions)
        .map(|(applies, q)| applies && q.retired.is_none())
        .collect()
}

struct Flow<'a, 'c> {
    rules: &'a RuleBase,
    /// Told of every change to the answers.
    on_change: &'c mut dyn FnMut(&Answers),
    answers: Answers,
    /// Questions asked (answered or skipped) and not since dropped by a branch.
    visited: Vec<bool>,
    /// Questions in the order they were asked, for going back.
    history: Vec<QuestionIdx>,
}

impl<'a, 'c> Flow<'a, 'c> {
    fn new(rules: &'a RuleBase, start: Answers, on_change: &'c mut dyn FnMut(&Answers)) -> Self {
        let (answers, _) = engine::applicable(rules, &start);
        let applies = asked(rules, &answers);
        let n = rules.questionnaire.questions.len();
        let visited: Vec<bool> = (0..n).map(|q| answers.get(q).is_some()).collect();
        // After a resume, "back" walks through the answers already given.
        let first_open = (0..n).find(|&q| applies[q] && !visited[q]).unwrap_or(n);
        let history = (0..first_open)
            .filter(|&q| applies[q] && visited[q])
            .collect();
        Flow {
            rules,
            on_change,
            answers,
            visited,
            history,
        }
    }

    /// Which questions are asked given the answers so far: those that apply and are not
    /// retired.
    fn applies(&self) -> Vec<bool> {
        asked(self.rules, &self.answers)
    }

    /// The first question that applies and has not been asked.
    fn first_open(&self) -> Option<QuestionIdx> {
        let applies = self.applies();
        (0..applies.len()).find(|&q| applies[q] && !self.visited[q])
    }

    /// The next question after `q` that applies, asked before or not.
    fn next_after(&self, q: QuestionIdx) -> Option<QuestionIdx> {
        let applies = self.applies();
        (q + 1..applies.len()).find(|&i| applies[i])
    }

    fn progress(&self, q: QuestionIdx) -> Progress {
        let applies = self.applies();
        let questionnaire = &self.rules.questionnaire;
        Progress {
            section: questionnaire.questions[q].section + 1,
            sections: questionnaire.sections.len(),
            question: applies[..=q].iter().filter(|a| **a).count(),
            questions: applies.iter().filter(|a| **a).count(),
        }
    }

    /// Records a reply and drops answers a changed branch no longer asks for.
    fn record(&mut self, q: QuestionIdx, value: Option<Value>) {
        self.answers.set(q, value);
        self.visited[q] = true;
        let (effective, applies) = engine::applicable(self.rules, &self.answers);
        self.answers = effective;
        for (i, applies) in applies.into_iter().enumerate() {
            if !applies {
                self.visited[i] = false;
            }
        }
        self.history.retain(|&h| self.visited[h]);
        (self.on_change)(&self.answers);
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
                EmergencyChoice::Change(q) => {
                    let question = &self.rules.questionnaire.questions[q];
                    match prompter.ask(question, self.answers.get(q), self.progress(q))? {
                        Reply::Answer(v) => self.record(q, Some(v)),
                        Reply::Skip => self.record(q, None),
                        Reply::Back => {}
                    }
                }
            }
        }
    }

    fn drive(&mut self, prompter: &mut dyn Prompter) -> Result<Outcome, PromptError> {
        if let Some(outcome) = self.check_emergency(prompter)? {
            return Ok(outcome);
        }
        let mut cursor = self.first_open();
        let mut reviewing = false;
        let mut shown_section = None;
        loop {
            let Some(q) = cursor else {
                reviewing = true;
                match prompter.review(&self.review_items())? {
                    ReviewChoice::Done => return Ok(Outcome::Report(self.answers.clone())),
                    ReviewChoice::Change(q) => {
                        let question = &self.rules.questionnaire.questions[q];
                        match prompter.ask(question, self.answers.get(q), self.progress(q))? {
                            Reply::Answer(v) => self.record(q, Some(v)),
                            Reply::Skip => self.record(q, None),
                            Reply::Back => {}
                        }
                        if let Some(outcome) = self.check_emergency(prompter)? {
                            return Ok(outcome);
                        }
                        // A changed answer may open follow-up questions: ask those first.
                        cursor = self.first_open();
                        continue;
                    }
                }
            };
            let question = &self.rules.questionnaire.questions[q];
            if shown_section != Some(question.section) {
                prompter.section(
                    &self.rules.questionnaire.sections[question.section],
                    self.progress(q),
                )?;
                shown_section = Some(question.section);
            }
            let reply = prompter.ask(question, self.answers.get(q), self.progress(q))?;
            let value = match reply {
                Reply::Back => {
                    if let Some(previous) = self.history.pop() {
                        cursor = Some(previous);
                    }
                    continue;
                }
                Reply::Answer(v) => Some(v),
                Reply::Skip => None,
            };
            self.record(q, value);
            self.history.push(q);
            if let Some(outcome) = self.check_emergency(prompter)? {
                return Ok(outcome);
            }
            cursor = if reviewing {
                self.first_open()
            } else {
                self.next_after(q)
            };
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

    fn review_items(&self) -> Vec<ReviewItem> {
        let applies = self.applies();
        (0..applies.len())
            .filter(|&q| applies[q] && self.rules.questionnaire.questions[q].retired.is_none())
            .map(|q| self.review_item(q))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::rulebase::load_dir;

    /// One scripted step: what the runner does at the next prompt.
    #[derive(Debug, Clone)]
    enum Step {
        /// At question `id`, reply.
        Ask(&'static str, Reply),
        Emergency(EmergencyChoice),
        Review(ReviewChoice),
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
        emergencies: Vec<Vec<ReviewItem>>,
    }

    impl<'a> Script<'a> {
        fn new(rules: &'a RuleBase, steps: Vec<Step>) -> Self {
            Script {
                rules,
                steps: steps.into(),
                asked: Vec::new(),
                sections: Vec::new(),
                reviews: Vec::new(),
                emergencies: Vec::new(),
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
        fn section(&mut self, section: &Section, _: Progress) -> Result<(), PromptError> {
            self.sections.push(section.id.clone());
            Ok(())
        }

        fn ask(
            &mut self,
            question: &Question,
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

        fn review(&mut self, items: &[ReviewItem]) -> Result<ReviewChoice, PromptError> {
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
                section: 1,
                sections: 1,
                question: 1,
                questions: 3
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
        assert_eq!(script.asked[3].2.question, 4);
        assert_eq!(script.asked[3].2.questions, 4);
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
            script.asked[1].1,
            Some(Value::Choice(0)),
            "the question comes back with the mistaken answer shown"
        );

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
        let outcome = run(&rules, &mut script, saved, &mut |_| {}).unwrap();
        assert!(matches!(outcome, Outcome::Report(_)));
        assert_eq!(
            script.asked_ids(),
            ["shoes", "runs", "shoes"],
            "resume starts at the first unanswered question"
        );
        assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(1)));
    }
}
