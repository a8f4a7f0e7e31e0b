//! Authoring's plain handlers:
//! - `POST /soan-thao/{course}/tep/{file}`: the editor's one multipart form. "Lưu nháp", "Xem trước" and
//!   "Tải ảnh lên" all save the text first, so without JavaScript nothing typed is lost; a photo is checked,
//!   re-encoded and added to the draft, and its markdown is appended to the text.
//! - `POST /soan-thao/{course}/tep/{file}/xem-truoc` and `…/tu-luu`: the island's live preview (an HTML
//!   fragment) and autosave (`saved <version>`, `conflict` or `frozen`, as text). Plain endpoints rather than
//!   server functions keep the editor's island small: no serialisation code reaches the wasm bundle.
//! - `GET /soan-thao/{course}/nhap/{*path}`: the draft's images, for the preview.
//! - `GET /soan-thao/{course}/tai-ve`: the working copy as a zip in the `courses/` folder format.
//! - `POST /soan-thao/nhap-zip`: such a zip, to create a course or replace a draft.

use super::api::access;
use super::{editable, image, zip};
use crate::auth::Role;
use crate::db::authoring::{self, Saved};
use crate::error::AppError;
use crate::state::{AppState, Viewer};
use crate::text::urlencode;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

/// The largest zip accepted, compressed (its content is limited again while it is read).
const MAX_ZIP: usize = 50 * 1024 * 1024;

/// Authoring's plain routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/soan-thao/{course}/tep/{file}", post(editor_post).layer(DefaultBodyLimit::max(image::MAX_UPLOAD_BYTES + 2 * 1024 * 1024)))
        .route("/soan-thao/{course}/tep/{file}/xem-truoc", post(live_preview))
        .route("/soan-thao/{course}/tep/{file}/tu-luu", post(autosave))
        .route("/soan-thao/{course}/nhap/{*path}", get(draft_file))
        .route("/soan-thao/{course}/tai-ve", get(download))
        .route("/soan-thao/nhap-zip", post(upload_zip).layer(DefaultBodyLimit::max(MAX_ZIP + 64 * 1024)))
}

fn back(course: &str, file: &str, query: &str) -> Response {
    Redirect::to(&format!("/soan-thao/{course}/tep/{file}?{query}")).into_response()
}

fn refused(course: &str, file: &str, field: &str, code: &str) -> Response {
    back(course, file, &format!("loi={}&o={field}", urlencode(code)))
}

/// The editor's form post.
async fn editor_post(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path((course, file)): Path<(String, String)>, mut form: Multipart) -> Result<Response, AppError> {
    if !editable(&file) {
        return Err(AppError::NotFound);
    }
    let a = access(&state.db, viewer.0, &course).await?;
    a.need_maintainer()?;
    let (mut text, mut version, mut action, mut alt) = (None::<String>, 0i64, String::from("save"), String::new());
    let mut photo: Option<Vec<u8>> = None;
    let mut too_big = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                // The body limit: a photo over 10 MB. What was typed arrived before it (the text comes first).
                tracing::warn!(error = %e, "editor form cut off");
                too_big = true;
                break;
            }
        };
        match field.name().unwrap_or("") {
            "text" => text = field.text().await.ok(),
            "v" => version = field.text().await.ok().and_then(|v| v.trim().parse().ok()).unwrap_or(0),
            "action" => action = field.text().await.unwrap_or_default(),
            "alt" => alt = field.text().await.unwrap_or_default(),
            "image" => match field.bytes().await {
                Ok(b) if !b.is_empty() => photo = Some(b.to_vec()),
                Ok(_) => {}
                Err(_) => too_big = true,
            },
            _ => {}
        }
    }
    let Some(text) = text else {
        return Ok(refused(&course, &file, "image", if too_big { "author_image_too_large" } else { "author_no_text" }));
    };
    if super::api::rate(&state.db, &a.me, "save", 30).await.is_err() {
        return Ok(refused(&course, &file, "text", "author_rate"));
    }
    let text = crate::content::normalise_text(&text);
    let version = match authoring::save_file(&state.db, &a.course, &file, Some(text.as_bytes()), version, &a.me.id).await? {
        Saved::Saved { version } => version,
        // Kept aside: the page shows it beside the current text, with their diff.
        Saved::Conflict { .. } => return Ok(refused(&course, &file, "text", "author_conflict")),
        Saved::Frozen => return Ok(refused(&course, &file, "text", "author_frozen")),
    };
    match action.as_str() {
        "preview" => Ok(back(&course, &file, "xem=1#xem-truoc")),
        "upload" => {
            if too_big {
                return Ok(refused(&course, &file, "image", "author_image_too_large"));
            }
            let Some(bytes) = photo else { return Ok(refused(&course, &file, "image", "author_image_missing")) };
            let alt = crate::text::nfc(alt.trim()).replace(['[', ']', '\n', '\r'], " ");
            if alt.trim().is_empty() {
                return Ok(refused(&course, &file, "alt", "author_alt"));
            }
            let prepared = match tokio::task::spawn_blocking(move || image::prepare(&bytes)).await {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => {
                    tracing::info!(user = %a.me.id, error = %e, "photo refused");
                    return Ok(refused(&course, &file, "image", &format!("author_image_{}", e.code())));
                }
                Err(e) => {
                    tracing::error!(error = %e, "photo task failed");
                    return Err(AppError::Internal);
                }
            };
            let (files, _) = super::api::working(&state.db, &a.course).await?;
            let stem: String = crate::text::slugify(&alt).chars().take(40).collect::<String>().trim_end_matches('-').to_string();
            let stem = if stem.is_empty() { "anh".to_string() } else { stem };
            let name = (1..).map(|n| if n == 1 { format!("images/{stem}.jpg") } else { format!("images/{stem}-{n}.jpg") }).find(|p| !files.contains_key(p)).unwrap_or_default();
            match authoring::save_file(&state.db, &a.course, &name, Some(&prepared.bytes), 0, &a.me.id).await? {
                Saved::Saved { .. } => {}
                _ => return Ok(refused(&course, &file, "image", "author_conflict")),
            }
            let with_photo = format!("{}\n\n![{}]({name})\n", text.trim_end(), alt.trim());
            match authoring::save_file(&state.db, &a.course, &file, Some(with_photo.as_bytes()), version, &a.me.id).await? {
                Saved::Saved { .. } => {}
                _ => return Ok(refused(&course, &file, "text", "author_conflict")),
            }
            tracing::info!(user = %a.me.id, course = %course, bytes = prepared.bytes.len(), width = prepared.width, "photo added");
            Ok(back(&course, &file, &format!("anh={}", urlencode(&name))))
        }
        _ => Ok(back(&course, &file, "luu=1")),
    }
}

/// The island's form: the text as typed, and for autosave the version the editor started from.
#[derive(serde::Deserialize)]
struct Typed {
    text: String,
    #[serde(default)]
    v: i64,
}

fn text_response(body: String, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The live preview: the text as typed, checked with the rest of the draft, nothing saved.
async fn live_preview(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, headers: axum::http::HeaderMap, Path((course, file)): Path<(String, String)>, Form(typed): Form<Typed>) -> Result<Response, AppError> {
    if !editable(&file) {
        return Err(AppError::NotFound);
    }
    let a = access(&state.db, viewer.0, &course).await?;
    super::api::rate(&state.db, &a.me, "preview", 120).await?;
    let (mut files, _) = super::api::working(&state.db, &a.course).await?;
    files.insert(file.clone(), typed.text.into_bytes());
    let checked = super::api::check(&state.db, &a.course.slug, &files).await?;
    let locale = crate::i18n::Locale::from_headers(&headers);
    let pv = super::api::preview_of(locale, &a.course.slug, &file, &checked);
    Ok(text_response(super::render::preview_box(locale, &pv).into_inner_html(), "text/html; charset=utf-8"))
}

/// Autosave, every few seconds while typing; limited per person with the editor's form posts.
async fn autosave(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path((course, file)): Path<(String, String)>, Form(typed): Form<Typed>) -> Result<Response, AppError> {
    if !editable(&file) {
        return Err(AppError::NotFound);
    }
    let a = access(&state.db, viewer.0, &course).await?;
    a.need_maintainer()?;
    super::api::rate(&state.db, &a.me, "save", 30).await?;
    let text = crate::content::normalise_text(&typed.text);
    let answer = match authoring::save_file(&state.db, &a.course, &file, Some(text.as_bytes()), typed.v, &a.me.id).await? {
        Saved::Saved { version } => format!("saved {version}"),
        Saved::Conflict { .. } => "conflict".to_string(),
        Saved::Frozen => "frozen".to_string(),
    };
    Ok(text_response(answer, "text/plain; charset=utf-8"))
}

fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

/// An image of the draft, for its maintainers' and reviewers' preview only.
async fn draft_file(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path((course, path)): Path<(String, String)>) -> Result<Response, AppError> {
    let a = access(&state.db, viewer.0, &course).await?;
    let ct = content_type(&path).ok_or(AppError::NotFound)?;
    let rows = authoring::working_files(&state.db, &a.course).await?;
    let bytes = rows.into_iter().find(|f| f.path == path).ok_or(AppError::NotFound)?.bytes;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    Ok(res)
}

/// The working copy as `<slug>.zip`.
async fn download(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path(course): Path<String>) -> Result<Response, AppError> {
    let a = access(&state.db, viewer.0, &course).await?;
    let (files, _) = super::api::working(&state.db, &a.course).await?;
    let slug = a.course.slug.clone();
    let bytes = tokio::task::spawn_blocking(move || zip::write_zip(&slug, &files)).await.map_err(|e| {
        tracing::error!(error = %e, "zip task failed");
        AppError::Internal
    })?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.zip\"", a.course.slug)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// A course zip: into the draft of the course it names (its maintainers only), or a new course (trainers).
async fn upload_zip(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, mut form: Multipart) -> Result<Response, AppError> {
    let me = viewer.0.clone().ok_or(AppError::Unauthorized)?;
    let mut bytes: Option<Vec<u8>> = None;
    let mut target = String::new();
    let mut too_big = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or("") {
                "zip" => match field.bytes().await {
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(_) => too_big = true,
                },
                "course" => target = field.text().await.unwrap_or_default().trim().to_string(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                too_big = true;
                break;
            }
        }
    }
    let back = if target.is_empty() { "/soan-thao".to_string() } else { format!("/soan-thao/{target}") };
    let refuse = |code: &str| Redirect::to(&format!("{back}?loi={}&o=zip#zip", urlencode(code))).into_response();
    if too_big {
        return Ok(refuse("author_zip_too_large"));
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else { return Ok(refuse("author_zip_missing")) };
    let read = tokio::task::spawn_blocking(move || zip::read_zip(&bytes)).await.map_err(|e| {
        tracing::error!(error = %e, "zip task failed");
        AppError::Internal
    })?;
    let course_zip = match read {
        Ok(z) => z,
        Err(e) => {
            tracing::info!(user = %me.id, error = %e, "course zip refused");
            return Ok(refuse(&format!("author_zip_{}", e.code())));
        }
    };
    let slug = if target.is_empty() { course_zip.slug.clone().unwrap_or_default() } else { target.clone() };
    if !crate::text::is_slug(&slug) {
        return Ok(refuse("author_slug"));
    }
    // Text the way the checker reads it, so the editor and the export show what is stored.
    let files: crate::content::CourseFiles = course_zip
        .files
        .into_iter()
        .map(|(p, b)| {
            if crate::content::is_text_file(&p) {
                match String::from_utf8(b) {
                    Ok(t) => (p, crate::content::normalise_text(&t).into_bytes()),
                    Err(e) => (p, e.into_bytes()),
                }
            } else {
                (p, b)
            }
        })
        .collect();
    match authoring::course(&state.db, &slug).await? {
        Some(_) => {
            let a = access(&state.db, viewer.0, &slug).await?;
            a.need_maintainer()?;
            if !authoring::replace_draft(&state.db, &a.course, &files, &me.id, None).await? {
                return Ok(refuse("author_frozen"));
            }
        }
        None => {
            if !me.has(Role::Trainer) {
                return Err(AppError::Forbidden);
            }
            if authoring::create_course(&state.db, &slug, &me.id, &files).await?.is_err() {
                return Ok(refuse("author_slug_taken"));
            }
        }
    }
    tracing::info!(user = %me.id, course = %slug, files = files.len(), "course zip uploaded into the draft");
    Ok(Redirect::to(&format!("/soan-thao/{slug}/xuat-ban?zip=1")).into_response())
}
