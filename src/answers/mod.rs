//! A runner's answers, checked against the questionnaire once and held by question index.
//!
//! The file format is a JSON object mapping question id to value; keys starting with `$`
//! are annotations (such as `$schema`, or the hints `runback template` writes) and are
//! ignored; `null` means "not answered".

pub(crate) mod quick;
use std::fmt;
use std::io::Read;

use serde_json::Value as Json;

use crate::clean::clean;
use crate::rulebase::{AnswerKind, OptionSet, Question, QuestionIdx, Questionnaire};
use crate::suggest::did_you_mean;

/// The largest answer file (or batch line) accepted, in bytes. A complete answer file is a
/// few kilobytes; the limit keeps a stray or hostile input from exhausting memory.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The most problems one refused answer file lists; a real one has a handful, and the
/// questionnaire has under a hundred questions.
pub const MAX_PROBLEMS_LISTED: usize = 100;

/// One typed answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// The index of the chosen option (yes/no and single choice).
    Choice(usize),
    /// The chosen options of a multiple choice, a bit per option.
    Multi(OptionSet),
    /// A number or scale point.
    Number(f64),
}

/// Every answer, indexed by question; `None` is unanswered.
#[derive(Debug, PartialEq, Default)]
pub struct Answers {
    values: Vec<Option<Value>>,
}

impl Clone for Answers {
    fn clone(&self) -> Self {
        Answers {
            values: self.values.clone(),
        }
    }

    /// Copies into the memory already held: a batch reuses one assessment's answers for
    /// the next answer set.
    fn clone_from(&mut self, source: &Self) {
        self.values.clone_from(&source.values);
    }
}

/// Why an answer file was refused.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The file or stream could not be read.
    #[error("cannot read answers from {}: {source}", clean(.name))]
    Read {
        /// File name, or `<stdin>`.
        name: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The input is larger than [`MAX_ANSWER_BYTES`].
    #[error(
        "{} is larger than the {} MiB limit for answers; an answer file holds one JSON object and is a few kilobytes",
        clean(.name),
        MAX_ANSWER_BYTES >> 20
    )]
    TooLarge {
        /// File name, or `<stdin>`.
        name: String,
    },
    /// The input was empty.
    #[error(
        "{} is empty: expected a JSON object of answers.\n  Pipe an answer file in (runback assess < answers.json; `runback template > answers.json` writes one to fill in), or run runback in a terminal to answer the questions",
        clean(.name)
    )]
    Empty {
        /// File name, or `<stdin>`.
        name: String,
    },
    /// The input is not JSON.
    #[error("{}:{line}:{column}: invalid JSON: {}", clean(.name), clean(.message))]
    Syntax {
        /// File name, or `<stdin>`.
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The JSON is not an object.
    #[error("{}: expected a JSON object mapping question ids to answers, found {found}", clean(.name))]
    NotAnObject {
        /// File name, or `<stdin>`.
        name: String,
        /// What was found instead.
        found: &'static str,
    },
    /// Some answers do not fit their questions.
    #[error("{}: {} invalid answer{}:\n{}{}", clean(.name), problems.len() + unlisted, if problems.len() + unlisted == 1 { "" } else { "s" }, problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"), if *unlisted > 0 { format!("\n  and {unlisted} more, not listed") } else { String::new() })]
    Invalid {
        /// File name, or `<stdin>`.
        name: String,
        /// The answers that are wrong, up to [`MAX_PROBLEMS_LISTED`].
        problems: Vec<AnswerProblem>,
        /// How many more are wrong beyond those listed.
        unlisted: usize,
    },
}

/// One answer that does not fit its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The key as written in the file.
    pub question: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", clean(&self.question), clean(&self.message))
    }
}

impl Answers {
    /// No answers yet, for a questionnaire.
    pub fn none(questionnaire: &Questionnaire) -> Self {
        Answers {
            values: vec![None; questionnaire.questions.len()],
        }
    }

    /// The answer to a question, if any.
    pub fn get(&self, question: QuestionIdx) -> Option<Value> {
        self.values.get(question).copied().flatten()
    }

    /// Sets or clears the answer to a question.
    pub fn set(&mut self, question: QuestionIdx, value: Option<Value>) {
        self.values[question] = value;
    }

    /// Whether no question has an answer.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }

    /// Parses and checks an answer file; `name` is shown in messages.
    pub fn parse(
        text: &str,
        name: &str,
        questionnaire: &Questionnaire,
    ) -> Result<Self, AnswerError> {
        Self::from_json(&parse_checked(text, name)?, name, questionnaire)
    }

    /// Checks answers already parsed from JSON (a batch line, once its `id` is taken out).
    pub fn from_json(
        json: &Json,
        name: &str,
        questionnaire: &Questionnaire,
    ) -> Result<Self, AnswerError> {
        let Json::Object(map) = json else {
            return Err(AnswerError::NotAnObject {
                name: name.to_string(),
                found: json_kind(json),
            });
        };
        let mut answers = Answers::none(questionnaire);
        let mut problems = Vec::new();
        let mut unlisted = 0;
        for (key, value) in map {
            if key.starts_with('$') {
                continue;
            }
            let Some(qi) = questionnaire.find(key) else {
                // Past the cap a problem is only counted: a hostile file with tens of
                // thousands of keys would otherwise cost seconds of suggestions and
                // megabytes of message.
                if problems.len() >= MAX_PROBLEMS_LISTED {
                    unlisted += 1;
                    continue;
                }
                problems.push(AnswerProblem {
                    question: key.clone(),
                    message: format!(
                        "not a question id{}; `runback questions` lists them all",
                        did_you_mean(key, questionnaire.questions.iter().map(|q| q.id.as_str()))
                    ),
                });
                continue;
            };
            match typed(&questionnaire.questions[qi], value) {
                Ok(v) => answers.values[qi] = v,
                Err(_) if problems.len() >= MAX_PROBLEMS_LISTED => unlisted += 1,
                Err(message) => problems.push(AnswerProblem {
                    question: key.clone(),
                    message,
                }),
            }
        }
        if problems.is_empty() {
            Ok(answers)
        } else {
            Err(AnswerError::Invalid {
                name: name.to_string(),
                problems,
                unlisted,
            })
        }
    }

    /// The answers as an answer-file object, in questionnaire order.
    pub fn to_json(&self, questionnaire: &Questionnaire) -> serde_json::Map<String, Json> {
        questionnaire
            .questions
            .iter()
            .enumerate()
            .filter_map(|(i, q)| Some((q.id.to_string(), to_json(q, self.get(i)?))))
            .collect()
    }
}

/// Parses the text of an answer file (or of anything read in its place, such as a FHIR
/// QuestionnaireResponse) as JSON, within the size limit and refusing an empty input.
pub fn parse_checked(text: &str, name: &str) -> Result<Json, AnswerError> {
    if text.len() > MAX_ANSWER_BYTES {
        return Err(AnswerError::TooLarge {
            name: name.to_string(),
        });
    }
    if text.trim().is_empty() {
        return Err(AnswerError::Empty {
            name: name.to_string(),
        });
    }
    parse_json(text, name)
}

/// Checks one answer, in its answer-file form, against its question: the one check every
/// way in (an answer file, a batch line, a FHIR response) goes through. `Ok(None)` for
/// `null`.
pub fn check_answer(question: &Question, value: &Json) -> Result<Option<Value>, String> {
    typed(question, value)
}

/// Parses JSON text, turning a syntax error into one with line and column.
pub fn parse_json(text: &str, name: &str) -> Result<Json, AnswerError> {
    serde_json::from_str(text).map_err(|e| {
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        AnswerError::Syntax {
            name: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: message
                .strip_suffix(&position)
                .unwrap_or(&message)
                .to_string(),
        }
    })
}

/// Reads an answer file or stream, refusing more than [`MAX_ANSWER_BYTES`] without reading
/// the rest, so a huge or endless input costs no more memory than the limit.
pub fn read_text(reader: impl Read, name: &str) -> Result<String, AnswerError> {
    let read_error = |source| AnswerError::Read {
        name: name.to_string(),
        source,
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_ANSWER_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    // Checked before UTF-8, so a cut through a character at the limit is still "too large".
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(AnswerError::TooLarge {
            name: name.to_string(),
        });
    }
    String::from_utf8(bytes).map_err(|_| {
        read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// The JSON form of one answer, as an answer file holds it.
pub fn to_json(question: &Question, value: Value) -> Json {
    match value {
        Value::Choice(o) => Json::String(question.options[o].value.to_string()),
        Value::Multi(set) => Json::Array(
            options_in(question, set)
                .map(|o| Json::String(question.options[o].value.to_string()))
                .collect(),
        ),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Json::from(n as i64),
        Value::Number(n) => serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number),
    }
}

/// The answer in words, as a report shows it ("More than 800 km", "7 of 10").
pub fn describe(question: &Question, value: Value) -> String {
    match value {
        Value::Choice(o) => question.options[o].label.to_string(),
        Value::Multi(set) => options_in(question, set)
            .enumerate()
            .map(|(i, o)| {
                let label = question.options[o].label.as_str();
                if i == 0 {
                    label.to_string()
                } else {
                    in_a_list(label)
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Number(n) => match &question.kind {
            AnswerKind::Number { unit, unit_one, .. } => {
                let unit = unit_one.as_ref().filter(|_| n.abs() == 1.0).unwrap_or(unit);
                format!("{} {unit}", number(n))
            }
            AnswerKind::Scale { max, .. } => format!("{} of {max}", number(n)),
            _ => number(n),
        },
    }
}

/// A label after the first in a list, as it reads in a sentence: "in the hours after a
/// run", not "In the hours after a run". A word in capitals ("NHS") or "I" keeps its
/// capital.
fn in_a_list(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

// The rule base words numbers and option sets too; answers use the same.
pub use crate::rulebase::words::{number, options_in};

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Checks one answer against its question; `Ok(None)` for an explicit `null`.
fn typed(question: &Question, value: &Json) -> Result<Option<Value>, String> {
    if value.is_null() {
        return Ok(None);
    }
    // Worded only on error: a valid answer is the common case and must stay cheap.
    let expected = || expectation(question);
    let found = || match value {
        Json::String(s) => format!("\"{}\"", clean(s)),
        other => format!("{} ({})", json_kind(other), clean(&other.to_string())),
    };
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single => {
            let text = match value {
                Json::String(s) => s.as_str(),
                Json::Bool(true) if question.kind == AnswerKind::YesNo => "yes",
                Json::Bool(false) if question.kind == AnswerKind::YesNo => "no",
                _ => return Err(format!("expected {}, found {}", expected(), found())),
            };
            choice(question, text).map(|o| Some(Value::Choice(o)))
        }
        AnswerKind::Multi => {
            let Json::Array(items) = value else {
                return Err(format!("expected {}, found {}", expected(), found()));
            };
            let mut set: OptionSet = 0;
            for item in items {
                let Json::String(text) = item else {
                    return Err(format!(
                        "expected {}, found {} in the list",
                        expected(),
                        json_kind(item)
                    ));
                };
                let o = choice(question, text)?;
                if set & (1 << o) != 0 {
                    return Err(format!("\"{}\" is listed twice", clean(text)));
                }
                set |= 1 << o;
            }
            if let Some(ex) = exclusive_clash(question, set) {
                return Err(format!(
                    "\"{}\" cannot be combined with other choices",
                    question.options[ex].value
                ));
            }
            Ok(Some(Value::Multi(set)))
        }
        AnswerKind::Number { .. } | AnswerKind::Scale { .. } => {
            let Some(n) = value.as_f64() else {
                return Err(format!("expected {}, found {}", expected(), found()));
            };
            number_in_range(question, n).map(|n| Some(Value::Number(n)))
        }
    }
}

/// An option of `set` that must be chosen alone, when others are chosen with it.
pub(crate) fn exclusive_clash(question: &Question, set: OptionSet) -> Option<usize> {
    if set.count_ones() < 2 {
        return None;
    }
    options_in(question, set).find(|&o| question.options[o].exclusive)
}

/// Checks a number against a number or scale question's range and whole-number rule.
pub fn number_in_range(question: &Question, n: f64) -> Result<f64, String> {
    let (min, max) = question.kind.range().unwrap_or((f64::MIN, f64::MAX));
    if !n.is_finite() || n < min || n > max {
        return Err(format!(
            "{} is out of range; expected {}",
            number(n),
            expectation(question)
        ));
    }
    if question.kind.whole_numbers_only() && n.fract() != 0.0 {
        return Err(format!(
            "{} is not a whole number; expected {}",
            number(n),
            expectation(question)
        ));
    }
    Ok(n)
}

fn choice(question: &Question, text: &str) -> Result<usize, String> {
    question.option(text).ok_or_else(|| {
        format!(
            "no option \"{}\"{}; expected one of: {}",
            clean(text),
            did_you_mean(text, question.options.iter().map(|o| o.value.as_str())),
            question.option_list()
        )
    })
}

/// What a valid answer to this question looks like, in words.
pub fn expectation(question: &Question) -> String {
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single => format!("one of: {}", question.option_list()),
        AnswerKind::Multi => format!("a list of any of: {}", question.option_list()),
        AnswerKind::Number {
            unit,
            min,
            max,
            integer,
            ..
        } => format!(
            "{} from {} to {} ({unit})",
            if *integer {
                "a whole number"
            } else {
                "a number"
            },
            number(*min),
            number(*max)
        ),
        AnswerKind::Scale { min, max, .. } => format!("a whole number from {min} to {max}"),
    }
}

#[cfg(test)]
mod tests {
    use super::in_a_list;

    #[test]
    fn a_label_after_the_first_reads_as_part_of_a_sentence() {
        assert_eq!(
            in_a_list("In the hours after a run"),
            "in the hours after a run"
        );
        assert_eq!(in_a_list("NHS 111"), "NHS 111");
        assert_eq!(in_a_list("I'm not sure"), "I'm not sure");
        assert_eq!(in_a_list("I only run"), "I only run");
        assert_eq!(in_a_list("x"), "x");
    }
}
