//! Reading a lesson and marking it done.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod template;
pub mod lesson_page;

pub use lesson_page::LessonPage;

use crate::catalog::ItemStatus;
use serde::{Deserialize, Serialize};

/// A link to a neighbouring lesson or quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NavLink {
    pub href: String,
    pub title: String,
}

/// Everything the lesson page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonView {
    pub course_slug: String,
    pub course_title: String,
    pub slug: String,
    pub title: String,
    pub minutes: i64,
    /// Rendered and sanitised at import.
    pub html: crate::html::Html,
    /// Place among the course's lessons (quizzes not counted), from 1.
    pub position: i64,
    /// Number of lessons in the course (quizzes not counted).
    pub total: i64,
    pub prev: Option<NavLink>,
    pub next: Option<NavLink>,
    pub status: ItemStatus,
    /// Whether a learner is signed in (so "mark as done" can be offered).
    pub signed_in: bool,
}
