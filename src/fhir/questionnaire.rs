//! The questionnaire as a FHIR R4 `Questionnaire`, and the check-in as another.
//!
//! One `group` per section, with the intro as a `display` child; every question that is
//! still asked is an item whose `linkId` is its runback id. A checklist is a way of
//! asking several questions on one screen, so its questions are exported one by one and
//! a response carries every warning sign's own answer. Branching is `enableWhen` where
//! the condition is a plain list of tests joined by one `all` or `any`, and the SDC
//! `enableWhenExpression` (FHIRPath) otherwise.
//!
//! The check-in's Questionnaire holds the questions a check-in file holds: its own, then
//! the warning signs it re-screens, in a group of their own. The facts runback works out
//! about a bout are never items; a condition on one is worked out for the form (see
//! [`fold`]).

use serde_json::{Value as Json, json};

use super::resources::{AnswerOption, Coding, EnableWhen, Extension, Item, Questionnaire};
use super::{Form, OPTION_SYSTEM_PREFIX, YES_NO_SYSTEM};
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

/// A group of a Questionnaire: a section of the assessment, or of the check-in, or the
/// warning signs a check-in re-screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's linkId: the section's id, or the checklist's.
    pub link_id: String,
    /// Its heading.
    pub text: String,
    /// A display item before its questions (`<linkId>.intro`).
    pub intro: Option<String>,
    /// Its questions, in order, retired ones included (the Questionnaire leaves them out;
    /// a response may still carry their answers).
    pub questions: Vec<QuestionIdx>,
}

/// The groups of a form, in order.
///
/// The assessment's are its sections; a check-in section is not one of them. The
/// check-in's are its own sections, holding the questions a check-in file holds
/// ([`Model::file_questions`]: never the facts runback works out), then one group of the
/// warning signs it re-screens, named after their checklist, with the checklist's
/// question as its heading and its note as its intro.
pub fn layout(model: &Model, form: Form) -> Vec<Group> {
    let section_group = |section: &crate::rulebase::Section, questions: Vec<QuestionIdx>| Group {
        link_id: section.id.to_string(),
        text: section.title.to_string(),
        intro: section.intro.as_deref().map(String::from),
        questions,
    };
    match form {
        Form::Assessment => model
            .sections
            .iter()
            .filter(|s| !s.checkin)
            .map(|s| section_group(s, s.questions.clone().collect()))
            .collect(),
        Form::Checkin => {
            let Some(checkin) = &model.checkin else {
                return Vec::new();
            };
            let signs = checkin.signs.questions();
            let file = model.file_questions(true);
            let mut groups: Vec<Group> = model
                .sections
                .iter()
                .filter(|s| s.checkin)
                .map(|s| {
                    let own = s
                        .questions
                        .clone()
                        .filter(|q| file.contains(q) && !signs.contains(q))
                        .collect();
                    section_group(s, own)
                })
                .filter(|g| !g.questions.is_empty())
                .collect();
            groups.push(Group {
                link_id: checkin.signs.id.to_string(),
                text: checkin.signs.text.to_string(),
                intro: checkin.signs.note.as_deref().map(String::from),
                questions: signs,
            });
            groups
        }
    }
}

/// The questions a response to a form may answer: the assessment's (retired ones
/// included, as in an answer file), or those a check-in file holds.
pub fn answerable(model: &Model, form: Form) -> Vec<bool> {
    match form {
        Form::Assessment => model.questions.iter().map(|q| !q.checkin).collect(),
        Form::Checkin => {
            let file = model.file_questions(true);
            (0..model.questions.len())
                .map(|q| file.contains(&q))
                .collect()
        }
    }
}

/// The Questionnaire of the assessment for a rule base, dated `date` (`YYYY-MM-DD`).
pub fn build(rules: &RuleBase, date: &str) -> Questionnaire {
    build_form(rules, Form::Assessment, date)
}

/// The Questionnaire of a form, dated `date` (`YYYY-MM-DD`). A rule base without a
/// check-in has a check-in Questionnaire with no items.
pub fn build_form(rules: &RuleBase, form: Form, date: &str) -> Questionnaire {
    let model = &rules.questionnaire;
    let item = layout(model, form)
        .into_iter()
        .filter_map(|group| {
            let mut children = Vec::new();
            if let Some(intro) = &group.intro {
                children.push(Item {
                    link_id: format!("{}.intro", group.link_id),
                    text: Some(intro.clone()),
                    kind: "display".into(),
                    ..Item::default()
                });
            }
            let before = children.len();
            for q in group.questions {
                if model.questions[q].retired.is_some() {
                    continue;
                }
                let condition = match form {
                    Form::Assessment => model.questions[q].ask_if.clone().map(Folded::When),
                    Form::Checkin => model.questions[q]
                        .ask_if
                        .as_ref()
                        .map(|c| fold(c, &|q| outside_checkin(model, q), true)),
                };
                match condition {
                    // Never enabled in a form: nothing to ask.
                    Some(Folded::Always(false)) => {}
                    Some(Folded::Always(true)) | None => {
                        children.push(question_item(model, q, None));
                    }
                    Some(Folded::When(c)) => children.push(question_item(model, q, Some(&c))),
                }
            }
            // A section of retired questions only has nothing to ask: a group must have
            // questions (que-1), and an intro alone would be a page of nothing.
            (children.len() > before).then(|| Item {
                link_id: group.link_id.clone(),
                text: Some(group.text.clone()),
                kind: "group".into(),
                item: children,
                ..Item::default()
            })
        })
        .collect();
    let (id, name, title, description) = match form {
        Form::Assessment => (
            "runback",
            "RunbackQuestionnaire",
            "runback: a self-assessment for runners with back pain".to_string(),
            "The questions runback asks. `runback assess --answers response.json` assesses a QuestionnaireResponse to it.",
        ),
        Form::Checkin => (
            "runback-checkin",
            "RunbackCheckin",
            "runback check-in: following a runner's bout of back pain".to_string(),
            "The questions runback asks at a check-in, every few days after an assessment: the pain now, the runs since, and the warning signs again. `runback checkin --answers response.json` reads a QuestionnaireResponse to it, with the bout runback keeps.",
        ),
    };
    Questionnaire {
        resource_type: "Questionnaire".into(),
        id: Some(id.into()),
        language: Some("en".into()),
        url: Some(form.canonical().into()),
        version: model.version.as_deref().map(String::from),
        name: Some(name.into()),
        title: Some(title),
        status: "active".into(),
        subject_type: vec!["Patient".into()],
        date: Some(date.to_string()),
        publisher: Some("runback".into()),
        description: Some(description.into()),
        item,
    }
}

/// What a form can know of a question it does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outside {
    /// Never answered when a response to the form is weighed.
    Unanswered,
    /// Answered or not, the form cannot tell.
    Unknowable,
}

/// Whether the check-in form holds a question, and if not what it can know of it: a fact
/// from a training log is unanswered (a form has no training log); the other facts, and
/// the assessment's answers a check-in carries over, are runback's to know.
fn outside_checkin(model: &Model, q: QuestionIdx) -> Option<Outside> {
    use crate::rulebase::files::BoutFact;
    if model.file_questions(true).contains(&q) {
        return None;
    }
    match model.questions[q].from_bout.as_ref().map(|f| f.fact) {
        Some(BoutFact::Runs | BoutFact::Spike) => Some(Outside::Unanswered),
        _ => Some(Outside::Unknowable),
    }
}

/// A condition with what a form cannot hold worked out: always or never true, or a
/// condition on the form's own questions.
#[derive(Debug, Clone, PartialEq)]
enum Folded {
    /// True (or never true) whatever the form's answers.
    Always(bool),
    /// True when this is.
    When(Condition),
}

/// `condition` for a form that does not hold some questions (`outside`), such that the
/// result is true exactly when the item may apply. `positive` is false under an odd
/// number of `not`s.
///
/// A test of a question the form never answers is worked out as runback would: `answered`
/// is false, `unanswered` true, and any other test unknown, which (as runback asks only
/// when a condition is true) counts as false where a `not` does not turn it round and
/// true where one does: the same item is enabled either way. A test the form cannot know
/// is taken as whichever value enables the item: a form asks whatever may apply, and
/// runback weighs an answer only when its condition holds.
fn fold(
    condition: &Condition,
    outside: &dyn Fn(QuestionIdx) -> Option<Outside>,
    positive: bool,
) -> Folded {
    match condition {
        Condition::Test { question, test } => match outside(*question) {
            None => Folded::When(condition.clone()),
            Some(Outside::Unanswered) => Folded::Always(match test {
                Test::Unanswered => true,
                Test::Answered => false,
                _ => !positive,
            }),
            Some(Outside::Unknowable) => Folded::Always(positive),
        },
        Condition::Not(inner) => match fold(inner, outside, !positive) {
            Folded::Always(b) => Folded::Always(!b),
            Folded::When(c) => Folded::When(Condition::Not(Box::new(c))),
        },
        Condition::All(list) | Condition::Any(list) => {
            // `all` is decided by a false part, `any` by a true one.
            let all = matches!(condition, Condition::All(_));
            let mut kept = Vec::new();
            for c in list {
                match fold(c, outside, positive) {
                    Folded::Always(b) if b != all => return Folded::Always(b),
                    Folded::Always(_) => {}
                    Folded::When(c) => kept.push(c),
                }
            }
            match kept.len() {
                0 => Folded::Always(all),
                1 => Folded::When(kept.pop().expect("one is kept")),
                _ if all => Folded::When(Condition::All(kept)),
                _ => Folded::When(Condition::Any(kept)),
            }
        }
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
        code: Some(o.value.to_string()),
        display: Some(o.label.to_string()),
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

/// A question's item, enabled when `condition` holds (always when `None`).
fn question_item(model: &Model, q: QuestionIdx, condition: Option<&Condition>) -> Item {
    let question = &model.questions[q];
    let mut item = Item {
        link_id: question.id.to_string(),
        text: Some(question.text.to_string()),
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
    if let Some(condition) = condition {
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
        question: question.id.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A condition on the check-in's form, worked out as the check-in's export does.
    fn folded(rules: &RuleBase, condition: &Condition) -> Folded {
        let model = &rules.questionnaire;
        fold(condition, &|q| outside_checkin(model, q), true)
    }

    fn test(rules: &RuleBase, id: &str, test: Test) -> Condition {
        Condition::Test {
            question: rules.questionnaire.find(id).unwrap(),
            test,
        }
    }

    fn at_least(rules: &RuleBase, id: &str, value: f64) -> Condition {
        test(rules, id, Test::Compare(Comparison::AtLeast, value))
    }

    fn not(c: Condition) -> Condition {
        Condition::Not(Box::new(c))
    }

    #[test]
    fn a_condition_on_runs_in_a_training_log_is_worked_out_as_never_answered_in_a_form() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let runs_since = at_least(&rb, "runs_since", 1.0);
        let logged = at_least(&rb, "runs_logged", 1.0);
        // Unknown counts as not asked: the runs the runner gives decide.
        assert_eq!(
            folded(
                &rb,
                &Condition::Any(vec![runs_since.clone(), logged.clone()])
            ),
            Folded::When(runs_since.clone())
        );
        assert_eq!(
            folded(
                &rb,
                &Condition::All(vec![runs_since.clone(), logged.clone()])
            ),
            Folded::Always(false)
        );
        assert_eq!(
            folded(&rb, &test(&rb, "runs_logged", Test::Unanswered)),
            Folded::Always(true)
        );
        assert_eq!(
            folded(&rb, &test(&rb, "runs_logged", Test::Answered)),
            Folded::Always(false)
        );
        // `not` of unknown is unknown: still not asked.
        assert_eq!(folded(&rb, &not(logged.clone())), Folded::Always(false));
        // Under a `not`, an `and` with an unknown part is true only when another part is
        // false.
        let pain = at_least(&rb, "pain_now", 3.0);
        assert_eq!(
            folded(
                &rb,
                &not(Condition::All(vec![pain.clone(), logged.clone()]))
            ),
            Folded::When(not(pain.clone()))
        );
        assert_eq!(
            folded(&rb, &not(Condition::Any(vec![pain, logged]))),
            Folded::Always(false)
        );
    }

    #[test]
    fn a_condition_a_form_cannot_know_asks_the_question_whenever_it_may_apply() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let days = at_least(&rb, "bout_days", 21.0);
        let assessed = at_least(&rb, "pain_severity", 5.0);
        let pain = at_least(&rb, "pain_now", 3.0);
        for unknowable in [days, assessed] {
            assert_eq!(folded(&rb, &unknowable), Folded::Always(true));
            assert_eq!(folded(&rb, &not(unknowable.clone())), Folded::Always(true));
            assert_eq!(
                folded(&rb, &Condition::All(vec![pain.clone(), unknowable.clone()])),
                Folded::When(pain.clone())
            );
        }
        // The check-in's own questions are left as they are.
        assert_eq!(folded(&rb, &pain), Folded::When(pain.clone()));
    }
}
