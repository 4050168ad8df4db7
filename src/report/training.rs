//! The training log's last weeks as a report shows them: the figures, the spikes, which
//! answers came from the log, and a chart for each format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use crate::answers::{describe, to_json};
use crate::rulebase::{QuestionIdx, Questionnaire};
use crate::training::{Figure, Spike, Summary, Week, propose::Applied};

/// A training log in a report.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrainingView {
    /// The last day the summary covers, `YYYY-MM-DD`.
    pub as_of: String,
    /// The first day of the log.
    pub first_day: Option<String>,
    /// The last day of the log.
    pub last_day: Option<String>,
    /// Whether the log reaches the last 14 days; when not, it answered nothing about recent
    /// training.
    pub current: bool,
    /// Files that gave activities.
    pub files_read: usize,
    /// Files left out, and why.
    pub skipped: Vec<SkippedView>,
    /// The same session recorded twice, counted once.
    pub duplicates: usize,
    /// Runs in the weeks shown.
    pub runs: u32,
    /// The weeks, oldest first, seven days each, the last ending on `as_of`.
    pub weeks: Vec<WeekView>,
    /// The run of the last 14 days most longer than the longest of the 30 days before it.
    pub biggest_recent_spike: Option<SpikeView>,
    /// Days without a run in the last 14 days.
    pub rest_days_last_14: Option<u32>,
    /// Kilometres per pair of shoes over the whole log, most recently used first.
    pub gear: Vec<GearView>,
    /// Sessions of other exercise in the last four weeks, by kind.
    pub cross_training: BTreeMap<String, u32>,
    /// The figures the log supports, by name (numbers, or lists of kinds).
    pub figures: BTreeMap<String, Json>,
    /// The answers the log gave, because the runner had not answered.
    pub answered: Vec<LogAnswerView>,
    /// Questions the runner answered differently from the log: their answer counted.
    pub overruled: Vec<LogAnswerView>,
}

/// A file left out of a training log.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SkippedView {
    /// The file.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// One week of running.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct WeekView {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day.
    pub end: String,
    /// Kilometres run, to one decimal.
    pub km: f64,
    /// Runs.
    pub runs: u32,
    /// Metres climbed, where the log knows.
    pub ascent_m: Option<f64>,
    /// Change from the week before, in percent (context only).
    pub change_pct: Option<f64>,
    /// Runs more than 10 % longer than the longest of the 30 days before them.
    pub spikes: Vec<SpikeView>,
}

/// A run longer than the longest of the 30 days before it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SpikeView {
    /// Day of the run, `YYYY-MM-DD`.
    pub date: String,
    /// Its kilometres.
    pub km: f64,
    /// The longest run of the 30 days before, in kilometres.
    pub longest_before_km: f64,
    /// How many times as long, to one decimal.
    pub ratio: f64,
    /// The spike in words: "Sat 14 Nov: 28 km, 1.6 times your longest run of the 30 days
    /// before".
    pub text: String,
}

/// Distance in one pair of shoes.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct GearView {
    /// Its name in the export.
    pub name: String,
    /// Kilometres over the whole log (at least this many).
    pub km: f64,
    /// Last used, `YYYY-MM-DD`.
    pub last_used: String,
}

impl GearView {
    /// "Speedgoat 5: at least 187 km (last used 2026-11-22)".
    pub fn describe(&self) -> String {
        format!(
            "{}: at least {} (last used {})",
            self.name,
            km(self.km),
            self.last_used
        )
    }
}

/// An answer a training log gave.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LogAnswerView {
    /// Question id.
    pub question: String,
    /// The question's label.
    pub label: String,
    /// The log's answer, as an answer file holds it.
    pub answer: Json,
    /// The log's answer in words.
    pub answer_text: String,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// "Sat 14 Nov"
fn short_day(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// "28 km", "4.2 km"
pub fn km(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0} km")
    } else {
        format!("{x:.1} km")
    }
}

fn spike(s: &Spike) -> SpikeView {
    let ratio = one_decimal(s.ratio);
    SpikeView {
        date: day(s.date),
        km: one_decimal(s.km),
        longest_before_km: one_decimal(s.longest_before_km),
        ratio,
        text: format!(
            "{}: {}, {ratio:.1} times your longest run of the 30 days before ({})",
            short_day(s.date),
            km(s.km),
            km(s.longest_before_km)
        ),
    }
}

fn week(w: &Week) -> WeekView {
    WeekView {
        start: day(w.start),
        end: day(w.end),
        km: one_decimal(w.km),
        runs: w.runs,
        ascent_m: w.ascent_m.map(f64::round),
        change_pct: w.change_pct.map(f64::round),
        spikes: w.spikes.iter().map(spike).collect(),
    }
}

impl TrainingView {
    /// The view of a summary and what it did to the answers.
    pub fn new(summary: &Summary, applied: &Applied, questionnaire: &Questionnaire) -> Self {
        let log_answer = |q: QuestionIdx, value| {
            let question = &questionnaire.questions[q];
            LogAnswerView {
                question: question.id.to_string(),
                label: question.label.to_string(),
                answer: to_json(question, value),
                answer_text: describe(question, value),
            }
        };
        TrainingView {
            as_of: day(summary.as_of),
            first_day: summary.first_day.map(day),
            last_day: summary.last_day.map(day),
            current: summary.current,
            files_read: summary.files_read,
            skipped: summary
                .skipped
                .iter()
                .map(|s| SkippedView {
                    file: s.file.clone(),
                    reason: s.reason.clone(),
                })
                .collect(),
            duplicates: summary.duplicates,
            runs: summary.weeks.iter().map(|w| w.runs).sum(),
            weeks: summary.weeks.iter().map(week).collect(),
            biggest_recent_spike: summary.biggest_recent_spike.as_ref().map(spike),
            rest_days_last_14: summary.rest_days_last_14,
            gear: summary
                .gear
                .iter()
                .map(|g| GearView {
                    name: g.name.clone(),
                    km: g.km.round(),
                    last_used: day(g.last_used),
                })
                .collect(),
            cross_training: summary.cross_training.clone(),
            figures: summary
                .figures
                .iter()
                .map(|(name, figure)| {
                    let value = match figure {
                        Figure::Number(n) => {
                            serde_json::Number::from_f64((n * 100.0).round() / 100.0)
                                .map_or(Json::Null, Json::Number)
                        }
                        Figure::Kinds(kinds) => kinds.iter().cloned().map(Json::String).collect(),
                    };
                    (name.clone(), value)
                })
                .collect(),
            answered: applied
                .filled
                .iter()
                .map(|p| log_answer(p.question, p.value))
                .collect(),
            overruled: applied
                .overruled
                .iter()
                .map(|p| log_answer(p.question, p.value))
                .collect(),
        }
    }

    /// The weeks with running in them, for a one-line figure: "12 runs, 96 km".
    pub fn total_km(&self) -> f64 {
        self.weeks.iter().map(|w| w.km).sum()
    }

    /// The first line about the log: what it covers.
    pub fn headline(&self) -> String {
        let weeks = self.weeks.len();
        let mut line = format!(
            "{} runs, {} in the last {weeks} weeks (to {}).",
            self.runs,
            km(self.total_km()),
            short_day(parse_day(&self.as_of))
        );
        if !self.current {
            let last = self.last_day.as_deref().map_or_else(
                || "no activity".to_string(),
                |d| format!("the last activity is on {}", short_day(parse_day(d))),
            );
            let _ = write!(
                line,
                " The log does not reach the last two weeks ({last}), so it answered no question about your recent training."
            );
        }
        line
    }

    /// "Read 214 files; skipped 2; 3 duplicates counted once." when anything was skipped
    /// or merged.
    pub fn files_note(&self) -> Option<String> {
        if self.skipped.is_empty() && self.duplicates == 0 {
            return None;
        }
        let mut parts = vec![format!(
            "read {} file{}",
            self.files_read,
            if self.files_read == 1 { "" } else { "s" }
        )];
        if !self.skipped.is_empty() {
            parts.push(format!("skipped {}", self.skipped.len()));
        }
        if self.duplicates > 0 {
            parts.push(format!(
                "{} duplicate{} counted once",
                self.duplicates,
                if self.duplicates == 1 { "" } else { "s" }
            ));
        }
        let mut note = parts.join("; ");
        if let Some(first) = note.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        Some(format!("{note}."))
    }

    /// "Weekly distance: 32 km; Recent increase: A lot (more than 30%)".
    pub fn answered_line(&self) -> Option<String> {
        if self.answered.is_empty() {
            return None;
        }
        Some(
            self.answered
                .iter()
                .map(|a| format!("{}: {}", a.label, a.answer_text))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// The questions answered differently from the log, with what the log says, for a
    /// printed page.
    pub fn overruled_labels(&self) -> Option<String> {
        if self.overruled.is_empty() {
            return None;
        }
        let labels: Vec<String> = self
            .overruled
            .iter()
            .map(|a| format!("{} (the log says: {})", a.label, a.answer_text))
            .collect();
        Some(format!(
            "Where the runner's answers differ from the log, theirs counted: {}.",
            labels.join("; ")
        ))
    }

    /// "You answered Recent increase differently (the log says A lot); your answer counted."
    pub fn overruled_line(&self) -> Option<String> {
        if self.overruled.is_empty() {
            return None;
        }
        let list = self
            .overruled
            .iter()
            .map(|a| format!("{} (the log says: {})", a.label, a.answer_text))
            .collect::<Vec<_>>()
            .join("; ");
        Some(format!(
            "You answered differently from the log, and your answer counted: {list}."
        ))
    }
}

fn parse_day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or_default()
}

/// The tallest week, at least 1 km so an empty log draws flat.
fn top(weeks: &[WeekView]) -> f64 {
    weeks.iter().map(|w| w.km).fold(1.0, f64::max)
}

/// One text row per week: its first day, a bar, its kilometres, and its spikes.
/// `width` is the bar's most cells.
pub fn text_rows(weeks: &[WeekView], width: usize, ascii: bool) -> Vec<String> {
    let top = top(weeks);
    let (full, empty) = if ascii { ('#', '.') } else { ('█', '░') };
    let width = width.max(4);
    weeks
        .iter()
        .map(|w| {
            let cells = ((w.km / top) * width as f64).round() as usize;
            let bar: String = std::iter::repeat_n(full, cells)
                .chain(std::iter::repeat_n(empty, width - cells.min(width)))
                .collect();
            let start = short_day(parse_day(&w.start));
            let mut row = format!("{start:>10}  {bar} {:>6}", km(w.km));
            if let Some(s) = w.spikes.iter().max_by(|a, b| a.ratio.total_cmp(&b.ratio)) {
                let mark = if ascii { "^" } else { "▲" };
                let _ = write!(row, "  {mark} {} run, {:.1}x", km(s.km), s.ratio);
            }
            row
        })
        .collect()
}

/// The weeks as a one-line block chart, oldest first, with a second line marking the
/// weeks that hold a spike.
pub fn sparkline(weeks: &[WeekView], ascii: bool) -> (String, String) {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const ASCII: [char; 8] = ['_', '.', '-', '=', '+', '*', '%', '#'];
    let top = top(weeks);
    let levels = if ascii { ASCII } else { BLOCKS };
    let line = weeks
        .iter()
        .map(|w| {
            if w.km <= 0.0 {
                ' '
            } else {
                levels[(((w.km / top) * 7.0).round() as usize).min(7)]
            }
        })
        .collect();
    let marks = weeks
        .iter()
        .map(|w| match (w.spikes.is_empty(), ascii) {
            (true, _) => ' ',
            (false, true) => '^',
            (false, false) => '▲',
        })
        .collect::<String>()
        .trim_end()
        .to_string();
    (line, marks)
}

/// The weeks as an inline SVG bar chart: no script, no external file, crisp in print.
/// Weeks with a spike carry a marker above their bar and a title for screen readers.
pub fn svg(weeks: &[WeekView]) -> String {
    let (bar_w, gap, chart_h, label_h, top_pad) = (24.0, 6.0, 60.0, 24.0, 14.0);
    let n = weeks.len().max(1) as f64;
    let width = n * (bar_w + gap) + gap;
    let height = top_pad + chart_h + label_h;
    let top = top(weeks);
    let mut s = format!(
        r#"<svg class="training-chart" role="img" aria-label="Kilometres run per week, last {} weeks" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">"#,
        weeks.len()
    );
    let base = top_pad + chart_h;
    let _ = write!(
        s,
        r##"<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#888" stroke-width="1"/>"##
    );
    for (i, w) in weeks.iter().enumerate() {
        let x = gap + i as f64 * (bar_w + gap);
        let h = (w.km / top * chart_h).max(if w.km > 0.0 { 1.0 } else { 0.0 });
        let y = base - h;
        let fill = if w.spikes.is_empty() {
            "#7a9cc6"
        } else {
            "#c0504d"
        };
        let title = match w.spikes.first() {
            Some(spike) => format!("{}: {}; {}", w.start, km(w.km), spike.text),
            None => format!("{}: {}", w.start, km(w.km)),
        };
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y:.1}" width="{bar_w}" height="{h:.1}" fill="{fill}"><title>{}</title></rect>"#,
            super::markup::escape(&title)
        );
        let cx = x + bar_w / 2.0;
        if !w.spikes.is_empty() {
            let ty = y - 3.0;
            let _ = write!(
                s,
                r##"<path d="M{} {ty} l5 -8 l5 8 z" fill="#c0504d"/>"##,
                cx - 5.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="{cx}" y="{}" font-size="9" text-anchor="middle">{:.0}</text>"#,
            base + 11.0,
            w.km
        );
        let start = parse_day(&w.start);
        let _ = write!(
            s,
            r##"<text x="{cx}" y="{}" font-size="7" text-anchor="middle" fill="#555">{}</text>"##,
            base + 20.0,
            format_args!("{} {}", start.day(), start.format("%b"))
        );
    }
    s.push_str("</svg>");
    s
}
