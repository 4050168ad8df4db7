//! CSV: one summary row per answer set, for a spreadsheet.

use std::io::Write;

use super::Record;

/// How many causes a row names.
const CAUSES_PER_ROW: usize = 3;

/// The header row.
pub const HEADER: &str =
    "line,id,escalation,cause_1,confidence_1,cause_2,confidence_2,cause_3,confidence_3,error\n";

/// Appends one row: the escalation level and the top causes, or the error.
pub fn write(record: &Record, out: &mut Vec<u8>) {
    write!(out, "{},", record.line).expect("writing to memory");
    match &record.id {
        // CSV has no escapes of its own: control characters are shown as `\u{1b}`.
        Some(serde_json::Value::String(s)) => untrusted_field(&crate::clean::clean(s), out),
        Some(other) => field(&other.to_string(), out),
        None => {}
    }
    match &record.outcome {
        Ok(assessment) => {
            // Straight from the assessment: a row needs three ids, not a whole report.
            let rules = assessment.rules;
            out.push(b',');
            field(&rules.levels[assessment.escalation.level].id, out);
            for i in 0..CAUSES_PER_ROW {
                match assessment.causes.get(i) {
                    Some(finding) => {
                        out.push(b',');
                        field(&rules.causes[finding.cause].id, out);
                        // Rounded as the JSON report rounds it, so the two agree.
                        let confidence = (finding.confidence * 100.0).round() / 100.0;
                        write!(out, ",{confidence:.2}").expect("writing to memory");
                    }
                    None => out.extend_from_slice(b",,"),
                }
            }
            out.extend_from_slice(b",\n");
        }
        Err(error) => {
            out.extend_from_slice(b",,,,,,,,");
            untrusted_field(&crate::clean::clean(error), out);
            out.push(b'\n');
        }
    }
}

/// A field whose text came from the input: one starting like a formula gets a leading `'`,
/// so a spreadsheet opening the file shows it instead of running it (CSV injection).
fn untrusted_field(text: &str, out: &mut Vec<u8>) {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{text}"), out);
    } else {
        field(text, out);
    }
}

/// One field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn field(text: &str, out: &mut Vec<u8>) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> String {
        let mut out = Vec::new();
        field(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_from_the_input_cannot_become_a_spreadsheet_formula() {
        let guarded = |text: &str| {
            let mut out = Vec::new();
            untrusted_field(text, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            guarded("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(guarded("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guarded("+1"), "'+1");
        assert_eq!(guarded("runner-17"), "runner-17");
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(quoted("runner-17"), "runner-17");
        assert_eq!(quoted("Smith, J"), "\"Smith, J\"");
        assert_eq!(quoted("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn ids_and_errors_from_the_input_reach_the_row_escaped() {
        let record = Record {
            line: 2,
            id: Some(serde_json::json!("ana\u{1b}]0;pwned\u{7}\u{202e}")),
            outcome: Err("1 invalid answer: `x\u{9b}31m`: not a question id".to_string()),
        };
        let mut out = Vec::new();
        write(&record, &mut out);
        let row = String::from_utf8(out).unwrap();
        assert_eq!(
            row,
            "2,ana\\u{1b}]0;pwned\\u{7}\\u{202e},,,,,,,,1 invalid answer: `x\\u{9b}31m`: not a question id\n"
        );
    }

    #[test]
    fn every_row_has_as_many_fields_as_the_header() {
        let commas = |s: &str| s.matches(',').count();
        let record = Record {
            line: 4,
            id: None,
            outcome: Err("invalid JSON at column 2: expected value".to_string()),
        };
        let mut out = Vec::new();
        write(&record, &mut out);
        let row = String::from_utf8(out).unwrap();
        assert_eq!(commas(&row), commas(HEADER));
        assert_eq!(row, "4,,,,,,,,,invalid JSON at column 2: expected value\n");
    }
}
