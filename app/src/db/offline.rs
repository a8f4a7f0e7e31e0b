//! What saving a course for offline use needs to know: its current revision's pages, quizzes and files, with
//! their sizes for the estimate shown before saving; and the learner's data-saver choice.

use super::{decode_json, Db};
use crate::content::QuizSettings;

/// A course's current revision as the phone saves it.
#[derive(Debug, Clone)]
pub struct OfflineCourseRow {
    pub revision_id: String,
    pub title: String,
    pub has_glossary: bool,
    /// Lessons in order: slug, title, length of the stored HTML.
    pub lessons: Vec<(String, String, i64)>,
    pub quizzes: Vec<OfflineQuizRow>,
    /// The course's files (images), with their sizes in bytes.
    pub files: Vec<(String, i64)>,
}

/// A quiz of the revision.
#[derive(Debug, Clone)]
pub struct OfflineQuizRow {
    pub slug: String,
    pub title: String,
    pub quiz_id: String,
    pub revision_id: String,
    pub settings: QuizSettings,
}

/// The current revision of course `slug`, for saving; `None` when there is no such course.
pub async fn course(db: &Db, slug: &str) -> Result<Option<OfflineCourseRow>, sqlx::Error> {
    let Some((revision_id, title, has_glossary)) = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT r.id, r.title, CAST(CASE WHEN r.glossary_html IS NULL THEN 0 ELSE 1 END AS BIGINT)
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let lessons: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT l.slug, lr.title, CAST(LENGTH(lr.html) AS BIGINT) FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
         WHERE lr.course_revision_id = $1 ORDER BY lr.position",
    )
    .bind(&revision_id)
    .fetch_all(&db.pool)
    .await?;
    let quizzes: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT q.slug, qr.title, q.id, qr.id, qr.settings_json FROM quiz_revision qr JOIN quiz q ON q.id = qr.quiz_id
         WHERE qr.course_revision_id = $1 ORDER BY qr.position",
    )
    .bind(&revision_id)
    .fetch_all(&db.pool)
    .await?;
    let files: Vec<(String, i64)> =
        sqlx::query_as("SELECT path, CAST(LENGTH(bytes) AS BIGINT) FROM course_asset WHERE course_revision_id = $1 ORDER BY path")
            .bind(&revision_id)
            .fetch_all(&db.pool)
            .await?;
    let quizzes = quizzes
        .into_iter()
        .map(|(slug, title, quiz_id, revision_id, json)| {
            Ok(OfflineQuizRow { slug, title, quiz_id, revision_id, settings: decode_json("quiz_revision.settings_json", &json)? })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(OfflineCourseRow { revision_id, title, has_glossary: has_glossary != 0, lessons, quizzes, files }))
}

/// The current revision id of each of these courses that still exists.
pub async fn revisions(db: &Db, slugs: &[String]) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut out = Vec::new();
    for slug in slugs {
        if let Some(rev) = sqlx::query_scalar::<_, String>("SELECT current_revision_id FROM course WHERE slug = $1 AND retired_at IS NULL AND current_revision_id IS NOT NULL")
            .bind(slug)
            .fetch_optional(&db.pool)
            .await?
        {
            out.push((slug.clone(), rev));
        }
    }
    Ok(out)
}

/// When the account was made: no record of it can be older.
pub async fn account_created(db: &Db, user_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM app_user WHERE id = $1").bind(user_id).fetch_one(&db.pool).await
}

/// Learning records that reached the server more than an hour after the phone made them, from learners
/// living in the region `path` or below it (`''`: the whole country).
pub async fn late_records(db: &Db, path: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM learning_record r JOIN app_user u ON u.id = r.user_id JOIN region g ON g.code = u.region_code
         WHERE r.late = 1 AND ($1 = '' OR g.path = $1 OR g.path LIKE $2)",
    )
    .bind(path)
    .bind(format!("{path}/%"))
    .fetch_one(&db.pool)
    .await
}

/// The sizes of a course revision's files, by path.
pub async fn file_sizes(db: &Db, revision_id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT path, CAST(LENGTH(bytes) AS BIGINT) FROM course_asset WHERE course_revision_id = $1")
        .bind(revision_id)
        .fetch_all(&db.pool)
        .await
}

/// Turn data saving on or off for the learner.
pub async fn set_data_saver(db: &Db, user_id: &str, on: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET data_saver = $1 WHERE id = $2").bind(i64::from(on)).bind(user_id).execute(&db.pool).await?;
    Ok(())
}
