//! `ServerError`: startup and command failures, English, naming the file where one is involved.

use std::path::PathBuf;

/// What can stop `taphuan` from starting or a command from finishing.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}
