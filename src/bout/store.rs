//! Where bouts are kept: `bouts/` in the state folder, beside `runs/`. One file a bout,
//! owner-only, replaced whole (never half-written) on every change; a file that does not
//! read as a bout is passed over, never deleted unasked.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Bout, Entry};
use crate::atomic_write;
use crate::clean;

/// The bouts in the state folder.
pub struct Bouts {
    dir: PathBuf,
}

/// Why the bouts could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder could not be made or used.
    #[error("cannot use the folder {}: {source}", clean::path(.dir))]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A bout could not be written.
    #[error("cannot keep the check-in in {}: {source}", clean::path(.path))]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A bout could not be deleted.
    #[error("cannot delete {}: {source}", clean::path(.path))]
    Remove {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

/// A bout's file.
#[derive(Serialize, Deserialize)]
struct File {
    #[serde(rename = "$runback")]
    note: Note,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Note {
    /// The format's version.
    bout: u32,
}

/// A bout file is small: one refused above this is not one of runback's.
const MAX_BOUT_BYTES: u64 = 16 << 20;

impl Bouts {
    /// The bouts in the user's state folder, the folder made owner-only if needed.
    pub fn open() -> Result<Bouts, StoreError> {
        let base = crate::interactive::store::state_dir().map_err(|source| StoreError::Folder {
            dir: PathBuf::from("the state folder"),
            source,
        })?;
        Bouts::open_in(&base)
    }

    /// The bouts in `base/bouts`.
    pub fn open_in(base: &Path) -> Result<Bouts, StoreError> {
        let dir = base.join("bouts");
        crate::interactive::store::private_dir(&dir).map_err(|source| StoreError::Folder {
            dir: dir.clone(),
            source,
        })?;
        Ok(Bouts { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds an entry to a bout and writes it, under a lock held only for that read and
    /// write: the bout is read again first, so an entry another runback added meanwhile
    /// (a check-in in a second window) is kept, not overwritten.
    pub fn add(&self, bout: &Bout, entry: Entry) -> Result<Bout, StoreError> {
        let _held = self.lock()?;
        let mut now = read_bout(&self.path(&bout.id)).unwrap_or_else(|| bout.clone());
        now.entries.push(entry);
        now.entries.sort_by_key(|e| e.time);
        self.save(&now)?;
        Ok(now)
    }

    /// Holds the bouts for one read and write: a lock on the folder itself, so no file is
    /// added to it. Released when the handle is dropped. (Elsewhere than on Unix a folder
    /// cannot be opened to lock, and two check-ins at the very same moment stay possible.)
    fn lock(&self) -> Result<Option<std::fs::File>, StoreError> {
        #[cfg(unix)]
        {
            let folder = std::fs::File::open(&self.dir)
                .and_then(|f| f.lock().map(|()| f))
                .map_err(|source| StoreError::Write {
                    path: self.dir.clone(),
                    source,
                })?;
            Ok(Some(folder))
        }
        #[cfg(not(unix))]
        Ok(None)
    }

    /// Every bout that reads, oldest first.
    pub fn all(&self) -> Vec<Bout> {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = read
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.iter().filter_map(|p| read_bout(p)).collect()
    }

    /// The newest bout a check-in may follow at `now`.
    pub fn current(&self, now: i64, weeks: u32) -> Option<Bout> {
        self.all()
            .into_iter()
            .rev()
            .find(|b| b.is_current(now, weeks))
    }

    /// A new, empty bout starting at `time` (nothing is written until it is saved).
    pub fn new_bout(&self, time: i64) -> Bout {
        let stamp = crate::interactive::store::timestamp_for_name(time.max(0) as u64);
        Bout {
            id: format!("{stamp}-{:016x}", atomic_write::random()),
            entries: Vec::new(),
        }
    }

    /// Writes a bout whole, owner-only.
    pub fn save(&self, bout: &Bout) -> Result<(), StoreError> {
        let path = self.path(&bout.id);
        let file = File {
            note: Note { bout: 1 },
            entries: bout.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("a bout always serializes");
        text.push('\n');
        atomic_write::replace_locked(&path, text.as_bytes())
            .map(drop)
            .map_err(|source| StoreError::Write { path, source })
    }

    /// Deletes one bout.
    pub fn forget(&self, id: &str) -> Result<(), StoreError> {
        let path = self.path(id);
        std::fs::remove_file(&path).map_err(|source| StoreError::Remove { path, source })
    }

    /// Deletes every bout file in the folder, those that no longer read as a bout too
    /// (from a newer runback, or damaged): they hold the runner's answers all the same. A
    /// link is removed, never what it points to; a folder is left.
    pub fn forget_all(&self) -> Result<(), StoreError> {
        let read = std::fs::read_dir(&self.dir).map_err(|source| StoreError::Folder {
            dir: self.dir.clone(),
            source,
        })?;
        for entry in read {
            let entry = entry.map_err(|source| StoreError::Folder {
                dir: self.dir.clone(),
                source,
            })?;
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir || path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(StoreError::Remove { path, source: e });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }
}

/// A bout from its file; `None` for anything that is not a regular file holding one.
fn read_bout(path: &Path) -> Option<Bout> {
    // An id runback gave (a time and a random part) is letters, digits and dashes; a
    // name with anything else is not one of its files, and its id would be printed.
    let id = path.file_stem()?.to_str()?.to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BOUT_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let file: File = serde_json::from_str(&text).ok()?;
    // A time no clock of runback's gives (before 1970, after 9999) is not one it wrote,
    // and would overflow the arithmetic on days.
    let plausible = |e: &Entry| (0..=crate::report::date::LAST_SECOND).contains(&e.time);
    if file.note.bout != 1 || file.entries.is_empty() || !file.entries.iter().all(plausible) {
        return None;
    }
    let mut entries = file.entries;
    entries.sort_by_key(|e| e.time);
    Some(Bout { id, entries })
}
