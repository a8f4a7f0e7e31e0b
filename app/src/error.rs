//! `AppError`: the one error type of the app crate, shared by server functions and pages.
//! `Display` is English for logs; pages map the variant to a Vietnamese or English message.

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
