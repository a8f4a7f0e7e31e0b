//! A learner finishes a course and gets a certificate: a PDF with their exact name, a signed credential,
//! a public verification page; tampering is detected and revocation shows everywhere.

use crate::quiz::{attempt_questions, key_answers};
use crate::util::TestApp;

pub(crate) async fn pass_quiz(app: &TestApp, c: &reqwest::Client, quiz: &str) {
    let (_, loc) = app.post_form(c, "/api/start_attempt", &[("course", "mini"), ("quiz", quiz)]).await;
    let (_, page, _) = app.get_with(c, &loc).await;
    let fields = key_answers(&attempt_questions(app, &page).await);
    let res = c.post(format!("{}{loc}/nop", app.base)).header("origin", app.base.clone()).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

pub(crate) fn cli(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taphuan")).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
}

#[tokio::test]
async fn a_learner_earns_a_certificate_that_anyone_can_verify() {
    let app = TestApp::start().await;
    app.person("0999 000 001", "Nguyễn Thị Ánh Tuyết", "28756", None).await;
    app.person("0999 000 002", "Cán Bộ Vĩnh Long", "86", Some(("official", Some("86")))).await;
    app.person("0999 000 003", "Cán Bộ Hà Nội", "01", Some(("official", Some("01")))).await;
    let c = app.signed_in("0999000001").await;
    for lesson in ["mot", "hai", "ba"] {
        app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", lesson)]).await;
    }
    let count = |app: &TestApp| {
        let pool = app.db.pool.clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM certificate").fetch_one(&pool).await.unwrap() }
    };
    assert_eq!(count(&app).await, 0, "quizzes not passed yet");
    pass_quiz(&app, &c, "kiem-tra").await;
    assert_eq!(count(&app).await, 0, "one quiz still to pass");
    pass_quiz(&app, &c, "rut-tham").await;
    assert_eq!(count(&app).await, 1, "issued at completion");
    // Passing again or re-marking issues nothing new.
    pass_quiz(&app, &c, "kiem-tra").await;
    app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
    assert_eq!(count(&app).await, 1, "once per learner and course");
    let code: String = sqlx::query_scalar("SELECT code FROM certificate").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(code.len(), 19);

    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains(&format!("/chung-nhan/{code}/pdf")), "listed on the learner's page");

    // The PDF: the exact name comes back out of it.
    let res = c.get(format!("{}/chung-nhan/{code}/pdf", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nguyễn Thị Ánh Tuyết"), "{text}");
    assert!(text.contains("Khoá mẫu chuyển đổi số") && text.contains(&code), "{text}");
    // Only the holder downloads it.
    let stranger = app.signed_in("0999000003").await;
    assert_eq!(stranger.get(format!("{}/chung-nhan/{code}/pdf", app.base)).send().await.unwrap().status().as_u16(), 404);

    // The public page: name, course, date, status, nothing else personal.
    let (status, page, _) = app.get_with(&app.browser(), &format!("/verify/{}", code.to_lowercase())).await;
    assert_eq!(status, 200);
    assert!(page.contains("Chứng nhận hợp lệ") && page.contains("Nguyễn Thị Ánh Tuyết") && page.contains("Khoá mẫu chuyển đổi số"));
    assert!(!page.contains("0999") && !page.contains("HTX"), "no phone or organisation");
    assert_eq!(app.get_with(&app.browser(), "/verify/ABCD-EFGH-JKMN-PQRS").await.0, 404);

    // The credential verifies offline against the published key; a changed one does not.
    let issuer = app.get_with(&app.browser(), "/.well-known/taphuan-issuer.json").await.1;
    let key_file = dir.path().join("issuer.json");
    std::fs::write(&key_file, &issuer).unwrap();
    let vc = c.get(format!("{}/chung-nhan/{code}/credential.json", app.base)).send().await.unwrap().text().await.unwrap();
    let vc_file = dir.path().join("vc.json");
    std::fs::write(&vc_file, &vc).unwrap();
    let k = key_file.to_str().unwrap();
    // Without a revocation list the signature holds, but nobody can say the certificate still stands (M-2).
    let (ok, out) = cli(&["verify-credential", vc_file.to_str().unwrap(), "--key", k]);
    assert!(!ok && out.starts_with("STATUS UNKNOWN") && !out.contains("\nVALID"), "{out}");
    let before = dir.path().join("revocations-before.json");
    std::fs::write(&before, app.get_with(&app.browser(), "/.well-known/taphuan-revocations.json").await.1).unwrap();
    let (ok, out) = cli(&["verify-credential", vc_file.to_str().unwrap(), "--key", k, "--revocations", before.to_str().unwrap()]);
    assert!(ok && out.starts_with("VALID") && out.contains("Nguyễn Thị Ánh Tuyết"), "{out}");
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, vc.replace("Nguyễn Thị Ánh Tuyết", "Nguyễn Văn Giả")).unwrap();
    let (ok, out) = cli(&["verify-credential", tampered.to_str().unwrap(), "--key", k]);
    assert!(!ok && out.contains("INVALID"), "{out}");
    // The QR code's text verifies offline too.
    let cert = app::certificate::api::by_code(&app.db, &code).await.unwrap().unwrap().0;
    let qr = app::certificate::signing::qr_text(&app.base, &cert, &app.signer);
    let (ok, out) = cli(&["verify-credential", &qr, "--key", k, "--revocations", before.to_str().unwrap()]);
    assert!(ok && out.starts_with("VALID"), "{out}");
    let (ok, out) = cli(&["verify-credential", &qr.replace("&s=", "&s=A"), "--key", k, "--revocations", before.to_str().unwrap()]);
    assert!(!ok && out.contains("INVALID"), "{out}");

    // An official of another region may not revoke; one of the holder's region may, with a reason.
    let other = app.signed_in("0999000003").await;
    let (_, loc) = app.post_form(&other, "/api/revoke_certificate", &[("code", &code), ("reason", "Sai thông tin")]).await;
    assert!(loc.contains("loi=forbidden"), "{loc}");
    let official = app.signed_in("0999000002").await;
    let (_, page, _) = app.get_with(&official, &format!("/verify/{code}")).await;
    assert!(page.contains("Thu hồi chứng nhận"), "the official sees the revoke form");
    let (_, loc) = app.post_form(&official, "/api/revoke_certificate", &[("code", &code), ("reason", "Học viên khai sai họ tên")]).await;
    assert_eq!(loc, format!("/verify/{code}"));
    let (_, page, _) = app.get_with(&app.browser(), &format!("/verify/{code}")).await;
    assert!(page.contains("Chứng nhận đã bị thu hồi") && page.contains("Thu hồi ngày"), "{page}");
    // The reason is an official's words about a named person: staff of the area read it, the public does not.
    assert!(!page.contains("Học viên khai sai họ tên"), "{page}");
    let (_, page, _) = app.get_with(&official, &format!("/verify/{code}")).await;
    assert!(page.contains("Học viên khai sai họ tên") && !page.contains("Thu hồi chứng nhận</button>"), "{page}");
    let (_, page, _) = app.get_with(&other, &format!("/verify/{code}")).await;
    assert!(!page.contains("Học viên khai sai họ tên"), "an official of another region: {page}");
    let list = app.get_with(&app.browser(), "/.well-known/taphuan-revocations.json").await.1;
    let list_file = dir.path().join("revocations.json");
    std::fs::write(&list_file, list).unwrap();
    let (ok, out) = cli(&["verify-credential", vc_file.to_str().unwrap(), "--key", k, "--revocations", list_file.to_str().unwrap()]);
    assert!(!ok && out.contains("REVOKED"), "{out}");
    // The list saved before the revocation is signed and still dated; a list is only good for a week, and
    // one without a date is refused, so an old empty list cannot vouch for a revoked certificate for long.
    let listed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&list_file).unwrap()).unwrap();
    assert!(listed["as_of_ms"].as_i64().unwrap() > 0 && listed["seq"].as_i64().unwrap() > 0 && listed["next_update_ms"].as_i64() > listed["as_of_ms"].as_i64());
    let mut undated = listed.clone();
    undated.as_object_mut().unwrap().remove("as_of_ms");
    std::fs::write(&list_file, undated.to_string()).unwrap();
    let (ok, out) = cli(&["verify-credential", vc_file.to_str().unwrap(), "--key", k, "--revocations", list_file.to_str().unwrap()]);
    assert!(!ok && !out.starts_with("VALID"), "{out}");
    // Its holder can no longer fetch freshly signed files: 410 for the PDF and the credential.
    for file in ["pdf", "credential.json"] {
        let res = c.get(format!("{}/chung-nhan/{code}/{file}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 410, "{file}");
        assert!(res.text().await.unwrap().contains("đã bị thu hồi"), "{file}");
    }
}

#[tokio::test]
async fn the_verification_page_is_rate_limited() {
    let app = TestApp::start().await;
    let mut last = 0;
    for i in 0..31 {
        let res = app.client.get(format!("{}/verify/ABCD-EFGH-JKMN-PQR{}", app.base, i % 10)).header("x-forwarded-for", "10.9.9.9").send().await.unwrap();
        last = res.status().as_u16();
    }
    assert_eq!(last, 429, "the 31st lookup in ten minutes is refused");
    let res = app.client.get(format!("{}/verify/ABCD-EFGH-JKMN-PQRS", app.base)).header("x-forwarded-for", "10.9.9.8").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404, "another address is not affected");
}
