//! Start-up as a deployment does it: several `taphuan serve` processes at once on one PostgreSQL, and a
//! command line that never shows a secret.

use crate::util::{copy_dir, fixtures, TestApp};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A `taphuan serve` on a free port; returns the child and its address once it listens.
fn spawn_serve(database: &str, courses: &std::path::Path, key: &std::path::Path) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", database, "--site-root", "/nonexistent"])
        .arg("--courses")
        .arg(courses)
        .arg("--signing-key")
        .arg(key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("Tập Huấn: listening on ") {
                let _ = tx.send(addr.to_string());
            }
        }
    });
    (child, rx)
}

struct Kill(Vec<Child>);
impl Drop for Kill {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[tokio::test]
async fn two_processes_start_at_once_on_one_empty_postgres_and_import_the_courses_once() {
    let Ok(pg) = std::env::var("TAPHUAN_TEST_POSTGRES_URL") else {
        eprintln!("skipped: TAPHUAN_TEST_POSTGRES_URL is not set");
        return;
    };
    let admin = app::db::connect(&pg).await.unwrap();
    let name = format!("taphuan_start_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&admin.pool).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin.pool).await.unwrap();
    let url = format!("{}/{name}", pg.rsplit_once('/').unwrap().0);
    let tmp = tempfile::tempdir().unwrap();
    let courses = tmp.path().join("courses");
    copy_dir(&fixtures(), &courses);
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../courses"), &courses);
    let key = tmp.path().join("signing-key");
    app::certificate::signing::Signer::load_or_create(&key).unwrap();

    let (a, ra) = spawn_serve(&url, &courses, &key);
    let (b, rb) = spawn_serve(&url, &courses, &key);
    let _guard = Kill(vec![a, b]);
    let wait = std::time::Duration::from_secs(120);
    let addrs = [ra.recv_timeout(wait).expect("first process listens"), rb.recv_timeout(wait).expect("second process listens")];
    let client = reqwest::Client::new();
    for addr in &addrs {
        let ready = client.get(format!("{addr}/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{addr}");
        let home = client.get(format!("{addr}/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("/khoa-hoc/mini"), "{addr} serves the catalog");
    }
    let db = app::db::connect(&url).await.unwrap();
    let shipped = app::content::load_dir(&courses).courses.len() as i64;
    let courses_n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course").fetch_one(&db.pool).await.unwrap();
    let revisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course_revision").fetch_one(&db.pool).await.unwrap();
    let regions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM region").fetch_one(&db.pool).await.unwrap();
    assert_eq!((courses_n, revisions), (shipped, shipped), "every course imported once, one revision each");
    assert_eq!(regions, server::DEFAULT_REGIONS.lines().filter(|l| !l.trim().is_empty()).count() as i64 - 1, "regions loaded once");
    drop(_guard);

    // Records without their summary (rows loaded in bulk, or the summary wiped): each process that starts
    // rebuilds it. Two at once deadlocked before the start-up lock, and one of them died.
    server::seed::seed_demo(&db, 300, 4, 1, "").await.unwrap();
    sqlx::query("DELETE FROM learner_course").execute(&db.pool).await.unwrap();
    sqlx::query("DELETE FROM stat_cell").execute(&db.pool).await.unwrap();
    let (a, ra) = spawn_serve(&url, &courses, &key);
    let (b, rb) = spawn_serve(&url, &courses, &key);
    let _guard = Kill(vec![a, b]);
    for (rx, which) in [(ra, "first"), (rb, "second")] {
        let addr = rx.recv_timeout(wait).unwrap_or_else(|_| panic!("the {which} process comes up again"));
        assert_eq!(client.get(format!("{addr}/readyz")).send().await.unwrap().status(), 200, "{addr}");
    }
    let enrolments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enrolment").fetch_one(&db.pool).await.unwrap();
    let summary: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM learner_course").fetch_one(&db.pool).await.unwrap();
    assert!(enrolments > 0);
    assert_eq!(summary, enrolments, "the summary was rebuilt once, whole");
    db.pool.close().await;
}

#[test]
fn help_never_prints_a_secret() {
    let out = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["serve", "--help"])
        .env("TAPHUAN_DATABASE_URL", "postgres://taphuan:mat-khau-bi-mat@db.example/taphuan")
        .env("TAPHUAN_PUBLIC_URL", "https://bi-mat.example")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && help.contains("--database") && help.contains("TAPHUAN_DATABASE_URL"), "{help}");
    assert!(!help.contains("mat-khau-bi-mat") && !help.contains("bi-mat.example"), "{help}");
}

#[tokio::test]
async fn demo_mode_makes_nobody_an_admin_and_stays_out_of_a_database_with_real_accounts() {
    for (backend, app) in TestApp::each_backend().await {
        // A real person owns the demo admin's number: --demo leaves them as they were (M-10).
        let real = app.person("0900 000 004", "Người Thật", "28756", None).await;
        server::create_demo_accounts(&app.db).await.unwrap();
        assert!(app::db::user::roles(&app.db, &real).await.unwrap().is_empty(), "{backend}: no role for an existing account");
        let trainer = app::db::user::id_by_phone(&app.db, &app::auth::normalize_phone("0900000002").unwrap()).await.unwrap();
        assert!(trainer.is_some(), "{backend}: the missing demo accounts are made");
    }
    // A database that already holds someone else gets no demo account at all.
    let app = TestApp::start().await;
    app.person("0911 222 333", "Người Khác", "28756", None).await;
    server::create_demo_accounts(&app.db).await.unwrap();
    assert_eq!(app::db::user::count_all(&app.db).await.unwrap(), 1);
}

#[test]
fn serving_beyond_this_machine_needs_the_public_address_and_never_runs_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db", tmp.path().display());
    // `taphuan serve` on `bind` without a public address; whether it started, and what it said.
    let run = |bind: &str, extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_taphuan"))
            .args(["serve", "--bind", bind, "--database", &db, "--site-root", "/nonexistent", "--courses", "/nonexistent"])
            .args(extra)
            .arg("--signing-key")
            .arg(tmp.path().join("key"))
            .env_remove("TAPHUAN_PUBLIC_URL")
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    // Certificates carry the public address: without it the server does not start (L-1).
    let (ok, err) = run("0.0.0.0:0", &[]);
    assert!(!ok && err.contains("TAPHUAN_PUBLIC_URL"), "{err}");
    // The demo's passwords are published: never on a public address, and nothing is written first (M-10).
    let (ok, err) = run("0.0.0.0:0", &["--demo", "--public-url", "https://taphuan.example.vn"]);
    assert!(!ok && err.contains("--demo"), "{err}");
    // Behind a proxy the loopback bind serves the world: the same two rules hold.
    let (ok, err) = run("127.0.0.1:0", &["--trust-proxy"]);
    assert!(!ok && err.contains("TAPHUAN_PUBLIC_URL"), "{err}");
    let (ok, err) = run("127.0.0.1:0", &["--trust-proxy", "--demo", "--public-url", "https://taphuan.example.vn"]);
    assert!(!ok && err.contains("--demo"), "{err}");
    let demo_made: bool = tmp.path().join("x.db").exists() && {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let d = app::db::connect(&db).await.unwrap();
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'app_user'").fetch_one(&d.pool).await.unwrap() > 0
                && sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM app_user").fetch_one(&d.pool).await.unwrap() > 0
        })
    };
    assert!(!demo_made, "no demo account was created");
}

#[test]
fn a_failed_sign_in_is_logged_with_the_account_and_never_the_number() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db", tmp.path().display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["serve", "--bind", "127.0.0.1:0", "--demo", "--database", &db, "--site-root", "/nonexistent", "--courses", "/nonexistent"])
        .arg("--signing-key")
        .arg(tmp.path().join("key"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let addr = BufReader::new(out).lines().map_while(Result::ok).find_map(|l| l.strip_prefix("Tập Huấn: listening on http://").map(str::to_string)).unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut guard = Kill(vec![child]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    for phone in ["0900000001", "0911222333"] {
        rt.block_on(async {
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
                .post(format!("http://{addr}/api/login"))
                .header("origin", format!("http://{addr}"))
                .header("accept", "text/html")
                .form(&[("phone", phone), ("password", "sai mat khau"), ("next", "/")])
                .send()
                .await
                .unwrap()
        });
    }
    let mut failed = Vec::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(5)) {
        if line.contains("sign-in failed") {
            failed.push(line);
            if failed.len() == 2 {
                break;
            }
        }
    }
    guard.0.iter_mut().for_each(|c| {
        let _ = c.kill();
    });
    assert_eq!(failed.len(), 2, "{failed:?}");
    // The demo learner's account is named by its id; an unknown number by "-"; neither number appears.
    assert!(failed[0].contains("user=") && !failed[0].contains("user=-") && failed[1].contains("user=-"), "{failed:?}");
    assert!(failed.iter().all(|l| !l.contains("900000001") && !l.contains("911222333") && l.contains("address=127.0.0.1")), "{failed:?}");
}
