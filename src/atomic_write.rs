//! Writing a file all at once: a failed run never leaves half a file behind.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written: a temporary file beside the target, renamed onto it by
/// [`AtomicFile::commit`] only when complete, and removed if dropped before that. It is
/// readable only by its owner (answers and reports are health data).
pub struct AtomicFile {
    path: PathBuf,
    overwrite: bool,
    temp: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path`; unless `overwrite`, an existing file is refused at once
    /// (`AlreadyExists`), and again at commit should one appear meanwhile.
    pub fn create(path: &Path, overwrite: bool) -> io::Result<Self> {
        if !overwrite && path.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the file already exists (use --force to replace it)",
            ));
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // tempfile creates the file with mode 0600 on Unix.
        let temp = tempfile::Builder::new()
            .prefix(".runback-")
            .tempfile_in(folder)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            overwrite,
            temp: BufWriter::with_capacity(1 << 16, temp),
        })
    }

    /// Where to write the contents.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.temp
    }

    /// Moves the complete file into place.
    pub fn commit(self) -> io::Result<()> {
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        let persisted = if self.overwrite {
            temp.persist(&self.path)
        } else {
            temp.persist_noclobber(&self.path)
        };
        persisted.map(drop).map_err(|e| e.error)
    }
}

/// Writes `contents` to `path` in one go through an [`AtomicFile`].
pub fn write_file(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    let mut file = AtomicFile::create(path, overwrite)?;
    file.writer().write_all(contents)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_private_file_and_refuses_to_clobber_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.json");
        write_file(&path, b"{}", false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = write_file(&path, b"[]", false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        write_file(&path, b"[]", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[]");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }

    #[test]
    fn a_missing_folder_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("answers.json");
        assert!(write_file(&path, b"{}", true).is_err());
        assert!(!path.exists());
    }
}
