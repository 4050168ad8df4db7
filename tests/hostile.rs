//! A hostile corpus thrown at every output: nothing from an answer file, a batch line, a
//! file name or a rule file reaches a terminal-bound stream raw. The corpus holds ESC,
//! CSI, OSC with BEL, the C1 CSI `\u{9b}`, NUL, DEL, BS, CR and U+202E (right-to-left
//! override), in answer keys and values, batch ids, file and folder names and rule-base
//! texts (titles, help, URLs). Every output is checked: standard error, the text,
//! Markdown, HTML and JSON reports, CSV and JSONL, the prompts, `check` and `questions`.

#![cfg(unix)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value as Json, json};

/// Each piece of the corpus, as it might arrive from outside.
const CORPUS: &str =
    "\x1b[31mRED \x1b]0;pwned\x07 \u{9b}31mC1 \0NUL \x7fDEL \x08BS \rCR \u{202e}RLO";

/// A text with the whole corpus in it, named so a failure says where it came from.
fn hostile(name: &str) -> String {
    format!("{name} {CORPUS} end")
}

/// A file or folder name with every corpus character a file name can hold (not NUL).
fn hostile_name(stem: &str) -> String {
    format!("{stem}\x1b]0;pwned\x07\u{9b}\x7f\x08\r\u{202e}\x1b[31m")
}

/// Whether a character must not reach a terminal raw: C0 (but the line break), DEL, C1,
/// and the bidirectional and invisible formatting characters. Written out here, apart
/// from the code under test.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Every raw character in `out` that a terminal must not see, with its position.
fn raw_characters(out: &[u8]) -> Vec<(usize, char)> {
    String::from_utf8_lossy(out)
        .char_indices()
        .filter(|&(_, c)| forbidden(c))
        .collect()
}

#[track_caller]
fn assert_clean(what: &str, out: &[u8]) {
    let raw = raw_characters(out);
    assert!(
        raw.is_empty(),
        "{what}: raw {:?} in:\n{}",
        raw.iter().take(5).collect::<Vec<_>>(),
        String::from_utf8_lossy(out).escape_debug()
    );
}

fn runback() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runback"));
    c.env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .stdin(Stdio::null());
    c
}

fn run(args: &[&OsStr], stdin: Option<&[u8]>) -> Output {
    let mut cmd = runback();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("runback runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // runback may stop before reading its input (a rule base that does not load):
        // then the pipe is closed, and what it printed is what the test checks.
        match pipe.write_all(bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    child.wait_with_output().unwrap()
}

/// Runs runback and checks both streams; returns the output for further checks.
#[track_caller]
fn checked(what: &str, args: &[&OsStr], stdin: Option<&[u8]>) -> Output {
    let out = run(args, stdin);
    assert_clean(&format!("{what}: stdout"), &out.stdout);
    assert_clean(&format!("{what}: stderr"), &out.stderr);
    out
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// The six rule files of a small rule base whose every text is `text(field)`.
fn rule_base(text: &dyn Fn(&str) -> String, url: &str) -> [(&'static str, Json); 6] {
    let questionnaire = json!({ "sections": [
        { "id": "warning", "title": text("section title"), "intro": text("section intro"), "questions": [
            { "id": "alarm", "label": text("alarm label"), "text": text("alarm text"), "help": text("alarm help"), "type": "yes_no" }
        ] },
        { "id": "pain", "title": text("pain section"), "questions": [
            { "id": "severity", "label": text("severity label"), "text": text("severity text"), "type": "scale",
              "min": 0, "max": 10, "min_label": text("min label"), "max_label": text("max label") },
            { "id": "timing", "label": text("timing label"), "text": text("timing text"), "type": "multi", "options": [
                { "value": "running", "label": text("running label") },
                { "value": "night", "label": text("night label") },
                { "value": "never", "label": text("never label"), "exclusive": true } ] },
            { "id": "runs", "label": text("runs label"), "text": text("runs text"), "type": "number",
              "unit": text("unit"), "min": 0, "max": 14, "integer": true },
            { "id": "shoes", "label": text("shoes label"), "text": text("shoes text"), "type": "single", "options": [
                { "value": "new", "label": text("new label") }, { "value": "old", "label": text("old label") } ] },
            { "id": "shoe_pain", "label": text("shoe pain label"), "text": text("shoe pain text"), "type": "yes_no",
              "ask_if": { "equals": { "question": "shoes", "value": "old" } } }
        ] }
    ] });
    let causes = json!({ "causes": [
        { "id": "worn_shoes", "title": text("worn title"), "summary": text("worn summary"), "strategies": ["new_shoes"], "sources": ["g"] },
        { "id": "too_much", "title": text("too much title"), "summary": text("too much summary"), "strategies": ["rest", "new_shoes"], "sources": ["g"] }
    ] });
    let strategies = json!({ "strategies": [
        { "id": "new_shoes", "title": text("new shoes title"), "how_to": text("new shoes how-to"), "sources": ["g"] },
        { "id": "rest", "title": text("rest title"), "how_to": text("rest how-to"), "sources": ["g"] }
    ] });
    let escalation = json!({ "disclaimer": text("disclaimer"), "levels": [
        { "id": "emergency", "title": text("emergency title"), "action": text("emergency action"),
          "self_care_note": text("self-care note"), "sources": ["g"] },
        { "id": "routine", "title": text("routine title"), "action": text("routine action"), "sources": ["g"] }
    ] });
    let sources = json!({
        "sources": [ { "id": "g", "title": text("source title"), "kind": "guideline", "name": text("source name"), "document": text("source kind"), "url": url } ],
        "left_out": [ { "claim": text("claim"), "source": "g", "why": text("why") } ]
    });
    let evidence = |id: &str, when: Json, cause: &str, strength: f64| json!({ "id": id, "when": when, "then": { "evidence": { "cause": cause, "strength": strength } }, "sources": ["g"] });
    let rules = json!({ "rules": [
        { "id": "alarm", "when": { "equals": { "question": "alarm", "value": "yes" } },
          "then": { "escalate": { "level": "emergency", "reason": text("alarm reason") } }, "sources": ["g"] },
        evidence("old_shoes", json!({ "equals": { "question": "shoes", "value": "old" } }), "worn_shoes", 0.5),
        evidence("old_shoes_hurt", json!({ "equals": { "question": "shoe_pain", "value": "yes" } }), "worn_shoes", 0.5),
        evidence("many_runs", json!({ "all": [ { "at_least": { "question": "runs", "value": 7 } },
            { "includes": { "question": "timing", "value": "running" } } ] }), "too_much", 0.6),
        evidence("severe", json!({ "at_least": { "question": "severity", "value": 8 } }), "too_much", 0.2)
    ] });
    [
        ("sources.json", sources),
        ("questionnaire.json", questionnaire),
        ("causes.json", causes),
        ("strategies.json", strategies),
        ("escalation.json", escalation),
        ("rules.json", rules),
    ]
}

/// A URL that loads (http, no spaces) but holds what would break a Markdown link.
const TRICKY_URL: &str = "https://example.org/a>b)](javascript:alert(1))<c";

fn write_rule_base(dir: &Path, files: &[(&str, Json)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, json) in files {
        std::fs::write(dir.join(name), json.to_string()).unwrap();
    }
}

/// The answers that raise every text of the hostile rule base into a report.
fn every_answer() -> Json {
    json!({ "alarm": "yes", "severity": 9, "timing": ["running", "night"], "runs": 8, "shoes": "old", "shoe_pain": "yes" })
}

struct Setup {
    _dir: tempfile::TempDir,
    /// A hostile rule base that loads, in a folder with a hostile name.
    rules: PathBuf,
    /// An answer file that raises every text, with a hostile name.
    answers: PathBuf,
    root: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let rules = root.join(hostile_name("rules"));
    write_rule_base(&rules, &rule_base(&|f| hostile(f), TRICKY_URL));
    let answers = root.join(hostile_name("answers") + ".json");
    std::fs::write(&answers, every_answer().to_string()).unwrap();
    Setup {
        _dir: dir,
        rules,
        answers,
        root,
    }
}

#[test]
fn every_report_format_shows_the_rule_base_texts_escaped() {
    let s = setup();
    for format in ["text", "markdown", "json", "html"] {
        for explain in [false, true] {
            let mut args = vec![
                os("--rules"),
                s.rules.as_os_str(),
                os("assess"),
                os("--answers"),
                s.answers.as_os_str(),
                os("--format"),
                os(format),
            ];
            if explain {
                args.push(os("--explain"));
            }
            let out = checked(&format!("{format} report"), &args, None);
            assert_eq!(out.status.code(), Some(0), "{format}");
            let report = String::from_utf8(out.stdout).unwrap();
            assert!(report.contains("worn title"), "{format}: {report}");
            if matches!(format, "markdown" | "html") {
                // Sources are cited and listed by their names, cleaned like the rest.
                assert!(
                    report.contains("source name") && report.contains("source kind"),
                    "{format}: {report}"
                );
            }
            let visible = match format {
                "json" => r"\u001b]0;pwned\u0007",
                // Markdown escapes the backslash and the bracket of the visible escape.
                "markdown" => r"\\u{1b}\]0;pwned\\u{7}",
                _ => r"\u{1b}]0;pwned\u{7}",
            };
            assert!(
                report.contains(visible),
                "{format} shows the escapes: {report}"
            );
            if format == "json" {
                let parsed: Json = serde_json::from_str(&report).unwrap();
                assert_eq!(
                    parsed["causes"][0]["title"],
                    hostile("worn title"),
                    "JSON keeps the text exactly, escaped the JSON way"
                );
            }
        }
    }
    // The same report written to a file is just as clean.
    let file = s.root.join(hostile_name("report") + ".html");
    let out = checked(
        "html file",
        &[
            os("--rules"),
            s.rules.as_os_str(),
            os("assess"),
            os("-a"),
            s.answers.as_os_str(),
            os("-f"),
            os("html"),
            os("-o"),
            file.as_os_str(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_clean("html file", &std::fs::read(&file).unwrap());
}

#[test]
fn answer_errors_name_keys_values_and_files_escaped() {
    let s = setup();
    let bad = s.root.join(hostile_name("bad") + ".json");
    let answers = json!({
        "alarm": "\u{1b}]0;pwned\u{7}",
        "shoes": "ol\u{9b}d",
        "timing": ["running", "ni\u{202e}ght"],
        "runs": "8\u{7f}",
        "severity": ["\u{202e}", "\u{8}"],
        "\u{1b}[31mkey\r": 1,
    });
    std::fs::write(&bad, answers.to_string()).unwrap();
    let out = checked(
        "invalid answers",
        &[
            os("--rules"),
            s.rules.as_os_str(),
            os("assess"),
            os("-a"),
            bad.as_os_str(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    for shown in [
        r"bad\u{1b}]0;pwned\u{7}\u{9b}\u{7f}\u{8}\u{d}\u{202e}\u{1b}[31m.json: 6 invalid answers",
        r#"`alarm`: no option "\u{1b}]0;pwned\u{7}""#,
        r#"`shoes`: no option "ol\u{9b}d""#,
        r#"`timing`: no option "ni\u{202e}ght""#,
        r#"`runs`: expected a whole number from 0 to 14 (unit \u{1b}[31mRED"#,
        r#"found "8\u{7f}""#,
        r#"found an array (["\u{202e}","\b"])"#,
        r"`\u{1b}[31mkey\u{d}`: not a question id",
    ] {
        assert!(stderr.contains(shown), "{shown} not in:\n{stderr}");
    }
    // The same from standard input, and a file that cannot be read.
    let out = checked(
        "invalid answers on stdin",
        &[os("--rules"), s.rules.as_os_str(), os("assess")],
        Some(answers.to_string().as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let missing = s.root.join(hostile_name("missing"));
    let out = checked(
        "missing file",
        &[os("assess"), os("-a"), missing.as_os_str()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(r"cannot read answers from"));
    // An existing output file is refused by name.
    let existing = s.root.join(hostile_name("exists"));
    std::fs::write(&existing, "keep").unwrap();
    let out = checked(
        "existing output",
        &[
            os("--rules"),
            s.rules.as_os_str(),
            os("assess"),
            os("-a"),
            s.answers.as_os_str(),
            os("-o"),
            existing.as_os_str(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(r"exists\u{1b}]0;pwned"));
}

#[test]
fn batch_ids_errors_and_file_names_are_escaped_in_every_format() {
    let s = setup();
    let mut good = every_answer();
    good["id"] = json!("ana\u{1b}]0;pwned\u{7}\u{202e}");
    let input = [
        good.to_string(),
        json!({ "id": "ben\u{9b}\r", "alarm": "\u{1b}[31m" }).to_string(),
        json!({ "id": 5, "\u{8}bs\u{7f}": 1 }).to_string(),
        "\u{1b}]0;not json\u{7}".to_string(),
    ]
    .join("\n");
    let input_file = s.root.join(hostile_name("club") + ".jsonl");
    std::fs::write(&input_file, &input).unwrap();
    for format in ["jsonl", "csv", "jsonl-summary"] {
        let out = checked(
            &format!("batch {format}"),
            &[
                os("--rules"),
                s.rules.as_os_str(),
                os("batch"),
                os("--format"),
                os(format),
            ],
            Some(input.as_bytes()),
        );
        assert_eq!(out.status.code(), Some(1), "three lines fail");
        let records = String::from_utf8(out.stdout).unwrap();
        if format != "csv" {
            let first: Json = serde_json::from_str(records.lines().next().unwrap()).unwrap();
            assert_eq!(
                first["id"], good["id"],
                "the id is kept, escaped the JSON way"
            );
        } else {
            assert!(
                records.contains(r"ana\u{1b}]0;pwned\u{7}\u{202e}"),
                "{records}"
            );
            assert!(records.contains(r"ben\u{9b}\u{d}"), "{records}");
            assert!(records.contains(r#"no option ""\u{1b}[31m"""#), "{records}");
        }
    }
    // Output into a file, and the file names in messages.
    let output = s.root.join(hostile_name("out") + ".csv");
    for _ in 0..2 {
        checked(
            "batch to a file",
            &[
                os("--rules"),
                s.rules.as_os_str(),
                os("batch"),
                os("-i"),
                input_file.as_os_str(),
                os("-f"),
                os("csv"),
                os("-o"),
                output.as_os_str(),
            ],
            None,
        );
    }
    assert_clean("the CSV file", &std::fs::read(&output).unwrap());
    let missing = s.root.join(hostile_name("missing") + ".jsonl");
    let out = checked(
        "missing batch input",
        &[os("batch"), os("-i"), missing.as_os_str()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_questions_template_and_schema_show_the_rule_base_escaped() {
    let s = setup();
    let with_rules = |args: &[&'static str]| -> Vec<&OsStr> {
        let mut all = vec![os("--rules"), s.rules.as_os_str()];
        all.extend(args.iter().map(|a| os(a)));
        all
    };
    for args in [
        &["check"][..],
        &["check", "--deny-warnings"],
        &["questions"],
        &["questions", "--format", "markdown"],
        &["questions", "--format", "json"],
        &["template"],
        &["schema", "answers"],
    ] {
        let out = checked(&format!("{args:?}"), &with_rules(args), None);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
    let out = checked("check", &with_rules(&["check"]), None);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(r"rules\u{1b}]0;pwned\u{7}"),
        "the folder is named, escaped"
    );

    // An inventory with hostile ids and a hostile name.
    let inventory = s.root.join(hostile_name("KNOWLEDGE") + ".md");
    std::fs::write(
        &inventory,
        "# Inventory\n\n## Likely causes\n| id | what |\n|---|---|\n| `x\u{1b}]0;pwned\u{7}` | y |\n| \u{202e}z\u{9b} | w |\n",
    )
    .unwrap();
    let mut args = with_rules(&["check", "--coverage", "--knowledge"]);
    args.push(inventory.as_os_str());
    let out = checked("coverage", &args, None);
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains(r"cause `x\u{1b}]0;pwned\u{7}`"),
        "{listing}"
    );
    let missing = s.root.join(hostile_name("nothing") + ".md");
    let mut args = with_rules(&["check", "--coverage", "--knowledge"]);
    args.push(missing.as_os_str());
    checked("missing inventory", &args, None);
}

#[test]
fn a_rule_base_that_does_not_load_is_reported_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // Shape errors: an unknown key, in a folder with a hostile name.
    let shape = dir.path().join(hostile_name("shape"));
    let mut files = rule_base(&|f| f.to_string(), "https://example.org");
    files[2].1["causes"][0]["\u{1b}[31mkey\u{7}"] = json!(1);
    write_rule_base(&shape, &files);
    // Reference errors: a bad rule id, an unknown question, a URL of another scheme.
    let references = dir.path().join(hostile_name("references"));
    let mut files = rule_base(&|f| f.to_string(), "javascript:alert(\u{1b}]0;pwned\u{7})");
    files[5].1["rules"][1]["id"] = json!("bad\u{1b}]0;pwned\u{7}\u{202e}");
    files[5].1["rules"][2]["when"] =
        json!({ "equals": { "question": "nq\u{9b}\u{8}", "value": "yes" } });
    write_rule_base(&references, &files);
    for rules in [&shape, &references] {
        let out = checked(
            "check",
            &[os("--rules"), rules.as_os_str(), os("check")],
            None,
        );
        assert_eq!(out.status.code(), Some(2));
        let out = checked(
            "assess",
            &[os("--rules"), rules.as_os_str(), os("assess")],
            Some(b"{}"),
        );
        assert_eq!(out.status.code(), Some(1));
    }
    let out = run(&[os("--rules"), references.as_os_str(), os("check")], None);
    let findings = String::from_utf8(out.stdout).unwrap();
    for shown in [
        r"rule `bad\u{1b}]0;pwned\u{7}\u{202e}`",
        r"unknown question `nq\u{9b}\u{8}`",
        r"sources.json:/sources/0/url: source `g`: url `javascript:alert(\u{1b}]0;pwned\u{7})` is not an http, https or mailto link",
    ] {
        assert!(findings.contains(shown), "{shown} not in:\n{findings}");
    }
    let missing = dir.path().join(hostile_name("no rules"));
    let out = checked(
        "missing rules",
        &[os("--rules"), missing.as_os_str(), os("questions")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The Markdown report's block structure: which blocks and inline marks it has, in order,
/// without their text.
fn markdown_shape(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Start(tag) => Some(format!("start {tag:?}").split('(').next()?.to_string()),
            Event::End(tag) => Some(format!("end {tag:?}")),
            Event::Rule => Some("rule".to_string()),
            Event::Html(_) | Event::InlineHtml(_) => Some("html".to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn rule_base_texts_cannot_change_the_markdown_layout() {
    let dir = tempfile::tempdir().unwrap();
    let render = |name: &str, text: &dyn Fn(&str) -> String| {
        let rules = dir.path().join(name);
        write_rule_base(&rules, &rule_base(text, TRICKY_URL));
        let out = run(
            &[
                os("--rules"),
                rules.as_os_str(),
                os("assess"),
                os("-f"),
                os("markdown"),
            ],
            Some(every_answer().to_string().as_bytes()),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = render("plain", &|_| "plain words".to_string());
    let layouts = [
        "---",
        "1. first",
        "2) second",
        "~~struck~~",
        "~~~",
        "```",
        "# heading",
        "> quote",
        "    indented code",
        "- item",
        "+ item",
        "* item",
        "***",
        "___",
        "===",
        "| a | b |",
        "<div>",
        "a\n\n---\nb",
        "[x]: https://example.org",
    ];
    let expected = markdown_shape(&plain);
    for layout in layouts {
        let report = render("hostile", &|_| layout.to_string());
        assert_eq!(
            markdown_shape(&report),
            expected,
            "a text of {layout:?} changed the layout:\n{report}"
        );
    }
    // The source's link survives whole, its destination percent-encoded.
    let links: Vec<String> = pulldown_cmark::Parser::new(&plain)
        .filter_map(|e| match e {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        ["https://example.org/a%3Eb)](javascript:alert(1))%3Cc"],
        "{plain}"
    );
}

mod prompts {
    use super::*;
    use rexpect::session::{PtySession, spawn_command};

    const ENTER: &str = "\r";
    const DOWN: &str = "\x1b[B";
    /// The end of every list, drawn once it is ready for keys: its line of keys, in full
    /// ("…, Esc stops)") or short ("(? help)"). [`Log::expect`] reads it as a pattern.
    const LIST: &str = "stops)";

    /// runback in a pseudo-terminal, keeping its answers in `state`.
    fn spawn(rules: &Path, state: &Path, args: &[&OsStr]) -> PtySession {
        let mut command = Command::new(env!("CARGO_BIN_EXE_runback"));
        command
            .arg("--rules")
            .arg(rules)
            .args(args)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("RUNBACK_STATE_DIR", state);
        spawn_command(command, Some(20_000)).expect("runback starts in a pseudo-terminal")
    }

    fn send(p: &mut PtySession, keys: &str) {
        p.send(keys).unwrap();
        p.flush().unwrap();
    }

    /// What a session printed, as bytes: rexpect hands back one `char` per byte.
    struct Log(Vec<u8>);

    impl Log {
        fn expect(&mut self, p: &mut PtySession, needle: &str) {
            let (before, found) = if needle == LIST {
                p.exp_regex(r"stops\)|\? help\)").unwrap()
            } else {
                (p.exp_string(needle).unwrap(), needle.to_string())
            };
            self.0.extend(before.chars().map(|c| c as u32 as u8));
            self.0.extend(found.chars().map(|c| c as u32 as u8));
        }

        fn rest(&mut self, p: &mut PtySession) {
            let rest = p.exp_eof().unwrap();
            self.0.extend(rest.chars().map(|c| c as u32 as u8));
        }

        /// The pieces of the corpus a terminal would act on. The prompts draw with CSI
        /// sequences of their own (cursor moves, clearing lines), and the terminal
        /// driver turns each line break into CR LF, so those two are left out here;
        /// the corpus's own CSI is caught by what it styles.
        fn assert_no_raw_corpus(&self, what: &str) {
            let text = String::from_utf8_lossy(&self.0);
            for raw in [
                "\x1b]", "\x07", "\u{9b}", "\0", "\x7f", "\x08", "\u{202e}", "\x1b[31m", "\rCR",
            ] {
                assert!(
                    !text.contains(raw),
                    "{what}: raw {raw:?} in:\n{}",
                    text.escape_debug()
                );
            }
        }
    }

    #[test]
    fn section_question_help_options_emergency_and_report_are_escaped() {
        let s = setup();
        let state = tempfile::tempdir().unwrap();
        let mut p = spawn(&s.rules, state.path(), &[os("--full")]);
        let mut log = Log(Vec::new());
        log.expect(&mut p, "Ready?");
        log.expect(&mut p, LIST);
        send(&mut p, ENTER);
        log.expect(&mut p, "section title");
        log.expect(&mut p, "alarm text");
        log.expect(&mut p, LIST);
        send(&mut p, "?"); // the help, on request
        log.expect(&mut p, "alarm help");
        log.expect(&mut p, LIST);
        send(&mut p, DOWN);
        send(&mut p, ENTER); // Yes
        log.expect(&mut p, "emergency action");
        log.expect(&mut p, "alarm reason");
        log.expect(&mut p, "Is that right?");
        log.expect(&mut p, LIST);
        send(&mut p, DOWN); // nothing is chosen at first: Down lands on "that's right"
        send(&mut p, ENTER); // the short emergency report
        log.rest(&mut p);
        log.assert_no_raw_corpus("questionnaire");
        let text = String::from_utf8_lossy(&log.0);
        assert!(
            text.contains(r"section title \u{1b}[31mRED \u{1b}]0;pwned\u{7}"),
            "{text}"
        );
        assert!(text.contains(r"\u{202e}RLO"), "{text}");
        assert!(text.contains("EMERGENCY TITLE"), "{text}");
    }

    #[test]
    fn the_review_screen_and_the_resume_hint_are_escaped() {
        let s = setup();
        let saved = s.root.join(hostile_name("saved") + ".json");
        let mut answers = every_answer();
        answers["alarm"] = json!("no");
        std::fs::write(&saved, answers.to_string()).unwrap();
        // Everything answered: resuming goes straight to the review.
        let state = tempfile::tempdir().unwrap();
        let mut p = spawn(
            &s.rules,
            state.path(),
            &[
                os("assess"),
                os("--full"),
                os("--resume"),
                saved.as_os_str(),
            ],
        );
        let mut log = Log(Vec::new());
        log.expect(&mut p, "Welcome back");
        log.expect(&mut p, LIST);
        send(&mut p, ENTER);
        log.expect(&mut p, "all for now");
        log.expect(&mut p, LIST);
        send(&mut p, DOWN); // check or change my answers
        send(&mut p, ENTER);
        log.expect(&mut p, "Review your answers");
        log.expect(&mut p, "shoe pain label");
        log.expect(&mut p, LIST);
        send(&mut p, "\x03"); // Ctrl-C
        log.expect(&mut p, "runback assess --resume ");
        log.rest(&mut p);
        log.assert_no_raw_corpus("review");
        let text = String::from_utf8_lossy(&log.0).into_owned();
        assert!(text.contains(r"old label \u{1b}[31mRED"), "{text}");
        // The hint's path, pasted into a shell, names the saved file.
        // The hint is the rest of its line. Whatever the terminal is told after it (the
        // cursor shown again, which may come a moment later from another thread when the
        // key arrived as a signal) is not part of the path.
        let hint = text.rsplit("runback assess --resume ").next().unwrap();
        let quoted = hint.lines().next().unwrap_or_default().trim();
        assert!(quoted.starts_with("$'"), "{quoted}");
        let shell = Command::new("bash")
            .arg("-c")
            .arg(format!("test -f {quoted} && cat {quoted}"))
            .output()
            .unwrap();
        assert!(shell.status.success(), "bash did not find {quoted}");
        let back: Json = serde_json::from_slice(&shell.stdout).unwrap();
        assert_eq!(back, answers);
    }
}
