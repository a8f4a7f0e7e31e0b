//! The one command line. Every subcommand that touches data takes `--database` with the same default.
//!
//! Every `TAPHUAN_*` variable is read here, by clap, and nowhere else (flags win); `serve` hands them to
//! `AppState`. `--help` never prints a variable's value: a database URL may carry a password. Switches take
//! `1`/`0`, `true`/`false`, `yes`/`no` or `on`/`off`.
//! - `TAPHUAN_DATABASE_URL`: `sqlite://data/taphuan.db` (default) or `postgres://user:pass@host/db`
//! - `TAPHUAN_BIND`, `TAPHUAN_COURSES`, `TAPHUAN_SITE_ROOT`, `TAPHUAN_SECURE_COOKIES`, `TAPHUAN_DEMO`,
//!   `TAPHUAN_SIGNING_KEY`, `TAPHUAN_METRICS_BIND`, `TAPHUAN_METRICS_TOKEN`: `serve`'s flags
//! - `TAPHUAN_PUBLIC_URL`, `TAPHUAN_ISSUER`, `TAPHUAN_SIGNER`, `TAPHUAN_TRUST_PROXY`: the site's settings
//! - `TAPHUAN_LOG_FORMAT=json`, and `RUST_LOG` (read by tracing's filter): logging

use crate::error::ServerError;
use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The default embedded database: a SQLite file created with its folder on first run.
pub const DEFAULT_DATABASE: &str = "sqlite://data/taphuan.db";

/// Tập Huấn: training for OCOP cooperatives and small enterprises.
#[derive(Debug, Parser)]
#[command(name = "taphuan", version, about, long_about = None)]
pub struct Cli {
    /// Log format: text, or json for one object per line.
    #[arg(long, global = true, env = "TAPHUAN_LOG_FORMAT", default_value = "text", hide_env_values = true)]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The settings of a running site that pages and handlers need.
#[derive(Debug, Args, Clone)]
pub struct SiteArgs {
    /// The public address (e.g. https://taphuan.example.vn), for QR codes and credentials; default: from the request.
    #[arg(long, env = "TAPHUAN_PUBLIC_URL", hide_env_values = true)]
    pub public_url: Option<String>,
    /// The issuing organisation printed on certificates.
    #[arg(long, env = "TAPHUAN_ISSUER", default_value = app::state::DEFAULT_ISSUER, hide_env_values = true)]
    pub issuer: String,
    /// The signer line printed on certificates (e.g. "Giám đốc Trung tâm Khuyến nông").
    #[arg(long, env = "TAPHUAN_SIGNER", default_value = "", hide_env_values = true)]
    pub signer: String,
    /// Take the client address from X-Forwarded-For (only behind a load balancer that sets it).
    #[arg(long, env = "TAPHUAN_TRUST_PROXY", hide_env_values = true, value_parser = BoolishValueParser::new())]
    pub trust_proxy: bool,
}

impl From<SiteArgs> for app::state::SiteConfig {
    fn from(a: SiteArgs) -> Self {
        app::state::SiteConfig { public_url: a.public_url.filter(|u| !u.is_empty()), issuer: a.issuer, signer: a.signer, trust_proxy: a.trust_proxy }
    }
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://path or postgres://…
    #[arg(long = "database", env = "TAPHUAN_DATABASE_URL", default_value = DEFAULT_DATABASE, hide_env_values = true)]
    pub database: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, import courses and serve.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TAPHUAN_BIND", default_value = "127.0.0.1:3000", hide_env_values = true)]
        bind: String,
        #[command(flatten)]
        db: DbArgs,
        /// Course folder.
        #[arg(long, env = "TAPHUAN_COURSES", default_value = "courses", hide_env_values = true)]
        courses: PathBuf,
        /// Built site (pkg/ with wasm, js, css).
        #[arg(long, env = "TAPHUAN_SITE_ROOT", default_value = "target/site", hide_env_values = true)]
        site_root: PathBuf,
        /// Mark session cookies Secure (serve over https, e.g. behind a TLS proxy).
        #[arg(long, env = "TAPHUAN_SECURE_COOKIES", hide_env_values = true, value_parser = BoolishValueParser::new())]
        secure_cookies: bool,
        /// Create one demo account per role (password taphuan-demo) and print them.
        #[arg(long, env = "TAPHUAN_DEMO", hide_env_values = true, value_parser = BoolishValueParser::new())]
        demo: bool,
        /// The certificate signing key (Ed25519, hex); created with owner-only permissions if missing.
        #[arg(long, env = "TAPHUAN_SIGNING_KEY", default_value = "data/signing-key", hide_env_values = true)]
        signing_key: PathBuf,
        /// Serve `/metrics` (Prometheus) on this separate address, e.g. 10.0.0.5:9100 on the private network.
        #[arg(long, env = "TAPHUAN_METRICS_BIND", hide_env_values = true)]
        metrics_bind: Option<String>,
        /// Serve `/metrics` on the site's address too, to `Authorization: Bearer <token>` only (16+ characters).
        #[arg(long, env = "TAPHUAN_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Check a certificate credential (JSON file) or a certificate's QR text against the published key and
    /// a current revocation list. Exit 0 valid, 1 invalid or revoked, 2 status unknown (no current list).
    VerifyCredential {
        /// A credential JSON file, or the text of a certificate's QR code.
        input: String,
        /// The issuer's key: /.well-known/taphuan-issuer.json saved as a file, or a did:key.
        #[arg(long)]
        key: String,
        /// The issuer's revocation list (/.well-known/taphuan-revocations.json saved as a file).
        #[arg(long)]
        revocations: Option<PathBuf>,
    },
    /// Create an account with a role; the password is read from standard input or a prompt, never argv.
    CreateUser {
        /// learner, trainer, official or admin.
        #[arg(long)]
        role: String,
        /// Mobile number, e.g. 0912345678.
        #[arg(long)]
        phone: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Region code (the scope of an official; the home region of others).
        #[arg(long)]
        region: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load a region file (CSV: code,name,parent_code,kind); upserts by code and retires vanished codes.
    ImportRegions {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
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
    /// Write every published course back out as a course folder (`DIR/<slug>/`, the `courses/` format) with
    /// `DIR/categories.toml`, so a team that keeps courses in git can commit what trainers published in the
    /// browser. A course folder that exists is replaced: files the course no longer has are removed.
    ExportCourses {
        /// Where to write.
        #[arg(default_value = "courses")]
        dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Fill the database with realistic synthetic learners (names, organisations, communes, enrolments,
    /// lessons, attempts, certificates) for demos and benchmarks. Adds illustration courses when fewer than
    /// --courses exist. Seeded learners have no password and cannot sign in, unless --password-stdin gives one.
    SeedDemo {
        /// How many learners to add.
        #[arg(long, default_value_t = 1000)]
        learners: usize,
        /// How many courses the learners spread over.
        #[arg(long, default_value_t = 20)]
        courses: usize,
        /// Random seed: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Read one password from standard input and let every seeded learner sign in with it (load tests
        /// only: never on a database real people use). The n-th seeded learner (from 0) has the number 097 followed by n in 7 digits.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Recompute the dashboard summary from the learning records (after editing records by hand).
    RebuildStats {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Copy the SQLite database to FILE, consistently, while the server runs (PostgreSQL: use pg_dump).
    Backup {
        /// The new file to write, e.g. backups/taphuan-2026-12-01.db (never overwritten).
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup made by `taphuan backup` into a new SQLite database (the server stopped).
    Restore {
        /// The backup file.
        file: PathBuf,
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
        Command::Serve { bind, db, courses, site_root, secure_cookies, demo, signing_key, metrics_bind, metrics_token, site } => {
            let site = site.into();
            let (metrics_bind, metrics_token) = (metrics_bind.filter(|b| !b.is_empty()), metrics_token.filter(|t| !t.is_empty()));
            crate::serve(crate::ServeConfig { bind, database: db.database, courses, site_root, secure_cookies, demo, signing_key, metrics_bind, metrics_token, site }).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyCredential { input, key, revocations } => Ok(verify_credential(&input, &key, revocations.as_deref())),
        Command::CreateUser { role, phone, name, region, db } => create_user(&role, &phone, &name, region.as_deref(), &db.database).await,
        Command::ImportRegions { file, db } => {
            let text = std::fs::read_to_string(&file).map_err(|e| ServerError::File { path: file.clone(), message: e.to_string() })?;
            let rows = app::db::region::parse_csv(&text).map_err(|message| ServerError::File { path: file.clone(), message })?;
            let db = crate::open_database(&db.database).await?;
            let lock = app::db::StartupLock::take(&db).await?;
            let r = app::db::region::import(&db, &rows).await?;
            println!("regions: {} new, {} updated, {} retired", r.inserted, r.updated, r.retired);
            // A commune may have moved to another province: the summary follows the new paths.
            let s = app::db::summary::rebuild(&db).await?;
            println!("dashboard summary rebuilt: {} learner-course rows", s.learner_courses);
            lock.release().await;
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
            // The deploy commands take the lock that `serve` takes at start, so they never race a starting process.
            let lock = app::db::StartupLock::take(&db).await?;
            let failed = crate::import_courses(&db, &dir, true).await?;
            lock.release().await;
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::ExportCourses { dir, db } => {
            let db = crate::open_database(&db.database).await?;
            let n = crate::serve::export_courses(&db, &dir).await?;
            println!("exported {n} courses to {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::SeedDemo { learners, courses, seed, password_stdin, db } => {
            // Learners who can sign in, for load tests (scripts/scale-test.sh): one hash for all of them.
            let hash = if password_stdin {
                let password = read_password()?;
                app::auth::check_password(&password).map_err(|_| ServerError::Config("the password needs at least 8 characters".into()))?;
                app::auth::password::hash(password).await.map_err(|e| ServerError::Config(e.to_string()))?
            } else {
                String::new()
            };
            let db = crate::open_database(&db.database).await?;
            let started = std::time::Instant::now();
            let s = crate::seed::seed_demo(&db, learners, courses, seed, &hash).await?;
            println!(
                "seeded {} learners, {} enrolments, {} lessons done, {} attempts, {} certificates in {:.1} s",
                s.learners,
                s.enrolments,
                s.progress,
                s.attempts,
                s.certificates,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::RebuildStats { db } => {
            let db = crate::open_database(&db.database).await?;
            let lock = app::db::StartupLock::take(&db).await?;
            let mut progress = crate::progress::Progress::steps("rebuild-stats");
            let r = app::db::summary::rebuild_reporting(&db, false, &mut |s| progress.step(s)).await?;
            progress.finish();
            lock.release().await;
            println!("dashboard summary: {} learner-course rows, {} cells", r.learner_courses, r.cells);
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file, db } => {
            if !db.database.starts_with("sqlite:") {
                eprintln!("`taphuan backup` copies SQLite databases. For PostgreSQL: pg_dump --format=custom --file=taphuan.dump \"$TAPHUAN_DATABASE_URL\" (README, Backups)");
                return Ok(ExitCode::from(2));
            }
            // Never migrate the live database here: a backup before an upgrade must hold the old schema.
            let path = db.database.trim_start_matches("sqlite:").trim_start_matches("//").split('?').next().unwrap_or("").to_string();
            if !std::path::Path::new(&path).is_file() {
                return Err(ServerError::File { path: path.into(), message: "no such database file".into() });
            }
            let source_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let db = app::db::connect(&db.database).await?;
            // VACUUM INTO is one statement: the bar follows the new file's size against the old one's.
            let mut progress = crate::progress::Progress::new("backup", source_bytes.div_ceil(1024).max(1), "KB");
            let copy = app::db::backup_sqlite(&db, &file);
            tokio::pin!(copy);
            let result = loop {
                tokio::select! {
                    r = &mut copy => break r,
                    _ = tokio::time::sleep(std::time::Duration::from_millis(250)) => {
                        progress.set(std::fs::metadata(&file).map(|m| m.len() / 1024).unwrap_or(0));
                    }
                }
            };
            result.map_err(|e| ServerError::File { path: file.clone(), message: e.to_string() })?;
            progress.set(source_bytes.div_ceil(1024).max(1));
            progress.finish();
            let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!("backup written to {} ({} KB)", file.display(), bytes / 1024);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, db } => {
            let Some(target) = db.database.strip_prefix("sqlite:").map(|p| p.trim_start_matches("//").split('?').next().unwrap_or("").to_string()) else {
                eprintln!("`taphuan restore` writes SQLite databases. For PostgreSQL: pg_restore --clean --if-exists --dbname=\"$TAPHUAN_DATABASE_URL\" taphuan.dump (README, Backups)");
                return Ok(ExitCode::from(2));
            };
            if !file.is_file() {
                return Err(ServerError::File { path: file.clone(), message: "no such backup file".into() });
            }
            let from = app::db::connect(&format!("sqlite://{}?mode=ro", file.display())).await?;
            // The backup's own check first: a damaged copy is refused before anything is written.
            let check: String = app::db::integrity_check(&from).await?;
            if check != "ok" {
                return Err(ServerError::File { path: file.clone(), message: format!("the backup is damaged: {check}") });
            }
            from.pool.close().await;
            let target = std::path::PathBuf::from(target);
            // A -wal or -shm left beside the target would be replayed into the restored file.
            for side in ["", "-wal", "-shm", "-journal"] {
                let f = std::path::PathBuf::from(format!("{}{side}", target.display()));
                if f.exists() {
                    return Err(ServerError::File { path: f, message: "already exists: restore into a new file, then move it into place with the server stopped".into() });
                }
            }
            // A backup is one self-contained file (VACUUM INTO writes no journal beside it): a copy restores it.
            std::fs::copy(&file, &target).map_err(|e| ServerError::File { path: target.clone(), message: e.to_string() })?;
            // Migrations of a newer release apply now, not at the first request; then the file is left whole,
            // with no -wal or -shm beside it, ready to move.
            app::db::migrate_and_settle_sqlite(&db.database).await?;
            println!("restored {} into {}", file.display(), target.display());
            println!("to use it: stop the server, remove the old database's -wal and -shm files, move {} into place, start", target.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::PrecompressAssets { dir } => {
            let n = crate::assets::precompress_dir(&dir)?;
            println!("precompressed {n} files under {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn create_user(role: &str, phone: &str, name: &str, region: Option<&str>, database: &str) -> Result<ExitCode, ServerError> {
    use app::auth::{check_password, normalize_phone, Role};
    let role = Role::parse(role).ok_or_else(|| ServerError::Config(format!("unknown role `{role}`: learner, trainer, official or admin")))?;
    let phone = normalize_phone(phone).ok_or_else(|| ServerError::Config(format!("`{phone}` is not a Vietnamese mobile number")))?;
    if role == Role::Official && region.is_none() {
        return Err(ServerError::Config("an official needs --region (the code of their area)".into()));
    }
    let password = read_password()?;
    check_password(&password).map_err(|_| ServerError::Config("the password needs at least 8 characters".into()))?;
    let db = crate::open_database(database).await?;
    crate::ensure_regions(&db).await?;
    if let Some(code) = region {
        if app::db::region::describe(&db, code).await?.is_none() {
            return Err(ServerError::Config(format!("unknown region code `{code}`")));
        }
    }
    if app::db::user::id_by_phone(&db, &phone).await?.is_some() {
        return Err(ServerError::Config(format!("{phone} already has an account")));
    }
    let hash = app::auth::password::hash(password).await.map_err(|e| ServerError::Config(e.to_string()))?;
    let new = app::db::user::NewUser { phone: &phone, full_name: name, org_name: "", org_type: "co-quan-nha-nuoc", region_code: region, password_hash: &hash };
    let id = app::db::user::insert_user(&db.pool, &new).await?;
    if role != Role::Learner {
        app::db::user::grant_role(&db, &id, role, if role == Role::Official { region } else { None }).await?;
    }
    println!("created {} {phone} ({id})", role.as_str());
    Ok(ExitCode::SUCCESS)
}

/// The password from a terminal prompt, or the first line of standard input when piped.
fn read_password() -> Result<String, ServerError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Mật khẩu / password: ").map_err(ServerError::Io)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

/// `taphuan verify-credential`: exit 0 when valid and not revoked by a current list, 1 when forged, changed
/// or revoked, 2 when the signature holds but revocation could not be checked.
fn verify_credential(input: &str, key: &str, revocations: Option<&std::path::Path>) -> ExitCode {
    use app::certificate::signing::{key_from_did, verify_credential, verify_qr, verify_revocation_list};
    let pk = if key.starts_with("did:key:") {
        key_from_did(key)
    } else {
        std::fs::read_to_string(key)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["id"].as_str().and_then(key_from_did))
    };
    let Some(pk) = pk else {
        eprintln!("cannot read the issuer key from `{key}`");
        return ExitCode::FAILURE;
    };
    let result = if input.contains("/verify/") && input.contains("&s=") {
        verify_qr(input, &pk)
    } else {
        match std::fs::read_to_string(input).map_err(|e| e.to_string()).and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())) {
            Ok(doc) => verify_credential(&doc, &pk),
            Err(e) => Err(format!("{input}: {e}")),
        }
    };
    let vouched = match result {
        Ok(v) => v,
        Err(e) => {
            println!("INVALID: {e}");
            return ExitCode::FAILURE;
        }
    };
    let what = match vouched.kind {
        app::certificate::Kind::Completion => "completed",
        app::certificate::Kind::Attendance => "attended (attendance, not completion)",
    };
    let facts = format!("{} · {} · {what} {} · {}", vouched.code, vouched.holder, vouched.course, vouched.date);
    // Without a current revocation list nobody can say the certificate still stands (security review M-2).
    let Some(path) = revocations else {
        println!("STATUS UNKNOWN: the signature is valid, but no revocation list was given (--revocations FILE, from /.well-known/taphuan-revocations.json): {facts}");
        return ExitCode::from(2);
    };
    let list = std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let Some(list) = list else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::FAILURE;
    };
    let now = app::db::now_ms();
    match verify_revocation_list(&list, &pk, now, app::certificate::signing::REVOCATION_LIST_VALID_MS) {
        Ok(l) if l.codes.contains(&vouched.code) => {
            println!("REVOKED: {} ({}, {})", vouched.code, vouched.holder, vouched.course);
            ExitCode::FAILURE
        }
        Ok(l) => {
            let age_h = (now - l.as_of_ms) / 3_600_000;
            println!("VALID: {facts} (revocation list no. {} of {age_h} h ago)", l.seq);
            ExitCode::SUCCESS
        }
        Err(e) if e.contains("out of date") || e.contains("no date") => {
            println!("STATUS UNKNOWN: the signature is valid, but {e}: {facts}");
            ExitCode::from(2)
        }
        Err(e) => {
            println!("INVALID revocation list: {e}");
            ExitCode::FAILURE
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

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_site(env: &[(&str, &str)]) -> (bool, bool, bool) {
        // The variables clap reads, set for this parse only (one test touches the environment, so no race).
        for (k, v) in env {
            std::env::set_var(k, v);
        }
        let cli = Cli::try_parse_from(["taphuan", "serve"]);
        for (k, _) in env {
            std::env::remove_var(k);
        }
        match cli.expect("the switches parse").command {
            Command::Serve { site, secure_cookies, demo, .. } => (site.trust_proxy, secure_cookies, demo),
            _ => unreachable!("serve parses as serve"),
        }
    }

    #[test]
    fn switches_take_1_and_0_from_the_environment() {
        let on = [("TAPHUAN_TRUST_PROXY", "1"), ("TAPHUAN_SECURE_COOKIES", "yes"), ("TAPHUAN_DEMO", "true")];
        assert_eq!(serve_site(&on), (true, true, true));
        let off = [("TAPHUAN_TRUST_PROXY", "0"), ("TAPHUAN_SECURE_COOKIES", "off"), ("TAPHUAN_DEMO", "false")];
        assert_eq!(serve_site(&off), (false, false, false));
        assert_eq!(serve_site(&[]), (false, false, false));
        let flag = Cli::try_parse_from(["taphuan", "serve", "--trust-proxy"]).unwrap();
        assert!(matches!(flag.command, Command::Serve { site: SiteArgs { trust_proxy: true, .. }, .. }));
    }
}
