//! Files: course images served from the database (only what a course folder held at import), and the
//! build-time precompression of the static site.

use app::state::AppState;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::path::Path;

/// `GET /khoa-hoc/{course}/tep/{*path}`: a file of the course's current revision.
pub async fn course_file(State(state): State<AppState>, UrlPath((course, path)): UrlPath<(String, String)>) -> Response {
    match app::db::course::asset(&state.db, &course, &path).await {
        Ok(Some(app::db::course::AssetRow { content_type, bytes })) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
            res
        }
        Ok(None) => (StatusCode::NOT_FOUND, "không tìm thấy tệp · file not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "course file lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

const COMPRESSIBLE: [&str; 7] = ["js", "wasm", "css", "svg", "html", "json", "txt"];

/// Write `name.br` (brotli, quality 11) and `name.gz` (gzip, level 9) beside every compressible file under
/// `dir`, so the server sends precompressed bytes without spending CPU per request. Returns how many
/// files were compressed.
pub fn precompress_dir(dir: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            count += precompress_dir(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(&bytes)?;
        }
        std::fs::write(path.with_extension(format!("{ext}.br")), &br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        std::fs::write(path.with_extension(format!("{ext}.gz")), gz.finish()?)?;
        count += 1;
    }
    Ok(count)
}
