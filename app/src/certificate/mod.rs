//! Certificates: issued when a course's completion rule is met, downloadable as PDF and as a signed Open
//! Badges 3.0 credential, verifiable by anyone at `/verify/<code>`, revocable by an admin or an official of
//! the holder's region.

pub mod api;
#[cfg(feature = "ssr")]
mod files;
#[cfg(feature = "ssr")]
pub mod signing;
pub mod verify_page;

#[cfg(feature = "ssr")]
pub use files::routes;
pub use verify_page::{MyCertificates, VerifyPage};

use serde::{Deserialize, Serialize};

/// What a certificate vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Kind {
    /// A course's completion rule was met.
    #[default]
    Completion,
    /// The holder was checked in at a workshop: attendance, never completion.
    Attendance,
}

/// An issued certificate: holder name and course title are snapshots taken at issue. For attendance, the
/// "course" fields are the workshop's title and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub kind: Kind,
    pub code: String,
    pub holder_name: String,
    pub course_title: String,
    pub course_slug: String,
    pub hours: f64,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<crate::db::certificate::CertificateRow> for Certificate {
    fn from(r: crate::db::certificate::CertificateRow) -> Certificate {
        Certificate {
            kind: if r.kind == "attendance" { Kind::Attendance } else { Kind::Completion },
            code: r.code,
            holder_name: r.holder_name,
            course_title: r.course_title,
            course_slug: r.course_slug,
            hours: r.hours,
            issued_at: r.issued_at,
            revoked_at: r.revoked_at,
            revoke_reason: r.revoke_reason,
        }
    }
}

/// What the public verification page shows: nothing personal beyond the name on the certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub certificate: Certificate,
    /// Whether the viewer may revoke it (an admin, or an official of the holder's region).
    pub can_revoke: bool,
}
