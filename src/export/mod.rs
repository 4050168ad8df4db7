//! The rule base written out: the questionnaire as text, Markdown or JSON, an answer
//! template, and JSON Schemas for answer and rule files.

mod questions;
pub mod schema;
mod template;

pub use questions::{questions_json, questions_markdown, questions_text};
pub use template::template;
