//! The search box island: a plain GET form that, once the wasm has loaded, also filters the server-rendered
//! cards (`[data-key]`) as the learner types, without a round trip.

use leptos::prelude::*;

/// Search form; filters cards live when hydrated.
#[island]
pub fn SearchFilter(initial: String, label: String, placeholder: String, button: String) -> impl IntoView {
    // Runs only in the browser, once the island is hydrated.
    Effect::new(move |_| mark_live());
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        filter_cards(&value);
    };
    view! {
        <form method="get" action="/" role="search" class="search" data-live="off">
            <label for="q">{label}</label>
            <div class="row">
                <input id="q" name="q" type="search" value=initial placeholder=placeholder autocomplete="off" on:input=on_input/>
                <button type="submit">{button}</button>
            </div>
        </form>
    }
}

/// Tell tests and styles that the island is awake.
fn mark_live() {
    #[cfg(feature = "hydrate")]
    if let Some(form) = document().query_selector("form.search").ok().flatten() {
        let _ = form.set_attribute("data-live", "on");
    }
}

fn filter_cards(query: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // The characters the server drops from a search (see `db::bulk::contains_pattern`) are dropped here too.
        let needle = crate::text::fold(query).replace(['%', '_', '\\'], "");
        let doc = document();
        let mut shown_total = 0;
        if let Ok(groups) = doc.query_selector_all("[data-group]") {
            for gi in 0..groups.length() {
                let Some(group) = groups.item(gi).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
                let mut shown = 0;
                if let Ok(cards) = group.query_selector_all("[data-key]") {
                    for ci in 0..cards.length() {
                        let Some(card) = cards.item(ci).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
                        let key = card.get_attribute("data-key").unwrap_or_default();
                        let hit = needle.is_empty() || key.contains(&needle);
                        let _ = if hit { card.remove_attribute("hidden") } else { card.set_attribute("hidden", "") };
                        shown += usize::from(hit);
                    }
                }
                let _ = if shown > 0 { group.remove_attribute("hidden") } else { group.set_attribute("hidden", "") };
                shown_total += shown;
            }
        }
        if let Some(none) = doc.query_selector("[data-none]").ok().flatten() {
            let _ = if shown_total == 0 { none.remove_attribute("hidden") } else { none.set_attribute("hidden", "") };
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = query;
}
