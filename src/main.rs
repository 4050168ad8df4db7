//! The `runback` binary: everything lives in the library.

// A report is hundreds of small strings; mimalloc allocates them much faster than glibc
// does when a batch builds thousands of reports on every core (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    runback::app::main().into()
}
