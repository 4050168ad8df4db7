//! Every report format, for every kind of answer set: what a runner, a physiotherapist
//! or a program reading the report relies on.

use std::path::Path;
use std::process::Command;

use runback::answers::Answers;
use runback::engine;
use runback::report::{self, Format, TextOptions, ViewOptions};
use runback::rulebase::{RuleBase, embedded, load_dir};

const FORMATS: [Format; 4] = [Format::Text, Format::Markdown, Format::Json, Format::Html];
const ANSWER_SETS: [&str; 6] = ["empty", "full", "emergency", "urgent", "soon", "routine"];

fn shipped() -> RuleBase {
    embedded::shipped().unwrap()
}

fn answers(rb: &RuleBase, name: &str) -> Answers {
    let path = format!("tests/fixtures/answers/{name}.json");
    Answers::parse(
        &std::fs::read_to_string(&path).unwrap(),
        &path,
        &rb.questionnaire,
    )
    .unwrap()
}

fn options(explain: bool) -> ViewOptions {
    ViewOptions {
        date: "2026-11-21".into(),
        explain,
        training: None,
        more: Default::default(),
    }
}

const PLAIN: TextOptions = TextOptions {
    width: 80,
    color: false,
    ascii: false,
    detail: false,
};

fn render(rb: &RuleBase, name: &str, format: Format, explain: bool) -> String {
    report::render(
        &engine::assess(rb, &answers(rb, name)),
        format,
        &options(explain),
        PLAIN,
    )
}

#[test]
fn every_format_carries_the_escalation_level_and_its_action_for_every_answer_set() {
    let rb = shipped();
    for name in ANSWER_SETS {
        let a = engine::assess(&rb, &answers(&rb, name));
        let level = &rb.levels[a.escalation.level];
        for format in FORMATS {
            let out = report::render(&a, format, &options(false), PLAIN);
            let (title, action) = match format {
                Format::Html => (
                    report::html::escape(&level.title),
                    report::html::escape(&level.action),
                ),
                Format::Markdown => (
                    report::markdown::escape(&level.title),
                    report::markdown::escape(&level.action),
                ),
                Format::Json => (
                    level.id.to_string(),
                    serde_json::to_string(&level.action).unwrap(),
                ),
                Format::Text => (
                    level.title.to_uppercase(),
                    level
                        .action
                        .split_whitespace()
                        .take(6)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            };
            let title = if format == Format::Text && a.escalation.level == rb.default_level() {
                level.title.to_string()
            } else {
                title
            };
            assert!(
                out.contains(&title),
                "{name} as {format:?}: no escalation title {title:?}"
            );
            assert!(
                out.contains(&action),
                "{name} as {format:?}: no action {action:?}"
            );
        }
    }
}

#[test]
fn a_raised_escalation_comes_before_any_cause_or_strategy_in_every_format() {
    let rb = shipped();
    for name in ["emergency", "urgent", "soon"] {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = render(&rb, name, format, false);
            let action =
                &rb.levels[engine::assess(&rb, &answers(&rb, name)).escalation.level].action;
            let action_at = out
                .find(
                    &action
                        .split_whitespace()
                        .take(4)
                        .collect::<Vec<_>>()
                        .join(" "),
                )
                .unwrap();
            let causes_at = out.find("Possible contributors").unwrap();
            assert!(
                action_at < causes_at,
                "{name} as {format:?}: the escalation is not first"
            );
        }
    }
}

#[test]
fn the_json_report_matches_its_committed_schema() {
    // tests/authoring.rs checks the committed file is exactly what `runback schema report` prints.
    let committed = std::fs::read_to_string("schemas/report.schema.json")
        .expect("schemas/report.schema.json is committed");
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        schema,
        report::json_schema(),
        "regenerate with: cargo run -q -- schema report > schemas/report.schema.json"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let rb = shipped();
    for name in ANSWER_SETS {
        for explain in [false, true] {
            let report: serde_json::Value =
                serde_json::from_str(&render(&rb, name, Format::Json, explain)).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&report)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{name} (explain: {explain}): {errors:#?}"
            );
            assert_eq!(report["schema_version"], 1);
        }
    }
}

#[test]
fn explain_says_why_each_rule_did_or_did_not_fire() {
    let rb = shipped();
    let report: serde_json::Value =
        serde_json::from_str(&render(&rb, "full", Format::Json, true)).unwrap();
    let trace = report["trace"].as_array().unwrap();
    let assessed = rb.rules.iter().filter(|r| !r.checkin).count();
    assert_eq!(
        trace.len(),
        assessed,
        "one entry per rule an assessment weighs"
    );
    let rule = |id: &str| {
        trace
            .iter()
            .find(|t| t["rule"] == id)
            .unwrap_or_else(|| panic!("no trace for {id}"))
    };
    // full.json says the runner hunches and does not lean forward.
    assert_eq!(rule("hunched_posture")["fired"], true);
    assert_eq!(rule("hunched_posture")["failed"], serde_json::json!([]));
    let lean = rule("forward_lean");
    assert_eq!(lean["fired"], false);
    assert_eq!(lean["failed"][0]["question"], "form_lean");
    assert_eq!(lean["failed"][0]["reason"], "different_answer");
    assert_eq!(lean["failed"][0]["answer"], "No");

    let empty: serde_json::Value =
        serde_json::from_str(&render(&rb, "empty", Format::Json, true)).unwrap();
    let saddle = empty["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == "saddle_numbness")
        .unwrap();
    assert_eq!(saddle["failed"][0]["reason"], "unanswered");
    assert!(saddle["failed"][0].get("answer").is_none());

    let text = render(&rb, "full", Format::Text, true);
    assert!(text.contains("forward_lean: did not fire"));
    assert!(text.contains("form_lean is yes: the answer was \"No\""));
    // Without --explain there is no trace at all.
    let plain: serde_json::Value =
        serde_json::from_str(&render(&rb, "full", Format::Json, false)).unwrap();
    assert!(plain.get("trace").is_none());
}

fn hostile() -> RuleBase {
    load_dir(Path::new("tests/fixtures/rules/hostile")).unwrap()
}

fn hostile_report(format: Format, color: bool) -> String {
    let rb = hostile();
    let answers = Answers::parse(
        r#"{"alarm": "yes", "shoes": "old"}"#,
        "test",
        &rb.questionnaire,
    )
    .unwrap();
    let text = TextOptions {
        width: 80,
        color,
        ascii: false,
        detail: true,
    };
    report::render(&engine::assess(&rb, &answers), format, &options(true), text)
}

#[test]
fn text_from_rule_files_cannot_drive_the_terminal() {
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = hostile_report(format, false);
        assert!(
            !out.contains('\x1b'),
            "{format:?} lets an escape sequence through"
        );
        assert!(!out.contains('\x07'), "{format:?} lets a bell through");
    }
    // With colour on, the only escape sequences are runback's own styling.
    let coloured = hostile_report(Format::Text, true);
    assert!(
        !coloured.contains("\x1b[31mRED"),
        "the rule file's own colour code survived"
    );
    assert!(
        !coloured.contains("\x1b]0;"),
        "a title-setting sequence survived"
    );
}

#[test]
fn html_escapes_everything_and_loads_nothing() {
    let html = hostile_report(Format::Html, false);
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an image tag got through");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("Buy &lt;b&gt;new&lt;/b&gt; shoes"), "{html}");
    // Self-contained: no external assets or scripts, even from a normal rule base.
    let normal = render(&shipped(), "full", Format::Html, true);
    for needle in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!normal.contains(needle), "the page refers to {needle}");
    }
    assert!(normal.contains("@media print"), "a print stylesheet");
}

#[test]
fn markdown_escapes_what_would_change_its_layout() {
    let md = hostile_report(Format::Markdown, false);
    assert!(!md.contains("<script"));
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Every row of the causes table keeps its five columns, whatever the text holds: the
    // cause's title and the answer in the row hold `|`, and one a `\|` already.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 1 |")).collect();
    assert_eq!(rows.len(), 1, "{md}");
    for row in rows {
        assert!(row.contains("Worn shoes"), "{row}");
        assert!(row.contains("Old"), "the answer is in the row: {row}");
        // A `|` is a column edge unless an odd number of backslashes comes before it.
        let edges = row
            .char_indices()
            .filter(|&(i, c)| {
                c == '|' && row[..i].chars().rev().take_while(|&b| b == '\\').count() % 2 == 0
            })
            .count();
        assert_eq!(edges, 6, "{row}");
    }
}

#[test]
fn text_wraps_to_the_width_and_draws_ascii_bars_on_request() {
    let rb = shipped();
    let a = engine::assess(&rb, &answers(&rb, "full"));
    for width in [40, 60, 100] {
        let out = report::render(
            &a,
            Format::Text,
            &options(false),
            TextOptions {
                width,
                color: false,
                ascii: false,
                detail: true,
            },
        );
        // Only a word longer than the line (an address) goes past it, whole and alone, so
        // it still copies in one piece.
        for line in out.lines().filter(|l| l.chars().count() > width) {
            assert_eq!(
                line.split_whitespace().count(),
                1,
                "width {width}: a line of {} characters: {line:?}",
                line.chars().count()
            );
        }
        assert!(out.lines().any(|l| l.chars().count() > width * 3 / 4));
    }
    let ascii = report::render(
        &a,
        Format::Text,
        &options(false),
        TextOptions {
            width: 80,
            color: false,
            ascii: true,
            detail: true,
        },
    );
    assert!(ascii.contains("[########--] fits closely"), "{ascii}");
    assert!(
        !ascii.contains("80%"),
        "runner-facing formats show strength words, not percentages"
    );
    assert!(ascii.is_ascii() || !ascii.contains('█'), "ASCII bars only");
}

/// Reports pinned as reviewed snapshots: a layout change shows up as a diff.
#[test]
fn snapshots_of_each_format() {
    let rb = shipped();
    for name in ["full", "emergency", "empty"] {
        for (format, ext) in [
            (Format::Text, "txt"),
            (Format::Markdown, "md"),
            (Format::Json, "json"),
            (Format::Html, "html"),
        ] {
            let out = render(&rb, name, format, false);
            insta::assert_snapshot!(format!("{name}.{ext}"), out);
        }
    }
    insta::assert_snapshot!("full.explain.txt", render(&rb, "full", Format::Text, true));
}

fn runback() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_runback"));
    c.env("SOURCE_DATE_EPOCH", "1795219200")
        .env("NO_COLOR", "1");
    c
}

#[test]
fn output_writes_the_whole_report_and_never_clobbers_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.md");
    let file = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        runback()
            .args([
                "assess",
                "--answers",
                "tests/fixtures/answers/full.json",
                "--format",
                "markdown",
                "--output",
                file,
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success());
    assert!(
        first.stdout.is_empty(),
        "the report goes to the file, not stdout"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("# runback"));
    assert!(written.ends_with('\n'));

    std::fs::write(&path, "my notes").unwrap();
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(file) && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "my notes",
        "the existing file is untouched"
    );

    assert!(run(&["--force"]).status.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);

    // Bad answers: an error, and no file at all.
    let bad = dir.path().join("bad.html");
    let out = runback()
        .args([
            "assess",
            "--answers",
            "tests/fixtures/answers/unknown_option.json",
            "-f",
            "html",
            "-o",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!bad.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

/// Finds Debian's Chromium; CI installs it, a developer's machine may not have it.
fn chromium() -> Option<&'static str> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

/// Chromium for the printing tests; `None` skips a test, except where CI must have it.
fn browser_or_skip() -> Option<&'static str> {
    let browser = chromium();
    if browser.is_none() {
        assert!(
            std::env::var_os("CI").is_none()
                && std::env::var_os("RUNBACK_REQUIRE_BROWSER").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("skipped: no chromium on this machine");
    }
    browser
}

/// Prints an HTML report to PDF on `paper` (A4 or Letter) with headless Chromium; the text
/// of each page, from pdftotext.
fn print_pages(browser: &str, answers: &str, paper: &str) -> Vec<String> {
    print_pages_with(browser, &["--answers", answers], paper)
}

/// [`print_pages`] with any arguments of `runback assess`.
fn print_pages_with(browser: &str, args: &[&str], paper: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    let out = runback()
        .arg("assess")
        .args(args)
        .args(["-f", "html"])
        .env("SOURCE_DATE_EPOCH", "1795305600")
        .env("TZ", "Europe/London")
        .output()
        .unwrap();
    assert!(out.status.success());
    // The page leaves the paper size to the printer; choose it here as a user's print
    // dialog would.
    let page = String::from_utf8(out.stdout).unwrap().replacen(
        "</head>",
        &format!("<style>@page {{ size: {paper}; }}</style></head>"),
        1,
    );
    std::fs::write(&html, page).unwrap();
    let run = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "chromium made no PDF: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn the_printed_page_fits_two_sheets_of_a4_or_letter_with_the_clinician_summary_on_the_first() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    for paper in ["A4", "Letter"] {
        let pages = print_pages(browser, "examples/answers.json", paper);
        assert!(
            (1..=2).contains(&pages.len()),
            "{paper}: {} pages:\n{}",
            pages.len(),
            pages.join("\n=== page break ===\n")
        );
        let first = &pages[0];
        for needle in [
            "Self-care first",
            "Summary for the clinician",
            // The facts first, then the plain noes of every warning sign on one line.
            "Age",
            "Weekly distance",
            "No: numbness around the genitals or buttocks",
            "Start here",
            "Possible contributors",
        ] {
            assert!(
                first.contains(needle),
                "{paper}: page one lacks {needle:?}:\n{first}"
            );
        }
        let all = pages.join("\n");
        assert!(
            all.contains("https://www.nice.org.uk/guidance/ng59"),
            "sources print with their address"
        );
        // Sources print by name and kind, the web articles marked as such.
        assert!(
            all.contains("NICE NG59 (national guideline)"),
            "{paper}: {all}"
        );
        assert!(all.contains("Relax Zone (web article)"), "{paper}: {all}");
        assert!(!all.contains("seed-00"), "{paper}: {all}");
        assert!(all.contains("Physiotherapist's notes"));
        assert!(all.contains("This report is not a diagnosis"));
    }
}

#[test]
fn the_page_leaves_the_paper_size_to_the_printer() {
    let rb = shipped();
    for name in ANSWER_SETS {
        let html = render(&rb, name, Format::Html, false);
        for rule in html.split("@page").skip(1) {
            let block = &rule[..rule.find('}').unwrap_or(rule.len())];
            assert!(!block.contains("size"), "{name}: @page{block}}}");
        }
    }
}

#[test]
fn every_answer_set_prints_on_at_most_two_sheets_of_a4_and_of_letter_without_a_browser_header() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    for name in ANSWER_SETS {
        for paper in ["A4", "Letter"] {
            let pages = print_pages(
                browser,
                &format!("tests/fixtures/answers/{name}.json"),
                paper,
            );
            let all = pages.join("\n=== page break ===\n");
            assert!(
                (1..=2).contains(&pages.len()),
                "{name} on {paper}: {} pages:\n{all}",
                pages.len()
            );
            // The documented flag keeps the browser's date, path and page numbers off.
            assert!(!all.contains("file://"), "{name} on {paper}: {all}");
            assert!(all.contains("Physiotherapist's notes"), "{name} on {paper}");
        }
    }
    let docs = std::fs::read_to_string("docs/usage.md").unwrap();
    assert!(
        docs.contains("chromium --headless --no-pdf-header-footer --print-to-pdf="),
        "docs/usage.md says how to print without the browser's header and footer"
    );
}

#[test]
fn with_a_training_log_the_printed_page_still_fits_two_sheets_of_a4_or_letter_with_its_chart() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let args = [
        "--answers",
        "examples/answers.json",
        "--training",
        "tests/fixtures/training/strava-export.zip",
    ];
    for paper in ["A4", "Letter"] {
        let pages = print_pages_with(browser, &args, paper);
        let all = pages.join("\n");
        assert_eq!(pages.len(), 2, "{paper}: {all}");
        assert!(
            all.contains("Training log") && all.contains("Biggest jump:"),
            "{paper}: {all}"
        );
        assert!(all.contains("Physiotherapist's notes"), "{paper}: {all}");
    }
}

#[test]
fn an_emergency_page_opens_and_closes_with_the_emergency_action() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let pages = print_pages(browser, "tests/fixtures/answers/emergency.json", "A4");
    let first = &pages[0];
    let last = pages.last().unwrap();
    assert!(first.contains("Emergency: get help now"), "{first}");
    assert!(
        first.contains("Call your local emergency number now"),
        "{first}"
    );
    let tail = &last[last.len().saturating_sub(600)..];
    assert!(
        tail.contains("Call your local emergency number now"),
        "the page does not close with the action:\n{last}"
    );
}

#[test]
fn the_short_text_report_fits_about_one_screen_and_detail_has_the_rest() {
    let rb = shipped();
    let text = std::fs::read_to_string("examples/answers.json").unwrap();
    let a = engine::assess(
        &rb,
        &Answers::parse(&text, "example", &rb.questionnaire).unwrap(),
    );
    let short = report::render(&a, Format::Text, &options(false), PLAIN);
    let lines = short.lines().count();
    assert!(lines <= 60, "{lines} lines:\n{short}");
    let start = short.find("Start here").expect("a start-here list");
    assert!(
        short[start..]
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("Manage your training load")),
        "a mileage jump puts training load first:\n{short}"
    );
    assert!(
        short.contains("--detail"),
        "the short report says how to see the rest"
    );
    let detail = report::render(
        &a,
        Format::Text,
        &options(false),
        TextOptions {
            detail: true,
            ..PLAIN
        },
    );
    for needle in ["What to try", "Sources", "How To Treat Lower Back Pain"] {
        assert!(
            !short.contains(needle) && detail.contains(needle),
            "{needle}"
        );
    }
}

#[test]
fn a_report_built_on_very_few_answers_says_so_first() {
    let rb = shipped();
    let a = engine::assess(
        &rb,
        &Answers::parse(r#"{"form_hunch": "yes"}"#, "test", &rb.questionnaire).unwrap(),
    );
    let out = report::render(&a, Format::Text, &options(false), PLAIN);
    let note = out
        .find("Based on 1 of")
        .expect("a note on how little was answered");
    assert!(note < out.find("=====").unwrap(), "{out}");
}

#[test]
fn an_emergency_report_opens_with_the_action_and_gives_no_slower_time_frame_or_homework() {
    let rb = shipped();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let report = render(&rb, "emergency", format, false);
        let action = report
            .find("Call your local emergency number now")
            .expect("the action");
        // The notices about missing answers come after the action, and a runner sent to
        // an emergency department is not asked to answer more questions.
        let not_checked = report.find("Not checked").expect("the notice");
        assert!(action < not_checked, "{format:?}:\n{report}");
        assert!(!report.contains("answer more of the questions"), "{report}");
        // No lesser time frame beside "now", and nothing to try or film before being seen.
        for later in ["one to two weeks", "Start here", "Worth checking"] {
            assert!(
                !report.contains(later),
                "{format:?}: {later:?} in:\n{report}"
            );
        }
    }
    // Where the level is set by a rule on an answer, the notice does not claim the advice
    // is more cautious because of what was left out.
    let text = render(&rb, "emergency", Format::Text, false);
    assert!(!text.contains("more cautious"), "{text}");
    // Where unanswered warning signs raised it, it says so, before the escalation.
    let empty = render(&rb, "empty", Format::Text, false);
    let notice = empty.find("more cautious").expect("the notice says why");
    assert!(notice < empty.find("!! URGENT").unwrap(), "{empty}");
}

#[test]
fn an_urgent_report_puts_what_to_try_and_check_after_being_seen() {
    let rb = shipped();
    let html = render(&rb, "urgent", Format::Html, false);
    assert!(
        html.contains("<h2>Worth checking, once checked</h2>"),
        "{html}"
    );
    let md = render(&rb, "urgent", Format::Markdown, false);
    assert!(md.contains("## Worth checking, once checked"), "{md}");
    let text = render(&rb, "urgent", Format::Text, false);
    assert!(text.contains("Worth checking, once checked"), "{text}");
    // The summary's legend is there when an answer in it is marked, and only then.
    assert!(html.contains("raised the advice above"), "{html}");
    let calm = render(&rb, "routine", Format::Html, false);
    assert!(!calm.contains("raised the advice above"), "{calm}");
}

#[test]
fn a_contributor_is_not_explained_by_the_options_a_runner_did_not_tick() {
    // Long sitting counts without pain when sitting; the pain's other times are not why.
    let rb = shipped();
    let answers = Answers::parse(
        r#"{"sitting_hours": 9, "pain_timing": ["during_runs", "next_morning"]}"#,
        "me.json",
        &rb.questionnaire,
    )
    .unwrap();
    let a = engine::assess(&rb, &answers);
    let view = report::ReportView::new(&a, &options(false));
    let sitting = view
        .causes
        .iter()
        .find(|c| c.id == "sedentary_posture")
        .expect("long sitting is a contributor");
    let why: Vec<&str> = sitting.because.iter().map(|b| b.question).collect();
    assert_eq!(why, ["sitting_hours"]);
}

#[test]
fn pain_below_the_knee_starts_with_stopping_what_makes_the_leg_worse() {
    let rb = shipped();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let report = render(&rb, "soon", format, false);
        let flat = report.split_whitespace().collect::<Vec<_>>().join(" ");
        let note = flat
            .find("stop any run, exercise or stretch that makes the leg pain, tingling or numbness worse")
            .unwrap_or_else(|| panic!("{format:?}: {report}"));
        // It comes first among the things to do.
        let start = flat.find("Start here").expect("a Start here section");
        assert!(start < note, "{format:?}: {report}");
    }
}

#[test]
fn a_printed_heading_stays_on_the_page_of_what_it_heads() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    // On Letter the urgent page fills sheet one down to "What to try".
    let pages = print_pages(browser, "tests/fixtures/answers/urgent.json", "Letter");
    let page = pages
        .iter()
        .find(|p| p.contains("What to try"))
        .expect("a page with What to try");
    // The first how-to's opening words, as pdftotext lays them out on that page.
    let rb = shipped();
    let a = engine::assess(&rb, &answers(&rb, "urgent"));
    let view = report::ReportView::new(&a, &options(false));
    let opening: String = view.strategies[0]
        .how_to
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&opening),
        "{opening:?} is not on the page of its heading:\n{}",
        pages.join("\n=== page break ===\n")
    );
}

#[test]
fn the_recap_after_a_terminal_report_repeats_the_level_and_what_to_do_first() {
    let rb = shipped();
    let recap = |name: &str| {
        let a = engine::assess(&rb, &answers(&rb, name));
        let view = report::ReportView::new(&a, &options(false));
        report::text::render_recap(&view, PLAIN)
    };
    let soon = recap("soon");
    let flat = soon.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("In short"), "{soon}");
    assert!(flat.contains("within one to two weeks"), "{soon}");
    assert!(
        flat.contains("stop any run, exercise or stretch that makes the leg pain"),
        "{soon}"
    );
    assert!(flat.contains("Start here: "), "{soon}");
    // At urgent level it carries every stop-doing note of the level, the level's own too.
    let urgent = recap("urgent");
    let flat = urgent.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Don't run until you have been checked."),
        "{urgent}"
    );
    // At the default level the recap gives the time frame once, and points nowhere
    // "below": the report is above it.
    let routine = recap("routine");
    assert!(!routine.contains("below"), "{routine}");
    // An emergency report already ends with its action: nothing is added after it.
    assert_eq!(recap("emergency"), "");
}

#[test]
fn an_emergency_report_keeps_what_to_stop_until_seen_once_in_every_full_format() {
    let rb = shipped();
    let path = "tests/clinical/09-saddle-unsure-sciatica.json";
    let text = std::fs::read_to_string(path).unwrap();
    let answers = Answers::parse(&text, path, &rb.questionnaire).unwrap();
    let a = engine::assess(&rb, &answers);
    assert_eq!(rb.levels[a.escalation.level].id, "emergency");
    let note = "stop any run, exercise or stretch that makes the leg pain";
    for (format, detail) in [
        (Format::Markdown, false),
        (Format::Html, false),
        (Format::Text, true),
    ] {
        let out = report::render(&a, format, &options(false), TextOptions { detail, ..PLAIN });
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(flat.matches(note).count(), 1, "{format:?}: {out}");
    }
}

/// The clinician summary of a printed page: the part of the HTML between its heading and
/// the next section.
fn clinician_summary(html: &str) -> &str {
    let start = html
        .find("Summary for the clinician")
        .expect("a clinician summary");
    let end = html[start..].find("<h2>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn the_clinician_summary_gives_the_facts_first_and_the_plain_noes_on_one_line() {
    let rb = shipped();
    let a = engine::assess(&rb, &answers(&rb, "soon"));
    let view = report::ReportView::new(&a, &options(false));
    let html = report::html::render(&view);
    let summary = clinician_summary(&html);
    let rows = summary.matches("<span class=\"q\">").count();
    assert!(rows <= 14, "{rows} rows:\n{summary}");
    let noes_at = summary.find("<b>No:</b>").expect("a line of noes");
    let noes = &summary[noes_at..];
    assert!(
        noes.lines().next().unwrap().ends_with("</p>"),
        "the noes are one paragraph:\n{summary}"
    );
    for s in &view.summary {
        let label = report::html::escape(s.answer.label);
        let row = format!("<span class=\"q\">{label}</span>");
        let plain_no = s.answer.answer == "no"
            || s.answer.answer == "none"
            || s.answer.answer == serde_json::json!(["none"]);
        match s.answer.answer.as_str() {
            // The warning signs answered "no" (and "none" of the infection risks or of
            // leg weakness) are named once, on the line of noes, not a row each.
            _ if plain_no => {
                assert!(!summary.contains(&row), "{label} has a row:\n{summary}");
                let listed = report::html::escape(&report::view::in_a_list(s.answer.label));
                assert!(
                    noes.lines().next().unwrap().contains(&listed),
                    "{label} is not on the line of noes:\n{summary}"
                );
            }
            // The facts come first, a row each: age, history, the pain, the load, and
            // what raised the advice.
            _ if !s.answer.answer.is_null() => {
                let at = summary
                    .find(&row)
                    .unwrap_or_else(|| panic!("{label} has no row:\n{summary}"));
                assert!(at < noes_at, "{label} comes after the noes");
            }
            _ => {}
        }
    }
    for fact in [
        "Age",
        "Past back pain",
        "Pain spreading into a leg",
        "Tingling or numbness in the leg",
    ] {
        assert!(
            summary.contains(&format!("<span class=\"q\">{fact}</span>")),
            "{fact}:\n{summary}"
        );
    }
    assert!(noes.contains("infection risks"), "{summary}");
    // What raised the advice is marked among the facts.
    assert!(
        summary.contains(
            "<div class=\"raised\"><span class=\"q\">Tingling or numbness in the leg</span>"
        ),
        "{summary}"
    );
}

#[test]
fn questions_of_the_clinician_summary_not_answered_are_named_on_a_line_of_their_own() {
    let rb = shipped();
    let html = render(&rb, "urgent", Format::Html, false);
    let summary = clinician_summary(&html);
    let line = summary
        .lines()
        .find(|l| l.contains("<b>Not answered:</b>"))
        .unwrap_or_else(|| panic!("no line of questions not answered:\n{summary}"));
    assert!(line.contains("pain spreading into a leg"), "{line}");
    assert!(!summary.contains(">not answered<"), "{summary}");
}

#[test]
fn contributors_are_worded_by_how_well_they_fit_the_answers_with_a_legend_once() {
    let rb = shipped();
    let a = engine::assess(&rb, &answers(&rb, "full"));
    let view = report::ReportView::new(&a, &options(false));
    let top = &view.causes[0];
    assert_eq!(top.strength, "strong", "the JSON keeps its values");
    let detail = TextOptions {
        detail: true,
        ..PLAIN
    };
    for (format, text) in [
        (Format::Text, PLAIN),
        (Format::Text, detail),
        (Format::Markdown, PLAIN),
        (Format::Html, PLAIN),
    ] {
        let out = report::render(&a, format, &options(false), text);
        assert_eq!(
            out.matches(report::view::FIT_LEGEND).count(),
            1,
            "{format:?}: the legend once:\n{out}"
        );
        assert!(out.contains("fits closely"), "{format:?}:\n{out}");
        for old in [
            ": strong",
            "░ strong",
            ">strong<",
            "| strong",
            ": likely",
            "░ likely",
            ">likely<",
            ">Strength<",
            "| Strength |",
        ] {
            assert!(!out.contains(old), "{format:?} shows {old:?}:\n{out}");
        }
    }
    let json = report::render(&a, Format::Json, &options(false), PLAIN);
    assert!(json.contains("\"strength\": \"strong\""), "{json}");
    assert!(
        !json.contains("fits closely"),
        "JSON values stay as they were"
    );
}

#[test]
fn every_source_has_a_name_a_reader_knows_and_the_kind_of_document_it_is() {
    let rb = shipped();
    for s in &rb.sources {
        let name = s.name.as_deref().unwrap_or_default();
        let document = s.document.as_deref().unwrap_or_default();
        assert!(!name.trim().is_empty(), "{}: no name", s.id);
        assert!(!document.trim().is_empty(), "{}: no document", s.id);
        assert_ne!(name, s.id, "{}: the name is the internal id", s.id);
        // The five source documents are web articles, and say so on paper.
        if s.id.starts_with("seed-") {
            assert!(document.starts_with("web article"), "{}: {document}", s.id);
        }
    }
}

#[test]
fn sources_are_cited_by_name_with_guidelines_and_research_before_the_web_articles() {
    use runback::rulebase::files::SourceKind;
    let rb = shipped();
    let a = engine::assess(&rb, &answers(&rb, "full"));
    let view = report::ReportView::new(&a, &options(false));
    let rank = |id: &str| match rb.sources.iter().find(|s| s.id == id).unwrap().kind {
        SourceKind::Guideline => 0,
        SourceKind::Study => 1,
        SourceKind::Article => 2,
    };
    let ranks: Vec<u8> = view.sources.iter().map(|s| rank(s.id)).collect();
    assert!(ranks.is_sorted(), "{:?}", view.sources);
    assert!(ranks.contains(&0) && ranks.contains(&2), "{ranks:?}");
    let detail = TextOptions {
        detail: true,
        ..PLAIN
    };
    for (format, text) in [
        (Format::Html, PLAIN),
        (Format::Markdown, PLAIN),
        (Format::Text, detail),
    ] {
        let out = report::render(&a, format, &options(false), text);
        // Internal ids never reach a reader; the names do, in the order above.
        for s in &view.sources {
            assert!(!out.contains(s.id), "{format:?} shows {}:\n{out}", s.id);
        }
        let list = &out[out.rfind("Sources").unwrap()..];
        let mut at = 0;
        for s in &view.sources {
            let document = s.document.unwrap();
            let entry = match format {
                Format::Html => format!(
                    "<strong>{}</strong> <span class=\"kind\">({})</span>",
                    report::html::escape(s.name),
                    report::html::escape(document)
                ),
                Format::Markdown => format!("**{}** ({document})", s.name),
                _ => format!("{} ({document})", s.name),
            };
            let found = list[at..]
                .find(&entry)
                .unwrap_or_else(|| panic!("{format:?}: {entry:?} not in order:\n{list}"));
            at += found + entry.len();
        }
        assert!(list.contains("(web article)"), "{format:?}:\n{list}");
        let cited = if format == Format::Markdown {
            "*Sources:* Back Pain in Runners"
        } else {
            "Sources: Back Pain in Runners"
        };
        assert!(out.contains(cited), "{format:?} cites by name:\n{out}");
    }
    let json = report::render(&a, Format::Json, &options(false), PLAIN);
    assert!(json.contains("\"id\": \"seed-002\""), "JSON keeps the ids");
}

// ---------------------------------------------------------------------------------------
// A bout followed through the weeks: the check-in's report, the history, and the printed
// page of an assessment that joins a bout. The bouts are built here, with fixed times, as
// `runback checkin` builds and keeps them.

use runback::bout::{self, Bout, Kind};
use runback::report::ReportView;
use runback::report::bout::{CheckinView, HistoryView};

/// 21 Nov 2026, 08:00 UTC: every bout below begins with an assessment then.
const T0: i64 = 1_795_248_000;
const DAY: i64 = 86_400;

/// A check-in's answers: every warning sign it re-screens "no" (or "none"), then `given`
/// over them.
fn checkin_answers(rb: &RuleBase, given: serde_json::Value) -> Answers {
    let q = &rb.questionnaire;
    let mut map = serde_json::Map::new();
    for item in &q.checkin.as_ref().unwrap().signs.items {
        let question = &q.questions[item.question];
        let no = question
            .options
            .iter()
            .find(|o| o.value == "no" || o.value == "none")
            .unwrap();
        map.insert(question.id.to_string(), no.value.as_str().into());
    }
    for (k, v) in given.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    Answers::parse(&serde_json::Value::Object(map).to_string(), "check-in", q).unwrap()
}

/// A bout begun by the example answers at T0 (pain 5 out of 10, self-care first).
fn begun(rb: &RuleBase, id: &str, at: i64) -> Bout {
    let text = std::fs::read_to_string("examples/answers.json").unwrap();
    let answers = Answers::parse(&text, "example", &rb.questionnaire).unwrap();
    let a = engine::assess(rb, &answers);
    Bout {
        id: id.into(),
        entries: vec![bout::entry(rb, Kind::Assessment, at, &answers, &a, None)],
    }
}

/// Keeps a check-in on `day` in the bout, as `runback checkin` keeps it: its own answers
/// and the facts worked out.
fn keep_checkin(rb: &RuleBase, b: &mut Bout, day: i64, given: serde_json::Value) {
    let now = T0 + day * DAY;
    let given = checkin_answers(rb, given);
    let c = bout::check_in(rb, b, &given, now, None);
    let mut kept = Answers::none(&rb.questionnaire);
    for q in rb.questionnaire.file_questions(true) {
        kept.set(q, c.answers.get(q));
    }
    for (q, question) in rb.questionnaire.questions.iter().enumerate() {
        if question.from_bout.is_some() {
            kept.set(q, c.answers.get(q));
        }
    }
    let entry = bout::entry(rb, Kind::Checkin, now, &kept, &c.assessment, c.plan_step);
    b.entries.push(entry);
}

/// A check-in on `day` following `b`, in a format, as `runback checkin` renders it.
fn checkin_report(
    rb: &RuleBase,
    b: &Bout,
    day: i64,
    given: serde_json::Value,
    format: Format,
    text: TextOptions,
) -> String {
    let now = T0 + day * DAY;
    let given = checkin_answers(rb, given);
    let c = bout::check_in(rb, b, &given, now, None);
    let options = report::bout::view_options(now);
    let view = ReportView::new(&c.assessment, &options);
    let asked = rb.questionnaire.file_questions(true);
    let checkin = CheckinView::new(&c, &view, b, now, &asked);
    match format {
        Format::Text => report::text::render_checkin(&view, &checkin, text),
        Format::Markdown => report::markdown::render_checkin(&view, &checkin),
        Format::Json => runback::clean::json_pretty(&checkin) + "\n",
        Format::Html => report::html::render_checkin(&view, &checkin),
    }
}

/// A runner getting better: back to running after the assessment, the pain easing.
fn improving(rb: &RuleBase) -> Bout {
    let mut b = begun(rb, "2026-11-21T080000Z-00000000000000a1", T0);
    keep_checkin(
        rb,
        &mut b,
        3,
        serde_json::json!({"pain_now": 3, "runs_since": 1, "run_pain_worst": 4,
            "pain_next_morning": "same", "plan_followed": "yes"}),
    );
    keep_checkin(
        rb,
        &mut b,
        6,
        serde_json::json!({"pain_now": 3, "runs_since": 2, "run_pain_worst": 3,
            "pain_next_morning": "better", "plan_followed": "partly"}),
    );
    b
}

/// Today's check-in after [`improving`]: a good run, the pain at 2.
fn good_day() -> serde_json::Value {
    serde_json::json!({"pain_now": 2, "runs_since": 1, "run_pain_worst": 3,
        "pain_next_morning": "same", "plan_followed": "yes"})
}

/// A runner getting worse: the pain climbs, then spreads below the knee.
fn worsening(rb: &RuleBase) -> Bout {
    let mut b = begun(rb, "2026-11-21T080000Z-00000000000000b2", T0);
    keep_checkin(
        rb,
        &mut b,
        3,
        serde_json::json!({"pain_now": 5, "runs_since": 1, "run_pain_worst": 5,
            "pain_next_morning": "same", "plan_followed": "yes"}),
    );
    keep_checkin(
        rb,
        &mut b,
        7,
        serde_json::json!({"pain_now": 7, "runs_since": 2, "run_pain_worst": 7,
            "pain_next_morning": "worse", "plan_followed": "no"}),
    );
    keep_checkin(
        rb,
        &mut b,
        10,
        serde_json::json!({"pain_now": 6, "runs_since": 0, "plan_followed": "partly",
            "pain_below_knee_now": "yes"}),
    );
    b
}

/// An older bout, long over: an assessment and one check-in in the spring.
fn old_bout(rb: &RuleBase) -> Bout {
    let start = T0 - 200 * DAY;
    let mut b = begun(rb, "2026-05-05T080000Z-00000000000000c3", start);
    let now = start + 4 * DAY;
    let given = checkin_answers(rb, serde_json::json!({"pain_now": 2, "runs_since": 0}));
    let c = bout::check_in(rb, &b, &given, now, None);
    b.entries.push(bout::entry(
        rb,
        Kind::Checkin,
        now,
        &given,
        &c.assessment,
        c.plan_step,
    ));
    b
}

fn history(rb: &RuleBase, bouts: &[Bout], format: Format, text: TextOptions) -> String {
    let view = HistoryView::new(rb, bouts, T0 + 11 * DAY);
    match format {
        Format::Text => report::text::render_history(&view, text),
        Format::Markdown => report::markdown::render_history(&view),
        Format::Json => runback::clean::json_pretty(&view) + "\n",
        Format::Html => report::html::render_history(&view),
    }
}

const BOUT_FORMATS: [(Format, &str); 4] = [
    (Format::Text, "txt"),
    (Format::Markdown, "md"),
    (Format::Json, "json"),
    (Format::Html, "html"),
];

/// Check-ins and histories pinned as reviewed snapshots.
#[test]
fn snapshots_of_a_checkin_and_the_history_in_each_format() {
    let rb = shipped();
    let better = improving(&rb);
    let worse = worsening(&rb);
    for (format, ext) in BOUT_FORMATS {
        let out = checkin_report(&rb, &better, 9, good_day(), format, PLAIN);
        insta::assert_snapshot!(format!("checkin.{ext}"), out);
        let out = history(&rb, &[old_bout(&rb), worse.clone()], format, PLAIN);
        insta::assert_snapshot!(format!("history.{ext}"), out);
    }
    // Getting worse: the level rises, today slows down.
    let out = checkin_report(
        &rb,
        &worse,
        12,
        serde_json::json!({"pain_now": 7, "runs_since": 0, "plan_followed": "no",
            "pain_below_knee_now": "yes"}),
        Format::Text,
        PLAIN,
    );
    insta::assert_snapshot!("checkin-worse.txt", out);
    // A sign to be seen about today.
    let out = checkin_report(
        &rb,
        &better,
        9,
        serde_json::json!({"pain_now": 3, "runs_since": 0, "rf_saddle_numbness": "unsure"}),
        Format::Text,
        PLAIN,
    );
    insta::assert_snapshot!("checkin-urgent.txt", out);
    let out = checkin_report(
        &rb,
        &better,
        9,
        serde_json::json!({"pain_now": 3, "runs_since": 0, "rf_bladder_bowel": "yes"}),
        Format::Html,
        PLAIN,
    );
    insta::assert_snapshot!("checkin-emergency.html", out);
}

#[test]
fn a_checkin_at_the_default_level_says_what_to_do_in_its_own_words_not_self_care_it_does_not_list()
{
    let rb = shipped();
    let b = improving(&rb);
    let level = &rb.levels[rb.default_level()];
    assert!(
        level.action.contains("self-care below"),
        "the assessment's words this test is about: {}",
        level.action
    );
    let own = level
        .checkin_action
        .as_deref()
        .expect("the default level words a check-in's action");
    for (format, _) in BOUT_FORMATS {
        let out = checkin_report(&rb, &b, 9, good_day(), format, PLAIN);
        assert!(out.contains(level.title.as_str()), "{format:?}: {out}");
        // The JSON keeps the level's own action beside the check-in's.
        if format != Format::Json {
            assert!(!out.contains("self-care below"), "{format:?}: {out}");
            // The safety net is whole: when to see someone, and what means sooner.
            for words in ["about 3 weeks", "gets worse", "spreads down a leg"] {
                assert!(own.contains(words));
                let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(flat.contains(words), "{format:?}: {words:?} in {out}");
            }
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&checkin_report(&rb, &b, 9, good_day(), Format::Json, PLAIN)).unwrap();
    assert_eq!(json["escalation"]["action"], level.action.as_str());
    assert_eq!(json["action"], own);
}

#[test]
fn a_checkin_says_what_to_do_today_first_then_the_pain_then_the_signs_to_watch() {
    let rb = shipped();
    let b = improving(&rb);
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = checkin_report(&rb, &b, 9, good_day(), format, PLAIN);
        let at = |needle: &str| {
            out.find(needle)
                .unwrap_or_else(|| panic!("{format:?}: no {needle:?} in\n{out}"))
        };
        let order = [
            at("Self-care first"),
            at("Should I run today? Run as planned"),
            at("Step 5 of 5"),
            at("Pain at its worst, out of 10"),
            at("Get emergency help at once"),
        ];
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{format:?}: {order:?}\n{out}"
        );
        // The trend, in words a runner reads at once.
        assert!(
            out.contains("2 out of 10 today, 3 points lower than at the first assessment"),
            "{format:?}: {out}"
        );
    }
    // The text fits about one screen: what to do, today's run and the pain in 40 lines.
    let text = checkin_report(&rb, &b, 9, good_day(), Format::Text, PLAIN);
    let to_chart_end = text[..text.find("Get emergency help").unwrap()]
        .lines()
        .count();
    assert!(
        to_chart_end <= 24,
        "{to_chart_end} lines before the safety net:\n{text}"
    );
}

#[test]
fn a_runner_to_be_seen_first_is_told_the_action_and_not_to_run_and_given_no_step_or_chart() {
    let rb = shipped();
    let b = improving(&rb);
    for (sign, level) in [
        ("rf_saddle_numbness", "urgent"),
        ("rf_bladder_bowel", "emergency"),
    ] {
        let value = if level == "urgent" { "unsure" } else { "yes" };
        let given = serde_json::json!({"pain_now": 2, "runs_since": 2, "run_pain_worst": 2,
            "pain_next_morning": "better", sign: value});
        let action = &rb.levels.iter().find(|l| l.id == level).unwrap().action;
        for (format, _) in BOUT_FORMATS {
            let out = checkin_report(&rb, &b, 9, given.clone(), format, PLAIN);
            let action = match format {
                Format::Html => report::html::escape(action),
                Format::Markdown => report::markdown::escape(action),
                Format::Json => serde_json::to_string(action).unwrap(),
                Format::Text => action
                    .split_whitespace()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            assert!(out.contains(&action), "{level} {format:?}: {out}");
            if format == Format::Json {
                let json: serde_json::Value = serde_json::from_str(&out).unwrap();
                assert_eq!(json["run_today"]["decision"], "rest");
                assert!(json["run_today"]["plan"].is_null(), "{level}: {out}");
                assert!(json["run_today"]["numbers"]["plan_step"].is_null());
                continue;
            }
            let dont = match format {
                Format::Html => "Don&#39;t run today",
                _ => "Don't run today",
            };
            assert!(out.contains(dont), "{level} {format:?}: {out}");
            for never in [
                "Step ",
                "Your return to running",
                "Pain at its worst",
                "Gentle walking",
            ] {
                assert!(
                    !out.contains(never),
                    "{level} {format:?} shows {never:?}:\n{out}"
                );
            }
        }
        let text = checkin_report(&rb, &b, 9, given, Format::Text, PLAIN);
        if level == "emergency" {
            let tail = &text[text.len().saturating_sub(400)..];
            assert!(tail.contains("Call your local emergency number"), "{text}");
        } else {
            assert!(text.contains("Get emergency help at once"), "{text}");
        }
    }
}

#[test]
fn a_checkin_marks_todays_step_of_the_plan_in_words_and_names_a_change_of_level() {
    let rb = shipped();
    let better = improving(&rb);
    let html = checkin_report(&rb, &better, 9, good_day(), Format::Html, PLAIN);
    let current = html
        .lines()
        .find(|l| l.contains("aria-current=\"step\""))
        .expect("today's step is marked");
    assert!(current.contains(">today<"), "{current}");
    assert!(current.contains("Your usual runs again"), "{current}");
    let md = checkin_report(&rb, &better, 9, good_day(), Format::Markdown, PLAIN);
    assert!(md.contains("← today"), "{md}");
    // A day without a run marks the step of the next one.
    let rest = serde_json::json!({"pain_now": 7, "runs_since": 0});
    let html = checkin_report(&rb, &better, 9, rest.clone(), Format::Html, PLAIN);
    assert!(html.contains(">next run<"), "{html}");
    let text = checkin_report(&rb, &better, 9, rest, Format::Text, PLAIN);
    assert!(
        !text.contains("Step "),
        "no step on a day without a run:\n{text}"
    );
    // The level rose since the last check-in: said in so many words.
    let text = checkin_report(
        &rb,
        &better,
        9,
        serde_json::json!({"pain_now": 2, "runs_since": 0, "rf_fever_unwell": "unsure"}),
        Format::Text,
        PLAIN,
    );
    assert!(
        text.contains(
            "More urgent than at your check-in on 27 Nov 2026, when it was: Self-care first."
        ),
        "{text}"
    );
    // And is not said when it did not change.
    let text = checkin_report(&rb, &better, 9, good_day(), Format::Text, PLAIN);
    assert!(!text.contains("urgent than at your"), "{text}");
}

#[test]
fn the_pain_chart_is_a_self_contained_accessible_svg_with_its_values_in_words_too() {
    let rb = shipped();
    let b = improving(&rb);
    let pages = [
        checkin_report(&rb, &b, 9, good_day(), Format::Html, PLAIN),
        history(&rb, std::slice::from_ref(&b), Format::Html, PLAIN),
    ];
    for html in pages {
        let start = html.find("<svg class=\"pain-chart\"").expect("a chart");
        let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
        assert!(svg.contains("role=\"img\""), "{svg}");
        let label = svg.split("aria-label=\"").nth(1).unwrap();
        let label = &label[..label.find('"').unwrap()];
        for value in [
            "21 Nov 2026 5 (assessment)",
            "24 Nov 2026 3",
            "27 Nov 2026 3",
        ] {
            assert!(label.contains(value), "{label}");
        }
        assert!(svg.contains("<title>"), "{svg}");
        // Nothing runs and nothing is fetched.
        let lower = html.to_lowercase();
        for never in [
            "<script", "<img", "<link", "@import", "url(", "src=", "href=",
        ] {
            assert!(!lower.contains(never), "{never}");
        }
        assert!(
            !svg.replace("http://www.w3.org/2000/svg", "")
                .contains("http")
        );
    }
}

#[test]
fn the_history_makes_every_change_of_level_stand_out_in_every_format() {
    let rb = shipped();
    let bouts = [old_bout(&rb), worsening(&rb)];
    let text = history(&rb, &bouts, Format::Text, PLAIN);
    assert!(text.contains("routine → soon"), "{text}");
    let colour = history(
        &rb,
        &bouts,
        Format::Text,
        TextOptions {
            color: true,
            ..PLAIN
        },
    );
    let line = colour
        .lines()
        .find(|l| l.contains("routine → soon"))
        .unwrap();
    assert!(line.contains("\x1b[1m"), "the change is in bold: {line:?}");
    let ascii = history(
        &rb,
        &bouts,
        Format::Text,
        TextOptions {
            ascii: true,
            ..PLAIN
        },
    );
    assert!(ascii.contains("routine -> soon"), "{ascii}");
    let chart: Vec<&str> = ascii
        .lines()
        .skip_while(|l| !l.starts_with("Pain at its worst"))
        .skip(1)
        .take(6)
        .collect();
    assert!(chart.iter().all(|l| l.is_ascii()), "{chart:#?}");
    let md = history(&rb, &bouts, Format::Markdown, PLAIN);
    assert!(md.contains("| **routine → soon** |"), "{md}");
    let html = history(&rb, &bouts, Format::Html, PLAIN);
    assert!(
        html.contains("<span class=\"changed\">routine → soon</span>"),
        "{html}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&history(&rb, &bouts, Format::Json, PLAIN)).unwrap();
    let entries = json["bouts"][1]["entries"].as_array().unwrap();
    let changed: Vec<_> = entries
        .iter()
        .filter(|e| !e["changed_from"].is_null())
        .map(|e| {
            (
                e["changed_from"].as_str().unwrap(),
                e["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(changed, [("routine", "soon")]);
    // What programs already read stays.
    for e in entries {
        for field in ["date", "kind", "level", "pain_now", "notes", "signs"] {
            assert!(e.get(field).is_some(), "{field} in {e}");
        }
    }
    // What was tried and how it went, and the warning sign that appeared.
    assert!(
        text.contains("How the plan went: I didn't follow it."),
        "{text}"
    );
    assert!(
        text.contains("Warning signs: Pain spreading below the knee."),
        "{text}"
    );
    assert!(text.contains("Cross-train instead of running"), "{text}");
}

/// A committed schema (tests/authoring.rs checks each is what `runback schema` prints).
fn committed_schema(kind: &str) -> serde_json::Value {
    let path = format!("schemas/{kind}.schema.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn the_json_of_a_checkin_and_of_the_history_match_their_committed_schemas() {
    let rb = shipped();
    let better = improving(&rb);
    let checkin = jsonschema::validator_for(&committed_schema("checkin")).unwrap();
    for given in [
        good_day(),
        serde_json::json!({"pain_now": 3, "rf_bladder_bowel": "yes"}),
        serde_json::json!({}),
    ] {
        let out = checkin_report(&rb, &better, 9, given, Format::Json, PLAIN);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = checkin.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{out}");
        assert_eq!(json["kind"], "checkin");
        assert_eq!(json["schema_version"], 1);
    }
    let history_schema = jsonschema::validator_for(&committed_schema("history")).unwrap();
    for bouts in [vec![], vec![old_bout(&rb), worsening(&rb), better]] {
        let json: serde_json::Value =
            serde_json::from_str(&history(&rb, &bouts, Format::Json, PLAIN)).unwrap();
        let errors: Vec<String> = history_schema
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{json}");
    }
}

/// A bout as a hand-edited (or planted) file in the state folder might hold it: levels,
/// decisions, steps and an id that try to drive a terminal or inject markup.
fn hostile_bout(rb: &RuleBase) -> Bout {
    let mut b = improving(rb);
    b.id = "2026-11-21T080000Z-\x1b]0;owned\x07<b>".into();
    b.entries[1].level = "\x1b[2J\x1b[31m<script>alert(1)</script>".into();
    b.entries[1].decision = Some("\x1b]8;;http://evil.example\x07run\u{202e}".into());
    b.entries[1].plan_step = Some("</td><img src=x onerror=alert(1)>".into());
    b.entries[2].level = "| **md** | <i>x</i>\n# heading".into();
    // A score no question accepts counts as not answered, not as 1e300.
    b.entries[2]
        .answers
        .insert("pain_now".into(), serde_json::json!(1e300));
    b
}

fn assert_clean_text(out: &str, what: &str) {
    for c in out.chars() {
        assert!(
            c == '\n' || !(c.is_control() || c == '\u{202e}'),
            "{what}: {c:?} reaches the terminal:\n{out}"
        );
    }
}

fn assert_escaped_html(out: &str, what: &str) {
    for never in ["<script", "<img", "<i>", "<b>", "\x1b", "onerror=alert(1)>"] {
        assert!(!out.contains(never), "{what}: {never:?} in\n{out}");
    }
}

#[test]
fn text_from_a_hostile_bout_file_is_cleaned_for_a_terminal_and_escaped_in_pages() {
    let rb = shipped();
    let b = hostile_bout(&rb);
    let text = history(&rb, std::slice::from_ref(&b), Format::Text, PLAIN);
    assert_clean_text(&text, "history");
    assert!(
        text.contains("\\u{1b}") || text.contains("\\x1b") || text.contains("^["),
        "{text}"
    );
    assert!(
        !text.contains("1e300") && !text.contains("1000000"),
        "{text}"
    );
    let coloured = history(
        &rb,
        std::slice::from_ref(&b),
        Format::Text,
        TextOptions {
            color: true,
            ..PLAIN
        },
    );
    for never in ["\x1b]", "\x1b[2J", "\x1b[31m", "\u{202e}", "\x07"] {
        assert!(!coloured.contains(never), "{never:?} in\n{coloured}");
    }
    assert_escaped_html(
        &history(&rb, std::slice::from_ref(&b), Format::Html, PLAIN),
        "history page",
    );
    let md = history(&rb, std::slice::from_ref(&b), Format::Markdown, PLAIN);
    assert_escaped_html(&md, "history markdown");
    assert!(!md.contains("\n# heading"), "{md}");
    let json = history(&rb, std::slice::from_ref(&b), Format::Json, PLAIN);
    assert!(!json.contains('\x1b') && json.contains("\\u001b"), "{json}");
    // A check-in following it names the level kept before, cleaned and escaped too.
    let mut last = b.clone();
    last.entries.truncate(2);
    for (format, _) in BOUT_FORMATS {
        let out = checkin_report(&rb, &last, 9, good_day(), format, PLAIN);
        match format {
            Format::Text => assert_clean_text(&out, "check-in"),
            Format::Json => assert!(!out.contains('\x1b'), "{out}"),
            _ => assert_escaped_html(&out, &format!("check-in {format:?}")),
        }
    }
    let out = checkin_report(&rb, &last, 9, good_day(), Format::Html, PLAIN);
    assert!(
        out.contains("&lt;script&gt;"),
        "the kept level is shown, escaped:\n{out}"
    );
}

/// A state folder holding these bouts, as runback keeps them.
fn state_with(bouts: &[Bout]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("bouts");
    std::fs::create_dir(&folder).unwrap();
    for b in bouts {
        let file = serde_json::json!({"$runback": {"bout": 1}, "entries": b.entries});
        std::fs::write(
            folder.join(format!("{}.json", b.id)),
            serde_json::to_string_pretty(&file).unwrap(),
        )
        .unwrap();
    }
    dir
}

#[test]
fn runback_history_from_a_hostile_state_folder_shows_only_clean_text() {
    let rb = shipped();
    // Its file keeps a name runback gives; what it holds is hostile.
    let mut b = hostile_bout(&rb);
    b.id = "2026-11-21T080000Z-00000000000000e5".into();
    let state = state_with(&[b]);
    for (format, check) in [("text", 0), ("markdown", 1), ("html", 1)] {
        let out = runback()
            .args(["history", "--format", format])
            .env("RUNBACK_STATE_DIR", state.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("2026-11-21T080000Z"), "{stdout}");
        if check == 0 {
            assert_clean_text(&stdout, "runback history");
        } else {
            assert_escaped_html(&stdout, format);
        }
    }
}

/// A bout of `checkins` check-ins every other day after the example assessment, the pain
/// going up and down, a few warning signs "not sure" and the advice changing.
fn long_bout(rb: &RuleBase, checkins: i64) -> Bout {
    let mut b = begun(rb, "2026-11-21T080000Z-00000000000000d4", T0);
    for i in 1..=checkins {
        let pain = [4, 5, 3, 6, 4, 3, 5, 2][i as usize % 8];
        let morning = ["better", "same", "worse"][i as usize % 3];
        let followed = ["yes", "partly", "no"][i as usize % 3];
        let mut given = serde_json::json!({"pain_now": pain, "runs_since": i % 3,
            "run_pain_worst": pain, "pain_next_morning": morning,
            "plan_followed": followed});
        if given["runs_since"] == 0 {
            let map = given.as_object_mut().unwrap();
            map.remove("run_pain_worst");
            map.remove("pain_next_morning");
        }
        if i % 7 == 0 {
            given["rf_fever_unwell"] = "unsure".into();
        }
        if i % 5 == 0 {
            given["pain_below_knee_now"] = "yes".into();
        }
        keep_checkin(rb, &mut b, 2 * i, given);
    }
    b
}

#[test]
fn a_long_bout_keeps_the_text_within_the_terminal_width() {
    let rb = shipped();
    let b = long_bout(&rb, 40);
    for width in [80, 50] {
        let opts = TextOptions { width, ..PLAIN };
        let out = checkin_report(&rb, &b, 81, good_day(), Format::Text, opts);
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}\n{out}");
        }
        assert!(out.contains("(33 more entries"), "{out}");
        let out = history(&rb, std::slice::from_ref(&b), Format::Text, opts);
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}\n{out}");
        }
    }
    // A page and a Markdown check-in list the first and latest days too; the chart on
    // the page has them all, in its name.
    for format in [Format::Markdown, Format::Html] {
        let out = checkin_report(&rb, &b, 81, good_day(), format, PLAIN);
        assert!(
            out.contains("(33 more entries in runback history)"),
            "{out}"
        );
        assert!(!out.contains("| 23 Nov 2026 |") && !out.contains("<td>23 Nov 2026"));
    }
    let html = checkin_report(&rb, &b, 81, good_day(), Format::Html, PLAIN);
    assert!(
        html.contains("; 23 Nov 2026 5; "),
        "the chart's name lists every day"
    );
}

/// Prints a page of `runback assess` run with these arguments in this state folder, at
/// `now`; the page's HTML and the text of each printed sheet.
fn print_in_state(
    browser: &str,
    args: &[&str],
    state: &Path,
    now: i64,
    paper: &str,
) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    let out = runback()
        .arg("assess")
        .args(args)
        .args(["-f", "html"])
        .env("SOURCE_DATE_EPOCH", now.to_string())
        .env("RUNBACK_STATE_DIR", state)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = String::from_utf8(out.stdout).unwrap();
    std::fs::write(
        &html,
        page.replacen(
            "</head>",
            &format!("<style>@page {{ size: {paper}; }}</style></head>"),
            1,
        ),
    )
    .unwrap();
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(pdf.exists(), "chromium made no PDF");
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    (page, pages)
}

#[test]
fn the_page_of_an_assessment_kept_in_a_bout_tells_its_story_and_still_fits_two_sheets() {
    let rb = shipped();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    // A few check-ins, and the most a bout can hold: one every other day for 12 weeks.
    for checkins in [3, 40] {
        let b = long_bout(&rb, checkins);
        let now = T0 + (2 * checkins + 1) * DAY;
        for paper in ["A4", "Letter"] {
            let state = state_with(std::slice::from_ref(&b));
            let keep = ["--answers", "examples/answers.json", "--keep"];
            let (html, pages) = print_in_state(browser, &keep, state.path(), now, paper);
            let all = pages.join("\n=== page break ===\n");
            assert_eq!(pages.len(), 2, "{checkins} check-ins on {paper}:\n{all}");
            assert!(
                html.contains(&format!(
                    "Since the first assessment (21 Nov 2026, {checkins} check-ins"
                )),
                "{html}"
            );
            for words in [
                "Pain at its worst:",
                "Level:",
                "How the plan went:",
                "Warning signs:",
            ] {
                assert!(
                    all.contains(words),
                    "{checkins} on {paper}: no {words:?}\n{all}"
                );
            }
            assert!(all.contains("Physiotherapist's notes"), "{all}");
        }
    }
    // Answers not kept tell no bout's story: they may not be this bout's.
    let b = long_bout(&rb, 3);
    let state = state_with(&[b]);
    let out = runback()
        .args(["assess", "--answers", "examples/answers.json", "-f", "html"])
        .env("SOURCE_DATE_EPOCH", (T0 + 7 * DAY).to_string())
        .env("RUNBACK_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Since the first assessment"));
}
