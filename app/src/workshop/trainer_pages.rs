//! The trainer's pages: `/lop-tap-huan` (list), `/lop-tap-huan/moi` (new), `/lop-tap-huan/:id` (run the
//! session: the check-in code, people, the test's figures) and `/lop-tap-huan/:id/danh-sach` (the sheet).

use super::api::{get_edit, get_manage, get_new_form, get_workshops, CancelWorkshop, CheckInPhone, SetRecording, WalkIn};
use super::{ManageView, WorkshopView};
use crate::components::{described_by, form_value, ErrorView, FieldError, FormError};
use crate::i18n::{format_date, format_percent, t, tf, use_locale};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(crate) fn failed(e: AppError, here: &str) -> AnyView {
    let locale = use_locale();
    if e == AppError::Unauthorized {
        crate::auth::pages::redirect_to_login(here);
        return view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any();
    }
    view! { <ErrorView error=e/> }.into_any()
}

/// "Thứ Bảy 05/12/2026, 08:00–11:30".
pub(crate) fn when(w: &WorkshopView) -> String {
    format!("{}, {}–{}", format_date(w.starts_at), crate::calendar::local_time(w.starts_at), crate::calendar::local_time(w.ends_at))
}

/// The place: the commune and address, or the livestream.
pub(crate) fn place(locale: crate::i18n::Locale, w: &WorkshopView) -> String {
    match &w.place {
        Some(p) if w.address.is_empty() => p.clone(),
        Some(p) => format!("{}, {p}", w.address),
        None => t(locale, "workshop.online"),
    }
}

/// The trainer's workshops.
#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=t(locale, "workshop.title")/>
        <h1>{t(locale, "workshop.title")}</h1>
        {crate::authoring::course_page::done_note(&[("da-huy", "workshop.cancelled")])}
        <p class="actions"><a class="button primary" href="/lop-tap-huan/moi">{t(locale, "workshop.new")}</a></p>
        <Suspense>
            {move || Suspend::new(async move {
                match get_workshops().await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(locale, "workshop.none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="items">
                            {list.into_iter().map(|w| view! {
                                <li class="item"><a href=format!("/lop-tap-huan/{}", w.id)>
                                    <span class="title">{w.title.clone()}</span>
                                    <span class="meta">{when(&w)} " · " {place(locale, &w)} " · " {tf(locale, "workshop.attendees_n", &[("n", w.attendees.to_string())])}</span>
                                </a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => failed(e, "/lop-tap-huan"),
                }
            })}
        </Suspense>
    }
}

/// A new workshop: first the province (or online only), then the form. With `?sua=<id>` the same form edits
/// a workshop, filled in with its values (or with what a refused edit sent).
#[component]
pub fn NewWorkshopPage() -> impl IntoView {
    let locale = use_locale();
    let q = use_query_map();
    let (province, editing, refused) = q.with_untracked(|q| (q.get("tinh").unwrap_or_default(), q.get("sua").unwrap_or_default(), q.get("loi").is_some()));
    let heading = if editing.is_empty() { t(locale, "workshop.new") } else { t(locale, "workshop.edit") };
    view! {
        <Title text=heading.clone()/>
        <nav class="crumbs" aria-label="breadcrumb"><a href="/lop-tap-huan">{t(locale, "workshop.title")}</a></nav>
        <h1>{heading}</h1>
        <FormError fields=&["title", "date", "end", "region", "stream_url", "capacity", "course", "test"]/>
        <Suspense>
            {move || {
                let (mut province, editing) = (province.clone(), editing.clone());
                Suspend::new(async move {
                    // The values to show: the workshop's own when editing, else (and after a refusal) the URL's.
                    let mut values: Vec<(String, String)> = q.with_untracked(|q| ["title", "date", "start", "end", "region", "address", "stream_url", "capacity", "test", "registration", "certificate"]
                        .iter()
                        .filter_map(|k| q.get(k).map(|v| (k.to_string(), v)))
                        .chain(q.get_all("course").unwrap_or_default().into_iter().map(|v| ("course".to_string(), v)))
                        .collect());
                    if !editing.is_empty() && !refused {
                        match get_edit(editing.clone()).await {
                            Ok(v) => values = v,
                            Err(e) => return failed(e, &format!("/lop-tap-huan/moi?sua={editing}")),
                        }
                    }
                    if province.is_empty() {
                        province = values.iter().find(|(k, _)| k == "province").map(|(_, v)| v.clone()).unwrap_or_default();
                    }
                    if province.is_empty() {
                        return match crate::auth::api::list_regions(String::new()).await {
                            Ok(list) => view! {
                                <p>{t(locale, "workshop.pick_province")}</p>
                                <ul class="picker">
                                    <li><a class="button" href="/lop-tap-huan/moi?tinh=truc-tuyen">{t(locale, "workshop.online_only")}</a></li>
                                    {list.into_iter().map(|r| view! { <li><a class="button" href=format!("/lop-tap-huan/moi?tinh={}", r.code)>{r.name}</a></li> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => failed(e, "/lop-tap-huan/moi"),
                        };
                    }
                    let val = |k: &str| values.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
                    let chosen: Vec<String> = values.iter().filter(|(n, _)| n == "course").map(|(_, v)| v.clone()).collect();
                    match get_new_form(province.clone()).await {
                        Ok(f) => {
                            let online = province == "truc-tuyen";
                            let (test, region) = (val("test"), val("region"));
                            view! {
                                <form method="post" action="/lop-tap-huan/tao" class="stack">
                                    <input type="hidden" name="province" value=province.clone()/>
                                    {(!editing.is_empty()).then(|| view! { <input type="hidden" name="id" value=editing.clone()/> })}
                                    <label for="w-title">{t(locale, "workshop.f_title")}</label>
                                    <input id="w-title" name="title" required minlength="3" maxlength="200" value=val("title") aria-describedby=described_by("title", None)/>
                                    <FieldError field="title"/>
                                    <label for="w-date">{t(locale, "workshop.f_date")}</label>
                                    <input id="w-date" name="date" type="date" required value=val("date") aria-describedby=described_by("date", None)/>
                                    <FieldError field="date"/>
                                    <label for="w-start">{t(locale, "workshop.f_start")}</label>
                                    <input id="w-start" name="start" type="time" required value=val("start")/>
                                    <label for="w-end">{t(locale, "workshop.f_end")}</label>
                                    <input id="w-end" name="end" type="time" required value=val("end") aria-describedby=described_by("end", None)/>
                                    <FieldError field="end"/>
                                    {(!online).then(|| view! {
                                        <label for="w-region">{t(locale, "workshop.f_commune")}</label>
                                        <select id="w-region" name="region" required aria-describedby=described_by("region", None)>
                                            {f.communes.iter().map(|(code, name)| view! { <option value=code.clone() selected=*code == region>{name.clone()}</option> }).collect_view()}
                                        </select>
                                        <FieldError field="region"/>
                                        <label for="w-address">{t(locale, "workshop.f_address")}</label>
                                        <input id="w-address" name="address" maxlength="200" value=val("address")/>
                                    })}
                                    <label for="w-stream">{t(locale, "workshop.f_stream")}</label>
                                    <input id="w-stream" name="stream_url" type="url" inputmode="url" placeholder="https://" required=online value=val("stream_url") aria-describedby=described_by("stream_url", Some("w-stream-hint"))/>
                                    <p id="w-stream-hint" class="hint">{t(locale, "workshop.f_stream_hint")}</p>
                                    <FieldError field="stream_url"/>
                                    <label for="w-capacity">{t(locale, "workshop.f_capacity")}</label>
                                    <input id="w-capacity" name="capacity" inputmode="numeric" value=val("capacity") aria-describedby=described_by("capacity", Some("w-capacity-hint"))/>
                                    <p id="w-capacity-hint" class="hint">{t(locale, "workshop.f_capacity_hint")}</p>
                                    <FieldError field="capacity"/>
                                    <fieldset class="choices">
                                        <legend>{t(locale, "workshop.f_courses")}</legend>
                                        {f.courses.iter().map(|(slug, title)| view! {
                                            <label><input type="checkbox" name="course" value=slug.clone() checked=chosen.contains(slug)/> {title.clone()}</label>
                                        }).collect_view()}
                                    </fieldset>
                                    <FieldError field="course"/>
                                    <label for="w-test">{t(locale, "workshop.f_test")}</label>
                                    <select id="w-test" name="test">
                                        <option value="">{t(locale, "workshop.f_no_test")}</option>
                                        {f.quizzes.iter().map(|(v, label)| view! { <option value=v.clone() selected=*v == test>{label.clone()}</option> }).collect_view()}
                                    </select>
                                    <label class="check"><input type="checkbox" name="registration" value="1" checked=val("registration") == "1"/> {t(locale, "workshop.f_registration")}</label>
                                    <label class="check"><input type="checkbox" name="certificate" value="1" checked=val("certificate") == "1"/> {t(locale, "workshop.f_certificate")}</label>
                                    <p class="hint">{t(locale, "workshop.f_certificate_hint")}</p>
                                    <button type="submit" class="primary">{if editing.is_empty() { t(locale, "workshop.create") } else { t(locale, "workshop.save") }}</button>
                                </form>
                            }.into_any()
                        }
                        Err(e) => failed(e, "/lop-tap-huan/moi"),
                    }
                })
            }}
        </Suspense>
    }
}

/// Running a workshop.
#[component]
pub fn ManageWorkshopPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_manage(id.clone()).await {
                        Ok(v) => view! { <Manage view=v/> }.into_any(),
                        Err(e) => failed(e, &format!("/lop-tap-huan/{id}")),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/lop-tap-huan/:id/man-hinh`: the check-in code for a projector or a phone held up at the door. A small
/// script (`/follow.js`) swaps in the new code as it changes; without JavaScript, a link fetches it.
#[component]
pub fn CheckInScreenPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_manage(id.clone()).await {
                        Ok(v) => {
                            let w = v.workshop.clone();
                            view! {
                                <Title text=w.title.clone()/>
                                <nav class="crumbs" aria-label="breadcrumb"><a href=format!("/lop-tap-huan/{}", w.id)>{w.title.clone()}</a></nav>
                                <section class="screen">
                                    <h1>{t(locale, "workshop.scan_this")}</h1>
                                    {if v.open {
                                        view! {
                                            <div id="screen-code" data-follow="">
                                                <div class="qr" role="img" aria-label=t(locale, "workshop.qr_label") inner_html=v.qr_svg.clone()></div>
                                                <p class="code">{tf(locale, "workshop.code_is", &[("c", v.code.clone())])}</p>
                                            </div>
                                            <p class="hint">{t(locale, "workshop.screen_hint")}</p>
                                            <p><a class="button" href=format!("/lop-tap-huan/{}/man-hinh", w.id)>{t(locale, "workshop.screen_refresh")}</a></p>
                                            <script src="/follow.js" defer nonce=crate::csp::nonce()></script>
                                        }.into_any()
                                    } else {
                                        view! { <p class="muted">{t(locale, "workshop.checkin_closed_note")}</p> }.into_any()
                                    }}
                                </section>
                            }.into_any()
                        }
                        Err(e) => failed(e, &format!("/lop-tap-huan/{id}/man-hinh")),
                    }
                })
            }}
        </Suspense>
    }
}

/// The trainer's scanner: plain markup that `/scanner.js` brings to life (hidden until then; the by-phone form
/// below works without it). The statuses it shows come in data attributes, in the page's language.
#[component]
fn Scanner(workshop: String) -> impl IntoView {
    let locale = use_locale();
    let l = |k: &str| t(locale, &format!("workshop.scan_{k}"));
    view! {
        <div class="scanner" data-live="off" data-workshop=workshop
            data-waiting=l("waiting") data-new=l("new") data-already=l("already") data-full=l("full") data-unknown=l("unknown")
            data-deleted=l("deleted") data-closed=l("closed") data-conflict=l("conflict") data-refused=l("refused") data-sign-in=l("sign_in") data-no-camera=l("no_camera")>
            <button type="button" class="scan-camera">{l("start")}</button>
            <video class="scan-video" muted playsinline hidden></video>
            <p class="hint" role="status"></p>
            <label for="scan-code">{l("input")}</label>
            <div class="row">
                <input id="scan-code" autocomplete="off"/>
                <button type="button" class="scan-add">{l("add")}</button>
            </div>
            <ul class="scans" aria-live="polite"></ul>
        </div>
        <script src="/scanner.js" defer nonce=crate::csp::nonce()></script>
    }
}

fn pct(locale: crate::i18n::Locale, p: Option<f64>) -> String {
    p.map(|p| format_percent(locale, p)).unwrap_or_else(|| "–".into())
}

#[component]
fn Manage(view: ManageView) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let w = v.workshop.clone();
    let id = w.id.clone();
    view! {
        <Title text=w.title.clone()/>
        // No refresh here: a reload without signal would lose the scanner. The screen page refreshes itself.
        <nav class="crumbs" aria-label="breadcrumb"><a href="/lop-tap-huan">{t(locale, "workshop.title")}</a></nav>
        <h1>{w.title.clone()}</h1>
        <p class="meta">{when(&w)} " · " {place(locale, &w)}</p>
        <p class="actions">
            <a class="button" href=format!("/lop/{id}")>{t(locale, "workshop.public_page")}</a>
            " " <a class="button" href=format!("/lop/{id}/ap-phich")>{t(locale, "workshop.poster")}</a>
            " " <a class="button" href=format!("/lop-tap-huan/{id}/danh-sach")>{t(locale, "workshop.sheet")}</a>
            " " <a class="button" href=format!("/lop-tap-huan/moi?sua={id}")>{t(locale, "workshop.edit")}</a>
        </p>
        {crate::authoring::course_page::done_note(&[("da-them", "workshop.added"), ("da-sua", "workshop.saved")])}
        <FormError fields=&["phone", "w_name", "w_phone", "w_org", "w_region"]/>
        <section id="diem-danh" class="panel">
            <h2>{t(locale, "workshop.checkin")}</h2>
            {if v.open {
                view! {
                    <p>{t(locale, "workshop.scan_this")}</p>
                    <div class="qr" role="img" aria-label=t(locale, "workshop.qr_label") inner_html=v.qr_svg.clone()></div>
                    <p class="code">{tf(locale, "workshop.code_is", &[("c", v.code.clone())])}</p>
                    <p class="hint">{t(locale, "workshop.code_hint")}</p>
                    <p><a class="button" href=format!("/lop-tap-huan/{id}/man-hinh")>{t(locale, "workshop.screen_open")}</a></p>
                }.into_any()
            } else {
                view! { <p class="muted">{t(locale, "workshop.checkin_closed_note")}</p> }.into_any()
            }}
            <h3>{t(locale, "workshop.scan")}</h3>
            <p class="hint">{t(locale, "workshop.scan_hint")}</p>
            <Scanner workshop=id.clone()/>
            <form method="post" action=CheckInPhone::url() class="stack">
                <input type="hidden" name="id" value=id.clone()/>
                <label for="ci-phone">{t(locale, "workshop.by_phone")}</label>
                <input id="ci-phone" name="phone" type="tel" inputmode="tel" required value=form_value("phone") aria-describedby=described_by("phone", None)/>
                <FieldError field="phone"/>
                <button type="submit">{t(locale, "workshop.check_in_them")}</button>
            </form>
        </section>
        <section id="them-tay" class="panel">
            <h2>{t(locale, "workshop.walk_in")}</h2>
            <p class="hint">{t(locale, "workshop.walk_in_hint")}</p>
            <form method="post" action=WalkIn::url() class="stack">
                <input type="hidden" name="id" value=id.clone()/>
                <input type="hidden" name="region" value=""/>
                <label for="wi-name">{t(locale, "auth.full_name")}</label>
                <input id="wi-name" name="full_name" required value=form_value("w_name") aria-describedby=described_by("w_name", None)/>
                <FieldError field="w_name"/>
                <label for="wi-phone">{t(locale, "auth.phone")}</label>
                <input id="wi-phone" name="phone" type="tel" inputmode="tel" required value=form_value("w_phone") aria-describedby=described_by("w_phone", None)/>
                <FieldError field="w_phone"/>
                <label for="wi-org">{t(locale, "auth.org_name")}</label>
                <input id="wi-org" name="org_name" value=form_value("w_org")/>
                <label for="wi-type">{t(locale, "auth.org_type")}</label>
                <select id="wi-type" name="org_type">
                    {crate::auth::ORG_TYPES.iter().map(|o| view! { <option value=*o>{t(locale, &format!("org.{o}"))}</option> }).collect_view()}
                </select>
                <button type="submit">{t(locale, "workshop.add")}</button>
            </form>
        </section>
        <section class="panel">
            <h2>{tf(locale, "workshop.attendees_n", &[("n", v.attendees.len().to_string())])}</h2>
            <ol class="attendees">
                {v.attendees.iter().map(|a| view! {
                    <li>{a.name.clone()} " · " {a.org_name.clone()} " · " {a.phone.clone()}
                        {(a.how == "walkin").then(|| view! { " " <span class="badge">{t(locale, "workshop.how_walkin")}</span> })}</li>
                }).collect_view()}
            </ol>
        </section>
        {w.registration.then(|| view! {
            <section class="panel">
                <h2>{tf(locale, "workshop.registered_n", &[("n", v.registrations.len().to_string()), ("came", v.registrations.iter().filter(|r| r.came).count().to_string())])}</h2>
                <ol class="attendees">
                    {v.registrations.iter().map(|r| view! {
                        <li>{r.name.clone()} " · " {r.org_name.clone()} " · " {r.phone.clone()}
                            {r.came.then(|| view! { " " <span class="badge">{t(locale, "workshop.came")}</span> })}</li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {w.test.clone().map(|_| view! {
            <section class="panel">
                <h2>{t(locale, "workshop.test")}</h2>
                <table class="figures">
                    <thead><tr><th scope="col">{t(locale, "workshop.phase")}</th><th scope="col">{t(locale, "workshop.taken")}</th><th scope="col">{t(locale, "workshop.average")}</th></tr></thead>
                    <tbody>
                        <tr><th scope="row">{t(locale, "workshop.before")}</th><td>{v.before.0}</td><td>{pct(locale, v.before.1)}</td></tr>
                        <tr><th scope="row">{t(locale, "workshop.after")}</th><td>{v.after.0}</td><td>{pct(locale, v.after.1)}</td></tr>
                    </tbody>
                </table>
                {(!v.questions.is_empty()).then(|| view! {
                    <h3>{t(locale, "workshop.by_question")}</h3>
                    <ol class="gains">
                        {v.questions.iter().map(|q| view! {
                            <li><div inner_html=q.prompt_html.clone()></div>
                                <p class="meta">{format!("{} {} → {} {}", t(locale, "workshop.before"), pct(locale, q.before), t(locale, "workshop.after"), pct(locale, q.after))}</p></li>
                        }).collect_view()}
                    </ol>
                })}
            </section>
        })}
        {(!w.stream_url.is_empty()).then(|| view! {
            <form method="post" action=SetRecording::url() class="panel stack">
                <input type="hidden" name="id" value=id.clone()/>
                <label for="rec">{t(locale, "workshop.recording")}</label>
                <input id="rec" name="url" type="url" placeholder="https://" value=w.recording_url.clone()/>
                <button type="submit">{t(locale, "workshop.save")}</button>
            </form>
        })}
        // Cancelling takes a second tap: the summary opens the confirmation.
        <details class="panel">
            <summary>{t(locale, "workshop.cancel")}</summary>
            <p>{t(locale, "workshop.cancel_hint")}</p>
            <form method="post" action=CancelWorkshop::url()>
                <input type="hidden" name="id" value=id.clone()/>
                <button type="submit" class="danger">{t(locale, "workshop.cancel_confirm")}</button>
            </form>
        </details>
    }
}

/// The printable attendance sheet, in the form provinces use.
#[component]
pub fn SheetPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_manage(id.clone()).await {
                        Ok(v) => view! { <Sheet view=v/> }.into_any(),
                        Err(e) => failed(e, &format!("/lop-tap-huan/{id}/danh-sach")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Sheet(view: ManageView) -> impl IntoView {
    let locale = use_locale();
    let w = view.workshop.clone();
    view! {
        <Title text=format!("{} · {}", t(locale, "workshop.sheet"), w.title)/>
        <div class="sheet">
            <h1>{t(locale, "workshop.sheet_title")}</h1>
            <p><strong>{w.title.clone()}</strong></p>
            <p>{when(&w)} " · " {place(locale, &w)}</p>
            <p class="noprint actions"><a class="button" href=format!("/lop-tap-huan/{}/danh-sach.xlsx", w.id)>{t(locale, "workshop.xlsx")}</a></p>
            <table class="sheet-table">
                <thead><tr>
                    {["workshop.col_no", "workshop.col_name", "workshop.col_org", "workshop.col_type", "workshop.col_place", "workshop.col_phone", "workshop.col_sign"].iter().map(|k| view! { <th scope="col">{t(locale, k)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {view.attendees.iter().enumerate().map(|(i, a)| view! {
                        <tr>
                            <td>{i + 1}</td>
                            <td>{a.name.clone()} {(a.how == "walkin").then(|| view! { <span class="walkin">{format!(" ({})", t(locale, "workshop.how_walkin"))}</span> })}</td>
                            <td>{a.org_name.clone()}</td>
                            <td>{t(locale, &format!("org.{}", a.org_type))}</td>
                            <td>{a.place.clone()}</td>
                            <td>{a.phone.clone()}</td>
                            <td class="sign"></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
