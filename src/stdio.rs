//! Standard output and standard error as runback uses them: a message that cannot be
//! written is lost, never a panic, and no output is claimed written to a standard output
//! that was closed.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Records that standard output was closed when the process started (`runback >&-`).
///
/// A closed standard output is opened on `/dev/null` before runback's own code runs (by
/// the binary's `main` on Linux with glibc, by the Rust runtime elsewhere), so a report
/// would vanish without a word; the binary notes the closed descriptor first and says so
/// here.
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
    let text = crate::clean::clean_lines(text);
    let term = console::Term::stderr();
    let text = match term.size_checked() {
        Some((_, cols)) if term.is_term() && cols >= 30 => fold(&text, usize::from(cols) - 1),
        _ => text.into_owned(),
    };
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
    let _ = err.flush();
}

/// A message's prose lines wrapped at spaces to `width`, so a terminal never breaks a
/// word in two. Indented lines (a command to copy, a list) are left whole for the
/// terminal to fold, so they still copy in one piece.
fn fold(text: &str, width: usize) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with(char::is_whitespace) {
                line.to_string()
            } else {
                crate::wrap::wrap(line, width, "", "").join("\n")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn prose_wraps_at_spaces_and_an_indented_command_stays_whole() {
        let text = "runback: interrupted; your answers so far are saved in /tmp/state/runs/2026-12-06T032334Z.json.\n  Continue with: runback assess --resume /tmp/state/runs/2026-12-06T032334Z.json";
        let folded = fold(text, 40);
        let lines: Vec<&str> = folded.lines().collect();
        assert_eq!(
            lines,
            [
                "runback: interrupted; your",
                "answers so far are saved in",
                "/tmp/state/runs/2026-12-06T032334Z.json.",
                "  Continue with: runback assess --resume /tmp/state/runs/2026-12-06T032334Z.json",
            ]
        );
    }
}
