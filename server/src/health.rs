//! `/healthz` (the process answers) and `/readyz` (the database answers), for load balancers.

use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

/// Always 200 while the process serves.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match app::db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
