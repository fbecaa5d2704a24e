//! Atomic file writes: write a temporary file in the same folder, flush it to
//! disk, then rename it over the target. A run killed at any moment leaves
//! either the old file or the new one, never a torn one.
//!
//! Writing is split in two so that a set of files changes together: [`stage`]
//! writes and flushes a hidden temporary file (`.NAME.tmp-PID`), and
//! [`Staged::commit`] renames it into place. A staged file that is dropped
//! without being committed is removed, so a failure part-way through staging
//! leaves every target untouched. A run killed while staging can leave a hidden
//! temporary file behind; [`remove_stale`] removes those of dead processes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary name used while writing `path` (hidden, same folder, per process).
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".tmp-{}", std::process::id()));
    Ok(path.with_file_name(tmp))
}

/// A file written to its temporary name, flushed, not yet renamed into place.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staged {
    /// Rename the temporary file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Write `path`'s future content to its temporary name with `fill`, and flush it
/// to disk. The temporary file is created anew (never through a symlink or an
/// existing file left there), and removed again if anything fails.
pub fn stage_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Staged> {
    let tmp = temp_path(path)?;
    // A file of that name can only be a leftover of a dead process that had our
    // process id; `create_new` refuses to follow a symlink planted there.
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let staged = Staged {
        tmp,
        target: path.to_path_buf(),
        committed: false,
    };
    let mut w = io::BufWriter::new(f);
    fill(&mut w)?;
    let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    f.sync_all()?;
    Ok(staged)
}

/// [`stage_with`] for bytes already in memory.
pub fn stage(path: &Path, bytes: &[u8]) -> io::Result<Staged> {
    stage_with(path, |w| w.write_all(bytes))
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    stage(path, bytes)?.commit()?;
    sync_dir(path);
    Ok(())
}

/// Flush the folder holding `path`, so a rename survives a power cut. Best effort:
/// not every platform or file system can sync a folder.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Whether process `pid` is running, if this platform can tell (Linux `/proc`).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// Remove the hidden temporary files (`.NAME.tmp-PID`, NAME one of `names`)
/// that killed runs left in `dir`, when their process is no longer running.
/// Files of running processes, other names, and everything on platforms
/// where liveness cannot be checked are left alone. Returns how many were removed.
pub fn remove_stale(dir: &Path, names: &[&str]) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(s) = file_name.to_str() else {
            continue;
        };
        let Some((name, pid)) = s
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once(".tmp-"))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !names.contains(&name) || pid == std::process::id() {
            continue;
        }
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && process_alive(pid) == Some(false) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn failure_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub");
        fs::create_dir(&p).unwrap();
        // Renaming a file over a non-empty directory fails; nothing is left behind.
        fs::write(p.join("keep"), b"x").unwrap();
        assert!(write(&p, b"new").is_err());
        assert_eq!(fs::read(p.join("keep")).unwrap(), b"x");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_dropped_stage_leaves_the_target_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, b"old").unwrap();
        let staged = stage(&p, b"new").unwrap();
        drop(staged);
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failing_fill_removes_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        let e = stage_with(&p, |_| Err(io::Error::other("boom"))).unwrap_err();
        assert_eq!(e.to_string(), "boom");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_the_temp_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let p = dir.path().join("a.txt");
        std::os::unix::fs::symlink(&victim, temp_path(&p).unwrap()).unwrap();
        write(&p, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }

    /// A full disk fails a write with ENOSPC part-way through: the error comes
    /// back, the temporary file goes, the old target stays. (The real-disk
    /// version of this, on a tiny tmpfs, is in tests/outputs.rs.)
    #[test]
    fn a_full_disk_is_an_error_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, b"old").unwrap();
        let e = stage_with(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::from_raw_os_error(28))
        })
        .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(28));
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temp_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // pid_max on Linux is at most 2^22, so this process cannot exist.
        let dead = dir.path().join(".a.csv.tmp-4294967295");
        let mine = dir
            .path()
            .join(format!(".a.csv.tmp-{}", std::process::id()));
        let other = dir.path().join(".notes.txt.tmp-4294967295");
        for p in [&dead, &mine, &other] {
            fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale(dir.path(), &["a.csv"]), 1);
        assert!(!dead.exists() && mine.exists() && other.exists());
    }
}
