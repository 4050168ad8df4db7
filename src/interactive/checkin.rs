//! `runback checkin` in a terminal: at most six screens, with the questionnaire's own
//! prompts.

use crate::answers::Answers;
use crate::app::Error;
use crate::bout::{Bout, facts::Runs};
use crate::cli::ColorWhen;
use crate::rulebase::RuleBase;

/// Asks a check-in's questions in the terminal; `None` when the runner stopped.
pub fn ask(
    _rules: &RuleBase,
    _bout: &Bout,
    _runs: Option<&Runs>,
    _color: ColorWhen,
) -> Result<Option<Answers>, Error> {
    Err(Error::NoTerminal)
}
