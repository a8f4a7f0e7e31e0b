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

    /// Start with a database of the caller's choice.
    pub(crate) async fn start_with(db: Db, tmp: tempfile::TempDir) -> TestApp {
        let courses = tmp.path().join("courses");
        copy_dir(&fixtures(), &courses);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../courses"), &courses);
        server::import_courses(&db, &courses, false).await.unwrap();
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        let state = AppState { leptos_options: server::leptos_options(&site), db: db.clone() };
        let router = server::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { base: format!("http://{addr}"), db, client, _tmp: tmp }
    }

    /// GET a path; returns (status, body).
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }
}
