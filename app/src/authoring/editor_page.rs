//! `/soan-thao/:course/tep/:file`: a textarea of the file's markdown and its preview, rendered by the
//! publishing pipeline. One multipart form saves, previews and adds a photo without JavaScript; the
//! [`EditorTools`] island adds a toolbar, a live preview and autosave. At 1024 px and wider the text and
//! preview sit side by side; narrower, two tabs (radio buttons and CSS, so they work without JavaScript).

use super::api::{get_file, RemoveFile, ResolveConflict};
use super::editor_island::EditorTools;
use super::{file_kind, FileView};
use crate::components::{described_by, textarea_text, FieldError, FormError, Interactive};
use crate::i18n::{format_date, t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The editor page.
#[component]
pub fn EditorPage() -> impl IntoView {
    let (slug, file) = {
        let p = use_params_map();
        let p = p.read_untracked();
        (p.get("course").unwrap_or_default(), p.get("file").unwrap_or_default())
    };
    view! {
        <Suspense>
            {move || {
                let (slug, file) = (slug.clone(), file.clone());
                Suspend::new(async move {
                    match get_file(slug.clone(), file.clone()).await {
                        Ok(v) => view! { <Editor view=v/> }.into_any(),
                        Err(e) => super::course_page::failed(e, &format!("/soan-thao/{slug}/tep/{file}")),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Editor(view: FileView) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let show_preview = use_query_map().with_untracked(|q| q.get("xem").is_some());
    let action = format!("/soan-thao/{}/tep/{}", v.slug, v.path);
    let kind = file_kind(&v.path);
    let image_note = use_query_map().with_untracked(|q| q.get("anh"));
    view! {
        <Title text=format!("{} · {}", v.path, v.course_title)/>
        <Interactive/>
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/soan-thao">{t(locale, "author.title")}</a> " › "
            <a href=format!("/soan-thao/{}", v.slug)>{v.course_title.clone()}</a>
        </nav>
        <h1><code>{v.path.clone()}</code></h1>
        {super::course_page::done_note(&[("luu", "author.saved")])}
        {image_note.map(|p| view! { <p class="ok" role="status">"✓ " {tf(locale, "author.image_added", &[("p", p)])}</p> })}
        <FormError fields=&["image", "alt"]/>
        {v.frozen.then(|| view! { <p class="notice">{t(locale, "author.frozen")}</p> })}
        {(!v.conflicts.is_empty()).then(|| view! { <Conflicts view=v.clone()/> })}
        <div class="editor">
            <input type="radio" name="pane" id="pane-text" class="tab" checked=!show_preview/>
            <label for="pane-text" class="tab-label">{t(locale, "author.tab_text")}</label>
            <input type="radio" name="pane" id="pane-view" class="tab" checked=show_preview/>
            <label for="pane-view" class="tab-label">{t(locale, "author.tab_view")}</label>
            <form class="pane pane-text" method="post" action=action enctype="multipart/form-data" id="editor-form">
                <input type="hidden" name="v" id="editor-v" value=v.version.to_string()/>
                <EditorTools slug=v.slug.clone() path=v.path.clone() labels=toolbar_labels(locale)/>
                <label for="text">{t(locale, "author.text_label")}</label>
                <textarea id="text" name="text" rows="22" spellcheck="false" readonly=v.frozen
                    aria-describedby=described_by("text", Some("text-hint"))>{textarea_text(&v.text)}</textarea>
                <p id="text-hint" class="hint">{t(locale, if kind == "quiz" { "author.quiz_hint" } else { "author.text_hint" })}</p>
                <FieldError field="text"/>
                {(!v.frozen).then(|| view! {
                    <p class="actions">
                        <button type="submit" name="action" value="save" class="primary">{t(locale, "author.save")}</button>
                        " " <button type="submit" name="action" value="preview">{t(locale, "author.preview")}</button>
                    </p>
                    <fieldset class="photo">
                        <legend>{t(locale, "author.photo")}</legend>
                        <label for="image">{t(locale, "author.photo_file")}</label>
                        <input id="image" type="file" name="image" accept="image/jpeg,image/png,image/webp" aria-describedby=described_by("image", Some("image-hint"))/>
                        <p id="image-hint" class="hint">{t(locale, "author.photo_hint")}</p>
                        <FieldError field="image"/>
                        <label for="alt">{t(locale, "author.photo_alt")}</label>
                        <input id="alt" name="alt" maxlength="200" aria-describedby=described_by("alt", Some("alt-hint"))/>
                        <p id="alt-hint" class="hint">{t(locale, "author.photo_alt_hint")}</p>
                        <FieldError field="alt"/>
                        <button type="submit" name="action" value="upload">{t(locale, "author.photo_send")}</button>
                    </fieldset>
                })}
            </form>
            <section class="pane pane-view" id="xem-truoc" aria-labelledby="preview-title">
                <h2 id="preview-title">{t(locale, "author.preview_title")}</h2>
                // Built by render::preview_box from sanitised and escaped parts; the island replaces it as the
                // trainer types.
                <div id="preview-box" inner_html=v.preview.clone()></div>
            </section>
        </div>
        {(!v.frozen && v.exists && v.path != "course.toml").then(|| view! {
            // Out of the way, behind a second tap: a removed file comes back only by discarding the draft
            // or restoring a revision.
            <details class="remove-file">
                <summary>{t(locale, "author.remove_file")}</summary>
                <form method="post" action=RemoveFile::url()>
                    <input type="hidden" name="course" value=v.slug.clone()/>
                    <input type="hidden" name="path" value=v.path.clone()/>
                    <input type="hidden" name="v" value=v.version.to_string()/>
                    <p class="hint">{t(locale, "author.remove_hint")}</p>
                    <button type="submit" class="danger">{t(locale, "author.remove")}</button>
                </form>
            </details>
        })}
    }
}

fn toolbar_labels(locale: crate::i18n::Locale) -> Vec<String> {
    ["author.tb_heading", "author.tb_bold", "author.tb_list", "author.tb_link", "author.tb_image", "author.tb_table", "author.saved_at", "author.save_conflict", "author.save_failed"]
        .iter()
        .map(|k| t(locale, k))
        .collect()
}

#[component]
fn Conflicts(view: FileView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="panel conflicts" role="alert">
            <h2>{t(locale, "author.conflicts")}</h2>
            <p>{t(locale, "author.conflicts_hint")}</p>
            {view.conflicts.iter().map(|c| view! {
                <div class="conflict">
                    <h3>{tf(locale, "author.conflict_by", &[("who", c.saved_by.clone()), ("at", format_date(c.saved_at))])}</h3>
                    <div inner_html=c.diff.clone()></div>
                    <details><summary>{t(locale, "author.conflict_text")}</summary><pre class="source">{c.text.clone()}</pre></details>
                    <form method="post" action=ResolveConflict::url() class="inline">
                        <input type="hidden" name="course" value=view.slug.clone()/>
                        <input type="hidden" name="path" value=view.path.clone()/>
                        <input type="hidden" name="id" value=c.id.clone()/>
                        <input type="hidden" name="v" value=view.version.to_string()/>
                        <button type="submit" name="action" value="use">{t(locale, "author.conflict_use")}</button>
                        " " <button type="submit" name="action" value="drop" class="secondary">{t(locale, "author.conflict_drop")}</button>
                    </form>
                </div>
            }).collect_view()}
        </section>
    }
}
