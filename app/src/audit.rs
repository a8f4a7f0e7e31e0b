//! The audit log (issue #16): the actions that change powers or move personal data are recorded with who,
//! what, whom, when and from which address (`admin::audit` shows them). A failed write is logged and never
//! undoes the action it records.

/// Record an action done by the signed-in person of this server function.
pub async fn note(db: &crate::db::Db, actor: Option<&crate::auth::CurrentUser>, action: &str, target: &str, detail: &str) {
    note_from(db, actor, &crate::state::client_addr(), action, target, detail).await
}

/// Record an action, from a plain handler that knows the client's address.
pub async fn note_from(db: &crate::db::Db, actor: Option<&crate::auth::CurrentUser>, address: &str, action: &str, target: &str, detail: &str) {
    let event = crate::db::audit::NewEvent {
        actor_id: actor.map(|u| u.id.as_str()),
        actor_name: actor.map(|u| u.full_name.as_str()).unwrap_or(""),
        action,
        target,
        detail,
        address,
    };
    if let Err(e) = crate::db::audit::record(db, &event).await {
        tracing::error!(error = %e, action, "writing the audit log failed");
    }
}

