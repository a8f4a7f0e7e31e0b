//! Server functions for reading the catalog. Public: anonymous visitors may read.

use super::{CourseCard, CourseDetail};
use crate::error::AppError;
use leptos::prelude::*;

/// Courses matching `q` (diacritics and case ignored); all when empty.
#[server(endpoint = "catalog", input = server_fn::codec::GetUrl)]
pub async fn list_courses(q: String) -> Result<Vec<CourseCard>, AppError> {
    use crate::{db, state};
    if q.chars().count() > 200 {
        return Err(AppError::Invalid { field: "q".into(), code: "too_long".into() });
    }
    Ok(db::course::catalog(&state::db()?, &q).await?)
}

/// One course with the signed-in learner's progress.
#[server(endpoint = "course", input = server_fn::codec::GetUrl)]
pub async fn get_course(slug: String) -> Result<CourseDetail, AppError> {
    use crate::{db, state};
    let user = state::current_user_id();
    let r = db::course::course_detail(&state::db()?, &slug, user.as_deref()).await
        .map_err(AppError::from)
        .and_then(|o| o.ok_or(AppError::NotFound));
    state::with_status(r)
}

/// A course's glossary: (course title, html).
#[server(endpoint = "glossary", input = server_fn::codec::GetUrl)]
pub async fn get_glossary(slug: String) -> Result<(String, String), AppError> {
    use crate::{db, state};
    let r = db::course::glossary(&state::db()?, &slug).await
        .map_err(AppError::from)
        .and_then(|o| o.ok_or(AppError::NotFound));
    state::with_status(r)
}
