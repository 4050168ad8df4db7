//! Where runback writes, and what happens when that goes wrong: standard streams that are
//! full or closed, output files that are not regular files, signals in the middle of a
//! write, and inputs that would never end.

#![cfg(unix)]

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const ANSWERS: &str = "tests/fixtures/answers/full.json";

fn runback() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runback"));
    c.env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .stdin(Stdio::null());
    c
}

/// Runs runback through bash, for redirections `Command` cannot express (`>&-`, `>(cmd)`).
fn shell(script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("RUNBACK", env!("CARGO_BIN_EXE_runback"))
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_error_message_that_cannot_be_written_is_lost_not_a_panic() {
    for args in [
        &["assess", "-a", "nope.json"][..],
        &["--rules", "nowhere", "questions"],
        &["batch", "-i", "nope.jsonl"],
    ] {
        let out = runback()
            .args(args)
            .stderr(File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
    }
    // A batch's summary line goes to standard error too.
    let out = runback()
        .args(["batch", "-i", "tests/fixtures/batch/club.jsonl", "-f", "csv"])
        .stderr(File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
}

#[test]
fn a_closed_standard_output_is_an_error_and_nothing_is_claimed() {
    for command in [
        r#""$RUNBACK" assess -a tests/fixtures/answers/full.json >&-"#,
        r#""$RUNBACK" questions >&-"#,
        r#""$RUNBACK" check >&-"#,
        r#""$RUNBACK" batch -i tests/fixtures/batch/club.jsonl >&-"#,
    ] {
        let out = shell(command);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("standard output is closed"),
            "{command}: {stderr}"
        );
        assert!(
            !stderr.contains("answer sets:"),
            "{command}: no summary claims the batch was written: {stderr}"
        );
    }
    // A full standard output is an error too, and the batch summary is not printed.
    let out = runback()
        .args(["batch", "-i", "tests/fixtures/batch/club.jsonl"])
        .stdout(File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stderr.contains("answer sets:"), "{stderr}");
    // Sent to /dev/null on purpose, the output is simply discarded.
    let out = shell(r#""$RUNBACK" assess -a tests/fixtures/answers/full.json > /dev/null"#);
    assert_eq!(out.status.code(), Some(0));
}
