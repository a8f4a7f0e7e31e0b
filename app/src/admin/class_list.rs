//! Class lists from a workshop: a CSV or an Excel (XLSX) sheet with name, phone, organisation, type and
//! region, checked row by row. Nothing is written unless every row is acceptable, so a trainer fixes the
//! file and uploads it again rather than chasing a half-imported class. Server-only.

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
    /// 1-based line in the sheet, header included.
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

/// Read the first sheet of an XLSX file or a CSV (UTF-8, with or without BOM, `,` or `;`) into rows of text.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK") {
        use calamine::{Data, Reader};
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(|e| format!("xlsx: {e}"))?;
        let range = book.worksheet_range_at(0).ok_or("xlsx: the file has no sheet")?.map_err(|e| format!("xlsx: {e}"))?;
        return Ok(range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "csv: the file is not UTF-8; in Excel choose “CSV UTF-8”".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delim = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
    rdr.records().map(|r| r.map(|r| r.iter().map(|s| s.to_string()).collect()).map_err(|e| format!("csv: {e}"))).collect()
}

/// Which column holds what, found from the header row by folded names.
fn columns(header: &[String]) -> Result<[usize; 5], String> {
    let names: [&[&str]; 5] = [
        &["ho va ten", "ho ten", "ten", "name", "full name"],
        &["so dien thoai", "dien thoai", "sdt", "phone", "mobile"],
        &["to chuc", "don vi", "ten to chuc", "organisation", "organization", "htx"],
        &["loai hinh", "loai", "type", "organisation type"],
        &["dia ban", "xa", "xa phuong", "ma xa", "region", "commune"],
    ];
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let mut out = [0usize; 5];
    for (i, wanted) in names.iter().enumerate() {
        out[i] = folded
            .iter()
            .position(|h| wanted.contains(&h.as_str()))
            .ok_or_else(|| format!("missing column: {}", wanted[0]))?;
    }
    Ok(out)
}

fn org_type(value: &str) -> Option<&'static str> {
    let f = fold(value);
    if let Some(t) = ORG_TYPES.iter().find(|t| **t == value.trim()) {
        return Some(t);
    }
    Some(match f.as_str() {
        "hop tac xa" | "htx" => "hop-tac-xa",
        "to hop tac" | "tht" => "to-hop-tac",
        "doanh nghiep" | "cong ty" | "dn" => "doanh-nghiep",
        "ho san xuat" | "ho kinh doanh" | "ho san xuat, kinh doanh" | "ho san xuat kinh doanh" => "ho-san-xuat",
        "co quan nha nuoc" | "co quan" => "co-quan-nha-nuoc",
        "khac" | "" => "khac",
        _ => return None,
    })
}

/// Regions for matching names: (code, folded name without its kind word, folded province name, display).
pub struct RegionIndex(Vec<(String, String, String, String)>);

fn strip_kind(f: &str) -> &str {
    for p in ["xa ", "phuong ", "dac khu ", "thi tran ", "tinh ", "thanh pho "] {
        if let Some(rest) = f.strip_prefix(p) {
            return rest;
        }
    }
    f
}

impl RegionIndex {
    /// Load every active region.
    pub async fn load(db: &Db) -> Result<RegionIndex, sqlx::Error> {
        let rows = db::region::all_with_parent(db).await?;
        Ok(RegionIndex(
            rows.into_iter()
                .map(|r| {
                    let display = match &r.parent_name {
                        Some(p) => format!("{} ({p})", r.name),
                        None => r.name.clone(),
                    };
                    (r.code, strip_kind(&fold(&r.name)).to_string(), strip_kind(&fold(&r.parent_name.unwrap_or_default())).to_string(), display)
                })
                .collect(),
        ))
    }

    /// A region by code (leading zeros restored, as Excel drops them) or by name, optionally "name, province".
    pub fn resolve(&self, value: &str) -> Result<String, Refusal> {
        let v = value.trim();
        if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) {
            let code = if v.len() <= 2 { format!("{v:0>2}") } else { format!("{v:0>5}") };
            return self.0.iter().find(|r| r.0 == code).map(|r| r.0.clone()).ok_or(Refusal { key: "region_unknown", detail: v.to_string() });
        }
        let (name, province) = match v.split_once(',') {
            Some((n, p)) => (n, Some(p)),
            None => (v, None),
        };
        let name = fold(name);
        let name = strip_kind(&name);
        let province = province.map(|p| strip_kind(&fold(p)).to_string());
        let hits: Vec<&(String, String, String, String)> = self
            .0
            .iter()
            .filter(|r| r.1 == name && province.as_ref().is_none_or(|p| &r.2 == p))
            .collect();
        match hits.as_slice() {
            [one] => Ok(one.0.clone()),
            [] => Err(Refusal { key: "region_unknown", detail: v.to_string() }),
            many => Err(Refusal {
                key: "region_ambiguous",
                detail: many.iter().map(|r| format!("{} = {}", r.3, r.0)).collect::<Vec<_>>().join("; "),
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

/// Check every data row of `table` (first row = header).
pub async fn plan(db: &Db, table: &[Vec<String>]) -> Result<Result<Vec<Planned>, String>, sqlx::Error> {
    let Some(header) = table.first() else { return Ok(Err("the file is empty".into())) };
    let cols = match columns(header) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let regions = RegionIndex::load(db).await?;
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (i, row) in table.iter().enumerate().skip(1) {
        let cell = |n: usize| row.get(cols[n]).map(|s| crate::text::nfc(s.trim())).unwrap_or_default();
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut p = Planned {
            line: i + 1,
            full_name: cell(0),
            phone: String::new(),
            org_name: cell(2),
            org_type: String::new(),
            region_code: String::new(),
            existing: None,
            refusal: None,
        };
        let refuse = |key: &'static str, detail: String| Some(Refusal { key, detail });
        let n = p.full_name.chars().count();
        if !(2..=100).contains(&n) {
            p.refusal = refuse("name_invalid", p.full_name.clone());
        } else if let Some(phone) = normalize_phone(&cell(1)) {
            p.phone = phone;
            if let Some(first) = seen.insert(p.phone.clone(), p.line) {
                p.refusal = refuse("phone_repeated", format!("{first}"));
            }
        } else {
            p.refusal = refuse("phone_invalid", cell(1));
        }
        if p.refusal.is_none() {
            match org_type(&cell(3)) {
                Some(t) => p.org_type = t.to_string(),
                None => p.refusal = refuse("org_type_invalid", cell(3)),
            }
        }
        if p.refusal.is_none() {
            match regions.resolve(&cell(4)) {
                Ok(code) => p.region_code = code,
                Err(r) => p.refusal = Some(r),
            }
        }
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

    #[test]
    fn reads_csv_with_bom_and_semicolons() {
        let t = read_table("lop.csv", "\u{feff}Họ và tên;Số điện thoại\nAn;0912345678\n".as_bytes()).unwrap();
        assert_eq!(t, vec![vec!["Họ và tên".to_string(), "Số điện thoại".into()], vec!["An".into(), "0912345678".into()]]);
        assert!(read_table("lop.csv", &[0xff, 0xfe, 0x41]).is_err());
    }

    #[test]
    fn finds_columns_by_vietnamese_headers() {
        let h: Vec<String> = ["STT", "Họ và tên", "Số điện thoại", "Tổ chức", "Loại hình", "Địa bàn"].iter().map(|s| s.to_string()).collect();
        assert_eq!(columns(&h).unwrap(), [1, 2, 3, 4, 5]);
        assert!(columns(&h[..3]).unwrap_err().contains("to chuc"));
    }

    #[test]
    fn org_types_in_words() {
        assert_eq!(org_type("Hợp tác xã"), Some("hop-tac-xa"));
        assert_eq!(org_type("HỘ KINH DOANH"), Some("ho-san-xuat"));
        assert_eq!(org_type("ngân hàng"), None);
    }

    #[test]
    fn regions_by_code_name_and_province() {
        let idx = RegionIndex(vec![
            ("28756".into(), "phu khuong".into(), "vinh long".into(), "Phường Phú Khương (Vĩnh Long)".into()),
            ("11111".into(), "thanh phu".into(), "vinh long".into(), "Xã Thạnh Phú (Vĩnh Long)".into()),
            ("22222".into(), "thanh phu".into(), "can tho".into(), "Xã Thạnh Phú (Cần Thơ)".into()),
        ]);
        assert_eq!(idx.resolve("28756").unwrap(), "28756");
        assert_eq!(idx.resolve("Phường Phú Khương").unwrap(), "28756");
        assert_eq!(idx.resolve("Xã Thạnh Phú, Tỉnh Vĩnh Long").unwrap(), "11111");
        let amb = idx.resolve("Thạnh Phú").unwrap_err();
        assert_eq!(amb.key, "region_ambiguous");
        assert!(amb.detail.contains("Cần Thơ") && amb.detail.contains("11111"));
        assert_eq!(idx.resolve("Xã Không Có").unwrap_err().key, "region_unknown");
    }
}
