//! Made-up rule bases through `runback check` and every renderer: never a panic, never a
//! raw control character in any output, and no rule that `check` calls impossible fires.
//!
//! The bytes either replace one of the six files of a small rule base with every
//! question type (the first byte picks which), or, more often, drive a generator of
//! rules (conditions nested up to six deep, over every test) and of texts holding
//! control and bidirectional characters, so most inputs load and reach the lints, the
//! solver and the renderers. `tests/properties.rs` runs the same checks as a property.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value as Json, json};

use runback::answers::Answers;
use runback::batch::{self, Format, Progress};
use runback::engine::{self, Truth};
use runback::report::{self, TextOptions, ViewOptions};
use runback::rulebase::load::{FILE_NAMES, RuleFile, load};

const BASE: [&str; 6] = [
    include_str!("../../tests/fixtures/rules/every_type/sources.json"),
    include_str!("../../tests/fixtures/rules/every_type/questionnaire.json"),
    include_str!("../../tests/fixtures/rules/every_type/causes.json"),
    include_str!("../../tests/fixtures/rules/every_type/strategies.json"),
    include_str!("../../tests/fixtures/rules/every_type/escalation.json"),
    include_str!("../../tests/fixtures/rules/every_type/rules.json"),
];

const CHOICES: [(&str, &[&str]); 3] = [
    ("alarm", &["yes", "no", "unsure"]),
    ("shoes", &["new", "old"]),
    ("shoe_pain", &["yes", "no", "unsure"]),
];
const QUESTIONS: [&str; 6] = ["alarm", "severity", "timing", "runs", "shoes", "shoe_pain"];
const TIMING: [&str; 3] = ["running", "night", "never"];

/// Text with the characters a terminal must not see mixed in.
fn text(u: &mut Unstructured) -> Result<String> {
    const PIECES: [&str; 10] = [
        "pain", " ", "\u{1b}[31m", "\u{1b}]0;x\u{7}", "\u{9b}", "\0", "\u{7f}", "\u{202e}",
        "\n---\n", "1. ",
    ];
    let mut out = String::from("t");
    for _ in 0..u.int_in_range(0..=6)? {
        if u.ratio(1, 4)? {
            let n = u.int_in_range(0..=4)?;
            out.push_str(&String::from_utf8_lossy(u.bytes(n)?));
        } else {
            out.push_str(u.choose(&PIECES)?);
        }
    }
    Ok(out)
}

fn condition(u: &mut Unstructured, depth: u32) -> Result<Json> {
    let pick = if depth >= 6 { u.int_in_range(0..=5)? } else { u.int_in_range(0..=8)? };
    Ok(match pick {
        0 => {
            let (q, values) = *u.choose(&CHOICES)?;
            json!({ "equals": { "question": q, "value": *u.choose(values)? } })
        }
        1 => {
            let (q, values) = *u.choose(&CHOICES)?;
            let chosen: Vec<&str> = values.iter().copied().filter(|_| u.arbitrary().unwrap_or(false)).collect();
            let chosen = if chosen.is_empty() { vec![values[0]] } else { chosen };
            json!({ "one_of": { "question": q, "values": chosen } })
        }
        2 => json!({ "includes": { "question": "timing", "value": *u.choose(&TIMING)? } }),
        3 => {
            let op = *u.choose(&["at_least", "at_most", "less_than", "greater_than"])?;
            let q = *u.choose(&["runs", "severity"])?;
            let value = f64::from(u.int_in_range(-4..=32)?) / 2.0;
            json!({ op: { "question": q, "value": value } })
        }
        4 => json!({ "answered": *u.choose(&QUESTIONS)? }),
        5 => json!({ "unanswered": *u.choose(&QUESTIONS)? }),
        6 => json!({ "not": condition(u, depth + 1)? }),
        kind => {
            let n = u.int_in_range(1..=4)?;
            let list = (0..n).map(|_| condition(u, depth + 1)).collect::<Result<Vec<_>>>()?;
            json!({ if kind == 7 { "all" } else { "any" }: list })
        }
    })
}

fn rules(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(1..=8)?;
    let mut rules = Vec::new();
    for i in 0..n {
        let then = if u.ratio(1, 3)? {
            json!({ "escalate": { "level": *u.choose(&["emergency", "routine"])?, "reason": text(u)? } })
        } else {
            let strength = f64::from(u.int_in_range(1..=20)?) / 20.0;
            let strength = if u.arbitrary()? { -strength } else { strength };
            json!({ "evidence": { "cause": *u.choose(&["worn_shoes", "too_much"])?, "strength": strength } })
        };
        rules.push(json!({ "id": format!("r{i}"), "when": condition(u, 0)?, "then": then, "sources": ["guide-1"] }));
    }
    Ok(json!({ "rules": rules }).to_string())
}

/// The fixture's texts (titles, help, labels, reasons) replaced with made-up ones.
fn texts_in(u: &mut Unstructured, file: &str) -> Result<String> {
    fn walk(u: &mut Unstructured, json: &mut Json, key: &str) -> Result<()> {
        match json {
            Json::String(s)
                if matches!(key, "title" | "text" | "help" | "label" | "summary" | "how_to" | "action" | "reason" | "intro" | "disclaimer" | "unit" | "min_label" | "max_label")
                    && u.ratio(1, 2)? =>
            {
                *s = text(u)?;
            }
            Json::Array(items) => items.iter_mut().try_for_each(|v| walk(u, v, key))?,
            Json::Object(map) => map.iter_mut().try_for_each(|(k, v)| walk(u, v, k))?,
            _ => {}
        }
        Ok(())
    }
    let mut json: Json = serde_json::from_str(file).expect("the fixture is JSON");
    walk(u, &mut json, "")?;
    Ok(json.to_string())
}

fn answers(u: &mut Unstructured) -> Result<String> {
    let mut map = serde_json::Map::new();
    for (q, values) in CHOICES {
        if u.arbitrary()? {
            map.insert(q.into(), json!(*u.choose(values)?));
        }
    }
    if u.arbitrary()? {
        map.insert("severity".into(), json!(u.int_in_range(0..=10)?));
    }
    if u.arbitrary()? {
        map.insert("runs".into(), json!(u.int_in_range(0..=14)?));
    }
    if u.arbitrary()? {
        let chosen = if u.ratio(1, 4)? {
            vec!["never"]
        } else {
            TIMING[..2].iter().copied().filter(|_| u.arbitrary().unwrap_or(false)).collect()
        };
        map.insert("timing".into(), json!(chosen));
    }
    Ok(Json::Object(map).to_string())
}

fn raw(out: &str) -> bool {
    out.chars().any(|c| runback::clean::is_unsafe(c) && c != '\n')
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let mut texts = BASE.map(str::to_string);
    if u.ratio(1, 5)? {
        let file = u.int_in_range(0..=5)?;
        let n = u.len();
        texts[file] = String::from_utf8_lossy(u.bytes(n)?).into_owned();
    } else {
        for file in 0..5 {
            texts[file] = texts_in(&mut u, BASE[file])?;
        }
        texts[5] = rules(&mut u)?;
    }
    let mut texts = texts.into_iter();
    let files = std::array::from_fn(|i| RuleFile {
        name: FILE_NAMES[i].to_string(),
        text: texts.next().unwrap_or_default(),
    });
    let rb = match load("fuzz".to_string(), files) {
        Ok(rb) => rb,
        Err(e) => {
            assert!(!raw(&e.to_string()), "{e}");
            return Ok(());
        }
    };
    let check = runback::check::Report::new("fuzz".into(), Ok(&rb));
    let listing = check.render();
    assert!(!raw(&listing), "{listing}");
    let never: Vec<String> = check
        .findings
        .iter()
        .filter(|f| f.message.contains("can never fire"))
        .filter_map(|f| f.item.clone())
        .collect();
    let inventory = runback::check::coverage::Inventory::Found {
        path: "KNOWLEDGE.md".into(),
        text: text(&mut u)?,
    };
    assert!(!raw(&runback::check::coverage::coverage(&rb, "fuzz", &inventory).text));
    for out in [
        runback::export::questions_text(&rb),
        runback::export::questions_markdown(&rb),
        runback::export::questions_json(&rb),
        runback::export::template(&rb, true, false),
    ] {
        assert!(!raw(&out), "{out}");
    }
    let view = ViewOptions { date: "2026-11-21".into(), explain: true, training: None, more: Default::default() };
    let mut lines = String::new();
    for _ in 0..u.int_in_range(1..=4)? {
        let file = answers(&mut u)?;
        lines.push_str(&file);
        lines.push('\n');
        let Ok(given) = Answers::parse(&file, "fuzz", &rb.questionnaire) else {
            continue;
        };
        let a = engine::assess(&rb, &given);
        assert!(a.escalation.level < rb.levels.len());
        for rule in &rb.rules {
            let fired = engine::eval(&rule.when, &a.answers, &mut Vec::new()) == Truth::True;
            let item = format!("rule `{}`", rule.id);
            assert!(!(fired && never.contains(&item)), "{item} fired: {listing}");
        }
        let text = TextOptions {
            width: u.int_in_range(20..=120)?,
            color: u.arbitrary()?,
            ascii: u.arbitrary()?,
            detail: u.arbitrary()?,
        };
        for format in [report::Format::Text, report::Format::Markdown, report::Format::Json, report::Format::Html] {
            let out = report::render(&a, format, &view, text);
            // Colour is runback's own escape sequences; everything else must be clean.
            if !(format == report::Format::Text && text.color) {
                assert!(!raw(&out), "{format:?}: {out}");
            }
        }
    }
    for format in [Format::Jsonl, Format::Csv] {
        let mut out = Vec::new();
        let summary = batch::run(&rb, lines.as_bytes(), &mut out, format, Progress::Hidden)
            .expect("reading and writing memory cannot fail");
        assert_eq!(summary.assessed + summary.failed, summary.total);
        assert!(!raw(&String::from_utf8_lossy(&out)));
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
