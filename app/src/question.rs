//! Quiz types shared by the course pipeline (server-only) and the quiz pages (also in the browser), so
//! neither has to import the other.

use crate::html::Html;
use serde::{Deserialize, Serialize};

/// What a learner may see of an option before submitting: its id and text, never whether it is right.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuestionOption {
    pub id: u32,
    /// Sanitised at import.
    pub html: Html,
}
