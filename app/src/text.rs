//! Vietnamese text helpers shared by server and browser: the one search fold, slugs, number parsing.

use unicode_normalization::UnicodeNormalization;

/// Unicode NFC: the form every stored text uses, so NFD input (some Android keyboards) compares equal.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The search fold: lower case, diacritics removed (đ → d), whitespace collapsed. NFC and NFD input fold
/// alike, so "chuyen doi so" finds "Chuyển đổi số" however either was typed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// An URL-safe id from a title: folded, with runs of other characters turned into `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whether `s` is a valid slug: lower-case ASCII letters, digits and single `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Parse a number as Vietnamese people write it: `22.500` and `1.234.567` use `.` for thousands, `2,5` uses
/// `,` for decimals; `0.5` (a `.` not followed by exactly three digits) is read as a decimal point.
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s.trim().chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if t.is_empty() {
        return None;
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(&t)),
    };
    let normalised = if body.contains(',') {
        if body.matches(',').count() > 1 {
            return None;
        }
        body.replace('.', "").replace(',', ".")
    } else if body.contains('.') {
        let groups: Vec<&str> = body.split('.').collect();
        let thousands = groups.len() > 1
            && !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            body.replace('.', "")
        } else if groups.len() == 2 {
            body.to_string()
        } else {
            return None;
        }
    } else {
        body.to_string()
    };
    if !normalised.chars().all(|c| c.is_ascii_digit() || c == '.') || normalised.starts_with('.') {
        return None;
    }
    normalised.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| v * sign)
}

/// Text made safe inside HTML or SVG, text and attribute values alike.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_diacritics_case_and_normal_form() {
        assert_eq!(fold("Chuyển đổi số"), "chuyen doi so");
        let nfd: String = "Chuyển Đổi  Số".nfd().collect();
        assert_eq!(fold(&nfd), "chuyen doi so");
        assert_eq!(fold("  Hợp   tác xã "), "hop tac xa");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Ví dụ: kẹo dừa (Bến Tre)"), "vi-du-keo-dua-ben-tre");
        assert!(is_slug("quan-tri-hop-tac-xa"));
        assert!(!is_slug("Quản-trị") && !is_slug("a--b") && !is_slug("-a"));
    }

    #[test]
    fn numbers_the_vietnamese_way() {
        assert_eq!(parse_number("22.500"), Some(22500.0));
        assert_eq!(parse_number("1.234.567"), Some(1234567.0));
        assert_eq!(parse_number("2,5"), Some(2.5));
        assert_eq!(parse_number("0.5"), Some(0.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("22 500"), Some(22500.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("1,2,3"), None);
        assert_eq!(parse_number(""), None);
    }
}
