//! The shipped rule base, compiled into the binary so runback needs no files beside it.

use super::load::{FILE_NAMES, LoadError, RuleFile, load};
use super::model::RuleBase;

/// The six shipped rule files as text, in [`FILE_NAMES`] order.
pub const TEXTS: [&str; 6] = [
    include_str!("../../rules/sources.json"),
    include_str!("../../rules/questionnaire.json"),
    include_str!("../../rules/causes.json"),
    include_str!("../../rules/strategies.json"),
    include_str!("../../rules/escalation.json"),
    include_str!("../../rules/rules.json"),
];

/// Loads and validates the rule base shipped inside the binary.
pub fn shipped() -> Result<RuleBase, LoadError> {
    let files = std::array::from_fn(|i| RuleFile {
        name: format!("rules/{} (embedded)", FILE_NAMES[i]),
        text: TEXTS[i].to_string(),
    });
    load("the embedded rule base".to_string(), files)
}
