//! Conditions written back out in words, for the questionnaire listing and explanations.

use super::model::{Condition, OptionSet, Question, Questionnaire, Test};

/// The indexes of the options in a set, in questionnaire order.
pub fn options_in(question: &Question, set: OptionSet) -> impl Iterator<Item = usize> + '_ {
    (0..question.options.len()).filter(move |o| set & (1 << o) != 0)
}

/// A number without a needless fraction.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A condition in words, using question ids and option values: `pain_spreads is one of
/// buttock_or_thigh, below_knee`.
pub fn condition(c: &Condition, questionnaire: &Questionnaire) -> String {
    match c {
        Condition::All(list) => join(list, " and ", questionnaire),
        Condition::Any(list) => join(list, " or ", questionnaire),
        Condition::Not(inner) => format!("not ({})", condition(inner, questionnaire)),
        Condition::Test { question, test } => {
            let q = &questionnaire.questions[*question];
            match test {
                Test::ChoiceIn(set) if set.count_ones() == 1 => {
                    format!("{} is {}", q.id, values(q, *set))
                }
                Test::ChoiceIn(set) => format!("{} is one of {}", q.id, values(q, *set)),
                Test::Includes(set) if set.count_ones() == 1 => {
                    format!("{} includes {}", q.id, values(q, *set))
                }
                Test::Includes(set) => format!("{} includes any of {}", q.id, values(q, *set)),
                Test::Compare(cmp, v) => {
                    format!("{} {} {}", q.id, cmp.key().replace('_', " "), number(*v))
                }
                Test::Answered => format!("{} is answered", q.id),
                Test::Unanswered => format!("{} is not answered", q.id),
            }
        }
    }
}

fn join(list: &[Condition], sep: &str, questionnaire: &Questionnaire) -> String {
    list.iter()
        .map(|c| match c {
            Condition::All(_) | Condition::Any(_) if list.len() > 1 => {
                format!("({})", condition(c, questionnaire))
            }
            _ => condition(c, questionnaire),
        })
        .collect::<Vec<_>>()
        .join(sep)
}

fn values(q: &Question, set: OptionSet) -> String {
    options_in(q, set)
        .map(|o| q.options[o].value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
