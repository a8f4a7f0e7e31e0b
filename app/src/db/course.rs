//! Courses, their revisions, lessons, quizzes and files: the import and the reads behind the catalog,
//! course and lesson pages.

use super::{new_id, now_ms, Db};
use crate::catalog::{CourseCard, CourseDetail, CourseItem, ItemKind, ItemStatus};
use crate::content::{self, Course};
use crate::lesson::{LessonView, NavLink};
use sqlx::Row as _;

/// What an import did to one course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    Created,
    Updated,
    Unchanged,
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

/// Store `course` as a new revision unless its content hash equals the current one. Lessons and quizzes keep
/// their stable ids across revisions (matched by slug), so learners' progress survives edits.
pub async fn import_course(db: &Db, course: &Course) -> Result<ImportOutcome, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = now_ms();
    sqlx::query("INSERT INTO course (id, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
        .bind(new_id())
        .bind(&course.slug)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query("SELECT id, current_revision_id FROM course WHERE slug = $1")
        .bind(&course.slug)
        .fetch_one(&mut *tx)
        .await?;
    let course_id: String = row.try_get(0)?;
    let current: Option<String> = row.try_get(1)?;

    let mut previous: Vec<(String, String)> = Vec::new();
    if let Some(rev) = &current {
        let hash: String = sqlx::query_scalar("SELECT content_hash FROM course_revision WHERE id = $1")
            .bind(rev)
            .fetch_one(&mut *tx)
            .await?;
        if hash == course.content_hash {
            tx.commit().await?;
            return Ok(ImportOutcome {
                slug: course.slug.clone(),
                version: course.meta.version.clone(),
                status: ImportStatus::Unchanged,
                added: vec![],
                changed: vec![],
                removed: vec![],
            });
        }
        let rows = sqlx::query(
            "SELECT l.slug, lr.content_hash FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
             WHERE lr.course_revision_id = $1 ORDER BY lr.position",
        )
        .bind(rev)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            previous.push((r.try_get(0)?, r.try_get(1)?));
        }
    }

    let meta = &course.meta;
    let rev_id = new_id();
    let mut search = format!("{} {} {}", meta.title, meta.summary, meta.audience);
    for l in &course.lessons {
        search.push(' ');
        search.push_str(&l.title);
    }
    sqlx::query(
        "INSERT INTO course_revision (id, course_id, version, content_hash, title, summary, category, audience, hours,
           language, last_reviewed, authors_json, completion_json, glossary_html, search_key, imported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
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
    .bind(course.glossary_html.as_deref())
    .bind(crate::text::fold(&search))
    .bind(now)
    .execute(&mut *tx)
    .await?;

    for l in &course.lessons {
        let lesson_id = stable_id(&mut tx, Child::Lesson, &course_id, &l.slug).await?;
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
        .bind(&l.html)
        .bind(crate::text::fold(&format!("{} {}", l.title, l.text)))
        .bind(&l.content_hash)
        .execute(&mut *tx)
        .await?;
    }

    for q in &course.quizzes {
        let quiz_id = stable_id(&mut tx, Child::Quiz, &course_id, &q.slug).await?;
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
            .bind(&question.prompt_html)
            .bind(serde_json::to_string(&question.options).unwrap_or_default())
            .bind(serde_json::to_string(&question.key).unwrap_or_default())
            .bind(&question.explanation_html)
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
        super::summary::recount_course(&mut tx, &course_id).await?;
    }
    tx.commit().await?;

    let mut outcome = ImportOutcome {
        slug: course.slug.clone(),
        version: meta.version.clone(),
        status: if current.is_some() { ImportStatus::Updated } else { ImportStatus::Created },
        added: vec![],
        changed: vec![],
        removed: vec![],
    };
    for l in &course.lessons {
        match previous.iter().find(|(s, _)| *s == l.slug) {
            None => outcome.added.push(l.slug.clone()),
            Some((_, h)) if *h != l.content_hash => outcome.changed.push(l.slug.clone()),
            Some(_) => {}
        }
    }
    for (s, _) in &previous {
        if !course.lessons.iter().any(|l| &l.slug == s) {
            outcome.removed.push(s.clone());
        }
    }
    Ok(outcome)
}

/// Lessons and quizzes: the children of a course that keep one id across revisions.
#[derive(Clone, Copy)]
enum Child {
    Lesson,
    Quiz,
}

/// The stable id of a course's lesson or quiz with this slug, created the first time it is seen.
async fn stable_id(tx: &mut sqlx::Transaction<'_, sqlx::Any>, child: Child, course_id: &str, slug: &str) -> Result<String, sqlx::Error> {
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
    sqlx::query(insert).bind(new_id()).bind(course_id).bind(slug).execute(&mut **tx).await?;
    sqlx::query_scalar(select).bind(course_id).bind(slug).fetch_one(&mut **tx).await
}

/// Load every course under `dir` and import those that load; problems are returned for logging.
pub async fn import_dir(db: &Db, dir: &std::path::Path) -> Result<(Vec<ImportOutcome>, Vec<content::Problem>), sqlx::Error> {
    let report = content::load_dir(dir);
    let mut outcomes = Vec::new();
    for c in &report.courses {
        outcomes.push(import_course(db, c).await?);
    }
    Ok((outcomes, report.problems))
}

/// Catalog cards, optionally filtered by a folded search text (matches title, summary, audience, lesson titles).
pub async fn catalog(db: &Db, query: &str) -> Result<Vec<CourseCard>, sqlx::Error> {
    let pattern = format!("%{}%", crate::text::fold(query).replace(['%', '_'], ""));
    let rows = sqlx::query(
        "SELECT c.slug, r.title, r.summary, r.category, r.hours, r.search_key,
           (SELECT COUNT(*) FROM lesson_revision lr WHERE lr.course_revision_id = r.id) AS lessons,
           (SELECT CAST(COALESCE(SUM(lr.minutes), 0) AS BIGINT) FROM lesson_revision lr WHERE lr.course_revision_id = r.id) AS minutes
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         WHERE c.retired_at IS NULL AND r.search_key LIKE $1
         ORDER BY r.category, r.title",
    )
    .bind(pattern)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CourseCard {
                slug: r.try_get(0)?,
                title: r.try_get(1)?,
                summary: r.try_get(2)?,
                category: r.try_get(3)?,
                hours: r.try_get(4)?,
                search_key: r.try_get(5)?,
                lessons: r.try_get(6)?,
                minutes: r.try_get(7)?,
            })
        })
        .collect()
}

/// A course with its lessons and quizzes in order, and this learner's progress when signed in.
pub async fn course_detail(db: &Db, slug: &str, user_id: Option<&str>) -> Result<Option<CourseDetail>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT r.id, r.title, r.summary, r.category, r.audience, r.hours, r.version, r.last_reviewed, r.authors_json,
           r.glossary_html IS NOT NULL, r.imported_at
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let rev: String = r.try_get(0)?;
    let has_glossary: bool = match r.try_get::<bool, _>(9) {
        Ok(b) => b,
        Err(_) => r.try_get::<i64, _>(9)? != 0,
    };
    let items = items(db, &rev, user_id).await?;
    Ok(Some(CourseDetail {
        slug: slug.to_string(),
        title: r.try_get(1)?,
        summary: r.try_get(2)?,
        category: r.try_get(3)?,
        audience: r.try_get(4)?,
        hours: r.try_get(5)?,
        version: r.try_get(6)?,
        last_reviewed: r.try_get(7)?,
        authors: serde_json::from_str(&r.try_get::<String, _>(8)?).unwrap_or_default(),
        has_glossary,
        imported_at: r.try_get(10)?,
        items,
    }))
}

async fn items(db: &Db, rev: &str, user_id: Option<&str>) -> Result<Vec<CourseItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT 'lesson', l.slug, lr.title, lr.minutes, lr.position, CAST(0 AS BIGINT),
           CAST(CASE WHEN p.user_id IS NULL THEN 0 WHEN p.content_hash = lr.content_hash THEN 1 ELSE 2 END AS BIGINT)
         FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
         LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $2
         WHERE lr.course_revision_id = $1
         UNION ALL
         SELECT 'quiz', q.slug, qr.title, CAST(0 AS BIGINT), qr.position,
           (SELECT COUNT(*) FROM question x WHERE x.quiz_revision_id = qr.id),
           CAST(CASE WHEN EXISTS (SELECT 1 FROM attempt a WHERE a.quiz_id = q.id AND a.user_id = $2 AND a.passed = 1) THEN 1 ELSE 0 END AS BIGINT)
         FROM quiz_revision qr JOIN quiz q ON q.id = qr.quiz_id
         WHERE qr.course_revision_id = $1
         ORDER BY 5",
    )
    .bind(rev)
    .bind(user_id.unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let status: i64 = r.try_get(6)?;
            Ok(CourseItem {
                kind: if kind == "quiz" { ItemKind::Quiz } else { ItemKind::Lesson },
                slug: r.try_get(1)?,
                title: r.try_get(2)?,
                minutes: r.try_get(3)?,
                questions: r.try_get(5)?,
                status: match status {
                    1 => ItemStatus::Done,
                    2 => ItemStatus::UpdatedSinceDone,
                    _ => ItemStatus::NotStarted,
                },
            })
        })
        .collect()
}

/// One lesson of a course's current revision, with previous/next links and this learner's state.
pub async fn lesson_view(db: &Db, course_slug: &str, lesson_slug: &str, user_id: Option<&str>) -> Result<Option<LessonView>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT r.id, r.title, lr.title, lr.minutes, lr.html
         FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         JOIN lesson l ON l.course_id = c.id AND l.slug = $2
         JOIN lesson_revision lr ON lr.lesson_id = l.id AND lr.course_revision_id = r.id
         WHERE c.slug = $1 AND c.retired_at IS NULL",
    )
    .bind(course_slug)
    .bind(lesson_slug)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let rev: String = r.try_get(0)?;
    let all = items(db, &rev, user_id).await?;
    let idx = all.iter().position(|i| i.kind == ItemKind::Lesson && i.slug == lesson_slug).unwrap_or(0);
    let link = |i: &CourseItem| NavLink { href: i.href(course_slug), title: i.title.clone() };
    Ok(Some(LessonView {
        course_slug: course_slug.to_string(),
        course_title: r.try_get(1)?,
        slug: lesson_slug.to_string(),
        title: r.try_get(2)?,
        minutes: r.try_get(3)?,
        html: r.try_get(4)?,
        position: idx as i64 + 1,
        total: all.len() as i64,
        prev: idx.checked_sub(1).and_then(|i| all.get(i)).map(link),
        next: all.get(idx + 1).map(link),
        status: all.get(idx).map(|i| i.status).unwrap_or(ItemStatus::NotStarted),
        signed_in: user_id.is_some(),
    }))
}

/// The glossary of a course's current revision.
pub async fn glossary(db: &Db, course_slug: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT r.title, r.glossary_html FROM course c JOIN course_revision r ON r.id = c.current_revision_id
         WHERE c.slug = $1 AND r.glossary_html IS NOT NULL",
    )
    .bind(course_slug)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// A file of a course's current revision: (content type, bytes).
pub async fn asset(db: &Db, course_slug: &str, path: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT a.content_type, a.bytes FROM course c JOIN course_asset a ON a.course_revision_id = c.current_revision_id
         WHERE c.slug = $1 AND a.path = $2",
    )
    .bind(course_slug)
    .bind(path)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Ids of the courses with these slugs (unknown slugs are left out).
pub async fn ids_by_slug(db: &Db, slugs: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let mut ids = Vec::new();
    for s in slugs {
        if let Some(id) = sqlx::query_scalar::<_, String>("SELECT id FROM course WHERE slug = $1 AND retired_at IS NULL")
            .bind(s)
            .fetch_optional(&db.pool)
            .await?
        {
            ids.push(id);
        }
    }
    Ok(ids)
}
