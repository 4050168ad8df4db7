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
        .args([
            "batch",
            "-i",
            "tests/fixtures/batch/club.jsonl",
            "-f",
            "csv",
        ])
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

#[test]
fn help_or_version_that_cannot_be_written_is_an_error() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["-V"],
        &["assess", "--help"],
        &["help", "batch"],
    ] {
        let out = runback()
            .args(args)
            .stdout(File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("runback: error: cannot write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
    for command in [r#""$RUNBACK" --help >&-"#, r#""$RUNBACK" --version >&-"#] {
        let out = shell(command);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("standard output is closed"),
            "{command}: {stderr}"
        );
    }
    // A reader that has read enough is not an error, and help written is still status 0.
    let out = shell(r#""$RUNBACK" --help | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}""#);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{out:?}");
    let out = runback().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("runback "));
    assert!(out.stderr.is_empty());
}

/// Files under `dir` that process `pid` has open, named or not: an unnamed file being
/// written shows in `/proc/PID/fd` as `DIR/#123 (deleted)`, and in no listing of `dir`.
#[cfg(target_os = "linux")]
fn open_in(pid: u32, dir: &Path) -> usize {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0;
    };
    fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter(|target| target.starts_with(dir))
        .count()
}

/// Waits until runback has its output file open in `dir`.
#[cfg(target_os = "linux")]
fn wait_for_output(pid: u32, dir: &Path) {
    for _ in 0..2_000 {
        if open_in(pid, dir) > 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("runback never opened its output in {}", dir.display());
}

fn signal(pid: u32, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits for a child, killing it and failing if it takes more than `seconds`.
fn finish(mut child: std::process::Child, seconds: u64) -> (std::process::ExitStatus, String) {
    for _ in 0..seconds * 100 {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status, stderr);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    panic!("runback did not end within {seconds} s");
}

fn full_line() -> String {
    let text = std::fs::read_to_string(ANSWERS).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    format!("{json}\n")
}

/// Starts `runback batch --output DIR/NAME` reading standard input, feeds it one answer
/// set, and waits until the output is open.
#[cfg(target_os = "linux")]
fn batch_into(
    dir: &Path,
    name: &str,
    stderr: Stdio,
) -> (std::process::Child, std::process::ChildStdin) {
    let mut child = runback()
        .args(["batch", "--output"])
        .arg(dir.join(name))
        .stdin(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, full_line().as_bytes()).unwrap();
    wait_for_output(child.id(), dir);
    (child, stdin)
}

#[cfg(target_os = "linux")]
#[test]
fn sigterm_and_sighup_stop_a_batch_like_ctrl_c_and_leave_no_file() {
    for name in ["TERM", "HUP", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let (child, mut stdin) = batch_into(dir.path(), "out.jsonl", Stdio::piped());
        let line = full_line();
        assert!(
            files_in(dir.path()).is_empty(),
            "SIG{name}: the file being written has no name yet: {:?}",
            files_in(dir.path())
        );
        signal(child.id(), name);
        // Input keeps coming: the batch stops between two chunks.
        let chunk = line.repeat(256);
        for _ in 0..10_000 {
            if std::io::Write::write_all(&mut stdin, chunk.as_bytes()).is_err() {
                break;
            }
        }
        drop(stdin);
        let (status, stderr) = finish(child, 30);
        assert_eq!(status.code(), Some(130), "SIG{name}: {stderr}");
        assert!(
            stderr.contains("interrupted; ") && stderr.contains("out.jsonl was not written"),
            "SIG{name}: {stderr}"
        );
        assert!(
            files_in(dir.path()).is_empty(),
            "SIG{name}: {:?}",
            files_in(dir.path())
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_batch_waiting_on_idle_input_still_ends_at_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, stdin) = batch_into(dir.path(), "out.csv", Stdio::piped());
    signal(child.id(), "TERM");
    // No more input, and the pipe stays open: runback is waiting on a read.
    let (status, stderr) = finish(child, 20);
    drop(stdin);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("out.csv was not written"), "{stderr}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_killed_batch_leaves_no_file_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut stdin) = batch_into(dir.path(), "out.jsonl", Stdio::null());
    // Whole chunks, so a record is being written when the process dies.
    for _ in 0..4 {
        std::io::Write::write_all(&mut stdin, full_line().repeat(512).as_bytes()).unwrap();
    }
    signal(child.id(), "KILL");
    drop(stdin);
    child.wait().unwrap();
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_pipe_a_terminal_or_the_standard_output_is_written_into_never_replaced() {
    // /dev/stdout, and a link to it with --force: the report arrives on standard output.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("to-stdout");
    std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
    for (target, extra) in [(Path::new("/dev/stdout"), &[][..]), (&link, &["--force"])] {
        let out = runback()
            .args(["assess", "-a", ANSWERS, "-f", "json", "-o"])
            .arg(target)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["escalation"]["level"].is_string());
    }
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .unwrap()
            .file_type()
            .is_symlink(),
        "/dev/stdout is still a link"
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Appending through /dev/stdout keeps what was there.
    let log = dir.path().join("log");
    std::fs::write(&log, "first line\n").unwrap();
    let out = shell(&format!(
        r#""$RUNBACK" assess -a {ANSWERS} -f json -o /dev/stdout >> '{}'"#,
        log.display()
    ));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.starts_with("first line\n{"), "{written}");
    // Process substitution: bash hands runback /dev/fd/63, a pipe.
    let out = shell(&format!(
        r#""$RUNBACK" assess -a {ANSWERS} -o >(wc -l > '{0}/count'); sleep 0.2; cat '{0}/count'"#,
        dir.path().display()
    ));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lines: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert!(
        lines > 20,
        "the report went through the pipe: {lines} lines"
    );
}

#[test]
fn a_fifo_or_a_link_to_one_is_written_into_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    for (target, extra) in [
        (&fifo, &[][..]),
        (&fifo, &["--force"]),
        (&link, &["--force"]),
    ] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let out = runback()
            .args(["assess", "-a", ANSWERS, "-o"])
            .arg(target)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let report = reader.join().unwrap();
        assert!(
            report.starts_with("runback: back pain self-assessment"),
            "{report}"
        );
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo(),
            "the FIFO is still a FIFO"
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    assert_eq!(files_in(dir.path()), ["fifo", "link"]);
}

#[test]
fn a_character_device_is_written_into_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    // A twin of /dev/null (character device 1:3), so the real one is never at risk.
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("RUNBACK_REQUIRE_MKNOD").is_none(),
            "mknod is required here"
        );
        eprintln!("skipped: this user cannot make a device node (mknod needs root)");
        return;
    }
    for extra in [&[][..], &["--force"]] {
        let out = runback()
            .args(["assess", "-a", ANSWERS, "-o"])
            .arg(&null)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
        assert!(kind.is_char_device(), "still a device, not a regular file");
    }
    assert_eq!(files_in(dir.path()), ["null"]);
}

#[test]
fn a_folder_a_block_device_or_a_socket_is_refused_by_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = runback()
        .args(["assess", "-a", ANSWERS, "--force", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("it is a folder"), "{stderr}");
    let socket = dir.path().join("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let out = runback()
        .args([
            "batch",
            "-i",
            "tests/fixtures/batch/club.jsonl",
            "--force",
            "-o",
        ])
        .arg(&socket)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("it is a socket"), "{stderr}");
    assert_eq!(files_in(dir.path()), ["socket"]);
}

#[cfg(target_os = "linux")]
#[test]
fn the_folder_is_synced_after_the_file_is_moved_into_place() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let trace = dir.path().join("trace");
    let run = Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fsync,fdatasync,linkat,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_runback"))
        .args(["assess", "-a", ANSWERS, "-o"])
        .arg(&report)
        .stderr(Stdio::piped())
        .output();
    let Some(run) = run.ok().filter(|r| r.status.success()) else {
        assert!(
            std::env::var_os("RUNBACK_REQUIRE_STRACE").is_none(),
            "strace is required here (see .ci/run)"
        );
        eprintln!("skipped: strace is not installed or cannot trace here");
        return;
    };
    assert!(run.status.success());
    let calls = std::fs::read_to_string(&trace).unwrap();
    let folder = format!("<{}>", dir.path().display());
    let placed = calls
        .lines()
        .position(|l| l.contains("linkat(") || l.contains("rename"))
        .unwrap_or_else(|| panic!("no link or rename:\n{calls}"));
    assert!(
        calls
            .lines()
            .skip(placed + 1)
            .any(|l| l.contains("fsync(") && l.contains(&folder)),
        "no fsync of {folder} after the file was placed:\n{calls}"
    );
}

#[test]
fn a_huge_knowledge_inventory_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("KNOWLEDGE.md");
    // Sparse: 64 MiB that take no room, of which only the limit may be read.
    File::create(&huge).unwrap().set_len(64 << 20).unwrap();
    let out = runback()
        .args(["check", "--coverage", "--knowledge"])
        .arg(&huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is larger than the 4 MiB limit for a knowledge inventory"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_source_date_epoch_outside_1970_to_9999_is_refused() {
    for value in ["253402300800", "-1", "1e9", "yesterday"] {
        for args in [
            &["assess", "-a", ANSWERS][..],
            &["batch", "-i", "tests/fixtures/batch/club.jsonl"],
        ] {
            let out = runback()
                .env("SOURCE_DATE_EPOCH", value)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{value} {args:?}");
            assert!(out.stdout.is_empty(), "{value} {args:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains(&format!(
                    "SOURCE_DATE_EPOCH is {value}, which is not a date from 1970 to 9999"
                )),
                "{stderr}"
            );
        }
    }
    let last = runback()
        .env("SOURCE_DATE_EPOCH", "253402300799")
        .args(["assess", "-a", ANSWERS, "-f", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&last.stdout).unwrap();
    assert_eq!(report["date"], "9999-12-31");
}

#[test]
fn sigterm_or_sighup_at_a_prompt_ends_with_the_answers_saved_and_the_cursor_shown() {
    use nix::sys::signal::Signal;
    use rexpect::session::spawn_command;
    for sig in [Signal::SIGTERM, Signal::SIGHUP] {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("answers.json");
        // Its own state folder, so the run never touches the user's.
        let state = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_runback"));
        command
            .args(["--rules", "tests/fixtures/rules/every_type", "--full"])
            .arg("--save-answers")
            .arg(&saved)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("RUNBACK_STATE_DIR", state.path());
        let mut p = spawn_command(command, Some(20_000)).unwrap();
        // The end of every list, drawn once it is ready for keys: its line of keys, in
        // full ("…, Esc stops)") or short ("(? help)").
        let list = r"stops\)|\? help\)";
        let keys = |p: &mut rexpect::session::PtySession, keys: &str| {
            p.send(keys).unwrap();
            p.flush().unwrap();
        };
        p.exp_string("Ready?").unwrap();
        p.exp_regex(list).unwrap();
        keys(&mut p, "\r");
        p.exp_string("Do you have the alarm sign?").unwrap();
        p.exp_regex(list).unwrap();
        keys(&mut p, "\x1b[B\x1b[B\r"); // No: nothing is chosen at first
        p.exp_string("How bad is the pain?").unwrap();
        p.exp_regex(list).unwrap();
        p.process_mut().signal(sig).unwrap();
        p.exp_string("\x1b[?25h").unwrap(); // the cursor is shown again
        p.exp_string("interrupted; your answers so far are saved in")
            .unwrap();
        p.exp_string("runback assess --resume").unwrap();
        p.exp_eof().unwrap();
        match p.process().wait().unwrap() {
            nix::sys::wait::WaitStatus::Exited(_, code) => assert_eq!(code, 130, "{sig}"),
            other => panic!("{sig}: runback did not exit by itself: {other:?}"),
        }
        let answers: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
        assert_eq!(answers, serde_json::json!({ "alarm": "no" }), "{sig}");
        assert_eq!(files_in(dir.path()), ["answers.json"], "{sig}");
    }
}

/// runback asking the questions in a pseudo-terminal, keeping its runs in `state`.
fn questionnaire_in(state: &Path) -> rexpect::session::PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_runback"));
    command
        .args(["--rules", "tests/fixtures/rules/every_type", "--full"])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("RUNBACK_STATE_DIR", state);
    rexpect::session::spawn_command(command, Some(20_000)).unwrap()
}

/// The end of every list, drawn once it is ready for keys: its line of keys, in full
/// ("…, Esc stops)") or short ("(? help)"); a pattern.
const LIST: &str = r"stops\)|\? help\)";

fn keys(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// Waits for the welcome screen, ready for keys; returns what came before it.
fn welcome(p: &mut rexpect::session::PtySession) -> String {
    let shown = p.exp_string("Ready?").unwrap();
    p.exp_regex(LIST).unwrap();
    shown
}

/// Passes the welcome screen and answers the first question "no"; returns what was
/// shown up to the second question, ready for keys.
fn answer_one(p: &mut rexpect::session::PtySession) -> String {
    keys(p, "\r");
    p.exp_string("Do you have the alarm sign?").unwrap();
    p.exp_regex(LIST).unwrap();
    keys(p, "\x1b[B\x1b[B\r"); // No: nothing is chosen at first
    let shown = p.exp_string("How bad is the pain?").unwrap();
    p.exp_regex(LIST).unwrap();
    shown
}

/// Stops at a prompt with Ctrl-C; returns the message and checks the exit status.
fn stop(mut p: rexpect::session::PtySession) -> String {
    keys(&mut p, "\x03");
    let message = p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        nix::sys::wait::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("runback did not exit by itself: {other:?}"),
    }
    // The pseudo-terminal's line breaks, and the message folded to its width.
    message.replace("\r\n", " ").replace('\n', " ")
}

fn runs_in(state: &Path) -> Vec<String> {
    files_in(&state.join("runs"))
}

#[test]
fn a_run_stopped_before_any_answer_says_nothing_was_saved() {
    let state = tempfile::tempdir().unwrap();
    let mut p = questionnaire_in(state.path());
    welcome(&mut p);
    let message = stop(p);
    assert!(
        message.contains("interrupted; nothing was answered yet, so nothing was saved."),
        "{message}"
    );
    assert!(!message.contains("saved in"), "{message}");
    assert_eq!(runs_in(state.path()), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn links_planted_under_the_next_run_names_are_never_followed_and_the_folder_is_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let state = tempfile::tempdir().unwrap();
    let runs = state.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    std::fs::set_permissions(&runs, std::fs::Permissions::from_mode(0o777)).unwrap();
    let victim_dir = tempfile::tempdir().unwrap();
    let victim = victim_dir.path().join("notes.txt");
    std::fs::write(&victim, "the runner's own notes").unwrap();
    let seconds = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let started = seconds();
    let mut p = questionnaire_in(state.path());
    welcome(&mut p);
    // Someone who could write the folder, once the run has started, plants links under
    // every name it could have taken from the time, pointing at a file of the runner's.
    for s in started - 1..=seconds() + 1 {
        let out = Command::new("date")
            .args(["-u", "-d", &format!("@{s}"), "+%Y-%m-%dT%H%M%SZ"])
            .output()
            .unwrap();
        let stamp = String::from_utf8(out.stdout).unwrap();
        let stamp = stamp.trim();
        for name in [format!("{stamp}.json"), format!("{stamp}-2.json")] {
            std::os::unix::fs::symlink(&victim, runs.join(name)).unwrap();
        }
    }
    let planted = runs_in(state.path()).len();
    answer_one(&mut p);
    let message = stop(p);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "the runner's own notes"
    );
    let mode = std::fs::metadata(&runs).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "the folder is the runner's alone now");
    // The run has a file of its own, named in the message, and every link is as it was.
    let names = runs_in(state.path());
    assert_eq!(names.len(), planted + 1, "{names:?}");
    let own: Vec<&String> = names
        .iter()
        .filter(|n| {
            !std::fs::symlink_metadata(runs.join(n))
                .unwrap()
                .file_type()
                .is_symlink()
        })
        .collect();
    assert_eq!(own.len(), 1, "{names:?}");
    assert!(message.contains(own[0].as_str()), "{message}");
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(runs.join(own[0])).unwrap()).unwrap();
    assert_eq!(kept["alarm"], "no");
}

#[test]
fn a_failed_save_is_told_once_on_screen_and_the_stop_message_tells_the_truth() {
    let state = tempfile::tempdir().unwrap();
    let mut p = questionnaire_in(state.path());
    welcome(&mut p);
    // The folder goes away under the run (a disk unmounted, a clean-up script).
    std::fs::remove_dir_all(state.path().join("runs")).unwrap();
    let shown = answer_one(&mut p);
    let warning = "runback: warning: cannot save your answers in";
    assert_eq!(shown.matches(warning).count(), 1, "{shown}");
    keys(&mut p, "\x1b[B\r"); // the pain: 0
    p.exp_string("When does it hurt?").unwrap();
    let (shown, _) = p.exp_regex(LIST).unwrap();
    assert!(!shown.contains(warning), "told once: {shown}");
    let message = stop(p);
    assert!(
        message.contains("your answers could not be saved in"),
        "{message}"
    );
    assert!(message.contains("Nothing was kept."), "{message}");
    assert!(!message.contains("are saved in"), "{message}");
    assert!(!message.contains("--resume"), "{message}");
}

#[test]
fn a_second_run_never_offers_to_continue_a_run_still_in_use() {
    let state = tempfile::tempdir().unwrap();
    let mut first = questionnaire_in(state.path());
    welcome(&mut first);
    answer_one(&mut first);
    // Started while the first is still asking: a run of its own, from the start.
    let mut second = questionnaire_in(state.path());
    let shown = welcome(&mut second);
    assert!(!shown.contains("unfinished questionnaire"), "{shown}");
    let message = stop(second);
    assert!(message.contains("nothing was saved"), "{message}");
    let first_message = stop(first);
    assert!(first_message.contains("are saved in"), "{first_message}");
    assert_eq!(runs_in(state.path()).len(), 1);
    // Once the first has stopped, the next run offers to continue it.
    let mut third = questionnaire_in(state.path());
    third.exp_string("unfinished questionnaire").unwrap();
    third.exp_regex(LIST).unwrap();
    stop(third);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_runs_folder_does_not_hold_up_the_start() {
    let state = tempfile::tempdir().unwrap();
    let runs = state.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    let status = Command::new("mkfifo")
        .arg(runs.join("9999-12-31T235959Z.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut p = questionnaire_in(state.path());
    let shown = welcome(&mut p);
    assert!(!shown.contains("unfinished questionnaire"), "{shown}");
    stop(p);
}
