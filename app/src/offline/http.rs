//! The offline routes:
//! - `GET /ngoai-tuyen/khoa-hoc/{course}`: what saving the course would take (its revision, an estimate of
//!   the bytes), shown on the button before saving;
//! - `POST /ngoai-tuyen/khoa-hoc/{course}`: save it: every address the phone should keep and this phone's
//!   attempt tickets (`{"device": "<uuid>"}`);
//! - `GET /ngoai-tuyen/phien-ban?khoa=a,b`: the current revision of saved courses ("Có bản cập nhật");
//! - `POST /dong-bo`: the phone's queue, one request for all of it, answered record by record;
//! - `POST /khoa-hoc/{course}/kiem-tra/{quiz}/ve/{ticket}/nop`: a ticket's form, when it is sent online.

use super::sync::{self, Batch, MAX_BATCH};
use crate::error::AppError;
use crate::state::{AppState, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use serde::{Deserialize, Serialize};

/// The offline routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ngoai-tuyen/khoa-hoc/{course}", get(estimate).post(save))
        .route("/ngoai-tuyen/phien-ban", get(revisions))
        .route("/dong-bo", post(sync_queue))
        .route("/khoa-hoc/{course}/kiem-tra/{quiz}/ve/{ticket}/nop", post(submit_ticket))
}

/// Pages other than lessons (course page, glossary, quiz pages): about this much HTML around their text.
const PAGE_BYTES: i64 = 6_000;

#[derive(Serialize)]
struct Estimate {
    course: String,
    title: String,
    revision: String,
    bytes: i64,
}

fn pages_and_files(course: &str, c: &crate::db::offline::OfflineCourseRow) -> (Vec<String>, i64) {
    let mut urls = vec![format!("/khoa-hoc/{course}")];
    let mut bytes = PAGE_BYTES;
    for (slug, _, len) in &c.lessons {
        urls.push(format!("/khoa-hoc/{course}/bai/{slug}"));
        bytes += PAGE_BYTES + len;
    }
    if c.has_glossary {
        urls.push(format!("/khoa-hoc/{course}/thuat-ngu"));
        bytes += PAGE_BYTES * 2;
    }
    for (path, len) in &c.files {
        // As the lesson HTML writes it (content/render.rs), so the phone's copy has the key the page asks for.
        urls.push(format!("/khoa-hoc/{course}/tep/{path}"));
        bytes += len;
    }
    (urls, bytes)
}

/// What the phone will download, which is what prepaid data pays for: pages travel compressed (brotli makes
/// our HTML about a third of its size), images as they are. What the phone then stores is shown after saving.
async fn estimate(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path(course): Path<String>) -> Result<Response, AppError> {
    viewer.0.ok_or(AppError::Unauthorized)?;
    let c = crate::db::offline::course(&state.db, &course).await?.ok_or(AppError::NotFound)?;
    let (_, all) = pages_and_files(&course, &c);
    let images: i64 = c.files.iter().map(|(_, n)| n).sum();
    let tickets = c.quizzes.len() as i64 * sync::TICKETS_PER_PHONE as i64 * PAGE_BYTES * 2;
    let bytes = (all - images + tickets) / 3 + images;
    Ok(Json(Estimate { course, title: c.title, revision: c.revision_id, bytes }).into_response())
}

#[derive(Deserialize)]
struct SaveRequest {
    device: String,
}

#[derive(Serialize)]
struct Manifest {
    course: String,
    title: String,
    revision: String,
    /// Pages and files to keep, fetched by the phone.
    urls: Vec<String>,
    tickets: Vec<sync::TicketOut>,
    /// Quizzes for which no ticket could be given (every attempt used, or too many held).
    no_tickets: Vec<String>,
    /// Titles, so the phone's queue can name what waits: (slug, title) of lessons and quizzes.
    lessons: Vec<(String, String)>,
    quizzes: Vec<(String, String)>,
}

async fn save(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(course): Path<String>,
    Json(req): Json<SaveRequest>,
) -> Result<Response, AppError> {
    let user = viewer.0.ok_or(AppError::Unauthorized)?;
    if !crate::db::learning::valid_record_id(&req.device) {
        return Err(AppError::invalid("device", "invalid"));
    }
    let c = crate::db::offline::course(&state.db, &course).await?.ok_or(AppError::NotFound)?;
    let (mut urls, _) = pages_and_files(&course, &c);
    let tickets = sync::tickets(&state.db, &user.id, &req.device, &course, &c.quizzes).await?;
    urls.extend(tickets.iter().map(|t| t.url.clone()));
    let no_tickets = c.quizzes.iter().filter(|q| !tickets.iter().any(|t| t.quiz == q.slug)).map(|q| q.slug.clone()).collect();
    tracing::info!(user = %user.id, course = %course, tickets = tickets.len(), "course saved for offline use");
    let lessons = c.lessons.iter().map(|(s, t, _)| (s.clone(), t.clone())).collect();
    let quizzes = c.quizzes.iter().map(|q| (q.slug.clone(), q.title.clone())).collect();
    Ok(Json(Manifest { course, title: c.title, revision: c.revision_id, urls, tickets, no_tickets, lessons, quizzes }).into_response())
}

#[derive(Deserialize)]
struct RevisionsQuery {
    khoa: String,
}

async fn revisions(State(state): State<AppState>, Query(q): Query<RevisionsQuery>) -> Result<Response, AppError> {
    let slugs: Vec<String> = q.khoa.split(',').filter(|s| !s.is_empty()).take(50).map(str::to_string).collect();
    let found = crate::db::offline::revisions(&state.db, &slugs).await?;
    Ok(Json(found.into_iter().collect::<std::collections::BTreeMap<_, _>>()).into_response())
}

#[derive(Serialize)]
struct SyncAnswer {
    results: Vec<sync::RecordResult>,
}

/// The queue: 401 when nobody is signed in (the phone keeps it and asks the learner to sign in), 413 over
/// [`MAX_BATCH`] records (the phone sends that many at a time), else one result per record.
async fn sync_queue(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Json(batch): Json<Batch>) -> Result<Response, AppError> {
    let user = viewer.0.ok_or(AppError::Unauthorized)?;
    if batch.records.len() > MAX_BATCH {
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, "at most 100 records a request").into_response());
    }
    let results = sync::sync(&state.db, &user.id, &batch).await;
    Ok(Json(SyncAnswer { results }).into_response())
}

/// A ticket's form sent online: recorded like a queued one, then the result page.
async fn submit_ticket(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((course, quiz, ticket)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user = viewer.0.ok_or(AppError::Unauthorized)?;
    let time = |name: &str| fields.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<i64>().ok());
    let (started, at) = (time("started"), time("at"));
    let answers: Vec<(String, String)> = fields.iter().filter(|(k, _)| k.starts_with("q_")).cloned().collect();
    match sync::submit_ticket(&state.db, &user.id, &ticket, &answers, started, at).await? {
        Ok(_) => Ok(Redirect::to(&sync::result_url(&course, &quiz, &ticket)).into_response()),
        Err(refused) => {
            tracing::warn!(user = %user.id, ticket = %ticket, ?refused, "ticket submission refused");
            Ok(Redirect::to(&format!("{}?loi=tampered", sync::ticket_url(&course, &quiz, &ticket))).into_response())
        }
    }
}
