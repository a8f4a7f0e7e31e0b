//! Server functions for reading the catalog. Public: anonymous visitors may read.

use super::{CourseCard, CourseDetail};
#[cfg(feature = "ssr")]
use super::{CategoryName, CourseItem, ItemKind, ItemStatus};
use crate::error::AppError;
use leptos::prelude::*;

/// Courses matching `q` (diacritics and case ignored); all when empty.
#[server(endpoint = "catalog", input = server_fn::codec::GetUrl)]
pub async fn list_courses(q: String) -> Result<Vec<CourseCard>, AppError> {
    use crate::{db, state};
    if q.chars().count() > 200 {
        return Err(AppError::Invalid { field: "q".into(), code: "too_long".into() });
    }
    Ok(db::course::catalog(&state::db()?, &q).await?.into_iter().map(card).collect())
}

/// A catalog card from its stored row.
#[cfg(feature = "ssr")]
fn card(r: crate::db::course::CourseCardRow) -> CourseCard {
    CourseCard {
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        category: r.category,
        category_name: CategoryName { vi: r.category_vi, en: r.category_en },
        hours: r.hours,
        lessons: r.lessons,
        minutes: r.minutes,
        search_key: r.search_key,
    }
}

/// One entry of a course's contents from its stored row.
#[cfg(feature = "ssr")]
pub fn item(r: &crate::db::course::ItemRow) -> CourseItem {
    let quiz = r.kind == "quiz";
    CourseItem {
        kind: if quiz { ItemKind::Quiz } else { ItemKind::Lesson },
        slug: r.slug.clone(),
        title: r.title.clone(),
        minutes: r.minutes,
        questions: r.questions,
        status: match r.status {
            1 => ItemStatus::Done,
            2 if !quiz => ItemStatus::UpdatedSinceDone,
            _ => ItemStatus::NotStarted,
        },
    }
}

/// The course page's view of a stored course.
#[cfg(feature = "ssr")]
fn detail(r: crate::db::course::CourseDetailRow) -> CourseDetail {
    CourseDetail {
        items: r.items.iter().map(item).collect(),
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        category: r.category,
        category_name: CategoryName { vi: r.category_vi, en: r.category_en },
        audience: r.audience,
        hours: r.hours,
        version: r.version,
        last_reviewed: r.last_reviewed,
        authors: r.authors,
        has_glossary: r.has_glossary,
        imported_at: r.imported_at,
    }
}

/// One course with the signed-in learner's progress.
#[server(endpoint = "course", input = server_fn::codec::GetUrl)]
pub async fn get_course(slug: String) -> Result<CourseDetail, AppError> {
    use crate::{db, state};
    let user = state::current_user_id();
    let r = db::course::course_detail(&state::db()?, &slug, user.as_deref()).await
        .map_err(AppError::from)
        .and_then(|o| o.map(detail).ok_or(AppError::NotFound));
    state::with_status(r)
}

/// A course's glossary: (course title, html).
#[server(endpoint = "glossary", input = server_fn::codec::GetUrl)]
pub async fn get_glossary(slug: String) -> Result<(String, crate::html::Html), AppError> {
    use crate::{db, state};
    let r = db::course::glossary(&state::db()?, &slug).await
        .map_err(AppError::from)
        .and_then(|o| o.map(|g| (g.course_title, crate::html::Html::from_stored(g.html))).ok_or(AppError::NotFound));
    state::with_status(r)
}
