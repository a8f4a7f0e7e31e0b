//! argon2id with the OWASP-recommended parameters (m = 19 MiB, t = 2, p = 1, the argon2 crate's default),
//! run on a blocking thread so hashing never stalls the async workers. At most [`permits`] hashes run at
//! once (security review M-7): each holds 19 MiB, so a burst of sign-ins or sign-ups waits its turn, and
//! one that waits too long is told the server is busy, rather than the process running out of memory.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"))
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// How many hashes may run at once: two per core (at least 4).
pub fn permits() -> usize {
    std::thread::available_parallelism().map(|n| n.get() * 2).unwrap_or(4).max(4)
}

/// How long a request waits for a turn before it is told the server is busy.
const WAIT: Duration = Duration::from_secs(10);

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most hashes seen running at once since the process started (for the tests and the logs).
pub fn peak_in_flight() -> usize {
    PEAK.load(Ordering::Relaxed)
}

async fn turn() -> Result<SemaphorePermit<'static>, crate::AppError> {
    static S: OnceLock<Semaphore> = OnceLock::new();
    let s = S.get_or_init(|| Semaphore::new(permits()));
    match tokio::time::timeout(WAIT, s.acquire()).await {
        Ok(Ok(p)) => Ok(p),
        _ => {
            tracing::warn!("password hashing is saturated: request refused as busy");
            Err(crate::AppError::invalid("password", "busy"))
        }
    }
}

/// Runs `f` (an argon2 computation) on a blocking thread while holding a turn.
async fn with_turn<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, crate::AppError> {
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = f();
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await
    .map_err(|_| crate::AppError::Internal)
}

/// Hash a password (PHC string).
pub async fn hash(password: String) -> Result<String, crate::AppError> {
    with_turn(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        crate::AppError::Internal
    })
}

/// Check a password against a stored hash. An empty or malformed hash never matches; when there is no
/// account at all, callers verify against a dummy hash so both cases take the same time. A busy server is
/// an error, never a match.
pub async fn verify(password: String, stored: String) -> Result<bool, crate::AppError> {
    with_turn(move || {
        // No password set (or no account): still do the work, never succeed.
        let no_password = stored.is_empty();
        let stored = if no_password { dummy_hash() } else { stored };
        let ok = match PasswordHash::new(&stored) {
            Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        };
        ok && !no_password
    })
    .await
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::from_b64("ZHVtbXlzYWx0ZHVtbXk").expect("static salt");
            argon2().hash_password(b"not a password", &salt).map(|h| h.to_string()).unwrap_or_default()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = super::hash("mật khẩu an toàn".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(super::verify("mật khẩu an toàn".into(), h.clone()).await.unwrap());
        assert!(!super::verify("sai mật khẩu".into(), h).await.unwrap());
        assert!(!super::verify("not a password".into(), String::new()).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_hashes_never_runs_more_than_the_permits_at_once() {
        let burst: Vec<_> = (0..48).map(|i| tokio::spawn(super::hash(format!("mật khẩu {i}")))).collect();
        for h in burst {
            assert!(h.await.unwrap().is_ok());
        }
        let peak = super::peak_in_flight();
        assert!(peak >= 1 && peak <= super::permits(), "peak {peak}, permits {}", super::permits());
    }
}
