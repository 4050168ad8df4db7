//! Renderers: an assessment in, a document out. Each format is its own file; all of them
//! render the same [`ReportView`], so every format carries the same escalation.

pub mod date;
pub mod html;
pub mod markdown;
pub mod text;
pub mod view;

pub use text::TextOptions;
pub use view::{ReportView, ViewOptions};

use crate::engine::Assessment;

/// The report formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for reading in a terminal.
    #[default]
    Text,
    /// Markdown that renders cleanly on GitHub.
    Markdown,
    /// JSON for programs (schema: schemas/report.schema.json).
    Json,
    /// One self-contained, printable HTML page to bring to a physiotherapist.
    Html,
}

/// Renders an assessment in a format; text options matter only to text.
pub fn render(
    assessment: &Assessment,
    format: Format,
    view: &ViewOptions,
    text: TextOptions,
) -> String {
    let view = ReportView::new(assessment, view);
    match format {
        Format::Text => text::render(&view, text),
        Format::Markdown => markdown::render(&view),
        Format::Json => json(&view),
        Format::Html => html::render(&view),
    }
}

/// The JSON report, pretty-printed, with a final newline.
pub fn json(view: &ReportView) -> String {
    let mut out = serde_json::to_string_pretty(view).expect("a report view always serializes");
    out.push('\n');
    out
}

/// The JSON Schema of the JSON report, as committed in `schemas/report.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ReportView);
    let mut out = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    out.push('\n');
    out
}

/// A strength bar of ten cells for a confidence in [0, 1].
pub fn bar(confidence: f64, ascii: bool) -> String {
    let filled = (confidence.clamp(0.0, 1.0) * 10.0).round() as usize;
    if ascii {
        format!("[{}{}]", "#".repeat(filled), "-".repeat(10 - filled))
    } else {
        format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
    }
}
