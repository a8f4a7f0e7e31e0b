//! `/khoa-hoc/:course/kiem-tra/:quiz/ve/:ticket`: a quiz taken on the phone. Saved with the course; offline
//! the service worker opens it in place of the quiz's front page, and its form goes into the queue.

use super::api::get_ticket;
use super::OfflineScript;
use crate::components::ErrorView;
use crate::i18n::{t, use_locale};
use crate::quiz::quiz_page::Questions;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A ticket's page.
#[component]
pub fn TicketPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("ticket").unwrap_or_default();
    let locale = use_locale();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_ticket(id).await {
                        Ok(v) if v.submitted => {
                            let a = &v.attempt;
                            let href = format!("/khoa-hoc/{}/kiem-tra/{}/lan/{}", a.course_slug, a.quiz_slug, a.id);
                            view! {
                                <h1>{a.title.clone()}</h1>
                                <p>{t(locale, "offline.ticket_used")}</p>
                                <p><a class="button" href=href>{t(locale, "offline.see_result")}</a></p>
                            }.into_any()
                        }
                        Ok(v) => {
                            let a = v.attempt;
                            let action = format!("/khoa-hoc/{}/kiem-tra/{}/ve/{}/nop", a.course_slug, a.quiz_slug, a.id);
                            view! {
                                <p class="note">{t(locale, "offline.ticket_note")}</p>
                                <Questions attempt=a action=action ticket=v.time_limit/>
                                <OfflineScript always=true/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
