//! The `taphuan` server: the axum router around the leptos app, static files, health checks, and the
//! command-line actions. `router` is what both `serve` and the integration tests run; it only composes:
//! the features' own routes (`app::routes`), the leptos pages, `/pkg` and the middleware.

pub mod assets;
pub mod cli;
pub mod error;
pub mod health;
pub mod metrics;
pub mod progress;
pub mod seed;
pub mod serve;
pub mod telemetry;

pub use serve::{create_demo_accounts, ensure_regions, export_courses, import_courses, open_database, serve, ServeConfig, DEFAULT_REGIONS, DEMO_ACCOUNTS};

use app::app::{shell, App};
use app::db;
use app::state::{AppState, ClientAddr, Viewer};
use axum::extract::{ConnectInfo, State};
use std::net::SocketAddr;
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::Path;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Leptos options for a site root, without needing cargo-leptos's environment (tests, other folders).
pub fn leptos_options(site_root: &Path) -> LeptosOptions {
    let mut options = get_configuration(None).map(|c| c.leptos_options).unwrap_or_else(|_| {
        LeptosOptions::builder().output_name("taphuan").build()
    });
    if options.output_name.is_empty() {
        options.output_name = "taphuan".into();
    }
    options.site_root = site_root.to_string_lossy().to_string().into();
    // cargo-leptos writes hash.txt beside the binary when it hashes file names; it only tells the server so
    // when it starts it itself, so look for the file.
    let hash_file = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
    options.hash_files = hash_file.is_some_and(|p| p.exists());
    options
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let pkg_dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let ctx = state.clone();
    let pkg = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip());
    let fallback_state = state.clone();
    let sessions = SessionManagerLayer::new(db::session::DbSessionStore::new(state.db.clone()))
        .with_name("taphuan_sid")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(30)));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(app::routes::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                provide_context(ctx.leptos_options.clone());
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || {
                provide_context(fallback_state.clone());
                provide_context(fallback_state.leptos_options.clone());
            },
            shell,
        ))
        // Lesson pages from their templates (app::lesson::cache): inside the viewer, so the person and their
        // roles are this request's; inside the policy and cache headers, which apply to it as to any page.
        .layer(middleware::from_fn_with_state(state.clone(), app::lesson::cache::fast_path))
        .layer(middleware::from_fn(crate::metrics::track))
        .layer(middleware::from_fn(private_no_store))
        .layer(middleware::from_fn(scriptless_csp))
        .layer(middleware::from_fn_with_state(state.clone(), load_viewer))
        .layer(sessions)
        .layer(middleware::from_fn(same_origin))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), route = %log_path(req.uri().path()))
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Put the signed-in person (fresh from the database, so revoked roles apply at once) and the client
/// address into the request for pages and server functions. Anonymous requests cost no query.
async fn load_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut viewer = Viewer::default();
    if let Some(session) = req.extensions().get::<Session>().cloned() {
        if let Ok(Some(uid)) = session.get::<String>("uid").await {
            match app::auth::api::current_user(&state.db, &uid).await {
                // Sessions by role: staff sessions end sooner (app::auth::session).
                Ok(Some(u)) if app::auth::session::still_valid(&session, u.is_staff()).await => viewer = Viewer(Some(u)),
                Ok(Some(_)) => {
                    tracing::info!(user = %uid, "session ended by its time limit");
                    let _ = session.flush().await;
                }
                Ok(None) => {
                    let _ = session.flush().await;
                }
                Err(e) => tracing::error!(error = %e, "loading the viewer failed"),
            }
        }
    }
    let addr = client_addr(&req, state.site.trust_proxy);
    req.extensions_mut().insert(viewer);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}

/// The client's address: the socket peer, or with `trust_proxy` (`TAPHUAN_TRUST_PROXY=1`, behind a load
/// balancer that sets it) the last address in `X-Forwarded-For`.
fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|s| s.trim().to_string())
        {
            return ip;
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// The path as logged: one-time password links are secrets, so their token is cut out. (Query strings are
/// never logged.)
pub fn log_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/mat-khau/") {
        Some(_) => "/mat-khau/…".into(),
        None => path.into(),
    }
}

/// Nothing personal stays in a shared phone's or a proxy's cache (security review M-4): pages, data and
/// downloads answered to a signed-in person, and the pages that carry a one-time link, say
/// `private, no-store` unless the handler chose its own caching. Scripts, styles, images and wasm are the
/// same for everyone and keep theirs.
async fn private_no_store(req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<Viewer>().is_some_and(|v| v.0.is_some());
    let one_time = req.uri().path().starts_with("/mat-khau/");
    let mut res = next.run(req).await;
    if (signed_in || one_time) && !res.headers().contains_key(header::CACHE_CONTROL) {
        let kind = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let shared = ["javascript", "text/css", "image/", "wasm", "font/"].iter().any(|k| kind.contains(k));
        if !shared {
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        }
    }
    res
}

/// Every HTML page carries a Content-Security-Policy (security review M-5). Leptos pages set their own, with
/// their scripts' nonce (`app::app::shell`); any other HTML (the class-list report, error pages) gets the
/// policy that runs no script at all.
async fn scriptless_csp(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let html = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|k| k.starts_with("text/html"));
    if html && !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&app::csp::policy(None)) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    res
}

/// Refuse cross-site state changes: a POST whose Origin (or Referer) names another host. Plain form posts
/// from our own pages carry our Origin, so they work without JavaScript.
async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .or_else(|| req.headers().get(header::REFERER))
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let origin_host = origin.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
            if origin == "null" || origin_host != host {
                tracing::warn!(origin, "cross-origin POST refused");
                return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
            }
        }
    }
    next.run(req).await
}

