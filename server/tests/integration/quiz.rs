//! A learner takes a quiz with plain forms: graded on the server, answers hidden until submitted, one
//! result per attempt whatever is resent, tampering refused, limits and time enforced; trainers see figures.

use crate::util::TestApp;
use app::content::AnswerKey;

/// (question id, kind, key) of an attempt, in the order the page shows them, read from the page's fields.
pub(crate) async fn attempt_questions(app: &TestApp, page: &str) -> Vec<(String, String, AnswerKey)> {
    let mut ids: Vec<String> = Vec::new();
    for part in page.split("name=\"q_").skip(1) {
        let id = part.split('"').next().unwrap().to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let (kind, key): (String, String) = sqlx::query_as("SELECT kind, key_json FROM question WHERE id = $1").bind(&id).fetch_one(&app.db.pool).await.unwrap();
        out.push((id, kind, serde_json::from_str(&key).unwrap()));
    }
    out
}

/// The right answers exactly as the key states them.
pub(crate) fn key_answers(qs: &[(String, String, AnswerKey)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (id, _, key) in qs {
        let name = format!("q_{id}");
        match key {
            AnswerKey::Single { correct, .. } => fields.push((name, correct.to_string())),
            AnswerKey::Multiple { correct, .. } => correct.iter().for_each(|x| fields.push((name.clone(), x.to_string()))),
            AnswerKey::TrueFalse { answer } => fields.push((name, if *answer { "1" } else { "2" }.into())),
            AnswerKey::Text { accepted, .. } => fields.push((name, accepted[0].clone())),
            AnswerKey::Number { answer, .. } => fields.push((name, answer.to_string())),
        }
    }
    fields
}

/// The right answers of the fixture quiz, typed the way learners do (case, spaces, `22.500`).
fn right_answers(qs: &[(String, String, AnswerKey)]) -> Vec<(String, String)> {
    let mut f = Vec::new();
    for (id, _, key) in qs {
        let name = format!("q_{id}");
        match key {
            AnswerKey::Single { correct, .. } => f.push((name, correct.to_string())),
            AnswerKey::Multiple { correct, .. } => correct.iter().for_each(|c| f.push((name.clone(), c.to_string()))),
            AnswerKey::TrueFalse { answer } => f.push((name, if *answer { "1" } else { "2" }.into())),
            AnswerKey::Text { .. } => f.push((name, "  ocop ".into())),
            AnswerKey::Number { .. } => f.push((name, "22.500".into())),
        }
    }
    f
}

async fn post(app: &TestApp, c: &reqwest::Client, path: &str, fields: &[(String, String)]) -> (u16, String) {
    let res = c.post(format!("{}{path}", app.base)).header("origin", app.base.clone()).header("accept", "text/html").form(fields).send().await.unwrap();
    let loc = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (res.status().as_u16(), loc)
}

async fn start(app: &TestApp, c: &reqwest::Client, quiz: &str) -> String {
    let (status, loc) = app.post_form(c, "/api/start_attempt", &[("course", "mini"), ("quiz", quiz)]).await;
    assert_eq!(status, 302, "{loc}");
    assert!(loc.starts_with(&format!("/khoa-hoc/mini/kiem-tra/{quiz}/lan/")), "{loc}");
    loc
}

#[tokio::test]
async fn a_learner_takes_a_quiz_and_gets_one_honest_result() {
    let app = TestApp::start().await;
    app.person("0988 000 001", "Học Viên Một", "28756", None).await;
    let c = app.signed_in("0988000001").await;
    let (_, intro, _) = app.get_with(&c, "/khoa-hoc/mini/kiem-tra/kiem-tra").await;
    assert!(intro.contains("5 câu hỏi") && intro.contains("Đạt khi đúng từ 60%") && intro.contains("Còn 3/3 lần làm bài"), "{intro}");

    let page_url = start(&app, &c, "kiem-tra").await;
    let (status, page, _) = app.get_with(&c, &page_url).await;
    assert_eq!(status, 200);
    // Nothing in the page or the server-function payload gives the answers away.
    let id = page_url.rsplit('/').next().unwrap();
    let (_, payload, _) = app.get_with(&c, &format!("/api/attempt?id={id}")).await;
    for secret in ["quy định 5", "không có Hội đồng quản trị", "yêu cầu tiếng Việt", "One Commune", "22.500 đồng", "Bảy là quy định", "correct", "key_json", "explanation"] {
        assert!(!page.contains(secret), "page leaks {secret}");
        assert!(!payload.contains(secret), "payload leaks {secret}");
    }
    // The order is the same after a reload.
    let (_, again, _) = app.get_with(&c, &page_url).await;
    // Compare the form itself: script nonces differ on every response.
    let form = |s: &str| s.split("<form").nth(1).and_then(|f| f.split("</form>").next()).unwrap_or_default().to_string();
    assert!(!form(&page).is_empty());
    assert_eq!(form(&page), form(&again), "an attempt looks the same after a reload");

    let qs = attempt_questions(&app, &page).await;
    assert_eq!(qs.len(), 5);
    let answers = right_answers(&qs);
    let (status, loc) = post(&app, &c, &format!("{page_url}/nop"), &answers).await;
    assert_eq!((status, loc.as_str()), (303, page_url.as_str()));
    let (_, result, _) = app.get_with(&c, &page_url).await;
    assert!(result.contains("100%") && result.contains("Bạn đã đạt."), "{result}");
    assert!(result.contains("Luật Hợp tác xã 2023 quy định 5."), "explanations after submitting");

    // A resend, and a different resend, change nothing.
    post(&app, &c, &format!("{page_url}/nop"), &answers).await;
    let wrong: Vec<(String, String)> = qs.iter().map(|(id, _, _)| (format!("q_{id}"), "1".to_string())).collect();
    let (_, loc) = post(&app, &c, &format!("{page_url}/nop"), &wrong).await;
    assert_eq!(loc, page_url);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answer WHERE attempt_id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(n, 5, "one set of answers");
    let percent: f64 = sqlx::query_scalar("SELECT percent FROM attempt WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(percent, 100.0);

    // Partial credit and wrong answers: the second attempt.
    let second = start(&app, &c, "kiem-tra").await;
    assert_ne!(second, page_url);
    let (_, page2, _) = app.get_with(&c, &second).await;
    let qs2 = attempt_questions(&app, &page2).await;
    let mut fields = Vec::new();
    for (id, kind, key) in &qs2 {
        match (kind.as_str(), key) {
            ("multiple", AnswerKey::Multiple { correct, .. }) => fields.push((format!("q_{id}"), correct[0].to_string())),
            ("single", AnswerKey::Single { correct, .. }) => fields.push((format!("q_{id}"), (if *correct == 1 { 2 } else { 1 }).to_string())),
            ("number", _) => fields.push((format!("q_{id}"), "22.550".into())),
            _ => {}
        }
    }
    post(&app, &c, &format!("{second}/nop"), &fields).await;
    let (_, r2, _) = app.get_with(&c, &second).await;
    // multiple: ½ of 1 point; number within tolerance: 1; single wrong, true/false and text left empty: 0 → 1.5/5 = 30%.
    assert!(r2.contains("30%") && r2.contains("Chưa đạt: cần từ 60%"), "{r2}");
    assert!(r2.contains("Đúng một phần") && r2.contains("Bảy là quy định của luật cũ") == (fields.iter().any(|f| f.1 == "3")));
    assert!(r2.contains("Điểm cao nhất: 100%"));

    // The course page counts the best attempt.
    let (_, course, _) = app.get_with(&c, "/khoa-hoc/mini").await;
    assert!(course.contains("badge done\">Đạt"), "{course}");
}

#[tokio::test]
async fn a_typed_answer_is_shown_as_text_in_the_result_and_the_figures() {
    for (backend, app) in TestApp::each_backend().await {
        typed_answer_is_text(&backend, &app).await;
    }
}

async fn typed_answer_is_text(backend: &str, app: &TestApp) {
    app.person("0988 000 007", "Học Viên Bảy", "28756", None).await;
    app.person("0988 000 008", "Cán Bộ Tám", "86", Some(("trainer", None))).await;
    let c = app.signed_in("0988000007").await;
    let url = start(app, &c, "kiem-tra").await;
    let (_, page, _) = app.get_with(&c, &url).await;
    let qs = attempt_questions(app, &page).await;
    let text = qs.iter().find(|q| q.1 == "text").expect("the fixture quiz has a text question");
    let mut fields = right_answers(&qs);
    fields.retain(|f| f.0 != format!("q_{}", text.0));
    fields.push((format!("q_{}", text.0), "<script>alert(1)</script>&\"".into()));
    post(app, &c, &format!("{url}/nop"), &fields).await;
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;";
    let (_, result, _) = app.get_with(&c, &url).await;
    assert!(result.contains(escaped), "{backend}: {result}");
    assert!(!result.contains("<script>alert(1)"), "{backend}: {result}");
    let trainer = app.signed_in("0988000008").await;
    let (_, stats, _) = app.get_with(&trainer, "/khoa-hoc/mini/kiem-tra/kiem-tra/thong-ke").await;
    assert!(stats.contains(escaped), "{backend}: {stats}");
    assert!(!stats.contains("<script>alert(1)"), "{backend}: {stats}");
}

#[tokio::test]
async fn tampered_forms_are_refused_and_the_attempt_stays_open() {
    let app = TestApp::start().await;
    app.person("0988 000 002", "Học Viên Hai", "28756", None).await;
    let c = app.signed_in("0988000002").await;
    let url = start(&app, &c, "kiem-tra").await;
    let (_, page, _) = app.get_with(&c, &url).await;
    let qs = attempt_questions(&app, &page).await;
    let id = url.rsplit('/').next().unwrap();
    let single = qs.iter().find(|q| q.1 == "single").unwrap();
    let bad_forms = vec![
        vec![("q_not-a-question".to_string(), "1".to_string())],
        vec![(format!("q_{}", single.0), "99".to_string())],
        vec![(format!("q_{}", single.0), "1".to_string()), (format!("q_{}", single.0), "2".to_string())],
        vec![(format!("q_{}", single.0), "<script>".to_string())],
    ];
    for form in bad_forms {
        let (status, loc) = post(&app, &c, &format!("{url}/nop"), &form).await;
        assert_eq!((status, loc.clone()), (303, format!("{url}?loi=tampered")));
        let open: Option<i64> = sqlx::query_scalar("SELECT submitted_at FROM attempt WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(open, None, "the attempt stays open");
    }
    let (_, shown, _) = app.get_with(&c, &format!("{url}?loi=tampered")).await;
    assert!(shown.contains("Bài vẫn mở"), "the message is clear");
    // Someone else's attempt is not found, and anonymous submits are sent to sign in.
    app.person("0988 000 003", "Người Khác", "28756", None).await;
    let other = app.signed_in("0988000003").await;
    assert_eq!(post(&app, &other, &format!("{url}/nop"), &right_answers(&qs)).await.0, 404);
    assert_eq!(app.get_with(&other, &url).await.0, 404);
    assert_eq!(post(&app, &app.browser(), &format!("{url}/nop"), &right_answers(&qs)).await.0, 401);
    // The real answers still go through.
    post(&app, &c, &format!("{url}/nop"), &right_answers(&qs)).await;
    let (_, result, _) = app.get_with(&c, &url).await;
    assert!(result.contains("100%"));
}

#[tokio::test]
async fn attempt_limits_draws_and_time_limits_are_enforced_on_the_server() {
    let app = TestApp::start().await;
    app.person("0988 000 004", "Học Viên Bốn", "28756", None).await;
    let c = app.signed_in("0988000004").await;
    // Starting twice while open returns the same attempt.
    let a1 = start(&app, &c, "kiem-tra").await;
    assert_eq!(start(&app, &c, "kiem-tra").await, a1);
    for _ in 0..2 {
        let url = start(&app, &c, "kiem-tra").await;
        post(&app, &c, &format!("{url}/nop"), &[]).await;
    }
    let a3 = start(&app, &c, "kiem-tra").await;
    post(&app, &c, &format!("{a3}/nop"), &[]).await;
    let (_, loc) = app.post_form(&c, "/api/start_attempt", &[("course", "mini"), ("quiz", "kiem-tra")]).await;
    assert!(loc.contains("loi=no_attempts_left"), "{loc}");

    // Draw 2 of 3 questions.
    let d = start(&app, &c, "rut-tham").await;
    let (_, page, _) = app.get_with(&c, &d).await;
    let qs = attempt_questions(&app, &page).await;
    assert_eq!(qs.len(), 2);
    // The deadline passed (we move it into the past): a late submission scores nothing.
    let id = d.rsplit('/').next().unwrap();
    sqlx::query("UPDATE attempt SET deadline_at = $1 WHERE id = $2").bind(app::db::now_ms() - 120_000).bind(id).execute(&app.db.pool).await.unwrap();
    post(&app, &c, &format!("{d}/nop"), &right_answers(&qs)).await;
    let (_, result, _) = app.get_with(&c, &d).await;
    assert!(result.contains("0%") && result.contains("hết giờ"), "{result}");
}

#[tokio::test]
async fn trainers_see_which_questions_learners_get_wrong() {
    let app = TestApp::start().await;
    app.person("0988 000 005", "Học Viên", "28756", None).await;
    app.person("0988 000 006", "Cán Bộ", "86", Some(("trainer", None))).await;
    let c = app.signed_in("0988000005").await;
    let url = start(&app, &c, "kiem-tra").await;
    let (_, page, _) = app.get_with(&c, &url).await;
    let qs = attempt_questions(&app, &page).await;
    let mut fields = right_answers(&qs);
    let single = qs.iter().find(|q| q.1 == "single").unwrap();
    fields.retain(|f| f.0 != format!("q_{}", single.0));
    fields.push((format!("q_{}", single.0), "3".into()));
    post(&app, &c, &format!("{url}/nop"), &fields).await;
    assert_eq!(app.get_with(&c, "/khoa-hoc/mini/kiem-tra/kiem-tra/thong-ke").await.0, 403);
    let trainer = app.signed_in("0988000006").await;
    let (status, stats, _) = app.get_with(&trainer, "/khoa-hoc/mini/kiem-tra/kiem-tra/thong-ke").await;
    assert_eq!(status, 200);
    let stats = stats.replace("<!>", "");
    assert!(stats.contains("1 học viên") && stats.contains("Tỉ lệ đạt"), "{stats}");
    // The single-choice question: 0% right, most chosen wrong answer "7".
    assert!(stats.contains("0% (1)") && stats.contains("<span>7</span> (1)"), "{stats}");
}

#[tokio::test]
async fn every_shipped_quiz_can_be_taken_and_passed() {
    let app = TestApp::start().await;
    app.person("0988 000 007", "Học Viên Chăm", "28756", None).await;
    let c = app.signed_in("0988000007").await;
    // Every quiz of every shipped course, as the course folder lists them: a new course needs no edit here.
    let shipped = app::content::load_dir(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../courses")));
    assert!(shipped.courses.len() >= 3);
    let quizzes: Vec<(String, String)> = shipped.courses.iter().flat_map(|c| c.quizzes.iter().map(|q| (c.slug.clone(), q.slug.clone()))).collect();
    assert!(quizzes.len() >= shipped.courses.len(), "every course has a quiz");
    for (course, quiz) in &quizzes {
        let course = course.as_str();
        let (status, loc) = app.post_form(&c, "/api/start_attempt", &[("course", course), ("quiz", quiz)]).await;
        assert_eq!(status, 302, "{course}");
        let (_, attempt, _) = app.get_with(&c, &loc).await;
        let qs = attempt_questions(&app, &attempt).await;
        assert!(qs.len() >= 10, "{course}: {} questions", qs.len());
        let fields = key_answers(&qs);
        post(&app, &c, &format!("{loc}/nop"), &fields).await;
        let (_, result, _) = app.get_with(&c, &loc).await;
        assert!(result.contains("100%") && result.contains("Bạn đã đạt."), "{course}: {result}");
    }
}
