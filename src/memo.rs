//! Memos: results kept under the fingerprint of the inputs that made
//! them, and the fingerprints themselves.
//!
//! A result is made through [`Memo::get_or_make`], which takes the
//! result's inputs and the closure that makes it, and is reused only when
//! the next build hands over inputs with the same fingerprint, so no
//! input can be forgotten at a distance. Used by the build's cache and by
//! the outputs; depends on nothing of aula's.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One result of a [`Memo`] with its key and input fingerprint, as a
/// build collects them for the next build's memo.
pub type Entry<V> = (String, (u64, V));

/// Results of one kind, by a stable key (a page's output folder, a root
/// page's path), each with the fingerprint of the inputs that made it.
pub struct Memo<V> {
    entries: HashMap<String, (u64, V)>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            entries: HashMap::new(),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The value for `key` made from `inputs`: the stored one when it was
    /// made from equal inputs, else what `make` returns. Everything `make`
    /// reads must be part of `inputs`. Returns the value with its
    /// fingerprint, to be kept with [`Memo::from_results`].
    pub fn get_or_make<I: Hash + ?Sized, E>(
        &self,
        key: &str,
        inputs: &I,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<(u64, V), E> {
        let fp = fingerprint(inputs);
        match self.entries.get(key) {
            Some((old, v)) if *old == fp => Ok((fp, v.clone())),
            _ => make().map(|v| (fp, v)),
        }
    }

    /// The memo of this build: only what it made or reused, so nothing
    /// stale can grow without bound.
    pub fn from_results(results: impl IntoIterator<Item = Entry<V>>) -> Memo<V> {
        Memo {
            entries: results.into_iter().collect(),
        }
    }
}

/// Values derived from one file's bytes (its minified form, its
/// compressed sizes), by output path. A value is reused only when the next
/// build hands over the same bytes (the very same shared buffer, or equal
/// contents) and the same fingerprint of everything else the value was
/// made from; so, as with [`Memo`], a full build and a rebuild give the
/// same result. The old bytes are kept with the value: while they are
/// held, a buffer at the same address is the same buffer.
pub struct Derived<V> {
    entries: HashMap<String, (Arc<[u8]>, u64, V)>,
}

/// One result of a [`Derived`], as a build collects them for the next.
pub type DerivedEntry<V> = (String, (Arc<[u8]>, u64, V));

impl<V> Default for Derived<V> {
    fn default() -> Self {
        Derived {
            entries: HashMap::new(),
        }
    }
}

impl<V: Clone> Derived<V> {
    /// The value for `key` made from `bytes` and whatever `params`
    /// fingerprints: the stored one when both are unchanged, else what
    /// `make` returns. Returns the entry to keep for the next build.
    pub fn get_or_make(
        &self,
        key: &str,
        bytes: &Arc<[u8]>,
        params: u64,
        make: impl FnOnce() -> V,
    ) -> DerivedEntry<V> {
        let value = match self.entries.get(key) {
            Some((old, p, v)) if *p == params && (Arc::ptr_eq(old, bytes) || **old == **bytes) => {
                v.clone()
            }
            _ => make(),
        };
        (key.to_string(), (bytes.clone(), params, value))
    }

    /// The store of this build: only what it made or reused.
    pub fn from_results(results: impl IntoIterator<Item = DerivedEntry<V>>) -> Derived<V> {
        Derived {
            entries: results.into_iter().collect(),
        }
    }
}

/// An in-process fingerprint of anything hashable (not stable across
/// runs; never written anywhere).
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A fingerprint of a serialisable value (template context parts).
pub fn fingerprint_serialized<T: serde::Serialize + ?Sized>(value: &T) -> u64 {
    struct HashWriter(std::hash::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = HashWriter(std::hash::DefaultHasher::new());
    // Through serde_json's sorted maps: tera's maps iterate in a random
    // order, which must not change the fingerprint. Serialising our own
    // types cannot fail; if it did, a unique fingerprint forces a render.
    let sorted = serde_json::to_value(value);
    if sorted
        .and_then(|v| serde_json::to_writer(&mut w, &v))
        .is_err()
    {
        w.0.write_u64(rand_like());
    }
    w.0.finish()
}

/// A value that differs between calls, to defeat the cache on failure.
fn rand_like() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_reuses_only_for_equal_inputs() {
        let previous = Memo::from_results([("a".to_string(), (fingerprint(&(1, "x")), 10))]);
        let made = std::cell::Cell::new(0);
        let make = || -> Result<i32, ()> {
            made.set(made.get() + 1);
            Ok(20)
        };
        assert_eq!(
            previous.get_or_make("a", &(1, "x"), make).map(|r| r.1),
            Ok(10)
        );
        assert_eq!(made.get(), 0, "equal inputs: reused");
        assert_eq!(
            previous.get_or_make("a", &(2, "x"), make).map(|r| r.1),
            Ok(20)
        );
        assert_eq!(
            previous.get_or_make("b", &(1, "x"), make).map(|r| r.1),
            Ok(20)
        );
        assert_eq!(made.get(), 2);
    }
}
