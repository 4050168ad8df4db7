//! The interactive questionnaire driven through a real pseudo-terminal, keystroke by
//! keystroke, as a runner would use it.

#![cfg(unix)]

use std::process::{Command, Stdio};

use rexpect::session::{PtySession, spawn_command};

const RULES: &str = "tests/fixtures/rules/every_type";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const SPACE: &str = " ";
const CTRL_C_SHOW_CURSOR: &str = "\x1b[?25h";

/// Starts runback in a pseudo-terminal; the time-out only guards against a hang.
fn spawn(args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_runback"));
    command
        .args(["--rules", RULES])
        .args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(command, Some(20_000)).expect("runback starts in a pseudo-terminal")
}

fn keys(p: &mut PtySession, keys: &[&str]) {
    for k in keys {
        p.send(k).unwrap();
    }
    p.flush().unwrap();
}

/// The last item of every question's list, drawn once the list is ready for keys.
const LAST_ITEM: &str = "Go back to the previous question";

/// Waits for `question` and its list, then picks the option `down` places below the default.
fn choose(p: &mut PtySession, question: &str, down: usize) {
    choose_after(p, question, LAST_ITEM, down);
}

/// Picks item `item` (0 is the first) of a warning sign's list, which starts with nothing
/// highlighted: the first arrow key lands on the first item.
fn choose_sign(p: &mut PtySession, question: &str, item: usize) {
    choose(p, question, item + 1);
}

/// Like [`choose`] for a list whose last item is `last`.
fn choose_after(p: &mut PtySession, question: &str, last: &str, down: usize) {
    p.exp_string(question).unwrap();
    p.exp_string(last).unwrap();
    for _ in 0..down {
        keys(p, &[DOWN]);
    }
    keys(p, &[ENTER]);
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().unwrap() {
        nix::sys::wait::WaitStatus::Exited(_, code) => code,
        other => panic!("runback did not exit normally: {other:?}"),
    }
}

fn temp_path(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

fn saved(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Answers every question type, going through a section header and the progress line.
fn answer_everything(p: &mut PtySession) {
    p.exp_string("Warning signs (section 1 of 3)").unwrap();
    choose_sign(p, "Do you have the alarm sign?", 1); // No
    p.exp_string("Your pain - section 2 of 3, question 2 of about 5")
        .unwrap();
    choose_sign(p, "How bad is the pain?", 6); // 6 on the 0-10 scale, which starts unchosen
    p.exp_string("When does it hurt?").unwrap();
    p.exp_string(LAST_ITEM).unwrap();
    keys(p, &[SPACE, DOWN, SPACE, ENTER]); // while running, at night
    p.exp_string("How many runs a week?").unwrap();
    keys(p, &["8", ENTER]);
    choose(p, "How old are your shoes?", 1); // Old
    // The follow-up applies now, and the count says so.
    p.exp_string("question 6 of about 6").unwrap();
    choose(p, "Does it hurt more in the old shoes?", 0); // Yes
}

#[test]
fn a_full_run_through_every_question_type_ends_in_a_report_and_saves_the_answers() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    answer_everything(&mut p);
    choose_after(&mut p, "Review your answers", "Pain in old shoes", 0);
    p.exp_string("Possible contributors").unwrap();
    p.exp_string("Worn shoes").unwrap();
    p.exp_string("Too much running").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(
        saved(&path),
        serde_json::json!({
            "alarm": "no", "severity": 6, "timing": ["running", "night"],
            "runs": 8, "shoes": "old", "shoe_pain": "yes"
        })
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "saved answers are readable only by their owner"
        );
    }
    // The saved file reproduces the same assessment from a file.
    let from_file = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args([
            "--rules",
            RULES,
            "assess",
            "--format",
            "json",
            "--answers",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&from_file.stdout).unwrap();
    let causes: Vec<&str> = report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(causes, ["worn_shoes", "too_much"]);
}

#[test]
fn a_number_out_of_range_is_asked_again_with_the_reason() {
    let mut p = spawn(&[]);
    choose_sign(&mut p, "Do you have the alarm sign?", 1);
    choose_sign(&mut p, "How bad is the pain?", 0);
    p.exp_string("When does it hurt?").unwrap();
    p.exp_string(LAST_ITEM).unwrap();
    keys(&mut p, &[ENTER]); // nothing ticked: skipped
    p.exp_string("How many runs a week?").unwrap();
    keys(&mut p, &["99", ENTER]);
    p.exp_string("out of range").unwrap();
    keys(&mut p, &["\x7f\x7f", "lots", ENTER]);
    p.exp_string("is not a number").unwrap();
    keys(&mut p, &["\x7f\x7f\x7f\x7f", "3", ENTER]);
    p.exp_string("How old are your shoes?").unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
}

#[test]
fn going_back_returns_to_the_previous_question_and_changes_the_answer() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    choose_sign(&mut p, "Do you have the alarm sign?", 1); // No
    // "Go back" is the last item: the first arrow key lands on 0, then 10 more scale
    // points and "Skip".
    choose_sign(&mut p, "How bad is the pain?", 12);
    // The earlier answer is the default now; move from "No" to "Not sure".
    choose(&mut p, "Do you have the alarm sign?", 1);
    p.exp_string("How bad is the pain?").unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert_eq!(saved(&path), serde_json::json!({ "alarm": "unsure" }));
}

#[test]
fn the_review_screen_changes_one_answer() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    answer_everything(&mut p);
    p.exp_string("Review your answers").unwrap();
    // Items: show report, alarm, severity, timing, runs, shoes, shoe_pain.
    choose_after(&mut p, "Choose an answer to change", "Pain in old shoes", 4);
    p.exp_string("How many runs a week?").unwrap();
    keys(&mut p, &["\x7f", "2", ENTER]); // 8 becomes 2
    choose_after(&mut p, "Review your answers", "Pain in old shoes", 0);
    p.exp_string("Possible contributors").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(saved(&path)["runs"], 2);
}

#[test]
fn an_emergency_answer_is_confirmed_on_its_own_screen_then_only_what_to_do_now_is_shown() {
    let mut p = spawn(&[]);
    choose_sign(&mut p, "Do you have the alarm sign?", 0); // Yes
    p.exp_string("!! EMERGENCY !!").unwrap();
    p.exp_string("Go to the emergency department now.").unwrap();
    p.exp_string("The alarm sign needs help now.").unwrap();
    p.exp_string("You answered: Alarm sign: Yes").unwrap();
    choose_after(&mut p, "Is that right?", "Stop here", 2);
    let rest = p.exp_eof().unwrap();
    assert!(
        !rest.contains("Possible contributors"),
        "stopping shows no report: {rest}"
    );
    assert_eq!(exit_code(&p), 0);

    // "That's right" shows the short emergency report: the action, the reason, and how to
    // get the full report later; nothing to scroll past.
    let mut p = spawn(&[]);
    choose_sign(&mut p, "Do you have the alarm sign?", 0);
    choose_after(&mut p, "Is that right?", "Stop here", 0);
    p.exp_string("!! EMERGENCY !!").unwrap();
    p.exp_string("The alarm sign needs help now.").unwrap();
    p.exp_string("The full report, for later").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("Go to the emergency department now."),
        "{rest}"
    );
    assert!(!rest.contains("Possible contributors"), "{rest}");
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn i_chose_that_by_mistake_goes_back_to_the_answer_and_the_questionnaire_goes_on() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    choose_sign(&mut p, "Do you have the alarm sign?", 0); // Yes, by mistake
    choose_after(&mut p, "Is that right?", "Stop here", 1);
    // The question again, with the mistaken answer highlighted: one step down is "No".
    choose(&mut p, "Do you have the alarm sign?", 1);
    p.exp_string("How bad is the pain?").unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert_eq!(saved(&path), serde_json::json!({ "alarm": "no" }));
}

#[test]
fn a_reflexive_enter_on_a_warning_sign_answers_nothing() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    p.exp_string("Do you have the alarm sign?").unwrap();
    p.exp_string(LAST_ITEM).unwrap();
    keys(&mut p, &[ENTER, ENTER, ENTER]);
    // Still on the same question: then a deliberate "No" moves on.
    keys(&mut p, &[DOWN, DOWN, ENTER]);
    p.exp_string("How bad is the pain?").unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no" }),
        "three presses of Enter chose nothing, neither an alarm nor an all-clear"
    );
}

#[test]
fn ctrl_c_restores_the_cursor_saves_the_answers_and_resume_finishes_the_run() {
    let (_dir, path) = temp_path("answers.json");
    let file = path.to_str().unwrap();
    let mut p = spawn(&["--save-answers", file]);
    choose_sign(&mut p, "Do you have the alarm sign?", 1);
    choose_sign(&mut p, "How bad is the pain?", 3);
    p.exp_string("When does it hurt?").unwrap();
    p.exp_string(LAST_ITEM).unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_string(CTRL_C_SHOW_CURSOR).unwrap();
    p.exp_string("runback assess --resume").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no", "severity": 3 })
    );

    let mut p = spawn(&["assess", "--resume", file]);
    // Resuming starts at the first unanswered question.
    p.exp_string("When does it hurt?").unwrap();
    p.exp_string(LAST_ITEM).unwrap();
    keys(&mut p, &[DOWN, DOWN, SPACE, ENTER]); // none of these
    p.exp_string("How many runs a week?").unwrap();
    keys(&mut p, &["1", ENTER]);
    choose(&mut p, "How old are your shoes?", 0);
    choose_after(&mut p, "Review your answers", "Shoes", 0);
    p.exp_string("What to do: Routine").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no", "severity": 3, "timing": ["never"], "runs": 1, "shoes": "new" })
    );
}

#[test]
fn without_a_terminal_or_answers_it_says_how_to_pipe_them() {
    let out = Command::new(env!("CARGO_BIN_EXE_runback"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("runback template"), "{stderr}");
}

/// Runs the first question in a plain terminal and returns everything it printed.
fn first_question_in(setup: &str, term: &str) -> String {
    let program = env!("CARGO_BIN_EXE_runback");
    let mut command = Command::new("sh");
    command
        .args(["-c", &format!("{setup}; exec '{program}' --rules {RULES}")])
        .env_remove("NO_COLOR")
        .env("TERM", term);
    let mut p = spawn_command(command, Some(20_000)).unwrap();
    let shown = p.exp_string(LAST_ITEM).unwrap();
    keys(&mut p, &["\x03"]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    shown
}

#[test]
fn a_dumb_or_narrow_terminal_still_works_without_colour() {
    let colour = |s: &str| s.contains("\x1b[1m") || s.contains("\x1b[3") || s.contains("\x1b[2m");
    let dumb = first_question_in("true", "dumb");
    assert!(dumb.contains("Do you have the alarm sign?"));
    assert!(!colour(&dumb), "TERM=dumb: {dumb:?}");
    let narrow = first_question_in("stty rows 24 cols 30", "xterm-256color");
    assert!(narrow.contains("Do you have the"), "{narrow:?}");
    assert!(!colour(&narrow), "30 columns: {narrow:?}");
    // A normal terminal does get colour, so the two checks above can fail.
    let wide = first_question_in("stty rows 24 cols 100", "xterm-256color");
    assert!(colour(&wide), "100 columns: {wide:?}");
}

#[test]
fn answers_are_kept_after_every_answer_even_if_the_terminal_goes_away() {
    let (_dir, path) = temp_path("answers.json");
    let mut p = spawn(&["--save-answers", path.to_str().unwrap()]);
    choose_sign(&mut p, "Do you have the alarm sign?", 1);
    choose_sign(&mut p, "How bad is the pain?", 4);
    p.exp_string("When does it hurt?").unwrap();
    // No Ctrl-C, no clean exit: the process is simply killed, as a closed window would.
    p.process_mut()
        .kill(nix::sys::signal::Signal::SIGKILL)
        .unwrap();
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no", "severity": 4 })
    );
}
