//! `POST /khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}/nop`: submit an attempt. A plain form post (the
//! fields depend on the attempt's questions), answered with a redirect to the result. Resends and double
//! clicks land on the same result; a tampered form is refused and the attempt stays open.

use app::quiz::api::inner::submit as submit_attempt;
use app::state::{AppState, Viewer};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

/// Handle a submission.
pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((course, quiz, attempt)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}");
    let Some(user) = viewer.0 else {
        return (StatusCode::UNAUTHORIZED, Redirect::to(&format!("/dang-nhap?next={page}"))).into_response();
    };
    // A resend, or other answers for an attempt already submitted, lands on the stored result too.
    match submit_attempt(&state.db, &user.id, &attempt, &fields, None).await {
        Ok(Ok(_)) => Redirect::to(&page).into_response(),
        Ok(Err(refused)) => {
            tracing::warn!(user = %user.id, attempt = %attempt, ?refused, "quiz submission refused");
            Redirect::to(&format!("{page}?loi=tampered")).into_response()
        }
        Err(app::AppError::NotFound) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "quiz submission failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
