//! The questionnaire asked in a terminal: the flow (`flow.rs`) behind a small prompting
//! interface, and its dialoguer implementation (`terminal.rs`).

pub mod flow;
pub mod list;
pub mod replay;
pub mod store;
pub mod terminal;

use std::sync::atomic::{AtomicBool, Ordering};

pub use flow::{Outcome, Prompter, Scope, run};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C safe while prompting.
///
/// Inside a prompt, the terminal library turns Ctrl-C into an interrupted read, which the
/// flow handles (saving answers, restoring the cursor). This handler only keeps the
/// default "die at once" from skipping that, and lets a second Ctrl-C end a stuck run.
pub fn guard_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            let _ = console::Term::stderr().show_cursor();
            std::process::exit(130);
        }
    });
}
