//! The rule base: the questionnaire and all knowledge, loaded from JSON and validated once.

pub mod embedded;
pub mod escaped;
pub mod files;
pub mod load;
pub mod model;
pub mod text;
pub mod url;
pub mod words;

pub use load::{LoadError, Problem, load_dir};
pub use model::*;
pub use text::Text;

use std::path::Path;

/// The shipped rule base, or the one in `dir` when given.
pub fn from_dir_or_shipped(dir: Option<&Path>) -> Result<RuleBase, LoadError> {
    match dir {
        Some(dir) => load_dir(dir),
        None => embedded::shipped(),
    }
}
