//! Course import: reads a folder of markdown courses into a typed [`Course`] model, with every problem
//! reported as `path:line:column: message`. Server-only.
//!
//! The recipe, in order (start at [`load::load_dir`]):
//! 1. `load` reads `courses/categories.toml`, walks `courses/<slug>/`, reads `course.toml` (its category checked
//!    against that list), classifies files (lessons, quizzes, glossary, assets).
//! 2. `front_matter` splits each markdown file into its `---` header and body, keeping line numbers.
//! 3. `quiz` turns a quiz file's body into typed questions and answer keys.
//! 4. `render` turns markdown into HTML once ([`render::parser`] is the only place options are set), rewrites
//!    links to lessons and course files, and sanitises the result with ammonia.
//! 5. `crate::db::course::import_course` stores a new revision when the content hash changed.
//!
//! Nothing here panics on bad input: the fuzz target in `app/fuzz` and the property tests hold it to that.

pub mod front_matter;
pub mod load;
pub mod model;
pub mod quiz;
pub mod render;

pub use load::{check, is_text_file, load_course, load_dir, load_files, normalise_text, read_folder, Checked, CourseFiles, LoadReport, Preview};
pub use model::*;

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a course file, positioned for a trainer's editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as given (relative to the courses folder's parent when loaded from `courses/`).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// English message; the checker prints it as is.
    pub message: String,
}

impl Problem {
    /// A problem at a line and column of `path`.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Problem { path: path.into(), line: line.max(1), column: column.max(1), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
    }
}

/// Bumped whenever rendering changes, so the next import re-renders courses whose files did not change.
pub const RENDER_VERSION: &str = "4";

/// Hex SHA-256 of some bytes: the content hash of lessons, quizzes and whole courses.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
