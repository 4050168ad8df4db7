//! A checklist's ticks and the answers they stand for.

use super::*;

impl<'a, 'c> Flow<'a, 'c> {
    /// What the earlier answers tick on a checklist.
    pub(super) fn ticks(&self, checklist: &Checklist) -> Ticks {
        let questions = &self.rules.questionnaire.questions;
        let mut ticks = Ticks::default();
        let answered: Vec<QuestionIdx> = checklist
            .questions()
            .into_iter()
            .filter(|&q| self.answers.get(q).is_some())
            .collect();
        ticks.items = ticked_items(checklist, &self.answers);
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
    pub(super) fn checklist_answers(
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
                    (true, false, false) => {
                        Value::Choice(question.option("no").unwrap_or_else(|| option("none")))
                    }
                };
                (q, Some(value))
            })
            .collect()
    }
}
