//! Sessions by role (security review M-11). A learner studies on their own phone and stays signed in while
//! they use it: 30 days from the last visit. Staff (trainers, officials, admins) can see and change other
//! people's data, so their session ends after 3 idle hours and, however busy, 3 days after sign-in.
//! (3 hours, not ASVS's 30 minutes: a trainer runs a workshop all morning between two check-ins.)

use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, Session};

pub const STAFF_IDLE_MS: i64 = 3 * 3600 * 1000;
pub const STAFF_ABSOLUTE_MS: i64 = 3 * 24 * 3600 * 1000;
pub const LEARNER_IDLE_MS: i64 = 30 * 24 * 3600 * 1000;

/// How stale the "last seen" mark may get before it is written again: writing on every request would
/// cost a database write per page.
fn touch_every(staff: bool) -> i64 {
    if staff { 5 * 60 * 1000 } else { 24 * 3600 * 1000 }
}

fn idle_ms(staff: bool) -> i64 {
    if staff { STAFF_IDLE_MS } else { LEARNER_IDLE_MS }
}

fn now_ms() -> i64 {
    crate::db::now_ms()
}

/// Marks a fresh sign-in: its time, and the cookie's lifetime for this role.
pub async fn started(session: &Session, staff: bool) -> Result<(), crate::AppError> {
    let now = now_ms();
    session.set_expiry(Some(Expiry::OnInactivity(Duration::milliseconds(idle_ms(staff)))));
    session.insert("since", now).await.map_err(|_| crate::AppError::Internal)?;
    session.insert("seen", now).await.map_err(|_| crate::AppError::Internal)?;
    Ok(())
}

/// Whether a signed-in session may go on, by the role its person has now (a role granted meanwhile
/// applies at once). A session that may goes on is marked seen now and then.
pub async fn still_valid(session: &Session, staff: bool) -> bool {
    let now = now_ms();
    let since = session.get::<i64>("since").await.ok().flatten();
    let seen = session.get::<i64>("seen").await.ok().flatten();
    if seen.is_some_and(|s| now - s > idle_ms(staff)) {
        return false;
    }
    if staff && since.is_some_and(|s| now - s > STAFF_ABSOLUTE_MS) {
        return false;
    }
    if seen.is_none_or(|s| now - s > touch_every(staff)) {
        session.set_expiry(Some(Expiry::OnInactivity(Duration::milliseconds(idle_ms(staff)))));
        // A session from before these marks starts counting now.
        if since.is_none() && session.insert("since", now).await.is_err() {
            return false;
        }
        if session.insert("seen", now).await.is_err() {
            return false;
        }
    }
    true
}
