//! The plain-text report for a terminal or a pipe.
//!
//! The short report (the default) fits on about one screen: what to do and how soon, where
//! to start, the possible contributors in a line each. `--detail` adds every reason's
//! answers and sources, every strategy's how-to, the questions not answered and the
//! sources. An emergency report opens and closes with the emergency action.

use std::fmt::Write;

use console::Style;

use super::training::{self, TrainingView};
use super::view::{AnswerView, CauseView, ReasonView, ReportView};
use crate::wrap::Wrapper;

/// How to lay out text.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Columns to wrap at.
    pub width: usize,
    /// Whether to use colour and bold.
    pub color: bool,
    /// Whether to draw strength bars with ASCII only.
    pub ascii: bool,
    /// Whether to print everything: reasons' answers and sources, how-tos, the questions
    /// not answered and the sources.
    pub detail: bool,
}

/// Shows control and invisible characters escaped, keeping line breaks, so text from a
/// file can never drive the terminal (see [`crate::clean`]).
pub fn clean(text: &str) -> String {
    crate::clean::clean_lines(text).into_owned()
}

/// How many contributors the short report lists before "and N more".
const SHORT_CAUSES: usize = 5;

struct Out {
    buf: String,
    opts: TextOptions,
    /// Scratch space for wrapping, kept from one paragraph to the next.
    wrapper: Wrapper,
}

impl Out {
    fn style(&self, style: Style, text: &str) -> String {
        style
            .force_styling(self.opts.color)
            .apply_to(text)
            .to_string()
    }

    fn heading(&mut self, text: &str) {
        self.styled_para("", "", text, Style::new().bold().underlined());
    }

    /// Wraps `text` with a first-line prefix and a hanging indent.
    fn para(&mut self, first: &str, rest: &str, text: &str) {
        self.styled_para(first, rest, text, Style::new());
    }

    /// Like [`Out::para`], styling the text but not the indent.
    fn styled_para(&mut self, first: &str, rest: &str, text: &str, style: Style) {
        let indent = first.chars().count().max(rest.chars().count());
        let width = self.opts.width.max(indent + 20);
        let text = crate::clean::clean_lines(text);
        let Out { buf, opts, wrapper } = self;
        let style = style.force_styling(opts.color);
        // Only the words are styled, never the indent or bullet.
        let mut line = |prefix: &str, words: &str| {
            buf.push_str(prefix);
            if opts.color {
                let _ = write!(buf, "{}", style.apply_to(words));
            } else {
                // What the unstyled words print as.
                buf.push_str(words);
            }
            buf.push('\n');
        };
        if let Some(words) = one_line(&text, first, width) {
            line(first, words);
            return;
        }
        wrapper.wrap(&text, width, first, rest, |wrapped| {
            line(if wrapped.first { first } else { rest }, wrapped.words);
        });
    }

    fn rule(&mut self, style: Style) {
        let rule = "=".repeat(self.opts.width.clamp(20, 80));
        let line = self.style(style, &rule);
        let _ = writeln!(self.buf, "{line}");
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }
}

/// The paragraph's only line, when it fits on one: exactly what textwrap's optimal fit
/// gives then, without its work (wrapping paragraphs was most of drawing a report, and
/// half of a report's paragraphs fit on one line).
///
/// textwrap splits a line at spaces into words; a word's width is the display width of
/// its text, and a line's is the sum of its words' widths and of the spaces between them:
/// the display width of the line without its trailing spaces (display width is counted
/// character by character, so it adds up across the splits, as long as there is no escape
/// sequence to skip). When that fits in the room after the first indent, laying out any
/// first words on one line is the strict minimum of optimal fit's cost in every column it
/// compares: one line costs the line penalty (1,000) and its gap squared (or, for the
/// last line, at most the short-last-line penalty of 25), while two or more lines cost the
/// line penalty at least twice plus the first line's gap squared, which is at least the
/// one line's gap, since every line fits. So textwrap gives the single line: the first
/// indent and the text without trailing spaces. Anything else (several lines of text, an
/// escape sequence, no words) goes the general way.
fn one_line<'t>(text: &'t str, first: &str, width: usize) -> Option<&'t str> {
    if text.contains(['\n', '\x1b']) {
        return None;
    }
    let line = text.trim_end_matches(' ');
    if line.is_empty() {
        return None;
    }
    let room = width.saturating_sub(crate::wrap::width(first)).max(1);
    (crate::wrap::width(line) <= room).then_some(line)
}

fn answers(list: &[AnswerView]) -> String {
    list.iter()
        .map(|a| {
            let log = if a.from_log { " (from your log)" } else { "" };
            format!("{}: {}{log}", a.label, a.answer_text)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "You answered: ..." for the answers given, and "Not answered: ..." for the questions
/// left empty, each on its own lines.
fn because(out: &mut Out, indent: &str, list: &[AnswerView]) {
    let (given, empty): (Vec<AnswerView>, Vec<AnswerView>) =
        list.iter().cloned().partition(|a| !a.answer.is_null());
    if !given.is_empty() {
        out.para(&format!("{indent}You answered: "), indent, &answers(&given));
    }
    if !empty.is_empty() {
        let labels: Vec<&str> = empty.iter().map(|a| a.label).collect();
        out.para(
            &format!("{indent}Not answered: "),
            indent,
            &labels.join("; "),
        );
    }
}

/// Renders the report as text.
pub fn render(view: &ReportView, opts: TextOptions) -> String {
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts,
    };
    let e = &view.escalation;
    out.heading(&format!(
        "runback: back pain self-assessment, {}",
        view.date
    ));
    out.blank();
    if view.notices_first() {
        coverage(&mut out, view);
        not_checked(&mut out, view);
    }
    escalation_box(&mut out, view);
    if !view.notices_first() {
        coverage(&mut out, view);
        not_checked(&mut out, view);
    }
    also_worth_mentioning(&mut out, view);
    if let Some(net) = &e.safety_net
        && net.prominent
    {
        safety_net(&mut out, view);
    }
    start_here(&mut out, view);
    contributors(&mut out, view);
    if let Some(t) = &view.training {
        training(&mut out, t);
    }
    worth_checking(&mut out, view);
    if opts.detail {
        what_to_try(&mut out, view);
    }
    if let Some(net) = &e.safety_net
        && !net.prominent
    {
        safety_net(&mut out, view);
    }
    if let Some(trace) = &view.trace {
        explanation(&mut out, trace);
    }
    if opts.detail {
        not_answered(&mut out, view);
        sources(&mut out, view);
    } else {
        more(&mut out, view);
    }
    out.para("", "", view.disclaimer);
    if e.is_most_urgent() && !e.is_default {
        // An emergency report closes with the action too, so it is the last thing read.
        out.blank();
        emergency_close(&mut out, view);
    }
    out.buf
}

/// The short report shown after the emergency interrupt in the terminal: the action and
/// its reasons, and nothing to scroll past.
pub fn render_emergency(view: &ReportView, opts: TextOptions, full_report_hint: &str) -> String {
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts,
    };
    escalation_box(&mut out, view);
    out.para("", "", full_report_hint);
    out.blank();
    emergency_close(&mut out, view);
    out.buf
}

fn style_for(view: &ReportView) -> Style {
    let e = &view.escalation;
    match (e.is_default, e.rank) {
        (true, _) => Style::new().bold(),
        (false, 0 | 1) => Style::new().bold().red(),
        (false, _) => Style::new().bold().yellow(),
    }
}

/// A report built on very few answers says so at the top.
fn coverage(out: &mut Out, view: &ReportView) {
    if let Some(few) = view.few_answers() {
        out.styled_para(
            "",
            "",
            &format!("{few}: {}.", super::view::ANSWER_MORE),
            Style::new().bold(),
        );
        out.blank();
    }
}

/// Warning signs that were not answered, in plain words, at the top.
fn not_checked(out: &mut Out, view: &ReportView) {
    let Some(sentence) = view.escalation.not_checked_sentence() else {
        return;
    };
    let labels: Vec<&str> = view
        .escalation
        .not_checked
        .iter()
        .map(|q| q.label)
        .collect();
    out.styled_para(
        "",
        "",
        &format!("Not checked: {sentence}."),
        Style::new().bold(),
    );
    out.para("  ", "  ", &format!("{}.", labels.join("; ")));
    out.blank();
}

/// The escalation in a frame, with only its own level's reasons.
fn escalation_box(out: &mut Out, view: &ReportView) {
    let e = &view.escalation;
    let style = style_for(view);
    out.rule(style.clone());
    let banner = if e.is_default {
        format!("What to do: {}", e.title)
    } else {
        format!("!! {} !!", clean(&e.title.to_uppercase()))
    };
    let banner_style = if e.is_default {
        style.clone()
    } else {
        style.clone().reverse()
    };
    out.styled_para("", "", &banner, banner_style);
    out.styled_para("  ", "  ", e.action, style.clone());
    for r in e.own_reasons() {
        reason(out, view, r);
    }
    out.rule(style);
    out.blank();
}

fn reason(out: &mut Out, view: &ReportView, r: &ReasonView) {
    out.para("  - ", "    ", r.text);
    because(out, "    ", &r.because);
    if out.opts.detail {
        out.para("    Sources: ", "    ", &view.cite(&r.sources));
    }
}

/// Reasons of less urgent levels, outside the box.
fn also_worth_mentioning(out: &mut Out, view: &ReportView) {
    let lesser: Vec<&ReasonView> = view.escalation.lesser_reasons().collect();
    if lesser.is_empty() {
        return;
    }
    out.heading("Also worth mentioning when you are seen");
    for r in lesser {
        reason(out, view, r);
    }
    out.blank();
}

fn safety_net(out: &mut Out, view: &ReportView) {
    let Some(net) = &view.escalation.safety_net else {
        return;
    };
    out.heading(net.title);
    for sign in net.signs {
        out.para("  - ", "    ", sign);
    }
    out.styled_para("  ", "  ", net.action, Style::new().bold());
    out.blank();
}

fn start_here(out: &mut Out, view: &ReportView) {
    let first = &view.strategies[..view.start_here.min(view.strategies.len())];
    let notes = &view.escalation.self_care_notes;
    let Some(heading) = view.to_do_heading("Start here") else {
        return;
    };
    if first.is_empty() && notes.is_empty() {
        return;
    }
    out.heading(&heading);
    let mut n = 0;
    for note in notes {
        n += 1;
        out.styled_para(&format!("  {n}. "), "     ", note, Style::new().bold());
    }
    for s in first {
        n += 1;
        let helps: Vec<&str> = view.cause_titles(&s.for_causes).collect();
        let line = if helps.is_empty() {
            s.title.to_string()
        } else {
            format!("{} (for: {})", s.title, helps.join("; ").to_lowercase())
        };
        out.para(&format!("  {n}. "), "     ", &line);
    }
    out.blank();
}

/// How well it fits the answers, in words (a bar too, in the detailed report); a cause
/// only an examination can judge gets no such word at all.
fn strength(c: &CauseView, bar: Option<bool>) -> String {
    match (c.rated, bar) {
        (false, _) => "only an examination can tell".to_string(),
        (true, Some(ascii)) => format!("{} {}", super::bar(c.confidence, ascii), c.fit),
        (true, None) => c.fit.to_string(),
    }
}

fn contributors(out: &mut Out, view: &ReportView) {
    out.heading("Possible contributors");
    if view.causes.is_empty() {
        out.para(
            "  ",
            "  ",
            "Your answers do not point to any of the contributors runback knows about. That does not mean nothing is wrong: follow the advice above on when to see someone.",
        );
        out.blank();
        return;
    }
    if view.causes.iter().any(|c| c.rated) {
        out.para("  ", "  ", super::view::FIT_LEGEND);
    }
    let shown = if out.opts.detail {
        view.causes.len()
    } else {
        view.causes.len().min(SHORT_CAUSES)
    };
    for (i, c) in view.causes.iter().take(shown).enumerate() {
        let number = format!("  {}. ", i + 1);
        let indent = " ".repeat(number.len());
        if out.opts.detail {
            out.styled_para(&number, &indent, c.title, Style::new().bold());
            let _ = writeln!(out.buf, "{indent}{}", strength(c, Some(out.opts.ascii)));
            out.para(&indent, &indent, c.summary);
        } else {
            let line = format!("{}: {}", c.title, strength(c, None));
            out.styled_para(&number, &indent, &line, Style::new().bold());
        }
        out.para(&format!("{indent}Because: "), &indent, &answers(&c.because));
        if out.opts.detail {
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
                &view.cite(&c.sources),
            );
        }
    }
    if shown < view.causes.len() {
        let rest: Vec<&str> = view.causes[shown..].iter().map(|c| c.title).collect();
        out.para(
            "  ",
            "  ",
            &format!("Also, fitting less well: {}.", rest.join("; ")),
        );
    }
    out.blank();
}

/// The training log: what it covers, a chart (a line in the short report, a row a week
/// with `--detail`), the biggest jump, and the answers it gave.
fn training(out: &mut Out, t: &TrainingView) {
    out.heading("Your training log");
    out.para("  ", "  ", &t.headline());
    if out.opts.detail {
        for row in training::text_rows(&t.weeks, bar_width(out.opts.width), out.opts.ascii) {
            let _ = writeln!(out.buf, "{}", clean(&row));
        }
    } else {
        let (line, marks) = training::sparkline(&t.weeks, out.opts.ascii);
        let label = "  km a week, oldest first: ";
        let _ = writeln!(out.buf, "{label}{line}");
        if !marks.is_empty() {
            let mark = if out.opts.ascii { "^" } else { "▲" };
            let _ = writeln!(
                out.buf,
                "{}{marks}  {mark} marks a run much longer than usual",
                " ".repeat(label.chars().count())
            );
        }
    }
    training_notes(out, t);
    out.blank();
}

/// The lines under the chart: the biggest jump, the answers, files skipped.
fn training_notes(out: &mut Out, t: &TrainingView) {
    if let Some(s) = &t.biggest_recent_spike {
        out.para("  Biggest jump: ", "  ", &s.text);
    }
    if let Some(line) = t.answered_line() {
        out.para("  From your log: ", "  ", &line);
    }
    if let Some(line) = t.overruled_line() {
        out.para("  ", "  ", &line);
    }
    if let Some(note) = t.files_note() {
        out.para("  ", "  ", &note);
    }
    if out.opts.detail {
        for s in &t.skipped {
            out.para(
                "    skipped ",
                "      ",
                &format!("{}: {}", s.file, s.reason),
            );
        }
        for g in &t.gear {
            out.para("  Shoes: ", "    ", &g.describe());
        }
    }
}

/// Cells for a week's bar: what the width leaves after the day, the figure and a spike.
fn bar_width(width: usize) -> usize {
    width.saturating_sub(46).clamp(8, 30)
}

/// `runback training`: the log alone, every week, and the answers it would give.
pub fn training_only(t: &TrainingView, opts: TextOptions) -> String {
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts: TextOptions {
            detail: true,
            ..opts
        },
    };
    out.heading("runback: your training log");
    out.blank();
    out.para("", "", &t.headline());
    out.blank();
    for row in training::text_rows(&t.weeks, bar_width(opts.width), opts.ascii) {
        let _ = writeln!(out.buf, "{}", clean(&row));
    }
    out.blank();
    if let Some(s) = &t.biggest_recent_spike {
        out.para(
            "",
            "  ",
            &format!("Biggest jump in the last two weeks: {}", s.text),
        );
    }
    match t.answered_line() {
        Some(line) => out.para("", "  ", &format!("It answers: {line}")),
        None => out.para("", "", "It answers none of the questions."),
    }
    if let Some(note) = t.files_note() {
        out.para("", "", &note);
    }
    for s in &t.skipped {
        out.para("  skipped ", "    ", &format!("{}: {}", s.file, s.reason));
    }
    for g in &t.gear {
        out.para("Shoes: ", "  ", &g.describe());
    }
    out.buf
}

/// Self-tests not done yet, each on a line or two.
fn worth_checking(out: &mut Out, view: &ReportView) {
    let Some(heading) = view.to_do_heading("Worth checking") else {
        return;
    };
    if view.worth_checking.is_empty() {
        return;
    }
    out.heading(&heading);
    for c in &view.worth_checking {
        let shows = if c.could_show.is_empty() {
            String::new()
        } else {
            format!(
                " It could point to: {}.",
                c.could_show.join("; ").to_lowercase()
            )
        };
        out.para("  - ", "    ", &format!("{}: {}{shows}", c.title, c.check));
    }
    out.blank();
}

fn what_to_try(out: &mut Out, view: &ReportView) {
    if view.strategies.is_empty() {
        return;
    }
    out.heading("What to try");
    if let Some(note) = &view.escalation.self_care_note {
        out.styled_para("  ", "  ", note, Style::new().bold());
    }
    for note in view.notes_for_what_to_try() {
        out.styled_para("  ", "  ", note, Style::new().bold());
    }
    for s in &view.strategies {
        out.styled_para("  - ", "    ", s.title, Style::new().bold());
        out.para("    ", "    ", s.how_to);
        let for_titles: Vec<&str> = view.cause_titles(&s.for_causes).collect();
        if !for_titles.is_empty() {
            out.para("    Helps with: ", "    ", &for_titles.join("; "));
        }
        out.para("    Sources: ", "    ", &view.cite(&s.sources));
    }
    out.blank();
}

fn not_answered(out: &mut Out, view: &ReportView) {
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
}

/// What the short report leaves out, and how to see it.
fn more(out: &mut Out, view: &ReportView) {
    let mut parts = vec!["how to do each suggestion".to_string()];
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match view.skipped {
        Some(0) => {}
        Some(n) => parts.push(format!("the {n} question{} you skipped", plural(n))),
        None => {
            let n = view.unanswered.len();
            if n > 0 {
                parts.push(format!(
                    "the {n} question{} left without an answer",
                    plural(n)
                ));
            }
        }
    }
    let sources = view.sources.len();
    parts.push(format!("the {sources} source{}", plural(sources)));
    let last = parts.pop().unwrap_or_default();
    let list = if parts.is_empty() {
        last
    } else {
        format!("{} and {last}", parts.join(", "))
    };
    let more = match &view.more_command {
        Some(command) => format!("More: {command} shows {list}."),
        None => format!("More: add --detail for {list}; --format html makes a page to print."),
    };
    out.para("", "", &more);
    out.blank();
}

fn sources(out: &mut Out, view: &ReportView) {
    out.heading("Sources");
    for s in &view.sources {
        let mut line = s.name.to_string();
        if let Some(document) = s.document {
            let _ = write!(line, " ({document})");
        }
        let _ = write!(line, ": {}", s.title);
        let mut sep = super::view::after_title(s.title);
        if let Some(publisher) = s.publisher {
            let _ = write!(line, "{sep}{publisher}");
            sep = ". ";
        }
        if let Some(year) = s.year {
            let _ = write!(line, ", {year}");
        }
        if let Some(url) = s.url {
            let _ = write!(line, "{sep}{url}");
        }
        out.para("  - ", "    ", &line);
    }
    out.blank();
}

/// A few lines after the report in the terminal, where its top has scrolled away: the
/// level and the first things to do. An emergency report already ends with its action,
/// so it has none.
pub fn render_recap(view: &ReportView, opts: TextOptions) -> String {
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts,
    };
    let e = &view.escalation;
    if e.is_most_urgent() && !e.is_default {
        return out.buf;
    }
    let style = style_for(view);
    out.blank();
    out.heading("In short");
    let level = match (e.is_default, e.time_frame) {
        (true, Some(time_frame)) => format!("{} ({time_frame}).", e.title),
        _ => format!("{}.", e.title),
    };
    out.styled_para("  ", "  ", &level, style);
    // A level that sends the runner to be seen first carries what to stop until then in
    // its own action ("Don't run until you have been checked"), as the reasons' notes
    // carry theirs. Other levels' actions repeat the title and time frame, and point to
    // self-care "below" a recap that comes after the report.
    if view.once_checked() {
        out.para("  ", "  ", e.action);
    }
    for note in &e.self_care_notes {
        out.styled_para("  ", "  ", note, Style::new().bold());
    }
    if !view.once_checked() {
        let first: Vec<&str> = view.strategies[..view.start_here.min(view.strategies.len())]
            .iter()
            .map(|s| s.title)
            .collect();
        if !first.is_empty() {
            out.para("  Start here: ", "  ", &format!("{}.", first.join("; ")));
        }
    }
    out.para(
        "  ",
        "  ",
        "The whole report is above: scroll up to read it.",
    );
    out.buf
}

fn emergency_close(out: &mut Out, view: &ReportView) {
    let e = &view.escalation;
    let style = style_for(view);
    out.styled_para(
        "",
        "",
        &format!("!! {} !!", clean(&e.title.to_uppercase())),
        style.clone().reverse(),
    );
    out.styled_para("  ", "  ", e.action, style);
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

/// A check-in's report. What to do comes first: the level, in the assessment's words
/// (at the default level its time frame, since a check-in lists no self-care), then
/// "should I run today?" with today's step, then how the pain has gone, the warning signs
/// to watch and when to check in next. At a level to be seen first (emergency, urgent),
/// only the action and "don't run": no step, no chart.
pub fn render_checkin(
    view: &ReportView,
    checkin: &super::bout::CheckinView,
    opts: TextOptions,
) -> String {
    let view = &super::bout::cited(view, checkin);
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts,
    };
    let since = super::date::readable_day(&checkin.bout.started);
    out.heading(&format!(
        "Check-in, day {} of the back pain you assessed on {since}",
        checkin.bout.day
    ));
    out.blank();
    let e = &view.escalation;
    let seen_first = view.once_checked();
    if view.notices_first() {
        not_checked(&mut out, view);
    }
    checkin_box(&mut out, view, checkin);
    for note in &e.self_care_notes {
        out.styled_para("", "", note, Style::new().bold());
    }
    if !e.self_care_notes.is_empty() {
        out.blank();
    }
    run_today(&mut out, view, checkin, seen_first);
    if !view.notices_first() {
        not_checked(&mut out, view);
    }
    if !seen_first {
        pain_chart(&mut out, &checkin.pain);
        if out.opts.detail {
            checkin_answers(&mut out, checkin);
        }
    }
    if e.is_most_urgent() && !e.is_default {
        emergency_close(&mut out, view);
        return out.buf;
    }
    safety_net(&mut out, view);
    if !seen_first {
        out.para(
            "",
            "",
            "Check in again in two or three days (runback checkin), and at once if a warning sign appears.",
        );
    }
    if out.opts.detail {
        out.blank();
        sources(&mut out, view);
        out.para("", "", view.disclaimer);
    }
    out.buf
}

/// The level in a frame, in the words a check-in uses, and how it changed since the last
/// entry.
fn checkin_box(out: &mut Out, view: &ReportView, checkin: &super::bout::CheckinView) {
    let e = &view.escalation;
    let style = style_for(view);
    out.rule(style.clone());
    let (banner, banner_style) = if e.is_default {
        (format!("What to do: {}", e.title), style.clone())
    } else {
        (
            format!("!! {} !!", clean(&e.title.to_uppercase())),
            style.clone().reverse(),
        )
    };
    out.styled_para("", "", &banner, banner_style);
    out.styled_para("  ", "  ", &checkin.action, style.clone());
    for r in e.own_reasons() {
        reason(out, view, r);
    }
    out.rule(style);
    if let Some(change) = changed_from(checkin).filter(|_| !view.once_checked()) {
        out.styled_para("", "", &change, Style::new().bold());
    }
    out.blank();
}

/// "More urgent than at your check-in on 9 Dec 2025, when it was: Self-care first."
pub(crate) fn changed_from(checkin: &super::bout::CheckinView) -> Option<String> {
    let before = checkin.changed_from.as_ref()?;
    let how = match before.more_urgent_now {
        Some(true) => "More urgent than",
        Some(false) => "Less urgent than",
        None => "Changed since",
    };
    let entry = match before.kind {
        crate::bout::Kind::Assessment => "assessment",
        crate::bout::Kind::Checkin => "check-in",
    };
    Some(format!(
        "{how} at your {entry} on {}, when it was: {}.",
        super::date::readable_day(&before.date),
        before.title.trim_end_matches('.')
    ))
}

/// "Should I run today?": the decision, its advice and reasons, and today's step with the
/// single-run limit; at a level to be seen first, "don't run" alone.
fn run_today(
    out: &mut Out,
    view: &ReportView,
    checkin: &super::bout::CheckinView,
    seen_first: bool,
) {
    let today = &checkin.run_today;
    out.styled_para(
        "",
        "",
        &format!("Should I run today? {}.", today.title.trim_end_matches('.')),
        Style::new().bold(),
    );
    if seen_first {
        out.para("  ", "  ", today.advice);
        out.blank();
        return;
    }
    out.para("  ", "  ", today.advice);
    let n = &today.numbers;
    if let (Some(step), true) = (&n.plan_step, today.title_runs()) {
        out.styled_para(
            &format!("  Step {} of {}: ", step.number, step.of),
            "    ",
            step.run,
            Style::new().bold(),
        );
    }
    if let (Some(longest), Some(limit), true) = (n.longest_30d_km, n.limit_km, today.runs) {
        out.para(
            "  Limit: ",
            "    ",
            &format!(
                "no run over {} km (your longest in the last 30 days was {} km).",
                crate::rulebase::words::number(limit),
                crate::rulebase::words::number(longest)
            ),
        );
    }
    if today.held_by_level {
        out.para(
            "  - ",
            "    ",
            "The advice above comes first: see someone before you run again.",
        );
    }
    // The reasons of the decision reached; milder ones would only confuse.
    for r in today
        .reasons
        .iter()
        .filter(|r| r.decision == today.decision)
    {
        out.para("  - ", "    ", r.text);
        if out.opts.detail {
            because(out, "    ", &r.because);
            out.para("    Sources: ", "    ", &view.cite(&r.sources));
        }
    }
    if let Some(spike) = &n.spike {
        out.para(
            "  - ",
            "    ",
            &format!(
                "Your run on {} ({} km) was {}% longer than your longest of the 30 days before it ({} km).",
                super::date::readable_day(&spike.date),
                crate::rulebase::words::number(spike.km),
                spike.percent,
                crate::rulebase::words::number(spike.longest_before_km)
            ),
        );
    }
    out.blank();
}

/// The check-in's answers and the facts worked out, for `--detail`.
fn checkin_answers(out: &mut Out, checkin: &super::bout::CheckinView) {
    out.heading("Your answers");
    for a in checkin.other_answers() {
        out.para("  ", "    ", &format!("{}: {}", a.label, a.answer_text));
    }
    if let Some((stands_out, signs)) = checkin.signs_sentence() {
        let style = if stands_out {
            Style::new().bold()
        } else {
            Style::new()
        };
        out.styled_para("  ", "    ", &signs, style);
    }
    out.blank();
}

/// The pain score over the bout, a bar a day on a scale of ten, and the trend in words.
/// A long bout shows its first entry and its latest ones.
fn pain_chart(out: &mut Out, pain: &[super::bout::PainPoint]) {
    if pain.iter().all(|p| p.pain.is_none()) {
        return;
    }
    out.heading("Pain at its worst, out of 10");
    let (full, empty) = if out.opts.ascii {
        ("#", "-")
    } else {
        ("█", "░")
    };
    let last = pain.len().saturating_sub(1);
    let (listed, hidden) = super::bout::listed(pain);
    for (i, p) in listed {
        if i > 1 && i == hidden + 1 {
            out.para(
                "  ",
                "  ",
                &format!("{:>11}  {}", "...", super::bout::left_out(hidden)),
            );
        }
        let day = super::date::readable_day(&p.date);
        let kind = match (p.kind, i == last) {
            (_, true) => "  today",
            (crate::bout::Kind::Assessment, _) => "  assessment",
            (crate::bout::Kind::Checkin, _) => "",
        };
        let line = match p.pain {
            Some(score) => {
                let cells = score.round().clamp(0.0, 10.0) as usize;
                format!(
                    "{day:>11}  day {:<3} {}{} {:>2}{kind}",
                    p.day,
                    full.repeat(cells),
                    empty.repeat(10 - cells),
                    crate::rulebase::words::number(score)
                )
            }
            None => format!("{day:>11}  day {:<3} not answered{kind}", p.day),
        };
        let _ = writeln!(out.buf, "  {}", clean(&line));
    }
    if let Some(trend) = super::bout::trend(pain, "today") {
        out.para("  ", "  ", &format!("{trend}."));
    }
    out.blank();
}

/// The pain of a bout's entries as columns on a scale of ten, two points a row (a full
/// block for two, a half for one), oldest on the left, with the first and last days
/// under it. A bout too long for the width shows its latest entries.
fn pain_columns(out: &mut Out, pain: &[super::bout::PainPoint]) {
    if pain.iter().all(|p| p.pain.is_none()) {
        return;
    }
    let ascii = out.opts.ascii;
    let (full, half, bar, corner, rule) = if ascii {
        ('#', '.', '|', '+', '-')
    } else {
        ('█', '▄', '│', '└', '─')
    };
    let room = out.opts.width.clamp(20, 200) - 8;
    let shown = &pain[pain.len().saturating_sub(room)..];
    let step = if shown.len() * 2 <= room { 2 } else { 1 };
    for row in (1..=5u32).rev() {
        let top = f64::from(row * 2);
        let mut line = format!("  {:>3} {bar}", row * 2);
        for p in shown {
            let v = p.pain.map_or(0.0, |v| v.round().clamp(0.0, 10.0));
            line.push(if v >= top {
                full
            } else if v >= top - 1.0 {
                half
            } else {
                ' '
            });
            if step == 2 {
                line.push(' ');
            }
        }
        let _ = writeln!(out.buf, "{}", line.trim_end());
    }
    let mut axis = format!("  {:>3} {corner}", 0);
    for p in shown {
        axis.push(if p.pain.is_none() { '?' } else { rule });
        if step == 2 {
            axis.push(rule);
        }
    }
    let _ = writeln!(out.buf, "{axis}");
    let short = |ymd: &str| {
        let day = super::date::readable_day(ymd);
        // "6 Dec 2025" without its year: the heading gives it.
        day.rsplit_once(' ')
            .map_or(day.clone(), |(d, _)| d.to_string())
    };
    let (first, last) = (
        shown.first().map(|p| short(&p.date)),
        shown.last().map(|p| short(&p.date)),
    );
    let width = shown.len() * step;
    let labels = match (first, last) {
        (Some(a), Some(b)) if shown.len() > 1 && a.chars().count() + b.chars().count() < width => {
            let gap = width - a.chars().count() - b.chars().count() - usize::from(step == 2);
            format!("{a}{}{b}", " ".repeat(gap))
        }
        (Some(a), Some(b)) if shown.len() > 1 => format!("{a} to {b}"),
        (Some(a), _) => a,
        _ => String::new(),
    };
    let _ = writeln!(out.buf, "{}{}", " ".repeat(7), clean(&labels));
    if shown.len() < pain.len() {
        out.para(
            "  ",
            "  ",
            &format!("The chart shows the latest {} entries.", shown.len()),
        );
    }
    if pain.iter().any(|p| p.pain.is_none()) {
        out.para("  ", "  ", "? marks an entry without a pain score.");
    }
}

/// Every bout kept: a chart of its pain, then each entry with its level (changes
/// marked), "should I run today?", the step, how the plan went and any warning sign.
pub fn render_history(history: &super::bout::HistoryView, opts: TextOptions) -> String {
    let mut out = Out {
        buf: String::new(),
        wrapper: Wrapper::default(),
        opts,
    };
    if history.bouts.is_empty() {
        out.para(
            "",
            "",
            "Nothing kept yet. An assessment in the terminal (runback) starts a bout; runback checkin follows it.",
        );
        return out.buf;
    }
    let arrow = if opts.ascii { "->" } else { "→" };
    for (b, bout) in history.bouts.iter().enumerate() {
        if b > 0 {
            out.blank();
        }
        let current = if bout.current { ", ongoing" } else { "" };
        out.heading(&format!(
            "Back pain from {}{current}",
            super::date::readable_day(&bout.started),
        ));
        out.para("", "", &format!("bout {}", bout.id));
        out.blank();
        let pain = bout.pain();
        if pain.iter().any(|p| p.pain.is_some()) {
            out.para("", "", "Pain at its worst, out of 10:");
            pain_columns(&mut out, &pain);
            if let Some(trend) = super::bout::trend(&pain, "at the latest entry") {
                out.para("", "", &format!("{trend}."));
            }
            out.blank();
        }
        let indent = " ".repeat(15);
        for e in &bout.entries {
            let mut parts = Vec::new();
            if let Some(p) = e.pain_now {
                parts.push(format!("pain {}", crate::rulebase::words::number(p)));
            }
            parts.push(e.level_words(arrow));
            let mut line = format!("{}, day {}: {}", e.kind_word(), e.day, parts.join("; "));
            if let Some(d) = &e.decision_title {
                line.push_str(&format!(". {}", d.trim_end_matches('.')));
                if let Some(step) = e.step_words(history.plan_steps) {
                    line.push_str(&format!(", {step}"));
                }
            }
            line.push('.');
            let first = format!("{:>13}  ", super::date::readable_day(&e.date));
            if e.changed_from.is_some() {
                out.styled_para(&first, &indent, &line, Style::new().bold());
            } else {
                out.para(&first, &indent, &line);
            }
            for note in &e.notes {
                out.para(&indent, &indent, &format!("{note}."));
            }
            if !e.signs.is_empty() {
                out.styled_para(
                    &format!("{indent}Warning signs: "),
                    &indent,
                    &format!("{}.", e.signs.join("; ")),
                    Style::new().bold(),
                );
            }
        }
    }
    out.buf
}

#[cfg(test)]
mod tests {
    use super::{Out, Style, TextOptions, Wrapper, Write, clean, one_line};
    use proptest::prelude::*;

    fn wrapped(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
        let options = crate::wrap::options(width)
            .initial_indent(first)
            .subsequent_indent(rest);
        textwrap::wrap(text, options)
            .into_iter()
            .map(|line| line.into_owned())
            .collect()
    }

    /// Whenever the one-line path is taken, textwrap gives that very line.
    fn same_as_textwrap(text: &str, first: &str, rest: &str, width: usize) -> bool {
        let Some(line) = one_line(text, first, width) else {
            return false;
        };
        assert_eq!(
            wrapped(text, first, rest, width),
            vec![format!("{first}{line}")],
            "{text:?} after {first:?} in {width} columns"
        );
        true
    }

    /// Every text of the shipped rule base, and two with spaces around.
    fn rule_base_texts() -> Vec<String> {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let mut texts: Vec<String> = Vec::new();
        for q in &rb.questionnaire.questions {
            texts.extend([q.label.to_string(), q.text.to_string()]);
            texts.extend(q.options.iter().map(|o| o.label.to_string()));
        }
        for c in &rb.causes {
            texts.extend([c.title.to_string(), c.summary.to_string()]);
        }
        for s in &rb.strategies {
            texts.extend([s.title.to_string(), s.how_to.to_string()]);
        }
        for l in &rb.levels {
            texts.extend([l.title.to_string(), l.action.to_string()]);
        }
        for s in &rb.sources {
            texts.push(s.title.to_string());
        }
        texts.extend(["  leading spaces".into(), "trailing spaces   ".into()]);
        texts
    }

    /// The first indents and hanging indents the report uses.
    const INDENTS: [(&str, &str); 6] = [
        ("", ""),
        ("  ", "  "),
        ("  - ", "    "),
        ("  12. ", "      "),
        ("     Because: ", "     "),
        ("  You answered: ", "  "),
    ];

    /// Every text of the shipped rule base, after the indents the report uses, at every
    /// width from 1 to 120 columns.
    #[test]
    fn the_rule_base_on_one_line_is_what_textwrap_gives() {
        let texts = rule_base_texts();
        let mut taken = 0;
        for text in &texts {
            for (first, rest) in INDENTS {
                for width in 1..=120 {
                    taken += usize::from(same_as_textwrap(text, first, rest, width));
                }
            }
        }
        assert!(
            taken > texts.len() * 100,
            "the one-line path was taken {taken} times"
        );
    }

    /// A paragraph as the report drew it with textwrap alone: every line textwrap gives,
    /// its words styled, the indent not.
    fn para_by_textwrap(
        opts: TextOptions,
        first: &str,
        rest: &str,
        text: &str,
        style: &Style,
    ) -> String {
        let mut buf = String::new();
        let indent = first.chars().count().max(rest.chars().count());
        let width = opts.width.max(indent + 20);
        let text = clean(text);
        let options = crate::wrap::options(width)
            .initial_indent(first)
            .subsequent_indent(rest);
        for (i, line) in textwrap::wrap(&text, options).iter().enumerate() {
            let prefix = if i == 0 { first } else { rest };
            let words = line.strip_prefix(prefix).unwrap_or(line);
            let words = style.clone().force_styling(opts.color).apply_to(words);
            let _ = writeln!(buf, "{prefix}{words}");
        }
        buf
    }

    /// A paragraph as the report draws it now.
    fn para(opts: TextOptions, first: &str, rest: &str, text: &str, style: &Style) -> String {
        let mut out = Out {
            buf: String::new(),
            opts,
            wrapper: Wrapper::default(),
        };
        out.styled_para(first, rest, text, style.clone());
        out.buf
    }

    fn options(width: usize, color: bool) -> TextOptions {
        TextOptions {
            width,
            color,
            ascii: false,
            detail: false,
        }
    }

    /// Every text of the shipped rule base is drawn as textwrap wraps it, after every
    /// indent the report uses, at every width from 1 to 120 columns, plain and in colour.
    #[test]
    fn the_rule_base_is_drawn_as_textwrap_wraps_it() {
        let plain = Style::new();
        let bold = Style::new().bold().red();
        let texts = rule_base_texts();
        let mut several = 0;
        for text in &texts {
            for (first, rest) in INDENTS {
                for width in 1..=120 {
                    let opts = options(width, false);
                    let drawn = para(opts, first, rest, text, &plain);
                    assert_eq!(
                        drawn,
                        para_by_textwrap(opts, first, rest, text, &plain),
                        "{text:?} after {first:?} in {width} columns"
                    );
                    several += usize::from(drawn.lines().count() > 1);
                    if width % 7 == 0 {
                        let opts = options(width, true);
                        assert_eq!(
                            para(opts, first, rest, text, &bold),
                            para_by_textwrap(opts, first, rest, text, &bold),
                            "{text:?} after {first:?} in {width} columns, in colour"
                        );
                    }
                }
            }
        }
        // A good share of them take several lines (104,000 of 356,400 when written).
        assert!(
            several > texts.len() * INDENTS.len() * 120 / 4,
            "{several} paragraphs took several lines"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn a_paragraph_on_one_line_is_what_textwrap_gives(
            words in prop::collection::vec("[a-z0-9é—≥:;,()漢\u{301}-]{0,9}", 0..14),
            gaps in prop::collection::vec(1usize..4, 14),
            lead in 0usize..3,
            trail in 0usize..3,
            first in "[ ]{0,5}(You answered: |1[.] |- )?",
            rest in "[ ]{0,9}",
            width in 1usize..90,
        ) {
            let mut text = " ".repeat(lead);
            for (word, gap) in words.iter().zip(&gaps) {
                text.push_str(word);
                text.push_str(&" ".repeat(*gap));
            }
            text.truncate(text.trim_end_matches(' ').len());
            text.push_str(&" ".repeat(trail));
            same_as_textwrap(&text, &first, &rest, width);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn a_random_paragraph_is_drawn_as_textwrap_wraps_it(
            pieces in prop::collection::vec(crate::wrap::tests::piece(), 0..60),
            (first, rest) in prop_oneof![
                Just(("", "")),
                Just(("  ", "  ")),
                Just(("  - ", "    ")),
                Just(("  3. ", "     ")),
                Just(("  You answered: ", "  ")),
                Just(("漢 ", "  ")),
            ],
            width in 1usize..100,
            color in any::<bool>(),
        ) {
            let text = pieces.concat();
            let style = Style::new().bold();
            let opts = options(width, color);
            prop_assert_eq!(
                para(opts, first, rest, &text, &style),
                para_by_textwrap(opts, first, rest, &text, &style)
            );
        }
    }
}
