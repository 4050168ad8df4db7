//! Renderers: an assessment in, a document out. Each format is its own file.

pub mod text;
pub mod view;

pub use text::TextOptions;
pub use view::ReportView;

use crate::engine::Assessment;

/// The report formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for reading in a terminal.
    #[default]
    Text,
    /// JSON for programs (see the README for the schema).
    Json,
}

/// Renders an assessment in a format; text options matter only to text.
pub fn render(assessment: &Assessment, format: Format, text: TextOptions) -> String {
    let view = ReportView::new(assessment);
    match format {
        Format::Text => text::render(&view, text),
        Format::Json => json(&view),
    }
}

/// The JSON report, pretty-printed, with a final newline.
pub fn json(view: &ReportView) -> String {
    let mut out = serde_json::to_string_pretty(view).expect("a report view always serializes");
    out.push('\n');
    out
}
