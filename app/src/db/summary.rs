//! The per-learner summary (`learner_course`) and its roll-up (`stat_cell`). Every write that changes what a
//! learner has done calls one of these inside its own transaction, so the dashboard never disagrees with the
//! records; `rebuild` recomputes both from the records (after a region file moves communes, or for data
//! loaded in bulk).

use super::bulk::{create_indexes, drop_indexes, insert_many, secondary_indexes, Val};
use super::Db;
use crate::calendar::month_key;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Every node from the whole country (`''`) down to `path`, with its parent: `('', None)`, `('86', Some(''))`,
/// `('86/28756', Some('86'))`.
pub fn ancestors(path: &str) -> Vec<(String, Option<String>)> {
    let mut out = vec![(String::new(), None)];
    let mut acc = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let parent = acc.clone();
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(seg);
        out.push((acc.clone(), Some(parent)));
    }
    out
}

/// Changes to one roll-up cell.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub enrolled: i64,
    pub completed: i64,
    pub certified: i64,
    pub completions: i64,
}

/// What the roll-up needs to know of a learner_course row: where it counts.
#[derive(sqlx::FromRow)]
struct Placement {
    region_path: String,
    org_type: String,
    enrolled_at: i64,
}

async fn bump(conn: &mut AnyConnection, course_id: &str, p: &Placement, month: &str, d: Delta) -> Result<(), sqlx::Error> {
    for (node, parent) in ancestors(&p.region_path) {
        sqlx::query(
            "INSERT INTO stat_cell (region_path, parent_path, course_id, org_type, month, enrolled, completed, certified, completions)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (region_path, course_id, org_type, month) DO UPDATE SET
               enrolled = stat_cell.enrolled + excluded.enrolled, completed = stat_cell.completed + excluded.completed,
               certified = stat_cell.certified + excluded.certified, completions = stat_cell.completions + excluded.completions",
        )
        .bind(&node)
        .bind(parent.clone())
        .bind(course_id)
        .bind(&p.org_type)
        .bind(month)
        .bind(d.enrolled)
        .bind(d.completed)
        .bind(d.certified)
        .bind(d.completions)
        .execute(&mut *conn)
        .await?;
        // The same change to the node's total without the month, as its parent's breakdown reads it.
        let Some(parent) = parent.filter(|_| (d.enrolled, d.completed, d.certified) != (0, 0, 0)) else { continue };
        sqlx::query(
            "INSERT INTO stat_child (parent_path, region_path, course_id, org_type, enrolled, completed, certified)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (parent_path, region_path, course_id, org_type) DO UPDATE SET
               enrolled = stat_child.enrolled + excluded.enrolled, completed = stat_child.completed + excluded.completed,
               certified = stat_child.certified + excluded.certified",
        )
        .bind(parent)
        .bind(&node)
        .bind(course_id)
        .bind(&p.org_type)
        .bind(d.enrolled)
        .bind(d.completed)
        .bind(d.certified)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn placement(conn: &mut AnyConnection, user_id: &str, course_id: &str) -> Result<Option<Placement>, sqlx::Error> {
    sqlx::query_as("SELECT region_path, org_type, enrolled_at FROM learner_course WHERE user_id = $1 AND course_id = $2")
        .bind(user_id)
        .bind(course_id)
        .fetch_optional(&mut *conn)
        .await
}

/// Enrol a learner in a course (idempotent). `source` is `self` when they simply started, `class_list` when a
/// trainer enrolled them.
pub async fn enrol(conn: &mut AnyConnection, user_id: &str, course_id: &str, at: i64, source: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO enrolment (user_id, course_id, enrolled_at, source) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, course_id) DO NOTHING")
        .bind(user_id)
        .bind(course_id)
        .bind(at)
        .bind(source)
        .execute(&mut *conn)
        .await?;
    let added = sqlx::query(
        "INSERT INTO learner_course (user_id, course_id, region_path, org_type, enrolled_at, last_active_at, lessons_done)
         SELECT e.user_id, e.course_id, COALESCE(r.path, ''), u.org_type, e.enrolled_at, e.enrolled_at, 0
         FROM enrolment e JOIN app_user u ON u.id = e.user_id LEFT JOIN region r ON r.code = u.region_code
         WHERE e.user_id = $1 AND e.course_id = $2
         ON CONFLICT (user_id, course_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(course_id)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 1 {
        if let Some(p) = placement(conn, user_id, course_id).await? {
            bump(conn, course_id, &p, &month_key(p.enrolled_at), Delta { enrolled: 1, ..Delta::default() }).await?;
            sqlx::query(
                "INSERT INTO learner_activity (user_id, region_path, org_type, last_active_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id) DO UPDATE SET last_active_at = CASE WHEN learner_activity.last_active_at < excluded.last_active_at
                   THEN excluded.last_active_at ELSE learner_activity.last_active_at END",
            )
            .bind(user_id)
            .bind(&p.region_path)
            .bind(&p.org_type)
            .bind(p.enrolled_at)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The learner did something at `at`: their latest activity, as the rebuild takes it (the latest of all
/// their courses).
async fn touch(conn: &mut AnyConnection, user_id: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE learner_activity SET last_active_at = $2 WHERE user_id = $1 AND last_active_at < $2")
        .bind(user_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a lesson was marked done at `at`: recount the learner's lessons of the course's current revision.
pub async fn lesson_done(conn: &mut AnyConnection, user_id: &str, course_id: &str, at: i64) -> Result<(), sqlx::Error> {
    enrol(conn, user_id, course_id, at, "self").await?;
    sqlx::query(
        "UPDATE learner_course SET last_active_at = $3, lessons_done = (
           SELECT COUNT(*) FROM lesson_progress p
           JOIN lesson_revision lr ON lr.lesson_id = p.lesson_id
           JOIN course c ON c.current_revision_id = lr.course_revision_id
           WHERE p.user_id = $1 AND c.id = $2)
         WHERE user_id = $1 AND course_id = $2",
    )
    .bind(user_id)
    .bind(course_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    touch(conn, user_id, at).await
}

/// After a quiz attempt of the course was submitted at `at` with `percent`: keep the best score and the first
/// pass.
pub async fn attempt_submitted(conn: &mut AnyConnection, user_id: &str, course_id: &str, percent: f64, passed: bool, at: i64) -> Result<(), sqlx::Error> {
    enrol(conn, user_id, course_id, at, "self").await?;
    sqlx::query(
        "UPDATE learner_course SET last_active_at = $5,
           best_score = CASE WHEN best_score IS NULL OR best_score < $3 THEN $3 ELSE best_score END,
           passed_at = CASE WHEN passed_at IS NULL AND $4 = 1 THEN $5 ELSE passed_at END
         WHERE user_id = $1 AND course_id = $2",
    )
    .bind(user_id)
    .bind(course_id)
    .bind(percent)
    .bind(i64::from(passed))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    touch(conn, user_id, at).await
}

/// After the course was completed and certificate `code` issued at `at`.
pub async fn completed(conn: &mut AnyConnection, user_id: &str, course_id: &str, code: &str, at: i64) -> Result<(), sqlx::Error> {
    enrol(conn, user_id, course_id, at, "self").await?;
    let changed = sqlx::query(
        "UPDATE learner_course SET completed_at = $3, certified_at = $3, certificate_code = $4, last_active_at = $3
         WHERE user_id = $1 AND course_id = $2 AND completed_at IS NULL",
    )
    .bind(user_id)
    .bind(course_id)
    .bind(at)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 1 {
        if let Some(p) = placement(conn, user_id, course_id).await? {
            bump(conn, course_id, &p, &month_key(p.enrolled_at), Delta { completed: 1, certified: 1, ..Delta::default() }).await?;
            bump(conn, course_id, &p, &month_key(at), Delta { completions: 1, ..Delta::default() }).await?;
        }
        touch(conn, user_id, at).await?;
    }
    Ok(())
}

/// After certificate `code` was revoked: the course stays completed, the certificate no longer counts.
pub async fn revoked(conn: &mut AnyConnection, code: &str) -> Result<(), sqlx::Error> {
    let Some(PairRow { user_id, course_id }) =
        sqlx::query_as("SELECT user_id, course_id FROM certificate WHERE code = $1").bind(code).fetch_optional(&mut *conn).await?
    else {
        return Ok(());
    };
    let changed = sqlx::query(
        "UPDATE learner_course SET certificate_code = NULL, certified_at = NULL WHERE user_id = $1 AND course_id = $2 AND certificate_code = $3",
    )
    .bind(&user_id)
    .bind(&course_id)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 1 {
        if let Some(p) = placement(conn, &user_id, &course_id).await? {
            bump(conn, &course_id, &p, &month_key(p.enrolled_at), Delta { certified: -1, ..Delta::default() }).await?;
        }
    }
    Ok(())
}

/// A new course revision may add or drop lessons: recount every learner's lessons of that course.
pub async fn recount_course(conn: &mut AnyConnection, course_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE learner_course SET lessons_done = (
           SELECT COUNT(*) FROM lesson_progress p
           JOIN lesson_revision lr ON lr.lesson_id = p.lesson_id
           JOIN course c ON c.current_revision_id = lr.course_revision_id
           WHERE p.user_id = learner_course.user_id AND c.id = learner_course.course_id)
         WHERE course_id = $1",
    )
    .bind(course_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What `rebuild` wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub learner_courses: usize,
    pub cells: usize,
}

/// Strings numbered in the order first seen.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

#[derive(Default)]
struct Pair {
    region_path: String,
    org_type: String,
    enrolled_at: i64,
    last_active_at: i64,
    lessons_done: i64,
    best_score: Option<f64>,
    passed_at: Option<i64>,
    completed_at: Option<i64>,
    certified_at: Option<i64>,
    certificate_code: Option<String>,
}

/// A learner and a course.
#[derive(sqlx::FromRow)]
struct PairRow {
    user_id: String,
    course_id: String,
}

#[derive(sqlx::FromRow)]
struct EnrolledRow {
    user_id: String,
    course_id: String,
    region_path: String,
    org_type: String,
    enrolled_at: i64,
}

#[derive(sqlx::FromRow)]
struct LessonsRow {
    user_id: String,
    course_id: String,
    lessons_done: i64,
    last_done_at: i64,
}

#[derive(sqlx::FromRow)]
struct QuizzesRow {
    user_id: String,
    course_id: String,
    best_score: Option<f64>,
    passed_at: Option<i64>,
    last_submitted_at: i64,
}

#[derive(sqlx::FromRow)]
struct CompletedRow {
    user_id: String,
    course_id: String,
    completed_at: i64,
    code: Option<String>,
    issued_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// Recompute `learner_course` and `stat_cell` from enrolments, progress, attempts, completions and
/// certificates, in one transaction. Activity without an enrolment row gets one (`self`, at its first
/// activity), as the live path would have made.
pub async fn rebuild(db: &Db) -> Result<Rebuilt, sqlx::Error> {
    rebuild_reporting(db, false, &mut |_| {}).await
}

/// [`rebuild`], naming each step to `step` as it starts (the CLI's progress: a national rebuild takes minutes).
/// `enrolled_first` says every lesson and attempt already has its enrolment, as `seed-demo` writes them, so
/// the two passes that add missing ones are skipped: they found nothing and took 108 s at 1,000,000 learners.
pub async fn rebuild_reporting(db: &Db, enrolled_first: bool, step: &mut (dyn FnMut(&'static str) + Send)) -> Result<Rebuilt, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if !enrolled_first {
        step("enrolments from old records");
        // Enrolments the live path would have made for activity recorded before it existed.
        sqlx::query(include_str!("sql/rebuild_enrol_from_lessons.sql")).execute(&mut *tx).await?;
        sqlx::query(include_str!("sql/rebuild_enrol_from_attempts.sql")).execute(&mut *tx).await?;
    }

    let mut pairs: HashMap<(String, String), Pair> = HashMap::new();
    step("reading enrolments");
    let rows: Vec<EnrolledRow> = sqlx::query_as(include_str!("sql/rebuild_enrolments.sql")).fetch_all(&mut *tx).await?;
    for r in rows {
        let at = r.enrolled_at;
        pairs.insert(
            (r.user_id, r.course_id),
            Pair { region_path: r.region_path, org_type: r.org_type, enrolled_at: at, last_active_at: at, ..Pair::default() },
        );
    }
    step("reading lessons done");
    let rows: Vec<LessonsRow> = sqlx::query_as(include_str!("sql/rebuild_lessons.sql")).fetch_all(&mut *tx).await?;
    for r in rows {
        if let Some(p) = pairs.get_mut(&(r.user_id, r.course_id)) {
            p.lessons_done = r.lessons_done;
            p.last_active_at = p.last_active_at.max(r.last_done_at);
        }
    }
    step("reading quiz attempts");
    let rows: Vec<QuizzesRow> = sqlx::query_as(include_str!("sql/rebuild_quizzes.sql")).fetch_all(&mut *tx).await?;
    for r in rows {
        if let Some(p) = pairs.get_mut(&(r.user_id, r.course_id)) {
            p.best_score = r.best_score;
            p.passed_at = r.passed_at;
            p.last_active_at = p.last_active_at.max(r.last_submitted_at);
        }
    }
    step("reading completions and certificates");
    let rows: Vec<CompletedRow> = sqlx::query_as(include_str!("sql/rebuild_completions.sql")).fetch_all(&mut *tx).await?;
    for r in rows {
        if let Some(p) = pairs.get_mut(&(r.user_id, r.course_id)) {
            p.completed_at = Some(r.completed_at);
            p.last_active_at = p.last_active_at.max(r.completed_at);
            if r.revoked_at.is_none() {
                p.certificate_code = r.code;
                p.certified_at = r.issued_at;
            }
        }
    }

    step("adding up the region cells");
    // Keys as small numbers: a national rebuild adds up some 28 million (region, course, type, month)
    // contributions, and hashing four cloned strings for each took 28 s at 1,000,000 learners.
    let (mut nodes, mut courses, mut orgs, mut months) = (Interner::default(), Interner::default(), Interner::default(), Interner::default());
    let mut parent_of: HashMap<u32, Option<u32>> = HashMap::new();
    let mut chains: HashMap<String, Vec<u32>> = HashMap::new();
    let mut cells: HashMap<(u32, u32, u32, u32), Delta> = HashMap::new();
    for ((_, course), p) in &pairs {
        if !chains.contains_key(&p.region_path) {
            let ids = ancestors(&p.region_path)
                .into_iter()
                .map(|(node, parent)| {
                    let id = nodes.id(&node);
                    let parent = parent.map(|q| nodes.id(&q));
                    parent_of.insert(id, parent);
                    id
                })
                .collect();
            chains.insert(p.region_path.clone(), ids);
        }
        let (course, org) = (courses.id(course), orgs.id(&p.org_type));
        let mut add = |month: u32, d: Delta| {
            for node in &chains[&p.region_path] {
                let cell = cells.entry((*node, course, org, month)).or_default();
                cell.enrolled += d.enrolled;
                cell.completed += d.completed;
                cell.certified += d.certified;
                cell.completions += d.completions;
            }
        };
        let cohort = months.id(&month_key(p.enrolled_at));
        add(cohort, Delta { enrolled: 1, completed: i64::from(p.completed_at.is_some()), certified: i64::from(p.certificate_code.is_some()), completions: 0 });
        if let Some(done) = p.completed_at {
            add(months.id(&month_key(done)), Delta { completions: 1, ..Delta::default() });
        }
    }

    // Each learner's latest activity over all their courses.
    let mut latest: HashMap<&str, (&Pair, i64)> = HashMap::new();
    for ((user, _), p) in &pairs {
        let e = latest.entry(user.as_str()).or_insert((p, p.last_active_at));
        e.1 = e.1.max(p.last_active_at);
    }
    let mut activity_rows: Vec<Vec<Val>> = latest
        .into_iter()
        .map(|(user, (p, at))| vec![Val::Text(user.to_string()), Val::Text(p.region_path.clone()), Val::Text(p.org_type.clone()), Val::Int(at)])
        .collect();
    activity_rows.sort_unstable_by(|a, b| match (&a[0], &b[0]) {
        (Val::Text(x), Val::Text(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });

    step("writing learner rows");
    sqlx::query("DELETE FROM stat_cell").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM stat_child").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM learner_course").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM learner_activity").execute(&mut *tx).await?;
    insert_many(&mut tx, "learner_activity", &["user_id", "region_path", "org_type", "last_active_at"], activity_rows).await?;
    // Both tables are written whole: their indexes are made once afterwards rather than grown row by row.
    let lc_indexes = secondary_indexes(&mut tx, "learner_course").await?;
    let cell_indexes = secondary_indexes(&mut tx, "stat_cell").await?;
    drop_indexes(&mut tx, &lc_indexes).await?;
    drop_indexes(&mut tx, &cell_indexes).await?;
    let out = Rebuilt { learner_courses: pairs.len(), cells: cells.len() };
    // In primary-key order: rows in hash order land all over the key's B-tree, and once it outgrows the
    // database's cache every row is a page read (4.7 million rows did not finish in 5 minutes on PostgreSQL).
    let mut pairs: Vec<((String, String), Pair)> = pairs.into_iter().collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let lc_rows: Vec<Vec<Val>> = pairs
        .into_iter()
        .map(|((user, course), p)| {
            vec![
                Val::Text(user),
                Val::Text(course),
                Val::Text(p.region_path),
                Val::Text(p.org_type),
                Val::Int(p.enrolled_at),
                Val::Int(p.last_active_at),
                Val::Int(p.lessons_done),
                Val::OptFloat(p.best_score),
                Val::OptInt(p.passed_at),
                Val::OptInt(p.completed_at),
                Val::OptInt(p.certified_at),
                Val::OptText(p.certificate_code),
            ]
        })
        .collect();
    insert_many(
        &mut tx,
        "learner_course",
        &["user_id", "course_id", "region_path", "org_type", "enrolled_at", "last_active_at", "lessons_done", "best_score", "passed_at", "completed_at", "certified_at", "certificate_code"],
        lc_rows,
    )
    .await?;
    step("writing region cells");
    let mut cells: Vec<((u32, u32, u32, u32), Delta)> = cells.into_iter().collect();
    let key = |k: &(u32, u32, u32, u32)| (nodes.name(k.0), courses.name(k.1), orgs.name(k.2), months.name(k.3));
    cells.sort_unstable_by(|a, b| key(&a.0).cmp(&key(&b.0)));
    let cell_rows: Vec<Vec<Val>> = cells
        .into_iter()
        .map(|((node, course, org, month), d)| {
            vec![
                Val::Text(nodes.name(node).to_string()),
                Val::OptText(parent_of.get(&node).copied().flatten().map(|q| nodes.name(q).to_string())),
                Val::Text(courses.name(course).to_string()),
                Val::Text(orgs.name(org).to_string()),
                Val::Text(months.name(month).to_string()),
                Val::Int(d.enrolled),
                Val::Int(d.completed),
                Val::Int(d.certified),
                Val::Int(d.completions),
            ]
        })
        .collect();
    insert_many(
        &mut tx,
        "stat_cell",
        &["region_path", "parent_path", "course_id", "org_type", "month", "enrolled", "completed", "certified", "completions"],
        cell_rows,
    )
    .await?;
    step("adding up the totals without the month");
    // From the cells just written, so the two can only agree; in key order, like the rows above.
    sqlx::query(
        "INSERT INTO stat_child (parent_path, region_path, course_id, org_type, enrolled, completed, certified)
         SELECT parent_path, region_path, course_id, org_type, SUM(enrolled), SUM(completed), SUM(certified)
         FROM stat_cell WHERE parent_path IS NOT NULL
         GROUP BY parent_path, region_path, course_id, org_type ORDER BY parent_path, region_path, course_id, org_type",
    )
    .execute(&mut *tx)
    .await?;
    step("making the indexes");
    create_indexes(&mut tx, &lc_indexes).await?;
    create_indexes(&mut tx, &cell_indexes).await?;
    step("committing");
    tx.commit().await?;
    Ok(out)
}

/// Whether records exist that the summary does not cover yet (a database from before the summary). Runs at
/// every start, so it asks for one row of each table, never a count.
pub async fn needs_rebuild(db: &Db) -> Result<bool, sqlx::Error> {
    let any = |rows: &'static str| {
        let pool = db.pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM {rows} LIMIT 1) x")).fetch_one(&pool).await?;
            Ok::<bool, sqlx::Error>(n > 0)
        }
    };
    if any("learner_course").await? {
        return Ok(false);
    }
    Ok(any("enrolment").await? || any("lesson_progress").await? || any("attempt WHERE submitted_at IS NOT NULL").await?)
}

#[cfg(test)]
mod tests {
    use super::ancestors;

    #[test]
    fn every_ancestor_from_the_country_down() {
        let got = ancestors("86/28756");
        assert_eq!(got, vec![(String::new(), None), ("86".into(), Some(String::new())), ("86/28756".into(), Some("86".into()))]);
        assert_eq!(ancestors(""), vec![(String::new(), None)]);
    }
}
