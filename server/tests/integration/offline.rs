//! Learning without signal, decided on the server (docs/offline.md): a phone saves a course and gets its own
//! attempt tickets; what it answered offline reaches the server exactly once, however often and in whatever
//! order it is sent; the ticket's revision, the phone's elapsed time and the attempt limit decide the grade.
//! Each test compares scores and attempt counts with what one clean online submission gives.

use crate::quiz::{attempt_questions, key_answers};
use crate::util::TestApp;
use serde_json::{json, Value};

async fn post_json(app: &TestApp, c: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
    let res = c
        .post(format!("{}{path}", app.base))
        .header("origin", app.base.clone())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Save course `mini` on phone `device`: the manifest.
async fn save(app: &TestApp, c: &reqwest::Client, device: &str) -> Value {
    let (status, manifest) = post_json(app, c, "/ngoai-tuyen/khoa-hoc/mini", &json!({ "device": device })).await;
    assert_eq!(status, 200, "{manifest}");
    manifest
}

/// The tickets of `quiz` in a manifest: (id, page).
fn tickets(manifest: &Value, quiz: &str) -> Vec<(String, String)> {
    manifest["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["quiz"] == quiz)
        .map(|t| (t["id"].as_str().unwrap().to_string(), t["url"].as_str().unwrap().to_string()))
        .collect()
}

/// A queued submission of a ticket.
fn attempt(id: &str, answers: &[(String, String)], started: i64, at: i64) -> Value {
    json!({ "id": id, "kind": "attempt", "answers": answers, "started": started, "at": at })
}

async fn sync(app: &TestApp, c: &reqwest::Client, records: Vec<Value>) -> Vec<Value> {
    let (status, body) = post_json(app, c, "/dong-bo", &json!({ "records": records })).await;
    assert_eq!(status, 200, "{body}");
    body["results"].as_array().unwrap().clone()
}

/// Right answers for a ticket, read from its page the way the phone keeps it.
async fn right_answers(app: &TestApp, c: &reqwest::Client, page: &str) -> Vec<(String, String)> {
    let (status, html, _) = app.get_with(c, page).await;
    assert_eq!(status, 200, "{page}");
    key_answers(&attempt_questions(app, &html).await)
}

/// Nothing answered: 0 %.
fn wrong_answers() -> Vec<(String, String)> {
    Vec::new()
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(&app.db.pool).await.unwrap()
}

const PHONE_A: &str = "0190a000-0000-7000-8000-00000000000a";
const PHONE_B: &str = "0190a000-0000-7000-8000-00000000000b";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_sent_again_and_again_and_all_at_once_counts_once_and_other_answers_under_its_id_are_refused() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 001", "Học Viên Trên Thuyền", "28756", None).await;
        let c = app.signed_in("0988200001").await;
        // Before saving, the button shows what the phone will download: compressed pages plus the image.
        let (_, est, _) = app.get_with(&c, "/ngoai-tuyen/khoa-hoc/mini").await;
        let est: Value = serde_json::from_str(&est).unwrap();
        let logo = std::fs::metadata(crate::util::fixtures().join("mini/images/logo.png")).unwrap().len();
        assert!(est["bytes"].as_u64().unwrap() > logo + 5_000, "{backend}: {est}");
        let manifest = save(&app, &c, PHONE_A).await;
        // The phone keeps the course page, every lesson, the glossary, the images and its tickets' pages.
        let urls: Vec<&str> = manifest["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
        for page in ["/khoa-hoc/mini", "/khoa-hoc/mini/bai/mot", "/khoa-hoc/mini/bai/ba", "/khoa-hoc/mini/thuat-ngu", "/khoa-hoc/mini/tep/images/logo.png"] {
            assert!(urls.contains(&page), "{backend}: {page} in {urls:?}");
        }
        let (ticket, page) = tickets(&manifest, "kiem-tra")[0].clone();
        assert!(urls.contains(&page.as_str()));
        let right = right_answers(&app, &c, &page).await;
        let now = app::db::now_ms();
        let record = attempt(&ticket, &right, now - 120_000, now - 60_000);

        let first = sync(&app, &c, vec![record.clone()]).await;
        assert_eq!((first[0]["status"].as_u64(), first[0]["percent"].as_f64()), (Some(201), Some(100.0)), "{backend}: {first:?}");
        assert_eq!(first[0]["href"], format!("/khoa-hoc/mini/kiem-tra/kiem-tra/lan/{ticket}"));
        // The server committed but the phone never heard: it sends again, from two tabs at once, five times.
        let resends: Vec<_> = (0..5)
            .map(|_| {
                let (app_base, c, record) = (app.base.clone(), c.clone(), record.clone());
                tokio::spawn(async move {
                    let res = c
                        .post(format!("{app_base}/dong-bo"))
                        .header("origin", app_base.clone())
                        .header("content-type", "application/json")
                        .body(json!({ "records": [record] }).to_string())
                        .send()
                        .await
                        .unwrap();
                    serde_json::from_str::<Value>(&res.text().await.unwrap()).unwrap()
                })
            })
            .collect();
        for r in resends {
            let r = r.await.unwrap();
            assert_eq!((r["results"][0]["status"].as_u64(), r["results"][0]["percent"].as_f64()), (Some(200), Some(100.0)), "{backend}: {r}");
        }
        // The same id with other answers: refused, final, and kept for a trainer; the first stands.
        let mut other = right.clone();
        other.truncate(1);
        let refused = sync(&app, &c, vec![attempt(&ticket, &other, now - 120_000, now)]).await;
        assert_eq!(refused[0]["status"].as_u64(), Some(409), "{backend}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM attempt WHERE user_id = $1", &user).await, 1, "{backend}: one attempt");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM answer WHERE attempt_id = $1", &ticket).await, 5, "{backend}: one set of answers");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM learning_conflict WHERE id = $1", &ticket).await, 1, "{backend}: the refused one is kept");
        let best: Option<f64> = sqlx::query_scalar("SELECT best_score FROM learner_course WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(best, Some(100.0), "{backend}: the summary has it");
        // Trainers see what was refused.
        app.person("0988 200 011", "Cán Bộ Tập Huấn", "28756", Some(("trainer", None))).await;
        let trainer = app.signed_in("0988200011").await;
        let (_, stats, _) = app.get_with(&trainer, "/khoa-hoc/mini/kiem-tra/kiem-tra/thong-ke").await;
        assert!(stats.contains("1 bài gửi lại với nội dung khác bị từ chối · 0 bài đến khi đã hết lượt"), "{backend}: {stats}");
        // The result page, with its explanations, is the learner's once graded.
        let (_, result, _) = app.get_with(&c, &format!("/khoa-hoc/mini/kiem-tra/kiem-tra/lan/{ticket}")).await;
        assert!(result.contains("100%") && result.contains("Luật Hợp tác xã 2023 quy định 5."), "{backend}");
        // Its page now says it was submitted.
        let (_, used, _) = app.get_with(&c, &page).await;
        assert!(used.contains("Bài làm này đã được nộp."), "{backend}");
    }
}

#[tokio::test]
async fn two_phones_of_one_learner_make_two_attempts_in_order_of_receipt_never_a_sum() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 002", "Học Viên Hai Máy", "28756", None).await;
        let c = app.signed_in("0988200002").await;
        let (a, a_page) = tickets(&save(&app, &c, PHONE_A).await, "kiem-tra")[0].clone();
        let (b, b_page) = tickets(&save(&app, &c, PHONE_B).await, "kiem-tra")[0].clone();
        assert_ne!(a, b, "{backend}: each phone has its own tickets");
        // Saving again on the same phone hands back the same tickets: nothing new is drawn.
        assert_eq!(tickets(&save(&app, &c, PHONE_A).await, "kiem-tra")[0].0, a, "{backend}");
        let right_a = right_answers(&app, &c, &a_page).await;
        let mut half_b = right_answers(&app, &c, &b_page).await;
        half_b.truncate(2);
        let now = app::db::now_ms();
        // Phone A answered first, but phone B reaches the server first.
        let rb = sync(&app, &c, vec![attempt(&b, &half_b, now - 600_000, now - 500_000)]).await;
        let ra = sync(&app, &c, vec![attempt(&a, &right_a, now - 900_000, now - 800_000)]).await;
        assert_eq!((rb[0]["status"].as_u64(), ra[0]["status"].as_u64()), (Some(201), Some(201)), "{backend}");
        let seqs: Vec<(String, i64)> = sqlx::query_as("SELECT id, seq FROM attempt WHERE user_id = $1 ORDER BY seq").bind(&user).fetch_all(&app.db.pool).await.unwrap();
        assert_eq!(seqs, vec![(b.clone(), 1), (a.clone(), 2)], "{backend}: numbered as received");
        let best: Option<f64> = sqlx::query_scalar("SELECT best_score FROM learner_course WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(best, Some(100.0), "{backend}: two attempts, the best counts, nothing added up");
        let (_, intro, _) = app.get_with(&c, "/khoa-hoc/mini/kiem-tra/kiem-tra").await;
        assert!(intro.contains("Còn 1/3 lần làm bài") && intro.contains("Điểm cao nhất: 100%"), "{backend}: {intro}");
    }
}

#[tokio::test]
async fn a_quiz_republished_between_ticket_and_sync_is_graded_on_the_tickets_revision() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 003", "Học Viên Bản Cũ", "28756", None).await;
        let c = app.signed_in("0988200003").await;
        let (ticket, page) = tickets(&save(&app, &c, PHONE_A).await, "kiem-tra")[0].clone();
        let right_then = right_answers(&app, &c, &page).await;
        let pinned: String = sqlx::query_scalar("SELECT quiz_revision_id FROM attempt_ticket WHERE id = $1").bind(&ticket).fetch_one(&app.db.pool).await.unwrap();
        // The trainer changes the key of the first question and publishes, while the phone is offline.
        let quiz = app.courses_dir().join("mini/04-kiem-tra.quiz.md");
        let text = std::fs::read_to_string(&quiz).unwrap();
        std::fs::write(&quiz, text.replacen("- ( ) 3", "- (x) 3", 1).replacen("- (x) 5", "- ( ) 5", 1)).unwrap();
        server::import_courses(&app.db, &app.courses_dir(), false).await.unwrap();
        let current: String = sqlx::query_scalar(
            "SELECT qr.id FROM course c JOIN quiz q ON q.course_id = c.id AND q.slug = 'kiem-tra' JOIN quiz_revision qr ON qr.quiz_id = q.id AND qr.course_revision_id = c.current_revision_id WHERE c.slug = 'mini'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_ne!(current, pinned, "{backend}: a new revision is current");
        let now = app::db::now_ms();
        let r = sync(&app, &c, vec![attempt(&ticket, &right_then, now - 60_000, now - 30_000)]).await;
        assert_eq!((r[0]["status"].as_u64(), r[0]["percent"].as_f64()), (Some(201), Some(100.0)), "{backend}: graded on what the learner saw");
        let rev: String = sqlx::query_scalar("SELECT quiz_revision_id FROM attempt WHERE id = $1").bind(&ticket).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(rev, pinned, "{backend}");
        let _ = user;
    }
}

#[tokio::test]
async fn a_time_limit_is_judged_on_the_phones_own_clock_and_a_late_sync_is_flagged_not_failed() {
    for (backend, app) in TestApp::each_backend().await {
        app.person("0988 200 004", "Học Viên Về Muộn", "28756", None).await;
        let c = app.signed_in("0988200004").await;
        // `rut-tham` allows five minutes.
        let ts = tickets(&save(&app, &c, PHONE_A).await, "rut-tham");
        assert_eq!(ts.len(), 2, "{backend}: two tickets a phone");
        let (on_time, p1) = ts[0].clone();
        let (too_slow, p2) = ts[1].clone();
        let right1 = right_answers(&app, &c, &p1).await;
        let right2 = right_answers(&app, &c, &p2).await;
        let now = app::db::now_ms();
        // Four minutes on the phone, synced hours later (the ticket was issued just now, so "hours ago"
        // would be before it: the phone's times here are a few seconds after the issue).
        let r = sync(&app, &c, vec![
            attempt(&on_time, &right1, now + 1_000, now + 1_000 + 240_000),
            attempt(&too_slow, &right2, now + 2_000, now + 2_000 + 20 * 60_000),
        ])
        .await;
        // Both phone times above lie in the future relative to receipt by up to 20 minutes: over the slack,
        // so the clock is fixed and flagged, but the elapsed time is still the phone's own.
        assert_eq!((r[0]["status"].as_u64(), r[0]["percent"].as_f64()), (Some(201), Some(100.0)), "{backend}: {r:?}");
        assert_eq!((r[1]["status"].as_u64(), r[1]["percent"].as_f64()), (Some(201), Some(0.0)), "{backend}: over the limit on the phone's clock");
        let timed_out: i64 = count(&app, "SELECT timed_out FROM attempt WHERE id = $1", &too_slow).await;
        assert_eq!(timed_out, 1, "{backend}");
        let (_, result, _) = app.get_with(&c, &format!("/khoa-hoc/mini/kiem-tra/rut-tham/lan/{too_slow}")).await;
        assert!(result.contains("hết giờ") || result.contains("Hết giờ"), "{backend}: the result says why");
    }
}

#[tokio::test]
async fn a_record_synced_hours_later_counts_and_is_flagged_late_and_a_clock_two_days_wrong_is_fixed() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 005", "Học Viên Đồng Hồ Sai", "28756", None).await;
        let c = app.signed_in("0988200005").await;
        app.person("0988 200 015", "Cán Bộ Theo Dõi", "28756", Some(("official", Some("86")))).await;
        let official = app.signed_in("0988200015").await;
        let manifest = save(&app, &c, PHONE_A).await;
        let (ticket, page) = tickets(&manifest, "kiem-tra")[0].clone();
        let right = right_answers(&app, &c, &page).await;
        // The ticket was issued three hours ago (the phone saved the course in the morning).
        let now = app::db::now_ms();
        sqlx::query("UPDATE attempt_ticket SET issued_at = $1 WHERE id = $2").bind(now - 3 * 3_600_000).bind(&ticket).execute(&app.db.pool).await.unwrap();
        sqlx::query("UPDATE app_user SET created_at = $1 WHERE id = $2").bind(now - 30 * 86_400_000i64).bind(&user).execute(&app.db.pool).await.unwrap();
        let two_days = 2 * 86_400_000;
        let lesson_id = app::db::new_id();
        let r = sync(&app, &c, vec![
            // Answered two and a half hours ago, in a field; synced now.
            attempt(&ticket, &right, now - 9_000_000, now - 8_900_000),
            // A lesson marked on a phone whose clock runs two days ahead.
            json!({ "id": lesson_id, "kind": "lesson", "course": "mini", "lesson": "mot", "at": now + two_days }),
        ])
        .await;
        assert_eq!((r[0]["status"].as_u64(), r[0]["percent"].as_f64()), (Some(201), Some(100.0)), "{backend}: late, not failed");
        assert_eq!(r[1]["status"].as_u64(), Some(201), "{backend}");
        let (late, fixed): (i64, i64) = sqlx::query_as("SELECT late, clock_fixed FROM learning_record WHERE id = $1").bind(&ticket).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!((late, fixed), (1, 0), "{backend}: flagged late");
        let (late, fixed, device): (i64, i64, Option<i64>) =
            sqlx::query_as("SELECT late, clock_fixed, device_at FROM learning_record WHERE id = $1").bind(&lesson_id).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!((late, fixed), (0, 1), "{backend}: an impossible phone time is fixed and flagged");
        assert!(device.unwrap() <= app::db::now_ms() && device.unwrap() >= now, "{backend}: replaced by the time of receipt");
        // Officials' figures count by receipt: the lesson is this month's, not the day after tomorrow's.
        let done_at: i64 = count(&app, "SELECT done_at FROM lesson_progress WHERE user_id = $1", &user).await;
        assert!(done_at >= now && done_at <= app::db::now_ms(), "{backend}");
        // A phone two days behind: before the ticket existed, so fixed too.
        let (t2, p2) = tickets(&manifest, "kiem-tra")[1].clone();
        let right2 = right_answers(&app, &c, &p2).await;
        let r = sync(&app, &c, vec![attempt(&t2, &right2, now - two_days - 60_000, now - two_days)]).await;
        assert_eq!((r[0]["status"].as_u64(), r[0]["percent"].as_f64()), (Some(201), Some(100.0)), "{backend}");
        let fixed: i64 = count(&app, "SELECT clock_fixed FROM learning_record WHERE id = $1", &t2).await;
        assert_eq!(fixed, 1, "{backend}");
        // The dashboard says how many records arrived late.
        let (_, dash, _) = app.get_with(&official, "/thong-ke").await;
        assert!(dash.contains("1 bản ghi học không có mạng đến máy chủ muộn hơn một giờ"), "{backend}: the dashboard says how many arrived late");
    }
}

#[tokio::test]
async fn an_attempt_that_arrives_over_the_limit_is_stored_and_flagged_and_counts_for_nothing() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 006", "Học Viên Quá Lượt", "28756", None).await;
        let c = app.signed_in("0988200006").await;
        // `kiem-tra` allows three attempts; two phones hold two tickets each.
        let mut all = tickets(&save(&app, &c, PHONE_A).await, "kiem-tra");
        all.extend(tickets(&save(&app, &c, PHONE_B).await, "kiem-tra"));
        assert_eq!(all.len(), 4, "{backend}");
        let now = app::db::now_ms();
        // Three wrong attempts reach the server first, then a perfect one.
        for (i, (id, _)) in all.iter().take(3).enumerate() {
            let r = sync(&app, &c, vec![attempt(id, &wrong_answers(), now + i as i64, now + 1_000 + i as i64)]).await;
            assert_eq!((r[0]["status"].as_u64(), r[0]["percent"].as_f64()), (Some(201), Some(0.0)), "{backend}");
        }
        let (last, page) = all[3].clone();
        let right = right_answers(&app, &c, &page).await;
        let r = sync(&app, &c, vec![attempt(&last, &right, now, now + 60_000)]).await;
        assert_eq!((r[0]["status"].as_u64(), r[0]["over_limit"].as_bool(), r[0]["passed"].as_bool()), (Some(201), Some(true), Some(false)), "{backend}: {r:?}");
        assert_eq!(count(&app, "SELECT over_limit FROM attempt WHERE id = $1", &last).await, 1, "{backend}: stored and flagged");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM answer WHERE attempt_id = $1", &last).await, 5, "{backend}: its answers kept");
        let (best, passed_at): (Option<f64>, Option<i64>) =
            sqlx::query_as("SELECT best_score, passed_at FROM learner_course WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!((best, passed_at), (Some(0.0), None), "{backend}: counts for nothing");
        let counted = count(&app, "SELECT COUNT(*) FROM attempt WHERE user_id = $1 AND over_limit = 0", &user).await;
        assert_eq!(counted, 3, "{backend}");
        let (_, result, _) = app.get_with(&c, &format!("/khoa-hoc/mini/kiem-tra/kiem-tra/lan/{last}")).await;
        assert!(result.contains("không được tính"), "{backend}: the learner is told");
        // A rebuild of the summary from the records agrees.
        app::db::summary::rebuild(&app.db).await.unwrap();
        let best: Option<f64> = sqlx::query_scalar("SELECT best_score FROM learner_course WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(best, Some(0.0), "{backend}");
    }
}

#[tokio::test]
async fn fifty_queued_records_go_in_one_request_and_one_bad_record_stops_none_of_the_others() {
    let app = TestApp::start().await;
    app.person("0988 200 007", "Học Viên Năm Mươi", "28756", None).await;
    let c = app.signed_in("0988200007").await;
    let now = app::db::now_ms();
    let mut records: Vec<Value> = (0..47)
        .map(|i| {
            let lesson = ["mot", "hai", "ba"][i % 3];
            json!({ "id": app::db::new_id(), "kind": "lesson", "course": "mini", "lesson": lesson, "at": now - 1_000 })
        })
        .collect();
    records.push(json!({ "id": "not-a-uuid", "kind": "lesson", "course": "mini", "lesson": "mot" }));
    records.push(json!({ "id": app::db::new_id(), "kind": "lesson", "course": "mini", "lesson": "khong-co" }));
    records.push(json!({ "id": app::db::new_id(), "kind": "attempt", "answers": [] }));
    let results = sync(&app, &c, records.clone()).await;
    assert_eq!(results.len(), 50);
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 47, "{statuses:?}");
    assert_eq!(&statuses[47..], &[422, 404, 404]);
    // More than a request may carry is refused whole; the phone sends a hundred at a time.
    let (status, _) = post_json(&app, &c, "/dong-bo", &json!({ "records": vec![records[0].clone(); 101] })).await;
    assert_eq!(status, 413);
    // Nobody signed in: 401, and the phone keeps its queue.
    let (status, _) = post_json(&app, &app.browser(), "/dong-bo", &json!({ "records": [records[0].clone()] })).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_ticket_is_its_owners_alone_and_shows_no_answer_key() {
    let app = TestApp::start().await;
    app.person("0988 200 008", "Chủ Vé", "28756", None).await;
    app.person("0988 200 009", "Người Khác", "28756", None).await;
    let owner = app.signed_in("0988200008").await;
    let other = app.signed_in("0988200009").await;
    let (ticket, page) = tickets(&save(&app, &owner, PHONE_A).await, "kiem-tra")[0].clone();
    let (status, html, _) = app.get_with(&owner, &page).await;
    assert_eq!(status, 200);
    for secret in ["Luật Hợp tác xã 2023 quy định 5.", "Ba là số hợp tác xã", "correct", "explanation"] {
        assert!(!html.contains(secret), "the ticket page leaks {secret}");
    }
    let (_, payload, _) = app.get_with(&owner, &format!("/api/ticket?id={ticket}")).await;
    assert!(!payload.contains("Luật Hợp tác xã 2023 quy định 5.") && !payload.contains("correct"), "{payload}");
    assert_eq!(app.get_with(&other, &page).await.0, 404, "another learner cannot open it");
    let right = right_answers(&app, &owner, &page).await;
    let r = sync(&app, &other, vec![attempt(&ticket, &right, 0, 0)]).await;
    assert_eq!(r[0]["status"].as_u64(), Some(403), "nor submit it: it waits for its owner");
    // A lesson queued on a shared phone by its owner is not credited to whoever is signed in now.
    let owner_id: String = sqlx::query_scalar("SELECT user_id FROM attempt_ticket WHERE id = $1").bind(&ticket).fetch_one(&app.db.pool).await.unwrap();
    let lesson = json!({ "id": app::db::new_id(), "kind": "lesson", "course": "mini", "lesson": "mot", "learner": owner_id });
    assert_eq!(sync(&app, &other, vec![lesson.clone()]).await[0]["status"].as_u64(), Some(403));
    assert_eq!(sync(&app, &owner, vec![lesson]).await[0]["status"].as_u64(), Some(201));
    // Online, the ticket's form posts straight to the server and lands on the result.
    let mut form = right.clone();
    form.push(("started".into(), (app::db::now_ms() - 60_000).to_string()));
    form.push(("at".into(), app::db::now_ms().to_string()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, loc) = app.post_form(&owner, &format!("{page}/nop"), &fields).await;
    assert_eq!((status, loc.as_str()), (303, format!("/khoa-hoc/mini/kiem-tra/kiem-tra/lan/{ticket}").as_str()));
    // Anonymous: nothing to save.
    let (status, _) = post_json(&app, &app.browser(), "/ngoai-tuyen/khoa-hoc/mini", &json!({ "device": PHONE_A })).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn saving_data_puts_images_behind_a_tap_with_their_size() {
    let app = TestApp::start().await;
    app.person("0988 200 010", "Học Viên Tiết Kiệm", "28756", None).await;
    let c = app.signed_in("0988200010").await;
    let (_, plain, _) = app.get_with(&c, "/khoa-hoc/mini/bai/mot").await;
    assert!(plain.contains("<img src=\"/khoa-hoc/mini/tep/images/logo.png\"") && !plain.contains("tap-img"));
    // The browser asks to save data.
    let res = c.get(format!("{}/khoa-hoc/mini/bai/mot", app.base)).header("save-data", "on").send().await.unwrap();
    let saver = res.text().await.unwrap();
    let size = std::fs::metadata(crate::util::fixtures().join("mini/images/logo.png")).unwrap().len().div_ceil(1000);
    assert!(saver.contains(&format!("<details class=\"tap-img\"><summary>Ảnh · {size} KB — chạm để tải</summary><img src=\"/khoa-hoc/mini/tep/images/logo.png\"")), "{saver}");
    // Or the learner turns it on in their account.
    let (status, _) = app.post_form(&c, "/api/data_saver", &[("on", "1")]).await;
    assert_eq!(status, 302);
    let (_, account, _) = app.get_with(&c, "/tai-khoan").await;
    assert!(account.contains("name=\"on\" value=\"1\" checked"), "the account shows it on");
    let (_, lesson, _) = app.get_with(&c, "/khoa-hoc/mini/bai/mot").await;
    assert!(lesson.contains("class=\"tap-img\""));
    app.post_form(&c, "/api/data_saver", &[]).await;
    let (_, lesson, _) = app.get_with(&c, "/khoa-hoc/mini/bai/mot").await;
    assert!(!lesson.contains("class=\"tap-img\""), "and off again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saving_on_many_phones_at_once_never_hands_out_more_than_six_tickets_a_quiz() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 200 012", "Học Viên Năm Máy", "28756", None).await;
        let c = app.signed_in("0988200012").await;
        // Five phones save at the same instant: each would take two tickets.
        let saves: Vec<_> = (0..5)
            .map(|i| {
                let (base, c) = (app.base.clone(), c.clone());
                tokio::spawn(async move {
                    let device = format!("0190a000-0000-7000-8000-00000000010{i}");
                    let res = c
                        .post(format!("{base}/ngoai-tuyen/khoa-hoc/mini"))
                        .header("origin", base.clone())
                        .header("content-type", "application/json")
                        .body(json!({ "device": device }).to_string())
                        .send()
                        .await
                        .unwrap();
                    res.status().as_u16()
                })
            })
            .collect();
        for s in saves {
            assert_eq!(s.await.unwrap(), 200, "{backend}");
        }
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM attempt_ticket t JOIN quiz q ON q.id = t.quiz_id WHERE t.user_id = $1 AND q.slug = 'kiem-tra'",
        )
        .bind(&user)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(held, 6, "{backend}: the cap holds under parallel saves");
    }
}
