//! `/soan-thao`: "Khoá học của tôi" for trainers: the courses they maintain, those waiting for their review, a
//! new course, and a course zip to upload.

use super::api::{get_my_courses, CreateCourse};
use super::MyCourse;
use crate::components::{described_by, form_value, FieldError, FormError};
use crate::i18n::{format_date, t, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The trainer's list of courses.
#[component]
pub fn AuthorListPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=t(locale, "author.title")/>
        <h1>{t(locale, "author.title")}</h1>
        <FormError fields=&["title", "slug", "zip"]/>
        <Suspense>
            {move || Suspend::new(async move {
                match get_my_courses().await {
                    Ok(v) => view! {
                        {(!v.to_review.is_empty()).then(|| view! {
                            <h2>{t(locale, "author.to_review")}</h2>
                            <ul class="items">{v.to_review.into_iter().map(|c| view! { <CourseLine course=c review=true/> }).collect_view()}</ul>
                        })}
                        {if v.courses.is_empty() {
                            view! { <p class="muted">{t(locale, "author.none")}</p> }.into_any()
                        } else {
                            view! { <ul class="items">{v.courses.into_iter().map(|c| view! { <CourseLine course=c review=false/> }).collect_view()}</ul> }.into_any()
                        }}
                        {v.can_create.then(|| view! { <NewCourse/> })}
                    }.into_any(),
                    Err(e) => super::course_page::failed(e, "/soan-thao"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CourseLine(course: MyCourse, review: bool) -> impl IntoView {
    let locale = use_locale();
    let href = if review { format!("/soan-thao/{}/xuat-ban", course.slug) } else { format!("/soan-thao/{}", course.slug) };
    let status = t(locale, &format!("author.status_{}", course.status));
    view! {
        <li class="item">
            <a href=href>
                <span class="title">{course.title}</span>
                <span class="meta">
                    <span class=format!("badge {}", course.status)>{status}</span>
                    " "
                    {(course.changed_at > 0).then(|| format!("{} · {}", format_date(course.changed_at), course.changed_by))}
                </span>
            </a>
        </li>
    }
}

#[component]
fn NewCourse() -> impl IntoView {
    let locale = use_locale();
    view! {
        <section id="moi" class="panel">
            <h2>{t(locale, "author.new")}</h2>
            <form method="post" action=CreateCourse::url() class="stack">
                <label for="new-title">{t(locale, "author.card_title")}</label>
                <input id="new-title" name="title" required maxlength="200" value=form_value("title") aria-describedby=described_by("title", None)/>
                <FieldError field="title"/>
                <label for="new-slug">{t(locale, "author.slug")}</label>
                <input id="new-slug" name="slug" maxlength="80" pattern="[a-z0-9]+(-[a-z0-9]+)*" value=form_value("slug")
                    aria-describedby=described_by("slug", Some("new-slug-hint"))/>
                <p id="new-slug-hint" class="hint">{t(locale, "author.slug_hint")}</p>
                <FieldError field="slug"/>
                <button type="submit" class="primary">{t(locale, "author.create")}</button>
            </form>
        </section>
        <section id="zip" class="panel">
            <h2>{t(locale, "author.zip_in")}</h2>
            <form method="post" action="/soan-thao/nhap-zip" enctype="multipart/form-data" class="stack">
                <label for="zip-file">{t(locale, "author.zip_file")}</label>
                <input id="zip-file" type="file" name="zip" accept=".zip,application/zip" required aria-describedby=described_by("zip", Some("zip-hint"))/>
                <p id="zip-hint" class="hint">{t(locale, "author.zip_hint")}</p>
                <FieldError field="zip"/>
                <button type="submit">{t(locale, "author.zip_send")}</button>
            </form>
        </section>
    }
}
