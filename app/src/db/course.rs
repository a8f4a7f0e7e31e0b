//! Courses, their revisions, lessons, quizzes and files: the import and the reads behind the catalog,
//! course and lesson pages.

use super::{decode_json, new_id, now_ms, Db};
use crate::content::{self, Course};

/// What an import did to one course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    Created,
    Updated,
    Unchanged,
    /// The current revision was published in the browser: the folder does not overwrite it.
    KeptBrowserEdit,
}

/// The report of one course's import: which lessons were added, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub slug: String,
    pub version: String,
    pub status: ImportStatus,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

/// The hash and origin of a course's current revision.
#[derive(sqlx::FromRow)]
struct RevisionSourceRow {
    content_hash: String,
    source: String,
}

/// Where a revision comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A course folder (`serve`, `import-courses`): never replaces a revision published in the browser.
    Folder,
    /// Published in the browser by this person.
    Browser { user_id: &'a str },
}

/// Store `course` as a new revision unless its content hash equals the current one, or the current one
/// was published in the browser (a folder never overwrites a trainer's browser edit). Lessons and quizzes keep
/// their stable ids across revisions (matched by slug), so learners' progress survives edits.
pub async fn import_course(db: &Db, course: &Course) -> Result<ImportOutcome, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let outcome = import_in(&mut tx, course, Origin::Folder).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The import inside the caller's transaction: the folder import and browser publishing share it, so what is
/// true of revisions (stable ids, kept progress, recounted summaries) is true of both.
pub(crate) async fn import_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, course: &Course, origin: Origin<'_>) -> Result<ImportOutcome, sqlx::Error> {
    let tx = &mut **tx;
    let now = now_ms();
    sqlx::query("INSERT INTO course (id, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
        .bind(new_id())
        .bind(&course.slug)
        .execute(&mut *tx)
        .await?;
    let (course_id, current) = {
        let row: CourseIdRow = sqlx::query_as("SELECT id, current_revision_id FROM course WHERE slug = $1")
            .bind(&course.slug)
            .fetch_one(&mut *tx)
            .await?;
        (row.id, row.current_revision_id)
    };

    let mut previous: Vec<LessonHashRow> = Vec::new();
    if let Some(rev) = &current {
        let row: RevisionSourceRow = sqlx::query_as("SELECT content_hash, source FROM course_revision WHERE id = $1")
            .bind(rev)
            .fetch_one(&mut *tx)
            .await?;
        let untouched = |status| ImportOutcome {
            slug: course.slug.clone(),
            version: course.meta.version.clone(),
            status,
            added: vec![],
            changed: vec![],
            removed: vec![],
        };
        if row.source != "folder" && origin == Origin::Folder {
            // A trainer's browser edit is newer than any folder; `serve` re-reads the folder at every start.
            tracing::warn!(course = %course.slug, "course folder not imported: the course was published in the browser since");
            return Ok(untouched(ImportStatus::KeptBrowserEdit));
        }
        if row.content_hash == course.content_hash {
            // Revisions imported before sources were kept get them now, so every course can be edited.
            let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM course_source WHERE course_revision_id = $1").bind(rev).fetch_one(&mut *tx).await?;
            if kept == 0 {
                store_sources(tx, rev, course).await?;
            }
            return Ok(untouched(ImportStatus::Unchanged));
        }
        previous = sqlx::query_as(
            "SELECT l.slug AS slug, lr.content_hash AS content_hash FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
             WHERE lr.course_revision_id = $1 ORDER BY lr.position",
        )
        .bind(rev)
        .fetch_all(&mut *tx)
        .await?;
    }

    let meta = &course.meta;
    let rev_id = new_id();
    let mut search = format!("{} {} {}", meta.title, meta.summary, meta.audience);
    for l in &course.lessons {
        search.push(' ');
        search.push_str(&l.title);
    }
    let (source, published_by) = match origin {
        Origin::Folder => ("folder", None),
        Origin::Browser { user_id } => ("browser", Some(user_id)),
    };
    sqlx::query(
        "INSERT INTO course_revision (id, course_id, version, content_hash, title, summary, category, audience, hours,
           language, last_reviewed, authors_json, completion_json, glossary_html, search_key, imported_at, source, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&rev_id)
    .bind(&course_id)
    .bind(&meta.version)
    .bind(&course.content_hash)
    .bind(&meta.title)
    .bind(&meta.summary)
    .bind(&meta.category)
    .bind(&meta.audience)
    .bind(meta.hours)
    .bind(&meta.language)
    .bind(meta.last_reviewed.as_deref())
    .bind(serde_json::to_string(&meta.authors).unwrap_or_default())
    .bind(serde_json::to_string(&meta.completion).unwrap_or_default())
    .bind(course.glossary_html.as_ref().map(crate::html::Html::as_str))
    .bind(crate::text::fold(&search))
    .bind(now)
    .bind(source)
    .bind(published_by)
    .execute(&mut *tx)
    .await?;
    store_sources(tx, &rev_id, course).await?;

    for l in &course.lessons {
        let lesson_id = stable_id(tx, Child::Lesson, &course_id, &l.slug).await?;
        sqlx::query(
            "INSERT INTO lesson_revision (id, lesson_id, course_revision_id, position, title, minutes, html, search_key, content_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(&lesson_id)
        .bind(&rev_id)
        .bind(i64::from(l.number))
        .bind(&l.title)
        .bind(i64::from(l.minutes))
        .bind(l.html.as_str())
        .bind(crate::text::fold(&format!("{} {}", l.title, l.text)))
        .bind(&l.content_hash)
        .execute(&mut *tx)
        .await?;
    }

    for q in &course.quizzes {
        let quiz_id = stable_id(tx, Child::Quiz, &course_id, &q.slug).await?;
        let quiz_rev = new_id();
        sqlx::query(
            "INSERT INTO quiz_revision (id, quiz_id, course_revision_id, position, title, settings_json, content_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&quiz_rev)
        .bind(&quiz_id)
        .bind(&rev_id)
        .bind(i64::from(q.number))
        .bind(&q.title)
        .bind(serde_json::to_string(&q.settings).unwrap_or_default())
        .bind(&q.content_hash)
        .execute(&mut *tx)
        .await?;
        for (i, question) in q.questions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO question (id, quiz_revision_id, position, kind, prompt_html, options_json, key_json, explanation_html, points)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new_id())
            .bind(&quiz_rev)
            .bind(i as i64 + 1)
            .bind(question.kind.as_str())
            .bind(question.prompt_html.as_str())
            .bind(serde_json::to_string(&question.options).unwrap_or_default())
            .bind(serde_json::to_string(&question.key).unwrap_or_default())
            .bind(question.explanation_html.as_str())
            .bind(i64::from(question.points))
            .execute(&mut *tx)
            .await?;
        }
    }

    for a in &course.assets {
        sqlx::query("INSERT INTO course_asset (course_revision_id, path, content_type, bytes) VALUES ($1, $2, $3, $4)")
            .bind(&rev_id)
            .bind(&a.path)
            .bind(a.content_type)
            .bind(&a.bytes)
            .execute(&mut *tx)
            .await?;
    }

    sqlx::query("UPDATE course SET current_revision_id = $1, retired_at = NULL WHERE id = $2")
        .bind(&rev_id)
        .bind(&course_id)
        .execute(&mut *tx)
        .await?;
    if current.is_some() {
        super::summary::recount_course(tx, &course_id).await?;
    }

    let mut outcome = ImportOutcome {
        slug: course.slug.clone(),
        version: meta.version.clone(),
        status: if current.is_some() { ImportStatus::Updated } else { ImportStatus::Created },
        added: vec![],
        changed: vec![],
        removed: vec![],
    };
    for l in &course.lessons {
        match previous.iter().find(|p| p.slug == l.slug) {
            None => outcome.added.push(l.slug.clone()),
            Some(p) if p.content_hash != l.content_hash => outcome.changed.push(l.slug.clone()),
            Some(_) => {}
        }
    }
    for p in &previous {
        if !course.lessons.iter().any(|l| l.slug == p.slug) {
            outcome.removed.push(p.slug.clone());
        }
    }
    Ok(outcome)
}

#[derive(sqlx::FromRow)]
struct CourseIdRow {
    id: String,
    current_revision_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LessonHashRow {
    slug: String,
    content_hash: String,
}

/// Lessons and quizzes: the children of a course that keep one id across revisions.
#[derive(Clone, Copy)]
enum Child {
    Lesson,
    Quiz,
}

/// Keep a revision's text files.
async fn store_sources(tx: &mut sqlx::AnyConnection, rev: &str, course: &Course) -> Result<(), sqlx::Error> {
    for (path, text) in &course.sources {
        sqlx::query("INSERT INTO course_source (course_revision_id, path, text) VALUES ($1, $2, $3)")
            .bind(rev)
            .bind(path)
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The stable id of a course's lesson or quiz with this slug, created the first time it is seen.
async fn stable_id(tx: &mut sqlx::AnyConnection, child: Child, course_id: &str, slug: &str) -> Result<String, sqlx::Error> {
    let (insert, select) = match child {
        Child::Lesson => (
            "INSERT INTO lesson (id, course_id, slug) VALUES ($1, $2, $3) ON CONFLICT (course_id, slug) DO NOTHING",
            "SELECT id FROM lesson WHERE course_id = $1 AND slug = $2",
        ),
        Child::Quiz => (
            "INSERT INTO quiz (id, course_id, slug) VALUES ($1, $2, $3) ON CONFLICT (course_id, slug) DO NOTHING",
            "SELECT id FROM quiz WHERE course_id = $1 AND slug = $2",
        ),
    };
    sqlx::query(insert).bind(new_id()).bind(course_id).bind(slug).execute(&mut *tx).await?;
    sqlx::query_scalar(select).bind(course_id).bind(slug).fetch_one(&mut *tx).await
}

/// Store the categories of `categories.toml` with their catalog position (their order in the file). A
/// category no longer listed is kept: a course of an older revision may still name it.
pub async fn import_categories(db: &Db, categories: &[content::Category]) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for (i, c) in categories.iter().enumerate() {
        sqlx::query(
            "INSERT INTO category (slug, name_vi, name_en, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT (slug) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en, position = excluded.position",
        )
        .bind(&c.slug)
        .bind(&c.vi)
        .bind(&c.en)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Import what a course folder loaded: its categories, then every course that loaded. Reading the folder is
/// the caller's (`content::load_dir`): the data layer touches no files.
pub async fn import_report(db: &Db, report: &content::LoadReport) -> Result<Vec<ImportOutcome>, sqlx::Error> {
    import_report_reporting(db, report, &mut |_| {}).await
}

/// [`import_report`], calling `done` with each course's slug once it is stored (the CLI's progress).
pub async fn import_report_reporting(db: &Db, report: &content::LoadReport, done: &mut (dyn FnMut(&str) + Send)) -> Result<Vec<ImportOutcome>, sqlx::Error> {
    import_categories(db, &report.categories).await?;
    let mut outcomes = Vec::new();
    for c in &report.courses {
        outcomes.push(import_course(db, c).await?);
        done(&c.slug);
    }
    Ok(outcomes)
}

/// A course as the catalog lists it, with its category's names as stored at import.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CourseCardRow {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    /// The category's names; the slug when `categories.toml` did not list it.
    pub category_vi: String,
    pub category_en: String,
    pub hours: f64,
    pub search_key: String,
    pub lessons: i64,
    pub minutes: i64,
}

/// Catalog cards in catalog order (category order, then title), optionally filtered by a folded search text
/// (matches title, summary, audience, lesson titles).
pub async fn catalog(db: &Db, query: &str) -> Result<Vec<CourseCardRow>, sqlx::Error> {
    let pattern = super::bulk::contains_pattern(query);
    sqlx::query_as(
        "SELECT c.slug AS slug, r.title AS title, r.summary AS summary, r.category AS category,
           COALESCE(k.name_vi, r.category) AS category_vi, COALESCE(k.name_en, r.category) AS category_en,
           r.hours AS hours, r.search_key AS search_key,
           (SELECT COUNT(*) FROM lesson_revision lr WHERE lr.course_revision_id = r.id) AS lessons,
           (SELECT CAST(COALESCE(SUM(lr.minutes), 0) AS BIGINT) FROM lesson_revision lr WHERE lr.course_revision_id = r.id) AS minutes
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         LEFT JOIN category k ON k.slug = r.category
         WHERE c.retired_at IS NULL AND r.search_key LIKE $1
         ORDER BY COALESCE(k.position, 1000000), r.category, r.title",
    )
    .bind(pattern)
    .fetch_all(&db.pool)
    .await
}

/// A course's current revision as the course page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseDetailRow {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub category_vi: String,
    pub category_en: String,
    pub audience: String,
    pub hours: f64,
    pub version: String,
    pub last_reviewed: Option<String>,
    pub authors: Vec<String>,
    pub has_glossary: bool,
    pub imported_at: i64,
    pub items: Vec<ItemRow>,
}

#[derive(sqlx::FromRow)]
struct StoredDetail {
    id: String,
    title: String,
    summary: String,
    category: String,
    category_vi: String,
    category_en: String,
    audience: String,
    hours: f64,
    version: String,
    last_reviewed: Option<String>,
    authors_json: String,
    has_glossary: i64,
    imported_at: i64,
}

/// A course with its lessons and quizzes in order, and this learner's progress when signed in.
pub async fn course_detail(db: &Db, slug: &str, user_id: Option<&str>) -> Result<Option<CourseDetailRow>, sqlx::Error> {
    let Some(r) = sqlx::query_as::<_, StoredDetail>(
        "SELECT r.id AS id, r.title AS title, r.summary AS summary, r.category AS category,
           COALESCE(k.name_vi, r.category) AS category_vi, COALESCE(k.name_en, r.category) AS category_en,
           r.audience AS audience, r.hours AS hours, r.version AS version, r.last_reviewed AS last_reviewed,
           r.authors_json AS authors_json,
           CAST(CASE WHEN r.glossary_html IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_glossary, r.imported_at AS imported_at
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         LEFT JOIN category k ON k.slug = r.category
         WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let items = items(db, &r.id, user_id).await?;
    Ok(Some(CourseDetailRow {
        slug: slug.to_string(),
        title: r.title,
        summary: r.summary,
        category: r.category,
        category_vi: r.category_vi,
        category_en: r.category_en,
        audience: r.audience,
        hours: r.hours,
        version: r.version,
        last_reviewed: r.last_reviewed,
        authors: decode_json("course_revision.authors_json", &r.authors_json)?,
        has_glossary: r.has_glossary != 0,
        imported_at: r.imported_at,
        items,
    }))
}

/// One entry of a course's contents, lessons and quizzes in one order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    /// `lesson` or `quiz`.
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub minutes: i64,
    pub position: i64,
    /// Questions of a quiz; 0 for a lesson.
    pub questions: i64,
    /// For a lesson: 0 not done, 1 done, 2 done before the lesson changed. For a quiz: 1 when passed.
    pub status: i64,
}

/// The lessons and quizzes of a course revision in order, with this learner's state.
pub async fn items(db: &Db, rev: &str, user_id: Option<&str>) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(include_str!("sql/course_items.sql"))
        .bind(rev)
        .bind(user_id.unwrap_or(""))
        .fetch_all(&db.pool)
        .await
}

/// One lesson of a course's current revision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LessonRow {
    pub revision_id: String,
    pub course_title: String,
    pub title: String,
    pub minutes: i64,
    pub html: String,
}

/// The lesson `lesson_slug` of course `course_slug`'s current revision.
pub async fn lesson(db: &Db, course_slug: &str, lesson_slug: &str) -> Result<Option<LessonRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id AS revision_id, r.title AS course_title, lr.title AS title, lr.minutes AS minutes, lr.html AS html
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         JOIN lesson l ON l.course_id = c.id AND l.slug = $2
         JOIN lesson_revision lr ON lr.lesson_id = l.id AND lr.course_revision_id = r.id
         WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(course_slug)
    .bind(lesson_slug)
    .fetch_optional(&db.pool)
    .await
}

/// What the lesson fast path reads per request: the lesson's current revision, and the reader's state on it
/// as [`items`] gives it (0 not done, 1 done, 2 done before the lesson changed).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LessonState {
    pub revision_id: String,
    pub status: i64,
}

/// [`LessonState`] of `lesson_slug` in course `course_slug`'s current revision, for `user_id` (anonymous:
/// `None`). The same joins as [`lesson`] and [`items`], in one query.
pub async fn lesson_state(db: &Db, course_slug: &str, lesson_slug: &str, user_id: Option<&str>) -> Result<Option<LessonState>, sqlx::Error> {
    sqlx::query_as(include_str!("sql/lesson_state.sql"))
        .bind(course_slug)
        .bind(lesson_slug)
        .bind(user_id.unwrap_or(""))
        .fetch_optional(&db.pool)
        .await
}

/// A course's glossary.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GlossaryRow {
    pub course_title: String,
    pub html: String,
}

/// The glossary of a course's current revision.
pub async fn glossary(db: &Db, course_slug: &str) -> Result<Option<GlossaryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.title AS course_title, r.glossary_html AS html FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         WHERE c.slug = $1 AND r.glossary_html IS NOT NULL",
    )
    .bind(course_slug)
    .fetch_optional(&db.pool)
    .await
}

/// A file of a course.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssetRow {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A file of a course's current revision.
pub async fn asset(db: &Db, course_slug: &str, path: &str) -> Result<Option<AssetRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.content_type, a.bytes FROM course c JOIN course_asset a ON a.course_revision_id = c.current_revision_id
         WHERE c.slug = $1 AND a.path = $2",
    )
    .bind(course_slug)
    .bind(path)
    .fetch_optional(&db.pool)
    .await
}

/// Ids of the courses with these slugs (unknown slugs are left out).
pub async fn ids_by_slug(db: &Db, slugs: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let mut ids = Vec::new();
    for s in slugs {
        if let Some(id) = sqlx::query_scalar::<_, String>("SELECT id FROM course WHERE slug = $1 AND retired_at IS NULL AND current_revision_id IS NOT NULL")
            .bind(s)
            .fetch_optional(&db.pool)
            .await?
        {
            ids.push(id);
        }
    }
    Ok(ids)
}
