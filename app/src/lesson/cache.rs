//! The reader's fast path (#17). A lesson page is the same for everyone who reads that revision, but for a
//! few bytes: the reader's first name in the header, their id in the "mark as done" form, the CSP nonce. So
//! the ordinary renderer draws the page once for a stand-in reader whose name and id are markers; the page is
//! cut at the markers into a template, and each fixed part is compressed once, as deflate and as brotli. Raw
//! deflate blocks that end on a byte boundary can be joined, and so can brotli streams made to be concatenated
//! (the brotli crate's `BroCatli`), so a request costs joining the parts around its own few bytes, not a
//! render and a compression.
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
use super::template::{Fixed, Hole, Joined, Key, Part, Template};

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
/// The brotli window of a joined page, 2^18 bytes: a lesson is far smaller, and a phone's decoder keeps one
/// window's worth of memory.
const BROTLI_WINDOW: u8 = 18;

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
                Some(r) => build(r, &next, viewer.as_ref().map_or(0, |u| html_escape::encode_double_quoted_attribute(&u.id).len())).await.map(Arc::new),
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
    let encoding = match (br, gz, template.for_brotli) {
        (true, true, Joined::Gzip) => Encoding::Gzip,
        (false, true, _) if template.gzip_joined => Encoding::Gzip,
        (false, true, _) => Encoding::GzipEach,
        (true, _, Joined::Brotli) => Encoding::BrotliJoined,
        (true, _, _) => Encoding::Brotli,
        (false, false, _) => Encoding::Identity,
    };
    respond(&template, &name, &id, encoding)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Gzip,
    /// The whole page gzipped for this request.
    GzipEach,
    BrotliJoined,
    /// The whole page compressed for this request.
    Brotli,
    Identity,
}

/// Brotli of a whole page, for pages whose joins would be larger: quality 5, a step above the compression
/// layer's 4, so that a page written in one piece is never larger than the layer's streamed one.
fn brotli(bytes: &[u8]) -> Vec<u8> {
    brotli_at(bytes, 5)
}

fn brotli_at(bytes: &[u8], quality: i32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams { quality, ..Default::default() };
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
async fn build(stand_in: Request, next: &Next, id_len: usize) -> Option<Template> {
    let res = next.clone().run(stand_in).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::CONTENT_ENCODING) || res.headers().contains_key(header::SET_COOKIE) {
        return None;
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_PAGE).await.ok()?;
    let html = std::str::from_utf8(&bytes).ok()?;
    // The brotli parts count on a page holding no NUL (`chain_brotli`); an HTML page never does.
    if html.contains('\0') {
        return None;
    }
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
    let mut parts = cut(html, &[(NAME_MARK, Hole::Name), (ID_MARK_IN_ATTRIBUTE, Hole::Id), (&nonce, Hole::Nonce)])?;
    chain_brotli(&mut parts, id_len, nonce.len());
    let mut t = Template { parts, headers, for_brotli: Joined::No, gzip_joined: false, id_len, nonce_len: nonce.len() };
    (t.for_brotli, t.gzip_joined) = choose_joins(&t, html, &nonce);
    Some(t)
}

/// Which join a browser that takes brotli gets, and whether one that takes only gzip gets the joined gzip.
/// Sizes with the marks left in: a real name and id differ by a few bytes, which the margin covers. The
/// brotli join is decoded back and compared with the page before it is used.
fn choose_joins(t: &Template, html: &str, nonce: &str) -> (Joined, bool) {
    let same = |h: Hole| match h {
        Hole::Name => NAME_MARK.to_string(),
        Hole::Id => ID_MARK_IN_ATTRIBUTE.to_string(),
        Hole::Nonce => nonce.to_string(),
    };
    // What the renderer sends: the compression layer's brotli at quality 4.
    let whole = brotli_at(html.as_bytes(), 4).len();
    let gz = gzip_body(t, &same).len();
    // The brotli join is sized and checked with an id and a nonce of the lengths it was made for, twice,
    // with unlike bytes: a part must decode the same whatever stands in the holes before it.
    let br = [b'0', b'Z']
        .into_iter()
        .map(|c| {
            let fill = |h: Hole| match h {
                Hole::Name => NAME_MARK.to_string(),
                Hole::Id => char::from(c).to_string().repeat(t.id_len),
                Hole::Nonce => char::from(c ^ 0x20).to_string().repeat(t.nonce_len),
            };
            brotli_body(t, &fill).filter(|b| unbrotli(b) == Some(plain_body(t, &fill))).map(|b| b.len())
        })
        .reduce(|a, b| a.zip(b).map(|(a, b)| a.max(b)))
        .flatten();
    if br.is_none() {
        tracing::warn!("lesson fast path: the joined brotli did not decode to the page; using gzip or brotli per request");
    }
    tracing::debug!(whole, gz, ?br, "lesson fast path: sizes of the joins");
    let for_brotli = match br {
        Some(br) if br <= gz && br + 32 <= whole => Joined::Brotli,
        _ if gz + 32 <= whole => Joined::Gzip,
        Some(br) if br + 32 <= whole => Joined::Brotli,
        _ => Joined::No,
    };
    (for_brotli, gz + 32 <= gzip(html.as_bytes(), flate2::Compression::default()).len())
}

/// Gzip of a whole page, at `level`.
fn gzip(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), level);
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn unbrotli(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(bytes, 4096), &mut out).ok()?;
    Some(out)
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
    // The brotli stream is made once all parts are known (`chain_brotli`).
    Some(Fixed { plain: Bytes::copy_from_slice(text.as_bytes()), deflated: deflated.into(), crc, brotli: Bytes::new() })
}

/// Compress every fixed part as a brotli stream to be concatenated after the ones before it, with the page
/// before it as its dictionary, so that the lesson's closing parts may refer back into the lesson as they
/// would in one stream (each part compressed alone loses that: 485 bytes on a signed-in lesson, more than
/// brotli of the whole page saves). The dictionary reaches back to the nearest name, whose length varies by
/// reader, and no further: an id and a nonce have the lengths the template records (`brotli_body` checks),
/// so distances across them hold. Their bytes are NULs in the dictionary, which a page never holds, so no
/// match reaches into them. A concatenable stream stores its first two bytes as they are, so its literals
/// never take their context from a hole.
fn chain_brotli(parts: &mut [Part], id_len: usize, nonce_len: usize) {
    let mut dict: Vec<u8> = Vec::new();
    for p in parts.iter_mut() {
        match p {
            Part::Fixed(f) => {
                f.brotli = brotli_part(&f.plain, &dict).into();
                dict.extend_from_slice(&f.plain);
            }
            Part::Hole(Hole::Name) => dict.clear(),
            Part::Hole(Hole::Id) => dict.resize(dict.len() + id_len, 0),
            Part::Hole(Hole::Nonce) => dict.resize(dict.len() + nonce_len, 0),
        }
    }
}

/// A fixed part as a brotli stream that can be concatenated: at the best quality (it is made once), without
/// the built-in dictionary, whose references would point at earlier parts once joined, and with `dict` as
/// the bytes before it.
fn brotli_part(bytes: &[u8], dict: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: i32::from(BROTLI_WINDOW),
        size_hint: bytes.len(),
        catable: true,
        appendable: true,
        use_dictionary: false,
        magic_number: false,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3 + 16);
    let (mut inb, mut outb) = ([0u8; 4096], [0u8; 4096]);
    let mut no_callback = |_: &mut brotli::interface::PredictionModeContextMap<brotli::InputReferenceMut<'_>>,
                           _: &mut [brotli::interface::StaticCommand],
                           _: brotli::InputPair<'_>,
                           _: &mut brotli::enc::StandardAlloc| ();
    // A failure leaves a stream that will not decode to the page, and `choose_joins` refuses it.
    let _ = brotli::BrotliCompressCustomIoCustomDict(
        &mut brotli::IoReaderWrapper(&mut &bytes[..]),
        &mut brotli::IoWriterWrapper(&mut out),
        &mut inb,
        &mut outb,
        &params,
        brotli::enc::StandardAlloc::default(),
        &mut no_callback,
        dict,
        std::io::Error::other("brotli input ended early"),
    );
    out
}

/// A hole's bytes as a brotli stream that can be concatenated: a 2^16 window and uncompressed meta-blocks
/// (RFC 7932 section 9.2), each a header of ISLAST 0, four nibbles of MLEN-1 and ISUNCOMPRESSED 1 padded to
/// the byte, then the bytes; the stream ends with an empty last meta-block.
fn stored_brotli(data: &[u8], out: &mut Vec<u8>) {
    for (i, chunk) in data.chunks(1 << 16).enumerate() {
        let m = (chunk.len() - 1) as u32;
        // The first header follows the one-bit window size (0: 2^16).
        let header = if i == 0 { (m << 4) | (1 << 20) } else { (m << 3) | (1 << 19) };
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(chunk);
    }
    // ISLAST 1, ISLASTEMPTY 1.
    out.push(0x03);
}

/// The parts' brotli streams and the holes' stored streams concatenated into one brotli stream. `None` if an
/// id or a nonce has another length than the parts were made for, or a stream was not made for
/// concatenation.
fn brotli_body(t: &Template, fill: &dyn Fn(Hole) -> String) -> Option<Vec<u8>> {
    use brotli::concat::{BroCatli, BroCatliResult};
    let mut cat = BroCatli::try_new_with_window_size(BROTLI_WINDOW).ok()?;
    let cap = t.parts.iter().map(|p| if let Part::Fixed(f) = p { f.brotli.len() } else { 64 }).sum::<usize>() + 16;
    let mut out = vec![0u8; cap];
    let mut at = 0;
    let mut hole = Vec::new();
    for p in &t.parts {
        let input: &[u8] = match p {
            Part::Fixed(f) => &f.brotli,
            Part::Hole(h) => {
                let v = fill(*h);
                let made_for = match h {
                    Hole::Name => v.len(),
                    Hole::Id => t.id_len,
                    Hole::Nonce => t.nonce_len,
                };
                if v.len() != made_for {
                    return None;
                }
                if v.is_empty() {
                    continue;
                }
                hole.clear();
                stored_brotli(v.as_bytes(), &mut hole);
                &hole
            }
        };
        cat.new_brotli_file();
        let mut read = 0;
        loop {
            let before = (read, at, out.len());
            match cat.stream(input, &mut read, &mut out, &mut at) {
                BroCatliResult::NeedsMoreInput if read == input.len() => break,
                BroCatliResult::NeedsMoreInput => {}
                BroCatliResult::NeedsMoreOutput => out.resize(out.len() * 2, 0),
                _ => return None,
            }
            if (read, at, out.len()) == before {
                return None;
            }
        }
    }
    loop {
        match cat.finish(&mut out, &mut at) {
            BroCatliResult::Success => break,
            BroCatliResult::NeedsMoreOutput => out.resize(out.len() * 2, 0),
            _ => return None,
        }
    }
    out.truncate(at);
    Some(out)
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
        // The smaller of the compression layer's level and the best: level 9 is not always smaller than 6.
        Encoding::GzipEach => {
            let page = plain_body(t, &fill);
            let (six, nine) = (gzip(&page, flate2::Compression::default()), gzip(&page, flate2::Compression::best()));
            if nine.len() < six.len() { nine } else { six }
        }
        // Checked when the template was made; should a join still fail, the whole page is compressed.
        Encoding::BrotliJoined => brotli_body(t, &fill).unwrap_or_else(|| brotli(&plain_body(t, &fill))),
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
        Encoding::Gzip | Encoding::GzipEach => Some("gzip"),
        Encoding::Brotli | Encoding::BrotliJoined => Some("br"),
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

    const AN_ID: &str = "01a23b35-7846-706b-9d74-ba3767587c98";

    fn template(html: &str, nonce: &str) -> Template {
        let mut parts = cut(html, &[(NAME_MARK, Hole::Name), (ID_MARK_IN_ATTRIBUTE, Hole::Id), (nonce, Hole::Nonce)]).unwrap();
        chain_brotli(&mut parts, AN_ID.len(), nonce.len());
        Template { parts, headers: HeaderMap::new(), for_brotli: Joined::Gzip, gzip_joined: true, id_len: AN_ID.len(), nonce_len: nonce.len() }
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
    fn joined_brotli_streams_are_one_stream_equal_to_the_plain_page() {
        let nonce = "AbCdEfGhIjKlMnOpQr";
        // A real lesson's text, so that the sizes compare as on a page.
        let body = html_escape::encode_text(include_str!("../../../courses/quan-tri-hop-tac-xa/01-hop-tac-xa-va-thanh-vien.md")).into_owned();
        // Parts of one and two bytes between holes, a hole at the very start and the end.
        let html = format!("{NAME_MARK}<script nonce=\"{nonce}\"></script>x{NAME_MARK}>\"{nonce}<p>{body}</p><input value=\"{ID_MARK_IN_ATTRIBUTE}\"/>{NAME_MARK}");
        let t = template(&html, nonce);
        for (name, id, nonce) in [("Hoa & \"Lan\"", AN_ID, "NEWNONCE0123456789"), ("", "ffffffff-ffff-7fff-bfff-ffffffffffff", "zzzzzzzzzzzzzzzzzz"), ("ư", "000000000000000000000000000000000000", "-_-_-_-_-_-_-_-_-_")] {
            let fill = |h: Hole| match h {
                Hole::Name => html_escape::encode_text(name).into_owned(),
                Hole::Id => id.to_string(),
                Hole::Nonce => nonce.to_string(),
            };
            let plain = plain_body(&t, &fill);
            let br = brotli_body(&t, &fill).expect("the parts join");
            assert_eq!(unbrotli(&br).as_deref(), Some(&plain[..]), "name {name:?}");
            assert!(br.len() < plain.len() / 2, "the fixed parts are compressed: {} of {}", br.len(), plain.len());
        }
        // An id of another length than the parts were made for: no join (the page is compressed whole).
        let other = |h: Hole| if h == Hole::Id { "0192-ab".to_string() } else { "NEWNONCE0123456789".to_string() };
        assert!(brotli_body(&t, &other).is_none());
        // A long lesson: the join is chosen for browsers that take brotli, being smaller than the whole page.
        assert_eq!(choose_joins(&t, &html, nonce).0, Joined::Brotli);
        let long = "ư".repeat(40_000);
        let t = template(&format!("a{NAME_MARK}b"), "nonce-not-in-page");
        let fill = |_: Hole| long.clone();
        assert_eq!(unbrotli(&brotli_body(&t, &fill).unwrap()), Some(format!("a{long}b").into_bytes()));
    }

    #[test]
    fn a_stream_not_made_for_joining_is_refused() {
        let t = Template {
            parts: vec![Part::Fixed(Fixed { plain: Bytes::from_static(b"abc"), deflated: Bytes::new(), crc: crc32fast::Hasher::new(), brotli: brotli(b"abc").into() }), Part::Hole(Hole::Name)],
            headers: HeaderMap::new(),
            for_brotli: Joined::Brotli,
            gzip_joined: true,
            id_len: 0,
            nonce_len: 0,
        };
        let joined = brotli_body(&t, &|_| "Lan".to_string());
        assert!(joined.as_deref().and_then(unbrotli).as_deref() != Some(&b"abcLan"[..]));
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
