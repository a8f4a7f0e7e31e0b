//! `GET /khoa-hoc/{course}/tep/{*path}`: course images, served from the database (only what a course
//! folder held at import, so a path can never reach the disk).

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The course files' route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/khoa-hoc/{course}/tep/{*path}", get(course_file))
}

/// A file of the course's current revision.
async fn course_file(State(state): State<AppState>, Path((course, path)): Path<(String, String)>) -> Result<Response, AppError> {
    let crate::db::course::AssetRow { content_type, bytes } = crate::db::course::asset(&state.db, &course, &path).await?.ok_or(AppError::NotFound)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    // An uploaded SVG could carry script: the file is never a page of ours.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    Ok(res)
}
