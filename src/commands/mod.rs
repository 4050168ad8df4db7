//! One file per subcommand, as cargo keeps its own: `app` only decides which of these
//! runs, and turns what they return into an exit status.

pub mod assess;
pub mod authoring;
pub mod bout;
pub mod questionnaire;
pub mod questions;
pub mod training;
