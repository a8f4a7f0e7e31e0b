//! `/soan-thao/:course/lich-su`: every revision and every recorded step; `/lich-su/:rev` opens a revision as
//! it was published, and restores it as the draft.

use super::api::{get_history, get_revision, Restore};
use super::{HistoryView, RevisionView};
use crate::i18n::{format_date, t, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The history page.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("course").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match get_history(slug.clone()).await {
                        Ok(h) => view! { <History view=h/> }.into_any(),
                        Err(e) => super::course_page::failed(e, &format!("/soan-thao/{slug}/lich-su")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn History(view: HistoryView) -> impl IntoView {
    let locale = use_locale();
    let h = view;
    let base = format!("/soan-thao/{}", h.slug);
    view! {
        <Title text=format!("{} · {}", t(locale, "author.history"), h.title)/>
        <nav class="crumbs" aria-label="breadcrumb"><a href="/soan-thao">{t(locale, "author.title")}</a> " › " <a href=base.clone()>{h.title.clone()}</a></nav>
        <h1>{t(locale, "author.history")}</h1>
        <h2>{t(locale, "author.revisions")}</h2>
        <ol class="items">
            {h.revisions.iter().map(|r| view! {
                <li class="item">
                    <a href=format!("{base}/lich-su/{}", r.id)>
                        <span class="title">{format!("{} {}", t(locale, "author.version"), r.version)} {r.current.then(|| view! { " " <span class="badge published">{t(locale, "author.current")}</span> })}</span>
                        <span class="meta">{format_date(r.at)} " · " {r.by.clone().unwrap_or_else(|| t(locale, &format!("author.source_{}", r.source)))}</span>
                    </a>
                </li>
            }).collect_view()}
        </ol>
        <h2>{t(locale, "author.events")}</h2>
        {if h.events.is_empty() {
            view! { <p class="muted">{t(locale, "author.no_events")}</p> }.into_any()
        } else {
            view! {
                <ol class="events">
                    {h.events.iter().map(|e| view! {
                        <li>
                            <strong>{t(locale, &format!("author.event_{}", e.kind))}</strong> " · " {format_date(e.at)} " · " {e.by.clone()}
                            {(!e.comment.is_empty()).then(|| view! { <blockquote>{e.comment.clone()}</blockquote> })}
                        </li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// One revision as it was.
#[component]
pub fn RevisionPage() -> impl IntoView {
    let (slug, rev) = {
        let p = use_params_map();
        let p = p.read_untracked();
        (p.get("course").unwrap_or_default(), p.get("rev").unwrap_or_default())
    };
    view! {
        <Suspense>
            {move || {
                let (slug, rev) = (slug.clone(), rev.clone());
                Suspend::new(async move {
                    match get_revision(slug.clone(), rev.clone()).await {
                        Ok(r) => view! { <Revision view=r/> }.into_any(),
                        Err(e) => super::course_page::failed(e, &format!("/soan-thao/{slug}/lich-su/{rev}")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Revision(view: RevisionView) -> impl IntoView {
    let locale = use_locale();
    let r = view;
    let base = format!("/soan-thao/{}", r.slug);
    view! {
        <Title text=format!("{} {} · {}", t(locale, "author.version"), r.version, r.title)/>
        <nav class="crumbs" aria-label="breadcrumb"><a href=base.clone()>{r.title.clone()}</a> " › " <a href=format!("{base}/lich-su")>{t(locale, "author.history")}</a></nav>
        <h1>{format!("{} {}", t(locale, "author.version"), r.version)}</h1>
        <p class="meta">{format_date(r.at)} {r.by.clone().map(|b| format!(" · {b}"))}</p>
        {r.can_restore.then(|| view! {
            <form method="post" action=Restore::url() class="panel">
                <input type="hidden" name="course" value=r.slug.clone()/>
                <input type="hidden" name="rev" value=r.id.clone()/>
                <p class="hint">{t(locale, "author.restore_hint")}</p>
                <button type="submit">{t(locale, "author.restore")}</button>
            </form>
        })}
        {r.files.iter().cloned().map(|(path, text, html)| view! {
            <section class="panel">
                <h2><code>{path}</code></h2>
                {(!html.is_empty()).then(|| view! { <article class="prose lesson preview" inner_html=html></article> })}
                <details><summary>{t(locale, "author.source")}</summary><pre class="source">{text}</pre></details>
            </section>
        }).collect_view()}
    }
}
