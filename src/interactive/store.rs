//! Where an interactive run keeps its answers: one answer file per run in the user's
//! state folder (`$XDG_STATE_HOME/runback/runs/` on Linux, the platform's equivalent
//! elsewhere, or `$RUNBACK_STATE_DIR`), rewritten after every answer and readable only by
//! the user. A file is an ordinary answer file with a `$runback` note saying whether the
//! run finished, so `runback assess --answers FILE` reads it like any other.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value as Json};

use crate::answers::Answers;
use crate::atomic_write;
use crate::rulebase::RuleBase;

/// The note key that marks a kept run; answer files ignore keys starting with `$`.
const NOTE: &str = "$runback";

/// The runs kept in the state folder.
pub struct Store {
    runs: PathBuf,
}

/// An unfinished run found in the store.
pub struct Unfinished {
    /// Its file.
    pub path: PathBuf,
    /// Its answers.
    pub answers: Answers,
    /// When it was last saved, in words (UTC).
    pub saved: String,
}

impl Store {
    /// The store in the user's state folder, created (owner-only) if needed.
    pub fn open() -> std::io::Result<Store> {
        let base = match std::env::var_os("RUNBACK_STATE_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => {
                let dirs = directories::ProjectDirs::from("", "", "runback").ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no home folder to keep answers in",
                    )
                })?;
                dirs.state_dir()
                    .unwrap_or_else(|| dirs.data_local_dir())
                    .to_path_buf()
            }
        };
        let runs = base.join("runs");
        create_private_dir(&runs)?;
        Ok(Store { runs })
    }

    /// The folder the runs are kept in.
    pub fn dir(&self) -> &Path {
        &self.runs
    }

    /// A new file for a run starting now.
    pub fn new_run(&self) -> PathBuf {
        let stamp = timestamp_for_name(now());
        let mut path = self.runs.join(format!("{stamp}.json"));
        let mut n = 1;
        while path.exists() {
            n += 1;
            path = self.runs.join(format!("{stamp}-{n}.json"));
        }
        path
    }

    /// The most recent run that did not finish, if its answers still load.
    pub fn latest_unfinished(&self, rules: &RuleBase) -> Option<Unfinished> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.runs)
            .ok()?
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.into_iter().rev().find_map(|path| {
            let text = crate::answers::read_text(std::fs::File::open(&path).ok()?, "").ok()?;
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
            })
        })
    }

    /// Writes a run's answers, atomically and owner-only.
    pub fn save(
        &self,
        path: &Path,
        rules: &RuleBase,
        answers: &Answers,
        finished: bool,
    ) -> std::io::Result<()> {
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
        atomic_write::write_file(path, text.as_bytes(), true)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `2026-11-22T101112Z`: sorts in time order and is a valid file name everywhere.
fn timestamp_for_name(seconds: u64) -> String {
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
