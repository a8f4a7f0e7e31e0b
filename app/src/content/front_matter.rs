//! `---` front matter: `key: value` lines between two `---` lines at the top of a markdown file.
//!
//! Hand-written rather than YAML because trainers need exactly three shapes (text, whole number, true/false)
//! and a message with the line number when they get one wrong.

use std::collections::BTreeMap;

/// A value with the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub value: String,
    pub line: usize,
}

/// A split file: the header fields and the body, with the body's first line number.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub fields: BTreeMap<String, Field>,
    pub body: &'a str,
    /// 1-based line number of the body's first line in the file.
    pub body_line: usize,
}

/// A front-matter error: line and message.
pub type FmError = (usize, usize, String);

/// Split `text` into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, FmError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((1, 1, "the file must start with a `---` line, then `title: ...`, then `---`".into()));
    }
    let mut fields = BTreeMap::new();
    let mut offset = first.len();
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_end() == "---" {
            return Ok(Split { fields, body: &text[offset..], body_line: line_no + 1 });
        }
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            return Err((line_no, 1, format!("expected `key: value` in the front matter, found `{trimmed}`")));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err((line_no, 1, format!("`{key}` is not a valid front-matter key")));
        }
        let value = clean_value(value).map_err(|m| (line_no, key.len() + 2, m))?;
        if fields.insert(key.to_string(), Field { value, line: line_no }).is_some() {
            return Err((line_no, 1, format!("`{key}` is given twice")));
        }
    }
    Err((line_no.max(1), 1, "the front matter is not closed: add a `---` line after it".into()))
}

/// Strip a trailing ` # comment` and surrounding quotes.
fn clean_value(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if let Some(rest) = v.strip_prefix('"') {
        let Some(end) = rest.find('"') else {
            return Err("a quoted value is missing its closing `\"`".into());
        };
        let after = rest[end + 1..].trim();
        if !after.is_empty() && !after.starts_with('#') {
            return Err(format!("unexpected `{after}` after the quoted value"));
        }
        return Ok(rest[..end].to_string());
    }
    let v = match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    };
    Ok(v.to_string())
}

impl Split<'_> {
    /// A required text field.
    pub fn text(&self, key: &str) -> Result<&Field, (usize, usize, String)> {
        match self.fields.get(key) {
            Some(f) if !f.value.is_empty() => Ok(f),
            Some(f) => Err((f.line, 1, format!("`{key}` is empty"))),
            None => Err((1, 1, format!("the front matter needs `{key}:`"))),
        }
    }

    /// An optional whole number within `min..=max`.
    pub fn number(&self, key: &str, min: u32, max: u32) -> Result<Option<u32>, FmError> {
        let Some(f) = self.fields.get(key) else { return Ok(None) };
        match f.value.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err((f.line, key.len() + 3, format!("`{key}` must be a whole number from {min} to {max}, found `{}`", f.value))),
        }
    }

    /// An optional true/false.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, FmError> {
        let Some(f) = self.fields.get(key) else { return Ok(None) };
        match f.value.to_lowercase().as_str() {
            "true" | "yes" | "có" => Ok(Some(true)),
            "false" | "no" | "không" => Ok(Some(false)),
            _ => Err((f.line, key.len() + 3, format!("`{key}` must be true or false, found `{}`", f.value))),
        }
    }

    /// Keys that are not in `known`, with their lines.
    pub fn unknown<'k>(&'k self, known: &[&str]) -> impl Iterator<Item = (&'k str, usize)> + 'k {
        let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        self.fields.iter().filter(move |(k, _)| !known.contains(k)).map(|(k, f)| (k.as_str(), f.line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_header_and_keeps_body_line() {
        let s = split("---\ntitle: Bài 1 # comment\nminutes: 8\n---\nHello\n").unwrap();
        assert_eq!(s.fields["title"].value, "Bài 1");
        assert_eq!(s.fields["minutes"].line, 3);
        assert_eq!(s.body, "Hello\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn quoted_value_keeps_hash() {
        let s = split("---\ntitle: \"Bài #1\"\n---\n").unwrap();
        assert_eq!(s.fields["title"].value, "Bài #1");
    }

    #[test]
    fn missing_and_unclosed_header_are_positioned() {
        assert_eq!(split("title: x\n").unwrap_err().0, 1);
        let e = split("---\ntitle: x\n\n").unwrap_err();
        assert!(e.2.contains("not closed"), "{e:?}");
        let e = split("---\ntitle x\n---\n").unwrap_err();
        assert_eq!((e.0, e.1), (2, 1));
    }

    #[test]
    fn numbers_are_range_checked() {
        let s = split("---\nminutes: 0\n---\n").unwrap();
        let e = s.number("minutes", 1, 240).unwrap_err();
        assert_eq!(e.0, 2);
    }
}
