//! Many rows in few statements, for rebuilding summaries and loading demo data. Values are always bound, and
//! a NULL keeps its column's type (PostgreSQL refuses a text NULL in a BIGINT column).

use sqlx::AnyConnection;

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Float(f64),
    OptFloat(Option<f64>),
    Text(String),
    OptText(Option<String>),
}

impl Val {
    fn is_null(&self) -> bool {
        matches!(self, Val::OptInt(None) | Val::OptFloat(None) | Val::OptText(None))
    }
}

/// Insert `rows` into `table` in statements of a few hundred rows (under both databases' parameter limits).
/// `table` and `columns` are the caller's constants, never input.
pub async fn insert_many(conn: &mut AnyConnection, table: &str, columns: &[&str], rows: Vec<Vec<Val>>) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        return insert_many_json(conn, table, columns, rows).await;
    }
    let per = (30_000 / columns.len().max(1)).clamp(1, 1000);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut vals = Vec::with_capacity(chunk.len() * columns.len());
        for (i, row) in chunk.into_iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, v) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                if v.is_null() {
                    // A literal NULL takes its column's type on both databases. A bound one does not: sqlx
                    // 0.8.6's Any driver declares a NULL double as `real` to PostgreSQL, which then refuses the
                    // statement ("incorrect binary data format").
                    sql.push_str("NULL");
                } else {
                    vals.push(v);
                    sql.push_str(&format!("${}", vals.len()));
                }
            }
            sql.push(')');
        }
        if let Err(e) = bind_all(sqlx::query(&sql), vals).execute(&mut *conn).await {
            tracing::error!(table, error = %e, "bulk insert failed");
            return Err(e);
        }
    }
    Ok(())
}

/// PostgreSQL: rows as one JSON text parameter, unpacked by `json_populate_recordset` into the table's own
/// column types: one bound value per statement instead of thousands of placeholders to parse and plan. (A
/// seed of 20,000 learners went from 9.8 s to 6.8 s of inserts, but two writers came in the same change, so
/// that is not this alone.) Columns left out keep their defaults; a JSON null is a NULL of the column's type.
async fn insert_many_json(conn: &mut AnyConnection, table: &str, columns: &[&str], rows: Vec<Vec<Val>>) -> Result<(), sqlx::Error> {
    let cols = columns.join(", ");
    let sql = format!("INSERT INTO {table} ({cols}) SELECT {cols} FROM json_populate_recordset(NULL::{table}, CAST($1 AS json))");
    for chunk in rows.chunks(5000) {
        let json = rows_json(columns, chunk);
        if let Err(e) = sqlx::query(&sql).bind(json).execute(&mut *conn).await {
            tracing::error!(table, error = %e, "bulk insert failed");
            return Err(e);
        }
    }
    Ok(())
}

/// `[{"column": value, ...}, ...]`, written straight into one string (a `serde_json::Value` per row cost more
/// than the database's own parse).
fn rows_json(columns: &[&str], rows: &[Vec<Val>]) -> String {
    use std::fmt::Write as _;
    let keys: Vec<String> = columns.iter().map(|c| serde_json::to_string(c).unwrap_or_default()).collect();
    let mut out = String::with_capacity(rows.len() * 64 * columns.len().max(1));
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        debug_assert_eq!(row.len(), columns.len());
        out.push_str(if i == 0 { "{" } else { ",{" });
        for (j, (k, v)) in keys.iter().zip(row).enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(k);
            out.push(':');
            match v {
                Val::Int(x) | Val::OptInt(Some(x)) => {
                    let _ = write!(out, "{x}");
                }
                // JSON has no NaN or infinity; neither is ever stored.
                Val::Float(x) | Val::OptFloat(Some(x)) if x.is_finite() => {
                    let _ = write!(out, "{x:?}");
                }
                Val::Text(x) | Val::OptText(Some(x)) => out.push_str(&serde_json::to_string(x).unwrap_or_default()),
                _ => out.push_str("null"),
            }
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// Bind each value with its own type. `Query`, `QueryAs` and `QueryScalar` share no trait for `bind`, so
/// this is a macro: one list of arms for all three.
macro_rules! bind_vals {
    ($q:expr, $vals:expr) => {{
        let mut q = $q;
        for v in $vals {
            q = match v {
                Val::Int(x) => q.bind(x),
                Val::OptInt(x) => q.bind(x),
                Val::Float(x) => q.bind(x),
                Val::OptFloat(x) => q.bind(x),
                Val::Text(x) => q.bind(x),
                Val::OptText(x) => q.bind(x),
            };
        }
        q
    }};
}

/// Bind values in order.
pub fn bind_all<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    vals: impl IntoIterator<Item = Val>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    bind_vals!(q, vals)
}

/// A query assembled from fixed fragments, with every value bound and numbered as it is added.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub vals: Vec<Val>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql { text: text.to_string(), vals: Vec::new() }
    }

    /// Add a value and return its placeholder.
    pub fn val(&mut self, v: Val) -> String {
        self.vals.push(v);
        format!("${}", self.vals.len())
    }

    /// Append a fixed fragment.
    pub fn push(&mut self, s: &str) -> &mut Sql {
        self.text.push_str(s);
        self
    }

    /// The query, bound.
    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        bind_all(sqlx::query(&self.text), self.vals.iter().cloned())
    }

    /// The query, bound, decoding each row by column name into `T`.
    pub fn query_as<T>(&self) -> sqlx::query::QueryAs<'_, sqlx::Any, T, sqlx::any::AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
bind_vals!(sqlx::query_as(&self.text), self.vals.iter().cloned())
    }

    /// The query, bound, for a single value.
    pub fn query_scalar<T>(&self) -> sqlx::query::QueryScalar<'_, sqlx::Any, T, sqlx::any::AnyArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
bind_vals!(sqlx::query_scalar(&self.text), self.vals.iter().cloned())
    }
}

/// `%<folded query>%` for a `LIKE` that finds the text anywhere, with the characters `LIKE` treats specially
/// removed: `%` and `_`, and `\`, PostgreSQL's escape character (a search ending in `\` was an error there,
/// security review L-5). Folded text is what the `*_key` columns hold.
pub fn contains_pattern(query: &str) -> String {
    format!("%{}%", crate::text::fold(query).replace(['%', '_', '\\'], ""))
}

/// The one SQL spelling of "inside the area at `path`" (the region itself or anything below it): appends
/// ` AND (column = path OR (column >= 'path/' AND column < 'path0'))`, nothing when `path` is `''` (the
/// whole country). `column` is the caller's constant, never input.
///
/// A range rather than `LIKE 'path/%'`: SQLite serves a range from an index, a LIKE not (its LIKE is
/// case-insensitive, the index is not). `'0'` is the character after `'/'`, so every path below sorts in
/// `['path/', 'path0')` under a byte order: the path columns are `COLLATE "C"` on PostgreSQL and BINARY on
/// SQLite. The Rust twin of this test is `auth::in_area`.
pub fn area_condition(q: &mut Sql, column: &'static str, path: &str) {
    if path.is_empty() {
        return;
    }
    let a = q.val(Val::Text(path.to_string()));
    let b = q.val(Val::Text(format!("{path}/")));
    let c = q.val(Val::Text(format!("{path}0")));
    q.push(&format!(" AND ({column} = {a} OR ({column} >= {b} AND {column} < {c}))"));
}

/// The non-unique indexes of `table`, as (name, the statement that makes it). A bulk load drops them and
/// makes them again afterwards, in its transaction: building an index once from sorted rows is several times
/// cheaper than growing it row by row (162,000 summary cells: 1.9 s into the indexed table, 0.14 s into a
/// bare one). Unique indexes stay; they keep the load honest.
pub async fn secondary_indexes(conn: &mut AnyConnection, table: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = if conn.backend_name() == "PostgreSQL" {
        "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
           AND indexdef NOT LIKE 'CREATE UNIQUE%' ORDER BY indexname"
    } else {
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL
           AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
    };
    sqlx::query_as(sql).bind(table).fetch_all(&mut *conn).await
}

/// Drop these indexes (names from [`secondary_indexes`], never input).
pub async fn drop_indexes(conn: &mut AnyConnection, indexes: &[(String, String)]) -> Result<(), sqlx::Error> {
    for (name, _) in indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', ""))).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Make them again.
pub async fn create_indexes(conn: &mut AnyConnection, indexes: &[(String, String)]) -> Result<(), sqlx::Error> {
    for (_, def) in indexes {
        sqlx::query(def).execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{rows_json, Val};

    #[test]
    fn bulk_rows_as_json_keep_every_value_and_null() {
        let rows = vec![
            vec![Val::Text("Nguyễn \"Văn\" \\ An\n".into()), Val::Int(-7), Val::Float(70.5), Val::OptText(None)],
            vec![Val::OptText(Some("x".into())), Val::OptInt(None), Val::OptFloat(Some(1e-7)), Val::OptInt(Some(3))],
        ];
        let got: serde_json::Value = serde_json::from_str(&rows_json(&["a", "b", "c", "d"], &rows)).unwrap();
        let want = serde_json::json!([
            {"a": "Nguyễn \"Văn\" \\ An\n", "b": -7, "c": 70.5, "d": null},
            {"a": "x", "b": null, "c": 1e-7, "d": 3},
        ]);
        assert_eq!(got, want);
    }
}
