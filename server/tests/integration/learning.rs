//! The one write path for learning records: replays change nothing, parallel posts cannot beat a limit.
//! Each test runs on SQLite and, when configured, PostgreSQL.

use crate::util::TestApp;

async fn attempts(app: &TestApp, user: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempt WHERE user_id = $1").bind(user).fetch_one(&app.db.pool).await.unwrap()
}

/// Eight "start attempt" posts at once, as a phone that resends on a flaky network does.
async fn start_in_parallel(app: &TestApp, c: &reqwest::Client) -> Vec<String> {
    let posts = (0..8).map(|_| app.post_form(c, "/api/start_attempt", &[("course", "mini"), ("quiz", "kiem-tra")]));
    futures_join_all(posts).await.into_iter().map(|(_, loc)| loc).collect()
}

async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.collect();
    let mut out = Vec::new();
    // Poll them together: each post is in flight before any answer comes back.
    let mut pinned: Vec<_> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    out.extend(done.into_iter().map(|d| d.unwrap()));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_starts_never_exceed_the_attempt_limit() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 100 001", "Học Viên Vội", "28756", None).await;
        let c = app.signed_in("0988100001").await;
        // The fixture quiz allows 3 attempts. Each round: eight starts at once, then the one open attempt is
        // submitted.
        for round in 1..=3 {
            let locs = start_in_parallel(&app, &c).await;
            assert_eq!(attempts(&app, &user).await, round, "{backend}: round {round} opened one attempt: {locs:?}");
            let open = locs.iter().find(|l| l.contains("/lan/")).expect("an attempt page").clone();
            assert!(locs.iter().all(|l| *l == open), "{backend}: every start lands on the one open attempt: {locs:?}");
            let (status, _) = app.post_form(&c, &format!("{open}/nop"), &[]).await;
            assert_eq!(status, 303, "{backend}");
        }
        let locs = start_in_parallel(&app, &c).await;
        assert!(locs.iter().all(|l| l.contains("loi=no_attempts_left")), "{backend}: {locs:?}");
        assert_eq!(attempts(&app, &user).await, 3, "{backend}: never more than the limit");
    }
}

async fn done_at(app: &TestApp, user: &str, lesson: &str) -> i64 {
    sqlx::query_scalar("SELECT p.done_at FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id WHERE p.user_id = $1 AND l.slug = $2")
        .bind(user)
        .bind(lesson)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_replayed_lesson_done_keeps_its_first_date() {
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 100 002", "Học Viên Đọc Lại", "28756", None).await;
        let c = app.signed_in("0988100002").await;
        let (status, _) = app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
        assert_eq!(status, 302, "{backend}");
        let first = done_at(&app, &user, "mot").await;
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        for _ in 0..2 {
            app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
        }
        assert_eq!(done_at(&app, &user, "mot").await, first, "{backend}: marking again keeps the first date");
        let lessons_done: i64 = sqlx::query_scalar("SELECT lessons_done FROM learner_course WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(lessons_done, 1, "{backend}: one lesson counted once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_record_sent_twice_is_stored_once_and_a_changed_one_is_refused() {
    use app::db::learning::{lesson_done, LessonDone, Stored};
    for (backend, app) in TestApp::each_backend().await {
        let user = app.person("0988 100 003", "Học Viên Mất Sóng", "28756", None).await;
        let other = app.person("0988 100 004", "Người Khác", "28756", None).await;
        let id = app::db::new_id();
        let phone_time = app::db::now_ms() - 60_000;
        fn record<'a>(id: &'a str, user: &'a str, lesson: &'a str, at: i64) -> LessonDone<'a> {
            LessonDone { record_id: Some(id), user_id: user, course_slug: "mini", lesson_slug: lesson, device: app::db::learning::DeviceClock { at: Some(at), ..Default::default() } }
        }
        let first = lesson_done(&app.db, &record(&id, &user, "mot", phone_time)).await.unwrap().unwrap();
        let Stored::New(outcome) = first else { panic!("{backend}: first receipt is new: {first:?}") };
        // The phone never heard back and resends, several times at once.
        let resends = (0..4).map(|_| {
            let db = app.db.clone();
            let (id, user) = (id.clone(), user.clone());
            tokio::spawn(async move {
                let r = LessonDone { record_id: Some(&id), user_id: &user, course_slug: "mini", lesson_slug: "mot", device: app::db::learning::DeviceClock { at: Some(phone_time), ..Default::default() } };
                lesson_done(&db, &r).await.unwrap().unwrap()
            })
        });
        for r in resends {
            assert_eq!(r.await.unwrap(), Stored::Replayed(outcome.clone()), "{backend}: a resend gets the stored outcome");
        }
        // The same id saying something else, or from someone else, is refused; nothing is recorded for it.
        assert_eq!(lesson_done(&app.db, &record(&id, &user, "hai", phone_time)).await.unwrap(), Some(Stored::Conflict), "{backend}");
        assert_eq!(lesson_done(&app.db, &record(&id, &other, "mot", phone_time)).await.unwrap(), Some(Stored::Conflict), "{backend}");
        let hai: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id WHERE l.slug = 'hai'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(hai, 0, "{backend}: the refused record changed nothing");
        // Both clocks are kept: the phone's, and the server's time of receipt.
        let device: Option<i64> = sqlx::query_scalar("SELECT done_at_device FROM lesson_progress WHERE user_id = $1").bind(&user).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!((device, done_at(&app, &user, "mot").await), (Some(phone_time), outcome.done_at), "{backend}");
    }
}
