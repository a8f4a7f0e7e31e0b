//! Quizzes: starting an attempt, answering, a result that teaches, and statistics for trainers. Grading
//! happens only on the server; the types a learner receives before submitting carry no answer key and no
//! explanation (see [`QuestionForLearner`]).

pub mod api;
#[cfg(feature = "ssr")]
pub mod grade;
#[cfg(feature = "ssr")]
mod http;
pub mod progress_island;
pub mod quiz_page;

#[cfg(feature = "ssr")]
pub use http::routes;
pub use quiz_page::{AttemptPage, QuizPage, QuizStatsPage};

use crate::html::Html;
use serde::{Deserialize, Serialize};

/// Shared with the course pipeline through `question`, so neither imports the other.
pub use crate::question::QuestionOption;

/// A past attempt in the history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub id: String,
    pub submitted_at: Option<i64>,
    pub percent: Option<f64>,
    pub passed: bool,
}

/// The quiz's front page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizIntro {
    pub course_slug: String,
    pub course_title: String,
    pub quiz_slug: String,
    pub title: String,
    pub questions: i64,
    pub pass: u32,
    pub attempts_max: u32,
    pub attempts_used: i64,
    pub time_limit: Option<u32>,
    pub best_percent: Option<f64>,
    pub passed: bool,
    pub open_attempt: Option<String>,
    pub signed_in: bool,
    pub is_trainer: bool,
    pub history: Vec<AttemptSummary>,
}

/// A question as a learner sees it before submitting: no key, no explanation, options in this attempt's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionForLearner {
    pub id: String,
    pub kind: String,
    pub prompt_html: Html,
    pub options: Vec<QuestionOption>,
    pub points: i64,
}

/// Right, partly right or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Right,
    Partial,
    Wrong,
}

/// One question of a submitted attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultItem {
    pub prompt_html: Html,
    pub verdict: Verdict,
    /// The chosen options' stored HTML, or the learner's own text escaped.
    pub your_answer: Html,
    pub explanation_html: Html,
    pub feedback_html: Vec<Html>,
}

/// The result of a submitted attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub percent: f64,
    pub passed: bool,
    pub pass_mark: u32,
    pub attempts_left: Option<i64>,
    pub best_percent: f64,
    pub timed_out: bool,
    /// Taken offline on a ticket and arrived when every allowed attempt was used: stored, not counted.
    pub over_limit: bool,
    pub items: Vec<ResultItem>,
}

/// An attempt: the questions to answer, or the result once submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: String,
    pub course_slug: String,
    pub course_title: String,
    pub quiz_slug: String,
    pub title: String,
    pub deadline_at: Option<i64>,
    pub questions: Vec<QuestionForLearner>,
    pub result: Option<AttemptResult>,
}

/// Per-question figures for trainers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionStats {
    pub prompt_html: Html,
    pub answers: i64,
    pub percent_right: f64,
    /// The most given wrong answer (an option's HTML or a learner's text, escaped) and how often.
    pub common_wrong: Option<(Html, i64)>,
}

/// Figures for a quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizStats {
    pub course_slug: String,
    pub title: String,
    pub attempts: i64,
    pub learners: i64,
    pub pass_rate: f64,
    pub average: f64,
    /// Offline submissions: refused because their id was used for other answers, stored over the attempt
    /// limit, arrived more than an hour late.
    pub refused: i64,
    pub over_limit: i64,
    pub late: i64,
    pub questions: Vec<QuestionStats>,
}
