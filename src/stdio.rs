//! Standard output and standard error as runback uses them: a message that cannot be
//! written is lost, never a panic, and no output is claimed written to a standard output
//! that was closed.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Records that standard output was closed when the process started (`runback >&-`).
///
/// The Rust runtime reopens a closed standard output on `/dev/null` before `main` runs,
/// so a report would vanish without a word; the binary checks the descriptor before
/// that and says so here.
pub fn note_stdout_closed_at_start() {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
}

/// Standard output, or why it cannot take any output.
pub fn stdout() -> io::Result<io::Stdout> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        // Not `BrokenPipe`: that means the reader left, which ends quietly.
        return Err(io::Error::new(
            io::ErrorKind::NotConnected,
            "standard output is closed",
        ));
    }
    Ok(io::stdout())
}

/// Writes one message and a line break to standard error, with every character a
/// terminal must not see escaped; a standard error that cannot be written (a full disk,
/// a closed descriptor) loses the message and nothing else.
pub fn message(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", crate::clean::clean_lines(text));
    let _ = err.flush();
}
