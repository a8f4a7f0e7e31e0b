//! argon2id with the OWASP-recommended parameters (m = 19 MiB, t = 2, p = 1, the argon2 crate's default),
//! run on a blocking thread so hashing never stalls the async workers.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"))
}

/// Hash a password (PHC string).
pub async fn hash(password: String) -> Result<String, crate::AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| crate::AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        crate::AppError::Internal
    })
}

/// Check a password against a stored hash. An empty or malformed hash never matches; when there is no
/// account at all, callers verify against a dummy hash so both cases take the same time.
pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
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
    .unwrap_or(false)
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
        assert!(super::verify("mật khẩu an toàn".into(), h.clone()).await);
        assert!(!super::verify("sai mật khẩu".into(), h).await);
        assert!(!super::verify("not a password".into(), String::new()).await);
    }
}
