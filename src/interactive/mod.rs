//! The questionnaire asked in a terminal: the flow (`flow/`) behind a small prompting
//! interface, and its terminal implementation (`terminal.rs`).

pub mod checkin;
pub mod flow;
pub mod line;
pub mod list;
pub mod replay;
pub mod store;
pub mod terminal;

pub use flow::{Outcome, Prompter, Scope, run};

/// Makes Ctrl-C, SIGTERM and SIGHUP safe while prompting.
///
/// Inside a prompt, the terminal library reads Ctrl-C as a key, which the flow handles
/// (saving answers, restoring the cursor). A signal between prompts, or SIGTERM and
/// SIGHUP (a closed window) at any time, end the run through [`crate::interrupt`]: the
/// cursor shown again, no temporary file left, exit status 130.
pub fn guard_ctrl_c() {
    crate::interrupt::install();
}
