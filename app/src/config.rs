//! Deployment settings the feature handlers read from the environment. They are gathered here, not read
//! where used, so that routing them through the command line into `AppState` later changes one file.

use axum::http::{header, HeaderMap};

/// The issuing organisation printed on certificates (`TAPHUAN_ISSUER`).
pub(crate) fn issuer_name() -> String {
    std::env::var("TAPHUAN_ISSUER").unwrap_or_else(|_| "Tập Huấn — Chương trình OCOP".into())
}

/// The signer line printed on certificates (`TAPHUAN_SIGNER`, e.g. "Giám đốc Trung tâm Khuyến nông").
pub(crate) fn signer_name() -> String {
    std::env::var("TAPHUAN_SIGNER").unwrap_or_default()
}

/// The public address of this deployment, for QR codes and credential ids: `TAPHUAN_PUBLIC_URL`, or else
/// the request's own host.
pub(crate) fn public_base(headers: &HeaderMap) -> String {
    if let Ok(url) = std::env::var("TAPHUAN_PUBLIC_URL") {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1:3000");
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("http");
    format!("{proto}://{host}")
}
