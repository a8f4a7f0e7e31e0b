//! Server functions for certificates.

use super::{Certificate, Verification};
use crate::error::AppError;
use leptos::prelude::*;

/// Look up a certificate by its code. Public, and limited to 30 lookups per 10 minutes per address so the
/// codes cannot be enumerated.
#[server(endpoint = "verify", input = server_fn::codec::GetUrl)]
pub async fn verify_certificate(code: String) -> Result<Verification, AppError> {
    crate::state::with_status(inner::verify(code).await)
}

/// The signed-in learner's certificates.
#[server(endpoint = "my_certificates", input = server_fn::codec::GetUrl)]
pub async fn my_certificates() -> Result<Vec<Certificate>, AppError> {
    use crate::{db, state};
    let user = state::with_status(state::require_user())?;
    Ok(db::certificate::for_user(&state::db()?, &user.id).await?.into_iter().map(Certificate::from).collect())
}

/// Revoke a certificate with a reason: admins, or officials whose area holds the certificate's holder.
#[server(endpoint = "revoke_certificate")]
pub async fn revoke_certificate(code: String, reason: String) -> Result<(), AppError> {
    let back = format!("/verify/{}", crate::text::urlencode(&code));
    let result = inner::revoke(code, reason).await;
    crate::state::finish_form(result, &back, &back)
}

/// A certificate and its holder's account id.
#[cfg(feature = "ssr")]
pub async fn by_code(db: &crate::db::Db, code: &str) -> Result<Option<(Certificate, String)>, sqlx::Error> {
    Ok(crate::db::certificate::by_code(db, code).await?.map(|r| {
        let holder = r.user_id.clone();
        (Certificate::from(r), holder)
    }))
}

#[cfg(feature = "ssr")]
mod inner {
    use super::super::Verification;
    use crate::auth::{CurrentUser, Role};
    use crate::error::AppError;
    use crate::{db, state};

    /// Whether `user` may revoke a certificate held by `holder_id`.
    async fn may_revoke(db: &db::Db, user: &CurrentUser, holder_id: &str) -> Result<bool, AppError> {
        if user.is_admin() {
            return Ok(true);
        }
        let Some(path) = db::user::region_path(db, holder_id).await? else { return Ok(false) };
        Ok(user.roles.iter().any(|g| {
            g.role == Role::Official
                && g.scope_path.as_ref().is_some_and(|s| crate::auth::in_area(&path, s))
        }))
    }

    pub(super) async fn verify(code: String) -> Result<Verification, AppError> {
        let db = state::db()?;
        if !db::user::rate_hit(&db, &format!("verify:{}", state::client_addr()), 30, 10 * 60 * 1000).await? {
            return Err(AppError::invalid("code", "too_many_lookups"));
        }
        let code = db::certificate::normalize_code(&code).ok_or(AppError::NotFound)?;
        let (mut certificate, holder) = super::by_code(&db, &code).await?.ok_or(AppError::NotFound)?;
        // Staff of the holder's area see why a certificate was revoked; the public sees only that it was
        // (security review M-9): the reason is an official's free text about a named person.
        let staff = match state::current_user() {
            Some(u) => may_revoke(&db, &u, &holder).await?,
            None => false,
        };
        if !staff {
            certificate.revoke_reason = None;
        }
        Ok(Verification { can_revoke: staff && certificate.revoked_at.is_none(), certificate })
    }

    pub(super) async fn revoke(code: String, reason: String) -> Result<(), AppError> {
        let user = state::require_user()?;
        let db = state::db()?;
        let reason = reason.trim();
        if reason.chars().count() < 3 || reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "reason_needed"));
        }
        let code = db::certificate::normalize_code(&code).ok_or(AppError::NotFound)?;
        let (_, holder) = super::by_code(&db, &code).await?.ok_or(AppError::NotFound)?;
        if !may_revoke(&db, &user, &holder).await? {
            return Err(AppError::Forbidden);
        }
        db::certificate::revoke(&db, &code, &user.id, reason).await?;
        tracing::info!(by = %user.id, code = %code, "certificate revoked");
        crate::audit::note(&db, Some(&user), "certificate_revoked", &code, reason).await;
        Ok(())
    }
}
