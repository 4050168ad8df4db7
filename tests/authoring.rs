//! The tools for rule authors and packagers: the JSON Schemas in `schemas/`, shell
//! completions, the man page, `--version` and the exit codes in `--help`.

use std::process::{Command, Output};

use runback::answers::Answers;
use runback::export::schema::{self, SchemaKind};
use runback::rulebase::embedded;
use serde_json::{Value as Json, json};

fn runback(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        .output()
        .expect("runback runs")
}

fn stdout(args: &[&str]) -> String {
    let out = runback(args);
    assert!(
        out.status.success(),
        "runback {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

fn read_json(path: &str) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn validator(kind: SchemaKind) -> jsonschema::Validator {
    let schema = read_json(&format!("schemas/{}", kind.file_name()));
    jsonschema::validator_for(&schema).expect("the committed schema is a valid JSON Schema")
}

/// Every way `instance` breaks the schema, as "pointer: message" lines.
fn violations(v: &jsonschema::Validator, instance: &Json) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

const RULE_FILES: [(SchemaKind, &str); 6] = [
    (SchemaKind::Sources, "sources.json"),
    (SchemaKind::Questionnaire, "questionnaire.json"),
    (SchemaKind::Causes, "causes.json"),
    (SchemaKind::Strategies, "strategies.json"),
    (SchemaKind::Escalation, "escalation.json"),
    (SchemaKind::Rules, "rules.json"),
];

#[test]
fn the_committed_schemas_are_what_runback_schema_prints() {
    for kind in SchemaKind::ALL {
        let name = kind.file_name();
        let committed = std::fs::read_to_string(format!("schemas/{name}"))
            .unwrap_or_else(|e| panic!("schemas/{name}: {e}"));
        let arg = name.trim_end_matches(".schema.json");
        assert!(
            committed == stdout(&["schema", arg]),
            "schemas/{name} no longer matches the types; regenerate it with\n  cargo run -q -- schema {arg} > schemas/{name}"
        );
    }
}

#[test]
fn the_committed_schemas_are_generated_from_the_types_and_the_shipped_questionnaire() {
    let rb = embedded::shipped().unwrap();
    for kind in SchemaKind::ALL {
        let generated = match schema::rule_file(kind) {
            Some(s) => s,
            None => schema::answers(&rb.questionnaire),
        };
        let committed = read_json(&format!("schemas/{}", kind.file_name()));
        assert_eq!(committed, generated, "schemas/{}", kind.file_name());
    }
}

#[test]
fn every_shipped_rule_file_names_and_passes_its_schema() {
    for (kind, file) in RULE_FILES {
        let text = read_json(&format!("rules/{file}"));
        assert_eq!(
            text["$schema"],
            json!(format!("../schemas/{}", kind.file_name())),
            "rules/{file} points editors at its schema"
        );
        assert_eq!(
            violations(&validator(kind), &text),
            Vec::<String>::new(),
            "rules/{file}"
        );
    }
}

#[test]
fn the_rule_schemas_flag_what_an_editor_should_flag() {
    let mut rules = read_json("rules/rules.json");
    rules["rules"][0]["sorces"] = json!(["seed-000"]);
    rules["rules"][1]["then"]["evidence"] = json!({ "cause": "footwear", "strength": 2 });
    rules["rules"][2]["when"] = json!({ "equals": { "question": "x" } });
    let found = violations(&validator(SchemaKind::Rules), &rules);
    assert!(found.iter().any(|f| f.starts_with("/rules/0")), "{found:?}");
    assert!(
        found.iter().any(|f| f.starts_with("/rules/1/then")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("/rules/2/when")),
        "{found:?}"
    );

    let mut questionnaire = read_json("rules/questionnaire.json");
    let first = &mut questionnaire["sections"][0]["questions"][0];
    first["type"] = json!("number"); // a number question needs unit, min and max
    let found = violations(&validator(SchemaKind::Questionnaire), &questionnaire);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("/sections/0/questions/0")),
        "{found:?}"
    );
}

#[test]
fn the_answer_schema_agrees_with_the_answer_parser_on_the_fixtures() {
    let rb = embedded::shipped().unwrap();
    let v = validator(SchemaKind::Answers);
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "tests/fixtures/answers",
        "tests/fixtures/answers/release-0.1",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    let mut checked = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(json) = serde_json::from_str::<Json>(&text) else {
            continue; // malformed JSON is no business of a schema
        };
        let parsed = Answers::parse(&text, "fixture", &rb.questionnaire);
        let found = violations(&v, &json);
        assert_eq!(
            found.is_empty(),
            parsed.is_ok(),
            "{}: the schema says {found:?}, the parser says {:?}",
            path.display(),
            parsed.err().map(|e| e.to_string())
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} fixtures checked");
}

#[test]
fn both_templates_are_valid_answer_files() {
    let v = validator(SchemaKind::Answers);
    for args in [&["template"][..], &["template", "--bare"][..]] {
        let text = stdout(args);
        let json: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(violations(&v, &json), Vec::<String>::new(), "{args:?}");
    }
}

/// Every subcommand, as clap builds the command line: `help` included.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    let mut cli = runback::cli::Cli::command();
    cli.build();
    cli.get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Whether `word` stands on its own in `text`: not inside another word such as `manual`
/// or `--help` (letters, digits, `-` and `_` join words).
fn has_word(text: &str, word: &str) -> bool {
    let joins = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(joins)
            && !text[i + word.len()..].chars().next().is_some_and(joins)
    })
}

#[test]
fn completions_cover_every_subcommand_for_every_shell() {
    let subcommands = subcommands();
    for expected in ["assess", "check", "batch", "man", "help"] {
        assert!(subcommands.iter().any(|s| s == expected), "{subcommands:?}");
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&["completions", shell]);
        for sub in &subcommands {
            assert!(has_word(&script, sub), "{shell} lacks `{sub}`");
        }
    }
    // Whole words only: `man` inside `command`, or `help` inside `--help`, do not count.
    assert!(!has_word("command --help manual", "man"));
    assert!(!has_word("command --help manual", "help"));
    assert!(has_word("'man:Print the man page'", "man"));
}

#[test]
fn the_bash_completion_script_is_valid_bash() {
    use std::io::Write;
    let script = stdout(&["completions", "bash"]);
    let mut bash = Command::new("bash")
        .arg("-n") // parse only
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("bash runs");
    bash.stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let check = bash.wait_with_output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_man_page_is_roff_naming_every_subcommand() {
    let page = stdout(&["man"]);
    assert!(page.starts_with(".ie"), "roff, as man reads it");
    assert!(page.contains(".TH runback 1"), "{page}");
    for sub in subcommands() {
        assert!(
            page.contains(&format!("runback\\-{sub}(1)")),
            "the man page lacks `{sub}`"
        );
    }
    assert!(
        page.contains("Exit codes"),
        "the man page lists the exit codes"
    );
}

#[test]
fn version_prints_the_package_version() {
    assert_eq!(
        stdout(&["--version"]),
        format!("runback {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_every_exit_code_and_usage_errors_exit_2() {
    let help = stdout(&["--help"]);
    let codes = &help[help.find("Exit codes:").expect("an exit-code table")..];
    for code in ["0 ", "1 ", "2 ", "130 "] {
        assert!(
            codes.lines().any(|l| l.trim_start().starts_with(code)),
            "exit code {code}missing from:\n{codes}"
        );
    }
    assert!(
        codes.contains("check"),
        "the check exit codes are explained"
    );
    let usage = runback(&["check", "--no-such-flag"]);
    assert_eq!(usage.status.code(), Some(2));
}

/// runback with its state folder and its clock set, succeeding; its JSON output.
fn json_at(state: &std::path::Path, epoch: i64, args: &[&str]) -> Json {
    let out = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        .env("RUNBACK_STATE_DIR", state)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("runback runs");
    assert!(
        out.status.success(),
        "runback {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("runback {args:?}: {e}"))
}

#[test]
fn the_json_check_in_and_history_match_their_committed_schemas() {
    // 1 November 2026, and three weeks later: the Strava fixture's runs reach 22 November,
    // so with it a check-in has the log's runs, its longest run and a spike to show.
    const ASSESSED: i64 = 1_793_491_200;
    const CHECKED_IN: i64 = 1_795_392_000;
    let tmp = tempfile::tempdir().unwrap();
    let checkin_file = tmp.path().join("checkin.json");
    let rb = embedded::shipped().unwrap();
    let mut given = serde_json::Map::new();
    for q in rb.questionnaire.file_questions(true) {
        let question = &rb.questionnaire.questions[q];
        if let Some(first) = question.options.first() {
            given.insert(question.id.to_string(), json!(first.value));
        }
    }
    given.insert("pain_now".into(), json!(3));
    given.insert("runs_since".into(), json!(1));
    given.insert("run_pain_worst".into(), json!(4));
    std::fs::write(&checkin_file, Json::Object(given).to_string()).unwrap();
    let checkin_schema = validator(SchemaKind::Checkin);
    let history_schema = validator(SchemaKind::History);
    for training in [None, Some("tests/fixtures/training/strava-export.zip")] {
        let state = tempfile::tempdir().unwrap();
        json_at(
            state.path(),
            ASSESSED,
            &[
                "assess",
                "-a",
                "examples/answers.json",
                "--keep",
                "-f",
                "json",
            ],
        );
        let mut args = vec![
            "checkin",
            "-a",
            checkin_file.to_str().unwrap(),
            "-f",
            "json",
        ];
        if let Some(log) = training {
            args.extend(["--training", log]);
        }
        let checkin = json_at(state.path(), CHECKED_IN, &args);
        assert_eq!(
            violations(&checkin_schema, &checkin),
            Vec::<String>::new(),
            "with a log: {}",
            training.is_some()
        );
        assert_eq!(checkin["kind"], "checkin");
        // What the schema is checked against: with the log, its figures.
        assert_eq!(
            checkin["run_today"]["numbers"]["longest_30d_km"].is_number(),
            training.is_some()
        );
        let history = json_at(state.path(), CHECKED_IN, &["history", "-f", "json"]);
        assert_eq!(violations(&history_schema, &history), Vec::<String>::new());
        assert_eq!(history["bouts"][0]["entries"].as_array().unwrap().len(), 2);
        // The schemas are not empty shells: a document of the wrong shape is refused.
        assert!(!violations(&checkin_schema, &history).is_empty());
        assert!(!violations(&history_schema, &json!({ "bouts": "none" })).is_empty());
    }
}
