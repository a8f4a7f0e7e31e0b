//! `/khoa-hoc/:course` and `/khoa-hoc/:course/thuat-ngu`.

use super::api::{get_course, get_glossary};
use super::{CourseDetail, ItemKind, ItemStatus};
use crate::components::ErrorView;
use crate::i18n::{format_date, format_hours, format_iso_date, t, tf, use_locale};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// A course's card and its lessons with estimated time and the learner's progress.
#[component]
pub fn CoursePage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("course").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                match get_course(slug).await {
                    Ok(c) => view! { <CourseView course=c/> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
fn CourseView(course: CourseDetail) -> impl IntoView {
    let locale = use_locale();
    let lessons: Vec<_> = course.items.iter().filter(|i| i.kind == ItemKind::Lesson).collect();
    let total = lessons.len();
    let done = lessons.iter().filter(|i| i.status != ItemStatus::NotStarted).count();
    let total_minutes: i64 = lessons.iter().map(|i| i.minutes).sum();
    let first = course.items.iter().find(|i| i.kind == ItemKind::Lesson).map(|i| i.href(&course.slug));
    let slug = course.slug.clone();
    let updated = match &course.last_reviewed {
        Some(d) => format_iso_date(d),
        None => format_date(course.imported_at),
    };
    view! {
        <Title text=course.title.clone()/>
        <Meta name="description" content=course.summary.clone()/>
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/">{t(locale, "nav.courses")}</a>
            " › "
            <span>{course.category_name.get(locale).to_string()}</span>
        </nav>
        <article class="course">
            <h1>{course.title.clone()}</h1>
            <p class="lead">{course.summary.clone()}</p>
            <dl class="facts">
                <dt>{t(locale, "course.audience")}</dt>
                <dd>{course.audience.clone()}</dd>
                <dt>{t(locale, "course.authors")}</dt>
                <dd>{course.authors.join(", ")}</dd>
            </dl>
            <p class="meta">
                {tf(locale, "catalog.lessons", &[("n", total.to_string())])} " · "
                {tf(locale, "catalog.hours", &[("h", format_hours(course.hours, locale))])} " · "
                {tf(locale, "course.version", &[("v", course.version.clone()), ("d", updated)])}
            </p>
            {(done > 0).then(|| view! {
                <p class="progress">
                    <progress max=total value=done></progress>
                    " " {tf(locale, "course.progress", &[("done", done.to_string()), ("total", total.to_string())])}
                </p>
            })}
            {first.map(|href| view! { <p><a class="button primary" href=href>{t(locale, "course.start")}</a></p> })}
            <crate::offline::saved_page::SaveBox course=course.slug.clone()/>
            <h2>{t(locale, "course.contents")}</h2>
            <p class="muted">{tf(locale, "course.minutes", &[("n", total_minutes.to_string())])}</p>
            <ol class="items">
                {course.items.iter().map(|item| {
                    let status = match item.status {
                        ItemStatus::Done => Some(("done", t(locale, "course.done"))),
                        ItemStatus::UpdatedSinceDone => Some(("updated", t(locale, "course.updated"))),
                        ItemStatus::NotStarted => None,
                    };
                    match item.kind {
                        ItemKind::Lesson => view! {
                            <li class="item">
                                <a href=item.href(&slug)>
                                    <span class="title">{item.title.clone()}</span>
                                    <span class="meta">{tf(locale, "course.minutes", &[("n", item.minutes.to_string())])}</span>
                                    {status.map(|(class, label)| view! { <span class=format!("badge {class}")>{label}</span> })}
                                </a>
                            </li>
                        }.into_any(),
                        ItemKind::Quiz => view! {
                            <li class="item quiz">
                                <a href=item.href(&slug)>
                                    <span class="title">{item.title.clone()}</span>
                                    <span class="meta">{tf(locale, "course.questions", &[("n", item.questions.to_string())])}</span>
                                    {(item.status == ItemStatus::Done).then(|| view! { <span class="badge done">{t(locale, "quiz.passed_badge")}</span> })}
                                </a>
                            </li>
                        }.into_any(),
                    }
                }).collect_view()}
            </ol>
            {course.has_glossary.then(|| view! {
                <p><a class="button" href=format!("/khoa-hoc/{}/thuat-ngu", course.slug)>{t(locale, "course.glossary")}</a></p>
            })}
            {course.last_reviewed.as_ref().map(|d| view! {
                <p class="muted">{tf(locale, "course.reviewed", &[("d", format_iso_date(d))])}</p>
            })}
        </article>
    }
}

/// A course's glossary.
#[component]
pub fn GlossaryPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let slug = params.read_untracked().get("course").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                match get_glossary(slug.clone()).await {
                    Ok((title, html)) => view! {
                        <Title text=format!("{} · {}", t(locale, "course.glossary"), title)/>
                        <nav class="crumbs" aria-label="breadcrumb">
                            <a href=format!("/khoa-hoc/{slug}")>{title.clone()}</a>
                        </nav>
                        <article class="prose">
                            <h1>{t(locale, "course.glossary")}</h1>
                            // Stored HTML was rendered and sanitised with ammonia at import.
                            <div inner_html=html></div>
                        </article>
                    }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}
