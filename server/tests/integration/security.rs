//! Hardening (security review, issue #16): the Content-Security-Policy, throttling that holds, sessions by
//! role, revocation that reaches offline verifiers, exports and deletion that keep their promise.

use crate::util::TestApp;

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The nonce of a policy's `script-src`, if it has one.
fn policy_nonce(csp: &str) -> Option<String> {
    csp.split("'nonce-").nth(1).map(|r| r.split('\'').next().unwrap().to_string())
}

#[tokio::test]
async fn every_html_page_carries_a_strict_policy_and_its_scripts_the_nonce() {
    let app = TestApp::start().await;
    app.person("0988 000 031", "Quản Trị Viên", "28756", Some(("admin", None))).await;
    let admin = app.signed_in("0988000031").await;
    let (_, attempt) = app.post_form(&admin, "/api/start_attempt", &[("course", "mini"), ("quiz", "kiem-tra")]).await;
    assert!(attempt.contains("/lan/"), "{attempt}");
    let mut nonces = Vec::new();
    for path in ["/", "/khoa-hoc/quan-tri-hop-tac-xa/bai/bo-may-quan-tri", "/dang-nhap", "/quan-tri", "/soan-thao", attempt.as_str(), "/khong-co-trang-nay"] {
        let res = admin.get(format!("{}{path}", app.base)).send().await.unwrap();
        let csp = header(&res, "content-security-policy");
        let body = res.text().await.unwrap();
        for directive in ["default-src 'self'", "style-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp:?}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains(" 'unsafe-eval'"), "{path}: {csp}");
        let nonce = policy_nonce(&csp).unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(csp.contains("'strict-dynamic'"), "{path}: {csp}");
        // Every script on the page carries this response's nonce; nothing is styled inline.
        for tag in body.split("<script").skip(1) {
            let tag = tag.split('>').next().unwrap();
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: a script without the nonce: <script{tag}>");
        }
        for tag in body.split("<link rel=\"modulepreload\"").skip(1) {
            let tag = tag.split('>').next().unwrap();
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: a module preload without the nonce: {tag}");
        }
        assert!(!body.contains("<style") && !body.contains(" style=\""), "{path}: inline style");
        nonces.push(nonce);
    }
    // The lesson page has no script; the catalog and the attempt page do (their islands).
    let mut unique = nonces.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), nonces.len(), "a fresh nonce per response: {nonces:?}");
}

#[tokio::test]
async fn pages_built_without_leptos_run_no_script() {
    let app = TestApp::start().await;
    app.person("0988 000 032", "Cán Bộ Nhập", "28756", Some(("admin", None))).await;
    let admin = app.signed_in("0988000032").await;
    let csv = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\nNguyễn Văn A,0912345678,HTX Sen,HTX,28756\n";
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("lop.csv"));
    let res = admin.post(format!("{}/quan-tri/nhap-lop/gui", app.base)).header("origin", app.base.clone()).multipart(form).send().await.unwrap();
    let csp = header(&res, "content-security-policy");
    let body = res.text().await.unwrap();
    assert!(csp.contains("script-src 'none'") && csp.contains("style-src 'self'"), "{csp}");
    assert!(body.contains("/class-list.css") && !body.contains("<style"), "{body}");
}

/// One attempt at the fixture quiz with every answer right but the typed one, which says where they live.
async fn pass_with_a_personal_answer(app: &TestApp, c: &reqwest::Client) {
    let (_, loc) = app.post_form(c, "/api/start_attempt", &[("course", "mini"), ("quiz", "kiem-tra")]).await;
    let (_, page, _) = app.get_with(c, &loc).await;
    let qs = crate::quiz::attempt_questions(app, &page).await;
    let mut fields = crate::quiz::key_answers(&qs);
    for (id, _, key) in &qs {
        if matches!(key, app::content::AnswerKey::Text { .. }) {
            let name = format!("q_{id}");
            fields.retain(|(n, _)| *n != name);
            fields.push((name, "nhà tôi ở số 12 đường Lê Lợi".into()));
        }
    }
    let res = c.post(format!("{}{loc}/nop", app.base)).header("origin", app.base.clone()).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

#[tokio::test]
async fn my_data_holds_everything_and_deleting_leaves_nothing_personal() {
    for (backend, app) in TestApp::each_backend().await {
        for (phone, keep) in [("0988 000 041", false), ("0988 000 042", true)] {
            let id = app.person(phone, "Trần Văn Riêng Tư", "28756", None).await;
            let c = app.signed_in(phone).await;
            for lesson in ["mot", "hai", "ba"] {
                app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", lesson)]).await;
            }
            pass_with_a_personal_answer(&app, &c).await;
            crate::certificates::pass_quiz(&app, &c, "rut-tham").await;
            let code: String = sqlx::query_scalar("SELECT code FROM certificate WHERE user_id = $1").bind(&id).fetch_one(&app.db.pool).await.unwrap();

            let data: serde_json::Value = serde_json::from_str(&c.get(format!("{}/api/my_data", app.base)).send().await.unwrap().text().await.unwrap()).unwrap();
            let text = data.to_string();
            assert!(text.contains("nhà tôi ở số 12"), "{backend}: the typed answer is in the download: {text}");
            assert!(data["attempts"].as_array().unwrap().len() >= 2 && data["attempts"][0]["answers"].as_array().unwrap().len() >= 3, "{backend}: {text}");
            assert_eq!(data["certificates"][0]["code"], code.as_str(), "{backend}");
            assert_eq!(data["completions"][0]["course"], "mini", "{backend}");

            let mut form = vec![("confirm", "xoa")];
            if keep {
                form.push(("keep_name", "1"));
            }
            let (_, loc) = app.post_form(&c, "/api/delete_account", &form).await;
            assert!(loc.starts_with("/?da-xoa"), "{backend}: {loc}");
            let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answer a JOIN attempt t ON t.id = a.attempt_id WHERE t.user_id = $1 AND a.response LIKE '%12%'")
                .bind(&id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            assert_eq!(left, 0, "{backend}: the typed answer is gone");
            let scored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempt WHERE user_id = $1 AND percent IS NOT NULL").bind(&id).fetch_one(&app.db.pool).await.unwrap();
            assert!(scored >= 2, "{backend}: scores stay for the figures");
            let (status, page, _) = app.get_with(&app.browser(), &format!("/verify/{code}")).await;
            assert_eq!(status, 200, "{backend}");
            assert!(page.contains("Chứng nhận hợp lệ"), "{backend}: still verifiable by code");
            assert_eq!(page.contains("Trần Văn Riêng Tư"), keep, "{backend}: the name shows only if the holder kept it: {page}");
        }
    }
}

/// The `loi=` code a sign-in's redirect carries ("" when it succeeded).
fn error_code(location: &str) -> String {
    location.split("loi=").nth(1).and_then(|c| c.split('&').next()).unwrap_or("").to_string()
}

/// A sign-in post from `addr`, as a task of its own so many can be in flight at once.
fn sign_in_from(app: &TestApp, phone: &str, password: &str, addr: &str) -> tokio::task::JoinHandle<String> {
    let (client, base) = (app.browser(), app.base.clone());
    let form = [("phone", phone.to_string()), ("password", password.to_string()), ("next", "/".to_string())];
    let addr = addr.to_string();
    tokio::spawn(async move {
        let res = client.post(format!("{base}/api/login")).header("accept", "text/html").header("origin", &base).header("x-forwarded-for", addr).form(&form).send().await.unwrap();
        error_code(res.headers().get("location").map(|v| v.to_str().unwrap()).unwrap_or(""))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_guesses_at_once_get_five_tries_not_forty() {
    for (backend, app) in TestApp::each_backend().await {
        app.person("0988 000 051", "Chủ Tài Khoản", "28756", None).await;
        let burst: Vec<_> = (0..40).map(|_| sign_in_from(&app, "0988000051", "sai mat khau", "10.1.1.1")).collect();
        let mut codes = Vec::new();
        for h in burst {
            codes.push(h.await.unwrap());
        }
        let tried = codes.iter().filter(|c| *c == "login_failed").count();
        assert!(tried <= 5, "{backend}: {tried} passwords were checked: {codes:?}");
        assert_eq!(codes.iter().filter(|c| *c == "throttled").count(), 40 - tried, "{backend}: {codes:?}");
    }
}

#[tokio::test]
async fn an_ipv6_block_counts_as_one_address() {
    let app = TestApp::start().await;
    app.person("0988 000 052", "Chủ Tài Khoản", "28756", None).await;
    let mut codes = Vec::new();
    for i in 1..=12 {
        codes.push(sign_in_from(&app, "0988000052", "sai mat khau", &format!("2001:db8:0:7::{i:x}")).await.unwrap());
    }
    assert!(codes[..5].iter().all(|c| c == "login_failed") && codes[5..].iter().all(|c| c == "throttled"), "{codes:?}");
    // The next block is another subscriber.
    assert_eq!(sign_in_from(&app, "0988000052", "mat khau dung", "2001:db8:0:8::1").await.unwrap(), "");
}

#[tokio::test]
async fn guesses_from_many_addresses_slow_the_number_down() {
    let app = TestApp::start().await;
    app.person("0988 000 053", "Chủ Tài Khoản", "28756", None).await;
    let mut codes = Vec::new();
    for i in 1..=30 {
        codes.push(sign_in_from(&app, "0988000053", "sai mat khau", &format!("10.2.0.{i}")).await.unwrap());
    }
    assert!(codes[..20].iter().all(|c| c == "login_failed"), "{codes:?}");
    // Past 20 failures in an hour the number gets one try per 30 seconds, whatever the address.
    let tried = codes[20..].iter().filter(|c| *c == "login_failed").count();
    assert!(tried <= 1, "{codes:?}");
}

#[tokio::test]
async fn one_guesser_behind_a_shared_address_does_not_lock_out_the_hall() {
    let app = TestApp::start().await;
    app.person("0988 000 054", "Người Cùng Mạng", "28756", None).await;
    // 60 wrong sign-ins, for 60 numbers, from the workshop's one Wi-Fi address.
    for i in 0..60 {
        assert_ne!(sign_in_from(&app, &format!("09880011{i:02}"), "sai mat khau", "10.3.3.3").await.unwrap(), "");
    }
    // A neighbour behind the same address is slowed to one try a second, never locked out.
    let mut signed_in = false;
    for _ in 0..3 {
        if sign_in_from(&app, "0988000054", "mat khau dung", "10.3.3.3").await.unwrap().is_empty() {
            signed_in = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    assert!(signed_in, "the neighbour signs in within a few seconds");
}

#[tokio::test]
async fn sign_up_is_throttled_per_address() {
    let app = TestApp::start().await;
    let mut codes = Vec::new();
    for i in 0..22 {
        let phone = format!("09880020{i:02}");
        let form = [
            ("full_name", "Người Đăng Ký"),
            ("phone", phone.as_str()),
            ("password", "mat khau dai du"),
            ("org_name", "HTX"),
            ("org_type", "hop-tac-xa"),
            ("region", "28756"),
            ("province", "86"),
        ];
        let (_, loc) = app.post_form_from(&app.browser(), "/api/register", &form, Some("10.4.4.4")).await;
        codes.push(error_code(&loc));
    }
    let limit = app::auth::throttle::SIGN_UPS_PER_ADDRESS as usize;
    assert!(codes[..limit].iter().all(String::is_empty), "{codes:?}");
    assert!(codes[limit..].iter().all(|c| c == "signup_throttled"), "{codes:?}");
    // Another address signs up.
    let form = [("full_name", "Người Khác"), ("phone", "0988003001"), ("password", "mat khau dai du"), ("org_name", "HTX"), ("org_type", "hop-tac-xa"), ("region", "28756"), ("province", "86")];
    assert_eq!(error_code(&app.post_form_from(&app.browser(), "/api/register", &form, Some("10.4.4.5")).await.1), "");
}

/// The session cookie (`taphuan_sid=…; Max-Age=…`) a sign-in as `phone` sets.
async fn session_cookie(app: &TestApp, phone: &str) -> String {
    let res = app
        .browser()
        .post(format!("{}/api/login", app.base))
        .header("accept", "text/html")
        .header("origin", app.base.clone())
        .form(&[("phone", phone), ("password", "mat khau dung"), ("next", "/")])
        .send()
        .await
        .unwrap();
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("taphuan_sid=")).unwrap()
}

/// The `Max-Age` of the session cookie a sign-in sets, in seconds.
async fn session_cookie_max_age(app: &TestApp, phone: &str) -> i64 {
    let cookie = session_cookie(app, phone).await;
    cookie.split("Max-Age=").nth(1).unwrap().split(';').next().unwrap().parse().unwrap()
}

/// Moves a session mark (`since` or `seen`) of every session of `user` back by `ms`.
async fn age_sessions(app: &TestApp, user: &str, mark: &str, ms: i64) {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, data FROM session WHERE data LIKE $1").bind(format!("%{user}%")).fetch_all(&app.db.pool).await.unwrap();
    assert!(!rows.is_empty());
    for (id, data) in rows {
        let mut v: serde_json::Value = serde_json::from_str(&data).unwrap();
        v[mark] = serde_json::json!(v[mark].as_i64().unwrap() - ms);
        sqlx::query("UPDATE session SET data = $1 WHERE id = $2").bind(v.to_string()).bind(id).execute(&app.db.pool).await.unwrap();
    }
}

async fn signed_in_now(app: &TestApp, c: &reqwest::Client) -> bool {
    c.get(format!("{}/api/my_data", app.base)).send().await.unwrap().status().as_u16() == 200
}

#[tokio::test]
async fn staff_sessions_end_sooner_than_learners() {
    for (backend, app) in TestApp::each_backend().await {
        let admin = app.person("0988 000 061", "Quản Trị", "28756", Some(("admin", None))).await;
        let learner = app.person("0988 000 062", "Học Viên", "28756", None).await;
        let hours = |h: i64| h * 3600;
        assert!(session_cookie_max_age(&app, "0988000061").await <= hours(3), "{backend}: an admin's cookie lives hours");
        assert!(session_cookie_max_age(&app, "0988000062").await >= hours(24 * 29), "{backend}: a learner's lives a month");

        // Three idle hours end a staff session; a learner's survives ten days away.
        let (a, l) = (app.signed_in("0988000061").await, app.signed_in("0988000062").await);
        assert!(signed_in_now(&app, &a).await && signed_in_now(&app, &l).await, "{backend}");
        age_sessions(&app, &admin, "seen", 3 * 3600 * 1000 + 60_000).await;
        age_sessions(&app, &learner, "seen", 10 * 86_400_000).await;
        assert!(!signed_in_now(&app, &a).await, "{backend}: idle admin signed out");
        assert!(signed_in_now(&app, &l).await, "{backend}: the learner is still in");
        // However busy, a staff session ends three days after sign-in.
        let a = app.signed_in("0988000061").await;
        age_sessions(&app, &admin, "since", 3 * 86_400_000 + 60_000).await;
        assert!(!signed_in_now(&app, &a).await, "{backend}: the absolute limit");
        let (status, _, loc) = app.get_with(&a, "/quan-tri").await;
        assert!(status == 302 && loc.starts_with("/dang-nhap"), "{backend}: {status} {loc}");
    }
}

#[tokio::test]
async fn a_session_ended_meanwhile_is_not_written_back_by_a_late_request() {
    use tower_sessions::session_store::SessionStore as _;
    let app = TestApp::start().await;
    let user = app.person("0988 000 072", "Máy Bị Mất", "28756", None).await;
    let _thief = app.signed_in("0988000072").await;
    // What a request still running loaded before the owner signed out everywhere.
    let store = app::db::session::DbSessionStore::new(app.db.clone());
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, data FROM session").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(rows.len(), 1);
    let mut record = tower_sessions::session::Record {
        id: tower_sessions::session::Id::default(),
        data: serde_json::from_str(&rows[0].1).unwrap(),
        expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc() + tower_sessions::cookie::time::Duration::days(1),
    };
    store.create(&mut record).await.unwrap();
    app::db::user::end_sessions(&app.db, &user, None).await.unwrap();
    store.save(&record).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(left, 0, "the late write did not bring a session back");
}

#[tokio::test]
async fn signing_out_everywhere_and_changing_the_password_end_the_other_sessions() {
    let app = TestApp::start().await;
    app.person("0988 000 071", "Hai Máy", "28756", None).await;
    let (phone, tablet) = (app.signed_in("0988000071").await, app.signed_in("0988000071").await);
    // The current password is asked first.
    let (_, loc) = app.post_form(&phone, "/api/change_password", &[("current", "sai"), ("password", "mat khau moi day")]).await;
    assert_eq!(error_code(&loc), "current_password_wrong");
    assert!(signed_in_now(&app, &tablet).await);
    let (_, loc) = app.post_form(&phone, "/api/change_password", &[("current", "mat khau dung"), ("password", "mat khau moi day")]).await;
    assert_eq!(loc, "/tai-khoan?xong=mat-khau");
    assert!(signed_in_now(&app, &phone).await, "this phone stays in");
    assert!(!signed_in_now(&app, &tablet).await, "the other device is out");
    let (_, loc) = app.post_form(&app.browser(), "/api/login", &[("phone", "0988000071"), ("password", "mat khau dung"), ("next", "/")]).await;
    assert_eq!(error_code(&loc), "login_failed", "the old password no longer works");

    let laptop = app.browser();
    let (_, loc) = app.post_form(&laptop, "/api/login", &[("phone", "0988000071"), ("password", "mat khau moi day"), ("next", "/")]).await;
    assert_eq!(loc, "/");
    let (_, loc) = app.post_form(&phone, "/api/logout_everywhere", &[]).await;
    assert_eq!(loc, "/dang-nhap");
    assert!(!signed_in_now(&app, &phone).await && !signed_in_now(&app, &laptop).await, "every session ended");
}

/// A one-time link made by `trainer` for `user`, as the admin page shows it.
async fn reset_link(app: &TestApp, trainer: &reqwest::Client, user: &str) -> String {
    let (_, loc) = app.post_form(trainer, "/api/reset_link", &[("user_id", user)]).await;
    let (_, page, _) = app.get_with(trainer, &loc).await;
    page.split("/mat-khau/").nth(1).map(|s| s.split('<').next().unwrap().to_string()).expect("link shown")
}

#[tokio::test]
async fn only_the_newest_one_time_link_works_and_a_new_role_voids_them() {
    for (backend, app) in TestApp::each_backend().await {
        let learner = app.person("0988 000 081", "Người Được Cấp", "28756", None).await;
        app.person("0988 000 082", "Tập Huấn Viên", "86", Some(("trainer", None))).await;
        app.person("0988 000 083", "Quản Trị", "86", Some(("admin", None))).await;
        let trainer = app.signed_in("0988000082").await;
        let first = reset_link(&app, &trainer, &learner).await;
        let second = reset_link(&app, &trainer, &learner).await;
        assert_ne!(first, second);
        let holder = |link: String| {
            let app = &app;
            async move { app.get_with(&app.browser(), &format!("/mat-khau/{link}")).await.1.contains("Người Được Cấp") }
        };
        assert!(!holder(first.clone()).await, "{backend}: the older link died when a newer one was made");
        let (_, loc) = app.post_form(&app.browser(), "/api/set_password", &[("token", &first), ("password", "mat khau moi day")]).await;
        assert!(loc.contains("loi=link_invalid"), "{backend}: {loc}");
        assert!(holder(second.clone()).await, "{backend}");
        // The learner becomes an official: a link made while they were a learner no longer works.
        let admin = app.signed_in("0988000083").await;
        let (_, loc) = app.post_form(&admin, "/api/grant_role", &[("user_id", &learner), ("role", "official"), ("scope", "86")]).await;
        assert!(!loc.contains("loi="), "{backend}: {loc}");
        assert!(!holder(second.clone()).await, "{backend}: the new role voided the link");
    }
}

#[tokio::test]
async fn a_request_cannot_choose_the_address_a_credential_carries() {
    let app = TestApp::start().await;
    app.person("0988 000 091", "Người Có Chứng Nhận", "28756", None).await;
    let c = app.signed_in("0988000091").await;
    for lesson in ["mot", "hai", "ba"] {
        app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", lesson)]).await;
    }
    crate::certificates::pass_quiz(&app, &c, "kiem-tra").await;
    crate::certificates::pass_quiz(&app, &c, "rut-tham").await;
    let code: String = sqlx::query_scalar("SELECT code FROM certificate").fetch_one(&app.db.pool).await.unwrap();
    let vc = c.get(format!("{}/chung-nhan/{code}/credential.json", app.base)).header("host", "verify-taphuan.example").send().await.unwrap().text().await.unwrap();
    assert!(!vc.contains("verify-taphuan.example"), "{vc}");
}

#[tokio::test]
async fn names_with_hidden_or_controlling_characters_are_refused() {
    let app = TestApp::start().await;
    for (i, name) in ["Nguyễn\u{202E}Văn A", "Nguyễn\nVăn A", "Nguyễn\u{200B}Văn"].iter().enumerate() {
        let phone = format!("098800310{i}");
        let form = [("full_name", *name), ("phone", phone.as_str()), ("password", "mat khau dai du"), ("org_name", "HTX"), ("org_type", "hop-tac-xa"), ("region", "28756"), ("province", "86")];
        let (_, loc) = app.post_form(&app.browser(), "/api/register", &form).await;
        assert_eq!(error_code(&loc), "name_invalid", "{name:?}: {loc}");
    }
    let long = "H".repeat(201);
    let form = [("full_name", "Nguyễn Văn A"), ("phone", "0988003109"), ("password", "mat khau dai du"), ("org_name", long.as_str()), ("org_type", "hop-tac-xa"), ("region", "28756"), ("province", "86")];
    assert_eq!(error_code(&app.post_form(&app.browser(), "/api/register", &form).await.1), "org_invalid");
}

#[tokio::test]
async fn the_database_file_is_its_owners_and_holds_no_live_session_id() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("moi").join("taphuan.db");
    let db = app::db::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    app::db::migrate(&db).await.unwrap();
    for f in [file.clone(), file.with_extension("db-wal")] {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{}: {mode:o}", f.display());
    }
    assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o077, 0);
    drop(db);

    let app = TestApp::start().await;
    app.person("0988 000 092", "Người Đăng Nhập", "28756", None).await;
    let cookie = session_cookie(&app, "0988000092").await;
    let id = cookie.trim_start_matches("taphuan_sid=").split(';').next().unwrap().to_string();
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM session").fetch_all(&app.db.pool).await.unwrap();
    assert!(!stored.is_empty() && !stored.contains(&id), "{id} {stored:?}");
}

#[tokio::test]
async fn the_audit_log_records_powers_and_data_leaving_and_only_admins_read_it() {
    for (backend, app) in TestApp::each_backend().await {
        app.person("0988 000 101", "Bà Quản Trị", "28756", Some(("admin", None))).await;
        let learner = app.person("0988 000 102", "Ông Được Cấp Quyền", "28756", None).await;
        let admin = app.signed_in("0988000101").await;
        let (_, loc) = app.post_form_from(&admin, "/api/grant_role", &[("user_id", &learner), ("role", "official"), ("scope", "86")], Some("10.8.8.8")).await;
        assert!(!loc.contains("loi="), "{backend}: {loc}");
        let res = admin.get(format!("{}/thong-ke/xuat.csv", app.base)).header("x-forwarded-for", "10.8.8.9").send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend}");
        let (_, loc) = app.post_form(&admin, "/api/revoke_role", &[("user_id", &learner), ("role", "official")]).await;
        assert!(!loc.contains("loi="), "{backend}: {loc}");

        let (status, page, _) = app.get_with(&admin, "/quan-tri/nhat-ky").await;
        assert_eq!(status, 200, "{backend}");
        for seen in ["Cấp quyền", "Ông Được Cấp Quyền", "official · 86", "Bà Quản Trị", "10.8.8.8", "Xuất dữ liệu", "thong-ke.csv", "10.8.8.9", "Bỏ quyền"] {
            assert!(page.contains(seen), "{backend}: {seen} missing from the log");
        }
        // Filtered by action, and searched without diacritics.
        let (_, page, _) = app.get_with(&admin, "/quan-tri/nhat-ky?hanh-dong=export").await;
        assert!(page.contains("thong-ke.csv") && !page.contains("Ông Được Cấp Quyền"), "{backend}");
        let (_, page, _) = app.get_with(&admin, "/quan-tri/nhat-ky?q=ong+duoc+cap").await;
        assert!(page.contains("Ông Được Cấp Quyền") && !page.contains("thong-ke.csv"), "{backend}");
        // Nobody else reads it.
        let other = app.signed_in("0988000102").await;
        let (status, page, _) = app.get_with(&other, "/quan-tri/nhat-ky").await;
        assert!(!page.contains("10.8.8.8"), "{backend}: {status}");
        let (status, _, _) = app.get_with(&other, "/api/audit_log?action=&q=&page=0").await;
        assert_eq!(status, 403, "{backend}");
        // Once the person deletes their account, the log keeps what was done to their id, not their name.
        let (_, loc) = app.post_form(&other, "/api/delete_account", &[("confirm", "xoa")]).await;
        assert!(loc.starts_with("/?da-xoa"), "{backend}: {loc}");
        let (_, page, _) = app.get_with(&admin, "/quan-tri/nhat-ky").await;
        assert!(!page.contains("Ông Được Cấp Quyền") && page.contains(&learner), "{backend}: the name is gone, the id stays");
        let (_, page, _) = app.get_with(&admin, "/quan-tri/nhat-ky?q=ong+duoc+cap").await;
        assert!(page.contains("Chưa có việc nào khớp"), "{backend}: the name finds nothing");
    }
}

/// Every row of every table of a SQLite database, as text, table by table in a fixed order.
async fn every_row(db: &app::db::Db) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").fetch_all(&db.pool).await.unwrap();
    let mut out = Vec::new();
    for table in tables {
        let expr: String = sqlx::query_scalar("SELECT group_concat('quote(' || name || ')', ' || ''|'' || ') FROM pragma_table_info($1)").bind(&table).fetch_one(&db.pool).await.unwrap();
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {expr} FROM \"{table}\" ORDER BY 1")).fetch_all(&db.pool).await.unwrap();
        out.push((table, rows));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_learners_write_restores_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/app.db", tmp.path().display());
    let app = TestApp::start_with(crate::util::fresh_db(&url).await, tmp).await;
    let mut learners = Vec::new();
    for i in 0..6 {
        let phone = format!("098820{i}000");
        app.person(&phone, &format!("Học Viên Số {i}"), "28756", None).await;
        learners.push(app.signed_in(&phone).await);
    }
    // Six learners read and take quizzes over HTTP while the backup is taken.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut writers = Vec::new();
    for c in learners {
        let (base, writing) = (app.base.clone(), writing.clone());
        writers.push(tokio::spawn(async move {
            let post = |path: String, form: Vec<(&'static str, String)>| {
                let (c, base) = (c.clone(), base.clone());
                async move { c.post(format!("{base}{path}")).header("origin", &base).header("accept", "text/html").form(&form).send().await.unwrap() }
            };
            let mut rounds = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) || rounds < 2 {
                for lesson in ["mot", "hai", "ba"] {
                    post("/api/mark_lesson_done".into(), vec![("course", "mini".into()), ("lesson", lesson.into())]).await;
                }
                let res = post("/api/start_attempt".into(), vec![("course", "mini".into()), ("quiz", "rut-tham".into())]).await;
                if let Some(loc) = res.headers().get("location").and_then(|v| v.to_str().ok()).filter(|l| l.contains("/lan/")) {
                    post(format!("{loc}/nop"), vec![]).await;
                }
                rounds += 1;
            }
            rounds
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let during = dir.path().join("during.db");
    let (u, d) = (url.clone(), during.clone());
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(env!("CARGO_BIN_EXE_taphuan")).args(["backup", d.to_str().unwrap(), "--database", &u]).output().unwrap()).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    for w in writers {
        assert!(w.await.unwrap() >= 2);
    }
    // The copy taken under writes is whole and consistent.
    let copy = app::db::connect(&format!("sqlite://{}?mode=ro", during.display())).await.unwrap();
    assert_eq!(app::db::integrity_check(&copy).await.unwrap(), "ok");
    let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answer WHERE attempt_id NOT IN (SELECT id FROM attempt)").fetch_one(&copy.pool).await.unwrap();
    assert_eq!(orphans, 0);
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&during).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "{mode:o}");

    // Writes stopped: a second backup, restored into a new database, holds every record the live one does.
    let after = dir.path().join("after.db");
    let restored = dir.path().join("restored.db");
    let run = |args: Vec<String>| std::process::Command::new(env!("CARGO_BIN_EXE_taphuan")).args(args).output().unwrap();
    let out = run(vec!["backup".into(), after.display().to_string(), "--database".into(), url.clone()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(vec!["backup".into(), after.display().to_string(), "--database".into(), url.clone()]);
    assert!(!out.status.success(), "a backup never overwrites a file");
    // A backup never migrates or creates the database it reads.
    let missing = dir.path().join("khong-co.db");
    let out = run(vec!["backup".into(), dir.path().join("x.db").display().to_string(), "--database".into(), format!("sqlite://{}", missing.display())]);
    assert!(!out.status.success() && !missing.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    // A -wal left where the restore would write is refused: SQLite would replay it into the restored file.
    std::fs::write(format!("{}-wal", restored.display()), b"stale").unwrap();
    let out = run(vec!["restore".into(), after.display().to_string(), "--database".into(), format!("sqlite://{}", restored.display())]);
    assert!(!out.status.success() && !restored.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(format!("{}-wal", restored.display())).unwrap();
    let out = run(vec!["restore".into(), after.display().to_string(), "--database".into(), format!("sqlite://{}", restored.display())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::path::Path::new(&format!("{}-wal", restored.display())).exists(), "the restored database is one file");
    let restored = app::db::connect(&format!("sqlite://{}", restored.display())).await.unwrap();
    let (live, back) = (every_row(&app.db).await, every_row(&restored).await);
    let attempts = live.iter().find(|(t, _)| t == "attempt").map(|(_, r)| r.len()).unwrap();
    assert!(attempts >= 12, "{attempts} attempts written");
    assert_eq!(live.len(), back.len());
    for ((t, a), (_, b)) in live.iter().zip(back.iter()) {
        assert!(a == b, "table {t}: {} rows live, {} restored", a.len(), b.len());
    }
}
