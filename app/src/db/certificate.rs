//! Completion and certificates: a course's rule checked after each lesson or quiz, a certificate issued
//! once per learner and course, revocation.

use super::{now_ms, Db};

/// The Crockford base32 alphabet: no I, L, O or U, so a code can be typed from paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new certificate code: 80 random bits as `XXXX-XXXX-XXXX-XXXX`.
pub fn new_code() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    let chars: Vec<u8> = (0..16).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize]).collect();
    chars.chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect::<Vec<_>>().join("-")
}

/// A code as typed (any case, spaces, O for 0, I or L for 1) in its canonical form, if it can be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut out = String::new();
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            '-' | ' ' => continue,
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
    }
    (out.len() == 16).then(|| out.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect::<Vec<_>>().join("-"))
}

/// The course id of a slug.
pub async fn course_id(db: &Db, slug: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM course WHERE slug = $1").bind(slug).fetch_optional(&db.pool).await
}

/// Course certificates and certificates of attendance, as one list: `kind` tells them apart, and for
/// attendance the "course" columns hold the workshop's title and id, and the date is the day it was held (a
/// sheet typed in the next day still certifies the day itself).
const BOTH: &str = "SELECT c.code AS code, c.user_id AS user_id, c.holder_name AS holder_name, c.course_title AS course_title,
    c.hours AS hours, c.issued_at AS issued_at, c.revoked_at AS revoked_at, c.revoke_reason AS revoke_reason,
    co.slug AS course_slug, 'completion' AS kind
  FROM certificate c JOIN course co ON co.id = c.course_id
  UNION ALL
  SELECT a.code, a.user_id, a.holder_name, a.workshop_title, a.hours, a.held_at, a.revoked_at, a.revoke_reason,
    a.workshop_id, 'attendance'
  FROM attendance_certificate a";

/// An issued certificate as stored: holder name and course title are snapshots taken at issue.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CertificateRow {
    pub code: String,
    /// The holder's account.
    pub user_id: String,
    pub holder_name: String,
    pub course_title: String,
    pub course_slug: String,
    pub hours: f64,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    /// `completion` (a course) or `attendance` (a workshop).
    pub kind: String,
}

/// A certificate.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<CertificateRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT * FROM ({BOTH}) b WHERE b.code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await
}

/// A learner's certificates, newest first.
pub async fn for_user(db: &Db, user_id: &str) -> Result<Vec<CertificateRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT * FROM ({BOTH}) b WHERE b.user_id = $1 ORDER BY b.issued_at DESC, b.code"))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// Revoke with a reason; returns false when already revoked or unknown.
pub async fn revoke(db: &Db, code: &str, by: &str, reason: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let r = sqlx::query("UPDATE certificate SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE code = $4 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(by)
        .bind(reason)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() == 1 {
        super::summary::revoked(&mut tx, code).await?;
    } else {
        // A certificate of attendance counts in no course figure: revoking it is the mark alone.
        let a = sqlx::query("UPDATE attendance_certificate SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE code = $4 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(by)
            .bind(reason)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        if a.rows_affected() != 1 {
            return Ok(false);
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// A revoked certificate, for the published list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevokedRow {
    pub code: String,
    pub revoked_at: i64,
}

/// Every revoked certificate, by code.
pub async fn revoked(db: &Db) -> Result<Vec<RevokedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, revoked_at FROM certificate WHERE revoked_at IS NOT NULL
         UNION ALL SELECT code, revoked_at FROM attendance_certificate WHERE revoked_at IS NOT NULL ORDER BY code",
    )
    .fetch_all(&db.pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_80_bits_typable_and_forgiving() {
        let c = new_code();
        assert_eq!(c.len(), 19);
        assert!(c.chars().all(|ch| ch == '-' || ALPHABET.contains(&(ch as u8))));
        assert_ne!(new_code(), c);
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', " ")).as_deref(), Some(c.as_str()));
        assert_eq!(normalize_code("OOOO-IIII-LLLL-2345").as_deref(), Some("0000-1111-1111-2345"));
        assert_eq!(normalize_code("ABCD"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKMN-PQRU"), None, "U is not in the alphabet");
    }
}
