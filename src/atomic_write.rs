//! Writing a file all at once: a failed, stopped or killed run never leaves half a file,
//! or a hidden temporary one, behind.
//!
//! Only a regular file is replaced atomically. The contents go to a file in the same
//! folder that has no name until it is complete (`O_TMPFILE` on Linux, linked into place
//! with `linkat`), or, where that is not available, to a named temporary file that is
//! removed if the run fails or is stopped by Ctrl-C, SIGTERM or SIGHUP. Either is moved
//! onto the target only when complete, and the folder is synced after, so a power cut
//! cannot lose a write that runback reported done.
//!
//! Anything else is written into directly or refused: a pipe (`-o >(cmd)`), a terminal
//! or `/dev/null`, and a descriptor of this process (`-o /dev/stdout`, `/dev/fd/3`), are
//! written into as they are, with or without `--force`; a folder, a block device or a
//! socket is refused with a message saying what it is.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Named temporary files being written, so a signal can remove them before the process
/// ends (see [`remove_temporaries`]).
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every named temporary file still being written; called when a signal ends
/// the process, so a stopped run leaves nothing behind.
pub fn remove_temporaries() {
    remove_temporaries_that(|_| true);
}

/// Removes, and forgets, the registered temporary files `which` picks.
fn remove_temporaries_that(which: impl Fn(&Path) -> bool) {
    let names: Vec<PathBuf> = {
        let mut list = match TEMPORARIES.lock() {
            Ok(list) => list,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (picked, kept) = std::mem::take(&mut *list)
            .into_iter()
            .partition(|p| which(p));
        *list = kept;
        picked
    };
    for name in names {
        let _ = std::fs::remove_file(name);
    }
}

/// A named temporary file's place in [`TEMPORARIES`], given up when it is dropped.
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Self {
        if let Ok(mut list) = TEMPORARIES.lock() {
            list.push(path.to_path_buf());
        }
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut list) = TEMPORARIES.lock() {
            list.retain(|p| p != &self.0);
        }
    }
}

/// Where the bytes go until [`AtomicFile::commit`].
enum Sink {
    /// A pipe, a terminal, `/dev/null` or a descriptor of this process: written into.
    Direct(BufWriter<File>),
    /// A file with no name yet in the target's folder (Linux `O_TMPFILE`).
    #[cfg(target_os = "linux")]
    Unnamed(BufWriter<File>),
    /// A named temporary file beside the target, where `O_TMPFILE` is not available.
    Named(BufWriter<tempfile::NamedTempFile>, Registered),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Direct(w) => w.write(buf),
            #[cfg(target_os = "linux")]
            Sink::Unnamed(w) => w.write(buf),
            Sink::Named(w, _) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Direct(w) => w.write_all(buf),
            #[cfg(target_os = "linux")]
            Sink::Unnamed(w) => w.write_all(buf),
            Sink::Named(w, _) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Direct(w) => w.flush(),
            #[cfg(target_os = "linux")]
            Sink::Unnamed(w) => w.flush(),
            Sink::Named(w, _) => w.flush(),
        }
    }
}

/// A file being written: see the module documentation for where the bytes go. Dropped
/// before [`AtomicFile::commit`], it leaves the target as it was. A new file is readable
/// only by its owner (answers and reports are health data).
pub struct AtomicFile {
    /// The file to replace or create (a symbolic link's target, so the link is kept).
    target: PathBuf,
    overwrite: bool,
    sink: Sink,
}

/// What is at the path given as output.
enum Target {
    /// Nothing yet: a new regular file.
    New(PathBuf),
    /// A regular file (or a link to one, resolved).
    Regular(PathBuf),
    /// A pipe, a terminal or `/dev/null`: written into as it is.
    Device,
    /// One of this process's own descriptors (`/dev/stdout`, `/dev/fd/N`).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Descriptor(i32),
}

const BUFFER: usize = 1 << 16;

impl AtomicFile {
    /// Starts writing `path`; unless `overwrite`, an existing regular file is refused at
    /// once (`AlreadyExists`), and again at commit should one appear meanwhile.
    pub fn create(path: &Path, overwrite: bool) -> io::Result<Self> {
        // From here until commit, Ctrl-C, SIGTERM and SIGHUP remove the temporary file.
        crate::interrupt::on_stop(remove_temporaries);
        let direct = |file: File| AtomicFile {
            target: path.to_path_buf(),
            overwrite,
            sink: Sink::Direct(BufWriter::with_capacity(BUFFER, file)),
        };
        let target = match classify(path, overwrite)? {
            Target::Device => return Ok(direct(OpenOptions::new().write(true).open(path)?)),
            Target::Descriptor(fd) => return Ok(direct(duplicate(fd)?)),
            Target::New(p) | Target::Regular(p) => p,
        };
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed_in(folder)? {
            return Ok(AtomicFile {
                target,
                overwrite,
                sink: Sink::Unnamed(BufWriter::with_capacity(BUFFER, file)),
            });
        }
        // tempfile creates the file with mode 0600 on Unix.
        let temp = tempfile::Builder::new()
            .prefix(".runback-")
            .tempfile_in(folder)?;
        let registered = Registered::new(temp.path());
        Ok(AtomicFile {
            target,
            overwrite,
            sink: Sink::Named(BufWriter::with_capacity(BUFFER, temp), registered),
        })
    }

    /// Where to write the contents.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.sink
    }

    /// Makes the complete file appear at the target, and syncs its folder.
    pub fn commit(self) -> io::Result<()> {
        let folder = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match self.sink {
            Sink::Direct(mut w) => return w.flush(),
            #[cfg(target_os = "linux")]
            Sink::Unnamed(w) => {
                let file = w.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                link_into_place(&file, &folder, &self.target, self.overwrite)?;
            }
            Sink::Named(w, registered) => {
                let temp = w.into_inner().map_err(|e| e.into_error())?;
                temp.as_file().sync_all()?;
                let persisted = if self.overwrite {
                    temp.persist(&self.target)
                } else {
                    temp.persist_noclobber(&self.target)
                };
                persisted.map(drop).map_err(|e| e.error)?;
                drop(registered);
            }
        }
        sync_folder(&folder)
    }
}

/// Writes `contents` to `path` in one go through an [`AtomicFile`].
pub fn write_file(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    let mut file = AtomicFile::create(path, overwrite)?;
    file.writer().write_all(contents)?;
    file.commit()
}

/// Writes `contents` as the file called `path`, replacing whatever has that name, and
/// returns the new file, locked (see [`File::try_lock`]) before it got its name.
///
/// For files runback names and owns, such as a run's answers in the state folder: the
/// name is never followed or written into. A symbolic link there (even one to nothing)
/// is replaced by the file, and what it points to is left alone; a FIFO is replaced, not
/// opened. The file is complete and locked before it takes the name, so a reader that
/// opens it and finds it unlocked knows no run holds it. Whole or not at all, owner-only,
/// and the folder is synced, as for [`write_file`].
pub fn replace_locked(path: &Path, contents: &[u8]) -> io::Result<File> {
    crate::interrupt::on_stop(remove_temporaries);
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(target_os = "linux")]
    if let Some(mut file) = unnamed_in(folder)? {
        file.write_all(contents)?;
        file.sync_all()?;
        lock_new(&file)?;
        link_into_place(&file, folder, path, true)?;
        sync_folder(folder)?;
        return Ok(file);
    }
    // tempfile creates the file with O_EXCL and mode 0600 on Unix, and a rename replaces
    // a link instead of following it.
    let mut temp = tempfile::Builder::new()
        .prefix(".runback-")
        .tempfile_in(folder)?;
    let registered = Registered::new(temp.path());
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    lock_new(temp.as_file())?;
    let file = temp.persist(path).map_err(|e| e.error)?;
    drop(registered);
    sync_folder(folder)?;
    Ok(file)
}

/// Locks a file nobody else can have opened yet (it has no name, or a random one).
fn lock_new(file: &File) -> io::Result<()> {
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::Error(e) => e,
        std::fs::TryLockError::WouldBlock => {
            io::Error::new(io::ErrorKind::WouldBlock, "a new file is locked already")
        }
    })
}

/// Refuses, before any work, an output that [`AtomicFile::create`] would refuse: an
/// existing regular file without `overwrite`, a folder, a block device or a socket.
pub fn check_target(path: &Path, overwrite: bool) -> io::Result<()> {
    classify(path, overwrite).map(drop)
}

fn classify(path: &Path, overwrite: bool) -> io::Result<Target> {
    if let Some(fd) = descriptor_of_this_process(path) {
        if fd == 1 {
            crate::stdio::stdout()?;
        }
        return Ok(Target::Descriptor(fd));
    }
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "it is a symbolic link to a file that does not exist; name the file itself",
                ));
            }
            return Ok(Target::New(path.to_path_buf()));
        }
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        if !overwrite {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the file already exists (use --force to replace it)",
            ));
        }
        // Through a symbolic link, the file it points to is replaced and the link kept.
        let real = if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            std::fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        return Ok(Target::Regular(real));
    }
    if kind.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder; name a file in it",
        ));
    }
    special(kind)
}

/// A pipe or a character device is written into, never replaced; anything else that is
/// not a regular file is refused by what it is.
#[cfg(unix)]
fn special(kind: std::fs::FileType) -> io::Result<Target> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() || kind.is_char_device() {
        return Ok(Target::Device);
    }
    let what = if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}; runback writes to regular files, pipes and terminals only"),
    ))
}

#[cfg(not(unix))]
fn special(_: std::fs::FileType) -> io::Result<Target> {
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "it is not a regular file; runback writes to regular files only",
    ))
}

/// The number of the descriptor `path` names, when it names one of this process's own:
/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, or a link to one of
/// them. Writing to the descriptor itself keeps its offset and append mode as the shell
/// opened it (`-o /dev/stdout >> log`), where opening the path again would start at the
/// top of the file.
fn descriptor_of_this_process(path: &Path) -> Option<i32> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let own = format!("/proc/{}/fd/", std::process::id());
    let prefixes = [
        "/dev/fd/",
        "/proc/self/fd/",
        "/proc/thread-self/fd/",
        own.as_str(),
    ];
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        let text = current.to_str()?;
        match text {
            "/dev/stdout" => return Some(1),
            "/dev/stderr" => return Some(2),
            _ => {}
        }
        if let Some(n) = prefixes.iter().find_map(|p| text.strip_prefix(p)) {
            return n.parse().ok();
        }
        let next = std::fs::read_link(&current).ok()?;
        current = match current.parent() {
            Some(parent) if next.is_relative() => parent.join(next),
            _ => next,
        };
    }
    None
}

/// A new handle on one of this process's descriptors.
#[cfg(target_os = "linux")]
fn duplicate(fd: i32) -> io::Result<File> {
    use std::os::fd::BorrowedFd;
    // Only a descriptor the kernel lists as open is borrowed.
    std::fs::metadata(format!("/proc/self/fd/{fd}"))?;
    // SAFETY: the descriptor is open (checked just above), and nothing in runback closes
    // descriptors it did not open, so it stays open while it is duplicated.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    borrowed.try_clone_to_owned().map(File::from)
}

#[cfg(not(target_os = "linux"))]
fn duplicate(_: i32) -> io::Result<File> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// A file with no name in `folder`, or `None` where the kernel or file system cannot
/// make one (or `/proc`, needed to give it a name, is missing).
#[cfg(target_os = "linux")]
fn unnamed_in(folder: &Path) -> io::Result<Option<File>> {
    use std::os::unix::fs::OpenOptionsExt;
    if !Path::new("/proc/self/fd").is_dir() {
        return Ok(None);
    }
    let opened = OpenOptions::new()
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(folder);
    match opened {
        Ok(file) => Ok(Some(file)),
        Err(e) => match e.raw_os_error() {
            Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL) => Ok(None),
            _ => Err(e),
        },
    }
}

/// Gives an unnamed file its name: at once when nothing may be replaced (the kernel
/// refuses if a file appeared meanwhile), or through a moment's temporary name and a
/// rename when the target is replaced.
#[cfg(target_os = "linux")]
fn link_into_place(file: &File, folder: &Path, target: &Path, overwrite: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    if !overwrite {
        return link(file.as_raw_fd(), target);
    }
    for _ in 0..16 {
        let temp = folder.join(format!(".runback-{:016x}", random()));
        let registered = Registered::new(&temp);
        match link(file.as_raw_fd(), &temp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
        let renamed = std::fs::rename(&temp, target);
        if renamed.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        drop(registered);
        return renamed;
    }
    Err(io::Error::other("could not find a free temporary name"))
}

#[cfg(target_os = "linux")]
fn link(fd: i32, to: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let from = CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL in a number");
    let to = CString::new(to.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the path holds a NUL byte"))?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A random number for a name no one can guess, from the standard library's randomly
/// keyed hasher (seeded from the system's random source).
pub fn random() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// Syncs a folder, so the name of a file just moved into it survives a power cut. A
/// file system that cannot sync folders says so with `InvalidInput`, which is let pass.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    match File::open(folder).and_then(|f| f.sync_all()) {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Elsewhere a folder cannot be opened to sync it; the file itself was synced.
#[cfg(not(unix))]
fn sync_folder(_: &Path) -> io::Result<()> {
    Ok(())
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

    #[test]
    fn until_commit_the_folder_holds_nothing_new_and_a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        let mut file = AtomicFile::create(&path, false).unwrap();
        file.writer().write_all(&[b'x'; 1 << 20]).unwrap();
        file.writer().flush().unwrap();
        let during: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        #[cfg(target_os = "linux")]
        assert!(
            during.is_empty(),
            "an unnamed file is invisible: {during:?}"
        );
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_link_to_a_regular_file_keeps_the_link_and_replaces_what_it_points_to() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&real, &link).unwrap();
        #[cfg(not(unix))]
        std::fs::copy(&real, &link).unwrap();
        assert_eq!(
            write_file(&link, b"new", false).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        write_file(&link, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        #[cfg(unix)]
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_folder_is_refused_by_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(dir.path(), b"x", true).unwrap_err();
        assert!(err.to_string().contains("it is a folder"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn replacing_never_follows_a_link_planted_under_the_name() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let nothing = dir.path().join("nothing-here");
        for (name, points_to) in [("to_a_file.json", &victim), ("dangling.json", &nothing)] {
            let path = dir.path().join(name);
            std::os::unix::fs::symlink(points_to, &path).unwrap();
            replace_locked(&path, b"answers").unwrap();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            assert!(meta.is_file(), "{name}: the link itself is replaced");
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "answers");
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(!nothing.exists(), "a dangling link's target is not created");
    }

    #[cfg(unix)]
    #[test]
    fn replacing_a_fifo_never_opens_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.json");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Writing into a FIFO nobody reads would wait for ever.
        replace_locked(&path, b"answers").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "answers");
    }

    #[test]
    fn a_replaced_file_is_locked_until_dropped_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.json");
        let held = replace_locked(&path, b"one").unwrap();
        let other = File::open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        // The next version is locked before it takes the name, and the old lock goes.
        let newer = replace_locked(&path, b"two").unwrap();
        drop(held);
        assert!(matches!(
            File::open(&path).unwrap().try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(newer);
        File::open(&path).unwrap().try_lock().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn registered_temporaries_are_removed_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".runback-test");
        std::fs::write(&path, "half").unwrap();
        let registered = Registered::new(&path);
        // Only this test's own file: other tests write files at the same time.
        remove_temporaries_that(|p| p == path);
        assert!(!path.exists());
        drop(registered);
        assert!(
            !TEMPORARIES.lock().unwrap().contains(&path),
            "a finished file is no longer listed"
        );
    }
}
