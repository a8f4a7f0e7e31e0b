//! Widgets shared by several features: the page layout (with its language switch, served by `http.rs`), the
//! not-found view, error messages, and the switch that loads the wasm bundle on pages with islands.

#[cfg(feature = "ssr")]
mod http;
#[cfg(feature = "ssr")]
pub use http::routes;

use crate::error::AppError;
use crate::text::urlencode;
use crate::i18n::{t, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// Header, main and footer around every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let locale = use_locale();
    let here = current_url();
    let switch = format!("/ngon-ngu?lang={}&next={}", locale.other().code(), urlencode(&here));
    let viewer = viewer();
    // One staff link fits a 360 px header: administration for trainers and admins (whose page links to the
    // statistics), the statistics for officials.
    let staff = viewer.as_ref().is_some_and(|u| u.has(crate::auth::Role::Trainer));
    let official = !staff && viewer.as_ref().is_some_and(|u| u.has(crate::auth::Role::Official));
    let account = match &viewer {
        Some(u) => view! { <a href="/tai-khoan">{first_name(&u.full_name)}</a> }.into_any(),
        None => view! { <a href=format!("/dang-nhap?next={}", urlencode(&here))>{t(locale, "auth.login")}</a> }.into_any(),
    };
    view! {
        <a class="skip" href="#main">{t(locale, "nav.skip")}</a>
        <header class="top">
            <a class="brand" href="/">{t(locale, "app.name")}</a>
            <nav aria-label=t(locale, "nav.courses")>
                <a class="wide-only" href="/">{t(locale, "nav.courses")}</a>
                {staff.then(|| view! { <a href="/quan-tri">{t(locale, "admin.short")}</a> })}
                {official.then(|| view! { <a href="/thong-ke">{t(locale, "nav.dashboard")}</a> })}
                {account}
                <a href=switch hreflang=locale.other().code() lang=locale.other().code() aria-label=t(locale, "lang.switch_label")>
                    {t(locale, "lang.switch")}
                </a>
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="foot">
            <p>{t(locale, "footer.about")}</p>
            <p>{t(locale, "footer.light")}</p>
        </footer>
    }
}

/// The address of the page being rendered, path and query: where to come back to after signing in.
pub fn current_url() -> String {
    let location = use_location();
    let search = location.search.get_untracked();
    let path = location.pathname.get_untracked();
    if search.is_empty() {
        path
    } else {
        format!("{path}?{}", search.trim_start_matches('?'))
    }
}

/// The signed-in viewer while rendering on the server; None in the browser.
pub fn viewer() -> Option<crate::auth::CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        crate::state::current_user()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The given name: Vietnamese names end with it ("Nguyễn Thị Ánh Tuyết" → "Tuyết").
fn first_name(full: &str) -> String {
    full.split_whitespace().last().unwrap_or(full).to_string()
}

/// The message for `?loi=<code>` after a form came back, in the reader's language.
#[component]
pub fn FormError() -> impl IntoView {
    let locale = use_locale();
    let code = leptos_router::hooks::use_query_map().read_untracked().get("loi");
    code.map(|c| {
        let msg = crate::i18n::form_message(locale, &c).unwrap_or_else(|| t(locale, "error.invalid"));
        view! { <p class="error" role="alert">{msg}</p> }
    })
}


/// Sets the response status on the server; does nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::from_u16(code).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let locale = use_locale();
    view! {
        <Title text=t(locale, "error.not_found_title")/>
        <section class="message">
            <h1>{t(locale, "error.not_found_title")}</h1>
            <p>{t(locale, "error.not_found")}</p>
            <p><a class="button" href="/">{t(locale, "nav.courses")}</a></p>
        </section>
    }
}

/// An error in place of a page's content, with the right status.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFound/> }.into_any();
    }
    set_status(error.status());
    let locale = use_locale();
    // The same message the plain handlers' error page shows.
    let message = error.page_message(locale);
    view! {
        <section class="message" role="alert">
            <h1>{t(locale, "app.name")}</h1>
            <p>{message}</p>
        </section>
    }
    .into_any()
}

/// Loads the wasm bundle (on idle, after first paint) for a page that contains islands. Pages without
/// islands leave it out and ship no JavaScript.
#[component]
pub fn Interactive() -> impl IntoView {
    let options = use_context::<LeptosOptions>();
    options.map(|options| view! { <HydrationScripts options islands=true/> })
}
