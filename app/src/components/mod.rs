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
pub(crate) fn first_name(full: &str) -> String {
    full.split_whitespace().last().unwrap_or(full).to_string()
}

/// The message for `?loi=<code>` after a form came back, in the reader's language. An error about one of
/// `fields` (`&o=<field>`, or `&o=<field>-<id>` in a list of forms) is left to the [`FieldError`] beside
/// that field.
#[component]
pub fn FormError(#[prop(optional)] fields: &'static [&'static str]) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let (code, field) = query.with_untracked(|q| (q.get("loi"), q.get("o")));
    // `scope` also covers `scope-<id>`, the field of one person's form in a list.
    let beside = |f: &str| fields.iter().any(|own| f == *own || f.strip_prefix(own).is_some_and(|rest| rest.starts_with('-')));
    code.filter(|_| !field.as_deref().is_some_and(beside)).map(|c| {
        let msg = crate::i18n::form_message(locale, &c).unwrap_or_else(|| t(locale, "error.invalid"));
        view! { <p class="error" role="alert">{msg}</p> }
    })
}

/// A value a failed form brought back in its URL (see `state::finish_form_keeping`), empty when none.
pub fn form_value(name: &str) -> String {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name)).unwrap_or_default()
}

/// Every value of a repeated field (checkboxes) a failed form brought back.
pub fn form_values(name: &str) -> Vec<String> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get_all(name)).unwrap_or_default()
}

/// Whether the form came back with an error about `field` (`&o=<field>`).
pub fn field_failed(field: &str) -> bool {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get("o").is_some_and(|o| o == field))
}

/// The id of the message beside `field`, for the input's `aria-describedby`.
pub fn field_error_id(field: &str) -> String {
    format!("{field}-loi")
}

/// `aria-describedby` for an input: its hint, if any, and its error message when the form came back with one.
pub fn described_by(field: &str, hint: Option<&str>) -> Option<String> {
    let error = field_failed(field).then(|| field_error_id(field));
    let ids: Vec<String> = hint.map(str::to_string).into_iter().chain(error).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The message beside `field` when the form came back with an error about it; nothing otherwise. Its id is
/// [`field_error_id`], so the input can point at it.
#[component]
pub fn FieldError(#[prop(into)] field: String) -> impl IntoView {
    let locale = use_locale();
    let code = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("loi"));
    code.filter(|_| field_failed(&field)).map(|c| {
        let msg = crate::i18n::form_message(locale, &c).unwrap_or_else(|| t(locale, "error.invalid"));
        view! { <p id=field_error_id(&field) class="error field-error" role="alert">{msg}</p> }
    })
}

/// A `<textarea>`'s text. Leptos writes a textarea's children as they are (it treats the element as raw
/// text), so a stored text holding `</textarea><script>` would end the element and run; escaped, the
/// browser decodes it back into exactly the text. `scripts/check-layout.py` checks every textarea uses it.
pub fn textarea_text(text: &str) -> String {
    crate::text::escape_html(text)
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
///
/// This is leptos's `HydrationScripts` in islands mode, with one change: the module preload carries the
/// page's nonce. leptos writes the nonce into the preload's `crossorigin` instead, and under the
/// Content-Security-Policy (`'strict-dynamic'`, no `'self'`) a preload without a nonce is refused and
/// reported as a violation. `islands.js` is leptos 0.8.23's `src/hydration/island_script.js` (MIT),
/// unchanged.
#[component]
pub fn Interactive() -> impl IntoView {
    let options = use_context::<LeptosOptions>()?;
    let (js, wasm) = bundle_names(&options);
    let pkg = options.site_pkg_dir.to_string();
    #[cfg(feature = "ssr")]
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let nonce = crate::csp::nonce();
    let script = format!("{}(\"\", {pkg:?}, {js:?}, {wasm:?});", include_str!("islands.js").trim_end().trim_end_matches(';'));
    Some(view! {
        <link rel="modulepreload" href=format!("/{pkg}/{js}.js") nonce=nonce.clone() crossorigin="anonymous"/>
        <link rel="preload" href=format!("/{pkg}/{wasm}.wasm") r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        <script type="module" nonce=nonce>{script}</script>
    })
}

/// The wasm glue's and the wasm's file names without extension, as cargo-leptos wrote them: with the hashes
/// of `hash.txt` beside the binary when files are hashed.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    #[cfg(feature = "ssr")]
    {
        let (mut js, mut wasm) = (name.clone(), name);
        if options.hash_files {
            let hash_path = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
            let text = hash_path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
            for (file, hash) in text.lines().filter_map(|l| l.trim().split_once(':')) {
                match file {
                    "js" => js.push_str(&format!(".{}", hash.trim())),
                    "wasm" => wasm.push_str(&format!(".{}", hash.trim())),
                    _ => {}
                }
            }
            return (js, wasm);
        }
        // Unhashed, wasm-bindgen names the wasm `<name>_bg.wasm` unless cargo-leptos renamed it: the file on
        // disk says which.
        let bg = format!("{wasm}_bg");
        if std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref()).join(format!("{bg}.wasm")).exists() {
            wasm = bg;
        }
        (js, wasm)
    }
    #[cfg(not(feature = "ssr"))]
    (name.clone(), name)
}
