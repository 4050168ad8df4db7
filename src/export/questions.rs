//! The questionnaire written out for people (text, Markdown) and programs (JSON).

use serde::Serialize;

use crate::answers::expectation;
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
        for question in asked(&q.questions[s.questions.clone()]) {
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
            if let Some(help) = question.explanation() {
                out.push_str(&format!("    Help: {help}\n"));
            }
            if let Some(c) = &question.ask_if {
                out.push_str(&format!("    Asked only if: {}\n", words::condition(c, q)));
            }
            out.push('\n');
        }
    }
    let retired: Vec<&Question> = q.questions.iter().filter(|q| q.retired.is_some()).collect();
    if !retired.is_empty() {
        out.push_str(&format!("{RETIRED_HEADING}\n  {RETIRED_NOTE}\n\n"));
        for question in retired {
            out.push_str(&format!("  {}\n", question.id));
            out.push_str(&format!("    {}\n", question.label));
            if let Some(why) = &question.retired {
                out.push_str(&format!("    {why}\n"));
            }
            out.push('\n');
        }
    }
    crate::clean::clean_lines(&out).into_owned()
}

/// The heading of the questions no longer asked.
const RETIRED_HEADING: &str = "No longer asked";

/// What the questions no longer asked are still good for.
const RETIRED_NOTE: &str =
    "These questions are not asked any more; an older answer file may still give them.";

/// The questions still asked, in order: a retired question is kept only so that older
/// answer files stay valid, and is listed apart.
fn asked(questions: &[Question]) -> impl Iterator<Item = &Question> {
    questions.iter().filter(|q| q.retired.is_none())
}

#[derive(Serialize)]
struct RetiredJson<'a> {
    id: &'a str,
    label: &'a str,
    retired: &'a str,
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
    help: Option<String>,
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
            questions: asked(&q.questions[s.questions.clone()])
                .map(|question| question_json(rb, question))
                .collect(),
        })
        .collect();
    // Retired questions are left out of the sections, so a program that asks what they
    // list never asks them; they are named apart, since answer files may still give them.
    let retired: Vec<RetiredJson> = q
        .questions
        .iter()
        .filter_map(|q| {
            Some(RetiredJson {
                id: &q.id,
                label: &q.label,
                retired: q.retired.as_deref()?,
            })
        })
        .collect();
    let mut out = crate::clean::json_pretty(&serde_json::json!({
        "sections": sections,
        "retired": retired,
    }));
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
        help: q.explanation(),
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

/// The questionnaire as GitHub-flavoured Markdown: a heading per section and per
/// question, the allowed answers as a table.
pub fn questions_markdown(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let mut out = String::from("# Questionnaire\n\n");
    out.push_str(&format!(
        "{} questions in {} sections, in the order they are asked. An answer file maps each \
         question id to an answer; leave a question out (or `null`) to skip it.\n",
        asked(&q.questions).count(),
        q.sections.len()
    ));
    for (i, s) in q.sections.iter().enumerate() {
        out.push_str(&format!("\n## {}. {}\n", i + 1, inline(&s.title)));
        if let Some(intro) = &s.intro {
            out.push_str(&format!("\n{}\n", inline(intro)));
        }
        for question in asked(&q.questions[s.questions.clone()]) {
            out.push_str(&format!(
                "\n### `{}`: {}\n\n{}\n\n",
                question.id,
                inline(&question.label),
                inline(&question.text)
            ));
            out.push_str(&format!(
                "- **Answer:** {}\n",
                markdown_expectation(question)
            ));
            if let Some(c) = &question.ask_if {
                out.push_str(&format!(
                    "- **Asked only if:** {}\n",
                    inline(&words::condition(c, q))
                ));
            }
            if let Some(help) = question.explanation() {
                out.push_str(&format!("- **Help:** {}\n", inline(&help)));
            }
            if matches!(question.kind, AnswerKind::Single | AnswerKind::Multi) {
                out.push_str("\n| value | meaning |\n|---|---|\n");
                for o in &question.options {
                    let exclusive = if o.exclusive {
                        " (on its own only)"
                    } else {
                        ""
                    };
                    out.push_str(&format!(
                        "| `{}` | {}{exclusive} |\n",
                        o.value,
                        inline(&o.label)
                    ));
                }
            }
        }
    }
    let retired: Vec<&Question> = q.questions.iter().filter(|q| q.retired.is_some()).collect();
    if !retired.is_empty() {
        out.push_str(&format!("\n## {RETIRED_HEADING}\n\n{RETIRED_NOTE}\n\n"));
        for question in retired {
            out.push_str(&format!(
                "- `{}`: {}. {}\n",
                question.id,
                inline(&question.label),
                inline(question.retired.as_deref().unwrap_or_default())
            ));
        }
    }
    crate::clean::clean_lines(&out).into_owned()
}

/// What an answer looks like, with values in code spans.
fn markdown_expectation(question: &Question) -> String {
    let values = || {
        question
            .options
            .iter()
            .map(|o| format!("`{}`", o.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &question.kind {
        AnswerKind::YesNo => format!("one of {}", values()),
        AnswerKind::Single => "one of the values below".to_string(),
        AnswerKind::Multi => "a list of any of the values below, e.g. `[\"a\", \"b\"]`".to_string(),
        AnswerKind::Number { .. } => inline(&expectation(question)),
        AnswerKind::Scale {
            min_label,
            max_label,
            min,
            max,
        } => {
            let mut s = inline(&expectation(question));
            if let (Some(lo), Some(hi)) = (min_label, max_label) {
                s.push_str(&format!("; {min} = {}, {max} = {}", inline(lo), inline(hi)));
            }
            s
        }
    }
}

/// Text from the rule base on one Markdown line: no line breaks, no stray markup, and
/// nothing at its start that would open a list, a quote, a rule or a heading.
fn inline(text: &str) -> String {
    let text = text.trim_start();
    let guard = crate::report::markdown::block_start(text);
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\n' | '\r' => out.push(' '),
            // GitHub leaves `_` inside words alone, so ids like pain_spreads stay readable.
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if Some(i) == guard => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The retired questions of the shipped rule base, which must have some for the
    /// tests below to mean anything.
    fn retired(rb: &RuleBase) -> Vec<&Question> {
        let retired: Vec<&Question> = rb
            .questionnaire
            .questions
            .iter()
            .filter(|q| q.retired.is_some())
            .collect();
        assert!(
            !retired.is_empty(),
            "the shipped rule base retires a question"
        );
        retired
    }

    #[test]
    fn text_and_markdown_list_retired_questions_apart_as_no_longer_asked() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        for (out, marker) in [
            (questions_text(&rb), "\n  {id}\n"),
            (questions_markdown(&rb), "### `{id}`"),
        ] {
            let (asked, apart) = out.split_once(RETIRED_HEADING).expect("a retired part");
            for q in retired(&rb) {
                let listed = marker.replace("{id}", &q.id);
                assert!(
                    !asked.contains(&listed),
                    "{} listed as asked:\n{asked}",
                    q.id
                );
                assert!(apart.contains(&q.id), "{} not named as retired", q.id);
            }
            assert!(apart.contains(RETIRED_NOTE));
        }
        let asked = rb.questionnaire.questions.len() - retired(&rb).len();
        assert!(questions_markdown(&rb).contains(&format!("{asked} questions in")));
    }

    #[test]
    fn json_leaves_retired_questions_out_of_the_sections_and_names_them_apart() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let json: serde_json::Value = serde_json::from_str(&questions_json(&rb)).unwrap();
        let listed: Vec<&str> = json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["questions"].as_array().unwrap())
            .map(|q| q["id"].as_str().unwrap())
            .collect();
        let apart: Vec<&str> = json["retired"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_str().unwrap())
            .collect();
        for q in retired(&rb) {
            assert!(!listed.contains(&q.id.as_str()), "{} listed as asked", q.id);
            assert!(
                apart.contains(&q.id.as_str()),
                "{} not named as retired",
                q.id
            );
        }
        assert_eq!(listed.len() + apart.len(), rb.questionnaire.questions.len());
    }
}
