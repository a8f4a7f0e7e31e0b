//! People: accounts and roles.

use super::{new_id, now_ms, Db};

/// The fields a new account is created with.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub phone: &'a str,
    pub full_name: &'a str,
    pub org_name: &'a str,
    pub org_type: &'a str,
    pub region_code: Option<&'a str>,
    pub password_hash: &'a str,
}

/// Insert an account and return its id.
pub async fn insert_user(db: &Db, u: &NewUser<'_>) -> Result<String, sqlx::Error> {
    let id = new_id();
    let name = crate::text::nfc(u.full_name.trim());
    sqlx::query(
        "INSERT INTO app_user (id, phone, full_name, name_key, org_name, org_type, region_code, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(u.phone)
    .bind(&name)
    .bind(crate::text::fold(&name))
    .bind(u.org_name)
    .bind(u.org_type)
    .bind(u.region_code)
    .bind(u.password_hash)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(id)
}
