//! The `taphuan` server: the axum router around the leptos app, static files, health checks, and the
//! command-line actions. `router` is what both `serve` and the integration tests run.

pub mod assets;
pub mod certificate;
pub mod class_list;
pub mod cli;
pub mod dashboard;
pub mod error;
pub mod health;
pub mod quiz;
pub mod seed;
pub mod telemetry;

use app::app::{shell, App};
use app::db::{self, Db};
use app::state::{AppState, ClientAddr, Viewer};
use axum::extract::{ConnectInfo, State};
use std::net::SocketAddr;
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};
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
    pub secure_cookies: bool,
    pub demo: bool,
    pub signing_key: PathBuf,
}

/// The default region file, shipped in the binary and loaded into an empty database.
pub const DEFAULT_REGIONS: &str = include_str!("../data/regions-vn-2025.csv");

/// Load the shipped regions when the database has none.
pub async fn ensure_regions(db: &Db) -> Result<(), ServerError> {
    if db::region::count(db).await? == 0 {
        let rows = db::region::parse_csv(DEFAULT_REGIONS).map_err(ServerError::Config)?;
        let r = db::region::import(db, &rows).await?;
        tracing::info!(inserted = r.inserted, "default regions loaded");
    }
    Ok(())
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
    let sessions = SessionManagerLayer::new(db::session::DbSessionStore::new(state.db.clone()))
        .with_name("taphuan_sid")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(30)));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/thong-ke/xuat.csv", get(dashboard::csv))
        .route("/thong-ke/xuat.xlsx", get(dashboard::xlsx))
        .route("/readyz", get(health::readyz))
        .route("/ngon-ngu", get(switch_language))
        .route("/khoa-hoc/{course}/tep/{*path}", get(assets::course_file))
        .route("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{attempt}/nop", axum::routing::post(quiz::submit))
        .route("/chung-nhan/{code}/pdf", get(certificate::pdf))
        .route("/chung-nhan/{code}/credential.json", get(certificate::credential_json))
        .route("/.well-known/taphuan-issuer.json", get(certificate::issuer))
        .route("/.well-known/taphuan-revocations.json", get(certificate::revocations))
        .route(
            "/quan-tri/nhap-lop/gui",
            axum::routing::post(class_list::upload).layer(axum::extract::DefaultBodyLimit::max(3 * 1024 * 1024)),
        )
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
                Ok(Some(u)) => viewer = Viewer(Some(u)),
                Ok(None) => {
                    let _ = session.flush().await;
                }
                Err(e) => tracing::error!(error = %e, "loading the viewer failed"),
            }
        }
    }
    let addr = client_addr(&req);
    req.extensions_mut().insert(viewer);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}

/// The client's address: the socket peer, or with `TAPHUAN_TRUST_PROXY=1` (behind a load balancer that sets
/// it) the last address in `X-Forwarded-For`.
fn client_addr(req: &Request) -> String {
    if std::env::var("TAPHUAN_TRUST_PROXY").is_ok_and(|v| v == "1") {
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

/// `/ngon-ngu?lang=en&next=/path`: remember the language in a cookie for a year (and on the account, so it
/// follows the person to another phone) and go back.
async fn switch_language(State(state): State<AppState>, axum::Extension(viewer): axum::Extension<Viewer>, Query(q): Query<LangQuery>) -> Response {
    let locale = app::i18n::Locale::from_code(&q.lang);
    if let Some(u) = viewer.0 {
        if let Err(e) = db::user::set_locale(&state.db, &u.id, locale.code()).await {
            tracing::warn!(error = %e, "saving the language failed");
        }
    }
    let next = q.next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or_else(|| "/".into());
    let cookie = app::i18n::lang_cookie(locale);
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Run the server until Ctrl-C or SIGTERM.
pub async fn serve(cfg: ServeConfig) -> Result<(), ServerError> {
    let db = open_database(&cfg.database).await?;
    ensure_regions(&db).await?;
    if db::summary::needs_rebuild(&db).await? {
        let r = db::summary::rebuild(&db).await?;
        tracing::info!(learner_courses = r.learner_courses, cells = r.cells, "dashboard summary built from existing records");
    }
    if cfg.demo {
        create_demo_accounts(&db).await?;
    }
    if cfg.courses.exists() {
        import_courses(&db, &cfg.courses, false).await?;
    } else {
        tracing::warn!(dir = %cfg.courses.display(), "course folder not found; serving what the database holds");
    }
    let leptos_options = leptos_options(&cfg.site_root);
    if !cfg.site_root.join(leptos_options.site_pkg_dir.as_ref()).exists() {
        tracing::warn!(site_root = %cfg.site_root.display(), "no built site found: pages work, styles and islands need `cargo leptos build`");
    }
    let signer = app::certificate::signing::Signer::load_or_create(&cfg.signing_key)
        .map_err(|e| ServerError::File { path: cfg.signing_key.clone(), message: e.to_string() })?;
    let state = AppState { leptos_options, db: db.clone(), secure_cookies: cfg.secure_cookies, signer: std::sync::Arc::new(signer) };
    let app = router(state);
    tokio::spawn(async move {
        let store = db::session::DbSessionStore::new(db.clone());
        loop {
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions failed");
            }
            if let Err(e) = db::user::prune_throttle(&db).await {
                tracing::warn!(error = %e, "pruning throttle counters failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .map_err(|source| ServerError::Bind { addr: cfg.bind.clone(), source })?;
    let addr = listener.local_addr()?;
    tracing::info!("listening on http://{addr}");
    println!("Tập Huấn: listening on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The demo accounts: one per role, all with the password `taphuan-demo`, for trying the platform locally.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 4] = [
    ("0900000001", "Nguyễn Văn Học", "learner"),
    ("0900000002", "Trần Thị Tập Huấn", "trainer"),
    ("0900000003", "Lê Văn Theo Dõi", "official"),
    ("0900000004", "Phạm Thị Quản Trị", "admin"),
];

/// Create the demo accounts that are missing and print them.
pub async fn create_demo_accounts(db: &Db) -> Result<(), ServerError> {
    let hash = app::auth::password::hash("taphuan-demo".into()).await.map_err(|e| ServerError::Config(e.to_string()))?;
    println!("Demo accounts (password: taphuan-demo):");
    for (phone, name, role) in DEMO_ACCOUNTS {
        let phone_n = app::auth::normalize_phone(phone).unwrap_or_default();
        let id = match db::user::id_by_phone(db, &phone_n).await? {
            Some(id) => id,
            None => {
                let new = db::user::NewUser {
                    phone: &phone_n,
                    full_name: name,
                    org_name: "HTX Dừa Xanh (demo)",
                    org_type: "hop-tac-xa",
                    region_code: Some("28756"),
                    password_hash: &hash,
                };
                db::user::insert_user(&db.pool, &new).await?
            }
        };
        if let Some(r) = app::auth::Role::parse(role).filter(|r| *r != app::auth::Role::Learner) {
            let scope = (r == app::auth::Role::Official).then_some("86");
            db::user::grant_role(db, &id, r, scope).await?;
        }
        println!("  {role:<9} {phone}  {name}");
    }
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
