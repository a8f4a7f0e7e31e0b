//! Trainers write, preview, review and publish courses in the browser, with plain form posts (the no-JS
//! path; the island calls the same server functions). Each journey runs on SQLite and, when configured,
//! PostgreSQL.

use crate::util::TestApp;
use reqwest::multipart::{Form, Part};

const LESSON_1: &str = "---\ntitle: Bán hàng qua điện thoại\nminutes: 8\n---\n\nNgười mua hỏi giá qua **Zalo** trước khi đến.\n";
const LESSON_2: &str = "---\ntitle: Chụp ảnh sản phẩm\nminutes: 6\n---\n\nChụp gần cửa sổ, nền trơn.\n";
const QUIZ: &str = "---\ntitle: Kiểm tra\npass: 60\n---\n\n## Nên chụp ảnh sản phẩm ở đâu?\n\n- (x) Gần cửa sổ\n- ( ) Trong góc tối\n\n> Ánh sáng tự nhiên cho màu thật.\n";

/// The editor's multipart form post, as a browser without JavaScript sends it; (status, Location).
/// `at` is `<course>/<file>`.
async fn editor_post(app: &TestApp, c: &reqwest::Client, at: &str, text: &str, v: i64, action: &str, photo: Option<(Vec<u8>, &str)>) -> (u16, String) {
    let mut form = Form::new().text("v", v.to_string()).text("text", text.to_string()).text("action", action.to_string());
    if let Some((bytes, alt)) = photo {
        form = form.part("image", Part::bytes(bytes).file_name("IMG_2041.jpg")).text("alt", alt.to_string());
    }
    let res = c.post(format!("{}/soan-thao/{}", app.base, at.replacen('/', "/tep/", 1))).header("origin", app.base.clone()).multipart(form).send().await.unwrap();
    let loc = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (res.status().as_u16(), loc)
}

/// A file's version as the editor page states it.
async fn version_of(app: &TestApp, c: &reqwest::Client, course: &str, file: &str) -> i64 {
    let (status, page, _) = app.get_with(c, &format!("/soan-thao/{course}/tep/{file}")).await;
    assert_eq!(status, 200, "{page}");
    page.split("id=\"editor-v\" value=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse().ok()).expect("version on the page")
}

/// The publish page's draft hash.
async fn plan_hash(app: &TestApp, c: &reqwest::Client, course: &str) -> (String, String) {
    let (status, page, _) = app.get_with(c, &format!("/soan-thao/{course}/xuat-ban")).await;
    assert_eq!(status, 200, "{page}");
    let hash = page.split("name=\"hash\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_string();
    (hash, page)
}

async fn publish(app: &TestApp, c: &reqwest::Client, course: &str) -> String {
    let (hash, page) = plan_hash(app, c, course).await;
    assert!(!hash.is_empty(), "no publish form: {page}");
    let (status, loc) = app.post_form(c, "/api/author/publish", &[("course", course), ("hash", &hash), ("comment", "")]).await;
    assert_eq!(status, 302);
    loc
}

/// A phone photo: 3000 × 2000 with detail, and an EXIF block holding a GPS position.
fn phone_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(3000, 2000, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&img).unwrap();
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS-10.2415N-105.9718E";
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(exif);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn trainer_writes(app: &TestApp, trainer: &reqwest::Client) {
    let (status, loc) = app.post_form(trainer, "/api/author/create", &[("title", "Bán hàng trực tuyến cho HTX Đồng Tháp"), ("slug", "")]).await;
    assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang-truc-tuyen-cho-htx-dong-thap"), "the slug is folded from the title, đ → d");
    let slug = "ban-hang-truc-tuyen-cho-htx-dong-thap";
    // A draft is never visible to learners.
    assert_eq!(app.get(&format!("/khoa-hoc/{slug}")).await.0, 404);
    let v = version_of(app, trainer, slug, "course.toml").await;
    let (status, loc) = app
        .post_form(trainer, "/api/author/card", &[
            ("course", slug), ("new_slug", "ban-hang"), ("title", "Bán hàng trực tuyến"), ("summary", "Bán qua điện thoại và sàn."),
            ("category", "chuyen-doi-so"), ("audience", "Chủ hộ, HTX"), ("hours", "1,5"), ("version", "1.0"), ("last_reviewed", ""),
            ("authors", "Trung tâm Khuyến nông"), ("lessons", "all"), ("quizzes", "all"), ("v", &v.to_string()),
        ])
        .await;
    assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang?luu=1"), "the slug can change before the first publish");
    let v = version_of(app, trainer, "ban-hang", "01-gioi-thieu.md").await;
    // "Xem trước" without JavaScript saves, then shows the preview.
    let (status, loc) = editor_post(app, trainer, "ban-hang/01-gioi-thieu.md", LESSON_1, v, "preview", None).await;
    assert_eq!((status, loc.as_str()), (303, "/soan-thao/ban-hang/tep/01-gioi-thieu.md?xem=1#xem-truoc"));
    let (_, page, _) = app.get_with(trainer, "/soan-thao/ban-hang/tep/01-gioi-thieu.md?xem=1").await;
    assert!(page.contains("Người mua hỏi giá qua <strong>Zalo</strong>"), "the preview is the rendered lesson");
    let (status, loc) = app.post_form(trainer, "/api/author/add", &[("course", "ban-hang"), ("kind", "lesson"), ("title", "Chụp ảnh sản phẩm")]).await;
    assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang/tep/02-chup-anh-san-pham.md"));
    let v = version_of(app, trainer, "ban-hang", "02-chup-anh-san-pham.md").await;
    let (status, loc) = editor_post(app, trainer, "ban-hang/02-chup-anh-san-pham.md", LESSON_2, v, "upload", Some((phone_photo(), "Hũ mắm trên nền trơn"))).await;
    assert_eq!((status, loc.as_str()), (303, "/soan-thao/ban-hang/tep/02-chup-anh-san-pham.md?anh=images/hu-mam-tren-nen-tron.jpg"));
    let (status, loc) = app.post_form(trainer, "/api/author/add", &[("course", "ban-hang"), ("kind", "quiz"), ("title", "Kiểm tra")]).await;
    assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang/tep/03-kiem-tra.quiz.md"));
    let v = version_of(app, trainer, "ban-hang", "03-kiem-tra.quiz.md").await;
    editor_post(app, trainer, "ban-hang/03-kiem-tra.quiz.md", QUIZ, v, "save", None).await;
    // The quiz preview shows the learner's view and the trainer's, with the key and the explanation.
    let (_, page, _) = app.get_with(trainer, "/soan-thao/ban-hang/tep/03-kiem-tra.quiz.md").await;
    assert!(page.contains("Người soạn thấy") && page.contains("Ánh sáng tự nhiên cho màu thật."), "{page}");
}

#[tokio::test]
async fn a_trainer_writes_a_course_with_a_photo_and_a_quiz_and_a_learner_passes_it() {
    for (_, app) in TestApp::each_backend().await {
        app.person("0912 000 001", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
        app.person("0912 000 002", "Học Viên", "28756", None).await;
        let trainer = app.signed_in("0912000001").await;
        trainer_writes(&app, &trainer).await;

        // The photo was re-encoded: at most 1280 wide and 120 KB, a JPEG, no EXIF (so no GPS).
        let (status, page, _) = app.get_with(&trainer, "/soan-thao/ban-hang/xuat-ban").await;
        assert_eq!(status, 200);
        assert!(page.contains("images/hu-mam-tren-nen-tron.jpg") && page.contains("02-chup-anh-san-pham.md"), "{page}");
        let photo = trainer.get(format!("{}/soan-thao/ban-hang/nhap/images/hu-mam-tren-nen-tron.jpg", app.base)).send().await.unwrap().bytes().await.unwrap();
        let decoded = image::load_from_memory(&photo).unwrap();
        assert!(decoded.width() <= 1280 && photo.len() <= 120 * 1024, "{}×{} {} bytes", decoded.width(), decoded.height(), photo.len());
        assert!(photo.starts_with(&[0xFF, 0xD8]));
        assert!(!photo.windows(4).any(|w| w == b"Exif") && !photo.windows(3).any(|w| w == b"GPS"), "EXIF stripped");

        let loc = publish(&app, &trainer, "ban-hang").await;
        assert_eq!(loc, "/soan-thao/ban-hang?da-xuat-ban=1");
        let (source, by): (String, Option<String>) = sqlx::query_as("SELECT r.source, r.published_by FROM course c JOIN course_revision r ON r.id = c.current_revision_id WHERE c.slug = 'ban-hang'").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(source, "browser");
        assert!(by.is_some());

        let learner = app.signed_in("0912000002").await;
        let (status, lesson, _) = app.get_with(&learner, "/khoa-hoc/ban-hang/bai/chup-anh-san-pham").await;
        assert_eq!(status, 200);
        assert!(lesson.contains("/khoa-hoc/ban-hang/tep/images/hu-mam-tren-nen-tron.jpg") && lesson.contains("alt=\"Hũ mắm trên nền trơn\""), "{lesson}");
        let (status, _) = app.get("/khoa-hoc/ban-hang/tep/images/hu-mam-tren-nen-tron.jpg").await;
        assert_eq!(status, 200);
        // The learner passes the quiz with the key the trainer wrote.
        let (status, loc) = app.post_form(&learner, "/api/start_attempt", &[("course", "ban-hang"), ("quiz", "kiem-tra")]).await;
        assert_eq!(status, 302, "{loc}");
        let (_, attempt, _) = app.get_with(&learner, &loc).await;
        let qs = crate::quiz::attempt_questions(&app, &attempt).await;
        assert_eq!(qs.len(), 1);
        let fields = crate::quiz::key_answers(&qs);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        app.post_form(&learner, &format!("{loc}/nop"), &fields).await;
        let (_, result, _) = app.get_with(&learner, &loc).await;
        assert!(result.contains("100%") && result.contains("Bạn đã đạt."), "{result}");
    }
}

#[tokio::test]
async fn a_changed_lesson_keeps_the_learners_progress_and_says_it_was_updated() {
    for (_, app) in TestApp::each_backend().await {
        app.person("0912 000 011", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
        app.person("0912 000 012", "Học Viên", "28756", None).await;
        let trainer = app.signed_in("0912000011").await;
        trainer_writes(&app, &trainer).await;
        publish(&app, &trainer, "ban-hang").await;
        let learner = app.signed_in("0912000012").await;
        for lesson in ["gioi-thieu", "chup-anh-san-pham"] {
            let (status, _) = app.post_form(&learner, "/api/mark_lesson_done", &[("course", "ban-hang"), ("lesson", lesson)]).await;
            assert_eq!(status, 302);
        }
        // The trainer changes one lesson and publishes; the publish page shows the line diff first.
        let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
        editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("trước khi đến", "vào buổi tối"), v, "save", None).await;
        let (_, page) = plan_hash(&app, &trainer, "ban-hang").await;
        assert!(page.contains("− Người mua hỏi giá qua **Zalo** trước khi đến.") && page.contains("+ Người mua hỏi giá qua **Zalo** vào buổi tối."), "{page}");
        assert!(!page.contains("02-chup-anh-san-pham.md"), "an unchanged lesson is not listed");
        publish(&app, &trainer, "ban-hang").await;
        let (_, course, _) = app.get_with(&learner, "/khoa-hoc/ban-hang").await;
        assert!(course.contains("badge updated"), "the changed lesson says it was updated: {course}");
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lesson_progress p JOIN app_user u ON u.id = p.user_id WHERE u.phone = '+84912000012'").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(done, 2, "both lessons stay done");
    }
}

#[tokio::test]
async fn two_editors_save_the_same_lesson_and_both_texts_survive() {
    for (_, app) in TestApp::each_backend().await {
        app.person("0912 000 021", "Người Soạn Một", "86", Some(("trainer", None))).await;
        let second = app.person("0912 000 022", "Người Soạn Hai", "86", Some(("trainer", None))).await;
        let one = app.signed_in("0912000021").await;
        trainer_writes(&app, &one).await;
        let course: String = sqlx::query_scalar("SELECT id FROM course WHERE slug = 'ban-hang'").fetch_one(&app.db.pool).await.unwrap();
        app::db::authoring::add_member(&app.db, &course, &second, "maintainer").await.unwrap();
        let two = app.signed_in("0912000022").await;
        // Both open the lesson at the same version.
        let v = version_of(&app, &one, "ban-hang", "01-gioi-thieu.md").await;
        assert_eq!(version_of(&app, &two, "ban-hang", "01-gioi-thieu.md").await, v);
        let (s1, _) = editor_post(&app, &one, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("Zalo", "Zalo của HTX"), v, "save", None).await;
        assert_eq!(s1, 303);
        let (s2, loc) = editor_post(&app, &two, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("Zalo", "Facebook"), v, "save", None).await;
        assert_eq!((s2, loc.as_str()), (303, "/soan-thao/ban-hang/tep/01-gioi-thieu.md?loi=author_conflict&o=text"));
        // The first text is the file; the second is kept aside and shown with its diff.
        let (_, page, _) = app.get_with(&two, "/soan-thao/ban-hang/tep/01-gioi-thieu.md").await;
        assert!(page.contains("Zalo của HTX"), "the first save stands");
        assert!(page.contains("Bản của Người Soạn Hai") && page.contains("+ Người mua hỏi giá qua **Facebook**"), "{page}");
        // Choosing the kept text makes it the file.
        let id: String = sqlx::query_scalar("SELECT id FROM draft_conflict").fetch_one(&app.db.pool).await.unwrap();
        let v = version_of(&app, &two, "ban-hang", "01-gioi-thieu.md").await;
        let (status, _) = app.post_form(&two, "/api/author/resolve", &[("course", "ban-hang"), ("path", "01-gioi-thieu.md"), ("id", &id), ("action", "use"), ("v", &v.to_string())]).await;
        assert_eq!(status, 302);
        let (_, page, _) = app.get_with(&two, "/soan-thao/ban-hang/tep/01-gioi-thieu.md").await;
        assert!(page.contains("**Facebook**") && !page.contains("Bản của Người Soạn Hai"), "resolved");
    }
}

#[tokio::test]
async fn a_publish_request_reaches_learners_only_once_a_reviewer_approves_it() {
    for (_, app) in TestApp::each_backend().await {
        app.person("0912 000 031", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
        app.person("0912 000 032", "Quản Trị", "86", Some(("admin", None))).await;
        let reviewer = app.person("0912 000 033", "Người Duyệt", "86", Some(("trainer", None))).await;
        let trainer = app.signed_in("0912000031").await;
        let admin = app.signed_in("0912000032").await;
        trainer_writes(&app, &trainer).await;
        publish(&app, &trainer, "ban-hang").await;
        // The admin names a reviewer and turns review on, with plain forms.
        let (status, _) = app.post_form(&admin, "/api/author/member", &[("course", "ban-hang"), ("phone", "0912 000 033"), ("role", "reviewer")]).await;
        assert_eq!(status, 302);
        app.post_form(&admin, "/api/author/review-setting", &[("course", "ban-hang"), ("required", "1")]).await;
        // Only an admin may do that.
        let (status, loc) = app.post_form(&trainer, "/api/author/review-setting", &[("course", "ban-hang")]).await;
        assert_eq!((status, loc.contains("loi=forbidden")), (302, true), "{loc}");

        let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
        editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("Zalo", "Zalo OA"), v, "save", None).await;
        let loc = publish(&app, &trainer, "ban-hang").await;
        assert_eq!(loc, "/soan-thao/ban-hang/xuat-ban?da-gui=1", "publishing became a request");
        let (_, lesson) = app.get("/khoa-hoc/ban-hang/bai/gioi-thieu").await;
        assert!(!lesson.contains("Zalo OA"), "not yet for learners");
        // The draft is frozen while it waits.
        let (_, loc) = editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", "đổi tiếp", v + 1, "save", None).await;
        assert!(loc.contains("loi=author_frozen"), "{loc}");
        // The requester cannot approve their own request; the named reviewer can.
        let (hash, _) = plan_hash(&app, &trainer, "ban-hang").await;
        let (_, loc) = app.post_form(&trainer, "/api/author/approve", &[("course", "ban-hang"), ("hash", &hash), ("comment", "")]).await;
        assert!(loc.contains("loi=forbidden"), "{loc}");
        let rev = app.signed_in("0912000033").await;
        let (hash, page) = plan_hash(&app, &rev, "ban-hang").await;
        assert!(page.contains("Duyệt và xuất bản") && page.contains("+ Người mua hỏi giá qua **Zalo OA**"), "{page}");
        let (status, loc) = app.post_form(&rev, "/api/author/approve", &[("course", "ban-hang"), ("hash", &hash), ("comment", "Đã kiểm tra nguồn.")]).await;
        assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang?da-duyet=1"));
        let (_, lesson) = app.get("/khoa-hoc/ban-hang/bai/gioi-thieu").await;
        assert!(lesson.contains("Zalo OA"), "learners see the approved text");
        // Every step is recorded: who, when, which revision.
        let (_, history, _) = app.get_with(&trainer, "/soan-thao/ban-hang/lich-su").await;
        assert!(history.contains("Gửi duyệt") && history.contains("Duyệt") && history.contains("Đã kiểm tra nguồn.") && history.contains("Người Duyệt"), "{history}");
        let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM course_event ORDER BY at, id").fetch_all(&app.db.pool).await.unwrap();
        assert_eq!(kinds, ["publish", "request", "approve"]);
        let _ = reviewer;

        // A request sent back needs a comment and unfreezes the draft.
        let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
        editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("Zalo", "Zalo Shop"), v, "save", None).await;
        publish(&app, &trainer, "ban-hang").await;
        let (_, loc) = app.post_form(&rev, "/api/author/reject", &[("course", "ban-hang"), ("comment", "")]).await;
        assert!(loc.contains("loi=author_comment"), "{loc}");
        let (_, loc) = app.post_form(&rev, "/api/author/reject", &[("course", "ban-hang"), ("comment", "Thiếu nguồn.")]).await;
        assert_eq!(loc, "/soan-thao/ban-hang?tra-lai=1");
        let (_, lesson) = app.get("/khoa-hoc/ban-hang/bai/gioi-thieu").await;
        assert!(!lesson.contains("Zalo Shop"));
        let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
        let (_, loc) = editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", LESSON_1, v, "save", None).await;
        assert!(loc.ends_with("luu=1"), "editable again: {loc}");
    }
}

#[tokio::test]
async fn history_opens_every_revision_and_restores_one_as_the_draft() {
    let app = TestApp::start().await;
    app.person("0912 000 041", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0912000041").await;
    trainer_writes(&app, &trainer).await;
    publish(&app, &trainer, "ban-hang").await;
    let first: String = sqlx::query_scalar("SELECT current_revision_id FROM course WHERE slug = 'ban-hang'").fetch_one(&app.db.pool).await.unwrap();
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &LESSON_1.replace("Zalo", "Viber"), v, "save", None).await;
    publish(&app, &trainer, "ban-hang").await;
    let (status, old, _) = app.get_with(&trainer, &format!("/soan-thao/ban-hang/lich-su/{first}")).await;
    assert_eq!(status, 200);
    assert!(old.contains("<strong>Zalo</strong>") && !old.contains("Viber"), "the first revision as it was");
    let (status, loc) = app.post_form(&trainer, "/api/author/restore", &[("course", "ban-hang"), ("rev", &first)]).await;
    assert_eq!((status, loc.as_str()), (302, "/soan-thao/ban-hang?khoi-phuc=1"));
    let (_, lesson) = app.get("/khoa-hoc/ban-hang/bai/gioi-thieu").await;
    assert!(lesson.contains("Viber"), "restoring makes a draft, not a publish");
    let (_, page) = plan_hash(&app, &trainer, "ban-hang").await;
    assert!(page.contains("+ Người mua hỏi giá qua **Zalo** trước khi đến."), "{page}");
    // Removing a lesson shows as a removal on the publish page; course.toml cannot be removed.
    let v = version_of(&app, &trainer, "ban-hang", "02-chup-anh-san-pham.md").await;
    let (_, loc) = app.post_form(&trainer, "/api/author/remove", &[("course", "ban-hang"), ("path", "02-chup-anh-san-pham.md"), ("v", &v.to_string())]).await;
    assert_eq!(loc, "/soan-thao/ban-hang?xoa=1");
    let (_, page) = plan_hash(&app, &trainer, "ban-hang").await;
    assert!(page.contains("<span class=\"badge removed\">Xoá</span>") && page.contains("02-chup-anh-san-pham.md"), "{page}");
    let (_, loc) = app.post_form(&trainer, "/api/author/remove", &[("course", "ban-hang"), ("path", "course.toml"), ("v", "1")]).await;
    assert!(loc.contains("loi=author_keep_card"), "{loc}");
}

#[tokio::test]
async fn only_a_courses_maintainers_may_touch_it() {
    let app = TestApp::start().await;
    app.person("0912 000 051", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    app.person("0912 000 052", "Cán Bộ Khác", "86", Some(("trainer", None))).await;
    app.person("0912 000 053", "Học Viên", "28756", None).await;
    let owner = app.signed_in("0912000051").await;
    trainer_writes(&app, &owner).await;
    let other = app.signed_in("0912000052").await;
    let learner = app.signed_in("0912000053").await;
    for c in [&other, &learner] {
        for path in ["/soan-thao/ban-hang", "/soan-thao/ban-hang/tep/01-gioi-thieu.md", "/soan-thao/ban-hang/xuat-ban", "/soan-thao/ban-hang/lich-su", "/soan-thao/ban-hang/tai-ve", "/soan-thao/ban-hang/nhap/images/hu-mam-tren-nen-tron.jpg"] {
            let (status, _, _) = app.get_with(c, path).await;
            assert_eq!(status, 403, "{path}");
        }
        let (status, _) = editor_post(&app, c, "ban-hang/01-gioi-thieu.md", "<script>", 0, "save", None).await;
        assert_eq!(status, 403);
        for (path, form) in [
            ("/api/author/publish", vec![("course", "ban-hang"), ("hash", "x"), ("comment", "")]),
            ("/api/author/add", vec![("course", "ban-hang"), ("kind", "lesson"), ("title", "x")]),
            ("/api/author/remove", vec![("course", "ban-hang"), ("path", "01-gioi-thieu.md"), ("v", "1")]),
            ("/api/author/restore", vec![("course", "ban-hang"), ("rev", "x")]),
            ("/api/author/discard", vec![("course", "ban-hang")]),
        ] {
            let (_, loc) = app.post_form(c, path, &form).await;
            assert!(loc.contains("loi=forbidden"), "{path}: {loc}");
        }
        // The island's endpoints too.
        for end in ["tu-luu", "xem-truoc"] {
            let res = c
                .post(format!("{}/soan-thao/ban-hang/tep/01-gioi-thieu.md/{end}", app.base))
                .header("origin", app.base.clone())
                .form(&[("text", "x"), ("v", "1")])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 403, "{end}");
        }
    }
    // A learner cannot create courses; nobody signed out reaches the pages.
    let (_, loc) = app.post_form(&learner, "/api/author/create", &[("title", "Khoá lạ"), ("slug", "")]).await;
    assert!(loc.contains("loi=forbidden"), "{loc}");
    let (status, _, loc) = app.get_with(&app.browser(), "/soan-thao/ban-hang").await;
    assert_eq!((status, loc.as_str()), (302, "/dang-nhap?next=/soan-thao/ban-hang"));
    let text: String = sqlx::query_scalar("SELECT CAST(bytes AS TEXT) FROM draft_file WHERE path = '01-gioi-thieu.md'").fetch_one(&app.db.pool).await.unwrap_or_default();
    assert!(!text.contains("<script>"));
}

#[tokio::test]
async fn autosave_is_limited_per_person() {
    let app = TestApp::start().await;
    app.person("0912 000 061", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0912000061").await;
    trainer_writes(&app, &trainer).await;
    let mut v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    let mut refused = 0;
    for i in 0..40 {
        let res = trainer
            .post(format!("{}/soan-thao/ban-hang/tep/01-gioi-thieu.md/tu-luu", app.base))
            .header("origin", app.base.clone())
            .form(&[("text", &format!("{LESSON_1}\n{i}")), ("v", &v.to_string())])
            .send()
            .await
            .unwrap();
        if res.status().is_success() {
            v += 1;
            assert_eq!(res.text().await.unwrap(), format!("saved {v}"));
        } else {
            assert_eq!(res.status().as_u16(), 400);
            refused += 1;
        }
    }
    assert!(refused > 0 && refused < 40, "{refused} of 40 refused");
}

#[tokio::test]
async fn photos_that_are_not_photos_or_would_exhaust_memory_are_refused_with_a_message() {
    let app = TestApp::start().await;
    app.person("0912 000 071", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0912000071").await;
    trainer_writes(&app, &trainer).await;
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    let typed = format!("{LESSON_1}\nĐoạn vừa gõ.\n");
    let (_, loc) = editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &typed, v, "upload", Some((b"day khong phai anh, chi la chu".to_vec(), "ảnh"))).await;
    assert!(loc.ends_with("loi=author_image_not_image&o=image"), "{loc}");
    let (_, page, _) = app.get_with(&trainer, &loc).await;
    assert!(page.contains("Tệp này không phải ảnh JPEG, PNG hay WebP.") && page.contains("Đoạn vừa gõ."), "the message, and the text typed is kept");
    // A PNG whose header says 30,000 × 30,000: refused from the header, before any pixel is decoded.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    for (kind, data) in [(&b"IDAT"[..], &[0x78u8, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..]), (&b"IEND"[..], &[][..])] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    let (_, loc) = editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &typed, v, "upload", Some((png, "ảnh lớn"))).await;
    assert!(loc.ends_with("loi=author_image_too_many_pixels&o=image"), "{loc}");
    // A photo needs its description.
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    let (_, loc) = editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &typed, v, "upload", Some((phone_photo(), " "))).await;
    assert!(loc.ends_with("loi=author_alt&o=alt"), "{loc}");
    let images: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM draft_file WHERE path LIKE 'images/%'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(images, 1, "only the photo of the journey");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

async fn upload_zip(app: &TestApp, c: &reqwest::Client, bytes: Vec<u8>, course: Option<&str>) -> String {
    let mut form = Form::new().part("zip", Part::bytes(bytes).file_name("khoa.zip"));
    if let Some(course) = course {
        form = form.text("course", course.to_string());
    }
    let res = c.post(format!("{}/soan-thao/nhap-zip", app.base)).header("origin", app.base.clone()).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    res.headers().get("location").unwrap().to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_course_zip_round_trips_byte_for_byte_and_unsafe_zips_are_refused() {
    for (_, app) in TestApp::each_backend().await {
        app.person("0912 000 081", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
        let trainer = app.signed_in("0912000081").await;
        trainer_writes(&app, &trainer).await;
        publish(&app, &trainer, "ban-hang").await;
        let download = |c: reqwest::Client, base: String| async move { c.get(format!("{base}/soan-thao/ban-hang/tai-ve")).send().await.unwrap().bytes().await.unwrap().to_vec() };
        let first = download(trainer.clone(), app.base.clone()).await;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(first.clone())).unwrap();
        let names: Vec<String> = archive.file_names().map(|n| n.unwrap().to_string()).collect();
        assert!(names.contains(&"ban-hang/course.toml".to_string()) && names.contains(&"ban-hang/images/hu-mam-tren-nen-tron.jpg".to_string()), "{names:?}");
        // The zip loads with the folder checker, as a folder would.
        let dir = tempfile::tempdir().unwrap();
        archive.extract(dir.path()).unwrap();
        app::content::load_course(&dir.path().join("ban-hang")).expect("the exported folder passes the checker");
        // Upload it back into the course, publish (nothing changed), download: the same bytes.
        let loc = upload_zip(&app, &trainer, first.clone(), Some("ban-hang")).await;
        assert_eq!(loc, "/soan-thao/ban-hang/xuat-ban?zip=1");
        let (_, page) = plan_hash(&app, &trainer, "ban-hang").await;
        assert!(page.contains("Không có thay đổi nào"), "{page}");
        publish(&app, &trainer, "ban-hang").await;
        assert_eq!(download(trainer.clone(), app.base.clone()).await, first, "export → import → export is byte-identical");

        // A zip that climbs out of its folder, and a zip bomb.
        let evil = {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            w.start_file("ban-hang/../../etc/cron.d/x", zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut w, b"* * * * * root true").unwrap();
            w.finish().unwrap().into_inner()
        };
        let loc = upload_zip(&app, &trainer, evil, Some("ban-hang")).await;
        assert_eq!(loc, "/soan-thao/ban-hang?loi=author_zip_unsafe_path&o=zip#zip");
        let bomb = {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            w.start_file("ban-hang/01-bom.md", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..60 {
                std::io::Write::write_all(&mut w, &zeros).unwrap();
            }
            w.finish().unwrap().into_inner()
        };
        assert!(bomb.len() < 1024 * 1024, "the bomb is small: {} bytes", bomb.len());
        let loc = upload_zip(&app, &trainer, bomb, None).await;
        assert_eq!(loc, "/soan-thao?loi=author_zip_too_large&o=zip#zip");
        let (_, page, _) = app.get_with(&trainer, &loc).await;
        assert!(page.contains("Tệp zip lớn hơn 50 MB khi giải nén."), "{page}");
        let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course_draft").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(drafts, 0, "nothing was written");
    }
}

#[tokio::test]
async fn a_folder_never_overwrites_a_browser_edit_and_export_writes_it_back_out() {
    let app = TestApp::start().await;
    app.person("0912 000 091", "Cán Bộ Soạn", "86", Some(("admin", None))).await;
    let admin = app.signed_in("0912000091").await;
    // A shipped course, imported from its folder, edited in the browser by an admin.
    let v = version_of(&app, &admin, "mini", "01-mot.md").await;
    let (_, text, _) = app.get_with(&admin, "/soan-thao/mini/tep/01-mot.md").await;
    assert_eq!(v, 0, "no draft yet");
    assert!(text.contains("<textarea"));
    let source: String = sqlx::query_scalar("SELECT s.text FROM course c JOIN course_source s ON s.course_revision_id = c.current_revision_id WHERE c.slug = 'mini' AND s.path = '01-mot.md'").fetch_one(&app.db.pool).await.unwrap();
    editor_post(&app, &admin, "mini/01-mot.md", &format!("{source}\nSửa trên trình duyệt.\n"), 0, "save", None).await;
    publish(&app, &admin, "mini").await;
    // Re-importing the folder keeps the browser's revision.
    let folder = tempfile::tempdir().unwrap();
    crate::util::copy_dir(&crate::util::fixtures(), folder.path());
    server::import_courses(&app.db, folder.path(), false).await.unwrap();
    let (_, lesson) = app.get("/khoa-hoc/mini/bai/mot").await;
    assert!(lesson.contains("Sửa trên trình duyệt."), "the folder did not overwrite the browser edit");
    // export-courses writes it back as a folder the checker accepts.
    let out = tempfile::tempdir().unwrap();
    let n = server::export_courses(&app.db, out.path()).await.unwrap();
    assert!(n >= 4);
    let written = std::fs::read_to_string(out.path().join("mini/01-mot.md")).unwrap();
    assert!(written.ends_with("Sửa trên trình duyệt.\n"));
    let report = app::content::load_dir(out.path());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.courses.iter().any(|c| c.slug == "mini"));
}

#[tokio::test]
async fn the_xss_corpus_typed_into_the_editor_reaches_no_page() {
    let app = TestApp::start().await;
    app.person("0912 000 101", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0912000101").await;
    trainer_writes(&app, &trainer).await;
    let corpus = include_str!("../../../app/tests/fixtures/xss.txt");
    let body: String = corpus.lines().filter(|l| !l.is_empty()).map(|l| format!("{l}\n\n")).collect();
    let title = "<script>alert(1)</script>";
    let text = format!("---\ntitle: \"{title}\"\nminutes: 5\n---\n\n{body}");
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &text, v, "preview", None).await;
    let quiz = format!("---\ntitle: Kiểm tra\n---\n\n## {}\n\n- (x) <img src=x onerror=alert(1)>\n- ( ) [x](javascript:alert(1))\n\n> <svg onload=alert(1)>\n", "<script>alert(2)</script>");
    let v = version_of(&app, &trainer, "ban-hang", "03-kiem-tra.quiz.md").await;
    editor_post(&app, &trainer, "ban-hang/03-kiem-tra.quiz.md", &quiz, v, "save", None).await;
    // The live preview answers with the same sanitised markup.
    let live = trainer
        .post(format!("{}/soan-thao/ban-hang/tep/01-gioi-thieu.md/xem-truoc", app.base))
        .header("origin", app.base.clone())
        .form(&[("text", &text)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(live.contains("<p>") && live.contains("id=\"preview-problems\""), "the preview rendered: {live}");
    let mut pages = vec![live];
    for p in ["/soan-thao/ban-hang/tep/01-gioi-thieu.md?xem=1", "/soan-thao/ban-hang/tep/03-kiem-tra.quiz.md", "/soan-thao/ban-hang/xuat-ban"] {
        pages.push(app.get_with(&trainer, p).await.1);
    }
    // The checker refuses script links at their line, so those cannot be published; the rest of the corpus is.
    let (_, plan) = plan_hash(&app, &trainer, "ban-hang").await;
    assert!(plan.contains("uses a scheme that is not allowed"), "{plan}");
    let allowed: String = text.lines().filter(|l| !l.to_lowercase().contains("script:") && !l.contains("&#106;")).map(|l| format!("{l}\n")).collect();
    let v = version_of(&app, &trainer, "ban-hang", "01-gioi-thieu.md").await;
    editor_post(&app, &trainer, "ban-hang/01-gioi-thieu.md", &allowed, v, "save", None).await;
    let v = version_of(&app, &trainer, "ban-hang", "03-kiem-tra.quiz.md").await;
    editor_post(&app, &trainer, "ban-hang/03-kiem-tra.quiz.md", &quiz.replace("[x](javascript:alert(1))", "không"), v, "save", None).await;
    publish(&app, &trainer, "ban-hang").await;
    let (status, lesson) = app.get("/khoa-hoc/ban-hang/bai/gioi-thieu").await;
    assert_eq!(status, 200, "published: {lesson}");
    assert!(lesson.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the title is shown as text");
    pages.push(lesson);
    pages.push(app.get("/khoa-hoc/ban-hang").await.1);
    pages.push(app.get_with(&trainer, "/soan-thao/ban-hang").await.1);
    let rev: String = sqlx::query_scalar("SELECT current_revision_id FROM course WHERE slug = 'ban-hang'").fetch_one(&app.db.pool).await.unwrap();
    pages.push(app.get_with(&trainer, &format!("/soan-thao/ban-hang/lich-su/{rev}")).await.1);
    for (i, page) in pages.iter().enumerate() {
        if let Some(bad) = unsafe_markup(page) {
            let at = page.to_lowercase().find("<script>").unwrap_or(0);
            panic!("page {i}: {bad}: {}", &page[at..(at + 600).min(page.len())]);
        }
    }
}

/// The first piece of markup that could run script: a `<script>` with a payload, an element that loads
/// another document, an `on…` attribute, or a `javascript:`/`vbscript:`/`data:text` address. Text is escaped
/// (`&lt;`), so every raw `<` starts real markup; attribute names are read outside quotes, so a payload shown
/// as an attribute's value (an image's alt text) is not mistaken for one.
fn unsafe_markup(page: &str) -> Option<String> {
    let lower = page.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let tag_and_after = &rest[start + 1..];
        let end = tag_and_after.find('>').unwrap_or(tag_and_after.len());
        let tag = &tag_and_after[..end];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name == "script" && tag_and_after[end..].split("</script").next().unwrap_or("").contains("alert") {
            return Some(format!("a script with a payload: <{tag}>"));
        }
        if ["iframe", "object", "embed", "base", "frame"].contains(&name.as_str()) || (name == "meta" && tag.contains("http-equiv")) {
            return Some(format!("<{tag}>"));
        }
        let mut quote: Option<char> = None;
        let mut word = String::new();
        let chars: Vec<char> = tag.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '=' => {
                    let value: String = chars[i + 1..].iter().skip_while(|c| **c == '"' || **c == '\'' || c.is_whitespace()).take(12).collect();
                    if word.starts_with("on") && word.len() > 2 {
                        return Some(format!("an event handler {word}= in <{tag}>"));
                    }
                    if ["href", "src", "action", "formaction", "xlink:href"].contains(&word.as_str()) && ["javascript:", "vbscript:", "data:text"].iter().any(|p| value.replace(char::is_whitespace, "").starts_with(p)) {
                        return Some(format!("a script address in <{tag}>"));
                    }
                    word.clear();
                }
                None if c.is_whitespace() || c == '/' => word.clear(),
                None => word.push(c),
            }
            i += 1;
        }
        rest = &tag_and_after[end..];
    }
    None
}

#[tokio::test]
async fn a_malformed_front_matter_or_quiz_is_a_message_at_its_line_never_a_500() {
    let app = TestApp::start().await;
    app.person("0912 000 111", "Cán Bộ Soạn", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0912000111").await;
    trainer_writes(&app, &trainer).await;
    let cases = [
        ("01-gioi-thieu.md", "---\ntitle: [không đóng\nminutes: nhiều\n---\n\nChữ.\n"),
        ("01-gioi-thieu.md", "---\ntitle: Không đóng phần đầu\n\nChữ.\n"),
        ("03-kiem-tra.quiz.md", "---\ntitle: Kiểm tra\n---\n\n## Câu không có đáp án đúng?\n\n- ( ) Một\n- ( ) Hai\n"),
        ("course.toml", "title = \"Thiếu ngoặc\nhours = 2\n"),
    ];
    for (file, text) in cases {
        let v = version_of(&app, &trainer, "ban-hang", file).await;
        let (status, _) = editor_post(&app, &trainer, &format!("ban-hang/{file}"), text, v, "preview", None).await;
        assert_eq!(status, 303, "{file}");
        let (status, page, _) = app.get_with(&trainer, &format!("/soan-thao/ban-hang/tep/{file}?xem=1")).await;
        assert_eq!(status, 200, "{file}: {page}");
        assert!(page.contains("data-line=") && page.contains("Dòng "), "{file} shows its problem at a line: {page}");
        let (hash, plan) = plan_hash(&app, &trainer, "ban-hang").await;
        assert!(hash.is_empty() && plan.contains("lỗi cần sửa trước khi xuất bản"), "publishing is blocked, with a message");
    }
    let (status, page, _) = app.get_with(&trainer, "/soan-thao/ban-hang").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("course.toml có lỗi"), "a broken course.toml replaces the card form with a link to the file");
}
