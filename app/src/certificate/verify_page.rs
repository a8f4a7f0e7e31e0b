//! `/verify/:code`, public; and the learner's list of certificates on the account page.

use super::api::{my_certificates, verify_certificate, RevokeCertificate};
use crate::components::{ErrorView, FormError};
use crate::i18n::{format_date, format_hours, t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The public verification page: holder, course, date and status, nothing else personal.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let locale = use_locale();
    let code = use_params_map().read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text=t(locale, "cert.verify_title")/>
        <Meta name="robots" content="noindex"/>
        <Suspense>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    match verify_certificate(code).await {
                        Ok(v) => {
                            let c = v.certificate;
                            let valid = c.revoked_at.is_none();
                            let attendance = c.kind == super::Kind::Attendance;
                            view! {
                                <h1>{t(locale, "cert.verify_title")}</h1>
                                <FormError/>
                                <section class=if valid { "score passed" } else { "score" } role="status">
                                    <p class="big">{if valid { t(locale, "cert.valid") } else { t(locale, "cert.revoked") }}</p>
                                    {c.revoked_at.map(|at| view! {
                                        <p>{tf(locale, "cert.revoked_on", &[("d", format_date(at))])}</p>
                                        <p>{c.revoke_reason.clone().unwrap_or_default()}</p>
                                    })}
                                </section>
                                {attendance.then(|| view! { <p>{t(locale, "cert.attendance_note")}</p> })}
                                <dl class="facts">
                                    <dt>{t(locale, "cert.holder")}</dt><dd>{c.holder_name.clone()}</dd>
                                    <dt>{if attendance { t(locale, "cert.workshop") } else { t(locale, "cert.course") }}</dt><dd>{c.course_title.clone()}</dd>
                                    <dt>{t(locale, "cert.hours")}</dt><dd>{tf(locale, "catalog.hours", &[("h", format_hours(c.hours, locale))])}</dd>
                                    <dt>{t(locale, "cert.date")}</dt><dd>{format_date(c.issued_at)}</dd>
                                    <dt>{t(locale, "cert.code")}</dt><dd><code>{c.code.clone()}</code></dd>
                                </dl>
                                {v.can_revoke.then(|| view! {
                                    <details>
                                        <summary>{t(locale, "cert.revoke")}</summary>
                                        <form method="post" action=RevokeCertificate::url() class="stack">
                                            <input type="hidden" name="code" value=c.code.clone()/>
                                            <label for="reason">{t(locale, "cert.reason")}</label>
                                            <input id="reason" name="reason" required minlength="3" maxlength="500"/>
                                            <button type="submit" class="danger">{t(locale, "cert.revoke")}</button>
                                        </form>
                                    </details>
                                })}
                            }
                            .into_any()
                        }
                        Err(crate::AppError::Invalid { code, .. }) if code == "too_many_lookups" => {
                            crate::components::set_status(429);
                            view! { <p role="alert">{t(locale, "form.too_many_lookups")}</p> }.into_any()
                        }
                        Err(_) => {
                            crate::components::set_status(404);
                            view! { <h1>{t(locale, "cert.verify_title")}</h1><p role="alert">{t(locale, "cert.unknown")}</p> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The learner's certificates, with their PDF and credential downloads.
#[component]
pub fn MyCertificates() -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{t(locale, "cert.mine")}</h2>
        <Suspense>
            {move || Suspend::new(async move {
                match my_certificates().await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(locale, "cert.none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="people">
                            {list.into_iter().map(|c| view! {
                                <li class="person">
                                    <h3>{c.course_title.clone()}</h3>
                                    <p class="meta">
                                        {(c.kind == super::Kind::Attendance).then(|| format!("{} · ", t(locale, "cert.kind_attendance")))}
                                        {format_date(c.issued_at)} " · " <code>{c.code.clone()}</code>
                                        {c.revoked_at.map(|_| view! { " · " <strong>{t(locale, "cert.revoked")}</strong> })}
                                    </p>
                                    <p class="buttons">
                                        <a class="button primary" href=format!("/chung-nhan/{}/pdf", c.code)>{t(locale, "cert.pdf")}</a>
                                        " "
                                        <a class="button" href=format!("/chung-nhan/{}/credential.json", c.code)>{t(locale, "cert.json")}</a>
                                    </p>
                                    <p><a href=format!("/verify/{}", c.code)>{t(locale, "cert.verify_link")}</a></p>
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
