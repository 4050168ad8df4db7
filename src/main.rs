//! The `runback` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    if closed_stdout::CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        runback::stdio::note_stdout_closed_at_start();
    }
    runback::app::main().into()
}

/// Whether standard output was closed when the process started (`runback >&-`).
///
/// The Rust runtime puts `/dev/null` on a closed descriptor 0, 1 or 2 before `main`, so
/// only code that runs earlier can tell: a function in `.init_array`, which the C
/// library calls before the Rust runtime starts.
#[cfg(target_os = "linux")]
mod closed_stdout {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Set before `main` when descriptor 1 was not open.
    pub static CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn check() {
        // SAFETY: F_GETFD only asks whether the descriptor is open; it changes nothing.
        if unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1 {
            CLOSED.store(true, Ordering::Relaxed);
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static CHECK: extern "C" fn() = check;
}
