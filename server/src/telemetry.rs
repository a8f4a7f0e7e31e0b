//! Structured logs with tracing. `RUST_LOG` sets the filter (default `info`); `TAPHUAN_LOG_FORMAT=json`
//! prints one JSON object per line for log collectors. Logs carry user ids, never names or phone numbers.

/// Install the global subscriber once.
pub fn init() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("TAPHUAN_LOG_FORMAT").map(|v| v == "json").unwrap_or(false);
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
