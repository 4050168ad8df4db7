//! Many answer sets at once: JSONL lines in, one record per line out, in input order.
//!
//! The input is read in chunks of lines; each chunk is assessed and rendered on every
//! core (rayon), and handed whole to a writer thread while the next chunk is assessed, so
//! the output keeps the input's order and at most two chunks are in memory whatever the
//! input's size. A bad line becomes an error record and the batch goes on.

pub mod csv;
pub mod input;
pub mod json;
pub mod jsonl;
pub mod record;
pub mod summary;
pub use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value as Json;

use crate::answers::{self, AnswerError};
use crate::atomic_write::AtomicFile;
use crate::engine::{self, Assessment};
use crate::report::{self, ViewOptions};
use crate::rulebase::{LevelIdx, RuleBase};
use input::{Line, LineProblem, Lines};

/// Lines per chunk: enough to keep every core busy, few enough to keep memory small.
const CHUNK_LINES: usize = 1024;
/// Input bytes per chunk, so a chunk of long lines stays small too.
const CHUNK_BYTES: usize = 8 << 20;
/// Lines a worker renders into one buffer, to spare an allocation per line.
const LINES_PER_TASK: usize = 32;
/// How many failed line numbers the summary names.
const FAILED_LINES_SHOWN: usize = 10;

/// The output formats of `runback batch`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON report (or error record) per line.
    #[default]
    Jsonl,
    /// A header and one summary row per answer set.
    Csv,
    /// One compact JSON record per answer set: the escalation with its reasons, and the
    /// causes with their confidence.
    JsonlSummary,
}

/// What `runback batch` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The JSONL input; standard input when `None` or `-`.
    pub input: Option<PathBuf>,
    /// Where to write; standard output when `None`.
    pub output: Option<PathBuf>,
    /// The output format.
    pub format: Format,
    /// Whether an existing output file may be replaced.
    pub force: bool,
}

/// Why a batch stopped, or ended with failures.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// No input file, and standard input is a terminal.
    #[error(
        "no input: standard input is a terminal. Give a JSONL file (one answer set per line): runback batch --input answers.jsonl"
    )]
    NoInput,
    /// The input could not be read.
    #[error("cannot read {}: {source}", crate::clean::clean(.name))]
    Read {
        /// File name, or `<stdin>`.
        name: String,
        /// What the system said.
        source: io::Error,
    },
    /// The output file exists and `--force` was not given.
    #[error("{} already exists; use --force to replace it", crate::clean::clean(.name))]
    OutputExists {
        /// The output file.
        name: String,
    },
    /// The output could not be written.
    #[error("cannot write {}: {source}", crate::clean::clean(.name))]
    Write {
        /// File name, or `<stdout>`.
        name: String,
        /// What the system said.
        source: io::Error,
    },
    /// Ctrl-C stopped the batch; the output file, if any, was not written.
    #[error("interrupted{}", match output {
        Some(name) => format!("; {} was not written", crate::clean::clean(name)),
        None => String::new(),
    })]
    Interrupted {
        /// The output file that was not written.
        output: Option<String>,
    },
    /// `SOURCE_DATE_EPOCH` holds no usable date.
    #[error(transparent)]
    Date(#[from] report::date::DateError),
    /// Every line was processed, but some could not be assessed.
    #[error(
        "{failed} of {total} answer set{} could not be assessed; the error records in the output say why",
        if *total == 1 { "" } else { "s" }
    )]
    LinesFailed {
        /// Lines that failed.
        failed: u64,
        /// Lines processed.
        total: u64,
    },
}

impl BatchError {
    /// Whether the reader of standard output went away (`runback batch | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, BatchError::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// What one input line became.
#[derive(Debug)]
pub struct Record<'a> {
    /// 1-based line number in the input.
    pub line: u64,
    /// The line's `id` field, when it has a usable one.
    pub id: Option<Json>,
    /// The assessment, or why there is none.
    pub outcome: Result<Assessment<'a>, String>,
}

/// Counts for the summary on standard error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Answer sets read (blank lines are not counted).
    pub total: u64,
    /// Answer sets assessed.
    pub assessed: u64,
    /// Answer sets that could not be assessed.
    pub failed: u64,
    /// Assessments per escalation level, by level index.
    pub by_level: Vec<u64>,
    /// The first few failed line numbers.
    pub failed_lines: Vec<u64>,
}

impl Summary {
    fn add(&mut self, other: Summary) {
        self.total += other.total;
        self.assessed += other.assessed;
        self.failed += other.failed;
        if self.by_level.len() < other.by_level.len() {
            self.by_level.resize(other.by_level.len(), 0);
        }
        for (mine, theirs) in self.by_level.iter_mut().zip(other.by_level) {
            *mine += theirs;
        }
        let room = FAILED_LINES_SHOWN.saturating_sub(self.failed_lines.len());
        self.failed_lines
            .extend(other.failed_lines.into_iter().take(room));
    }

    fn count(&mut self, level: Option<LevelIdx>, line: u64) {
        self.total += 1;
        match level {
            Some(level) => {
                self.assessed += 1;
                self.by_level[level] += 1;
            }
            None => {
                self.failed += 1;
                if self.failed_lines.len() < FAILED_LINES_SHOWN {
                    self.failed_lines.push(line);
                }
            }
        }
    }

    /// The summary as shown on standard error, with level names from the rule base.
    pub fn display<'a>(&'a self, rules: &'a RuleBase) -> impl fmt::Display + 'a {
        SummaryDisplay {
            summary: self,
            rules,
        }
    }
}

struct SummaryDisplay<'a> {
    summary: &'a Summary,
    rules: &'a RuleBase,
}

impl fmt::Display for SummaryDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.summary;
        write!(
            f,
            "runback: {} answer set{}: {} assessed, {} failed",
            s.total,
            if s.total == 1 { "" } else { "s" },
            s.assessed,
            s.failed
        )?;
        if !s.failed_lines.is_empty() {
            let lines: Vec<String> = s.failed_lines.iter().map(u64::to_string).collect();
            let more = if s.failed > s.failed_lines.len() as u64 {
                ", ..."
            } else {
                ""
            };
            let word = if s.failed == 1 { "line" } else { "lines" };
            write!(f, " ({word} {}{more})", lines.join(", "))?;
        }
        let levels: Vec<String> = self
            .rules
            .levels
            .iter()
            .enumerate()
            .map(|(i, level)| format!("{} {}", level.id, s.by_level.get(i).unwrap_or(&0)))
            .collect();
        write!(f, "\nrunback: escalation: {}", levels.join(", "))
    }
}

/// Assesses one line: `None` for a blank line, which is skipped.
pub fn assess_line<'a>(rules: &'a RuleBase, line: &Line) -> Option<Record<'a>> {
    assess_line_into(rules, line, &mut None)
}

/// [`assess_line`], refilling `spare` (an assessment of an earlier line) when there is
/// one, so that a worker allocates nothing for the engine from one line to the next.
fn assess_line_into<'a>(
    rules: &'a RuleBase,
    line: &Line,
    spare: &mut Option<Assessment<'a>>,
) -> Option<Record<'a>> {
    let text = match &line.text {
        Ok(text) if text.trim().is_empty() => return None,
        Ok(text) => text,
        Err(problem) => {
            let reason = match problem {
                LineProblem::TooLong => format!(
                    "the line is longer than the {} MiB limit for one answer set",
                    answers::MAX_ANSWER_BYTES >> 20
                ),
                LineProblem::NotUtf8 => "the line is not valid UTF-8".to_string(),
            };
            return Some(Record {
                line: line.number,
                id: None,
                outcome: Err(reason),
            });
        }
    };
    let assess = |answers: &answers::Answers, spare: &mut Option<Assessment<'a>>| match spare.take()
    {
        Some(mut assessment) => {
            engine::assess_into(rules, answers, &mut assessment);
            assessment
        }
        None => engine::assess(rules, answers),
    };
    if let Some((answers, id)) = answers::quick::read_line(text, &rules.questionnaire) {
        return Some(Record {
            line: line.number,
            id,
            outcome: Ok(assess(&answers, spare)),
        });
    }
    let name = format!("line {}", line.number);
    let mut id = None;
    // A line is an answer set or, as FHIR Bulk Data exports them, a QuestionnaireResponse
    // (whose resource `id` is the record's id).
    let outcome = answers::parse_json(text, &name)
        .map_err(|e| reason(&e))
        .and_then(|mut json| {
            if let Json::Object(map) = &mut json {
                id = map.shift_remove("id");
            }
            crate::fhir::answers_from_json(&json, &name, &rules.questionnaire).map_err(
                |e| match e {
                    crate::fhir::ReadError::Answers(e) => reason(&e),
                    crate::fhir::ReadError::Refused { reason, .. } => reason,
                },
            )
        });
    let outcome = match id.take() {
        None | Some(Json::Null) => outcome,
        Some(valid @ (Json::String(_) | Json::Number(_))) => {
            id = Some(valid);
            outcome
        }
        Some(_) => Err("`id` must be a string or a number".to_string()),
    };
    Some(Record {
        line: line.number,
        id,
        outcome: outcome.map(|answers| assess(&answers, spare)),
    })
}

/// Why answers were refused, on one line: the record already names the line.
fn reason(error: &AnswerError) -> String {
    match error {
        AnswerError::Syntax {
            column, message, ..
        } => format!("invalid JSON at column {column}: {message}"),
        AnswerError::NotAnObject { found, .. } => {
            format!("expected a JSON object mapping question ids to answers, found {found}")
        }
        AnswerError::Invalid {
            problems, unlisted, ..
        } => {
            let mut list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            if *unlisted > 0 {
                list.push(format!("and {unlisted} more, not listed"));
            }
            let count = problems.len() + unlisted;
            format!(
                "{count} invalid answer{}: {}",
                if count == 1 { "" } else { "s" },
                list.join("; ")
            )
        }
        other => other.to_string(),
    }
}

/// How to show progress while a batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// No progress bar.
    Hidden,
    /// A bar over the input's size in bytes.
    Bytes(u64),
    /// A count of answer sets, when the size is unknown.
    Count,
}

/// Assesses every line of `input` and writes one record per line to `out`, in order.
///
/// Only reading, writing or Ctrl-C (see [`stop_on_ctrl_c`]) stops it; `out` is flushed at
/// the end. A reader thread reads lines as they come; a chunk is assessed when it is full
/// or, when the input stalls, at most [`MAX_DELAY`] after its first line, and then
/// flushed, so a slow stream sees each record soon after its line. A writer thread
/// writes one chunk while the next is assessed, so a slow pipe or disk does not idle the
/// cores.
pub fn run(
    rules: &RuleBase,
    input: impl BufRead + Send,
    out: &mut (impl Write + Send),
    format: Format,
    progress: Progress,
) -> Result<Summary, RunError> {
    let bar = progress_bar(progress);
    // One date for the whole batch, even one that runs past midnight.
    let view = ViewOptions {
        date: report::date::today().map_err(RunError::Date)?,
        explain: false,
        training: None,
        more: Default::default(),
    };
    let mut summary = Summary {
        by_level: vec![0; rules.levels.len()],
        ..Summary::default()
    };
    if format == Format::Csv {
        // Shown at once, like every record of a slow stream.
        out.write_all(csv::HEADER.as_bytes())
            .and_then(|()| out.flush())
            .map_err(RunError::Write)?;
    }
    let bytes_read = AtomicU64::new(0);
    // Lines go from the reader through a bounded channel: it reads ahead at most a chunk.
    let (to_chunker, from_reader) = mpsc::sync_channel::<io::Result<Line>>(CHUNK_LINES);
    // Rendered chunks go to the writer with whether to flush them at once; it hands their
    // buffers back for reuse, because freeing and growing large buffers for every chunk
    // costs more than assessing. With a rendezvous channel at most two chunks are in
    // memory: one written, one rendered.
    let (to_writer, rendered) = mpsc::sync_channel::<(Vec<Vec<u8>>, bool)>(0);
    let (give_back, spare) = mpsc::channel::<Vec<Vec<u8>>>();
    let outcome = std::thread::scope(|scope| {
        let bytes_read = &bytes_read;
        scope.spawn(move || {
            let mut lines = Lines::new(input);
            loop {
                let line = match lines.next_line() {
                    Ok(Some(line)) => Ok(line),
                    Ok(None) => break,
                    Err(e) => Err(e),
                };
                bytes_read.store(lines.bytes_read(), Ordering::Relaxed);
                let failed = line.is_err();
                // The batch may have stopped; then nobody listens and reading ends.
                if to_chunker.send(line).is_err() || failed {
                    break;
                }
            }
        });
        let writer = scope.spawn(move || -> io::Result<()> {
            for (buffers, flush) in rendered {
                for buffer in &buffers {
                    out.write_all(buffer)?;
                }
                if flush {
                    out.flush()?;
                }
                // The chunker may have finished; a buffer nobody takes back is just freed.
                let _ = give_back.send(buffers);
            }
            out.flush()
        });
        let mut chunk = Vec::with_capacity(CHUNK_LINES);
        let read = loop {
            let (stalled, ended) = match next_chunk(&from_reader, &mut chunk) {
                Ok(next) => next,
                Err(e) => break Err(e),
            };
            if !chunk.is_empty() {
                let tasks = chunk.len().div_ceil(LINES_PER_TASK);
                let mut buffers = spare.try_recv().unwrap_or_default();
                buffers.resize_with(tasks, Vec::new);
                let parts: Vec<Summary> = buffers
                    .par_iter_mut()
                    .zip(chunk.par_chunks(LINES_PER_TASK))
                    .map_init(
                        || None,
                        |spare, (buffer, lines)| {
                            buffer.clear();
                            render(rules, lines, format, &view, buffer, spare)
                        },
                    )
                    .collect();
                for part in parts {
                    summary.add(part);
                }
                // A writer that hung up has failed; joining it below says why.
                if to_writer.send((buffers, stalled)).is_err() {
                    break Ok(());
                }
                bar.set_position(bytes_read.load(Ordering::Relaxed));
                bar.set_message(format!("{} answer sets", summary.total));
            }
            if ended {
                break Ok(());
            }
        };
        // Hanging up lets the writer finish, and the reader stop at its next line; it
        // must happen before waiting for them.
        drop(to_writer);
        drop(from_reader);
        finish(writer, read)
    });
    // Cleared however the batch ended, so an error is not printed beside a stale bar.
    bar.finish_and_clear();
    outcome.map(|()| summary)
}

/// How long a line may wait for more before its chunk is assessed and written anyway:
/// short enough that a slow stream seems to flow, long enough that a fast one fills
/// whole chunks (a thousand lines arrive in a few milliseconds).
pub const MAX_DELAY: Duration = Duration::from_millis(100);

/// Fills `chunk` with the lines that are ready: until it is full, the input ends, or
/// [`MAX_DELAY`] has passed since its first line. Returns whether the input stalled (the
/// chunk is to be flushed at once) and whether it ended.
fn next_chunk(
    lines: &mpsc::Receiver<io::Result<Line>>,
    chunk: &mut Vec<Line>,
) -> Result<(bool, bool), RunError> {
    chunk.clear();
    let mut bytes = 0;
    let mut deadline: Option<Instant> = None;
    while chunk.len() < CHUNK_LINES && bytes < CHUNK_BYTES {
        if crate::interrupt::requested() {
            return Err(RunError::Interrupted);
        }
        // Before the first line the wait is open-ended, but Ctrl-C is looked at often.
        let wait = deadline.map_or(MAX_DELAY, |d| d.saturating_duration_since(Instant::now()));
        match lines.recv_timeout(wait) {
            Ok(Ok(line)) => {
                bytes += line.text.as_ref().map_or(0, String::len);
                chunk.push(line);
                deadline.get_or_insert_with(|| Instant::now() + MAX_DELAY);
            }
            Ok(Err(e)) => return Err(RunError::Read(e)),
            Err(mpsc::RecvTimeoutError::Timeout) if deadline.is_some() => return Ok((true, false)),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok((true, true)),
        }
    }
    Ok((false, false))
}

/// Waits for the writer; its error comes first, since a failed write stops the reading.
fn finish(
    writer: std::thread::ScopedJoinHandle<'_, io::Result<()>>,
    read: Result<(), RunError>,
) -> Result<(), RunError> {
    let written = writer
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    written.map_err(RunError::Write)?;
    read
}

/// Why [`run`] stopped.
#[derive(Debug)]
pub enum RunError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// Ctrl-C, once [`stop_on_ctrl_c`] is in force.
    Interrupted,
    /// `SOURCE_DATE_EPOCH` holds no usable date; nothing was read or written.
    Date(report::date::DateError),
}

/// Makes Ctrl-C, SIGTERM and SIGHUP stop a batch between two chunks instead of ending
/// the process at once, so it can say what was not written; a second signal, or a
/// second's wait (a read may be waiting on an idle pipe), ends it at once, still without
/// leaving a temporary file (see [`crate::interrupt`]).
pub fn stop_on_ctrl_c() {
    crate::interrupt::stop_cooperatively();
}

/// Assesses a few lines and renders them into one buffer; each assessment is refilled
/// for the next line (`spare` keeps the last for the worker's next lines).
fn render<'a>(
    rules: &'a RuleBase,
    lines: &[Line],
    format: Format,
    view: &ViewOptions,
    out: &mut Vec<u8>,
    spare: &mut Option<Assessment<'a>>,
) -> Summary {
    let mut summary = Summary {
        by_level: vec![0; rules.levels.len()],
        ..Summary::default()
    };
    for line in lines {
        let Some(record) = assess_line_into(rules, line, spare) else {
            continue;
        };
        summary.count(
            record.outcome.as_ref().ok().map(|a| a.escalation.level),
            record.line,
        );
        match format {
            Format::Jsonl => jsonl::write(&record, view, out),
            Format::Csv => csv::write(&record, out),
            Format::JsonlSummary => summary::write(&record, view, out),
        }
        if let Ok(assessment) = record.outcome {
            *spare = Some(assessment);
        }
    }
    summary
}

fn progress_bar(progress: Progress) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    match progress {
        Progress::Hidden => ProgressBar::hidden(),
        Progress::Bytes(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{bar:30} {percent:>3}% {msg}, {elapsed} elapsed")
                .expect("a valid template"),
        ),
        Progress::Count => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg}, {elapsed} elapsed")
                .expect("a valid template"),
        ),
    }
}

/// Runs `runback batch`: opens the input and output, runs, and reports on standard error.
pub fn run_command(rules: &RuleBase, options: &Options) -> Result<(), BatchError> {
    let from_stdin = options
        .input
        .as_deref()
        .is_none_or(|p| p == std::path::Path::new("-"));
    if from_stdin && io::stdin().is_terminal() {
        return Err(BatchError::NoInput);
    }
    let input_name = match &options.input {
        Some(p) if !from_stdin => p.display().to_string(),
        _ => "<stdin>".to_string(),
    };
    let read_error = |source| BatchError::Read {
        name: input_name.clone(),
        source,
    };
    // The output file is claimed before any work, so a clash is reported at once; from
    // then on Ctrl-C must stop the batch rather than the process, to remove it again.
    let output = match &options.output {
        Some(path) => {
            stop_on_ctrl_c();
            let name = path.display().to_string();
            crate::interrupt::set_farewell(
                BatchError::Interrupted {
                    output: Some(name.clone()),
                }
                .to_string(),
            );
            Some(match AtomicFile::create(path, options.force) {
                Ok(file) => (file, name),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(BatchError::OutputExists { name });
                }
                Err(source) => return Err(BatchError::Write { name, source }),
            })
        }
        None => None,
    };
    let (input, size): (Box<dyn BufRead + Send>, Option<u64>) = if from_stdin {
        (
            Box::new(io::BufReader::with_capacity(1 << 16, io::stdin())),
            None,
        )
    } else {
        let file =
            std::fs::File::open(options.input.as_deref().unwrap_or_else(|| {
                unreachable!("a path is given when not reading standard input")
            }))
            .map_err(read_error)?;
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        (Box::new(io::BufReader::with_capacity(1 << 16, file)), size)
    };
    let progress = match size {
        _ if !io::stderr().is_terminal() => Progress::Hidden,
        // Records written to the same terminal show the progress themselves, and a bar
        // drawn between them would be left behind among them.
        _ if options.output.is_none() && io::stdout().is_terminal() => Progress::Hidden,
        Some(len) => Progress::Bytes(len),
        None => Progress::Count,
    };
    let summary = match output {
        Some((mut file, name)) => {
            let write_error = |source| BatchError::Write {
                name: name.clone(),
                source,
            };
            let summary = run(rules, input, file.writer(), options.format, progress).map_err(
                |e| match e {
                    RunError::Read(source) => read_error(source),
                    RunError::Write(source) => write_error(source),
                    RunError::Interrupted => BatchError::Interrupted {
                        output: Some(name.clone()),
                    },
                    RunError::Date(e) => BatchError::Date(e),
                },
            )?;
            file.commit().map_err(write_error)?;
            summary
        }
        None => {
            let stdout = crate::stdio::stdout().map_err(|source| BatchError::Write {
                name: "<stdout>".to_string(),
                source,
            })?;
            let mut out = io::BufWriter::with_capacity(1 << 16, stdout);
            run(rules, input, &mut out, options.format, progress).map_err(|e| match e {
                RunError::Read(source) => read_error(source),
                RunError::Write(source) => BatchError::Write {
                    name: "<stdout>".to_string(),
                    source,
                },
                RunError::Interrupted => BatchError::Interrupted { output: None },
                RunError::Date(e) => BatchError::Date(e),
            })?
        }
    };
    crate::stdio::message(&summary.display(rules).to_string());
    if summary.failed > 0 {
        return Err(BatchError::LinesFailed {
            failed: summary.failed,
            total: summary.total,
        });
    }
    Ok(())
}
