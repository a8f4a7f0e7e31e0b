//! Sessions for tower-sessions, stored in the shared database so that several app processes behind a load
//! balancer see the same sessions. (tower-sessions' own sqlx stores are per backend; ours uses `sqlx::Any`.)

use super::{now_ms, Db};
use sqlx::Row as _;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The database-backed session store.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    /// Remove expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let r = sqlx::query("DELETE FROM session WHERE expires_at < $1").bind(now_ms()).execute(&self.db.pool).await?;
        Ok(r.rows_affected())
    }
}

/// The key a session is stored under: a hash of its id, so a copy of the database holds no live session
/// (security review L-10). The cookie carries the id itself.
pub fn stored_id(id: &Id) -> String {
    crate::content::sha256_hex(format!("taphuan-session|{id}").as_bytes())
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry_ms(r: &Record) -> i64 {
    (r.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A fresh random id until one is free: ids are 128 random bits, so this loops once in practice.
        loop {
            let done = sqlx::query("INSERT INTO session (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .bind(stored_id(&record.id))
                .bind(&data)
                .bind(expiry_ms(record))
                .execute(&self.db.pool)
                .await
                .map_err(backend)?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // An update, never an insert: a session ended meanwhile (signed out everywhere, a new password) stays
        // ended even when a request that loaded it before writes it back. New ids go through `create`.
        sqlx::query("UPDATE session SET data = $2, expires_at = $3 WHERE id = $1")
        .bind(stored_id(&record.id))
        .bind(data)
        .bind(expiry_ms(record))
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query("SELECT data, expires_at FROM session WHERE id = $1 AND expires_at > $2")
            .bind(stored_id(id))
            .bind(now_ms())
            .fetch_optional(&self.db.pool)
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires: i64 = row.try_get("expires_at").map_err(backend)?;
        let data = serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires) * 1_000_000).map_err(backend)?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM session WHERE id = $1").bind(stored_id(id)).execute(&self.db.pool).await.map_err(backend)?;
        Ok(())
    }
}
