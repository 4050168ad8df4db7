//! JSON Schemas for the files people write (answer files and the six rule files) and
//! the JSON runback writes (a report, a check-in, the history).
//!
//! The rule-file schemas are generated from the serde types in `rulebase::files`, so they
//! cannot drift from what the loader accepts; the answer-file schema is generated from a
//! questionnaire, because its keys are that questionnaire's question ids. The committed
//! copies live in `schemas/`, and a test keeps them equal to what this module generates.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde_json::{Map, Value as Json, json};

use crate::answers::expectation;
use crate::rulebase::files::{
    CausesFile, EscalationFile, QuestionnaireFile, RulesFile, SourcesFile, StrategiesFile,
};
use crate::rulebase::{AnswerKind, Question, Questionnaire};

/// A file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// An answer file (generated from the questionnaire in use).
    Answers,
    /// `questionnaire.json`.
    Questionnaire,
    /// `rules.json`.
    Rules,
    /// `causes.json`.
    Causes,
    /// `strategies.json`.
    Strategies,
    /// `escalation.json`.
    Escalation,
    /// `sources.json`.
    Sources,
    /// A JSON report, as `runback assess --format json` writes it.
    Report,
    /// A check-in, as `runback checkin --format json` writes it.
    Checkin,
    /// The bouts kept, as `runback history --format json` writes them.
    History,
}

impl SchemaKind {
    /// Every kind, in the order `schemas/` lists them.
    pub const ALL: [SchemaKind; 10] = [
        SchemaKind::Answers,
        SchemaKind::Questionnaire,
        SchemaKind::Rules,
        SchemaKind::Causes,
        SchemaKind::Strategies,
        SchemaKind::Escalation,
        SchemaKind::Sources,
        SchemaKind::Report,
        SchemaKind::Checkin,
        SchemaKind::History,
    ];

    /// The schema's file name in `schemas/`, e.g. `rules.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Answers => "answers.schema.json",
            SchemaKind::Questionnaire => "questionnaire.schema.json",
            SchemaKind::Rules => "rules.schema.json",
            SchemaKind::Causes => "causes.schema.json",
            SchemaKind::Strategies => "strategies.schema.json",
            SchemaKind::Escalation => "escalation.schema.json",
            SchemaKind::Sources => "sources.schema.json",
            SchemaKind::Report => "report.schema.json",
            SchemaKind::Checkin => "checkin.schema.json",
            SchemaKind::History => "history.schema.json",
        }
    }

    /// Whether the schema depends on the questionnaire in use.
    pub fn needs_questionnaire(self) -> bool {
        self == SchemaKind::Answers
    }
}

/// The schema of a rule file, or `None` for [`SchemaKind::Answers`] (see [`answers`]).
pub fn rule_file(kind: SchemaKind) -> Option<Json> {
    let (schema, name) = match kind {
        SchemaKind::Answers => return None,
        SchemaKind::Questionnaire => (of::<QuestionnaireFile>(), "questionnaire.json"),
        SchemaKind::Rules => (of::<RulesFile>(), "rules.json"),
        SchemaKind::Causes => (of::<CausesFile>(), "causes.json"),
        SchemaKind::Strategies => (of::<StrategiesFile>(), "strategies.json"),
        SchemaKind::Escalation => (of::<EscalationFile>(), "escalation.json"),
        SchemaKind::Sources => (of::<SourcesFile>(), "sources.json"),
        SchemaKind::Report => return Some(crate::report::json_schema()),
        SchemaKind::Checkin => {
            return Some(output::<crate::report::bout::CheckinView<'static>>(
                "runback JSON check-in",
                "What `runback checkin --format json` writes",
            ));
        }
        SchemaKind::History => {
            return Some(output::<crate::report::bout::HistoryView>(
                "runback JSON history",
                "What `runback history --format json` writes",
            ));
        }
    };
    let Json::Object(generated) = schema else {
        unreachable!("a struct's schema is an object")
    };
    // Title and description first, so an editor's hover reads well.
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        generated.get("$schema").cloned().unwrap_or(Json::Null),
    );
    out.insert("title".into(), json!(format!("runback {name}")));
    out.insert(
        "description".into(),
        json!(format!(
            "The {name} file of a runback rule base; see rules/README.md. `runback check` validates it fully."
        )),
    );
    for (k, v) in generated {
        if !matches!(k.as_str(), "$schema" | "title" | "description") {
            out.insert(k, v);
        }
    }
    Some(Json::Object(out))
}

/// The schema of a document runback writes, titled, with its shape version.
fn output<T: JsonSchema>(title: &str, what: &str) -> Json {
    let generated = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let Json::Object(generated) = generated else {
        unreachable!("a struct's schema is an object")
    };
    // Title and description first, so an editor's hover reads well.
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        generated.get("$schema").cloned().unwrap_or(Json::Null),
    );
    out.insert("title".into(), json!(title));
    out.insert(
        "description".into(),
        json!(format!(
            "{what}, schema_version {}; see docs/usage.md.",
            crate::report::bout::SCHEMA_VERSION
        )),
    );
    for (k, v) in generated {
        if !matches!(k.as_str(), "$schema" | "title" | "description") {
            out.insert(k, v);
        }
    }
    Json::Object(out)
}

fn of<T: JsonSchema>() -> Json {
    SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The schema of an answer file for this questionnaire: its question ids as keys, each
/// with the values it allows; `$` keys as notes; nothing else.
pub fn answers(questionnaire: &Questionnaire) -> Json {
    let properties: Map<String, Json> = questionnaire
        .questions
        .iter()
        .map(|q| (q.id.to_string(), answer(q)))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "runback answer file",
        "description": "A runner's answers: each key a question id, each value an answer, null or a missing key for not answered. Keys starting with $ are notes and are ignored. `runback questions` lists every question.",
        "type": "object",
        "properties": properties,
        "patternProperties": { "^\\$": {} },
        "additionalProperties": false
    })
}

/// The schema of one answer.
fn answer(q: &Question) -> Json {
    let mut description = format!("{} Answer: {}.", q.text, expectation(q));
    if let Some(help) = q.explanation() {
        description.push(' ');
        description.push_str(&help);
    }
    let values = || -> Vec<Json> { q.options.iter().map(|o| json!(o.value)).collect() };
    let mut schema = match &q.kind {
        AnswerKind::YesNo => {
            let mut allowed = values();
            allowed.extend([json!(true), json!(false), Json::Null]);
            json!({ "enum": allowed })
        }
        AnswerKind::Single => {
            let mut allowed = values();
            allowed.push(Json::Null);
            json!({ "enum": allowed })
        }
        AnswerKind::Multi => {
            let mut schema = json!({
                "type": ["array", "null"],
                "items": { "enum": values() },
                "uniqueItems": true
            });
            if let Some(ex) = q.options.iter().find(|o| o.exclusive) {
                schema["if"] = json!({ "type": "array", "contains": { "const": ex.value } });
                schema["then"] = json!({ "maxItems": 1 });
            }
            schema
        }
        AnswerKind::Number { .. } | AnswerKind::Scale { .. } => {
            let (min, max) = q.kind.range().expect("numeric questions have a range");
            let ty = if q.kind.whole_numbers_only() {
                "integer"
            } else {
                "number"
            };
            json!({ "type": [ty, "null"], "minimum": number(min), "maximum": number(max) })
        }
    };
    let Json::Object(map) = &mut schema else {
        unreachable!("every answer schema above is an object")
    };
    let mut out = Map::new();
    out.insert("title".into(), json!(q.label));
    out.insert("description".into(), json!(description));
    out.append(map);
    Json::Object(out)
}

/// A bound as JSON, without a needless `.0`.
fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A schema as written to `schemas/`: pretty JSON and a final newline.
pub fn to_text(schema: &Json) -> String {
    let mut out = crate::clean::json_pretty(schema);
    out.push('\n');
    out
}
