//! Quiz attempts and answers. Answer keys are read only by `question_keys`, which the grader and the
//! results page use after submission.

use super::{decode_json, Db};
use crate::content::QuizSettings;

/// A quiz of a course's current revision.
#[derive(Debug, Clone)]
pub struct QuizRow {
    pub quiz_id: String,
    pub revision_id: String,
    pub course_title: String,
    pub title: String,
    pub settings: QuizSettings,
}

/// A question without its key; its options decoded.
#[derive(Debug, Clone)]
pub struct QuestionRow {
    pub id: String,
    pub kind: String,
    pub prompt_html: String,
    pub options: Vec<crate::question::QuestionOption>,
    pub points: i64,
}

#[derive(sqlx::FromRow)]
struct StoredQuestion {
    id: String,
    kind: String,
    prompt_html: String,
    options_json: String,
    points: i64,
}

/// A question's key and explanation.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub key: crate::content::AnswerKey,
    pub explanation_html: crate::html::Html,
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
    /// Arrived over the attempt limit (an offline ticket): stored, counted for nothing.
    pub over_limit: bool,
    /// Submitted after its time limit, as judged when it arrived (a ticket, on the phone's clock).
    pub timed_out: bool,
}

/// One graded answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerRow {
    pub question_id: String,
    pub response: String,
    pub points: f64,
    pub max_points: f64,
}

#[derive(sqlx::FromRow)]
struct StoredQuiz {
    quiz_id: String,
    revision_id: String,
    course_title: String,
    title: String,
    settings_json: String,
}

/// The quiz `quiz_slug` of course `course_slug`'s current revision.
pub async fn quiz(db: &Db, course_slug: &str, quiz_slug: &str) -> Result<Option<QuizRow>, sqlx::Error> {
    let row: Option<StoredQuiz> = sqlx::query_as(
        "SELECT q.id AS quiz_id, qr.id AS revision_id, r.title AS course_title, qr.title AS title, qr.settings_json AS settings_json
         FROM course c
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
            settings: decode_json("quiz_revision.settings_json", &r.settings_json)?,
            quiz_id: r.quiz_id,
            revision_id: r.revision_id,
            course_title: r.course_title,
            title: r.title,
        })
    })
    .transpose()
}

/// The quiz and course of one quiz revision, current or not (an attempt keeps the revision it started on).
#[derive(Debug, Clone)]
pub struct RevisionQuizRow {
    pub course_slug: String,
    pub quiz_slug: String,
    /// The course's title in that revision.
    pub course_title: String,
    pub title: String,
    pub settings: QuizSettings,
}

#[derive(sqlx::FromRow)]
struct StoredRevisionQuiz {
    course_slug: String,
    quiz_slug: String,
    course_title: String,
    title: String,
    settings_json: String,
}

/// The quiz of revision `revision_id`.
pub async fn quiz_of_revision(db: &Db, revision_id: &str) -> Result<RevisionQuizRow, sqlx::Error> {
    let r: StoredRevisionQuiz = sqlx::query_as(
        "SELECT c.slug AS course_slug, q.slug AS quiz_slug, r.title AS course_title, qr.title AS title, qr.settings_json AS settings_json
         FROM quiz_revision qr JOIN quiz q ON q.id = qr.quiz_id
         JOIN course c ON c.id = q.course_id JOIN course_revision r ON r.id = qr.course_revision_id WHERE qr.id = $1",
    )
    .bind(revision_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(RevisionQuizRow {
        settings: decode_json("quiz_revision.settings_json", &r.settings_json)?,
        course_slug: r.course_slug,
        quiz_slug: r.quiz_slug,
        course_title: r.course_title,
        title: r.title,
    })
}

/// The questions of a quiz revision in file order, without keys.
pub async fn questions(db: &Db, revision_id: &str) -> Result<Vec<QuestionRow>, sqlx::Error> {
    let rows: Vec<StoredQuestion> =
        sqlx::query_as("SELECT id, kind, prompt_html, options_json, points FROM question WHERE quiz_revision_id = $1 ORDER BY position")
            .bind(revision_id)
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|r| {
            let options = decode_json("question.options_json", &r.options_json)?;
            Ok(QuestionRow { id: r.id, kind: r.kind, prompt_html: r.prompt_html, options, points: r.points })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct StoredKey {
    id: String,
    key_json: String,
    explanation_html: String,
}

/// Keys and explanations of a revision's questions, by question id. For the grader and results only.
pub async fn question_keys(db: &Db, revision_id: &str) -> Result<std::collections::HashMap<String, KeyRow>, sqlx::Error> {
    let rows: Vec<StoredKey> = sqlx::query_as("SELECT id, key_json, explanation_html FROM question WHERE quiz_revision_id = $1")
        .bind(revision_id)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            let key = decode_json("question.key_json", &r.key_json)?;
            Ok((r.id, KeyRow { key, explanation_html: crate::html::Html::from_stored(r.explanation_html) }))
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct StoredAttempt {
    id: String,
    user_id: String,
    quiz_id: String,
    quiz_revision_id: String,
    seed: i64,
    question_ids: String,
    started_at: i64,
    deadline_at: Option<i64>,
    submitted_at: Option<i64>,
    percent: Option<f64>,
    passed: Option<i64>,
    over_limit: i64,
    timed_out: i64,
}

fn attempt_from(r: StoredAttempt) -> Result<AttemptRow, sqlx::Error> {
    Ok(AttemptRow {
        question_ids: decode_json("attempt.question_ids", &r.question_ids)?,
        id: r.id,
        user_id: r.user_id,
        quiz_id: r.quiz_id,
        revision_id: r.quiz_revision_id,
        seed: r.seed,
        started_at: r.started_at,
        deadline_at: r.deadline_at,
        submitted_at: r.submitted_at,
        percent: r.percent,
        passed: r.passed.unwrap_or(0) == 1,
        over_limit: r.over_limit != 0,
        timed_out: r.timed_out != 0,
    })
}

const ATTEMPT_COLUMNS: &str =
    "id, user_id, quiz_id, quiz_revision_id, seed, question_ids, started_at, deadline_at, submitted_at, percent, passed, over_limit, timed_out";

/// A learner's attempts at a quiz (any revision), oldest first.
pub async fn attempts_for(db: &Db, user_id: &str, quiz_id: &str) -> Result<Vec<AttemptRow>, sqlx::Error> {
    let rows: Vec<StoredAttempt> =
        sqlx::query_as(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE user_id = $1 AND quiz_id = $2 ORDER BY started_at"))
            .bind(user_id)
            .bind(quiz_id)
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter().map(attempt_from).collect()
}

/// One attempt.
pub async fn attempt(db: &Db, id: &str) -> Result<Option<AttemptRow>, sqlx::Error> {
    let row: Option<StoredAttempt> =
        sqlx::query_as(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.map(attempt_from).transpose()
}

/// The graded answers of an attempt.
pub async fn answers(db: &Db, attempt_id: &str) -> Result<Vec<AnswerRow>, sqlx::Error> {
    sqlx::query_as("SELECT question_id, response, points, max_points FROM answer WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await
}

/// Figures over a quiz's submitted attempts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuizTotalsRow {
    pub attempts: i64,
    pub learners: i64,
    pub passed: i64,
    pub average: f64,
}

/// Submitted attempts of a quiz: count, distinct learners, passed count, average percent.
pub async fn totals(db: &Db, quiz_id: &str) -> Result<QuizTotalsRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*) AS attempts, COUNT(DISTINCT user_id) AS learners, CAST(COALESCE(SUM(passed), 0) AS BIGINT) AS passed,
           CAST(COALESCE(AVG(percent), 0) AS DOUBLE PRECISION) AS average
         FROM attempt WHERE quiz_id = $1 AND submitted_at IS NOT NULL AND over_limit = 0",
    )
    .bind(quiz_id)
    .fetch_one(&db.pool)
    .await
}

/// One answer to a question, for the trainer's figures.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerToRow {
    /// The response as stored (JSON).
    pub response: String,
    /// 1 when fully right.
    pub correct: i64,
}

/// Every answer to one question.
pub async fn answers_to(db: &Db, question_id: &str) -> Result<Vec<AnswerToRow>, sqlx::Error> {
    sqlx::query_as("SELECT response, correct FROM answer WHERE question_id = $1").bind(question_id).fetch_all(&db.pool).await
}

/// An attempt ticket (`attempt_ticket`): an attempt drawn for a phone, not yet submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub id: String,
    pub user_id: String,
    pub quiz_id: String,
    pub quiz_revision_id: String,
    pub seed: i64,
    pub question_ids: Vec<String>,
    pub issued_at: i64,
    /// The attempt made on it, once submitted (the same id).
    pub submitted: bool,
}

#[derive(sqlx::FromRow)]
struct StoredTicket {
    id: String,
    user_id: String,
    quiz_id: String,
    quiz_revision_id: String,
    seed: i64,
    question_ids: String,
    issued_at: i64,
    submitted: i64,
}

impl TicketRow {
    /// The ticket as the attempt it becomes, not yet submitted: what drawing options and grading read.
    pub fn as_open_attempt(&self, timed_out: bool) -> AttemptRow {
        AttemptRow {
            id: self.id.clone(),
            user_id: self.user_id.clone(),
            quiz_id: self.quiz_id.clone(),
            revision_id: self.quiz_revision_id.clone(),
            seed: self.seed,
            question_ids: self.question_ids.clone(),
            started_at: self.issued_at,
            deadline_at: None,
            submitted_at: None,
            percent: None,
            passed: false,
            over_limit: false,
            timed_out,
        }
    }
}

fn ticket_from(r: StoredTicket) -> Result<TicketRow, sqlx::Error> {
    Ok(TicketRow {
        question_ids: decode_json("attempt_ticket.question_ids", &r.question_ids)?,
        id: r.id,
        user_id: r.user_id,
        quiz_id: r.quiz_id,
        quiz_revision_id: r.quiz_revision_id,
        seed: r.seed,
        issued_at: r.issued_at,
        submitted: r.submitted != 0,
    })
}

const TICKET_SELECT: &str = "SELECT t.id, t.user_id, t.quiz_id, t.quiz_revision_id, t.seed, t.question_ids, t.issued_at,
   CAST(CASE WHEN EXISTS (SELECT 1 FROM attempt a WHERE a.id = t.id) THEN 1 ELSE 0 END AS BIGINT) AS submitted
 FROM attempt_ticket t";

/// One ticket.
pub async fn ticket(db: &Db, id: &str) -> Result<Option<TicketRow>, sqlx::Error> {
    let row: Option<StoredTicket> = sqlx::query_as(&format!("{TICKET_SELECT} WHERE t.id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.map(ticket_from).transpose()
}

/// The unsubmitted tickets of one learner's phone for one quiz revision, oldest first.
pub async fn open_tickets(db: &Db, user_id: &str, device: &str, quiz_revision_id: &str) -> Result<Vec<TicketRow>, sqlx::Error> {
    let rows: Vec<StoredTicket> = sqlx::query_as(&format!(
        "{TICKET_SELECT} WHERE t.user_id = $1 AND t.device = $2 AND t.quiz_revision_id = $3
           AND NOT EXISTS (SELECT 1 FROM attempt a WHERE a.id = t.id) ORDER BY t.issued_at, t.id"
    ))
    .bind(user_id)
    .bind(device)
    .bind(quiz_revision_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(ticket_from).collect()
}

/// A ticket to hand out: drawn by the quiz code, stored here.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub user_id: &'a str,
    pub device: &'a str,
    pub quiz_id: &'a str,
    pub quiz_revision_id: &'a str,
    pub seed: i64,
    pub question_ids: &'a [String],
}

/// Store a new ticket unless the learner already holds `max_open` unsubmitted ones for this quiz revision;
/// its id, or `None` at the cap. The learner's row is locked first (a no-op update: the row lock on
/// PostgreSQL, the write lock on SQLite), so parallel saves count one after the other.
pub async fn issue_ticket(db: &Db, t: &NewTicket<'_>, max_open: i64) -> Result<Option<String>, sqlx::Error> {
    let id = super::new_id();
    let questions = serde_json::to_string(t.question_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE app_user SET data_saver = data_saver WHERE id = $1").bind(t.user_id).execute(&mut *tx).await?;
    let inserted = sqlx::query(
        "INSERT INTO attempt_ticket (id, user_id, device, quiz_id, quiz_revision_id, seed, question_ids, issued_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8
         WHERE (SELECT COUNT(*) FROM attempt_ticket o WHERE o.user_id = $2 AND o.quiz_revision_id = $5
                AND NOT EXISTS (SELECT 1 FROM attempt a WHERE a.id = o.id)) < $9",
    )
    .bind(&id)
    .bind(t.user_id)
    .bind(t.device)
    .bind(t.quiz_id)
    .bind(t.quiz_revision_id)
    .bind(t.seed)
    .bind(&questions)
    .bind(super::now_ms())
    .bind(max_open)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// Submissions of this quiz refused because their id had been used for other answers: kept for trainers.
pub async fn conflicts(db: &Db, quiz_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM learning_conflict c JOIN attempt a ON a.id = c.id WHERE c.kind = 'attempt_submitted' AND a.quiz_id = $1")
        .bind(quiz_id)
        .fetch_one(&db.pool)
        .await
}

/// Attempts of this quiz that arrived over the limit, and learning records of it that arrived late.
pub async fn offline_flags(db: &Db, quiz_id: &str) -> Result<(i64, i64), sqlx::Error> {
    let over: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempt WHERE quiz_id = $1 AND over_limit = 1").bind(quiz_id).fetch_one(&db.pool).await?;
    let late: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM learning_record r JOIN attempt a ON a.id = r.id WHERE r.kind = 'attempt_submitted' AND r.late = 1 AND a.quiz_id = $1",
    )
    .bind(quiz_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((over, late))
}
