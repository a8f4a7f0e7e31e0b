//! An official follows training in their province: figures checked against a small data set computed by
//! hand, the region scoping of pages and exports, targets, the learner list, and Excel files that open.

use crate::certificates::pass_quiz;
use crate::util::TestApp;
use app::dashboard::api;
use app::dashboard::{Counts, Dashboard, Filter};

async fn view(app: &TestApp, who: &str, f: &Filter) -> Dashboard {
    let me = app::auth::api::current_user(&app.db, who).await.unwrap().unwrap();
    api::load(&app.db, &me, f).await.unwrap()
}

fn counts(d: &Dashboard, kind: &str, key: &str) -> Counts {
    let lines = match kind {
        "course" => &d.by_course,
        "region" => &d.by_region,
        _ => &d.by_org,
    };
    lines.iter().find(|l| l.key == key).map(|l| l.counts).unwrap_or_default()
}

const C: fn(i64, i64, i64) -> Counts = |enrolled, completed, certified| Counts { enrolled, completed, certified };

/// Four learners in two provinces, one official of Vĩnh Long (86), one admin:
/// - A (Phú Khương, 86, cooperative) finishes the mini course;
/// - B (An Hội, 86, enterprise) reads one lesson;
/// - C (Ba Đình, Hà Nội 01, cooperative) finishes the mini course;
/// - D (Phú Khương, 86, household) never starts.
struct World {
    app: TestApp,
    official: String,
    admin: String,
}

async fn world(app: TestApp) -> World {
    app.learner("0999 100 001", "Nguyễn Thị Ánh Tuyết", "28756", "hop-tac-xa").await;
    app.learner("0999 100 002", "Trần Văn Bình", "28777", "doanh-nghiep").await;
    app.learner("0999 100 003", "Lê Thị Thủ Đô", "00004", "hop-tac-xa").await;
    app.learner("0999 100 004", "Phạm Văn Dũng", "28756", "ho-san-xuat").await;
    let official = app.person("0999 100 005", "Cán Bộ Vĩnh Long", "86", Some(("official", Some("86")))).await;
    let admin = app.person("0999 100 006", "Quản Trị Viên", "01", Some(("admin", None))).await;
    for phone in ["0999100001", "0999100003"] {
        let c = app.signed_in(phone).await;
        for lesson in ["mot", "hai", "ba"] {
            app.post_form(&c, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", lesson)]).await;
        }
        pass_quiz(&app, &c, "kiem-tra").await;
        pass_quiz(&app, &c, "rut-tham").await;
    }
    let b = app.signed_in("0999100002").await;
    app.post_form(&b, "/api/mark_lesson_done", &[("course", "mini"), ("lesson", "mot")]).await;
    World { app, official, admin }
}

async fn summary_rows(app: &TestApp) -> (Vec<String>, Vec<String>) {
    use sqlx::Row as _;
    let lc = sqlx::query(
        "SELECT user_id, course_id, region_path, org_type, enrolled_at, last_active_at, lessons_done, best_score, passed_at, completed_at, certified_at, certificate_code
         FROM learner_course ORDER BY user_id, course_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        format!(
            "{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<String, _>(2),
            r.get::<String, _>(3),
            r.get::<i64, _>(4),
            r.get::<i64, _>(5),
            r.get::<i64, _>(6),
            r.get::<Option<f64>, _>(7),
            r.get::<Option<i64>, _>(8),
            r.get::<Option<i64>, _>(9),
            r.get::<Option<i64>, _>(10),
            r.get::<Option<String>, _>(11)
        )
    })
    .collect();
    let cells = sqlx::query(
        "SELECT region_path, parent_path, course_id, org_type, month, enrolled, completed, certified, completions FROM stat_cell
         WHERE enrolled <> 0 OR completed <> 0 OR certified <> 0 OR completions <> 0 ORDER BY region_path, course_id, org_type, month",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        format!(
            "{}|{:?}|{}|{}|{}|{}|{}|{}|{}",
            r.get::<String, _>(0),
            r.get::<Option<String>, _>(1),
            r.get::<String, _>(2),
            r.get::<String, _>(3),
            r.get::<String, _>(4),
            r.get::<i64, _>(5),
            r.get::<i64, _>(6),
            r.get::<i64, _>(7),
            r.get::<i64, _>(8)
        )
    })
    .collect();
    (lc, cells)
}

#[tokio::test]
async fn an_official_sees_figures_computed_by_hand_for_their_province_only() {
    for (backend, app) in TestApp::each_backend().await {
        let w = world(app).await;
        let app = &w.app;
        let this_month = app::calendar::month_key(app::db::now_ms());

        let d = view(app, &w.official, &Filter::default()).await;
        let h = d.headline;
        assert_eq!((h.learners, h.enrolled, h.active, h.completed, h.certified), (3, 2, 2, 1, 1), "{backend}: headline of 86");
        assert_eq!(counts(&d, "course", "mini"), C(2, 1, 1), "{backend}");
        assert_eq!(counts(&d, "course", "quan-tri-hop-tac-xa"), C(0, 0, 0), "{backend}: a course nobody took");
        assert_eq!(counts(&d, "region", "28756"), C(1, 1, 1), "{backend}: Phú Khương");
        assert_eq!(counts(&d, "region", "28777"), C(1, 0, 0), "{backend}: An Hội");
        assert_eq!(d.by_region.len(), 2, "{backend}: only communes with learners: {:?}", d.by_region);
        assert_eq!(counts(&d, "org", "hop-tac-xa"), C(1, 1, 1), "{backend}");
        assert_eq!(counts(&d, "org", "doanh-nghiep"), C(1, 0, 0), "{backend}");
        assert_eq!(d.by_month.len(), 1, "{backend}");
        assert_eq!((d.by_month[0].month.as_str(), d.by_month[0].enrolled, d.by_month[0].completions), (this_month.as_str(), 2, 1), "{backend}");
        assert_eq!(d.crumbs.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["86"], "{backend}: the official starts at their province");

        let all = view(app, &w.admin, &Filter::default()).await;
        let h = all.headline;
        assert_eq!((h.learners, h.enrolled, h.completed, h.certified), (4, 3, 2, 2), "{backend}: the whole country");
        assert_eq!(counts(&all, "region", "86"), C(2, 1, 1), "{backend}");
        assert_eq!(counts(&all, "region", "01"), C(1, 1, 1), "{backend}");
        let coops = view(app, &w.admin, &Filter { loai: "hop-tac-xa".into(), ..Filter::default() }).await;
        assert_eq!((coops.headline.enrolled, coops.headline.completed, coops.headline.learners), (2, 2, 2), "{backend}: cooperatives");
        let commune = view(app, &w.admin, &Filter { vung: "28756".into(), ..Filter::default() }).await;
        assert_eq!((commune.headline.enrolled, commune.headline.learners), (1, 2), "{backend}: one commune (A and D live there)");
        let (y, m) = app::calendar::parse_month(&this_month).unwrap();
        let (ny, nm) = app::calendar::next_month(y, m);
        let later = view(app, &w.admin, &Filter { tu: format!("{ny:04}-{nm:02}"), ..Filter::default() }).await;
        assert_eq!((later.headline.enrolled, later.headline.completed), (0, 0), "{backend}: nobody enrolled next month");
        let now = view(app, &w.admin, &Filter { tu: this_month.clone(), den: this_month.clone(), ..Filter::default() }).await;
        assert_eq!(now.headline.enrolled, 3, "{backend}: everyone enrolled this month");

        // A revoked certificate stops counting; the completion stays.
        let code: String = sqlx::query_scalar("SELECT ce.code FROM certificate ce JOIN app_user u ON u.id = ce.user_id WHERE u.full_name = $1")
            .bind("Nguyễn Thị Ánh Tuyết")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert!(app::db::certificate::revoke(&app.db, &code, &w.admin, "sai tên").await.unwrap());
        let d = view(app, &w.official, &Filter::default()).await;
        assert_eq!((d.headline.completed, d.headline.certified), (1, 0), "{backend}: after revocation");

        // The summary written along the way equals one rebuilt from the records.
        let live = summary_rows(app).await;
        let live_counts = count_rows(app).await;
        // The totals without the month, kept with every change, are the monthly cells added up.
        let (kept, summed) = child_totals(app).await;
        assert!(!kept.is_empty(), "{backend}: child totals are kept");
        assert_eq!(kept, summed, "{backend}: child totals kept live = the monthly cells added up");
        assert!(!live_counts.0.is_empty() && !live_counts.1.is_empty(), "{backend}: activity and account rows are kept");
        let indexes = summary_indexes(app).await;
        assert!(indexes.len() >= 3, "{backend}: the summary's secondary indexes are seen: {indexes:?}");
        app::db::summary::rebuild(&app.db).await.unwrap();
        assert_eq!(summary_rows(app).await, live, "{backend}: live summary = rebuilt summary");
        assert_eq!(count_rows(app).await, live_counts, "{backend}: live activity and account counts = rebuilt ones");
        assert_eq!(child_totals(app).await, (kept.clone(), kept), "{backend}: rebuilt child totals = the live ones");
        // The account roll-up the triggers kept equals the live accounts grouped by commune, type and report
        // month as the app computes it (calendar::month_key, Vietnam time).
        let users: Vec<(Option<String>, String, i64)> = sqlx::query_as("SELECT region_code, org_type, created_at FROM app_user WHERE deleted_at IS NULL")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        let mut want: std::collections::BTreeMap<(String, String, String), i64> = Default::default();
        for (region, org, at) in users {
            *want.entry((region.unwrap_or_default(), org, app::calendar::month_key(at))).or_default() += 1;
        }
        let want: Vec<String> = want.into_iter().map(|((r, o, m), n)| format!("{r}|{o}|{m}|{n}")).collect();
        assert_eq!(live_counts.1, want, "{backend}: account roll-up = live accounts by commune, type and month");
        assert_eq!(summary_indexes(app).await, indexes, "{backend}: the rebuild makes again every index it dropped");
    }
}

/// Each learner's latest activity, and the account roll-up, as text lines.
async fn count_rows(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let activity = four_columns(app, "SELECT user_id, region_path, org_type, last_active_at FROM learner_activity ORDER BY user_id").await;
    let accounts =
        four_columns(app, "SELECT region_code, org_type, month, accounts FROM account_cell WHERE accounts <> 0 ORDER BY region_code, org_type, month").await;
    (activity, accounts)
}

/// The child totals without the month, and the same added up from the monthly cells, as
/// `parent|region|course|type|enrolled|completed|certified` with the all-zero rows left out.
async fn child_totals(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let read = |sql: &'static str| async move {
        let rows: Vec<(String, String, String, String, i64, i64, i64)> = sqlx::query_as(sql).fetch_all(&app.db.pool).await.unwrap();
        rows.into_iter().filter(|r| (r.4, r.5, r.6) != (0, 0, 0)).map(|r| format!("{}|{}|{}|{}|{}|{}|{}", r.0, r.1, r.2, r.3, r.4, r.5, r.6)).collect::<Vec<_>>()
    };
    let kept = read("SELECT parent_path, region_path, course_id, org_type, enrolled, completed, certified FROM stat_child ORDER BY 1, 2, 3, 4").await;
    let summed = read(
        "SELECT parent_path, region_path, course_id, org_type, CAST(SUM(enrolled) AS BIGINT), CAST(SUM(completed) AS BIGINT), CAST(SUM(certified) AS BIGINT)
         FROM stat_cell WHERE parent_path IS NOT NULL GROUP BY parent_path, region_path, course_id, org_type ORDER BY 1, 2, 3, 4",
    )
    .await;
    (kept, summed)
}

/// Rows of three text columns and a number, as `a|b|c|n`.
async fn four_columns(app: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(sql).fetch_all(&app.db.pool).await.unwrap();
    rows.into_iter().map(|(a, b, c, n)| format!("{a}|{b}|{c}|{n}")).collect()
}

/// The secondary indexes of the two summary tables, as the database describes them.
async fn summary_indexes(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.db.pool.acquire().await.unwrap();
    let mut out = app::db::bulk::secondary_indexes(&mut conn, "learner_course").await.unwrap();
    out.extend(app::db::bulk::secondary_indexes(&mut conn, "stat_cell").await.unwrap());
    out
}

fn csv_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM first, for Excel");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

pub(crate) fn xlsx_sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("the XLSX opens");
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            let rows = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            (n, rows)
        })
        .collect()
}

#[tokio::test]
async fn pages_and_exports_never_show_another_region() {
    let w = world(TestApp::start().await).await;
    let app = &w.app;
    let o = app.signed_in("0999100005").await;

    let (status, page, _) = app.get_with(&o, "/thong-ke").await;
    assert_eq!(status, 200);
    assert!(page.contains("Phường Phú Khương") && page.contains("role=\"img\""), "communes of 86 with charts");
    assert!(!page.contains("Thành phố Hà Nội"), "no other province on the page");
    let (_, list, _) = app.get_with(&o, "/thong-ke/nguoi-hoc").await;
    assert!(list.contains("Nguyễn Thị Ánh Tuyết") && list.contains("Trần Văn Bình"));
    assert!(!list.contains("Lê Thị Thủ Đô"), "a learner of Hà Nội is not listed for 86");
    let (_, found, _) = app.get_with(&o, "/thong-ke/nguoi-hoc?q=anh%20tuyet").await;
    assert!(found.contains("Nguyễn Thị Ánh Tuyết") && !found.contains("Trần Văn Bình"), "search ignores diacritics");

    for path in ["/thong-ke?vung=01", "/thong-ke/nguoi-hoc?vung=00004", "/thong-ke/xuat.csv?vung=01", "/thong-ke/xuat.xlsx?vung=00004", "/thong-ke/bao-cao?vung=01"] {
        let (status, body, _) = app.get_with(&o, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(!body.contains("Lê Thị Thủ Đô"), "{path}");
    }

    let res = o.get(format!("{}/thong-ke/xuat.csv", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv_text(&res.bytes().await.unwrap());
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows[0][0], "Báo cáo tiến độ đào tạo");
    assert_eq!(rows[1][0], "Bộ lọc");
    assert!(rows[1][1].contains("Vĩnh Long"), "the header names the filter: {:?}", rows[1]);
    assert_eq!(rows[2][1], app::i18n::format_date(app::db::now_ms()), "and the date");
    assert_eq!((rows[3][0].as_str(), rows[4][0].as_str()), ("Lớp đã tổ chức", "Người được tập huấn"), "and the workshops");
    assert_eq!(rows[6][0], "Họ và tên");
    let names: Vec<&str> = rows[7..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["Nguyễn Thị Ánh Tuyết", "Trần Văn Bình"], "one line per learner and course, by name");
    assert_eq!(rows[7][10].len(), 19, "the certificate code");

    let res = o.get(format!("{}/thong-ke/xuat.xlsx", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let sheets = xlsx_sheets(&res.bytes().await.unwrap());
    assert_eq!(sheets.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), ["Tổng quan", "Học viên"]);
    let summary = &sheets[0].1;
    let figure = |label: &str| summary.iter().find(|r| r[0] == label).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!((figure("Lượt ghi danh"), figure("Hoàn thành"), figure("Chứng chỉ đã cấp")), ("2".into(), "1".into(), "1".into()));
    let learners: Vec<&str> = sheets[1].1.iter().skip(3).map(|r| r[0].as_str()).collect();
    assert_eq!(learners, ["Nguyễn Thị Ánh Tuyết", "Trần Văn Bình"]);

    // The admin's export holds every province.
    let a = app.signed_in("0999100006").await;
    let res = a.get(format!("{}/thong-ke/xuat.csv?loai=hop-tac-xa", app.base)).send().await.unwrap();
    let text = csv_text(&res.bytes().await.unwrap());
    assert!(text.contains("Lê Thị Thủ Đô") && text.contains("Nguyễn Thị Ánh Tuyết") && !text.contains("Trần Văn Bình"), "{text}");
    assert!(text.contains("Hợp tác xã"), "the filter is named");

    // A deleted account leaves the list and the export; its anonymous enrolment still counts.
    let b: String = sqlx::query_scalar("SELECT id FROM app_user WHERE full_name = $1").bind("Trần Văn Bình").fetch_one(&app.db.pool).await.unwrap();
    let before = view(app, &w.official, &Filter::default()).await.headline.learners;
    app::db::user::delete_account(&app.db, &b, false).await.unwrap();
    assert_eq!(view(app, &w.official, &Filter::default()).await.headline.learners, before - 1, "a deleted account is no longer a learner");
    let (_, list, _) = app.get_with(&o, "/thong-ke/nguoi-hoc").await;
    assert!(list.contains("Nguyễn Thị Ánh Tuyết") && !list.contains("Trần Văn Bình"));
    let csv = csv_text(&o.get(format!("{}/thong-ke/xuat.csv", app.base)).send().await.unwrap().bytes().await.unwrap());
    assert!(!csv.contains("Trần Văn Bình"));
    assert_eq!(view(app, &w.official, &Filter::default()).await.headline.enrolled, 2);

    // Learners and anonymous visitors get nothing.
    let learner = app.signed_in("0999100001").await;
    for path in ["/thong-ke", "/thong-ke/xuat.csv", "/thong-ke/nguoi-hoc"] {
        assert_eq!(app.get_with(&learner, path).await.0, 403, "{path}");
        let (status, _, loc) = app.get_with(&app.browser(), path).await;
        assert!((300..400).contains(&status) && loc.starts_with("/dang-nhap"), "{path}: {status} {loc}");
    }
}

#[tokio::test]
async fn bad_filters_get_a_clear_message() {
    let w = world(TestApp::start().await).await;
    let a = w.app.signed_in("0999100006").await;
    for (path, message) in [
        ("/thong-ke?khoa=khong-co", "Không có khoá học này."),
        ("/thong-ke?tu=2026-13", "Tháng phải viết dạng năm-tháng"),
        ("/thong-ke?tu=2026-05&den=2026-01", "Tháng bắt đầu phải trước tháng kết thúc."),
        ("/thong-ke?vung=99999", "Không có vùng với mã này."),
        ("/thong-ke?loai=ngan-hang", "Hãy chọn loại hình tổ chức."),
    ] {
        let (status, body, _) = w.app.get_with(&a, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(body.contains(message), "{path}");
    }
    let res = a.get(format!("{}/thong-ke/xuat.csv?khoa=khong-co", w.app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn an_official_sets_a_target_in_their_area_and_follows_it() {
    for (_, app) in TestApp::each_backend().await {
        a_target_on(world(app).await).await;
    }
}

async fn a_target_on(w: World) {
    let app = &w.app;
    let o = app.signed_in("0999100005").await;
    let form = |vung: &'static str, target: &'static str, han: &'static str| {
        vec![("vung", vung), ("khoa", "mini"), ("loai", "hop-tac-xa"), ("target", target), ("han", han)]
    };
    let (status, loc) = app.post_form(&o, "/api/add_target", &form("86", "2", "2030-12-31")).await;
    assert_eq!((status, loc.as_str()), (302, "/thong-ke?vung=86#chi-tieu"));
    let (_, loc) = app.post_form(&o, "/api/add_target", &form("01", "5", "2030-12-31")).await;
    assert!(loc.contains("loi=forbidden"), "outside the area: {loc}");
    for (target, han, code) in [("0", "2030-12-31", "target_number"), ("2,5", "2030-12-31", "target_number"), ("3", "2030-02-30", "target_date")] {
        let (_, loc) = app.post_form(&o, "/api/add_target", &form("86", target, han)).await;
        assert!(loc.contains(&format!("loi={code}")), "{target} {han}: {loc}");
    }
    // A refused target comes back filled in, open, with the message beside the number, without JavaScript.
    let (_, loc) = app.post_form(&o, "/api/add_target", &form("86", "2,5", "2031-06-30")).await;
    assert!(loc.starts_with("/thong-ke?vung=86&loi=target_number&o=target&") && loc.ends_with("#chi-tieu"), "{loc}");
    let (status, page, _) = app.get_with(&o, &loc).await;
    assert_eq!(status, 200);
    let form_at = page.find("action=\"/api/add_target\"").expect("the target form");
    let target_form = &page[form_at..];
    let details = &page[page[..form_at].rfind("<details").expect("the form's details")..form_at];
    assert!(details.contains(" open"), "the form is open again: {details}");
    assert!(target_form.contains("value=\"2,5\"") && target_form.contains("value=\"2031-06-30\""), "{target_form}");
    assert!(target_form.contains("value=\"hop-tac-xa\" selected") && target_form.contains("value=\"mini\" selected"), "{target_form}");
    let beside = target_form.find("id=\"target-loi\"").expect("message beside the number");
    let message = &target_form[beside..target_form[beside..].find("</p>").map_or(target_form.len(), |e| beside + e)];
    assert!(message.contains("role=\"alert\"") && message.contains(">Chỉ tiêu là một số nguyên từ 1 đến 1.000.000."), "{message}");
    assert!(target_form[..beside].contains("aria-describedby=\"target-loi\""));
    let d = view(app, &w.official, &Filter::default()).await;
    assert!(d.filter.khoa.is_empty(), "the kept values are not read as the dashboard's filter");
    let learner = app.signed_in("0999100002").await;
    let (_, loc) = app.post_form(&learner, "/api/add_target", &form("86", "9", "2030-12-31")).await;
    assert!(loc.contains("loi=forbidden"), "a learner sets no target: {loc}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM training_target").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, 1);
    // Sent twice (a double tap): still one target.
    app.post_form(&o, "/api/add_target", &form("86", "2", "2030-12-31")).await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM training_target").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, 1, "a resent form adds no second target");

    let d = view(app, &w.official, &Filter::default()).await;
    assert_eq!(d.targets.len(), 1);
    let t = &d.targets[0];
    assert_eq!((t.target, t.certified, t.overdue), (2, 1, false), "one cooperative manager of 86 certified in mini");
    let (_, page, _) = app.get_with(&o, "/thong-ke").await;
    assert!(page.contains("1/2 người đã có chứng chỉ (50,0 %)"), "progress shown");

    // The admin sees it too; an official of another province neither sees nor removes it.
    assert_eq!(view(app, &w.admin, &Filter::default()).await.targets.len(), 1);
    let other = app.person("0999 100 007", "Cán Bộ Hà Nội", "01", Some(("official", Some("01")))).await;
    assert!(view(app, &other, &Filter::default()).await.targets.is_empty());
    let hn = app.signed_in("0999100007").await;
    let (_, loc) = app.post_form(&hn, "/api/remove_target", &[("id", &t.id)]).await;
    assert!(loc.contains("loi=forbidden"), "{loc}");
    let (_, loc) = app.post_form(&o, "/api/remove_target", &[("id", &t.id)]).await;
    assert_eq!(loc, "/thong-ke#chi-tieu");
    assert!(view(app, &w.official, &Filter::default()).await.targets.is_empty());
}

#[tokio::test]
async fn seeded_data_pages_through_the_learner_list_and_matches_the_records() {
    for (backend, app) in TestApp::each_backend().await {
        let admin = app.person("0999 200 001", "Quản Trị Viên", "01", Some(("admin", None))).await;
        let seeded = server::seed::seed_demo(&app.db, 130, 3, 7, "").await.unwrap();
        assert_eq!(seeded.learners, 130);
        let me = app::auth::api::current_user(&app.db, &admin).await.unwrap().unwrap();

        let d = api::load(&app.db, &me, &Filter::default()).await.unwrap();
        let count = |sql: &'static str| {
            let pool = app.db.pool.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(d.headline.learners, 130, "{backend}");
        assert_eq!(d.headline.enrolled, count("SELECT COUNT(*) FROM enrolment").await, "{backend}");
        assert_eq!(d.headline.completed, count("SELECT COUNT(*) FROM completion").await, "{backend}");
        assert_eq!(d.headline.certified, count("SELECT COUNT(*) FROM certificate WHERE revoked_at IS NULL").await, "{backend}");
        assert!(d.headline.enrolled >= 260, "{backend}: at least two courses each");
        let region_sum: i64 = d.by_region.iter().map(|l| l.counts.enrolled).sum();
        assert_eq!(region_sum, d.headline.enrolled, "{backend}: provinces add up");

        // Every learner exactly once across the pages.
        let mut seen = Vec::new();
        let mut sau = String::new();
        loop {
            let page = api::learners(&app.db, &me, &Filter::default(), "", &sau).await.unwrap();
            assert!(page.learners.len() <= app::dashboard::PAGE_SIZE);
            seen.extend(page.learners.iter().map(|l| (l.name.clone(), l.courses.len())));
            match page.next {
                Some(n) => sau = n,
                None => break,
            }
        }
        assert_eq!(seen.len(), 130, "{backend}");
        assert_eq!(seen.iter().map(|s| s.1 as i64).sum::<i64>(), d.headline.enrolled, "{backend}: each learner's courses");
        let nguyen = api::learners(&app.db, &me, &Filter::default(), "NGUYEN", "").await.unwrap();
        let expected = seen.iter().filter(|s| app::text::fold(&s.0).contains("nguyen")).count();
        assert!(expected > 0);
        assert_eq!(nguyen.learners.len(), expected.min(app::dashboard::PAGE_SIZE), "{backend}");
        assert!(nguyen.learners.iter().all(|l| l.name.contains("Nguyễn")), "{backend}");
    }
}
