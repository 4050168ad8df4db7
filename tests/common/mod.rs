//! What more than one test suite needs: random valid answers to the rule base's questions,
//! as they are written in an answer file (`answer`) or as the engine holds them (`value`).
//! Each suite uses what it needs of this.
#![allow(dead_code)]

use proptest::prelude::*;
use runback::answers::Value;
use runback::rulebase::{AnswerKind, Question};
use serde_json::Value as Json;

/// A valid answer to one question, edge values, "not sure" and fractions included.
pub fn answer(question: &Question) -> BoxedStrategy<Json> {
    let values: Vec<String> = question
        .options
        .iter()
        .map(|o| o.value.to_string())
        .collect();
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single => {
            prop::sample::select(values).prop_map(Json::String).boxed()
        }
        AnswerKind::Multi => {
            let exclusive: Vec<String> = (question.options.iter())
                .filter(|o| o.exclusive)
                .map(|o| o.value.to_string())
                .collect();
            let others: Vec<String> = (question.options.iter())
                .filter(|o| !o.exclusive)
                .map(|o| o.value.to_string())
                .collect();
            let n = others.len();
            let some = prop::sample::subsequence(others, 0..=n)
                .prop_map(|list| Json::Array(list.into_iter().map(Json::String).collect()));
            if exclusive.is_empty() {
                some.boxed()
            } else {
                prop_oneof![
                    3 => some,
                    1 => prop::sample::select(exclusive)
                        .prop_map(|v| Json::Array(vec![Json::String(v)])),
                ]
                .boxed()
            }
        }
        AnswerKind::Number {
            min, max, integer, ..
        } => {
            let (min, max, integer) = (*min, *max, *integer);
            prop_oneof![
                1 => Just(min),
                1 => Just(max),
                1 => Just(if min <= 1.0 && 1.0 <= max { 1.0 } else { min }),
                4 => (min..=max).prop_map(move |n| if integer { n.floor().max(min) } else { n }),
            ]
            .prop_map(|n| serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
            .boxed()
        }
        AnswerKind::Scale { min, max, .. } => prop_oneof![
            1 => Just(*min),
            1 => Just(*max),
            4 => *min..=*max,
        ]
        .prop_map(Json::from)
        .boxed(),
    }
}

/// A valid value for one question: a choice, a non-empty set of ordinary options or one
/// exclusive option, a number in range.
pub fn value(question: &Question) -> BoxedStrategy<Value> {
    let n = question.options.len();
    match &question.kind {
        AnswerKind::YesNo | AnswerKind::Single => (0..n).prop_map(Value::Choice).boxed(),
        AnswerKind::Multi => {
            let exclusive: Vec<usize> = (0..n).filter(|&o| question.options[o].exclusive).collect();
            let ordinary: Vec<usize> = (0..n).filter(|&o| !question.options[o].exclusive).collect();
            let count = ordinary.len();
            let some = prop::sample::subsequence(ordinary, 1..=count)
                .prop_map(|list| Value::Multi(list.into_iter().fold(0, |set, o| set | 1 << o)));
            if exclusive.is_empty() {
                some.boxed()
            } else {
                prop_oneof![
                    3 => some,
                    1 => prop::sample::select(exclusive).prop_map(|o| Value::Multi(1 << o)),
                ]
                .boxed()
            }
        }
        AnswerKind::Number {
            min, max, integer, ..
        } => {
            let (min, max, integer) = (*min, *max, *integer);
            (min..=max)
                .prop_map(move |v| Value::Number(if integer { v.floor() } else { v }))
                .boxed()
        }
        AnswerKind::Scale { min, max, .. } => {
            (*min..=*max).prop_map(|v| Value::Number(v as f64)).boxed()
        }
    }
}
