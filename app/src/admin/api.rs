//! Server functions for administration. Each one checks the caller's role on the server first.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A person as the admin list shows them (phone already formatted for people).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: String,
    pub phone: String,
    pub full_name: String,
    pub org_name: String,
    pub org_type: String,
    pub region: Option<String>,
    pub roles: Vec<String>,
}

/// What the admin page needs: who is looking, the people, and a link just made (shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub can_grant: bool,
    pub people: Vec<PersonRow>,
    pub new_link: Option<(String, String)>,
}

/// People matching `q`, inside the caller's area.
#[server(endpoint = "people", input = server_fn::codec::GetUrl)]
pub async fn list_people(q: String, link: String) -> Result<PeoplePage, AppError> {
    crate::state::with_status(list_people_inner(q, link).await)
}

/// A listed person as the page shows them: the phone formatted for people.
#[cfg(feature = "ssr")]
fn person(r: crate::db::user::PersonRow) -> PersonRow {
    PersonRow {
        phone: crate::auth::display_phone(&r.phone),
        id: r.id,
        full_name: r.full_name,
        org_name: r.org_name,
        org_type: r.org_type,
        region: r.region,
        roles: r.roles,
    }
}

#[cfg(feature = "ssr")]
async fn list_people_inner(q: String, link: String) -> Result<PeoplePage, AppError> {
    use crate::auth::Role;
    use crate::{db, state};
    let me = state::current_user().ok_or(AppError::Unauthorized)?;
    let scope = if me.has(Role::Admin) || me.has(Role::Trainer) {
        None
    } else if let Some(g) = me.roles.iter().find(|g| g.role == Role::Official) {
        Some(g.scope_path.clone().ok_or(AppError::Forbidden)?)
    } else {
        return Err(AppError::Forbidden);
    };
    let db = state::db()?;
    let people = db::user::list(&db, &q, scope.as_deref(), 50).await?.into_iter().map(person).collect();
    // A link just made comes back in the URL (never logged: logs carry paths only) and is shown while valid.
    let new_link = if link.is_empty() || !me.has(Role::Trainer) {
        None
    } else {
        db::user::token_holder(&db, &link).await?.map(|h| (h.full_name, format!("/mat-khau/{link}")))
    };
    Ok(PeoplePage {
        can_grant: me.is_admin(),
        people,
        new_link,
    })
}

/// Grant a role (admins only). An official needs the region code of their area.
#[server(endpoint = "grant_role")]
pub async fn grant_role(user_id: String, role: String, scope: String) -> Result<(), AppError> {
    let result = async {
        use crate::auth::Role;
        use crate::{db, state};
        let me = state::require_role(Role::Admin)?;
        let role = Role::parse(&role).filter(|r| *r != Role::Learner).ok_or_else(|| AppError::invalid("role", "role_invalid"))?;
        let db = state::db()?;
        let Some(target) = crate::auth::api::current_user(&db, &user_id).await? else {
            return Err(AppError::NotFound);
        };
        let scope = scope.trim();
        let scope = if role == Role::Official {
            if db::region::describe(&db, scope).await?.is_none() {
                return Err(AppError::invalid("scope", "region_invalid"));
            }
            Some(scope)
        } else {
            None
        };
        db::user::grant_role(&db, &user_id, role, scope).await?;
        tracing::info!(by = %me.id, user = %user_id, role = role.as_str(), "role granted");
        let detail = format!("{}{}", role.as_str(), scope.map(|s| format!(" · {s}")).unwrap_or_default());
        crate::audit::note(&db, Some(&me), "role_granted", &format!("{} ({user_id})", target.full_name), &detail).await;
        Ok(())
    }
    .await;
    // The page lists many people, each with this form: the field named back is that person's
    // (`scope-<id>`), so the message and the kept values land in the right form.
    let id: String = user_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect();
    let result = result.map_err(|e| match e {
        AppError::Invalid { field, code } => AppError::Invalid { field: format!("{field}-{id}"), code },
        e => e,
    });
    let keep = [("u", id.as_str()), ("role", role.as_str()), ("scope", scope.as_str())];
    crate::state::finish_form_keeping(result, "/quan-tri", "/quan-tri", &keep)
}

/// Remove a role (admins only).
#[server(endpoint = "revoke_role")]
pub async fn revoke_role(user_id: String, role: String) -> Result<(), AppError> {
    let result = async {
        use crate::auth::Role;
        use crate::{db, state};
        let me = state::require_role(Role::Admin)?;
        let role = Role::parse(&role).ok_or_else(|| AppError::invalid("role", "role_invalid"))?;
        if me.id == user_id && role == Role::Admin {
            return Err(AppError::invalid("role", "cannot_revoke_self"));
        }
        let db = state::db()?;
        let name = crate::auth::api::current_user(&db, &user_id).await?.map(|u| u.full_name).unwrap_or_default();
        db::user::revoke_role(&db, &user_id, role).await?;
        tracing::info!(by = %me.id, user = %user_id, role = role.as_str(), "role revoked");
        crate::audit::note(&db, Some(&me), "role_revoked", &format!("{name} ({user_id})"), role.as_str()).await;
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/quan-tri", "/quan-tri")
}

/// Make a one-time password link, valid 24 hours, for a person who forgot theirs. Admins may do it for
/// anyone; trainers only for people who hold no staff role.
#[server(endpoint = "reset_link")]
pub async fn create_reset_link(user_id: String) -> Result<(), AppError> {
    let result = async {
        use crate::auth::Role;
        use crate::{db, state};
        let me = state::require_role(Role::Trainer)?;
        let db = state::db()?;
        let target = crate::auth::api::current_user(&db, &user_id).await?.ok_or(AppError::NotFound)?;
        if !me.is_admin() && !target.roles.is_empty() {
            return Err(AppError::Forbidden);
        }
        let token = db::user::create_token(&db.pool, &user_id, "reset", Some(&me.id), 24 * 3600 * 1000).await?;
        tracing::info!(by = %me.id, user = %user_id, "password link created");
        crate::audit::note(&db, Some(&me), "password_link", &format!("{} ({user_id})", target.full_name), "").await;
        Ok(token)
    }
    .await;
    match result {
        Ok(token) => crate::state::finish_form(Ok(()), &format!("/quan-tri?lien-ket={token}"), "/quan-tri"),
        Err(e) => crate::state::finish_form(Err(e), "/quan-tri", "/quan-tri"),
    }
}
