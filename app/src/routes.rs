//! Every feature's plain HTTP routes (files, exports, form posts a server function cannot take) in one
//! router. The server crate merges it beside the leptos routes and adds only composition around it.

use crate::state::AppState;
use axum::Router;

/// The plain routes of all features. Each feature owns its paths in its own `routes()`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(crate::components::routes())
        .merge(crate::catalog::routes())
        .merge(crate::quiz::routes())
        .merge(crate::certificate::routes())
        .merge(crate::admin::routes())
        .merge(crate::dashboard::routes())
        .merge(crate::authoring::routes())
        .merge(crate::workshop::routes())
        .merge(crate::offline::routes())
}
