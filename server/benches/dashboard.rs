//! Dashboard benchmark: p50 and p95 per view at programme scale, over HTTP on loopback against the real
//! router, as an admin (whole country) and as a provincial official.
//!
//! ```sh
//! scripts/bench-dashboard.sh                       # SQLite, then PostgreSQL if TAPHUAN_BENCH_POSTGRES_URL is set
//! TAPHUAN_BENCH_DATABASE=sqlite:///tmp/dash.db TAPHUAN_BENCH_LEARNERS=100000 cargo bench -p server --bench dashboard
//! ```
//! The database is seeded once with `seed-demo` (100,000 learners, 20 courses by default) and reused by
//! later runs. This measures; it asserts nothing. The figures go in docs/dashboard.md.

use app::state::AppState;
use std::time::{Duration, Instant};

const RUNS: usize = 40;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn account(db: &app::db::Db, phone: &str, name: &str, role: app::auth::Role, scope: Option<&str>) {
    let phone = app::auth::normalize_phone(phone).unwrap();
    if app::db::user::id_by_phone(db, &phone).await.unwrap().is_some() {
        return;
    }
    let hash = app::auth::password::hash("bench-password".into()).await.unwrap();
    let new = app::db::user::NewUser { phone: &phone, full_name: name, org_name: "", org_type: "co-quan-nha-nuoc", region_code: scope, password_hash: &hash };
    let id = app::db::user::insert_user(&db.pool, &new).await.unwrap();
    app::db::user::grant_role(db, &id, role, scope).await.unwrap();
}

async fn sign_in(base: &str, phone: &str) -> reqwest::Client {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = c
        .post(format!("{base}/api/login"))
        .header("accept", "text/html")
        .header("origin", base)
        .form(&[("phone", phone), ("password", "bench-password"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302, "bench sign-in");
    c
}

async fn measure(c: &reqwest::Client, base: &str, path: &str) -> (Duration, Duration, Duration, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for i in 0..RUNS + 3 {
        let t = Instant::now();
        let res = c.get(format!("{base}{path}")).send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.bytes().await.unwrap();
        let took = t.elapsed();
        assert_eq!(status, 200, "{path}");
        size = body.len();
        if i >= 3 {
            times.push(took);
        }
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95), *times.last().unwrap(), size)
}

#[tokio::main]
async fn main() {
    let default = format!("sqlite://{}/../target/bench/dashboard.db", env!("CARGO_MANIFEST_DIR"));
    let url = env("TAPHUAN_BENCH_DATABASE", &default);
    let learners: usize = env("TAPHUAN_BENCH_LEARNERS", "100000").parse().unwrap();
    let db = server::open_database(&url).await.unwrap();
    server::ensure_regions(&db).await.unwrap();
    let have = app::db::demo::seeded_learners(&db).await.unwrap();
    if (have as usize) < learners {
        let courses = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../courses");
        server::import_courses(&db, &courses, false).await.unwrap();
        let t = Instant::now();
        let s = server::seed::seed_demo(&db, learners - have as usize, 20, 1, "").await.unwrap();
        eprintln!("seeded {} learners, {} enrolments, {} lessons done in {:.0} s", s.learners, s.enrolments, s.progress, t.elapsed().as_secs_f64());
    }
    // The busiest province, its busiest commune and the most taken course: the largest views there are.
    let (province, commune, course) = app::db::demo::busiest(&db).await.unwrap();
    account(&db, "0960000001", "Quản trị đo tải", app::auth::Role::Admin, None).await;
    account(&db, "0960000002", "Cán bộ đo tải", app::auth::Role::Official, Some(&province)).await;

    let counts = app::db::demo::sizes(&db).await.unwrap();
    let backend = if db.backend == app::db::Backend::Sqlite { "SQLite" } else { "PostgreSQL" };
    println!("# {backend}: {} accounts, {} lessons done, {} enrolments; official of province {province}", counts.accounts, counts.lessons_done, counts.learner_courses);

    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let signer = app::certificate::signing::Signer::load_or_create(&std::env::temp_dir().join("taphuan-bench-key")).unwrap();
    let state = AppState { leptos_options: server::leptos_options(&site), db: db.clone(), secure_cookies: false, signer: std::sync::Arc::new(signer), site: Default::default(), reader_cache: Default::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = server::router(state);
    tokio::spawn(async move { axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap() });

    let admin = sign_in(&base, "0960000001").await;
    let official = sign_in(&base, "0960000002").await;
    let year = app::calendar::month_key(app::db::now_ms())[..4].to_string();
    // The second page of the learner list starts where the first ended.
    let first = admin.get(format!("{base}/thong-ke/nguoi-hoc")).send().await.unwrap().text().await.unwrap();
    let sau = first.split("sau=").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();

    let views: Vec<(&str, &reqwest::Client, String)> = vec![
        ("admin", &admin, "/thong-ke".into()),
        ("admin", &admin, format!("/thong-ke?khoa={course}")),
        ("admin", &admin, format!("/thong-ke?loai=hop-tac-xa&tu={year}-01&den={year}-12")),
        ("admin", &admin, format!("/thong-ke?vung={province}")),
        ("admin", &admin, "/thong-ke/bao-cao".into()),
        ("admin", &admin, "/thong-ke/nguoi-hoc".into()),
        ("admin", &admin, format!("/thong-ke/nguoi-hoc?sau={sau}")),
        ("admin", &admin, "/thong-ke/nguoi-hoc?q=nguyen%20van%20an".into()),
        ("admin", &admin, format!("/thong-ke/nguoi-hoc?khoa={course}&loai=doanh-nghiep")),
        ("official", &official, "/thong-ke".into()),
        ("official", &official, format!("/thong-ke?vung={commune}")),
        ("official", &official, format!("/thong-ke?khoa={course}&loai=hop-tac-xa")),
        ("official", &official, "/thong-ke/nguoi-hoc".into()),
        ("official", &official, "/thong-ke/nguoi-hoc?q=tran%20thi".into()),
        ("official", &official, "/thong-ke/bao-cao".into()),
        ("official", &official, format!("/thong-ke/xuat.csv?vung={commune}")),
        ("official", &official, format!("/thong-ke/xuat.xlsx?vung={commune}")),
    ];
    println!("| {backend} view | who | p50 ms | p95 ms | max ms | bytes |");
    println!("|---|---|---:|---:|---:|---:|");
    for (who, client, path) in &views {
        let (p50, p95, max, size) = measure(client, &base, path).await;
        let shown = if path.len() > 70 { format!("{}…", &path[..70]) } else { path.clone() };
        println!("| `{shown}` | {who} | {:.1} | {:.1} | {:.1} | {size} |", p50.as_secs_f64() * 1e3, p95.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3);
    }
    // Exports of a whole province are files, not views: timed once each.
    for path in ["/thong-ke/xuat.csv", "/thong-ke/xuat.xlsx"] {
        let t = Instant::now();
        let res = official.get(format!("{base}{path}")).send().await.unwrap();
        let len = res.bytes().await.unwrap().len();
        println!("| `{path}` (whole province, once) | official | | {:.0} | | {len} |", t.elapsed().as_secs_f64() * 1e3);
    }
}
