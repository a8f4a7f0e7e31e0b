//! Authoring in the browser: trainers write courses in the same markdown as `courses/`, preview them through
//! the publishing pipeline, ask for review, publish, and go back in history.
//!
//! - `api.rs`: the server functions (each checks, on the server, that the caller maintains or reviews the
//!   course); `render.rs`: preview and diff markup; `image.rs`: photos; `zip.rs`: courses as zip files.
//! - `http.rs`: the editor's form post (text, preview, photo in one multipart form, so nothing typed is lost
//!   without JavaScript), the draft's files, zip download and upload.
//! - pages: `list_page.rs` (`/soan-thao`), `course_page.rs`, `editor_page.rs`, `publish_page.rs`,
//!   `history_page.rs`; `editor_island.rs` adds the toolbar, live preview and autosave.

pub mod api;
pub mod course_page;
pub mod editor_island;
pub mod editor_page;
pub mod history_page;
pub mod list_page;
pub mod publish_page;

#[cfg(feature = "ssr")]
mod http;
#[cfg(feature = "ssr")]
pub mod image;
#[cfg(feature = "ssr")]
mod render;
#[cfg(feature = "ssr")]
pub mod zip;

#[cfg(feature = "ssr")]
pub use http::routes;

pub use course_page::AuthorCoursePage;
pub use editor_page::EditorPage;
pub use history_page::{HistoryPage, RevisionPage};
pub use list_page::AuthorListPage;
pub use publish_page::PublishPage;

use crate::html::Html;
use serde::{Deserialize, Serialize};

/// One course in a trainer's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCourse {
    pub slug: String,
    pub title: String,
    /// `draft` (never published), `review`, `editing` (published, with a draft) or `published`.
    pub status: String,
    pub changed_at: i64,
    pub changed_by: String,
}

/// `/soan-thao`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCoursesView {
    pub can_create: bool,
    pub courses: Vec<MyCourse>,
    /// Courses waiting for this person's review.
    pub to_review: Vec<MyCourse>,
}

/// The fields of `course.toml`, as the card form shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Card {
    pub title: String,
    pub summary: String,
    pub category: String,
    pub audience: String,
    pub hours: String,
    pub version: String,
    pub last_reviewed: String,
    /// One per line.
    pub authors: String,
    /// `all` or a number.
    pub lessons: String,
    /// `all` or `none`.
    pub quizzes: String,
}

/// One file of a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    /// `course`, `lesson`, `quiz`, `glossary`, `note`, `image` or `other`.
    pub kind: String,
    pub title: Option<String>,
    pub problems: usize,
    pub version: i64,
}

/// A maintainer or reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub phone: String,
    pub role: String,
}

/// `/soan-thao/:course`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseView {
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub review_required: bool,
    /// None without a draft; `editing` or `review`.
    pub draft_state: Option<String>,
    pub card: Card,
    /// false when course.toml is not valid TOML: the card form is then replaced by a link to the file.
    pub card_ok: bool,
    pub categories: Vec<(String, String)>,
    pub files: Vec<FileEntry>,
    pub problems: usize,
    pub conflicts: usize,
    pub members: Vec<Member>,
    pub is_admin: bool,
    pub is_maintainer: bool,
}

/// A problem the checker found, positioned in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemView {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A text kept aside because someone else saved first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    pub id: String,
    pub saved_by: String,
    pub saved_at: i64,
    pub text: String,
    /// From the current text to the one kept aside.
    pub diff: Html,
}

/// What the preview shows: the learner's view, a quiz's trainer view, and the file's problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PreviewView {
    pub html: Html,
    pub keys: Option<Html>,
    pub problems: Vec<ProblemView>,
}

/// `/soan-thao/:course/tep/:file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileView {
    pub slug: String,
    pub course_title: String,
    pub path: String,
    pub text: String,
    pub version: i64,
    pub frozen: bool,
    pub exists: bool,
    /// The preview pane, as `render::preview_box` writes it.
    pub preview: Html,
    pub conflicts: Vec<ConflictView>,
}

/// One file's change in a publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    pub path: String,
    pub kind: String,
    /// `added`, `changed` or `removed`.
    pub change: String,
    pub diff: Option<Html>,
}

/// `/soan-thao/:course/xuat-ban`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishPlan {
    pub slug: String,
    pub title: String,
    pub has_draft: bool,
    pub review_required: bool,
    pub state: String,
    pub requested_by: Option<String>,
    pub can_publish: bool,
    pub can_approve: bool,
    pub is_maintainer: bool,
    pub hash: String,
    pub problems: Vec<ProblemView>,
    pub changes: Vec<FileChange>,
}

/// One revision in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionEntry {
    pub id: String,
    pub version: String,
    pub at: i64,
    pub by: Option<String>,
    pub source: String,
    pub current: bool,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEntry {
    pub kind: String,
    pub at: i64,
    pub by: String,
    pub comment: String,
    pub revision: Option<String>,
}

/// `/soan-thao/:course/lich-su`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryView {
    pub slug: String,
    pub title: String,
    pub revisions: Vec<RevisionEntry>,
    pub events: Vec<EventEntry>,
    pub can_restore: bool,
}

/// `/soan-thao/:course/lich-su/:rev`: a revision as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionView {
    pub slug: String,
    pub id: String,
    pub title: String,
    pub version: String,
    pub at: i64,
    pub by: Option<String>,
    pub can_restore: bool,
    /// Each file: its path, its text, and what learners saw.
    pub files: Vec<(String, String, Html)>,
}

/// The kind of a file by its name, as the checker classifies it.
pub fn file_kind(path: &str) -> &'static str {
    if path == "course.toml" {
        "course"
    } else if path.contains('/') || !path.ends_with(".md") {
        if [".jpg", ".jpeg", ".png", ".webp", ".gif"].iter().any(|e| path.to_ascii_lowercase().ends_with(e)) {
            "image"
        } else {
            "other"
        }
    } else if path == "glossary.md" {
        "glossary"
    } else if path.ends_with(".quiz.md") {
        "quiz"
    } else if path.trim_end_matches(".md").chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()) {
        "note"
    } else {
        "lesson"
    }
}

/// Whether `path` names a text file the editor may open (top level, `.md` or `course.toml`).
pub fn editable(path: &str) -> bool {
    !path.contains('/') && !path.contains("..") && (path == "course.toml" || path.ends_with(".md")) && path.len() <= 100
}
