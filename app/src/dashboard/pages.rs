//! `/thong-ke` (the dashboard), `/thong-ke/nguoi-hoc` (the learner list) and `/thong-ke/bao-cao` (the
//! print report). Plain HTML and forms: filters are GET forms, targets are POST forms; no JavaScript.

use super::api::{get_dashboard, get_learners, AddTarget, RemoveTarget};
use super::charts::{monthly_columns, percent_bars};
use super::{Dashboard, Filter, Learner, LearnerList, Line};
use crate::auth::ORG_TYPES;
use crate::components::{described_by, field_failed, form_value, ErrorView, FieldError, FormError};
use crate::error::AppError;
use crate::i18n::{format_date, format_percent, t, tf, use_locale, Locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The target form's fields that show their own message.
const TARGET_FIELDS: &[&str] = &["vung", "khoa", "loai", "target", "han", "dem"];

fn filter_from_url() -> Filter {
    let query = use_query_map();
    let q = query.read_untracked();
    Filter::from_query(|k| q.get(k))
}

/// `1234567` as `1.234.567` (Vietnamese) or `1,234,567` (English).
pub fn fmt_int(locale: Locale, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if locale == Locale::Vi { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Sign-in for anonymous viewers, the error otherwise.
fn refused(e: AppError, here: &str) -> AnyView {
    let locale = use_locale();
    if e == AppError::Unauthorized {
        crate::auth::pages::redirect_to_login(here);
        return view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any();
    }
    view! { <ErrorView error=e/> }.into_any()
}

/// `/thong-ke`: figures, charts and tables for the filter in the URL.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let filter = filter_from_url();
    let here = crate::components::current_url();
    view! {
        <Title text=t(locale, "dash.title")/>
        <h1>{t(locale, "dash.title")}</h1>
        <FormError fields=TARGET_FIELDS/>
        <Suspense>
            {move || {
                let (filter, here) = (filter.clone(), here.clone());
                Suspend::new(async move {
                    match get_dashboard(filter).await {
                        Ok(d) => view! { <DashboardView d=d/> }.into_any(),
                        Err(e) => refused(e, &here),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let f = d.filter.clone();
    let qs = f.query_string();
    let suffix = if qs.is_empty() { String::new() } else { format!("?{qs}") };
    view! {
        <Crumbs d=d.clone() path="/thong-ke"/>
        <FilterForm d=d.clone()/>
        <p class="actions">
            <a class="button primary" href=format!("/thong-ke/nguoi-hoc{suffix}")>{t(locale, "dash.learner_list")}</a>
            " "
            <a class="button secondary" href=format!("/thong-ke/bao-cao{suffix}")>{t(locale, "dash.report")}</a>
            " "
            <a class="button secondary" href=format!("/thong-ke/xuat.xlsx{suffix}") download>{t(locale, "dash.export_xlsx")}</a>
            " "
            <a class="button secondary" href=format!("/thong-ke/xuat.csv{suffix}") download>{t(locale, "dash.export_csv")}</a>
        </p>
        <Figures d=d.clone() drill=true/>
        <Targets d=d/>
    }
}

/// Where we are: from the viewer's area down to the region shown, each a link keeping the other filters.
#[component]
fn Crumbs(d: Dashboard, path: &'static str) -> impl IntoView {
    let locale = use_locale();
    let n = d.crumbs.len();
    let f = d.filter.clone();
    view! {
        <nav class="crumbs" aria-label=t(locale, "dash.regions")>
            {d.crumbs.iter().enumerate().map(|(i, c)| {
                let label = if c.value.is_empty() { t(locale, "dash.country") } else { c.label.clone() };
                let sep = if i > 0 { " › " } else { "" };
                if i + 1 == n {
                    view! { {sep} <span aria-current="page">{label}</span> }.into_any()
                } else {
                    view! { {sep} <a href=f.in_region(&c.value).href(path)>{label}</a> }.into_any()
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn FilterForm(d: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let f = d.filter.clone();
    let shown = d.crumbs.last().map(|c| c.value.clone()).unwrap_or_default();
    let region_name = if shown.is_empty() { t(locale, "dash.country") } else { d.region_name() };
    view! {
        <details class="filters" open=!f.query_string().is_empty()>
            <summary>{t(locale, "dash.filters")}</summary>
            <form method="get" action="/thong-ke" class="stack">
                <label for="f-khoa">{t(locale, "dash.course")}</label>
                <select id="f-khoa" name="khoa">
                    <option value="">{t(locale, "dash.all_courses")}</option>
                    {d.courses.iter().map(|c| view! { <option value=c.value.clone() selected=c.value == f.khoa>{c.label.clone()}</option> }).collect_view()}
                </select>
                <label for="f-vung">{t(locale, "dash.region")}</label>
                <select id="f-vung" name="vung">
                    <option value=shown.clone() selected=true>{tf(locale, "dash.all_of", &[("name", region_name)])}</option>
                    {d.subregions.iter().map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> }).collect_view()}
                </select>
                <label for="f-loai">{t(locale, "dash.org_type")}</label>
                <select id="f-loai" name="loai">
                    <option value="">{t(locale, "dash.all_types")}</option>
                    {ORG_TYPES.iter().map(|o| view! { <option value=*o selected=*o == f.loai>{t(locale, &format!("org.{o}"))}</option> }).collect_view()}
                </select>
                <fieldset class="months">
                    <legend>{t(locale, "dash.enrolled_between")}</legend>
                    <label for="f-tu">{t(locale, "dash.from_month")}</label>
                    <input id="f-tu" name="tu" type="month" placeholder="2026-01" pattern="[0-9]{4}-[0-9]{2}" value=f.tu.clone()/>
                    <label for="f-den">{t(locale, "dash.to_month")}</label>
                    <input id="f-den" name="den" type="month" placeholder="2026-12" pattern="[0-9]{4}-[0-9]{2}" value=f.den.clone()/>
                </fieldset>
                <button type="submit">{t(locale, "dash.apply")}</button>
                <a href="/thong-ke">{t(locale, "dash.clear")}</a>
            </form>
        </details>
    }
}

/// Headline figures, then each breakdown as a chart and its table. Shared by the dashboard and the report.
#[component]
fn Figures(d: Dashboard, drill: bool) -> impl IntoView {
    let locale = use_locale();
    let h = d.headline;
    let kpi = move |key: &str, n: i64| view! { <div class="kpi"><dt>{t(locale, key)}</dt><dd>{fmt_int(locale, n)}</dd></div> };
    let rate = if h.enrolled > 0 { h.completed as f64 * 100.0 / h.enrolled as f64 } else { 0.0 };
    let months: Vec<(String, i64, i64)> = d.by_month.iter().map(|m| (m.month.clone(), m.enrolled, m.completions)).collect();
    let month_svg = monthly_columns(
        "ch-month",
        &t(locale, "dash.by_month"),
        &tf(locale, "dash.month_desc", &[("n", months.len().to_string())]),
        &months,
    );
    let f = d.filter.clone();
    view! {
        <p class="meta">{tf(locale, "dash.as_of", &[("date", format_date(d.as_of))])} " · " {t(locale, "dash.cohort_note")}</p>
        <dl class="kpis">
            {kpi("dash.learners", h.learners)}
            {kpi("dash.enrolled", h.enrolled)}
            {kpi("dash.active", h.active)}
            {kpi("dash.completed", h.completed)}
            {kpi("dash.certified", h.certified)}
        </dl>
        <p>{tf(locale, "dash.rate_sentence", &[("rate", format_percent(locale, rate))])}</p>
        <Breakdown id="course" title=t(locale, "dash.by_course") lines=d.by_course.clone() kind="course" link=None/>
        <Breakdown id="region" title=t(locale, "dash.by_region") lines=d.by_region.clone() kind="region" link=drill.then_some(f)/>
        <Breakdown id="org" title=t(locale, "dash.by_org") lines=d.by_org.clone() kind="org" link=None/>
        <section aria-labelledby="h-workshops">
            <h2 id="h-workshops">{t(locale, "dash.workshops")}</h2>
            <dl class="kpis">
                {kpi("dash.workshops_held", d.workshops.held)}
                {kpi("dash.trained", d.workshops.people)}
                {kpi("dash.trained_hall", d.workshops.in_hall)}
                {kpi("dash.trained_stream", d.workshops.by_stream)}
            </dl>
            {(!d.workshops.by_org.is_empty()).then(|| view! {
                <div class="table-wrap" role="region" aria-label=tf(locale, "dash.table_of", &[("title", t(locale, "dash.trained_by_org"))]) tabindex="0">
                    <table class="data">
                        <thead><tr><th scope="col">{t(locale, "dash.org_type")}</th><th scope="col">{t(locale, "dash.trained")}</th></tr></thead>
                        <tbody>
                            {d.workshops.by_org.iter().map(|(o, n)| view! {
                                <tr><th scope="row">{t(locale, &format!("org.{o}"))}</th><td>{fmt_int(locale, *n)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <p class="hint">{t(locale, "dash.trained_note")}</p>
        </section>
        {(d.late_records > 0).then(|| view! { <p class="hint">{tf(locale, "dash.late_records", &[("n", fmt_int(locale, d.late_records))])}</p> })}
        <section aria-labelledby="h-month">
            <h2 id="h-month">{t(locale, "dash.by_month")}</h2>
            {(!months.is_empty()).then(|| view! {
                <div class="chart-box" inner_html=month_svg></div>
                <p class="legend"><span class="key c-a-key"></span> {t(locale, "dash.enrolments")} " " <span class="key c-b-key"></span> {t(locale, "dash.completions")}</p>
            })}
            <div class="table-wrap" role="region" aria-label=tf(locale, "dash.table_of", &[("title", t(locale, "dash.by_month"))]) tabindex="0">
                <table class="data">
                    <thead><tr><th scope="col">{t(locale, "dash.month")}</th><th scope="col">{t(locale, "dash.enrolments")}</th><th scope="col">{t(locale, "dash.completions")}</th></tr></thead>
                    <tbody>
                        {d.by_month.iter().map(|m| view! {
                            <tr><th scope="row">{crate::calendar::month_label(&m.month)}</th><td>{fmt_int(locale, m.enrolled)}</td><td>{fmt_int(locale, m.completions)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {months.is_empty().then(|| view! { <p>{t(locale, "dash.no_data")}</p> })}
        </section>
    }
}

/// A breakdown: completion-rate bars, then the table (enrolled, completed, rate, certified).
#[component]
fn Breakdown(id: &'static str, title: String, lines: Vec<Line>, kind: &'static str, link: Option<Filter>) -> impl IntoView {
    let locale = use_locale();
    let shown: Vec<&Line> = lines.iter().filter(|l| l.counts.enrolled > 0 || kind != "region").collect();
    let bars: Vec<(String, f64)> = shown.iter().filter(|l| l.counts.enrolled > 0).map(|l| (l.label(locale, kind), l.counts.rate())).collect();
    let svg = percent_bars(&format!("ch-{id}"), &title, &t(locale, "dash.rate_desc"), &bars);
    let heading = format!("h-{id}");
    let (h_section, h_title) = (heading.clone(), heading);
    view! {
        <section aria-labelledby=h_section>
            <h2 id=h_title>{title.clone()}</h2>
            {(!bars.is_empty()).then(|| view! { <div class="chart-box" inner_html=svg></div> })}
            <div class="table-wrap" role="region" aria-label=tf(locale, "dash.table_of", &[("title", title.clone())]) tabindex="0">
                <table class="data">
                    <thead><tr>
                        <th scope="col">{t(locale, &format!("dash.col_{kind}"))}</th>
                        <th scope="col">{t(locale, "dash.enrolled")}</th>
                        <th scope="col">{t(locale, "dash.completed")}</th>
                        <th scope="col">{t(locale, "dash.rate")}</th>
                        <th scope="col">{t(locale, "dash.certified")}</th>
                    </tr></thead>
                    <tbody>
                        {shown.iter().map(|l| {
                            let label = l.label(locale, kind);
                            // Every region opens, communes too: their own courses, types and months.
                            let cell = match &link {
                                Some(f) if !l.key.is_empty() => view! { <a href=f.in_region(&l.key).href("/thong-ke")>{label}</a> }.into_any(),
                                _ => view! { {label} }.into_any(),
                            };
                            view! {
                                <tr>
                                    <th scope="row">{cell}</th>
                                    <td>{fmt_int(locale, l.counts.enrolled)}</td>
                                    <td>{fmt_int(locale, l.counts.completed)}</td>
                                    <td>{format_percent(locale, l.counts.rate())}</td>
                                    <td>{fmt_int(locale, l.counts.certified)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {shown.is_empty().then(|| view! { <p>{t(locale, "dash.no_data")}</p> })}
        </section>
    }
}

/// Targets with progress bars (plain `<progress>`), and the form to set one.
#[component]
fn Targets(d: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let shown = d.crumbs.last().map(|c| c.value.clone()).unwrap_or_default();
    let region_name = if shown.is_empty() { t(locale, "dash.country") } else { d.region_name() };
    view! {
        <section id="chi-tieu" aria-labelledby="h-targets">
            <h2 id="h-targets">{t(locale, "dash.targets")}</h2>
            <TargetList d=d.clone() editable=true/>
            {d.can_set_targets.then(|| {
                // After a refused target the form comes back open and filled in (`t-…` in the URL).
                let kept = |k: &str| form_value(&format!("t-{k}"));
                let (vung, loai) = (kept("vung"), kept("loai"));
                let khoa = Some(kept("khoa")).filter(|k| !k.is_empty()).unwrap_or_else(|| d.filter.khoa.clone());
                let failed = TARGET_FIELDS.iter().any(|f| field_failed(f));
                let invalid = |f: &str| field_failed(f).then_some("true");
                view! {
                <details class="filters" open=failed>
                    <summary>{t(locale, "dash.new_target")}</summary>
                    <form method="post" action=AddTarget::url() class="stack">
                        <label for="t-vung">{t(locale, "dash.region")}</label>
                        <select id="t-vung" name="vung" aria-invalid=invalid("vung") aria-describedby=described_by("vung", None)>
                            {(!shown.is_empty()).then(|| view! { <option value=shown.clone()>{region_name.clone()}</option> })}
                            {d.subregions.iter().map(|c| view! { <option value=c.value.clone() selected=c.value == vung>{c.label.clone()}</option> }).collect_view()}
                        </select>
                        <FieldError field="vung"/>
                        <label for="t-khoa">{t(locale, "dash.course")}</label>
                        <select id="t-khoa" name="khoa" required aria-invalid=invalid("khoa") aria-describedby=described_by("khoa", None)>
                            {d.courses.iter().map(|c| view! { <option value=c.value.clone() selected=c.value == khoa>{c.label.clone()}</option> }).collect_view()}
                        </select>
                        <FieldError field="khoa"/>
                        <label for="t-loai">{t(locale, "dash.org_type")}</label>
                        <select id="t-loai" name="loai" aria-invalid=invalid("loai") aria-describedby=described_by("loai", None)>
                            <option value="">{t(locale, "dash.all_types")}</option>
                            {ORG_TYPES.iter().map(|o| view! { <option value=*o selected=*o == loai>{t(locale, &format!("org.{o}"))}</option> }).collect_view()}
                        </select>
                        <FieldError field="loai"/>
                        <label for="t-dem">{t(locale, "dash.measure")}</label>
                        <select id="t-dem" name="dem" aria-invalid=invalid("dem") aria-describedby=described_by("dem", None)>
                            {crate::dashboard::MEASURES.iter().map(|m| view! { <option value=*m selected=*m == kept("dem")>{t(locale, &format!("dash.measure_{m}"))}</option> }).collect_view()}
                        </select>
                        <FieldError field="dem"/>
                        <label for="t-target">{t(locale, "dash.target_people")}</label>
                        <input id="t-target" name="target" inputmode="numeric" required placeholder="200" value=kept("target")
                            aria-invalid=invalid("target") aria-describedby=described_by("target", None)/>
                        <FieldError field="target"/>
                        <label for="t-han">{t(locale, "dash.due")}</label>
                        <input id="t-han" name="han" type="date" required value=kept("han")
                            aria-invalid=invalid("han") aria-describedby=described_by("han", None)/>
                        <FieldError field="han"/>
                        <button type="submit">{t(locale, "dash.save_target")}</button>
                    </form>
                </details>
                }
            })}
        </section>
    }
}

#[component]
fn TargetList(d: Dashboard, editable: bool) -> impl IntoView {
    let locale = use_locale();
    if d.targets.is_empty() {
        return view! { <p>{t(locale, "dash.no_targets")}</p> }.into_any();
    }
    view! {
        <ul class="targets">
            {d.targets.iter().map(|tg| {
                let who = if tg.org_type.is_empty() { t(locale, "dash.all_types") } else { t(locale, &format!("org.{}", tg.org_type)) };
                let due = crate::i18n::format_iso_date(&tg.due_on);
                let status = if tg.certified >= tg.target { t(locale, "dash.target_met") } else if tg.overdue { t(locale, "dash.target_overdue") } else { t(locale, "dash.target_open") };
                let label_id = format!("tg-{}", tg.id);
                view! {
                    <li class="target">
                        <p id=label_id.clone()><strong>{tg.course.clone()}</strong> " · " {tg.region.clone()} " · " {who} " · " {t(locale, &format!("dash.measure_{}", tg.measure))}</p>
                        <progress max=tg.target.to_string() value=tg.certified.min(tg.target).to_string() aria-labelledby=label_id></progress>
                        <p class="meta">
                            {tf(locale, if tg.measure == "certified" { "dash.target_progress" } else if tg.measure == "workshop" { "dash.target_progress_workshop" } else { "dash.target_progress_either" }, &[("n", fmt_int(locale, tg.certified)), ("target", fmt_int(locale, tg.target)), ("pct", format_percent(locale, tg.percent())), ("date", due)])}
                            " · " <strong>{status}</strong>
                        </p>
                        {editable.then(|| view! {
                            <form method="post" action=RemoveTarget::url()>
                                <input type="hidden" name="id" value=tg.id.clone()/>
                                <button type="submit" class="secondary">{t(locale, "dash.remove_target")}</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/thong-ke/bao-cao`: the same figures as a document to print or save as PDF.
#[component]
pub fn ReportPage() -> impl IntoView {
    let locale = use_locale();
    let filter = filter_from_url();
    let here = crate::components::current_url();
    view! {
        <Title text=t(locale, "dash.report")/>
        <Suspense>
            {move || {
                let (filter, here) = (filter.clone(), here.clone());
                Suspend::new(async move {
                    match get_dashboard(filter).await {
                        Ok(d) => view! { <ReportView d=d/> }.into_any(),
                        Err(e) => refused(e, &here),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a filter says, in words: "Khoá …; Tỉnh …; Hợp tác xã; ghi danh 01/2026–06/2026".
pub fn describe_filter(locale: Locale, d: &Dashboard) -> String {
    let mut parts = vec![if d.crumbs.last().is_none_or(|c| c.value.is_empty()) { t(locale, "dash.country") } else { d.region_name() }];
    parts.push(d.course_name().unwrap_or_else(|| t(locale, "dash.all_courses")));
    parts.push(if d.filter.loai.is_empty() { t(locale, "dash.all_types") } else { t(locale, &format!("org.{}", d.filter.loai)) });
    let month = crate::calendar::month_label;
    match (d.filter.tu.as_str(), d.filter.den.as_str()) {
        ("", "") => {}
        (a, "") => parts.push(tf(locale, "dash.since", &[("m", month(a))])),
        ("", b) => parts.push(tf(locale, "dash.until", &[("m", month(b))])),
        (a, b) => parts.push(tf(locale, "dash.between", &[("a", month(a)), ("b", month(b))])),
    }
    parts.join(" · ")
}

#[component]
fn ReportView(d: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let back = d.filter.href("/thong-ke");
    view! {
        <article class="report">
            <p class="noprint"><a href=back>{t(locale, "dash.back")}</a> " · " {t(locale, "dash.print_hint")}</p>
            <h1>{t(locale, "dash.report_title")}</h1>
            <p class="lead">{describe_filter(locale, &d)}</p>
            <Figures d=d.clone() drill=false/>
            <section aria-labelledby="h-targets">
                <h2 id="h-targets">{t(locale, "dash.targets")}</h2>
                <TargetList d=d editable=false/>
            </section>
        </article>
    }
}

/// `/thong-ke/nguoi-hoc`: learners of the filter, 50 a page, searchable by name without diacritics.
#[component]
pub fn LearnersPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let (q, sau) = {
        let m = query.read_untracked();
        (m.get("q").unwrap_or_default(), m.get("sau").unwrap_or_default())
    };
    let filter = filter_from_url();
    let here = crate::components::current_url();
    view! {
        <Title text=t(locale, "dash.learner_list")/>
        <h1>{t(locale, "dash.learner_list")}</h1>
        <Suspense>
            {move || {
                let (filter, q, sau, here) = (filter.clone(), q.clone(), sau.clone(), here.clone());
                Suspend::new(async move {
                    match get_learners(filter, q, sau).await {
                        Ok(list) => view! { <LearnerListView list=list/> }.into_any(),
                        Err(e) => refused(e, &here),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn LearnerListView(list: LearnerList) -> impl IntoView {
    let locale = use_locale();
    let f = list.filter.clone();
    let hidden = [("khoa", f.khoa.clone()), ("vung", f.vung.clone()), ("loai", f.loai.clone()), ("tu", f.tu.clone()), ("den", f.den.clone())];
    let next = list.next.clone().map(|sau| {
        let mut href = f.href("/thong-ke/nguoi-hoc");
        href.push(if href.contains('?') { '&' } else { '?' });
        if !list.q.is_empty() {
            href.push_str(&format!("q={}&", crate::text::urlencode(&list.q)));
        }
        href.push_str(&format!("sau={}", crate::text::urlencode(&sau)));
        href
    });
    let region = if list.region_name.is_empty() { t(locale, "dash.country") } else { list.region_name.clone() };
    view! {
        <p class="meta">{region} " · " <a href=f.href("/thong-ke")>{t(locale, "dash.back")}</a></p>
        <form method="get" action="/thong-ke/nguoi-hoc" role="search" class="search">
            {hidden.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
            <label for="q">{t(locale, "dash.search_name")}</label>
            <div class="row">
                <input id="q" name="q" type="search" value=list.q.clone()/>
                <button type="submit">{t(locale, "catalog.search_button")}</button>
            </div>
        </form>
        {if list.learners.is_empty() {
            view! { <p>{t(locale, "dash.no_learners")}</p> }.into_any()
        } else {
            view! { <ul class="people">{list.learners.into_iter().map(|l| view! { <LearnerItem l=l/> }).collect_view()}</ul> }.into_any()
        }}
        {next.map(|href| view! { <p><a class="button secondary" href=href rel="next">{t(locale, "dash.next_page")}</a></p> })}
    }
}

#[component]
fn LearnerItem(l: Learner) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class="person">
            <h2>{l.name.clone()}</h2>
            <p class="meta">{l.org_name.clone()} " · " {t(locale, &format!("org.{}", l.org_type))} " · " {l.region.clone()}</p>
            <ul class="courses-of">
                {l.courses.iter().map(|c| {
                    let progress = tf(locale, "dash.lessons_of", &[("done", c.lessons_done.to_string()), ("total", c.lessons_total.to_string())]);
                    let score = c.best_score.map(|s| tf(locale, "dash.best_score", &[("pct", format_percent(locale, s))]));
                    view! {
                        <li>
                            <strong>{c.course.clone()}</strong> ": " {progress}
                            {score.map(|s| view! { " · " {s} })}
                            {c.certificate.clone().map(|code| view! { " · " <a href=format!("/verify/{code}")>{t(locale, "dash.certificate")} " " {code.clone()}</a> })}
                            {(c.certificate.is_none() && c.completed_at.is_some()).then(|| view! { " · " {t(locale, "dash.completed")} })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_each_language() {
        assert_eq!(fmt_int(Locale::Vi, 1_234_567), "1.234.567");
        assert_eq!(fmt_int(Locale::En, 1_234_567), "1,234,567");
        assert_eq!(fmt_int(Locale::Vi, 999), "999");
        assert_eq!(fmt_int(Locale::Vi, -1000), "-1.000");
        assert_eq!(format_percent(Locale::Vi, 42.46), "42,5 %");
        assert_eq!(format_percent(Locale::En, 42.46), "42.5%");
    }
}
