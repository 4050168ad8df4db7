//! The report as Markdown that renders cleanly on GitHub: a heading per section and a
//! table of causes.

use std::fmt::Write;

use super::training::{self as log, TrainingView};
use super::view::{AnswerView, ReasonView, ReportView};

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
        .map(|a| {
            let log = if a.from_log { " (from your log)" } else { "" };
            format!("{}: {}{log}", escape(a.label), escape(&a.answer_text))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The sources with these ids, by the names a reader knows them by.
fn ids(view: &ReportView, list: &[&str]) -> String {
    escape(&view.cite(list))
}

/// "You answered ..." and "Not answered ..." for a reason.
fn because(list: &[AnswerView]) -> String {
    let (given, empty): (Vec<AnswerView>, Vec<AnswerView>) =
        list.iter().cloned().partition(|a| !a.answer.is_null());
    let mut out = String::new();
    if !given.is_empty() {
        let _ = write!(out, " *You answered:* {}.", answers(&given));
    }
    if !empty.is_empty() {
        let labels: Vec<String> = empty.iter().map(|a| escape(a.label)).collect();
        let _ = write!(out, " *Not answered:* {}.", labels.join("; "));
    }
    out
}

fn reasons<'v>(md: &mut String, view: &ReportView, list: impl Iterator<Item = &'v ReasonView<'v>>) {
    let mut any = false;
    for r in list {
        any = true;
        let _ = writeln!(
            md,
            "- {}{} *Sources:* {}",
            escape(r.text),
            because(&r.because),
            ids(view, &r.sources)
        );
    }
    if any {
        md.push('\n');
    }
}

/// Too few answers, and warning signs not checked.
fn notices(md: &mut String, view: &ReportView) {
    if let Some(few) = view.few_answers() {
        let _ = writeln!(md, "> **{few}:** {}.\n", super::view::ANSWER_MORE);
    }
    if let Some(sentence) = view.escalation.not_checked_sentence() {
        let labels: Vec<String> = view
            .escalation
            .not_checked
            .iter()
            .map(|q| escape(q.label))
            .collect();
        let _ = writeln!(
            md,
            "> [!WARNING]\n> **Not checked:** {sentence}: {}.\n",
            labels.join("; ")
        );
    }
}

/// Renders the report as Markdown.
pub fn render(view: &ReportView) -> String {
    let e = &view.escalation;
    let mut md = String::new();
    let _ = writeln!(md, "# runback: back pain self-assessment\n");
    let _ = writeln!(md, "*{}*\n", escape(&view.date));
    if view.notices_first() {
        notices(&mut md, view);
    }
    escalation(&mut md, view);
    if !view.notices_first() {
        notices(&mut md, view);
    }
    if e.lesser_reasons().next().is_some() {
        let _ = writeln!(md, "### Also worth mentioning when you are seen\n");
        reasons(&mut md, view, e.lesser_reasons());
    }
    if e.safety_net.as_ref().is_some_and(|n| n.prominent) {
        safety_net(&mut md, view);
    }
    let first = &view.strategies[..view.start_here.min(view.strategies.len())];
    if let Some(heading) = view.to_do_heading("Start here")
        && (!first.is_empty() || !e.self_care_notes.is_empty())
    {
        let _ = writeln!(md, "## {heading}\n");
        let mut n = 0;
        for note in &e.self_care_notes {
            n += 1;
            let _ = writeln!(md, "{n}. **{}**", escape(note));
        }
        for s in first {
            n += 1;
            let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
            let for_ = if helps.is_empty() {
                String::new()
            } else {
                format!(" (for: {})", helps.join("; ").to_lowercase())
            };
            let _ = writeln!(md, "{n}. **{}**{for_}", escape(s.title));
        }
        md.push('\n');
    }

    let _ = writeln!(md, "## Possible contributors\n");
    if view.causes.is_empty() {
        let _ = writeln!(
            md,
            "Your answers do not point to any of the contributors runback knows about.\n"
        );
    } else {
        let _ = writeln!(md, "{}\n", escape(super::view::FIT_LEGEND));
        let _ = writeln!(md, "| # | Contributor | Fit | Because | Sources |");
        let _ = writeln!(md, "|---|---|---|---|---|");
        for (i, c) in view.causes.iter().enumerate() {
            let strength = if c.rated {
                format!("{} {}", super::bar(c.confidence, false), c.fit)
            } else {
                "only an examination can tell".to_string()
            };
            let _ = writeln!(
                md,
                "| {} | **{}** | {strength} | {} | {} |",
                i + 1,
                escape(c.title),
                answers(&c.because),
                ids(view, &c.sources)
            );
        }
        md.push('\n');
    }

    if let Some(t) = &view.training {
        training(&mut md, t, "##");
    }

    if let Some(heading) = view.to_do_heading("Worth checking")
        && !view.worth_checking.is_empty()
    {
        let _ = writeln!(md, "## {heading}\n");
        for c in &view.worth_checking {
            let shows = if c.could_show.is_empty() {
                String::new()
            } else {
                let titles: Vec<String> = c.could_show.iter().map(|t| escape(t)).collect();
                format!(" *It could point to:* {}.", titles.join("; "))
            };
            let _ = writeln!(md, "- **{}**: {}{shows}", escape(c.title), escape(c.check));
        }
        md.push('\n');
    }

    if !view.strategies.is_empty() {
        let _ = writeln!(md, "## What to try\n");
        if let Some(note) = &e.self_care_note {
            let _ = writeln!(md, "**{}**\n", escape(note));
        }
        for note in view.notes_for_what_to_try() {
            let _ = writeln!(md, "**{}**\n", escape(note));
        }
        for s in &view.strategies {
            let helps: Vec<String> = view.cause_titles(&s.for_causes).map(escape).collect();
            let _ = writeln!(md, "### {}\n", escape(s.title));
            let _ = writeln!(md, "{}\n", escape(s.how_to));
            if helps.is_empty() {
                let _ = writeln!(md, "*Sources:* {}\n", ids(view, &s.sources));
            } else {
                let _ = writeln!(
                    md,
                    "*Helps with:* {}. *Sources:* {}\n",
                    helps.join("; "),
                    ids(view, &s.sources)
                );
            }
        }
    }
    if e.safety_net.as_ref().is_some_and(|n| !n.prominent) {
        safety_net(&mut md, view);
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

    sources(&mut md, view);
    let _ = writeln!(md, "\n> {}", escape(view.disclaimer));
    if e.is_most_urgent() && !e.is_default {
        let _ = writeln!(
            md,
            "\n> [!CAUTION]\n> **{}: {}**",
            escape(e.title),
            escape(e.action)
        );
    }
    md
}

/// The sources, each with a link when it has an address.
fn sources(md: &mut String, view: &ReportView) {
    let _ = writeln!(md, "## Sources\n");
    for s in &view.sources {
        let mut name = format!("**{}**", escape(s.name));
        if let Some(document) = s.document {
            let _ = write!(name, " ({})", escape(document));
        }
        let mut about = String::new();
        if let Some(publisher) = s.publisher {
            let sep = super::view::after_title(s.title);
            let _ = write!(about, "{sep}{}", escape(publisher));
        }
        if let Some(year) = s.year {
            let _ = write!(about, ", {year}");
        }
        match s
            .url
            .filter(|url| crate::rulebase::url::problem(url).is_none())
        {
            Some(url) => {
                let _ = writeln!(
                    md,
                    "- {name}: [{}](<{}>){about}",
                    escape(s.title),
                    link_destination(url)
                );
            }
            None => {
                let _ = writeln!(md, "- {name}: {}{about}", escape(s.title));
            }
        }
    }
}

fn escalation(md: &mut String, view: &ReportView) {
    let e = &view.escalation;
    let kind = match (e.is_default, e.rank) {
        (true, _) => "TIP",
        (false, 0 | 1) => "CAUTION",
        (false, _) => "IMPORTANT",
    };
    let _ = writeln!(md, "## {}\n", escape(e.title));
    let _ = writeln!(md, "> [!{kind}]\n> **{}**\n", escape(e.action));
    reasons(md, view, e.own_reasons());
}

fn safety_net(md: &mut String, view: &ReportView) {
    let Some(net) = &view.escalation.safety_net else {
        return;
    };
    let _ = writeln!(md, "### {}\n", escape(net.title));
    for sign in net.signs {
        let _ = writeln!(md, "- {}", escape(sign));
    }
    let _ = writeln!(md, "\n**{}**\n", escape(net.action));
}

/// The training log: what it covers, a table of its weeks, the biggest jump and the
/// answers it gave, under a heading of `level`.
fn training(md: &mut String, t: &TrainingView, level: &str) {
    let _ = writeln!(md, "{level} Your training log\n");
    let _ = writeln!(md, "{}\n", escape(&t.headline()));
    let _ = writeln!(
        md,
        "| Week from | Distance | Runs | Climb | Longer than usual |"
    );
    let _ = writeln!(md, "|---|--:|--:|--:|---|");
    for w in &t.weeks {
        let climb = w.ascent_m.map_or_else(String::new, |m| format!("{m:.0} m"));
        let spikes: Vec<String> = w
            .spikes
            .iter()
            .map(|s| format!("{} ({:.1}×)", log::km(s.km), s.ratio))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {climb} | {} |",
            escape(&w.start),
            log::km(w.km),
            w.runs,
            spikes.join(", ")
        );
    }
    md.push('\n');
    if let Some(s) = &t.biggest_recent_spike {
        let _ = writeln!(md, "**Biggest jump:** {}\n", escape(&s.text));
    }
    if let Some(line) = t.answered_line() {
        let _ = writeln!(md, "**From your log:** {}\n", escape(&line));
    }
    if let Some(line) = t.overruled_line() {
        let _ = writeln!(md, "{}\n", escape(&line));
    }
    if let Some(note) = t.files_note() {
        let _ = writeln!(md, "{}\n", escape(&note));
    }
    for s in &t.skipped {
        let _ = writeln!(md, "- skipped {}: {}", escape(&s.file), escape(&s.reason));
    }
    if !t.skipped.is_empty() {
        md.push('\n');
    }
    for g in &t.gear {
        let _ = writeln!(md, "- Shoes: {}", escape(&g.describe()));
    }
    if !t.gear.is_empty() {
        md.push('\n');
    }
}

/// `runback training --format markdown`: the log alone.
pub fn training_only(t: &TrainingView) -> String {
    let mut md = String::from("# runback: your training log\n\n");
    training(&mut md, t, "##");
    md
}

/// A check-in's report in Markdown: what to do, "should I run today?" with the plan, the
/// pain as a table, the answers, the safety net and the sources. At a level to be seen
/// first, only the action and "don't run".
pub fn render_checkin(view: &ReportView, checkin: &super::bout::CheckinView) -> String {
    let view = &super::bout::cited(view, checkin);
    let e = &view.escalation;
    let seen_first = view.once_checked();
    let mut md = format!(
        "# Check-in, day {} of the back pain assessed on {}\n\n*{}*\n\n",
        checkin.bout.day,
        super::date::readable_day(&checkin.bout.started),
        escape(&checkin.date)
    );
    if view.notices_first() {
        notices(&mut md, view);
    }
    let kind = match (e.is_default, e.rank) {
        (true, _) => "TIP",
        (false, 0 | 1) => "CAUTION",
        (false, _) => "IMPORTANT",
    };
    let _ = writeln!(md, "## {}\n", escape(e.title));
    let _ = writeln!(md, "> [!{kind}]\n> **{}**\n", escape(&checkin.action));
    reasons(&mut md, view, e.own_reasons());
    if let Some(change) = super::text::changed_from(checkin).filter(|_| !seen_first) {
        let _ = writeln!(md, "**{}**\n", escape(&change));
    }
    for note in &e.self_care_notes {
        let _ = writeln!(md, "**{}**\n", escape(note));
    }
    let today = &checkin.run_today;
    let _ = writeln!(
        md,
        "## Should I run today? {}\n",
        escape(today.title.trim_end_matches('.'))
    );
    if seen_first {
        let _ = writeln!(md, "{}\n", escape(today.advice));
    } else {
        run_today(&mut md, view, today);
    }
    if !view.notices_first() {
        notices(&mut md, view);
    }
    if !seen_first {
        pain_table(&mut md, &checkin.pain);
        if let Some(trend) = super::bout::trend(&checkin.pain, "today") {
            let _ = writeln!(md, "{}.\n", escape(&trend));
        }
        let _ = writeln!(md, "## Your answers\n");
        if let Some((stands_out, signs)) = checkin.signs_sentence() {
            if stands_out {
                let _ = writeln!(md, "**{}**\n", escape(&signs));
            } else {
                let _ = writeln!(md, "{}\n", escape(&signs));
            }
        }
        let _ = writeln!(md, "| Question | Answer |\n|---|---|");
        for a in checkin.other_answers() {
            let _ = writeln!(md, "| {} | {} |", escape(a.label), escape(&a.answer_text));
        }
        md.push('\n');
    }
    if e.is_most_urgent() && !e.is_default {
        let _ = writeln!(
            md,
            "> [!CAUTION]\n> **{}: {}**\n",
            escape(e.title),
            escape(e.action)
        );
    } else {
        safety_net(&mut md, view);
        if !seen_first {
            let _ = writeln!(
                md,
                "Check in again in two or three days (`runback checkin`), and at once if a warning sign appears.\n"
            );
        }
    }
    sources(&mut md, view);
    let _ = writeln!(md, "\n> {}", escape(view.disclaimer));
    md
}

/// "Should I run today?" below its heading: the advice, today's step and limit, the
/// reasons, and the plan with today's step marked.
fn run_today(md: &mut String, view: &ReportView, today: &super::bout::RunTodayView) {
    let _ = writeln!(md, "{}\n", escape(today.advice));
    let n = &today.numbers;
    if let (Some(step), true) = (&n.plan_step, today.runs) {
        let _ = writeln!(
            md,
            "**Step {} of {}:** {}\n",
            step.number,
            step.of,
            escape(step.run)
        );
    }
    if let (Some(longest), Some(limit), true) = (n.longest_30d_km, n.limit_km, today.runs) {
        let _ = writeln!(
            md,
            "**Limit:** no run over {} km (your longest in the last 30 days was {} km).\n",
            crate::rulebase::words::number(limit),
            crate::rulebase::words::number(longest)
        );
    }
    let mut any = false;
    for r in today
        .reasons
        .iter()
        .filter(|r| r.decision == today.decision)
    {
        any = true;
        let _ = writeln!(
            md,
            "- {}{} *Sources:* {}",
            escape(r.text),
            because(&r.because),
            ids(view, &r.sources)
        );
    }
    if let Some(spike) = &n.spike {
        any = true;
        let _ = writeln!(
            md,
            "- Your run on {} ({} km) was {}% longer than your longest of the 30 days before it ({} km).",
            super::date::readable_day(&spike.date),
            crate::rulebase::words::number(spike.km),
            spike.percent,
            crate::rulebase::words::number(spike.longest_before_km)
        );
    }
    if any {
        md.push('\n');
    }
    if let Some(plan) = &today.plan {
        let mark = if today.runs { "today" } else { "your next run" };
        let _ = writeln!(md, "### {}\n", escape(plan.title));
        for step in &plan.steps {
            if step.current {
                let _ = writeln!(md, "{}. **{}** ← {mark}", step.number, escape(step.run));
            } else {
                let _ = writeln!(md, "{}. {}", step.number, escape(step.run));
            }
        }
        let _ = writeln!(
            md,
            "\n{} *Sources:* {}\n",
            escape(plan.move_on),
            ids(view, &plan.sources)
        );
    }
}

/// The pain over a bout as a table, the last row today's.
fn pain_table(md: &mut String, pain: &[super::bout::PainPoint]) {
    if pain.iter().all(|p| p.pain.is_none()) {
        return;
    }
    let _ = writeln!(
        md,
        "## Pain at its worst, out of 10\n\n| Date | Day | Entry | Pain |\n|---|--:|---|--:|"
    );
    let last = pain.len().saturating_sub(1);
    let (listed, hidden) = super::bout::listed(pain);
    for (i, p) in listed {
        if i > 1 && i == hidden + 1 {
            let _ = writeln!(md, "| ... | | {} | |", super::bout::left_out(hidden));
        }
        let entry = match (p.kind, i == last) {
            (_, true) => "today",
            (crate::bout::Kind::Assessment, _) => "assessment",
            (crate::bout::Kind::Checkin, _) => "check-in",
        };
        let score = p.pain.map_or_else(
            || "not answered".to_string(),
            crate::rulebase::words::number,
        );
        let _ = writeln!(
            md,
            "| {} | {} | {entry} | {score} |",
            escape(&super::date::readable_day(&p.date)),
            p.day
        );
    }
    md.push('\n');
}

/// The history of every bout in Markdown: a table a bout, level changes in bold.
pub fn render_history(history: &super::bout::HistoryView) -> String {
    let mut md = String::from("# Back pain history\n\n");
    if history.bouts.is_empty() {
        md.push_str(
            "Nothing kept yet. An assessment in the terminal (`runback`) starts a bout; `runback checkin` follows it.\n",
        );
        return md;
    }
    for bout in &history.bouts {
        let current = if bout.current { ", ongoing" } else { "" };
        let _ = writeln!(
            md,
            "## From {}{current}\n\nBout {}\n",
            super::date::readable_day(&bout.started),
            escape(&bout.id)
        );
        if let Some(trend) = super::bout::trend(&bout.pain(), "at the latest entry") {
            let _ = writeln!(md, "Pain at its worst: {}.\n", escape(&trend));
        }
        let heads: String = history
            .note_labels
            .iter()
            .map(|l| format!(" {} |", escape(l)))
            .collect();
        let rules = "---|".repeat(history.note_labels.len());
        let _ = writeln!(
            md,
            "| Date | Day | Entry | Pain | Level | Should I run today? |{heads} Warning signs |\n|---|--:|---|--:|---|---|{rules}---|"
        );
        for e in &bout.entries {
            let row = e.table_row(history);
            let level = escape(&row.level);
            let level = if row.changed {
                format!("**{level}**")
            } else {
                level
            };
            let notes: String = row
                .notes
                .iter()
                .map(|note| format!(" {} |", escape(note)))
                .collect();
            let signs: Vec<String> = row.signs.iter().map(|s| escape(s)).collect();
            let signs = if signs.is_empty() {
                String::new()
            } else {
                format!("**{}**", signs.join("; "))
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {level} | {} |{notes} {signs} |",
                escape(&row.date),
                row.day,
                row.kind,
                row.pain,
                escape(&row.today),
            );
        }
        md.push('\n');
    }
    md
}
