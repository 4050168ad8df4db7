//! The report as one self-contained, printable HTML page for a physiotherapist: inline
//! CSS, no scripts, no external assets. Page one holds what a clinician reads first (the
//! escalation, the summary of answers with every warning sign, where to start and the
//! possible contributors); the how-tos, the other answers and the sources follow. It
//! prints on two A4 or Letter pages for a typical answer set.

use std::fmt::Write;

use super::bout::{CheckinView, HistoryView, PainPoint, SinceView};
use super::date;
use super::training::TrainingView;
use super::view::{AnswerView, ReasonView, ReportView};
use crate::bout::Kind;

pub use super::markup::escape;

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bar: #2f6f9f; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); max-width: 48rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.02rem; border-bottom: 1px solid var(--line); padding-bottom: .1rem; margin: 1rem 0 .35rem; }
p { margin: .25rem 0; }
ul, ol { margin: .2rem 0; padding-left: 1.3rem; }
li { margin: .12rem 0; }
.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; }
.meta, .src, .because { color: var(--muted); font-size: .9em; }
.who { border: 1px solid var(--line); border-radius: 4px; padding: .3rem .6rem; min-width: 15rem; font-size: .9em; line-height: 2; }
.note { border-left: 4px solid #a16207; background: #fef9c3; padding: .3rem .7rem; margin: .6rem 0; break-inside: avoid; }
.escalation { border: 3px solid; border-radius: 6px; padding: .45rem .9rem; margin: .7rem 0; break-inside: avoid; }
.escalation h2 { border: 0; margin: 0 0 .2rem; font-size: 1.12rem; }
.escalation .action { font-weight: 700; }
.rank-0 { border-color: #b00020; background: #fde8ea; }
.rank-1 { border-color: #c2410c; background: #fff1e6; }
.rank-2 { border-color: #a16207; background: #fef9c3; }
.default { border-color: #2f6f9f; background: #eef5fb; }
.net { border: 2px solid #b00020; border-radius: 6px; padding: .35rem .8rem; margin: .7rem 0; break-inside: avoid; }
.net h2 { border: 0; margin: 0 0 .15rem; font-size: 1rem; color: #b00020; }
.net ul { columns: 2; column-gap: 1.6rem; }
table { border-collapse: collapse; width: 100%; font-size: .88em; }
th, td { border-bottom: 1px solid var(--line); padding: .12rem .35rem; text-align: left; vertical-align: top; }
.summary { columns: 2; column-gap: 1.2rem; font-size: .88em; }
.summary div { break-inside: avoid; border-bottom: 1px solid var(--line); padding: .08rem .1rem; display: flex; justify-content: space-between; gap: .6rem; }
.summary .q { color: var(--muted); }
.summary .a { text-align: right; }
.summary .raised .a { font-weight: 700; }
.summary .raised .a::before { content: "\25CF\00A0"; color: #b00020; }
.noes { font-size: .88em; margin: .25rem 0 0; }
.noes.empty { color: #a16207; }
.answers { columns: 2; column-gap: 1.2rem; font-size: .85em; }
.answers div { break-inside: avoid; }
.strategy { break-inside: avoid; margin-bottom: .35rem; }
.causes td:first-child { width: 32%; } .causes td:nth-child(2) { width: 12%; }
.more { columns: 2; column-gap: 1.2rem; font-size: .92em; }
.more li { break-inside: avoid; }
.strength { font-weight: 600; color: var(--bar); }
.notes { border: 1px solid var(--line); border-radius: 4px; padding: .35rem .7rem; margin-top: .8rem; min-height: 7rem; break-inside: avoid; }
.notes h2 { border: 0; margin: 0; font-size: .95rem; }
.sources { font-size: .82em; padding-left: 1rem; }
.sources li { break-inside: avoid; margin: 0; }
.sources .kind { font-style: italic; }
.fired { color: #1a7f37; } .not-fired { color: var(--muted); }
@page { margin: 9mm 11mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 8.6pt; line-height: 1.2; }
  h2 { margin: .4rem 0 .15rem; }
  .notes { min-height: 3.4rem; margin-top: .4rem; }
  .training-files { display: none; }
  .answers { columns: 3; column-gap: 1rem; }
  .sources { columns: 2; column-gap: 1.2rem; font-size: .76em; }
  .training-chart { width: 300px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
.training, .keep { break-inside: avoid; }
.training-row { display: flex; gap: 1rem; align-items: flex-start; }
.training-chart { flex: 0 0 auto; max-width: 100%; height: auto; margin: 0.2em 0; }
.training-notes { font-size: .88em; }
.training-notes p { margin: 0 0 .3em; }
.pain-chart { flex: 0 0 auto; max-width: 100%; height: auto; }
.since-row { display: flex; gap: 1rem; align-items: flex-start; }
.since-notes { font-size: .88em; }
.since-notes p { margin: 0 0 .25em; }
.signs-out { font-weight: 700; }
"#;

fn answers(list: &[AnswerView]) -> String {
    list.iter()
        .map(|a| {
            let log = if a.from_log { " (from your log)" } else { "" };
            format!("{}: {}{log}", escape(a.label), escape(&a.answer_text))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "You answered ..." and "Not answered ..." for a reason.
fn because(list: &[AnswerView]) -> String {
    let (given, empty): (Vec<AnswerView>, Vec<AnswerView>) =
        list.iter().cloned().partition(|a| !a.answer.is_null());
    let mut parts = Vec::new();
    if !given.is_empty() {
        parts.push(format!("You answered: {}", answers(&given)));
    }
    if !empty.is_empty() {
        let labels: Vec<String> = empty.iter().map(|a| escape(a.label)).collect();
        parts.push(format!("Not answered: {}", labels.join("; ")));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("<br><span class=\"because\">{}</span>", parts.join(". "))
}

fn reason(h: &mut String, view: &ReportView, r: &ReasonView) {
    let _ = writeln!(
        h,
        "<li>{}{} <span class=\"src\">({})</span></li>",
        escape(r.text),
        because(&r.because),
        escape(&view.cite(&r.sources))
    );
}

/// Too few answers, and warning signs not checked.
fn notices(h: &mut String, view: &ReportView) {
    if let Some(few) = view.few_answers() {
        let _ = writeln!(
            h,
            "<p class=\"note\"><strong>{few}:</strong> {}.</p>",
            super::view::ANSWER_MORE
        );
    }
    if let Some(sentence) = view.escalation.not_checked_sentence() {
        let labels: Vec<String> = view
            .escalation
            .not_checked
            .iter()
            .map(|q| escape(q.label))
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"note\"><strong>Not checked:</strong> {sentence}: {}.</p>",
            labels.join("; ")
        );
    }
}

/// Renders the report as a complete HTML document.
pub fn render(view: &ReportView) -> String {
    let e = &view.escalation;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Back pain self-assessment, {date}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <div class=\"top\"><div><h1>Back pain self-assessment</h1>\n\
         <p class=\"meta\">{date} · {by} · answered by the runner; not a diagnosis</p></div>\n\
         <div class=\"who\">Name: <br>Seen by: </div></div>\n",
        date = escape(&view.date),
        by = escape(view.generated_by),
    );
    if view.notices_first() {
        notices(&mut h, view);
    }
    escalation(&mut h, view);
    if !view.notices_first() {
        notices(&mut h, view);
    }
    let lesser: Vec<&ReasonView> = e.lesser_reasons().collect();
    if !lesser.is_empty() {
        let _ = writeln!(h, "<h2>Also worth mentioning when seen</h2>\n<ul>");
        for r in lesser {
            reason(&mut h, view, r);
        }
        let _ = writeln!(h, "</ul>");
    }

    summary(&mut h, view);
    if let Some(since) = &view.since {
        since_section(&mut h, since);
    }
    if e.safety_net.as_ref().is_some_and(|n| n.prominent) {
        safety_net(&mut h, view);
    }
    start_here(&mut h, view);
    contributors(&mut h, view);
    if let Some(t) = &view.training {
        training(&mut h, t);
    }
    if let Some(heading) = view.to_do_heading("Worth checking")
        && !view.worth_checking.is_empty()
    {
        let _ = writeln!(h, "<h2>{heading}</h2>\n<ul>");
        for c in &view.worth_checking {
            let shows = if c.could_show.is_empty() {
                String::new()
            } else {
                let titles: Vec<String> = c.could_show.iter().map(|t| escape(t)).collect();
                format!(
                    " <span class=\"because\">It could point to: {}.</span>",
                    titles.join("; ")
                )
            };
            let _ = writeln!(
                h,
                "<li><b>{}</b>: {}{shows}</li>",
                escape(c.title),
                escape(c.check)
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    if e.safety_net.as_ref().is_some_and(|n| !n.prominent) {
        safety_net(&mut h, view);
    }
    what_to_try(&mut h, view);
    other_answers(&mut h, view);

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

    sources(&mut h, view);
    let _ = writeln!(
        h,
        "<section class=\"notes\"><h2>Physiotherapist's notes</h2></section>\n<p class=\"meta\">{}</p>",
        escape(view.disclaimer)
    );
    if e.is_most_urgent() && !e.is_default {
        // An emergency report closes with the action too.
        let _ = writeln!(
            h,
            "<section class=\"escalation rank-0\"><h2>{}</h2><p class=\"action\">{}</p></section>",
            escape(e.title),
            escape(e.action)
        );
    }
    let _ = writeln!(h, "</body>\n</html>");
    h
}

fn escalation(h: &mut String, view: &ReportView) {
    let e = &view.escalation;
    let class = if e.is_default {
        "default".to_string()
    } else {
        format!("rank-{}", e.rank.min(2))
    };
    let _ = writeln!(
        h,
        "<section class=\"escalation {class}\">\n<h2>{}</h2>\n<p class=\"action\">{}</p>",
        escape(e.title),
        escape(e.action)
    );
    let own: Vec<&ReasonView> = e.own_reasons().collect();
    if !own.is_empty() {
        let _ = writeln!(h, "<ul>");
        for r in own {
            reason(h, view, r);
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</section>");
}

/// The answers a clinician reads first: the facts and every answer that is not a plain
/// "no" (age, history, the pain, the load, what raised the advice) in two columns, those
/// that raised the level marked; then the plain "no"s on one line, and the questions not
/// answered on another, so the whole is read in a minute.
fn summary(h: &mut String, view: &ReportView) {
    if view.summary.is_empty() {
        return;
    }
    let legend = if view.summary.iter().any(|s| s.raised) {
        " <span class=\"meta\">(&#9679; raised the advice above)</span>"
    } else {
        ""
    };
    let _ = writeln!(h, "<h2>Summary for the clinician{legend}</h2>");
    let facts: Vec<_> = view
        .summary
        .iter()
        .filter(|s| !s.answer.answer.is_null() && (s.raised || !s.negative))
        .collect();
    if !facts.is_empty() {
        let _ = writeln!(h, "<div class=\"summary\">");
        for s in facts {
            let class = if s.raised { " class=\"raised\"" } else { "" };
            let log = if s.answer.from_log {
                " (from the log)"
            } else {
                ""
            };
            let _ = writeln!(
                h,
                "<div{class}><span class=\"q\">{}</span><span class=\"a\">{}{log}</span></div>",
                escape(s.answer.label),
                escape(&s.answer.answer_text)
            );
        }
        let _ = writeln!(h, "</div>");
    }
    let line = |pick: &dyn Fn(&super::view::SummaryView) -> bool| -> String {
        view.summary
            .iter()
            .filter(|s| pick(s))
            .map(|s| escape(&super::view::in_a_list(s.answer.label)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let noes = line(&|s| !s.raised && s.negative);
    if !noes.is_empty() {
        let _ = writeln!(h, "<p class=\"noes\"><b>No:</b> {noes}.</p>");
    }
    let empty = line(&|s| s.answer.answer.is_null());
    if !empty.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"noes empty\"><b>Not answered:</b> {empty}.</p>"
        );
    }
}

fn safety_net(h: &mut String, view: &ReportView) {
    let Some(net) = &view.escalation.safety_net else {
        return;
    };
    let _ = writeln!(
        h,
        "<section class=\"net\"><h2>{}</h2>\n<ul>",
        escape(net.title)
    );
    for sign in net.signs {
        let _ = writeln!(h, "<li>{}</li>", escape(sign));
    }
    let _ = writeln!(
        h,
        "</ul>\n<p><strong>{}</strong></p></section>",
        escape(net.action)
    );
}

fn start_here(h: &mut String, view: &ReportView) {
    let e = &view.escalation;
    let first = &view.strategies[..view.start_here.min(view.strategies.len())];
    if first.is_empty() && e.self_care_notes.is_empty() {
        return;
    }
    let Some(heading) = view.to_do_heading("Start here") else {
        return;
    };
    let _ = writeln!(h, "<h2>{heading}</h2>\n<ol>");
    for note in &e.self_care_notes {
        let _ = writeln!(h, "<li><strong>{}</strong></li>", escape(note));
    }
    for s in first {
        let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
        let for_ = if helps.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"meta\">for {}</span>",
                helps.join("; ").to_lowercase()
            )
        };
        let _ = writeln!(h, "<li><strong>{}</strong>{for_}</li>", escape(s.title));
    }
    let _ = writeln!(h, "</ol>");
}

fn contributors(h: &mut String, view: &ReportView) {
    let _ = writeln!(h, "<h2>Possible contributors</h2>");
    if view.causes.is_empty() {
        let _ = writeln!(
            h,
            "<p>The answers do not point to any of the contributors runback knows about.</p>"
        );
        return;
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">{}</p>\n<table class=\"causes\">\n<thead><tr><th>Contributor</th><th>Fit</th><th>Because</th></tr></thead>\n<tbody>",
        escape(super::view::FIT_LEGEND)
    );
    for c in &view.causes {
        let strength = if c.rated {
            escape(c.fit)
        } else {
            "only an examination can tell".to_string()
        };
        let _ = writeln!(
            h,
            "<tr><td><b>{}</b></td><td class=\"strength\">{strength}</td><td class=\"because\">{}</td></tr>",
            escape(c.title),
            answers(&c.because),
        );
    }
    let _ = writeln!(h, "</tbody>\n</table>");
}

fn what_to_try(h: &mut String, view: &ReportView) {
    if view.strategies.is_empty() {
        return;
    }
    // The heading, its note and the first how-to stay together on paper, so the heading
    // never ends a page alone.
    let _ = writeln!(h, "<div class=\"keep\"><h2>What to try</h2>");
    if let Some(note) = &view.escalation.self_care_note {
        let _ = writeln!(h, "<p><strong>{}</strong></p>", escape(note));
    }
    for note in view.notes_for_what_to_try() {
        let _ = writeln!(h, "<p><strong>{}</strong></p>", escape(note));
    }
    // The strategies to start with get their how-to; the rest a line each, so the page
    // stays short (the text report's --detail has every how-to).
    let first = view.start_here.min(view.strategies.len());
    if first == 0 {
        let _ = writeln!(h, "</div>");
    }
    for (i, s) in view.strategies[..first].iter().enumerate() {
        let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
        let helps = if helps.is_empty() {
            String::new()
        } else {
            format!("For: {}. ", helps.join("; "))
        };
        let _ = writeln!(
            h,
            "<div class=\"strategy\"><b>{}</b>: {} <span class=\"src\">{helps}Sources: {}</span></div>{}",
            escape(s.title),
            escape(s.how_to),
            escape(&view.cite(&s.sources)),
            if i == 0 { "</div>" } else { "" }
        );
    }
    if first < view.strategies.len() {
        let rest: Vec<String> = view.strategies[first..]
            .iter()
            .map(|s| {
                let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
                let helps = if helps.is_empty() {
                    String::new()
                } else {
                    format!("for {}. ", helps.join("; ").to_lowercase())
                };
                format!(
                    "<li><b>{}</b> <span class=\"src\">{helps}Sources: {}</span></li>",
                    escape(s.title),
                    escape(&view.cite(&s.sources))
                )
            })
            .collect();
        let _ = writeln!(
            h,
            "<p>Also worth trying:</p>\n<ul class=\"more\">\n{}\n</ul>",
            rest.join("\n")
        );
    }
}

/// Every answer not already in the summary, and the questions not answered.
fn other_answers(h: &mut String, view: &ReportView) {
    let in_summary = |q: &str| view.summary.iter().any(|s| s.answer.question == q);
    let rest: Vec<&AnswerView> = view
        .answers
        .iter()
        .filter(|a| !in_summary(a.question))
        .collect();
    let heading = if view.summary.is_empty() {
        "Your answers"
    } else {
        "Other answers"
    };
    let _ = writeln!(h, "<h2>{heading}</h2>");
    if view.answers.is_empty() {
        let _ = writeln!(h, "<p>No questions were answered.</p>");
    } else if !rest.is_empty() {
        let _ = writeln!(h, "<div class=\"answers\">");
        for a in rest {
            let _ = writeln!(
                h,
                "<div>{}: <strong>{}</strong></div>",
                escape(a.label),
                escape(&a.answer_text)
            );
        }
        let _ = writeln!(h, "</div>");
    }
    let not_in_summary: Vec<String> = view
        .unanswered
        .iter()
        .filter(|q| !in_summary(q.id))
        .map(|q| escape(q.label))
        .collect();
    if !not_in_summary.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"meta\">Not answered: {}.</p>",
            not_in_summary.join("; ")
        );
    }
}

fn sources(h: &mut String, view: &ReportView) {
    let _ = writeln!(h, "<h2>Sources</h2>\n<ul class=\"sources\">");
    for s in &view.sources {
        let mut line = format!("<strong>{}</strong>", escape(s.name));
        if let Some(document) = s.document {
            let _ = write!(line, " <span class=\"kind\">({})</span>", escape(document));
        }
        let _ = write!(line, ": {}", escape(s.title));
        let mut sep = super::view::after_title(s.title);
        if let Some(publisher) = s.publisher {
            let _ = write!(line, "{sep}{}", escape(publisher));
            sep = ". ";
        }
        if let Some(year) = s.year {
            let _ = write!(line, ", {year}");
        }
        if let Some(url) = s.url {
            let _ = write!(line, "{sep}<span class=\"meta\">{}</span>", escape(url));
        }
        let _ = writeln!(h, "<li>{line}</li>");
    }
    let _ = writeln!(h, "</ul>");
}

/// The training log: what it covers, a chart of its weeks (an inline SVG, no script), the
/// biggest jump and the answers it gave.
fn training(h: &mut String, t: &TrainingView) {
    let _ = writeln!(
        h,
        "<section class=\"training\"><h2>Training log</h2>\n<div class=\"training-row\">{}<div class=\"training-notes\">\n<p>{}</p>",
        super::training::svg(&t.weeks),
        escape(&t.headline()),
    );
    if let Some(s) = &t.biggest_recent_spike {
        let _ = writeln!(h, "<p><b>Biggest jump:</b> {}</p>", escape(&s.text));
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">Bars: km run each week. &#9650; marks a run much longer than usual.</p>"
    );
    if let Some(line) = t.answered_line() {
        let _ = writeln!(h, "<p><b>From the log:</b> {}</p>", escape(&line));
    }
    if let Some(line) = t.overruled_labels() {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(&line));
    }
    if let Some(note) = t.files_note() {
        let _ = writeln!(h, "<p class=\"meta training-files\">{}</p>", escape(&note));
    }
    let _ = writeln!(h, "</div></div></section>");
}

/// What the check-in and history pages add to the assessment's style.
const BOUT_STYLE: &str = r#"
.today { border: 2px solid var(--bar); border-radius: 6px; padding: .45rem .9rem; margin: .7rem 0; break-inside: avoid; }
.today h2 { border: 0; margin: 0 0 .2rem; font-size: 1.08rem; }
.today.no-run { border-color: #a16207; }
.today .step { font-weight: 700; }
.change { font-weight: 700; }
ol.plan li.current { font-weight: 700; }
.badge { display: inline-block; font-size: .8em; font-weight: 700; color: #fff; background: var(--bar); border-radius: 3px; padding: 0 .35rem; margin-left: .3rem; }
.pain-row { display: flex; gap: 1.2rem; align-items: flex-start; flex-wrap: wrap; }
.pain-values { width: auto; }
.pain-values td:nth-child(n+2), .pain-values th:nth-child(n+2) { text-align: right; }
.history td:first-child, .pain-values td:first-child { white-space: nowrap; }
.history .changed { font-weight: 700; }
"#;

/// The opening of a page in the assessment's style: its title, then the heading and a
/// line under it.
fn page_head(title: &str, heading: &str, meta: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}{BOUT_STYLE}</style>\n</head>\n<body>\n\
         <div class=\"top\"><div><h1>{}</h1>\n<p class=\"meta\">{}</p></div></div>\n",
        escape(title),
        escape(heading),
        escape(meta)
    )
}

/// The colour of a level's points on a chart: the escalation box's border colours.
fn level_colour(rank: Option<usize>, default: bool) -> &'static str {
    match (default, rank) {
        (true, _) | (_, None) => "#2f6f9f",
        (false, Some(0)) => "#b00020",
        (false, Some(1)) => "#c2410c",
        (false, Some(_)) => "#a16207",
    }
}

/// The pain over a bout as an inline SVG chart (no script, nothing loaded): the days
/// along, the score up from 0 to 10, a point an entry (a square for an assessment) in
/// its level's colour, each labelled with its score. Its accessible name lists every
/// value, so a screen reader gets the chart as text.
pub fn pain_svg(points: &[PainPoint], colours: &[&str], width: f64, height: f64) -> String {
    let (left, right, top, bottom) = (26.0, 12.0, 12.0, 30.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let last_day = points.iter().map(|p| p.day).max().unwrap_or(0).max(1) as f64;
    // Points keep clear of the axis's figures.
    let x = |day: i64| left + 8.0 + day as f64 / last_day * (plot_w - 8.0);
    let y = |pain: f64| top + (1.0 - pain.clamp(0.0, 10.0) / 10.0) * plot_h;
    let values: Vec<String> = points
        .iter()
        .map(|p| {
            let kind = match p.kind {
                Kind::Assessment => " (assessment)",
                Kind::Checkin => "",
            };
            let pain = p.pain.map_or_else(
                || "not answered".to_string(),
                crate::rulebase::words::number,
            );
            format!("{} {pain}{kind}", date::readable_day(&p.date))
        })
        .collect();
    let label = escape(&format!(
        "Pain at its worst, out of 10, by day: {}",
        values.join("; ")
    ));
    let mut s = format!(
        r#"<svg class="pain-chart" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#
    );
    for level in [0.0, 5.0, 10.0] {
        let ly = y(level);
        let dash = if level == 0.0 {
            ""
        } else {
            r#" stroke-dasharray="3 3""#
        };
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="#bbb" stroke-width="1"{dash}/><text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" fill="#555">{}</text>"##,
            width - right,
            left - 4.0,
            ly + 3.0,
            level as u8
        );
    }
    let scored: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x(p.day), y(p.pain?))))
        .collect();
    if scored.len() > 1 {
        let path: Vec<String> = scored
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="#7a9cc6" stroke-width="1.5"/>"##,
            path.join(" ")
        );
    }
    let label_values = points.len() <= 16;
    for (i, p) in points.iter().enumerate() {
        let px = x(p.day);
        let colour = colours.get(i).copied().unwrap_or("#2f6f9f");
        let Some(pain) = p.pain else {
            let _ = write!(
                s,
                r##"<text x="{px:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#555">?</text>"##,
                y(0.0) - 3.0
            );
            continue;
        };
        let py = y(pain);
        match p.kind {
            Kind::Assessment => {
                let _ = write!(
                    s,
                    r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}"/>"#,
                    px - 3.5,
                    py - 3.5
                );
            }
            Kind::Checkin => {
                let _ = write!(
                    s,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="3.5" fill="{colour}"/>"#
                );
            }
        }
        if label_values {
            let _ = write!(
                s,
                r#"<text x="{px:.1}" y="{:.1}" font-size="9" text-anchor="middle">{}</text>"#,
                py - 6.0,
                crate::rulebase::words::number(pain)
            );
        }
    }
    // The first and the last day under the axis, and "day N" beneath them.
    let ends: Vec<&PainPoint> = match (points.first(), points.last()) {
        (Some(a), Some(b)) if a.day != b.day => vec![a, b],
        (Some(a), _) => vec![a],
        _ => Vec::new(),
    };
    for (i, p) in ends.iter().enumerate() {
        let anchor = match (ends.len(), i) {
            (1, _) => "middle",
            (_, 0) => "start",
            _ => "end",
        };
        let px = if ends.len() == 1 {
            x(p.day)
        } else if i == 0 {
            left
        } else {
            width - right
        };
        let _ = write!(
            s,
            r##"<text x="{px:.1}" y="{:.1}" font-size="9" text-anchor="{anchor}" fill="#333">{}</text><text x="{px:.1}" y="{:.1}" font-size="8" text-anchor="{anchor}" fill="#777">day {}</text>"##,
            height - bottom + 12.0,
            escape(&date::readable_day(&p.date)),
            height - bottom + 22.0,
            p.day
        );
    }
    s.push_str("</svg>");
    s
}

/// A check-in's report as a page in the assessment's style: what to do, "should I run
/// today?" with the plan and today's step marked, the pain as a chart and a table, the
/// answers, the safety net and the sources. At a level to be seen first, only the action
/// and "don't run".
pub fn render_checkin(view: &ReportView, checkin: &CheckinView) -> String {
    let view = &super::bout::cited(view, checkin);
    let e = &view.escalation;
    let seen_first = view.once_checked();
    let since = date::readable_day(&checkin.bout.started);
    let mut h = page_head(
        &format!("Back pain check-in, {}", checkin.date),
        "Back pain check-in",
        &format!(
            "Day {} of the back pain assessed on {since} · {} · {} · answered by the runner; not a diagnosis",
            checkin.bout.day, checkin.date, view.generated_by
        ),
    );
    if view.notices_first() {
        notices(&mut h, view);
    }
    let class = if e.is_default {
        "default".to_string()
    } else {
        format!("rank-{}", e.rank.min(2))
    };
    let _ = writeln!(
        h,
        "<section class=\"escalation {class}\">\n<h2>{}</h2>\n<p class=\"action\">{}</p>",
        escape(e.title),
        escape(&checkin.action)
    );
    let own: Vec<&ReasonView> = e.own_reasons().collect();
    if !own.is_empty() {
        let _ = writeln!(h, "<ul>");
        for r in own {
            reason(&mut h, view, r);
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</section>");
    if let Some(change) = super::text::changed_from(checkin).filter(|_| !seen_first) {
        let _ = writeln!(h, "<p class=\"change\">{}</p>", escape(&change));
    }
    for note in &e.self_care_notes {
        let _ = writeln!(h, "<p><strong>{}</strong></p>", escape(note));
    }
    run_today(&mut h, view, checkin, seen_first);
    if !view.notices_first() {
        notices(&mut h, view);
    }
    if !seen_first {
        if let Some(plan) = &checkin.run_today.plan {
            plan_section(&mut h, view, plan, checkin.run_today.runs);
        }
        pain_section(&mut h, &checkin.pain);
        let _ = writeln!(h, "<h2>This check-in's answers</h2>");
        if let Some((stands_out, signs)) = checkin.signs_sentence() {
            let class = if stands_out { " signs-out" } else { "" };
            let _ = writeln!(h, "<p class=\"noes{class}\">{}</p>", escape(&signs));
        }
        let _ = writeln!(h, "<div class=\"answers\">");
        for a in checkin.other_answers() {
            let _ = writeln!(
                h,
                "<div>{}: <strong>{}</strong></div>",
                escape(a.label),
                escape(&a.answer_text)
            );
        }
        let _ = writeln!(h, "</div>");
    }
    if e.is_most_urgent() && !e.is_default {
        let _ = writeln!(
            h,
            "<section class=\"escalation rank-0\"><h2>{}</h2><p class=\"action\">{}</p></section>",
            escape(e.title),
            escape(e.action)
        );
    } else {
        safety_net(&mut h, view);
        if !seen_first {
            let _ = writeln!(
                h,
                "<p>Check in again in two or three days (<code>runback checkin</code>), and at once if a warning sign appears.</p>"
            );
        }
    }
    sources(&mut h, view);
    let _ = writeln!(
        h,
        "<p class=\"meta\">{}</p>\n</body>\n</html>",
        escape(view.disclaimer)
    );
    h
}

/// "Should I run today?" in a box: the decision, its advice, today's step and limit, and
/// the reasons; at a level to be seen first, "don't run" alone.
fn run_today(h: &mut String, view: &ReportView, checkin: &CheckinView, seen_first: bool) {
    let today = &checkin.run_today;
    let class = if today.runs { "run" } else { "no-run" };
    let _ = writeln!(
        h,
        "<section class=\"today {class}\">\n<h2>Should I run today? {}</h2>",
        escape(today.title.trim_end_matches('.'))
    );
    if seen_first {
        let _ = writeln!(
            h,
            "<p class=\"action\">{}</p>\n</section>",
            escape(today.advice)
        );
        return;
    }
    let _ = writeln!(h, "<p>{}</p>", escape(today.advice));
    let n = &today.numbers;
    if let (Some(step), true) = (&n.plan_step, today.runs) {
        let _ = writeln!(
            h,
            "<p class=\"step\">Step {} of {}: {}</p>",
            step.number,
            step.of,
            escape(step.run)
        );
    }
    if let (Some(longest), Some(limit), true) = (n.longest_30d_km, n.limit_km, today.runs) {
        let _ = writeln!(
            h,
            "<p><b>Limit:</b> no run over {} km (your longest in the last 30 days was {} km).</p>",
            crate::rulebase::words::number(limit),
            crate::rulebase::words::number(longest)
        );
    }
    let mut items: Vec<String> = Vec::new();
    if today.held_by_level {
        items.push("The advice above comes first: see someone before you run again.".into());
    }
    for r in today
        .reasons
        .iter()
        .filter(|r| r.decision == today.decision)
    {
        items.push(format!(
            "{}{} <span class=\"src\">({})</span>",
            escape(r.text),
            because(&r.because),
            escape(&view.cite(&r.sources))
        ));
    }
    if let Some(spike) = &n.spike {
        items.push(escape(&format!(
            "Your run on {} ({} km) was {}% longer than your longest of the 30 days before it ({} km).",
            date::readable_day(&spike.date),
            crate::rulebase::words::number(spike.km),
            spike.percent,
            crate::rulebase::words::number(spike.longest_before_km)
        )));
    }
    if !items.is_empty() {
        let _ = writeln!(h, "<ul>");
        for item in items {
            let _ = writeln!(h, "<li>{item}</li>");
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<p class=\"src\">Sources: {}</p>\n</section>",
        escape(&view.cite(&today.sources))
    );
}

/// The return to running, today's step (or the next run's) marked in words, not colour
/// alone.
fn plan_section(h: &mut String, view: &ReportView, plan: &super::bout::PlanView, runs: bool) {
    let mark = if runs { "today" } else { "next run" };
    let _ = writeln!(
        h,
        "<section class=\"keep\"><h2>{}</h2>\n<ol class=\"plan\">",
        escape(plan.title)
    );
    for step in &plan.steps {
        if step.current {
            let _ = writeln!(
                h,
                "<li class=\"current\" aria-current=\"step\">{}<span class=\"badge\">{mark}</span></li>",
                escape(step.run)
            );
        } else {
            let _ = writeln!(h, "<li>{}</li>", escape(step.run));
        }
    }
    let _ = writeln!(
        h,
        "</ol>\n<p class=\"meta\">{} Sources: {}</p></section>",
        escape(plan.move_on),
        escape(&view.cite(&plan.sources))
    );
}

/// The pain over the bout: the chart, a table of the same values, and the trend.
fn pain_section(h: &mut String, pain: &[PainPoint]) {
    if pain.iter().all(|p| p.pain.is_none()) {
        return;
    }
    let _ = writeln!(
        h,
        "<section class=\"keep\"><h2>Pain at its worst, out of 10</h2>\n<div class=\"pain-row\">{}",
        pain_svg(pain, &[], 380.0, 150.0)
    );
    let _ = writeln!(
        h,
        "<table class=\"pain-values\">\n<thead><tr><th>Date</th><th>Day</th><th>Pain</th></tr></thead>\n<tbody>"
    );
    let last = pain.len().saturating_sub(1);
    let (listed, hidden) = super::bout::listed(pain);
    for (i, p) in listed {
        if i > 1 && i == hidden + 1 {
            let _ = writeln!(
                h,
                "<tr><td colspan=\"3\" class=\"meta\">{}</td></tr>",
                escape(&super::bout::left_out(hidden))
            );
        }
        let what = match (p.kind, i == last) {
            (_, true) => " <span class=\"meta\">today</span>",
            (Kind::Assessment, _) => " <span class=\"meta\">assessment</span>",
            (Kind::Checkin, _) => "",
        };
        let score = p.pain.map_or_else(
            || "not answered".to_string(),
            crate::rulebase::words::number,
        );
        let _ = writeln!(
            h,
            "<tr><td>{}{what}</td><td>{}</td><td>{score}</td></tr>",
            escape(&date::readable_day(&p.date)),
            p.day
        );
    }
    let _ = writeln!(h, "</tbody>\n</table></div>");
    if let Some(trend) = super::bout::trend(pain, "today") {
        let _ = writeln!(h, "<p>{}.</p>", escape(&trend));
    }
    let _ = writeln!(h, "</section>");
}

/// The history of every bout as a page: a chart and a table a bout, level changes and
/// warning signs in bold.
pub fn render_history(history: &HistoryView) -> String {
    let mut h = page_head(
        "Back pain history",
        "Back pain history",
        &format!(
            "{} · every assessment and check-in runback keeps · not a diagnosis",
            history.generated_by
        ),
    );
    if history.bouts.is_empty() {
        let _ = writeln!(
            h,
            "<p>Nothing kept yet. An assessment in the terminal (<code>runback</code>) starts a bout; <code>runback checkin</code> follows it.</p>"
        );
    }
    for bout in &history.bouts {
        let current = if bout.current { ", ongoing" } else { "" };
        let _ = writeln!(
            h,
            "<section class=\"bout\"><h2>Back pain from {}{current}</h2>\n<p class=\"meta\">Bout {}</p>",
            escape(&date::readable_day(&bout.started)),
            escape(&bout.id)
        );
        let pain = bout.pain();
        if pain.iter().any(|p| p.pain.is_some()) {
            let default = history.levels.len().checked_sub(1);
            let colours: Vec<&str> = bout
                .entries
                .iter()
                .map(|e| level_colour(e.rank, e.rank.is_some() && e.rank == default))
                .collect();
            let _ = writeln!(
                h,
                "<div class=\"pain-row\">{}",
                pain_svg(&pain, &colours, 420.0, 150.0)
            );
            if let Some(trend) = super::bout::trend(&pain, "at the latest entry") {
                let _ = writeln!(
                    h,
                    "<p class=\"since-notes\">Pain at its worst: {}.<br><span class=\"meta\">Points take the colour of the level; a square is an assessment.</span></p>",
                    escape(&trend)
                );
            }
            let _ = writeln!(h, "</div>");
        }
        let _ = writeln!(
            h,
            "<table class=\"history\">\n<thead><tr><th>Date</th><th>Day</th><th>Entry</th><th>Pain</th><th>Level</th><th>Should I run today?</th>{}<th>Warning signs</th></tr></thead>\n<tbody>",
            note_heads(&history.note_labels)
        );
        for e in &bout.entries {
            let row = e.table_row(history);
            let level = escape(&row.level);
            let level = if row.changed {
                format!("<span class=\"changed\">{level}</span>")
            } else {
                level
            };
            let notes: String = row
                .notes
                .iter()
                .map(|note| format!("<td>{}</td>", escape(note)))
                .collect();
            let signs: Vec<String> = row.signs.iter().map(|s| escape(s)).collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{level}</td><td>{}</td>{notes}<td><strong>{}</strong></td></tr>",
                escape(&row.date),
                row.day,
                row.kind,
                row.pain,
                escape(&row.today),
                signs.join("; ")
            );
        }
        let _ = writeln!(h, "</tbody>\n</table></section>");
    }
    let _ = writeln!(h, "</body>\n</html>");
    h
}

fn note_heads(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| format!("<th>{}</th>", escape(l)))
        .collect()
}

/// "Since the first assessment" on an assessment's page, when the answers join a bout
/// with check-ins: the pain's trend as a chart and in words, the advice's changes, what
/// was tried and how it went, and any warning sign a check-in found.
fn since_section(h: &mut String, since: &SinceView) {
    let _ = writeln!(
        h,
        "<section class=\"keep\"><h2>Since the first assessment ({}, {} check-in{} over {} day{})</h2>\n<div class=\"since-row\">{}<div class=\"since-notes\">",
        escape(&date::readable_day(&since.started)),
        since.checkins,
        if since.checkins == 1 { "" } else { "s" },
        since.days,
        if since.days == 1 { "" } else { "s" },
        pain_svg(&since.pain, &[], 260.0, 110.0)
    );
    if let Some(trend) = &since.trend {
        let _ = writeln!(h, "<p><b>Pain at its worst:</b> {}.</p>", escape(trend));
    }
    // A long bout keeps to its latest entries in words; the chart has them all.
    let shown = &since.pain[since.pain.len().saturating_sub(SINCE_DAYS)..];
    let earlier = if shown.len() < since.pain.len() {
        format!(" (the latest {})", shown.len())
    } else {
        String::new()
    };
    let scores: Vec<String> = shown
        .iter()
        .map(|p| {
            let score = p
                .pain
                .map_or_else(|| "?".to_string(), crate::rulebase::words::number);
            format!("{} {score}", escape(&short_day(&p.date)))
        })
        .collect();
    let _ = writeln!(
        h,
        "<p class=\"meta\">By day{earlier}: {}.</p>",
        scores.join(" · ")
    );
    let changes = if since.level_changes.is_empty() {
        "no change".to_string()
    } else {
        latest(&since.level_changes, SINCE_LIST)
    };
    let _ = writeln!(h, "<p><b>Level:</b> {changes}.</p>");
    let counted = |list: &[(String, usize)]| -> String {
        list.iter()
            .map(|(what, n)| format!("{} ({n}×)", escape(what.trim_end_matches('.'))))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if !since.decisions.is_empty() {
        let step = since
            .step
            .as_ref()
            .map_or_else(String::new, |s| format!("; latest run: {}", escape(s)));
        let _ = writeln!(
            h,
            "<p><b>Should I run today?</b> {}{step}.</p>",
            counted(&since.decisions)
        );
    }
    for (label, answers) in &since.notes {
        let _ = writeln!(h, "<p><b>{}:</b> {}.</p>", escape(label), counted(answers));
    }
    if since.signs.is_empty() {
        let _ = writeln!(h, "<p><b>Warning signs:</b> none at any check-in.</p>");
    } else {
        let _ = writeln!(
            h,
            "<p class=\"signs-out\"><b>Warning signs:</b> {}.</p>",
            latest(&since.signs, SINCE_LIST)
        );
    }
    let _ = writeln!(h, "</div></div></section>");
}

/// How many days' scores the page's story of a bout lists in words.
const SINCE_DAYS: usize = 16;

/// How many level changes or warning signs it lists.
const SINCE_LIST: usize = 5;

/// The latest `n` of a list, escaped and joined, saying how many earlier ones there were.
fn latest(list: &[String], n: usize) -> String {
    let skipped = list.len().saturating_sub(n);
    let mut out: Vec<String> = list[skipped..].iter().map(|x| escape(x)).collect();
    if skipped > 0 {
        out.insert(
            0,
            format!("{skipped} earlier (<code>runback history</code> lists them)"),
        );
    }
    out.join("; ")
}

/// "6 Dec" from `YYYY-MM-DD`.
fn short_day(ymd: &str) -> String {
    let day = date::readable_day(ymd);
    day.rsplit_once(' ')
        .map_or(day.clone(), |(d, _)| d.to_string())
}
