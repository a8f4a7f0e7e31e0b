//! Class lists from a workshop: a CSV or an Excel (XLSX) sheet with name, phone, organisation, type and
//! region (and optionally the province), checked row by row. Nothing is written unless every row is
//! acceptable, so a trainer fixes the file and uploads it again rather than chasing a half-imported class.
//! Server-only.

use crate::auth::{normalize_phone, ORG_TYPES};
use crate::db::{self, Db};
use crate::text::fold;

/// Why a row cannot be imported (an i18n key under `classlist.`), with a detail for the trainer.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub key: &'static str,
    pub detail: String,
}

/// One checked row.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The row number Excel shows (1-based, header and empty rows counted).
    pub line: usize,
    pub full_name: String,
    pub phone: String,
    pub org_name: String,
    pub org_type: String,
    pub region_code: String,
    /// `Some(id)` when the phone already has an account (it is enrolled, not created).
    pub existing: Option<String>,
    pub refusal: Option<Refusal>,
}

/// A class list is a workshop's people: a few hundred rows. Anything far larger is refused before it is read,
/// so a crafted file costs the server nothing (a 1 KB XLSX can otherwise declare a terabyte).
pub const MAX_ROWS: usize = 2_000;
/// Columns read: the five the list needs, the province and room for notes.
pub const MAX_COLS: usize = 30;
/// What an XLSX may unpack to, all entries together: a 2,000-row list is well under 1 MB of XML.
const MAX_UNPACKED: u64 = 8 * 1024 * 1024;
/// Entries in an XLSX's zip: a real workbook has a dozen.
const MAX_ENTRIES: usize = 200;

/// Read the first sheet of an XLSX file or a CSV (UTF-8, with or without BOM, `,` or `;`) into rows of text.
/// Row `i` of the result is the sheet's row `i + 1` as Excel numbers it: empty rows are kept, and rows above
/// the first filled one are padded, so the report's line numbers match what the trainer sees. CPU-bound:
/// call it off the async threads.
///
/// Bounded whatever the file says about itself: the zip is unpacked once, counting what actually comes out
/// (headers can lie), before calamine sees it; the shared-strings count it declares is checked, since
/// calamine reserves memory from it; and the sheet is read cell by cell, stopping at [`MAX_ROWS`] and
/// [`MAX_COLS`], rather than as a dense range between its two farthest cells.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK") {
        check_xlsx(bytes)?;
        return read_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "csv: the file is not UTF-8; in Excel choose “CSV UTF-8”".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delim = if first.matches(';').count() > first.matches(',').count() { ';' } else { ',' };
    let rows = csv_rows(text, delim);
    if rows.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    if rows.iter().any(|r| r.len() > MAX_COLS) {
        return Err(too_many_cols());
    }
    Ok(rows)
}

fn too_many_rows() -> String {
    format!("Tệp có hơn {MAX_ROWS} dòng: hãy chia danh sách thành nhiều tệp. (more than {MAX_ROWS} rows: split the list into several files)")
}

fn too_many_cols() -> String {
    format!("Tệp có hơn {MAX_COLS} cột: hãy chỉ giữ các cột của danh sách. (more than {MAX_COLS} columns: keep only the list's columns)")
}

fn too_big() -> String {
    "Tệp Excel này giải nén ra quá lớn so với một danh sách lớp. (the workbook unpacks to more than a class list can be)".to_string()
}

/// The zip under an XLSX, checked before calamine opens it: entries, real unpacked size, and the number of
/// shared strings the workbook declares.
fn check_xlsx(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("xlsx: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(too_big());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("xlsx: {e}"))?;
        let shared_strings = entry.name().map_err(|e| format!("xlsx: {e}"))?.to_ascii_lowercase().ends_with("sharedstrings.xml");
        let mut limited = (&mut entry).take(MAX_UNPACKED - total + 1);
        let mut kept = Vec::new();
        let n = if shared_strings {
            // Kept whole (the cap bounds it) so that every `uniqueCount` in it is seen, wherever it sits.
            limited.read_to_end(&mut kept).map_err(|e| format!("xlsx: {e}"))? as u64
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(|e| format!("xlsx: {e}"))?
        };
        total += n;
        if total > MAX_UNPACKED {
            return Err(too_big());
        }
        if shared_strings && largest_declared(&kept, "uniqueCount").is_some_and(|c| c > (MAX_ROWS * MAX_COLS) as u64) {
            return Err(too_many_rows());
        }
    }
    Ok(())
}

/// The largest number given to attribute `name` anywhere in `xml`, however it is written (spaces around `=`,
/// either quote, in a comment or not): calamine's XML reader finds the attribute wherever it is, so this
/// check must not miss a spelling that reader accepts. A number too long for u64 reads as the largest one,
/// so it is refused rather than ignored.
fn largest_declared(xml: &[u8], name: &str) -> Option<u64> {
    let mut largest = None;
    let mut rest = xml;
    while let Some(at) = rest.windows(name.len()).position(|w| w == name.as_bytes()) {
        rest = &rest[at + name.len()..];
        let mut i = 0;
        let skip_space = |i: &mut usize| {
            while rest.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
                *i += 1;
            }
        };
        skip_space(&mut i);
        if rest.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        skip_space(&mut i);
        if !matches!(rest.get(i), Some(b'"') | Some(b'\'')) {
            continue;
        }
        i += 1;
        let digits: Vec<u8> = rest[i..].iter().take_while(|b| b.is_ascii_digit()).copied().collect();
        if digits.is_empty() {
            continue;
        }
        let n = std::str::from_utf8(&digits).ok().and_then(|d| d.parse::<u64>().ok()).unwrap_or(u64::MAX);
        largest = Some(largest.map_or(n, |l: u64| l.max(n)));
    }
    largest
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("xlsx: {e}"))?;
    let first = book.sheet_names().first().cloned().ok_or("xlsx: the file has no sheet")?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(|e| format!("xlsx: {e}"))?;
    let mut out: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| format!("xlsx: {e}"))? {
        let value: Data = cell.get_value().clone().into();
        if matches!(value, Data::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_ROWS {
            return Err(too_many_rows());
        }
        if col >= MAX_COLS {
            return Err(too_many_cols());
        }
        if out.len() <= row {
            out.resize(row + 1, Vec::new());
        }
        let line = &mut out[row];
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = match value {
            Data::Float(f) if f.fract() == 0.0 => format!("{}", f as i64),
            other => other.to_string(),
        };
    }
    Ok(out)
}

/// Split CSV text into records the way Excel opens it: one row per record, an empty line an empty row, a
/// line break inside quotes part of the cell. Written here because the `csv` crate skips empty lines, which
/// shifted every later line number; like it, a quote only opens a quoted cell at the cell's start.
fn csv_rows(text: &str, delim: char) -> Vec<Vec<String>> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Plain,
        Quoted,
        QuoteInQuoted,
    }
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut state = S::Start;
    let mut chars = text.chars().peekable();
    let mut end_row = |row: &mut Vec<String>, cell: &mut String| {
        // A line with nothing on it is an empty row, not a row with one empty cell.
        if !(row.is_empty() && cell.is_empty()) {
            row.push(std::mem::take(cell));
        }
        rows.push(std::mem::take(row));
    };
    while let Some(c) = chars.next() {
        match state {
            S::Quoted => match c {
                '"' => state = S::QuoteInQuoted,
                c => cell.push(c),
            },
            _ if c == '"' && state == S::QuoteInQuoted => {
                cell.push('"');
                state = S::Quoted;
            }
            _ if c == '"' && state == S::Start => state = S::Quoted,
            _ if c == delim => {
                row.push(std::mem::take(&mut cell));
                state = S::Start;
            }
            _ if c == '\n' || c == '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_row(&mut row, &mut cell);
                state = S::Start;
            }
            _ => {
                cell.push(c);
                state = S::Plain;
            }
        }
    }
    if !(row.is_empty() && cell.is_empty()) {
        end_row(&mut row, &mut cell);
    }
    rows
}

/// A header or type folded further for matching: diacritics, case, spaces and punctuation dropped, so
/// "Tỉnh / thành phố", "tinh/thanh pho" and "TỈNH THÀNH PHỐ" are one name.
fn compact(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Where each field is in a row, found from the header.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Columns {
    name: usize,
    phone: usize,
    org: usize,
    org_type: usize,
    region: usize,
    /// The province beside the commune, when the list has one.
    province: Option<usize>,
}

/// Which column holds what, found from the header row by compacted names.
fn columns(header: &[String]) -> Result<Columns, String> {
    let names: [&[&str]; 6] = [
        &["ho va ten", "ho ten", "ten", "name", "full name"],
        &["so dien thoai", "dien thoai", "sdt", "phone", "mobile"],
        &["to chuc", "don vi", "ten to chuc", "organisation", "organization", "htx"],
        &["loai hinh", "loai", "type", "organisation type", "loai hinh to chuc"],
        &["dia ban", "xa", "xa phuong", "phuong xa", "ma xa", "region", "commune"],
        &["tinh thanh pho", "tinh", "tinh tp", "tinh thanh", "thanh pho", "tp", "province"],
    ];
    let compacted: Vec<String> = header.iter().map(|h| compact(h)).collect();
    let find = |wanted: &[&str]| compacted.iter().position(|h| wanted.iter().any(|w| compact(w) == *h));
    let mut found = [0usize; 5];
    for (i, wanted) in names[..5].iter().enumerate() {
        found[i] = find(wanted).ok_or_else(|| format!("missing column: {}", wanted[0]))?;
    }
    Ok(Columns { name: found[0], phone: found[1], org: found[2], org_type: found[3], region: found[4], province: find(names[5]) })
}

/// The forms each organisation type is written in, compacted; a value matches a type when it is one of its
/// words or starts with one of its prefixes ("HTX Dừa" is a cooperative, "Cty TNHH" a company). Checked in
/// this order, since "hộ" alone could start several.
const ORG_FORMS: [(&str, &[&str], &[&str]); 6] = [
    ("hop-tac-xa", &["hoptacxa", "htx", "lienhiephoptacxa", "lhhtx", "cooperative"], &[]),
    ("to-hop-tac", &["tohoptac", "tht", "cooperativegroup"], &[]),
    ("co-quan-nha-nuoc", &["coquannhanuoc", "coquan", "cqnn", "ubnd", "uybannhandan", "government"], &[]),
    ("ho-san-xuat", &["hosanxuat", "hokinhdoanh", "hosx", "hokd", "hogiadinh", "household"], &[]),
    ("doanh-nghiep", &["doanhnghiep", "congty", "cty", "ctcp", "tnhh", "dn", "company", "enterprise", "business"], &["ct", "cp"]),
    ("khac", &["khac", "other"], &[""]),
];

/// An organisation type from how people write it (see [`ORG_FORMS`]), or the slug itself.
fn org_type(value: &str) -> Option<&'static str> {
    if let Some(t) = ORG_TYPES.iter().find(|t| **t == value.trim()) {
        return Some(t);
    }
    let v = compact(value);
    ORG_FORMS.iter().find(|(_, prefixes, words)| words.contains(&v.as_str()) || prefixes.iter().any(|p| v.starts_with(p))).map(|(t, _, _)| *t)
}

/// One region for matching names.
#[derive(Debug, Clone, PartialEq)]
struct Region {
    /// The official code ("29182").
    code: String,
    /// Folded name without its kind word ("thanh phu" for "Xã Thạnh Phú").
    key: String,
    /// The province's key; empty for a province.
    province_key: String,
    /// The name as stored, for messages.
    name: String,
    /// The province's name; empty for a province.
    province: String,
}

/// Regions for matching names, by code or by name within a province.
pub struct RegionIndex(Vec<Region>);

/// A folded place name without its kind word, so "Tỉnh Vĩnh Long", "TP. Cần Thơ" and "Cần Thơ" meet.
fn strip_kind(f: &str) -> &str {
    for p in ["xa ", "phuong ", "dac khu ", "thi tran ", "tinh ", "thanh pho ", "tp. ", "tp.", "tp "] {
        if let Some(rest) = f.strip_prefix(p) {
            return rest.trim_start();
        }
    }
    f
}

/// The key of a place name as typed: folded, kind word dropped.
fn place_key(value: &str) -> String {
    strip_kind(&fold(value)).to_string()
}

/// The key of a province as typed: [`place_key`], with the short names of Hồ Chí Minh City expanded
/// (only for provinces: "Phường Sài Gòn" is a ward of its own).
fn province_key(value: &str) -> String {
    match place_key(value).as_str() {
        "hcm" | "tphcm" | "tp.hcm" | "sai gon" => "ho chi minh".to_string(),
        k => k.to_string(),
    }
}

impl RegionIndex {
    /// Load every active region.
    pub async fn load(db: &Db) -> Result<RegionIndex, sqlx::Error> {
        let rows = db::region::all_with_parent(db).await?;
        Ok(RegionIndex(
            rows.into_iter()
                .map(|r| {
                    let province = r.parent_name.unwrap_or_default();
                    Region { code: r.code, key: place_key(&r.name), province_key: place_key(&province), name: r.name, province }
                })
                .collect(),
        ))
    }

    /// The key of a province given by code or name, or a refusal naming the value.
    fn province(&self, value: &str) -> Result<&str, Refusal> {
        let v = value.trim();
        let unknown = || Refusal { key: "province_unknown", detail: v.to_string() };
        let found = if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) {
            let code = format!("{v:0>2}");
            self.0.iter().find(|r| r.province.is_empty() && r.code == code)
        } else {
            let key = province_key(v);
            self.0.iter().find(|r| r.province.is_empty() && r.key == key)
        };
        found.map(|r| r.key.as_str()).ok_or_else(unknown)
    }

    /// A region by code (leading zeros restored, as Excel drops them) or by name, the province taken from
    /// `province` (the list's province column, possibly empty) or written after the name ("name, province").
    /// A name shared by several provinces is refused only when no province is given; the refusal names them.
    pub fn resolve(&self, value: &str, province: &str) -> Result<String, Refusal> {
        let v = value.trim();
        let (name, inline) = match v.split_once(',') {
            Some((n, p)) => (n, p.trim()),
            None => (v, ""),
        };
        let province = if inline.is_empty() { province.trim() } else { inline };
        // A province that does not exist is refused even beside a commune code: the trainer typed it, and
        // a silent pass would hide a wrong column.
        let province_key = if province.is_empty() { None } else { Some(self.province(province)?) };
        if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) {
            let code = if v.len() <= 2 { format!("{v:0>2}") } else { format!("{v:0>5}") };
            return self.0.iter().find(|r| r.code == code).map(|r| r.code.clone()).ok_or(Refusal { key: "region_unknown", detail: v.to_string() });
        }
        let key = place_key(name);
        let hits: Vec<&Region> = self.0.iter().filter(|r| r.key == key && province_key.is_none_or(|p| r.province_key == p)).collect();
        match hits.as_slice() {
            [one] => Ok(one.code.clone()),
            [] if province_key.is_some() => Err(Refusal { key: "region_not_in_province", detail: format!("{}, {}", name.trim(), province) }),
            [] => Err(Refusal { key: "region_unknown", detail: v.to_string() }),
            many => Err(Refusal {
                key: if province_key.is_some() { "region_ambiguous_in_province" } else { "region_ambiguous" },
                detail: format!(
                    "{}: {}",
                    name.trim(),
                    many.iter().map(|r| if r.province.is_empty() { format!("{} ({})", r.name, r.code) } else { format!("{} ({}, {})", r.province, r.name, r.code) }).collect::<Vec<_>>().join("; ")
                ),
            }),
        }
    }
}

/// Create the new people of a checked class list and enrol everyone in `course_ids` (see
/// [`db::user::import_class`]). Returns the one-time links of the new people.
pub async fn import(db: &Db, rows: &[Planned], course_ids: &[String], created_by: &str) -> Result<Vec<db::user::InviteRow>, sqlx::Error> {
    let members: Vec<db::user::NewClassMember> = rows
        .iter()
        .map(|r| db::user::NewClassMember {
            line: r.line,
            full_name: r.full_name.clone(),
            phone: r.phone.clone(),
            org_name: r.org_name.clone(),
            org_type: r.org_type.clone(),
            region_code: r.region_code.clone(),
            existing: r.existing.clone(),
        })
        .collect();
    db::user::import_class(db, &members, course_ids, created_by).await
}

/// Check every data row of `table`. The header is the first row that names the columns (a title or empty
/// rows may sit above it); lines are the table's row numbers, which are Excel's.
pub async fn plan(db: &Db, table: &[Vec<String>]) -> Result<Result<Vec<Planned>, String>, sqlx::Error> {
    let blank = |row: &Vec<String>| row.iter().all(|c| c.trim().is_empty());
    let Some(first) = table.iter().position(|r| !blank(r)) else { return Ok(Err("the file is empty".into())) };
    let Some((header_at, cols)) = table.iter().enumerate().skip(first).find_map(|(i, r)| columns(r).ok().map(|c| (i, c))) else {
        // No row names all the columns: say what the first row lacks, as that is where a header belongs.
        return Ok(Err(columns(&table[first]).err().unwrap_or_default()));
    };
    let regions = RegionIndex::load(db).await?;
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (i, row) in table.iter().enumerate().skip(header_at + 1) {
        if blank(row) {
            continue;
        }
        let cell = |n: usize| row.get(n).map(|s| crate::text::nfc(s.trim())).unwrap_or_default();
        let mut p = Planned {
            line: i + 1,
            full_name: cell(cols.name),
            phone: String::new(),
            org_name: cell(cols.org),
            org_type: String::new(),
            region_code: String::new(),
            existing: None,
            refusal: None,
        };
        // Every check runs and the first failure is reported; a valid phone counts as seen even on a row
        // refused for another reason, so fixing that reason never reveals a repeated number later.
        let mut refusals: Vec<Refusal> = Vec::new();
        match crate::text::clean_line(&p.full_name, 100).filter(|n| n.chars().count() >= 2) {
            Some(name) => p.full_name = name,
            None => refusals.push(Refusal { key: "name_invalid", detail: p.full_name.chars().filter(|c| !c.is_control()).take(100).collect() }),
        }
        match crate::text::clean_line(&p.org_name, 200) {
            Some(org) => p.org_name = org,
            None => refusals.push(Refusal { key: "org_invalid", detail: p.org_name.chars().filter(|c| !c.is_control()).take(60).collect() }),
        }
        match normalize_phone(&cell(cols.phone)) {
            Some(phone) => {
                p.phone = phone;
                if let Some(first) = seen.get(&p.phone) {
                    refusals.push(Refusal { key: "phone_repeated", detail: format!("{first}") });
                } else {
                    seen.insert(p.phone.clone(), p.line);
                }
            }
            None => refusals.push(Refusal { key: "phone_invalid", detail: cell(cols.phone) }),
        }
        match org_type(&cell(cols.org_type)) {
            Some(t) => p.org_type = t.to_string(),
            None => refusals.push(Refusal { key: "org_type_invalid", detail: cell(cols.org_type) }),
        }
        match regions.resolve(&cell(cols.region), &cols.province.map(cell).unwrap_or_default()) {
            Ok(code) => p.region_code = code,
            Err(r) => refusals.push(r),
        }
        p.refusal = refusals.into_iter().next();
        if p.refusal.is_none() {
            p.existing = db::user::id_by_phone(db, &p.phone).await?;
        }
        out.push(p);
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(row: &[&str]) -> Vec<String> {
        row.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_csv_with_bom_and_semicolons() {
        let t = read_table("lop.csv", "\u{feff}Họ và tên;Số điện thoại\nAn;0912345678\n".as_bytes()).unwrap();
        assert_eq!(t, vec![vec!["Họ và tên".to_string(), "Số điện thoại".into()], vec!["An".into(), "0912345678".into()]]);
        assert!(read_table("lop.csv", &[0xff, 0xfe, 0x41]).is_err());
    }

    #[test]
    fn csv_rows_are_excel_rows() {
        let t = read_table("lop.csv", b"a,b\r\n\r\n\"x\ny\",\"say \"\"hi\"\"\"\nc\"d,\n").unwrap();
        assert_eq!(t, vec![strings(&["a", "b"]), vec![], strings(&["x\ny", "say \"hi\""]), strings(&["c\"d", ""])]);
    }

    #[test]
    fn finds_columns_by_vietnamese_headers() {
        let h = strings(&["STT", "Họ và tên", "Số điện thoại", "Tổ chức", "Loại hình", "Địa bàn"]);
        let c = columns(&h).unwrap();
        assert_eq!([c.name, c.phone, c.org, c.org_type, c.region], [1, 2, 3, 4, 5]);
        assert_eq!(c.province, None);
        assert!(columns(&h[..3]).unwrap_err().contains("to chuc"));
        for p in ["Tỉnh/Thành phố", "Tỉnh", "Tỉnh/TP", "Tỉnh / thành phố", "TỈNH/THÀNH PHỐ", "tinh thanh pho"] {
            let mut h = h.clone();
            h.push(p.to_string());
            assert_eq!(columns(&h).unwrap().province, Some(6), "{p}");
        }
    }

    #[test]
    fn org_types_in_words() {
        assert_eq!(org_type("Hợp tác xã"), Some("hop-tac-xa"));
        assert_eq!(org_type("HỘ KINH DOANH"), Some("ho-san-xuat"));
        assert_eq!(org_type("ngân hàng"), None);
        let cases = [
            ("HTX", "hop-tac-xa"),
            ("htx nông nghiệp", "hop-tac-xa"),
            ("THT", "to-hop-tac"),
            ("Tổ hợp tác", "to-hop-tac"),
            ("Hộ sản xuất/kinh doanh", "ho-san-xuat"),
            ("Hộ sản xuất, kinh doanh", "ho-san-xuat"),
            ("Hộ SXKD", "ho-san-xuat"),
            ("hộ kinh doanh cá thể", "ho-san-xuat"),
            ("Cty TNHH", "doanh-nghiep"),
            ("Công ty cổ phần", "doanh-nghiep"),
            ("Doanh nghiệp tư nhân", "doanh-nghiep"),
            ("DNTN", "doanh-nghiep"),
            ("DN", "doanh-nghiep"),
            ("Cơ quan nhà nước", "co-quan-nha-nuoc"),
            ("CƠ QUAN NHÀ NƯỚC", "co-quan-nha-nuoc"),
            ("Khác", "khac"),
            ("", "khac"),
            ("co-quan-nha-nuoc", "co-quan-nha-nuoc"),
        ];
        for (v, t) in cases {
            assert_eq!(org_type(v), Some(t), "{v}");
        }
        assert_eq!(org_type("Hộ"), None, "a bare “hộ” is no type");
    }

    fn region(code: &str, name: &str, province: &str) -> Region {
        Region { code: code.into(), key: place_key(name), province_key: place_key(province), name: name.into(), province: province.into() }
    }

    fn index() -> RegionIndex {
        RegionIndex(vec![
            region("86", "Vĩnh Long", ""),
            region("92", "Thành phố Cần Thơ", ""),
            region("79", "Thành phố Hồ Chí Minh", ""),
            region("28756", "Phường Phú Khương", "Vĩnh Long"),
            region("11111", "Xã Thạnh Phú", "Vĩnh Long"),
            region("22222", "Xã Thạnh Phú", "Thành phố Cần Thơ"),
            region("33333", "Phường Sài Gòn", "Thành phố Hồ Chí Minh"),
        ])
    }

    #[test]
    fn regions_by_code_name_and_province() {
        let idx = index();
        assert_eq!(idx.resolve("28756", "").unwrap(), "28756");
        assert_eq!(idx.resolve("Phường Phú Khương", "").unwrap(), "28756");
        assert_eq!(idx.resolve("Xã Thạnh Phú, Tỉnh Vĩnh Long", "").unwrap(), "11111");
        let amb = idx.resolve("Thạnh Phú", "").unwrap_err();
        assert_eq!(amb.key, "region_ambiguous");
        assert!(amb.detail.contains("Cần Thơ") && amb.detail.contains("11111"));
        assert_eq!(idx.resolve("Xã Không Có", "").unwrap_err().key, "region_unknown");
    }

    #[test]
    fn the_province_column_picks_the_commune() {
        let idx = index();
        for p in ["Vĩnh Long", "Tỉnh Vĩnh Long", "tinh vinh long", "86"] {
            assert_eq!(idx.resolve("Xã Thạnh Phú", p).unwrap(), "11111", "{p}");
        }
        for p in ["Cần Thơ", "Thành phố Cần Thơ", "TP. Cần Thơ", "TP Cần Thơ", "tp.cần thơ"] {
            assert_eq!(idx.resolve("Thạnh Phú", p).unwrap(), "22222", "{p}");
        }
        assert_eq!(idx.resolve("Phường Sài Gòn", "TP.HCM").unwrap(), "33333");
        let unknown = idx.resolve("Xã Thạnh Phú", "Tỉnh Không Có").unwrap_err();
        assert_eq!((unknown.key, unknown.detail.as_str()), ("province_unknown", "Tỉnh Không Có"));
        assert_eq!(idx.resolve("28756", "Vĩnh Lonng").unwrap_err().key, "province_unknown");
        assert_eq!(idx.resolve("Phường Phú Khương", "Cần Thơ").unwrap_err().key, "region_not_in_province");
        // The inline province wins over the column, as the trainer wrote it on the row itself.
        assert_eq!(idx.resolve("Thạnh Phú, Cần Thơ", "Vĩnh Long").unwrap(), "22222");
    }
}
