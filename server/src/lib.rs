//! The `taphuan` server: the axum router around the leptos app, static files, health checks, and the
//! command-line actions. `router` is what both `serve` and the integration tests run.

pub mod assets;
pub mod cli;
pub mod error;
pub mod health;
pub mod telemetry;

use app::app::{shell, App};
use app::db::{self, Db};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use error::ServerError;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::{Path, PathBuf};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub database: String,
    pub courses: PathBuf,
    pub site_root: PathBuf,
}

/// Connect and migrate.
pub async fn open_database(url: &str) -> Result<Db, ServerError> {
    let db = db::connect(url).await?;
    db::migrate(&db).await?;
    Ok(db)
}

/// Import every course under `dir`. Broken courses are logged (with file and line) and skipped; the others
/// load. Returns whether any course was broken. `print` writes the report to stdout for the CLI.
pub async fn import_courses(db: &Db, dir: &Path, print: bool) -> Result<bool, ServerError> {
    let (outcomes, problems) = db::course::import_dir(db, dir).await?;
    for p in &problems {
        tracing::error!(problem = %p, "course skipped");
        if print {
            println!("{p}");
        }
    }
    for o in &outcomes {
        let line = format!(
            "{} v{}: {:?}; added [{}], changed [{}], removed [{}]",
            o.slug,
            o.version,
            o.status,
            o.added.join(", "),
            o.changed.join(", "),
            o.removed.join(", ")
        );
        tracing::info!(course = %o.slug, status = ?o.status, added = o.added.len(), changed = o.changed.len(), removed = o.removed.len(), "course imported");
        if print {
            println!("{line}");
        }
    }
    Ok(!problems.is_empty())
}

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
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/ngon-ngu", get(switch_language))
        .route("/khoa-hoc/{course}/tep/{*path}", get(assets::course_file))
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
        .layer(middleware::from_fn(same_origin))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), route = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
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

#[derive(serde::Deserialize)]
struct LangQuery {
    lang: String,
    next: Option<String>,
}

/// `/ngon-ngu?lang=en&next=/path`: remember the language in a cookie for a year and go back.
async fn switch_language(Query(q): Query<LangQuery>) -> Response {
    let locale = app::i18n::Locale::from_code(&q.lang);
    let next = q.next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or_else(|| "/".into());
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", locale.code());
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Run the server until Ctrl-C or SIGTERM.
pub async fn serve(cfg: ServeConfig) -> Result<(), ServerError> {
    let db = open_database(&cfg.database).await?;
    if cfg.courses.exists() {
        import_courses(&db, &cfg.courses, false).await?;
    } else {
        tracing::warn!(dir = %cfg.courses.display(), "course folder not found; serving what the database holds");
    }
    let leptos_options = leptos_options(&cfg.site_root);
    if !cfg.site_root.join(leptos_options.site_pkg_dir.as_ref()).exists() {
        tracing::warn!(site_root = %cfg.site_root.display(), "no built site found: pages work, styles and islands need `cargo leptos build`");
    }
    let state = AppState { leptos_options, db };
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .map_err(|source| ServerError::Bind { addr: cfg.bind.clone(), source })?;
    let addr = listener.local_addr()?;
    tracing::info!("listening on http://{addr}");
    println!("Tập Huấn: listening on http://{addr}");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
