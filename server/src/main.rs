//! `taphuan`: thin entry point. Everything lives in the `server` library so tests build the same router.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // With no arguments (as cargo-leptos starts it), serve.
    let cli = if std::env::args_os().len() <= 1 {
        server::cli::Cli::parse_from(["taphuan", "serve"])
    } else {
        server::cli::Cli::parse()
    };
    server::telemetry::init(&cli.log_format);
    match server::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("taphuan: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
