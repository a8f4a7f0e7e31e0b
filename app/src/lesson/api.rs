//! Server functions for lessons.

use super::LessonView;
use crate::error::AppError;
use leptos::prelude::*;

/// A lesson of a course's current revision.
#[server(endpoint = "lesson", input = server_fn::codec::GetUrl)]
pub async fn get_lesson(course: String, lesson: String) -> Result<LessonView, AppError> {
    use crate::{db, state};
    let user = state::current_user_id();
    db::course::lesson_view(&state::db()?, &course, &lesson, user.as_deref()).await?.ok_or(AppError::NotFound)
}

/// Mark a lesson done for the signed-in learner. A plain form post works without JavaScript: the server
/// answers with a redirect back to the lesson.
#[server(endpoint = "mark_lesson_done")]
pub async fn mark_lesson_done(course: String, lesson: String) -> Result<(), AppError> {
    use crate::{db, state};
    let user = state::current_user_id().ok_or(AppError::Unauthorized)?;
    if db::progress::mark_lesson_done(&state::db()?, &user, &course, &lesson).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
