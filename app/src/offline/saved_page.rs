//! `/hoc-khong-can-mang`: the courses kept on this phone, the space they use, when each was saved, whether
//! the server has a newer revision, a way to remove each; and the queue of what waits to be sent. The lists
//! live on the phone, so the page script fills them in; the server sends the frame. Offline, the service
//! worker shows this page for any page that was not saved.

use super::OfflineScript;
use crate::i18n::{t, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

/// The saved-courses page.
#[component]
pub fn SavedPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=t(locale, "offline.title")/>
        <h1>{t(locale, "offline.title")}</h1>
        <p class="offline-only note" hidden>{t(locale, "offline.not_saved_here")}</p>
        <noscript><p class="note">{t(locale, "offline.needs_js")}</p></noscript>
        <section aria-labelledby="saved-h">
            <h2 id="saved-h">{t(locale, "offline.saved")}</h2>
            <p class="muted" data-usage></p>
            <ul class="items" data-saved-list>
                <li class="muted">{t(locale, "offline.none_saved")}</li>
            </ul>
        </section>
        <section aria-labelledby="queue-h">
            <h2 id="queue-h">{t(locale, "offline.queue")}</h2>
            <ul class="items" data-queue-list>
                <li class="muted">{t(locale, "offline.queue_empty")}</li>
            </ul>
        </section>
        <p><a class="button" href="/">{t(locale, "nav.courses")}</a></p>
        <OfflineScript always=true/>
    }
}

/// The course page's "save for offline" box. The button, the size and the progress are the page script's;
/// without JavaScript one line says that saving needs it (reading and quizzes online work as before).
#[component]
pub fn SaveBox(course: String) -> impl IntoView {
    let locale = use_locale();
    let signed_in = crate::components::viewer().is_some();
    view! {
        <section class="offline-box" data-offline-course=course aria-label=t(locale, "offline.title")>
            {if signed_in {
                view! {
                    <noscript><p class="muted">{t(locale, "offline.needs_js")}</p></noscript>
                    <div data-offline-ui hidden>
                        <button type="button" data-save>{t(locale, "offline.save")}</button>
                        <progress data-progress max="100" value="0" hidden aria-label=t(locale, "offline.saving")></progress>
                        <p class="muted" data-status role="status" aria-live="polite"></p>
                    </div>
                    <OfflineScript always=true/>
                }.into_any()
            } else {
                view! { <p class="muted">{t(locale, "offline.sign_in")}</p> }.into_any()
            }}
        </section>
    }
}
