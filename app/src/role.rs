//! Role names: the one list of roles, shared by the accounts feature, the data layer and the browser.

use serde::{Deserialize, Serialize};

/// The four roles. Everyone signed in is a learner; the others are granted by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Learner,
    Trainer,
    Official,
    Admin,
}

impl Role {
    /// Stable name stored in `user_role.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Trainer => "trainer",
            Role::Official => "official",
            Role::Admin => "admin",
        }
    }

    /// Parse a stored or submitted name.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "learner" => Role::Learner,
            "trainer" => Role::Trainer,
            "official" => Role::Official,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}
