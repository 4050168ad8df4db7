//! A runner's training log, read from the files their watch or app exports, summarised into
//! the figures the questionnaire's `from_training` annotations name.
//!
//! This stage sits before [`crate::answers`]: it reads files (Strava bulk exports, FIT,
//! GPX, TCX, intervals.icu and Garmin Connect CSV, and folders of them), keeps one
//! [`Activity`] per session, and [`summarise`]s the last twelve weeks into a [`Summary`].
//! It knows about training logs, not about back pain: which figure answers which question
//! is the rule base's business.

mod fit;
mod kind;
mod plausible;
pub mod propose;
mod read;
mod summary;
mod table;
mod xml;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

/// Every figure a summary can give, by the name a `from_training` annotation uses.
pub const FIGURES: [&str; 9] = [
    "weekly_km",
    "weekly_km_increase_pct",
    "heavy_recent_week_ratio",
    "longest_run_spike_pct",
    "rest_days_per_week",
    "hilly_share_pct",
    "shoe_km",
    "cross_training_kinds",
    "strength_sessions_per_week",
];

/// The kinds of other exercise `cross_training_kinds` can list.
pub const CROSS_TRAINING_KINDS: [Kind; 5] = [
    Kind::Swimming,
    Kind::Cycling,
    Kind::Yoga,
    Kind::Walking,
    Kind::Other,
];

/// How many weeks a summary covers, ending on its `as_of` day.
pub const WEEKS: usize = 12;

/// What a session was, as far as the questionnaire cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Running of any sort: road, trail, track, treadmill, virtual.
    Run,
    /// Swimming, pool or open water.
    Swimming,
    /// Cycling of any sort, indoors or out.
    Cycling,
    /// Yoga or Pilates.
    Yoga,
    /// Walking and hiking.
    Walking,
    /// Strength, weight or core training.
    Strength,
    /// Any other exercise.
    Other,
}

impl Kind {
    /// The name a figure and the rule base's `kinds` map use for this kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Swimming => "swimming",
            Kind::Cycling => "cycling",
            Kind::Yoga => "yoga",
            Kind::Walking => "walking",
            Kind::Strength => "strength",
            Kind::Other => "other",
        }
    }
}

/// One session from a log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// When it started.
    pub start: DateTime<Utc>,
    /// The calendar day it started on where the runner was (the file's own offset when it
    /// has one, otherwise this machine's time zone).
    pub date: NaiveDate,
    /// What it was.
    pub kind: Kind,
    /// Its sport as the file names it ("Trail Run", "running/treadmill"), for messages.
    pub sport: String,
    /// Distance in metres, when known.
    pub distance_m: Option<f64>,
    /// Moving or elapsed time in seconds, when known.
    pub duration_s: Option<f64>,
    /// Total ascent in metres, when known (an empty column or a file without elevation is
    /// `None`, not zero).
    pub ascent_m: Option<f64>,
    /// The shoes or other gear the export names, when it does.
    pub gear: Option<String>,
    /// The file it came from (inside an archive: `archive.zip:activities/123.fit.gz`).
    pub source: String,
}

/// A file that was read and left out of a folder or archive, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// The file (inside an archive: `archive.zip:path`).
    pub file: String,
    /// What was wrong with it, in plain words.
    pub reason: String,
}

/// Every activity read from the files a runner named.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Log {
    /// The activities, oldest first, duplicates removed.
    pub activities: Vec<Activity>,
    /// How many files gave at least one activity.
    pub files_read: usize,
    /// Files in a folder or archive that could not be used; the rest still count.
    pub skipped: Vec<Skipped>,
    /// Files read although something about them is wrong (a checksum that does not
    /// match), and what; the runner is warned.
    pub warnings: Vec<Skipped>,
    /// How many activities were dropped as the same session recorded twice.
    pub duplicates: usize,
}

/// Why a training log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    /// A file or archive the runner named cannot be used; the message names it and says why.
    #[error("{file}: {reason}")]
    Unusable {
        /// The file, cleaned for printing.
        file: String,
        /// What is wrong, in plain words.
        reason: String,
    },
    /// Everything was read, and none of it holds an activity.
    #[error("no activities found in {files}{}", skipped_note(.skipped))]
    Empty {
        /// The files or folders named, cleaned and joined for printing.
        files: String,
        /// Files that were skipped, and why.
        skipped: Vec<Skipped>,
    },
}

fn skipped_note(skipped: &[Skipped]) -> String {
    skipped
        .iter()
        .map(|s| format!("\n  skipped {}: {}", s.file, s.reason))
        .collect()
}

/// The limits that keep a hostile or mistaken input from exhausting memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest single file, after decompression, in bytes. However many threads read,
    /// at most three files larger than 1 MiB (in buffers reused from file to file) and
    /// 64 MiB of smaller ones are held in memory at once.
    pub file_bytes: u64,
    /// The most the whole log may unpack to, in bytes: every file read, and what every zip
    /// and gzip in it (a gzip inside a zip included) unpacks to. A zip whose own listing
    /// says more is refused before it is read; otherwise reading stops at the limit.
    pub archive_bytes: u64,
    /// The most files (and folders) the log may hold, across folders, archives and the
    /// files an activity list names.
    pub files: usize,
}

/// A figure the questionnaire's `from_training` annotations can name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    /// A number (kilometres, a percentage, days, a ratio).
    Number(f64),
    /// Kinds of activity done (names from [`Kind::name`]).
    Kinds(Vec<String>),
}

/// One week of the summary: seven days ending on `end`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// Running distance in kilometres.
    pub km: f64,
    /// Number of runs.
    pub runs: u32,
    /// Total ascent of its runs in metres, where known.
    pub ascent_m: Option<f64>,
    /// Change in distance from the week before, in percent; context only (`None` when the
    /// week before had no running or lies before the log).
    pub change_pct: Option<f64>,
    /// Runs this week that were more than 10 % longer than the longest run of the 30 days
    /// before them.
    pub spikes: Vec<Spike>,
}

/// A run longer than the longest run of the 30 days before it (Frandsen et al. 2025).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spike {
    /// The day of the run.
    pub date: NaiveDate,
    /// Its distance in kilometres.
    pub km: f64,
    /// The longest run of the 30 days before it, in kilometres.
    pub longest_before_km: f64,
    /// `km / longest_before_km`.
    pub ratio: f64,
}

/// Distance run in one pair of shoes (or other gear) over the whole log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gear {
    /// The name the export gives it.
    pub name: String,
    /// Kilometres run in it, over the whole log (so at least this many).
    pub km: f64,
    /// The last day it was used.
    pub last_used: NaiveDate,
}

/// The last [`WEEKS`] weeks of a log, and the figures that can answer questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The last day covered (today, or the report's date).
    pub as_of: NaiveDate,
    /// The weeks, oldest first, the last one ending on `as_of`.
    pub weeks: Vec<Week>,
    /// The biggest spike of the last 14 days, if any.
    pub biggest_recent_spike: Option<Spike>,
    /// Days without a run in the last 14 days.
    pub rest_days_last_14: Option<u32>,
    /// Distance per pair of shoes, most recently used first.
    pub gear: Vec<Gear>,
    /// Sessions of other exercise in the last four weeks, by kind name.
    pub cross_training: BTreeMap<String, u32>,
    /// The first and last day of the log.
    pub first_day: Option<NaiveDate>,
    /// The last day of the log.
    pub last_day: Option<NaiveDate>,
    /// Whether the log is recent enough to speak for the runner's current training: its last
    /// activity lies within 14 days of `as_of`. When it is not, no figure about recent
    /// training is given.
    pub current: bool,
    /// The figures by name, only those the log can support.
    pub figures: BTreeMap<String, Figure>,
    /// Files read, skipped and duplicates dropped, as [`Log`] counted them.
    pub files_read: usize,
    /// Files skipped, and why.
    pub skipped: Vec<Skipped>,
    /// Duplicates dropped.
    pub duplicates: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 64 << 20,
            archive_bytes: 4 << 30,
            files: 50_000,
        }
    }
}

/// Reads every file, folder and archive named into one log, oldest first, without
/// duplicates. A file named on its own that cannot be used is an error; inside a folder or
/// archive it is skipped and listed, and the rest still count.
pub fn read(paths: &[PathBuf], limits: Limits) -> Result<Log, TrainingError> {
    read::read(paths, limits)
}

/// Reads one file's bytes as if a pipe named `name` had given them: FIT, GPX, TCX, CSV,
/// gzip or zip, told from the content. What fuzzing and tests use to reach every reader.
pub fn read_bytes(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Log, TrainingError> {
    read::read_bytes(name, bytes, limits)
}

/// Summarises the [`WEEKS`] weeks ending on `as_of`, and the figures the log supports.
pub fn summarise(log: &Log, as_of: NaiveDate) -> Summary {
    summary::summarise(log, as_of)
}

/// One activity as a format gives it, before it is placed on the runner's calendar.
#[derive(Debug, Clone, PartialEq)]
struct Parsed {
    /// When it started.
    start: DateTime<Utc>,
    /// The offset from UTC where it was recorded, when the file says.
    offset: Option<FixedOffset>,
    /// The local start time, for exports that give only that.
    local: Option<NaiveDateTime>,
    kind: Kind,
    sport: String,
    distance_m: Option<f64>,
    duration_s: Option<f64>,
    ascent_m: Option<f64>,
    gear: Option<String>,
    /// Something the runner should know about the file it came from (a FIT checksum that
    /// does not match), said once per file.
    warning: Option<String>,
}
