//! Compact JSONL records (`--format jsonl-summary`): only the verdict of each answer set,
//! for a clinic that files or triages many runners.
//!
//! Every field has the name, place and meaning it has in the full JSON report, so a
//! program written for one reads the other: `escalation.level`, `escalation.reasons[]`
//! (`level`, `text`, `raised_by`) and `causes[]` (`id`, `confidence`, `strength`), with
//! `line` and `id` in front as in every batch record. A line that could not be assessed
//! gets the same error record as in JSONL.

use serde::Serialize;
use serde_json::Value as Json;

use super::Record;
use crate::engine::Assessment;
use crate::report::ViewOptions;
use crate::report::view::strength_word;

#[derive(Serialize)]
struct Verdict<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Json>,
    escalation: Escalation<'a>,
    causes: Vec<Cause<'a>>,
}

#[derive(Serialize)]
struct Escalation<'a> {
    level: &'a str,
    reasons: Vec<Reason<'a>>,
}

#[derive(Serialize)]
struct Reason<'a> {
    level: &'a str,
    text: &'a str,
    raised_by: &'a str,
}

#[derive(Serialize)]
struct Cause<'a> {
    id: &'a str,
    confidence: f64,
    strength: &'static str,
}

/// Appends one compact record and a newline; an error record is JSONL's.
pub fn write(record: &Record, view: &ViewOptions, out: &mut Vec<u8>) {
    let Ok(assessment) = &record.outcome else {
        return super::jsonl::write(record, view, out);
    };
    let verdict = Verdict {
        line: record.line,
        id: record.id.as_ref(),
        escalation: escalation(assessment),
        causes: assessment
            .causes
            .iter()
            .map(|f| Cause {
                id: &assessment.rules.causes[f.cause].id,
                // Rounded as the JSON report rounds it, so the two agree.
                confidence: (f.confidence * 100.0).round() / 100.0,
                strength: strength_word(f.confidence),
            })
            .collect(),
    };
    super::json::write(&mut *out, assessment.rules.escaped(), &verdict)
        .expect("a record always serializes to memory");
    out.push(b'\n');
}

fn escalation<'a>(a: &Assessment<'a>) -> Escalation<'a> {
    let rules = a.rules;
    let reasons = a
        .escalation
        .reasons
        .iter()
        .map(|r| {
            let (text, raised_by) = (r.text(rules), r.raised_by(rules));
            Reason {
                level: &rules.levels[r.level].id,
                text,
                raised_by,
            }
        })
        .collect();
    Escalation {
        level: &rules.levels[a.escalation.level].id,
        reasons,
    }
}
