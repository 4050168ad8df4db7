//! The questionnaire written out: as a readable listing, as JSON, and as an answer template.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::answers::{expectation, number};
use crate::rulebase::{AnswerKind, Question, RuleBase, words};

/// The questionnaire as readable text.
pub fn questions_text(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let mut out = String::new();
    let total = q.sections.len();
    for (i, s) in q.sections.iter().enumerate() {
        out.push_str(&format!("{} (section {} of {total})\n", s.title, i + 1));
        if let Some(intro) = &s.intro {
            out.push_str(&format!("  {intro}\n"));
        }
        out.push('\n');
        for question in &q.questions[s.questions.clone()] {
            out.push_str(&format!("  {}\n", question.id));
            out.push_str(&format!("    {}\n", question.text));
            out.push_str(&format!("    Answer: {}\n", expectation(question)));
            if question.kind.is_choice() {
                for o in &question.options {
                    out.push_str(&format!("      {:<20} {}\n", o.value, o.label));
                }
            }
            if let AnswerKind::Scale {
                min,
                max,
                min_label,
                max_label,
            } = &question.kind
            {
                if let Some(l) = min_label {
                    out.push_str(&format!("      {min:<20} {l}\n"));
                }
                if let Some(l) = max_label {
                    out.push_str(&format!("      {max:<20} {l}\n"));
                }
            }
            if let Some(help) = &question.help {
                out.push_str(&format!("    Help: {help}\n"));
            }
            if let Some(c) = &question.ask_if {
                out.push_str(&format!("    Asked only if: {}\n", words::condition(c, q)));
            }
            out.push('\n');
        }
    }
    crate::report::text::clean(&out)
}

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    intro: Option<&'a str>,
    questions: Vec<QuestionJson<'a>>,
}

#[derive(Serialize)]
struct QuestionJson<'a> {
    id: &'a str,
    label: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<OptionJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    integer: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    asked_if: Option<String>,
}

#[derive(Serialize)]
struct OptionJson<'a> {
    value: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    exclusive: bool,
}

/// The questionnaire as JSON, with branching conditions in words.
pub fn questions_json(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let sections: Vec<SectionJson> = q
        .sections
        .iter()
        .map(|s| SectionJson {
            id: &s.id,
            title: &s.title,
            intro: s.intro.as_deref(),
            questions: q.questions[s.questions.clone()]
                .iter()
                .map(|question| question_json(rb, question))
                .collect(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&serde_json::json!({ "sections": sections }))
        .expect("the questionnaire always serializes");
    out.push('\n');
    out
}

fn question_json<'a>(rb: &RuleBase, q: &'a Question) -> QuestionJson<'a> {
    let (unit, integer) = match &q.kind {
        AnswerKind::Number { unit, integer, .. } => (Some(unit.as_str()), *integer),
        AnswerKind::Scale { .. } => (None, true),
        _ => (None, false),
    };
    let range = q.kind.range();
    QuestionJson {
        id: &q.id,
        label: &q.label,
        text: &q.text,
        help: q.help.as_deref(),
        kind: q.kind.name(),
        options: q
            .options
            .iter()
            .map(|o| OptionJson {
                value: &o.value,
                label: &o.label,
                exclusive: o.exclusive,
            })
            .collect(),
        unit,
        min: range.map(|r| r.0),
        max: range.map(|r| r.1),
        integer,
        asked_if: q
            .ask_if
            .as_ref()
            .map(|c| words::condition(c, &rb.questionnaire)),
    }
}

/// An answer file with every question set to `null`, each preceded by a `$` note with the
/// question and its allowed values (the loader ignores `$` keys).
pub fn template(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let mut map = Map::new();
    map.insert(
        "$runback".into(),
        Json::String(
            "Answer file for runback. Replace null with your answer, or leave null to skip a question. Keys starting with $ are notes and are ignored."
                .into(),
        ),
    );
    for question in &q.questions {
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
        map.insert(question.id.clone(), Json::Null);
    }
    let mut out =
        serde_json::to_string_pretty(&Json::Object(map)).expect("a template always serializes");
    out.push('\n');
    out
}
