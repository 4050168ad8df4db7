//! The report as Markdown that renders cleanly on GitHub: a heading per section and a
//! table of causes.

use std::fmt::Write;

use super::view::{AnswerView, ReportView};

/// Escapes text so Markdown shows it as written (and no HTML gets through), on one line
/// wherever it is put: at the start of a line it cannot open a list, a quote, a rule, a
/// heading, a fence or a code block.
pub fn escape(text: &str) -> String {
    let text = crate::clean::clean_lines(text);
    let text = text.trim_start();
    let guard = block_start(text);
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\n' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if Some(i) == guard => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Where a backslash must go so that a line starting with `text` stays a paragraph: at
/// a leading `-`, `+`, `=`, `*`, `_`, `#`, `>`, `~` or backtick (a list, a rule, a
/// heading underline, a heading, a quote, a fence), or at the `.` or `)` after up to
/// nine leading digits and before a space or the end (a numbered list, not `42.5 km`).
pub fn block_start(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if matches!(first, '-' | '+' | '=' | '*' | '_' | '#' | '>' | '~' | '`') {
        return Some(0);
    }
    let bytes = text.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let marker = matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t'));
    ((1..=9).contains(&digits) && marker).then_some(digits)
}

/// A source URL as a Markdown link destination: characters outside the URL syntax are
/// percent-encoded, so nothing in it can close the link or start other markup. The
/// loader has already refused any scheme but http, https and mailto.
fn link_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c) {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn answers(list: &[AnswerView]) -> String {
    list.iter()
        .map(|a| format!("{}: {}", escape(a.label), escape(&a.answer_text)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn ids(list: &[&str]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders the report as Markdown.
pub fn render(view: &ReportView) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# runback: back pain self-assessment\n");
    let _ = writeln!(md, "*{}*\n", escape(&view.date));
    let _ = writeln!(md, "> **{}**\n", escape(view.disclaimer));
    if !view.escalation.is_default {
        escalation(&mut md, view);
    }

    let _ = writeln!(md, "## Likely causes\n");
    if view.causes.is_empty() {
        let _ = writeln!(
            md,
            "Your answers do not point to any of the causes runback knows about.\n"
        );
    } else {
        let _ = writeln!(md, "| # | Cause | Strength | Because | Sources |");
        let _ = writeln!(md, "|---|---|---|---|---|");
        for (i, c) in view.causes.iter().enumerate() {
            let _ = writeln!(
                md,
                "| {} | **{}** | {} {} ({:.0}%) | {} | {} |",
                i + 1,
                escape(c.title),
                super::bar(c.confidence, false),
                c.strength,
                c.confidence * 100.0,
                answers(&c.because),
                ids(&c.sources)
            );
        }
        md.push('\n');
    }

    if !view.strategies.is_empty() {
        let _ = writeln!(md, "## What to try\n");
        if let Some(note) = &view.escalation.self_care_note {
            let _ = writeln!(md, "**{}**\n", escape(note));
        }
        for s in &view.strategies {
            let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
            let _ = writeln!(md, "### {}\n", escape(s.title));
            let _ = writeln!(md, "{}\n", escape(s.how_to));
            let _ = writeln!(
                md,
                "*Helps with:* {}. *Sources:* {}\n",
                helps.join("; "),
                ids(&s.sources)
            );
        }
    }

    if view.escalation.is_default {
        escalation(&mut md, view);
    }

    if !view.unanswered.is_empty() {
        let labels: Vec<String> = view.unanswered.iter().map(|q| escape(q.label)).collect();
        let _ = writeln!(md, "## Not answered\n\n{}.\n", labels.join("; "));
    }

    if !view.answers.is_empty() {
        let _ = writeln!(md, "## Your answers\n\n| Question | Answer |\n|---|---|");
        for a in &view.answers {
            let _ = writeln!(md, "| {} | {} |", escape(a.label), escape(&a.answer_text));
        }
        md.push('\n');
    }

    if let Some(trace) = &view.trace {
        let _ = writeln!(
            md,
            "## Why each rule did or did not fire\n\n| Rule | Fired | Concludes | Why not |\n|---|---|---|---|"
        );
        for t in trace {
            let why: Vec<String> = t.failed.iter().map(|f| escape(&f.describe())).collect();
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} |",
                t.rule,
                if t.fired { "yes" } else { "no" },
                escape(&t.then),
                why.join("; ")
            );
        }
        md.push('\n');
    }

    let _ = writeln!(md, "## Sources\n");
    for s in &view.sources {
        match s
            .url
            .filter(|url| crate::rulebase::url::problem(url).is_none())
        {
            Some(url) => {
                let _ = writeln!(
                    md,
                    "- `{}`: [{}](<{}>)",
                    s.id,
                    escape(s.title),
                    link_destination(url)
                );
            }
            None => {
                let _ = writeln!(md, "- `{}`: {}", s.id, escape(s.title));
            }
        }
    }
    md
}

fn escalation(md: &mut String, view: &ReportView) {
    let e = &view.escalation;
    if e.is_default {
        let _ = writeln!(md, "## When to see a professional\n");
        let _ = writeln!(md, "**{}.** {}\n", escape(e.title), escape(e.action));
    } else {
        let _ = writeln!(md, "## ⚠️ {}\n", escape(e.title));
        let _ = writeln!(md, "> [!CAUTION]\n> **{}**\n", escape(e.action));
    }
    for r in &e.reasons {
        let because = if r.because.is_empty() {
            String::new()
        } else {
            format!(" *You answered:* {}.", answers(&r.because))
        };
        let _ = writeln!(
            md,
            "- {}{because} *Sources:* {}",
            escape(r.text),
            ids(&r.sources)
        );
    }
    if !e.reasons.is_empty() {
        md.push('\n');
    }
}
