//! `GET /ngon-ngu?lang=en&next=/path`: the language switch of the layout's header. A plain link, so it
//! works without JavaScript.

use crate::i18n::{lang_cookie, Locale};
use crate::state::{safe_next, AppState, Viewer};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

/// The language switch's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/ngon-ngu", get(switch_language))
}

#[derive(serde::Deserialize)]
struct LangQuery {
    lang: String,
    next: Option<String>,
}

/// Remember the language in a cookie for a year (and on the account, so it follows the person to another
/// phone) and go back. Failing to save it on the account only costs that convenience, so it is logged and
/// the switch still happens.
async fn switch_language(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Query(q): Query<LangQuery>) -> Response {
    let locale = Locale::from_code(&q.lang);
    if let Some(u) = viewer.0 {
        if let Err(e) = crate::db::user::set_locale(&state.db, &u.id, locale.code()).await {
            tracing::warn!(error = %e, "saving the language failed");
        }
    }
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&lang_cookie(locale)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
