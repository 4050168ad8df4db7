//! From the paths a runner names to one list of activities: folders walked, zips opened,
//! gzip undone, each file's format told from its content, files parsed in parallel,
//! Strava's CSV rows joined to the files they name, and the same session counted once.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{Local, TimeZone};
use rayon::prelude::*;

use super::table;
use super::{Activity, Limits, Log, Parsed, Skipped, TrainingError, fit, xml};
use crate::clean;

/// What a file holds, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Fit,
    Gzip,
    Zip,
    Gpx,
    Tcx,
    Csv,
}

fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.len() >= 12 && &bytes[8..12] == b".FIT" {
        return Some(Format::Fit);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Some(Format::Gzip);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(Format::Zip);
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let head = &text[..text.len().min(4096)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    if head[start] == b'<' {
        let head = String::from_utf8_lossy(head);
        if head.contains("<gpx") {
            return Some(Format::Gpx);
        }
        if head.contains("<TrainingCenterDatabase") {
            return Some(Format::Tcx);
        }
        return None;
    }
    // A CSV's header line is text with a few separators: an export has many columns.
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let text = std::str::from_utf8(line).is_ok() || line.len() == head.len();
    let columns = |sep: u8| line.iter().filter(|&&b| b == sep).count() >= 2;
    (text && (columns(b',') || columns(b';'))).then_some(Format::Csv)
}

/// Why a file that holds no training data at all is refused.
const NOT_TRAINING: &str = "not a FIT, GPX, TCX or CSV training file";

/// Names that can hold training data in a folder or an archive; anything else there
/// (photos, profile files) is passed over without a word.
fn looks_like_training(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".fit", ".gpx", ".tcx", ".csv"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Reads at most `limit` bytes; more is an error naming the limit.
fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "larger than the {} MiB limit for one training file",
            limit >> 20
        ));
    }
    Ok(bytes)
}

/// What one file gave.
enum Outcome {
    /// Activities from a FIT, GPX or TCX file.
    Activities(Vec<Parsed>),
    /// The rows of an activity list.
    Rows(Vec<table::Row>),
}

/// Parses one file's bytes, undoing one layer of gzip.
fn parse(bytes: Vec<u8>, limits: &Limits) -> Result<Outcome, String> {
    let bytes = match detect(&bytes) {
        Some(Format::Gzip) => read_limited(
            flate2::read::MultiGzDecoder::new(&bytes[..]),
            limits.file_bytes,
        )
        .map_err(|e| {
            if e.starts_with("cannot") {
                "the gzip file is damaged or cut short".to_string()
            } else {
                format!("{e}, once uncompressed")
            }
        })?,
        _ => bytes,
    };
    match detect(&bytes) {
        Some(Format::Fit) => fit::read(&bytes).map(Outcome::Activities),
        Some(Format::Gpx) => xml::gpx(&bytes).map(Outcome::Activities),
        Some(Format::Tcx) => xml::tcx(&bytes).map(Outcome::Activities),
        Some(Format::Csv) => table::read(&bytes).map(Outcome::Rows),
        Some(Format::Zip) => Err("a zip inside a gzip or a zip is not read".to_string()),
        Some(Format::Gzip) => Err("a gzip inside a gzip is not read".to_string()),
        None => Err(NOT_TRAINING.to_string()),
    }
}

/// One file of a folder or an archive.
struct Entry {
    /// Path relative to the folder or archive, with `/`.
    key: String,
    /// Where its bytes are.
    source: Source,
}

enum Source {
    File(PathBuf),
    Zip(usize),
}

/// A folder or archive: its files, read in parallel.
struct Group<'a> {
    /// How messages name it.
    name: String,
    entries: Vec<Entry>,
    /// The zip file, when it is one (each thread opens its own handle).
    zip: Option<&'a Path>,
}

impl Group<'_> {
    fn display(&self, key: &str) -> String {
        format!("{}:{}", self.name, clean::clean(key))
    }
}

/// Walks a folder, files in name order, up to the limit on files.
fn walk(dir: &Path, limits: &Limits, count: &mut usize) -> Result<Vec<Entry>, TrainingError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&d)
            .map_err(|e| unusable(&d, format!("cannot be read: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        for p in names.into_iter().rev() {
            let Ok(meta) = std::fs::metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                let key = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !looks_like_training(&key) {
                    continue;
                }
                *count += 1;
                if *count > limits.files {
                    return Err(unusable(
                        dir,
                        format!("holds more than {} files; name fewer", limits.files),
                    ));
                }
                out.push(Entry {
                    key,
                    source: Source::File(p),
                });
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

fn unusable(path: &Path, reason: impl Into<String>) -> TrainingError {
    TrainingError::Unusable {
        file: clean::path(path),
        reason: reason.into(),
    }
}

/// The files of a zip that can hold training data.
fn zip_entries(
    path: &Path,
    limits: &Limits,
    count: &mut usize,
) -> Result<Vec<Entry>, TrainingError> {
    let file = File::open(path).map_err(|e| unusable(path, format!("cannot be read: {e}")))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|_| unusable(path, "the zip file is damaged or cut short"))?;
    let mut total: u64 = 0;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let Ok(name) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !entry.is_file() || !looks_like_training(&name) {
            continue;
        }
        *count += 1;
        if *count > limits.files {
            return Err(unusable(
                path,
                format!("holds more than {} training files", limits.files),
            ));
        }
        total = total.saturating_add(entry.size());
        if total > limits.archive_bytes {
            return Err(unusable(
                path,
                format!(
                    "its training files come to more than the {} MiB limit once unzipped",
                    limits.archive_bytes >> 20
                ),
            ));
        }
        out.push(Entry {
            key: name,
            source: Source::Zip(i),
        });
    }
    Ok(out)
}

/// Parses every entry of a group in parallel; each thread opens the zip once.
fn parse_group(group: &Group, limits: &Limits) -> Vec<Result<Outcome, String>> {
    group
        .entries
        .par_iter()
        .map_init(
            || {
                group
                    .zip
                    .and_then(|p| File::open(p).ok())
                    .and_then(|f| zip::ZipArchive::new(f).ok())
            },
            |archive, entry| {
                let bytes = match &entry.source {
                    Source::File(p) => File::open(p)
                        .map_err(|e| format!("cannot be read: {e}"))
                        .and_then(|f| read_limited(f, limits.file_bytes))?,
                    Source::Zip(i) => {
                        let archive = archive
                            .as_mut()
                            .ok_or_else(|| "the zip file cannot be opened again".to_string())?;
                        let file = archive
                            .by_index(*i)
                            .map_err(|_| "damaged inside the zip".to_string())?;
                        read_limited(file, limits.file_bytes).map_err(|e| {
                            if e.starts_with("cannot") {
                                "damaged inside the zip".to_string()
                            } else {
                                e
                            }
                        })?
                    }
                };
                parse(bytes, limits)
            },
        )
        .collect()
}

/// Whether a file in a folder or archive that turns out to hold no training data is
/// passed over without a word: another export's CSV (a profile, a list of shoes), but not
/// an activity list or an activity file, which a runner expects to count.
fn quiet_if_not_training(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.ends_with(".csv") && !key.ends_with("activities.csv")
}

/// Joins a CSV row to the activity of the file it names: the row's sport and gear, the
/// file's figures where the row has none.
fn join(row: Parsed, file: Option<&Parsed>) -> Parsed {
    let Some(f) = file else {
        return row;
    };
    Parsed {
        offset: f.offset,
        distance_m: row.distance_m.or(f.distance_m),
        duration_s: row.duration_s.or(f.duration_s),
        ascent_m: row.ascent_m.or(f.ascent_m),
        ..row
    }
}

/// The folder part of a key (`activities/1.fit.gz` is in `activities/`).
fn folder_of(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..=i])
}

/// Reads a group: every file, the CSVs' rows joined to the files they name, and the rest.
fn read_group(group: &Group, limits: &Limits, log: &mut Log) -> Vec<(Parsed, String)> {
    let results = parse_group(group, limits);
    let index: HashMap<&str, usize> = group
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.as_str(), i))
        .collect();
    let mut used = vec![false; results.len()];
    let mut out = Vec::new();
    for (i, result) in results.iter().enumerate() {
        if let Ok(Outcome::Rows(rows)) = result {
            used[i] = true;
            log.files_read += 1;
            let dir = folder_of(&group.entries[i].key);
            for row in rows {
                let named = row.file.as_deref().and_then(|f| {
                    index
                        .get(format!("{dir}{f}").as_str())
                        .or_else(|| index.get(f))
                        .copied()
                });
                let file = named.and_then(|j| {
                    // Each file the list names is counted once, and not read again below.
                    if !used[j] {
                        used[j] = true;
                        if matches!(results[j], Ok(Outcome::Activities(_))) {
                            log.files_read += 1;
                        }
                    }
                    match &results[j] {
                        Ok(Outcome::Activities(a)) => a.first(),
                        _ => None,
                    }
                });
                out.push((
                    join(row.activity.clone(), file),
                    group.display(&group.entries[i].key),
                ));
            }
        }
    }
    for (i, result) in results.into_iter().enumerate() {
        let name = group.display(&group.entries[i].key);
        match result {
            _ if used[i] => {}
            Ok(Outcome::Activities(a)) => {
                log.files_read += 1;
                out.extend(a.into_iter().map(|p| (p, name.clone())));
            }
            Ok(Outcome::Rows(_)) => {}
            // A profile or a list of photos beside the activities is not a bad file.
            Err(reason)
                if (reason.starts_with(table::UNKNOWN_LAYOUT) || reason == NOT_TRAINING)
                    && quiet_if_not_training(&group.entries[i].key) => {}
            Err(reason) => log.skipped.push(Skipped { file: name, reason }),
        }
    }
    out
}

/// Reads one file named on its own: any failure is the runner's to fix.
fn read_file(
    path: &Path,
    limits: &Limits,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    let name = clean::path(path);
    let file = File::open(path).map_err(|e| unusable(path, format!("cannot be read: {e}")))?;
    let bytes = read_limited(file, limits.file_bytes).map_err(|e| unusable(path, e))?;
    let outcome = parse(bytes, limits).map_err(|e| unusable(path, e))?;
    log.files_read += 1;
    match outcome {
        Outcome::Activities(a) => Ok(a.into_iter().map(|p| (p, name.clone())).collect()),
        Outcome::Rows(rows) => {
            // A Strava activities.csv on its own: the files it names, where they sit
            // beside it, give what its rows lack.
            let dir = path.parent().unwrap_or(Path::new("."));
            let wanted: Vec<Entry> = rows
                .iter()
                .filter(|r| r.activity.ascent_m.is_none() || r.activity.distance_m.is_none())
                .filter_map(|r| r.file.as_ref())
                .map(|f| dir.join(f))
                .filter(|p| p.is_file())
                .map(|p| Entry {
                    key: p.to_string_lossy().into_owned(),
                    source: Source::File(p),
                })
                .collect();
            let group = Group {
                name: clean::path(dir),
                entries: wanted,
                zip: None,
            };
            let files = parse_group(&group, limits);
            let by_key: HashMap<String, &Parsed> = group
                .entries
                .iter()
                .zip(&files)
                .filter_map(|(e, r)| match r {
                    Ok(Outcome::Activities(a)) => Some((e.key.clone(), a.first()?)),
                    _ => None,
                })
                .collect();
            Ok(rows
                .into_iter()
                .map(|r| {
                    let file = r.file.as_ref().and_then(|f| {
                        by_key
                            .get(&dir.join(f).to_string_lossy().into_owned())
                            .copied()
                    });
                    (join(r.activity, file), name.clone())
                })
                .collect())
        }
    }
}

impl Parsed {
    /// The activity, on the calendar day it started where the runner was.
    fn into_activity(self, source: String) -> Activity {
        let (start, date) = match (self.local, self.offset) {
            (Some(local), _) => {
                let start = Local
                    .from_local_datetime(&local)
                    .earliest()
                    .map_or_else(|| local.and_utc(), |t| t.to_utc());
                (start, local.date())
            }
            (None, Some(offset)) => (self.start, self.start.with_timezone(&offset).date_naive()),
            (None, None) => (self.start, self.start.with_timezone(&Local).date_naive()),
        };
        Activity {
            start,
            date,
            kind: self.kind,
            sport: clean::clean(&self.sport).into_owned(),
            distance_m: self.distance_m.filter(|d| d.is_finite() && *d >= 0.0),
            duration_s: self.duration_s.filter(|d| d.is_finite() && *d >= 0.0),
            ascent_m: self.ascent_m.filter(|a| a.is_finite() && *a >= 0.0),
            gear: self.gear.map(|g| clean::clean(&g).into_owned()),
            source,
        }
    }
}

/// Whether two activities are the same session recorded twice: the same kind, starting
/// within five minutes, with distances within 5 % (or one unknown).
fn same_session(a: &Activity, b: &Activity) -> bool {
    let close = (a.start - b.start).num_seconds().abs() <= 300;
    let distance = match (a.distance_m, b.distance_m) {
        (Some(x), Some(y)) => (x - y).abs() <= 0.05 * x.max(y).max(1.0),
        _ => true,
    };
    a.kind == b.kind && close && distance
}

/// How much an activity knows, to keep the fuller of two copies.
fn fullness(a: &Activity) -> usize {
    [
        a.distance_m.is_some(),
        a.duration_s.is_some(),
        a.ascent_m.is_some(),
        a.gear.is_some(),
    ]
    .iter()
    .filter(|&&x| x)
    .count()
}

/// Drops the second copy of a session, keeping what either copy knows.
fn dedupe(mut all: Vec<Activity>) -> (Vec<Activity>, usize) {
    all.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.source.cmp(&b.source)));
    let mut out: Vec<Activity> = Vec::with_capacity(all.len());
    let mut dropped = 0;
    for a in all {
        let twin = out
            .iter_mut()
            .rev()
            .take_while(|k| (a.start - k.start).num_seconds() <= 300)
            .find(|k| same_session(k, &a));
        match twin {
            Some(k) => {
                dropped += 1;
                let (mut keep, other) = if fullness(&a) > fullness(k) {
                    (a, k.clone())
                } else {
                    (k.clone(), a)
                };
                keep.distance_m = keep.distance_m.or(other.distance_m);
                keep.duration_s = keep.duration_s.or(other.duration_s);
                keep.ascent_m = keep.ascent_m.or(other.ascent_m);
                keep.gear = keep.gear.or(other.gear);
                *k = keep;
            }
            None => out.push(a),
        }
    }
    (out, dropped)
}

/// See [`super::read`].
pub fn read(paths: &[PathBuf], limits: Limits) -> Result<Log, TrainingError> {
    let mut log = Log::default();
    let mut found: Vec<(Parsed, String)> = Vec::new();
    let mut count = 0usize;
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| unusable(path, format!("cannot be read: {e}")))?;
        let zip = !meta.is_dir() && {
            let mut head = [0u8; 4];
            File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok()
                && detect(&head) == Some(Format::Zip)
        };
        if meta.is_dir() || zip {
            let entries = if zip {
                zip_entries(path, &limits, &mut count)?
            } else {
                walk(path, &limits, &mut count)?
            };
            let group = Group {
                name: clean::path(path),
                entries,
                zip: zip.then_some(path.as_path()),
            };
            let skipped_before = log.skipped.len();
            let got = read_group(&group, &limits, &mut log);
            if got.is_empty() {
                let skipped = log.skipped.len() - skipped_before;
                let what = if zip { "zip" } else { "folder" };
                return Err(unusable(
                    path,
                    match skipped {
                        0 => format!("the {what} holds no FIT, GPX, TCX or activity CSV file"),
                        n => format!(
                            "the {what} holds no activity runback can read ({n} file{} skipped: {})",
                            if n == 1 { "" } else { "s" },
                            log.skipped[skipped_before..]
                                .iter()
                                .take(3)
                                .map(|s| format!("{}: {}", s.file, s.reason))
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    },
                ));
            }
            found.extend(got);
        } else {
            count += 1;
            found.extend(read_file(path, &limits, &mut log)?);
        }
    }
    for (p, source) in &found {
        if let Some(warning) = &p.warning
            && !log.warnings.iter().any(|w| w.file == *source)
        {
            log.warnings.push(Skipped {
                file: source.clone(),
                reason: warning.clone(),
            });
        }
    }
    let activities: Vec<Activity> = found
        .into_iter()
        .map(|(p, source)| p.into_activity(source))
        .collect();
    if activities.is_empty() {
        return Err(TrainingError::Empty {
            files: paths
                .iter()
                .map(|p| clean::path(p))
                .collect::<Vec<_>>()
                .join(", "),
            skipped: log.skipped.clone(),
        });
    }
    let (activities, duplicates) = dedupe(activities);
    log.activities = activities;
    log.duplicates = duplicates;
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_content() {
        let mut fit = vec![14u8, 0x10, 0, 0, 0, 0, 0, 0];
        fit.extend_from_slice(b".FIT");
        assert_eq!(detect(&fit), Some(Format::Fit));
        assert_eq!(
            detect(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">"),
            Some(Format::Gpx)
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><TrainingCenterDatabase xmlns=\"x\">"),
            Some(Format::Tcx)
        );
        assert_eq!(
            detect(b"Activity ID,Activity Date,Activity Type\n1,2,3"),
            Some(Format::Csv)
        );
        assert_eq!(detect(b"notes, not a table\n"), None);
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(detect(b"<html><body>"), None);
    }
}
