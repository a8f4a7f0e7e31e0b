//! Authoring in the browser: who maintains a course, its working copy (the draft), saves that never lose a
//! text, publish requests and their review, and the history of every revision.
//!
//! A draft is a full copy of a course's files, made from the current revision at the first save. Each file
//! counts its saves (`version`): a save names the version its editor started from, and a save over a newer
//! one is kept aside (`draft_conflict`) rather than written over it. Publishing checks the draft with the
//! same pipeline as a folder and stores it through [`super::course::import_in`], in one transaction with
//! the removal of the draft and the event that records it.

use super::course::{import_in, ImportOutcome, Origin};
use super::{new_id, now_ms, Db};
use crate::content::{self, CourseFiles, Problem};
use sqlx::AnyConnection;

/// A course as authoring sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CourseRow {
    pub id: String,
    pub slug: String,
    pub current_revision_id: Option<String>,
    pub review_required: i64,
}

/// The course with this slug, published or not.
pub async fn course(db: &Db, slug: &str) -> Result<Option<CourseRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug, current_revision_id, review_required FROM course WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&db.pool)
        .await
}

/// This person's roles on a course: `maintainer`, `reviewer`.
pub async fn member_roles(db: &Db, course_id: &str, user_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT role FROM course_member WHERE course_id = $1 AND user_id = $2 ORDER BY role")
        .bind(course_id)
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// One line of a trainer's list of courses.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MyCourseRow {
    pub id: String,
    pub slug: String,
    /// The published title; None before the first publish.
    pub title: Option<String>,
    pub published_at: Option<i64>,
    pub published_by: Option<String>,
    /// `editing` or `review` when there is a draft.
    pub draft_state: Option<String>,
    pub draft_at: Option<i64>,
    pub draft_by: Option<String>,
}

/// The courses this person maintains or reviews; every course for an admin (`all`).
pub async fn my_courses(db: &Db, user_id: &str, all: bool) -> Result<Vec<MyCourseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id AS id, c.slug AS slug, r.title AS title, r.imported_at AS published_at, pu.full_name AS published_by,
           d.state AS draft_state, d.updated_at AS draft_at, du.full_name AS draft_by
         FROM course c
         LEFT JOIN course_revision r ON r.id = c.current_revision_id
         LEFT JOIN app_user pu ON pu.id = r.published_by
         LEFT JOIN course_draft d ON d.course_id = c.id
         LEFT JOIN app_user du ON du.id = d.updated_by
         WHERE c.retired_at IS NULL
           AND ($2 = 1 OR EXISTS (SELECT 1 FROM course_member m WHERE m.course_id = c.id AND m.user_id = $1))
         ORDER BY COALESCE(d.updated_at, r.imported_at) DESC, c.slug",
    )
    .bind(user_id)
    .bind(i64::from(all))
    .fetch_all(&db.pool)
    .await
}

/// The slug is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlugTaken;

/// Create an unpublished course with its first draft; its creator maintains it.
pub async fn create_course(db: &Db, slug: &str, user_id: &str, files: &CourseFiles) -> Result<Result<String, SlugTaken>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let id = new_id();
    let inserted = sqlx::query("INSERT INTO course (id, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
        .bind(&id)
        .bind(slug)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if inserted == 0 {
        return Ok(Err(SlugTaken));
    }
    let now = now_ms();
    add_member_in(&mut tx, &id, user_id, "maintainer", now).await?;
    sqlx::query("INSERT INTO course_draft (course_id, base_revision_id, state, updated_at, updated_by) VALUES ($1, NULL, 'editing', $2, $3)")
        .bind(&id)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for (path, bytes) in files {
        insert_file(&mut tx, &id, path, bytes, 1, now, user_id).await?;
    }
    tx.commit().await?;
    Ok(Ok(id))
}

async fn add_member_in(conn: &mut AnyConnection, course_id: &str, user_id: &str, role: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO course_member (course_id, user_id, role, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(course_id)
        .bind(user_id)
        .bind(role)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_file(conn: &mut AnyConnection, course_id: &str, path: &str, bytes: &[u8], version: i64, now: i64, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO draft_file (course_id, path, bytes, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(course_id)
        .bind(path)
        .bind(bytes)
        .bind(version)
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person named on a course.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: String,
    pub full_name: String,
    pub phone: String,
    pub role: String,
}

/// The maintainers and reviewers of a course.
pub async fn members(db: &Db, course_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.user_id AS user_id, u.full_name AS full_name, u.phone AS phone, m.role AS role
         FROM course_member m JOIN app_user u ON u.id = m.user_id WHERE m.course_id = $1 ORDER BY m.role, u.full_name",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await
}

/// Name someone maintainer or reviewer of a course.
pub async fn add_member(db: &Db, course_id: &str, user_id: &str, role: &str) -> Result<(), sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    add_member_in(&mut conn, course_id, user_id, role, now_ms()).await
}

/// Remove someone's role on a course.
pub async fn remove_member(db: &Db, course_id: &str, user_id: &str, role: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM course_member WHERE course_id = $1 AND user_id = $2 AND role = $3")
        .bind(course_id)
        .bind(user_id)
        .bind(role)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Whether publishing this course needs a reviewer's approval.
pub async fn set_review_required(db: &Db, course_id: &str, required: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE course SET review_required = $1 WHERE id = $2").bind(i64::from(required)).bind(course_id).execute(&db.pool).await?;
    Ok(())
}

/// Change the slug of a course that was never published (its address is not yet known to anyone).
pub async fn rename_unpublished(db: &Db, course_id: &str, slug: &str) -> Result<Result<(), SlugTaken>, sqlx::Error> {
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM course WHERE slug = $1").bind(slug).fetch_optional(&db.pool).await?;
    if taken.is_some_and(|t| t != course_id) {
        return Ok(Err(SlugTaken));
    }
    sqlx::query("UPDATE course SET slug = $1 WHERE id = $2 AND current_revision_id IS NULL").bind(slug).bind(course_id).execute(&db.pool).await?;
    Ok(Ok(()))
}

/// A course's draft, when it has one.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DraftRow {
    pub base_revision_id: Option<String>,
    pub state: String,
    pub updated_at: i64,
    pub updated_by: String,
    pub updated_by_name: String,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub requested_at: Option<i64>,
}

/// The draft of a course.
pub async fn draft(db: &Db, course_id: &str) -> Result<Option<DraftRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.base_revision_id AS base_revision_id, d.state AS state, d.updated_at AS updated_at, d.updated_by AS updated_by,
           u.full_name AS updated_by_name, d.requested_by AS requested_by, ru.full_name AS requested_by_name, d.requested_at AS requested_at
         FROM course_draft d JOIN app_user u ON u.id = d.updated_by LEFT JOIN app_user ru ON ru.id = d.requested_by
         WHERE d.course_id = $1",
    )
    .bind(course_id)
    .fetch_optional(&db.pool)
    .await
}

/// One file of a course's working copy.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FileRow {
    pub path: String,
    pub bytes: Vec<u8>,
    /// Saves so far; 0 for a file as published (there is no draft yet).
    pub version: i64,
}

/// The working copy: the draft's files, or the current revision's when there is no draft.
pub async fn working_files(db: &Db, course: &CourseRow) -> Result<Vec<FileRow>, sqlx::Error> {
    let has_draft: Option<String> = sqlx::query_scalar("SELECT state FROM course_draft WHERE course_id = $1").bind(&course.id).fetch_optional(&db.pool).await?;
    if has_draft.is_some() {
        return sqlx::query_as("SELECT path, bytes, version FROM draft_file WHERE course_id = $1 ORDER BY path").bind(&course.id).fetch_all(&db.pool).await;
    }
    let Some(rev) = &course.current_revision_id else { return Ok(vec![]) };
    let files = revision_files(db, rev).await?;
    Ok(files.into_iter().map(|(path, bytes)| FileRow { path, bytes, version: 0 }).collect())
}

/// A revision's files as it was published: its text sources and its images.
pub async fn revision_files(db: &Db, rev: &str) -> Result<CourseFiles, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    revision_files_in(&mut conn, rev).await
}

async fn revision_files_in(conn: &mut AnyConnection, rev: &str) -> Result<CourseFiles, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Text {
        path: String,
        text: String,
    }
    #[derive(sqlx::FromRow)]
    struct Bin {
        path: String,
        bytes: Vec<u8>,
    }
    let mut files = CourseFiles::new();
    let texts: Vec<Text> = sqlx::query_as("SELECT path, text FROM course_source WHERE course_revision_id = $1").bind(rev).fetch_all(&mut *conn).await?;
    for t in texts {
        files.insert(t.path, t.text.into_bytes());
    }
    let bins: Vec<Bin> = sqlx::query_as("SELECT path, bytes FROM course_asset WHERE course_revision_id = $1").bind(rev).fetch_all(&mut *conn).await?;
    for b in bins {
        files.insert(b.path, b.bytes);
    }
    Ok(files)
}

/// Make the draft from the current revision if there is none. The first statement writes, so SQLite takes
/// its write lock at once.
async fn ensure_draft(conn: &mut AnyConnection, course: &CourseRow, user_id: &str, now: i64) -> Result<String, sqlx::Error> {
    let made = sqlx::query(
        "INSERT INTO course_draft (course_id, base_revision_id, state, updated_at, updated_by) VALUES ($1, $2, 'editing', $3, $4)
         ON CONFLICT (course_id) DO NOTHING",
    )
    .bind(&course.id)
    .bind(course.current_revision_id.as_deref())
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if made == 1 {
        if let Some(rev) = &course.current_revision_id {
            for (path, bytes) in revision_files_in(conn, rev).await? {
                insert_file(conn, &course.id, &path, &bytes, 0, now, user_id).await?;
            }
        }
    }
    sqlx::query_scalar("SELECT state FROM course_draft WHERE course_id = $1").bind(&course.id).fetch_one(&mut *conn).await
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Written; the file's new version.
    Saved { version: i64 },
    /// Someone saved this file since the editor opened it: this text is kept aside under this id.
    Conflict { id: String },
    /// The draft waits for review and cannot change.
    Frozen,
}

/// Save one file of the draft (`bytes` None removes it), if it is still at `base_version`.
pub async fn save_file(db: &Db, course: &CourseRow, path: &str, bytes: Option<&[u8]>, base_version: i64, user_id: &str) -> Result<Saved, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    if ensure_draft(&mut tx, course, user_id, now).await? == "review" {
        return Ok(Saved::Frozen);
    }
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM draft_file WHERE course_id = $1 AND path = $2")
        .bind(&course.id)
        .bind(path)
        .fetch_optional(&mut *tx)
        .await?;
    // A file that is not there counts as version 0: a new file, or one removed since.
    if current.unwrap_or(0) != base_version {
        let id = new_id();
        sqlx::query("INSERT INTO draft_conflict (id, course_id, path, text, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(&course.id)
            .bind(path)
            .bind(bytes.map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default())
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Saved::Conflict { id });
    }
    let version = current.unwrap_or(0) + 1;
    sqlx::query("DELETE FROM draft_file WHERE course_id = $1 AND path = $2").bind(&course.id).bind(path).execute(&mut *tx).await?;
    if let Some(bytes) = bytes {
        insert_file(&mut tx, &course.id, path, bytes, version, now, user_id).await?;
    }
    touch(&mut tx, &course.id, now, user_id).await?;
    tx.commit().await?;
    Ok(Saved::Saved { version })
}

async fn touch(conn: &mut AnyConnection, course_id: &str, now: i64, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE course_draft SET updated_at = $1, updated_by = $2 WHERE course_id = $3")
        .bind(now)
        .bind(user_id)
        .bind(course_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replace the whole draft with these files (an uploaded zip, a revision restored). Refused (false) while the
/// draft waits for review.
pub async fn replace_draft(db: &Db, course: &CourseRow, files: &CourseFiles, user_id: &str, event: Option<(&str, &str)>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    if ensure_draft(&mut tx, course, user_id, now).await? == "review" {
        return Ok(false);
    }
    #[derive(sqlx::FromRow)]
    struct V {
        path: String,
        version: i64,
    }
    let old: Vec<V> = sqlx::query_as("SELECT path, version FROM draft_file WHERE course_id = $1").bind(&course.id).fetch_all(&mut *tx).await?;
    sqlx::query("DELETE FROM draft_file WHERE course_id = $1").bind(&course.id).execute(&mut *tx).await?;
    for (path, bytes) in files {
        // Versions keep counting, so an editor open on the old text cannot save over the new one.
        let v = old.iter().find(|o| &o.path == path).map(|o| o.version).unwrap_or(0) + 1;
        insert_file(&mut tx, &course.id, path, bytes, v, now, user_id).await?;
    }
    touch(&mut tx, &course.id, now, user_id).await?;
    if let Some((kind, revision)) = event {
        event_in(&mut tx, &course.id, kind, Some(revision), user_id, "", now).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Throw the draft away: the course goes back to its published revision.
pub async fn discard_draft(db: &Db, course_id: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    delete_draft(&mut tx, course_id).await?;
    tx.commit().await
}

async fn delete_draft(conn: &mut AnyConnection, course_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM draft_file WHERE course_id = $1").bind(course_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM course_draft WHERE course_id = $1").bind(course_id).execute(&mut *conn).await?;
    Ok(())
}

/// A text kept aside by a save over a newer version.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ConflictRow {
    pub id: String,
    pub path: String,
    pub text: String,
    pub saved_by_name: String,
    pub saved_at: i64,
}

/// The texts kept aside for a course, newest first.
pub async fn conflicts(db: &Db, course_id: &str) -> Result<Vec<ConflictRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.id AS id, k.path AS path, k.text AS text, u.full_name AS saved_by_name, k.saved_at AS saved_at
         FROM draft_conflict k JOIN app_user u ON u.id = k.saved_by WHERE k.course_id = $1 ORDER BY k.saved_at DESC, k.id DESC",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await
}

/// Forget a text kept aside, once resolved.
pub async fn drop_conflict(db: &Db, course_id: &str, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM draft_conflict WHERE course_id = $1 AND id = $2").bind(course_id).bind(id).execute(&db.pool).await?;
    Ok(())
}

/// The hash of a set of files: what the publish page showed, checked again when the trainer confirms.
pub fn files_hash(files: &CourseFiles) -> String {
    let mut input = String::new();
    for (path, bytes) in files {
        input.push_str(&format!("{path}:{}\n", content::sha256_hex(bytes)));
    }
    content::sha256_hex(input.as_bytes())
}

/// The categories as stored at the last folder import, for checking a draft.
pub async fn categories(db: &Db) -> Result<Vec<content::Category>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct C {
        slug: String,
        name_vi: String,
        name_en: String,
    }
    let rows: Vec<C> = sqlx::query_as("SELECT slug, name_vi, name_en FROM category ORDER BY position").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|c| content::Category { slug: c.slug, vi: c.name_vi, en: c.name_en }).collect())
}

/// Why a publish did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum NotPublished {
    /// There is no draft.
    NoDraft,
    /// The draft changed since the page the trainer confirmed on.
    Changed,
    /// The draft has problems.
    Problems(Vec<Problem>),
    /// The draft waits for review (for a plain publish) or does not (for an approval).
    WrongState,
}

/// What to do with the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Publish it now.
    Publish,
    /// Approve the waiting request: publish it.
    Approve,
    /// Ask for review: freeze it.
    Request,
}

/// Publish the draft (or approve or request it), provided it is still the one whose hash the trainer saw.
/// The check, the new revision, the removal of the draft and the event are one transaction.
pub async fn publish(db: &Db, course: &CourseRow, expected_hash: &str, step: Step, user_id: &str, comment: &str) -> Result<Result<Option<ImportOutcome>, NotPublished>, sqlx::Error> {
    let known = categories(db).await?;
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    // Writes first (SQLite's lock); also makes two confirmations of one draft take turns.
    let present = sqlx::query("UPDATE course_draft SET updated_at = updated_at WHERE course_id = $1").bind(&course.id).execute(&mut *tx).await?.rows_affected();
    if present == 0 {
        return Ok(Err(NotPublished::NoDraft));
    }
    let state: String = sqlx::query_scalar("SELECT state FROM course_draft WHERE course_id = $1").bind(&course.id).fetch_one(&mut *tx).await?;
    if (step == Step::Approve) != (state == "review") {
        return Ok(Err(NotPublished::WrongState));
    }
    let rows: Vec<FileRow> = sqlx::query_as("SELECT path, bytes, version FROM draft_file WHERE course_id = $1").bind(&course.id).fetch_all(&mut *tx).await?;
    let files: CourseFiles = rows.into_iter().map(|f| (f.path, f.bytes)).collect();
    if files_hash(&files) != expected_hash {
        return Ok(Err(NotPublished::Changed));
    }
    let known = (!known.is_empty()).then_some(known);
    let checked = content::load_files(&course.slug, std::path::Path::new(&course.slug), &files, known.as_deref());
    let built = match checked {
        Ok(c) => c,
        Err(p) => return Ok(Err(NotPublished::Problems(p))),
    };
    let outcome = match step {
        Step::Request => {
            sqlx::query("UPDATE course_draft SET state = 'review', requested_by = $1, requested_at = $2 WHERE course_id = $3")
                .bind(user_id)
                .bind(now)
                .bind(&course.id)
                .execute(&mut *tx)
                .await?;
            event_in(&mut tx, &course.id, "request", None, user_id, comment, now).await?;
            None
        }
        Step::Publish | Step::Approve => {
            let requester: Option<String> = sqlx::query_scalar("SELECT requested_by FROM course_draft WHERE course_id = $1").bind(&course.id).fetch_one(&mut *tx).await?;
            // A revision is credited to whoever wrote it: the requester of an approved publish.
            let author = requester.as_deref().filter(|_| step == Step::Approve).unwrap_or(user_id);
            let outcome = import_in(&mut tx, &built, Origin::Browser { user_id: author }).await?;
            let rev: Option<String> = sqlx::query_scalar("SELECT current_revision_id FROM course WHERE id = $1").bind(&course.id).fetch_one(&mut *tx).await?;
            delete_draft(&mut tx, &course.id).await?;
            let kind = if step == Step::Approve { "approve" } else { "publish" };
            event_in(&mut tx, &course.id, kind, rev.as_deref(), user_id, comment, now).await?;
            Some(outcome)
        }
    };
    tx.commit().await?;
    Ok(Ok(outcome))
}

/// Send a waiting request back to its authors with a comment; the draft can be edited again.
pub async fn reject(db: &Db, course_id: &str, user_id: &str, comment: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    let n = sqlx::query("UPDATE course_draft SET state = 'editing', requested_by = NULL, requested_at = NULL WHERE course_id = $1 AND state = 'review'")
        .bind(course_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 1 {
        event_in(&mut tx, course_id, "reject", None, user_id, comment, now).await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}

/// Take back one's own request before review.
pub async fn withdraw(db: &Db, course_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let n = sqlx::query("UPDATE course_draft SET state = 'editing', requested_by = NULL, requested_at = NULL WHERE course_id = $1 AND state = 'review'")
        .bind(course_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 1 {
        event_in(&mut tx, course_id, "withdraw", None, user_id, "", now_ms()).await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}

async fn event_in(conn: &mut AnyConnection, course_id: &str, kind: &str, revision: Option<&str>, user_id: &str, comment: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO course_event (id, course_id, kind, revision_id, user_id, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(new_id())
        .bind(course_id)
        .bind(kind)
        .bind(revision)
        .bind(user_id)
        .bind(comment)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One entry of a course's record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub revision_id: Option<String>,
    pub user_name: String,
    pub comment: String,
    pub at: i64,
}

/// Every publish, request, approval, rejection and restore of a course, newest first.
pub async fn events(db: &Db, course_id: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.kind AS kind, e.revision_id AS revision_id, u.full_name AS user_name, e.comment AS comment, e.at AS at
         FROM course_event e JOIN app_user u ON u.id = e.user_id WHERE e.course_id = $1 ORDER BY e.at DESC, e.id DESC",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await
}

/// One revision of a course.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: String,
    pub version: String,
    pub title: String,
    pub imported_at: i64,
    pub source: String,
    pub published_by: Option<String>,
}

/// Every revision of a course, newest first.
pub async fn revisions(db: &Db, course_id: &str) -> Result<Vec<RevisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id AS id, r.version AS version, r.title AS title, r.imported_at AS imported_at, r.source AS source, u.full_name AS published_by
         FROM course_revision r LEFT JOIN app_user u ON u.id = r.published_by WHERE r.course_id = $1 ORDER BY r.imported_at DESC, r.id DESC",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await
}

/// Every published course's slug and current files, for `taphuan export-courses`.
pub async fn published(db: &Db) -> Result<Vec<(String, CourseFiles)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct P {
        slug: String,
        current_revision_id: String,
    }
    let rows: Vec<P> = sqlx::query_as("SELECT slug, current_revision_id FROM course WHERE current_revision_id IS NOT NULL AND retired_at IS NULL ORDER BY slug")
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push((r.slug, revision_files(db, &r.current_revision_id).await?));
    }
    Ok(out)
}

/// Find a person by phone number (already normalised), to name them on a course.
pub async fn user_by_phone(db: &Db, phone: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM app_user WHERE phone = $1 AND deleted_at IS NULL").bind(phone).fetch_optional(&db.pool).await
}
