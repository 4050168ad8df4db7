//! A plain answer set, read straight into answers.
//!
//! Most answer files, and most lines of a batch, are a flat object of valid answers. The
//! general way reads the text into a JSON tree first (a string for every key and every
//! answer, a map, then freeing it all) and checks the tree: in a batch, more than half of
//! the time, most of it the allocator's. Here the text is read once, in order, each key and
//! answer checked as it comes and borrowed from the text, so a valid answer set costs one
//! allocation (its answers).
//!
//! Anything this reading does not settle on its own, it gives up on, and the text goes
//! the general way, which says exactly what is wrong: invalid JSON, a value that is not a
//! valid answer, an unknown question, an `id` that is neither a string nor a number, a
//! FHIR resource. So answers read here are the answers (and `id`) the general way gives,
//! and a text not read here loses nothing but the time of a try.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

use crate::answers::{self, Answers, Value};
use crate::rulebase::OptionSet;
use crate::rulebase::model::{AnswerKind, Question, Questionnaire};

/// A batch line that is a valid flat answer set: its answers and its `id` (`None` when
/// absent or `null`). `None` when the line must go the general way.
pub(crate) fn read_line(
    text: &str,
    questionnaire: &Questionnaire,
) -> Option<(Answers, Option<Json>)> {
    read(text, questionnaire, true)
}

/// An answer file that is a valid flat answer set (where `id` is a key like any other):
/// its answers. `None` when the file must go the general way.
pub(crate) fn read_file(text: &str, questionnaire: &Questionnaire) -> Option<Answers> {
    read(text, questionnaire, false).map(|(answers, _)| answers)
}

fn read(
    text: &str,
    questionnaire: &Questionnaire,
    takes_id: bool,
) -> Option<(Answers, Option<Json>)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(Line {
            questionnaire,
            takes_id,
        })
        .ok()?;
    de.end().ok()?;
    Some(read)
}

/// The error that sends a text the general way; it never reaches a runner.
fn give_up<E: de::Error>() -> E {
    E::custom("not a plain answer set")
}

struct Line<'q> {
    questionnaire: &'q Questionnaire,
    /// Whether `id` is the line's id (a batch line), rather than a key like any other.
    takes_id: bool,
}

impl<'de> Visitor<'de> for Line<'_> {
    type Value = (Answers, Option<Json>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let questions = &self.questionnaire.questions;
        let mut answers = Answers::none(self.questionnaire);
        // A key given twice is read twice, and the last counts, as in the general way.
        let mut id = None;
        while let Some(Text(key)) = map.next_key()? {
            if self.takes_id && key == "id" {
                id = match map.next_value::<Json>()? {
                    Json::Null => None,
                    valid @ (Json::String(_) | Json::Number(_)) => Some(valid),
                    _ => return Err(give_up()),
                };
            } else if key.starts_with('$') {
                map.next_value::<IgnoredAny>()?;
            } else {
                // An unknown key (a FHIR `resourceType` among them) goes the general way.
                let qi = self.questionnaire.find(&key).ok_or_else(give_up)?;
                let value = map.next_value_seed(Answer {
                    question: &questions[qi],
                })?;
                answers.set(qi, value);
            }
        }
        Ok((answers, id))
    }
}

/// A string key or answer, borrowed from the line unless it holds an escape.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// One answer, checked against its question as [`answers::check_answer`] checks it, for
/// the answers that check accepts; anything else gives up.
struct Answer<'q> {
    question: &'q Question,
}

impl<'de> DeserializeSeed<'de> for Answer<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Answer<'_> {
    fn choice<E: de::Error>(&self, text: &str) -> Result<Option<Value>, E> {
        match self.question.kind {
            AnswerKind::YesNo | AnswerKind::Single => self
                .question
                .option(text)
                .map(|o| Some(Value::Choice(o)))
                .ok_or_else(give_up),
            _ => Err(give_up()),
        }
    }

    fn number<E: de::Error>(&self, n: f64) -> Result<Option<Value>, E> {
        match self.question.kind {
            AnswerKind::Number { .. } | AnswerKind::Scale { .. } => {
                answers::number_in_range(self.question, n)
                    .map(|n| Some(Value::Number(n)))
                    .map_err(|_| give_up())
            }
            _ => Err(give_up()),
        }
    }
}

impl<'de> Visitor<'de> for Answer<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if self.question.kind != AnswerKind::YesNo {
            return Err(give_up());
        }
        self.choice(if v { "yes" } else { "no" })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.choice(v)
    }

    // The number as `serde_json::Number::as_f64` gives it.
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.number(v as f64)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.number(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.number(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.question.kind != AnswerKind::Multi {
            return Err(give_up());
        }
        let mut set: OptionSet = 0;
        while let Some(Text(text)) = seq.next_element()? {
            let o = self.question.option(&text).ok_or_else(give_up)?;
            if set & (1 << o) != 0 {
                return Err(give_up());
            }
            set |= 1 << o;
        }
        if answers::exclusive_clash(self.question, set).is_some() {
            return Err(give_up());
        }
        Ok(Some(Value::Multi(set)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The general way: the whole line as a JSON tree, its `id` taken out, then checked.
    fn general(text: &str, questionnaire: &Questionnaire) -> Option<(Answers, Option<Json>)> {
        let mut json = answers::parse_json(text, "line 1").ok()?;
        let id = match &mut json {
            Json::Object(map) => map.shift_remove("id"),
            _ => None,
        };
        let id = match id {
            None | Some(Json::Null) => None,
            Some(valid @ (Json::String(_) | Json::Number(_))) => Some(valid),
            Some(_) => return None,
        };
        let answers = crate::fhir::answers_from_json(&json, "line 1", questionnaire).ok()?;
        Some((answers, id))
    }

    /// The general way for an answer file, where `id` is a key like any other.
    fn general_file(text: &str, questionnaire: &Questionnaire) -> Option<Answers> {
        let json = answers::parse_checked(text, "answers.json").ok()?;
        crate::fhir::answers_from_json(&json, "answers.json", questionnaire).ok()
    }

    fn shipped() -> &'static crate::rulebase::RuleBase {
        static SHIPPED: std::sync::LazyLock<crate::rulebase::RuleBase> =
            std::sync::LazyLock::new(|| crate::rulebase::embedded::shipped().unwrap());
        &SHIPPED
    }

    /// A JSON text for one answer to `question`: mostly valid answers, written plainly or
    /// with escapes, and now and then a near miss or the wrong kind of value.
    fn answer_text(question: &Question) -> BoxedStrategy<String> {
        let options: Vec<String> = question
            .options
            .iter()
            .map(|o| o.value.to_string())
            .collect();
        let escaped = |s: &str| {
            // The first letter as a \u escape: the same string to JSON, not to the bytes.
            let mut chars = s.chars();
            match chars.next() {
                Some(c) => format!("\"\\u{:04x}{}\"", c as u32, chars.as_str()),
                None => "\"\"".to_string(),
            }
        };
        let valid = match question.kind {
            AnswerKind::YesNo | AnswerKind::Single => {
                let option = proptest::sample::select(options).boxed();
                prop_oneof![
                    6 => option.clone().prop_map(|o| format!("\"{o}\"")),
                    2 => option.prop_map(move |o| escaped(&o)),
                    1 => any::<bool>().prop_map(|b| b.to_string()),
                ]
                .boxed()
            }
            AnswerKind::Multi => {
                proptest::sample::subsequence(options.clone(), 0..=options.len().min(4))
                    .prop_shuffle()
                    .prop_map(|v| {
                        let items: Vec<String> = v.iter().map(|o| format!("\"{o}\"")).collect();
                        format!("[{}]", items.join(", "))
                    })
                    .boxed()
            }
            AnswerKind::Number { .. } | AnswerKind::Scale { .. } => {
                let (min, max) = question.kind.range().unwrap_or((0.0, 10.0));
                prop_oneof![
                    4 => (min as i64..=max as i64).prop_map(|n| n.to_string()),
                    1 => (min..=max).prop_map(|n| format!("{n}")),
                    1 => (min..=max).prop_map(|n| format!("{n:e}")),
                ]
                .boxed()
            }
        };
        prop_oneof![
            40 => valid,
            2 => Just("null".to_string()),
            1 => Just("1e400".to_string()),
            1 => Just("-0".to_string()),
            1 => Just("18446744073709551616".to_string()),
            1 => Just("-1".to_string()),
            1 => any::<bool>().prop_map(|b| b.to_string()),
            1 => Just("{\"a\": 1}".to_string()),
            1 => Just("\"maybe\"".to_string()),
            1 => Just("[\"yes\", 1]".to_string()),
            1 => Just("[\"yes\", \"yes\"]".to_string()),
        ]
        .boxed()
    }

    /// One line: keys from the questionnaire (sometimes twice, sometimes unknown), an
    /// `id` of any kind, `$` keys with anything in them, a FHIR resource type, odd spacing
    /// and trailing text.
    fn line() -> impl Strategy<Value = String> {
        let questions = &shipped().questionnaire.questions;
        let entry = prop_oneof![
            30 => (0..questions.len()).prop_flat_map(move |i| {
                let q = &shipped().questionnaire.questions[i];
                answer_text(q).prop_map(move |a| format!("\"{}\": {a}", q.id))
            }),
            1 => prop_oneof![
                Just("\"id\": \"runner-1\"".to_string()),
                Just("\"id\": 7".to_string()),
                Just("\"id\": null".to_string()),
                Just("\"id\": [1]".to_string()),
                Just("\"id\": \"r\\u00e9\\u001b[31m\"".to_string()),
            ],
            1 => Just("\"$schema\": {\"deep\": [1, {\"x\": null}]}".to_string()),
            1 => Just("\"resourceType\": \"QuestionnaireResponse\"".to_string()),
            1 => Just("\"not_a_question\": \"yes\"".to_string()),
            1 => Just("\"p\\u0061in_now\": 3".to_string()),
        ];
        (
            proptest::collection::vec(entry, 0..12),
            prop_oneof![16 => Just(""), 1 => Just(" \n"), 1 => Just(" x"), 1 => Just("}")],
            prop_oneof![16 => Just(", "), 1 => Just(",\n\t"), 1 => Just(",,")],
        )
            .prop_map(|(entries, tail, comma)| format!("{{{}}}{tail}", entries.join(comma)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Answers read here, as a batch line or as an answer file, are those the general
        /// way gives (with the line's `id`).
        #[test]
        fn answers_read_quickly_are_the_answers_read_the_general_way(text in line()) {
            let questionnaire = &shipped().questionnaire;
            if let Some(quick) = read_line(&text, questionnaire) {
                prop_assert_eq!(Some(quick), general(&text, questionnaire), "{}", text);
            }
            if let Some(quick) = read_file(&text, questionnaire) {
                prop_assert_eq!(Some(quick), general_file(&text, questionnaire), "{}", text);
            }
        }
    }

    /// The answer sets the fixtures hold, plain and valid, are read here, not handed on.
    #[test]
    fn plain_answer_sets_are_read_here() {
        let questionnaire = &shipped().questionnaire;
        for name in ["full", "emergency", "urgent", "soon", "routine", "empty"] {
            let path = format!(
                "{}/tests/fixtures/answers/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap();
            let quick = read_line(&text, questionnaire);
            assert!(quick.is_some(), "{name}.json went the general way");
            assert_eq!(quick, general(&text, questionnaire), "{name}.json");
            let quick = read_file(&text, questionnaire);
            assert!(quick.is_some(), "{name}.json went the general way");
            assert_eq!(quick, general_file(&text, questionnaire), "{name}.json");
        }
    }
}
