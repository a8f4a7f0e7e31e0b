//! The audit log's SQL: one append-only table, read newest first by admins.

use super::{new_id, now_ms, Db};

/// One thing done.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
}

/// Append an event.
pub async fn record(db: &Db, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    let search = crate::text::fold(&format!("{} {} {}", e.actor_name, e.target, e.detail));
    sqlx::query("INSERT INTO audit_event (id, at, actor_id, actor_name, action, target, detail, address, search) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(new_id())
        .bind(now_ms())
        .bind(e.actor_id)
        .bind(e.actor_name)
        .bind(e.action)
        .bind(e.target)
        .bind(e.detail)
        .bind(e.address)
        .bind(search)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// An event as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// Events newest first: of one action (or all), whose actor, target or detail contains `q` (typed with or
/// without diacritics), `limit` from `offset`.
pub async fn list(db: &Db, action: Option<&str>, q: &str, limit: i64, offset: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let pattern = super::bulk::contains_pattern(q);
    sqlx::query_as(
        "SELECT at, actor_name, action, target, detail, address FROM audit_event
         WHERE ($1 = '' OR action = $1) AND search LIKE $2
         ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(action.unwrap_or(""))
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await
}
