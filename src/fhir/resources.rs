//! The parts of the FHIR R4 Questionnaire and QuestionnaireResponse that runback writes
//! and reads, as plain serde structs.
//!
//! Hand-written on purpose: the FHIR model crates are experimental, lack plain R4, or need
//! a newer compiler than this project's. Elements runback never writes but a Questionnaire
//! may hold (`initial`, `readOnly`, `maxLength`, `code`, `answerValueSet`) are here so
//! the invariants can be checked on any Questionnaire, not only runback's own.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// A FHIR R4 Questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Questionnaire {
    /// Always `Questionnaire`.
    pub resource_type: String,
    /// The logical id on a server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The human language of the texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The canonical URL that responses name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The business version (the rule base's questionnaire version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A computer-friendly name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A human-friendly title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `draft`, `active`, `retired` or `unknown`.
    pub status: String,
    /// The resource types that can be the subject of a response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_type: Vec<String>,
    /// When it was last changed, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who publishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// What it is for, in Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The items, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<Item>,
}

/// One item of a Questionnaire: a group, a display text or a question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Extensions (units, limits, item controls, expressions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Unique within the Questionnaire; a question's is its runback id.
    pub link_id: String,
    /// Concepts the item stands for (runback writes none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Json>,
    /// The text shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `group`, `display`, `choice`, `integer`, `decimal`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Conditions that enable the item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enable_when: Vec<EnableWhen>,
    /// `all` or `any`, for more than one condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_behavior: Option<String>,
    /// Whether an answer is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Whether the item takes several answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<bool>,
    /// Whether the item cannot be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// The longest answer, for text items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// A value set of allowed answers (runback lists options instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_value_set: Option<String>,
    /// The allowed answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    /// Initial answers (runback writes none: a warning sign is never answered by default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial: Vec<Json>,
    /// Nested items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<Item>,
}

/// One condition of an item's `enableWhen`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnableWhen {
    /// The linkId of the question tested.
    pub question: String,
    /// `exists`, `=`, `!=`, `>`, `<`, `>=` or `<=`.
    pub operator: String,
    /// For `exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_boolean: Option<bool>,
    /// For a decimal question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_decimal: Option<f64>,
    /// For an integer question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_integer: Option<i64>,
    /// For a choice question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_coding: Option<Coding>,
    /// For a text question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_string: Option<String>,
    /// For a date question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_date: Option<String>,
    /// For a dateTime question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_date_time: Option<String>,
    /// For a time question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_time: Option<String>,
    /// For a quantity question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_quantity: Option<Json>,
    /// For a reference question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_reference: Option<Json>,
}

impl EnableWhen {
    /// The `answer[x]` element names present, such as `answerCoding`.
    pub fn answer_kinds(&self) -> Vec<&'static str> {
        let present = [
            ("answerBoolean", self.answer_boolean.is_some()),
            ("answerDecimal", self.answer_decimal.is_some()),
            ("answerInteger", self.answer_integer.is_some()),
            ("answerCoding", self.answer_coding.is_some()),
            ("answerString", self.answer_string.is_some()),
            ("answerDate", self.answer_date.is_some()),
            ("answerDateTime", self.answer_date_time.is_some()),
            ("answerTime", self.answer_time.is_some()),
            ("answerQuantity", self.answer_quantity.is_some()),
            ("answerReference", self.answer_reference.is_some()),
        ];
        present
            .into_iter()
            .filter_map(|(name, here)| here.then_some(name))
            .collect()
    }
}

/// One allowed answer of a choice question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    /// Such as `questionnaire-optionExclusive`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The option as a coding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
}

/// A code in a code system, with its display text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// The code system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What a person reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// An extension: a URL and one value, kept as JSON because its type varies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    /// What the extension means.
    pub url: String,
    /// `valueInteger`, `valueCoding`, `valueExpression`, ...: exactly one.
    #[serde(flatten)]
    pub value: serde_json::Map<String, Json>,
}

impl Extension {
    /// An extension with one `value[x]` element.
    pub fn new(url: &str, kind: &str, value: Json) -> Self {
        let mut map = serde_json::Map::new();
        map.insert(kind.to_string(), value);
        Extension {
            url: url.to_string(),
            value: map,
        }
    }
}

/// A FHIR R4 QuestionnaireResponse, as runback writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    /// Always `QuestionnaireResponse`.
    pub resource_type: &'static str,
    /// `url|version` of the Questionnaire answered.
    pub questionnaire: String,
    /// `completed` or `in-progress`.
    pub status: &'static str,
    /// When the answers were given (or written), `YYYY-MM-DDThh:mm:ssZ`.
    pub authored: String,
    /// One group item per section that has an answer.
    pub item: Vec<ResponseItem>,
}

/// An item of a QuestionnaireResponse: a group with nested items, or an answered question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    /// The Questionnaire item answered.
    pub link_id: String,
    /// The item's text, for a reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answers; several only for a multiple choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<ResponseAnswer>,
    /// Nested items (a group's questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// One answer of a response item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseAnswer {
    /// Items nested under this answer (runback writes none, but reads them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
    /// `valueCoding`, `valueInteger`, `valueDecimal`, or whatever a client sent.
    #[serde(flatten)]
    pub value: serde_json::Map<String, Json>,
}
