//! The shipped rule base, compiled into the binary so runback needs no files beside it.
//!
//! `build.rs` loads and checks the six files when runback is built, with the same loader
//! `--rules DIR` uses, and stores the checked model in a compact binary form (postcard):
//! reading that back costs a tenth of parsing and checking the JSON, which was most of
//! the time a one-shot `runback assess` spent of its own. Should the files not load at
//! build time, the build says so and the binary loads them from their text at run time,
//! as before, so a broken rule base is reported as it always was.

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

/// Where the shipped rule base says it came from, in messages.
pub const ORIGIN: &str = "the embedded rule base";

/// The checked model of [`TEXTS`] in postcard's form, written by `build.rs`, each of its
/// texts a place in [`WORDS`]; empty when they did not load at build time.
static CHECKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rulebase.postcard"));

/// Every distinct text of the checked model, one after another, written by `build.rs`. The
/// texts read back borrow from it: no allocation, no copy, and no UTF-8 to check at start,
/// as the compiler checked it when runback was built.
static WORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/rulebase.strings"));

/// Loads and validates the rule base shipped inside the binary.
pub fn shipped() -> Result<RuleBase, LoadError> {
    if !CHECKED.is_empty()
        && let Ok(mut base) = super::text::from_embedded::<RuleBase>(CHECKED, WORDS)
    {
        base.questionnaire.index_by_id();
        return Ok(base);
    }
    from_texts()
}

/// Loads and validates [`TEXTS`] the way a rule base in a folder is loaded.
pub fn from_texts() -> Result<RuleBase, LoadError> {
    let files = std::array::from_fn(|i| RuleFile {
        name: format!("rules/{} (embedded)", FILE_NAMES[i]),
        text: TEXTS[i].to_string(),
    });
    load(ORIGIN.to_string(), files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model read back from the build's binary form is the one the loader makes of
    /// the shipped files now: every field, the engine's plan included.
    #[test]
    fn the_checked_form_is_the_rule_base_loaded_from_its_files() {
        assert!(
            !CHECKED.is_empty(),
            "build.rs could not load the shipped rules"
        );
        let read_back = shipped().unwrap();
        let loaded = from_texts().unwrap();
        assert_eq!(
            postcard::to_allocvec(&read_back).unwrap(),
            postcard::to_allocvec(&loaded).unwrap()
        );
        assert_eq!(format!("{read_back:?}").len(), format!("{loaded:?}").len());
        assert_eq!(read_back.questionnaire.by_id, loaded.questionnaire.by_id);
        for (i, question) in read_back.questionnaire.questions.iter().enumerate() {
            assert_eq!(read_back.questionnaire.find(&question.id), Some(i));
        }
    }

    /// The rule base in `rules/`, loaded as `--rules rules` loads it, is the embedded one
    /// but for the names it gives its origin and files.
    #[test]
    fn the_checked_form_is_the_rule_base_in_the_rules_folder() {
        let folder = crate::rulebase::load_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules"
        )))
        .unwrap();
        let mut embedded = shipped().unwrap();
        embedded.origin = folder.origin.clone();
        embedded.files = folder.files.clone();
        assert_eq!(
            postcard::to_allocvec(&embedded).unwrap(),
            postcard::to_allocvec(&folder).unwrap()
        );
    }
}
