//! The typed course model produced by `load` and consumed by the importer.

use crate::html::Html;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One line of `categories.toml`: a category's slug (what `course.toml` names) and its names for readers.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub slug: String,
    /// The Vietnamese name.
    pub vi: String,
    /// The English name.
    pub en: String,
}

/// `categories.toml`, next to the course folders: the categories in catalog order.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    #[serde(default)]
    pub category: Vec<Category>,
}

/// `course.toml`, as written by a trainer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CourseMeta {
    pub title: String,
    pub summary: String,
    pub category: String,
    #[serde(default)]
    pub audience: String,
    pub hours: f64,
    #[serde(default = "default_language")]
    pub language: String,
    pub version: String,
    #[serde(default)]
    pub last_reviewed: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub completion: CompletionRule,
}

fn default_language() -> String {
    "vi".into()
}

/// When a course counts as completed. Default: every lesson done and every quiz passed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompletionRule {
    #[serde(default = "all")]
    pub lessons: LessonsRule,
    #[serde(default = "all_quizzes")]
    pub quizzes: String,
}

fn all() -> LessonsRule {
    LessonsRule::Word("all".into())
}
fn all_quizzes() -> String {
    "all".into()
}

impl Default for CompletionRule {
    fn default() -> Self {
        CompletionRule { lessons: all(), quizzes: all_quizzes() }
    }
}

/// `lessons = "all"` or `lessons = 4`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum LessonsRule {
    Count(u32),
    Word(String),
}

/// A whole course, checked and rendered.
#[derive(Debug, Clone)]
pub struct Course {
    pub slug: String,
    pub dir: PathBuf,
    pub meta: CourseMeta,
    pub lessons: Vec<Lesson>,
    pub quizzes: Vec<Quiz>,
    pub glossary_html: Option<Html>,
    pub assets: Vec<Asset>,
    /// The text files as checked (NFC, `\n` line ends), by path: what the database keeps of each revision, so
    /// a revision can be edited, restored and exported.
    pub sources: std::collections::BTreeMap<String, String>,
    /// Hash over every file that makes up the course; equal hash means nothing to import.
    pub content_hash: String,
}

/// One lesson file.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub number: u32,
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub html: Html,
    /// Plain text for search, folded later by the importer.
    pub text: String,
    pub content_hash: String,
}

/// One quiz file.
#[derive(Debug, Clone)]
pub struct Quiz {
    pub number: u32,
    pub slug: String,
    pub title: String,
    pub settings: QuizSettings,
    pub questions: Vec<Question>,
    pub content_hash: String,
}

/// Settings from a quiz's front matter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuizSettings {
    /// Pass mark in percent.
    pub pass: u32,
    /// Maximum attempts; 0 = unlimited.
    pub attempts: u32,
    pub shuffle: bool,
    /// Draw this many questions per attempt (all when `None`).
    pub draw: Option<u32>,
    /// Minutes per attempt.
    pub time_limit: Option<u32>,
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings { pass: 70, attempts: 0, shuffle: false, draw: None, time_limit: None }
    }
}

/// The kinds of question the quiz format supports.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    Text,
    Number,
}

impl QuestionKind {
    /// Stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::Text => "text",
            QuestionKind::Number => "number",
        }
    }
}

/// Shared with the quiz pages through `question`, so neither imports the other.
pub use crate::question::QuestionOption;

/// How text answers are compared.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    Exact,
    Normal,
    Loose,
}

/// The answer key: read only by the grader and the results page. Deliberately not part of any
/// learner-facing type (see `quiz` in the app for `QuizForLearner`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKey {
    Single { correct: u32, feedback: Vec<(u32, Html)> },
    Multiple { correct: Vec<u32>, partial: bool, feedback: Vec<(u32, Html)> },
    TrueFalse { answer: bool },
    Text { accepted: Vec<String>, mode: TextMatch },
    Number { answer: f64, tolerance: f64 },
}

/// One question.
#[derive(Debug, Clone)]
pub struct Question {
    pub kind: QuestionKind,
    pub prompt_html: Html,
    pub options: Vec<QuestionOption>,
    pub key: AnswerKey,
    pub explanation_html: Html,
    pub points: u32,
    /// 1-based line of the `## ` heading, for messages.
    pub line: usize,
}

/// An image or other file kept with a course.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to the course folder, with `/` separators.
    pub path: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}
