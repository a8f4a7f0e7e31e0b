//! Learning records: lessons marked done.

use super::{now_ms, Db};

/// Mark a lesson of a course's current revision done for a learner, remembering the content they saw.
/// Marking again refreshes the hash (after an update) and is otherwise harmless. Returns false when the
/// lesson does not exist.
pub async fn mark_lesson_done(db: &Db, user_id: &str, course_slug: &str, lesson_slug: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT l.id, lr.content_hash, c.id FROM course c
         JOIN lesson l ON l.course_id = c.id AND l.slug = $2
         JOIN lesson_revision lr ON lr.lesson_id = l.id AND lr.course_revision_id = c.current_revision_id
         WHERE c.slug = $1",
    )
    .bind(course_slug)
    .bind(lesson_slug)
    .fetch_optional(&db.pool)
    .await?;
    let Some((lesson_id, hash, course_id)) = row else { return Ok(false) };
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO lesson_progress (user_id, lesson_id, content_hash, done_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET content_hash = excluded.content_hash, done_at = excluded.done_at",
    )
    .bind(user_id)
    .bind(&lesson_id)
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    super::summary::lesson_done(&mut tx, user_id, &course_id, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Slugs of the lessons a learner has done in a course (any revision), for tests and summaries.
pub async fn done_lessons(db: &Db, user_id: &str, course_slug: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT l.slug FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id JOIN course c ON c.id = l.course_id
         WHERE p.user_id = $1 AND c.slug = $2 ORDER BY l.slug",
    )
    .bind(user_id)
    .bind(course_slug)
    .fetch_all(&db.pool)
    .await
}
