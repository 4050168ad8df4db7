//! Any bytes as a batch's JSONL input: every line becomes a report or an error record.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use runback::batch::{self, Format, Progress};
use runback::rulebase::{RuleBase, embedded};

static RULES: LazyLock<RuleBase> = LazyLock::new(|| embedded::shipped().unwrap());

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let summary = batch::run(&RULES, data, &mut out, Format::Jsonl, Progress::Hidden)
        .expect("reading and writing memory cannot fail");
    assert_eq!(summary.assessed + summary.failed, summary.total);
    assert_eq!(
        out.iter().filter(|&&b| b == b'\n').count() as u64,
        summary.total
    );
});
