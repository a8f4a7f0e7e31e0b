//! `/dang-ky`, `/dang-nhap`, `/tai-khoan`, `/mat-khau/:token`: plain forms that post to server functions and
//! work without JavaScript; errors come back as `?loi=<code>` and are shown in the reader's language.

use super::api::{get_account, link_holder, list_regions, my_courses, ChangePassword, DeleteAccount, ExportMyData, Login, Logout, LogoutEverywhere, Register, SetPassword};
use super::ORG_TYPES;
use crate::components::{ErrorView, FormError};
use crate::i18n::{format_date, format_percent, t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Sign-up: first the province (34 big links), then the form with that province's communes. Two steps keep
/// the page small (a commune list for the whole country would be 150 KB) and need no JavaScript.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let locale = use_locale();
    let province = use_query_map().read_untracked().get("tinh").unwrap_or_default();
    view! {
        <Title text=t(locale, "auth.register")/>
        <h1>{t(locale, "auth.register")}</h1>
        <FormError fields=REGISTER_FIELDS/>
        <Suspense>
            {move || {
                let province = province.clone();
                Suspend::new(async move {
                    if province.is_empty() {
                        return match list_regions(String::new()).await {
                            Ok(list) => view! {
                                <p>{t(locale, "auth.pick_province")}</p>
                                <ul class="picker">
                                    {list.into_iter().map(|r| view! {
                                        <li><a class="button" href=format!("/dang-ky?tinh={}", r.code)>{r.name}</a></li>
                                    }).collect_view()}
                                </ul>
                                <p><a href="/dang-nhap">{t(locale, "auth.have_account")}</a></p>
                            }.into_any(),
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        };
                    }
                    match list_regions(province.clone()).await {
                        Ok(communes) if !communes.is_empty() => view! { <RegisterForm communes=communes province=province.clone()/> }.into_any(),
                        Ok(_) => view! { <ErrorView error=crate::AppError::NotFound/> }.into_any(),
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The sign-up fields that show their own message.
const REGISTER_FIELDS: &[&str] = &["full_name", "phone", "password", "org_name", "org_type", "region"];

/// The sign-up form. After an error it comes back with what was typed (never the password), the commune
/// still chosen and the message beside the field it concerns.
#[component]
fn RegisterForm(communes: Vec<super::RegionOption>, province: String) -> impl IntoView {
    use crate::components::{described_by, field_failed, form_value, FieldError};
    let locale = use_locale();
    let (org_type, region) = (form_value("org_type"), form_value("region"));
    view! {
        <form method="post" action=Register::url() class="stack">
            <input type="hidden" name="province" value=province/>
            <label for="full_name">{t(locale, "auth.full_name")}</label>
            <input id="full_name" name="full_name" required minlength="2" maxlength="100" autocomplete="name" value=form_value("full_name")
                aria-invalid=field_failed("full_name").then_some("true") aria-describedby=described_by("full_name", None)/>
            <FieldError field="full_name"/>
            <label for="phone">{t(locale, "auth.phone")}</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" required autocomplete="tel" placeholder="0912 345 678" value=form_value("phone")
                aria-invalid=field_failed("phone").then_some("true") aria-describedby=described_by("phone", None)/>
            <FieldError field="phone"/>
            <label for="password">{t(locale, "auth.password")}</label>
            <input id="password" name="password" type="password" required minlength="8" maxlength="128" autocomplete="new-password"
                aria-invalid=field_failed("password").then_some("true") aria-describedby=described_by("password", Some("password-hint"))/>
            <FieldError field="password"/>
            <p id="password-hint" class="hint">{t(locale, "auth.password_hint")}</p>
            <label for="org_name">{t(locale, "auth.org_name")}</label>
            <input id="org_name" name="org_name" maxlength="200" autocomplete="organization" value=form_value("org_name")
                aria-invalid=field_failed("org_name").then_some("true") aria-describedby=described_by("org_name", None)/>
            <FieldError field="org_name"/>
            <label for="org_type">{t(locale, "auth.org_type")}</label>
            <select id="org_type" name="org_type" required
                aria-invalid=field_failed("org_type").then_some("true") aria-describedby=described_by("org_type", None)>
                {ORG_TYPES.iter().map(|o| view! { <option value=*o selected=*o == org_type>{t(locale, &format!("org.{o}"))}</option> }).collect_view()}
            </select>
            <FieldError field="org_type"/>
            <label for="region">{t(locale, "auth.commune")}</label>
            <select id="region" name="region" required
                aria-invalid=field_failed("region").then_some("true") aria-describedby=described_by("region", None)>
                <option value="">{t(locale, "auth.pick_commune")}</option>
                {communes.into_iter().map(|r| {
                    let chosen = r.code == region;
                    view! { <option value=r.code selected=chosen>{r.name}</option> }
                }).collect_view()}
            </select>
            <FieldError field="region"/>
            <p class="hint"><a href="/dang-ky">{t(locale, "auth.change_province")}</a></p>
            <p class="hint">{t(locale, "auth.privacy")}</p>
            <button type="submit">{t(locale, "auth.register")}</button>
        </form>
    }
}

/// Sign-in with phone and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_else(|| "/".into());
    let done = query.read_untracked().get("xong").is_some();
    view! {
        <Title text=t(locale, "auth.login")/>
        <h1>{t(locale, "auth.login")}</h1>
        <FormError/>
        {done.then(|| view! { <p class="ok" role="status">{t(locale, "auth.signed_out")}</p> })}
        <form method="post" action=Login::url() class="stack">
            <input type="hidden" name="next" value=next/>
            <label for="phone">{t(locale, "auth.phone")}</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" required autocomplete="username" placeholder="0912 345 678"/>
            <label for="password">{t(locale, "auth.password")}</label>
            <input id="password" name="password" type="password" required autocomplete="current-password"/>
            <button type="submit">{t(locale, "auth.login")}</button>
        </form>
        <p class="hint">{t(locale, "auth.forgot")}</p>
        <p><a href="/dang-ky">{t(locale, "auth.no_account")}</a></p>
    }
}

/// The signed-in person's page: profile, their courses and certificates, their data, sign-out, deleting the
/// account.
#[component]
pub fn AccountPage() -> impl IntoView {
    let locale = use_locale();
    let changed = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("xong").as_deref() == Some("mat-khau"));
    view! {
        <Title text=t(locale, "auth.account")/>
        <Suspense>
            {move || Suspend::new(async move {
                match get_account().await {
                    Ok(a) => view! {
                        <h1>{a.full_name.clone()}</h1>
                        <FormError/>
                        <dl class="facts">
                            <dt>{t(locale, "auth.phone")}</dt><dd>{a.phone.clone()}</dd>
                            <dt>{t(locale, "auth.org_name")}</dt><dd>{a.org_name.clone()}</dd>
                            <dt>{t(locale, "auth.org_type")}</dt><dd>{t(locale, &format!("org.{}", a.org_type))}</dd>
                            <dt>{t(locale, "auth.commune")}</dt><dd>{a.region.clone().unwrap_or_default()}</dd>
                            <dt>{t(locale, "auth.roles")}</dt>
                            <dd>{a.roles.iter().map(|r| t(locale, &format!("role.{r}"))).chain(std::iter::once(t(locale, "role.learner"))).collect::<Vec<_>>().join(", ")}</dd>
                        </dl>
                        <MyCourses/>
                        <p><a class="button primary" href="/">{t(locale, "nav.courses")}</a></p>
                        <crate::certificate::MyCertificates/>
                        <crate::workshop::MyCheckInCode/>
                        <h2>{t(locale, "offline.data_title")}</h2>
                        <form method="post" action=crate::offline::api::SetDataSaver::url() class="stack">
                            <label class="check"><input type="checkbox" name="on" value="1" checked=a.data_saver/>" "{t(locale, "offline.data_saver")}</label>
                            <p class="hint">{t(locale, "offline.data_saver_hint")}</p>
                            <button type="submit" class="secondary">{t(locale, "offline.save_setting")}</button>
                        </form>
                        <p><a href="/hoc-khong-can-mang">{t(locale, "offline.title")}</a></p>
                        <form method="post" action=Logout::url()>
                            <button type="submit" class="secondary">{t(locale, "auth.logout")}</button>
                        </form>
                        <h2>{t(locale, "auth.security")}</h2>
                        {changed.then(|| view! { <p class="ok" role="status">{t(locale, "auth.password_changed")}</p> })}
                        <form method="post" action=ChangePassword::url() class="stack">
                            <label for="current">{t(locale, "auth.current_password")}</label>
                            <input id="current" name="current" type="password" required autocomplete="current-password"/>
                            <label for="new-password">{t(locale, "auth.new_password")}</label>
                            <input id="new-password" name="password" type="password" required minlength="8" autocomplete="new-password"/>
                            <button type="submit">{t(locale, "auth.change_password")}</button>
                        </form>
                        <p>{t(locale, "auth.logout_everywhere_text")}</p>
                        <form method="post" action=LogoutEverywhere::url()>
                            <button type="submit" class="secondary">{t(locale, "auth.logout_everywhere")}</button>
                        </form>
                        <h2>{t(locale, "auth.your_data")}</h2>
                        <p>{t(locale, "auth.your_data_text")}</p>
                        <p><a class="button" href=ExportMyData::url() download="du-lieu-cua-toi.json">{t(locale, "auth.download_data")}</a></p>
                        <h2>{t(locale, "auth.delete")}</h2>
                        <p>{t(locale, "auth.delete_text")}</p>
                        <form method="post" action=DeleteAccount::url() class="stack">
                            <label for="confirm">{t(locale, "auth.delete_confirm")}</label>
                            <input id="confirm" name="confirm" autocomplete="off" required/>
                            <label class="check"><input type="checkbox" name="keep_name" value="1"/>" "{t(locale, "auth.delete_keep_name")}</label>
                            <button type="submit" class="danger">{t(locale, "auth.delete")}</button>
                        </form>
                    }.into_any(),
                    Err(crate::AppError::Unauthorized) => {
                        redirect_to_login("/tai-khoan");
                        view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any()
                    }
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Khoá học của tôi": each course the learner is in, linked to where they left off, with their progress.
#[component]
fn MyCourses() -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{t(locale, "auth.my_courses")}</h2>
        <Suspense>
            {move || Suspend::new(async move {
                match my_courses().await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(locale, "auth.my_courses_none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="people my-courses">
                            {list.into_iter().map(|c| view! {
                                <li class="person">
                                    <h3>{match c.href.clone() {
                                        Some(href) => view! { <a href=href>{c.title.clone()}</a> }.into_any(),
                                        None => c.title.clone().into_any(),
                                    }}</h3>
                                    <p class="meta">
                                        {tf(locale, "auth.lessons_done", &[("done", c.lessons_done.to_string()), ("total", c.lessons_total.to_string())])}
                                        {c.best_score.map(|s| view! { " · " {tf(locale, "auth.best_score", &[("pct", format_percent(locale, s))])} })}
                                        {c.completed_at.map(|d| view! { " · " {tf(locale, "auth.completed_on", &[("date", format_date(d))])} })}
                                    </p>
                                    {c.certificate_code.clone().map(|code| view! {
                                        <p class="meta">{t(locale, "auth.certificate_code")} " " <a href=format!("/verify/{code}")><code>{code.clone()}</code></a></p>
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Send an anonymous visitor to the sign-in page, coming back here afterwards.
pub fn redirect_to_login(back: &str) {
    #[cfg(feature = "ssr")]
    {
        leptos_axum::redirect(&format!("/dang-nhap?next={}", crate::text::urlencode(back)));
        // The data call already set 401; a browser only follows a redirect status.
        crate::components::set_status(302);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = back;
}

/// Choose a password with a one-time link.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let locale = use_locale();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    view! {
        <Title text=t(locale, "auth.set_password")/>
        <h1>{t(locale, "auth.set_password")}</h1>
        <FormError fields=&["password"]/>
        <Suspense>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match link_holder(token.clone()).await {
                        Ok(name) => view! {
                            <p>{t(locale, "auth.hello")} " " <strong>{name}</strong></p>
                            <form method="post" action=SetPassword::url() class="stack">
                                <input type="hidden" name="token" value=token/>
                                <label for="password">{t(locale, "auth.new_password")}</label>
                                <input id="password" name="password" type="password" required minlength="8" maxlength="128" autocomplete="new-password"
                                    aria-invalid=crate::components::field_failed("password").then_some("true")
                                    aria-describedby=crate::components::described_by("password", Some("password-hint"))/>
                                <crate::components::FieldError field="password"/>
                                <p id="password-hint" class="hint">{t(locale, "auth.password_hint")}</p>
                                <button type="submit">{t(locale, "auth.save_password")}</button>
                            </form>
                        }.into_any(),
                        Err(_) => view! { <p role="alert">{t(locale, "form.link_invalid")}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
