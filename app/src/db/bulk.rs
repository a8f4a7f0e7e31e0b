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
