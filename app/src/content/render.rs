//! Markdown to sanitised HTML, once, at import. [`parser`] is the only door to pulldown-cmark.

use crate::html::Html;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// What links and images may point at inside one course.
#[derive(Debug, Default)]
pub struct RenderCtx {
    /// The course's slug, for URLs.
    pub course_slug: String,
    /// Lesson file name (`02-x.md`) → lesson slug.
    pub lesson_files: HashMap<String, String>,
    /// Asset path (`images/a.png`) → (width, height).
    pub assets: HashMap<String, (Option<u32>, Option<u32>)>,
}

/// Rendered HTML, its plain text, and problems as (line within the given text, column, message).
#[derive(Debug, Default)]
pub struct Rendered {
    /// Sanitised: the one place stored HTML is made.
    pub html: Html,
    /// Plain text, for search.
    pub text: String,
    /// (line within the given text, column, message).
    pub problems: Vec<(usize, usize, String)>,
}

/// The one place the markdown options are set: tables, footnotes, strikethrough, task lists,
/// definition lists and `{#id}` heading attributes.
pub fn parser(text: &str) -> Parser<'_> {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST;
    Parser::new_ext(text, opts)
}

/// Render a block of markdown (a lesson body, a question prompt, an explanation).
pub fn render(md: &str, ctx: &RenderCtx) -> Rendered {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(md.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let pos = |offset: usize| -> (usize, usize) {
        let line = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[line.saturating_sub(1)];
        (line, md[start..offset.min(md.len())].chars().count() + 1)
    };

    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut heading_at: Option<usize> = None;
    let mut image: Option<(String, String, usize)> = None; // (src, alt, offset)
    let mut tables = 0;
    for (event, range) in parser(md).into_offset_iter() {
        if let Some((_, alt, _)) = image.as_mut() {
            match &event {
                Event::End(TagEnd::Image) => {
                    let (src, alt, offset) = image.take().unwrap_or_default();
                    events.push(Event::Html(image_html(&src, &alt, offset, ctx, &pos, &mut out).into()));
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                heading_at = Some(events.len());
                events.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading_at.take() {
                    set_heading_id(&mut events, start, level, &mut used_ids);
                }
                events.push(Event::End(TagEnd::Heading(level)));
                out.text.push('\n');
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = rewrite_link(&dest_url, link_type, ctx).unwrap_or_else(|msg| {
                    let (l, c) = pos(range.start);
                    out.problems.push((l, c, msg));
                    dest_url.to_string()
                });
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest.into(), title, id }));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new(), range.start));
            }
            // Wide tables scroll inside a focusable region, so keyboard users can scroll them too.
            Event::Start(Tag::Table(align)) => {
                tables += 1;
                events.push(Event::Html(
                    format!("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Bảng {tables}\">").into(),
                ));
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>".into()));
            }
            Event::TaskListMarker(done) => {
                events.push(Event::Html(
                    if done { "<span class=\"task done\">☑</span> " } else { "<span class=\"task\">☐</span> " }.into(),
                ));
            }
            Event::Text(t) => {
                out.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                out.text.push_str(&t);
                events.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                out.text.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = Html::from_sanitiser(sanitizer().clean(&align_classes(&html)).to_string());
    out
}

/// Render a short piece (an option) without the wrapping paragraph.
pub fn render_inline(md: &str, ctx: &RenderCtx) -> Rendered {
    let mut r = render(md, ctx);
    let trimmed = r.html.as_str().trim();
    if let Some(inner) = trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        if !inner.contains("<p>") {
            // The sanitiser's output less its one outer paragraph: still only what it let through.
            r.html = Html::from_sanitiser(inner.to_string());
        }
    }
    r.text = r.text.trim().to_string();
    r
}

fn set_heading_id(events: &mut [Event<'_>], start: usize, level: HeadingLevel, used: &mut HashSet<String>) {
    let text: String = events[start + 1..]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    if let Event::Start(Tag::Heading { id, classes, attrs, .. }) = &events[start] {
        let base = match id {
            Some(id) => id.to_string(),
            None => crate::text::slugify(&text),
        };
        let base = if base.is_empty() { "muc".to_string() } else { base };
        let mut candidate = base.clone();
        let mut n = 1;
        while !used.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        events[start] = Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(candidate)),
            classes: classes.clone(),
            attrs: attrs.clone(),
        });
    }
}

/// Lesson files become lesson URLs; course files become file URLs; `../` and unknown files are refused.
fn rewrite_link(dest: &str, link_type: LinkType, ctx: &RenderCtx) -> Result<String, String> {
    if matches!(link_type, LinkType::Email) || dest.starts_with('#') {
        return Ok(dest.to_string());
    }
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") || lower.starts_with("tel:") {
        return Ok(dest.to_string());
    }
    if lower.contains(':') {
        // javascript:, data:, file: ... ammonia would drop them; say so to the author.
        return Err(format!("link `{dest}` uses a scheme that is not allowed; use https:// or a file of this course"));
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (dest, String::new()),
    };
    let path = path.strip_prefix("./").unwrap_or(path);
    if path.starts_with('/') || path.split('/').any(|seg| seg == "..") {
        return Err(format!("link `{dest}` points outside this course's folder"));
    }
    if let Some(slug) = ctx.lesson_files.get(path) {
        return Ok(format!("/khoa-hoc/{}/bai/{}{}", ctx.course_slug, slug, fragment));
    }
    if ctx.assets.contains_key(path) {
        return Ok(format!("/khoa-hoc/{}/tep/{}", ctx.course_slug, path));
    }
    Err(format!("link `{dest}` points to a file that is not a lesson or file of this course"))
}

fn image_html(
    src: &str,
    alt: &str,
    offset: usize,
    ctx: &RenderCtx,
    pos: &dyn Fn(usize) -> (usize, usize),
    out: &mut Rendered,
) -> String {
    // Attribute values: escape_html escapes quotes too.
    use crate::text::escape_html as esc;
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return format!("<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">", esc(src), esc(alt));
    }
    let path = src.strip_prefix("./").unwrap_or(src);
    let problem = if lower.contains(':') || path.starts_with('/') || path.split('/').any(|s| s == "..") {
        Some(format!("image `{src}` must be a file inside this course's folder"))
    } else if !ctx.assets.contains_key(path) {
        Some(format!("image `{src}` was not found in this course's folder"))
    } else {
        None
    };
    if let Some(msg) = problem {
        let (l, c) = pos(offset);
        out.problems.push((l, c, msg));
        return String::new();
    }
    if alt.trim().is_empty() {
        let (l, c) = pos(offset);
        out.problems.push((l, c, format!("image `{src}` needs a description: ![mô tả ảnh]({src})")));
    }
    let (w, h) = ctx.assets[path];
    let size = match (w, h) {
        (Some(w), Some(h)) => format!(" width=\"{w}\" height=\"{h}\""),
        _ => String::new(),
    };
    format!(
        "<img src=\"/khoa-hoc/{}/tep/{}\" alt=\"{}\"{size} loading=\"lazy\" decoding=\"async\">",
        esc(&ctx.course_slug),
        esc(path),
        esc(alt)
    )
}

/// Table alignment as classes: pulldown-cmark writes `style="text-align: …"` on cells, and the
/// Content-Security-Policy allows styles from the stylesheet only (security review M-5). Any other `style`
/// attribute, from raw HTML in a lesson, is dropped by the sanitiser.
fn align_classes(html: &str) -> String {
    html.replace(" style=\"text-align: left\">", " class=\"al-l\">")
        .replace(" style=\"text-align: center\">", " class=\"al-c\">")
        .replace(" style=\"text-align: right\">", " class=\"al-r\">")
}

/// The sanitiser every rendered fragment goes through: no scripts, handlers, styles, iframes or forms.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id"])
            .add_tag_attributes("img", ["width", "height", "loading", "decoding"])
            .add_allowed_classes("th", ["al-l", "al-c", "al-r"])
            .add_allowed_classes("td", ["al-l", "al-c", "al-r"])
            .add_allowed_classes("div", ["footnote-definition", "table-wrap"])
            .add_tag_attributes("div", ["tabindex", "role", "aria-label"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_allowed_classes("span", ["task", "done"])
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"))
            .id_prefix(None);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RenderCtx {
        let mut c = RenderCtx { course_slug: "c".into(), ..Default::default() };
        c.lesson_files.insert("02-hai.md".into(), "hai".into());
        c.assets.insert("images/a.png".into(), (Some(40), Some(30)));
        c
    }

    #[test]
    fn renders_tables_footnotes_tasks_and_anchors() {
        let md = "## Chuyển đổi số\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] xong\n- [ ] chưa\n\nText[^1]\n\n[^1]: Ghi chú\n\n~~cũ~~\n";
        let r = render(md, &ctx());
        assert!(r.html.as_str().contains("<h2 id=\"chuyen-doi-so\">"), "{}", r.html.as_str());
        assert!(r.html.as_str().contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Bảng 1\"><table>"), "{}", r.html.as_str());
        assert!(r.html.as_str().contains("class=\"footnote-definition\""), "{}", r.html.as_str());
        assert!(r.html.as_str().contains("☑") && r.html.as_str().contains("☐"));
        assert!(r.html.as_str().contains("<del>cũ</del>"));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn table_alignment_is_a_class_and_no_style_attribute_survives() {
        let md = "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n<p style=\"color:red\">x</p><td style=\"text-align: left\">y</td>\n";
        let h = render(md, &ctx()).html.as_str().to_string();
        assert!(h.contains("<th class=\"al-l\">a</th>") && h.contains("<td class=\"al-c\">2</td>") && h.contains("<td class=\"al-r\">3</td>"), "{h}");
        assert!(!h.contains("style"), "{h}");
    }

    #[test]
    fn lesson_links_and_images_resolve() {
        let r = render("[next](02-hai.md#x) ![Ảnh](images/a.png)", &ctx());
        assert!(r.html.as_str().contains("href=\"/khoa-hoc/c/bai/hai#x\""), "{}", r.html.as_str());
        assert!(r.html.as_str().contains("src=\"/khoa-hoc/c/tep/images/a.png\""), "{}", r.html.as_str());
        assert!(r.html.as_str().contains("width=\"40\"") && r.html.as_str().contains("loading=\"lazy\""), "{}", r.html.as_str());
    }

    #[test]
    fn escaping_links_are_positioned_problems() {
        let r = render("line one\n\nsee [x](../other/01-a.md)\n", &ctx());
        assert_eq!(r.problems.len(), 1);
        assert_eq!((r.problems[0].0, r.problems[0].1), (3, 5));
        let r = render("![a](../../etc/passwd)", &ctx());
        assert_eq!(r.problems.len(), 1);
    }

    #[test]
    fn duplicate_headings_get_distinct_ids() {
        let r = render("## Ví dụ\n\n## Ví dụ\n", &ctx());
        assert!(r.html.as_str().contains("id=\"vi-du\"") && r.html.as_str().contains("id=\"vi-du-2\""), "{}", r.html.as_str());
    }
}
