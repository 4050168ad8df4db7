//! The questionnaire as a FHIR R4 `Questionnaire`.
//!
//! One `group` per section, with the intro as a `display` child; every question that is
//! still asked is an item whose `linkId` is its runback id. A checklist is a way of
//! asking several questions on one screen, so its questions are exported one by one and
//! a response carries every warning sign's own answer. Branching is `enableWhen` where
//! the condition is a plain list of tests joined by one `all` or `any`, and the SDC
//! `enableWhenExpression` (FHIRPath) otherwise.

use serde_json::{Value as Json, json};

use super::resources::{AnswerOption, Coding, EnableWhen, Extension, Item, Questionnaire};
use super::{CANONICAL, OPTION_SYSTEM_PREFIX, YES_NO_SYSTEM};
use crate::rulebase::{
    AnswerKind, Comparison, Condition, Question, QuestionIdx, Questionnaire as Model, RuleBase,
    Test,
};

/// `minValue`, from the FHIR core extensions.
pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
/// `maxValue`, from the FHIR core extensions.
pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
/// The unit shown after a number.
pub const UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
/// How an item is shown; `help` for help text.
pub const ITEM_CONTROL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
/// The code system of item controls.
pub const ITEM_CONTROL_SYSTEM: &str = "http://hl7.org/fhir/questionnaire-item-control";
/// An option that excludes every other of a multiple choice.
pub const OPTION_EXCLUSIVE: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive";
/// The SDC extension for a condition `enableWhen` cannot write.
pub const ENABLE_WHEN_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";

/// The Questionnaire for a rule base, dated `date` (`YYYY-MM-DD`).
pub fn build(rules: &RuleBase, date: &str) -> Questionnaire {
    let model = &rules.questionnaire;
    let item = model
        .sections
        .iter()
        .filter_map(|section| {
            let mut children = Vec::new();
            if let Some(intro) = &section.intro {
                children.push(Item {
                    link_id: format!("{}.intro", section.id),
                    text: Some(intro.clone()),
                    kind: "display".into(),
                    ..Item::default()
                });
            }
            let before = children.len();
            for q in section.questions.clone() {
                if model.questions[q].retired.is_none() {
                    children.push(question_item(model, q));
                }
            }
            // A section of retired questions only has nothing to ask: a group must have
            // questions (que-1), and an intro alone would be a page of nothing.
            (children.len() > before).then(|| Item {
                link_id: section.id.clone(),
                text: Some(section.title.clone()),
                kind: "group".into(),
                item: children,
                ..Item::default()
            })
        })
        .collect();
    Questionnaire {
        resource_type: "Questionnaire".into(),
        id: Some("runback".into()),
        language: Some("en".into()),
        url: Some(CANONICAL.into()),
        version: model.version.clone(),
        name: Some("RunbackQuestionnaire".into()),
        title: Some("runback: a self-assessment for runners with back pain".into()),
        status: "active".into(),
        subject_type: vec!["Patient".into()],
        date: Some(date.to_string()),
        publisher: Some("runback".into()),
        description: Some(
            "The questions runback asks. `runback assess --answers response.json` assesses a QuestionnaireResponse to it.".into(),
        ),
        item,
    }
}

/// The code system of a question's options.
pub fn option_system(question: &Question) -> String {
    if question.kind == AnswerKind::YesNo {
        YES_NO_SYSTEM.to_string()
    } else {
        format!("{OPTION_SYSTEM_PREFIX}{}", question.id)
    }
}

/// The coding of one option of a choice question.
pub fn option_coding(question: &Question, option: usize) -> Coding {
    let o = &question.options[option];
    Coding {
        system: Some(option_system(question)),
        code: Some(o.value.clone()),
        display: Some(o.label.clone()),
    }
}

/// The FHIR item type a question becomes.
pub fn item_type(kind: &AnswerKind) -> &'static str {
    match kind {
        AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Multi => "choice",
        AnswerKind::Scale { .. } | AnswerKind::Number { integer: true, .. } => "integer",
        AnswerKind::Number { integer: false, .. } => "decimal",
    }
}

fn question_item(model: &Model, q: QuestionIdx) -> Item {
    let question = &model.questions[q];
    let mut item = Item {
        link_id: question.id.clone(),
        text: Some(question.text.clone()),
        kind: item_type(&question.kind).into(),
        ..Item::default()
    };
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Multi => {
            item.answer_option = (0..question.options.len())
                .map(|o| AnswerOption {
                    extension: if question.kind == AnswerKind::Multi
                        && question.options[o].exclusive
                    {
                        vec![Extension::new(
                            OPTION_EXCLUSIVE,
                            "valueBoolean",
                            json!(true),
                        )]
                    } else {
                        Vec::new()
                    },
                    value_coding: Some(option_coding(question, o)),
                })
                .collect();
            if question.kind == AnswerKind::Multi {
                item.repeats = Some(true);
            }
        }
        AnswerKind::Scale { min, max, .. } => {
            item.extension = vec![
                Extension::new(MIN_VALUE, "valueInteger", json!(min)),
                Extension::new(MAX_VALUE, "valueInteger", json!(max)),
            ];
        }
        AnswerKind::Number {
            unit,
            min,
            max,
            integer,
            ..
        } => {
            let (kind, min, max) = if *integer {
                ("valueInteger", json!(*min as i64), json!(*max as i64))
            } else {
                ("valueDecimal", json!(min), json!(max))
            };
            item.extension = vec![
                Extension::new(MIN_VALUE, kind, min),
                Extension::new(MAX_VALUE, kind, max),
                Extension::new(UNIT, "valueCoding", json!({ "display": unit })),
            ];
        }
    }
    if let Some(help) = question.explanation() {
        item.item.push(Item {
            extension: vec![Extension::new(
                ITEM_CONTROL,
                "valueCodeableConcept",
                json!({ "coding": [{ "system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button" }] }),
            )],
            link_id: format!("{}.help", question.id),
            text: Some(help),
            kind: "display".into(),
            ..Item::default()
        });
    }
    if let Some(condition) = &question.ask_if {
        match enable_when(model, condition) {
            Some((list, behavior)) => {
                item.enable_behavior = (list.len() > 1).then(|| behavior.to_string());
                item.enable_when = list;
            }
            None => item.extension.push(Extension::new(
                ENABLE_WHEN_EXPRESSION,
                "valueExpression",
                json!({ "language": "text/fhirpath", "expression": fhirpath(model, condition) }),
            )),
        }
    }
    item
}

/// The condition as `enableWhen` entries and their `enableBehavior`, when it can be
/// written so without changing what it means.
///
/// runback asks a follow-up only when its condition is true in three-valued logic (a
/// test of an unanswered question is unknown), and FHIR treats a test of an unanswered
/// question as false: the two agree for tests joined by one `and` or one `or`, but not
/// under a `not` (`!=` of nothing is true in FHIR), so a `not` goes to FHIRPath.
pub fn enable_when(
    model: &Model,
    condition: &Condition,
) -> Option<(Vec<EnableWhen>, &'static str)> {
    match condition {
        Condition::Test { question, test } => {
            let atoms = atoms(model, *question, test)?;
            Some((atoms, "any"))
        }
        Condition::Any(list) => {
            let mut all = Vec::new();
            for c in list {
                let Condition::Test { question, test } = c else {
                    return None;
                };
                all.extend(atoms(model, *question, test)?);
            }
            Some((all, "any"))
        }
        Condition::All(list) => {
            let mut all = Vec::new();
            for c in list {
                let Condition::Test { question, test } = c else {
                    return None;
                };
                let mut one = atoms(model, *question, test)?;
                // A test with several options is an `or` inside the `and`.
                if one.len() != 1 {
                    return None;
                }
                all.append(&mut one);
            }
            Some((all, "all"))
        }
        Condition::Not(_) => None,
    }
}

/// One test as `enableWhen` entries, joined by `any`.
fn atoms(model: &Model, q: QuestionIdx, test: &Test) -> Option<Vec<EnableWhen>> {
    let question = &model.questions[q];
    let base = || EnableWhen {
        question: question.id.clone(),
        ..EnableWhen::default()
    };
    let out = match test {
        // For a repeating item FHIR's `=` holds when any answer is equal: `includes`.
        Test::ChoiceIn(set) | Test::Includes(set) => crate::answers::options_in(question, *set)
            .map(|o| EnableWhen {
                operator: "=".into(),
                answer_coding: Some(option_coding(question, o)),
                ..base()
            })
            .collect(),
        Test::Compare(cmp, value) => {
            let operator = match cmp {
                Comparison::AtLeast => ">=",
                Comparison::AtMost => "<=",
                Comparison::LessThan => "<",
                Comparison::GreaterThan => ">",
            };
            let mut when = EnableWhen {
                operator: operator.into(),
                ..base()
            };
            if question.kind.whole_numbers_only() {
                // `>= 2.5` of a whole number is `>= 3`; an exact rewrite or none.
                if value.fract() != 0.0 {
                    return None;
                }
                when.answer_integer = Some(*value as i64);
            } else {
                when.answer_decimal = Some(*value);
            }
            vec![when]
        }
        Test::Answered | Test::Unanswered => vec![EnableWhen {
            operator: "exists".into(),
            answer_boolean: Some(*test == Test::Answered),
            ..base()
        }],
    };
    (!out.is_empty()).then_some(out)
}

/// The condition in FHIRPath over the response (`%resource`). An unanswered question
/// gives an empty collection, which FHIRPath's `and`, `or` and `not()` treat as unknown,
/// as runback does; an expression that is empty or false leaves the item disabled.
pub fn fhirpath(model: &Model, condition: &Condition) -> String {
    let join = |list: &[Condition], op: &str| {
        list.iter()
            .map(|c| format!("({})", fhirpath(model, c)))
            .collect::<Vec<_>>()
            .join(&format!(" {op} "))
    };
    match condition {
        Condition::All(list) => join(list, "and"),
        Condition::Any(list) => join(list, "or"),
        Condition::Not(inner) => format!("({}).not()", fhirpath(model, inner)),
        Condition::Test { question, test } => {
            let question = &model.questions[*question];
            let answers = format!(
                "%resource.repeat(item).where(linkId = '{}').answer.value",
                question.id
            );
            let codes = |set| {
                crate::answers::options_in(question, set)
                    .map(|o| format!("'{}'", question.options[o].value))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            match test {
                Test::ChoiceIn(set) => format!("{answers}.code in ({})", codes(*set)),
                Test::Includes(set) => format!(
                    "iif({answers}.exists(), ({answers}.code intersect ({})).exists(), {{}})",
                    codes(*set)
                ),
                Test::Compare(cmp, value) => {
                    let op = match cmp {
                        Comparison::AtLeast => ">=",
                        Comparison::AtMost => "<=",
                        Comparison::LessThan => "<",
                        Comparison::GreaterThan => ">",
                    };
                    format!("{answers} {op} {}", crate::answers::number(*value))
                }
                Test::Answered => format!("{answers}.exists()"),
                Test::Unanswered => format!("{answers}.empty()"),
            }
        }
    }
}

/// The Questionnaire as JSON text with a final newline, characters a terminal must not
/// see escaped.
pub fn to_text(questionnaire: &Questionnaire) -> String {
    let mut out = crate::clean::json_pretty(questionnaire);
    out.push('\n');
    out
}

/// The Questionnaire as a JSON value.
pub fn to_json(questionnaire: &Questionnaire) -> Json {
    serde_json::to_value(questionnaire).expect("a Questionnaire always serializes")
}
