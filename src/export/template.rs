//! The answer template: a file with every question id, ready to fill in.

use serde_json::{Map, Value as Json};

use crate::answers::{expectation, number};
use crate::rulebase::{AnswerKind, RuleBase, words};

/// An answer file with every question set to `null`; with `notes`, each is preceded by a
/// `$` note with the question and its allowed values (the answer parser ignores `$` keys).
/// With `checkin`, the file of a check-in.
pub fn template(rb: &RuleBase, notes: bool, checkin: bool) -> String {
    let q = &rb.questionnaire;
    let questions: Vec<&crate::rulebase::Question> = rb
        .questionnaire
        .file_questions(checkin)
        .into_iter()
        .map(|i| &q.questions[i])
        .collect();
    let mut map = Map::new();
    if !notes {
        for question in questions {
            map.insert(question.id.to_string(), Json::Null);
        }
        return pretty(&map);
    }
    map.insert(
        "$runback".into(),
        Json::String(format!(
            "{} Replace null with your answer, or leave null to skip a question. Keys starting with $ are notes and are ignored.",
            if checkin {
                "Check-in file for runback: runback checkin --answers FILE."
            } else {
                "Answer file for runback."
            }
        )),
    );
    for question in questions {
        let mut note = format!("{} Answer: {}.", question.text, expectation(question));
        if let Some(c) = &question.ask_if {
            note.push_str(&format!(" Only if {}.", words::condition(c, q)));
        }
        if let AnswerKind::Scale {
            min,
            max,
            min_label: Some(lo),
            max_label: Some(hi),
        } = &question.kind
        {
            note.push_str(&format!(
                " {} = {lo}, {} = {hi}.",
                number(*min as f64),
                number(*max as f64)
            ));
        }
        map.insert(format!("${}", question.id), Json::String(note));
        map.insert(question.id.to_string(), Json::Null);
    }
    pretty(&map)
}

fn pretty(map: &Map<String, Json>) -> String {
    let mut out = crate::clean::json_pretty(map);
    out.push('\n');
    out
}
