//! All SQL lives here, one file per aggregate. Server-only.
//!
//! One copy of every query serves SQLite and PostgreSQL through `sqlx::Any`: portable SQL with `$1`
//! placeholders, timestamps as BIGINT Unix milliseconds, ids as TEXT. Only the DDL differs, in
//! `app/migrations/{sqlite,postgres}`. User input only ever travels as bound parameters.
//!
//! This is the floor: nothing here imports a feature module. Queries return this tree's own `…Row` structs,
//! decoded by column name, and take its own input structs; each feature's `api.rs` maps them to its views.
//! The longest fixed queries sit in `sql/*.sql`, loaded with `include_str!`.

pub mod attempt;
pub mod audit;
pub mod authoring;
pub mod bulk;
pub mod certificate;
pub mod course;
pub mod dashboard;
pub mod demo;
pub mod learning;
pub mod offline;
pub mod progress;
pub mod region;
pub mod session;
pub mod summary;
pub mod user;
pub mod workshop;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::{SystemTime, UNIX_EPOCH};

/// Which database a pool talks to. Only DDL and connection setup look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shared handle: a pool and its backend. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// A row as sqlx hands it back.
pub type Row = AnyRow;

/// Milliseconds since the Unix epoch, UTC: the only timestamp form stored.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Decode JSON the app stored itself (`what` names the column for the log). A row that does not decode is
/// corrupt: it is logged and becomes an error rather than an empty default.
pub fn decode_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| {
        tracing::error!(column = what, error = %e, "stored JSON does not decode");
        sqlx::Error::Decode(Box::new(e))
    })
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Connect to `url` (`sqlite://path`, `sqlite::memory:` or `postgres://…`). A SQLite file and its folder
/// are created on first use and put in WAL mode with a busy timeout, so one writer and many readers
/// share it.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let mut sqlite_file = None;
    let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        (Backend::Postgres, url.to_string())
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let file = path.split('?').next().unwrap_or("");
        if !file.is_empty() && !file.starts_with(':') {
            if let Some(parent) = std::path::Path::new(file).parent().filter(|p| !p.as_os_str().is_empty()) {
                if !parent.exists() {
                    std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
                    owner_only(parent, 0o700);
                }
            }
            sqlite_file = Some(file.to_string());
        }
        let url = if url.contains("mode=") { url.to_string() } else if url.contains('?') { format!("{url}&mode=rwc") } else { format!("{url}?mode=rwc") };
        (Backend::Sqlite, url)
    } else {
        return Err(sqlx::Error::Configuration(
            "the database URL must start with sqlite: or postgres:// (e.g. sqlite://data/taphuan.db)".into(),
        ));
    };
    let pool = AnyPoolOptions::new()
        .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;").await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    // A file opened read-only (a backup being checked) keeps its journal mode.
    if backend == Backend::Sqlite && !url.contains("mode=ro") {
        // Like leaving WAL (`migrate_and_settle_sqlite`), this pragma does not wait on the busy handler: a second process
        // opening a database that others write hard (a backup under load) can find it locked for a moment.
        let mut tries = 0;
        loop {
            match pool.execute("PRAGMA journal_mode = WAL").await {
                Ok(_) => break,
                Err(sqlx::Error::Database(e)) if e.message().contains("locked") && tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    // The file holds password hashes, phone numbers and sessions: readable by its owner only (L-10).
    if let Some(file) = sqlite_file.filter(|_| !url.contains("mode=ro")) {
        for f in [file.clone(), format!("{file}-wal"), format!("{file}-shm")] {
            owner_only(std::path::Path::new(&f), 0o600);
        }
    }
    Ok(Db { pool, backend })
}

/// A consistent copy of a SQLite database, made while other processes go on reading and writing
/// (`VACUUM INTO` reads one snapshot). The copy is a new file, readable by its owner only; an existing file
/// is never overwritten.
pub async fn backup_sqlite(db: &Db, to: &std::path::Path) -> Result<(), sqlx::Error> {
    if db.backend != Backend::Sqlite {
        return Err(sqlx::Error::Configuration("backup copies SQLite databases; for PostgreSQL use pg_dump (README)".into()));
    }
    if to.exists() {
        return Err(sqlx::Error::Configuration(format!("{} already exists: choose a new file", to.display()).into()));
    }
    let path = to.to_str().ok_or_else(|| sqlx::Error::Configuration("the backup path is not UTF-8".into()))?;
    // VACUUM INTO takes a string literal: the path is quoted, its quotes doubled.
    sqlx::query(&format!("VACUUM INTO '{}'", path.replace('\'', "''"))).execute(&db.pool).await?;
    owner_only(to, 0o600);
    Ok(())
}

/// Bring the SQLite database at `url` (a restored copy) to this release's schema and leave it as one file,
/// its WAL written back, in rollback-journal mode. All of it happens on one connection: leaving WAL needs the
/// file to itself, and a pool closed just before could leave a connection open behind it for the whole wait
/// (seen as "database is locked" after 5 s in 2 restores of 60). The next `connect` turns WAL on again.
pub async fn migrate_and_settle_sqlite(url: &str) -> Result<(), sqlx::migrate::MigrateError> {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    sqlx::query("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000").execute(&mut conn).await?;
    SQLITE_MIGRATIONS.run(&mut conn).await?;
    sqlx::query("PRAGMA journal_mode = DELETE").execute(&mut conn).await?;
    Ok(conn.close().await?)
}

/// SQLite's own check of a database file: `ok`, or what is damaged.
pub async fn integrity_check(db: &Db) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&db.pool).await
}

/// Restrict a file or folder to its owner; a file system without Unix modes is left as it is.
fn owner_only(path: &std::path::Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                tracing::warn!(path = %path.display(), error = %e, "could not restrict the database file to its owner");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Each dialect's migrations, embedded once: `migrate` and a restore's `migrate_and_settle_sqlite` run them.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Apply the migrations of this backend.
pub async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db.backend {
        Backend::Sqlite => SQLITE_MIGRATIONS.run(&db.pool).await,
        Backend::Postgres => POSTGRES_MIGRATIONS.run(&db.pool).await,
    }
}

/// `SELECT 1`: what `/readyz` asks.
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(&db.pool).await.map(|_| ())
}

/// The key of the start-up advisory lock ("taphuan" in ASCII), the same in every process.
const STARTUP_LOCK_KEY: i64 = 0x0074_6170_6875_616e;

/// Held by the one process that runs the start-up jobs (regions, summary rebuild, course import) while
/// others starting on the same PostgreSQL wait. A session-level `pg_advisory_lock` on a connection of its
/// own, detached from the pool: releasing closes that connection, and so does a crash, so the lock can never
/// outlive its holder or come back into the pool. SQLite serves one process; there it is a no-op.
pub struct StartupLock(Option<sqlx::AnyConnection>);

impl StartupLock {
    /// Wait for the lock, saying so when another process holds it. Session advisory locks need a session:
    /// behind PgBouncer, use session pooling for `taphuan` (transaction pooling would lose the lock).
    pub async fn take(db: &Db) -> Result<StartupLock, sqlx::Error> {
        if db.backend != Backend::Postgres {
            return Ok(StartupLock(None));
        }
        let mut conn = db.pool.acquire().await?.detach();
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(STARTUP_LOCK_KEY).fetch_one(&mut conn).await?;
        if !got {
            tracing::info!("another process is running the start-up jobs: waiting for it");
            sqlx::query("SELECT pg_advisory_lock($1)").bind(STARTUP_LOCK_KEY).execute(&mut conn).await?;
        }
        Ok(StartupLock(Some(conn)))
    }

    /// Let the next process in. Closing the connection ends the lock; if the close itself fails the socket is
    /// dropped anyway, which ends the session and the lock too, so that is only logged.
    pub async fn release(self) {
        use sqlx::Connection as _;
        if let Some(conn) = self.0 {
            if let Err(e) = conn.close().await {
                tracing::warn!(error = %e, "closing the start-up lock's connection failed; dropping it ends the lock");
            }
        }
    }
}
