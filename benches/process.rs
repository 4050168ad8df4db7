//! A whole `runback assess` process against a hello-world Rust binary, started in turn.
//!
//! Starting a process costs the same for any program on a machine, and drifts with what
//! else the machine does; so the two are run alternately, 200 rounds after 20 to warm up,
//! and compared by the ratio of their median wall times. The hello world is built here
//! with the toolchain's `rustc -C opt-level=3`. Run with `cargo bench --bench process`;
//! BENCHMARKS.md records the figures.
//!
//! Each is timed twice: as the linker left it, and as a copy, the way `cargo install` (or
//! a package) puts it in place. The two differ because of how the file sits in memory:
//! the kernel maps the program's code from its cached copy of the file a block at a time,
//! and a file written in one go by a copy is cached in larger blocks than one the linker
//! wrote piece by piece, so the copy starts with fewer page faults (144 against 150 for
//! `assess` here, with the functions it runs placed first in the code; 164 against 187
//! before). Read back from disk after a restart, it is cached like the linker's.
//! When `cargo build-static` has been run, its binary is timed too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;
const WARMUP: usize = 20;

/// The commands timed against hello world. `--version` is the fixed cost of starting
/// runback at all (the dynamic loader, the allocator, the command line), before any rule.
const CASES: [&[&str]; 4] = [
    &["--version"],
    &["assess", "--answers", "examples/answers.json"],
    &[
        "assess",
        "--answers",
        "examples/answers.json",
        "--format",
        "json",
    ],
    &[
        "assess",
        "--answers",
        "examples/answers.json",
        "--format",
        "html",
    ],
];

fn main() {
    // `cargo bench -- NAME` runs only the benchmarks whose name holds NAME.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| "process".contains(f.as_str())) {
        return;
    }
    let hello = build_hello();
    let runback = Path::new(env!("CARGO_BIN_EXE_runback"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let installed = (dir.join("hello-installed"), dir.join("runback-installed"));
    for (from, to) in [(hello.as_path(), &installed.0), (runback, &installed.1)] {
        // Removed first: a copy over the old file would keep its cached blocks.
        let _ = std::fs::remove_file(to);
        std::fs::copy(from, to).expect("the target's temporary folder is writable");
    }
    let mut states = vec![
        ("as built", hello.as_path(), runback),
        (
            "installed (copied)",
            installed.0.as_path(),
            installed.1.as_path(),
        ),
    ];
    // The static build, when `cargo build-static` has made it (see .cargo/config.toml).
    let static_build = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/x86_64-unknown-linux-gnu/release/runback");
    if static_build.exists() {
        states.push(("built static, as built", hello.as_path(), &static_build));
    }
    for (state, hello, runback) in states {
        println!("process, {state}: {ROUNDS} alternating rounds, medians of wall time");
        for args in CASES {
            let (hello_times, runback_times) = alternate(hello, runback, args);
            let (h, r) = (median(hello_times), median(runback_times));
            println!(
                "  runback {:<55} {:>7.3} ms   hello world {:>6.3} ms   ratio {:.2}",
                args.join(" "),
                ms(r),
                ms(h),
                r.as_secs_f64() / h.as_secs_f64()
            );
        }
    }
}

fn build_hello() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let source = dir.join("hello.rs");
    let binary = dir.join("hello");
    std::fs::write(
        &source,
        "fn main() {\n    println!(\"Hello, world!\");\n}\n",
    )
    .expect("the target's temporary folder is writable");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let status = Command::new(rustc)
        .args(["-C", "opt-level=3", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .expect("rustc runs");
    assert!(status.success(), "rustc built hello world");
    binary
}

fn alternate(hello: &Path, runback: &Path, args: &[&str]) -> (Vec<Duration>, Vec<Duration>) {
    let mut hello_times = Vec::with_capacity(ROUNDS);
    let mut runback_times = Vec::with_capacity(ROUNDS);
    for round in 0..WARMUP + ROUNDS {
        let h = time(Command::new(hello));
        let mut command = Command::new(runback);
        command.args(args).env("SOURCE_DATE_EPOCH", "1764979200");
        let r = time(command);
        if round >= WARMUP {
            hello_times.push(h);
            runback_times.push(r);
        }
    }
    (hello_times, runback_times)
}

fn time(mut command: Command) -> Duration {
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("the command starts");
    let took = start.elapsed();
    assert!(status.success(), "{command:?} succeeds");
    took
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
