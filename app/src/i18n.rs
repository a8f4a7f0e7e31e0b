//! Locale: Vietnamese first, English second. The choice lives in the `lang` cookie (set by `/ngon-ngu`), so it
//! works without JavaScript and survives visits; every UI string goes through [`t`].

use serde::{Deserialize, Serialize};

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    /// The BCP 47 code, as used in `lang` attributes and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// Parse a cookie or query value; anything unknown is Vietnamese.
    pub fn from_code(s: &str) -> Locale {
        if s.trim().eq_ignore_ascii_case("en") {
            Locale::En
        } else {
            Locale::Vi
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Locale {
        match self {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        }
    }

    /// The locale named by a `Cookie` header's `lang=` pair.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .map(|(_, v)| Locale::from_code(v))
            .unwrap_or_default()
    }

    /// The locale of a request, from its `Cookie` header (the default without one).
    #[cfg(feature = "ssr")]
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Locale {
        headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Locale::from_cookie_header).unwrap_or_default()
    }
}

/// The `Set-Cookie` value that remembers a language for a year.
pub fn lang_cookie(locale: Locale) -> String {
    format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", locale.code())
}

/// Translate `key`.
pub fn t(locale: Locale, key: &str) -> String {
    rust_i18n::t!(key, locale = locale.code()).into_owned()
}

/// Translate `key` and fill `%{name}` placeholders.
pub fn tf(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let mut s = t(locale, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// A size as a phone shows it: "34 KB", "1,2 MB" ("1.2 MB" in English).
pub fn format_bytes(n: i64, locale: Locale) -> String {
    if n < 1_000_000 {
        format!("{} KB", (n + 999) / 1000)
    } else {
        let s = format!("{:.1} MB", n as f64 / 1_000_000.0);
        if locale == Locale::Vi { s.replace('.', ",") } else { s }
    }
}

/// The locale of the current request (server) or the default (browser, where islands get it as a prop).
pub fn use_locale() -> Locale {
    leptos::prelude::use_context::<Locale>().unwrap_or_default()
}

/// dd/mm/yyyy in Vietnam's time (UTC+7, no daylight saving), from Unix milliseconds.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = crate::calendar::civil(ms);
    format!("{d:02}/{m:02}/{y}")
}

/// A percentage with one decimal, as each language writes it: `87,5 %` and `87.5%`.
pub fn format_percent(locale: Locale, p: f64) -> String {
    let s = format!("{p:.1}");
    match locale {
        Locale::Vi => format!("{} %", s.replace('.', ",")),
        Locale::En => format!("{s}%"),
    }
}

/// `2026-11-29` (as written in course.toml) as `29/11/2026`.
pub fn format_iso_date(s: &str) -> String {
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => s.to_string(),
    }
}

/// A number of hours, Vietnamese style (`2,5`).
pub fn format_hours(h: f64, locale: Locale) -> String {
    let s = if (h - h.round()).abs() < 1e-9 { format!("{}", h.round() as i64) } else { format!("{h:.1}") };
    match locale {
        Locale::Vi => s.replace('.', ","),
        Locale::En => s,
    }
}

/// The message for an error code of a form field (`form.<code>`), if there is one.
pub fn form_message(locale: Locale, code: &str) -> Option<String> {
    let key = format!("form.{}", code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>());
    let msg = t(locale, &key);
    (msg != key).then_some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key written literally as `t(locale, "key")` or `tf(locale, "key", …)` in the sources exists in both
    /// languages: a missing key shows the raw key to the learner.
    #[test]
    fn every_literal_key_in_the_sources_is_translated() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut missing = Vec::new();
        let mut seen = 0;
        for f in files.iter().filter(|f| !f.ends_with("i18n.rs")) {
            let src = std::fs::read_to_string(f).unwrap();
            for (i, _) in src.match_indices("t(") {
                let before = src[..i].chars().next_back();
                let call = match before {
                    Some('f') if !src[..i - 1].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') => true,
                    Some(c) if c.is_alphanumeric() || c == '_' => false,
                    _ => true,
                };
                if !call {
                    continue;
                }
                let rest = &src[i + 2..];
                let arg_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(0);
                let Some(tail) = rest[arg_end..].strip_prefix(", \"") else { continue };
                let Some(end) = tail.find('"') else { continue };
                let key = &tail[..end];
                seen += 1;
                for l in [Locale::Vi, Locale::En] {
                    if t(l, key) == key {
                        missing.push(format!("{}: {key} ({})", f.display(), l.code()));
                    }
                }
            }
        }
        assert!(seen > 300, "the scan found only {seen} keys: it no longer reads the sources");
        assert!(missing.is_empty(), "keys without a translation:\n{}", missing.join("\n"));
    }

    #[test]
    fn dates_are_dd_mm_yyyy_in_vietnam_time() {
        assert_eq!(format_date(0), "01/01/1970");
        // 2026-11-29T20:00:00Z is already 30/11 in Vietnam.
        assert_eq!(format_date(1_795_982_400_000), "30/11/2026");
        assert_eq!(format_iso_date("2026-11-29"), "29/11/2026");
    }

    #[test]
    fn both_languages_have_every_key() {
        let account = ["auth.my_courses", "auth.my_courses_none", "auth.lessons_done", "auth.best_score", "auth.completed_on", "auth.certificate_code"];
        for key in ["app.name", "nav.courses", "lesson.mark_done", "error.not_found", "catalog.lessons"].into_iter().chain(account) {
            let vi = t(Locale::Vi, key);
            let en = t(Locale::En, key);
            assert!(!vi.is_empty() && vi != key, "{key} vi");
            assert!(!en.is_empty() && en != key, "{key} en");
        }
        assert_eq!(t(Locale::Vi, "lesson.prev"), "Bài trước");
        assert_eq!(tf(Locale::En, "catalog.lessons", &[("n", "5".into())]), "5 lessons");
    }

    #[test]
    fn cookie_locale() {
        assert_eq!(Locale::from_cookie_header("a=b; lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("lang=xx"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header(""), Locale::Vi);
        assert_eq!(format_hours(2.5, Locale::Vi), "2,5");
        assert_eq!(format_percent(Locale::Vi, 87.5), "87,5 %");
        assert_eq!(format_percent(Locale::En, 100.0), "100.0%");
    }
}
