//! Server state handed to every handler and server function, and the request's viewer. Nothing mutable
//! lives in memory but caches keyed by what the database says now: several `taphuan serve` processes may
//! share one PostgreSQL.

use crate::auth::{CurrentUser, Role};
use crate::db::Db;
use crate::error::AppError;
use leptos::prelude::*;

/// Shared server state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Mark cookies `Secure` (when served over https).
    pub secure_cookies: bool,
    /// The certificate signing key.
    pub signer: std::sync::Arc<crate::certificate::signing::Signer>,
    /// The deployment's settings (`taphuan serve` reads them with clap; nothing else reads the environment).
    pub site: std::sync::Arc<SiteConfig>,
    /// Lesson pages as templates (`lesson::cache`): rendered once per revision, filled per reader. It holds
    /// only what the database says; the database stays the one truth for several processes.
    pub reader_cache: crate::lesson::template::ReaderCache,
}

/// Settings of a deployment that pages and handlers need, from `taphuan serve`'s flags or `TAPHUAN_*`
/// variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteConfig {
    /// The public address (`TAPHUAN_PUBLIC_URL`), for QR codes and credential ids; `None` takes it from the
    /// request's `Host`.
    pub public_url: Option<String>,
    /// The issuing organisation printed on certificates (`TAPHUAN_ISSUER`).
    pub issuer: String,
    /// The signer line printed on certificates (`TAPHUAN_SIGNER`), may be empty.
    pub signer: String,
    /// Take the client address from `X-Forwarded-For` (`TAPHUAN_TRUST_PROXY`), behind a load balancer.
    pub trust_proxy: bool,
}

/// The issuer printed when none is configured.
pub const DEFAULT_ISSUER: &str = "Tập Huấn — Chương trình OCOP";

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig { public_url: None, issuer: DEFAULT_ISSUER.into(), signer: String::new(), trust_proxy: false }
    }
}

impl SiteConfig {
    /// The public address of this deployment without a trailing slash: the configured one (`serve` always
    /// settles it). Without one, as in tests, only a loopback `Host` is taken (never a request's claim to
    /// be some other site: security review L-1).
    pub fn public_base(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let host = headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let name = host.rsplit_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host });
        if matches!(name, "127.0.0.1" | "localhost" | "[::1]") {
            format!("http://{host}")
        } else {
            "http://localhost".into()
        }
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The viewer, put into request extensions by the server's `load_user` middleware.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<CurrentUser>);

/// The client's address, put into request extensions by the server.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// The database, from the server-function context.
pub fn db() -> Result<Db, AppError> {
    use_context::<AppState>().map(|s| s.db).ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

fn parts() -> Option<axum::http::request::Parts> {
    use_context::<axum::http::request::Parts>()
}

/// The signed-in person, if any.
pub fn current_user() -> Option<CurrentUser> {
    parts().and_then(|p| p.extensions.get::<Viewer>().cloned()).and_then(|v| v.0)
}

/// The signed-in person's id, if any.
pub fn current_user_id() -> Option<String> {
    current_user().map(|u| u.id)
}

/// The signed-in person, or `Unauthorized`.
pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

/// The signed-in person if they hold `role`: `Unauthorized` when anonymous, `Forbidden` otherwise.
pub fn require_role(role: Role) -> Result<CurrentUser, AppError> {
    let user = require_user()?;
    if user.has(role) {
        Ok(user)
    } else {
        tracing::warn!(user = %user.id, role = role.as_str(), "forbidden");
        Err(AppError::Forbidden)
    }
}

/// The client address for throttling.
pub fn client_addr() -> String {
    parts().and_then(|p| p.extensions.get::<ClientAddr>().cloned()).map(|a| a.0).unwrap_or_else(|| "unknown".into())
}

/// The request's session.
pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// Whether this is a plain form post from a browser (no JavaScript), which wants a page back.
pub fn wants_html() -> bool {
    parts()
        .and_then(|p| p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// Finish a form's server function. A browser posting a plain form gets a redirect: to `ok_to` on success,
/// or back to `back_to` with `?loi=<code>` so the page can say what went wrong in the reader's language.
/// Other clients get the result as is.
pub fn finish_form(result: Result<(), AppError>, ok_to: &str, back_to: &str) -> Result<(), AppError> {
    finish_form_keeping(result, ok_to, back_to, &[])
}

/// The longest value a form brings back in its URL: longer ones are cut, so a URL stays well under the
/// 2 KB that old phones and proxies accept.
pub const KEPT_VALUE_MAX: usize = 200;

/// [`finish_form`] for a form that remembers: on an error the redirect also carries the failing field
/// (`&o=<field>`) and `keep`, the non-secret values just typed (`&<name>=<value>`, empty ones left out, each
/// cut to [`KEPT_VALUE_MAX`] characters), so the page comes back filled in with the message beside the
/// field. Never pass a password.
pub fn finish_form_keeping(result: Result<(), AppError>, ok_to: &str, back_to: &str, keep: &[(&str, &str)]) -> Result<(), AppError> {
    if !wants_html() {
        return with_status(result);
    }
    match result {
        Ok(()) => leptos_axum::redirect(ok_to),
        Err(e) => leptos_axum::redirect(&form_back_url(back_to, &e, keep)),
    }
    Ok(())
}

/// The address a failed form goes back to: `back_to`, the error code, its field and the kept values.
pub fn form_back_url(back_to: &str, error: &AppError, keep: &[(&str, &str)]) -> String {
    use crate::text::urlencode;
    // A fragment (`#chi-tieu`) goes after the query.
    let (back_to, fragment) = back_to.split_once('#').map_or((back_to, ""), |(b, f)| (b, f));
    let sep = if back_to.contains('?') { '&' } else { '?' };
    let mut url = format!("{back_to}{sep}loi={}", urlencode(&error.code()));
    if let AppError::Invalid { field, .. } = error {
        if !field.is_empty() {
            url.push_str(&format!("&o={}", urlencode(field)));
        }
    }
    for (name, value) in keep {
        let value: String = value.trim().chars().take(KEPT_VALUE_MAX).collect();
        if !value.is_empty() {
            url.push_str(&format!("&{}={}", urlencode(name), urlencode(&value)));
        }
    }
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// Give an error its HTTP status (401, 403, 404, 400…) instead of a generic 500, for API clients.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::from_u16(e.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR));
        }
    }
    result
}

/// A local path to go back to after a form, never another site (security review M-1, L-6). Browsers drop
/// tabs and line breaks from a URL and read `\\` as `/`, so `/<TAB>/evil.example` would leave the site: any
/// control, space or backslash refuses the path, in the text as sent and once percent-decoded. A control
/// character would also make the redirect's header invalid.
pub fn safe_next(next: &str) -> String {
    let local = |p: &str| p.starts_with('/') && !p.starts_with("//") && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    let decoded = percent_decoded(next);
    if local(next) && decoded.as_deref().is_some_and(local) {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// `%XX` decoded (once); None when the result is not UTF-8 or an escape is broken.
fn percent_decoded(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_site_whatever_is_hidden_in_it() {
        for bad in ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", "/ /evil.example",
            "/\\evil.example", "/%09/evil.example", "/%2F/evil.example", "/%5C/evil.example", "/%0d%0aSet-Cookie:x=1", "https://evil.example", "/%zz"] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
        for good in ["/", "/khoa-hoc/mini?tab=1#bai", "/lop/abc/diem-danh?ma=123456", "/t%C3%A0i-kho%E1%BA%A3n"] {
            assert_eq!(safe_next(good), good);
        }
    }

    #[test]
    fn a_refused_form_goes_back_with_its_field_and_values_before_the_fragment() {
        let e = AppError::invalid("target", "target_number");
        let long = "x".repeat(KEPT_VALUE_MAX + 50);
        let url = form_back_url("/thong-ke?vung=86#chi-tieu", &e, &[("t-target", "2,5"), ("t-loai", ""), ("t-han", &long)]);
        assert_eq!(url, format!("/thong-ke?vung=86&loi=target_number&o=target&t-target=2%2C5&t-han={}#chi-tieu", "x".repeat(KEPT_VALUE_MAX)));
        assert_eq!(form_back_url("/", &AppError::Forbidden, &[("q", "Lê & co")]), "/?loi=forbidden&q=L%C3%AA%20%26%20co");
    }
}
