//! Where the runner stands on the rule base's graded return to running.

use crate::answers::Answers;
use crate::engine::{Truth, eval};
use crate::rulebase::RunToday;

use super::Bout;

/// Today's step, as an index into the plan's steps, after a check-in whose decision is
/// `decision` and whose answers are `answers`.
///
/// A runner new to the plan starts at its last step when still running (their usual
/// runs, within the single-run limit) and at its first when they have stopped. The
/// decision then moves the plan: a step back at once, a step on only after a run (a
/// runner who has not run since cannot have shown the step was comfortable).
pub fn step(run_today: &RunToday, bout: &Bout, answers: &Answers, decision: usize) -> usize {
    let last = run_today.plan.steps.len().saturating_sub(1);
    let running = eval(&run_today.plan.running_when, answers, &mut Vec::new()) == Truth::True;
    let before = bout
        .entries
        .iter()
        .rev()
        .find_map(|e| e.plan_step.as_deref())
        .and_then(|id| run_today.plan.steps.iter().position(|s| s.id == id));
    let (from, may_advance) = match before {
        Some(step) => (step, running),
        None if running => (last, false),
        None => (0, false),
    };
    match run_today.decisions[decision].plan_move {
        m if m < 0 => from.saturating_sub(1),
        m if m > 0 && may_advance => (from + 1).min(last),
        _ => from,
    }
}
