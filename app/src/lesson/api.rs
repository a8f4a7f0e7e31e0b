//! Server functions for lessons.

use super::LessonView;
use crate::error::AppError;
use leptos::prelude::*;

/// A lesson of a course's current revision.
#[server(endpoint = "lesson", input = server_fn::codec::GetUrl)]
pub async fn get_lesson(course: String, lesson: String) -> Result<LessonView, AppError> {
    use crate::{db, state};
    let user = state::current_user_id();
    let r = async {
        let db = state::db()?;
        let row = db::course::lesson(&db, &course, &lesson).await?.ok_or(AppError::NotFound)?;
        let items = db::course::items(&db, &row.revision_id, user.as_deref()).await?;
        let saver = wants_data_saver() && row.html.contains("<img ");
        let sizes = if saver { db::offline::file_sizes(&db, &row.revision_id).await? } else { vec![] };
        let mut view = lesson_view(&course, &lesson, row, &items, user.is_some());
        // The fast path's stand-in reader has no progress of its own: it says which state to draw.
        if let Some(super::cache::TemplateStatus(s)) = leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get().copied()) {
            view.status = s;
        }
        if saver {
            let prefix = format!("/khoa-hoc/{course}/tep/");
            let locale = crate::i18n::use_locale();
            view.html = view.html.images_on_tap(
                |src| src.strip_prefix(&prefix).and_then(|p| sizes.iter().find(|(path, _)| crate::text::escape_html(path) == p).map(|(_, n)| *n)),
                |n| crate::i18n::tf(locale, "offline.image", &[("size", n.map(|n| crate::i18n::format_bytes(n, locale)).unwrap_or_default())]),
            );
        }
        Ok(view)
    }
    .await;
    state::with_status(r)
}

/// Data saver: the browser sends `Save-Data: on`, or the learner turned it on in their account.
#[cfg(feature = "ssr")]
fn wants_data_saver() -> bool {
    let header = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get("save-data").and_then(|v| v.to_str().ok()).map(|v| v.trim().eq_ignore_ascii_case("on")))
        .unwrap_or(false);
    header || crate::state::current_user().is_some_and(|u| u.data_saver)
}

/// The lesson page's view: the stored lesson placed among the course's contents (position, previous and
/// next links, this learner's state).
#[cfg(feature = "ssr")]
fn lesson_view(course_slug: &str, lesson_slug: &str, row: crate::db::course::LessonRow, items: &[crate::db::course::ItemRow], signed_in: bool) -> LessonView {
    use crate::catalog::{api::item, CourseItem, ItemKind, ItemStatus};
    use super::NavLink;
    let all: Vec<CourseItem> = items.iter().map(item).collect();
    let idx = all.iter().position(|i| i.kind == ItemKind::Lesson && i.slug == lesson_slug).unwrap_or(0);
    let link = |i: &CourseItem| NavLink { href: i.href(course_slug), title: i.title.clone() };
    LessonView {
        course_slug: course_slug.to_string(),
        course_title: row.course_title,
        slug: lesson_slug.to_string(),
        title: row.title,
        minutes: row.minutes,
        html: crate::html::Html::from_stored(row.html),
        // "Bài n/N" counts lessons only: a quiz among the items is not a lesson.
        position: all[..idx].iter().filter(|i| i.kind == ItemKind::Lesson).count() as i64 + 1,
        total: all.iter().filter(|i| i.kind == ItemKind::Lesson).count() as i64,
        prev: idx.checked_sub(1).and_then(|i| all.get(i)).map(link),
        next: all.get(idx + 1).map(link),
        status: all.get(idx).map(|i| i.status).unwrap_or(ItemStatus::NotStarted),
        signed_in,
    }
}

/// Mark a lesson done for the signed-in learner, through the one write path (`db::learning`). A plain form
/// post works without JavaScript: the server answers with a redirect back to the lesson. `record` is the
/// sender's id for this record (a UUID), so a resend is recognised; a form without one gets a fresh id.
#[server(endpoint = "mark_lesson_done")]
pub async fn mark_lesson_done(course: String, lesson: String, record: Option<String>, learner: Option<String>) -> Result<(), AppError> {
    use crate::{db, state};
    let back = format!("/khoa-hoc/{}/bai/{}", crate::text::urlencode(&course), crate::text::urlencode(&lesson));
    let result = async {
        let user = state::require_user()?;
        // A page rendered for someone else (a shared phone, a later sign-in) records nothing for this person.
        if learner.as_deref().is_some_and(|l| !l.is_empty() && l != user.id) {
            return Err(AppError::Forbidden);
        }
        if record.as_deref().is_some_and(|r| !db::learning::valid_record_id(r)) {
            return Err(AppError::invalid("record", "invalid"));
        }
        let db = state::db()?;
        let done = db::learning::LessonDone {
            record_id: record.as_deref(),
            user_id: &user.id,
            course_slug: &course,
            lesson_slug: &lesson,
            device: Default::default(),
        };
        match db::learning::lesson_done(&db, &done).await? {
            Some(db::learning::Stored::Conflict) => Err(AppError::Conflict),
            Some(_) => Ok(()),
            None => Err(AppError::NotFound),
        }
    }
    .await;
    state::finish_form(result, &back, &back)
}
