//! `/quan-tri`: people, roles and password links, as plain forms.

use super::api::{list_people, CreateResetLink, GrantRole, PersonRow, RevokeRole};
use crate::components::{ErrorView, FormError};
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
        <FormError/>
        <p class="actions">
            <a class="button" href="/quan-tri/nhap-lop">{t(locale, "classlist.title")}</a>
            {crate::components::viewer().is_some_and(|u| u.has(crate::auth::Role::Official)).then(|| view! {
                " " <a class="button secondary" href="/thong-ke">{t(locale, "dash.title")}</a>
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
                <details>
                    <summary>{t(locale, "admin.roles")}</summary>
                    <form method="post" action=GrantRole::url() class="stack">
                        <input type="hidden" name="user_id" value=id.clone()/>
                        <label for=format!("role-{id}")>{t(locale, "admin.role")}</label>
                        <select id=format!("role-{id}") name="role">
                            <option value="trainer">{t(locale, "role.trainer")}</option>
                            <option value="official">{t(locale, "role.official")}</option>
                            <option value="admin">{t(locale, "role.admin")}</option>
                        </select>
                        <label for=format!("scope-{id}")>{t(locale, "admin.scope")}</label>
                        <input id=format!("scope-{id}") name="scope" inputmode="numeric" placeholder="86"/>
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
        <p>{t(locale, "classlist.intro")}</p>
        <p class="hint">{t(locale, "classlist.columns")}</p>
        <form method="post" action="/quan-tri/nhap-lop/gui" enctype="multipart/form-data" class="stack">
            <label for="file">{t(locale, "classlist.file")}</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required/>
            <fieldset>
                <legend>{t(locale, "classlist.enrol_in")}</legend>
                <Suspense>
                    {move || Suspend::new(async move {
                        match crate::catalog::api::list_courses(String::new()).await {
                            Ok(list) => list.into_iter().map(|c| view! {
                                <label class="check">
                                    <input type="checkbox" name="course" value=c.slug.clone()/>
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
