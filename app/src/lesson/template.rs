//! The store of lesson templates (`cache.rs` makes and fills them). Kept apart so that the application
//! state can hold the store without depending on the middleware that uses the state.

use axum::body::Bytes;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Templates kept per process. About 90 lessons × 2 languages × a few role sets and states fit; past that the
/// map starts again (a template is rebuilt from one render).
const MAX_TEMPLATES: usize = 2048;

/// The cache of lesson templates, shared by a process's requests. `off()` leaves every page to the renderer
/// (the tests compare the two).
#[derive(Clone)]
pub struct ReaderCache {
    /// `None` as a value: this page could not be made a template (see [`build`]); the renderer draws it.
    templates: Option<Arc<Mutex<Templates>>>,
}

type Templates = HashMap<Key, Option<Arc<Template>>>;

impl Default for ReaderCache {
    fn default() -> Self {
        ReaderCache { templates: Some(Arc::default()) }
    }
}

impl std::fmt::Debug for ReaderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.templates.as_ref().and_then(|m| m.lock().ok().map(|m| m.len()));
        f.debug_struct("ReaderCache").field("templates", &n).finish()
    }
}

impl ReaderCache {
    /// Whether lesson pages come from templates.
    pub fn is_on(&self) -> bool {
        self.templates.is_some()
    }

    /// No fast path: every lesson is rendered.
    pub fn off() -> Self {
        ReaderCache { templates: None }
    }

    pub(super) fn get(&self, key: &Key) -> Option<Option<Arc<Template>>> {
        self.templates.as_ref()?.lock().ok()?.get(key).cloned()
    }

    pub(super) fn put(&self, key: Key, t: Option<Arc<Template>>) {
        if let Some(mut map) = self.templates.as_ref().and_then(|m| m.lock().ok()) {
            if map.len() >= MAX_TEMPLATES {
                map.clear();
            }
            map.insert(key, t);
        }
    }
}

/// Everything a lesson page's bytes depend on, but the holes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) path: String,
    /// The request's cookies without the session's: the language and the phone's offline flag.
    pub(super) cookies: String,
    /// The reader's roles with their scopes; `None` when nobody is signed in.
    pub(super) roles: Option<String>,
    pub(super) revision: String,
    pub(super) status: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hole {
    Name,
    Id,
    Nonce,
}

/// A fixed part of a page: its bytes; the same as raw deflate blocks ending on a byte boundary, with their
/// CRC-32 (for the gzip trailer); and as a brotli stream made to be concatenated after the parts before it
/// (see `chain_brotli` in `cache.rs`).
#[derive(Debug)]
pub(super) struct Fixed {
    pub(super) plain: Bytes,
    pub(super) deflated: Bytes,
    pub(super) crc: crc32fast::Hasher,
    pub(super) brotli: Bytes,
}

#[derive(Debug)]
pub(super) enum Part {
    Fixed(Fixed),
    Hole(Hole),
}

/// A rendered lesson page cut at its holes, with the response's headers but the per-request ones.
#[derive(Debug)]
pub(super) struct Template {
    pub(super) parts: Vec<Part>,
    pub(super) headers: HeaderMap,
    /// What a browser that takes brotli gets: the joined brotli, or the joined gzip when that is smaller, as
    /// long as either is smaller than what the renderer sends (the compression layer's brotli, quality 4, of
    /// the whole page); otherwise (a short page, where brotli's built-in dictionary wins) the whole page
    /// compressed for this request, so the page never grows.
    pub(super) for_brotli: Joined,
    /// Whether a browser that takes gzip but not brotli gets the joined gzip: when it is no larger than gzip
    /// of the whole page (on a short page it is not, and the page is gzipped for it).
    pub(super) gzip_joined: bool,
    /// The lengths of the reader's id and of the nonce that the brotli parts were made for: a part is
    /// compressed against the page before it, which holds only where every id and nonce before it has these
    /// lengths (a nonce always does; an id does for every account made by this version).
    pub(super) id_len: usize,
    pub(super) nonce_len: usize,
}

/// How a page is written for a browser that takes brotli (see [`Template::for_brotli`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Joined {
    Brotli,
    Gzip,
    /// Neither join is small enough: brotli of the whole page per request.
    No,
}

