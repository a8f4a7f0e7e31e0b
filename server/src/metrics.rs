//! `GET /metrics` in Prometheus's text format: requests by route and status, latency histograms by route,
//! the database pool, and the offline queue's records by outcome. Never on the public site: it is served
//! on its own address (`--metrics-bind`, for a scraper on the private network) or, on the site's address,
//! only to a request that carries the configured token (`--metrics-token`). Without either, nothing is
//! recorded and the route does not exist.

use app::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Seconds; a page should answer in milliseconds, a slow dashboard in tenths.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5];

/// Install the process's recorder (once; later calls return the same handle).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("taphuan_http_request_duration_seconds".into()), &LATENCY_BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

/// Count and time every request by its route pattern (`/khoa-hoc/{course}/{lesson}`, never the path a
/// client typed, so the series stay few). Without a recorder the macros do nothing.
pub async fn track(req: Request, next: Next) -> Response {
    if HANDLE.get().is_none() {
        return next.run(req).await;
    }
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_else(|| "other".to_owned());
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("taphuan_http_requests_total", "route" => route.clone(), "method" => method, "status" => status).increment(1);
    metrics::histogram!("taphuan_http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    res
}

async fn render(State(state): State<AppState>) -> Response {
    let Some(handle) = HANDLE.get() else { return StatusCode::NOT_FOUND.into_response() };
    let pool = &state.db.pool;
    let idle = pool.num_idle() as f64;
    metrics::gauge!("taphuan_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("taphuan_db_pool_connections", "state" => "in_use").set(f64::from(pool.size()) - idle);
    metrics::gauge!("taphuan_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], handle.render()).into_response()
}

/// `/metrics` alone, for the separate operations address.
pub fn routes(state: AppState) -> Router {
    install();
    Router::new().route("/metrics", get(render)).with_state(state)
}

/// `/metrics` on the site's own address, answering only `Authorization: Bearer <token>`; anyone else gets
/// a bare 404.
pub fn token_routes(state: AppState, token: String) -> Router {
    install();
    let token: std::sync::Arc<str> = token.into();
    Router::new()
        .route(
            "/metrics",
            get(move |headers: HeaderMap, st: State<AppState>| async move {
                if bearer_matches(&headers, &token) {
                    render(st).await
                } else {
                    StatusCode::NOT_FOUND.into_response()
                }
            }),
        )
        .with_state(state)
}

/// Compared in constant time: a token guessed byte by byte from timings is no token.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    let (a, b) = (given.as_bytes(), token.as_bytes());
    !b.is_empty() && a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::bearer_matches;
    use axum::http::HeaderMap;

    #[test]
    fn only_the_whole_token_opens_metrics() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("authorization", v.parse().unwrap());
            h
        };
        assert!(bearer_matches(&with("Bearer s3cret-token"), "s3cret-token"));
        assert!(!bearer_matches(&with("Bearer s3cret-toke"), "s3cret-token"));
        assert!(!bearer_matches(&with("Bearer s3cret-tokens"), "s3cret-token"));
        assert!(!bearer_matches(&with("s3cret-token"), "s3cret-token"));
        assert!(!bearer_matches(&HeaderMap::new(), "s3cret-token"));
        assert!(!bearer_matches(&with("Bearer "), ""));
    }
}
