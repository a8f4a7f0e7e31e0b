//! `POST /quan-tri/nhap-lop/gui`: a trainer uploads a class list (CSV or XLSX). The answer is a printable
//! page: the row-by-row report and, for each new learner, a card with a QR code of their one-time link.
//! A request that cannot be processed at all (not signed in, not a trainer, no or unreadable file) gets
//! the common `AppError` page instead.

use super::class_list::{plan, read_table, Planned};
use crate::auth::Role;
use crate::error::AppError;
use crate::i18n::{t, Locale};
use crate::state::{AppState, ClientAddr, Viewer};
use crate::text::escape_html as esc;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};

const MAX_FILE: usize = 2 * 1024 * 1024;

/// The upload route. The body may be a little over `MAX_FILE` (multipart framing, the course fields), so
/// the limit is 3 MiB; a larger file is refused as too big rather than cut off.
pub fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri/nhap-lop/gui", post(upload).layer(DefaultBodyLimit::max(3 * 1024 * 1024)))
}

fn page(locale: Locale, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/class-list.css\"></head><body>{}</body></html>",
        locale.code(),
        esc(title),
        body
    )
}

fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).build(),
        Err(_) => String::new(),
    }
}

/// Handle an upload.
async fn upload(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Extension(addr): Extension<ClientAddr>, headers: HeaderMap, mut form: Multipart) -> Result<Response, AppError> {
    let locale = Locale::from_headers(&headers);
    let me = viewer.0.ok_or(AppError::Unauthorized)?;
    if !me.has(Role::Trainer) {
        tracing::warn!(user = %me.id, "class list refused: not a trainer");
        return Err(AppError::Forbidden);
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut courses: Vec<String> = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("lop.csv").to_string();
                match field.bytes().await {
                    Ok(b) if b.len() <= MAX_FILE => file = Some((name, b.to_vec())),
                    _ => return Err(AppError::invalid("file", "file_too_big")),
                }
            }
            Some("course") => {
                if let Ok(s) = field.text().await {
                    courses.push(s);
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::invalid("file", "file_missing"));
    };
    // Why a file is unreadable (its format, a missing column) is what the trainer must fix, so it goes on
    // the page as the error's detail; it never holds anything from the database.
    let file_name: String = name.chars().filter(|c| !c.is_control()).take(120).collect();
    let unreadable = |detail: String| Ok(AppError::invalid("file", "file_unreadable").into_response_with(&detail));
    // Parsing is CPU work on the trainer's file: off the async threads, so a slow file never stalls others.
    let table = match tokio::task::spawn_blocking(move || read_table(&name, &bytes)).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            tracing::warn!(by = %me.id, error = %e, "class list refused");
            return unreadable(e);
        }
        Err(e) => {
            tracing::error!(error = %e, "class list parsing failed");
            return Err(AppError::Internal);
        }
    };
    let rows = match plan(&state.db, &table).await? {
        Ok(rows) => rows,
        Err(e) => return unreadable(e),
    };
    let course_ids = crate::db::course::ids_by_slug(&state.db, &courses).await?;
    let refused = rows.iter().filter(|r| r.refusal.is_some()).count();
    let links = if refused == 0 { crate::admin::class_list::import(&state.db, &rows, &course_ids, &me.id).await? } else { Vec::new() };
    tracing::info!(by = %me.id, rows = rows.len(), refused, created = links.len(), "class list processed");
    if refused == 0 {
        let detail = format!("{} rows, {} new accounts, courses: {}", rows.len(), links.len(), courses.join(", "));
        crate::audit::note_from(&state.db, Some(&me), &addr.0, "class_list_import", &file_name, &detail).await;
    }
    let base = state.site.public_base(&headers);
    let title = t(locale, "classlist.title");
    Ok(Html(page(locale, &title, &report(locale, &rows, refused, &links, &base, course_ids.len(), &courses))).into_response())
}

fn report(locale: Locale, rows: &[Planned], refused: usize, links: &[crate::db::user::InviteRow], base: &str, courses: usize, chosen: &[String]) -> String {
    let mut b = format!("<h1>{}</h1>", esc(&t(locale, "classlist.title")));
    if refused > 0 {
        b += &format!("<p class=\"refused\" role=\"alert\">{}</p>", esc(&t(locale, "classlist.nothing_done").replace("%{n}", &refused.to_string())));
    } else {
        b += &format!(
            "<p role=\"status\">{}</p>",
            esc(&t(locale, "classlist.done")
                .replace("%{created}", &links.len().to_string())
                .replace("%{existing}", &(rows.len() - links.len()).to_string())
                .replace("%{courses}", &courses.to_string()))
        );
    }
    b += &format!(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&t(locale, "classlist.line")),
        esc(&t(locale, "auth.full_name")),
        esc(&t(locale, "auth.phone")),
        esc(&t(locale, "classlist.result"))
    );
    for r in rows {
        // A refused file writes nothing, so the rows that are fine say what will happen once it is fixed,
        // never that it happened.
        let done = refused == 0;
        let result = match (&r.refusal, &r.existing) {
            (Some(f), _) => format!("<span class=\"refused\">{}: {}</span>", esc(&t(locale, &format!("classlist.{}", f.key))), esc(&f.detail)),
            (None, Some(_)) => esc(&t(locale, match (done, courses > 0) {
                (true, true) => "classlist.existing",
                (true, false) => "classlist.existing_no_course",
                (false, true) => "classlist.will_enrol",
                (false, false) => "classlist.will_keep",
            })),
            (None, None) => esc(&t(locale, if done { "classlist.created" } else { "classlist.will_create" })),
        };
        b += &format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", r.line, esc(&r.full_name), esc(&crate::auth::display_phone(&r.phone)), result);
    }
    b += "</tbody></table>";
    if !links.is_empty() {
        b += &format!("<h2>{}</h2><p>{}</p><div class=\"cards\">", esc(&t(locale, "classlist.cards")), esc(&t(locale, "classlist.cards_note")));
        for crate::db::user::InviteRow { line, token } in links {
            let Some(r) = rows.iter().find(|r| r.line == *line) else { continue };
            let url = format!("{base}/mat-khau/{token}");
            b += &format!(
                "<div class=\"card\"><strong>{}</strong><br>{}<br>{}<br><code>{}</code></div>",
                esc(&r.full_name),
                esc(&crate::auth::display_phone(&r.phone)),
                qr_svg(&url),
                esc(&url)
            );
        }
        b += "</div>";
    }
    // "Again" comes back to the form with the same courses ticked (`?khoa=`, which the form reads).
    let again: Vec<String> = chosen.iter().filter(|c| !c.trim().is_empty()).map(|c| format!("khoa={}", crate::text::urlencode(c.trim()))).collect();
    let again = if again.is_empty() { "/quan-tri/nhap-lop".to_string() } else { format!("/quan-tri/nhap-lop?{}", again.join("&amp;")) };
    b += &format!("<p class=\"noprint\"><a href=\"{again}\">{}</a> · <a href=\"/quan-tri\">{}</a></p>", esc(&t(locale, "classlist.again")), esc(&t(locale, "admin.title")));
    b
}
