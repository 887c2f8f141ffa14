//! Bytes set aside on disk for the rest of a build: `aula build` keeps
//! each page's packed Markdown body here between the Markdown stage and
//! the stages that read it again (the page, the printable course, the
//! EPUB), so memory holds only where each body is.
//!
//! The file lives in the output's temporary folder and is removed from
//! it at once where the system allows (Unix: the open file keeps its
//! bytes, nothing is left even by a killed build), otherwise when the
//! last handle is dropped (before the new site is put in place). Writes
//! and reads are positional, from any thread, without a lock.
//!
//! A read that fails (the disk) must not become a page with an empty
//! body: the failure is kept, and the build checks [`Spill::check`]
//! before it puts the new site in place.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// A file of bytes set aside, written and read by position.
pub struct Spill {
    file: File,
    /// Where the next bytes go.
    end: AtomicU64,
    /// The file's path while it still has one (not on Unix).
    path: Option<PathBuf>,
    /// The first read that failed.
    failed: OnceLock<String>,
}

/// Where bytes were set aside in a [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    at: u64,
    len: usize,
}

impl Slot {
    /// A place no file of a test has: reading it fails.
    #[cfg(test)]
    pub fn past_the_end_for_tests() -> Slot {
        Slot {
            at: u64::from(u32::MAX),
            len: 10,
        }
    }
}

impl Spill {
    /// Creates the file at `path` (which must not exist).
    pub fn create(path: &Path) -> std::io::Result<Spill> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        let path = if cfg!(unix) {
            std::fs::remove_file(path)?;
            None
        } else {
            Some(path.to_path_buf())
        };
        Ok(Spill {
            file,
            end: AtomicU64::new(0),
            path,
            failed: OnceLock::new(),
        })
    }

    /// Sets `bytes` aside; `None` when they could not be written (the
    /// caller keeps them).
    pub fn put(&self, bytes: &[u8]) -> Option<Slot> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, at).ok()?;
        Some(Slot {
            at,
            len: bytes.len(),
        })
    }

    /// The bytes set aside at `slot`; `None` when they could not be read,
    /// which [`Spill::check`] then reports.
    pub fn get(&self, slot: Slot) -> Option<Vec<u8>> {
        let mut bytes = vec![0; slot.len];
        match read_at(&self.file, &mut bytes, slot.at) {
            Ok(()) => Some(bytes),
            Err(e) => {
                let _ = self.failed.set(e.to_string());
                None
            }
        }
    }

    /// The error of the first read that failed, if any.
    pub fn check(&self) -> Result<(), String> {
        match self.failed.get() {
            Some(message) => Err(message.clone()),
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("end", &self.end.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, bytes, at)? {
            0 => return Err(std::io::ErrorKind::WriteZero.into()),
            n => {
                bytes = &bytes[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut std::mem::take(&mut bytes)[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Elsewhere nothing is set aside: every body stays in memory.
#[cfg(not(any(unix, windows)))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill(dir: &Path) -> Spill {
        Spill::create(&dir.join("bodies")).unwrap()
    }

    #[test]
    fn bytes_set_aside_from_many_threads_are_read_back_by_slot() {
        let dir = tempfile::tempdir().unwrap();
        let spill = spill(dir.path());
        let slots: Vec<(Vec<u8>, Slot)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u8)
                .map(|i| {
                    let spill = &spill;
                    s.spawn(move || {
                        let bytes = vec![i; 1000 + usize::from(i)];
                        let slot = spill.put(&bytes).unwrap();
                        (bytes, slot)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (bytes, slot) in slots {
            assert_eq!(spill.get(slot).unwrap(), bytes);
        }
        assert_eq!(
            spill.get(spill.put(&[]).unwrap()).unwrap(),
            Vec::<u8>::new()
        );
        assert_eq!(spill.check(), Ok(()));
    }

    #[test]
    fn the_file_leaves_its_folder_when_dropped_or_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let spill = spill(dir.path());
        assert_eq!(dir.path().join("bodies").exists(), !cfg!(unix));
        drop(spill);
        assert!(!dir.path().join("bodies").exists());
    }

    #[test]
    fn a_read_that_fails_is_kept_for_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let spill = spill(dir.path());
        let slot = spill.put(b"abc").unwrap();
        let past_the_end = Slot {
            at: slot.at + 3,
            len: 10,
        };
        assert_eq!(spill.get(past_the_end), None);
        assert_eq!(spill.get(slot).as_deref(), Some(&b"abc"[..]));
        assert!(spill.check().is_err(), "{:?}", spill.check());
    }

    #[test]
    fn an_existing_file_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bodies"), "mine").unwrap();
        assert!(Spill::create(&dir.path().join("bodies")).is_err());
        assert_eq!(std::fs::read(dir.path().join("bodies")).unwrap(), b"mine");
    }
}
