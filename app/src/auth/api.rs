//! Server functions for accounts. Each checks who is asking before touching data; forms work without
//! JavaScript through [`crate::state::finish_form`].

use super::RegionOption;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub full_name: String,
    pub phone: String,
    pub org_name: String,
    pub org_type: String,
    pub region: Option<String>,
    pub roles: Vec<String>,
    /// "Tiết kiệm dữ liệu": images only when tapped.
    pub data_saver: bool,
}

/// One course on the learner's own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCourse {
    pub title: String,
    /// Where they left off: the first lesson not done, else the course page; None once the course is
    /// withdrawn (its pages answer 404).
    pub href: Option<String>,
    pub lessons_done: i64,
    pub lessons_total: i64,
    /// Best quiz score in per cent.
    pub best_score: Option<f64>,
    pub completed_at: Option<i64>,
    pub certificate_code: Option<String>,
}

/// The person with account `id` and their roles, or None if the account is gone. Loaded on every signed-in
/// request, so a revoked role takes effect at once.
#[cfg(feature = "ssr")]
pub async fn current_user(db: &crate::db::Db, id: &str) -> Result<Option<super::CurrentUser>, sqlx::Error> {
    use super::{CurrentUser, RoleGrant};
    let Some((full_name, data_saver, roles)) = crate::db::user::viewer(db, id).await? else { return Ok(None) };
    let roles = roles.into_iter().map(|g| RoleGrant { role: g.role, scope_code: g.scope_code, scope_path: g.scope_path }).collect();
    Ok(Some(CurrentUser { id: id.to_string(), full_name, roles, data_saver }))
}

/// Regions under `parent` (provinces when empty), for the sign-up picker.
#[server(endpoint = "regions", input = server_fn::codec::GetUrl)]
pub async fn list_regions(parent: String) -> Result<Vec<RegionOption>, AppError> {
    use crate::{db, state};
    let parent = (!parent.is_empty()).then_some(parent.as_str());
    let rows = db::region::children(&state::db()?, parent).await?;
    Ok(rows.into_iter().map(|r| RegionOption { code: r.code, name: r.name }).collect())
}

/// Create an account and sign in.
#[server(endpoint = "register")]
pub async fn register(
    full_name: String,
    phone: String,
    password: String,
    org_name: String,
    org_type: String,
    region: String,
    province: String,
) -> Result<(), AppError> {
    let province: String = province.chars().filter(|c| c.is_ascii_alphanumeric()).take(10).collect();
    let back = format!("/dang-ky?tinh={province}");
    // What was typed comes back on an error, the password never.
    let keep = [("full_name", full_name.clone()), ("phone", phone.clone()), ("org_name", org_name.clone()), ("org_type", org_type.clone()), ("region", region.clone())];
    let result = register_inner(full_name, phone, password, org_name, org_type, region).await;
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::state::finish_form_keeping(result, "/tai-khoan", &back, &keep)
}

#[cfg(feature = "ssr")]
async fn register_inner(full_name: String, phone: String, password: String, org_name: String, org_type: String, region: String) -> Result<(), AppError> {
    let db = crate::state::db()?;
    if !super::throttle::may_sign_up(&db, &crate::state::client_addr()).await? {
        tracing::warn!("sign-up throttled");
        return Err(AppError::invalid("phone", "signup_throttled"));
    }
    let id = create_account(&db, &NewAccount { full_name: &full_name, phone: &phone, password: &password, org_name: &org_name, org_type: &org_type, region: &region }).await?;
    sign_in(&id).await?;
    Ok(())
}

/// What sign-up asks for.
#[cfg(feature = "ssr")]
pub(crate) struct NewAccount<'a> {
    pub full_name: &'a str,
    pub phone: &'a str,
    pub password: &'a str,
    pub org_name: &'a str,
    pub org_type: &'a str,
    /// A commune code (or a `province/commune` path).
    pub region: &'a str,
}

/// Check and create an account, as sign-up does (also used by a workshop's check-in for newcomers); its id.
#[cfg(feature = "ssr")]
pub(crate) async fn create_account(db: &crate::db::Db, a: &NewAccount<'_>) -> Result<String, AppError> {
    use crate::db;
    let name = crate::text::clean_line(a.full_name, 100).filter(|n| n.chars().count() >= 2).ok_or_else(|| AppError::invalid("full_name", "name_invalid"))?;
    let phone = super::normalize_phone(a.phone).ok_or_else(|| AppError::invalid("phone", "phone_invalid"))?;
    super::check_password(a.password).map_err(|c| AppError::invalid("password", c))?;
    if !super::ORG_TYPES.contains(&a.org_type) {
        return Err(AppError::invalid("org_type", "org_type_invalid"));
    }
    let org_name = crate::text::clean_line(a.org_name, 200).ok_or_else(|| AppError::invalid("org_name", "org_invalid"))?;
    let region = a.region.rsplit('/').next().unwrap_or("").to_string();
    if db::region::describe(db, &region).await?.is_none() {
        return Err(AppError::invalid("region", "region_invalid"));
    }
    if db::user::id_by_phone(db, &phone).await?.is_some() {
        return Err(AppError::invalid("phone", "phone_taken"));
    }
    let hash = super::password::hash(a.password.to_string()).await?;
    let new = db::user::NewUser {
        phone: &phone,
        full_name: &name,
        org_name: &org_name,
        org_type: a.org_type,
        region_code: Some(&region),
        password_hash: &hash,
    };
    let id = match db::user::insert_user(&db.pool, &new).await {
        Ok(id) => id,
        // Two submits at once: the unique phone decides, the second gets the same clear message.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(AppError::invalid("phone", "phone_taken")),
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user = %id, "account created");
    Ok(id)
}

/// Start a signed-in session for `user_id` on this session: a new session id (so an id planted before
/// sign-in is worthless), then the user. Plain handlers call it with their own `Session`.
#[cfg(feature = "ssr")]
pub(crate) async fn begin_session(session: &tower_sessions::Session, user_id: &str, staff: bool) -> Result<(), AppError> {
    session.cycle_id().await.map_err(|_| AppError::Internal)?;
    session.insert("uid", user_id).await.map_err(|_| AppError::Internal)?;
    super::session::started(session, staff).await
}

#[cfg(feature = "ssr")]
async fn sign_in(user_id: &str) -> Result<(), AppError> {
    let session = crate::state::session().await?;
    let staff = crate::db::user::roles(&crate::state::db()?, user_id).await?.iter().any(|g| g.role != crate::auth::Role::Learner);
    begin_session(&session, user_id, staff).await?;
    // The language saved on the account wins over this phone's cookie.
    let locale = crate::db::user::locale(&crate::state::db()?, user_id).await?;
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = axum::http::HeaderValue::from_str(&crate::i18n::lang_cookie(crate::i18n::Locale::from_code(&locale))) {
            res.append_header(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(())
}

/// Sign in with phone and password. Unknown numbers and wrong passwords get the same message; repeated
/// failures are slowed down (see [`super::throttle`]), without locking the owner out elsewhere.
#[server(endpoint = "login")]
pub async fn login(phone: String, password: String, next: String) -> Result<(), AppError> {
    let next = crate::state::safe_next(&next);
    let back = format!("/dang-nhap?next={}", crate::text::urlencode(&next));
    let result = login_inner(phone, password).await;
    crate::state::finish_form(result, &next, &back)
}

#[cfg(feature = "ssr")]
async fn login_inner(phone: String, password: String) -> Result<(), AppError> {
    use crate::{db, state};
    let db = state::db()?;
    let addr = state::client_addr();
    let phone = super::normalize_phone(&phone).unwrap_or_else(|| format!("?{}", phone.chars().take(20).collect::<String>()));
    if !super::throttle::may_try_sign_in(&db, &phone, &addr).await? {
        tracing::warn!(address = %super::throttle::address_group(&addr), "sign-in throttled");
        return Err(AppError::invalid("phone", "throttled"));
    }
    let record = db::user::login_record(&db, &phone).await?;
    let (id, hash) = record.clone().map(|r| (r.id, r.password_hash)).unwrap_or_default();
    if !super::password::verify(password, hash).await? || record.is_none() {
        // Who and from where, never the number typed (security review L-8).
        tracing::warn!(user = %if id.is_empty() { "-" } else { id.as_str() }, address = %super::throttle::address_group(&addr), "sign-in failed");
        super::throttle::failed_sign_in(&db, &phone, &addr).await?;
        return Err(AppError::invalid("phone", "login_failed"));
    }
    super::throttle::signed_in(&db, &phone, &addr).await?;
    sign_in(&id).await?;
    tracing::info!(user = %id, "signed in");
    Ok(())
}

/// End the session on the server.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let result = async {
        let session = crate::state::session().await?;
        session.flush().await.map_err(|_| AppError::Internal)
    }
    .await;
    crate::state::finish_form(result, "/", "/")
}

/// End every session of the signed-in person, on every phone and computer, this one included.
#[server(endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    let result = async {
        use crate::{db, state};
        let user = state::require_user()?;
        let n = db::user::end_sessions(&state::db()?, &user.id, None).await?;
        state::session().await?.flush().await.map_err(|_| AppError::Internal)?;
        tracing::info!(user = %user.id, sessions = n, "signed out everywhere");
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/dang-nhap", "/tai-khoan")
}

/// Change the signed-in person's password: the current one first. Every other session ends.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    let result = async {
        use crate::{db, state};
        let user = state::require_user()?;
        let db = state::db()?;
        super::check_password(&password).map_err(|c| AppError::invalid("password", c))?;
        let addr = state::client_addr();
        let phone = db::user::phone_of(&db, &user.id).await?.unwrap_or_default();
        if !super::throttle::may_try_sign_in(&db, &phone, &addr).await? {
            return Err(AppError::invalid("current", "throttled"));
        }
        let stored = db::user::login_record(&db, &phone).await?.map(|r| r.password_hash).unwrap_or_default();
        if !super::password::verify(current, stored).await? {
            super::throttle::failed_sign_in(&db, &phone, &addr).await?;
            return Err(AppError::invalid("current", "current_password_wrong"));
        }
        let hash = super::password::hash(password).await?;
        let session = state::session().await?;
        // A new id for this session too, then every other one ends.
        session.cycle_id().await.map_err(|_| AppError::Internal)?;
        session.save().await.map_err(|_| AppError::Internal)?;
        let keep = session.id().map(|i| crate::db::session::stored_id(&i)).unwrap_or_default();
        db::user::change_password(&db, &user.id, &hash, &keep).await?;
        tracing::info!(user = %user.id, "password changed");
        crate::audit::note(&db, Some(&user), "password_changed", &format!("{} ({})", user.full_name, user.id), "").await;
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/tai-khoan?xong=mat-khau", "/tai-khoan")
}

/// Set a password with a one-time link (a new learner's first password, or a reset).
#[server(endpoint = "set_password")]
pub async fn set_password(token: String, password: String) -> Result<(), AppError> {
    let back = format!("/mat-khau/{}", token.chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>());
    let result = async {
        use crate::{db, state};
        super::check_password(&password).map_err(|c| AppError::invalid("password", c))?;
        let db = state::db()?;
        if db::user::token_holder(&db, &token).await?.is_none() {
            return Err(AppError::invalid("token", "link_invalid"));
        }
        let hash = super::password::hash(password).await?;
        let user = db::user::consume_token(&db, &token, &hash).await?.ok_or_else(|| AppError::invalid("token", "link_invalid"))?;
        sign_in(&user).await?;
        tracing::info!(user = %user, "password set with a one-time link");
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/tai-khoan", &back)
}

/// The holder's name for a one-time link, so the page can greet them; NotFound when spent or expired.
#[server(endpoint = "link", input = server_fn::codec::GetUrl)]
pub async fn link_holder(token: String) -> Result<String, AppError> {
    use crate::{db, state};
    db::user::token_holder(&state::db()?, &token).await?.map(|h| h.full_name).ok_or(AppError::NotFound)
}

/// The signed-in person's profile.
#[server(endpoint = "account", input = server_fn::codec::GetUrl)]
pub async fn get_account() -> Result<AccountView, AppError> {
    crate::state::with_status(get_account_inner().await)
}

#[cfg(feature = "ssr")]
async fn get_account_inner() -> Result<AccountView, AppError> {
    use crate::{db, state};
    let user = state::require_user()?;
    let data = db::user::export(&state::db()?, &user.id).await?;
    let region = match data["region_code"].as_str() {
        Some(code) => db::region::describe(&state::db()?, code).await?.map(|r| r.full_name),
        None => None,
    };
    let s = |k: &str| data[k].as_str().unwrap_or_default().to_string();
    Ok(AccountView {
        full_name: s("full_name"),
        phone: super::display_phone(&s("phone")),
        org_name: s("organisation"),
        org_type: s("organisation_type"),
        region,
        roles: user.roles.iter().map(|g| g.role.as_str().to_string()).collect(),
        data_saver: user.data_saver,
    })
}

/// The signed-in person's courses; only ever their own, since the id comes from the session.
#[server(endpoint = "my_courses", input = server_fn::codec::GetUrl)]
pub async fn my_courses() -> Result<Vec<MyCourse>, AppError> {
    use crate::{db, state};
    let user = state::with_status(state::require_user())?;
    let rows = db::progress::my_courses(&state::db()?, &user.id).await?;
    Ok(rows
        .into_iter()
        .map(|r| MyCourse {
            href: r.retired_at.is_none().then(|| match &r.next_lesson {
                Some(lesson) => format!("/khoa-hoc/{}/bai/{lesson}", r.course_slug),
                None => format!("/khoa-hoc/{}", r.course_slug),
            }),
            title: r.title,
            // A newer revision may have fewer lessons than the learner did before.
            lessons_done: r.lessons_done.min(r.lessons_total),
            lessons_total: r.lessons_total,
            best_score: r.best_score,
            completed_at: r.completed_at,
            certificate_code: r.certificate_code,
        })
        .collect())
}

/// Everything stored about the signed-in person, as a JSON download.
#[server(endpoint = "my_data", input = server_fn::codec::GetUrl)]
pub async fn export_my_data() -> Result<serde_json::Value, AppError> {
    use crate::{db, state};
    let user = state::with_status(state::require_user())?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            axum::http::header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static("attachment; filename=\"du-lieu-cua-toi.json\""),
        );
    }
    Ok(db::user::export(&state::db()?, &user.id).await?)
}

/// Delete the signed-in person's account after they typed the confirmation word.
#[server(endpoint = "delete_account")]
pub async fn delete_account(confirm: String, #[server(default)] keep_name: Option<String>) -> Result<(), AppError> {
    let result = async {
        use crate::{db, state};
        let user = state::require_user()?;
        if crate::text::fold(&confirm) != "xoa" {
            return Err(AppError::invalid("confirm", "confirm_delete"));
        }
        let db = state::db()?;
        db::user::delete_account(&db, &user.id, keep_name.is_some()).await?;
        // The name is erased on request: the log keeps only the account's id.
        let anonymous = crate::auth::CurrentUser { full_name: String::new(), ..user.clone() };
        crate::audit::note(&db, Some(&anonymous), "account_deleted", &user.id, if keep_name.is_some() { "name kept on certificates" } else { "" }).await;
        let session = state::session().await?;
        session.flush().await.map_err(|_| AppError::Internal)?;
        tracing::info!(user = %user.id, "account deleted");
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/?da-xoa=1", "/tai-khoan")
}
