//! An output file written whole or not at all: a failed run leaves no half-written file.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::BatchError;

/// A temporary file beside the target, renamed onto it by [`OutputFile::commit`].
pub struct OutputFile {
    path: PathBuf,
    name: String,
    force: bool,
    temp: BufWriter<NamedTempFile>,
}

impl OutputFile {
    /// Prepares to write `path`; refuses an existing file unless `force`.
    pub fn create(path: &Path, force: bool) -> Result<Self, BatchError> {
        let name = path.display().to_string();
        if !force && path.exists() {
            return Err(BatchError::OutputExists { name });
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // Reports are health data: tempfile creates the file readable by its owner only.
        let temp = tempfile::Builder::new()
            .prefix(".runback-batch-")
            .tempfile_in(folder)
            .map_err(|source| BatchError::Write {
                name: name.clone(),
                source,
            })?;
        Ok(OutputFile {
            path: path.to_path_buf(),
            name,
            force,
            temp: BufWriter::with_capacity(1 << 16, temp),
        })
    }

    /// The file's name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where to write the contents.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.temp
    }

    /// Moves the complete file into place.
    pub fn commit(self) -> io::Result<()> {
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        let persisted = if self.force {
            temp.persist(&self.path)
        } else {
            // Still refuses a file that appeared while the batch ran.
            temp.persist_noclobber(&self.path)
        };
        persisted.map(drop).map_err(|e| e.error)
    }
}
