//! Regions: a tree read from a data file (code, name, parent code, kind), never from code, because borders
//! change. `path` (`86/29245`) makes "inside an official's area" one indexed prefix test.

use super::{now_ms, Db};

/// One line of a region file.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub kind: String,
}

/// What an import did.
#[derive(Debug, Default, PartialEq)]
pub struct RegionImport {
    pub inserted: usize,
    pub updated: usize,
    pub retired: usize,
}

/// Parse a region CSV (`code,name,parent_code,kind` with a header). Errors name the line.
pub fn parse_csv(text: &str) -> Result<Vec<RegionRow>, String> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("line {}: {e}", i + 2))?;
        let get = |n: usize| rec.get(n).map(|s| crate::text::nfc(s.trim())).unwrap_or_default();
        let code = get(0);
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("line {}: region code `{code}` must be letters and digits", i + 2));
        }
        let parent = get(2);
        rows.push(RegionRow { code, name: get(1), parent_code: (!parent.is_empty()).then_some(parent), kind: get(3) });
    }
    let codes: std::collections::HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = &r.parent_code {
            if !codes.contains(p.as_str()) {
                return Err(format!("line {}: parent code `{p}` is not in the file", i + 2));
            }
        }
    }
    Ok(rows)
}

fn path_of(code: &str, by_code: &std::collections::HashMap<&str, &RegionRow>) -> String {
    let mut chain = vec![code.to_string()];
    let mut cur = by_code.get(code).and_then(|r| r.parent_code.as_deref());
    while let Some(p) = cur {
        if chain.len() > 16 || chain.iter().any(|c| c == p) {
            break; // a cycle in the file; keep what we have
        }
        chain.push(p.to_string());
        cur = by_code.get(p).and_then(|r| r.parent_code.as_deref());
    }
    chain.reverse();
    chain.join("/")
}

/// Upsert every region by code and retire codes no longer in the file. People keep their region code, so
/// nobody loses their link when borders change.
pub async fn import(db: &Db, rows: &[RegionRow]) -> Result<RegionImport, sqlx::Error> {
    let by_code: std::collections::HashMap<&str, &RegionRow> = rows.iter().map(|r| (r.code.as_str(), r)).collect();
    let mut tx = db.pool.begin().await?;
    let existing: Vec<String> = sqlx::query_scalar("SELECT code FROM region").fetch_all(&mut *tx).await?;
    let existing: std::collections::HashSet<String> = existing.into_iter().collect();
    let mut out = RegionImport::default();
    for r in rows {
        let path = path_of(&r.code, &by_code);
        sqlx::query(
            "INSERT INTO region (code, name, parent_code, kind, path, name_key, retired_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, kind = excluded.kind,
               path = excluded.path, name_key = excluded.name_key, retired_at = NULL",
        )
        .bind(&r.code)
        .bind(&r.name)
        .bind(r.parent_code.as_deref())
        .bind(&r.kind)
        .bind(path)
        .bind(crate::text::fold(&r.name))
        .execute(&mut *tx)
        .await?;
        if existing.contains(&r.code) {
            out.updated += 1;
        } else {
            out.inserted += 1;
        }
    }
    for code in existing.iter().filter(|c| !by_code.contains_key(c.as_str())) {
        sqlx::query("UPDATE region SET retired_at = $1 WHERE code = $2 AND retired_at IS NULL")
            .bind(now_ms())
            .bind(code)
            .execute(&mut *tx)
            .await?;
        out.retired += 1;
    }
    tx.commit().await?;
    Ok(out)
}

/// How many regions are loaded.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM region").fetch_one(&db.pool).await
}

/// A region's code and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegionNameRow {
    pub code: String,
    pub name: String,
}

/// A region's code and name with its parent's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedRegionRow {
    pub code: String,
    pub name: String,
    pub parent_name: Option<String>,
}

/// Active children of a region, or the top level when `parent` is None, by name.
pub async fn children(db: &Db, parent: Option<&str>) -> Result<Vec<RegionNameRow>, sqlx::Error> {
    match parent {
        Some(p) => sqlx::query_as("SELECT code, name FROM region WHERE parent_code = $1 AND retired_at IS NULL ORDER BY name_key")
            .bind(p)
            .fetch_all(&db.pool)
            .await,
        None => sqlx::query_as("SELECT code, name FROM region WHERE parent_code IS NULL AND retired_at IS NULL ORDER BY name_key")
            .fetch_all(&db.pool)
            .await,
    }
}

/// A region's path and full name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    pub path: String,
    /// `Xã …, Tỉnh …`.
    pub full_name: String,
}

#[derive(sqlx::FromRow)]
struct StoredPlace {
    path: String,
    name: String,
    parent_name: Option<String>,
}

/// A region's path and full name, if it exists.
pub async fn describe(db: &Db, code: &str) -> Result<Option<PlaceRow>, sqlx::Error> {
    let row: Option<StoredPlace> = sqlx::query_as(
        "SELECT r.path AS path, r.name AS name, p.name AS parent_name FROM region r LEFT JOIN region p ON p.code = r.parent_code WHERE r.code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| PlaceRow { path: r.path, full_name: full_name(r.name, r.parent_name) }))
}

/// A region's name with its parent's: `Phường Phú Khương, Vĩnh Long`.
pub fn full_name(name: String, parent: Option<String>) -> String {
    match parent {
        Some(p) => format!("{name}, {p}"),
        None => name,
    }
}

/// Every active region with its parent's name.
pub async fn all_with_parent(db: &Db) -> Result<Vec<NamedRegionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.code AS code, r.name AS name, p.name AS parent_name FROM region r LEFT JOIN region p ON p.code = r.parent_code WHERE r.retired_at IS NULL",
    )
    .fetch_all(&db.pool)
    .await
}
