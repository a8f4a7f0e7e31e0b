//! The quiz progress island: once the wasm has loaded it shows how many questions are answered and, for a
//! timed quiz, the minutes left. Without JavaScript the page shows the deadline as text and works the same.

use leptos::prelude::*;

/// "Answered 3/10 · 12:30 left", live.
#[island]
pub fn QuizProgress(total: usize, deadline_ms: Option<i64>, answered_label: String, left_label: String) -> impl IntoView {
    let (answered, set_answered) = signal(0usize);
    let (now, set_now) = signal(0i64);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let count = move || {
                let doc = document();
                let mut n = 0;
                if let Ok(sets) = doc.query_selector_all("fieldset.question") {
                    for i in 0..sets.length() {
                        use wasm_bindgen::JsCast;
                        let Some(set) = sets.item(i).and_then(|s| s.dyn_into::<web_sys::Element>().ok()) else { continue };
                        let checked = set.query_selector("input:checked").ok().flatten().is_some();
                        let typed = set
                            .query_selector("input:not([type]), input[inputmode]")
                            .ok()
                            .flatten()
                            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                            .is_some_and(|e| !e.value().trim().is_empty());
                        n += usize::from(checked || typed);
                    }
                }
                set_answered.set(n);
            };
            count();
            let on_change = window_event_listener(leptos::ev::change, move |_| count());
            let on_input = window_event_listener(leptos::ev::input, move |_| count());
            set_now.set(js_sys::Date::now() as i64);
            let tick = set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), std::time::Duration::from_secs(1)).ok();
            on_cleanup(move || {
                on_change.remove();
                on_input.remove();
                if let Some(t) = tick {
                    t.clear();
                }
            });
            if let Some(f) = document().query_selector("form.quiz").ok().flatten() {
                let _ = f.set_attribute("data-live", "on");
            }
        }
        let _ = (&set_answered, &set_now);
    });
    let left = move || {
        deadline_ms.filter(|_| now.get() > 0).map(|d| {
            let secs = ((d - now.get()) / 1000).max(0);
            format!(" · {} {:02}:{:02}", left_label, secs / 60, secs % 60)
        })
    };
    view! {
        <p class="progress-line" aria-live="polite">
            {move || format!("{answered_label} {}/{total}", answered.get())}
            {left}
        </p>
    }
}
