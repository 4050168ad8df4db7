//! The questionnaire written out for people (text, Markdown) and programs (JSON).

use serde::Serialize;

use crate::answers::expectation;
use crate::rulebase::files::BoutFact;
use crate::rulebase::{
    AnswerKind, ChecklistItem, Question, Questionnaire, RuleBase, Section, words,
};

/// The questionnaire as readable text: the assessment's sections, then the check-in's
/// questions, the facts runback works out and the questions no longer asked, each apart.
pub fn questions_text(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let mut out = String::new();
    let sections = assessment_sections(q);
    let total = sections.len();
    for (i, s) in sections.into_iter().enumerate() {
        out.push_str(&format!("{} (section {} of {total})\n", s.title, i + 1));
        if let Some(intro) = &s.intro {
            out.push_str(&format!("  {intro}\n"));
        }
        out.push('\n');
        for question in asked(&q.questions[s.questions.clone()]) {
            question_text(&mut out, q, question, "Answer");
        }
    }
    if let Some(checkin) = &q.checkin {
        out.push_str(&format!("{CHECKIN_HEADING}\n  {CHECKIN_NOTE}\n\n"));
        for question in checkin_questions(q) {
            question_text(&mut out, q, question, "Answer");
        }
        out.push_str(&format!("  {SIGNS_LEAD}\n    {}\n", checkin.signs.text));
        if let Some(note) = &checkin.signs.note {
            out.push_str(&format!("    {note}\n"));
        }
        let ids: Vec<String> = checkin.signs.items.iter().map(|i| sign_id(q, i)).collect();
        let width = ids.iter().map(|id| id.chars().count()).max().unwrap_or(0);
        for (item, id) in checkin.signs.items.iter().zip(ids) {
            out.push_str(&format!("      {id:<width$}  {}\n", item.label(q)));
        }
        out.push('\n');
    }
    let facts = facts(q);
    if !facts.is_empty() {
        out.push_str(&format!("{FACTS_HEADING}\n  {FACTS_NOTE}\n\n"));
        for question in facts {
            question_text(&mut out, q, question, "Value");
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

/// One question as text: its id, its wording, what an answer (or a fact's value) looks
/// like, and when it is asked.
fn question_text(out: &mut String, q: &Questionnaire, question: &Question, answer: &str) {
    out.push_str(&format!("  {}\n", question.id));
    out.push_str(&format!("    {}\n", question.text));
    out.push_str(&format!("    {answer}: {}\n", expectation(question)));
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

/// A warning sign on the check-in's checklist: its question's id, and the option a tick
/// chooses when it is not a plain "yes".
fn sign_id(q: &Questionnaire, item: &ChecklistItem) -> String {
    let question = &q.questions[item.question];
    if question.kind == AnswerKind::YesNo {
        question.id.to_string()
    } else {
        format!("{} = {}", question.id, question.options[item.option].value)
    }
}

/// The sections an assessment asks, in order: not the check-in's.
fn assessment_sections(q: &Questionnaire) -> Vec<&Section> {
    q.sections.iter().filter(|s| !s.checkin).collect()
}

/// The questions a check-in asks of its own, in order: not the facts runback works out,
/// nor retired ones.
fn checkin_questions(q: &Questionnaire) -> impl Iterator<Item = &Question> {
    q.sections
        .iter()
        .filter(|s| s.checkin)
        .flat_map(|s| asked(&q.questions[s.questions.clone()]))
        .filter(|question| question.from_bout.is_none())
}

/// The facts about a bout runback works out at a check-in, never asked.
fn facts(q: &Questionnaire) -> Vec<&Question> {
    q.questions
        .iter()
        .filter(|question| question.from_bout.is_some() && question.retired.is_none())
        .collect()
}

/// The heading of the check-in's questions.
const CHECKIN_HEADING: &str = "Asked at a check-in";

/// What the check-in's questions are.
const CHECKIN_NOTE: &str = "runback checkin asks these every few days after an assessment, then the warning signs again, on one checklist. A check-in file holds them (runback template --checkin).";

/// [`CHECKIN_NOTE`] with its commands as code.
const CHECKIN_NOTE_MARKDOWN: &str = "`runback checkin` asks these every few days after an assessment, then the warning signs again, on one checklist. A check-in file holds them (`runback template --checkin`).";

/// The line before the check-in's warning signs.
const SIGNS_LEAD: &str =
    "Then the warning signs again, on one checklist; each keeps its question's id:";

/// The heading of the facts runback works out.
const FACTS_HEADING: &str = "Worked out by runback, never asked";

/// What the facts are.
const FACTS_NOTE: &str = "At each check-in runback works these out from the bout it keeps (and a training log, when given); rules read them like answers. A check-in file leaves them out.";

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
struct CheckinJson<'a> {
    sections: Vec<SectionJson<'a>>,
    signs: SignsJson<'a>,
}

#[derive(Serialize)]
struct SignsJson<'a> {
    id: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    items: Vec<SignJson<'a>>,
}

#[derive(Serialize)]
struct SignJson<'a> {
    question: &'a str,
    /// The option a tick chooses.
    value: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct FactJson<'a> {
    #[serde(flatten)]
    question: QuestionJson<'a>,
    fact: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    of: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<&'a str>,
}

#[derive(Serialize)]
struct OptionJson<'a> {
    value: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    exclusive: bool,
}

/// The questionnaire as JSON, with branching conditions in words: the assessment's
/// `sections`, the check-in's questions and warning signs (`checkin`), the facts runback
/// works out (`from_bout`) and the questions no longer asked (`retired`), each apart.
pub fn questions_json(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let section_json = |s| section_json(rb, s);
    let sections: Vec<SectionJson> = assessment_sections(q)
        .into_iter()
        .map(section_json)
        .collect();
    let checkin = q.checkin.as_ref().map(|c| CheckinJson {
        sections: q
            .sections
            .iter()
            .filter(|s| s.checkin)
            .map(section_json)
            .collect(),
        signs: SignsJson {
            id: &c.signs.id,
            text: &c.signs.text,
            note: c.signs.note.as_deref(),
            items: c
                .signs
                .items
                .iter()
                .map(|item| SignJson {
                    question: &q.questions[item.question].id,
                    value: &q.questions[item.question].options[item.option].value,
                    label: item.label(q),
                })
                .collect(),
        },
    });
    let from_bout: Vec<FactJson> = facts(q)
        .into_iter()
        .filter_map(|question| {
            let from = question.from_bout.as_ref()?;
            Some(FactJson {
                question: question_json(rb, question),
                fact: fact_name(from.fact),
                of: from.of.map(|i| q.questions[i].id.as_str()),
                start: from.start.map(|i| q.questions[i].id.as_str()),
            })
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
    let mut json = serde_json::json!({ "sections": sections });
    if let Some(checkin) = checkin {
        json["checkin"] = serde_json::to_value(checkin).expect("the check-in serializes");
    }
    json["from_bout"] = serde_json::to_value(from_bout).expect("the facts serialize");
    json["retired"] = serde_json::to_value(retired).expect("the retired questions serialize");
    let mut out = crate::clean::json_pretty(&json);
    out.push('\n');
    out
}

/// A section as JSON: the questions it asks (not the facts runback works out).
fn section_json<'a>(rb: &'a RuleBase, s: &'a Section) -> SectionJson<'a> {
    SectionJson {
        id: &s.id,
        title: &s.title,
        intro: s.intro.as_deref(),
        questions: asked(&rb.questionnaire.questions[s.questions.clone()])
            .filter(|question| question.from_bout.is_none())
            .map(|question| question_json(rb, question))
            .collect(),
    }
}

/// A fact's name, as `from_bout.fact` gives it in questionnaire.json.
fn fact_name(fact: BoutFact) -> &'static str {
    match fact {
        BoutFact::Days => "days",
        BoutFact::Runs => "runs",
        BoutFact::Spike => "spike",
        BoutFact::Change => "change",
        BoutFact::WeekChange => "week_change",
    }
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
/// question, the allowed answers as a table; the check-in's questions, the facts runback
/// works out and the questions no longer asked each under a heading of their own.
pub fn questions_markdown(rb: &RuleBase) -> String {
    let q = &rb.questionnaire;
    let mut out = String::from("# Questionnaire\n\n");
    let sections = assessment_sections(q);
    let assessed = sections
        .iter()
        .map(|s| asked(&q.questions[s.questions.clone()]).count())
        .sum::<usize>();
    out.push_str(&format!(
        "{assessed} questions in {} sections, in the order they are asked. An answer file maps each \
         question id to an answer; leave a question out (or `null`) to skip it.",
        sections.len()
    ));
    if q.checkin.is_some() {
        out.push_str(&format!(
            " The questions of a check-in come after them, under \"{CHECKIN_HEADING}\"."
        ));
    }
    out.push('\n');
    for (i, s) in sections.into_iter().enumerate() {
        out.push_str(&format!("\n## {}. {}\n", i + 1, inline(&s.title)));
        if let Some(intro) = &s.intro {
            out.push_str(&format!("\n{}\n", inline(intro)));
        }
        for question in asked(&q.questions[s.questions.clone()]) {
            question_markdown(&mut out, q, question, "Answer");
        }
    }
    if let Some(checkin) = &q.checkin {
        out.push_str(&format!(
            "\n## {CHECKIN_HEADING}\n\n{CHECKIN_NOTE_MARKDOWN}\n"
        ));
        for question in checkin_questions(q) {
            question_markdown(&mut out, q, question, "Answer");
        }
        out.push_str(&format!(
            "\n### The warning signs again\n\n{}\n",
            inline(&checkin.signs.text)
        ));
        if let Some(note) = &checkin.signs.note {
            out.push_str(&format!("\n{}\n", inline(note)));
        }
        out.push_str("\n| question | on the checklist |\n|---|---|\n");
        for item in &checkin.signs.items {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                sign_id(q, item),
                inline(item.label(q))
            ));
        }
    }
    let facts = facts(q);
    if !facts.is_empty() {
        out.push_str(&format!("\n## {FACTS_HEADING}\n\n{}\n", inline(FACTS_NOTE)));
        for question in facts {
            question_markdown(&mut out, q, question, "Value");
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

/// One question in Markdown: a heading, its wording, and a list of what an answer (or a
/// fact's value) looks like, when it is asked and its help; a choice's options as a table.
fn question_markdown(out: &mut String, q: &Questionnaire, question: &Question, answer: &str) {
    out.push_str(&format!(
        "\n### `{}`: {}\n\n{}\n\n",
        question.id,
        inline(&question.label),
        inline(&question.text)
    ));
    out.push_str(&format!(
        "- **{answer}:** {}\n",
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
                assert!(
                    apart.contains(&q.id.to_string()),
                    "{} not named as retired",
                    q.id
                );
            }
            assert!(apart.contains(RETIRED_NOTE));
        }
    }

    #[test]
    fn json_leaves_retired_questions_out_of_the_sections_and_names_them_apart() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let json: serde_json::Value = serde_json::from_str(&questions_json(&rb)).unwrap();
        let ids = |sections: &serde_json::Value| -> Vec<String> {
            sections
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["questions"].as_array().unwrap())
                .map(|q| q["id"].as_str().unwrap().to_string())
                .collect()
        };
        let listed = ids(&json["sections"]);
        let checkin = ids(&json["checkin"]["sections"]);
        let list = |key: &str| -> Vec<String> {
            json[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["id"].as_str().unwrap().to_string())
                .collect()
        };
        let apart = list("retired");
        let facts = list("from_bout");
        for q in retired(&rb) {
            assert!(
                !listed.contains(&q.id.to_string()),
                "{} listed as asked",
                q.id
            );
            assert!(
                apart.contains(&q.id.to_string()),
                "{} not named as retired",
                q.id
            );
        }
        assert_eq!(
            listed.len() + checkin.len() + facts.len() + apart.len(),
            rb.questionnaire.questions.len(),
            "every question once"
        );
    }

    #[test]
    fn the_check_in_and_the_facts_runback_works_out_are_listed_apart_in_every_format() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let q = &rb.questionnaire;
        let asked_at_checkin: Vec<&Question> = checkin_questions(q).collect();
        let worked_out = facts(q);
        assert!(!asked_at_checkin.is_empty() && !worked_out.is_empty());
        for (out, marker) in [
            (questions_text(&rb), "\n  {id}\n"),
            (questions_markdown(&rb), "### `{id}`"),
        ] {
            let (assessment, rest) = out.split_once(CHECKIN_HEADING).expect("a check-in part");
            let (checkin, rest) = rest.split_once(FACTS_HEADING).expect("a part of facts");
            let (facts, _) = rest.split_once(RETIRED_HEADING).expect("a retired part");
            let listed = |id: &str| marker.replace("{id}", id);
            for question in &asked_at_checkin {
                assert!(
                    !assessment.contains(&listed(&question.id)),
                    "{}",
                    question.id
                );
                assert!(checkin.contains(&listed(&question.id)), "{}", question.id);
            }
            for question in &worked_out {
                assert!(
                    !assessment.contains(&listed(&question.id)),
                    "{}",
                    question.id
                );
                assert!(!checkin.contains(&listed(&question.id)), "{}", question.id);
                assert!(facts.contains(&listed(&question.id)), "{}", question.id);
            }
            // Every warning sign the check-in re-screens, by its id.
            for item in &q.checkin.as_ref().unwrap().signs.items {
                assert!(checkin.contains(q.questions[item.question].id.as_str()));
            }
        }
        let json: serde_json::Value = serde_json::from_str(&questions_json(&rb)).unwrap();
        assert_eq!(json["from_bout"][0]["fact"], "runs");
        let signs = json["checkin"]["signs"]["items"].as_array().unwrap();
        let weakness = signs
            .iter()
            .find(|s| s["question"] == "rf_leg_weakness")
            .unwrap();
        assert_eq!(weakness["value"], "getting_worse");
        let assessed: usize = q
            .sections
            .iter()
            .filter(|s| !s.checkin)
            .map(|s| asked(&q.questions[s.questions.clone()]).count())
            .sum();
        let sections = q.sections.iter().filter(|s| !s.checkin).count();
        assert!(
            questions_markdown(&rb)
                .contains(&format!("{assessed} questions in {sections} sections"))
        );
    }
}
