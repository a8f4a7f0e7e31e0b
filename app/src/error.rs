//! `AppError`: the one error type of the app crate, shared by server functions, pages and plain handlers.
//! Which error goes where: `AppError` in requests, `sqlx::Error` in `db`, `ServerError` at start-up.
//! `Display` is English for logs; pages map the variant to a Vietnamese or English message, and plain axum
//! handlers answer with [`AppError`]'s `IntoResponse` page (ssr), so every error reads the same.

use crate::i18n::{t, Locale};
use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, JsonEncoding, ServerFnErrorErr};

mod server_fn_error {
    pub(super) use leptos::server_fn::codec::JsonEncoding;
    pub(super) use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// Everything that can go wrong in a request, as the browser may learn it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid {field}: {code}")]
    Invalid { field: String, code: String },
    #[error("conflict")]
    Conflict,
    /// Details were logged on the server and are never sent.
    #[error("internal error")]
    Internal,
    #[error("request failed: {0}")]
    Request(String),
}

/// The app's result type.
pub type Result<T> = std::result::Result<T, AppError>;

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

impl AppError {
    /// The message a person reads, in their language.
    pub fn message(&self, locale: Locale) -> String {
        let key = match self {
            AppError::NotFound => "error.not_found",
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::Invalid { .. } | AppError::Request(_) => "error.invalid",
            AppError::Conflict => "error.conflict",
            AppError::Internal => "error.internal",
        };
        t(locale, key)
    }

    /// A short code for URLs (`?loi=...`) and i18n keys: the variant, or the field's own code.
    pub fn code(&self) -> String {
        match self {
            AppError::NotFound => "not_found".into(),
            AppError::Unauthorized => "unauthorized".into(),
            AppError::Forbidden => "forbidden".into(),
            AppError::Invalid { code, .. } => code.clone(),
            AppError::Conflict => "conflict".into(),
            AppError::Internal => "internal".into(),
            AppError::Request(_) => "invalid".into(),
        }
    }

    /// An invalid-input error.
    pub fn invalid(field: &str, code: &str) -> AppError {
        AppError::Invalid { field: field.into(), code: code.into() }
    }

    /// The message a page shows: an invalid field says which when the form messages know its code, as
    /// `ErrorView` does; otherwise [`AppError::message`].
    pub fn page_message(&self, locale: Locale) -> String {
        match self {
            AppError::Invalid { code, .. } => crate::i18n::form_message(locale, code),
            _ => None,
        }
        .unwrap_or_else(|| self.message(locale))
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Invalid { .. } | AppError::Request(_) => 400,
            AppError::Conflict => 409,
            AppError::Internal => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
mod response {
    //! The one rendering of an error for plain axum handlers: its status and a small HTML page. The
    //! message is `AppError::page_message`, so never a detail of `Internal` (that only goes to the log).
    use super::AppError;
    use crate::i18n::{t, Locale};
    use crate::text::escape_html as esc;
    use axum::http::StatusCode;
    use axum::response::{Html, IntoResponse, Response};

    impl AppError {
        /// The error page with a line of detail the reader can act on (say, which column an uploaded file
        /// lacks). Only for details the handler made itself, never a database error.
        pub fn into_response_with(self, detail: &str) -> Response {
            self.render(Some(detail))
        }

        fn render(&self, detail: Option<&str>) -> Response {
            let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let both = |key: &str| format!("{} · {}", esc(&t(Locale::Vi, key)), esc(&t(Locale::En, key)));
            let mut body = format!(
                "<p>{}</p><p lang=\"en\">{}</p>",
                esc(&self.page_message(Locale::Vi)),
                esc(&self.page_message(Locale::En))
            );
            if let Some(d) = detail {
                body += &format!("<p><code>{}</code></p>", esc(d));
            }
            let mut links = Vec::new();
            if *self == AppError::Unauthorized {
                links.push(format!("<a href=\"/dang-nhap\">{}</a>", both("auth.login")));
            }
            links.push(format!("<a href=\"/\">{}</a>", both("nav.courses")));
            let name = esc(&t(Locale::Vi, "app.name"));
            let page = format!(
                "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{name}</title></head>\
                 <body><main role=\"alert\"><h1>{name}</h1>{body}<p>{}</p></main></body></html>",
                links.join(" · "),
            );
            (status, Html(page)).into_response()
        }
    }

    /// Vietnamese first, English second, for every plain handler alike: the page needs no locale plumbing,
    /// and a file or JSON link opened from anywhere (a QR code, a shared link) reads in either language.
    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            self.render(None)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        async fn page(e: AppError) -> (u16, String) {
            let res = e.into_response();
            let status = res.status().as_u16();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
            (status, String::from_utf8(bytes.to_vec()).unwrap())
        }

        #[tokio::test]
        async fn an_error_page_has_the_status_and_both_languages_vietnamese_first() {
            let (status, body) = page(AppError::Forbidden).await;
            assert_eq!(status, 403);
            let (vi, en) = (body.find(&AppError::Forbidden.message(Locale::Vi)), body.find(&AppError::Forbidden.message(Locale::En)));
            assert!(vi.is_some() && en.is_some() && vi < en, "{body}");
            assert!(page(AppError::Unauthorized).await.1.contains("href=\"/dang-nhap\""), "a way to sign in");
        }

        #[tokio::test]
        async fn an_invalid_field_says_which_and_a_request_failure_says_nothing_more() {
            let (status, body) = page(AppError::invalid("khoa", "course_unknown")).await;
            assert_eq!(status, 400);
            assert!(body.contains("Không có khoá học này.") && body.contains("There is no such course."), "{body}");
            let (status, body) = page(AppError::Request("secret detail".into())).await;
            assert_eq!(status, 400);
            assert!(!body.contains("secret detail"), "{body}");
            assert_eq!(page(AppError::Internal).await.0, 500);
        }
    }
}
