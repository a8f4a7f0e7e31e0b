//! Reading lesson progress. Writing it is `db::learning`'s job.

use super::Db;

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
