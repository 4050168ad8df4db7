//! Build-time work that makes a one-shot `runback` process start faster (see BENCHMARKS.md,
//! "starting a process"): the shipped rule base is loaded and checked here, once, and
//! stored in the compact form `src/rulebase/embedded.rs` reads back.

use std::env;
use std::path::Path;

// The rule-base loader itself, compiled into this script: the model `--rules DIR` makes
// is the one embedded, by construction. Its modules sit at the root here, where their
// `super::` and `crate::` paths find one another. (The loader's other callers are not here.)
#[allow(dead_code)]
#[path = "src/clean.rs"]
mod clean;
#[allow(dead_code)]
#[path = "src/rulebase/escaped.rs"]
mod escaped;
#[allow(dead_code)]
#[path = "src/rulebase/files.rs"]
mod files;
#[allow(dead_code)]
#[path = "src/rulebase/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "src/rulebase/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "src/suggest.rs"]
mod suggest;
#[allow(dead_code)]
#[path = "src/rulebase/text.rs"]
mod text;
#[allow(dead_code)]
#[path = "src/rulebase/url.rs"]
mod url;

/// A rule base keeps, unfilled until a batch writes its first JSONL record, the parts of
/// those records (`src/batch/record.rs`, not compiled here). This script never writes a
/// record, and the slot is not part of the stored model, so an empty stand-in will do.
mod batch {
    pub mod record {
        #[derive(Debug)]
        pub struct Parts;

        impl Parts {
            #[allow(dead_code)]
            pub fn new(_: &crate::model::RuleBase) -> Self {
                Parts
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    check_the_shipped_rule_base();
    place_hot_functions_first();
}

/// Has the linker put the functions a one-shot `runback` runs together, first in the code
/// (`link/hot-functions.txt`, written by `scripts/bench/hot_functions.py`): the kernel maps
/// a program's code in stretches of up to 64 KB as it is first run, and `runback assess`
/// ran code on 220 pages in 45 such stretches, its functions spread over 4.6 MB, where it
/// now runs code on 105 pages in 9. A name missing from the binary (the list is older than
/// the compiler or a dependency) is skipped without a word, so a stale list costs speed,
/// never a build.
///
/// Only in a release build for x86-64 Linux with the GNU C library, the platform the list
/// was made on, and only when this build's linker takes the option (lld, the default there
/// since Rust 1.90): an empty program is linked with it first, as runback would be.
fn place_hot_functions_first() {
    let list = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("link")
        .join("hot-functions.txt");
    let target = env::var("TARGET").unwrap_or_default();
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    if target != "x86_64-unknown-linux-gnu" || !release || !list.exists() {
        return;
    }
    println!("cargo:rerun-if-changed={}", list.display());
    let args = [
        format!("--symbol-ordering-file={}", list.display()),
        "--no-warn-symbol-ordering".to_string(),
    ];
    if !linker_takes(&target, &args) {
        println!(
            "cargo:warning=this build's linker does not take --symbol-ordering-file: runback is linked without its start-up code placed first (link/hot-functions.txt)"
        );
        return;
    }
    for arg in args {
        // One argument each, whatever the path holds (`-Wl,` would split it at commas).
        println!("cargo:rustc-link-arg-bins=-Xlinker");
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}

/// Whether this build's linker takes `args`: links an empty program with them, with the
/// compiler, target, flags and linker cargo gives runback.
fn linker_takes(target: &str, args: &[String]) -> bool {
    let Some(out) = env::var_os("OUT_DIR").map(std::path::PathBuf::from) else {
        return false;
    };
    let source = out.join("probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut rustc = std::process::Command::new(env::var_os("RUSTC").unwrap_or("rustc".into()));
    rustc
        .args(["--target", target, "--crate-type", "bin", "-o"])
        .arg(out.join("probe"))
        .arg(&source);
    if let Some(linker) = env::var_os("RUSTC_LINKER") {
        let mut flag = std::ffi::OsString::from("linker=");
        flag.push(linker);
        rustc.arg("-C").arg(flag);
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    rustc.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    for arg in args {
        rustc.args(["-C", "link-arg=-Xlinker", "-C"]);
        rustc.arg(format!("link-arg={arg}"));
    }
    rustc
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Loads `rules/` as `embedded::from_texts` does and writes the checked model to
/// `OUT_DIR/rulebase.postcard`, every text in it a place in `OUT_DIR/rulebase.strings`
/// (each distinct text once; see `src/rulebase/text.rs`), or two empty files when it does
/// not load: the binary then loads the rules' text at run time and reports the problems as
/// it always has.
fn check_the_shipped_rule_base() {
    use load::{FILE_NAMES, RuleFile, load};
    for source in [
        "src/rulebase/escaped.rs",
        "src/rulebase/files.rs",
        "src/rulebase/load.rs",
        "src/rulebase/model.rs",
        "src/rulebase/text.rs",
        "src/rulebase/url.rs",
        "src/clean.rs",
        "src/suggest.rs",
    ] {
        println!("cargo:rerun-if-changed={source}");
    }
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let files = FILE_NAMES.map(|name| {
        let path = Path::new(&manifest).join("rules").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        RuleFile {
            // As src/rulebase/embedded.rs names them.
            name: format!("rules/{name} (embedded)"),
            text: std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
        }
    });
    let (checked, words) = match load("the embedded rule base".to_string(), files) {
        Ok(base) => text::to_embedded(&base).expect("a rule base serializes to memory"),
        Err(e) => {
            for line in e.to_string().lines() {
                println!("cargo:warning={line}");
            }
            (Vec::new(), String::new())
        }
    };
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (name, bytes) in [
        ("rulebase.postcard", &checked[..]),
        ("rulebase.strings", words.as_bytes()),
    ] {
        let out = Path::new(&out_dir).join(name);
        std::fs::write(&out, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    }
}
