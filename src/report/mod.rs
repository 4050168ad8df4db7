//! Renderers: an assessment in, a document out. Each format is its own file; all of them
//! render the same [`ReportView`], so every format carries the same escalation.

pub mod bout;
pub mod date;
pub mod html;
pub mod markdown;
pub mod markup;
pub mod text;
pub mod training;
pub mod view;

pub use text::TextOptions;
pub use view::{More, ReportView, ViewOptions};

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
    render_with_bout(assessment, format, view, text, None)
}

/// [`render`], for answers kept in `bout`: the printed page then tells the bout's story
/// since its first assessment, when it has check-ins.
pub fn render_with_bout(
    assessment: &Assessment,
    format: Format,
    view: &ViewOptions,
    text: TextOptions,
    bout: Option<&crate::bout::Bout>,
) -> String {
    let mut view = ReportView::new(assessment, view);
    view.since = bout.and_then(|b| bout::SinceView::new(assessment.rules, b));
    match format {
        Format::Text => text::render(&view, text),
        Format::Markdown => markdown::render(&view),
        Format::Json => json(&view),
        Format::Html => html::render(&view),
    }
}

/// The JSON report, pretty-printed, with a final newline; characters a terminal must not
/// see are escaped (`\u001b`), as JSON allows.
pub fn json(view: &ReportView) -> String {
    let mut out = crate::clean::json_pretty(view);
    out.push('\n');
    out
}

/// The JSON Schema of the JSON report, as committed in `schemas/report.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let generated = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<ReportView>()
        .to_value();
    let serde_json::Value::Object(generated) = generated else {
        unreachable!("a struct's schema is an object")
    };
    // Title and description first, so an editor's hover reads well.
    let mut out = serde_json::Map::new();
    out.insert(
        "$schema".into(),
        generated.get("$schema").cloned().unwrap_or_default(),
    );
    out.insert("title".into(), "runback JSON report".into());
    out.insert(
        "description".into(),
        format!(
            "What `runback assess --format json` writes, schema_version {}; see README.md.",
            view::SCHEMA_VERSION
        )
        .into(),
    );
    for (k, v) in generated {
        if !matches!(k.as_str(), "$schema" | "title" | "description") {
            out.insert(k, v);
        }
    }
    serde_json::Value::Object(out)
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
