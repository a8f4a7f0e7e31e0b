//! Workshops' plain handlers:
//! - `POST /lop-tap-huan/tao`: a new workshop. A plain handler because the form ticks several courses under
//!   one name, which the server functions' form decoding does not read as a list.
//! - `POST /lop/{id}/diem-danh/dang-ky`: a newcomer signs up and checks in in one step.
//! - `GET /lop-tap-huan/{id}/danh-sach.xlsx`: the attendance sheet for Excel.
//! - `POST /lop-tap-huan/{id}/quet`: a check-in the trainer's phone scanned (perhaps without signal), sent
//!   with the record id the phone gave it; answered in plain text (`new|already|full <name>`, `unknown`,
//!   `deleted`, `closed`, `conflict`), so the scanner island needs no serialisation code.

use super::api::{as_trainer, checkin_guard, checkin_refusal, checkin_wrong};
use crate::db::{self, workshop::CheckIn};
use crate::error::AppError;
use crate::i18n::{t, Locale};
use crate::state::{form_back_url, AppState, ClientAddr, Viewer};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

/// The workshops' plain routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lop-tap-huan/tao", post(create))
        .route("/lop/{id}/diem-danh/dang-ky", post(sign_up_and_check_in))
        .route("/lop-tap-huan/{id}/danh-sach.xlsx", get(sheet_xlsx))
        .route("/lop-tap-huan/{id}/quet", post(scanned))
}

fn fields(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn one<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// Create a workshop from the form; back to the form, filled in, with the message beside the field.
async fn create(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, body: Bytes) -> Result<Response, AppError> {
    let me = viewer.0.ok_or(AppError::Unauthorized)?;
    super::api::role_trainer(&me)?;
    let f = fields(&body);
    let province = one(&f, "province").to_string();
    // An existing workshop's id when the form edits it: only its trainer (or an admin) may.
    let editing = match one(&f, "id").trim() {
        "" => None,
        id => Some(as_trainer(&state.db, Some(me.clone()), id).await?.1.id),
    };
    let keep_names = ["title", "date", "start", "end", "address", "stream_url", "capacity", "region"];
    let mut keep: Vec<(&str, &str)> = keep_names.iter().map(|k| (*k, one(&f, k))).collect();
    // Ticked courses, the test and the certificate come back ticked too.
    keep.extend(f.iter().filter(|(k, _)| matches!(k.as_str(), "course" | "test" | "certificate" | "registration")).map(|(k, v)| (k.as_str(), v.as_str())));
    let back = match &editing {
        Some(id) => format!("/lop-tap-huan/moi?tinh={}&sua={id}", crate::text::urlencode(&province)),
        None => format!("/lop-tap-huan/moi?tinh={}", crate::text::urlencode(&province)),
    };
    let refuse = |field: &str, code: &str| Redirect::to(&form_back_url(&back, &AppError::invalid(field, code), &keep)).into_response();

    let title = crate::text::nfc(one(&f, "title").trim());
    if title.chars().count() < 3 || title.chars().count() > 200 {
        return Ok(refuse("title", "workshop_title"));
    }
    let (Some(starts_at), Some(ends_at)) = (crate::calendar::local_ms(one(&f, "date"), one(&f, "start")), crate::calendar::local_ms(one(&f, "date"), one(&f, "end"))) else {
        return Ok(refuse("date", "workshop_time"));
    };
    if ends_at <= starts_at {
        return Ok(refuse("end", "workshop_end"));
    }
    let stream_url = one(&f, "stream_url").trim().to_string();
    if !stream_url.is_empty() && !stream_url.starts_with("https://") {
        return Ok(refuse("stream_url", "stream_url"));
    }
    let region = one(&f, "region").trim().to_string();
    let region = if region.is_empty() { None } else { Some(region) };
    if let Some(r) = &region {
        if db::region::describe(&state.db, r).await?.is_none() {
            return Ok(refuse("region", "region_invalid"));
        }
    } else if stream_url.is_empty() {
        // Neither a hall nor a livestream: nowhere to attend.
        return Ok(refuse("region", "workshop_place"));
    }
    let capacity: i64 = match one(&f, "capacity").trim() {
        "" => 0,
        n => match n.parse() {
            Ok(c) if (0..=100_000).contains(&c) => c,
            _ => return Ok(refuse("capacity", "workshop_capacity")),
        },
    };
    let slugs: Vec<String> = f.iter().filter(|(k, _)| k == "course").map(|(_, v)| v.clone()).collect();
    let course_ids = db::course::ids_by_slug(&state.db, &slugs).await?;
    if course_ids.is_empty() {
        return Ok(refuse("course", "workshop_course"));
    }
    let test = one(&f, "test").split_once('/').map(|(c, q)| (c.to_string(), q.to_string()));
    if let Some((c, q)) = &test {
        if db::attempt::quiz(&state.db, c, q).await?.is_none() {
            return Ok(refuse("test", "course_unknown"));
        }
    }
    let secret = crate::content::sha256_hex(format!("{}:{}", db::new_id(), rand::random::<u64>()).as_bytes());
    let address = crate::text::nfc(one(&f, "address").trim());
    let new = db::workshop::NewWorkshop {
        title: &title,
        starts_at,
        ends_at,
        region_code: region.as_deref(),
        address: &address,
        stream_url: &stream_url,
        capacity,
        course_ids: &course_ids,
        test: test.as_ref().map(|(c, q)| (c.as_str(), q.as_str())),
        checkin_secret: &secret,
        gives_certificate: one(&f, "certificate") == "1",
        registration: one(&f, "registration") == "1",
        created_by: &me.id,
    };
    if let Some(id) = editing {
        db::workshop::update(&state.db, &id, &new).await?;
        tracing::info!(user = %me.id, workshop = %id, "workshop changed");
        return Ok(Redirect::to(&format!("/lop-tap-huan/{id}?da-sua=1")).into_response());
    }
    let id = db::workshop::create(&state.db, &new).await?;
    tracing::info!(user = %me.id, workshop = %id, "workshop created");
    Ok(Redirect::to(&format!("/lop-tap-huan/{id}")).into_response())
}

#[derive(serde::Deserialize)]
struct SignUp {
    code: String,
    full_name: String,
    phone: String,
    password: String,
    #[serde(default)]
    org_name: String,
    org_type: String,
    region: String,
    #[serde(default)]
    province: String,
}

/// A newcomer at the door: the same checks as sign-up, then signed in and checked in.
async fn sign_up_and_check_in(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Extension(addr): Extension<crate::state::ClientAddr>,
    session: tower_sessions::Session,
    axum::Form(form): axum::Form<SignUp>,
) -> Result<Response, AppError> {
    let w = db::workshop::get(&state.db, &id).await?.ok_or(AppError::NotFound)?;
    let back = format!("/lop/{id}/diem-danh?ma={}&tinh={}", crate::text::urlencode(form.code.trim()), crate::text::urlencode(&form.province));
    let keep = [("full_name", form.full_name.as_str()), ("phone", form.phone.as_str()), ("org_name", form.org_name.as_str()), ("org_type", form.org_type.as_str()), ("region", form.region.as_str())];
    let refuse = |e: &AppError| Redirect::to(&form_back_url(&back, e, &keep)).into_response();
    let who = format!("addr:{}", addr.0);
    if let Err(e) = checkin_guard(&state.db, &who).await {
        return Ok(refuse(&e));
    }
    if let Some(e) = checkin_refusal(&w, &form.code, db::now_ms()) {
        if matches!(&e, AppError::Invalid { code, .. } if code == "checkin_code") {
            checkin_wrong(&state.db, &id, &who).await?;
        }
        return Ok(refuse(&e));
    }
    let account = crate::auth::api::NewAccount {
        full_name: &form.full_name,
        phone: &form.phone,
        password: &form.password,
        org_name: form.org_name.trim(),
        org_type: &form.org_type,
        region: &form.region,
    };
    let user = match crate::auth::api::create_account(&state.db, &account).await {
        Ok(u) => u,
        Err(e) => return Ok(refuse(&e)),
    };
    crate::auth::api::begin_session(&session, &user, false).await?;
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    match db::workshop::check_in(&state.db, &w, &user, "self", mode, &user).await? {
        CheckIn::New | CheckIn::Already => Ok(Redirect::to(&format!("/lop/{id}?da-diem-danh=1")).into_response()),
        CheckIn::Full => Ok(Redirect::to(&format!("/lop/{id}?loi=checkin_full")).into_response()),
    }
}

/// The attendance sheet in the provinces' form, for Excel.
async fn sheet_xlsx(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Extension(addr): Extension<ClientAddr>, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, AppError> {
    let locale = Locale::from_headers(&headers);
    let me = viewer.0.clone();
    let (_, w) = as_trainer(&state.db, viewer.0, &id).await?;
    let rows = db::workshop::attendees(&state.db, &id).await?;
    let bytes = tokio::task::spawn_blocking(move || workbook(locale, &w, &rows)).await.map_err(|e| {
        tracing::error!(error = %e, "sheet task failed");
        AppError::Internal
    })?;
    let bytes = bytes.map_err(|e| {
        tracing::error!(error = %e, "sheet XLSX failed");
        AppError::Internal
    })?;
    tracing::info!(workshop = %id, "attendance sheet exported");
    crate::audit::note_from(&state.db, me.as_ref(), &addr.0, "export", &format!("/lop-tap-huan/{id}/danh-sach.xlsx"), "").await;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"danh-sach-diem-danh.xlsx\"".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

fn workbook(locale: Locale, w: &db::workshop::WorkshopRow, rows: &[db::workshop::AttendeeRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, &w.title, &bold)?;
    let when = format!("{} {}–{}", crate::i18n::format_date(w.starts_at), crate::calendar::local_time(w.starts_at), crate::calendar::local_time(w.ends_at));
    sheet.write_string(1, 0, &when)?;
    sheet.write_string(2, 0, w.place.as_deref().unwrap_or(&w.stream_url))?;
    let heads = ["workshop.col_no", "workshop.col_name", "workshop.col_org", "workshop.col_type", "workshop.col_place", "workshop.col_phone", "workshop.col_how", "workshop.col_sign"];
    for (c, k) in heads.iter().enumerate() {
        sheet.write_string_with_format(4, c as u16, t(locale, k), &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 5 + i as u32;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &r.full_name)?;
        sheet.write_string(row, 2, &r.org_name)?;
        sheet.write_string(row, 3, t(locale, &format!("org.{}", r.org_type)))?;
        sheet.write_string(row, 4, r.place.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 5, crate::text::display_phone(&r.phone))?;
        sheet.write_string(row, 6, t(locale, &format!("workshop.how_{}", r.how)))?;
        sheet.write_string(row, 7, "")?;
    }
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(2, 28)?;
    sheet.set_column_width(4, 30)?;
    sheet.set_column_width(5, 14)?;
    sheet.set_column_width(7, 16)?;
    book.save_to_buffer()
}

#[derive(serde::Deserialize)]
struct Scan {
    /// A personal code (or the `/ma/<code>` address it is printed as) or a phone number.
    code: String,
    /// The phone's id for this scan; a resend uses the same.
    record: String,
    #[serde(default)]
    at: Option<i64>,
    /// The phone's clock when it sent this: with `at`, how long ago the scan was, whatever that clock says.
    #[serde(default)]
    sent: Option<i64>,
}

/// A scanned check-in, exactly once whatever is resent.
async fn scanned(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Path(id): Path<String>, axum::Form(scan): axum::Form<Scan>) -> Result<Response, AppError> {
    use crate::db::learning::{scanned_check_in, ScannedCheckIn, Stored};
    let (me, w) = as_trainer(&state.db, viewer.0, &id).await?;
    let text = |s: String| ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], s).into_response();
    let record = scan.record.trim();
    if record.is_empty() || record.len() > 64 || !record.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(AppError::invalid("record", "invalid"));
    }
    let raw = scan.code.trim();
    let code = raw.rsplit("/ma/").next().unwrap_or(raw).trim();
    let holder = match db::workshop::by_personal_code(&state.db, code).await? {
        Some(h) => Some(h),
        None => match crate::text::normalize_phone(code) {
            Some(phone) => match db::user::id_by_phone(&state.db, &phone).await? {
                Some(uid) => db::workshop::attendee_name(&state.db, &uid).await?.map(|n| (uid, n, false)),
                None => None,
            },
            None => None,
        },
    };
    let Some((user, name, deleted)) = holder else { return Ok(text("unknown".into())) };
    if deleted {
        return Ok(text("deleted".into()));
    }
    // The window is judged at the scan's own time (a queue synced after the session). A phone's clock may be
    // off by hours, so the time is taken as "this long before now" (`sent - at`) on the server's clock when
    // the phone says both; never later than now, nor more than a day before the start.
    let now = db::now_ms();
    let at = match (scan.at, scan.sent) {
        (Some(at), Some(sent)) if sent >= at => Some(now - (sent - at)),
        (at, _) => at,
    };
    let at = at.filter(|t| *t <= now && *t > w.starts_at - 86_400_000).unwrap_or(now);
    if !super::checkin_open(w.starts_at, w.ends_at, at) {
        return Ok(text("closed".into()));
    }
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    let stored = scanned_check_in(&state.db, &ScannedCheckIn { record_id: record, workshop: &w, user_id: &user, by: &me.id, mode, device_at: Some(at) }).await?;
    let outcome = match stored {
        Stored::New(o) | Stored::Replayed(o) => o,
        Stored::Conflict => return Ok(text("conflict".into())),
    };
    let word = match outcome {
        CheckIn::New => "new",
        CheckIn::Already => "already",
        CheckIn::Full => "full",
    };
    Ok(text(super::scan_answer(word, &name)))
}
