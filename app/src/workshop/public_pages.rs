//! The public pages: `/lop/:id` (with Open Graph tags, so a link pasted into Zalo or Facebook shows the
//! workshop), `/lop/:id/diem-danh?ma=` (check-in with the code on the screen; a newcomer signs up in the same
//! step) and `/lop/:id/ap-phich` (the printable poster).

use super::api::{get_public, CheckIn, Register, StartTest};
use super::trainer_pages::{failed, place, when};
use super::PublicView;
use crate::components::{described_by, form_value, FieldError, FormError};
use crate::i18n::{t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

fn id_param() -> String {
    use_params_map().read_untracked().get("id").unwrap_or_default()
}

/// A workshop's page.
#[component]
pub fn WorkshopPage() -> impl IntoView {
    let id = id_param();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_public(id.clone()).await {
                        Ok(v) => view! { <Public view=v/> }.into_any(),
                        Err(e) => failed(e, &format!("/lop/{id}")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Public(view: PublicView) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let w = v.workshop.clone();
    let id = w.id.clone();
    let description = format!("{} · {}", when(&w), place(locale, &w));
    let live = !w.stream_url.is_empty();
    let url = format!("{}/lop/{}", v.base, w.id);
    view! {
        <Title text=w.title.clone()/>
        <Meta property="og:title" content=w.title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:url" content=url.clone()/>
        <Meta property="og:image" content=format!("{}/og.png", v.base)/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:image:alt" content="Tập Huấn"/>
        <Meta name="description" content=description.clone()/>
        <h1>{w.title.clone()}</h1>
        {crate::authoring::course_page::done_note(&[("da-diem-danh", "workshop.checked_in"), ("da-dang-ky", "workshop.registered_note")])}
        <FormError fields=&[]/>
        <dl class="facts">
            <dt>{t(locale, "workshop.when")}</dt><dd>{when(&w)}</dd>
            <dt>{t(locale, "workshop.where")}</dt><dd>{place(locale, &w)}</dd>
            <dt>{t(locale, "workshop.trainer")}</dt><dd>{w.trainer.clone()}</dd>
        </dl>
        {w.gives_certificate.then(|| view! { <p class="muted">{t(locale, "workshop.gives_certificate")}</p> })}
        // Registration before the day, while the workshop has not ended and this person has not come yet.
        {(w.registration && !v.attended && !v.over).then(|| {
            let places = (w.capacity > 0).then(|| tf(locale, "workshop.places_left", &[("n", (w.capacity - w.registered).max(0).to_string())]));
            view! {
                <section class="panel" aria-labelledby="h-register">
                    <h2 id="h-register">{t(locale, "workshop.register_title")}</h2>
                    {places.map(|p| view! { <p class="meta">{p}</p> })}
                    {if v.registered {
                        view! { <p class="ok">"✓ " {t(locale, "workshop.you_registered")}</p> }.into_any()
                    } else if v.signed_in {
                        view! {
                            <form method="post" action=Register::url()>
                                <input type="hidden" name="id" value=id.clone()/>
                                <button type="submit" class="primary">{t(locale, "workshop.register")}</button>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <p>{t(locale, "workshop.register_sign_in")}</p>
                            <p class="actions">
                                <a class="button primary" href=format!("/dang-nhap?next={}", crate::text::urlencode(&format!("/lop/{id}")))>{t(locale, "auth.login")}</a>
                                " " <a class="button" href="/dang-ky">{t(locale, "auth.register")}</a>
                            </p>
                        }.into_any()
                    }}
                </section>
            }
        })}
        <p class="share">
            <button type="button" hidden data-share=url.clone() data-title=w.title.clone() data-copied=t(locale, "workshop.share_copied") data-failed=t(locale, "workshop.share_failed")>{t(locale, "workshop.share")}</button>
            " " <span role="status"></span>
        </p>
        <p class="hint share-link">{t(locale, "workshop.share_link")} " " <a href=url.clone()>{url.clone()}</a></p>
        <script src="/share.js" defer nonce=crate::csp::nonce()></script>
        {(live && w.recording_url.is_empty()).then(|| view! { <p><a class="button primary" href=w.stream_url.clone() rel="noopener noreferrer">{t(locale, "workshop.join_stream")}</a></p> })}
        {(!w.recording_url.is_empty()).then(|| view! { <p><a class="button" href=w.recording_url.clone() rel="noopener noreferrer">{t(locale, "workshop.watch_recording")}</a></p> })}
        <h2>{t(locale, "workshop.courses")}</h2>
        <ul class="items">
            {w.courses.iter().map(|(slug, title)| view! { <li class="item"><a href=format!("/khoa-hoc/{slug}")><span class="title">{title.clone()}</span></a></li> }).collect_view()}
        </ul>
        {match (v.signed_in, v.attended) {
            (true, true) => view! {
                <p class="ok">"✓ " {t(locale, "workshop.you_attended")}</p>
                {w.gives_certificate.then(|| view! { <p><a href="/tai-khoan">{t(locale, "cert.mine")}</a></p> })}
                {w.test.clone().map(|_| view! {
                    <section class="panel">
                        <h2>{t(locale, "workshop.test")}</h2>
                        <form method="post" action=StartTest::url() class="inline">
                            <input type="hidden" name="id" value=id.clone()/>
                            <input type="hidden" name="phase" value="truoc"/>
                            <button type="submit" class=if v.before.is_some() { "secondary" } else { "primary" }>{t(locale, "workshop.test_before")}</button>
                        </form>
                        " "
                        <form method="post" action=StartTest::url() class="inline">
                            <input type="hidden" name="id" value=id.clone()/>
                            <input type="hidden" name="phase" value="sau"/>
                            <button type="submit">{t(locale, "workshop.test_after")}</button>
                        </form>
                    </section>
                })}
            }.into_any(),
            // A livestream's page is its check-in, during the session window.
            (true, false) if v.open && live && w.place.is_none() => view! {
                <form method="post" action=CheckIn::url()>
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="code" value=""/>
                    <button type="submit" class="primary">{t(locale, "workshop.check_in_me")}</button>
                </form>
            }.into_any(),
            (false, _) => view! { <p><a class="button" href=format!("/dang-nhap?next={}", crate::text::urlencode(&format!("/lop/{id}")))>{t(locale, "auth.login")}</a></p> }.into_any(),
            _ => ().into_any(),
        }}
        {v.is_trainer.then(|| view! { <p><a href=format!("/lop-tap-huan/{id}")>{t(locale, "workshop.manage")}</a></p> })}
    }
}

/// Check-in with the code from the screen.
#[component]
pub fn CheckInPage() -> impl IntoView {
    let id = id_param();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_public(id.clone()).await {
                        Ok(v) => view! { <CheckInBody view=v/> }.into_any(),
                        Err(e) => failed(e, &format!("/lop/{id}")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CheckInBody(view: PublicView) -> impl IntoView {
    let locale = use_locale();
    let w = view.workshop.clone();
    let id = w.id.clone();
    let q = use_query_map();
    let (code, province) = q.with_untracked(|q| (q.get("ma").unwrap_or_default(), q.get("tinh").unwrap_or_default()));
    let here = format!("/lop/{id}/diem-danh?ma={}", crate::text::urlencode(&code));
    view! {
        <Title text=format!("{} · {}", t(locale, "workshop.checkin"), w.title)/>
        <h1>{t(locale, "workshop.checkin")}</h1>
        <p><strong>{w.title.clone()}</strong></p>
        <p class="meta">{when(&w)} " · " {place(locale, &w)}</p>
        <FormError fields=&["full_name", "phone", "password", "org_name", "org_type", "region"]/>
        {if view.attended {
            view! { <p class="ok">"✓ " {t(locale, "workshop.you_attended")}</p> <p><a class="button" href=format!("/lop/{id}")>{t(locale, "workshop.public_page")}</a></p> }.into_any()
        } else if view.signed_in {
            view! {
                <form method="post" action=CheckIn::url()>
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="code" value=code.clone()/>
                    <button type="submit" class="primary big">{t(locale, "workshop.check_in_me")}</button>
                </form>
            }.into_any()
        } else {
            view! {
                <p><a class="button primary" href=format!("/dang-nhap?next={}", crate::text::urlencode(&here))>{t(locale, "workshop.have_account")}</a></p>
                <h2>{t(locale, "workshop.new_here")}</h2>
                <NewcomerForm id=id.clone() code=code.clone() province=province.clone()/>
            }.into_any()
        }}
    }
}

/// Sign-up and check-in in one form: the province first (a list of links), then the rest.
#[component]
fn NewcomerForm(id: String, code: String, province: String) -> impl IntoView {
    let locale = use_locale();
    let base = format!("/lop/{id}/diem-danh?ma={}", crate::text::urlencode(&code));
    view! {
        <Suspense>
            {move || {
                let (id, code, province, base) = (id.clone(), code.clone(), province.clone(), base.clone());
                Suspend::new(async move {
                    if province.is_empty() {
                        return match crate::auth::api::list_regions(String::new()).await {
                            Ok(list) => view! {
                                <p>{t(locale, "auth.pick_province")}</p>
                                <ul class="picker">{list.into_iter().map(|r| view! { <li><a class="button" href=format!("{base}&tinh={}", r.code)>{r.name}</a></li> }).collect_view()}</ul>
                            }.into_any(),
                            Err(e) => failed(e, &base),
                        };
                    }
                    match crate::auth::api::list_regions(province.clone()).await {
                        Ok(communes) => view! {
                            <form method="post" action=format!("/lop/{id}/diem-danh/dang-ky") class="stack">
                                <input type="hidden" name="code" value=code.clone()/>
                                <input type="hidden" name="province" value=province.clone()/>
                                <label for="full_name">{t(locale, "auth.full_name")}</label>
                                <input id="full_name" name="full_name" required minlength="2" maxlength="100" autocomplete="name" value=form_value("full_name") aria-describedby=described_by("full_name", None)/>
                                <FieldError field="full_name"/>
                                <label for="phone">{t(locale, "auth.phone")}</label>
                                <input id="phone" name="phone" type="tel" inputmode="tel" required autocomplete="tel" value=form_value("phone") aria-describedby=described_by("phone", None)/>
                                <FieldError field="phone"/>
                                <label for="password">{t(locale, "auth.password")}</label>
                                <input id="password" name="password" type="password" required minlength="8" autocomplete="new-password" aria-describedby=described_by("password", None)/>
                                <FieldError field="password"/>
                                <label for="org_name">{t(locale, "auth.org_name")}</label>
                                <input id="org_name" name="org_name" maxlength="200" value=form_value("org_name")/>
                                <label for="org_type">{t(locale, "auth.org_type")}</label>
                                <select id="org_type" name="org_type">
                                    {crate::auth::ORG_TYPES.iter().map(|o| view! { <option value=*o selected=form_value("org_type") == *o>{t(locale, &format!("org.{o}"))}</option> }).collect_view()}
                                </select>
                                <label for="region">{t(locale, "auth.commune")}</label>
                                <select id="region" name="region" aria-describedby=described_by("region", None)>
                                    {communes.into_iter().map(|r| view! { <option value=r.code.clone() selected=form_value("region") == r.code>{r.name}</option> }).collect_view()}
                                </select>
                                <FieldError field="region"/>
                                <button type="submit" class="primary">{t(locale, "workshop.sign_up_check_in")}</button>
                            </form>
                        }.into_any(),
                        Err(e) => failed(e, &base),
                    }
                })
            }}
        </Suspense>
    }
}

/// The poster: title, time, place and a QR code of the workshop's page, for A4.
#[component]
pub fn PosterPage() -> impl IntoView {
    let id = id_param();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match super::api::get_poster(id.clone()).await {
                        Ok((v, qr)) => {
                            let locale = use_locale();
                            let w = v.workshop.clone();
                            view! {
                                <Title text=w.title.clone()/>
                                <div class="poster">
                                    <p class="poster-kicker">{t(locale, "workshop.poster_kicker")}</p>
                                    <h1>{w.title.clone()}</h1>
                                    <p class="poster-when">{when(&w)}</p>
                                    <p class="poster-where">{place(locale, &w)}</p>
                                    <div class="qr" role="img" aria-label=t(locale, "workshop.qr_page_label") inner_html=qr></div>
                                    <p>{t(locale, "workshop.poster_scan")}</p>
                                    <ul class="poster-courses">{w.courses.iter().map(|(_, title)| view! { <li>{title.clone()}</li> }).collect_view()}</ul>
                                </div>
                            }.into_any()
                        }
                        Err(e) => failed(e, &format!("/lop/{id}/ap-phich")),
                    }
                })
            }}
        </Suspense>
    }
}

/// The person's own check-in code on their account page: once loaded it needs no data, so it works in a hall
/// without signal (or as a screenshot).
#[component]
pub fn MyCheckInCode() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                super::api::get_my_code().await.ok().map(|(code, qr)| view! {
                    <section class="panel my-code" aria-labelledby="h-my-code">
                        <h2 id="h-my-code">{t(locale, "workshop.my_code")}</h2>
                        <p>{t(locale, "workshop.my_code_hint")}</p>
                        <div class="qr" role="img" aria-label=t(locale, "workshop.my_code") inner_html=qr></div>
                        <p class="code">{code}</p>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// `/ma/:code`: what a phone's camera app opens from a personal code.
#[component]
pub fn PersonalCodePage() -> impl IntoView {
    let locale = use_locale();
    let code = use_params_map().read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text=t(locale, "workshop.personal_title")/>
        <h1>{t(locale, "workshop.personal_title")}</h1>
        <FormError fields=&[]/>
        <Suspense>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    match super::api::get_personal_code(code.clone()).await {
                        Ok(v) if !v.valid => view! { <p class="error">{t(locale, "form.checkin_unknown_code")}</p> }.into_any(),
                        Ok(v) => view! {
                            {match &v.holder {
                                Some(name) => view! { <p><strong>{name.clone()}</strong></p> }.into_any(),
                                None => view! { <p>{t(locale, "workshop.personal_note")}</p> }.into_any(),
                            }}
                            {v.workshops.iter().map(|(id, title)| view! {
                                <form method="post" action=super::api::CheckInCode::url()>
                                    <input type="hidden" name="id" value=id.clone()/>
                                    <input type="hidden" name="code" value=v.code.clone()/>
                                    <button type="submit" class="primary">{format!("{} · {title}", t(locale, "workshop.check_in_them"))}</button>
                                </form>
                            }).collect_view()}
                        }.into_any(),
                        Err(e) => failed(e, &format!("/ma/{code}")),
                    }
                })
            }}
        </Suspense>
    }
}
