//! Vietnamese text helpers shared by server and browser: the one search fold, slugs, number parsing, phone
//! numbers, URL encoding.

use unicode_normalization::UnicodeNormalization;

/// Unicode NFC: the form every stored text uses, so NFD input (some Android keyboards) compares equal.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A one-line text a person typed (a name, an organisation), ready to store: NFC, trimmed, runs of spaces
/// made one; `None` when it holds a control character (a line break, a tab), a bidirectional override or
/// an invisible character, which could make a certificate or an export read other than it is (security
/// review L-7), or when it is longer than `max` characters.
pub fn clean_line(s: &str, max: usize) -> Option<String> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
    };
    if s.chars().any(hidden) {
        return None;
    }
    let line = nfc(&s.split_whitespace().collect::<Vec<_>>().join(" "));
    (line.chars().count() <= max).then_some(line)
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

/// Percent-encode a path for a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Normalise a Vietnamese mobile number as people type it (`0912 345 678`, `+84912345678`,
/// `84-912-345-678`, `(091) 234.5678`) to `+84912345678`. Mobile numbers have 9 digits after the
/// country code and start with 3, 5, 7, 8 or 9.
pub fn normalize_phone(input: &str) -> Option<String> {
    let mut digits = String::new();
    for (i, c) in input.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let national = if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() == 9) {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0').filter(|r| r.len() == 9) {
        rest.to_string()
    } else if digits.len() == 9 && !input.trim().starts_with('+') {
        digits.clone()
    } else {
        return None;
    };
    matches!(national.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9').then(|| format!("+84{national}"))
}

/// `+84912345678` as `0912 345 678` for people.
pub fn display_phone(stored: &str) -> String {
    match stored.strip_prefix("+84") {
        Some(n) if n.len() == 9 => format!("0{} {} {}", &n[..3], &n[3..6], &n[6..]),
        _ => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_with_hidden_or_controlling_characters_is_refused() {
        assert_eq!(clean_line("  Nguyễn   Thị  Hoa ", 100).as_deref(), Some("Nguyễn Thị Hoa"));
        for bad in ["Nguyễn\u{202E}A", "A\nB", "A\tB", "A\u{200B}B", "A\u{2066}B", "A\u{0}"] {
            assert_eq!(clean_line(bad, 100), None, "{bad:?}");
        }
        assert_eq!(clean_line(&"a".repeat(201), 200), None);
    }

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
