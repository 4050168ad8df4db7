//! Any bytes as a FHIR QuestionnaireResponse: refused with an error, or read as answers
//! that assess, write back as a response and read again to the same answers; never a
//! panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runback::engine;
use runback::fhir::{self, response};
use runback::rulebase::{RuleBase, embedded};

static RULES: LazyLock<RuleBase> = LazyLock::new(|| embedded::shipped().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(answers) = fhir::parse_answers(text, "fuzz.fhir.json", &RULES.questionnaire) else {
        return;
    };
    let assessment = engine::assess(&RULES, &answers);
    assert!(assessment.escalation.level < RULES.levels.len());
    let written = response::to_text(&response::build(
        &RULES,
        &answers,
        response::Status::InProgress,
        response::date_time(1_794_700_800),
    ));
    let again = fhir::parse_answers(&written, "again.fhir.json", &RULES.questionnaire)
        .unwrap_or_else(|e| panic!("a response runback wrote is refused: {e}\n{written}"));
    assert_eq!(
        engine::assess(&RULES, &again).escalation.level,
        assessment.escalation.level
    );
});
