//! [`Html`]: markup that is safe to put into a page as it is. Every `inner_html=` in the app takes an `Html`
//! (leptos would also take a `String`, so that is the rule to keep); everywhere else a `String` is text.
//!
//! An `Html` comes from one of four places, so finding who makes markup is a search for their names:
//! the content pipeline's ammonia sanitiser ([`Html::from_sanitiser`], in `content::render`), escaped text
//! ([`Html::escape`]), the SVG chart builder, which escapes every text it writes ([`Html::from_chart`], in
//! `dashboard::charts`), and the database, which only ever holds what the sanitiser produced
//! ([`Html::from_stored`], in `db` rows and their mapping to views). Deserialising is the wire and the
//! stored JSON columns coming back: the same values, hence `#[serde(transparent)]`, so the JSON is a plain
//! string as before.

use serde::{Deserialize, Serialize};

/// Sanitised or escaped HTML (or SVG), ready for `inner_html=`. No `From<String>`: see the module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Html(String);

impl Html {
    /// Text shown as text: `& < > "` escaped (quotes too, so the result is also safe in an attribute).
    pub fn escape(text: &str) -> Html {
        Html(crate::text::escape_html(text))
    }

    /// HTML read back from the database, which only holds what [`Html::from_sanitiser`] produced at import.
    /// Only for `db` rows and their mapping to views.
    pub fn from_stored(html: String) -> Html {
        Html(html)
    }

    /// The output of the content pipeline's ammonia sanitiser (`content::render`), and nothing else.
    #[cfg(feature = "ssr")]
    pub(crate) fn from_sanitiser(clean: String) -> Html {
        Html(clean)
    }

    /// An SVG chart from `dashboard::charts`, which escapes every text it writes into it, and nothing else.
    pub(crate) fn from_chart(svg: String) -> Html {
        Html(svg)
    }

    /// Markup put together by the editor's preview and diff (`authoring::render`) from [`Html::escape`]d
    /// text, other `Html` and tags written in its source, and nothing else.
    #[cfg(feature = "ssr")]
    pub(crate) fn from_builder(built: String) -> Html {
        Html(built)
    }

    /// A QR code of `text` as SVG, drawn by the `qrcode` crate (only rectangles; the text itself is not in it).
    #[cfg(feature = "ssr")]
    pub(crate) fn from_qr(text: &str) -> Html {
        match qrcode::QrCode::new(text.as_bytes()) {
            Ok(code) => Html(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).build()),
            Err(_) => Html::default(),
        }
    }

    /// Fragments with a text separator between them (the separator is escaped).
    pub fn join(parts: impl IntoIterator<Item = Html>, separator: &str) -> Html {
        let sep = crate::text::escape_html(separator);
        Html(parts.into_iter().map(|h| h.0).collect::<Vec<_>>().join(&sep))
    }

    /// The markup, to read or compare (never to build new markup from).
    /// Data saver: every image of sanitised lesson HTML behind a tap. Each `<img>` goes inside a closed
    /// `<details>` whose summary is `label(bytes)`; its `loading="lazy"` keeps the browser from fetching it
    /// until the details are opened (no script needed). `bytes` gives an image's size from its `src`.
    /// Only our own sanitised output comes here, where `<img` can only start a tag (text has `&lt;`).
    pub fn images_on_tap(&self, bytes: impl Fn(&str) -> Option<i64>, label: impl Fn(Option<i64>) -> String) -> Html {
        let mut out = String::with_capacity(self.0.len() + 256);
        let mut rest = self.0.as_str();
        while let Some(start) = rest.find("<img ") {
            let Some(len) = rest[start..].find('>') else { break };
            let tag = &rest[start..start + len + 1];
            let src = tag.split("src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("");
            out.push_str(&rest[..start]);
            out.push_str("<details class=\"tap-img\"><summary>");
            out.push_str(&crate::text::escape_html(&label(bytes(src))));
            out.push_str("</summary>");
            out.push_str(tag);
            out.push_str("</details>");
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        Html(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether there is no markup at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The markup as the owned string `inner_html=` also accepts; `Html` itself is the usual argument.
    pub fn into_inner_html(self) -> String {
        self.0
    }
}

/// `inner_html=` takes an `Html` directly: the view macro passes every attribute value through this trait,
/// and the `String` it yields is what `inner_html` sets.
impl leptos::prelude::IntoAttributeValue for Html {
    type Output = String;

    fn into_attribute_value(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_escapes_ampersand_angles_and_quotes() {
        assert_eq!(Html::escape(r#"<script>&"x"</script>"#).as_str(), "&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt;");
        assert_eq!(Html::escape("Hợp tác xã").as_str(), "Hợp tác xã");
    }

    #[test]
    fn join_escapes_the_separator_only() {
        let j = Html::join([Html::from_stored("<b>a</b>".into()), Html::escape("b")], " < ");
        assert_eq!(j.as_str(), "<b>a</b> &lt; b");
    }

    #[test]
    fn the_wire_format_is_a_plain_string() {
        let h = Html::escape("a<b");
        assert_eq!(serde_json::to_string(&h).unwrap_or_default(), "\"a&lt;b\"");
        assert_eq!(serde_json::from_str::<Html>("\"<p>x</p>\"").ok(), Some(Html::from_stored("<p>x</p>".into())));
    }
}
