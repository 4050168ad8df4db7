//! `runback checkin` in a terminal: at most six screens, with the questionnaire's own
//! prompts, keys and emergency confirmation.

use std::io::{self, IsTerminal};

use crate::answers::{self, Answers};
use crate::app::{Error, use_color};
use crate::bout::{Bout, facts::Runs};
use crate::cli::ColorWhen;
use crate::interactive::flow::{self, CheckinOf, Outcome};
use crate::interactive::store::Kept;
use crate::interactive::terminal::TerminalPrompter;
use crate::report::date;
use crate::rulebase::RuleBase;
use crate::rulebase::files::BoutFact;

/// What an interrupted check-in leaves behind, after "interrupted".
const NOT_KEPT: &str = "this check-in was not kept: runback keeps a check-in only once it is finished.\n  Start it again with: runback checkin";

/// A prompter for a check-in, once standard input and standard error are known to be a
/// terminal (a plain `runback` passes on the one its offer used).
pub fn prompter(color: ColorWhen) -> Result<TerminalPrompter, Error> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Error::NoCheckinTerminal);
    }
    crate::interactive::guard_ctrl_c();
    Ok(TerminalPrompter::new(
        use_color(color, &console::Term::stderr()),
        None,
    ))
}

/// Asks a check-in's questions in the terminal; `None` when the runner stopped at the
/// emergency screen (nothing is kept then). Ctrl-C or Esc is [`Error::Interrupted`],
/// with nothing kept.
pub fn ask(
    rules: &RuleBase,
    prompter: &mut TerminalPrompter,
    bout: &Bout,
    runs: Option<&Runs>,
    now: i64,
) -> Result<Option<Answers>, Error> {
    let stopped = |e| crate::commands::questionnaire::prompt_error(e, Kept::Untouched(NOT_KEPT));
    // A closed window or SIGTERM at a prompt says the same as Esc.
    crate::interrupt::set_farewell(
        Error::Interrupted {
            kept: Kept::Untouched(NOT_KEPT),
        }
        .to_string(),
    );
    let checkin = CheckinOf { bout, runs, now };
    prompter
        .checkin_intro(&title(bout, now), &log_notes(rules, checkin))
        .map_err(stopped)?;
    let outcome = flow::run_checkin(rules, prompter, checkin, &mut |_| {});
    let _ = console::Term::stderr().show_cursor();
    let _ = console::Term::stderr().write_line("");
    match outcome.map_err(Error::Terminal)? {
        Outcome::Report(given) | Outcome::Emergency(given) => Ok(Some(given)),
        Outcome::Stopped(_) => {
            crate::stdio::message("runback: stopped; this check-in was not kept.");
            Ok(None)
        }
        Outcome::Interrupted(_) => Err(Error::Interrupted {
            kept: Kept::Untouched(NOT_KEPT),
        }),
    }
}

/// "Check-in, day 3 of the back pain you assessed on 6 Dec 2025", as the report heads it.
fn title(bout: &Bout, now: i64) -> String {
    let day = (now - bout.started()).max(0) / 86_400;
    format!(
        "Check-in, day {day} of the back pain you assessed on {}",
        date::readable_day(&date::ymd_of(bout.started()))
    )
}

/// What a training log told about the runs since the last answers, or why it could not.
fn log_notes(rules: &RuleBase, checkin: CheckinOf<'_>) -> Vec<String> {
    let Some(runs) = checkin.runs else {
        return Vec::new();
    };
    let given = Answers::none(&rules.questionnaire);
    let weighed =
        crate::bout::weighed_answers(rules, checkin.bout, &given, checkin.now, checkin.runs);
    let questions = &rules.questionnaire.questions;
    let counted = questions.iter().enumerate().find_map(|(q, question)| {
        let from = question.from_bout.as_ref()?;
        (from.fact == BoutFact::Runs)
            .then(|| weighed.get(q).map(|v| answers::describe(question, v)))
    });
    match counted {
        Some(Some(runs)) => vec![format!(
            "Your training log shows {runs} since you last answered."
        )],
        Some(None) if !runs.is_current(checkin.now) => vec![
            "Your training log has nothing from the last 7 days, so you are asked about your runs instead."
                .to_string(),
        ],
        _ => Vec::new(),
    }
}
