//! `/soan-thao/:course`: the course card (the fields of course.toml as a form), its files, publishing,
//! history, zip, and (for admins) its maintainers, reviewers and review setting.

use super::api::{get_course, AddFile, AddMember, Discard, RemoveMember, SaveCard, SetReview};
use super::{CourseView, FileEntry};
use crate::components::{described_by, form_value, textarea_text, ErrorView, FieldError, FormError};
use crate::i18n::{t, tf, use_locale};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// An error in place of an authoring page: signed-out people go to sign in and come back.
pub(crate) fn failed(e: AppError, here: &str) -> AnyView {
    let locale = use_locale();
    if e == AppError::Unauthorized {
        crate::auth::pages::redirect_to_login(here);
        return view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any();
    }
    view! { <ErrorView error=e/> }.into_any()
}

/// What a form just did, from the address it came back to.
pub(crate) fn done_note(keys: &[(&'static str, &'static str)]) -> Option<impl IntoView> {
    let locale = use_locale();
    let q = use_query_map();
    let key = q.with_untracked(|q| keys.iter().find(|(k, _)| q.get(k).is_some()).map(|(_, v)| *v))?;
    Some(view! { <p class="ok" role="status">"✓ " {t(locale, key)}</p> })
}

/// The course page of authoring.
#[component]
pub fn AuthorCoursePage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("course").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match get_course(slug.clone()).await {
                        Ok(v) => view! { <CourseBody view=v/> }.into_any(),
                        Err(e) => failed(e, &format!("/soan-thao/{slug}")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CourseBody(view: CourseView) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let base = format!("/soan-thao/{}", v.slug);
    let state = match (v.draft_state.as_deref(), v.published) {
        (Some("review"), _) => "review",
        (Some(_), true) => "editing",
        (_, false) => "draft",
        (None, true) => "published",
    };
    let toml_version = v.files.iter().find(|f| f.path == "course.toml").map(|f| f.version).unwrap_or(0);
    view! {
        <Title text=format!("{} · {}", v.title, t(locale, "author.title"))/>
        <nav class="crumbs" aria-label="breadcrumb"><a href="/soan-thao">{t(locale, "author.title")}</a></nav>
        <h1>{v.title.clone()}</h1>
        <p>
            <span class=format!("badge {state}")>{t(locale, &format!("author.status_{state}"))}</span>
            {v.published.then(|| view! { " " <a href=format!("/khoa-hoc/{}", v.slug)>{t(locale, "author.see_published")}</a> })}
        </p>
        {done_note(&[("luu", "author.saved"), ("da-xuat-ban", "author.published"), ("da-duyet", "author.approved"), ("tra-lai", "author.rejected"), ("khoi-phuc", "author.restored"), ("xoa", "author.removed")])}
        <FormError fields=&["title", "summary", "hours", "lessons", "new_slug", "new_title", "phone", "zip"]/>
        <p class="actions">
            <a class="button primary" href=format!("{base}/xuat-ban")>
                {if v.review_required { t(locale, "author.go_request") } else { t(locale, "author.go_publish") }}
            </a>
            " " <a class="button" href=format!("{base}/lich-su")>{t(locale, "author.history")}</a>
            " " <a class="button" href=format!("{base}/tai-ve") download>{t(locale, "author.zip_out")}</a>
        </p>
        {(v.problems > 0).then(|| view! { <p class="error">{tf(locale, "author.problems_n", &[("n", v.problems.to_string())])}</p> })}
        {(v.conflicts > 0).then(|| view! { <p class="error">{tf(locale, "author.conflicts_n", &[("n", v.conflicts.to_string())])}</p> })}

        <section id="tep" class="panel">
            <h2>{t(locale, "author.files")}</h2>
            <ul class="items files">
                {v.files.iter().filter(|f| f.kind != "image").cloned().map(|f| view! { <FileLine slug=v.slug.clone() file=f can_edit=v.is_maintainer/> }).collect_view()}
            </ul>
            {let images: Vec<FileEntry> = v.files.iter().filter(|f| f.kind == "image").cloned().collect();
             (!images.is_empty()).then(|| view! {
                <h3>{t(locale, "author.images")}</h3>
                <ul class="thumbs">
                    {images.into_iter().map(|f| view! {
                        <li>
                            <img src=format!("{base}/nhap/{}", f.path) alt="" width="96" height="72" loading="lazy"/>
                            <code>{f.path.clone()}</code>
                        </li>
                    }).collect_view()}
                </ul>
             })}
        </section>

        {v.is_maintainer.then(|| view! {
            <section id="them" class="panel">
                <h2>{t(locale, "author.add")}</h2>
                <form method="post" action=AddFile::url() class="stack">
                    <input type="hidden" name="course" value=v.slug.clone()/>
                    <label for="new-file-title">{t(locale, "author.add_title")}</label>
                    <input id="new-file-title" name="title" required maxlength="200" value=form_value("new_title") aria-describedby=described_by("new_title", None)/>
                    <FieldError field="new_title"/>
                    <fieldset class="choices">
                        <legend>{t(locale, "author.add_kind")}</legend>
                        <label><input type="radio" name="kind" value="lesson" checked/> {t(locale, "author.kind_lesson")}</label>
                        <label><input type="radio" name="kind" value="quiz"/> {t(locale, "author.kind_quiz")}</label>
                    </fieldset>
                    <button type="submit">{t(locale, "author.add_button")}</button>
                </form>
            </section>
        })}

        {(v.is_maintainer && v.card_ok).then(|| view! { <CardForm view=v.clone() version=toml_version/> })}
        {(!v.card_ok).then(|| view! {
            <p class="error">{t(locale, "author.card_broken")} " " <a href=format!("{base}/tep/course.toml")>"course.toml"</a></p>
        })}

        {(v.is_maintainer && v.published && v.draft_state.as_deref() == Some("editing")).then(|| view! {
            <form method="post" action=Discard::url() class="panel">
                <input type="hidden" name="course" value=v.slug.clone()/>
                <p class="hint">{t(locale, "author.discard_hint")}</p>
                <button type="submit" class="secondary">{t(locale, "author.discard")}</button>
            </form>
        })}

        <section id="zip" class="panel">
            <h2>{t(locale, "author.zip_in")}</h2>
            <form method="post" action="/soan-thao/nhap-zip" enctype="multipart/form-data" class="stack">
                <input type="hidden" name="course" value=v.slug.clone()/>
                <label for="zip-file">{t(locale, "author.zip_file")}</label>
                <input id="zip-file" type="file" name="zip" accept=".zip,application/zip" required aria-describedby=described_by("zip", Some("zip-hint"))/>
                <p id="zip-hint" class="hint">{t(locale, "author.zip_replace_hint")}</p>
                <FieldError field="zip"/>
                <button type="submit">{t(locale, "author.zip_send")}</button>
            </form>
        </section>

        <People view=v.clone()/>
    }
}

#[component]
fn FileLine(slug: String, file: FileEntry, can_edit: bool) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/soan-thao/{slug}/tep/{}", file.path);
    let kind = t(locale, &format!("author.kind_{}", file.kind));
    let _ = can_edit;
    view! {
        <li class="item file">
            <a href=href>
                <span class="title">{file.title.clone().unwrap_or_else(|| kind.clone())}</span>
                <span class="meta">{kind} " · " <code>{file.path.clone()}</code>
                    {(file.problems > 0).then(|| view! { " · " <span class="error">{tf(locale, "author.problems_n", &[("n", file.problems.to_string())])}</span> })}
                </span>
            </a>
        </li>
    }
}

#[component]
fn CardForm(view: CourseView, version: i64) -> impl IntoView {
    let locale = use_locale();
    let c = view.card.clone();
    let kept = |name: &str, stored: &str| {
        let v = form_value(name);
        if v.is_empty() { stored.to_string() } else { v }
    };
    let field = |id: &'static str, label: &'static str, value: String| view! {
        <label for=format!("card-{id}")>{t(locale, label)}</label>
        <input id=format!("card-{id}") name=id value=value aria-describedby=described_by(id, None)/>
        <FieldError field=id/>
    };
    view! {
        <section id="the" class="panel">
            <h2>{t(locale, "author.card")}</h2>
            <form method="post" action=SaveCard::url() class="stack">
                <input type="hidden" name="course" value=view.slug.clone()/>
                <input type="hidden" name="v" value=version.to_string()/>
                {field("title", "author.card_title", kept("title", &c.title))}
                <label for="card-summary">{t(locale, "author.card_summary")}</label>
                <textarea id="card-summary" name="summary" rows="3" aria-describedby=described_by("summary", None)>{textarea_text(&kept("summary", &c.summary))}</textarea>
                <FieldError field="summary"/>
                <label for="card-category">{t(locale, "author.card_category")}</label>
                <select id="card-category" name="category">
                    {view.categories.iter().map(|(slug, name)| view! { <option value=slug.clone() selected=*slug == c.category>{name.clone()}</option> }).collect_view()}
                    {(!view.categories.iter().any(|(s, _)| *s == c.category)).then(|| view! { <option value=c.category.clone() selected>{c.category.clone()}</option> })}
                </select>
                {field("audience", "author.card_audience", kept("audience", &c.audience))}
                <label for="card-hours">{t(locale, "author.card_hours")}</label>
                <input id="card-hours" name="hours" inputmode="decimal" value=kept("hours", &c.hours) aria-describedby=described_by("hours", None)/>
                <FieldError field="hours"/>
                {field("version", "author.card_version", c.version.clone())}
                <label for="card-last_reviewed">{t(locale, "author.card_reviewed")}</label>
                <input id="card-last_reviewed" name="last_reviewed" type="date" value=c.last_reviewed.clone()/>
                <label for="card-authors">{t(locale, "author.card_authors")}</label>
                <textarea id="card-authors" name="authors" rows="3" aria-describedby="card-authors-hint">{textarea_text(&c.authors)}</textarea>
                <p id="card-authors-hint" class="hint">{t(locale, "author.card_authors_hint")}</p>
                <label for="card-lessons">{t(locale, "author.card_lessons")}</label>
                <input id="card-lessons" name="lessons" value=c.lessons.clone() aria-describedby="card-lessons-hint"/>
                <p id="card-lessons-hint" class="hint">{t(locale, "author.card_lessons_hint")}</p>
                <FieldError field="lessons"/>
                <label for="card-quizzes">{t(locale, "author.card_quizzes")}</label>
                <select id="card-quizzes" name="quizzes">
                    <option value="all" selected=c.quizzes != "none">{t(locale, "author.quizzes_all")}</option>
                    <option value="none" selected=c.quizzes == "none">{t(locale, "author.quizzes_none")}</option>
                </select>
                {(!view.published).then(|| view! {
                    <label for="card-new_slug">{t(locale, "author.slug")}</label>
                    <input id="card-new_slug" name="new_slug" value=view.slug.clone() pattern="[a-z0-9]+(-[a-z0-9]+)*" aria-describedby=described_by("new_slug", Some("card-slug-hint"))/>
                    <p id="card-slug-hint" class="hint">{t(locale, "author.slug_until_publish")}</p>
                    <FieldError field="new_slug"/>
                })}
                {view.published.then(|| view! { <input type="hidden" name="new_slug" value=""/> })}
                <button type="submit" class="primary">{t(locale, "author.save_card")}</button>
            </form>
        </section>
    }
}

#[component]
fn People(view: CourseView) -> impl IntoView {
    let locale = use_locale();
    let slug = view.slug.clone();
    view! {
        <section id="nguoi" class="panel">
            <h2>{t(locale, "author.people")}</h2>
            <ul class="people">
                {view.members.iter().map(|m| {
                    let slug = slug.clone();
                    view! {
                        <li>
                            {m.name.clone()} " · " {m.phone.clone()} " · " {t(locale, &format!("author.role_{}", m.role))}
                            {view.is_admin.then(|| view! {
                                <form method="post" action=RemoveMember::url() class="inline">
                                    <input type="hidden" name="course" value=slug/>
                                    <input type="hidden" name="user" value=m.user_id.clone()/>
                                    <input type="hidden" name="role" value=m.role.clone()/>
                                    <button type="submit" class="secondary small" aria-label=format!("{} {}", t(locale, "author.remove"), m.name)>{t(locale, "author.remove")}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {view.is_admin.then(|| view! {
                <form method="post" action=AddMember::url() class="stack">
                    <input type="hidden" name="course" value=slug.clone()/>
                    <label for="member-phone">{t(locale, "auth.phone")}</label>
                    <input id="member-phone" name="phone" type="tel" inputmode="tel" required value=form_value("phone") aria-describedby=described_by("phone", None)/>
                    <FieldError field="phone"/>
                    <label for="member-role">{t(locale, "author.role")}</label>
                    <select id="member-role" name="role">
                        <option value="maintainer">{t(locale, "author.role_maintainer")}</option>
                        <option value="reviewer">{t(locale, "author.role_reviewer")}</option>
                    </select>
                    <button type="submit">{t(locale, "author.add_person")}</button>
                </form>
                <form id="duyet" method="post" action=SetReview::url() class="stack">
                    <input type="hidden" name="course" value=slug.clone()/>
                    <label><input type="checkbox" name="required" value="1" checked=view.review_required/> {t(locale, "author.review_required")}</label>
                    <button type="submit">{t(locale, "author.save_setting")}</button>
                </form>
            })}
        </section>
    }
}
