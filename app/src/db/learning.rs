//! The one write path for learning records: a lesson done, an attempt started, an attempt submitted.
//!
//! Each record runs in one transaction with everything it implies: the record itself, the dashboard summary
//! (`summary`), the course's completion rule and the certificate. A lesson done and a submission take the
//! sender's record id and the device's clock and return the stored outcome, so the no-JS form post and the
//! offline sync (which resends until it hears back) get the same behaviour from the same function:
//! - a new id is recorded and answered with its outcome ([`Stored::New`]);
//! - the same id with the same content gets the outcome stored the first time ([`Stored::Replayed`]);
//! - the same id with other content, or from someone else, is refused and the first stays ([`Stored::Conflict`]).
//!
//! Starting an attempt needs no record id: a start while one is open returns that one, so a resent start is
//! harmless until the attempt is submitted. An attempt taken offline arrives on its ticket
//! ([`ticket_submitted`]): it becomes an attempt, numbered in order of receipt, only then.
//!
//! Two clocks ([`DeviceClock`]): the phone's time is stored beside the time of receipt, replaced by the time
//! of receipt when it is impossible, and the record flagged late when it arrived much later. Officials'
//! figures use the time of receipt; a ticket's time limit is judged on the phone's own elapsed time.
//!
//! Every transaction here starts with a write, so SQLite takes its write lock at once and waits its busy
//! timeout instead of failing a read-to-write upgrade.

use super::{new_id, now_ms, Db};
use crate::content::{CompletionRule, LessonsRule};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};

/// How a record was received.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored<T> {
    /// Recorded now.
    New(T),
    /// Recorded before with the same content: nothing changed; this is what was stored then.
    Replayed(T),
    /// The id was used before for other content (or by someone else): refused, the first record stays.
    Conflict,
}

impl<T> Stored<T> {
    /// The outcome, unless refused.
    pub fn outcome(&self) -> Option<&T> {
        match self {
            Stored::New(o) | Stored::Replayed(o) => Some(o),
            Stored::Conflict => None,
        }
    }
}

/// What marking a lesson done led to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonOutcome {
    /// When the lesson was first marked done (server time): marking it again never moves it.
    pub done_at: i64,
    /// The certificate this record completed the course with, if it did.
    pub certificate: Option<String>,
}

/// What submitting an attempt led to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptOutcome {
    pub percent: f64,
    pub passed: bool,
    /// The certificate this attempt completed the course with, if it did.
    pub certificate: Option<String>,
    /// Arrived when every allowed attempt was already used: stored, flagged, counted for nothing.
    #[serde(default)]
    pub over_limit: bool,
}

/// A record is late when it reached the server this long after the phone made it.
pub const LATE_MS: i64 = 60 * 60 * 1000;
/// A phone time this far ahead of the server is impossible (clocks drift; minutes, not hours).
pub const FUTURE_SLACK_MS: i64 = 5 * 60 * 1000;

/// The phone's clock for one record, as judged at receipt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceClock {
    /// The time stored as the phone's: what it said, or the time of receipt when that was impossible.
    pub at: Option<i64>,
    /// Received more than [`LATE_MS`] after the phone made it.
    pub late: bool,
    /// What the phone said was in the future or before `not_before`, and was replaced by the time of receipt.
    pub fixed: bool,
}

impl DeviceClock {
    /// Judge what a phone said (`reported`) against the time of receipt and the earliest the record could
    /// have been made (`not_before`: the account's creation, a ticket's issue).
    pub fn judge(reported: Option<i64>, not_before: i64, now: i64) -> DeviceClock {
        match reported {
            None => DeviceClock::default(),
            Some(t) if t > now + FUTURE_SLACK_MS || t < not_before => DeviceClock { at: Some(now), late: false, fixed: true },
            Some(t) => DeviceClock { at: Some(t), late: now - t > LATE_MS, fixed: false },
        }
    }
}

/// A lesson marked done, as the form or the phone reports it.
#[derive(Debug, Clone)]
pub struct LessonDone<'a> {
    /// The sender's id for this record (a UUID); `None` for a plain form post, which gets a fresh one.
    pub record_id: Option<&'a str>,
    pub user_id: &'a str,
    pub course_slug: &'a str,
    pub lesson_slug: &'a str,
    /// The phone's clock when the learner marked it, as judged ([`DeviceClock::judge`]).
    pub device: DeviceClock,
}

/// A graded answer, as stored.
#[derive(Debug, Clone)]
pub struct GradedAnswer {
    pub question_id: String,
    pub response: String,
    pub points: f64,
    pub max_points: f64,
}

/// A graded submission of an attempt. The attempt's id is the record id.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    pub attempt_id: &'a str,
    pub user_id: &'a str,
    /// [`payload_hash`] of the responses as sent, before grading.
    pub payload_hash: String,
    pub device: DeviceClock,
    pub answers: &'a [GradedAnswer],
    pub points: f64,
    pub max_points: f64,
    pub percent: f64,
    pub passed: bool,
}

/// The hash that decides whether a replay says the same thing: SHA-256 of the payload's JSON.
pub fn payload_hash<T: Serialize>(payload: &T) -> String {
    crate::content::sha256_hex(serde_json::to_string(payload).unwrap_or_default().as_bytes())
}

/// A record id from a sender: a UUID in its usual text form. Anything else is refused before storing.
pub fn valid_record_id(id: &str) -> bool {
    uuid::Uuid::try_parse(id).is_ok() && id.len() == 36
}

enum Claim {
    New,
    Seen { outcome: String },
    Conflict,
}

/// Write the ledger row first (the transaction's first statement is a write). A known id answers with what
/// was stored, or with a conflict when it said something else or came from someone else; the conflicting
/// record is kept in `learning_conflict` for trainers (the caller commits that and nothing else).
async fn claim(conn: &mut AnyConnection, kind: &str, id: &str, user_id: &str, hash: &str, device: DeviceClock, now: i64) -> Result<Claim, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO learning_record (kind, id, user_id, payload_hash, device_at, received_at, outcome, late, clock_fixed)
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8)
         ON CONFLICT (kind, id) DO NOTHING",
    )
    .bind(kind)
    .bind(id)
    .bind(user_id)
    .bind(hash)
    .bind(device.at)
    .bind(now)
    .bind(i64::from(device.late))
    .bind(i64::from(device.fixed))
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let row = sqlx::query("SELECT user_id, payload_hash, outcome FROM learning_record WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let (owner, stored_hash, outcome): (String, String, String) = (row.try_get("user_id")?, row.try_get("payload_hash")?, row.try_get("outcome")?);
    if owner == user_id && stored_hash == hash && !outcome.is_empty() {
        Ok(Claim::Seen { outcome })
    } else {
        tracing::warn!(kind, record = id, user = user_id, "learning record id reused with other content: refused, the first stays");
        sqlx::query("INSERT INTO learning_conflict (kind, id, user_id, payload_hash, received_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(kind)
            .bind(id)
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        Ok(Claim::Conflict)
    }
}

async fn keep_outcome<T: Serialize>(conn: &mut AnyConnection, kind: &str, id: &str, outcome: &T) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(outcome).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("UPDATE learning_record SET outcome = $1 WHERE kind = $2 AND id = $3").bind(json).bind(kind).bind(id).execute(&mut *conn).await?;
    Ok(())
}

fn stored_outcome<T: for<'de> Deserialize<'de>>(kind: &str, id: &str, json: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(kind, record = id, error = %e, "a stored learning outcome does not decode");
        sqlx::Error::Decode(Box::new(e))
    })
}

/// Mark a lesson of a course's current revision done. `None` when there is no such lesson. The first
/// `done_at` stays however often the lesson is marked again; the content hash follows the text the learner
/// last marked, so the course page can say when a lesson changed after it was read.
pub async fn lesson_done(db: &Db, r: &LessonDone<'_>) -> Result<Option<Stored<LessonOutcome>>, sqlx::Error> {
    const KIND: &str = "lesson_done";
    let id = r.record_id.map(str::to_string).unwrap_or_else(new_id);
    let hash = payload_hash(&(r.course_slug, r.lesson_slug));
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    // The claim comes first: a replay gets its stored outcome even if the lesson has gone since.
    match claim(&mut tx, KIND, &id, r.user_id, &hash, r.device, now).await? {
        Claim::New => {}
        Claim::Seen { outcome } => return Ok(Some(Stored::Replayed(stored_outcome(KIND, &id, &outcome)?))),
        Claim::Conflict => {
            tx.commit().await?;
            return Ok(Some(Stored::Conflict));
        }
    }
    let Some(row) = sqlx::query(
        "SELECT l.id AS lesson_id, lr.content_hash AS content_hash, c.id AS course_id FROM course c
         JOIN lesson l ON l.course_id = c.id AND l.slug = $2
         JOIN lesson_revision lr ON lr.lesson_id = l.id AND lr.course_revision_id = c.current_revision_id
         WHERE c.slug = $1",
    )
    .bind(r.course_slug)
    .bind(r.lesson_slug)
    .fetch_optional(&mut *tx)
    .await?
    else {
        // No such lesson: the claim is rolled back with the transaction.
        return Ok(None);
    };
    let (lesson_id, content_hash, course_id): (String, String, String) = (row.try_get("lesson_id")?, row.try_get("content_hash")?, row.try_get("course_id")?);
    sqlx::query(
        "INSERT INTO lesson_progress (user_id, lesson_id, content_hash, done_at, done_at_device) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET content_hash = excluded.content_hash",
    )
    .bind(r.user_id)
    .bind(&lesson_id)
    .bind(&content_hash)
    .bind(now)
    .bind(r.device.at)
    .execute(&mut *tx)
    .await?;
    let done_at: i64 = sqlx::query_scalar("SELECT done_at FROM lesson_progress WHERE user_id = $1 AND lesson_id = $2")
        .bind(r.user_id)
        .bind(&lesson_id)
        .fetch_one(&mut *tx)
        .await?;
    super::summary::lesson_done(&mut tx, r.user_id, &course_id, now).await?;
    let certificate = complete_if_met(&mut tx, r.user_id, &course_id, now).await?;
    let outcome = LessonOutcome { done_at, certificate };
    keep_outcome(&mut tx, KIND, &id, &outcome).await?;
    tx.commit().await?;
    Ok(Some(Stored::New(outcome)))
}

/// What asking to start an attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// A new attempt with this id.
    New(String),
    /// The learner already has this attempt open: go back to it.
    Open(String),
    /// Every allowed attempt is used.
    NoAttemptsLeft,
}

/// A new attempt: the quiz revision it is pinned to, its seed and drawn questions in order.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub user_id: &'a str,
    pub quiz_id: &'a str,
    pub quiz_revision_id: &'a str,
    pub seed: i64,
    pub question_ids: &'a [String],
    /// 0 = unlimited.
    pub attempts_max: u32,
    pub time_limit_minutes: Option<u32>,
    /// An attempt whose deadline plus grace has passed no longer counts as open.
    pub grace_ms: i64,
}

async fn open_attempt(db: &Db, a: &NewAttempt<'_>, now: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM attempt WHERE user_id = $1 AND quiz_id = $2 AND submitted_at IS NULL AND (deadline_at IS NULL OR deadline_at + $3 > $4)
         ORDER BY started_at DESC LIMIT 1",
    )
    .bind(a.user_id)
    .bind(a.quiz_id)
    .bind(a.grace_ms)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

/// Start an attempt, or go back to the open one. One statement checks "no attempt open" and "attempts
/// left" and inserts with the next number; the unique (learner, quiz, number) index turns a race between
/// two processes into a retry here, so parallel starts never exceed the limit or open two attempts.
pub async fn start_attempt(db: &Db, a: &NewAttempt<'_>) -> Result<Started, sqlx::Error> {
    let questions = serde_json::to_string(a.question_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    for _ in 0..8 {
        let now = now_ms();
        if let Some(open) = open_attempt(db, a, now).await? {
            return Ok(Started::Open(open));
        }
        let id = new_id();
        let inserted = sqlx::query(
            "INSERT INTO attempt (id, user_id, quiz_id, quiz_revision_id, seed, question_ids, started_at, deadline_at, seq)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, COUNT(*) + 1 FROM attempt
             WHERE user_id = $2 AND quiz_id = $3
             HAVING ($9 = 0 OR COALESCE(SUM(CASE WHEN over_limit = 0 THEN 1 ELSE 0 END), 0) < $9) AND NOT EXISTS (
               SELECT 1 FROM attempt o WHERE o.user_id = $2 AND o.quiz_id = $3 AND o.submitted_at IS NULL
                 AND (o.deadline_at IS NULL OR o.deadline_at + $10 > $7))",
        )
        .bind(&id)
        .bind(a.user_id)
        .bind(a.quiz_id)
        .bind(a.quiz_revision_id)
        .bind(a.seed)
        .bind(&questions)
        .bind(now)
        .bind(a.time_limit_minutes.map(|m| now + i64::from(m) * 60_000))
        .bind(i64::from(a.attempts_max))
        .bind(a.grace_ms)
        .execute(&db.pool)
        .await;
        match inserted {
            Ok(r) if r.rows_affected() == 1 => return Ok(Started::New(id)),
            // Either another request opened one meanwhile (the next loop finds it) or none are left.
            Ok(_) => {
                if let Some(open) = open_attempt(db, a, now_ms()).await? {
                    return Ok(Started::Open(open));
                }
                return Ok(Started::NoAttemptsLeft);
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(sqlx::Error::Protocol("starting an attempt kept colliding with parallel starts".into()))
}

/// Record a graded submission once, with the summary, the completion rule and the certificate. A resend of
/// the same answers gets the stored outcome; other answers for an attempt already submitted are refused.
pub async fn attempt_submitted(db: &Db, s: &Submission<'_>) -> Result<Stored<AttemptOutcome>, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    match claim(&mut tx, ATTEMPT, s.attempt_id, s.user_id, &s.payload_hash, s.device, now).await? {
        Claim::New => {}
        Claim::Seen { outcome } => return Ok(Stored::Replayed(stored_outcome(ATTEMPT, s.attempt_id, &outcome)?)),
        Claim::Conflict => {
            tx.commit().await?;
            return Ok(Stored::Conflict);
        }
    }
    let done = sqlx::query(
        "UPDATE attempt SET submitted_at = $1, submitted_at_device = $2, points = $3, max_points = $4, percent = $5, passed = $6
         WHERE id = $7 AND user_id = $8 AND submitted_at IS NULL",
    )
    .bind(now)
    .bind(s.device.at)
    .bind(s.points)
    .bind(s.max_points)
    .bind(s.percent)
    .bind(i64::from(s.passed))
    .bind(s.attempt_id)
    .bind(s.user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        // Submitted before the ledger existed: what is stored stands.
        tx.rollback().await?;
        return Ok(Stored::Conflict);
    }
    let outcome = record_graded(&mut tx, s, true, now).await?;
    tx.commit().await?;
    Ok(Stored::New(outcome))
}

const ATTEMPT: &str = "attempt_submitted";

/// The answers, the summary, the completion rule and the kept outcome of a submission whose attempt row is
/// written. An attempt over the limit (`counts` false) keeps its answers and grade but touches no figure.
async fn record_graded(tx: &mut AnyConnection, s: &Submission<'_>, counts: bool, now: i64) -> Result<AttemptOutcome, sqlx::Error> {
    for a in s.answers {
        sqlx::query("INSERT INTO answer (attempt_id, question_id, response, points, max_points, correct) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(s.attempt_id)
            .bind(&a.question_id)
            .bind(&a.response)
            .bind(a.points)
            .bind(a.max_points)
            .bind(i64::from(a.points >= a.max_points - 1e-9))
            .execute(&mut *tx)
            .await?;
    }
    let mut outcome = AttemptOutcome { percent: s.percent, passed: s.passed, certificate: None, over_limit: !counts };
    if counts {
        let course_id: String = sqlx::query_scalar("SELECT q.course_id FROM attempt a JOIN quiz q ON q.id = a.quiz_id WHERE a.id = $1")
            .bind(s.attempt_id)
            .fetch_one(&mut *tx)
            .await?;
        super::summary::attempt_submitted(&mut *tx, s.user_id, &course_id, s.percent, s.passed, now).await?;
        outcome.certificate = complete_if_met(&mut *tx, s.user_id, &course_id, now).await?;
    }
    keep_outcome(&mut *tx, ATTEMPT, s.attempt_id, &outcome).await?;
    Ok(outcome)
}

/// An attempt ticket as the phone took it: the ticket (its id is the attempt's), and when the phone says the
/// learner opened it.
#[derive(Debug, Clone)]
pub struct TicketAttempt<'a> {
    pub ticket: &'a super::attempt::TicketRow,
    pub started: DeviceClock,
    /// 0 = unlimited.
    pub attempts_max: u32,
    /// Submitted after the time limit (judged by the caller on the phone's elapsed time).
    pub timed_out: bool,
}

/// Record a submission made on a ticket, in one transaction: the claim, then the attempt (numbered in order
/// of receipt, flagged over the limit when every allowed attempt was already used), then what
/// [`attempt_submitted`] records. The ticket's id is the record id, so a resend gets the stored outcome.
pub async fn ticket_submitted(db: &Db, t: &TicketAttempt<'_>, s: &Submission<'_>) -> Result<Stored<AttemptOutcome>, sqlx::Error> {
    let questions = serde_json::to_string(&t.ticket.question_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    for _ in 0..8 {
        let now = now_ms();
        let mut tx = db.pool.begin().await?;
        match claim(&mut tx, ATTEMPT, s.attempt_id, s.user_id, &s.payload_hash, s.device, now).await? {
            Claim::New => {}
            Claim::Seen { outcome } => return Ok(Stored::Replayed(stored_outcome(ATTEMPT, s.attempt_id, &outcome)?)),
            Claim::Conflict => {
                tx.commit().await?;
                return Ok(Stored::Conflict);
            }
        }
        let (used, seq): (i64, i64) = {
            let row = sqlx::query(
                "SELECT CAST(COALESCE(SUM(CASE WHEN over_limit = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS used, CAST(COUNT(*) AS BIGINT) AS n
                 FROM attempt WHERE user_id = $1 AND quiz_id = $2",
            )
            .bind(s.user_id)
            .bind(&t.ticket.quiz_id)
            .fetch_one(&mut *tx)
            .await?;
            (row.try_get("used")?, row.try_get::<i64, _>("n")? + 1)
        };
        let counts = t.attempts_max == 0 || used < i64::from(t.attempts_max);
        let inserted = sqlx::query(
            "INSERT INTO attempt (id, user_id, quiz_id, quiz_revision_id, seed, question_ids, started_at, started_at_device, deadline_at,
               submitted_at, submitted_at_device, points, max_points, percent, passed, seq, over_limit, timed_out)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(s.attempt_id)
        .bind(s.user_id)
        .bind(&t.ticket.quiz_id)
        .bind(&t.ticket.quiz_revision_id)
        .bind(t.ticket.seed)
        .bind(&questions)
        .bind(t.started.at.unwrap_or(now).min(now))
        .bind(t.started.at)
        .bind(now)
        .bind(s.device.at)
        .bind(s.points)
        .bind(s.max_points)
        .bind(s.percent)
        .bind(i64::from(s.passed && counts))
        .bind(seq)
        .bind(i64::from(!counts))
        .bind(i64::from(t.timed_out))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Another attempt of this learner took the number meanwhile: count again.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                tx.rollback().await?;
                continue;
            }
            Err(e) => return Err(e),
        }
        let outcome = record_graded(&mut tx, s, counts, now).await?;
        tx.commit().await?;
        return Ok(Stored::New(outcome));
    }
    Err(sqlx::Error::Protocol("numbering a ticket's attempt kept colliding with parallel submissions".into()))
}

/// Check the course's completion rule inside the record's transaction; when it is met for the first time,
/// record the completion and issue the certificate. Returns the new certificate's code.
async fn complete_if_met(conn: &mut AnyConnection, user_id: &str, course_id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT r.id AS revision_id, r.completion_json, r.title, r.hours FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         WHERE c.id = $1",
    )
    .bind(course_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let rev: String = row.try_get("revision_id")?;
    let rule_json: String = row.try_get("completion_json")?;
    let rule: CompletionRule = serde_json::from_str(&rule_json).map_err(|e| {
        tracing::error!(revision = %rev, error = %e, "a stored completion rule does not decode");
        sqlx::Error::Decode(Box::new(e))
    })?;
    let lessons = sqlx::query(
        "SELECT COUNT(*) AS lessons, COUNT(p.user_id) AS done FROM lesson_revision lr
         LEFT JOIN lesson_progress p ON p.lesson_id = lr.lesson_id AND p.user_id = $2
         WHERE lr.course_revision_id = $1",
    )
    .bind(&rev)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let (total, done): (i64, i64) = (lessons.try_get("lessons")?, lessons.try_get("done")?);
    let lessons_ok = match rule.lessons {
        LessonsRule::Count(n) => done >= i64::from(n),
        LessonsRule::Word(_) => done >= total,
    };
    let quizzes = sqlx::query(
        "SELECT COUNT(*) AS quizzes, CAST(COALESCE(SUM(CASE WHEN EXISTS (
           SELECT 1 FROM attempt a WHERE a.quiz_id = qr.quiz_id AND a.user_id = $2 AND a.passed = 1 AND a.over_limit = 0) THEN 1 ELSE 0 END), 0) AS BIGINT) AS passed
         FROM quiz_revision qr WHERE qr.course_revision_id = $1",
    )
    .bind(&rev)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let (quiz_count, passed): (i64, i64) = (quizzes.try_get("quizzes")?, quizzes.try_get("passed")?);
    let quizzes_ok = rule.quizzes == "none" || passed >= quiz_count;
    if !(lessons_ok && quizzes_ok) {
        return Ok(None);
    }
    let first = sqlx::query(
        "INSERT INTO completion (user_id, course_id, course_revision_id, completed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, course_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(course_id)
    .bind(&rev)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if first.rows_affected() == 0 {
        return Ok(None);
    }
    let holder: String = sqlx::query_scalar("SELECT full_name FROM app_user WHERE id = $1").bind(user_id).fetch_one(&mut *conn).await?;
    let code = super::certificate::new_code();
    sqlx::query(
        "INSERT INTO certificate (code, user_id, course_id, issued_at, holder_name, course_title, hours) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&code)
    .bind(user_id)
    .bind(course_id)
    .bind(now)
    .bind(&holder)
    .bind(row.try_get::<String, _>("title")?)
    .bind(row.try_get::<f64, _>("hours")?)
    .execute(&mut *conn)
    .await?;
    super::summary::completed(conn, user_id, course_id, &code, now).await?;
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_uuids() {
        assert!(valid_record_id(&new_id()));
        assert!(!valid_record_id("1"));
        assert!(!valid_record_id("' OR 1=1 --"));
        assert_eq!(payload_hash(&("a", "b")), payload_hash(&("a", "b")));
        assert_ne!(payload_hash(&("a", "b")), payload_hash(&("a", "c")));
    }
}

/// A check-in a trainer's phone recorded (a scanned personal code, perhaps without signal), sent with the
/// record id the phone gave it: it resends until it hears back, and the ledger makes that exactly once.
#[derive(Debug, Clone)]
pub struct ScannedCheckIn<'a> {
    pub record_id: &'a str,
    pub workshop: &'a super::workshop::WorkshopRow,
    pub user_id: &'a str,
    pub by: &'a str,
    pub mode: &'a str,
    pub device_at: Option<i64>,
}

/// Record a scanned check-in once: a replay answers what the first answer was.
pub async fn scanned_check_in(db: &Db, s: &ScannedCheckIn<'_>) -> Result<Stored<super::workshop::CheckIn>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    let hash = crate::content::sha256_hex(format!("{}|{}", s.workshop.id, s.user_id).as_bytes());
    match claim(&mut tx, "checkin", s.record_id, s.by, &hash, DeviceClock { at: s.device_at, late: false, fixed: false }, now).await? {
        Claim::Seen { outcome } => return Ok(Stored::Replayed(stored_outcome("checkin", s.record_id, &outcome)?)),
        Claim::Conflict => {
            tx.commit().await?;
            return Ok(Stored::Conflict);
        }
        Claim::New => {}
    }
    let outcome = super::workshop::check_in_in(&mut tx, s.workshop, s.user_id, "scan", s.mode, s.by).await?;
    keep_outcome(&mut tx, "checkin", s.record_id, &outcome).await?;
    tx.commit().await?;
    Ok(Stored::New(outcome))
}
