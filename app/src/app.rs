//! The HTML shell and the one route table.

use crate::admin::{AdminPage, AuditPage, ClassListPage};
use crate::authoring::{AuthorCoursePage, AuthorListPage, EditorPage, HistoryPage, PublishPage, RevisionPage};
use crate::auth::{AccountPage, LoginPage, RegisterPage, SetPasswordPage};
use crate::catalog::{CatalogPage, CoursePage, GlossaryPage};
use crate::certificate::VerifyPage;
use crate::dashboard::{DashboardPage, LearnersPage, ReportPage};
use crate::components::{Layout, NotFound};
use crate::i18n::{t, Locale};
use crate::lesson::LessonPage;
use crate::offline::{OfflineScript, SavedPage, TicketPage};
use crate::workshop::{CheckInPage, CheckInScreenPage, ManageWorkshopPage, NewWorkshopPage, PersonalCodePage, PosterPage, SheetPage, WorkshopPage, WorkshopsPage};
use crate::quiz::{AttemptPage, QuizPage, QuizStatsPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The whole document. Hydration scripts are not here: only pages with an island add them (see
/// [`crate::components::Interactive`]), so reading a lesson costs no JavaScript at all.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    provide_context(locale);
    set_csp();
    let css = css_href(&options);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
                // Only on a phone that keeps saved courses or a queue (docs/offline.md).
                <OfflineScript/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// This page's Content-Security-Policy, with the nonce leptos gives its scripts.
fn set_csp() {
    #[cfg(feature = "ssr")]
    {
        if let (Some(res), Some(n)) = (use_context::<leptos_axum::ResponseOptions>(), crate::csp::nonce()) {
            if let Ok(v) = axum::http::HeaderValue::from_str(&crate::csp::policy(Some(&n))) {
                res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
}

/// `/pkg/taphuan.<hash>.css` when cargo-leptos hashed the files, else `/pkg/taphuan.css`.
fn css_href(options: &LeptosOptions) -> String {
    let name = options.output_name.to_string();
    #[cfg(feature = "ssr")]
    {
        if options.hash_files {
            let hash_path = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
            if let Some(text) = hash_path.and_then(|p| std::fs::read_to_string(p).ok()) {
                if let Some(h) = text.lines().find_map(|l| l.trim().strip_prefix("css:")) {
                    return format!("/{}/{name}.{}.css", options.site_pkg_dir, h.trim());
                }
            }
        }
    }
    format!("/{}/{name}.css", options.site_pkg_dir)
}

/// The locale of this request, from the `lang` cookie.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<axum::http::request::Parts>() {
            return Locale::from_headers(&parts.headers);
        }
    }
    Locale::default()
}

/// A page's `<title>` as it goes into the HTML. leptos_meta writes the title's text into the head as it is,
/// so a lesson titled `</title><script>…` would end the element and run on every learner's page: every
/// title is escaped once, here. (In the browser the formatter sets `document.title`, which is text.)
fn title_text(s: String) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::text::escape_html(&s)
    }
    #[cfg(not(feature = "ssr"))]
    {
        s
    }
}

/// Routes. Every page renders completely on the server before it is sent (`SsrMode::Async`), so it reads
/// the same with JavaScript off.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = crate::i18n::use_locale();
    view! {
        <Title formatter=move |s: String| title_text(if s.is_empty() { t(locale, "app.name") } else { format!("{s} · {}", t(locale, "app.name")) })/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=CatalogPage ssr=SsrMode::Async/>
                    // "Khoá học" in every breadcrumb links here: the catalogue under its own name too.
                    <Route path=path!("/khoa-hoc") view=CatalogPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course") view=CoursePage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/thuat-ngu") view=GlossaryPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/bai/:lesson") view=LessonPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/kiem-tra/:quiz") view=QuizPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/kiem-tra/:quiz/lan/:attempt") view=AttemptPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/kiem-tra/:quiz/thong-ke") view=QuizStatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/khoa-hoc/:course/kiem-tra/:quiz/ve/:ticket") view=TicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/hoc-khong-can-mang") view=SavedPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify/:code") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/dang-ky") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/dang-nhap") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/tai-khoan") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/mat-khau/:token") view=SetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/nhap-lop") view=ClassListPage ssr=SsrMode::Async/>
                    <Route path=path!("/quan-tri/nhat-ky") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao") view=AuthorListPage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao/:course") view=AuthorCoursePage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao/:course/tep/:file") view=EditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao/:course/xuat-ban") view=PublishPage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao/:course/lich-su") view=HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/soan-thao/:course/lich-su/:rev") view=RevisionPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop-tap-huan") view=WorkshopsPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop-tap-huan/moi") view=NewWorkshopPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop-tap-huan/:id") view=ManageWorkshopPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop-tap-huan/:id/danh-sach") view=SheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop-tap-huan/:id/man-hinh") view=CheckInScreenPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop/:id") view=WorkshopPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop/:id/diem-danh") view=CheckInPage ssr=SsrMode::Async/>
                    <Route path=path!("/lop/:id/ap-phich") view=PosterPage ssr=SsrMode::Async/>
                    <Route path=path!("/ma/:code") view=PersonalCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/thong-ke") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/thong-ke/nguoi-hoc") view=LearnersPage ssr=SsrMode::Async/>
                    <Route path=path!("/thong-ke/bao-cao") view=ReportPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
