//! The audit log's page: admins read at `/quan-tri/nhat-ky` what `crate::audit` recorded, filtered by
//! action and by a search.

use crate::error::AppError;
use crate::i18n::{t, tf, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One event as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// The actions recorded, by their stored names (the same list as `db::audit::ACTIONS`, which the wasm
/// build does not have).
pub const ACTIONS: [&str; 10] = [
    "role_granted",
    "role_revoked",
    "password_link",
    "certificate_revoked",
    "export",
    "publish",
    "class_list_import",
    "account_deleted",
    "training_target",
    "password_changed",
];

/// Events per page.
pub const PAGE: i64 = 100;

/// The log, newest first (admins only).
#[server(endpoint = "audit_log", input = server_fn::codec::GetUrl)]
pub async fn audit_log(action: String, q: String, page: i64) -> Result<Vec<AuditView>, AppError> {
    use crate::{db, state};
    let _admin = state::with_status(state::require_role(crate::auth::Role::Admin))?;
    let action = ACTIONS.iter().find(|a| **a == action).copied();
    let q: String = q.chars().take(100).collect();
    let rows = db::audit::list(&state::db()?, action, &q, PAGE, page.clamp(0, 10_000) * PAGE).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditView { at: r.at, actor: r.actor_name, action: r.action, target: r.target, detail: r.detail, address: r.address })
        .collect())
}

/// `/quan-tri/nhat-ky`: the audit log, for admins.
#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let (action, q, page) = query.with_untracked(|m| {
        (m.get("hanh-dong").unwrap_or_default(), m.get("q").unwrap_or_default(), m.get("trang").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0))
    });
    let (a2, q2) = (action.clone(), q.clone());
    view! {
        <Title text=t(locale, "audit.title")/>
        <h1>{t(locale, "audit.title")}</h1>
        <p class="hint">{t(locale, "audit.intro")}</p>
        <form method="get" action="/quan-tri/nhat-ky" class="stack">
            <label for="hanh-dong">{t(locale, "audit.action")}</label>
            <select id="hanh-dong" name="hanh-dong">
                <option value="">{t(locale, "audit.all")}</option>
                {ACTIONS.iter().map(|a| view! { <option value=*a selected=action == *a>{t(locale, &format!("audit.{a}"))}</option> }).collect_view()}
            </select>
            <label for="q">{t(locale, "audit.search")}</label>
            <input id="q" name="q" type="search" value=q.clone()/>
            <button type="submit">{t(locale, "audit.filter")}</button>
        </form>
        <Suspense>
            {move || {
                let (action, q) = (a2.clone(), q2.clone());
                Suspend::new(async move {
                    match audit_log(action.clone(), q.clone(), page).await {
                        Ok(events) if events.is_empty() => view! { <p class="muted">{t(locale, "audit.none")}</p> }.into_any(),
                        Ok(events) => {
                            let more = events.len() as i64 == PAGE;
                            let next = format!("/quan-tri/nhat-ky?hanh-dong={}&q={}&trang={}", crate::text::urlencode(&action), crate::text::urlencode(&q), page + 1);
                            view! {
                                <ol class="audit">
                                    {events.into_iter().map(|e| view! {
                                        <li>
                                            <p><strong>{t(locale, &format!("audit.{}", e.action))}</strong>" · "{e.target.clone()}</p>
                                            <p class="meta">{tf(locale, "audit.by", &[("who", if e.actor.is_empty() { "—".to_string() } else { e.actor.clone() }), ("when", format!("{} {}", crate::i18n::format_date(e.at), crate::calendar::local_time(e.at))), ("addr", e.address.clone())])}</p>
                                            {(!e.detail.is_empty()).then(|| view! { <p class="meta">{e.detail.clone()}</p> })}
                                        </li>
                                    }).collect_view()}
                                </ol>
                                {more.then(|| view! { <p><a class="button" href=next>{t(locale, "audit.more")}</a></p> })}
                            }.into_any()
                        }
                        Err(AppError::Unauthorized) => {
                            crate::auth::pages::redirect_to_login("/quan-tri/nhat-ky");
                            view! { <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p> }.into_any()
                        }
                        Err(e) => view! { <crate::components::ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
