//! Certificate files: the PDF (A4 landscape, DejaVu Sans embedded for Vietnamese, QR code drawn as vectors),
//! the signed credential, and the published key and revocation list under `/.well-known/`.

use super::signing::{credential, qr_text, revocation_list};
use super::Certificate;
use crate::error::AppError;
use crate::state::{AppState, Viewer};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The certificate files' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/chung-nhan/{code}/pdf", get(pdf))
        .route("/chung-nhan/{code}/credential.json", get(credential_json))
        .route("/.well-known/taphuan-issuer.json", get(issuer))
        .route("/.well-known/taphuan-revocations.json", get(revocations))
}

/// The holder (or staff) may download; anyone else gets 404, so codes are not confirmed to strangers here.
/// A revoked certificate is never signed afresh (security review M-2): its files answer 410 Gone.
async fn owned(state: &AppState, viewer: &Viewer, headers: &HeaderMap, code: &str) -> Result<Result<Certificate, Response>, AppError> {
    let user = viewer.0.as_ref().ok_or(AppError::Unauthorized)?;
    let code = crate::db::certificate::normalize_code(code).ok_or(AppError::NotFound)?;
    match crate::certificate::api::by_code(&state.db, &code).await? {
        Some((cert, _)) if cert.revoked_at.is_some() => Ok(Err(revoked_page(&cert, headers))),
        Some((cert, holder)) if holder == user.id || user.is_admin() => Ok(Ok(cert)),
        _ => Err(AppError::NotFound),
    }
}

/// What a revoked certificate's download links answer.
fn revoked_page(cert: &Certificate, headers: &HeaderMap) -> Response {
    let locale = crate::i18n::Locale::from_headers(headers);
    let text = crate::i18n::t(locale, "cert.revoked_download");
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p><p><a href=\"/verify/{}\">/verify/{}</a></p></body></html>",
        locale.code(),
        crate::text::escape_html(&cert.code),
        crate::text::escape_html(&crate::i18n::t(locale, "cert.revoked")),
        crate::text::escape_html(&text),
        crate::text::escape_html(&cert.code),
        crate::text::escape_html(&cert.code),
    );
    let mut res = (axum::http::StatusCode::GONE, axum::response::Html(body)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /chung-nhan/{code}/pdf`
async fn pdf(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, headers: HeaderMap, Path(code): Path<String>) -> Result<Response, AppError> {
    let cert = match owned(&state, &viewer, &headers, &code).await? {
        Ok(c) => c,
        Err(gone) => return Ok(gone),
    };
    let qr = qr_text(&state.site.public_base(&headers), &cert, &state.signer);
    let file_name = format!("attachment; filename=\"chung-nhan-{}.pdf\"", cert.code);
    // Laying out and subsetting the fonts is tens of milliseconds of CPU: off the async threads.
    let site = state.site.clone();
    let bytes = tokio::task::spawn_blocking(move || render_pdf(&cert, &qr, &site.issuer, &site.signer))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r)
        .map_err(|e| {
            tracing::error!(error = %e, "certificate PDF failed");
            AppError::Internal
        })?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&file_name) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `GET /chung-nhan/{code}/credential.json`: the signed Open Badges 3.0 credential.
async fn credential_json(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, headers: HeaderMap, Path(code): Path<String>) -> Result<Response, AppError> {
    let cert = match owned(&state, &viewer, &headers, &code).await? {
        Ok(c) => c,
        Err(gone) => return Ok(gone),
    };
    let mut res = Json(credential(&state.site.public_base(&headers), &cert, &state.site.issuer, &state.signer)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"chung-nhan-{}.json\"", cert.code)) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `GET /.well-known/taphuan-issuer.json`: the public key that signs certificates.
async fn issuer(State(state): State<AppState>) -> Json<serde_json::Value> {
    let pk = state.signer.public();
    Json(serde_json::json!({
        "name": state.site.issuer,
        "id": state.signer.did(),
        "type": "Ed25519",
        "publicKeyHex": pk.as_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "revocations": "/.well-known/taphuan-revocations.json",
    }))
}

/// `GET /.well-known/taphuan-revocations.json`: revoked codes, signed, for offline checks.
async fn revocations(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    let list: Vec<(String, i64)> = crate::db::certificate::revoked(&state.db).await?.into_iter().map(|r| (r.code, r.revoked_at)).collect();
    Ok(Json(revocation_list(&list, &state.signer, crate::db::now_ms())))
}

const W: f32 = 841.89;
const H: f32 = 595.28;

fn fill(r: u8, g: u8, b: u8) -> Fill {
    Fill { paint: rgb::Color::new(r, g, b).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// Approximate width for centring (DejaVu Sans averages about 0.6 em per character).
fn centred_x(text: &str, size: f32) -> f32 {
    ((W - text.chars().count() as f32 * size * 0.6) / 2.0).max(40.0)
}

/// The certificate as PDF bytes.
fn render_pdf(cert: &Certificate, qr: &str, issuer: &str, signer: &str) -> Result<Vec<u8>, String> {
    let regular = Font::new(REGULAR.to_vec().into(), 0).ok_or("font")?;
    let bold = Font::new(BOLD.to_vec().into(), 0).ok_or("font")?;
    let mut doc = Document::new();
    let mut page = doc.start_page_with(PageSettings::from_wh(W, H).ok_or("page size")?);
    let mut s = page.surface();
    // A green frame.
    s.set_fill(Some(fill(11, 110, 79)));
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(20.0, 20.0, W - 40.0, H - 40.0).ok_or("rect")?);
    pb.push_rect(Rect::from_xywh(28.0, 28.0, W - 56.0, H - 56.0).ok_or("rect")?);
    if let Some(p) = pb.finish() {
        s.set_fill(Some(Fill { rule: krilla::paint::FillRule::EvenOdd, ..fill(11, 110, 79) }));
        s.draw_path(&p);
    }
    let text = |s: &mut krilla::surface::Surface<'_>, font: &Font, size: f32, y: f32, t: &str, colour: (u8, u8, u8)| {
        s.set_fill(Some(fill(colour.0, colour.1, colour.2)));
        s.draw_text(Point::from_xy(centred_x(t, size), y), font.clone(), size, t, false, TextDirection::Auto);
    };
    let dark = (29, 35, 33);
    let green = (11, 110, 79);
    text(&mut s, &regular, 16.0, 95.0, issuer, dark);
    let attendance = cert.kind == super::Kind::Attendance;
    // Attendance is worded as attendance, never as completion.
    let (heading, english, did, day) = if attendance {
        ("CHỨNG NHẬN THAM DỰ", "Certificate of attendance", "đã tham dự lớp tập huấn", "Ngày tham dự")
    } else {
        ("CHỨNG NHẬN", "Certificate of completion", "đã hoàn thành khoá học", "Ngày hoàn thành")
    };
    text(&mut s, &bold, 40.0, 160.0, heading, green);
    text(&mut s, &regular, 16.0, 195.0, english, dark);
    text(&mut s, &regular, 18.0, 240.0, "Chứng nhận ông/bà", dark);
    text(&mut s, &bold, 34.0, 290.0, &cert.holder_name, dark);
    text(&mut s, &regular, 18.0, 330.0, did, dark);
    text(&mut s, &bold, 22.0, 368.0, &cert.course_title, green);
    let hours = crate::i18n::format_hours(cert.hours, crate::i18n::Locale::Vi);
    let line = format!("Thời lượng: {hours} giờ · {day}: {}", crate::i18n::format_date(cert.issued_at));
    text(&mut s, &regular, 14.0, 402.0, &line, dark);
    // Signer (left) and QR with the code (right).
    s.set_fill(Some(fill(dark.0, dark.1, dark.2)));
    s.draw_text(Point::from_xy(70.0, 470.0), regular.clone(), 13.0, "Đơn vị cấp / Issued by", false, TextDirection::Auto);
    s.draw_text(Point::from_xy(70.0, 490.0), bold.clone(), 13.0, issuer, false, TextDirection::Auto);
    if !signer.is_empty() {
        s.draw_text(Point::from_xy(70.0, 510.0), regular.clone(), 13.0, signer, false, TextDirection::Auto);
    }
    s.draw_text(Point::from_xy(70.0, 540.0), regular.clone(), 11.0, &format!("Mã chứng nhận: {}", cert.code), false, TextDirection::Auto);
    s.draw_text(Point::from_xy(70.0, 556.0), regular.clone(), 9.0, "Tra cứu: quét mã QR hoặc mở /verify/<mã> trên trang Tập Huấn", false, TextDirection::Auto);
    let code = qrcode::QrCode::new(qr.as_bytes()).map_err(|e| e.to_string())?;
    let n = code.width();
    let size = 130.0_f32;
    let module = size / n as f32;
    let (x0, y0) = (W - 70.0 - size, H - 60.0 - size);
    let mut pb = PathBuilder::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = ((i % n) as f32, (i / n) as f32);
            if let Some(r) = Rect::from_xywh(x0 + x * module, y0 + y * module, module, module) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(p) = pb.finish() {
        s.set_fill(Some(fill(0, 0, 0)));
        s.draw_path(&p);
    }
    s.finish();
    page.finish();
    doc.finish().map_err(|e| format!("{e:?}"))
}
