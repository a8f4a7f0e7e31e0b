//! Server state handed to every handler and server function. Nothing mutable lives here: several
//! `taphuan serve` processes may share one PostgreSQL.

use crate::db::Db;
use crate::error::AppError;
use leptos::prelude::*;

/// Shared server state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The database, from the server-function context.
pub fn db() -> Result<Db, AppError> {
    use_context::<AppState>().map(|s| s.db).ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The signed-in learner's id. Accounts arrive with the accounts feature; until then everyone is anonymous.
pub fn current_user_id() -> Option<String> {
    None
}
