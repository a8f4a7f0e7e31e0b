//! The catalog, course and glossary pages: finding a course and seeing what it holds.

pub mod api;
pub mod catalog_page;
pub mod course_page;
#[cfg(feature = "ssr")]
mod files;
pub mod search_island;

pub use catalog_page::CatalogPage;
pub use course_page::{CoursePage, GlossaryPage};
#[cfg(feature = "ssr")]
pub use files::routes;

use serde::{Deserialize, Serialize};

/// A category's names in both languages, as `courses/categories.toml` gives them at import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CategoryName {
    pub vi: String,
    pub en: String,
}

impl CategoryName {
    /// The name in the reader's language.
    pub fn get(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::Vi => &self.vi,
            crate::i18n::Locale::En => &self.en,
        }
    }
}

/// A course as listed in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The category's slug; the catalog lists categories in the order the server sends the cards.
    pub category: String,
    pub category_name: CategoryName,
    pub hours: f64,
    pub lessons: i64,
    pub minutes: i64,
    /// Folded title, summary, audience and lesson titles, for the search filter.
    pub search_key: String,
}

/// A course with its contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseDetail {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub category_name: CategoryName,
    pub audience: String,
    pub hours: f64,
    pub version: String,
    pub last_reviewed: Option<String>,
    pub authors: Vec<String>,
    pub has_glossary: bool,
    pub imported_at: i64,
    pub items: Vec<CourseItem>,
}

/// Lesson or quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemKind {
    Lesson,
    Quiz,
}

/// A learner's state on one lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStatus {
    NotStarted,
    Done,
    /// Done, but the lesson changed since.
    UpdatedSinceDone,
}

/// One entry of a course's contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourseItem {
    pub kind: ItemKind,
    pub slug: String,
    pub title: String,
    pub minutes: i64,
    pub questions: i64,
    pub status: ItemStatus,
}

impl CourseItem {
    /// The item's page.
    pub fn href(&self, course: &str) -> String {
        match self.kind {
            ItemKind::Lesson => format!("/khoa-hoc/{course}/bai/{}", self.slug),
            ItemKind::Quiz => format!("/khoa-hoc/{course}/kiem-tra/{}", self.slug),
        }
    }
}
