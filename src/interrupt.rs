//! Ctrl-C, SIGTERM and SIGHUP: one handler for the whole process, so a run that is
//! stopped, or whose terminal goes away, ends the same way whichever it was: temporary
//! files removed, the cursor shown again, a line on standard error, exit status 130.
//!
//! Work that can stop itself cleanly between two steps (a batch, between chunks) asks for
//! the first signal to be only a request ([`stop_cooperatively`], [`requested`]); if it
//! has not stopped a second later (it may be waiting on an idle pipe), or a second signal
//! comes, the handler ends the process itself. A prompt reads Ctrl-C as a key and handles
//! it in the questionnaire; this handler sees it only between prompts.

use std::sync::Mutex;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::exit_codes::ExitCode;

static INSTALL: Once = Once::new();
static REQUESTED: AtomicBool = AtomicBool::new(false);
static COOPERATIVE: AtomicBool = AtomicBool::new(false);
static FAREWELL: Mutex<Option<String>> = Mutex::new(None);
/// What a signal that ends the process does first, registered by whoever needs it (the
/// temporary files of `atomic_write`), so this handler knows none of them.
static CLEANUPS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// How long work that stops itself gets after the first signal.
const GRACE: Duration = Duration::from_secs(1);

/// Installs the handler, once per process; later calls do nothing.
pub fn install() {
    INSTALL.call_once(|| {
        // Fails only when another handler is in place, which runback never installs.
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// Installs the handler, and has it run `cleanup` before a signal ends the process; a
/// cleanup registered more than once runs once.
pub fn on_stop(cleanup: fn()) {
    if let Ok(mut list) = CLEANUPS.lock()
        && !list.iter().any(|c| std::ptr::fn_addr_eq(*c, cleanup))
    {
        list.push(cleanup);
    }
    install();
}

/// From now on the first signal only sets [`requested`], for work that checks it
/// between steps; a second signal, or a second's wait, ends the process.
pub fn stop_cooperatively() {
    COOPERATIVE.store(true, Ordering::SeqCst);
    install();
}

/// Whether a signal asked the work to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// What to say on standard error if a signal ends the process (by default
/// `interrupted`), such as where the answers so far were saved.
pub fn set_farewell(message: String) {
    if let Ok(mut farewell) = FAREWELL.lock() {
        *farewell = Some(message);
    }
}

fn on_signal() {
    let first = !REQUESTED.swap(true, Ordering::SeqCst);
    if first && COOPERATIVE.load(Ordering::SeqCst) {
        // The work ends the process itself once it sees the request; if it does, this
        // thread never wakes up again.
        let start = Instant::now();
        while start.elapsed() < GRACE {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let cleanups: Vec<fn()> = match CLEANUPS.lock() {
        Ok(list) => list.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for cleanup in cleanups {
        cleanup();
    }
    let term = console::Term::stderr();
    if term.is_term() {
        let _ = term.show_cursor();
    }
    let farewell = FAREWELL
        .lock()
        .ok()
        .and_then(|f| f.clone())
        .unwrap_or_else(|| "interrupted".to_string());
    crate::stdio::message(&format!("\nrunback: {farewell}"));
    std::process::exit(ExitCode::Interrupted.code().into());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleanup_for_test() {}

    #[test]
    fn a_cleanup_registered_twice_runs_once() {
        on_stop(cleanup_for_test);
        on_stop(cleanup_for_test);
        let list = CLEANUPS.lock().unwrap();
        let n = list
            .iter()
            .filter(|c| std::ptr::fn_addr_eq(**c, cleanup_for_test as fn()))
            .count();
        assert_eq!(n, 1);
    }
}
