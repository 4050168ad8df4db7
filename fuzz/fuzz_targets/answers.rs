//! Any bytes as an answer file: refused or assessed and rendered, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runback::answers::{Answers, read_text};
use runback::engine;
use runback::report::{self, ReportView, ViewOptions};
use runback::rulebase::{RuleBase, embedded};

static RULES: LazyLock<RuleBase> = LazyLock::new(|| embedded::shipped().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = read_text(data, "fuzz") else {
        return;
    };
    if let Ok(answers) = Answers::parse(&text, "fuzz", &RULES.questionnaire) {
        let assessment = engine::assess(&RULES, &answers);
        assert!(assessment.escalation.level < RULES.levels.len());
        let view = ViewOptions {
            date: "2026-11-21".to_string(),
            explain: true, training: None, more: Default::default(),
        };
        report::json(&ReportView::new(&assessment, &view));
    }
});
