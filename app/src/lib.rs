//! Tập Huấn's web app: routes, pages, islands and server functions. Compiled natively with `ssr` (inside the
//! `taphuan` server) and to wasm with `hydrate`, where only the `#[island]` components run.
//! Start at [`app::App`] for the pages and at `routes` for the plain HTTP handlers; server-only trees
//! (`db`, `content`, `state`, `routes`) are gated below.

rust_i18n::i18n!("locales", fallback = "vi");

pub mod admin;
pub mod app;
pub mod auth;
pub mod authoring;
pub mod calendar;
pub mod catalog;
pub mod certificate;
pub mod components;
pub mod csp;
pub mod dashboard;
pub mod error;
pub mod html;
pub mod i18n;
pub mod lesson;
pub mod offline;
pub mod question;
pub mod quiz;
pub mod role;
pub mod text;
pub mod workshop;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod state;

pub use error::{AppError, Result};

/// The wasm entry point: wakes the islands on pages that have them.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
