//! The `runback` binary: everything lives in the library.
//!
//! On Linux with the GNU C library, runback starts from its own C `main` rather than
//! through the Rust runtime's start-up (`start::main` below says what it keeps and why):
//! that start-up reads `/proc/self/maps` to place a guard for stack overflows, which was
//! the largest single cost of starting runback, about 0.1 ms of a one-shot `assess`.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    runback::app::main().into()
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
    /// What it leaves out is the handler that names a stack overflow: the kernel's guard
    /// below the stack still stops one, as a crash (SIGSEGV) instead of a message. Every
    /// recursion in runback is bounded by the depth of JSON it accepts. Arguments still
    /// reach `std::env::args`: the standard library takes them from the C library when
    /// the program is loaded, before this runs.
    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        if open_standard_descriptors() {
            runback::stdio::note_stdout_closed_at_start();
        }
        // SAFETY: no other thread exists yet, and ignoring a signal installs no handler.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let code =
            std::panic::catch_unwind(runback::app::main).map_or(101, |code| i32::from(code.code()));
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
