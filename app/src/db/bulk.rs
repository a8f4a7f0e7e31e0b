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

/// Bind values in order.
pub fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    vals: impl IntoIterator<Item = Val>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for v in vals {
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
}
