//! Where an interactive run keeps its answers: one answer file per run in the user's
//! state folder (`$XDG_STATE_HOME/runback/runs/` on Linux, the platform's equivalent
//! elsewhere, or `$RUNBACK_STATE_DIR`), rewritten after every answer and readable only by
//! the user. A file is an ordinary answer file with a `$runback` note saying whether the
//! run finished, so `runback assess --answers FILE` reads it like any other.
//!
//! The folder is the user's alone: created owner-only, tightened if it is the user's but
//! others can read or write it, refused if it belongs to someone else or is a link to a
//! folder others can write. A run's file has a name no one can guess (the time it started
//! and a random part), is replaced whole on every save and never followed if a link was
//! planted under its name, and is locked while a run uses it, so a second `runback`
//! started meanwhile never offers to continue it. Anything in the folder that is not a
//! regular file of the user's (a link, a FIFO) is passed over without being opened for
//! long.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value as Json};

use crate::answers::Answers;
use crate::atomic_write;
use crate::clean;
use crate::rulebase::RuleBase;

/// The note key that marks a kept run; answer files ignore keys starting with `$`.
const NOTE: &str = "$runback";

/// The runs kept in the state folder.
pub struct Store {
    runs: PathBuf,
}

/// An unfinished run found in the store, locked until it is dropped.
pub struct Unfinished {
    /// Its file.
    pub path: PathBuf,
    /// Its answers.
    pub answers: Answers,
    /// When it was last saved, in words (UTC).
    pub saved: String,
    /// When it was last saved, in seconds since 1970.
    pub saved_at: i64,
    /// The file, locked: no other run can take it while this is held.
    held: File,
}

impl Store {
    /// The store in the user's state folder, created (owner-only) if needed.
    pub fn open() -> io::Result<Store> {
        Store::open_in(&state_dir()?)
    }

    /// The store in `base/runs`, created owner-only if needed; a folder others could
    /// change is tightened when it is the user's own and refused otherwise.
    pub fn open_in(base: &Path) -> io::Result<Store> {
        let runs = base.join("runs");
        private_dir(&runs)?;
        Ok(Store { runs })
    }

    /// The folder the runs are kept in.
    pub fn dir(&self) -> &Path {
        &self.runs
    }

    /// Deletes every run's file kept here.
    pub fn forget_all(&self) -> io::Result<()> {
        for entry in std::fs::read_dir(&self.runs)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::remove_file(&path)?;
            }
        }
        Ok(())
    }

    /// A new run starting now, with a file name no one can guess. Nothing is written
    /// until its first save.
    pub fn new_run(&self) -> Run {
        let stamp = timestamp_for_name(now());
        let path = self
            .runs
            .join(format!("{stamp}-{:016x}.json", atomic_write::random()));
        Run::new(path, None)
    }

    /// Carries on an unfinished run: its file stays locked while this run uses it.
    pub fn resume(&self, unfinished: Unfinished) -> Run {
        Run::new(unfinished.path, Some(unfinished.held))
    }

    /// The most recent run that did not finish, if its answers still load and no other
    /// run is using it (its file is locked while one is). It stays locked until the
    /// [`Unfinished`] is dropped or resumed.
    pub fn latest_unfinished(&self, rules: &RuleBase) -> Option<Unfinished> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.runs)
            .ok()?
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.into_iter().rev().find_map(|path| {
            let held = open_unused(&path)?;
            let text = crate::answers::read_text(&held, "").ok()?;
            let json: Json = serde_json::from_str(&text).ok()?;
            let note = json.get(NOTE)?;
            if note.get("status")?.as_str()? != "unfinished" {
                return None;
            }
            let saved = note.get("saved")?.as_u64()?;
            let answers = Answers::from_json(&json, "", &rules.questionnaire).ok()?;
            (!answers.is_empty()).then(|| Unfinished {
                path,
                answers,
                saved: crate::report::date::readable(saved as i64),
                saved_at: saved as i64,
                held,
            })
        })
    }
}

/// The user's state folder: `$RUNBACK_STATE_DIR`, or the platform's (on Linux
/// `$XDG_STATE_HOME/runback`).
pub fn state_dir() -> io::Result<PathBuf> {
    Ok(match std::env::var_os("RUNBACK_STATE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let dirs = directories::ProjectDirs::from("", "", "runback").ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, "no home folder to keep answers in")
            })?;
            dirs.state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf()
        }
    })
}

/// A folder of the user's alone, made owner-only if needed; one others could change is
/// tightened when it is the user's and refused otherwise.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    create_private_dir(dir)?;
    make_private(dir)
}

/// One run's answer file, locked while the run uses it.
pub struct Run {
    path: PathBuf,
    /// The file now under the run's name, locked; `None` until the first save.
    held: RefCell<Option<File>>,
    /// How its saves went, for the warning and the stop message.
    saves: Saves,
}

impl Run {
    fn new(path: PathBuf, held: Option<File>) -> Run {
        let saves = Saves::new(&path);
        if held.is_some() {
            saves.record(Ok(()));
        }
        Run {
            path,
            held: RefCell::new(held),
            saves,
        }
    }

    /// The run's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How its saves went.
    pub fn saves(&self) -> &Saves {
        &self.saves
    }

    /// Writes the run's answers, atomically and owner-only, and returns the warning to
    /// show if this is the first save that failed.
    pub fn save(&self, rules: &RuleBase, answers: &Answers, finished: bool) -> Option<String> {
        let mut held = self.held.borrow_mut();
        let mut object = Map::new();
        object.insert(
            NOTE.to_string(),
            serde_json::json!({
                "status": if finished { "finished" } else { "unfinished" },
                "saved": now(),
                "questionnaire": rules.questionnaire.version,
            }),
        );
        object.extend(answers.to_json(&rules.questionnaire));
        let mut text =
            serde_json::to_string_pretty(&Json::Object(object)).expect("answers always serialize");
        text.push('\n');
        // The new file is locked before it takes the name; the old one's lock goes with
        // it.
        let written = atomic_write::replace_locked(&self.path, text.as_bytes());
        let result = written.map(|file| *held = Some(file));
        self.saves.record(result)
    }
}

/// Where a run's answers stand, for the message when it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// Saved as they are now, in this file.
    Saved(PathBuf),
    /// The last save to this file failed; `earlier` says whether it holds answers saved
    /// before.
    Failed {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
        /// Whether an earlier save to it succeeded.
        earlier: bool,
    },
    /// No answer yet, so nothing was saved.
    Unanswered,
    /// There was nowhere to keep them.
    Nowhere,
    /// Nothing was meant to be kept: what became of things instead, in a sentence
    /// ("this check-in was not kept ...", "nothing was deleted.").
    Untouched(&'static str),
}

impl Kept {
    /// What to tell the runner, of all the places the answers went to: the first that
    /// holds them as they are, else the first that failed.
    pub fn of(places: &[&Saves], anywhere: bool) -> Kept {
        let states: Vec<Kept> = places.iter().filter_map(|s| s.kept()).collect();
        if let Some(saved) = states.iter().find(|k| matches!(k, Kept::Saved(_))) {
            return saved.clone();
        }
        match states.into_iter().next() {
            Some(failed) => failed,
            None if anywhere => Kept::Unanswered,
            None => Kept::Nowhere,
        }
    }
}

/// The end of the stop message, after "interrupted".
impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resume = |f: &mut fmt::Formatter<'_>, path: &Path| {
            write!(
                f,
                "\n  Continue with: runback assess --resume {}",
                clean::shell_quote(path)
            )
        };
        match self {
            Kept::Saved(path) => {
                write!(
                    f,
                    "; your answers so far are saved in {}.",
                    clean::path(path)
                )?;
                resume(f, path)
            }
            Kept::Failed {
                path,
                reason,
                earlier: true,
            } => {
                write!(
                    f,
                    "; your latest answers could not be saved: {}. The answers saved before that are in {}.",
                    clean::clean(reason),
                    clean::path(path)
                )?;
                resume(f, path)
            }
            Kept::Failed { path, reason, .. } => write!(
                f,
                "; your answers could not be saved in {}: {}. Nothing was kept.",
                clean::path(path),
                clean::clean(reason)
            ),
            Kept::Unanswered => write!(f, "; nothing was answered yet, so nothing was saved."),
            Kept::Nowhere => write!(f, "; your answers were not saved."),
            Kept::Untouched(what) => write!(f, "; {what}"),
        }
    }
}

/// How the saves to one file went: the first failure is told at once, and the stop
/// message tells the last one's outcome.
#[derive(Debug)]
pub struct Saves {
    path: PathBuf,
    /// Whether any save succeeded.
    ever: Cell<bool>,
    /// The last save's outcome: `None` before the first.
    last: RefCell<Option<Result<(), String>>>,
    warned: Cell<bool>,
}

impl Saves {
    /// No save to `path` yet.
    pub fn new(path: &Path) -> Saves {
        Saves {
            path: path.to_path_buf(),
            ever: Cell::new(false),
            last: RefCell::new(None),
            warned: Cell::new(false),
        }
    }

    /// Records a save; returns the warning to show if it is the first that failed.
    pub fn record(&self, result: io::Result<()>) -> Option<String> {
        match result {
            Ok(()) => {
                self.ever.set(true);
                *self.last.borrow_mut() = Some(Ok(()));
                None
            }
            Err(e) => {
                *self.last.borrow_mut() = Some(Err(e.to_string()));
                (!self.warned.replace(true)).then(|| {
                    format!(
                        "runback: warning: cannot save your answers in {}: {}. You can carry on and get your report, but if you stop before the end, the answers from here on are lost.",
                        clean::path(&self.path),
                        clean::clean(&e.to_string())
                    )
                })
            }
        }
    }

    /// Where the answers stand in this file, or `None` before the first save.
    pub fn kept(&self) -> Option<Kept> {
        match &*self.last.borrow() {
            None => None,
            Some(Ok(())) => Some(Kept::Saved(self.path.clone())),
            Some(Err(reason)) => Some(Kept::Failed {
                path: self.path.clone(),
                reason: reason.clone(),
                // Only while a file is there to continue from.
                earlier: self.ever.get()
                    && std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.is_file()),
            }),
        }
    }
}

/// Opens a kept run's file for reading and locks it, or `None` if it is not a regular
/// file of the user's (a link, a FIFO, a folder: never waited on), or another run holds
/// it.
fn open_unused(path: &Path) -> Option<File> {
    let file = open_no_follow(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || !owned_by_user(&meta) {
        return None;
    }
    file.try_lock().ok()?;
    // A run replaces its file on every save: if the name moved on to a newer file
    // between the open and the lock, this is an old copy, and the newer one is in use.
    same_file(&meta, &std::fs::symlink_metadata(path).ok()?).then_some(file)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "a link"));
    }
    File::open(path)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.is_file()
}

#[cfg(unix)]
fn owned_by_user(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid only reads the process's user id.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn owned_by_user(_: &std::fs::Metadata) -> bool {
    true
}

/// Makes sure only the user can change the runs folder, or what leads to it: a folder
/// of the user's that others can read or write is tightened to owner-only; a folder of
/// someone else's, a link to a folder others can write, or a parent folder every user
/// can write (without the sticky bit that keeps them from renaming what is not theirs)
/// is refused.
#[cfg(unix)]
fn make_private(runs: &Path) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let refuse = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} {why}", clean::path(runs)),
        ))
    };
    let link = std::fs::symlink_metadata(runs)?.file_type().is_symlink();
    let meta = std::fs::metadata(runs)?;
    if !meta.is_dir() {
        return refuse("is not a folder");
    }
    if !owned_by_user(&meta) {
        return refuse("belongs to another user");
    }
    let others = meta.mode() & 0o077;
    if link && others & 0o022 != 0 {
        return refuse("is a link to a folder other users can change");
    }
    if others != 0 && !link {
        std::fs::set_permissions(runs, std::fs::Permissions::from_mode(0o700))?;
    }
    if let Some(parent) = runs.parent().filter(|p| !p.as_os_str().is_empty()) {
        let parent = std::fs::metadata(parent)?;
        // Group write is let pass: many systems give each user a group of their own.
        let sticky = parent.mode() & 0o1000 != 0;
        if parent.mode() & 0o002 != 0 && !sticky {
            return refuse("is in a folder every user can change");
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_: &Path) -> io::Result<()> {
    Ok(())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-11-22T101112Z`: sorts in time order and is a valid file name everywhere.
pub(crate) fn timestamp_for_name(seconds: u64) -> String {
    let text = crate::report::date::date_time(seconds as i64);
    // "2026-11-22 10:11:12 UTC" -> "2026-11-22T101112Z"
    let mut parts = text.split(' ');
    let day = parts.next().unwrap_or_default();
    let time = parts.next().unwrap_or_default().replace(':', "");
    format!("{day}T{time}Z")
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Value;
    use crate::rulebase::load_dir;

    fn minimal() -> RuleBase {
        load_dir(Path::new("tests/fixtures/rules/minimal")).unwrap()
    }

    /// Answers with "alarm" answered "no".
    fn one_answer(rules: &RuleBase) -> Answers {
        let mut answers = Answers::none(&rules.questionnaire);
        answers.set(
            rules.questionnaire.find("alarm").unwrap(),
            Some(Value::Choice(1)),
        );
        answers
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_runs_folder_is_made_owner_only_or_refused() {
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(&base.path().join("state")).unwrap();
        assert_eq!(mode(store.dir()), 0o700, "created owner-only");
        assert_eq!(mode(&base.path().join("state")), 0o700);

        // Found open to everyone: tightened.
        chmod(store.dir(), 0o777);
        let store = Store::open_in(&base.path().join("state")).unwrap();
        assert_eq!(mode(store.dir()), 0o700, "repaired");

        // A link to a folder others can write is refused, and left as it is.
        let shared = tempfile::tempdir().unwrap();
        chmod(shared.path(), 0o777);
        let linked = base.path().join("linked");
        std::fs::create_dir(&linked).unwrap();
        std::os::unix::fs::symlink(shared.path(), linked.join("runs")).unwrap();
        let err = Store::open_in(&linked).err().expect("refused");
        assert!(
            err.to_string()
                .contains("is a link to a folder other users can change"),
            "{err}"
        );
        assert_eq!(mode(shared.path()), 0o777);

        // A folder every user can write could have its runs folder swapped: refused,
        // unless the sticky bit keeps others from renaming what is not theirs.
        let open = base.path().join("open");
        std::fs::create_dir(&open).unwrap();
        chmod(&open, 0o777);
        let err = Store::open_in(&open).err().expect("refused");
        assert!(
            err.to_string()
                .contains("in a folder every user can change"),
            "{err}"
        );
        chmod(&open, 0o1777);
        Store::open_in(&open).unwrap();
    }

    #[test]
    fn run_files_have_names_no_one_can_guess() {
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(base.path()).unwrap();
        let names: Vec<String> = (0..3)
            .map(|_| {
                let run = store.new_run();
                run.path()
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for name in &names {
            // 2026-12-06T151949Z-0123456789abcdef.json
            let (stamp, rest) = name.split_at(18);
            assert!(
                stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T',
                "{name}"
            );
            let random = rest
                .strip_prefix('-')
                .and_then(|r| r.strip_suffix(".json"))
                .unwrap_or_else(|| panic!("{name}"));
            assert_eq!(random.len(), 16, "{name}");
            assert!(random.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        }
        assert!(
            names[0] != names[1] && names[1] != names[2] && names[0] != names[2],
            "three runs started in the same second: {names:?}"
        );
    }

    #[test]
    fn nothing_is_written_before_the_first_save_and_the_stop_message_says_so() {
        let rules = minimal();
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(base.path()).unwrap();
        let run = store.new_run();
        assert!(!run.path().exists());
        assert_eq!(Kept::of(&[run.saves()], true), Kept::Unanswered);
        assert_eq!(Kept::of(&[], false), Kept::Nowhere);
        assert_eq!(
            Kept::Unanswered.to_string(),
            "; nothing was answered yet, so nothing was saved."
        );
        assert_eq!(run.save(&rules, &one_answer(&rules), false), None);
        assert!(run.path().is_file());
        assert_eq!(
            Kept::of(&[run.saves()], true),
            Kept::Saved(run.path().to_path_buf())
        );
    }

    #[test]
    fn a_failed_save_warns_once_and_the_stop_message_says_so() {
        let rules = minimal();
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(base.path()).unwrap();
        let run = store.new_run();
        assert_eq!(run.save(&rules, &one_answer(&rules), false), None);
        std::fs::remove_dir_all(store.dir()).unwrap();
        let warning = run
            .save(&rules, &one_answer(&rules), false)
            .expect("a warning");
        assert!(
            warning.starts_with("runback: warning: cannot save your answers in "),
            "{warning}"
        );
        assert_eq!(run.save(&rules, &one_answer(&rules), false), None, "once");
        let kept = Kept::of(&[run.saves()], true);
        assert!(
            matches!(kept, Kept::Failed { earlier: false, .. }),
            "the file is gone, so nothing is kept: {kept:?}"
        );
        let message = kept.to_string();
        assert!(message.contains("could not be saved in "), "{message}");
        assert!(message.ends_with("Nothing was kept."), "{message}");
        assert!(!message.contains("Continue with"), "{message}");

        // The folder is back: the next save works, and the message says so again.
        create_private_dir(store.dir()).unwrap();
        assert_eq!(run.save(&rules, &one_answer(&rules), false), None);
        assert!(
            Kept::of(&[run.saves()], true)
                .to_string()
                .contains("are saved in")
        );
    }

    #[test]
    fn a_run_in_use_is_never_offered_to_another() {
        let rules = minimal();
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(base.path()).unwrap();
        let first = store.new_run();
        first.save(&rules, &one_answer(&rules), false);
        // A second runback started meanwhile sees no run to continue.
        let second = Store::open_in(base.path()).unwrap();
        assert!(second.latest_unfinished(&rules).is_none());
        // Saved again, still locked.
        first.save(&rules, &one_answer(&rules), false);
        assert!(second.latest_unfinished(&rules).is_none());
        let path = first.path().to_path_buf();
        drop(first);
        let unfinished = second
            .latest_unfinished(&rules)
            .expect("offered once stopped");
        assert_eq!(unfinished.path, path);
        // While one run considers it, or carries it on, no other is offered it.
        assert!(store.latest_unfinished(&rules).is_none());
        let resumed = second.resume(unfinished);
        assert!(store.latest_unfinished(&rules).is_none());
        resumed.save(&rules, &one_answer(&rules), false);
        assert!(store.latest_unfinished(&rules).is_none());
        drop(resumed);
        assert!(store.latest_unfinished(&rules).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_files_of_others_in_the_folder_are_passed_over() {
        let rules = minimal();
        let base = tempfile::tempdir().unwrap();
        let store = Store::open_in(base.path()).unwrap();
        let run = store.new_run();
        run.save(&rules, &one_answer(&rules), false);
        let elsewhere = base.path().join("elsewhere.json");
        std::fs::rename(run.path(), &elsewhere).unwrap();
        drop(run);
        // A link to a run, and a FIFO, named to sort after it; opening the FIFO to
        // read it would wait for ever.
        std::os::unix::fs::symlink(&elsewhere, store.dir().join("9999-link.json")).unwrap();
        let fifo =
            std::ffi::CString::new(store.dir().join("9999-fifo.json").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert!(store.latest_unfinished(&rules).is_none());
        // The run itself, back in the folder, is offered.
        std::fs::rename(&elsewhere, store.dir().join("2026-run.json")).unwrap();
        assert!(store.latest_unfinished(&rules).is_some());
    }
}
