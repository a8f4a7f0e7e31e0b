//! `/soan-thao/:course/xuat-ban`: what publishing will change (files added, changed and removed, with a line
//! diff of each), the checker's problems, and the step this person may take: publish, ask for review,
//! approve or send back.

use super::api::{get_publish_plan, Approve, Publish, Reject, Withdraw};
use super::PublishPlan;
use crate::components::{described_by, FieldError, FormError};
use crate::i18n::{t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The publish page.
#[component]
pub fn PublishPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("course").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match get_publish_plan(slug.clone()).await {
                        Ok(p) => view! { <Plan plan=p/> }.into_any(),
                        Err(e) => super::course_page::failed(e, &format!("/soan-thao/{slug}/xuat-ban")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Plan(plan: PublishPlan) -> impl IntoView {
    let locale = use_locale();
    let p = plan;
    let base = format!("/soan-thao/{}", p.slug);
    let blocked = !p.problems.is_empty();
    view! {
        <Title text=format!("{} · {}", t(locale, "author.publish_title"), p.title)/>
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/soan-thao">{t(locale, "author.title")}</a> " › " <a href=base.clone()>{p.title.clone()}</a>
        </nav>
        <h1>{t(locale, "author.publish_title")}</h1>
        {super::course_page::done_note(&[("da-gui", "author.requested"), ("zip", "author.zip_loaded")])}
        <FormError fields=&["comment"]/>
        {(p.state == "review").then(|| view! {
            <p class="notice">{tf(locale, "author.waiting", &[("who", p.requested_by.clone().unwrap_or_default())])}</p>
        })}
        {(!p.has_draft).then(|| view! { <p class="muted">{t(locale, "author.no_draft")}</p> })}
        {blocked.then(|| view! {
            <section class="panel" role="alert">
                <h2>{tf(locale, "author.problems_n", &[("n", p.problems.len().to_string())])}</h2>
                <ul class="problems">
                    {p.problems.iter().map(|pr| {
                        let href = if pr.path.is_empty() || !super::editable(&pr.path) { base.clone() } else { format!("{base}/tep/{}", pr.path) };
                        view! {
                            <li><a href=href><code>{pr.path.clone()}</code> " " {tf(locale, "author.line_col", &[("l", pr.line.to_string()), ("c", pr.column.to_string())])}</a>
                            " " {pr.message.clone()}</li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="panel">
            <h2>{t(locale, "author.changes")}</h2>
            {if p.changes.is_empty() {
                view! { <p class="muted">{t(locale, "author.no_changes")}</p> }.into_any()
            } else {
                view! {
                    <ul class="changes">
                        {p.changes.iter().cloned().map(|c| view! {
                            <li class=format!("change {}", c.change)>
                                <h3><span class=format!("badge {}", c.change)>{t(locale, &format!("author.change_{}", c.change))}</span>
                                    " " {t(locale, &format!("author.kind_{}", c.kind))} " " <code>{c.path.clone()}</code></h3>
                                {c.diff.map(|d| view! { <details open=c.change == "changed"><summary>{t(locale, "author.diff")}</summary><div inner_html=d></div></details> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(p.can_publish && p.has_draft && !blocked).then(|| view! {
            <form method="post" action=Publish::url() class="panel stack">
                <input type="hidden" name="course" value=p.slug.clone()/>
                <input type="hidden" name="hash" value=p.hash.clone()/>
                <label for="comment">{t(locale, "author.comment")}</label>
                <textarea id="comment" name="comment" rows="2" maxlength="2000"></textarea>
                <p class="hint">{t(locale, if p.review_required { "author.request_hint" } else { "author.publish_hint" })}</p>
                <button type="submit" class="primary">{t(locale, if p.review_required { "author.request" } else { "author.publish" })}</button>
            </form>
        })}
        {(p.state == "review" && p.can_approve).then(|| view! {
            <form method="post" action=Approve::url() class="panel stack">
                <input type="hidden" name="course" value=p.slug.clone()/>
                <input type="hidden" name="hash" value=p.hash.clone()/>
                <label for="approve-comment">{t(locale, "author.comment")}</label>
                <textarea id="approve-comment" name="comment" rows="2" maxlength="2000"></textarea>
                <button type="submit" class="primary">{t(locale, "author.approve")}</button>
            </form>
            <form method="post" action=Reject::url() class="panel stack">
                <input type="hidden" name="course" value=p.slug.clone()/>
                <label for="reject-comment">{t(locale, "author.reject_comment")}</label>
                <textarea id="reject-comment" name="comment" rows="3" maxlength="2000" required aria-describedby=described_by("comment", None)></textarea>
                <FieldError field="comment"/>
                <button type="submit" class="secondary">{t(locale, "author.reject")}</button>
            </form>
        })}
        {(p.state == "review" && !p.can_approve && p.is_maintainer).then(|| view! {
            <form method="post" action=Withdraw::url() class="panel">
                <input type="hidden" name="course" value=p.slug.clone()/>
                <button type="submit" class="secondary">{t(locale, "author.withdraw")}</button>
            </form>
        })}
        <p><a href=base>{t(locale, "author.back_to_course")}</a></p>
    }
}
