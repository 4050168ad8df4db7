//! The `runback` binary: everything lives in the library.
//!
//! On Linux with the GNU C library, runback starts from its own C `main` rather than
//! through the Rust runtime's start-up (`start::main` below says what it keeps and why):
//! that start-up reads `/proc/self/maps` to find where the stack's guard lies, for its
//! stack-overflow message, which was the largest single cost of starting runback, about
//! 0.1 ms of a one-shot `assess`.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

// The functions of the maths library runback calls, so the binary does not load it at
// start. In the binary, not the library: its symbols belong to this one program. Not in a
// static build, which links the maths library's own functions in.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
mod maths;

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    if closed_stdout::CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        runback::stdio::note_stdout_closed_at_start();
    }
    runback::app::main().into()
}

/// Whether standard output was closed when the process started (`runback >&-`), where the
/// Rust runtime starts runback (Linux with another C library than GNU's).
///
/// The Rust runtime puts `/dev/null` on a closed descriptor 0, 1 or 2 before `main`, so
/// only code that runs earlier can tell: a function in `.init_array`, which the C
/// library calls before the Rust runtime starts.
#[cfg(all(target_os = "linux", not(all(target_env = "gnu", not(test)))))]
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

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod start {
    use std::os::raw::{c_char, c_int};

    /// What the C library calls once the program is loaded.
    ///
    /// It does what the Rust runtime's start-up does for runback, and no more:
    /// - a closed standard input, output or error is opened on `/dev/null`, so a file
    ///   runback opens later can never take its number (a closed standard output is
    ///   noted, so the report is refused with a message rather than lost);
    /// - a reader that goes away (`runback … | head`) gives an error on writing, not a
    ///   signal that kills the process: runback ends quietly with success then;
    /// - a panic is caught and exits with 101, after its message;
    /// - standard output is flushed at exit, by `std::process::exit`.
    ///
    /// What it leaves out:
    /// - the message that names a stack overflow: the guard below each thread's stack
    ///   still stops one, as a crash (SIGSEGV, status 139) instead of an abort with a
    ///   message;
    /// - the main thread's name: a panic's message says `thread '<unnamed>'` where it said
    ///   `thread 'main'`, and a backtrace goes on below `main` to the C library's start.
    ///
    /// Arguments still reach `std::env::args`: the standard library takes them from the C
    /// library when the program is loaded, before this runs.
    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        if open_standard_descriptors() {
            runback::stdio::note_stdout_closed_at_start();
        }
        // SAFETY: no other thread exists yet, and ignoring a signal installs no handler.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let code = match std::panic::catch_unwind(runback::app::main) {
            Ok(code) => i32::from(code.code()),
            Err(payload) => {
                // Not dropped: a payload whose drop panicked would abort here, where
                // nothing may unwind, and the process ends at once anyway.
                std::mem::forget(payload);
                101
            }
        };
        std::process::exit(code)
    }

    /// Opens `/dev/null` on any of descriptors 0, 1 and 2 that is closed, and says
    /// whether standard output was. One `poll` asks after all three, as the Rust runtime
    /// does.
    fn open_standard_descriptors() -> bool {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        // SAFETY: `fds` is three valid entries, and a zero timeout returns at once.
        let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
        let closed = |fd: &libc::pollfd| {
            if polled == -1 {
                // SAFETY: F_GETFD only asks whether the descriptor is open.
                unsafe { libc::fcntl(fd.fd, libc::F_GETFD) == -1 }
            } else {
                fd.revents & libc::POLLNVAL != 0
            }
        };
        let mut stdout_closed = false;
        for fd in fds.iter().filter(|fd| closed(fd)) {
            // SAFETY: the path is a valid C string; the lowest free descriptor is the
            // closed one, because 0, 1 and 2 are taken in order.
            let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if opened != fd.fd {
                // Nothing safe to write to, and nowhere to say so.
                std::process::abort();
            }
            stdout_closed |= fd.fd == 1;
        }
        stdout_closed
    }
}
