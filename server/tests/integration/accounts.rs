//! Managers sign up with a phone number, sign in and out, reset a forgotten password with a one-time link,
//! and every protected endpoint refuses whoever may not use it.

use crate::util::TestApp;

#[tokio::test]
async fn a_manager_signs_up_signs_in_and_out_without_javascript() {
    for (_, app) in TestApp::each_backend().await {
        sign_up_journey(&app).await;
    }
}

async fn sign_up_journey(app: &TestApp) {
    let c = app.browser();
    let (_, provinces, _) = app.get_with(&c, "/dang-ky").await;
    assert!(provinces.contains("href=\"/dang-ky?tinh=86\"") && provinces.contains("Vĩnh Long"));
    let (_, form, _) = app.get_with(&c, "/dang-ky?tinh=86").await;
    assert!(form.contains("Phường Phú Khương") && form.contains("name=\"password\""));

    let reg = [
        ("full_name", "Nguyễn Thị Ánh Tuyết"),
        ("phone", "0912 345 678"),
        ("password", "dừa xanh Bến Tre"),
        ("org_name", "HTX Dừa Xanh"),
        ("org_type", "hop-tac-xa"),
        ("region", "28756"),
        ("province", "86"),
    ];
    let (status, loc) = app.post_form(&c, "/api/register", &reg).await;
    assert_eq!((status, loc.as_str()), (302, "/tai-khoan"));
    let (status, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert_eq!(status, 200);
    assert!(account.contains("Nguyễn Thị Ánh Tuyết") && account.contains("0912 345 678") && account.contains("Phường Phú Khương"));
    assert!(account.contains("Chứng nhận đã cấp vẫn tra cứu được"), "the deletion note is on the page");
    let stored: String = sqlx::query_scalar("SELECT phone FROM app_user WHERE full_name = $1")
        .bind("Nguyễn Thị Ánh Tuyết")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, "+84912345678");
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM app_user WHERE phone = '+84912345678'").fetch_one(&app.db.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$"));

    // The same number again is refused with a clear message.
    let (_, loc) = app.post_form(&app.browser(), "/api/register", &reg).await;
    assert!(loc.contains("loi=phone_taken"), "{loc}");

    // Sign out ends the session on the server: the old cookie is worth nothing.
    let cookie = session_cookie(app, &c).await;
    let (status, loc) = app.post_form(&c, "/api/logout", &[]).await;
    assert_eq!((status, loc.as_str()), (302, "/"));
    let replay = app.client.get(format!("{}/tai-khoan", app.base)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(replay.status().as_u16(), 302, "old session must not open the account page");

    // Sign in again with the number typed another way; the session id is new each time.
    let c2 = app.browser();
    let (status, loc) = app.post_form(&c2, "/api/login", &[("phone", "+84 912 345 678"), ("password", "dừa xanh Bến Tre"), ("next", "/tai-khoan")]).await;
    assert_eq!((status, loc.as_str()), (302, "/tai-khoan"));
    let first = session_cookie(app, &c2).await;
    app.post_form(&c2, "/api/login", &[("phone", "84-912-345-678"), ("password", "dừa xanh Bến Tre"), ("next", "/")]).await;
    let second = session_cookie(app, &c2).await;
    assert_ne!(first, second, "the session id rotates at sign-in");
}

/// The cookie of the newest session in the store (reqwest does not expose its jar); each test has its own
/// database, and the caller has just signed in.
async fn session_cookie(app: &TestApp, _c: &reqwest::Client) -> String {
    let id: String = sqlx::query_scalar("SELECT id FROM session ORDER BY expires_at DESC LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    format!("taphuan_sid={id}")
}

#[tokio::test]
async fn sign_up_refuses_bad_input_with_messages_in_vietnamese() {
    let app = TestApp::start().await;
    let c = app.browser();
    let base = |phone: &'static str, password: &'static str, region: &'static str| {
        vec![("full_name", "Trần Văn Nam"), ("phone", phone), ("password", password), ("org_name", ""), ("org_type", "ho-san-xuat"), ("region", region), ("province", "86")]
    };
    let cases = [
        (base("0912 345 679", "ngắn", "28756"), "password_short", "Mật khẩu cần ít nhất 8 ký tự."),
        (base("0212 345 679", "mat khau dai", "28756"), "phone_invalid", "Số điện thoại di động không đúng"),
        (base("0912 345 679", "mat khau dai", "99999"), "region_invalid", "Hãy chọn xã, phường."),
    ];
    for (form, code, message) in cases {
        let (status, loc) = app.post_form(&c, "/api/register", &form).await;
        assert_eq!(status, 302);
        assert!(loc.starts_with("/dang-ky?tinh=86&") && loc.contains(&format!("loi={code}")), "{loc}");
        let (_, page, _) = app.get_with(&c, &loc).await;
        assert!(page.contains(message), "{code}: {page}");
    }
    let mut tampered = base("0912 345 679", "mat khau dai", "28756");
    tampered[4] = ("org_type", "<script>");
    assert!(app.post_form(&c, "/api/register", &tampered).await.1.contains("loi=org_type_invalid"));
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_user").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(n, 0, "nothing was created");
}

#[tokio::test]
async fn wrong_passwords_are_throttled_while_the_owner_elsewhere_signs_in() {
    let app = TestApp::start().await;
    app.person("0987 654 321", "Lê Thị Hoa", "28756", None).await;
    let attacker = app.browser();
    let wrong = [("phone", "0987654321"), ("password", "sai mat khau"), ("next", "/")];
    let mut codes = Vec::new();
    for _ in 0..20 {
        let (_, loc) = app.post_form_from(&attacker, "/api/login", &wrong, Some("10.0.0.1")).await;
        codes.push(loc.split("loi=").nth(1).and_then(|c| c.split('&').next()).unwrap_or("").to_string());
    }
    assert_eq!(codes[0], "login_failed");
    assert!(codes[5..].iter().all(|c| c == "throttled"), "{codes:?}");
    // Even the right password is refused from the hammering address for now...
    let right = [("phone", "0987654321"), ("password", "mat khau dung"), ("next", "/")];
    let (_, loc) = app.post_form_from(&app.browser(), "/api/login", &right, Some("10.0.0.1")).await;
    assert!(loc.contains("loi=throttled"), "{loc}");
    // ...while the owner on another network signs in.
    let (status, loc) = app.post_form_from(&app.browser(), "/api/login", &right, Some("10.0.0.2")).await;
    assert_eq!((status, loc.as_str()), (302, "/"));
    // Unknown numbers get the very same message as wrong passwords.
    let (_, loc) = app.post_form_from(&app.browser(), "/api/login", &[("phone", "0911111111"), ("password", "bat ky"), ("next", "/")], Some("10.0.0.3")).await;
    assert!(loc.contains("loi=login_failed"), "{loc}");
}

#[tokio::test]
async fn a_trainer_makes_a_one_time_link_and_the_learner_sets_a_new_password() {
    let app = TestApp::start().await;
    let learner = app.person("0911 000 001", "Võ Văn Kiệt", "28756", None).await;
    app.person("0911 000 002", "Trần Thị Cán Bộ", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0911000002").await;
    let (status, loc) = app.post_form(&trainer, "/api/reset_link", &[("user_id", &learner)]).await;
    assert_eq!(status, 302);
    assert!(loc.starts_with("/quan-tri?lien-ket="), "{loc}");
    let (_, page, _) = app.get_with(&trainer, &loc).await;
    let link = page.split("/mat-khau/").nth(1).map(|s| s.split('<').next().unwrap().to_string()).expect("link shown");
    assert!(page.contains("Võ Văn Kiệt"));
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_token WHERE token_hash = $1").bind(&link).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, 0, "only a hash of the token is stored");

    let c = app.browser();
    let (_, form, _) = app.get_with(&c, &format!("/mat-khau/{link}")).await;
    assert!(form.contains("Võ Văn Kiệt"));
    // Too short: the product's own message beside the field, the link still usable, the password not echoed.
    let (_, loc) = app.post_form(&c, "/api/set_password", &[("token", &link), ("password", "ngắn")]).await;
    assert!(loc.ends_with("loi=password_short&o=password"), "{loc}");
    let (_, short, _) = app.get_with(&c, &loc).await;
    let beside = short.find("id=\"password-loi\"").expect("message beside the password");
    assert!(beside > short.find("id=\"password\"").unwrap() && short[beside..].contains("Mật khẩu cần ít nhất 8 ký tự."), "{short}");
    let (status, loc) = app.post_form(&c, "/api/set_password", &[("token", &link), ("password", "mật khẩu mới nhé")]).await;
    assert_eq!((status, loc.as_str()), (302, "/tai-khoan"));
    // A double submit finds the link spent.
    let (_, loc) = app.post_form(&app.browser(), "/api/set_password", &[("token", &link), ("password", "mật khẩu khác nữa")]).await;
    assert!(loc.contains("loi=link_invalid"), "{loc}");
    let (_, spent, _) = app.get_with(&trainer, &format!("/quan-tri?lien-ket={link}")).await;
    assert!(!spent.contains("/mat-khau/"), "a used link is not shown again");
    let (status, _) = app.post_form(&app.browser(), "/api/login", &[("phone", "0911000001"), ("password", "mật khẩu mới nhé"), ("next", "/")]).await;
    assert_eq!(status, 302);
    // A trainer cannot make links for staff.
    let admin = app.person("0911 000 003", "Admin", "86", Some(("admin", None))).await;
    let (_, loc) = app.post_form(&trainer, "/api/reset_link", &[("user_id", &admin)]).await;
    assert!(loc.contains("loi=forbidden"), "{loc}");
}

#[tokio::test]
async fn an_admin_grants_and_revokes_roles() {
    let app = TestApp::start().await;
    app.person("0922 000 001", "Quản Trị Viên", "86", Some(("admin", None))).await;
    let learner = app.person("0922 000 002", "Học Viên", "28756", None).await;
    let admin = app.signed_in("0922000001").await;
    let (_, loc) = app.post_form(&admin, "/api/grant_role", &[("user_id", &learner), ("role", "official"), ("scope", "86")]).await;
    assert_eq!(loc, "/quan-tri");
    let roles = app::db::user::roles(&app.db, &learner).await.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].scope_path.as_deref(), Some("86"));
    let (_, loc) = app.post_form(&admin, "/api/grant_role", &[("user_id", &learner), ("role", "official"), ("scope", "khong-co")]).await;
    assert!(loc.contains("loi=region_invalid"));
    // The refused grant comes back in that person's form: role still chosen, area still typed, the message
    // beside the area, the form open.
    assert!(loc.contains(&format!("o=scope-{learner}")) && loc.contains(&format!("u={learner}")), "{loc}");
    let (_, page, _) = app.get_with(&admin, &loc).await;
    let scope_at = page.find(&format!("id=\"scope-{learner}\"")).expect("the area field");
    let form = &page[page[..scope_at].rfind("<form").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("value=\"official\" selected") && form.contains("value=\"khong-co\""), "{form}");
    assert!(form.contains(&format!("aria-describedby=\"scope-{learner}-loi\"")), "{form}");
    assert!(form.contains(&format!("id=\"scope-{learner}-loi\"")) && form.contains("Hãy chọn xã, phường."), "{form}");
    assert_eq!(page.matches("Hãy chọn xã, phường.").count(), 1, "said once, beside the field");
    let details = &page[page[..scope_at].rfind("<details").unwrap()..scope_at];
    assert!(details.contains(" open"), "{details}");
    let official = app.signed_in("0922000002").await;
    let (_, page, _) = app.get_with(&official, "/").await;
    assert!(page.contains("href=\"/thong-ke\""), "an official sees the statistics link");
    app.post_form(&admin, "/api/revoke_role", &[("user_id", &learner), ("role", "official")]).await;
    assert!(app::db::user::roles(&app.db, &learner).await.unwrap().is_empty());
    let (status, _, _) = app.get_with(&official, "/api/people?q=&link=").await;
    assert_eq!(status, 403, "a revoked role takes effect at once");
}

#[tokio::test]
async fn a_learner_downloads_their_data_and_deletes_their_account() {
    let app = TestApp::start().await;
    let id = app.person("0933 000 001", "Đặng Thị Mai", "28756", None).await;
    let c = app.signed_in("0933000001").await;
    app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
    let (status, json, _) = app.get_with(&c, "/api/my_data").await;
    assert_eq!(status, 200);
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(data["full_name"], "Đặng Thị Mai");
    assert_eq!(data["phone"], "+84933000001");
    assert_eq!(data["lessons_done"][0]["lesson"], "mot");
    let (_, loc) = app.post_form(&c, "/api/delete_account", &[("confirm", "nhầm")]).await;
    assert!(loc.contains("loi=confirm_delete"));
    let (status, loc) = app.post_form(&c, "/api/delete_account", &[("confirm", "XOÁ")]).await;
    assert_eq!((status, loc.as_str()), (302, "/?da-xoa=1"));
    let (name, phone): (String, String) = sqlx::query_as("SELECT full_name, phone FROM app_user WHERE id = $1").bind(&id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((name.as_str(), phone.starts_with("deleted:")), ("", true));
    let (status, _) = app.post_form(&app.browser(), "/api/login", &[("phone", "0933000001"), ("password", "mat khau dung"), ("next", "/")]).await;
    assert_eq!(status, 302);
    let (_, loc) = app.post_form(&app.browser(), "/api/login", &[("phone", "0933000001"), ("password", "mat khau dung"), ("next", "/")]).await;
    assert!(loc.contains("loi=login_failed"));
}

#[tokio::test]
async fn a_signed_in_learner_marks_a_lesson_done_without_javascript() {
    let app = TestApp::start().await;
    app.person("0944 000 001", "Huỳnh Văn Bảy", "28756", None).await;
    let c = app.signed_in("0944000001").await;
    let (_, lesson, _) = app.get_with(&c, "/khoa-hoc/mini/bai/hai").await;
    assert!(lesson.contains("action=\"/api/mark_lesson_done\""));
    let (status, loc) = app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "hai")]).await;
    assert_eq!((status, loc.as_str()), (302, "/khoa-hoc/mini/bai/hai"));
    // A double submit is harmless.
    app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "hai")]).await;
    let (_, lesson, _) = app.get_with(&c, "/khoa-hoc/mini/bai/hai").await;
    assert!(lesson.contains("Bạn đã học xong bài này."));
    let (_, course, _) = app.get_with(&c, "/khoa-hoc/mini").await;
    assert!(course.contains("Đã học 1/3 bài"), "{course}");
    let (_, loc) = app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "khong-co")]).await;
    assert!(loc.contains("loi=not_found"));
}

/// Every protected endpoint, called as each kind of person: anonymous, learner, trainer, an official of
/// another region, and admin. API clients (no `Accept: text/html`) get the status itself.
#[tokio::test]
async fn authorisation_matrix() {
    for (backend, app) in TestApp::each_backend().await {
        authorisation_matrix_on(&backend, &app).await;
    }
}

async fn authorisation_matrix_on(backend: &str, app: &TestApp) {
    let target = app.person("0955 000 001", "Người Học Vĩnh Long", "28756", None).await;
    app.person("0955 000 002", "Trainer", "86", Some(("trainer", None))).await;
    app.person("0955 000 003", "Official Hà Nội", "01", Some(("official", Some("01")))).await;
    app.person("0955 000 004", "Admin", "86", Some(("admin", None))).await;
    let clients = [
        ("anonymous", app.browser()),
        ("learner", app.signed_in("0955000001").await),
        ("trainer", app.signed_in("0955000002").await),
        ("official-other-region", app.signed_in("0955000003").await),
        ("admin", app.signed_in("0955000004").await),
    ];
    let t = target.as_str();
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, [u16; 5]);
    let cases: Vec<Case<'_>> = vec![
        ("GET", "/api/account", vec![], [401, 200, 200, 200, 200]),
        ("GET", "/api/my_data", vec![], [401, 200, 200, 200, 200]),
        ("POST", "/api/mark_lesson_done", vec![("course", "mini"), ("lesson", "mot")], [401, 200, 200, 200, 200]),
        ("GET", "/api/people?q=&link=", vec![], [401, 403, 200, 200, 200]),
        ("POST", "/api/reset_link", vec![("user_id", t)], [401, 403, 200, 403, 200]),
        ("POST", "/api/grant_role", vec![("user_id", t), ("role", "trainer"), ("scope", "")], [401, 403, 403, 403, 200]),
        ("POST", "/api/revoke_role", vec![("user_id", t), ("role", "trainer")], [401, 403, 403, 403, 200]),
        ("POST", "/api/delete_account", vec![("confirm", "không")], [401, 400, 400, 400, 400]),
    ];
    for (method, path, form, expected) in &cases {
        for ((who, client), want) in clients.iter().zip(expected) {
            let url = format!("{}{path}", app.base);
            let req = if *method == "GET" { client.get(url) } else { client.post(url).header("origin", app.base.clone()).form(form) };
            let status = req.send().await.unwrap().status().as_u16();
            assert_eq!(status, *want, "{backend}: {method} {path} as {who}");
        }
    }
    // The official of another region sees nobody from Vĩnh Long.
    let (_, body, _) = app.get_with(&clients[3].1, "/api/people?q=&link=").await;
    assert!(!body.contains("Người Học Vĩnh Long") && body.contains("Official Hà Nội"), "{body}");
    let (_, body, _) = app.get_with(&clients[4].1, "/api/people?q=vinh%20long&link=").await;
    assert!(body.contains("Người Học Vĩnh Long"), "admins see everyone: {body}");
}

#[tokio::test]
async fn the_language_follows_the_account_to_another_phone() {
    let app = TestApp::start().await;
    app.person("0912 111 222", "Người Dùng Tiếng Anh", "28756", None).await;
    let phone_a = app.signed_in("0912111222").await;
    let res = phone_a.get(format!("{}/ngon-ngu?lang=en&next=/", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    // Another phone, no cookie yet: signing in brings English back.
    let phone_b = app.signed_in("0912111222").await;
    let (_, home, _) = app.get_with(&phone_b, "/").await;
    assert!(home.contains("<html lang=\"en\""), "{home}");
}

#[test]
fn one_time_links_never_reach_the_logs() {
    assert_eq!(server::log_path("/mat-khau/abcdef0123"), "/mat-khau/…");
    assert_eq!(server::log_path("/khoa-hoc/x"), "/khoa-hoc/x");
}

#[tokio::test]
async fn the_account_page_lists_the_learners_own_courses_and_progress() {
    for (backend, app) in TestApp::each_backend().await {
        my_courses_journey(&backend, &app).await;
    }
}

async fn my_courses_journey(backend: &str, app: &TestApp) {
    use crate::certificates::pass_quiz;
    app.person("0977 000 001", "Học Viên Khoá Của Tôi", "28756", None).await;
    app.person("0977 000 002", "Học Viên Khác", "28756", None).await;
    let c = app.signed_in("0977000001").await;
    let other = app.signed_in("0977000002").await;
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Khoá học của tôi") && account.contains("Bạn chưa bắt đầu khoá học nào."), "{backend}: {account}");

    // The other learner's course never shows on this page, nor this one's on theirs.
    app.post_form(&other, "/api/mark_lesson_done", &[("course", "chuyen-doi-so"), ("lesson", "ban-hang-tren-san-va-mang-xa-hoi")]).await;

    app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Khoá mẫu chuyển đổi số") && account.contains("Đã học 1/3 bài"), "{backend}: {account}");
    assert!(account.contains("href=\"/khoa-hoc/mini/bai/hai\""), "{backend}: links to where they left off");
    assert!(!account.contains("Điểm kiểm tra cao nhất"), "{backend}: no quiz taken yet");
    assert!(!account.contains("Chuyển đổi số cho hợp tác xã"), "{backend}: another learner's course");

    // A failed attempt (nothing answered) is a score too; the pass replaces it as the best.
    let (_, loc) = app.post_form(&c, "/api/start_attempt", &[("course", "mini"), ("quiz", "kiem-tra")]).await;
    let res = c.post(format!("{}{loc}/nop", app.base)).header("origin", app.base.clone()).form(&[("x", "")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "{backend}");
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Điểm kiểm tra cao nhất: 0,0 %"), "{backend}: {account}");
    pass_quiz(app, &c, "kiem-tra").await;
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Điểm kiểm tra cao nhất: 100,0 %") && !account.contains("Hoàn thành ngày"), "{backend}: {account}");

    for lesson in ["hai", "ba"] {
        app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", lesson)]).await;
    }
    pass_quiz(app, &c, "rut-tham").await;
    let (code, completed): (String, i64) = sqlx::query_as("SELECT certificate_code, completed_at FROM learner_course WHERE course_id = (SELECT id FROM course WHERE slug = 'mini')")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Đã học 3/3 bài") && account.contains("href=\"/khoa-hoc/mini\""), "{backend}: all done links to the course");
    let done_on = format!("Hoàn thành ngày {}", app::i18n::format_date(completed));
    assert!(account.contains(&done_on), "{backend}: {done_on} in {account}");
    assert!(account.contains(&format!("href=\"/verify/{code}\"><code>{code}</code>")), "{backend}: {account}");

    let (_, theirs, _) = app.get_with(&other, "/tai-khoan").await;
    assert!(theirs.contains("Chuyển đổi số cho hợp tác xã") && theirs.contains("Đã học 1/"), "{backend}: {theirs}");
    assert!(!theirs.contains("Khoá mẫu chuyển đổi số") && !theirs.contains(&code), "{backend}: only their own courses");

    // A withdrawn course stays on the page with its record, but links nowhere (its pages answer 404).
    sqlx::query("UPDATE course SET retired_at = 1 WHERE slug = 'mini'").execute(&app.db.pool).await.unwrap();
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("Khoá mẫu chuyển đổi số") && account.contains("Đã học 3/3 bài"), "{backend}: {account}");
    assert!(!account.contains("href=\"/khoa-hoc/mini\""), "{backend}: no link to a withdrawn course");
}

#[tokio::test]
async fn a_refused_sign_up_comes_back_filled_in_with_the_message_beside_the_field() {
    for (_, app) in TestApp::each_backend().await {
        let c = app.browser();
        let form = [
            ("full_name", "Lê Thị Hồng Nhung"),
            ("phone", "0987 654 321"),
            ("password", "ngắn7"),
            ("org_name", "HTX Bưởi Năm Roi & Cam"),
            ("org_type", "hop-tac-xa"),
            ("region", "28756"),
            ("province", "86"),
        ];
        // Posted as a plain form, as a phone without JavaScript does.
        let (status, loc) = app.post_form(&c, "/api/register", &form).await;
        assert_eq!(status, 302);
        assert!(loc.starts_with("/dang-ky?tinh=86&") && loc.contains("loi=password_short") && loc.contains("o=password"), "{loc}");
        assert!(!loc.contains("ng%E1%BA%AFn7") && !loc.contains("password="), "the password never travels back: {loc}");
        let (status, page, _) = app.get_with(&c, &loc).await;
        assert_eq!(status, 200);
        assert!(page.contains("value=\"Lê Thị Hồng Nhung\""), "name kept: {page}");
        assert!(page.contains("value=\"0987 654 321\""), "phone kept");
        assert!(page.contains("value=\"HTX Bưởi Năm Roi &amp; Cam\""), "organisation kept");
        assert!(page.contains("value=\"hop-tac-xa\" selected"), "type kept");
        assert!(page.contains("value=\"28756\" selected"), "commune kept");
        assert!(page.contains("name=\"province\" value=\"86\""), "province kept");
        assert!(!page.contains("ngắn7"), "the password is not on the page");
        // The product's own message sits beside the password field, which points at it.
        let message = "Mật khẩu cần ít nhất 8 ký tự.";
        let field = page.find("id=\"password\"").expect("password field");
        let beside = page.find("id=\"password-loi\"").expect("message beside the password");
        assert!(beside > field && page[beside..].contains(message), "{page}");
        assert!(page[field..beside].contains("aria-describedby=\"password-hint password-loi\""), "{page}");
        assert_eq!(page.matches(message).count(), 1, "said once, beside the field");
    }
}

#[tokio::test]
async fn nothing_personal_is_left_in_a_cache() {
    let app = TestApp::start().await;
    app.person("0955 000 201", "Người Học", "28756", None).await;
    let c = app.signed_in("0955000201").await;
    // Signed in: the pages and the data download say no-store (M-4).
    for path in ["/tai-khoan", "/", "/khoa-hoc/mini", "/api/me", "/api/my_data"] {
        let res = c.get(format!("{}{path}", app.base)).send().await.unwrap();
        let cc = res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(cc.contains("no-store"), "{path}: {cc:?}");
    }
    // An anonymous reader's lesson is not marked private.
    let res = app.browser().get(format!("{}/khoa-hoc/mini", app.base)).send().await.unwrap();
    assert!(!res.headers().get("cache-control").is_some_and(|v| v.to_str().unwrap().contains("no-store")));
    // A one-time link's page is never stored, even for someone not signed in.
    let res = app.browser().get(format!("{}/mat-khau/khong-hop-le", app.base)).send().await.unwrap();
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("no-store"));
}
