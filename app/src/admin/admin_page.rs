//! `/quan-tri`: people, roles and password links, as plain forms.

use super::api::{list_people, CreateResetLink, GrantRole, PersonRow, RevokeRole};
use crate::components::{described_by, field_failed, form_value, form_values, ErrorView, FieldError, FormError};
use crate::i18n::{t, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The administration page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let q = query.read_untracked().get("q").unwrap_or_default();
    let link = query.read_untracked().get("lien-ket").unwrap_or_default();
    view! {
        <Title text=t(locale, "admin.title")/>
        <h1>{t(locale, "admin.title")}</h1>
        <FormError fields=&["role", "scope"]/>
        <p class="actions">
            <a class="button" href="/quan-tri/nhap-lop">{t(locale, "classlist.title")}</a>
            " " <a class="button" href="/soan-thao">{t(locale, "author.short")}</a>
            " " <a class="button" href="/lop-tap-huan">{t(locale, "workshop.title")}</a>
            {crate::components::viewer().is_some_and(|u| u.has(crate::auth::Role::Official)).then(|| view! {
                " " <a class="button secondary" href="/thong-ke">{t(locale, "dash.title")}</a>
            })}
            {crate::components::viewer().is_some_and(|u| u.is_admin()).then(|| view! {
                " " <a class="button secondary" href="/quan-tri/nhat-ky">{t(locale, "audit.title")}</a>
            })}
        </p>
        <form method="get" action="/quan-tri" role="search" class="search">
            <label for="q">{t(locale, "admin.search")}</label>
            <div class="row">
                <input id="q" name="q" type="search" value=q.clone()/>
                <button type="submit">{t(locale, "catalog.search_button")}</button>
            </div>
        </form>
        <Suspense>
            {move || {
                let (q, link) = (q.clone(), link.clone());
                Suspend::new(async move {
                    match list_people(q, link).await {
                        Ok(page) => view! {
                            {page.new_link.map(|(name, link)| view! {
                                <section class="done-box" role="status">
                                    <p>{t(locale, "admin.link_for")} " " <strong>{name}</strong></p>
                                    <p class="link"><code>{link}</code></p>
                                    <p class="hint">{t(locale, "admin.link_note")}</p>
                                </section>
                            })}
                            <ul class="people">
                                {page.people.into_iter().map(|p| view! { <Person person=p can_grant=page.can_grant/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(crate::AppError::Unauthorized) => {
                            crate::auth::pages::redirect_to_login("/quan-tri");
                            view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any()
                        }
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Person(person: PersonRow, can_grant: bool) -> impl IntoView {
    let locale = use_locale();
    let roles = if person.roles.is_empty() {
        t(locale, "role.learner")
    } else {
        person.roles.iter().map(|r| t(locale, &format!("role.{r}"))).collect::<Vec<_>>().join(", ")
    };
    let id = person.id.clone();
    // A grant refused for this person comes back with what was chosen (`u` names the person).
    let mine = form_value("u") == id;
    let kept_role = form_value("role");
    let (role_field, scope_field) = (format!("role-{id}"), format!("scope-{id}"));
    let open = field_failed(&role_field) || field_failed(&scope_field);
    view! {
        <li class="person">
            <h2>{person.full_name.clone()}</h2>
            <p class="meta">{person.phone.clone()} " · " {person.org_name.clone()} " · " {person.region.clone().unwrap_or_default()}</p>
            <p class="meta">{roles}</p>
            <form method="post" action=CreateResetLink::url()>
                <input type="hidden" name="user_id" value=id.clone()/>
                <button type="submit" class="secondary">{t(locale, "admin.make_link")}</button>
            </form>
            {can_grant.then(|| view! {
                <details open=open>
                    <summary>{t(locale, "admin.roles")}</summary>
                    <form method="post" action=GrantRole::url() class="stack">
                        <input type="hidden" name="user_id" value=id.clone()/>
                        <label for=role_field.clone()>{t(locale, "admin.role")}</label>
                        <select id=role_field.clone() name="role"
                            aria-invalid=field_failed(&role_field).then_some("true") aria-describedby=described_by(&role_field, None)>
                            {["trainer", "official", "admin"].map(|r| view! { <option value=r selected=mine && kept_role == r>{t(locale, &format!("role.{r}"))}</option> }).collect_view()}
                        </select>
                        <FieldError field=role_field.clone()/>
                        <label for=scope_field.clone()>{t(locale, "admin.scope")}</label>
                        <input id=scope_field.clone() name="scope" inputmode="numeric" placeholder="86" value=mine.then(|| form_value("scope"))
                            aria-invalid=field_failed(&scope_field).then_some("true") aria-describedby=described_by(&scope_field, None)/>
                        <FieldError field=scope_field.clone()/>
                        <button type="submit">{t(locale, "admin.grant")}</button>
                    </form>
                    {person.roles.iter().map(|r| view! {
                        <form method="post" action=RevokeRole::url()>
                            <input type="hidden" name="user_id" value=id.clone()/>
                            <input type="hidden" name="role" value=r.clone()/>
                            <button type="submit" class="secondary">{t(locale, "admin.revoke")} " " {t(locale, &format!("role.{r}"))}</button>
                        </form>
                    }).collect_view()}
                </details>
            })}
        </li>
    }
}

/// `/quan-tri/nhap-lop`: upload a class list and choose the courses to enrol it in.
#[component]
pub fn ClassListPage() -> impl IntoView {
    let locale = use_locale();
    let allowed = crate::components::viewer().is_some_and(|u| u.has(crate::auth::Role::Trainer));
    if !allowed {
        crate::components::set_status(if crate::components::viewer().is_some() { 403 } else { 401 });
        return view! {
            <Title text=t(locale, "classlist.title")/>
            <h1>{t(locale, "classlist.title")}</h1>
            <p role="alert">{t(locale, "error.forbidden")}</p>
            <p><a href="/dang-nhap?next=/quan-tri/nhap-lop">{t(locale, "auth.login")}</a></p>
        }
        .into_any();
    }
    view! {
        <Title text=t(locale, "classlist.title")/>
        <h1>{t(locale, "classlist.title")}</h1>
        <FormError/>
        <p>{t(locale, "classlist.intro")}</p>
        <p class="hint">{t(locale, "classlist.columns")}</p>
        <form method="post" action="/quan-tri/nhap-lop/gui" enctype="multipart/form-data" class="stack">
            <label for="file">{t(locale, "classlist.file")}</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required/>
            <fieldset>
                <legend>{t(locale, "classlist.enrol_in")}</legend>
                <Suspense>
                    {move || Suspend::new(async move {
                        // The courses chosen before a refused upload stay chosen (`?khoa=<slug>`, repeated).
                        let chosen = form_values("khoa");
                        match crate::catalog::api::list_courses(String::new()).await {
                            Ok(list) => list.into_iter().map(|c| view! {
                                <label class="check">
                                    <input type="checkbox" name="course" value=c.slug.clone() checked=chosen.contains(&c.slug)/>
                                    " " {c.title.clone()}
                                </label>
                            }).collect_view().into_any(),
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </fieldset>
            <button type="submit">{t(locale, "classlist.upload")}</button>
        </form>
    }
    .into_any()
}
