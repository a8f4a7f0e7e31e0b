//! Learning without signal (docs/offline.md): a course saved on the phone, read and answered offline, and
//! every answer given offline reaching the server exactly once.
//!
//! The phone keeps a queue; the server decides. The service worker (`sw.js`) keeps only what the learner
//! chose to save and queues the learning posts that could not be sent; the page script (`offline.js`)
//! saves courses, shows the queue and sends it (`POST /dong-bo`, one request for the whole queue). Both go
//! through the one write path (`db::learning`), so a resend is recognised by its id and content.

pub mod api;
#[cfg(feature = "ssr")]
mod http;
#[cfg(feature = "ssr")]
pub(crate) mod sync;
pub mod saved_page;
pub mod ticket_page;

#[cfg(feature = "ssr")]
pub use http::routes;
pub use saved_page::SavedPage;
pub use ticket_page::TicketPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie the page script sets once this phone keeps a course or a queue: pages then load the script
/// (and nothing changes for anyone else).
pub const COOKIE: &str = "th_off";

/// A ticket's page: its questions, or where its result is once submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub attempt: crate::quiz::AttemptView,
    pub time_limit: Option<u32>,
    pub submitted: bool,
}

/// Whether this request's phone keeps saved courses or a queue (the [`COOKIE`]).
pub fn phone_keeps_courses() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>().is_some_and(|p| {
            p.headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|c| {
                c.split(';').any(|kv| kv.trim() == format!("{COOKIE}=1"))
            })
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The offline script, deferred (it runs after the page is painted). The shell puts it on every page of a
/// phone that keeps something; pages that need it anyway (the course page's save button, the saved-courses
/// page, a ticket) say `always`, and get it from here only when the shell did not add it.
#[component]
pub fn OfflineScript(#[prop(optional)] always: bool) -> impl IntoView {
    let nonce = crate::csp::nonce();
    (always != phone_keeps_courses()).then(|| view! { <script src=script_src() defer nonce=nonce></script> })
}

/// The page script (`app/public/offline.js`); the service worker is `app/public/sw.js`.
pub fn script_src() -> &'static str {
    "/offline.js"
}
