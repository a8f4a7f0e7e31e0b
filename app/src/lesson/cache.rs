//! The reader's fast path (#17). A lesson page is the same for everyone who reads that revision, but for a
//! few bytes: the reader's first name in the header, their id in the "mark as done" form, the CSP nonce. So
//! the ordinary renderer draws the page once for a stand-in reader whose name and id are markers; the page is
//! cut at the markers into a template, and each fixed part is compressed once. Raw deflate blocks that end on
//! a byte boundary can be joined, so a request costs joining the parts around its own few bytes, not a render
//! and a compression.
//!
//! What may change between two requests is read for each one and is part of the template's key: the person
//! and their roles (the viewer middleware, as for every page), the lesson's current revision and this
//! reader's progress on it (one query), the cookies that change a page (language, a phone that keeps
//! courses). A revoked role, a lesson marked done or a new revision shows on the very next page. A request
//! the template cannot be sure of (a query string, data saver, a page that is not a plain 200) goes to the
//! renderer as before.

use crate::catalog::ItemStatus;
use crate::state::{AppState, Viewer};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write as _;
use std::sync::Arc;
use super::template::{Fixed, Hole, Key, Part, Template};

/// The stand-in reader's first name and id: private-use characters no lesson, title or translation holds,
/// and a `"`, which HTML escaping writes as it is in text but as `&quot;` in an attribute. The name is cut
/// only where it stands as text and the id only inside an attribute, so each is filled the way the renderer
/// writes it there; a mark anywhere else (an attribute, a URL) leaves a piece behind and the page is not
/// made a template.
const NAME_MARK: &str = "\u{E000}taphuan-reader-name\"\u{E000}";
const ID_MARK: &str = "\u{E000}taphuan-reader-id\"\u{E000}";
/// The id mark as it stands in an attribute.
const ID_MARK_IN_ATTRIBUTE: &str = "\u{E000}taphuan-reader-id&quot;\u{E000}";
/// The largest page kept: a lesson is about 13 KB; anything far larger is left to the renderer.
const MAX_PAGE: usize = 512 * 1024;

/// How a lesson page renders for a template: the reader's state on this lesson, given instead of read.
/// Only the fast path sets it, as a request extension, which no client can send.
#[derive(Clone, Copy, Debug)]
pub struct TemplateStatus(pub ItemStatus);

/// The middleware: lesson pages (`GET /khoa-hoc/:course/bai/:lesson`) from a template when it can, every
/// other request untouched.
pub async fn fast_path(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some((course, lesson)) = lesson_path(&req) else { return next.run(req).await };
    if !state.reader_cache.is_on() || wants_data_saver(req.headers()) {
        return next.run(req).await;
    }
    let viewer = req.extensions().get::<Viewer>().and_then(|v| v.0.clone());
    if viewer.as_ref().is_some_and(|u| u.data_saver) {
        return next.run(req).await;
    }
    let state_row = match crate::db::course::lesson_state(&state.db, &course, &lesson, viewer.as_ref().map(|u| u.id.as_str())).await {
        Ok(Some(s)) => s,
        // No such lesson, or the database failed: the renderer says so in its own words.
        Ok(None) => return next.run(req).await,
        Err(e) => {
            tracing::warn!(error = %e, "lesson fast path: state query failed");
            return next.run(req).await;
        }
    };
    let key = Key {
        path: req.uri().path().to_string(),
        cookies: page_cookies(req.headers()),
        roles: viewer.as_ref().map(|u| format!("{:?}", u.roles)),
        revision: state_row.revision_id,
        status: state_row.status.clamp(0, 2) as u8,
    };
    let template = match state.reader_cache.get(&key) {
        Some(Some(t)) => t,
        Some(None) => return next.run(req).await,
        None => {
            let built = match stand_in(&req, viewer.as_ref(), key.status) {
                Some(r) => build(r, &next).await.map(Arc::new),
                None => None,
            };
            if built.is_none() {
                tracing::warn!(path = %key.path, "lesson fast path: the page could not be made a template; rendering it each time");
            }
            state.reader_cache.put(key, built.clone());
            match built {
                Some(t) => t,
                None => return next.run(req).await,
            }
        }
    };
    let (name, id) = match &viewer {
        Some(u) => (crate::components::first_name(&u.full_name), u.id.clone()),
        None => (String::new(), String::new()),
    };
    let (br, gz) = (accepts(req.headers(), "br"), accepts(req.headers(), "gzip"));
    let encoding = if gz && (template.gzip_wins || !br) {
        Encoding::Gzip
    } else if br {
        Encoding::Brotli
    } else {
        Encoding::Identity
    };
    respond(&template, &name, &id, encoding)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Gzip,
    Brotli,
    Identity,
}

/// Brotli for pages whose joined gzip would be larger: quality 5, a step above the compression layer's 4, so
/// that a page written in one piece is never larger than the layer's streamed one.
fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams { quality: 5, ..Default::default() };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

/// `(course, lesson)` of a lesson page's plain GET without a query string.
fn lesson_path(req: &Request) -> Option<(String, String)> {
    if req.method() != Method::GET || req.uri().query().is_some() {
        return None;
    }
    let rest = req.uri().path().strip_prefix("/khoa-hoc/")?;
    let (course, rest) = rest.split_once('/')?;
    let lesson = rest.strip_prefix("bai/")?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (plain(course) && plain(lesson)).then(|| (course.to_string(), lesson.to_string()))
}

fn wants_data_saver(headers: &HeaderMap) -> bool {
    headers.contains_key("save-data")
}

/// The cookie header as the page sees it, without the session cookie (which is per person, and whose person
/// is in the key already), so readers with the same language and phone share templates.
fn page_cookies(headers: &HeaderMap) -> String {
    let mut kept: Vec<&str> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|kv| !kv.is_empty() && !kv.starts_with("taphuan_sid="))
        .collect();
    kept.sort_unstable();
    kept.join("; ")
}

/// Whether `Accept-Encoding` takes `coding` (named, or `*`, without `q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|enc| {
        let mut it = enc.split(';');
        let name = it.next().unwrap_or("").trim();
        let refused = it.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0));
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

/// The request as the stand-in reader makes it: the same page, cookies and roles, the marks for a name and
/// an id, and the state on the lesson given.
fn stand_in(req: &Request, viewer: Option<&crate::auth::CurrentUser>, status: u8) -> Option<Request> {
    let mut stand_in = Request::builder().method(Method::GET).uri(req.uri().clone()).version(req.version()).body(Body::empty()).ok()?;
    *stand_in.headers_mut() = req.headers().clone();
    *stand_in.extensions_mut() = req.extensions().clone();
    let marked = viewer.map(|u| crate::auth::CurrentUser { id: ID_MARK.to_string(), full_name: NAME_MARK.to_string(), roles: u.roles.clone(), data_saver: false });
    stand_in.extensions_mut().insert(Viewer(marked));
    let status = match status {
        1 => ItemStatus::Done,
        2 => ItemStatus::UpdatedSinceDone,
        _ => ItemStatus::NotStarted,
    };
    stand_in.extensions_mut().insert(TemplateStatus(status));
    Some(stand_in)
}

/// Render the page for the stand-in reader and cut it into a template. `None` when the page is not one a
/// template can stand for.
async fn build(stand_in: Request, next: &Next) -> Option<Template> {
    let res = next.clone().run(stand_in).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::CONTENT_ENCODING) || res.headers().contains_key(header::SET_COOKIE) {
        return None;
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_PAGE).await.ok()?;
    let html = std::str::from_utf8(&bytes).ok()?;
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|p| p.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .filter(|n| n.len() >= 16)?
        .to_string();
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_SECURITY_POLICY);
    let parts = cut(html, &[(NAME_MARK, Hole::Name), (ID_MARK_IN_ATTRIBUTE, Hole::Id), (&nonce, Hole::Nonce)])?;
    // Sizes with the marks left in: a real name and id are shorter, so the margin covers the difference.
    let mut t = Template { parts, headers, gzip_wins: false };
    let same = |h: Hole| match h {
        Hole::Name => NAME_MARK.to_string(),
        Hole::Id => ID_MARK_IN_ATTRIBUTE.to_string(),
        Hole::Nonce => nonce.clone(),
    };
    t.gzip_wins = gzip_body(&t, &same).len() + 32 <= brotli(html.as_bytes()).len();
    Some(t)
}

/// Cut `html` at every mark. `None` if a mark appears in a changed form (escaped, say), which would mean
/// the fill could not put the value back the way the renderer writes it.
fn cut(html: &str, marks: &[(&str, Hole)]) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = html;
    loop {
        let next = marks.iter().filter_map(|(m, h)| rest.find(m).map(|at| (at, m.len(), *h))).min_by_key(|(at, _, _)| *at);
        match next {
            Some((at, len, hole)) => {
                if at > 0 {
                    parts.push(Part::Fixed(fixed(&rest[..at])?));
                }
                parts.push(Part::Hole(hole));
                rest = &rest[at + len..];
            }
            None => {
                if !rest.is_empty() {
                    parts.push(Part::Fixed(fixed(rest)?));
                }
                break;
            }
        }
    }
    // A mark's private-use character left behind, as it is or percent-encoded in a URL, means the mark was
    // written some other way.
    let mut fixed_text = parts.iter().filter_map(|p| if let Part::Fixed(f) = p { std::str::from_utf8(&f.plain).ok() } else { None });
    if fixed_text.any(|t| t.contains('\u{E000}') || t.contains("%EE%80%80") || t.contains("%ee%80%80")) {
        return None;
    }
    Some(parts)
}

/// A fixed part: compressed once, at the best level (it is reused for every reader).
fn fixed(text: &str) -> Option<Fixed> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::with_capacity(text.len() / 3), flate2::Compression::best());
    enc.write_all(text.as_bytes()).ok()?;
    // A sync flush ends the blocks on a byte boundary and leaves the stream open: parts join as they are.
    enc.flush().ok()?;
    let deflated = enc.get_ref().clone();
    let mut crc = crc32fast::Hasher::new();
    crc.update(text.as_bytes());
    Some(Fixed { plain: Bytes::copy_from_slice(text.as_bytes()), deflated: deflated.into(), crc })
}

/// The page for one reader: the template with their holes filled, gzipped when the browser takes it.
fn respond(t: &Template, name: &str, id: &str, encoding: Encoding) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    let fill = |h: Hole| -> String {
        match h {
            // As the renderer writes them: the name as text, the id and the nonce in attributes.
            Hole::Name => html_escape::encode_text(name).into_owned(),
            Hole::Id => html_escape::encode_double_quoted_attribute(id).into_owned(),
            Hole::Nonce => nonce.clone(),
        }
    };
    let body = match encoding {
        Encoding::Gzip => gzip_body(t, &fill),
        Encoding::Brotli => brotli(&plain_body(t, &fill)),
        Encoding::Identity => plain_body(t, &fill),
    };
    let mut res = (StatusCode::OK, body).into_response();
    *res.headers_mut() = t.headers.clone();
    if let Ok(v) = HeaderValue::from_str(&crate::csp::policy(Some(&nonce))) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let coding = match encoding {
        Encoding::Gzip => Some("gzip"),
        Encoding::Brotli => Some("br"),
        Encoding::Identity => None,
    };
    if let Some(c) = coding {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    res
}

fn plain_body(t: &Template, fill: &dyn Fn(Hole) -> String) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.parts.iter().map(|p| if let Part::Fixed(f) = p { f.plain.len() } else { 64 }).sum());
    for p in &t.parts {
        match p {
            Part::Fixed(f) => out.extend_from_slice(&f.plain),
            Part::Hole(h) => out.extend_from_slice(fill(*h).as_bytes()),
        }
    }
    out
}

/// One gzip member (RFC 1952): header, the parts' deflate blocks in order, each hole as a stored block,
/// an empty final block, then the CRC-32 and length of the whole page.
fn gzip_body(t: &Template, fill: &dyn Fn(Hole) -> String) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.parts.iter().map(|p| if let Part::Fixed(f) = p { f.deflated.len() } else { 64 }).sum::<usize>() + 32);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut crc = crc32fast::Hasher::new();
    let mut len: u64 = 0;
    for p in &t.parts {
        match p {
            Part::Fixed(f) => {
                out.extend_from_slice(&f.deflated);
                crc.combine(&f.crc);
                len += f.plain.len() as u64;
            }
            Part::Hole(h) => {
                let v = fill(*h);
                // Stored blocks of at most 65,535 bytes: BFINAL 0, BTYPE 00, then LEN and its complement.
                for chunk in v.as_bytes().chunks(u16::MAX as usize) {
                    let n = chunk.len() as u16;
                    out.push(0);
                    out.extend_from_slice(&n.to_le_bytes());
                    out.extend_from_slice(&(!n).to_le_bytes());
                    out.extend_from_slice(chunk);
                }
                crc.update(v.as_bytes());
                len += v.len() as u64;
            }
        }
    }
    // The final block: BFINAL 1, fixed Huffman, end of block at once.
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn template(html: &str, nonce: &str) -> Template {
        Template { parts: cut(html, &[(NAME_MARK, Hole::Name), (ID_MARK_IN_ATTRIBUTE, Hole::Id), (nonce, Hole::Nonce)]).unwrap(), headers: HeaderMap::new(), gzip_wins: true }
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut s = String::new();
        flate2::read::GzDecoder::new(bytes).read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn joined_parts_are_one_valid_gzip_member_equal_to_the_plain_page() {
        let nonce = "AbCdEfGhIjKlMnOpQr";
        let body = "Bài học về hợp tác xã. ".repeat(400);
        let html = format!("<html><head><script nonce=\"{nonce}\"></script></head><a>{NAME_MARK}</a><p>{body}</p><input value=\"{ID_MARK_IN_ATTRIBUTE}\"/><i>{NAME_MARK}</i>");
        let t = template(&html, nonce);
        let fill = |h: Hole| match h {
            Hole::Name => html_escape::encode_text("<Hoa & \"Lan\">").into_owned(),
            Hole::Id => "0192-ab".to_string(),
            Hole::Nonce => "NEWNONCE".to_string(),
        };
        let plain = String::from_utf8(plain_body(&t, &fill)).unwrap();
        assert_eq!(plain, html.replace(NAME_MARK, "&lt;Hoa &amp; \"Lan\"&gt;").replace(ID_MARK_IN_ATTRIBUTE, "0192-ab").replace(nonce, "NEWNONCE"));
        let gz = gzip_body(&t, &fill);
        // GzDecoder checks the CRC-32 and the length in the trailer.
        assert_eq!(gunzip(&gz), plain);
        assert!(gz.len() < plain.len() / 4, "the fixed parts are compressed: {} of {}", gz.len(), plain.len());
    }

    #[test]
    fn a_hole_longer_than_a_stored_block_still_decodes() {
        let t = template(&format!("a{NAME_MARK}b"), "nonce-not-in-page");
        let long = "ư".repeat(40_000);
        let fill = |_: Hole| long.clone();
        assert_eq!(gunzip(&gzip_body(&t, &fill)), format!("a{long}b"));
    }

    #[test]
    fn a_mark_written_another_way_refuses_the_template() {
        let marks = [(NAME_MARK, Hole::Name), (ID_MARK_IN_ATTRIBUTE, Hole::Id)];
        // The name in an attribute, the id as text, the id in a URL: each would be filled wrongly.
        let name_in_attribute = format!("<a title=\"{}\">", html_escape::encode_double_quoted_attribute(NAME_MARK));
        let id_as_text = format!("<p>{}</p>", html_escape::encode_text(ID_MARK));
        let id_in_url = "<a href=\"/ma/%EE%80%80taphuan-reader-id%22%EE%80%80\">".to_string();
        for page in [name_in_attribute, id_as_text, id_in_url] {
            assert!(cut(&page, &marks).is_none(), "{page}");
        }
        let good = format!("<a>{}</a><input value=\"{}\"/>", html_escape::encode_text(NAME_MARK), html_escape::encode_double_quoted_attribute(ID_MARK));
        assert_eq!(cut(&good, &marks).map(|p| p.len()), Some(5));
        assert!(cut("<p>plain page</p>", &marks).is_some());
    }

    #[test]
    fn only_plain_lesson_gets_take_the_fast_path_and_gzip_is_read_as_browsers_send_it() {
        let req = |m: Method, uri: &str| Request::builder().method(m).uri(uri).body(Body::empty()).unwrap();
        assert_eq!(lesson_path(&req(Method::GET, "/khoa-hoc/mini/bai/mot")), Some(("mini".into(), "mot".into())));
        for uri in ["/khoa-hoc/mini/bai/mot?x=1", "/khoa-hoc/mini", "/khoa-hoc/mini/kiem-tra/q", "/khoa-hoc/mi%20ni/bai/mot", "/khoa-hoc//bai/mot"] {
            assert_eq!(lesson_path(&req(Method::GET, uri)), None, "{uri}");
        }
        assert_eq!(lesson_path(&req(Method::POST, "/khoa-hoc/mini/bai/mot")), None);
        let ae = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepts(&h, "gzip")
        };
        assert!(ae("gzip, deflate, br, zstd") && ae("br;q=1.0, gzip;q=0.8") && ae("*"));
        assert!(!ae("br") && !ae("gzip;q=0") && !ae("identity"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("taphuan_sid=secret; lang=en; taphuan_offline=1"));
        assert_eq!(page_cookies(&h), "lang=en; taphuan_offline=1");
    }
}
