//! A QuestionnaireResponse read as answers, and answers written as one.
//!
//! Reading goes through the same checks as an answer file (`answers::check_answer`),
//! after the FHIR shape is checked: each problem names the `linkId` and the path to the
//! element in the response, such as `item[2].item[0].answer[0].valueCoding.code`.

use serde_json::{Value as Json, json};

use super::questionnaire::{answerable, item_type, layout, option_coding, option_system};
use super::resources::{QuestionnaireResponse, ResponseAnswer, ResponseItem};
use super::{Form, ReadError, major};
use crate::answers::{self, AnswerError, AnswerProblem, Answers, MAX_PROBLEMS_LISTED, Value};
use crate::clean::clean;
use crate::rulebase::{AnswerKind, Question, QuestionIdx, Questionnaire, RuleBase};
use crate::suggest::did_you_mean;

/// The statuses read as answers: `amended` is a completed response changed since, and
/// `stopped` one given up part way, whose answers are as good as an unfinished one's.
pub const READ_STATUSES: [&str; 4] = ["completed", "in-progress", "amended", "stopped"];

/// Reads a QuestionnaireResponse (already parsed) as answers to the assessment.
pub fn read(json: &Json, name: &str, questionnaire: &Questionnaire) -> Result<Answers, ReadError> {
    read_for(json, name, questionnaire, Form::Assessment)
}

/// Reads a QuestionnaireResponse (already parsed) as answers to `form`: a response to the
/// other form is refused, saying which command reads it.
pub fn read_for(
    json: &Json,
    name: &str,
    questionnaire: &Questionnaire,
    form: Form,
) -> Result<Answers, ReadError> {
    let refuse = |reason: String| ReadError::Refused {
        name: name.to_string(),
        reason,
    };
    let ours = form.canonical();
    if let Some(canonical) = json.get("questionnaire") {
        let Json::String(canonical) = canonical else {
            return Err(refuse(format!(
                "`questionnaire` must be the canonical URL of the Questionnaire, {ours}, found {canonical}"
            )));
        };
        let (url, version) = match canonical.split_once('|') {
            Some((url, version)) => (url, Some(version)),
            None => (canonical.as_str(), None),
        };
        match Form::of_canonical(url) {
            Some(named) if named == form => {}
            Some(other) => {
                return Err(refuse(format!(
                    "this QuestionnaireResponse answers {} ({}), not {} ({ours}); `{}` reads it",
                    other.name(),
                    other.canonical(),
                    form.name(),
                    other.read_command()
                )));
            }
            None => {
                return Err(refuse(format!(
                    "this QuestionnaireResponse answers the questionnaire {}, not {} ({ours}); runback reads only answers to its own questions",
                    clean(url),
                    form.name()
                )));
            }
        }
        if let (Some(theirs), Some(in_use)) = (version, questionnaire.version.as_deref())
            && major(theirs) != major(in_use)
        {
            return Err(refuse(format!(
                "this QuestionnaireResponse answers version {} of {}, which is not compatible with version {in_use} in use (the first number differs); export the current one with `{}`",
                clean(theirs),
                form.name(),
                form.export_command()
            )));
        }
    }
    match json.get("status").and_then(Json::as_str) {
        Some(status) if READ_STATUSES.contains(&status) => {}
        Some("entered-in-error") => {
            return Err(refuse(
                "this QuestionnaireResponse is marked `entered-in-error`: its answers must not be assessed".into(),
            ));
        }
        other => {
            return Err(refuse(format!(
                "`status` must be one of: {}; found {}",
                READ_STATUSES.join(", "),
                other.map_or_else(|| "none".to_string(), |s| format!("\"{s}\""))
            )));
        }
    }
    let items: Vec<ResponseItem> = match json.get("item") {
        None => Vec::new(),
        Some(items) => serde_path_to_error::deserialize(items).map_err(|e| {
            let path = format!("item{}", e.path()).replace("item.[", "item[");
            refuse(format!("at {}: {}", tidy_path(&path), e.into_inner()))
        })?,
    };
    let mut reader = Reader {
        questionnaire,
        form,
        answerable: answerable(questionnaire, form),
        groups: layout(questionnaire, form)
            .into_iter()
            .map(|g| g.link_id)
            .chain(
                // A section of retired questions only is no group of the Questionnaire,
                // but a response may still name it.
                questionnaire
                    .sections
                    .iter()
                    .filter(|s| form == Form::Assessment && !s.checkin)
                    .map(|s| s.id.to_string()),
            )
            .collect(),
        answers: Answers::none(questionnaire),
        seen: vec![None; questionnaire.questions.len()],
        problems: Vec::new(),
        unlisted: 0,
    };
    reader.items(&items, "item");
    if reader.problems.is_empty() {
        Ok(reader.answers)
    } else {
        Err(ReadError::Answers(AnswerError::Invalid {
            name: name.to_string(),
            problems: reader.problems,
            unlisted: reader.unlisted,
        }))
    }
}

/// serde_path_to_error writes `item.[2].answer`; FHIR paths read `item[2].answer`.
fn tidy_path(path: &str) -> String {
    path.replace(".[", "[")
}

struct Reader<'q> {
    questionnaire: &'q Questionnaire,
    /// The form the response answers.
    form: Form,
    /// The questions the form holds.
    answerable: Vec<bool>,
    /// The linkIds of its groups.
    groups: Vec<String>,
    answers: Answers,
    /// Where each question was answered, to refuse a second answer elsewhere.
    seen: Vec<Option<String>>,
    problems: Vec<AnswerProblem>,
    unlisted: usize,
}

impl Reader<'_> {
    fn problem(&mut self, link_id: &str, path: &str, message: String) {
        if self.problems.len() >= MAX_PROBLEMS_LISTED {
            self.unlisted += 1;
            return;
        }
        self.problems.push(AnswerProblem {
            question: link_id.to_string(),
            message: format!("at {path}: {message}"),
        });
    }

    fn items(&mut self, items: &[ResponseItem], at: &str) {
        for (i, item) in items.iter().enumerate() {
            self.item(item, &format!("{at}[{i}]"));
        }
    }

    fn item(&mut self, item: &ResponseItem, at: &str) {
        let q = self.questionnaire;
        let found = q.find(&item.link_id);
        let Some(qi) = found.filter(|&qi| self.answerable[qi]) else {
            if self.is_group_or_display(&item.link_id) {
                if !item.answer.is_empty() {
                    self.problem(
                        &item.link_id,
                        &format!("{at}.answer"),
                        "a group or display item takes no answer".into(),
                    );
                }
                self.items(&item.item, &format!("{at}.item"));
                return;
            }
            let message = match found {
                Some(qi) if q.questions[qi].from_bout.is_some() => {
                    "runback works this out from the check-ins it keeps; leave it out".to_string()
                }
                Some(_) => {
                    let other = match self.form {
                        Form::Assessment => Form::Checkin,
                        Form::Checkin => Form::Assessment,
                    };
                    format!(
                        "a question of {}, not of {}; `{}` lists the linkIds of {}",
                        other.name(),
                        self.form.name(),
                        self.form.export_command(),
                        self.form.name()
                    )
                }
                None => {
                    let ids = q
                        .questions
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| self.answerable[*i])
                        .map(|(_, q)| q.id.as_str())
                        .chain(self.groups.iter().map(String::as_str));
                    format!(
                        "not a linkId of {}{}; `{}` lists them",
                        self.form.name(),
                        did_you_mean(&item.link_id, ids),
                        self.form.export_command()
                    )
                }
            };
            self.problem(&item.link_id, &format!("{at}.linkId"), message);
            return;
        };
        if let Some(first) = &self.seen[qi] {
            let first = first.clone();
            self.problem(
                &item.link_id,
                at,
                format!("answered twice (also at {first}); give each question one item"),
            );
        } else {
            self.seen[qi] = Some(at.to_string());
            if let Some(value) = self.answer(qi, item, at) {
                self.answers.set(qi, Some(value));
            }
        }
        self.items(&item.item, &format!("{at}.item"));
        for (a, answer) in item.answer.iter().enumerate() {
            self.items(&answer.item, &format!("{at}.answer[{a}].item"));
        }
    }

    /// A group or a help or intro text: `<group>`, `<group>.intro`, `<question>.help`,
    /// as the export names them.
    fn is_group_or_display(&self, link_id: &str) -> bool {
        let q = self.questionnaire;
        let group = |id: &str| self.groups.iter().any(|g| g == id);
        group(link_id)
            || link_id.strip_suffix(".intro").is_some_and(group)
            || link_id
                .strip_suffix(".help")
                .and_then(|id| q.find(id))
                .is_some_and(|qi| self.answerable[qi])
    }

    /// The answer to one question item, or `None` (unanswered, or refused with a problem).
    fn answer(&mut self, qi: QuestionIdx, item: &ResponseItem, at: &str) -> Option<Value> {
        let question = &self.questionnaire.questions[qi];
        let id = question.id.as_str();
        if item.answer.is_empty() {
            return None;
        }
        if !matches!(question.kind, AnswerKind::Multi) && item.answer.len() > 1 {
            self.problem(
                id,
                &format!("{at}.answer[1]"),
                format!(
                    "takes one answer, found {}; only a multiple-choice item repeats",
                    item.answer.len()
                ),
            );
            return None;
        }
        let mut values = Vec::new();
        for (a, answer) in item.answer.iter().enumerate() {
            let path = format!("{at}.answer[{a}]");
            match self.value(question, answer, &path) {
                Ok(v) => values.push(v),
                Err((path, message)) => {
                    self.problem(id, &path, message);
                    return None;
                }
            }
        }
        // The answer-file form of the value, through the answer file's own checks.
        let json = if question.kind == AnswerKind::Multi {
            Json::Array(values)
        } else {
            values.pop().unwrap_or(Json::Null)
        };
        match answers::check_answer(question, &json) {
            Ok(value) => value,
            Err(message) => {
                self.problem(id, &format!("{at}.answer"), message);
                None
            }
        }
    }

    /// One `answer` element as the answer file would hold its value; on error, the path
    /// to the element at fault and the message.
    fn value(
        &self,
        question: &Question,
        answer: &ResponseAnswer,
        at: &str,
    ) -> Result<Json, (String, String)> {
        let present: Vec<&String> = answer
            .value
            .keys()
            .filter(|k| k.starts_with("value"))
            .collect();
        let expected = match &question.kind {
            AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Multi => "valueCoding",
            kind if item_type(kind) == "integer" => "valueInteger",
            _ => "valueDecimal",
        };
        let [key] = present.as_slice() else {
            return Err((
                at.to_string(),
                if present.is_empty() {
                    format!("an answer needs a value: expected {expected}")
                } else {
                    format!("an answer holds one value, found {}", list(&present))
                },
            ));
        };
        let path = format!("{at}.{key}");
        let value = &answer.value[key.as_str()];
        let decimal_ok = expected == "valueDecimal" && key.as_str() == "valueInteger";
        if key.as_str() != expected && !decimal_ok {
            return Err((
                path,
                format!(
                    "wrong value type: expected {expected} ({}), found {key}",
                    answers::expectation(question)
                ),
            ));
        }
        match expected {
            "valueCoding" => {
                let system = option_system(question);
                if let Some(theirs) = value.get("system")
                    && theirs.as_str() != Some(system.as_str())
                {
                    return Err((
                        format!("{path}.system"),
                        format!(
                            "the coding is not among the options: system {} is not {system}",
                            clean(&theirs.to_string())
                        ),
                    ));
                }
                match value.get("code") {
                    Some(Json::String(code)) => {
                        if question.option(code).is_none() {
                            return Err((
                                format!("{path}.code"),
                                format!(
                                    "the coding is not among the options: no option \"{}\"{}; expected one of: {}",
                                    clean(code),
                                    did_you_mean(
                                        code,
                                        question.options.iter().map(|o| o.value.as_str())
                                    ),
                                    question.option_list()
                                ),
                            ));
                        }
                        Ok(Json::String(code.clone()))
                    }
                    _ => Err((
                        format!("{path}.code"),
                        format!("a coding needs a code, one of: {}", question.option_list()),
                    )),
                }
            }
            "valueInteger" if !value.is_i64() && !value.is_u64() => Err((
                path,
                format!(
                    "valueInteger must be a whole number; expected {}",
                    answers::expectation(question)
                ),
            )),
            _ if !value.is_number() => Err((
                path,
                format!(
                    "{key} must be a number; expected {}",
                    answers::expectation(question)
                ),
            )),
            _ => Ok(value.clone()),
        }
    }
}

fn list(keys: &[&String]) -> String {
    keys.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The answers that count (follow-ups whose condition does not hold are left out) as a
/// QuestionnaireResponse to runback's questionnaire, authored at `authored`
/// (`YYYY-MM-DDThh:mm:ssZ`), nested by section.
pub fn build(
    rules: &RuleBase,
    answers: &Answers,
    status: Status,
    authored: String,
) -> QuestionnaireResponse {
    let (counted, _) = crate::engine::applicable(rules, answers);
    build_form(rules, Form::Assessment, &counted, status, authored)
}

/// A check-in's answers that count as a QuestionnaireResponse to the check-in's
/// Questionnaire, `completed` and authored at `authored`: `answers` are those a check-in
/// weighs (the assessment's carried over and the facts worked out included), of which only
/// the questions a check-in file holds are written.
pub fn build_checkin(
    rules: &RuleBase,
    answers: &Answers,
    authored: String,
) -> QuestionnaireResponse {
    let (counted, _) = crate::engine::applicable_in(rules, answers, crate::engine::Phase::Checkin);
    build_form(rules, Form::Checkin, &counted, Status::Completed, authored)
}

/// `counted` as a QuestionnaireResponse to `form`: one group item per group of the form
/// that has an answer.
fn build_form(
    rules: &RuleBase,
    form: Form,
    counted: &Answers,
    status: Status,
    authored: String,
) -> QuestionnaireResponse {
    let model = &rules.questionnaire;
    let item = layout(model, form)
        .into_iter()
        .filter_map(|group| {
            let children: Vec<ResponseItem> = group
                .questions
                .iter()
                .filter_map(|&q| {
                    let question = &model.questions[q];
                    let value = counted.get(q)?;
                    Some(ResponseItem {
                        link_id: question.id.to_string(),
                        text: Some(question.text.to_string()),
                        answer: answer_values(question, value),
                        item: Vec::new(),
                    })
                })
                .collect();
            (!children.is_empty()).then(|| ResponseItem {
                link_id: group.link_id,
                text: Some(group.text),
                answer: Vec::new(),
                item: children,
            })
        })
        .collect();
    QuestionnaireResponse {
        resource_type: "QuestionnaireResponse",
        questionnaire: canonical_of(model, form),
        status: status.code(),
        authored,
        item,
    }
}

/// `url|version` of the assessment, or the URL alone when the questionnaire has no
/// version.
pub fn canonical(model: &Questionnaire) -> String {
    canonical_of(model, Form::Assessment)
}

/// `url|version` of a form, or the URL alone when the questionnaire has no version.
pub fn canonical_of(model: &Questionnaire, form: Form) -> String {
    match &model.version {
        Some(v) => format!("{}|{v}", form.canonical()),
        None => form.canonical().to_string(),
    }
}

/// Whether a written response is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every question the runner will answer is answered.
    Completed,
    /// Saved part way through the questionnaire.
    InProgress,
}

impl Status {
    /// The FHIR code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::InProgress => "in-progress",
        }
    }
}

fn answer_values(question: &Question, value: Value) -> Vec<ResponseAnswer> {
    let one = |key: &str, v: Json| {
        let mut map = serde_json::Map::new();
        map.insert(key.to_string(), v);
        ResponseAnswer {
            item: Vec::new(),
            value: map,
        }
    };
    let coding =
        |o| serde_json::to_value(option_coding(question, o)).expect("a coding always serializes");
    match value {
        Value::Choice(o) => vec![one("valueCoding", coding(o))],
        Value::Multi(set) => answers::options_in(question, set)
            .map(|o| one("valueCoding", coding(o)))
            .collect(),
        Value::Number(n) if item_type(&question.kind) == "integer" => {
            vec![one("valueInteger", json!(n as i64))]
        }
        Value::Number(n) => vec![one(
            "valueDecimal",
            answers::to_json(question, Value::Number(n)),
        )],
    }
}

/// The response as JSON text with a final newline, characters a terminal must not see
/// escaped.
pub fn to_text(response: &QuestionnaireResponse) -> String {
    let mut out = crate::clean::json_pretty(response);
    out.push('\n');
    out
}

/// `YYYY-MM-DDThh:mm:ssZ` for seconds since 1970, as FHIR's `dateTime` writes UTC.
pub fn date_time(seconds: i64) -> String {
    crate::report::date::date_time(seconds)
        .replace(" UTC", "Z")
        .replacen(' ', "T", 1)
}
