//! `/khoa-hoc/:course/bai/:lesson`: comfortable reading at 360 px, previous/next, mark as done. No JavaScript.

use super::api::{get_lesson, MarkLessonDone};
use leptos::server_fn::ServerFn;
use super::LessonView;
use crate::catalog::ItemStatus;
use crate::components::ErrorView;
use crate::i18n::{t, tf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The lesson page.
#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let (course, lesson) = {
        let p = params.read_untracked();
        (p.get("course").unwrap_or_default(), p.get("lesson").unwrap_or_default())
    };
    view! {
        <Suspense>
            {move || {
                let (course, lesson) = (course.clone(), lesson.clone());
                Suspend::new(async move {
                match get_lesson(course, lesson).await {
                    Ok(l) => view! { <LessonBody lesson=l/> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
fn LessonBody(lesson: LessonView) -> impl IntoView {
    let locale = use_locale();
    let course_href = format!("/khoa-hoc/{}", lesson.course_slug);
    let signed_in = lesson.signed_in;
    let login = format!("/dang-nhap?next={}", crate::text::urlencode(&format!("/khoa-hoc/{}/bai/{}", lesson.course_slug, lesson.slug)));
    view! {
        <Title text=format!("{} · {}", lesson.title, lesson.course_title)/>
        <nav class="crumbs" aria-label="breadcrumb">
            <a href=course_href.clone()>{lesson.course_title.clone()}</a>
            " › "
            <span>{tf(locale, "lesson.position", &[("n", lesson.position.to_string()), ("total", lesson.total.to_string())])}</span>
        </nav>
        <article class="prose lesson">
            <h1>{lesson.title.clone()}</h1>
            <p class="meta">{tf(locale, "course.minutes", &[("n", lesson.minutes.to_string())])}</p>
            // Stored HTML was rendered and sanitised with ammonia at import.
            <div inner_html=lesson.html.clone()></div>
        </article>
        <section class="done-box">
            {match (lesson.status, signed_in) {
                (ItemStatus::Done, _) => view! { <p class="ok">"✓ " {t(locale, "lesson.is_done")}</p> }.into_any(),
                (_, true) => view! {
                    <form method="post" action=MarkLessonDone::url()>
                        <input type="hidden" name="course" value=lesson.course_slug.clone()/>
                        <input type="hidden" name="lesson" value=lesson.slug.clone()/>
                        // Whose form this is: a phone that queued it offline sends it only for them.
                        <input type="hidden" name="learner" value=crate::components::viewer().map(|u| u.id).unwrap_or_default()/>
                        <button type="submit">{t(locale, "lesson.mark_done")}</button>
                    </form>
                }.into_any(),
                (_, false) => view! {
                    <p>{t(locale, "lesson.sign_in_to_save")}</p>
                    <a class="button" href=login>{t(locale, "auth.login")}</a>
                }.into_any(),
            }}
        </section>
        <nav class="pager" aria-label=t(locale, "course.contents")>
            {lesson.prev.clone().map(|p| view! {
                <a class="button prev" href=p.href rel="prev">
                    <small>{t(locale, "lesson.prev")}</small>
                    <span>{p.title}</span>
                </a>
            })}
            {lesson.next.clone().map(|n| view! {
                <a class="button next" href=n.href rel="next">
                    <small>{t(locale, "lesson.next")}</small>
                    <span>{n.title}</span>
                </a>
            })}
        </nav>
        <p><a href=course_href>{t(locale, "lesson.back")}</a></p>
    }
}
