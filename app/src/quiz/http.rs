//! `POST /khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}/nop`: submit an attempt. A plain form post (the
//! fields depend on the attempt's questions), answered with a redirect to the result. Resends and double
//! clicks land on the same result; a tampered form is refused and the attempt stays open.

use super::api::ssr::submit as submit_attempt;
use crate::error::AppError;
use crate::state::{AppState, Viewer};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Form, Router};

/// The quiz's plain HTTP route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}/nop", post(submit))
}

/// Handle a submission.
async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((course, quiz, attempt)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let page = format!("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}");
    let user = viewer.0.ok_or(AppError::Unauthorized)?;
    // A resend, or other answers for an attempt already submitted, lands on the stored result too.
    match submit_attempt(&state.db, &user.id, &attempt, &fields, Default::default()).await? {
        Ok(_) => Ok(Redirect::to(&page).into_response()),
        Err(refused) => {
            tracing::warn!(user = %user.id, attempt = %attempt, ?refused, "quiz submission refused");
            Ok(Redirect::to(&format!("{page}?loi=tampered")).into_response())
        }
    }
}
