//! The FHIR R4 Questionnaire invariants (que-1 to que-12), and the checks a form filler
//! needs of `enableWhen`, for any Questionnaire.
//!
//! No validator that installs here enforces the invariants, so runback checks its own
//! export (`runback check`, and `runback questions --format fhir` before it writes).
//! que-12's published expression says `enableWhen.count() > 2`; the invariant's text
//! ("more than one") is checked: `> 1`.

use std::collections::HashMap;

use super::resources::{Item, Questionnaire};

/// One broken invariant: which, where, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's key, such as `que-2`, or `enableWhen`.
    pub key: &'static str,
    /// The path to the element, such as `item[1].item[3]`.
    pub path: String,
    /// The item's linkId.
    pub link_id: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::clean::clean;
        write!(
            f,
            "{} at {} (linkId `{}`): {}",
            self.key,
            clean(&self.path),
            clean(&self.link_id),
            clean(&self.message)
        )
    }
}

/// The invariants checked, in order; `enableWhen` stands for the checks of each
/// condition's question.
pub const CHECKED: [&str; 13] = [
    "que-1",
    "que-2",
    "que-3",
    "que-4",
    "que-5",
    "que-6",
    "que-7",
    "que-8",
    "que-9",
    "que-10",
    "que-11",
    "que-12",
    "enableWhen",
];

/// The operators `enableWhen` allows.
pub const OPERATORS: [&str; 7] = ["exists", "=", "!=", ">", "<", ">=", "<="];

/// Every violation in a Questionnaire, in document order.
pub fn check(questionnaire: &Questionnaire) -> Vec<Violation> {
    // Every item in document order with its path: que-2 and "comes earlier" need the
    // whole list.
    let mut flat: Vec<(String, &Item)> = Vec::new();
    fn walk<'a>(items: &'a [Item], at: &str, out: &mut Vec<(String, &'a Item)>) {
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            out.push((path.clone(), item));
            walk(&item.item, &format!("{path}.item"), out);
        }
    }
    walk(&questionnaire.item, "item", &mut flat);

    let mut out = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (n, (path, item)) in flat.iter().enumerate() {
        let mut v = |key: &'static str, message: String| {
            out.push(Violation {
                key,
                path: path.clone(),
                link_id: item.link_id.clone(),
                message,
            })
        };
        let kind = item.kind.as_str();
        if kind == "group" && item.item.is_empty() {
            v("que-1", "a group item must have nested items".into());
        }
        if kind == "display" && !item.item.is_empty() {
            v("que-1", "a display item cannot have nested items".into());
        }
        match first.get(item.link_id.as_str()) {
            Some(&earlier) => v(
                "que-2",
                format!("the linkId is also used at {}", flat[earlier].0),
            ),
            None => {
                first.insert(&item.link_id, n);
            }
        }
        if kind == "display" && !item.code.is_empty() {
            v("que-3", "a display item cannot have a code".into());
        }
        if !item.answer_option.is_empty() && item.answer_value_set.is_some() {
            v(
                "que-4",
                "a question cannot have both answerOption and answerValueSet".into(),
            );
        }
        let options_allowed = matches!(
            kind,
            "choice"
                | "open-choice"
                | "decimal"
                | "integer"
                | "date"
                | "dateTime"
                | "time"
                | "string"
                | "coding"
        );
        if !options_allowed && (!item.answer_option.is_empty() || item.answer_value_set.is_some()) {
            v(
                "que-5",
                format!("a {kind} item cannot have answerOption or answerValueSet"),
            );
        }
        if kind == "display" && (item.required.is_some() || item.repeats.is_some()) {
            v(
                "que-6",
                "a display item cannot be required or repeat".into(),
            );
        }
        for (w, when) in item.enable_when.iter().enumerate() {
            if when.operator == "exists" && when.answer_kinds() != ["answerBoolean"] {
                v(
                    "que-7",
                    format!("enableWhen[{w}]: the operator `exists` takes answerBoolean"),
                );
            }
        }
        if matches!(kind, "group" | "display") && !item.initial.is_empty() {
            v(
                "que-8",
                format!("a {kind} item cannot have an initial value"),
            );
        }
        if kind == "display" && item.read_only.is_some() {
            v("que-9", "a display item cannot be readOnly".into());
        }
        let simple = matches!(
            kind,
            "boolean" | "decimal" | "integer" | "string" | "text" | "url" | "open-choice"
        );
        if item.max_length.is_some() && !simple {
            v(
                "que-10",
                format!("maxLength cannot be declared for a {kind} item"),
            );
        }
        if !item.answer_option.is_empty() && !item.initial.is_empty() {
            v(
                "que-11",
                "an item with answerOption cannot have initial; mark an option initialSelected instead".into(),
            );
        }
        if item.enable_when.len() > 1 && item.enable_behavior.is_none() {
            v(
                "que-12",
                format!(
                    "{} enableWhen conditions need enableBehavior (all or any)",
                    item.enable_when.len()
                ),
            );
        }
        for (w, when) in item.enable_when.iter().enumerate() {
            let mut e = |message: String| v("enableWhen", format!("enableWhen[{w}]: {message}"));
            if !OPERATORS.contains(&when.operator.as_str()) {
                e(format!(
                    "unknown operator `{}`; expected one of: {}",
                    when.operator,
                    OPERATORS.join(", ")
                ));
            }
            let Some(&target) = first.get(when.question.as_str()).filter(|&&t| t < n) else {
                let later = flat.iter().any(|(_, i)| i.link_id == when.question);
                e(if later {
                    format!(
                        "question `{}` comes after this item; a condition may only test an earlier question",
                        when.question
                    )
                } else {
                    format!("question `{}` is not in the Questionnaire", when.question)
                });
                continue;
            };
            let target = flat[target].1;
            if when.operator == "exists" {
                continue;
            }
            let expected = match target.kind.as_str() {
                "choice" | "open-choice" | "coding" => "answerCoding",
                "integer" => "answerInteger",
                "decimal" => "answerDecimal",
                "boolean" => "answerBoolean",
                "string" | "text" | "url" => "answerString",
                "date" => "answerDate",
                "dateTime" => "answerDateTime",
                "time" => "answerTime",
                "quantity" => "answerQuantity",
                "reference" => "answerReference",
                other => {
                    e(format!(
                        "question `{}` is a {other} item, which has no answer to test",
                        when.question
                    ));
                    continue;
                }
            };
            let found = when.answer_kinds();
            if found != [expected] {
                e(format!(
                    "question `{}` is a {} item, so the condition takes {expected}; found {}",
                    when.question,
                    target.kind,
                    if found.is_empty() {
                        "no answer".to_string()
                    } else {
                        found.join(" and ")
                    }
                ));
                continue;
            }
            if let Some(coding) = &when.answer_coding
                && !target.answer_option.is_empty()
                && !target.answer_option.iter().any(|o| {
                    o.value_coding
                        .as_ref()
                        .is_some_and(|c| c.code == coding.code && c.system == coding.system)
                })
            {
                e(format!(
                    "question `{}` has no option {}|{}",
                    when.question,
                    coding.system.as_deref().unwrap_or(""),
                    coding.code.as_deref().unwrap_or("")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A small valid Questionnaire: a group with an intro, a choice, a follow-up and an
    /// integer.
    fn valid() -> serde_json::Value {
        json!({
            "resourceType": "Questionnaire",
            "status": "active",
            "item": [{
                "linkId": "s", "type": "group", "text": "Section",
                "item": [
                    { "linkId": "s.intro", "type": "display", "text": "Intro" },
                    { "linkId": "a", "type": "choice", "text": "A?",
                      "answerOption": [
                        { "valueCoding": { "system": "urn:x", "code": "yes" } },
                        { "valueCoding": { "system": "urn:x", "code": "no" } }
                      ] },
                    { "linkId": "b", "type": "integer", "text": "B?" },
                    { "linkId": "c", "type": "choice", "text": "C?",
                      "enableWhen": [
                        { "question": "a", "operator": "=", "answerCoding": { "system": "urn:x", "code": "yes" } },
                        { "question": "b", "operator": ">=", "answerInteger": 3 }
                      ],
                      "enableBehavior": "any",
                      "answerOption": [ { "valueCoding": { "system": "urn:x", "code": "yes" } } ] }
                ]
            }]
        })
    }

    /// The keys of the violations after `change` breaks the valid Questionnaire.
    fn broken(change: impl FnOnce(&mut serde_json::Value)) -> Vec<&'static str> {
        let mut q = valid();
        change(&mut q);
        let q: Questionnaire = serde_json::from_value(q).expect("still a Questionnaire");
        check(&q).into_iter().map(|v| v.key).collect()
    }

    fn item(q: &mut serde_json::Value, i: usize) -> &mut serde_json::Value {
        &mut q["item"][0]["item"][i]
    }

    #[test]
    fn the_valid_questionnaire_has_no_violation() {
        assert_eq!(broken(|_| {}), Vec::<&str>::new());
    }

    #[test]
    fn que_1_a_group_without_items_and_a_display_with_items() {
        assert_eq!(broken(|q| q["item"][0]["item"] = json!([])), ["que-1"]);
        assert_eq!(
            broken(|q| item(q, 0)["item"] = json!([{ "linkId": "x", "type": "display" }])),
            ["que-1"]
        );
    }

    #[test]
    fn que_2_a_linkid_used_twice() {
        assert_eq!(broken(|q| item(q, 3)["linkId"] = json!("a")), ["que-2"]);
        // Renaming a question another one reads also leaves that condition dangling.
        assert_eq!(
            broken(|q| item(q, 2)["linkId"] = json!("a")),
            ["que-2", "enableWhen"]
        );
    }

    #[test]
    fn que_3_a_display_with_a_code() {
        assert_eq!(
            broken(|q| item(q, 0)["code"] = json!([{ "code": "x" }])),
            ["que-3"]
        );
    }

    #[test]
    fn que_4_both_answer_option_and_answer_value_set() {
        assert_eq!(
            broken(|q| item(q, 1)["answerValueSet"] = json!("http://example.org/vs")),
            ["que-4"]
        );
    }

    #[test]
    fn que_5_options_on_an_item_that_takes_none() {
        assert_eq!(
            broken(|q| item(q, 0)["answerValueSet"] = json!("http://example.org/vs")),
            ["que-5"]
        );
    }

    #[test]
    fn que_6_a_required_or_repeating_display() {
        assert_eq!(broken(|q| item(q, 0)["required"] = json!(true)), ["que-6"]);
        assert_eq!(broken(|q| item(q, 0)["repeats"] = json!(false)), ["que-6"]);
    }

    #[test]
    fn que_7_exists_without_a_boolean() {
        assert_eq!(
            broken(|q| {
                item(q, 3)["enableWhen"][1] =
                    json!({ "question": "b", "operator": "exists", "answerInteger": 1 })
            }),
            ["que-7"]
        );
    }

    #[test]
    fn que_8_an_initial_value_on_a_group() {
        assert_eq!(
            broken(|q| q["item"][0]["initial"] = json!([{ "valueString": "x" }])),
            ["que-8"]
        );
    }

    #[test]
    fn que_9_a_read_only_display() {
        assert_eq!(broken(|q| item(q, 0)["readOnly"] = json!(true)), ["que-9"]);
    }

    #[test]
    fn que_10_max_length_on_a_choice() {
        assert_eq!(broken(|q| item(q, 1)["maxLength"] = json!(10)), ["que-10"]);
    }

    #[test]
    fn que_11_initial_beside_answer_options() {
        assert_eq!(
            broken(|q| item(q, 1)["initial"] = json!([{ "valueCoding": { "code": "yes" } }])),
            ["que-11"]
        );
    }

    #[test]
    fn que_12_two_conditions_without_enable_behavior() {
        // The published expression (`> 2`) would let two conditions pass.
        assert_eq!(
            broken(|q| item(q, 3)
                .as_object_mut()
                .unwrap()
                .remove("enableBehavior")
                .map(drop)
                .unwrap()),
            ["que-12"]
        );
    }

    #[test]
    fn enable_when_names_a_question_that_exists() {
        assert_eq!(
            broken(|q| item(q, 3)["enableWhen"][0]["question"] = json!("nowhere")),
            ["enableWhen"]
        );
    }

    #[test]
    fn enable_when_tests_an_earlier_question_only() {
        assert_eq!(
            broken(|q| {
                item(q, 2)["enableWhen"] =
                    json!([{ "question": "c", "operator": "exists", "answerBoolean": true }])
            }),
            ["enableWhen"]
        );
    }

    #[test]
    fn enable_when_answer_type_matches_the_question() {
        assert_eq!(
            broken(|q| {
                item(q, 3)["enableWhen"][1] =
                    json!({ "question": "b", "operator": ">=", "answerDecimal": 3.0 })
            }),
            ["enableWhen"]
        );
        assert_eq!(
            broken(|q| item(q, 3)["enableWhen"][0]["answerCoding"]["code"] = json!("maybe")),
            ["enableWhen"]
        );
        assert_eq!(
            broken(|q| item(q, 3)["enableWhen"][0]["operator"] = json!("~")),
            ["enableWhen"]
        );
    }
}
