//! Workshops: the sessions, the courses they cover, who checked in, and the before-and-after test.

use super::{new_id, now_ms, Db};

/// What a trainer fills in for a new workshop.
#[derive(Debug, Clone)]
pub struct NewWorkshop<'a> {
    pub title: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub region_code: Option<&'a str>,
    pub address: &'a str,
    pub stream_url: &'a str,
    pub capacity: i64,
    pub course_ids: &'a [String],
    /// (course slug, quiz slug) of the before-and-after test.
    pub test: Option<(&'a str, &'a str)>,
    pub checkin_secret: &'a str,
    /// Everyone who checks in gets a certificate of attendance.
    pub gives_certificate: bool,
    /// People may register before the day.
    pub registration: bool,
    pub created_by: &'a str,
}

/// Store a new workshop; its id.
pub async fn create(db: &Db, w: &NewWorkshop<'_>) -> Result<String, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO workshop (id, title, starts_at, ends_at, region_code, address, stream_url, recording_url, capacity,
           test_course, test_quiz, checkin_secret, created_by, created_at, gives_certificate, registration)
         VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(w.title)
    .bind(w.starts_at)
    .bind(w.ends_at)
    .bind(w.region_code)
    .bind(w.address)
    .bind(w.stream_url)
    .bind(w.capacity)
    .bind(w.test.map(|t| t.0))
    .bind(w.test.map(|t| t.1))
    .bind(w.checkin_secret)
    .bind(w.created_by)
    .bind(now_ms())
    .bind(i64::from(w.gives_certificate))
    .bind(i64::from(w.registration))
    .execute(&mut *tx)
    .await?;
    for c in w.course_ids {
        sqlx::query("INSERT INTO workshop_course (workshop_id, course_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(&id).bind(c).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Change a workshop's details and courses; its code's secret, trainer, people and test attempts stay.
pub async fn update(db: &Db, id: &str, w: &NewWorkshop<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE workshop SET title = $1, starts_at = $2, ends_at = $3, region_code = $4, address = $5, stream_url = $6, capacity = $7,
           test_course = $8, test_quiz = $9, gives_certificate = $10, registration = $11 WHERE id = $12 AND cancelled_at IS NULL",
    )
    .bind(w.title)
    .bind(w.starts_at)
    .bind(w.ends_at)
    .bind(w.region_code)
    .bind(w.address)
    .bind(w.stream_url)
    .bind(w.capacity)
    .bind(w.test.map(|t| t.0))
    .bind(w.test.map(|t| t.1))
    .bind(i64::from(w.gives_certificate))
    .bind(i64::from(w.registration))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM workshop_course WHERE workshop_id = $1").bind(id).execute(&mut *tx).await?;
    for c in w.course_ids {
        sqlx::query("INSERT INTO workshop_course (workshop_id, course_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(id).bind(c).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Cancel a workshop: it leaves every page and every figure; its rows stay for the record.
pub async fn cancel(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshop SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL").bind(now_ms()).bind(id).execute(&db.pool).await?;
    Ok(())
}

/// Whether a workshop existed and was cancelled.
pub async fn was_cancelled(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workshop WHERE id = $1 AND cancelled_at IS NOT NULL").bind(id).fetch_one(&db.pool).await?;
    Ok(n > 0)
}

/// The province of a commune, for the edit form's commune list.
pub async fn province_of(db: &Db, commune: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT parent_code FROM region WHERE code = $1").bind(commune).fetch_optional(&db.pool).await.map(Option::flatten)
}

/// A workshop as its pages show it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkshopRow {
    pub id: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub region_code: Option<String>,
    pub region_path: Option<String>,
    pub place: Option<String>,
    pub address: String,
    pub stream_url: String,
    pub recording_url: String,
    pub capacity: i64,
    pub test_course: Option<String>,
    pub test_quiz: Option<String>,
    pub checkin_secret: String,
    /// 1 when everyone who checks in gets a certificate of attendance.
    pub gives_certificate: i64,
    /// 1 when people may register before the day.
    pub registration: i64,
    pub created_by: String,
    pub created_by_name: String,
    pub attendees: i64,
    pub registered: i64,
}

const SELECT: &str = "SELECT w.id AS id, w.title AS title, w.starts_at AS starts_at, w.ends_at AS ends_at, w.region_code AS region_code,
       r.path AS region_path, CASE WHEN p.name IS NULL THEN r.name ELSE r.name || ', ' || p.name END AS place,
       w.address AS address, w.stream_url AS stream_url, w.recording_url AS recording_url, w.capacity AS capacity,
       w.test_course AS test_course, w.test_quiz AS test_quiz, w.checkin_secret AS checkin_secret,
       w.gives_certificate AS gives_certificate, w.registration AS registration, w.created_by AS created_by, u.full_name AS created_by_name,
       (SELECT COUNT(*) FROM workshop_attendance a WHERE a.workshop_id = w.id) AS attendees,
       (SELECT COUNT(*) FROM workshop_registration g WHERE g.workshop_id = w.id) AS registered
     FROM workshop w JOIN app_user u ON u.id = w.created_by
     LEFT JOIN region r ON r.code = w.region_code LEFT JOIN region p ON p.code = r.parent_code";

/// One workshop, unless cancelled.
pub async fn get(db: &Db, id: &str) -> Result<Option<WorkshopRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE w.id = $1 AND w.cancelled_at IS NULL")).bind(id).fetch_optional(&db.pool).await
}

/// Workshops created by this trainer (every one for `all`), the latest first.
pub async fn list(db: &Db, user_id: &str, all: bool) -> Result<Vec<WorkshopRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE w.cancelled_at IS NULL AND ($2 = 1 OR w.created_by = $1) ORDER BY w.starts_at DESC, w.id"))
        .bind(user_id)
        .bind(i64::from(all))
        .fetch_all(&db.pool)
        .await
}

/// The courses a workshop covers: (slug, title).
pub async fn courses(db: &Db, id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct C {
        slug: String,
        title: String,
    }
    let rows: Vec<C> = sqlx::query_as(
        "SELECT c.slug AS slug, r.title AS title FROM workshop_course wc JOIN course c ON c.id = wc.course_id
         JOIN course_revision r ON r.id = c.current_revision_id WHERE wc.workshop_id = $1 ORDER BY r.title",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|c| (c.slug, c.title)).collect())
}

/// Whether a check-in was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CheckIn {
    New,
    /// This person had checked in already: nothing changed.
    Already,
    /// The workshop is full.
    Full,
}

/// Check a person in, once. The capacity is checked in the same statement, so a crowd at the door cannot
/// overfill it.
pub async fn check_in(db: &Db, workshop: &WorkshopRow, user_id: &str, how: &str, mode: &str, by: &str) -> Result<CheckIn, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let outcome = check_in_in(&mut tx, workshop, user_id, how, mode, by).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The check-in inside the caller's transaction (the scan write path records it with its ledger entry).
pub(crate) async fn check_in_in(tx: &mut sqlx::AnyConnection, workshop: &WorkshopRow, user_id: &str, how: &str, mode: &str, by: &str) -> Result<CheckIn, sqlx::Error> {
    lock_places(&mut *tx, &workshop.id).await?;
    let inserted = sqlx::query(
        "INSERT INTO workshop_attendance (workshop_id, user_id, how, mode, checked_in_at, checked_in_by)
         SELECT $1, $2, $3, $4, $5, $6 WHERE $7 = 0 OR (SELECT COUNT(*) FROM workshop_attendance WHERE workshop_id = $1) < $7
         ON CONFLICT (workshop_id, user_id) DO NOTHING",
    )
    .bind(&workshop.id)
    .bind(user_id)
    .bind(how)
    .bind(mode)
    .bind(now_ms())
    .bind(by)
    .bind(workshop.capacity)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 && workshop.gives_certificate != 0 {
        issue_attendance(&mut *tx, workshop, user_id).await?;
    }
    Ok(if inserted == 1 {
        CheckIn::New
    } else {
        let there: Option<i64> = sqlx::query_scalar("SELECT 1 FROM workshop_attendance WHERE workshop_id = $1 AND user_id = $2")
            .bind(&workshop.id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if there.is_some() {
            CheckIn::Already
        } else {
            CheckIn::Full
        }
    })
}

/// The workshop's length in hours, to the half hour, as its certificate states it.
pub fn hours(workshop: &WorkshopRow) -> f64 {
    let h = (workshop.ends_at - workshop.starts_at).max(0) as f64 / 3_600_000.0;
    (h * 2.0).round() / 2.0
}

/// The certificate of attendance, in the check-in's transaction: once per person and workshop.
async fn issue_attendance(tx: &mut sqlx::AnyConnection, workshop: &WorkshopRow, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO attendance_certificate (code, user_id, workshop_id, issued_at, holder_name, workshop_title, held_at, hours)
         SELECT $1, u.id, $2, $3, u.full_name, $4, $5, $6 FROM app_user u WHERE u.id = $7
         ON CONFLICT (user_id, workshop_id) DO NOTHING",
    )
    .bind(super::certificate::new_code())
    .bind(&workshop.id)
    .bind(now_ms())
    .bind(&workshop.title)
    .bind(workshop.starts_at)
    .bind(hours(workshop))
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What a registration did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Registration {
    New,
    /// Registered before: nothing changed.
    Already,
    /// As many people registered as the workshop has places.
    Full,
}

/// Take the workshop's row lock for the rest of the transaction. The count-then-insert that guards the
/// places is one statement, but under PostgreSQL's READ COMMITTED two transactions can both see the last free
/// place; holding the row serialises them. (SQLite runs one writer at a time anyway.)
async fn lock_places(tx: &mut sqlx::AnyConnection, workshop_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshop SET capacity = capacity WHERE id = $1").bind(workshop_id).execute(&mut *tx).await?;
    Ok(())
}

/// Register a person, once. The capacity is checked in the same statement, as at check-in.
pub async fn register(db: &Db, workshop: &WorkshopRow, user_id: &str) -> Result<Registration, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    lock_places(&mut tx, &workshop.id).await?;
    let inserted = sqlx::query(
        "INSERT INTO workshop_registration (workshop_id, user_id, registered_at)
         SELECT $1, $2, $3 WHERE $4 = 0 OR (SELECT COUNT(*) FROM workshop_registration WHERE workshop_id = $1) < $4
         ON CONFLICT (workshop_id, user_id) DO NOTHING",
    )
    .bind(&workshop.id)
    .bind(user_id)
    .bind(now_ms())
    .bind(workshop.capacity)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    if inserted == 1 {
        return Ok(Registration::New);
    }
    Ok(if registered(db, &workshop.id, user_id).await? { Registration::Already } else { Registration::Full })
}

/// Whether this person registered.
pub async fn registered(db: &Db, workshop_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workshop_registration WHERE workshop_id = $1 AND user_id = $2")
        .bind(workshop_id)
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// A registered person, for the trainer: and whether they came.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RegisteredRow {
    pub name: String,
    pub org_name: String,
    pub phone: String,
    pub registered_at: i64,
    pub came: i64,
}

/// Everyone registered, in the order they registered.
pub async fn registrations(db: &Db, workshop_id: &str) -> Result<Vec<RegisteredRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.full_name AS name, u.org_name AS org_name, u.phone AS phone, g.registered_at AS registered_at,
           (SELECT COUNT(*) FROM workshop_attendance a WHERE a.workshop_id = g.workshop_id AND a.user_id = g.user_id) AS came
         FROM workshop_registration g JOIN app_user u ON u.id = g.user_id
         WHERE g.workshop_id = $1 AND u.deleted_at IS NULL ORDER BY g.registered_at, u.full_name",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await
}

/// Whether this person checked in.
pub async fn attended(db: &Db, workshop_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workshop_attendance WHERE workshop_id = $1 AND user_id = $2")
        .bind(workshop_id)
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// One line of the attendance sheet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AttendeeRow {
    pub user_id: String,
    pub full_name: String,
    pub org_name: String,
    pub org_type: String,
    pub place: Option<String>,
    pub phone: String,
    pub how: String,
    pub mode: String,
    pub checked_in_at: i64,
}

/// Everyone who checked in, in order of arrival.
pub async fn attendees(db: &Db, workshop_id: &str) -> Result<Vec<AttendeeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name AS full_name, u.org_name AS org_name, u.org_type AS org_type,
           CASE WHEN p.name IS NULL THEN r.name ELSE r.name || ', ' || p.name END AS place,
           u.phone AS phone, a.how AS how, a.mode AS mode, a.checked_in_at AS checked_in_at
         FROM workshop_attendance a JOIN app_user u ON u.id = a.user_id
         LEFT JOIN region r ON r.code = u.region_code LEFT JOIN region p ON p.code = r.parent_code
         WHERE a.workshop_id = $1 ORDER BY a.checked_in_at, u.full_name",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await
}

/// The attempt a person took as a phase (`before`, `after`) of a workshop's test.
pub async fn test_attempt(db: &Db, workshop_id: &str, user_id: &str, phase: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT attempt_id FROM workshop_test WHERE workshop_id = $1 AND user_id = $2 AND phase = $3")
        .bind(workshop_id)
        .bind(user_id)
        .bind(phase)
        .fetch_optional(&db.pool)
        .await
}

/// Record an attempt as a phase of the test; the first one recorded stays.
pub async fn set_test_attempt(db: &Db, workshop_id: &str, user_id: &str, phase: &str, attempt_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO workshop_test (workshop_id, user_id, phase, attempt_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(workshop_id)
        .bind(user_id)
        .bind(phase)
        .bind(attempt_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A phase's submitted attempts: how many and their average percent.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PhaseRow {
    pub phase: String,
    pub attempts: i64,
    pub average: Option<f64>,
}

/// The before and after averages.
pub async fn test_averages(db: &Db, workshop_id: &str) -> Result<Vec<PhaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.phase AS phase, COUNT(*) AS attempts, AVG(a.percent) AS average
         FROM workshop_test t JOIN attempt a ON a.id = t.attempt_id
         WHERE t.workshop_id = $1 AND a.submitted_at IS NOT NULL GROUP BY t.phase",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await
}

/// Per question and phase: how many answered it and how many got it right.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QuestionPhaseRow {
    pub position: i64,
    pub prompt_html: String,
    pub phase: String,
    pub answered: i64,
    pub right: i64,
}

/// The share right of each question, before and after. Questions are matched across revisions by position.
pub async fn test_questions(db: &Db, workshop_id: &str) -> Result<Vec<QuestionPhaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT q.position AS position, MIN(q.prompt_html) AS prompt_html, t.phase AS phase, COUNT(*) AS answered,
           CAST(SUM(CASE WHEN an.correct = 1 THEN 1 ELSE 0 END) AS BIGINT) AS \"right\"
         FROM workshop_test t JOIN attempt a ON a.id = t.attempt_id AND a.submitted_at IS NOT NULL
         JOIN answer an ON an.attempt_id = a.id JOIN question q ON q.id = an.question_id
         WHERE t.workshop_id = $1 GROUP BY q.position, t.phase ORDER BY q.position, t.phase",
    )
    .bind(workshop_id)
    .fetch_all(&db.pool)
    .await
}

/// Set the recording's address, once the session is over.
pub async fn set_recording(db: &Db, workshop_id: &str, url: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workshop SET recording_url = $1 WHERE id = $2").bind(url).bind(workshop_id).execute(&db.pool).await?;
    Ok(())
}

/// A person's own code, made the first time it is asked for.
pub async fn personal_code(db: &Db, user_id: &str) -> Result<String, sqlx::Error> {
    if let Some(c) = sqlx::query_scalar::<_, Option<String>>("SELECT personal_code FROM app_user WHERE id = $1").bind(user_id).fetch_one(&db.pool).await? {
        return Ok(c);
    }
    // 80 random bits, in letters and digits that cannot be confused when typed.
    let code: String = {
        use rand::Rng;
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
    };
    sqlx::query("UPDATE app_user SET personal_code = $1 WHERE id = $2 AND personal_code IS NULL").bind(&code).bind(user_id).execute(&db.pool).await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT personal_code FROM app_user WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?;
    Ok(stored.unwrap_or(code))
}

/// Whom a personal code belongs to: (id, name, deleted).
pub async fn by_personal_code(db: &Db, code: &str) -> Result<Option<(String, String, bool)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct P {
        id: String,
        full_name: String,
        deleted_at: Option<i64>,
    }
    let p: Option<P> = sqlx::query_as("SELECT id, full_name, deleted_at FROM app_user WHERE personal_code = $1").bind(code).fetch_optional(&db.pool).await?;
    Ok(p.map(|p| (p.id, p.full_name, p.deleted_at.is_some())))
}

/// The workshops of this trainer (every one for an admin) whose check-in is open at `now`.
pub async fn open_now(db: &Db, user_id: &str, all: bool, now: i64, margin: i64) -> Result<Vec<WorkshopRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE w.cancelled_at IS NULL AND ($2 = 1 OR w.created_by = $1) AND w.starts_at - $4 <= $3 AND w.ends_at + $4 >= $3 ORDER BY w.starts_at"))
        .bind(user_id)
        .bind(i64::from(all))
        .bind(now)
        .bind(margin)
        .fetch_all(&db.pool)
        .await
}

/// A live account's name.
pub async fn attendee_name(db: &Db, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT full_name FROM app_user WHERE id = $1 AND deleted_at IS NULL").bind(user_id).fetch_optional(&db.pool).await
}
