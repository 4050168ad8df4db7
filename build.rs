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
/// now runs code on 105 pages in 9. A name missing from the binary (the list is older than the compiler or a
/// dependency) is skipped without a word, so a stale list costs speed, never a build.
///
/// Only in a release build for x86-64 Linux with the GNU C library, linked the default way
/// since Rust 1.90, by lld: another linker may not know the option.
fn place_hot_functions_first() {
    let list = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("link")
        .join("hot-functions.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let target = env::var("TARGET").unwrap_or_default();
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let chosen_linker = env::var_os("RUSTC_LINKER").is_some()
        || env::var("CARGO_ENCODED_RUSTFLAGS")
            .is_ok_and(|flags| flags.contains("linker") || flags.contains("link-self-contained"));
    if target != "x86_64-unknown-linux-gnu" || !release || chosen_linker || !list.exists() {
        return;
    }
    if !rustc_links_with_lld() {
        return;
    }
    println!(
        "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
        list.display()
    );
}

/// Whether rustc is 1.90 or later, whose default linker for x86-64 Linux is lld.
fn rustc_links_with_lld() -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc).arg("--version").output() else {
        return false;
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&out.stdout);
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split(['.', '-'])
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (major, minor) >= (1, 90)
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
