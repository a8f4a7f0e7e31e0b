//! The server's half of offline learning: tickets handed out when a course is saved, a ticket's submission,
//! and the batch a phone sends when it has signal again. Everything goes through `db::learning`.

use crate::db::{self, learning::{DeviceClock, Stored}};
use crate::error::AppError;
use crate::quiz::api::ssr::{draw, grade, log_new, new_seed, Refused, GRACE_MS};
use serde::{Deserialize, Serialize};

/// Unsubmitted tickets one phone holds per quiz; a learner holds at most [`MAX_OPEN_TICKETS`] per quiz on all
/// phones together, so saving again and again cannot draw the question bank out.
pub(crate) const TICKETS_PER_PHONE: usize = 2;
pub(crate) const MAX_OPEN_TICKETS: i64 = 6;
/// Records in one sync request.
pub(crate) const MAX_BATCH: usize = 100;

/// A ticket as the phone keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct TicketOut {
    pub id: String,
    pub quiz: String,
    pub url: String,
}

/// The tickets of one phone for a course's quizzes: the open ones it has, topped up to
/// [`TICKETS_PER_PHONE`] within the attempts left and [`MAX_OPEN_TICKETS`].
pub(crate) async fn tickets(db: &db::Db, user_id: &str, device: &str, course: &str, quizzes: &[db::offline::OfflineQuizRow]) -> Result<Vec<TicketOut>, AppError> {
    let mut out = Vec::new();
    for q in quizzes {
        let mut open = db::attempt::open_tickets(db, user_id, device, &q.revision_id).await?;
        let used = db::attempt::attempts_for(db, user_id, &q.quiz_id).await?.iter().filter(|a| !a.over_limit).count() as i64;
        let left = if q.settings.attempts == 0 { i64::MAX } else { i64::from(q.settings.attempts) - used };
        let all: Vec<String> = db::attempt::questions(db, &q.revision_id).await?.into_iter().map(|x| x.id).collect();
        while open.len() < TICKETS_PER_PHONE && (open.len() as i64) < left {
            let seed = new_seed();
            let ids = draw(&q.settings, all.clone(), seed);
            let t = db::attempt::NewTicket { user_id, device, quiz_id: &q.quiz_id, quiz_revision_id: &q.revision_id, seed, question_ids: &ids };
            // At the cap (other phones hold the rest): this phone gets what it has.
            let Some(id) = db::attempt::issue_ticket(db, &t, MAX_OPEN_TICKETS).await? else { break };
            if let Some(row) = db::attempt::ticket(db, &id).await? {
                open.push(row);
            }
        }
        out.extend(open.into_iter().map(|t| TicketOut { url: ticket_url(course, &q.slug, &t.id), quiz: q.slug.clone(), id: t.id }));
    }
    Ok(out)
}

/// The ticket's page.
pub(crate) fn ticket_url(course: &str, quiz: &str, id: &str) -> String {
    format!("/khoa-hoc/{course}/kiem-tra/{quiz}/ve/{id}")
}

/// The result page of an attempt (a ticket's attempt has the ticket's id).
pub(crate) fn result_url(course: &str, quiz: &str, id: &str) -> String {
    format!("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{id}")
}

/// Grade and record what was answered on a ticket. The ticket's revision is the one graded, whatever was
/// published since. A time limit is judged on the phone's own elapsed time (opened → submitted, the same
/// clock, so a clock that is days wrong still measures minutes rightly), with the online grace; without
/// both times, from the ticket's issue to receipt.
pub(crate) async fn submit_ticket(
    db: &db::Db,
    user_id: &str,
    ticket_id: &str,
    fields: &[(String, String)],
    started: Option<i64>,
    at: Option<i64>,
) -> Result<Result<Stored<db::learning::AttemptOutcome>, Refused>, AppError> {
    let t = db::attempt::ticket(db, ticket_id).await?.filter(|t| t.user_id == user_id).ok_or(AppError::NotFound)?;
    let settings = db::attempt::quiz_of_revision(db, &t.quiz_revision_id).await?.settings;
    let now = db::now_ms();
    let timed_out = settings.time_limit.is_some_and(|m| {
        let elapsed = match (started, at) {
            (Some(s), Some(a)) if a >= s => a - s,
            _ => now - t.issued_at,
        };
        elapsed > i64::from(m) * 60_000 + GRACE_MS
    });
    let row = t.as_open_attempt(timed_out);
    let graded = match grade(db, &row, fields, timed_out).await? {
        Ok(g) => g,
        // Other answers under the id of one already submitted: the first result stands.
        Err(_) if t.submitted => return Ok(Ok(Stored::Conflict)),
        Err(r) => return Ok(Err(r)),
    };
    let device = DeviceClock::judge(at, t.issued_at, now);
    let started = DeviceClock::judge(started, t.issued_at, now);
    let ticket = db::learning::TicketAttempt { ticket: &t, started, attempts_max: settings.attempts, timed_out };
    let stored = db::learning::ticket_submitted(db, &ticket, &graded.submission(&t.id, user_id, device)).await?;
    log_new(user_id, &t.id, &stored);
    Ok(Ok(stored))
}

/// One record of a phone's queue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    /// `lesson` (a lesson marked done) or `attempt` (a ticket, or an attempt started online, submitted).
    pub kind: String,
    #[serde(default)]
    pub course: String,
    #[serde(default)]
    pub lesson: String,
    /// The form's fields, `q_<question>` = answer.
    #[serde(default)]
    pub answers: Vec<(String, String)>,
    /// Phone time the ticket was opened.
    pub started: Option<i64>,
    /// Phone time the learner acted.
    pub at: Option<i64>,
    /// Whose record it is, when the form said (a lesson's form names its learner).
    #[serde(default)]
    pub learner: Option<String>,
}

/// A phone's queue.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Batch {
    pub records: Vec<Record>,
}

/// What became of one record. `status` speaks HTTP: 201 recorded now, 200 recorded before (a resend),
/// 409 the id was used for something else (final: the first stays), 404 nothing to record it on (final),
/// 403 another learner's record (a shared phone: it waits for them), 422 refused as sent (final), 500 try
/// again later.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct RecordResult {
    pub id: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub over_limit: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Where the learner sees the result (an attempt's result page, with explanations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl RecordResult {
    fn status(id: &str, status: u16) -> RecordResult {
        RecordResult { id: id.to_string(), status, percent: None, passed: None, over_limit: false, certificate: None, href: None }
    }
}

/// Record a phone's queue, each record on its own: one bad record never stops the others.
pub(crate) async fn sync(db: &db::Db, user_id: &str, batch: &Batch) -> Vec<RecordResult> {
    let mut out = Vec::with_capacity(batch.records.len());
    let created = db::offline::account_created(db, user_id).await.unwrap_or(0);
    for r in &batch.records {
        let result = match one(db, user_id, created, r).await {
            Ok(res) => res,
            Err(AppError::NotFound) => RecordResult::status(&r.id, 404),
            Err(e) => {
                tracing::warn!(record = %r.id, error = ?e, "a queued record could not be stored now");
                RecordResult::status(&r.id, 500)
            }
        };
        metrics::counter!("taphuan_offline_records_total", "status" => result.status.to_string()).increment(1);
        out.push(result);
    }
    let sent = out.iter().filter(|r| r.status == 201).count();
    tracing::info!(user = %user_id, records = out.len(), new = sent, "offline queue synced");
    out
}

async fn one(db: &db::Db, user_id: &str, created: i64, r: &Record) -> Result<RecordResult, AppError> {
    if !db::learning::valid_record_id(&r.id) {
        return Ok(RecordResult::status(&r.id, 422));
    }
    match r.kind.as_str() {
        "lesson" if r.learner.as_deref().is_some_and(|l| !l.is_empty() && l != user_id) => Ok(RecordResult::status(&r.id, 403)),
        "lesson" => {
            let done = db::learning::LessonDone {
                record_id: Some(&r.id),
                user_id,
                course_slug: &r.course,
                lesson_slug: &r.lesson,
                device: DeviceClock::judge(r.at, created, db::now_ms()),
            };
            Ok(match db::learning::lesson_done(db, &done).await? {
                None => RecordResult::status(&r.id, 404),
                Some(Stored::Conflict) => RecordResult::status(&r.id, 409),
                Some(Stored::New(_)) => RecordResult::status(&r.id, 201),
                Some(Stored::Replayed(_)) => RecordResult::status(&r.id, 200),
            })
        }
        "attempt" => {
            let ticket_owner = db::attempt::ticket(db, &r.id).await?.map(|t| t.user_id);
            let attempt_owner = match &ticket_owner {
                Some(_) => None,
                None => db::attempt::attempt(db, &r.id).await?.map(|a| a.user_id),
            };
            if ticket_owner.as_ref().or(attempt_owner.as_ref()).is_some_and(|owner| owner != user_id) {
                return Ok(RecordResult::status(&r.id, 403));
            }
            let (stored, course, quiz) = if ticket_owner.is_some() {
                let stored = submit_ticket(db, user_id, &r.id, &r.answers, r.started, r.at).await?;
                let t = db::attempt::ticket(db, &r.id).await?.ok_or(AppError::NotFound)?;
                let q = db::attempt::quiz_of_revision(db, &t.quiz_revision_id).await?;
                (stored, q.course_slug, q.quiz_slug)
            } else {
                let a = db::attempt::attempt(db, &r.id).await?.filter(|a| a.user_id == user_id).ok_or(AppError::NotFound)?;
                let q = db::attempt::quiz_of_revision(db, &a.revision_id).await?;
                let device = DeviceClock::judge(r.at, a.started_at, db::now_ms());
                (crate::quiz::api::ssr::submit(db, user_id, &r.id, &r.answers, device).await?, q.course_slug, q.quiz_slug)
            };
            let (status, outcome) = match stored {
                Err(refused) => {
                    tracing::warn!(user = %user_id, record = %r.id, ?refused, "queued submission refused");
                    return Ok(RecordResult::status(&r.id, 422));
                }
                Ok(Stored::Conflict) => return Ok(RecordResult::status(&r.id, 409)),
                Ok(Stored::New(o)) => (201, o),
                Ok(Stored::Replayed(o)) => (200, o),
            };
            Ok(RecordResult {
                id: r.id.clone(),
                status,
                percent: Some(outcome.percent),
                passed: Some(outcome.passed && !outcome.over_limit),
                over_limit: outcome.over_limit,
                certificate: outcome.certificate,
                href: Some(result_url(&course, &quiz, &r.id)),
            })
        }
        _ => Ok(RecordResult::status(&r.id, 422)),
    }
}
