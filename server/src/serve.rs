//! `taphuan serve` and the start-up jobs: migrate, load the default regions into an empty database, build the
//! dashboard summary when records predate it, import the course folder. Several processes may start at the
//! same moment on one PostgreSQL: the jobs run under one advisory lock (`db::StartupLock`), one process
//! after the other, and each job is idempotent, so the courses are imported once and the others find
//! nothing to do. Migrations take sqlx's own lock.

use crate::error::ServerError;
use app::db::{self, Db};
use app::state::{AppState, SiteConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// What `serve` needs, as clap read it from flags and `TAPHUAN_*` variables.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub database: String,
    pub courses: PathBuf,
    pub site_root: PathBuf,
    pub secure_cookies: bool,
    pub demo: bool,
    pub signing_key: PathBuf,
    /// Where `/metrics` answers on its own, if anywhere.
    pub metrics_bind: Option<String>,
    /// The token that opens `/metrics` on the site's own address, if any.
    pub metrics_token: Option<String>,
    pub site: SiteConfig,
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
    // Reading and checking the folder is file I/O and CPU (markdown, images): off the async threads.
    let folder = dir.to_path_buf();
    let mut reading = print.then(|| crate::progress::Progress::steps("import-courses"));
    if let Some(p) = reading.as_mut() {
        p.step("reading and checking the folder");
    }
    let report = tokio::task::spawn_blocking(move || app::content::load_dir(&folder))
        .await
        .map_err(|e| ServerError::Config(format!("reading the course folder failed: {e}")))?;
    if let Some(p) = reading {
        p.finish();
    }
    let mut bar = print.then(|| crate::progress::Progress::new("import-courses", report.courses.len() as u64, "courses"));
    let outcomes = db::course::import_report_reporting(db, &report, &mut |_| {
        if let Some(b) = bar.as_mut() {
            b.inc(1);
        }
    })
    .await?;
    if let Some(b) = bar {
        b.finish();
    }
    let problems = &report.problems;
    for p in problems {
        tracing::error!(problem = %p, "course skipped");
        if print {
            println!("{p}");
        }
    }
    for o in &outcomes {
        if o.status == db::course::ImportStatus::KeptBrowserEdit {
            let line = format!("{}: skipped: published in the browser since its last folder import (`taphuan export-courses` writes it out)", o.slug);
            if print {
                println!("{line}");
            }
            continue;
        }
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

/// Write every published course to `dir/<slug>/` and the categories to `dir/categories.toml`. Returns how
/// many courses were written.
pub async fn export_courses(db: &Db, dir: &Path) -> Result<usize, ServerError> {
    let courses = db::authoring::published(db).await?;
    let categories = db::authoring::categories(db).await?;
    let file_err = |path: &Path, e: std::io::Error| ServerError::File { path: path.to_path_buf(), message: e.to_string() };
    std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    if !categories.is_empty() {
        let text = toml::to_string(&app::content::CategoryFile { category: categories }).map_err(|e| ServerError::Config(e.to_string()))?;
        let path = dir.join(app::content::load::CATEGORIES_FILE);
        std::fs::write(&path, text).map_err(|e| file_err(&path, e))?;
    }
    for (slug, files) in &courses {
        let folder = dir.join(slug);
        // Files the course no longer has go; hidden files (a .gitkeep, say) stay.
        if folder.is_dir() {
            for entry in walk_files(&folder) {
                let rel = entry.strip_prefix(&folder).unwrap_or(&entry).to_string_lossy().replace('\\', "/");
                let hidden = rel.split('/').any(|p| p.starts_with('.'));
                if !hidden && !files.contains_key(&rel) {
                    std::fs::remove_file(&entry).map_err(|e| file_err(&entry, e))?;
                }
            }
        }
        for (rel, bytes) in files {
            let path = folder.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| file_err(parent, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| file_err(&path, e))?;
        }
    }
    Ok(courses.len())
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => out.extend(walk_files(&p)),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
    out
}

/// The start-up jobs, one process at a time.
async fn prepare(db: &Db, cfg: &ServeConfig) -> Result<(), ServerError> {
    let lock = db::StartupLock::take(db).await?;
    ensure_regions(db).await?;
    if db::summary::needs_rebuild(db).await? {
        let r = db::summary::rebuild(db).await?;
        tracing::info!(learner_courses = r.learner_courses, cells = r.cells, "dashboard summary built from existing records");
    }
    if cfg.demo {
        create_demo_accounts(db).await?;
    }
    if cfg.courses.exists() {
        import_courses(db, &cfg.courses, false).await?;
    } else {
        tracing::warn!(dir = %cfg.courses.display(), "course folder not found; serving what the database holds");
    }
    lock.release().await;
    Ok(())
}

/// The site's settings with its public address settled (security review L-1): certificates, QR codes and
/// invite cards carry it, so it is never taken from a request's `Host`. Serving only this machine, it is
/// the bound address; serving beyond it, directly or behind a proxy, `TAPHUAN_PUBLIC_URL` must say it.
fn site_for(site: &app::state::SiteConfig, addr: SocketAddr, secure_cookies: bool) -> Result<app::state::SiteConfig, ServerError> {
    let mut site = site.clone();
    if site.public_url.is_none() {
        if !addr.ip().is_loopback() || site.trust_proxy || secure_cookies {
            return Err(ServerError::Config(format!(
                "serving on {addr} needs the public address that certificates and QR codes carry: set TAPHUAN_PUBLIC_URL (or --public-url), e.g. https://taphuan.example.gov.vn"
            )));
        }
        site.public_url = Some(format!("http://{addr}"));
    }
    Ok(site)
}

/// Run the server until Ctrl-C or SIGTERM.
pub async fn serve(cfg: ServeConfig) -> Result<(), ServerError> {
    // Before anything is written: demo accounts have a published password (security review M-10).
    // Behind a proxy (trusting its X-Forwarded-For, or over https) the loopback bind serves the world.
    let local = cfg.bind.parse::<SocketAddr>().map(|a| a.ip().is_loopback()).unwrap_or_else(|_| cfg.bind.starts_with("localhost:"))
        && !cfg.site.trust_proxy
        && !cfg.secure_cookies;
    if cfg.demo && !local {
        return Err(ServerError::Config(format!(
            "--demo publishes its passwords: it serves this machine only, not {} behind a proxy (--trust-proxy, --secure-cookies)",
            cfg.bind
        )));
    }
    let db = open_database(&cfg.database).await?;
    prepare(&db, &cfg).await?;
    let leptos_options = crate::leptos_options(&cfg.site_root);
    if !cfg.site_root.join(leptos_options.site_pkg_dir.as_ref()).exists() {
        tracing::warn!(site_root = %cfg.site_root.display(), "no built site found: pages work, styles and islands need `cargo leptos build`");
    }
    // Bound first: the public address may come from it, and the signed certificates carry it.
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .map_err(|source| ServerError::Bind { addr: cfg.bind.clone(), source })?;
    let addr = listener.local_addr()?;
    let site = site_for(&cfg.site, addr, cfg.secure_cookies)?;
    let signer = app::certificate::signing::Signer::load_or_create(&cfg.signing_key)
        .map_err(|e| ServerError::File { path: cfg.signing_key.clone(), message: e.to_string() })?;
    let state = AppState {
        leptos_options,
        db: db.clone(),
        secure_cookies: cfg.secure_cookies,
        signer: std::sync::Arc::new(signer),
        site: std::sync::Arc::new(site),
        reader_cache: Default::default(),
    };
    let mut app = crate::router(state.clone());
    if let Some(token) = &cfg.metrics_token {
        if token.chars().count() < 16 {
            return Err(ServerError::Config("TAPHUAN_METRICS_TOKEN (--metrics-token) needs at least 16 characters".into()));
        }
        app = app.merge(crate::metrics::token_routes(state.clone(), token.clone()));
    }
    if let Some(bind) = &cfg.metrics_bind {
        let ops = tokio::net::TcpListener::bind(bind).await.map_err(|source| ServerError::Bind { addr: bind.clone(), source })?;
        tracing::info!("metrics on http://{}/metrics", ops.local_addr()?);
        let routes = crate::metrics::routes(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(ops, routes).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
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

/// Create the demo accounts, loudly, and only where they can hurt nobody (security review M-10): in a
/// database that holds no other account. Roles go only to accounts this call creates, so a real person who
/// owns one of the demo numbers never becomes an admin with a published password.
pub async fn create_demo_accounts(db: &Db) -> Result<(), ServerError> {
    eprintln!();
    eprintln!("  ***************************************************************");
    eprintln!("  *  DEMO MODE: accounts with the published password taphuan-demo *");
    eprintln!("  *  Never use --demo on a server that real people use.          *");
    eprintln!("  ***************************************************************");
    eprintln!();
    let mut present = 0;
    for (phone, _, _) in DEMO_ACCOUNTS {
        let phone = app::auth::normalize_phone(phone).unwrap_or_default();
        if db::user::id_by_phone(db, &phone).await?.is_some() {
            present += 1;
        }
    }
    if db::user::count_all(db).await? > present {
        println!("Demo accounts NOT created: this database already holds other accounts.");
        tracing::warn!("--demo ignored: the database holds accounts other than the demo ones");
        return Ok(());
    }
    let hash = app::auth::password::hash("taphuan-demo".into()).await.map_err(|e| ServerError::Config(e.to_string()))?;
    println!("Demo accounts (password: taphuan-demo):");
    for (phone, name, role) in DEMO_ACCOUNTS {
        let phone_n = app::auth::normalize_phone(phone).unwrap_or_default();
        if db::user::id_by_phone(db, &phone_n).await?.is_none() {
            let new = db::user::NewUser {
                phone: &phone_n,
                full_name: name,
                org_name: "HTX Dừa Xanh (demo)",
                org_type: "hop-tac-xa",
                region_code: Some("28756"),
                password_hash: &hash,
            };
            let id = db::user::insert_user(&db.pool, &new).await?;
            if let Some(r) = app::auth::Role::parse(role).filter(|r| *r != app::auth::Role::Learner) {
                let scope = (r == app::auth::Role::Official).then_some("86");
                db::user::grant_role(db, &id, r, scope).await?;
            }
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
