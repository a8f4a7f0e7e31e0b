//! The editor's island: a toolbar (heading, bold, list, link, image, table), a live preview that follows
//! typing (debounced; rendered by the server through the publishing pipeline) and autosave every few
//! seconds. Without it the same page works by form posts. It talks to two plain endpoints with `fetch`
//! (see `http.rs`) rather than server functions, which keeps their client code out of the shared wasm bundle.

use leptos::prelude::*;

/// Toolbar and status line; wires the page's textarea once hydrated. `labels`: the six buttons, then
/// "saved at", "saved by someone else", "not saved" (see `toolbar_labels`).
#[island]
pub fn EditorTools(slug: String, path: String, labels: Vec<String>) -> impl IntoView {
    let (status, set_status) = signal(String::new());
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    let (saved_at, conflict, failed) = (label(6), label(7), label(8));
    let _ = (&slug, &path, &saved_at, &conflict, &failed, set_status);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        live::start(slug.clone(), path.clone(), set_status, saved_at.clone(), conflict.clone(), failed.clone());
    });
    let tool = move |i: usize, snippet: (&'static str, &'static str, &'static str)| {
        let text = label(i);
        view! {
            <button type="button" class="tool" on:click=move |_| wrap(snippet)>{text}</button>
        }
    };
    view! {
        <div class="toolbar" role="toolbar" data-live="off">
            {tool(0, ("\n## ", "Tiêu đề", "\n"))}
            {tool(1, ("**", "chữ đậm", "**"))}
            {tool(2, ("\n- ", "mục", "\n"))}
            {tool(3, ("[", "chữ của liên kết", "](https://)"))}
            {tool(4, ("![", "mô tả ảnh", "](images/ten-anh.jpg)"))}
            {tool(5, ("\n| Cột 1 | Cột 2 |\n|---|---|\n| ", "ô", " | ô |\n"))}
            <span class="save-status" role="status">{move || status.get()}</span>
        </div>
    }
}

/// Put `before`/`after` around the selection (or a placeholder when nothing is selected).
fn wrap((before, placeholder, after): (&'static str, &'static str, &'static str)) {
    #[cfg(feature = "hydrate")]
    live::wrap(before, placeholder, after);
    #[cfg(not(feature = "hydrate"))]
    let _ = (before, placeholder, after);
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;

    fn area() -> Option<web_sys::HtmlTextAreaElement> {
        document().get_element_by_id("text")?.dyn_into().ok()
    }

    fn input(id: &str) -> Option<web_sys::HtmlInputElement> {
        document().get_element_by_id(id)?.dyn_into().ok()
    }

    fn set_html(id: &str, html: &str) {
        if let Some(e) = document().get_element_by_id(id) {
            e.set_inner_html(html);
        }
    }

    pub(super) fn wrap(before: &str, placeholder: &str, after: &str) {
        let Some(a) = area() else { return };
        let value = a.value();
        let chars: Vec<char> = value.chars().collect();
        // selectionStart/End count UTF-16 units; Vietnamese text stays in the BMP, so units are chars.
        let start = a.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = a.selection_end().ok().flatten().unwrap_or(0) as usize;
        let (start, end) = (start.min(chars.len()), end.min(chars.len()).max(start.min(chars.len())));
        let selected: String = chars[start..end].iter().collect();
        let middle = if selected.is_empty() { placeholder.to_string() } else { selected };
        let head: String = chars[..start].iter().collect();
        let tail: String = chars[end..].iter().collect();
        a.set_value(&format!("{head}{before}{middle}{after}{tail}"));
        let from = (start + before.chars().count()) as u32;
        let _ = a.set_selection_range(from, from + middle.chars().count() as u32);
        let _ = a.focus();
        // Let the preview and autosave see the change, as if typed.
        if let Ok(ev) = web_sys::Event::new_with_event_init_dict("input", &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        }) {
            let _ = a.dispatch_event(&ev);
        }
    }

    fn move_cursor(line: usize, col: usize) {
        let Some(a) = area() else { return };
        let value = a.value();
        let mut offset = 0usize;
        for (i, l) in value.split('\n').enumerate() {
            if i + 1 == line {
                offset += (col.saturating_sub(1)).min(l.chars().count());
                break;
            }
            offset += l.chars().count() + 1;
        }
        let _ = a.focus();
        let _ = a.set_selection_range(offset as u32, offset as u32);
    }

    /// POST `fields` as a form to `url`; the answer's status and text.
    async fn post(url: &str, fields: &[(&str, &str)]) -> Option<(u16, String)> {
        use wasm_bindgen_futures::JsFuture;
        let params = web_sys::UrlSearchParams::new().ok()?;
        for (k, v) in fields {
            params.append(k, v);
        }
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&params);
        let res: web_sys::Response = JsFuture::from(window().fetch_with_str_and_init(url, &init)).await.ok()?.dyn_into().ok()?;
        let text = JsFuture::from(res.text().ok()?).await.ok()?.as_string()?;
        Some((res.status(), text))
    }

    pub(super) fn start(slug: String, path: String, set_status: WriteSignal<String>, saved_at: String, conflict: String, failed: String) {
        let base = format!("/soan-thao/{slug}/tep/{path}");
        if let Some(bar) = document().query_selector(".toolbar").ok().flatten() {
            let _ = bar.set_attribute("data-live", "on");
        }
        let generation = Rc::new(Cell::new(0u32));
        let dirty = Rc::new(Cell::new(false));
        let busy = Rc::new(Cell::new(false));
        let stopped = Rc::new(Cell::new(false));
        let last_sent = Rc::new(RefCell::new(area().map(|a| a.value()).unwrap_or_default()));

        // Live preview: half a second after the last keystroke.
        {
            let (generation, dirty, url) = (generation.clone(), dirty.clone(), format!("{base}/xem-truoc"));
            let on_input = window_event_listener(leptos::ev::input, move |ev| {
                let is_text = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| e.id() == "text");
                if !is_text {
                    return;
                }
                dirty.set(true);
                let mine = generation.get().wrapping_add(1);
                generation.set(mine);
                let (generation, url) = (generation.clone(), url.clone());
                set_timeout(
                    move || {
                        if generation.get() != mine {
                            return;
                        }
                        let Some(text) = area().map(|a| a.value()) else { return };
                        leptos::task::spawn_local(async move {
                            if let Some((200, html)) = post(&url, &[("text", &text)]).await {
                                // The server's sanitised preview markup (render::preview_box).
                                if generation.get() == mine {
                                    set_html("preview-box", &html);
                                }
                            }
                        });
                    },
                    std::time::Duration::from_millis(500),
                );
            });
            std::mem::forget(on_input);
        }

        // A problem's "line 3, column 5" moves the cursor there.
        let on_click = window_event_listener(leptos::ev::click, move |ev| {
            let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let Some(link) = el.closest("[data-line]").ok().flatten() else { return };
            ev.prevent_default();
            let n = |a: &str| link.get_attribute(a).and_then(|v| v.parse().ok()).unwrap_or(1);
            move_cursor(n("data-line"), n("data-col"));
            if let Some(tab) = input("pane-text") {
                tab.set_checked(true);
            }
        });
        std::mem::forget(on_click);

        // Autosave every five seconds while there is something new.
        let tick = move || {
            if stopped.get() || busy.get() || !dirty.get() {
                return;
            }
            let Some(text) = area().map(|a| a.value()) else { return };
            if *last_sent.borrow() == text {
                dirty.set(false);
                return;
            }
            let v: i64 = input("editor-v").and_then(|i| i.value().parse().ok()).unwrap_or(0);
            busy.set(true);
            dirty.set(false);
            let (busy, stopped, last_sent, dirty) = (busy.clone(), stopped.clone(), last_sent.clone(), dirty.clone());
            let (url, saved_at, conflict, failed) = (format!("{base}/tu-luu"), saved_at.clone(), conflict.clone(), failed.clone());
            leptos::task::spawn_local(async move {
                let answer = post(&url, &[("text", &text), ("v", &v.to_string())]).await;
                match answer.as_ref().map(|(status, body)| (*status, body.strip_prefix("saved ").and_then(|n| n.parse::<i64>().ok()))) {
                    Some((200, Some(n))) => {
                        if let Some(i) = input("editor-v") {
                            i.set_value(&n.to_string());
                        }
                        *last_sent.borrow_mut() = text;
                        let now = js_sys::Date::new_0();
                        set_status.set(format!("{saved_at} {:02}:{:02}", now.get_hours(), now.get_minutes()));
                    }
                    Some((200, None)) => {
                        // Kept aside on the server; the page must be reloaded to see both texts.
                        stopped.set(true);
                        set_status.set(conflict);
                    }
                    _ => {
                        dirty.set(true);
                        set_status.set(failed);
                    }
                }
                busy.set(false);
            });
        };
        // Lives as long as the page.
        let _ = set_interval_with_handle(tick, std::time::Duration::from_secs(5));
    }
}
