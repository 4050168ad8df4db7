//! JSONL records: one JSON report, or one error record, per input line. The `id` is
//! written back as read, with the characters a terminal must not see escaped the JSON way.
//! An assessed line's record is written straight from the assessment (see
//! [`super::record`]); the report view is the reference it must match, and writes the
//! records of view options a batch does not use.

use serde::Serialize;
use serde_json::Value as Json;

use super::Record;
use crate::report::{ReportView, ViewOptions};

/// An assessed line: the JSON report with the line number and id in front.
#[derive(Serialize)]
struct Assessed<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Json>,
    #[serde(flatten)]
    report: ReportView<'a>,
}

/// A line that could not be assessed.
#[derive(Serialize)]
struct Failed<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Json>,
    error: &'a str,
}

/// Appends one record and a newline.
pub fn write(record: &Record, view: &ViewOptions, out: &mut Vec<u8>) {
    match &record.outcome {
        Ok(assessment) if super::record::handles(view) => {
            super::record::write(record.line, record.id.as_ref(), assessment, view, out);
        }
        _ => write_via_view(record, view, out),
    }
}

/// Appends one record and a newline, an assessed line's through the report view: what
/// [`write`] must write, byte for byte.
#[doc(hidden)]
pub fn write_via_view(record: &Record, view: &ViewOptions, out: &mut Vec<u8>) {
    let id = record.id.as_ref();
    let written = match &record.outcome {
        Ok(assessment) => super::json::write(
            &mut *out,
            assessment.rules.escaped(),
            &Assessed {
                line: record.line,
                id,
                report: ReportView::new(assessment, view),
            },
        ),
        Err(error) => super::json::write(
            &mut *out,
            &Default::default(),
            &Failed {
                line: record.line,
                id,
                error,
            },
        ),
    };
    written.expect("a record always serializes to memory");
    out.push(b'\n');
}
