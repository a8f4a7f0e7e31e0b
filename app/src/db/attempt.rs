//! Quiz attempts and answers. Answer keys are read only by `question_keys`, which the grader and the
//! results page use after submission.

use super::Db;
use crate::content::QuizSettings;
use sqlx::Row as _;

/// A quiz of a course's current revision.
#[derive(Debug, Clone)]
pub struct QuizRow {
    pub quiz_id: String,
    pub revision_id: String,
    pub course_title: String,
    pub title: String,
    pub settings: QuizSettings,
}

/// A question without its key.
#[derive(Debug, Clone)]
pub struct QuestionRow {
    pub id: String,
    pub kind: String,
    pub prompt_html: String,
    pub options_json: String,
    pub points: i64,
}

/// A question's key and explanation.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub key_json: String,
    pub explanation_html: String,
}

/// An attempt.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub id: String,
    pub user_id: String,
    pub quiz_id: String,
    pub revision_id: String,
    pub seed: i64,
    pub question_ids: Vec<String>,
    pub started_at: i64,
    pub deadline_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub percent: Option<f64>,
    pub passed: bool,
}

/// One graded answer.
#[derive(Debug, Clone)]
pub struct AnswerRow {
    pub question_id: String,
    pub response: String,
    pub points: f64,
    pub max_points: f64,
}

/// The quiz `quiz_slug` of course `course_slug`'s current revision.
pub async fn quiz(db: &Db, course_slug: &str, quiz_slug: &str) -> Result<Option<QuizRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT q.id, qr.id, r.title, qr.title, qr.settings_json FROM course c
         JOIN course_revision r ON r.id = c.current_revision_id
         JOIN quiz q ON q.course_id = c.id AND q.slug = $2
         JOIN quiz_revision qr ON qr.quiz_id = q.id AND qr.course_revision_id = r.id
         WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(course_slug)
    .bind(quiz_slug)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(QuizRow {
            quiz_id: r.try_get(0)?,
            revision_id: r.try_get(1)?,
            course_title: r.try_get(2)?,
            title: r.try_get(3)?,
            settings: serde_json::from_str(&r.try_get::<String, _>(4)?).unwrap_or_default(),
        })
    })
    .transpose()
}

/// The questions of a quiz revision in file order, without keys.
pub async fn questions(db: &Db, revision_id: &str) -> Result<Vec<QuestionRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, kind, prompt_html, options_json, points FROM question WHERE quiz_revision_id = $1 ORDER BY position")
        .bind(revision_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok(QuestionRow { id: r.try_get(0)?, kind: r.try_get(1)?, prompt_html: r.try_get(2)?, options_json: r.try_get(3)?, points: r.try_get(4)? }))
        .collect()
}

/// Keys and explanations of a revision's questions, by question id. For the grader and results only.
pub async fn question_keys(db: &Db, revision_id: &str) -> Result<std::collections::HashMap<String, KeyRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, key_json, explanation_html FROM question WHERE quiz_revision_id = $1")
        .bind(revision_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, KeyRow { key_json: r.try_get(1)?, explanation_html: r.try_get(2)? })))
        .collect()
}

fn attempt_from(r: &super::Row) -> Result<AttemptRow, sqlx::Error> {
    Ok(AttemptRow {
        id: r.try_get(0)?,
        user_id: r.try_get(1)?,
        quiz_id: r.try_get(2)?,
        revision_id: r.try_get(3)?,
        seed: r.try_get(4)?,
        question_ids: serde_json::from_str(&r.try_get::<String, _>(5)?).unwrap_or_default(),
        started_at: r.try_get(6)?,
        deadline_at: r.try_get(7)?,
        submitted_at: r.try_get(8)?,
        percent: r.try_get(9)?,
        passed: r.try_get::<Option<i64>, _>(10)?.unwrap_or(0) == 1,
    })
}

const ATTEMPT_COLUMNS: &str =
    "id, user_id, quiz_id, quiz_revision_id, seed, question_ids, started_at, deadline_at, submitted_at, percent, passed";

/// A learner's attempts at a quiz (any revision), oldest first.
pub async fn attempts_for(db: &Db, user_id: &str, quiz_id: &str) -> Result<Vec<AttemptRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE user_id = $1 AND quiz_id = $2 ORDER BY started_at"))
        .bind(user_id)
        .bind(quiz_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(attempt_from).collect()
}

/// One attempt.
pub async fn attempt(db: &Db, id: &str) -> Result<Option<AttemptRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(attempt_from).transpose()
}

/// The graded answers of an attempt.
pub async fn answers(db: &Db, attempt_id: &str) -> Result<Vec<AnswerRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT question_id, response, points, max_points FROM answer WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok(AnswerRow { question_id: r.try_get(0)?, response: r.try_get(1)?, points: r.try_get(2)?, max_points: r.try_get(3)? }))
        .collect()
}

/// Submitted attempts of a quiz: (count, distinct learners, passed count, average percent).
pub async fn totals(db: &Db, quiz_id: &str) -> Result<(i64, i64, i64, f64), sqlx::Error> {
    let r = sqlx::query(
        "SELECT COUNT(*), COUNT(DISTINCT user_id), CAST(COALESCE(SUM(passed), 0) AS BIGINT), CAST(COALESCE(AVG(percent), 0) AS DOUBLE PRECISION)
         FROM attempt WHERE quiz_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(quiz_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))
}

/// Every answer to one question: (response, correct).
pub async fn answers_to(db: &Db, question_id: &str) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let rows = sqlx::query("SELECT response, correct FROM answer WHERE question_id = $1").bind(question_id).fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? == 1))).collect()
}

/// Whether the learner has passed each quiz of a course revision (for the course page).
pub async fn passed_quiz_ids(db: &Db, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT quiz_id FROM attempt WHERE user_id = $1 AND passed = 1").bind(user_id).fetch_all(&db.pool).await
}
