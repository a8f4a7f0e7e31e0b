//! Workshops (`Lớp tập huấn`): the sessions provinces run in a commune hall or by livestream, joined to the
//! courses they cover. A trainer creates one, prints its poster, shows a check-in code that changes every five
//! minutes, checks people in by phone number or adds walk-ins, runs a before-and-after test and prints the
//! attendance sheet in the provinces' form.
//!
//! - `api.rs`: server functions (the trainer's, checked against the workshop's creator or an admin; the
//!   learner's check-in and test); `http.rs`: the sheet as XLSX.
//! - pages: `trainer_pages.rs` (`/lop-tap-huan…`), `public_pages.rs` (`/lop/:id…`: the page, check-in, poster).

pub mod api;
pub mod public_pages;
pub mod trainer_pages;

#[cfg(feature = "ssr")]
mod http;
#[cfg(feature = "ssr")]
pub use http::routes;

pub use public_pages::{CheckInPage, MyCheckInCode, PersonalCodePage, PosterPage, WorkshopPage};
pub use trainer_pages::{CheckInScreenPage, ManageWorkshopPage, NewWorkshopPage, SheetPage, WorkshopsPage};

use crate::html::Html;
use serde::{Deserialize, Serialize};

/// How long the check-in code stays valid: a photo of it sent home is stale within minutes.
pub const CODE_WINDOW_MS: i64 = 5 * 60_000;
/// Wrong check-in codes allowed per minute to one person (the account, or the address of someone not signed
/// in). Right codes never count, so a hall of people behind one Wi-Fi address checks in freely.
pub const CHECKIN_WRONG_PER_MINUTE: i64 = 20;
/// Check-in opens this long before the start and closes this long after the end.
pub const CHECKIN_MARGIN_MS: i64 = 30 * 60_000;

/// A workshop as its pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopView {
    pub id: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// The commune with its province; None for a livestream only.
    pub place: Option<String>,
    pub address: String,
    pub stream_url: String,
    pub recording_url: String,
    pub capacity: i64,
    pub attendees: i64,
    pub courses: Vec<(String, String)>,
    /// (course slug, quiz slug) of the before-and-after test.
    pub test: Option<(String, String)>,
    pub trainer: String,
    /// Everyone checked in gets a certificate of attendance.
    pub gives_certificate: bool,
    /// People may register before the day.
    pub registration: bool,
    pub registered: i64,
}

/// `/lop/:id` for the person looking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicView {
    pub workshop: WorkshopView,
    pub signed_in: bool,
    pub attended: bool,
    /// Check-in is open now.
    pub open: bool,
    /// The before and after attempts of this person, when taken.
    pub before: Option<String>,
    pub after: Option<String>,
    pub is_trainer: bool,
    /// This person registered before the day.
    pub registered: bool,
    /// The workshop has ended.
    pub over: bool,
    /// The site's public address (`https://…`, no trailing slash), for the share link and Open Graph tags.
    pub base: String,
}

/// One person on the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    pub org_name: String,
    pub org_type: String,
    pub place: String,
    pub phone: String,
    pub how: String,
    pub mode: String,
    pub at: i64,
}

/// A question's share right before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionGain {
    pub position: i64,
    pub prompt_html: Html,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// `/lop-tap-huan/:id`: what the trainer runs the session from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManageView {
    pub workshop: WorkshopView,
    pub open: bool,
    /// The code valid now and the address its QR opens; empty outside the check-in window.
    pub code: String,
    pub checkin_url: String,
    pub qr_svg: Html,
    pub attendees: Vec<Attendee>,
    pub before: (i64, Option<f64>),
    pub after: (i64, Option<f64>),
    pub questions: Vec<QuestionGain>,
    pub registrations: Vec<Registered>,
}

/// A person registered before the day, for the trainer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registered {
    pub name: String,
    pub org_name: String,
    pub phone: String,
    pub came: bool,
}

/// `/ma/:code`: a person's own code as its reader sees it. Only a trainer learns whose it is, and may check
/// them into one of their workshops open now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalCodeView {
    pub code: String,
    /// Whose it is, for a trainer; None for anyone else.
    pub holder: Option<String>,
    /// The code exists and its account is live.
    pub valid: bool,
    /// (id, title) of the trainer's workshops open now.
    pub workshops: Vec<(String, String)>,
}

/// What a person's own code means for a scan: the outcome's words for the trainer's phone.
pub fn scan_answer(outcome: &str, name: &str) -> String {
    format!("{outcome} {name}")
}

/// What the new-workshop form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewWorkshopForm {
    pub communes: Vec<(String, String)>,
    pub courses: Vec<(String, String)>,
    /// (course slug/quiz slug, "course › quiz").
    pub quizzes: Vec<(String, String)>,
}

/// The check-in code of a workshop at a time: six digits from its secret and the five-minute window.
#[cfg(feature = "ssr")]
pub fn code_at(secret: &str, ms: i64) -> String {
    let window = ms.div_euclid(CODE_WINDOW_MS);
    let h = crate::content::sha256_hex(format!("taphuan-checkin:{secret}:{window}").as_bytes());
    let n = u32::from_str_radix(&h[..8], 16).unwrap_or(0) % 1_000_000;
    format!("{n:06}")
}

/// Whether `code` is the current code or the one just before (a slow phone may have read it a minute ago).
#[cfg(feature = "ssr")]
pub fn code_valid(secret: &str, code: &str, now: i64) -> bool {
    let code = code.trim();
    code.len() == 6 && (code == code_at(secret, now) || code == code_at(secret, now - CODE_WINDOW_MS))
}

/// How long after the end the trainer may still add people from the paper sheet (by phone or by hand).
pub const SHEET_GRACE_MS: i64 = 7 * 24 * 3_600_000;

/// Whether the trainer may check someone in at `now`: from when check-in opens until a week after the end,
/// to type in the paper sheet. Never before: attendance (and its certificate) for a day not yet come.
#[cfg(feature = "ssr")]
pub(crate) fn trainer_window_open(w: &crate::db::workshop::WorkshopRow, now: i64) -> bool {
    now >= w.starts_at - CHECKIN_MARGIN_MS && now <= w.ends_at + SHEET_GRACE_MS
}

/// A workshop id as sent in a form, reduced to the characters ids have (hex digits and `-`), so that
/// nothing else reaches a redirect's address. (Server functions run on the server only.)
#[cfg(feature = "ssr")]
pub(crate) fn clean_id(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_hexdigit() || *c == '-').take(64).collect()
}

/// Whether check-in is open at `now`.
pub fn checkin_open(starts_at: i64, ends_at: i64, now: i64) -> bool {
    now >= starts_at - CHECKIN_MARGIN_MS && now <= ends_at + CHECKIN_MARGIN_MS
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_check_in_code_changes_every_five_minutes_and_the_last_one_still_counts() {
        let t = 1_796_434_200_000;
        let now = code_at("s", t);
        assert_eq!(now.len(), 6);
        assert!(code_valid("s", &now, t));
        assert!(code_valid("s", &now, t + CODE_WINDOW_MS), "the previous window still counts");
        assert!(!code_valid("s", &now, t + 2 * CODE_WINDOW_MS), "two windows later it is stale");
        assert!(!code_valid("other", &now, t), "another workshop's code");
        assert!(!code_valid("s", "12345", t));
        assert!(checkin_open(t, t + 3_600_000, t - 20 * 60_000));
        assert!(!checkin_open(t, t + 3_600_000, t - 40 * 60_000));
        assert!(!checkin_open(t, t + 3_600_000, t + 3_600_000 + 31 * 60_000));
    }
}
