//! The trainer's scanner: the camera reads participants' own codes (with the browser's `BarcodeDetector`,
//! where the phone has it), or the trainer types a code or a phone number. Every scan goes into a queue kept in
//! this phone's storage with its own record id, and is sent until the server answers; the server's ledger
//! makes a resend count once, so a hall without signal loses nothing and counts nobody twice. Without
//! JavaScript the page's "by phone number" form does the same job one person at a time.

use leptos::prelude::*;

/// The scanner. `labels`: start camera, code or phone, check in, no camera, then the statuses: waiting, new,
/// already, full, unknown, deleted, closed.
#[island]
pub fn Scanner(workshop: String, labels: Vec<String>) -> impl IntoView {
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    let (lines, set_lines) = signal(Vec::<(String, String)>::new());
    let (note, set_note) = signal(String::new());
    let statuses: Vec<String> = (4..11).map(label).collect();
    let no_camera = label(3);
    {
        let (workshop, statuses) = (workshop.clone(), statuses.clone());
        Effect::new(move |_| {
            live::start(workshop.clone(), statuses.clone(), set_lines);
        });
    }
    let add = {
        let (workshop, statuses) = (workshop.clone(), statuses.clone());
        move |_| {
            live::add_typed(&workshop, &statuses, set_lines);
        }
    };
    let camera = {
        let (workshop, statuses, no_camera) = (workshop.clone(), statuses.clone(), no_camera.clone());
        move |_| {
            live::camera(workshop.clone(), statuses.clone(), set_lines, set_note, no_camera.clone());
        }
    };
    view! {
        <div class="scanner" data-live="off">
            <button type="button" class="scan-camera" on:click=camera>{label(0)}</button>
            <video id="scan-video" class="scan-video" muted playsinline hidden></video>
            <p class="hint" role="status">{move || note.get()}</p>
            <label for="scan-code">{label(1)}</label>
            <div class="row">
                <input id="scan-code" autocomplete="off"/>
                <button type="button" on:click=add>{label(2)}</button>
            </div>
            <ul class="scans" aria-live="polite">
                {move || lines.get().into_iter().map(|(code, status)| view! { <li><code>{code}</code> " " {status}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// On the server an island only renders; what it does runs in the browser.
#[cfg(not(feature = "hydrate"))]
mod live {
    use leptos::prelude::*;
    pub(super) fn start(_: String, _: Vec<String>, _: WriteSignal<Vec<(String, String)>>) {}
    pub(super) fn add_typed(_: &str, _: &[String], _: WriteSignal<Vec<(String, String)>>) {}
    pub(super) fn camera(_: String, _: Vec<String>, _: WriteSignal<Vec<(String, String)>>, _: WriteSignal<String>, _: String) {}
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// One queued scan: record id, code, phone time, status (`waiting`, or the server's answer).
    #[derive(Clone)]
    struct Entry {
        record: String,
        code: String,
        at: i64,
        status: String,
    }

    fn key(workshop: &str) -> String {
        format!("taphuan-scans-{workshop}")
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    /// The queue, one entry per line, fields by tabs (no serialisation code needed in the bundle).
    fn load(workshop: &str) -> Vec<Entry> {
        let text = storage().and_then(|s| s.get_item(&key(workshop)).ok().flatten()).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some(Entry { record: f.next()?.to_string(), code: f.next()?.to_string(), at: f.next()?.parse().ok()?, status: f.next().unwrap_or("waiting").to_string() })
            })
            .collect()
    }

    fn save(workshop: &str, entries: &[Entry]) {
        let text: Vec<String> = entries.iter().map(|e| format!("{}\t{}\t{}\t{}", e.record, e.code.replace(['\t', '\n'], " "), e.at, e.status.replace(['\t', '\n'], " "))).collect();
        if let Some(s) = storage() {
            let _ = s.set_item(&key(workshop), &text.join("\n"));
        }
    }

    /// The status as the trainer reads it: `labels` are waiting, new, already, full, unknown, deleted, closed.
    fn shown(status: &str, labels: &[String]) -> String {
        let (word, name) = status.split_once(' ').unwrap_or((status, ""));
        let i = ["waiting", "new", "already", "full", "unknown", "deleted", "closed"].iter().position(|w| *w == word);
        let text = i.and_then(|i| labels.get(i)).cloned().unwrap_or_else(|| word.to_string());
        if name.is_empty() {
            text
        } else {
            format!("{text}: {name}")
        }
    }

    fn show(workshop: &str, labels: &[String], set_lines: WriteSignal<Vec<(String, String)>>) {
        let lines = load(workshop).into_iter().rev().map(|e| (e.code.clone(), shown(&e.status, labels))).collect();
        set_lines.set(lines);
    }

    fn record_id() -> String {
        let crypto = js_sys::Reflect::get(&window(), &"crypto".into()).ok();
        let uuid = crypto
            .and_then(|c| js_sys::Reflect::get(&c, &"randomUUID".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()).and_then(|f| f.call0(&c).ok()))
            .and_then(|v| v.as_string());
        uuid.unwrap_or_else(|| format!("{:x}-{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64))
    }

    /// Queue a scan (a code seen twice within a minute is one scan) and try to send it.
    fn enqueue(workshop: &str, code: &str, labels: &[String], set_lines: WriteSignal<Vec<(String, String)>>) {
        let code = code.trim();
        if code.is_empty() {
            return;
        }
        let now = js_sys::Date::now() as i64;
        let mut entries = load(workshop);
        if entries.iter().any(|e| e.code == code && now - e.at < 60_000) {
            return;
        }
        entries.push(Entry { record: record_id(), code: code.to_string(), at: now, status: "waiting".into() });
        save(workshop, &entries);
        show(workshop, labels, set_lines);
        sync(workshop.to_string(), labels.to_vec(), set_lines);
    }

    pub(super) fn add_typed(workshop: &str, labels: &[String], set_lines: WriteSignal<Vec<(String, String)>>) {
        let Some(input) = document().get_element_by_id("scan-code").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        enqueue(workshop, &input.value(), labels, set_lines);
        input.set_value("");
        let _ = input.focus();
    }

    async fn post(url: &str, fields: &[(&str, &str)]) -> Option<(u16, String)> {
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

    thread_local! {
        static SENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Send every waiting scan, oldest first; one pass at a time. A failed send stays waiting for the next.
    fn sync(workshop: String, labels: Vec<String>, set_lines: WriteSignal<Vec<(String, String)>>) {
        if SENDING.with(|s| s.replace(true)) {
            return;
        }
        leptos::task::spawn_local(async move {
            let url = format!("/lop-tap-huan/{workshop}/quet");
            for e in load(&workshop).into_iter().filter(|e| e.status == "waiting") {
                let at = e.at.to_string();
                match post(&url, &[("code", &e.code), ("record", &e.record), ("at", &at)]).await {
                    Some((200, answer)) => {
                        let mut entries = load(&workshop);
                        if let Some(x) = entries.iter_mut().find(|x| x.record == e.record) {
                            x.status = answer;
                        }
                        save(&workshop, &entries);
                        show(&workshop, &labels, set_lines);
                    }
                    // No signal, or the server is away: keep it, try again later.
                    _ => break,
                }
            }
            SENDING.with(|s| s.set(false));
        });
    }

    pub(super) fn start(workshop: String, labels: Vec<String>, set_lines: WriteSignal<Vec<(String, String)>>) {
        if let Some(el) = document().query_selector(".scanner").ok().flatten() {
            let _ = el.set_attribute("data-live", "on");
        }
        show(&workshop, &labels, set_lines);
        sync(workshop.clone(), labels.clone(), set_lines);
        {
            let (workshop, labels) = (workshop.clone(), labels.clone());
            let on_online = window_event_listener(leptos::ev::online, move |_| sync(workshop.clone(), labels.clone(), set_lines));
            std::mem::forget(on_online);
        }
        {
            let (workshop, labels) = (workshop.clone(), labels.clone());
            let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
                let in_box = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|e| e.id() == "scan-code");
                if in_box && ev.key() == "Enter" {
                    ev.prevent_default();
                    add_typed(&workshop, &labels, set_lines);
                }
            });
            std::mem::forget(on_key);
        }
        let _ = set_interval_with_handle(move || sync(workshop.clone(), labels.clone(), set_lines), std::time::Duration::from_secs(5));
    }

    /// The camera and `BarcodeDetector`, reached by name: not every phone has it, and web-sys keeps it behind
    /// an unstable flag.
    pub(super) fn camera(workshop: String, labels: Vec<String>, set_lines: WriteSignal<Vec<(String, String)>>, set_note: WriteSignal<String>, no_camera: String) {
        leptos::task::spawn_local(async move {
            let w = window();
            let ctor = js_sys::Reflect::get(&w, &"BarcodeDetector".into()).ok().and_then(|c| c.dyn_into::<js_sys::Function>().ok());
            let devices = w.navigator().media_devices().ok();
            let (Some(ctor), Some(devices)) = (ctor, devices) else {
                set_note.set(no_camera);
                return;
            };
            let opts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&opts, &"formats".into(), &js_sys::Array::of1(&"qr_code".into()));
            let Ok(detector) = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)) else {
                set_note.set(no_camera);
                return;
            };
            let constraints = web_sys::MediaStreamConstraints::new();
            let video_opts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&video_opts, &"facingMode".into(), &"environment".into());
            constraints.set_video(&video_opts);
            let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
                set_note.set(no_camera);
                return;
            };
            let Ok(stream) = JsFuture::from(promise).await else {
                set_note.set(no_camera);
                return;
            };
            let Some(video) = document().get_element_by_id("scan-video").and_then(|e| e.dyn_into::<web_sys::HtmlVideoElement>().ok()) else { return };
            video.set_src_object(stream.dyn_ref::<web_sys::MediaStream>());
            let _ = video.remove_attribute("hidden");
            let _ = video.play();
            let detect = js_sys::Reflect::get(&detector, &"detect".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            let Some(detect) = detect else { return };
            let busy = std::rc::Rc::new(std::cell::Cell::new(false));
            let _ = set_interval_with_handle(
                move || {
                    if busy.replace(true) {
                        return;
                    }
                    let (detect, detector, video, busy) = (detect.clone(), detector.clone(), video.clone(), busy.clone());
                    let (workshop, labels) = (workshop.clone(), labels.clone());
                    leptos::task::spawn_local(async move {
                        if let Ok(p) = detect.call1(&detector, &video) {
                            if let Ok(found) = JsFuture::from(js_sys::Promise::from(p)).await {
                                for code in js_sys::Array::from(&found).iter() {
                                    if let Some(raw) = js_sys::Reflect::get(&code, &"rawValue".into()).ok().and_then(|v| v.as_string()) {
                                        enqueue(&workshop, &raw, &labels, set_lines);
                                    }
                                }
                            }
                        }
                        busy.set(false);
                    });
                },
                std::time::Duration::from_millis(400),
            );
        });
    }
}
