//! The plain-text report for a terminal or a pipe.

use std::fmt::Write;

use console::Style;

use super::view::{AnswerView, ReportView};

/// How to lay out text.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Columns to wrap at.
    pub width: usize,
    /// Whether to use colour and bold.
    pub color: bool,
    /// Whether to draw strength bars with ASCII only.
    pub ascii: bool,
}

/// Shows control and invisible characters escaped, keeping line breaks, so text from a
/// file can never drive the terminal (see [`crate::clean`]).
pub fn clean(text: &str) -> String {
    crate::clean::clean_lines(text).into_owned()
}

struct Out {
    buf: String,
    opts: TextOptions,
}

impl Out {
    fn style(&self, style: Style, text: &str) -> String {
        style
            .force_styling(self.opts.color)
            .apply_to(text)
            .to_string()
    }

    fn heading(&mut self, text: &str) {
        let line = self.style(Style::new().bold().underlined(), text);
        let _ = writeln!(self.buf, "{line}");
    }

    /// Wraps `text` with a first-line prefix and a hanging indent.
    fn para(&mut self, first: &str, rest: &str, text: &str) {
        self.styled_para(first, rest, text, Style::new());
    }

    /// Like [`Out::para`], styling the text but not the indent.
    fn styled_para(&mut self, first: &str, rest: &str, text: &str, style: Style) {
        let width = self.opts.width.max(first.len() + 20);
        let text = clean(text);
        let options =
            textwrap::Options::new(width.saturating_sub(first.len().max(rest.len())).max(20));
        for (i, line) in textwrap::wrap(&text, options).iter().enumerate() {
            let indent = if i == 0 { first } else { rest };
            let line = self.style(style.clone(), line);
            let _ = writeln!(self.buf, "{indent}{line}");
        }
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }
}

fn answers(list: &[AnswerView]) -> String {
    list.iter()
        .map(|a| format!("{}: {}", a.label, a.answer_text))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders the report as text.
pub fn render(view: &ReportView, opts: TextOptions) -> String {
    let mut out = Out {
        buf: String::new(),
        opts,
    };
    out.heading("runback: back pain self-assessment");
    out.para("", "", view.disclaimer);
    out.blank();

    // A raised escalation goes first, before any self-care advice; the default goes last.
    if !view.escalation.is_default {
        escalation(&mut out, view);
    }

    out.heading("Likely causes");
    if view.causes.is_empty() {
        out.para(
            "  ",
            "  ",
            "Your answers do not point to any of the causes runback knows about. That does not mean nothing is wrong: see the advice on seeing a professional.",
        );
    }
    for (i, c) in view.causes.iter().enumerate() {
        let number = format!("  {}. ", i + 1);
        let indent = " ".repeat(number.len());
        out.styled_para(&number, &indent, c.title, Style::new().bold());
        let strength = format!(
            "{} {} ({:.0}%)",
            super::bar(c.confidence, opts.ascii),
            c.strength,
            c.confidence * 100.0
        );
        let _ = writeln!(out.buf, "{indent}{strength}");
        out.para(&indent, &indent, c.summary);
        out.para(&format!("{indent}Because: "), &indent, &answers(&c.because));
        if !c.against.is_empty() {
            out.para(
                &format!("{indent}Against it: "),
                &indent,
                &answers(&c.against),
            );
        }
        out.para(
            &format!("{indent}Sources: "),
            &indent,
            &c.sources.join(", "),
        );
    }
    out.blank();

    if !view.strategies.is_empty() {
        out.heading("What to try");
        if let Some(note) = &view.escalation.self_care_note {
            out.styled_para("  ", "  ", note, Style::new().bold());
        }
        for s in &view.strategies {
            out.styled_para("  - ", "    ", s.title, Style::new().bold());
            out.para("    ", "    ", s.how_to);
            let for_titles: Vec<&str> = view.cause_titles(&s.for_causes).collect();
            out.para("    Helps with: ", "    ", &for_titles.join("; "));
            out.para("    Sources: ", "    ", &s.sources.join(", "));
        }
        out.blank();
    }

    if !view.unanswered.is_empty() {
        out.heading(&format!("Not answered ({})", view.unanswered.len()));
        let labels: Vec<&str> = view.unanswered.iter().map(|q| q.label).collect();
        out.para("  ", "  ", &format!("{}.", labels.join("; ")));
        out.para(
            "  ",
            "  ",
            "Rules that needed these answers did not count; answering them may change the report.",
        );
        out.blank();
    }
    if !view.ignored.is_empty() {
        out.heading("Answers not used");
        let labels: Vec<&str> = view.ignored.iter().map(|q| q.label).collect();
        out.para(
            "  ",
            "  ",
            &format!(
                "{}: these questions did not apply given your other answers.",
                labels.join("; ")
            ),
        );
        out.blank();
    }

    if view.escalation.is_default {
        escalation(&mut out, view);
    }

    if let Some(trace) = &view.trace {
        explanation(&mut out, trace);
    }

    out.heading("Sources");
    let width = view.sources.iter().map(|s| s.id.len()).max().unwrap_or(0);
    for s in &view.sources {
        let first = format!("  {:width$}  ", s.id);
        let indent = " ".repeat(first.len());
        out.para(&first, &indent, s.title);
    }
    out.buf
}

fn escalation(out: &mut Out, view: &ReportView) {
    let e = &view.escalation;
    let style = style_for(e);
    if e.is_default {
        out.heading("When to see a professional");
        out.styled_para("  ", "  ", e.title, style.clone());
    } else {
        // A raised escalation is framed so it cannot be missed, colour or not.
        let rule = "=".repeat(out.opts.width.clamp(20, 80));
        let _ = writeln!(out.buf, "{}", out.style(style.clone(), &rule));
        let banner = format!("!! {} !!", clean(&e.title.to_uppercase()));
        out.styled_para("", "", &banner, style.clone().reverse());
    }
    out.styled_para("  ", "  ", e.action, style);
    for r in &e.reasons {
        out.para("  - ", "    ", r.text);
        if !r.because.is_empty() {
            out.para("    You answered: ", "    ", &answers(&r.because));
        }
        out.para("    Sources: ", "    ", &r.sources.join(", "));
    }
    if !e.is_default {
        let rule = "=".repeat(out.opts.width.clamp(20, 80));
        let _ = writeln!(out.buf, "{}", out.style(style_for(e), &rule));
    }
    out.blank();
}

fn style_for(e: &super::view::EscalationView) -> Style {
    match (e.is_default, e.rank) {
        (true, _) => Style::new().bold(),
        (false, 0 | 1) => Style::new().bold().red(),
        (false, _) => Style::new().bold().yellow(),
    }
}

fn explanation(out: &mut Out, trace: &[super::view::TraceView]) {
    out.heading("Why each rule did or did not fire");
    for t in trace {
        if t.fired {
            out.para("  + ", "    ", &format!("{}: fired ({})", t.rule, t.then));
            continue;
        }
        out.para(
            "  - ",
            "    ",
            &format!("{}: did not fire ({})", t.rule, t.then),
        );
        for f in &t.failed {
            out.para("      needs ", "        ", &f.describe());
        }
    }
    out.blank();
}
