//! Server functions for lessons.

use super::LessonView;
use crate::error::AppError;
use leptos::prelude::*;

/// A lesson of a course's current revision.
#[server(endpoint = "lesson", input = server_fn::codec::GetUrl)]
pub async fn get_lesson(course: String, lesson: String) -> Result<LessonView, AppError> {
    use crate::{db, state};
    let user = state::current_user_id();
    let r = db::course::lesson_view(&state::db()?, &course, &lesson, user.as_deref()).await
        .map_err(AppError::from)
        .and_then(|o| o.ok_or(AppError::NotFound));
    state::with_status(r)
}

/// Mark a lesson done for the signed-in learner. A plain form post works without JavaScript: the server
/// answers with a redirect back to the lesson.
#[server(endpoint = "mark_lesson_done")]
pub async fn mark_lesson_done(course: String, lesson: String) -> Result<(), AppError> {
    use crate::{db, state};
    let back = format!("/khoa-hoc/{}/bai/{}", crate::components::urlencode(&course), crate::components::urlencode(&lesson));
    let result = async {
        let user = state::require_user()?;
        let db = state::db()?;
        if db::progress::mark_lesson_done(&db, &user.id, &course, &lesson).await? {
            if let Some(course_id) = db::certificate::course_id(&db, &course).await? {
                db::certificate::check_and_issue(&db, &user.id, &course_id).await?;
            }
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
    .await;
    state::finish_form(result, &back, &back)
}
