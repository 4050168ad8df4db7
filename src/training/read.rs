//! From the paths a runner names to one list of activities: folders walked, zips opened,
//! gzip undone, each file's format told from its content, files parsed in parallel,
//! Strava's CSV rows joined to the files they name, and the same session counted once.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use chrono::{Local, TimeZone};
use rayon::prelude::*;

use super::table;
use super::{Activity, Limits, Log, Parsed, Skipped, TrainingError, fit, plausible, xml};
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

/// How much of a file's start the format is told from.
const SNIFF: usize = 4096;

/// How a read that ran into the limit on what a whole log may unpack ends; the run stops
/// with [`over_budget`] once the files in flight have finished.
const OVER_BUDGET: &str = "the log unpacks to more than runback reads";

/// Everything one run's files share: the limits, what is left of the unpacked-size budget,
/// and the memory in flight.
pub(super) struct Ctx<'a> {
    limits: &'a Limits,
    /// Bytes that may still be unpacked, across the whole log.
    left: AtomicU64,
    /// Set once a read ran out of `left`: nothing more is read.
    over: AtomicBool,
    memory: Memory,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(limits: &'a Limits) -> Ctx<'a> {
        Ctx {
            limits,
            left: AtomicU64::new(limits.archive_bytes),
            over: AtomicBool::new(false),
            memory: Memory::new(SMALL_IN_FLIGHT),
        }
    }

    fn over(&self) -> bool {
        self.over.load(Ordering::Relaxed)
    }

    /// Takes `n` unpacked bytes from the budget; false (and every later read stops) when
    /// there are not that many left.
    fn charge(&self, n: u64) -> bool {
        let ok = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok();
        if !ok {
            self.over.store(true, Ordering::Relaxed);
        }
        ok
    }
}

/// The error that ends a run whose files unpack to more than the limit.
fn over_budget(what: &Path, limits: &Limits) -> TrainingError {
    unusable(
        what,
        format!(
            "the training files named come to more than the {} MiB limit once unpacked \
             (counting what every zip and gzip holds); runback stopped reading there. Name \
             fewer files, or a shorter export",
            limits.archive_bytes >> 20
        ),
    )
}

/// A file that can unpack to more than this many bytes is read into one of the few large
/// buffers the run shares; a smaller one gets a buffer of its own.
const SMALL: u64 = 1 << 20;

/// The most bytes small files' buffers hold at once.
const SMALL_IN_FLIGHT: u64 = 64 << 20;

/// How many large buffers a run has: at most this many large files are held at once,
/// however many threads read.
const LARGE_BUFFERS: usize = 3;

/// The memory file contents are read into, bounded whatever the number of threads: small
/// files take their size from a budget of bytes before reading and give it back once
/// parsed; large ones wait for one of a few buffers, reused from file to file, so memory
/// freed by one file is not left with a thread (or with the allocator) while the next is
/// read. One file never waits for itself: a claim larger than the whole is cut to the whole.
struct Memory {
    small_cap: u64,
    state: Mutex<MemoryState>,
    freed: Condvar,
}

#[derive(Default)]
struct MemoryState {
    /// Bytes small files hold.
    small: u64,
    /// Large buffers in use.
    large: usize,
    /// Large buffers free for the next large file.
    pool: Vec<Vec<u8>>,
}

/// What a file's buffer was taken from, given back when the file is parsed.
enum Slot<'m> {
    Small(&'m Memory, u64),
    Large(&'m Memory),
}

impl Memory {
    fn new(small_cap: u64) -> Memory {
        Memory {
            small_cap,
            state: Mutex::new(MemoryState::default()),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An empty buffer for a file that can unpack to `bytes`, waiting until memory allows.
    fn take(&self, bytes: u64) -> (Vec<u8>, Slot<'_>) {
        let mut state = self.lock();
        if bytes <= SMALL {
            let bytes = bytes.min(self.small_cap);
            while state.small + bytes > self.small_cap {
                state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.small += bytes;
            (Vec::with_capacity(bytes as usize), Slot::Small(self, bytes))
        } else {
            while state.large >= LARGE_BUFFERS {
                state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.large += 1;
            let mut buffer = state.pool.pop().unwrap_or_default();
            buffer.clear();
            (buffer, Slot::Large(self))
        }
    }
}

impl Slot<'_> {
    fn give_back(&self, buffer: Vec<u8>) {
        let memory = match self {
            Slot::Small(m, _) | Slot::Large(m) => *m,
        };
        let mut state = memory.lock();
        match self {
            Slot::Small(_, bytes) => state.small -= bytes,
            Slot::Large(_) => {
                state.large -= 1;
                state.pool.push(buffer);
            }
        }
        memory.freed.notify_all();
    }
}

/// A reader that charges what it gives to the run's unpacked-size budget.
struct Counted<'c, R> {
    inner: R,
    ctx: &'c Ctx<'c>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ctx.over() {
            return Err(std::io::Error::other(OVER_BUDGET));
        }
        let n = self.inner.read(buf)?;
        if !self.ctx.charge(n as u64) {
            return Err(std::io::Error::other(OVER_BUDGET));
        }
        Ok(n)
    }
}

/// Reads until `into` holds `upto` bytes or the reader ends.
fn fill(reader: &mut impl Read, into: &mut Vec<u8>, upto: usize) -> std::io::Result<()> {
    let want = upto.saturating_sub(into.len()) as u64;
    reader.by_ref().take(want).read_to_end(into).map(|_| ())
}

/// The most bytes a compressed stream of `n` bytes can unpack to (deflate's ratio is at
/// most 1032 to 1).
fn inflated(n: u64) -> u64 {
    n.saturating_mul(1100).saturating_add(1 << 16)
}

/// One file's content, ready to parse, in the buffer it holds until it is dropped.
struct Loaded<'c> {
    bytes: Vec<u8>,
    format: Format,
    slot: Slot<'c>,
}

impl Drop for Loaded<'_> {
    fn drop(&mut self) {
        self.slot.give_back(std::mem::take(&mut self.bytes));
    }
}

/// Reads one file: one layer of gzip undone, its format told from its first bytes before
/// the rest is read (so a file of zeros or a photo costs a few KiB, however large it
/// unpacks), then the rest, within the limit on one file, the run's budget and memory in
/// flight. `bound` is the most the raw stream can hold.
fn load<'c>(raw: impl Read, bound: u64, ctx: &'c Ctx<'c>) -> Result<Loaded<'c>, String> {
    let limit = ctx.limits.file_bytes;
    let mut raw = raw;
    let mut head = Vec::with_capacity(SNIFF);
    fill(&mut raw, &mut head, SNIFF).map_err(|e| format!("cannot be read: {e}"))?;
    let gz = detect(&head) == Some(Format::Gzip);
    let (inner, bound): (Box<dyn Read + '_>, u64) = if gz {
        let stream = std::io::Cursor::new(head).chain(raw);
        (
            Box::new(flate2::read::MultiGzDecoder::new(stream)),
            inflated(bound),
        )
    } else {
        (Box::new(std::io::Cursor::new(head).chain(raw)), bound)
    };
    let mut reader = Counted {
        inner: inner.take(limit.saturating_add(1)),
        ctx,
    };
    let failed = |e: std::io::Error| {
        if ctx.over() {
            OVER_BUDGET.to_string()
        } else if gz {
            "the gzip file is damaged or cut short".to_string()
        } else {
            format!("cannot be read: {e}")
        }
    };
    let mut bytes = Vec::with_capacity(SNIFF);
    fill(&mut reader, &mut bytes, SNIFF).map_err(failed)?;
    let format = match detect(&bytes) {
        Some(Format::Zip) => return Err("a zip inside a gzip or a zip is not read".to_string()),
        Some(Format::Gzip) => return Err("a gzip inside a gzip is not read".to_string()),
        Some(f) => f,
        None => return Err(NOT_TRAINING.to_string()),
    };
    let too_large = || {
        format!(
            "larger than the {} MiB limit for one training file{}",
            limit >> 20,
            if gz { ", once uncompressed" } else { "" }
        )
    };
    let want = bound.min(limit.saturating_add(1));
    let (mut buffer, slot) = ctx.memory.take(want);
    buffer.extend_from_slice(&bytes);
    drop(bytes);
    // From here the buffer goes back where it came from, whatever happens.
    let mut loaded = Loaded {
        bytes: buffer,
        format,
        slot,
    };
    let bytes = &mut loaded.bytes;
    if format == Format::Fit {
        read_fit(&mut reader, bytes, limit)
            .map_err(failed)?
            .ok_or_else(too_large)?;
    } else {
        bytes.reserve_exact((want as usize).saturating_sub(bytes.len()));
        reader.read_to_end(bytes).map_err(failed)?;
    }
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(loaded)
}

/// Reads a FIT file by the sizes its headers give: each file of a chain, header, messages
/// and checksum, and nothing after the last one. A header claiming more than the limit is
/// refused before anything more is read or unpacked (`None`), and bytes after the chain
/// (zeros, say, however many) are never read. A chain cut short is left for the decoder
/// to name.
fn read_fit(
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<Option<()>> {
    let mut at = 0usize;
    loop {
        // The next header: from what is already read, the rest into a small buffer, so
        // the file's buffer grows only for a file that is there.
        let mut head = [0u8; 12];
        let have = bytes.len().saturating_sub(at).min(12);
        head[..have].copy_from_slice(&bytes[at..at + have]);
        let mut got = have;
        while got < 12 {
            match reader.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if got < 12 || &head[8..12] != b".FIT" {
            // Not another file: what is already here (at most the first 4 KiB) is the
            // decoder's to judge; nothing more is read.
            return Ok(Some(()));
        }
        let data = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        let end = at as u64 + u64::from(head[0]) + data + 2;
        if end > limit {
            return Ok(None);
        }
        bytes.reserve_exact((end as usize).saturating_sub(bytes.len()));
        bytes.extend_from_slice(&head[have..]);
        fill(reader, bytes, end as usize)?;
        if (bytes.len() as u64) < end {
            return Ok(Some(()));
        }
        at = end as usize;
    }
}

/// What one file gave.
enum Outcome {
    /// Activities from a FIT, GPX or TCX file.
    Activities(Vec<Parsed>),
    /// The rows of an activity list.
    Rows(Vec<table::Row>),
}

/// Parses one file's content.
fn parse(loaded: Loaded<'_>) -> Result<Outcome, String> {
    let bytes = &loaded.bytes;
    match loaded.format {
        Format::Fit => fit::read(bytes).map(Outcome::Activities),
        Format::Gpx => xml::gpx(bytes).map(Outcome::Activities),
        Format::Tcx => xml::tcx(bytes).map(Outcome::Activities),
        Format::Csv => table::read(bytes).map(Outcome::Rows),
        Format::Zip | Format::Gzip => Err(NOT_TRAINING.to_string()),
    }
}

/// Which file a path is, to visit each once however many links or names lead to it.
type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(_path: &Path, meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &std::fs::Metadata) -> FileId {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .hash(&mut h);
    (h.finish(), 0)
}

/// Why a file found in a folder that is not a plain file is not read.
const NOT_REGULAR: &str = "not a regular file (a FIFO, socket or device), so it is not read";

/// Opens a file found in a folder, or named by an activity list, for reading: without
/// waiting (a FIFO put in its place would otherwise hang the run), without following a
/// link, and only if it is still the regular file the walk found.
fn open_found(path: &Path, id: &FileId) -> Result<(File, u64), String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return "became a link after the folder was read, so it is not read".to_string();
        }
        format!("cannot be read: {e}")
    })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err(NOT_REGULAR.to_string());
    }
    if &file_id(path, &meta) != id {
        return Err("was replaced while runback was reading the folder, so it is not read".into());
    }
    Ok((file, meta.len()))
}

/// One file of a folder or an archive.
struct Entry {
    /// Path relative to the folder or archive, with `/`.
    key: String,
    /// Where its bytes are.
    source: Source,
}

enum Source {
    /// A regular file, by the path with no link in its last part, and which file it was.
    File(PathBuf, FileId),
    /// An entry of the group's zip, by index.
    Zip(usize),
}

/// A reader at its own position over a file shared between threads.
struct At {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        #[cfg(not(any(unix, windows)))]
        let n = {
            use std::io::Seek;
            let mut f = &*self.file;
            f.seek(std::io::SeekFrom::Start(self.pos))?;
            f.read(buf)?
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for At {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

/// A zip's bytes: the file named (opened once, read by every thread at its own position),
/// or what a pipe gave.
#[derive(Clone)]
enum ZipBytes {
    File(Arc<File>, u64),
    Memory(Arc<[u8]>),
}

trait ReadSeek: Read + std::io::Seek + Send {}
impl<T: Read + std::io::Seek + Send> ReadSeek for T {}

impl ZipBytes {
    fn archive(&self) -> zip::result::ZipResult<zip::ZipArchive<Box<dyn ReadSeek>>> {
        let reader: Box<dyn ReadSeek> = match self {
            ZipBytes::File(file, len) => Box::new(At {
                file: file.clone(),
                pos: 0,
                len: *len,
            }),
            ZipBytes::Memory(bytes) => Box::new(std::io::Cursor::new(bytes.clone())),
        };
        zip::ZipArchive::new(reader)
    }
}

/// A folder or archive: its files, read in parallel.
struct Group {
    /// How messages name it.
    name: String,
    entries: Vec<Entry>,
    /// The zip, when it is one (each thread reads it through its own archive).
    zip: Option<ZipBytes>,
}

impl Group {
    fn display(&self, key: &str) -> String {
        format!("{}:{}", self.name, clean::clean(key))
    }
}

/// The relative key of a path found under `root`, with `/`.
fn key_of(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks a folder, files in name order, up to the limit on files. A link is followed only
/// when it leads to somewhere inside the folder, each folder and file is visited once
/// however many links lead to it, and anything but a regular file or a folder is listed
/// as skipped.
fn walk(
    dir: &Path,
    limits: &Limits,
    count: &mut usize,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Entry>, TrainingError> {
    let root =
        std::fs::canonicalize(dir).map_err(|e| unusable(dir, format!("cannot be read: {e}")))?;
    let mut out = Vec::new();
    let mut folders: HashSet<FileId> = HashSet::new();
    let mut files: HashSet<FileId> = HashSet::new();
    if let Ok(meta) = std::fs::metadata(&root) {
        folders.insert(file_id(&root, &meta));
    }
    let too_many = || {
        unusable(
            dir,
            format!("holds more than {} files; name fewer", limits.files),
        )
    };
    let name = clean::path(dir);
    // Each folder with the path its files' keys are made from (a link's own name).
    let mut stack = vec![(root.clone(), PathBuf::new())];
    while let Some((real, shown)) = stack.pop() {
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(&real)
            .map_err(|e| unusable(&real, format!("cannot be read: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        for n in names.into_iter().rev() {
            let p = real.join(&n);
            let key = key_of(Path::new(""), &shown.join(&n));
            let Ok(link) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let (target, meta) = if link.file_type().is_symlink() {
                let Ok(target) = std::fs::canonicalize(&p) else {
                    continue;
                };
                if !target.starts_with(&root) {
                    if looks_like_training(&key)
                        || std::fs::metadata(&target).is_ok_and(|m| m.is_dir())
                    {
                        skipped.push(Skipped {
                            file: format!("{name}:{}", clean::clean(&key)),
                            reason: "a link to somewhere outside the folder, so it is not followed"
                                .to_string(),
                        });
                    }
                    continue;
                }
                let Ok(meta) = std::fs::metadata(&target) else {
                    continue;
                };
                (target, meta)
            } else {
                (p, link)
            };
            let id = file_id(&target, &meta);
            if meta.is_dir() {
                if folders.insert(id) {
                    *count += 1;
                    if *count > limits.files {
                        return Err(too_many());
                    }
                    stack.push((target, shown.join(&n)));
                }
            } else if looks_like_training(&key) {
                if !meta.is_file() {
                    skipped.push(Skipped {
                        file: format!("{name}:{}", clean::clean(&key)),
                        reason: NOT_REGULAR.to_string(),
                    });
                } else if files.insert(id) {
                    *count += 1;
                    if *count > limits.files {
                        return Err(too_many());
                    }
                    out.push(Entry {
                        key,
                        source: Source::File(target, id),
                    });
                }
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
    zip: &ZipBytes,
    limits: &Limits,
    count: &mut usize,
) -> Result<Vec<Entry>, TrainingError> {
    let mut archive = zip
        .archive()
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
        // What the zip says its files unpack to; what they really unpack to (a gzip inside
        // included) is counted again as they are read.
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

/// Reads and parses one entry of a group.
fn parse_entry(
    entry: &Entry,
    archive: &mut Option<zip::ZipArchive<Box<dyn ReadSeek>>>,
    ctx: &Ctx<'_>,
) -> Result<Outcome, String> {
    if ctx.over() {
        return Err(OVER_BUDGET.to_string());
    }
    let loaded = match &entry.source {
        Source::File(p, id) => {
            let (file, len) = open_found(p, id)?;
            load(file, len, ctx)?
        }
        Source::Zip(i) => {
            let archive = archive
                .as_mut()
                .ok_or_else(|| "the zip file cannot be opened again".to_string())?;
            let file = archive
                .by_index(*i)
                .map_err(|_| "damaged inside the zip".to_string())?;
            let bound = match file.compression() {
                zip::CompressionMethod::Stored => file.compressed_size(),
                _ => inflated(file.compressed_size()),
            };
            load(file, bound, ctx).map_err(|e| {
                if e.starts_with("cannot") {
                    "damaged inside the zip".to_string()
                } else {
                    e
                }
            })?
        }
    };
    parse(loaded)
}

/// Parses every entry of a group in parallel; each thread opens the zip once.
fn parse_group(group: &Group, ctx: &Ctx<'_>) -> Vec<Result<Outcome, String>> {
    group
        .entries
        .par_iter()
        .map_init(
            || group.zip.as_ref().and_then(|z| z.archive().ok()),
            |archive, entry| parse_entry(entry, archive, ctx),
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
fn read_group(group: &Group, ctx: &Ctx<'_>, log: &mut Log) -> Vec<(Parsed, String)> {
    let results = parse_group(group, ctx);
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

/// How many of the names an activity list gives that lead outside its folder are listed
/// one by one; the rest are counted.
const REFUSED_SHOWN: usize = 10;

/// The files an activity list named on its own names, found in its own folder, and which
/// of them each row names. A name that leads out of the folder (an absolute path, `..`,
/// a link to elsewhere) or back to the list itself is refused and listed; a file is read
/// once however many rows name it, and counts against the limit on files.
fn named_files(
    list: &Path,
    dir: &Path,
    rows: &[table::Row],
    limits: &Limits,
    count: &mut usize,
    log: &mut Log,
) -> Result<(Vec<Entry>, Vec<Option<usize>>), TrainingError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_row = vec![None; rows.len()];
    let Ok(root) = std::fs::canonicalize(dir) else {
        return Ok((entries, by_row));
    };
    let list_id = std::fs::metadata(list).ok().map(|m| file_id(list, &m));
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::new();
    let mut by_id: HashMap<FileId, usize> = HashMap::new();
    let mut refused: Vec<(String, &str)> = Vec::new();
    let mut refused_names: HashSet<&str> = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        if row.activity.ascent_m.is_some() && row.activity.distance_m.is_some() {
            continue;
        }
        let Some(f) = row.file.as_deref() else {
            continue;
        };
        if let Some(&known) = by_name.get(f) {
            by_row[i] = known;
            continue;
        }
        let mut refuse = |why: &'static str| {
            if refused_names.insert(f) {
                refused.push((f.to_string(), why));
            }
            None
        };
        let rel = Path::new(f);
        let inside = !rel.is_absolute()
            && rel
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        let found = if !inside {
            refuse("outside the export's folder")
        } else {
            match std::fs::canonicalize(root.join(rel)) {
                // A file the export does not hold: the row counts on its own.
                Err(_) => None,
                Ok(real) if !real.starts_with(&root) => refuse("outside the export's folder"),
                Ok(real) => match std::fs::metadata(&real) {
                    Ok(meta) if meta.is_file() => {
                        let id = file_id(&real, &meta);
                        if Some(&id) == list_id.as_ref() {
                            refuse("the activity list itself")
                        } else if let Some(&j) = by_id.get(&id) {
                            Some(j)
                        } else {
                            *count += 1;
                            if *count > limits.files {
                                return Err(unusable(
                                    list,
                                    format!("names more than {} files", limits.files),
                                ));
                            }
                            by_id.insert(id, entries.len());
                            entries.push(Entry {
                                key: real.to_string_lossy().into_owned(),
                                source: Source::File(real, id),
                            });
                            Some(entries.len() - 1)
                        }
                    }
                    Ok(_) => refuse("not a regular file"),
                    Err(_) => None,
                },
            }
        };
        by_name.insert(f, found);
        by_row[i] = found;
    }
    let name = clean::path(list);
    for (f, why) in refused.iter().take(REFUSED_SHOWN) {
        log.skipped.push(Skipped {
            file: name.clone(),
            reason: format!("a row names {}, {why}, so it is not read", clean::clean(f)),
        });
    }
    if refused.len() > REFUSED_SHOWN {
        log.skipped.push(Skipped {
            file: name,
            reason: format!(
                "{} more files its rows name lie outside the export's folder and are not read",
                refused.len() - REFUSED_SHOWN
            ),
        });
    }
    Ok((entries, by_row))
}

/// Reads one file named on its own: any failure is the runner's to fix.
fn read_file(
    path: &Path,
    loaded: Result<Loaded<'_>, String>,
    ctx: &Ctx<'_>,
    count: &mut usize,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    let name = clean::path(path);
    let outcome = loaded.and_then(parse).map_err(|e| {
        if ctx.over() {
            over_budget(path, ctx.limits)
        } else {
            unusable(path, e)
        }
    })?;
    log.files_read += 1;
    match outcome {
        Outcome::Activities(a) => Ok(a.into_iter().map(|p| (p, name.clone())).collect()),
        Outcome::Rows(rows) => {
            // A Strava activities.csv on its own: the files it names, where they sit
            // beside it, give what its rows lack.
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let (entries, by_row) = named_files(path, dir, &rows, ctx.limits, count, log)?;
            let group = Group {
                name: clean::path(dir),
                entries,
                zip: None,
            };
            let files = parse_group(&group, ctx);
            if ctx.over() {
                return Err(over_budget(path, ctx.limits));
            }
            Ok(rows
                .into_iter()
                .zip(by_row)
                .map(|(r, j)| {
                    let file = j.and_then(|j| match &files[j] {
                        Ok(Outcome::Activities(a)) => a.first(),
                        _ => None,
                    });
                    (join(r.activity, file), name.clone())
                })
                .collect())
        }
    }
}

/// Reads a zip named on the command line (from a file or a pipe) as one group.
fn read_named_zip(
    path: &Path,
    zip: ZipBytes,
    ctx: &Ctx<'_>,
    count: &mut usize,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    let entries = zip_entries(path, &zip, ctx.limits, count)?;
    let group = Group {
        name: clean::path(path),
        entries,
        zip: Some(zip),
    };
    read_named_group(path, &group, ctx, log)
}

/// Reads a folder or a zip named on the command line; one with nothing readable is an
/// error naming what was skipped.
fn read_named_group(
    path: &Path,
    group: &Group,
    ctx: &Ctx<'_>,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    let skipped_before = log.skipped.len();
    let got = read_group(group, ctx, log);
    if ctx.over() {
        return Err(over_budget(path, ctx.limits));
    }
    if got.is_empty() {
        let skipped = log.skipped.len() - skipped_before;
        let what = if group.zip.is_some() { "zip" } else { "folder" };
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
    Ok(got)
}

/// Reads what a FIFO, a pipe or a device named on the command line gives, once, as it
/// comes: the bytes the format is told from are kept, not lost.
fn read_stream(
    path: &Path,
    raw: Vec<u8>,
    ctx: &Ctx<'_>,
    count: &mut usize,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    if detect(&raw) == Some(Format::Zip) {
        let zip = ZipBytes::Memory(raw.into());
        return read_named_zip(path, zip, ctx, count, log);
    }
    *count += 1;
    let len = raw.len() as u64;
    let loaded = load(&raw[..], len, ctx);
    read_file(path, loaded, ctx, count, log)
}

/// Reads every file, folder and archive named, and what a pipe gives.
fn read_named(
    path: &Path,
    ctx: &Ctx<'_>,
    count: &mut usize,
    log: &mut Log,
) -> Result<Vec<(Parsed, String)>, TrainingError> {
    let cannot = |e: std::io::Error| unusable(path, format!("cannot be read: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        let entries = walk(path, ctx.limits, count, &mut log.skipped)?;
        let group = Group {
            name: clean::path(path),
            entries,
            zip: None,
        };
        return read_named_group(path, &group, ctx, log);
    }
    // Named on the command line, a FIFO is an explicit request: it is opened, and read.
    let file = File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        let limit = ctx.limits.file_bytes;
        let mut raw = Vec::new();
        (&file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut raw)
            .map_err(cannot)?;
        if raw.len() as u64 > limit {
            return Err(unusable(
                path,
                format!(
                    "larger than the {} MiB limit for one training file",
                    limit >> 20
                ),
            ));
        }
        return read_stream(path, raw, ctx, count, log);
    }
    let len = meta.len();
    let file = Arc::new(file);
    let at = || At {
        file: file.clone(),
        pos: 0,
        len,
    };
    let mut head = [0u8; 4];
    if at().read_exact(&mut head).is_ok() && detect(&head) == Some(Format::Zip) {
        let zip = ZipBytes::File(file.clone(), len);
        return read_named_zip(path, zip, ctx, count, log);
    }
    *count += 1;
    let loaded = load(at(), len, ctx);
    read_file(path, loaded, ctx, count, log)
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

/// How many sessions before it, at most, a session is compared with to find its copy.
const DEDUPE_NEIGHBOURS: usize = 64;

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
            // A log of thousands of sessions in the same minutes (a hostile one, or many
            // runners' logs together) compares each with its nearest neighbours only, so
            // the work stays linear.
            .take(DEDUPE_NEIGHBOURS)
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
    let ctx = Ctx::new(&limits);
    let mut log = Log::default();
    let mut found: Vec<(Parsed, String)> = Vec::new();
    let mut count = 0usize;
    for path in paths {
        found.extend(read_named(path, &ctx, &mut count, &mut log)?);
    }
    // The shared buffers go before the activities are built.
    drop(ctx);
    let files = paths
        .iter()
        .map(|p| clean::path(p))
        .collect::<Vec<_>>()
        .join(", ");
    finish(found, log, files)
}

/// See [`super::read_bytes`].
pub fn read_bytes(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Log, TrainingError> {
    let ctx = Ctx::new(&limits);
    let mut log = Log::default();
    let mut count = 0usize;
    let path = Path::new(name);
    let found = read_stream(path, bytes, &ctx, &mut count, &mut log)?;
    drop(ctx);
    finish(found, log, clean::path(path))
}

/// The activities on the runner's calendar, implausible values dropped, duplicates
/// counted once.
fn finish(found: Vec<(Parsed, String)>, mut log: Log, files: String) -> Result<Log, TrainingError> {
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
    let mut activities: Vec<Activity> = found
        .into_iter()
        .map(|(p, source)| p.into_activity(source))
        .collect();
    plausible::check(&mut activities, &mut log.skipped);
    if activities.is_empty() {
        return Err(TrainingError::Empty {
            files,
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

    #[cfg(unix)]
    #[test]
    fn a_file_that_turned_into_a_fifo_after_the_walk_is_skipped_without_waiting() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("run.gpx");
        std::fs::write(&p, b"<gpx></gpx>").unwrap();
        let meta = std::fs::metadata(&p).unwrap();
        let id = file_id(&p, &meta);
        std::fs::remove_file(&p).unwrap();
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let limits = Limits::default();
        let ctx = Ctx::new(&limits);
        let entry = Entry {
            key: "run.gpx".into(),
            source: Source::File(p.clone(), id),
        };
        let err = parse_entry(&entry, &mut None, &ctx).err().unwrap();
        assert_eq!(err, NOT_REGULAR);
        // A file replaced by another after the walk is not read either.
        std::fs::remove_file(&p).unwrap();
        std::fs::write(&p, b"<gpx></gpx>").unwrap();
        let other = Entry {
            key: "run.gpx".into(),
            source: Source::File(p, (id.0, id.1.wrapping_add(1))),
        };
        let err = parse_entry(&other, &mut None, &ctx).err().unwrap();
        assert!(err.contains("replaced"), "{err}");
    }

    #[test]
    fn memory_in_flight_never_passes_its_cap_whatever_the_threads() {
        let memory = Memory::new(SMALL);
        let peak_small = AtomicU64::new(0);
        let peak_large = AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for n in [SMALL / 3, SMALL, SMALL + 1, 64 << 20, 100] {
                        let (mut buffer, slot) = memory.take(n);
                        buffer.resize(n as usize, 1);
                        {
                            let state = memory.lock();
                            peak_small.fetch_max(state.small, Ordering::Relaxed);
                            peak_large.fetch_max(state.large as u64, Ordering::Relaxed);
                        }
                        std::thread::yield_now();
                        slot.give_back(buffer);
                    }
                });
            }
        });
        assert!(peak_small.load(Ordering::Relaxed) <= SMALL);
        assert!(peak_large.load(Ordering::Relaxed) <= LARGE_BUFFERS as u64);
        let state = memory.lock();
        assert_eq!((state.small, state.large), (0, 0));
        assert!(
            state.pool.len() <= LARGE_BUFFERS,
            "large buffers are reused, not made per thread"
        );
    }
}
