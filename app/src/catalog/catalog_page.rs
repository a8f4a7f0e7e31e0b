//! `/`: the catalog, grouped by category, with a search that ignores diacritics.

use super::api::list_courses;
use super::search_island::SearchFilter;
use super::{CategoryName, CourseCard};
use crate::components::{ErrorView, Interactive};
use crate::i18n::{format_hours, t, tf, use_locale};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The catalog page. Without JavaScript the search form reloads the page with `?q=`; with it, the
/// [`SearchFilter`] island filters the cards as the learner types.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    // A plain future, not a Resource: pages outside islands never hydrate, so nothing is serialised into them.
    let q = query.read_untracked().get("q").unwrap_or_default();
    view! {
        <Title text=""/>
        <Meta name="description" content=t(locale, "app.tagline")/>
        <section class="hero">
            <h1>{t(locale, "catalog.title")}</h1>
            <p>{t(locale, "app.tagline")}</p>
        </section>
        <SearchFilter
            initial=q.clone()
            label=t(locale, "catalog.search")
            placeholder=t(locale, "catalog.search_placeholder")
            button=t(locale, "catalog.search_button")
        />
        <Suspense>
            {move || {
                let q = q.clone();
                Suspend::new(async move {
                match list_courses(q.clone()).await {
                    Ok(list) => view! { <CourseList list=list query=q/> }.into_any(),
                    Err(e) => view! { <ErrorView error=e/> }.into_any(),
                }
            })}}
        </Suspense>
        <Interactive/>
    }
}

#[component]
fn CourseList(list: Vec<CourseCard>, query: String) -> impl IntoView {
    let locale = use_locale();
    let header = (!query.is_empty()).then(|| {
        view! {
            <p class="results">
                {tf(locale, "catalog.results", &[("q", query.clone())])} " · "
                <a href="/">{t(locale, "catalog.clear")}</a>
            </p>
        }
    });
    let empty = list.is_empty();
    // The server sends the cards in category order: each run of one category is a group.
    let mut groups: Vec<(CategoryName, Vec<CourseCard>)> = Vec::new();
    let mut last = None;
    for c in list {
        if last.as_deref() != Some(c.category.as_str()) {
            last = Some(c.category.clone());
            groups.push((c.category_name.clone(), Vec::new()));
        }
        if let Some((_, cards)) = groups.last_mut() {
            cards.push(c);
        }
    }
    view! {
        {header}
        <p class="muted none" data-none hidden=!empty>{t(locale, "catalog.none")}</p>
        {groups
            .into_iter()
            .map(|(cat, cards)| {
                view! {
                    <section class="category" data-group>
                        <h2>{cat.get(locale).to_string()}</h2>
                        <ul class="cards">
                            {cards
                                .into_iter()
                                .map(|c| {
                                    let href = format!("/khoa-hoc/{}", c.slug);
                                    view! {
                                        <li class="card" data-key=c.search_key.clone()>
                                            <a href=href>
                                                <h3>{c.title.clone()}</h3>
                                                <p>{c.summary.clone()}</p>
                                                <p class="meta">
                                                    {tf(locale, "catalog.lessons", &[("n", c.lessons.to_string())])} " · "
                                                    {tf(locale, "catalog.hours", &[("h", format_hours(c.hours, locale))])}
                                                </p>
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
}
