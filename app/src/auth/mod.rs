//! Accounts: sign-up with a Vietnamese mobile number, sign-in, sessions, one-time password links, roles.
//! The rules that both browser and server need (phone forms, password length) live here; hashing and
//! sessions are server-only.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use pages::{AccountPage, LoginPage, RegisterPage, SetPasswordPage};

use serde::{Deserialize, Serialize};

/// The roles live in `role`, so the data layer can use them without importing this feature.
pub use crate::role::Role;

/// One granted role; officials carry the region subtree they may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub scope_code: Option<String>,
    pub scope_path: Option<String>,
}

/// The signed-in person, loaded fresh from the database on every request (so a revoked role takes effect
/// at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub full_name: String,
    pub roles: Vec<RoleGrant>,
    /// "Tiết kiệm dữ liệu": lesson images only when tapped.
    #[serde(default)]
    pub data_saver: bool,
}

impl CurrentUser {
    /// Whether the user holds any role beyond learner (their session is shorter: `auth::session`).
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|g| g.role != Role::Learner)
    }

    /// Whether the user holds `role` (admins hold every role's powers).
    pub fn has(&self, role: Role) -> bool {
        role == Role::Learner || self.roles.iter().any(|g| g.role == role || g.role == Role::Admin)
    }

    /// Whether the user is an admin.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|g| g.role == Role::Admin)
    }
}

/// Whether region `path` lies in the area whose path is `area` (itself or below it); `''` is the whole
/// country.
pub fn in_area(path: &str, area: &str) -> bool {
    area.is_empty() || path == area || path.strip_prefix(area).is_some_and(|rest| rest.starts_with('/'))
}

/// Organisation types, as the OCOP programme names its subjects.
pub const ORG_TYPES: [&str; 6] = ["hop-tac-xa", "to-hop-tac", "doanh-nghiep", "ho-san-xuat", "co-quan-nha-nuoc", "khac"];

/// A region for a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionOption {
    pub code: String,
    pub name: String,
}

/// The phone rules live in `text`, so the data layer can use them without importing this feature.
pub use crate::text::{display_phone, normalize_phone};

/// The minimum password length (OWASP: at least 8; no composition rules).
pub const MIN_PASSWORD: usize = 8;

/// `Ok` or the error code for the form (`password_short`, `password_long`).
pub fn check_password(p: &str) -> Result<(), &'static str> {
    let n = p.chars().count();
    if n < MIN_PASSWORD {
        Err("password_short")
    } else if n > 128 {
        Err("password_long")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_the_forms_people_type() {
        for input in ["0912 345 678", "+84912345678", "84-912-345-678", "0912.345.678", "(091) 234 5678", " 0912345678 "] {
            assert_eq!(normalize_phone(input).as_deref(), Some("+84912345678"), "{input}");
        }
        assert_eq!(normalize_phone("0356 123 456").as_deref(), Some("+84356123456"));
        for bad in ["", "12345", "0212345678", "+1 912 345 678", "09123456789", "0912a45678", "+84 12 345 678"] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
        assert_eq!(display_phone("+84912345678"), "0912 345 678");
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_password("ngắn"), Err("password_short"));
        assert_eq!(check_password("mật khẩu dài"), Ok(()));
        assert_eq!(check_password(&"x".repeat(129)), Err("password_long"));
    }
}
