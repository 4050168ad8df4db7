//! The `runback` binary: everything lives in the library.

// A report is hundreds of small strings; mimalloc allocates them much faster than glibc
// does when a batch builds thousands of reports on every core (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's start-up settings for a process that assesses one answer set and exits.
///
/// By default mimalloc reserves a 1 GiB arena and asks the kernel for transparent huge
/// pages: the first allocation then makes the kernel clear a whole 2 MiB page, which on a
/// virtual machine costs about as much as the rest of a `runback assess`. A one-shot
/// command uses well under 2 MiB, so it takes ordinary pages from a small arena instead.
/// `batch` and `training` (thousands of reports or activity files, on every core) keep
/// mimalloc's defaults. The settings must be made before the first allocation: this runs
/// from `.init_array`, where glibc passes the program's arguments, before the Rust runtime.
#[cfg(all(feature = "mimalloc", target_os = "linux", target_env = "gnu"))]
mod one_shot_allocator {
    use std::ffi::{CStr, c_char, c_int, c_long};

    unsafe extern "C" {
        // In the mimalloc library `ALLOCATOR` links; libmimalloc-sys declares it only
        // with its `extended` feature.
        fn mi_option_set(option: c_int, value: c_long);
    }

    /// The options' numbers in mimalloc's enum, counted from its header by `build.rs`.
    const ALLOW_THP: c_int = number(env!("RUNBACK_MI_OPTION_ALLOW_THP"));
    const ARENA_RESERVE: c_int = number(env!("RUNBACK_MI_OPTION_ARENA_RESERVE"));
    /// The first arena, in KiB (mimalloc reserves larger ones as a process needs them).
    const ARENA_KIB: c_long = 16 * 1024;

    const fn number(digits: &str) -> c_int {
        let digits = digits.as_bytes();
        let mut value = 0;
        let mut i = 0;
        while i < digits.len() {
            value = value * 10 + (digits[i] - b'0') as c_int;
            i += 1;
        }
        value
    }

    /// The commands that allocate much and long keep mimalloc's defaults. A word that is
    /// only an argument (`--answers batch`) merely keeps them too: speed, not output.
    const LONG_RUNNING: [&CStr; 2] = [c"batch", c"training"];

    extern "C" fn configure(argc: c_int, argv: *const *const c_char, _envp: *const *const c_char) {
        if argv.is_null() {
            return;
        }
        for i in 1..usize::try_from(argc).unwrap_or(0) {
            // SAFETY: glibc passes `.init_array` functions the `argc` and `argv` it gives
            // `main`: `argc` pointers to NUL-terminated strings (the Rust runtime reads
            // its arguments the same way).
            let arg = unsafe { *argv.add(i) };
            if arg.is_null() {
                return;
            }
            // SAFETY: as above.
            if LONG_RUNNING.contains(&unsafe { CStr::from_ptr(arg) }) {
                return;
            }
        }
        // SAFETY: setting an option only stores a number in mimalloc's table of options.
        unsafe {
            mi_option_set(ALLOW_THP, 0);
            mi_option_set(ARENA_RESERVE, ARENA_KIB);
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static CONFIGURE: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = configure;
}

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
