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

/// Mark a lesson done for the signed-in learner, through the one write path (`db::learning`). A plain form
/// post works without JavaScript: the server answers with a redirect back to the lesson. `record` is the
/// sender's id for this record (a UUID), so a resend is recognised; a form without one gets a fresh id.
#[server(endpoint = "mark_lesson_done")]
pub async fn mark_lesson_done(course: String, lesson: String, record: Option<String>) -> Result<(), AppError> {
    use crate::{db, state};
    let back = format!("/khoa-hoc/{}/bai/{}", crate::components::urlencode(&course), crate::components::urlencode(&lesson));
    let result = async {
        let user = state::require_user()?;
        if record.as_deref().is_some_and(|r| !db::learning::valid_record_id(r)) {
            return Err(AppError::invalid("record", "invalid"));
        }
        let db = state::db()?;
        let done = db::learning::LessonDone {
            record_id: record.as_deref(),
            user_id: &user.id,
            course_slug: &course,
            lesson_slug: &lesson,
            device_at: None,
        };
        match db::learning::lesson_done(&db, &done).await? {
            Some(db::learning::Stored::Conflict) => Err(AppError::Conflict),
            Some(_) => Ok(()),
            None => Err(AppError::NotFound),
        }
    }
    .await;
    state::finish_form(result, &back, &back)
}
