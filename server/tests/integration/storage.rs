//! Storage journeys that must hold on both databases: importing, re-importing and keeping progress.

use crate::util::{copy_dir, database_urls, fixtures, fresh_db};
use app::db::course::{import_course, ImportStatus};
use app::db::{progress, user};

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
        for lesson in ["mot", "hai", "ba"] {
            assert!(progress::mark_lesson_done(&db, &uid, "mini", lesson).await.unwrap(), "{backend}");
        }
        assert!(!progress::mark_lesson_done(&db, &uid, "mini", "khong-co").await.unwrap());

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
        let status = |slug: &str| detail.items.iter().find(|i| i.slug == slug).map(|i| i.status);
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
