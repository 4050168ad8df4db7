//! The interactive questionnaire driven through a real pseudo-terminal, keystroke by
//! keystroke, as a runner would use it. Everything it prints is also fed to a terminal
//! emulator (vt100), so a test can look at the screen itself: what is left behind after a
//! redraw, and whether lines fit a narrow window.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rexpect::session::{PtySession, spawn_command};
use runback::answers::{Answers, Value};
use runback::rulebase::{AnswerKind, RuleBase, embedded};

const RULES: &str = "tests/fixtures/rules/every_type";
const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";
const SPACE: &str = " ";
const CTRL_C: &str = "\x03";
const CTRL_C_SHOW_CURSOR: &str = "\x1b[?25h";
/// The end of every list, drawn once it is ready for keys: its line of keys, in full
/// ("…, Esc stops)") or short ("(? help)"). [`Tty::expect`] reads it as a pattern.
const LIST: &str = "stops)";
const LIST_PATTERN: &str = r"stops\)|\? help\)";
/// The end of the prompt for a typed number.
const NUMBER: &str = "Esc stops.";

/// runback in a pseudo-terminal of a given size, with its own state folder.
struct Tty {
    p: PtySession,
    screen: vt100::Parser,
    state: tempfile::TempDir,
}

impl Tty {
    fn spawn(args: &[&str], rows: u16, cols: u16) -> Tty {
        Tty::spawn_in(args, rows, cols, tempfile::tempdir().unwrap(), &[])
    }

    /// Like [`Tty::spawn`], keeping answers in `state` (to see them carried over), with more
    /// environment variables.
    fn spawn_in(
        args: &[&str],
        rows: u16,
        cols: u16,
        state: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> Tty {
        let program = env!("CARGO_BIN_EXE_runback");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let mut command = Command::new("sh");
        command
            .args([
                "-c",
                &format!(
                    "stty rows {rows} cols {cols}; exec '{program}' {}",
                    quoted.join(" ")
                ),
            ])
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("RUNBACK_STATE_DIR", state.path())
            .envs(env.iter().copied());
        let p = spawn_command(command, Some(20_000)).expect("runback starts in a pseudo-terminal");
        Tty {
            p,
            screen: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
            ),
            state,
        }
    }

    fn with_rules(args: &[&str]) -> Tty {
        let mut all = vec!["--rules", RULES];
        all.extend_from_slice(args);
        Tty::spawn(&all, 24, 80)
    }

    /// Waits for `needle` (for [`LIST`], the end of any list); returns what came before it.
    fn expect(&mut self, needle: &str) -> String {
        if needle == LIST {
            let (before, found) = self
                .p
                .exp_regex(LIST_PATTERN)
                .unwrap_or_else(|e| panic!("waiting for a list: {e}\nscreen:\n{}", self.screen()));
            self.screen.process(&bytes(&before));
            self.screen.process(&bytes(&found));
            return before;
        }
        let before = self
            .p
            .exp_string(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}\nscreen:\n{}", self.screen()));
        self.screen.process(&bytes(&before));
        self.screen.process(&bytes(needle));
        before
    }

    /// Waits for the end; returns the rest of the output.
    fn finish(&mut self) -> String {
        let rest = self.p.exp_eof().unwrap();
        self.screen.process(&bytes(&rest));
        rest
    }

    fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            self.p.send(k).unwrap();
        }
        self.p.flush().unwrap();
    }

    /// What the terminal shows now.
    fn screen(&self) -> String {
        self.screen.screen().contents()
    }

    fn exit_code(&self) -> i32 {
        match self.p.process().wait().unwrap() {
            nix::sys::wait::WaitStatus::Exited(_, code) => code,
            other => panic!("runback did not exit normally: {other:?}"),
        }
    }

    /// Passes the welcome screen.
    fn start(&mut self) {
        self.expect("Ready?");
        self.expect(LIST);
        self.keys(&[ENTER]);
    }

    /// At the end of the questions, shows the report (the choice starts on it).
    fn show_report(&mut self) {
        self.expect("That's all for now.");
        self.expect(LIST);
        self.keys(&[ENTER]);
    }

    /// At the end of the questions, opens the list of answers to check or change.
    fn open_review(&mut self) {
        self.expect("That's all for now.");
        self.expect(LIST);
        self.keys(&[DOWN, ENTER]);
        self.expect("Review your answers");
    }

    /// Waits for `question`, then picks `item` (0 is the first) of a list that starts with
    /// nothing chosen: the first arrow key lands on the first item.
    fn pick(&mut self, question: &str, item: usize) {
        self.expect(question);
        self.expect(LIST);
        for _ in 0..=item {
            self.keys(&[DOWN]);
        }
        self.keys(&[ENTER]);
    }

    /// Waits for `question`, then types `text` at the number prompt.
    fn type_number(&mut self, question: &str, text: &str) {
        self.expect(question);
        self.expect(NUMBER);
        self.keys(&[text, ENTER]);
    }

    /// The kept answers: the one run in the state folder.
    fn kept(&self) -> serde_json::Value {
        let runs: Vec<PathBuf> = std::fs::read_dir(self.state.path().join("runs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(runs.len(), 1, "{runs:?}");
        saved(&runs[0])
    }
}

/// The bytes a pseudo-terminal read as text stands for: rexpect turns each byte into the
/// character with that number.
fn bytes(text: &str) -> Vec<u8> {
    text.chars().map(|c| c as u32 as u8).collect()
}

fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// An answer file, without runback's `$` notes.
fn saved(path: &Path) -> serde_json::Value {
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json.as_object_mut()
        .unwrap()
        .retain(|k, _| !k.starts_with('$'));
    json
}

/// Answers every question type of the test rule base, in a full run.
fn answer_everything(t: &mut Tty) {
    t.start();
    t.pick("Do you have the alarm sign?", 1); // No
    t.expect("Your pain: 2 of about 5");
    t.pick("How bad is the pain?", 6); // 6 on the 0-10 scale
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&[DOWN, SPACE, DOWN, SPACE, ENTER]); // while running, at night
    t.type_number("How many runs a week?", "8");
    t.pick("How old are your shoes?", 1); // Old
    // The follow-up applies now, and the count says so.
    t.expect(": 6 of about 6");
    t.pick("Does it hurt more in the old shoes?", 0); // Yes
}

#[test]
fn a_full_run_through_every_question_type_ends_in_a_report_and_keeps_the_answers() {
    let (_dir, path) = temp_path("answers.json");
    let mut t = Tty::with_rules(&["--full", "--save-answers", path.to_str().unwrap()]);
    answer_everything(&mut t);
    t.show_report();
    t.expect("Possible contributors");
    t.expect("Worn shoes");
    t.expect("Too much running");
    t.expect("Save a page to print");
    t.expect(LIST);
    // The report's top has scrolled away: what to do is repeated above the offer.
    let screen = t.screen();
    let recap = screen.find("In short").expect(&screen);
    assert!(
        screen[recap..].contains("Start here: ")
            && screen[recap..].contains("scroll up to read it"),
        "{screen}"
    );
    t.keys(&[DOWN, DOWN, ENTER]); // No thanks
    t.finish();
    assert_eq!(t.exit_code(), 0);
    let expected = serde_json::json!({
        "alarm": "no", "severity": 6, "timing": ["running", "night"],
        "runs": 8, "shoes": "old", "shoe_pain": "yes"
    });
    assert_eq!(saved(&path), expected);
    assert_eq!(t.kept(), expected, "kept in the state folder as well");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o077,
        0,
        "saved answers are readable only by their owner"
    );
    // The saved file reproduces the same assessment from a file.
    let from_file = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(["--rules", RULES, "assess", "--format", "json", "--answers"])
        .arg(&path)
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
fn the_welcome_screen_says_how_long_and_that_nothing_leaves_the_machine_and_the_first_question_names_every_key()
 {
    let mut t = Tty::spawn(&[], 24, 80);
    t.expect("Ready?");
    t.expect(LIST);
    let screen = t.screen();
    for needle in [
        "a self-assessment for runners with back pain",
        "About five minutes",
        "Nothing leaves this computer",
        "kept in",
        "This is not a diagnosis",
    ] {
        assert!(
            screen.contains(needle),
            "{needle:?} is not on the welcome screen:\n{screen}"
        );
    }
    t.keys(&[ENTER]);
    t.expect("Since the back pain began");
    t.expect(LIST);
    let words = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "arrows move",
        "Space ticks",
        "s skips",
        "b goes back",
        "? help",
        "Esc stops",
    ] {
        assert!(
            words.contains(needle),
            "{needle:?} is not on the first question:\n{words}"
        );
    }
    // The next question names only `?`, which brings every key back, and its help.
    t.keys(&[UP, UP, SPACE, ENTER]); // none of these
    t.expect("Is either leg weak?");
    t.expect(LIST);
    assert!(!t.screen().contains("arrows move"), "{}", t.screen());
    t.keys(&["?"]);
    t.expect("Try walking");
    t.expect(LIST);
    assert!(t.screen().contains("b goes back"), "{}", t.screen());
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
}

#[test]
fn a_number_is_read_as_people_write_it_and_asked_again_when_out_of_range() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.pick("How bad is the pain?", 0);
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&["s"]);
    t.type_number("How many runs a week?", "99");
    t.expect("out of range");
    t.keys(&["\x7f\x7f", "lots", ENTER]);
    t.expect("is not a number");
    t.keys(&["\x7f\x7f\x7f\x7f", "3 runs", ENTER]);
    t.expect("Your answer: 3 runs");
    t.expect("How old are your shoes?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(t.kept()["runs"], 3);
}

#[test]
fn b_goes_back_to_the_previous_question_with_its_answer_chosen() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 1); // No
    t.expect("How bad is the pain?");
    t.expect(LIST);
    t.keys(&["b"]);
    // The earlier answer is chosen now: one step down from "No" is "Not sure".
    t.expect("Do you have the alarm sign?");
    t.expect(LIST);
    assert!(t.screen().contains("> No"), "{}", t.screen());
    t.keys(&[DOWN, ENTER]);
    t.expect("How bad is the pain?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(t.kept(), serde_json::json!({ "alarm": "unsure" }));
}

#[test]
fn going_back_from_the_first_question_says_there_is_nothing_before_it() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.expect("Do you have the alarm sign?");
    t.expect(LIST);
    t.keys(&["b"]);
    t.expect("This is the first question");
    t.pick("Do you have the alarm sign?", 1);
    t.expect("How bad is the pain?");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn the_review_screen_changes_an_answer_names_its_section_and_comes_back_to_it() {
    let mut t = Tty::with_rules(&["--full"]);
    answer_everything(&mut t);
    t.open_review();
    t.expect(LIST);
    // Items: show report, alarm, severity, timing, runs, shoes, shoe_pain.
    t.keys(&[DOWN, DOWN, DOWN, DOWN, ENTER]);
    // The question keeps its own section's name, not the last one asked.
    t.expect("Training: ");
    t.expect("How many runs a week?");
    t.expect(NUMBER);
    t.keys(&["\x7f", "2", ENTER]); // 8 becomes 2
    t.expect("Review your answers");
    t.expect(LIST);
    assert!(
        t.screen().contains("> Runs per week: 2 runs"),
        "the list comes back to the changed answer:\n{}",
        t.screen()
    );
    t.keys(&[UP, UP, UP, UP, ENTER]);
    t.expect("Possible contributors");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.kept()["runs"], 2);
}

#[test]
fn at_50_columns_a_long_list_pages_and_every_redraw_leaves_nothing_behind() {
    let mut t = Tty::spawn(&["--rules", RULES, "--full"], 8, 50);
    answer_everything(&mut t);
    t.open_review();
    t.expect(LIST);
    for _ in 0..9 {
        t.keys(&[DOWN]);
    }
    t.keys(&[UP]);
    // Let every redraw arrive, then look at the screen.
    t.keys(&["x"]);
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = t.screen();
    let count = |needle: &str| screen.matches(needle).count();
    assert_eq!(
        count("Choose an answer to change"),
        1,
        "a copy of the list was left behind:\n{screen}"
    );
    assert!(
        count("more above") + count("more below") >= 1,
        "the list pages:\n{screen}"
    );
    assert!(
        screen.contains(LIST),
        "the keys line is on screen:\n{screen}"
    );
    for line in screen.lines() {
        assert!(
            line.chars().count() <= 50,
            "a line is wider than the terminal: {line:?}"
        );
    }
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn a_section_header_is_printed_once_and_the_progress_line_fits_50_columns() {
    let mut t = Tty::spawn(&["--rules", RULES, "--full"], 24, 50);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.expect("How bad is the pain?");
    t.expect(LIST);
    let screen = t.screen();
    assert_eq!(
        screen.matches("Warning signs").count(),
        2,
        "a section with an introduction has a header, and the progress line:\n{screen}"
    );
    assert_eq!(
        screen.matches("Your pain").count(),
        1,
        "without one, the progress line names the section:\n{screen}"
    );
    assert!(screen.contains("Your pain: 2 of about 5"), "{screen}");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn typing_a_digit_on_a_scale_moves_to_it_and_a_skipped_number_says_skipped() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.expect("How bad is the pain?");
    t.expect(LIST);
    t.keys(&["1", "0", ENTER]);
    t.expect("Your answer: 10");
    t.expect("When does it hurt?");
    t.expect(LIST);
    let screen = t.screen();
    assert!(
        !screen.contains("Go back"),
        "going back is a key, not a tick box:\n{screen}"
    );
    t.keys(&["s"]);
    // A stray Enter in an empty box neither answers nor skips; s skips at once.
    t.type_number("How many runs a week?", "");
    t.expect("Nothing typed yet");
    t.keys(&["s"]);
    t.expect("Your answer: skipped");
    t.expect("How old are your shoes?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(
        t.kept(),
        serde_json::json!({ "alarm": "no", "severity": 10 })
    );
}

#[test]
fn an_emergency_answer_is_confirmed_on_its_own_screen_then_only_what_to_do_now_is_shown() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 0); // Yes
    t.expect("!! EMERGENCY !!");
    t.expect("Go to the emergency department now.");
    t.expect("The alarm sign needs help now.");
    t.expect("You answered: Alarm sign: Yes");
    t.expect("Is that right?");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, DOWN, ENTER]); // Stop here (nothing is chosen at first)
    let rest = t.finish();
    assert!(
        !rest.contains("Possible contributors"),
        "stopping shows no report: {rest}"
    );
    assert_eq!(t.exit_code(), 0);

    // "That's right" shows the short emergency report: the action, the reason, and how to
    // get the full report later; nothing to scroll past.
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 0);
    t.expect("Is that right?");
    t.expect(LIST);
    t.keys(&[DOWN, ENTER]); // nothing is chosen at first: Down lands on "That's right"
    t.expect("!! EMERGENCY !!");
    t.expect("The alarm sign needs help now.");
    t.expect("The full report, for later");
    let rest = t.finish();
    assert!(
        rest.contains("Go to the emergency department now."),
        "{rest}"
    );
    assert!(!rest.contains("Possible contributors"), "{rest}");
    assert_eq!(t.exit_code(), 0);
}

#[test]
fn i_chose_that_by_mistake_goes_back_to_the_answer_and_the_questionnaire_goes_on() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 0); // Yes, by mistake
    t.expect("Is that right?");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]);
    // The question again, with nothing chosen: a stray Enter does not repeat the
    // mistake, and two steps down is "No".
    t.expect("Do you have the alarm sign?");
    t.expect(LIST);
    t.keys(&[ENTER]);
    t.expect("Nothing is chosen yet");
    t.keys(&[DOWN, DOWN, ENTER]);
    t.expect("How bad is the pain?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(t.kept(), serde_json::json!({ "alarm": "no" }));
}

#[test]
fn stray_keys_never_confirm_an_emergency() {
    // Enter at the welcome, Down and Space tick the first sign, Enter confirms the
    // checklist: then two more presses of Enter must not confirm the emergency.
    let mut t = Tty::spawn(&[], 24, 80);
    t.expect("Ready?");
    t.expect(LIST);
    t.keys(&[ENTER]);
    t.expect("Since the back pain began");
    t.expect(LIST);
    t.keys(&[DOWN, SPACE, ENTER]);
    t.expect("Is that right?");
    t.expect(LIST);
    t.keys(&[ENTER, ENTER]);
    t.expect("Nothing is chosen yet");
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&[CTRL_C]);
    let rest = t.finish();
    assert!(!rest.contains("The full report, for later"), "{rest}");
    assert_eq!(t.exit_code(), 130, "the run stopped unfinished");
    let runs: Vec<PathBuf> = std::fs::read_dir(t.state.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&runs[0]).unwrap()).unwrap();
    assert_eq!(
        kept["$runback"]["status"], "unfinished",
        "the kept answers are not marked finished: {kept}"
    );
}

#[test]
fn the_question_stays_in_sight_and_its_list_pages_below_it() {
    // The first warning signs in a terminal of 40 by 15: the question, and a page of its
    // list with how many more signs lie below.
    let mut t = Tty::spawn(&[], 15, 40);
    t.start();
    t.expect("Since the back pain began");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screen = t.screen();
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Since the back pain began, have you had any of these?"),
        "{screen}"
    );
    assert!(words.contains("more below"), "{screen}");
    // Down to the last items: the question is still there, and so is "None of these".
    t.keys(&[UP, UP]);
    t.keys(&["x"]);
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screen = t.screen();
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("have you had any of these?"), "{screen}");
    assert!(words.contains("None of these"), "{screen}");
    t.keys(&[CTRL_C]);
    t.finish();

    // The 0-10 scale at 50 by 20 keeps its question's first line.
    let mut t = Tty::spawn(&["--rules", RULES, "--full"], 20, 50);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.expect("How bad is the pain?");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        t.screen().contains("How bad is the pain?"),
        "{}",
        t.screen()
    );
    t.keys(&[CTRL_C]);
    t.finish();

    // The review's title stays at 80 by 24, however many answers it lists.
    let runner = Runner::new("examples/answers.json");
    let mut t = Tty::spawn(&[], 24, 80);
    runner.run_to_the_end(&mut t);
    t.keys(&[DOWN, ENTER]);
    t.expect("Review your answers");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screen = t.screen();
    assert!(screen.contains("Review your answers"), "{screen}");
    assert!(screen.contains("more below"), "{screen}");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn on_a_short_terminal_the_emergency_choice_still_names_the_emergency() {
    let mut t = Tty::spawn(&[], 20, 50);
    t.start();
    t.expect("Since the back pain began");
    t.expect(LIST);
    t.keys(&[DOWN, SPACE, ENTER]);
    t.expect("Is that right?");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let words = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Emergency: get help now. Is that right?"),
        "{}",
        t.screen()
    );
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn a_long_prompt_at_50_columns_keeps_its_answer_in_whole_words() {
    let mut t = Tty::spawn(&["--rules", RULES, "--full"], 24, 50);
    answer_everything(&mut t);
    t.show_report();
    t.expect("Save a page to print");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]); // No thanks
    t.expect("No thanks");
    t.finish();
    let screen = t.screen();
    assert!(
        screen
            .lines()
            .any(|l| l.trim() == "No thanks" || l.ends_with(" No thanks")),
        "{screen}"
    );
}

#[test]
fn a_reflexive_enter_answers_nothing() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.expect("Do you have the alarm sign?");
    t.expect(LIST);
    t.keys(&[ENTER, ENTER, ENTER]);
    t.expect("Nothing is chosen yet");
    // Still on the same question: then a deliberate "No" moves on.
    t.keys(&[DOWN, DOWN, ENTER]);
    t.expect("How bad is the pain?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(
        t.kept(),
        serde_json::json!({ "alarm": "no" }),
        "three presses of Enter chose nothing, neither an alarm nor an all-clear"
    );
}

#[test]
fn answers_saved_to_a_fhir_json_file_are_a_questionnaire_response_that_resumes() {
    let (_dir, path) = temp_path("intake.fhir.json");
    let file = path.to_str().unwrap();
    let mut t = Tty::with_rules(&["--full", "--save-answers", file]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.expect("How bad is the pain?");
    t.expect(LIST);
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
    let response = saved(&path);
    assert_eq!(response["resourceType"], "QuestionnaireResponse");
    assert_eq!(response["status"], "in-progress", "stopped part way");
    let text = response.to_string();
    assert!(
        text.contains(r#""linkId":"alarm""#) && text.contains(r#""code":"no""#),
        "{text}"
    );
    // --resume reads it back and carries on at the first unanswered question.
    let mut t = Tty::with_rules(&["assess", "--full", "--resume", file]);
    t.expect("Welcome back");
    t.expect(LIST);
    t.keys(&[ENTER]);
    t.expect("How bad is the pain?");
    t.expect(LIST);
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn ctrl_c_restores_the_cursor_keeps_the_answers_and_resume_finishes_the_run() {
    let (_dir, path) = temp_path("answers.json");
    let file = path.to_str().unwrap();
    let mut t = Tty::with_rules(&["--full", "--save-answers", file]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.pick("How bad is the pain?", 3);
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&[CTRL_C]);
    t.expect(CTRL_C_SHOW_CURSOR);
    t.expect("runback assess --resume");
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no", "severity": 3 })
    );

    let mut t = Tty::with_rules(&["assess", "--full", "--resume", file]);
    t.expect("Welcome back");
    t.expect(LIST);
    t.keys(&[ENTER]);
    // Resuming starts at the first unanswered question.
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&[UP, SPACE, ENTER]); // none of these
    t.type_number("How many runs a week?", "1");
    t.pick("How old are your shoes?", 0);
    t.show_report();
    t.expect("What to do: Routine");
    t.expect("Save a page to print");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]);
    t.finish();
    assert_eq!(t.exit_code(), 0);
    assert_eq!(
        saved(&path),
        serde_json::json!({ "alarm": "no", "severity": 3, "timing": ["never"], "runs": 1, "shoes": "new" })
    );
}

#[test]
fn an_unfinished_run_is_offered_again_with_no_flags() {
    let mut t = Tty::with_rules(&["--full"]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.pick("How bad is the pain?", 4);
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&[CTRL_C]);
    t.finish();
    let state = t.state;

    let mut t = Tty::spawn_in(&["--rules", RULES, "--full"], 24, 80, state, &[]);
    t.expect("You have an unfinished questionnaire from");
    t.expect("Continue?");
    let words = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("with 2 questions answered"), "{words}");
    t.expect(LIST);
    t.keys(&[DOWN, ENTER]); // Continue where I stopped
    t.expect("Welcome back");
    t.expect(LIST);
    t.keys(&[ENTER]);
    t.expect("When does it hurt?");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn an_existing_save_file_is_refused_before_the_first_question() {
    let (_dir, path) = temp_path("answers.json");
    std::fs::write(&path, "{\"alarm\": \"no\"}").unwrap();
    let mut t = Tty::with_rules(&["--save-answers", path.to_str().unwrap()]);
    let out = t.finish();
    assert!(out.contains("already exists"), "{out}");
    assert!(!out.contains("alarm sign"), "no question was asked: {out}");
    assert_eq!(t.exit_code(), 1);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"alarm\": \"no\"}"
    );

    let mut t = Tty::with_rules(&["--save-answers", "/nonexistent/folder/answers.json"]);
    let out = t.finish();
    assert!(out.contains("cannot save the answers"), "{out}");
    assert!(!out.contains("alarm sign"), "no question was asked: {out}");
    assert_eq!(t.exit_code(), 1);
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

/// Runs to the first question in a plain terminal and returns everything it printed.
fn first_question_in(setup: &str, term: &str) -> String {
    let program = env!("CARGO_BIN_EXE_runback");
    let state = tempfile::tempdir().unwrap();
    let mut command = Command::new("sh");
    command
        .args(["-c", &format!("{setup}; exec '{program}' --rules {RULES}")])
        .env_remove("NO_COLOR")
        .env("RUNBACK_STATE_DIR", state.path())
        .env("TERM", term);
    let mut p = spawn_command(command, Some(20_000)).unwrap();
    let mut shown = p.exp_string("Ready?").unwrap();
    shown.push_str(&p.exp_regex(LIST_PATTERN).unwrap().0);
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    shown.push_str(&p.exp_regex(LIST_PATTERN).unwrap().0);
    p.send(CTRL_C).unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    shown
}

#[test]
fn a_dumb_or_narrow_terminal_still_works_without_colour() {
    // A colour or style is an SGR sequence: ESC [ digits and semicolons, then m.
    let colour = |s: &str| {
        s.match_indices("\x1b[").any(|(at, _)| {
            let rest = &s[at + 2..];
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|end| end > 0 && rest[end..].starts_with('m'))
        })
    };
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
    let mut t = Tty::with_rules(&["--full", "--save-answers", path.to_str().unwrap()]);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.pick("How bad is the pain?", 4);
    t.expect("When does it hurt?");
    // No Ctrl-C, no clean exit: the process is simply killed, as a closed window would.
    t.p.process_mut()
        .kill(nix::sys::signal::Signal::SIGKILL)
        .unwrap();
    let expected = serde_json::json!({ "alarm": "no", "severity": 4 });
    assert_eq!(saved(&path), expected);
    assert_eq!(t.kept(), expected);
}

/// The shipped questionnaire, answered by a runner who knows their answers: each screen is
/// recognised by its question, and answered with the keys a person would press.
struct Runner {
    rules: RuleBase,
    truth: Answers,
}

impl Runner {
    fn new(answers: &str) -> Runner {
        let rules = embedded::shipped().unwrap();
        let text = std::fs::read_to_string(answers).unwrap();
        let truth = Answers::parse(&text, answers, &rules.questionnaire).unwrap();
        Runner { rules, truth }
    }

    /// Answers the screen `before` shows; its name, for counting.
    fn answer(&self, t: &mut Tty, before: &str, number: bool) -> String {
        let q = &self.rules.questionnaire;
        // Lines are wrapped to the terminal: compare words, not lines.
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let before = &words(before);
        // The question or checklist whose text appears last is the one being asked.
        let checklist = q
            .checklists
            .iter()
            .filter_map(|c| before.rfind(&words(&c.text)).map(|at| (at, c)))
            .max_by_key(|(at, _)| *at);
        let question = q
            .questions
            .iter()
            .enumerate()
            .filter_map(|(i, question)| before.rfind(&words(&question.text)).map(|at| (at, i)))
            .max_by_key(|(at, _)| *at);
        match (checklist, question) {
            (Some((c_at, c)), q_at) if q_at.is_none_or(|(at, _)| c_at > at) => {
                let mut keys = Vec::new();
                let mut any = false;
                for item in &c.items {
                    keys.push(DOWN);
                    let ticked = match self.truth.get(item.question) {
                        Some(Value::Choice(o)) => o == item.option,
                        Some(Value::Multi(set)) => set & (1 << item.option) != 0,
                        _ => false,
                    };
                    if ticked {
                        keys.push(SPACE);
                        any = true;
                    }
                }
                keys.push(DOWN); // "None of these"
                if !any {
                    keys.push(SPACE);
                }
                keys.push(ENTER);
                t.keys(&keys);
                c.id.to_string()
            }
            (_, Some((_, i))) => {
                let question = &q.questions[i];
                match (self.truth.get(i), &question.kind) {
                    (None, _) if number => t.keys(&["s"]),
                    (None, _) => t.keys(&["s"]),
                    (Some(Value::Number(n)), _) if number => t.keys(&[&n.to_string(), ENTER]),
                    (Some(Value::Number(n)), AnswerKind::Scale { .. }) => {
                        t.keys(&[&n.to_string(), ENTER])
                    }
                    (Some(Value::Choice(o)), _) => {
                        let mut keys = vec![DOWN; o + 1];
                        keys.push(ENTER);
                        t.keys(&keys);
                    }
                    (Some(Value::Multi(set)), _) => {
                        let mut keys = Vec::new();
                        for o in 0..question.options.len() {
                            keys.push(DOWN);
                            if set & (1 << o) != 0 {
                                keys.push(SPACE);
                            }
                        }
                        keys.push(ENTER);
                        t.keys(&keys);
                    }
                    (Some(other), _) => panic!("{other:?} for {}", question.id),
                }
                question.id.to_string()
            }
            _ => panic!("no question recognised in:\n{before}"),
        }
    }

    /// Runs the default questionnaire to its report; the screens it showed.
    fn run(&self, t: &mut Tty) -> Vec<String> {
        self.run_counting(t).into_iter().map(|(s, _)| s).collect()
    }

    /// Like [`Runner::run`], with the words each screen drew for the runner to read (on a
    /// terminal tall enough that nothing scrolls away before it is counted).
    fn run_counting(&self, t: &mut Tty) -> Vec<(String, usize)> {
        let screens = self.run_to_the_end(t);
        t.keys(&[ENTER]);
        screens
    }

    /// Like [`Runner::run_counting`], stopping at the choice between the report and a check
    /// of the answers.
    fn run_to_the_end(&self, t: &mut Tty) -> Vec<(String, usize)> {
        t.expect("Ready?");
        self.past_the_welcome(t)
    }

    /// Like [`Runner::run_to_the_end`], once the welcome screen's "Ready?" has been seen.
    fn past_the_welcome(&self, t: &mut Tty) -> Vec<(String, usize)> {
        t.expect(LIST);
        let mut screens = vec![("welcome".to_string(), words_drawn(&t.screen()))];
        t.keys(&[ENTER]);
        loop {
            // A new screen starts with its progress line (a redraw of a list does not).
            let expect = |t: &mut Tty, pattern: &str| {
                let found =
                    t.p.exp_regex(pattern)
                        .unwrap_or_else(|e| panic!("{e}\n{}", t.screen()));
                t.screen.process(&bytes(&found.0));
                t.screen.process(&bytes(&found.1));
                found
            };
            let (before, started) = expect(t, r": \d+ of about \d+\r|all for now");
            assert!(
                !before.contains("Is that right?"),
                "no emergency for this runner"
            );
            if started.contains("all for now") {
                expect(t, LIST_PATTERN);
                screens.push(("review".into(), words_drawn(&t.screen())));
                return screens;
            }
            let (question, matched) = expect(t, r"stops\)|\? help\)|Your answer in [^:\r\n]*: ");
            let words = words_drawn(&t.screen());
            let id = self.answer(t, &question, matched.starts_with("Your answer in"));
            screens.push((id, words));
        }
    }
}

/// Words a runner reads in `text`: runs of characters with a letter in them (a number
/// alone, such as a point on a 0-10 scale, is read at a glance).
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// The words of the screen drawn since the last answer was echoed ("Your answer: …",
/// "Ready? Start"): what the screen waiting for a key shows that was not there before.
fn words_drawn(screen: &str) -> usize {
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let echo = |l: &&str| {
        l.strip_prefix("Your answer:")
            .or_else(|| l.strip_prefix("Ready?"))
            .is_some_and(|rest| !rest.trim().is_empty())
    };
    let from = lines.iter().rposition(echo).map_or(0, |i| i + 1);
    words(&lines[from..].join("\n"))
}

#[test]
fn the_short_questionnaire_shows_at_most_1000_words_past_the_welcome_to_the_report() {
    // About five minutes at 200 words a minute, as the welcome screen and the README
    // promise. The terminal is tall so that nothing scrolls away before it is counted.
    let runner = Runner::new("examples/answers.json");
    let mut t = Tty::spawn(&[], 1000, 80);
    let screens = runner.run_counting(&mut t);
    let total: usize = screens.iter().map(|(_, n)| n).sum();
    let each: Vec<String> = screens.iter().map(|(s, n)| format!("{s} {n}")).collect();
    eprintln!(
        "{total} words on {} screens: {}",
        screens.len(),
        each.join(", ")
    );
    assert!(
        total <= 1000,
        "{total} words on {} screens: {}",
        screens.len(),
        each.join(", ")
    );
    t.expect("In short");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn after_an_urgent_result_nothing_is_offered_but_the_advice() {
    // The runner has just been told not to run and to see a doctor today: no video of a
    // run, no plank, no page for a later appointment.
    let (_dir, path) = temp_path("urgent.json");
    std::fs::copy("tests/fixtures/answers/urgent.json", &path).unwrap();
    let runner = Runner::new("tests/fixtures/answers/urgent.json");
    let mut t = Tty::spawn(&["assess", "--resume", path.to_str().unwrap()], 30, 80);
    runner.run_counting(&mut t);
    t.expect("In short");
    t.expect("Don't run until you have been checked.");
    let rest = t.finish();
    for offer in ["Refine", "Save a page"] {
        assert!(!rest.contains(offer), "{offer:?} offered: {rest}");
    }
    assert_eq!(t.exit_code(), 0);
}

#[test]
fn a_typical_runner_gets_through_the_short_questionnaire_in_at_most_27_screens() {
    let runner = Runner::new("examples/answers.json");
    let mut t = Tty::spawn(&[], 30, 80);
    let screens = runner.run(&mut t);
    assert!(
        screens.len() <= 27,
        "{} screens: {screens:?}",
        screens.len()
    );
    // Every warning sign is asked, first.
    for first in ["emergency_signs", "rf_leg_weakness", "same_day_signs"] {
        assert!(
            screens.contains(&first.to_string()),
            "{first} not asked: {screens:?}"
        );
    }
    // The questions that need a video or a self-test are not in the first part.
    assert!(
        !screens
            .iter()
            .any(|s| s == "plank_seconds" || s == "form_overstride"),
        "{screens:?}"
    );
    t.expect("Self-care first");
    t.expect("Start here");
    t.expect("Manage your training load");
    // The whole report is one command away, from the file that keeps these answers; the
    // questions never shown (the self-tests) are not "left without an answer".
    let more = t.expect("In short");
    let more = more.split_whitespace().collect::<Vec<_>>().join(" ");
    let runs = t.state.path().join("runs");
    assert!(
        more.contains(&format!(
            "More: runback assess --answers {}/",
            runs.display()
        )),
        "{more}"
    );
    assert!(
        more.contains(".json --detail shows how to do each"),
        "{more}"
    );
    assert!(!more.contains("without an answer"), "{more}");
    // Then the offer to refine, with how many questions and how long.
    t.expect("Refine your result:");
    let offer = t.expect("Refine now?");
    assert!(offer.contains("more questions about your"), "{offer}");
    assert!(
        offer.contains("minutes; some need a video or a quick self-test"),
        "{offer}"
    );
    t.expect(LIST);
    t.keys(&[DOWN, ENTER]); // yes
    t.expect("Running form");
    t.expect("When you run, is your upper back rounded");
    t.expect(LIST);
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);
}

#[test]
fn the_training_log_answers_the_training_questions_and_the_review_marks_them() {
    let runner = Runner::new("examples/answers.json");
    let env = [("SOURCE_DATE_EPOCH", "1795305600"), ("TZ", "Europe/London")];
    let args = ["--training", "tests/fixtures/training/strava-export.zip"];
    let mut t = Tty::spawn_in(&args, 30, 80, tempfile::tempdir().unwrap(), &env);
    let welcome = t.expect("Ready?");
    let words = welcome.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Your training log answered 9 questions about your training. They are not asked again; you can check and change them at the end."),
        "{words}"
    );
    assert!(
        !words.contains("Welcome back"),
        "a first run, not a resumed one"
    );
    // Replay the rest as the runner would; the log's questions never come up.
    let screens: Vec<String> = runner
        .past_the_welcome(&mut t)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    t.keys(&[DOWN, ENTER]); // check or change my answers
    t.expect("Review your answers");
    let review = t.expect(LIST);
    for from_log in [
        "weekly_km",
        "km_increase",
        "heavy_week",
        "long_run_spike",
        "rest_days",
        "hills",
        "cross_training",
        "strength_per_week",
        "shoe_distance",
    ] {
        assert!(
            !screens.iter().any(|s| s == from_log),
            "{from_log} was asked: {screens:?}"
        );
    }
    // The review is longer than the screen: page down to the training answers.
    assert!(review.contains("more below"), "{review}");
    t.keys(&[DOWN; 36]);
    t.expect("(from your log)");
    t.expect(LIST);
    let shown = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        shown.contains("Weekly distance: 33.8 km (from your log)"),
        "{shown}"
    );
    t.keys(&[UP; 36]);
    t.keys(&[ENTER]);
    let report = t.expect("Your training log");
    assert!(report.contains("1. Too much, too soon"), "{report}");
    t.expect("Biggest jump:");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn enter_pressed_through_every_warning_sign_never_raises_an_emergency_or_gives_the_all_clear() {
    let mut t = Tty::spawn(&[], 30, 80);
    t.start();
    // Enter, then s, at every screen of the warning signs and of "About you".
    for _ in 0..6 {
        t.expect(LIST);
        t.keys(&[ENTER, ENTER]);
        t.expect("yet");
        t.keys(&["s"]);
    }
    t.expect("Where do you mainly feel the pain?");
    t.keys(&[CTRL_C]);
    t.finish();
    let runs: Vec<PathBuf> = std::fs::read_dir(t.state.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let report = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(["assess", "--format", "json", "--answers"])
        .arg(&runs[0])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let level = report["escalation"]["level"].as_str().unwrap();
    assert_eq!(
        level, "urgent",
        "skipped warning signs count as not sure: never routine, never an emergency"
    );
    assert!(
        !report["escalation"]["not_checked"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn at_40_columns_a_number_prompt_wraps_clears_itself_and_esc_stops_with_the_answers_kept() {
    let mut t = Tty::spawn(&["--rules", RULES, "--full"], 24, 40);
    t.start();
    t.pick("Do you have the alarm sign?", 1);
    t.pick("How bad is the pain?", 0);
    t.expect("When does it hurt?");
    t.expect(LIST);
    t.keys(&["s"]);
    // A word longer than the line, echoed in the message: the redraw still counts the
    // rows it folds onto, and leaves no copy of the hint behind.
    let long = "x".repeat(45);
    t.type_number("How many runs a week?", &long);
    t.expect("is not a number");
    t.keys(&[&"\x7f".repeat(45)]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.expect("Esc stops.");
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["9"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["\x7f"]);
    t.expect("Esc stops.");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = t.screen();
    assert_eq!(screen.matches("Esc stops.").count(), 1, "{screen}");
    t.keys(&["99", ENTER]);
    t.expect("out of range");
    t.keys(&["\x7f\x7f", "3", ENTER]);
    t.expect("Your answer: 3 runs");
    t.expect("How old are your shoes?");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = t.screen();
    // The hint wrapped over two lines, and neither half nor the input was left behind
    // above the next question.
    let above = &screen[..screen.find("How old are your shoes?").unwrap()];
    for gone in ["skips", "Esc stops.", "Your answer in", "out of range"] {
        assert!(!above.contains(gone), "{gone:?} left behind:\n{screen}");
    }
    for line in screen.lines() {
        assert!(line.chars().count() <= 40, "wider than 40: {line:?}");
    }
    // Back to the number, then Esc: the run stops there, keeping what was answered.
    t.keys(&["b"]);
    t.expect("Esc stops.");
    t.keys(&["\x1b"]);
    t.expect("runback assess --resume");
    t.finish();
    assert_eq!(t.exit_code(), 130);
    assert_eq!(t.kept()["runs"], 3);
}

#[test]
fn an_unfinished_run_counts_a_checklist_as_one_question_answered() {
    // The shipped questionnaire opens with a checklist of six warning signs.
    let mut t = Tty::spawn(&[], 24, 80);
    t.start();
    // Its progress line names the section, as every question's does.
    t.expect("Warning signs: 1 of about");
    t.expect("Since the back pain began");
    t.expect("stops)");
    t.keys(&[UP, UP, SPACE, ENTER]); // "None of these"
    t.expect("Your answer: None of these");
    t.expect("stops)");
    t.keys(&[CTRL_C]);
    t.finish();
    let state = t.state;
    let mut t = Tty::spawn_in(&[], 24, 80, state, &[]);
    t.expect("Continue?");
    let words = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("with 1 question answered so far"), "{words}");
    t.keys(&[CTRL_C]);
    t.finish();
}

/// When the bout's first assessment was kept (6 Dec 2025), and a check-in three days
/// later.
const ASSESSED: &str = "1764979200";
const CHECKING_IN: &str = "1765238400";

/// A state folder holding a bout begun by the example answers.
fn with_a_bout() -> tempfile::TempDir {
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(["assess", "--answers", "examples/answers.json", "--keep"])
        .env("RUNBACK_STATE_DIR", state.path())
        .env("SOURCE_DATE_EPOCH", ASSESSED)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    state
}

/// The entries of every bout kept in `state`, by kind, oldest first, with their answers.
fn entries(state: &Path) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for file in std::fs::read_dir(state.join("bouts")).unwrap() {
        let bout: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file.unwrap().path()).unwrap()).unwrap();
        for entry in bout["entries"].as_array().unwrap() {
            out.push((
                entry["kind"].as_str().unwrap().to_string(),
                entry["answers"].clone(),
            ));
        }
    }
    out
}

fn kinds(state: &Path) -> Vec<String> {
    entries(state).into_iter().map(|(kind, _)| kind).collect()
}

/// runback with the bout in `state`, three days after it began.
fn checking_in(args: &[&str], rows: u16, cols: u16, state: tempfile::TempDir) -> Tty {
    Tty::spawn_in(
        args,
        rows,
        cols,
        state,
        &[("SOURCE_DATE_EPOCH", CHECKING_IN)],
    )
}

/// Waits for the next screen of a check-in (its progress line, then its list or number
/// prompt); the words drawn for the runner to read since the last answer.
fn next_checkin_screen(t: &mut Tty, question: &str) -> usize {
    t.p.exp_regex(r"Check-in: \d+ of about \d+\r")
        .map(|(before, found)| {
            t.screen.process(&bytes(&before));
            t.screen.process(&bytes(&found));
        })
        .unwrap_or_else(|e| panic!("{e}\n{}", t.screen()));
    let (before, found) =
        t.p.exp_regex(r"stops\)|\? help\)|Your answer in [^:\r\n]*: ")
            .unwrap_or_else(|e| panic!("{e}\n{}", t.screen()));
    t.screen.process(&bytes(&before));
    t.screen.process(&bytes(&found));
    let words = before.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(question), "{question:?} not asked:\n{words}");
    words_drawn(&t.screen())
}

/// Answers a check-in as a runner who ran twice without trouble and has no new sign;
/// the words of each screen.
fn check_in_without_a_sign(t: &mut Tty) -> Vec<(&'static str, usize)> {
    let mut screens = Vec::new();
    let mut screen = |t: &mut Tty, id: &'static str, question: &str, keys: &[&str]| {
        screens.push((id, next_checkin_screen(t, question)));
        t.keys(keys);
    };
    screen(
        t,
        "pain_now",
        "how bad has the back pain been",
        &["3", ENTER],
    );
    screen(
        t,
        "runs_since",
        "How many runs have you done",
        &["2", ENTER],
    );
    screen(
        t,
        "run_pain_worst",
        "During or after your last run",
        &["4", ENTER],
    );
    screen(
        t,
        "pain_next_morning",
        "The morning after that run",
        &[DOWN, ENTER],
    );
    screen(t, "plan_followed", "How did the plan", &[DOWN, ENTER]);
    screen(
        t,
        "checkin_signs",
        "Since you last answered, have you had any of these?",
        &[UP, UP, SPACE, ENTER], // None of these
    );
    screens
}

#[test]
fn a_check_in_with_no_new_sign_takes_six_screens_and_at_most_280_words() {
    // Counted as the questionnaire's are: the words each screen draws (the first one's
    // with the lines before it), at 200 a minute. The terminal is tall so that nothing
    // scrolls away before it is counted. The checklist of warning signs is most of it:
    // a runner has read its items at the assessment, and scans them again here.
    let mut t = checking_in(&["checkin"], 1000, 80, with_a_bout());
    t.expect("Check-in, day 3 of the back pain you assessed on 6 Dec 2025");
    let screens = check_in_without_a_sign(&mut t);
    let total: usize = screens.iter().map(|(_, n)| n).sum();
    let each: Vec<String> = screens.iter().map(|(s, n)| format!("{s} {n}")).collect();
    eprintln!(
        "{total} words on {} screens: {}",
        screens.len(),
        each.join(", ")
    );
    assert!(total <= 280, "{total} words: {}", each.join(", "));
    // The signs were the last screen: the report follows, with no review before it.
    let after = t.expect("Should I run today?");
    assert!(!after.contains(" of about "), "{after}");
    t.finish();
    assert_eq!(t.exit_code(), 0);
    let kept = entries(t.state.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    let (kind, answers) = &kept[1];
    assert_eq!(kind, "checkin");
    assert_eq!(answers["pain_now"], 3);
    assert_eq!(answers["runs_since"], 2);
    assert_eq!(answers["pain_next_morning"], "better");
    assert_eq!(answers["rf_saddle_numbness"], "no");
    assert_eq!(answers["rf_leg_weakness"], "none");
}

#[test]
fn saddle_numbness_at_a_check_in_is_confirmed_with_nothing_chosen_and_enter_alone_does_not_end_it()
{
    let mut t = checking_in(&["checkin"], 30, 80, with_a_bout());
    next_checkin_screen(&mut t, "how bad has the back pain been");
    t.keys(&["3", ENTER]);
    next_checkin_screen(&mut t, "How many runs have you done");
    t.keys(&["0", ENTER]);
    // No run: nothing about how it went.
    next_checkin_screen(&mut t, "How did the plan");
    t.keys(&[DOWN, ENTER]);
    next_checkin_screen(&mut t, "have you had any of these?");
    t.keys(&[DOWN, SPACE, ENTER]); // the first sign: numbness around the genitals
    t.expect("!! EMERGENCY: GET HELP NOW !!");
    t.expect("Is that right?");
    t.expect(LIST);
    let screen = t.screen();
    let choice = &screen[screen.rfind("Is that right?").unwrap()..];
    assert!(
        choice.contains("  That's right") && !choice.contains("> "),
        "something is chosen:\n{screen}"
    );
    t.keys(&[ENTER]);
    t.expect("Nothing is chosen yet");
    // Still waiting: a mistake takes the sign back, unticked, with nothing else lost.
    t.keys(&[DOWN, DOWN, ENTER]);
    t.expect("have you had any of these?");
    t.expect(LIST);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let screen = t.screen();
    let list = &screen[screen.rfind("have you had any of these?").unwrap()..];
    assert!(
        list.contains("[ ] Numbness around the genitals or buttocks"),
        "{screen}"
    );
    t.keys(&[UP, UP, SPACE, ENTER]); // None of these
    t.expect("Should I run today?");
    t.finish();
    assert_eq!(t.exit_code(), 0);
    let kept = entries(t.state.path());
    assert_eq!(kept[1].0, "checkin");
    assert_eq!(kept[1].1["rf_saddle_numbness"], "no");
}

#[test]
fn esc_at_a_check_in_keeps_nothing_and_says_so() {
    let mut t = checking_in(&["checkin"], 24, 80, with_a_bout());
    next_checkin_screen(&mut t, "how bad has the back pain been");
    t.keys(&["3", ENTER]);
    next_checkin_screen(&mut t, "How many runs have you done");
    t.keys(&["\x1b"]);
    let rest = t.finish();
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        rest.contains("this check-in was not kept") && rest.contains(CTRL_C_SHOW_CURSOR),
        "{rest}"
    );
    assert_eq!(t.exit_code(), 130);
    assert_eq!(kinds(t.state.path()), ["assessment"]);
}

#[test]
fn plain_runback_offers_a_check_in_on_the_current_bout() {
    let mut t = checking_in(&[], 24, 80, with_a_bout());
    t.expect("Check in on the back pain you assessed on 6 Dec 2025?");
    t.expect(LIST);
    let screen = t.screen();
    assert!(
        screen.contains("  Yes, check in (about a minute)")
            && screen.contains("  No, start a new assessment")
            && !screen.contains("> "),
        "something is chosen:\n{screen}"
    );
    t.keys(&[DOWN, ENTER]);
    t.expect("Check-in, day 3");
    check_in_without_a_sign(&mut t);
    t.expect("Should I run today?");
    t.finish();
    assert_eq!(t.exit_code(), 0);
    assert_eq!(kinds(t.state.path()), ["assessment", "checkin"]);

    // "No" starts a new assessment, which joins the bout once finished.
    let mut t = checking_in(&[], 24, 80, t.state);
    t.expect("Check in on the back pain");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]);
    t.expect("Ready?");
    t.keys(&[CTRL_C]);
    t.finish();
    assert_eq!(t.exit_code(), 130);

    // Asked for a new bout, or without a bout, there is nothing to offer.
    let mut t = checking_in(&["--new-bout"], 24, 80, t.state);
    t.expect("Ready?");
    t.keys(&[CTRL_C]);
    t.finish();
    let mut t = checking_in(&[], 24, 80, tempfile::tempdir().unwrap());
    t.expect("Ready?");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn forget_asks_in_a_terminal_esc_deletes_nothing_and_yes_deletes_everything() {
    let state = with_a_bout();
    let mut t = checking_in(&["forget", "--all"], 24, 80, state);
    t.expect("Delete everything runback has kept");
    t.expect(LIST);
    assert!(!t.screen().contains("> "), "{}", t.screen());
    t.keys(&[ENTER]);
    t.expect("Nothing is chosen yet");
    t.keys(&["\x1b"]);
    let rest = t.finish();
    assert!(rest.contains("nothing was deleted"), "{rest}");
    assert_eq!(t.exit_code(), 130);
    assert_eq!(kinds(t.state.path()), ["assessment"]);

    let mut t = checking_in(&["forget", "--all"], 24, 80, t.state);
    t.expect("Delete everything runback has kept");
    t.expect(LIST);
    t.keys(&[DOWN, ENTER]); // Yes, delete it
    let rest = t.finish();
    assert!(rest.contains("deleted everything"), "{rest}");
    assert_eq!(t.exit_code(), 0);
    assert!(kinds(t.state.path()).is_empty());
}

#[test]
fn an_unfinished_assessment_newer_than_the_bout_is_offered_before_the_check_in_and_an_older_one_after()
 {
    // Stopped after its first screen: an unfinished assessment, saved now.
    let stop_after_one_screen = |state: tempfile::TempDir| {
        let mut t = Tty::spawn_in(&["assess"], 24, 80, state, &[]);
        t.start();
        t.expect(LIST);
        t.keys(&[UP, UP, SPACE, ENTER]); // None of these
        t.expect("Your answer: None of these");
        t.expect(LIST);
        t.keys(&[CTRL_C]);
        t.finish();
        t.state
    };
    // The bout began on 6 Dec 2025, before the unfinished run: it was on its way into
    // the bout, so it comes first; starting again offers the check-in.
    let state = stop_after_one_screen(with_a_bout());
    let mut t = checking_in(&[], 24, 80, state);
    t.expect("Continue?");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]); // Start again
    t.expect("Check in on the back pain you assessed on 6 Dec 2025?");
    t.keys(&[CTRL_C]);
    t.finish();

    // A bout kept after it: the check-in comes first, and the old run once the runner
    // chooses a new assessment.
    let state = stop_after_one_screen(tempfile::tempdir().unwrap());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(["assess", "--answers", "examples/answers.json", "--keep"])
        .env("RUNBACK_STATE_DIR", state.path())
        .env("SOURCE_DATE_EPOCH", (now + 86_400).to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let later = (now + 2 * 86_400).to_string();
    let mut t = Tty::spawn_in(&[], 24, 80, state, &[("SOURCE_DATE_EPOCH", &later)]);
    let before = t.expect("Check in on the back pain you assessed on");
    assert!(!before.contains("Continue?"), "{before}");
    t.expect(LIST);
    t.keys(&[DOWN, DOWN, ENTER]); // No, start a new assessment
    t.expect("Continue?");
    let words = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("with 1 question answered so far"), "{words}");
    t.keys(&[CTRL_C]);
    t.finish();
}

#[test]
fn a_same_day_sign_at_a_check_in_is_confirmed_and_said_again_below_the_report() {
    let mut t = checking_in(&["checkin"], 24, 80, with_a_bout());
    next_checkin_screen(&mut t, "how bad has the back pain been");
    t.keys(&["3", ENTER]);
    next_checkin_screen(&mut t, "How many runs have you done");
    t.keys(&["0", ENTER]);
    next_checkin_screen(&mut t, "How did the plan");
    t.keys(&[DOWN, ENTER]);
    next_checkin_screen(&mut t, "have you had any of these?");
    // The eighth sign: fever, or feeling generally unwell.
    let mut keys = vec![DOWN; 8];
    keys.extend([SPACE, ENTER]);
    t.keys(&keys);
    t.expect("!! URGENT: SEE A DOCTOR TODAY !!");
    t.expect("Is that right?");
    t.expect(LIST);
    t.keys(&[DOWN, ENTER]); // That's right
    t.expect("Should I run today? Don't run today.");
    // The report's top has scrolled away: what to do is said again below it.
    t.expect("In short: Urgent: see a doctor today.");
    t.expect("scroll up to read it");
    t.finish();
    assert_eq!(t.exit_code(), 0);
    let kept = entries(t.state.path());
    assert_eq!(kept[1].1["rf_fever_unwell"], "yes");
}
