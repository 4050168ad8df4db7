//! The report as one self-contained, printable HTML page: inline CSS, no scripts, no
//! external assets; it prints on A4 and Letter alike.

use std::fmt::Write;

use super::view::{AnswerView, ReportView};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::clean::clean_lines(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bar: #2f6f9f; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 1.6rem; }
h3 { font-size: 1rem; margin: 1rem 0 .2rem; }
.meta, .sources-line, .because { color: var(--muted); font-size: .92em; }
.disclaimer { border-left: 4px solid var(--line); padding: .3rem .8rem; color: var(--muted); }
.escalation { border: 3px solid; border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; break-inside: avoid; }
.escalation h2 { border: 0; margin: 0 0 .3rem; }
.escalation .action { font-weight: 700; font-size: 1.05em; }
.rank-0 { border-color: #b00020; background: #fde8ea; }
.rank-1 { border-color: #c2410c; background: #fff1e6; }
.rank-2 { border-color: #a16207; background: #fef9c3; }
.default { border-color: var(--line); background: #f6f8fa; }
.cause, .strategy { break-inside: avoid; margin-bottom: .8rem; }
.bar { display: inline-block; width: 8rem; height: .7rem; border: 1px solid var(--bar); vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; background: var(--bar); }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
.fired { color: #1a7f37; } .not-fired { color: var(--muted); }
@page { margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn answers(list: &[AnswerView]) -> String {
    list.iter()
        .map(|a| format!("{}: {}", escape(a.label), escape(&a.answer_text)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders the report as a complete HTML document.
pub fn render(view: &ReportView) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>runback: back pain self-assessment, {date}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Back pain self-assessment</h1>\n<p class=\"meta\">{date} · {by}</p>\n\
         <p class=\"disclaimer\">{disclaimer}</p>\n",
        date = escape(&view.date),
        by = escape(view.generated_by),
        disclaimer = escape(view.disclaimer),
    );
    // The escalation always comes first on paper: it is what a clinician reads first.
    escalation(&mut h, view);

    let _ = writeln!(h, "<h2>Likely causes</h2>");
    if view.causes.is_empty() {
        let _ = writeln!(
            h,
            "<p>Your answers do not point to any of the causes runback knows about.</p>"
        );
    }
    for (i, c) in view.causes.iter().enumerate() {
        let percent = (c.confidence * 100.0).round();
        let _ = writeln!(
            h,
            "<div class=\"cause\"><h3>{n}. {title}</h3>\n\
             <p><span class=\"bar\" role=\"img\" aria-label=\"{percent}%\"><span style=\"width: {percent}%\"></span></span>{strength} ({percent}%)</p>\n\
             <p>{summary}</p>\n<p class=\"because\">Because: {because}</p>",
            n = i + 1,
            title = escape(c.title),
            strength = escape(c.strength),
            summary = escape(c.summary),
            because = answers(&c.because),
        );
        if !c.against.is_empty() {
            let _ = writeln!(
                h,
                "<p class=\"because\">Against it: {}</p>",
                answers(&c.against)
            );
        }
        let _ = writeln!(
            h,
            "<p class=\"sources-line\">Sources: {}</p></div>",
            escape(&c.sources.join(", "))
        );
    }

    if !view.strategies.is_empty() {
        let _ = writeln!(h, "<h2>What to try</h2>");
        if let Some(note) = &view.escalation.self_care_note {
            let _ = writeln!(h, "<p><strong>{}</strong></p>", escape(note));
        }
        for s in &view.strategies {
            let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
            let _ = writeln!(
                h,
                "<div class=\"strategy\"><h3>{}</h3>\n<p>{}</p>\n<p class=\"sources-line\">Helps with: {}. Sources: {}</p></div>",
                escape(s.title),
                escape(s.how_to),
                helps.join("; "),
                escape(&s.sources.join(", "))
            );
        }
    }

    let _ = writeln!(h, "<h2>Your answers</h2>");
    if view.answers.is_empty() {
        let _ = writeln!(h, "<p>No questions were answered.</p>");
    } else {
        let _ = writeln!(
            h,
            "<table>\n<thead><tr><th>Question</th><th>Answer</th></tr></thead>\n<tbody>"
        );
        for a in &view.answers {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(a.label),
                escape(&a.answer_text)
            );
        }
        let _ = writeln!(h, "</tbody>\n</table>");
    }
    if !view.unanswered.is_empty() {
        let labels: Vec<String> = view.unanswered.iter().map(|q| escape(q.label)).collect();
        let _ = writeln!(
            h,
            "<p class=\"meta\">Not answered: {}.</p>",
            labels.join("; ")
        );
    }

    if let Some(trace) = &view.trace {
        let _ = writeln!(
            h,
            "<h2>Why each rule did or did not fire</h2>\n<table>\n<thead><tr><th>Rule</th><th>Fired</th><th>Why not</th></tr></thead>\n<tbody>"
        );
        for t in trace {
            let why: Vec<String> = t.failed.iter().map(|f| escape(&f.describe())).collect();
            let (class, fired) = if t.fired {
                ("fired", "yes")
            } else {
                ("not-fired", "no")
            };
            let _ = writeln!(
                h,
                "<tr class=\"{class}\"><td>{}<br><small>{}</small></td><td>{fired}</td><td>{}</td></tr>",
                escape(t.rule),
                escape(&t.then),
                why.join("<br>")
            );
        }
        let _ = writeln!(h, "</tbody>\n</table>");
    }

    let _ = writeln!(h, "<h2>Sources</h2>\n<ul>");
    for s in &view.sources {
        let title = escape(s.title);
        let title = match &s.url {
            Some(url) => format!("{title} <span class=\"meta\">({})</span>", escape(url)),
            None => title,
        };
        let _ = writeln!(h, "<li><strong>{}</strong>: {title}</li>", escape(s.id));
    }
    let _ = writeln!(
        h,
        "</ul>\n<p class=\"disclaimer\">{}</p>\n</body>\n</html>",
        escape(view.disclaimer)
    );
    h
}

fn escalation(h: &mut String, view: &ReportView) {
    let e = &view.escalation;
    let class = if e.is_default {
        "default".to_string()
    } else {
        format!("rank-{}", e.rank.min(2))
    };
    let heading = if e.is_default {
        "When to see a professional".to_string()
    } else {
        escape(e.title)
    };
    let _ = writeln!(
        h,
        "<section class=\"escalation {class}\">\n<h2>{heading}</h2>\n<p class=\"action\">{}</p>",
        if e.is_default {
            format!("{}: {}", escape(e.title), escape(e.action))
        } else {
            escape(e.action)
        }
    );
    if !e.reasons.is_empty() {
        let _ = writeln!(h, "<ul>");
        for r in &e.reasons {
            let because = if r.because.is_empty() {
                String::new()
            } else {
                format!(
                    "<br><span class=\"because\">You answered: {}</span>",
                    answers(&r.because)
                )
            };
            let _ = writeln!(
                h,
                "<li>{}{because} <span class=\"sources-line\">({})</span></li>",
                escape(r.text),
                escape(&r.sources.join(", "))
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</section>");
}
