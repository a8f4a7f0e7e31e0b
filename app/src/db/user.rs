//! People: accounts, roles, one-time password links, login throttling, and a person's own data.

use super::bulk::{area_condition, Sql, Val};
use super::{new_id, now_ms, Db};
use crate::role::Role;

/// The fields a new account is created with. An empty `password_hash` means "no password yet": such an
/// account cannot sign in until its one-time link is used.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub phone: &'a str,
    pub full_name: &'a str,
    pub org_name: &'a str,
    pub org_type: &'a str,
    pub region_code: Option<&'a str>,
    pub password_hash: &'a str,
}

/// Insert an account and return its id.
pub async fn insert_user<'e, E>(ex: E, u: &NewUser<'_>) -> Result<String, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id = new_id();
    let name = crate::text::nfc(u.full_name.trim());
    sqlx::query(
        "INSERT INTO app_user (id, phone, full_name, name_key, org_name, org_type, region_code, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(u.phone)
    .bind(&name)
    .bind(crate::text::fold(&name))
    .bind(crate::text::nfc(u.org_name.trim()))
    .bind(u.org_type)
    .bind(u.region_code)
    .bind(u.password_hash)
    .bind(now_ms())
    .execute(ex)
    .await?;
    Ok(id)
}

/// What sign-in checks a password against.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: String,
    pub password_hash: String,
}

/// The login record of the live account with this normalised phone.
pub async fn login_record(db: &Db, phone: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash FROM app_user WHERE phone = $1 AND deleted_at IS NULL")
        .bind(phone)
        .fetch_optional(&db.pool)
        .await
}

/// Id of the account with this phone, live or not (phones are unique).
pub async fn id_by_phone(db: &Db, phone: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM app_user WHERE phone = $1").bind(phone).fetch_optional(&db.pool).await
}

/// How many accounts the database holds, deleted ones included.
pub async fn count_all(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM app_user").fetch_one(&db.pool).await
}

/// The name of a live account, or None if the account is gone.
pub async fn live_name(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(live_person(db, id).await?.map(|(name, _)| name))
}

/// The name and the data-saver choice of a live account, in the one query every signed-in request makes.
pub async fn live_person(db: &Db, id: &str) -> Result<Option<(String, bool)>, sqlx::Error> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT full_name, data_saver FROM app_user WHERE id = $1 AND deleted_at IS NULL").bind(id).fetch_optional(&db.pool).await?;
    Ok(row.map(|(name, saver)| (name, saver != 0)))
}

/// A live person's name, data-saver choice and roles, in one query: what every signed-in request reads
/// (the viewer). `None` when the account is gone.
pub async fn viewer(db: &Db, id: &str) -> Result<Option<(String, bool, Vec<GrantRow>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct ViewerRow {
        full_name: String,
        data_saver: i64,
        role: Option<String>,
        scope_code: Option<String>,
        scope_path: Option<String>,
    }
    let rows: Vec<ViewerRow> = sqlx::query_as(
        "SELECT u.full_name AS full_name, u.data_saver AS data_saver, ur.role AS role, ur.scope_region_code AS scope_code, r.path AS scope_path
         FROM app_user u LEFT JOIN user_role ur ON ur.user_id = u.id LEFT JOIN region r ON r.code = ur.scope_region_code
         WHERE u.id = $1 AND u.deleted_at IS NULL ORDER BY ur.role",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let (name, saver) = (first.full_name.clone(), first.data_saver != 0);
    let roles = rows
        .into_iter()
        .filter_map(|r| Some(GrantRow { role: Role::parse(r.role.as_deref()?)?, scope_code: r.scope_code, scope_path: r.scope_path }))
        .collect();
    Ok(Some((name, saver, roles)))
}

/// One granted role as stored; officials carry the region they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub role: Role,
    pub scope_code: Option<String>,
    pub scope_path: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StoredGrant {
    role: String,
    scope_code: Option<String>,
    scope_path: Option<String>,
}

/// A person's granted roles. A role name this build does not know is left out.
pub async fn roles(db: &Db, id: &str) -> Result<Vec<GrantRow>, sqlx::Error> {
    let rows: Vec<StoredGrant> = sqlx::query_as(
        "SELECT ur.role AS role, ur.scope_region_code AS scope_code, r.path AS scope_path
         FROM user_role ur LEFT JOIN region r ON r.code = ur.scope_region_code
         WHERE ur.user_id = $1 ORDER BY ur.role",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some(GrantRow { role: Role::parse(&r.role)?, scope_code: r.scope_code, scope_path: r.scope_path }))
        .collect())
}

/// Grant a role (replacing the same role's scope).
pub async fn grant_role(db: &Db, user_id: &str, role: Role, scope: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_role (user_id, role, scope_region_code) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, role) DO UPDATE SET scope_region_code = excluded.scope_region_code",
    )
    .bind(user_id)
    .bind(role.as_str())
    .bind(scope)
    .execute(&db.pool)
    .await?;
    user_role_changed(db, user_id).await
}

/// A link made for someone when they had fewer powers must not be used once they have more (L-2).
async fn user_role_changed(db: &Db, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_token WHERE user_id = $1 AND used_at IS NULL").bind(user_id).execute(&db.pool).await?;
    Ok(())
}

/// Remove a role.
pub async fn revoke_role(db: &Db, user_id: &str, role: Role) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_role WHERE user_id = $1 AND role = $2").bind(user_id).bind(role.as_str()).execute(&db.pool).await?;
    user_role_changed(db, user_id).await
}

fn token_hash(raw: &str) -> String {
    crate::content::sha256_hex(raw.as_bytes())
}

/// A new one-time link token for `user_id`, valid `ttl_ms`; only its hash is stored.
pub async fn create_token<'e, E>(ex: E, user_id: &str, purpose: &str, created_by: Option<&str>, ttl_ms: i64) -> Result<String, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let raw: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO password_token (token_hash, user_id, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&raw))
    .bind(user_id)
    .bind(purpose)
    .bind(created_by)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(ex)
    .await?;
    Ok(raw)
}

/// The holder of a one-time link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenHolderRow {
    pub id: String,
    pub full_name: String,
}

/// Only a person's newest link works (security review L-2): a newer one voids the older, using one voids
/// all, and a role granted or taken voids every link (`user_role_changed`).
const NEWEST_LINK: &str = "NOT EXISTS (SELECT 1 FROM password_token n WHERE n.user_id = t.user_id
    AND (n.created_at > t.created_at OR (n.created_at = t.created_at AND n.token_hash > t.token_hash)))";

/// The holder of a live, unused token.
pub async fn token_holder(db: &Db, raw: &str) -> Result<Option<TokenHolderRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT u.id AS id, u.full_name AS full_name FROM password_token t JOIN app_user u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.deleted_at IS NULL AND {NEWEST_LINK}"
    ))
    .bind(token_hash(raw))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await
}

/// Use a token and set the password in one transaction; a second use (a double submit) finds it spent.
pub async fn consume_token(db: &Db, raw: &str, password_hash: &str) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    let user: Option<String> = sqlx::query_scalar(&format!(
        "SELECT t.user_id FROM password_token t WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND {NEWEST_LINK}"
    ))
    .bind(token_hash(raw))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user) = user else { return Ok(None) };
    let used = sqlx::query("UPDATE password_token SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash(raw))
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(&user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM password_token WHERE user_id = $1 AND used_at IS NULL").bind(&user).execute(&mut *tx).await?;
    // Every other session of this person ends: whoever had the old password is out.
    sqlx::query("DELETE FROM session WHERE data LIKE $1").bind(format!("%\"uid\":\"{user}\"%")).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Some(user))
}

/// End the sessions of `user`, all but the one with id `keep`; how many ended.
pub async fn end_sessions(db: &Db, user: &str, keep: Option<&str>) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM session WHERE data LIKE $1 AND id <> $2")
        .bind(format!("%\"uid\":\"{user}\"%"))
        .bind(keep.unwrap_or(""))
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected())
}

/// A new password for a signed-in person; every session but `keep` ends.
pub async fn change_password(db: &Db, user: &str, password_hash: &str, keep: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM session WHERE data LIKE $1 AND id <> $2").bind(format!("%\"uid\":\"{user}\"%")).bind(keep).execute(&mut *tx).await?;
    tx.commit().await
}

/// The phone number of a live account.
pub async fn phone_of(db: &Db, user: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT phone FROM app_user WHERE id = $1 AND deleted_at IS NULL").bind(user).fetch_optional(&db.pool).await
}

/// A throttle or rate-limit counter.
#[derive(sqlx::FromRow)]
struct CounterRow {
    failures: i64,
    updated_at: i64,
}

async fn counter(db: &Db, key: &str) -> Result<Option<CounterRow>, sqlx::Error> {
    sqlx::query_as("SELECT failures, updated_at FROM login_throttle WHERE key = $1").bind(key).fetch_optional(&db.pool).await
}

/// Count one hit on `key` in a window of `window_ms` that starts at its first hit; the hits so far,
/// this one included. One statement, so parallel requests each get their own number (security review M-6).
pub async fn hit(db: &Db, key: &str, window_ms: i64) -> Result<i64, sqlx::Error> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES ($1, 1, 0, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.updated_at <= $3 THEN 1 ELSE login_throttle.failures + 1 END,
           updated_at = CASE WHEN login_throttle.updated_at <= $3 THEN $2 ELSE login_throttle.updated_at END
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(&db.pool)
    .await
}

/// Forget the failures of a key after a successful sign-in.
pub async fn throttle_clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    phone: String,
    full_name: String,
    org_name: String,
    org_type: String,
    region_code: Option<String>,
    locale: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct DoneRow {
    course: String,
    lesson: String,
    done_at: i64,
}

#[derive(sqlx::FromRow)]
struct EnrolledRow {
    course: String,
    enrolled_at: i64,
    source: String,
}

/// Everything stored about a person, for "download my data".
pub async fn export(db: &Db, id: &str) -> Result<serde_json::Value, sqlx::Error> {
    let row: ProfileRow =
        sqlx::query_as("SELECT phone, full_name, org_name, org_type, region_code, locale, created_at FROM app_user WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    let progress: Vec<DoneRow> = sqlx::query_as(
        "SELECT c.slug AS course, l.slug AS lesson, p.done_at AS done_at
         FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id JOIN course c ON c.id = l.course_id
         WHERE p.user_id = $1 ORDER BY p.done_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let enrolments: Vec<EnrolledRow> = sqlx::query_as(
        "SELECT c.slug AS course, e.enrolled_at AS enrolled_at, e.source AS source
         FROM enrolment e JOIN course c ON c.id = e.course_id WHERE e.user_id = $1",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let roles = roles(db, id).await?;
    // Attempts with every answer as sent (free text included), completions, certificates, workshops: the
    // download is everything stored about the person (security review M-8).
    type AttemptRow = (String, String, String, i64, Option<i64>, Option<f64>, Option<i64>);
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "SELECT a.id, c.slug, q.slug, a.started_at, a.submitted_at, a.percent, a.passed
         FROM attempt a JOIN quiz q ON q.id = a.quiz_id JOIN course c ON c.id = q.course_id
         WHERE a.user_id = $1 ORDER BY a.started_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let answers: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT an.attempt_id, an.question_id, an.response, an.correct FROM answer an JOIN attempt a ON a.id = an.attempt_id
         WHERE a.user_id = $1 ORDER BY an.attempt_id, an.question_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let completions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.slug, k.completed_at FROM completion k JOIN course c ON c.id = k.course_id WHERE k.user_id = $1 ORDER BY k.completed_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    type CertRow = (String, String, String, i64, Option<i64>);
    let mut certificates: Vec<(&str, CertRow)> = Vec::new();
    let course_certs: Vec<CertRow> =
        sqlx::query_as("SELECT code, holder_name, course_title, issued_at, revoked_at FROM certificate WHERE user_id = $1 ORDER BY issued_at")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    let attendance_certs: Vec<CertRow> = sqlx::query_as(
        "SELECT code, holder_name, workshop_title, issued_at, revoked_at FROM attendance_certificate WHERE user_id = $1 ORDER BY issued_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    certificates.extend(course_certs.into_iter().map(|c| ("completion", c)));
    certificates.extend(attendance_certs.into_iter().map(|c| ("attendance", c)));
    let workshops: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT w.id, w.title, t.checked_in_at, t.how FROM workshop_attendance t JOIN workshop w ON w.id = t.workshop_id
         WHERE t.user_id = $1 ORDER BY t.checked_in_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let registrations: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT w.id, w.title, r.registered_at FROM workshop_registration r JOIN workshop w ON w.id = r.workshop_id
         WHERE r.user_id = $1 ORDER BY r.registered_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let answers_of = |attempt: &str| {
        answers
            .iter()
            .filter(|a| a.0 == attempt)
            .map(|a| serde_json::json!({
                "question": a.1,
                "response": serde_json::from_str::<serde_json::Value>(&a.2).unwrap_or(serde_json::Value::String(a.2.clone())),
                "correct": a.3 != 0,
            }))
            .collect::<Vec<_>>()
    };
    Ok(serde_json::json!({
        "id": id,
        "phone": row.phone,
        "full_name": row.full_name,
        "organisation": row.org_name,
        "organisation_type": row.org_type,
        "region_code": row.region_code,
        "language": row.locale,
        "created_at_ms": row.created_at,
        "roles": roles.iter().map(|g| serde_json::json!({"role": g.role.as_str(), "scope": g.scope_code})).collect::<Vec<_>>(),
        "enrolments": enrolments.iter().map(|r| serde_json::json!({
            "course": r.course,
            "enrolled_at_ms": r.enrolled_at,
            "source": r.source,
        })).collect::<Vec<_>>(),
        "lessons_done": progress.iter().map(|r| serde_json::json!({
            "course": r.course,
            "lesson": r.lesson,
            "done_at_ms": r.done_at,
        })).collect::<Vec<_>>(),
        "attempts": attempts.iter().map(|a| serde_json::json!({
            "course": a.1,
            "quiz": a.2,
            "started_at_ms": a.3,
            "submitted_at_ms": a.4,
            "percent": a.5,
            "passed": a.6.map(|p| p != 0),
            "answers": answers_of(&a.0),
        })).collect::<Vec<_>>(),
        "completions": completions.iter().map(|c| serde_json::json!({"course": c.0, "completed_at_ms": c.1})).collect::<Vec<_>>(),
        "certificates": certificates.iter().map(|(kind, c)| serde_json::json!({
            "kind": kind,
            "code": c.0,
            "holder_name": c.1,
            "title": c.2,
            "issued_at_ms": c.3,
            "revoked_at_ms": c.4,
        })).collect::<Vec<_>>(),
        "workshops_attended": workshops.iter().map(|w| serde_json::json!({"workshop": w.0, "title": w.1, "checked_in_at_ms": w.2, "how": w.3})).collect::<Vec<_>>(),
        "workshop_registrations": registrations.iter().map(|w| serde_json::json!({"workshop": w.0, "title": w.1, "registered_at_ms": w.2})).collect::<Vec<_>>(),
    }))
}

/// Delete an account: personal fields are erased and every session ends. Anonymous learning records stay
/// for the programme's statistics; issued certificates keep their own snapshot of the name.
pub async fn delete_account(db: &Db, id: &str, keep_name_on_certificates: bool) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // Typed answers can hold anything personal; chosen options cannot. (A typed answer is stored as a JSON
    // string, options as an array.) Scores stay, so the figures do not change.
    sqlx::query("UPDATE answer SET response = '\"\"' WHERE response LIKE '\"%' AND attempt_id IN (SELECT id FROM attempt WHERE user_id = $1)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Certificates stay verifiable by code and date; the name on them goes unless the holder chose to keep it.
    if !keep_name_on_certificates {
        for table in ["certificate", "attendance_certificate"] {
            sqlx::query(&format!("UPDATE {table} SET holder_name = $1 WHERE user_id = $2")).bind(DELETED_HOLDER).bind(id).execute(&mut *tx).await?;
        }
    }
    sqlx::query(
        "UPDATE app_user SET phone = $1, full_name = '', name_key = '', org_name = '', password_hash = '', deleted_at = $2 WHERE id = $3",
    )
    .bind(format!("deleted:{id}"))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM user_role WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM password_token WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    // The audit log keeps what was done and the account's id, not the name (`Name (id)` targets, the actor).
    sqlx::query("UPDATE audit_event SET actor_name = '', search = lower(target || ' ' || detail) WHERE actor_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("UPDATE audit_event SET target = $1, search = lower($1 || ' ' || detail) WHERE target LIKE $2")
        .bind(id)
        .bind(format!("%({id})"))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM session WHERE data LIKE $1").bind(format!("%\"uid\":\"{id}\"%")).execute(&mut *tx).await?;
    tx.commit().await
}

/// The name a certificate shows once its holder deleted their account without keeping their name on it.
pub const DELETED_HOLDER: &str = "(đã xoá theo yêu cầu của người học)";

/// A person of the admin list, as stored (the phone in its stored `+84…` form).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub phone: String,
    pub full_name: String,
    pub org_name: String,
    pub org_type: String,
    pub region: Option<String>,
    /// Filled in after the query: the names of the granted roles.
    #[sqlx(skip)]
    pub roles: Vec<String>,
}

/// People matching a folded name or phone search, newest first, inside `scope` (a region path) if given.
pub async fn list(db: &Db, query: &str, scope: Option<&str>, limit: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    // A phone number in any typed form finds its account; anything else searches folded names.
    let pattern = match crate::text::normalize_phone(query) {
        Some(phone) => phone,
        None => super::bulk::contains_pattern(query),
    };
    let mut q = Sql::new(
        "SELECT u.id AS id, u.phone AS phone, u.full_name AS full_name, u.org_name AS org_name, u.org_type AS org_type, r.name AS region
         FROM app_user u LEFT JOIN region r ON r.code = u.region_code
         WHERE u.deleted_at IS NULL AND (u.name_key LIKE ",
    );
    let p = q.val(Val::Text(pattern));
    q.push(&format!("{p} OR u.phone LIKE {p})"));
    area_condition(&mut q, "r.path", scope.unwrap_or(""));
    q.push(" ORDER BY u.created_at DESC LIMIT ");
    let p = q.val(Val::Int(limit));
    q.push(&p);
    let mut out: Vec<PersonRow> = q.query_as().fetch_all(&db.pool).await?;
    for person in &mut out {
        person.roles = roles(db, &person.id).await?.iter().map(|g| g.role.as_str().to_string()).collect();
    }
    Ok(out)
}

/// A person's region path, for scoping checks.
pub async fn region_path(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    let p: Option<Option<String>> = sqlx::query_scalar(
        "SELECT r.path FROM app_user u LEFT JOIN region r ON r.code = u.region_code WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(p.flatten())
}

/// One checked line of a class list, as the import needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClassMember {
    /// 1-based line in the sheet, header included.
    pub line: usize,
    pub full_name: String,
    pub phone: String,
    pub org_name: String,
    pub org_type: String,
    pub region_code: String,
    /// `Some(id)` when the phone already has an account (it is enrolled, not created).
    pub existing: Option<String>,
}

/// A one-time link made for a new person of a class list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    /// The class list's line the person came from.
    pub line: usize,
    /// The one-time token of their link.
    pub token: String,
}

/// Create the new people of a checked class list, enrol everyone in `course_ids`, and make a one-time link
/// (valid 7 days) for each new person; all in one transaction. Returns the links of the new people.
pub async fn import_class(
    db: &Db,
    rows: &[NewClassMember],
    course_ids: &[String],
    created_by: &str,
) -> Result<Vec<InviteRow>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut links = Vec::new();
    let now = now_ms();
    for r in rows {
        let id = match &r.existing {
            Some(id) => id.clone(),
            None => {
                let new = NewUser {
                    phone: &r.phone,
                    full_name: &r.full_name,
                    org_name: &r.org_name,
                    org_type: &r.org_type,
                    region_code: Some(&r.region_code),
                    password_hash: "",
                };
                let id = insert_user(&mut *tx, &new).await?;
                let token = create_token(&mut *tx, &id, "invite", Some(created_by), 7 * 24 * 3600 * 1000).await?;
                links.push(InviteRow { line: r.line, token });
                id
            }
        };
        for c in course_ids {
            super::summary::enrol(&mut tx, &id, c, now, "class_list").await?;
        }
    }
    tx.commit().await?;
    Ok(links)
}

/// Remember a person's language.
pub async fn set_locale(db: &Db, id: &str, locale: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET locale = $1 WHERE id = $2").bind(locale).bind(id).execute(&db.pool).await?;
    Ok(())
}

/// A person's saved language.
pub async fn locale(db: &Db, id: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT locale FROM app_user WHERE id = $1").bind(id).fetch_one(&db.pool).await
}

/// Count a hit on `key`; false once it has had `limit` hits within `window_ms` (for rate limits shared by
/// every app process).
pub async fn rate_hit(db: &Db, key: &str, limit: i64, window_ms: i64) -> Result<bool, sqlx::Error> {
    Ok(hit(db, key, window_ms).await? <= limit)
}

/// How many hits `key` has had in the current window of `window_ms`, without adding one.
pub async fn rate_count(db: &Db, key: &str, window_ms: i64) -> Result<i64, sqlx::Error> {
    Ok(match counter(db, key).await? {
        Some(c) if now_ms() - c.updated_at < window_ms => c.failures,
        _ => 0,
    })
}

/// Forget throttle and rate-limit counters untouched for a day.
pub async fn prune_throttle(db: &Db) -> Result<u64, sqlx::Error> {
    let now = now_ms();
    let r = sqlx::query("DELETE FROM login_throttle WHERE updated_at < $1 AND locked_until < $2")
        .bind(now - 24 * 3600 * 1000)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected())
}
