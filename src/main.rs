//! The `runback` binary: everything lives in the library.

// A report is hundreds of small strings; mimalloc allocates them much faster than glibc
// does when a batch builds thousands of reports on every core (see BENCHMARKS.md). A
// process that assesses one answer set and exits uses glibc's allocator instead: see
// `allocator`.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: allocator::Chosen = allocator::Chosen;

/// The allocator of this process, chosen once before `main`: mimalloc, or glibc's for a
/// one-shot command.
///
/// mimalloc keeps each size of block in pages of its own, and reserves a 1 GiB arena on
/// transparent huge pages: a command that allocates a few hundred kilobytes once either
/// makes the kernel clear a whole 2 MiB page or touches a fresh page for each size it
/// uses, and on a virtual machine either costs about as much as the rest of a `runback
/// assess`. glibc packs the same blocks into a few pages. `batch` and `training` and
/// anything that reads a training log (many allocations, on every core) keep mimalloc.
#[cfg(feature = "mimalloc")]
mod allocator {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Set before the first allocation, never changed after it: a block is always freed
    /// by the allocator that gave it.
    static SYSTEM: AtomicBool = AtomicBool::new(false);

    /// Set by the first block mimalloc gives. Should any code that runs before `choose`
    /// (a constructor of some library, one day) allocate, the process keeps mimalloc,
    /// and that block is still freed by the allocator that gave it.
    static USED: AtomicBool = AtomicBool::new(false);

    /// Notes that mimalloc has given a block: a load, and a store only the first time.
    #[inline]
    fn note_used() {
        if !USED.load(Ordering::Relaxed) {
            USED.store(true, Ordering::Relaxed);
        }
    }

    /// mimalloc, or the system allocator when [`SYSTEM`] is set.
    pub struct Chosen;

    // SAFETY: each call goes to one allocator, the same for the whole process, and
    // passes on that allocator's guarantees.
    unsafe impl GlobalAlloc for Chosen {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's guarantees, passed on.
            unsafe {
                if SYSTEM.load(Ordering::Relaxed) {
                    System.alloc(layout)
                } else {
                    note_used();
                    mimalloc::MiMalloc.alloc(layout)
                }
            }
        }

        #[inline]
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's guarantees, passed on.
            unsafe {
                if SYSTEM.load(Ordering::Relaxed) {
                    System.alloc_zeroed(layout)
                } else {
                    note_used();
                    mimalloc::MiMalloc.alloc_zeroed(layout)
                }
            }
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` came from the same allocator (see `SYSTEM`).
            unsafe {
                if SYSTEM.load(Ordering::Relaxed) {
                    System.dealloc(ptr, layout)
                } else {
                    mimalloc::MiMalloc.dealloc(ptr, layout)
                }
            }
        }

        #[inline]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: `ptr` came from the same allocator (see `SYSTEM`).
            unsafe {
                if SYSTEM.load(Ordering::Relaxed) {
                    System.realloc(ptr, layout, new_size)
                } else {
                    mimalloc::MiMalloc.realloc(ptr, layout, new_size)
                }
            }
        }
    }

    /// Chooses from the command line. This runs from `.init_array`, where glibc passes
    /// the program's arguments (the Rust runtime reads them the same way), before the
    /// Rust runtime starts and so, today, before anything is allocated through [`Chosen`]
    /// (and should something have been, [`USED`] keeps mimalloc).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    mod choose {
        use std::ffi::{CStr, c_char, c_int};

        /// Whether a word of the command line asks for long work: the `batch` and
        /// `training` commands, or `--training` logs to read. A word that is only an
        /// argument (`--answers batch`) merely keeps mimalloc: speed, never output.
        fn long_running(arg: &CStr) -> bool {
            let arg = arg.to_bytes();
            arg == b"batch" || arg == b"training" || arg.starts_with(b"--training")
        }

        extern "C" fn choose(argc: c_int, argv: *const *const c_char, _: *const *const c_char) {
            if argv.is_null() {
                return;
            }
            for i in 1..usize::try_from(argc).unwrap_or(0) {
                // SAFETY: glibc passes `.init_array` functions the `argc` and `argv` it
                // gives `main`: `argc` pointers to NUL-terminated strings.
                let arg = unsafe { *argv.add(i) };
                // SAFETY: as above.
                if arg.is_null() || long_running(unsafe { CStr::from_ptr(arg) }) {
                    return;
                }
            }
            // Only one thread runs here, so nothing can allocate between the two lines.
            if !super::USED.load(super::Ordering::Relaxed) {
                super::SYSTEM.store(true, super::Ordering::Relaxed);
            }
        }

        #[used]
        #[unsafe(link_section = ".init_array")]
        static CHOOSE: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = choose;
    }
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
