//! FHIR R4 interchange for clinics: the questionnaire out as a `Questionnaire`, answers in
//! and out as a `QuestionnaireResponse`; the same for the check-in that follows a bout of
//! back pain, as a Questionnaire of its own.
//!
//! An import/export stage beside `answers`: a response read here ends as the one
//! [`Answers`] type, checked exactly as an answer file is, so the engine and the report
//! renderers never see FHIR. See docs/fhir.md.

pub mod invariants;
pub mod questionnaire;
pub mod resources;
pub mod response;

use serde_json::Value as Json;

use crate::answers::{self, AnswerError, Answers};
use crate::clean::clean;
use crate::rulebase::Questionnaire;

/// The Questionnaire's canonical URL: responses name it in `questionnaire`, before `|`.
pub const CANONICAL: &str = "https://runback.example/fhir/Questionnaire/runback";

/// The check-in Questionnaire's canonical URL.
pub const CHECKIN_CANONICAL: &str = "https://runback.example/fhir/Questionnaire/runback-checkin";

/// Which of runback's two Questionnaires: the assessment, or the check-in that follows a
/// bout of back pain (its own questions and the warning signs it re-screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The assessment: `runback assess` reads its responses.
    Assessment,
    /// The check-in: `runback checkin` reads its responses.
    Checkin,
}

impl Form {
    /// The canonical URL responses name.
    pub fn canonical(self) -> &'static str {
        match self {
            Form::Assessment => CANONICAL,
            Form::Checkin => CHECKIN_CANONICAL,
        }
    }

    /// The form with this canonical URL, if it is one of runback's.
    pub fn of_canonical(url: &str) -> Option<Form> {
        [Form::Assessment, Form::Checkin]
            .into_iter()
            .find(|f| f.canonical() == url)
    }

    /// Its name in a message.
    pub fn name(self) -> &'static str {
        match self {
            Form::Assessment => "runback's assessment",
            Form::Checkin => "runback's check-in",
        }
    }

    /// The command that exports its Questionnaire.
    pub fn export_command(self) -> &'static str {
        match self {
            Form::Assessment => "runback questions --format fhir",
            Form::Checkin => "runback questions --format fhir --checkin",
        }
    }

    /// The command that reads a response to it.
    pub fn read_command(self) -> &'static str {
        match self {
            Form::Assessment => "runback assess --answers FILE",
            Form::Checkin => "runback checkin --answers FILE",
        }
    }
}

/// The code system of the yes/no/unsure answers.
pub const YES_NO_SYSTEM: &str = "https://runback.example/fhir/CodeSystem/yes-no-unsure";

/// The code system of one choice question's options: this prefix and the question's id,
/// since option values are unique only within a question.
pub const OPTION_SYSTEM_PREFIX: &str = "https://runback.example/fhir/CodeSystem/";

/// Why an answer file or a QuestionnaireResponse was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The answers were refused, as an answer file's are (each problem names the linkId
    /// and, in a response, the path to the element).
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// The input is a FHIR resource runback cannot assess, or a response to another
    /// questionnaire or version, or one whose status says it must not be used.
    #[error("{}: {}", clean(.name), clean(.reason))]
    Refused {
        /// File name, `<stdin>` or `line N`.
        name: String,
        /// Why, and what would be accepted.
        reason: String,
    },
}

impl ReadError {
    /// The message without the input's name, for a record that already names it.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ReadError::Answers(_) => None,
            ReadError::Refused { reason, .. } => Some(reason),
        }
    }
}

/// Parses an answer file or a QuestionnaireResponse to the assessment, whichever `text`
/// holds; `name` is shown in messages. The same limits apply to both.
pub fn parse_answers(
    text: &str,
    name: &str,
    questionnaire: &Questionnaire,
) -> Result<Answers, ReadError> {
    parse_answers_for(text, name, questionnaire, Form::Assessment)
}

/// [`parse_answers`] for either form: a response to the other one is refused.
pub fn parse_answers_for(
    text: &str,
    name: &str,
    questionnaire: &Questionnaire,
    form: Form,
) -> Result<Answers, ReadError> {
    // A plain answer file is read straight into answers; anything else (a response, a
    // mistake to word) the general way.
    if text.len() <= answers::MAX_ANSWER_BYTES
        && let Some(answers) = answers::quick::read_file(text, questionnaire)
    {
        return Ok(answers);
    }
    let json = answers::parse_checked(text, name)?;
    answers_from_json_for(&json, name, questionnaire, form)
}

/// Checks answers already parsed, for the assessment: a JSON object with `"resourceType":
/// "QuestionnaireResponse"` is read as a response, any other `resourceType` is refused,
/// and anything else is an answer file.
pub fn answers_from_json(
    json: &Json,
    name: &str,
    questionnaire: &Questionnaire,
) -> Result<Answers, ReadError> {
    answers_from_json_for(json, name, questionnaire, Form::Assessment)
}

/// [`answers_from_json`] for either form.
pub fn answers_from_json_for(
    json: &Json,
    name: &str,
    questionnaire: &Questionnaire,
    form: Form,
) -> Result<Answers, ReadError> {
    match json.get("resourceType") {
        None => Ok(Answers::from_json(json, name, questionnaire)?),
        Some(Json::String(kind)) if kind == "QuestionnaireResponse" => {
            response::read_for(json, name, questionnaire, form)
        }
        Some(other) => {
            let found = match other {
                Json::String(s) => format!("a FHIR {s}"),
                other => format!("`resourceType` {other}"),
            };
            let reads = match form {
                Form::Assessment => format!(
                    "runback assesses a JSON object of answers (`runback template`) or a FHIR QuestionnaireResponse to {CANONICAL}"
                ),
                Form::Checkin => format!(
                    "runback checkin reads a JSON object of answers (`runback template --checkin`) or a FHIR QuestionnaireResponse to {CHECKIN_CANONICAL}"
                ),
            };
            Err(ReadError::Refused {
                name: name.to_string(),
                reason: format!(
                    "{found} is neither an answer file nor a QuestionnaireResponse; {reads}"
                ),
            })
        }
    }
}

/// Whether a file name asks for a QuestionnaireResponse rather than an answer file.
pub fn is_response_file(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".fhir.json"))
}

/// The version's first number, for the compatibility check.
fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}
