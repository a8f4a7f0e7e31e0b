//! Dashboard queries. Figures come from the roll-up (`stat_cell`: a few thousand cells per view), the
//! active count and the learner list from `learner_course`; nothing here scans progress or attempts.

use super::bulk::{area_condition, Sql, Val};
use super::{new_id, now_ms, Db};
use std::collections::HashMap;

/// A checked filter: ids instead of slugs, the region as a path, months validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Region path; `''` is the whole country.
    pub path: String,
    pub course_id: Option<String>,
    pub org_type: Option<String>,
    /// First and last enrolment month, `YYYY-MM`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Scope {
    /// Enrolment time bounds in ms: [start of `from`, start of the month after `to`).
    fn bounds(&self) -> (Option<i64>, Option<i64>) {
        use crate::calendar::{month_start_ms, next_month, parse_month};
        let from = self.from.as_deref().and_then(parse_month).map(|(y, m)| month_start_ms(y, m));
        let to = self.to.as_deref().and_then(parse_month).map(|(y, m)| {
            let (y, m) = next_month(y, m);
            month_start_ms(y, m)
        });
        (from, to)
    }

    /// No month filter: the roll-ups kept without the month (`stat_child`, `learner_activity`) can answer.
    fn all_months(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Conditions on a `stat_cell` alias for course, type and months.
    fn cell_filters(&self, q: &mut Sql) {
        if let Some(c) = &self.course_id {
            let p = q.val(Val::Text(c.clone()));
            q.push(&format!(" AND course_id = {p}"));
        }
        self.type_and_month_keys(q);
    }

    /// Conditions on the `org_type` and `month` (`YYYY-MM`) columns of a roll-up table.
    fn type_and_month_keys(&self, q: &mut Sql) {
        if let Some(o) = &self.org_type {
            let p = q.val(Val::Text(o.clone()));
            q.push(&format!(" AND org_type = {p}"));
        }
        if let Some(m) = &self.from {
            let p = q.val(Val::Text(m.clone()));
            q.push(&format!(" AND month >= {p}"));
        }
        if let Some(m) = &self.to {
            let p = q.val(Val::Text(m.clone()));
            q.push(&format!(" AND month <= {p}"));
        }
    }

    /// Conditions on a `learner_course` alias `lc`: region subtree (as a range, which an index serves on
    /// both databases), course, type, enrolment months.
    fn learner_filters(&self, q: &mut Sql) {
        area_condition(q, "lc.region_path", &self.path);
        if let Some(c) = &self.course_id {
            let p = q.val(Val::Text(c.clone()));
            q.push(&format!(" AND lc.course_id = {p}"));
        }
        self.type_and_months(q, "lc.org_type", "lc.enrolled_at");
    }

    /// Conditions on an organisation-type column and a time column for the month range.
    fn type_and_months(&self, q: &mut Sql, org_col: &str, time_col: &str) {
        if let Some(o) = &self.org_type {
            let p = q.val(Val::Text(o.clone()));
            q.push(&format!(" AND {org_col} = {p}"));
        }
        let (from, to) = self.bounds();
        if let Some(f) = from {
            let p = q.val(Val::Int(f));
            q.push(&format!(" AND {time_col} >= {p}"));
        }
        if let Some(t) = to {
            let p = q.val(Val::Int(t));
            q.push(&format!(" AND {time_col} < {p}"));
        }
    }
}

/// One roll-up cell at the region shown.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CellRow {
    pub course_id: String,
    pub org_type: String,
    pub month: String,
    pub enrolled: i64,
    pub completed: i64,
    pub certified: i64,
    pub completions: i64,
}

/// The cells of the region shown, filtered.
pub async fn cells(db: &Db, s: &Scope) -> Result<Vec<CellRow>, sqlx::Error> {
    let mut q = Sql::new("SELECT course_id, org_type, month, enrolled, completed, certified, completions FROM stat_cell WHERE region_path = ");
    let p = q.val(Val::Text(s.path.clone()));
    q.push(&p);
    s.cell_filters(&mut q);
    q.query_as().fetch_all(&db.pool).await
}

/// The totals of one region right below the one shown.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChildRow {
    pub region_path: String,
    pub enrolled: i64,
    pub completed: i64,
    pub certified: i64,
}

/// Totals of each region right below the one shown.
pub async fn children(db: &Db, s: &Scope) -> Result<Vec<ChildRow>, sqlx::Error> {
    // Without a month filter, the totals kept without the month: a province's communes are then a few
    // thousand rows rather than every month of each (278,000 cells at 1,000,000 learners).
    let table = if s.all_months() { "stat_child" } else { "stat_cell" };
    let mut q = Sql::new(&format!(
        "SELECT region_path, CAST(SUM(enrolled) AS BIGINT) AS enrolled, CAST(SUM(completed) AS BIGINT) AS completed,
           CAST(SUM(certified) AS BIGINT) AS certified FROM {table} WHERE parent_path = "
    ));
    let p = q.val(Val::Text(s.path.clone()));
    q.push(&p);
    s.cell_filters(&mut q);
    q.push(" GROUP BY region_path");
    q.query_as().fetch_all(&db.pool).await
}

/// Live learner accounts in the area, of the type, registered in the month range: the account roll-up
/// (`account_cell`, kept by triggers) added up, less the staff (trainers, officials, admins), who are few
/// and counted from their accounts.
pub async fn learners(db: &Db, s: &Scope) -> Result<i64, sqlx::Error> {
    let mut q = Sql::new("SELECT CAST(COALESCE(SUM(accounts), 0) AS BIGINT) FROM account_cell WHERE 1 = 1");
    codes_in_area(&mut q, "region_code", &s.path);
    s.type_and_month_keys(&mut q);
    let all: i64 = q.query_scalar().fetch_one(&db.pool).await?;
    let mut q = Sql::new("SELECT COUNT(DISTINCT u.id) FROM app_user u JOIN user_role g ON g.user_id = u.id WHERE u.deleted_at IS NULL");
    codes_in_area(&mut q, "u.region_code", &s.path);
    s.type_and_months(&mut q, "u.org_type", "u.created_at");
    let staff: i64 = q.query_scalar().fetch_one(&db.pool).await?;
    Ok(all - staff)
}

/// ` AND column IN (the codes of the area's regions)`, nothing for the whole country. The region table is
/// small: the codes of the subtree come first, then the index on `column`. `column` is the caller's constant.
fn codes_in_area(q: &mut Sql, column: &'static str, path: &str) {
    if path.is_empty() {
        return;
    }
    q.push(&format!(" AND {column} IN (SELECT code FROM region WHERE 1 = 1"));
    area_condition(q, "path", path);
    q.push(")");
}

/// Learners with any activity in the filtered enrolments since `since` (ms).
pub async fn active(db: &Db, s: &Scope, since: i64) -> Result<i64, sqlx::Error> {
    if s.course_id.is_none() && s.all_months() {
        // Filtered by area and type only: one row per learner, their latest activity in any course.
        let mut q = Sql::new("SELECT COUNT(*) FROM learner_activity la WHERE la.last_active_at >= ");
        let p = q.val(Val::Int(since));
        q.push(&p);
        area_condition(&mut q, "la.region_path", &s.path);
        if let Some(o) = &s.org_type {
            let p = q.val(Val::Text(o.clone()));
            q.push(&format!(" AND la.org_type = {p}"));
        }
        return q.query_scalar().fetch_one(&db.pool).await;
    }
    // Grouping on `user_id || ''` rather than on the column keeps SQLite 3.46 from walking the primary key
    // (user_id first, so groups come sorted) with a row lookup for each of 470,000 rows (840 ms); it reads
    // the covering index on activity date instead (20–35 ms). GROUP BY rather than COUNT(DISTINCT) lets
    // PostgreSQL hash instead of sorting text by locale (15 ms against 43 ms).
    let mut q = Sql::new("SELECT COUNT(*) FROM (SELECT lc.user_id || '' AS u FROM learner_course lc WHERE lc.last_active_at >= ");
    let p = q.val(Val::Int(since));
    q.push(&p);
    s.learner_filters(&mut q);
    q.push(" GROUP BY lc.user_id || '') x");
    q.query_scalar().fetch_one(&db.pool).await
}

/// Names of the regions right below `parent` (the top level when None), retired ones included, since
/// people keep their old codes; by name.
pub async fn region_names(db: &Db, parent: Option<&str>) -> Result<Vec<super::region::RegionNameRow>, sqlx::Error> {
    match parent {
        Some(p) => sqlx::query_as("SELECT code, name FROM region WHERE parent_code = $1 ORDER BY name_key").bind(p).fetch_all(&db.pool).await,
        None => sqlx::query_as("SELECT code, name FROM region WHERE parent_code IS NULL ORDER BY name_key").fetch_all(&db.pool).await,
    }
}

/// A course for the filter and labels.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    /// Lessons in its current revision.
    pub lessons: i64,
}

/// Every course, by title.
pub async fn courses(db: &Db) -> Result<Vec<CourseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id AS id, c.slug AS slug, r.title AS title,
           CAST((SELECT COUNT(*) FROM lesson_revision lr WHERE lr.course_revision_id = r.id) AS BIGINT) AS lessons
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id ORDER BY r.title",
    )
    .fetch_all(&db.pool)
    .await
}

/// A learner of the list, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LearnerRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub org_name: String,
    pub org_type: String,
    pub region_code: Option<String>,
}

/// Up to `limit` live learners with an enrolment matching the filter, by folded name, after `after`
/// (name key, id), whose folded name contains `search`.
pub async fn learner_page(db: &Db, s: &Scope, search: &str, after: Option<(&str, &str)>, limit: i64) -> Result<Vec<LearnerRow>, sqlx::Error> {
    let mut q = Sql::new(
        "SELECT u.id AS id, u.full_name AS name, u.name_key AS name_key, u.org_name AS org_name, u.org_type AS org_type,
           u.region_code AS region_code FROM app_user u WHERE u.deleted_at IS NULL",
    );
    let pattern = super::bulk::contains_pattern(search);
    if pattern != "%%" {
        let p = q.val(Val::Text(pattern));
        q.push(&format!(" AND u.name_key LIKE {p}"));
    }
    if let Some((k, id)) = after {
        let a = q.val(Val::Text(k.to_string()));
        let b = q.val(Val::Text(id.to_string()));
        q.push(&format!(" AND (u.name_key > {a} OR (u.name_key = {a} AND u.id > {b}))"));
    }
    q.push(" AND EXISTS (SELECT 1 FROM learner_course lc WHERE lc.user_id = u.id");
    s.learner_filters(&mut q);
    q.push(") ORDER BY u.name_key, u.id LIMIT ");
    let p = q.val(Val::Int(limit));
    q.push(&p);
    q.query_as().fetch_all(&db.pool).await
}

/// One learner_course row for the list and exports.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub user_id: String,
    pub course_id: String,
    pub lessons_done: i64,
    pub best_score: Option<f64>,
    pub enrolled_at: i64,
    pub completed_at: Option<i64>,
    pub certificate_code: Option<String>,
}

const ENROLMENT_COLUMNS: &str = "lc.user_id, lc.course_id, lc.lessons_done, lc.best_score, lc.enrolled_at, lc.completed_at, lc.certificate_code";

/// The filtered enrolments of these learners.
pub async fn enrolments_of(db: &Db, s: &Scope, user_ids: &[String]) -> Result<Vec<EnrolmentRow>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(&format!("SELECT {ENROLMENT_COLUMNS} FROM learner_course lc WHERE lc.user_id IN ("));
    for (i, id) in user_ids.iter().enumerate() {
        let p = q.val(Val::Text(id.clone()));
        q.push(if i == 0 { "" } else { ", " }).push(&p);
    }
    q.push(")");
    s.learner_filters(&mut q);
    q.query_as().fetch_all(&db.pool).await
}

/// A learner's fields for an export line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportLine {
    pub name: String,
    pub org_name: String,
    pub org_type: String,
    pub region_code: Option<String>,
    #[sqlx(flatten)]
    pub enrolment: EnrolmentRow,
}

/// Every filtered enrolment of live learners, by name: what the learner list shows, all pages at once.
pub async fn export_lines(db: &Db, s: &Scope) -> Result<Vec<ExportLine>, sqlx::Error> {
    let mut q = Sql::new(&format!(
        "SELECT {ENROLMENT_COLUMNS}, u.full_name AS name, u.org_name AS org_name, u.org_type AS org_type, u.region_code AS region_code
         FROM learner_course lc JOIN app_user u ON u.id = lc.user_id WHERE u.deleted_at IS NULL"
    ));
    s.learner_filters(&mut q);
    q.push(" ORDER BY u.name_key, u.id, lc.course_id");
    q.query_as().fetch_all(&db.pool).await
}

/// Region names with their parent's name, for labelling learners: code → "Xã …, Tỉnh …".
pub async fn region_labels(db: &Db, codes: &[String]) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut out = HashMap::new();
    let mut unique: Vec<&String> = codes.iter().collect();
    unique.sort();
    unique.dedup();
    for chunk in unique.chunks(500) {
        let mut q = Sql::new(
            "SELECT r.code AS code, r.name AS name, p.name AS parent_name FROM region r LEFT JOIN region p ON p.code = r.parent_code WHERE r.code IN (",
        );
        for (i, c) in chunk.iter().enumerate() {
            let p = q.val(Val::Text((*c).clone()));
            q.push(if i == 0 { "" } else { ", " }).push(&p);
        }
        q.push(")");
        for r in q.query_as::<super::region::NamedRegionRow>().fetch_all(&db.pool).await? {
            out.insert(r.code, super::region::full_name(r.name, r.parent_name));
        }
    }
    Ok(out)
}

/// A target with its progress.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TargetRow {
    pub id: String,
    /// The region's name.
    pub region: String,
    pub region_path: String,
    pub course_id: String,
    /// The course's title.
    pub course: String,
    pub org_type: String,
    pub target: i64,
    pub due_on: String,
    /// What counts: `certified`, `workshop` or `either` (see [`crate::dashboard::MEASURES`]).
    pub measure: String,
    /// People counted by the measure in the course, type and region; filled in after the query.
    #[sqlx(skip)]
    pub certified: i64,
}

/// Targets set for the region at `path` or below it (all when `path` is empty), and for `course_id` if
/// given, with their progress: valid certificates of the course, type and region.
pub async fn targets(db: &Db, path: &str, course_id: Option<&str>) -> Result<Vec<TargetRow>, sqlx::Error> {
    let mut q = Sql::new(
        "SELECT t.id AS id, r.name AS region, r.path AS region_path, t.course_id AS course_id, cr.title AS course,
           t.org_type AS org_type, t.target AS target, t.due_on AS due_on, t.measure AS measure
         FROM training_target t JOIN region r ON r.code = t.region_code
         JOIN course c ON c.id = t.course_id JOIN course_revision cr ON cr.id = c.current_revision_id WHERE 1 = 1",
    );
    area_condition(&mut q, "r.path", path);
    if let Some(c) = course_id {
        let p = q.val(Val::Text(c.to_string()));
        q.push(&format!(" AND t.course_id = {p}"));
    }
    q.push(" ORDER BY t.due_on, r.name_key");
    let mut out: Vec<TargetRow> = q.query_as().fetch_all(&db.pool).await?;
    for t in &mut out {
        t.certified = match t.measure.as_str() {
            "workshop" | "either" => people_trained_or_certified(db, t).await?,
            _ => {
                let mut p = Sql::new("SELECT CAST(COALESCE(SUM(certified), 0) AS BIGINT) FROM stat_cell WHERE region_path = ");
                let a = p.val(Val::Text(t.region_path.clone()));
                let b = p.val(Val::Text(t.course_id.clone()));
                p.push(&format!("{a} AND course_id = {b}"));
                if !t.org_type.is_empty() {
                    let c = p.val(Val::Text(t.org_type.clone()));
                    p.push(&format!(" AND org_type = {c}"));
                }
                p.query_scalar().fetch_one(&db.pool).await?
            }
        };
    }
    Ok(out)
}

/// A `workshop` target's progress: people of the type and region checked in at a workshop covering the
/// course; for `either`, those and the holders of a valid certificate of it, as one set, so a person who
/// attended and then completed online counts once.
async fn people_trained_or_certified(db: &Db, t: &TargetRow) -> Result<i64, sqlx::Error> {
    let mut q = Sql::new(
        "SELECT COUNT(*) FROM (SELECT DISTINCT a.user_id AS uid FROM workshop_attendance a
           JOIN workshop w ON w.id = a.workshop_id AND w.cancelled_at IS NULL
           JOIN workshop_course wc ON wc.workshop_id = w.id AND wc.course_id = ",
    );
    let c = q.val(Val::Text(t.course_id.clone()));
    q.push(&c);
    q.push(" JOIN app_user u ON u.id = a.user_id AND u.deleted_at IS NULL JOIN region r ON r.code = u.region_code WHERE 1 = 1");
    area_condition(&mut q, "r.path", &t.region_path);
    if !t.org_type.is_empty() {
        let o = q.val(Val::Text(t.org_type.clone()));
        q.push(&format!(" AND u.org_type = {o}"));
    }
    if t.measure == "either" {
        let c = q.val(Val::Text(t.course_id.clone()));
        q.push(&format!(" UNION SELECT lc.user_id FROM learner_course lc WHERE lc.certificate_code IS NOT NULL AND lc.course_id = {c}"));
        area_condition(&mut q, "lc.region_path", &t.region_path);
        if !t.org_type.is_empty() {
            let o = q.val(Val::Text(t.org_type.clone()));
            q.push(&format!(" AND lc.org_type = {o}"));
        }
    }
    q.push(") people");
    q.query_scalar().fetch_one(&db.pool).await
}

/// A new target.
pub struct NewTarget<'a> {
    pub region_code: &'a str,
    pub course_id: &'a str,
    pub org_type: &'a str,
    pub target: i64,
    pub due_on: &'a str,
    /// One of [`crate::dashboard::MEASURES`].
    pub measure: &'a str,
    pub created_by: &'a str,
}

/// Store a target, or change the number of the same target (region, course, type, due date) set before.
pub async fn upsert_target(db: &Db, t: &NewTarget<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO training_target (id, region_code, course_id, org_type, target, due_on, created_by, created_at, measure) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (region_code, course_id, org_type, due_on, measure) DO UPDATE SET target = excluded.target",
    )
    .bind(new_id())
    .bind(t.region_code)
    .bind(t.course_id)
    .bind(t.org_type)
    .bind(t.target)
    .bind(t.due_on)
    .bind(t.created_by)
    .bind(now_ms())
    .bind(t.measure)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The region path of a target, to check who may remove it.
pub async fn target_path(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT r.path FROM training_target t JOIN region r ON r.code = t.region_code WHERE t.id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Remove a target.
pub async fn delete_target(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM training_target WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// People trained at workshops, by how they attended and their organisation type.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrainedRow {
    /// `hall` or `stream`.
    pub mode: String,
    pub org_type: String,
    pub people: i64,
}

/// Workshop attendance inside the scope: the attendee's own region (as for every learner figure), the
/// organisation type, a workshop covering the course, and the workshop's start within the months. A person at
/// two workshops counts once per line; `trained_total` counts them once overall.
fn trained_query(s: &Scope, select: &str, group: &str) -> Sql {
    let mut q = Sql::new(&format!(
        "SELECT {select} FROM workshop_attendance a JOIN workshop w ON w.id = a.workshop_id AND w.cancelled_at IS NULL
         JOIN app_user u ON u.id = a.user_id AND u.deleted_at IS NULL JOIN region r ON r.code = u.region_code WHERE 1 = 1"
    ));
    area_condition(&mut q, "r.path", &s.path);
    if let Some(c) = &s.course_id {
        let p = q.val(Val::Text(c.clone()));
        q.push(&format!(" AND EXISTS (SELECT 1 FROM workshop_course wc WHERE wc.workshop_id = w.id AND wc.course_id = {p})"));
    }
    s.type_and_months(&mut q, "u.org_type", "w.starts_at");
    q.push(group);
    q
}

/// People trained, by mode and organisation type.
pub async fn trained(db: &Db, s: &Scope) -> Result<Vec<TrainedRow>, sqlx::Error> {
    let q = trained_query(s, "a.mode AS mode, u.org_type AS org_type, COUNT(DISTINCT a.user_id) AS people", " GROUP BY a.mode, u.org_type ORDER BY a.mode, u.org_type");
    q.query_as().fetch_all(&db.pool).await
}

/// People trained at any workshop, each once.
pub async fn trained_total(db: &Db, s: &Scope) -> Result<i64, sqlx::Error> {
    let q = trained_query(s, "COUNT(DISTINCT a.user_id)", "");
    q.query_scalar().fetch_one(&db.pool).await
}

/// Workshops held (started) in the area: by the workshop's commune; livestreams without a place count for the
/// whole country only.
pub async fn workshops_held(db: &Db, s: &Scope) -> Result<i64, sqlx::Error> {
    let mut q = Sql::new("SELECT COUNT(*) FROM workshop w LEFT JOIN region r ON r.code = w.region_code WHERE w.cancelled_at IS NULL AND w.starts_at <= ");
    let now = q.val(Val::Int(now_ms()));
    q.push(&now);
    area_condition(&mut q, "r.path", &s.path);
    if let Some(c) = &s.course_id {
        let p = q.val(Val::Text(c.clone()));
        q.push(&format!(" AND EXISTS (SELECT 1 FROM workshop_course wc WHERE wc.workshop_id = w.id AND wc.course_id = {p})"));
    }
    let (from, to) = s.bounds();
    if let Some(f) = from {
        let p = q.val(Val::Int(f));
        q.push(&format!(" AND w.starts_at >= {p}"));
    }
    if let Some(t) = to {
        let p = q.val(Val::Int(t));
        q.push(&format!(" AND w.starts_at < {p}"));
    }
    q.query_scalar().fetch_one(&db.pool).await
}
