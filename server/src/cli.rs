//! The one command line. Every subcommand that touches data takes `--database` with the same default.
//!
//! Environment variables (flags win):
//! - `TAPHUAN_DATABASE_URL`: `sqlite://data/taphuan.db` (default) or `postgres://user:pass@host/db`
//! - `TAPHUAN_BIND`: address to listen on, default `127.0.0.1:3000`
//! - `TAPHUAN_COURSES`: course folder, default `courses`
//! - `TAPHUAN_SITE_ROOT`: built static site (wasm, css), default `target/site`
//! - `TAPHUAN_LOG_FORMAT=json`, `RUST_LOG`: logging

use crate::error::ServerError;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The default embedded database: a SQLite file created with its folder on first run.
pub const DEFAULT_DATABASE: &str = "sqlite://data/taphuan.db";

/// Tập Huấn: training for OCOP cooperatives and small enterprises.
#[derive(Debug, Parser)]
#[command(name = "taphuan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://path or postgres://…
    #[arg(long = "database", env = "TAPHUAN_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, import courses and serve.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TAPHUAN_BIND", default_value = "127.0.0.1:3000")]
        bind: String,
        #[command(flatten)]
        db: DbArgs,
        /// Course folder.
        #[arg(long, env = "TAPHUAN_COURSES", default_value = "courses")]
        courses: PathBuf,
        /// Built site (pkg/ with wasm, js, css).
        #[arg(long, env = "TAPHUAN_SITE_ROOT", default_value = "target/site")]
        site_root: PathBuf,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Check course folders and print each problem as path:line:column: message. Exit 1 if any.
    CheckCourses {
        /// Course folder.
        #[arg(default_value = "courses")]
        dir: PathBuf,
    },
    /// Import course folders: a new revision for each changed course; progress on unchanged lessons is kept.
    ImportCourses {
        /// Course folder.
        #[arg(default_value = "courses")]
        dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write .br and .gz copies of the static files under DIR (run after a build).
    PrecompressAssets {
        /// Folder to compress, e.g. target/site.
        dir: PathBuf,
    },
}

/// Run a parsed command line.
pub async fn run(cli: Cli) -> Result<ExitCode, ServerError> {
    match cli.command {
        Command::Serve { bind, db, courses, site_root } => {
            crate::serve(crate::ServeConfig { bind, database: db.database, courses, site_root }).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { db } => {
            let db = crate::open_database(&db.database).await?;
            drop(db);
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckCourses { dir } => Ok(check_courses(&dir)),
        Command::ImportCourses { dir, db } => {
            let db = crate::open_database(&db.database).await?;
            let failed = crate::import_courses(&db, &dir, true).await?;
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::PrecompressAssets { dir } => {
            let n = crate::assets::precompress_dir(&dir)?;
            println!("precompressed {n} files under {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check_courses(dir: &std::path::Path) -> ExitCode {
    let report = app::content::load_dir(dir);
    for p in &report.problems {
        println!("{p}");
    }
    for c in &report.courses {
        let questions: usize = c.quizzes.iter().map(|q| q.questions.len()).sum();
        eprintln!("ok {}: {} lessons, {} quizzes ({} questions)", c.slug, c.lessons.len(), c.quizzes.len(), questions);
    }
    if report.problems.is_empty() {
        eprintln!("{} courses, no problems", report.courses.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("{} problems", report.problems.len());
        ExitCode::FAILURE
    }
}
