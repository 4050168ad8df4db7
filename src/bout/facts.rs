//! The facts a check-in's rules read, worked out from the bout kept so far: each a
//! `number` question of the questionnaire with `from_bout`, filled as if answered.

use crate::answers::{Answers, Value};
use crate::rulebase::files::BoutFact;
use crate::rulebase::{AnswerKind, FromBout, Question, RuleBase};
use crate::training::{Activity, Kind as ActivityKind};

use super::{Bout, number};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The runs of a training log, in time order: when each started and how far it went.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    runs: Vec<(i64, f64)>,
    /// When the log's latest activity of any kind started.
    latest: Option<i64>,
}

impl Runs {
    /// The runs with a distance, from a training log's activities.
    pub fn from_activities(activities: &[Activity]) -> Runs {
        let mut runs: Vec<(i64, f64)> = activities
            .iter()
            .filter(|a| a.kind == ActivityKind::Run)
            .filter_map(|a| Some((a.start.timestamp(), a.distance_m? / 1000.0)))
            .filter(|(_, km)| km.is_finite() && *km > 0.0)
            .collect();
        runs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let latest = activities.iter().map(|a| a.start.timestamp()).max();
        Runs { runs, latest }
    }

    /// Whether the log reaches the week before `now`: an older export cannot tell
    /// whether the runner has run since.
    pub fn is_current(&self, now: i64) -> bool {
        self.latest.is_some_and(|t| t >= now - 7 * DAY)
    }

    /// How many runs started after `since` and by `until`.
    pub fn count(&self, since: i64, until: i64) -> usize {
        self.runs
            .iter()
            .filter(|(t, _)| *t > since && *t <= until)
            .count()
    }

    /// The longest run of the 30 days before `at` (not counting `at` itself).
    pub fn longest_before(&self, at: i64) -> Option<f64> {
        self.runs
            .iter()
            .filter(|(t, _)| *t < at && *t >= at - 30 * DAY)
            .map(|(_, km)| *km)
            .max_by(f64::total_cmp)
    }

    /// By how many per cent the runs from `since` to `until` went past the longest run of
    /// the 30 days before each, at most: 0 when none did, `None` when no run of theirs had
    /// one to compare with. With the run and the longest before it.
    pub fn spike(&self, since: i64, until: i64) -> Option<Spike> {
        self.runs
            .iter()
            .filter(|(t, _)| *t >= since && *t <= until)
            .filter_map(|&(t, km)| {
                let before = self.longest_before(t)?;
                Some(Spike {
                    time: t,
                    km,
                    longest_before_km: before,
                    percent: ((km / before - 1.0) * 100.0).max(0.0),
                })
            })
            .max_by(|a, b| a.percent.total_cmp(&b.percent))
    }
}

/// A run measured against the longest of the 30 days before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    /// When it started.
    pub time: i64,
    /// Its distance.
    pub km: f64,
    /// The longest run of the 30 days before it.
    pub longest_before_km: f64,
    /// How much longer, in per cent (0 when it was not longer).
    pub percent: f64,
}

/// Fills every `from_bout` question of `answers` (a check-in at `now`) from the bout and
/// the training log's runs; a fact that cannot be worked out is left unanswered.
pub fn fill(rules: &RuleBase, bout: &Bout, answers: &mut Answers, now: i64, runs: Option<&Runs>) {
    for (q, question) in rules.questionnaire.questions.iter().enumerate() {
        let Some(from) = &question.from_bout else {
            continue;
        };
        let value = work_out(rules, bout, answers, now, runs, from)
            .and_then(|v| fit(question, v))
            .map(Value::Number);
        answers.set(q, value);
    }
}

fn work_out(
    rules: &RuleBase,
    bout: &Bout,
    answers: &Answers,
    now: i64,
    runs: Option<&Runs>,
    from: &FromBout,
) -> Option<f64> {
    let start = || {
        let first = bout.first_assessment()?;
        number(first, rules, from.start?)
    };
    let now_value = || match answers.get(from.of?) {
        Some(Value::Number(n)) => Some(n),
        _ => None,
    };
    match from.fact {
        BoutFact::Days => Some(((now - bout.started()).max(0) / DAY) as f64),
        BoutFact::Runs => {
            let last = bout.entries.last()?.time;
            let runs = runs.filter(|r| r.is_current(now))?;
            Some(runs.count(last, now) as f64)
        }
        BoutFact::Spike => {
            let runs = runs?;
            Some(
                runs.spike(bout.since_last_entry(), now)
                    .map_or(0.0, |s| s.percent),
            )
        }
        BoutFact::Change => {
            let of = from.of?;
            let earlier = bout
                .checkins()
                .rev()
                .take(from.worst_of.saturating_sub(1))
                .filter_map(|e| number(e, rules, of));
            let worst = earlier.fold(now_value()?, f64::max);
            Some(worst - start()?)
        }
        BoutFact::WeekChange => {
            let of = from.of?;
            let reach = now - i64::from(from.days) * DAY;
            let before = bout
                .checkins()
                .rev()
                .filter(|e| e.time <= reach)
                .find_map(|e| number(e, rules, of))
                .or_else(start)?;
            Some(now_value()? - before)
        }
    }
}

/// A value kept within its question's range, whole when the question takes whole numbers.
fn fit(question: &Question, value: f64) -> Option<f64> {
    let AnswerKind::Number {
        min, max, integer, ..
    } = question.kind
    else {
        return None;
    };
    let value = if integer {
        value.round()
    } else {
        (value * 10.0).round() / 10.0
    };
    value.is_finite().then(|| value.clamp(min, max))
}
