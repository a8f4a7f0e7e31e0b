//! Storage journeys that must hold on both databases: importing, re-importing and keeping progress.

use crate::util::{copy_dir, database_urls, fixtures, fresh_db};
use app::db::course::{import_course, ImportStatus};
use app::db::{learning, progress, user};

async fn learner(db: &app::db::Db) -> String {
    user::insert_user(
        &db.pool,
        &user::NewUser {
            phone: "+84912345678",
            full_name: "Nguyễn Thị Ánh Tuyết",
            org_name: "HTX Dừa Xanh",
            org_type: "hop-tac-xa",
            region_code: None,
            password_hash: "$argon2id$test",
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn reimport_after_editing_one_lesson_keeps_progress_on_the_others() {
    for (backend, url) in database_urls(tempfile::tempdir().unwrap().keep().as_path()) {
        let tmp = tempfile::tempdir().unwrap();
        let db = fresh_db(&url).await;
        let dir = tmp.path().join("mini");
        copy_dir(&fixtures().join("mini"), &dir);

        let first = app::content::load_course(&dir).unwrap();
        let o = import_course(&db, &first).await.unwrap();
        assert_eq!(o.status, ImportStatus::Created, "{backend}");
        assert_eq!(o.added, ["mot", "hai", "ba"], "{backend}");

        let uid = learner(&db).await;
        let done = |lesson: &'static str| learning::LessonDone { record_id: None, user_id: &uid, course_slug: "mini", lesson_slug: lesson, device: Default::default() };
        for lesson in ["mot", "hai", "ba"] {
            assert!(learning::lesson_done(&db, &done(lesson)).await.unwrap().is_some(), "{backend}");
        }
        assert!(learning::lesson_done(&db, &done("khong-co")).await.unwrap().is_none());

        // The same files again: nothing to do.
        let again = import_course(&db, &app::content::load_course(&dir).unwrap()).await.unwrap();
        assert_eq!(again.status, ImportStatus::Unchanged, "{backend}");

        // Edit lesson two, remove lesson three, add lesson four, and renumber lesson one.
        let two = dir.join("02-hai.md");
        std::fs::write(&two, std::fs::read_to_string(&two).unwrap() + "\nThêm một đoạn mới.\n").unwrap();
        std::fs::remove_file(dir.join("03-ba.md")).unwrap();
        std::fs::write(dir.join("06-bon.md"), "---\ntitle: Bài bốn\nminutes: 2\n---\n\nMới.\n").unwrap();
        std::fs::rename(dir.join("01-mot.md"), dir.join("00-mot.md")).unwrap();
        let edited = app::content::load_course(&dir).unwrap();
        let o = import_course(&db, &edited).await.unwrap();
        assert_eq!(o.status, ImportStatus::Updated, "{backend}");
        assert_eq!(o.added, ["bon"], "{backend}");
        assert_eq!(o.changed, ["hai"], "{backend}");
        assert_eq!(o.removed, ["ba"], "{backend}");

        // Progress survives: "mot" and "hai" are still done (hai marked as updated), "ba" keeps its history.
        let done = progress::done_lessons(&db, &uid, "mini").await.unwrap();
        assert_eq!(done, ["ba", "hai", "mot"], "{backend}");
        let detail = app::db::course::course_detail(&db, "mini", Some(&uid)).await.unwrap().unwrap();
        let status = |slug: &str| detail.items.iter().find(|i| i.slug == slug).map(|i| app::catalog::api::item(i).status);
        use app::catalog::ItemStatus::*;
        assert_eq!(status("mot"), Some(Done), "{backend}");
        assert_eq!(status("hai"), Some(UpdatedSinceDone), "{backend}");
        assert_eq!(status("bon"), Some(NotStarted), "{backend}");
        assert_eq!(status("ba"), None, "{backend}");
        assert_eq!(detail.items[0].slug, "mot", "renumbered lesson moved first");
    }
}

#[tokio::test]
async fn a_broken_course_does_not_stop_the_others() {
    for (backend, url) in database_urls(tempfile::tempdir().unwrap().keep().as_path()) {
        let db = fresh_db(&url).await;
        let broken = server::import_courses(&db, &fixtures(), false).await.unwrap();
        assert!(broken, "{backend}: the broken fixtures are reported");
        let cards = app::db::course::catalog(&db, "").await.unwrap();
        assert_eq!(cards.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["mini"], "{backend}");
    }
}

#[tokio::test]
async fn both_migration_folders_define_the_same_tables_and_columns() {
    let shape = |sql: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut table = String::new();
        for line in sql.lines() {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("CREATE TABLE ") {
                table = rest.split_whitespace().next().unwrap_or("").to_string();
            } else if let Some(rest) = ["CREATE INDEX ", "CREATE UNIQUE INDEX ", "DROP INDEX "].iter().find_map(|p| l.strip_prefix(p)) {
                // Indexes count too: both databases must get the same ones.
                out.push(format!("{} {}", &l[..l.len() - rest.len()], rest.split_whitespace().next().unwrap_or("")));
            } else if !table.is_empty() && !l.is_empty() && !l.starts_with("--") && !l.starts_with(')') {
                let first = l.split_whitespace().next().unwrap_or("");
                if first.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    out.push(format!("{table}.{first}"));
                }
            }
        }
        out
    };
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/migrations");
    let mut files: Vec<_> = std::fs::read_dir(base.join("sqlite")).unwrap().map(|e| e.unwrap().file_name()).collect();
    files.sort();
    for f in files {
        let s = std::fs::read_to_string(base.join("sqlite").join(&f)).unwrap();
        let p = std::fs::read_to_string(base.join("postgres").join(&f)).expect("same migration file in postgres/");
        assert_eq!(shape(&s), shape(&p), "{f:?}");
        assert!(!shape(&s).is_empty());
    }
}

#[tokio::test]
async fn a_new_region_file_retires_old_codes_and_people_keep_theirs() {
    for (backend, url) in database_urls(tempfile::tempdir().unwrap().keep().as_path()) {
        let db = fresh_db(&url).await;
        let v1 = app::db::region::parse_csv("code,name,parent_code,kind\n86,Vĩnh Long,,tỉnh\n28756,Phường Phú Khương,86,phường\n29000,Xã Cũ,86,xã\n").unwrap();
        let r = app::db::region::import(&db, &v1).await.unwrap();
        assert_eq!((r.inserted, r.updated, r.retired), (3, 0, 0), "{backend}");
        let hash = "$argon2id$test";
        let new = user::NewUser { phone: "+84912000111", full_name: "Ở Xã Cũ", org_name: "", org_type: "khac", region_code: Some("29000"), password_hash: hash };
        let id = user::insert_user(&db.pool, &new).await.unwrap();
        let v2 = app::db::region::parse_csv("code,name,parent_code,kind\n86,Tỉnh Vĩnh Long,,tỉnh\n28756,Phường Phú Khương,86,phường\n").unwrap();
        let r = app::db::region::import(&db, &v2).await.unwrap();
        assert_eq!((r.inserted, r.updated, r.retired), (0, 2, 1), "{backend}");
        let code: Option<String> = sqlx::query_scalar("SELECT region_code FROM app_user WHERE id = $1").bind(&id).fetch_one(&db.pool).await.unwrap();
        assert_eq!(code.as_deref(), Some("29000"), "{backend}: the person keeps their code");
        let provinces = app::db::region::children(&db, None).await.unwrap();
        assert_eq!(provinces[0].name, "Tỉnh Vĩnh Long", "{backend}");
        assert!(app::db::region::children(&db, Some("86")).await.unwrap().iter().all(|r| r.code != "29000"), "retired codes leave the pickers");
        assert!(app::db::region::parse_csv("code,name,parent_code,kind\n1,A,99,xã\n").unwrap_err().contains("line 2"));
    }
}

#[tokio::test]
async fn create_user_reads_the_password_from_stdin_never_argv() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/cli.db", tmp.path().display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["create-user", "--role", "admin", "--phone", "0912 999 888", "--name", "Quản Trị Đầu Tiên", "--database", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all("mật khẩu quản trị\n".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let db = server::open_database(&url).await.unwrap();
    let user::LoginRow { id, password_hash: hash } = user::login_record(&db, "+84912999888").await.unwrap().unwrap();
    assert!(app::auth::password::verify("mật khẩu quản trị".into(), hash).await.unwrap());
    assert!(app::auth::api::current_user(&db, &id).await.unwrap().unwrap().is_admin());
    // A short password is refused.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["create-user", "--role", "trainer", "--phone", "0912999777", "--name", "X", "--database", &url])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8"));
}

#[tokio::test]
async fn stale_throttle_counters_are_pruned_and_live_ones_kept() {
    for (backend, url) in database_urls(tempfile::tempdir().unwrap().keep().as_path()) {
        let db = fresh_db(&url).await;
        for key in ["address:old", "pair:live"] {
            for n in 1..=6 {
                assert_eq!(user::hit(&db, key, 3_600_000).await.unwrap(), n, "{backend}: one statement counts each hit");
            }
        }
        sqlx::query("UPDATE login_throttle SET updated_at = 0 WHERE key = 'address:old'").execute(&db.pool).await.unwrap();
        assert_eq!(user::prune_throttle(&db).await.unwrap(), 1, "{backend}: the stale row goes");
        assert_eq!(user::rate_count(&db, "pair:live", 3_600_000).await.unwrap(), 6, "{backend}: a live counter stays");
        // A window that has passed starts again at one.
        assert_eq!(user::hit(&db, "address:old", 3_600_000).await.unwrap(), 1, "{backend}");
    }
}

#[tokio::test]
async fn a_course_published_in_the_browser_is_never_overwritten_by_its_folder() {
    for (backend, url) in database_urls(tempfile::tempdir().unwrap().keep().as_path()) {
        let tmp = tempfile::tempdir().unwrap();
        let db = fresh_db(&url).await;
        let dir = tmp.path().join("mini");
        copy_dir(&fixtures().join("mini"), &dir);
        import_course(&db, &app::content::load_course(&dir).unwrap()).await.unwrap();
        // A trainer publishes an edit in the browser: the current revision now comes from there.
        let current: String = sqlx::query_scalar("SELECT current_revision_id FROM course WHERE slug = 'mini'").fetch_one(&db.pool).await.unwrap();
        sqlx::query("UPDATE course_revision SET source = 'browser' WHERE id = $1").bind(&current).execute(&db.pool).await.unwrap();
        // The folder changes too, and the server restarts (serve re-imports the folder).
        let two = dir.join("02-hai.md");
        std::fs::write(&two, std::fs::read_to_string(&two).unwrap() + "\nSửa trong thư mục.\n").unwrap();
        let o = import_course(&db, &app::content::load_course(&dir).unwrap()).await.unwrap();
        assert_eq!(o.status, ImportStatus::KeptBrowserEdit, "{backend}");
        let after: String = sqlx::query_scalar("SELECT current_revision_id FROM course WHERE slug = 'mini'").fetch_one(&db.pool).await.unwrap();
        let revisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course_revision").fetch_one(&db.pool).await.unwrap();
        assert_eq!((after, revisions), (current, 1), "{backend}: the browser's revision stays current");
    }
}
