//! Structured logs with tracing. `RUST_LOG` sets the filter (default `info`); `--log-format json`
//! (`TAPHUAN_LOG_FORMAT`) prints one JSON object per line for log collectors. Logs carry user ids, never
//! names or phone numbers.

/// Install the global subscriber once; `format` is `text` or `json`.
pub fn init(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = format == "json";
    // Colours only on a terminal: a log collector reading a pipe gets plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
