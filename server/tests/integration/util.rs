//! `TestApp`: the same router `taphuan serve` runs, on 127.0.0.1:0, with a temp database and course folder.

use app::db::{self, Db};
use app::state::AppState;
use std::path::{Path, PathBuf};

/// The databases a test runs on: SQLite always, PostgreSQL when configured.
pub(crate) fn database_urls(tmp: &Path) -> Vec<(String, String)> {
    let mut urls = vec![("sqlite".to_string(), format!("sqlite://{}/test.db", tmp.display()))];
    if let Ok(pg) = std::env::var("TAPHUAN_TEST_POSTGRES_URL") {
        if !pg.is_empty() {
            urls.push(("postgres".to_string(), pg));
        }
    }
    urls
}

/// A fresh database at `url`: for PostgreSQL a new database is created beside the one the URL names.
pub(crate) async fn fresh_db(url: &str) -> Db {
    if url.starts_with("postgres") {
        let admin = db::connect(url).await.expect("connect to postgres");
        let name = format!("taphuan_test_{}", uuid_like());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin.pool).await.expect("create database");
        admin.pool.close().await;
        let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
        let db = server::open_database(&format!("{base}/{name}")).await.expect("open postgres test db");
        return db;
    }
    server::open_database(url).await.expect("open sqlite test db")
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{:x}_{}", n, std::process::id())
}

/// Copy a folder recursively.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The fixture courses of the app crate.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/tests/fixtures/courses")
}

/// A running server.
pub(crate) struct TestApp {
    pub(crate) base: String,
    pub(crate) db: Db,
    pub(crate) client: reqwest::Client,
    pub(crate) signer: std::sync::Arc<app::certificate::signing::Signer>,
    _tmp: tempfile::TempDir,
}

impl TestApp {
    /// Start on SQLite with the fixture courses plus the shipped ones.
    pub(crate) async fn start() -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/app.db", tmp.path().display());
        let db = fresh_db(&url).await;
        Self::start_with(db, tmp).await
    }

    /// One app per database leg: SQLite, and PostgreSQL when configured.
    pub(crate) async fn each_backend() -> Vec<(String, TestApp)> {
        let mut apps = Vec::new();
        let probe = tempfile::tempdir().unwrap();
        for (name, _) in database_urls(probe.path()) {
            // Each app owns the folder its SQLite file lives in, so the file outlives this function.
            let tmp = tempfile::tempdir().unwrap();
            let url = database_urls(tmp.path()).into_iter().find(|(n, _)| *n == name).unwrap().1;
            let db = fresh_db(&url).await;
            apps.push((name, TestApp::start_with(db, tmp).await));
        }
        apps
    }

    /// Start with a database of the caller's choice.
    pub(crate) async fn start_with(db: Db, tmp: tempfile::TempDir) -> TestApp {
        let courses = tmp.path().join("courses");
        copy_dir(&fixtures(), &courses);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../courses"), &courses);
        server::ensure_regions(&db).await.unwrap();
        server::import_courses(&db, &courses, false).await.unwrap();
        let signer = app::certificate::signing::Signer::load_or_create(&tmp.path().join("signing-key")).unwrap();
        let signer = std::sync::Arc::new(signer);
        let base = serve_router(server::router(app_state(&db, &signer, Default::default()))).await;
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { base, db, client, signer, _tmp: tmp }
    }

    /// A second process on the same database and signing key whose lesson pages always come from the
    /// renderer (no lesson templates): what the fast path must answer byte for byte.
    pub(crate) async fn renderer_only(&self) -> String {
        serve_router(server::router(app_state(&self.db, &self.signer, app::lesson::template::ReaderCache::off()))).await
    }

    /// The course folders this app imported (a test may edit one and import it again).
    pub(crate) fn courses_dir(&self) -> std::path::PathBuf {
        self._tmp.path().join("courses")
    }

    /// A browser-like client: its own cookie jar, no automatic redirects.
    pub(crate) fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A plain form post as a browser without JavaScript sends it; returns (status, Location).
    pub(crate) async fn post_form(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        self.post_form_from(client, path, form, None).await
    }

    /// The same, from a given client address (`X-Forwarded-For`, honoured with TAPHUAN_TRUST_PROXY=1).
    pub(crate) async fn post_form_from(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)], from: Option<&str>) -> (u16, String) {
        let mut req = client
            .post(format!("{}{path}", self.base))
            .header("accept", "text/html,application/xhtml+xml")
            .header("origin", self.base.clone())
            .header("referer", format!("{}/", self.base))
            .form(form);
        if let Some(ip) = from {
            req = req.header("x-forwarded-for", ip);
        }
        let res = req.send().await.unwrap();
        let loc = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (res.status().as_u16(), loc)
    }

    /// GET with a client; returns (status, body, Location).
    pub(crate) async fn get_with(&self, client: &reqwest::Client, path: &str) -> (u16, String, String) {
        let res = client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let loc = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap(), loc)
    }

    /// Create an account directly, with a role (and an official's scope), returning its id.
    pub(crate) async fn person(&self, phone: &str, name: &str, region: &str, role: Option<(&str, Option<&str>)>) -> String {
        let hash = test_password_hash().await;
        let phone = app::auth::normalize_phone(phone).unwrap();
        let new = app::db::user::NewUser { phone: &phone, full_name: name, org_name: "HTX", org_type: "hop-tac-xa", region_code: Some(region), password_hash: hash };
        let id = app::db::user::insert_user(&self.db.pool, &new).await.unwrap();
        if let Some((role, scope)) = role {
            app::db::user::grant_role(&self.db, &id, app::auth::Role::parse(role).unwrap(), scope).await.unwrap();
        }
        id
    }

    /// A learner of an organisation type (password "mat khau dung"), returning their id.
    pub(crate) async fn learner(&self, phone: &str, name: &str, region: &str, org_type: &str) -> String {
        let hash = test_password_hash().await;
        let phone = app::auth::normalize_phone(phone).unwrap();
        let new = app::db::user::NewUser { phone: &phone, full_name: name, org_name: "Cơ sở mẫu", org_type, region_code: Some(region), password_hash: hash };
        app::db::user::insert_user(&self.db.pool, &new).await.unwrap()
    }

    /// A signed-in browser for `phone` (password "mat khau dung").
    pub(crate) async fn signed_in(&self, phone: &str) -> reqwest::Client {
        let c = self.browser();
        let (status, loc) = self.post_form(&c, "/api/login", &[("phone", phone), ("password", "mat khau dung"), ("next", "/")]).await;
        assert_eq!((status, loc.as_str()), (302, "/"), "sign-in of {phone}");
        c
    }

    /// GET a path; returns (status, body).
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }
}

/// The state a test app runs with.
fn app_state(db: &Db, signer: &std::sync::Arc<app::certificate::signing::Signer>, reader_cache: app::lesson::template::ReaderCache) -> AppState {
    AppState {
        leptos_options: server::leptos_options(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site")),
        db: db.clone(),
        secure_cookies: false,
        signer: signer.clone(),
        // Tests speak for many phones from one address, as a load balancer would: X-Forwarded-For counts.
        site: std::sync::Arc::new(app::state::SiteConfig { trust_proxy: true, ..Default::default() }),
        reader_cache,
    }
}

/// Serve a router on a free loopback port; returns its base URL.
async fn serve_router(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap() });
    format!("http://{addr}")
}

/// The argon2id hash of "mat khau dung", made once for every account the tests create directly: hashing is
/// deliberately slow, and hundreds of test accounts each paid for it (sign-in still verifies every time).
async fn test_password_hash() -> &'static str {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { app::auth::password::hash("mat khau dung".into()).await.unwrap() }).await
}
