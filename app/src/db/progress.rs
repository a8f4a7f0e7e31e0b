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

/// One course on a learner's own page, from the summary row and the course's current revision.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyCourseRow {
    pub course_slug: String,
    pub title: String,
    pub lessons_done: i64,
    pub lessons_total: i64,
    /// The first lesson of the current revision, in course order, that the learner has not done.
    pub next_lesson: Option<String>,
    pub best_score: Option<f64>,
    pub completed_at: Option<i64>,
    pub certificate_code: Option<String>,
    /// Set when the course was withdrawn from the catalogue: its pages are gone, the learner's record stays.
    pub retired_at: Option<i64>,
}

/// Every course the learner is enrolled in or has progress in, most recently active first. The summary row
/// exists for both (`summary::enrol` runs before any record), so it is the one list to read.
pub async fn my_courses(db: &Db, user_id: &str) -> Result<Vec<MyCourseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.slug AS course_slug, cr.title AS title, lc.lessons_done AS lessons_done,
           (SELECT COUNT(*) FROM lesson_revision lr WHERE lr.course_revision_id = c.current_revision_id) AS lessons_total,
           (SELECT l.slug FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
             WHERE lr.course_revision_id = c.current_revision_id
               AND NOT EXISTS (SELECT 1 FROM lesson_progress p WHERE p.user_id = lc.user_id AND p.lesson_id = lr.lesson_id)
             ORDER BY lr.position LIMIT 1) AS next_lesson,
           lc.best_score AS best_score, lc.completed_at AS completed_at, lc.certificate_code AS certificate_code,
           c.retired_at AS retired_at
         FROM learner_course lc
         JOIN course c ON c.id = lc.course_id
         JOIN course_revision cr ON cr.id = c.current_revision_id
         WHERE lc.user_id = $1
         ORDER BY lc.last_active_at DESC, c.slug",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}
