//! What `taphuan seed-demo` reads and writes. The generator itself lives in the server crate; its SQL lives
//! here with the rest.

use super::bulk::{insert_many, Val};
use super::Db;
use sqlx::Row as _;

/// A course as the generator needs it: current revision, title, hours, lessons (id, content hash) in order,
/// and the first quiz (id, revision id, pass mark in percent).
pub struct DemoCourse {
    pub id: String,
    pub rev: String,
    pub title: String,
    pub hours: f64,
    pub lessons: Vec<(String, String)>,
    pub quiz: Option<(String, String, f64)>,
}

/// Every course with a current revision, by slug.
pub async fn courses(db: &Db) -> Result<Vec<DemoCourse>, sqlx::Error> {
    let mut out = Vec::new();
    let rows = sqlx::query("SELECT c.id AS course_id, r.id AS revision_id, r.title AS title, r.hours AS hours FROM course c JOIN course_revision r ON r.id = c.current_revision_id ORDER BY c.slug")
        .fetch_all(&db.pool)
        .await?;
    for r in rows {
        let rev: String = r.try_get("revision_id")?;
        let lessons: Vec<(String, String)> =
            sqlx::query_as("SELECT lesson_id, content_hash FROM lesson_revision WHERE course_revision_id = $1 ORDER BY position")
                .bind(&rev)
                .fetch_all(&db.pool)
                .await?;
        let quiz = sqlx::query("SELECT quiz_id, id, settings_json FROM quiz_revision WHERE course_revision_id = $1 ORDER BY position")
            .bind(&rev)
            .fetch_optional(&db.pool)
            .await?
            .map(|q| -> Result<_, sqlx::Error> {
                let settings: serde_json::Value = super::decode_json("quiz_revision.settings_json", &q.try_get::<String, _>("settings_json")?)?;
                Ok((q.try_get("quiz_id")?, q.try_get("id")?, settings["pass"].as_f64().unwrap_or(70.0)))
            })
            .transpose()?;
        out.push(DemoCourse { id: r.try_get("course_id")?, rev, title: r.try_get("title")?, hours: r.try_get("hours")?, lessons, quiz });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct CommuneRow {
    code: String,
    name: String,
}

/// Active provinces by code, each with its active communes (code, name) by code.
pub async fn provinces(db: &Db) -> Result<Vec<(String, Vec<(String, String)>)>, sqlx::Error> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM region WHERE parent_code IS NULL AND retired_at IS NULL ORDER BY code").fetch_all(&db.pool).await?;
    let mut out = Vec::new();
    for code in codes {
        let communes: Vec<CommuneRow> = sqlx::query_as("SELECT code, name FROM region WHERE parent_code = $1 AND retired_at IS NULL ORDER BY code")
            .bind(&code)
            .fetch_all(&db.pool)
            .await?;
        out.push((code, communes.into_iter().map(|c| (c.code, c.name)).collect()));
    }
    Ok(out)
}

/// How many seeded learners exist (their numbers start with +8497), so a second run adds new ones.
pub async fn seeded_learners(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM app_user WHERE phone LIKE '+8497%'").fetch_one(&db.pool).await
}

/// One batch of generated records, in the column order of each table's insert below.
#[derive(Default)]
pub struct Batch {
    pub users: Vec<Vec<Val>>,
    pub enrolments: Vec<Vec<Val>>,
    pub progress: Vec<Vec<Val>>,
    pub attempts: Vec<Vec<Val>>,
    pub completions: Vec<Vec<Val>>,
    pub certificates: Vec<Vec<Val>>,
}

/// Write a batch: the accounts in one short transaction, then their records in another.
///
/// Each account bumps its cell of `account_cell` (a trigger), which locks that row until commit. Two writers
/// each holding their cells for a whole batch would wait on each other, or deadlock when they took two
/// cells in opposite orders; so the accounts go first, in the cells' key order, and commit at once.
pub async fn insert_batch(db: &Db, mut b: Batch) -> Result<(), sqlx::Error> {
    // Columns: 5 org_type, 6 region_code, 8 created_at (see the insert below).
    let key = |r: &Vec<Val>| {
        let text = |v: &Val| match v {
            Val::Text(t) => t.clone(),
            _ => String::new(),
        };
        let month = match r[8] {
            Val::Int(ms) => crate::calendar::month_key(ms),
            _ => String::new(),
        };
        (text(&r[6]), text(&r[5]), month)
    };
    b.users.sort_by_cached_key(key);
    let mut tx = db.pool.begin().await?;
    insert_many(&mut tx, "app_user", &["id", "phone", "full_name", "name_key", "org_name", "org_type", "region_code", "password_hash", "created_at"], b.users).await?;
    tx.commit().await?;
    let mut tx = db.pool.begin().await?;
    insert_many(&mut tx, "enrolment", &["user_id", "course_id", "enrolled_at", "source"], b.enrolments).await?;
    insert_many(&mut tx, "lesson_progress", &["user_id", "lesson_id", "content_hash", "done_at"], b.progress).await?;
    insert_many(
        &mut tx,
        "attempt",
        &["id", "user_id", "quiz_id", "quiz_revision_id", "seed", "question_ids", "started_at", "deadline_at", "submitted_at", "points", "max_points", "percent", "passed"],
        b.attempts,
    )
    .await?;
    insert_many(&mut tx, "completion", &["user_id", "course_id", "course_revision_id", "completed_at"], b.completions).await?;
    insert_many(&mut tx, "certificate", &["code", "user_id", "course_id", "issued_at", "holder_name", "course_title", "hours"], b.certificates).await?;
    tx.commit().await
}

/// Fresh planner statistics after a bulk load (both databases know `ANALYZE`).
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("ANALYZE").execute(&db.pool).await.map(|_| ())
}

/// The busiest province (code), its busiest commune (code) and the most taken course (slug), by enrolments:
/// the largest views an official can ask for, which the benchmark measures.
pub async fn busiest(db: &Db) -> Result<(String, String, String), sqlx::Error> {
    let province: String =
        sqlx::query_scalar("SELECT region_path FROM stat_cell WHERE parent_path = '' GROUP BY region_path ORDER BY SUM(enrolled) DESC LIMIT 1")
            .fetch_one(&db.pool)
            .await?;
    let commune: String =
        sqlx::query_scalar("SELECT region_path FROM stat_cell WHERE parent_path = $1 GROUP BY region_path ORDER BY SUM(enrolled) DESC LIMIT 1")
            .bind(&province)
            .fetch_one(&db.pool)
            .await?;
    let course: String = sqlx::query_scalar(
        "SELECT c.slug FROM stat_cell s JOIN course c ON c.id = s.course_id WHERE s.region_path = '' GROUP BY c.slug ORDER BY SUM(s.enrolled) DESC LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok((province, commune.rsplit('/').next().unwrap_or(&commune).to_string(), course))
}

/// The size of the data a benchmark ran on.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SizesRow {
    pub accounts: i64,
    pub lessons_done: i64,
    pub learner_courses: i64,
}

/// Accounts, lessons done and learner-course rows: the size of the data a benchmark ran on.
pub async fn sizes(db: &Db) -> Result<SizesRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM app_user) AS accounts, (SELECT COUNT(*) FROM lesson_progress) AS lessons_done,
           (SELECT COUNT(*) FROM learner_course) AS learner_courses",
    )
        .fetch_one(&db.pool)
        .await
}
