//! Operations on the real binary: `/metrics` only on its own address or to the token, and the long
//! commands' progress as plain lines when nobody watches a terminal.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn metrics_answer_on_their_own_address_or_to_the_token_and_count_requests_by_route() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db", tmp.path().display());
    let ops = format!("127.0.0.1:{}", free_port());
    let token = "tok-0123456789-abcdef";
    let mut child = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", &db, "--site-root", "/nonexistent"])
        .arg("--courses")
        .arg(crate::util::fixtures())
        .arg("--signing-key")
        .arg(tmp.path().join("key"))
        .args(["--metrics-bind", &ops, "--metrics-token", token])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let site = BufReader::new(out).lines().map_while(Result::ok).find_map(|l| l.strip_prefix("Tập Huấn: listening on ").map(str::to_string)).unwrap();
    let _guard = KillOnDrop(child);
    let http = reqwest::Client::new();
    let get = |url: String, auth: Option<&str>| {
        let mut req = http.get(url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    assert_eq!(get(format!("{site}/khoa-hoc/mini"), None).await.0, 200);
    assert_eq!(get(format!("{site}/khoa-hoc/mini"), None).await.0, 200);
    assert_eq!(get(format!("{site}/khoa-hoc/khong-co-khoa-nay"), None).await.0, 404);

    // On the site: nothing without the token, with a wrong one, a near one, or the token without `Bearer `.
    for auth in [None, Some("Bearer wrong"), Some("Bearer tok-0123456789-abcde"), Some(token)] {
        let (status, body) = get(format!("{site}/metrics"), auth).await;
        assert_eq!(status, 404, "{auth:?}");
        assert!(!body.contains("taphuan_http_requests_total"), "{auth:?}");
    }
    let (status, by_token) = get(format!("{site}/metrics"), Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    // By route pattern, never by the path typed: two visits to one course page are one series counting 2.
    let line = by_token
        .lines()
        .find(|l| l.starts_with("taphuan_http_requests_total{") && l.contains(r#"route="/khoa-hoc/{course}""#) && l.contains(r#"status="200""#))
        .unwrap_or_else(|| panic!("no course page series in:\n{by_token}"));
    assert!(line.ends_with(" 2"), "{line}");
    assert!(by_token.contains(r#"route="/khoa-hoc/{course}",method="GET",status="404"} 1"#), "{by_token}");
    assert!(!by_token.contains("khong-co-khoa-nay"), "a typed path became a label");
    assert!(by_token.contains(r#"taphuan_http_request_duration_seconds_bucket{route="/khoa-hoc/{course}",le="0.15"}"#), "{by_token}");
    assert!(by_token.contains(r#"taphuan_db_pool_connections{state="idle"}"#), "{by_token}");

    // The operations address serves the same figures, and nothing of the site.
    let (status, on_ops) = get(format!("http://{ops}/metrics"), None).await;
    assert_eq!(status, 200);
    assert!(on_ops.contains("taphuan_http_requests_total{"), "{on_ops}");
    assert_eq!(get(format!("http://{ops}/khoa-hoc/mini"), None).await.0, 404);
}

#[test]
fn a_short_metrics_token_is_refused_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", &format!("sqlite://{}/x.db", tmp.path().display()), "--site-root", "/nonexistent", "--courses", "/nonexistent"])
        .arg("--signing-key")
        .arg(tmp.path().join("key"))
        .args(["--metrics-token", "short"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16 characters"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn seeding_without_a_terminal_reports_progress_in_plain_lines_and_seeded_learners_sign_in_with_the_given_password() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db", tmp.path().display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_taphuan"))
        .args(["seed-demo", "--learners", "2000", "--courses", "2", "--password-stdin", "--database", &db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"mat-khau-tai\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // A line per tenth (1000 learners a batch: 50 % and 100 %), then each step of the summary; no redraws.
    assert!(err.contains("seed-demo: 1000/2000 learners (50 %)") && err.contains("seed-demo: 2000/2000 learners (100 %)"), "{err}");
    assert!(err.contains("seed-demo: dashboard summary: writing region cells"), "{err}");
    assert!(!err.contains('\r') && !err.contains("\u{1b}["), "terminal codes in a pipe: {err:?}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = server::open_database(&db).await.unwrap();
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM app_user WHERE phone = '+84970000000'").fetch_one(&db.pool).await.unwrap();
        assert!(app::auth::password::verify("mat-khau-tai".into(), hash.clone()).await.unwrap(), "the seeded learner signs in with the given password");
        assert!(!app::auth::password::verify("mat-khau-khac".into(), hash).await.unwrap());
    });
}

struct KillOnDrop(std::process::Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
