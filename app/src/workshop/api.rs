//! Server functions for workshops. The trainer's check that the caller created the workshop (or is an
//! admin); the learner's check that they are signed in and, for the test, that they checked in.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::auth::{CurrentUser, Role};
    use crate::db::{self, workshop::WorkshopRow};

    pub(crate) fn view_of(w: &WorkshopRow, courses: Vec<(String, String)>) -> WorkshopView {
        WorkshopView {
            id: w.id.clone(),
            title: w.title.clone(),
            starts_at: w.starts_at,
            ends_at: w.ends_at,
            place: w.place.clone(),
            address: w.address.clone(),
            stream_url: w.stream_url.clone(),
            recording_url: w.recording_url.clone(),
            capacity: w.capacity,
            attendees: w.attendees,
            courses,
            test: w.test_course.clone().zip(w.test_quiz.clone()),
            trainer: w.created_by_name.clone(),
            gives_certificate: w.gives_certificate != 0,
            registration: w.registration != 0,
            registered: w.registered,
        }
    }

    /// The workshop, for its trainer: its creator or an admin.
    pub(crate) async fn as_trainer(db: &db::Db, me: Option<CurrentUser>, id: &str) -> Result<(CurrentUser, WorkshopRow), AppError> {
        let me = me.ok_or(AppError::Unauthorized)?;
        let w = db::workshop::get(db, id).await?.ok_or(AppError::NotFound)?;
        // Its creator while still a trainer (a revoked role stops them at once), or an admin.
        if !me.is_admin() && (w.created_by != me.id || !me.has(Role::Trainer)) {
            tracing::warn!(user = %me.id, workshop = %id, "workshop refused: not its trainer");
            return Err(AppError::Forbidden);
        }
        Ok((me, w))
    }

    pub(crate) async fn trainer_here(id: &str) -> Result<(db::Db, CurrentUser, WorkshopRow), AppError> {
        let db = crate::state::db()?;
        let (me, w) = as_trainer(&db, crate::state::current_user(), id).await?;
        Ok((db, me, w))
    }

    /// Refuse a check-in from someone who has just guessed wrong too often, even with a right code: if a
    /// right code still went through, guessing would simply go on. Only that person waits; nobody else
    /// (security review of the workshops: a workshop-wide limit let one client lock a whole hall out).
    pub(crate) async fn checkin_guard(db: &db::Db, who: &str) -> Result<(), AppError> {
        if db::user::rate_count(db, &format!("checkin:{who}"), 60_000).await? >= super::super::CHECKIN_WRONG_PER_MINUTE {
            tracing::warn!(who = %who, "check-in refused: too many wrong codes");
            return Err(AppError::invalid("code", "throttled"));
        }
        Ok(())
    }

    /// Count a wrong code against `who`, and log a workshop that draws many (a distributed guess).
    pub(crate) async fn checkin_wrong(db: &db::Db, workshop_id: &str, who: &str) -> Result<(), AppError> {
        db::user::rate_hit(db, &format!("checkin:{who}"), super::super::CHECKIN_WRONG_PER_MINUTE, 60_000).await?;
        if !db::user::rate_hit(db, &format!("checkin-ws:{workshop_id}"), 600, 60_000).await? {
            tracing::warn!(workshop = %workshop_id, "many wrong check-in codes for one workshop");
        }
        Ok(())
    }

    /// Why a self check-in with `code` at `now` is refused, if it is.
    pub(crate) fn checkin_refusal(w: &WorkshopRow, code: &str, now: i64) -> Option<AppError> {
        if !checkin_open(w.starts_at, w.ends_at, now) {
            return Some(AppError::invalid("code", "checkin_closed"));
        }
        // A livestream has no code on a screen: its page is the check-in.
        if !w.stream_url.is_empty() && w.region_code.is_none() {
            return None;
        }
        (!code_valid(&w.checkin_secret, code, now)).then(|| AppError::invalid("code", "checkin_code"))
    }

    pub(crate) fn role_trainer(me: &CurrentUser) -> Result<(), AppError> {
        if me.has(Role::Trainer) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// `/lop-tap-huan`: this trainer's workshops (an admin's: every one).
#[server(endpoint = "workshops", input = server_fn::codec::GetUrl)]
pub async fn get_workshops() -> Result<Vec<WorkshopView>, AppError> {
    crate::state::with_status(workshops_inner().await)
}

#[cfg(feature = "ssr")]
async fn workshops_inner() -> Result<Vec<WorkshopView>, AppError> {
    let me = crate::state::require_user()?;
    role_trainer(&me)?;
    let db = crate::state::db()?;
    let rows = crate::db::workshop::list(&db, &me.id, me.is_admin()).await?;
    let mut out = Vec::new();
    for w in rows {
        let courses = crate::db::workshop::courses(&db, &w.id).await?;
        out.push(view_of(&w, courses));
    }
    Ok(out)
}

/// A workshop's current values as its form names them (`course` repeated), to edit it.
#[server(endpoint = "workshop_edit", input = server_fn::codec::GetUrl)]
pub async fn get_edit(id: String) -> Result<Vec<(String, String)>, AppError> {
    let id = super::clean_id(&id);
    crate::state::with_status(edit_inner(id).await)
}

#[cfg(feature = "ssr")]
async fn edit_inner(id: String) -> Result<Vec<(String, String)>, AppError> {
    let (db, _, w) = trainer_here(&id).await?;
    let province = match &w.region_code {
        Some(c) => crate::db::workshop::province_of(&db, c).await?.unwrap_or_default(),
        None => "truc-tuyen".into(),
    };
    let (y, m, d) = crate::calendar::civil(w.starts_at);
    let mut v: Vec<(String, String)> = vec![
        ("province".into(), province),
        ("title".into(), w.title.clone()),
        ("date".into(), format!("{y:04}-{m:02}-{d:02}")),
        ("start".into(), crate::calendar::local_time(w.starts_at)),
        ("end".into(), crate::calendar::local_time(w.ends_at)),
        ("region".into(), w.region_code.clone().unwrap_or_default()),
        ("address".into(), w.address.clone()),
        ("stream_url".into(), w.stream_url.clone()),
        ("capacity".into(), if w.capacity > 0 { w.capacity.to_string() } else { String::new() }),
        ("test".into(), w.test_course.clone().zip(w.test_quiz.clone()).map(|(c, q)| format!("{c}/{q}")).unwrap_or_default()),
        ("registration".into(), if w.registration != 0 { "1".into() } else { String::new() }),
        ("certificate".into(), if w.gives_certificate != 0 { "1".into() } else { String::new() }),
    ];
    v.extend(crate::db::workshop::courses(&db, &id).await?.into_iter().map(|(slug, _)| ("course".to_string(), slug)));
    Ok(v)
}

/// Cancel a workshop (its trainer or an admin): it leaves the pages and the figures.
#[server(endpoint = "workshop_cancel")]
pub async fn cancel_workshop(id: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = async {
        let (db, me, w) = trainer_here(&id).await?;
        crate::db::workshop::cancel(&db, &w.id).await?;
        tracing::info!(user = %me.id, workshop = %w.id, "workshop cancelled");
        Ok(())
    }
    .await;
    crate::state::finish_form(r, "/lop-tap-huan?da-huy=1", &format!("/lop-tap-huan/{id}"))
}

/// What the new-workshop form offers: the province's communes, the courses and their quizzes.
#[server(endpoint = "workshop_form", input = server_fn::codec::GetUrl)]
pub async fn get_new_form(province: String) -> Result<NewWorkshopForm, AppError> {
    crate::state::with_status(new_form_inner(province).await)
}

#[cfg(feature = "ssr")]
async fn new_form_inner(province: String) -> Result<NewWorkshopForm, AppError> {
    let me = crate::state::require_user()?;
    role_trainer(&me)?;
    let db = crate::state::db()?;
    let communes = if province.is_empty() || province == "truc-tuyen" {
        vec![]
    } else {
        crate::db::region::children(&db, Some(&province)).await?.into_iter().map(|r| (r.code, r.name)).collect()
    };
    let cards = crate::db::course::catalog(&db, "").await?;
    let mut quizzes = Vec::new();
    for c in &cards {
        if let Some(detail) = crate::db::course::course_detail(&db, &c.slug, None).await? {
            for i in detail.items.iter().filter(|i| i.kind == "quiz") {
                quizzes.push((format!("{}/{}", c.slug, i.slug), format!("{} › {}", c.title, i.title)));
            }
        }
    }
    Ok(NewWorkshopForm { communes, courses: cards.into_iter().map(|c| (c.slug, c.title)).collect(), quizzes })
}

/// `/lop-tap-huan/:id`.
#[server(endpoint = "workshop_manage", input = server_fn::codec::GetUrl)]
pub async fn get_manage(id: String) -> Result<ManageView, AppError> {
    let id = super::clean_id(&id);
    crate::state::with_status(manage_inner(id).await)
}

#[cfg(feature = "ssr")]
async fn manage_inner(id: String) -> Result<ManageView, AppError> {
    use crate::db;
    let (db, _, w) = trainer_here(&id).await?;
    let now = db::now_ms();
    let open = checkin_open(w.starts_at, w.ends_at, now);
    let base = match (use_context::<crate::state::AppState>(), use_context::<axum::http::request::Parts>()) {
        (Some(st), Some(parts)) => st.site.public_base(&parts.headers),
        _ => String::new(),
    };
    let (code, checkin_url) = if open {
        let code = code_at(&w.checkin_secret, now);
        let url = format!("{base}/lop/{id}/diem-danh?ma={code}");
        (code, url)
    } else {
        (String::new(), String::new())
    };
    let qr_svg = if checkin_url.is_empty() { Html::default() } else { crate::html::Html::from_qr(&checkin_url) };
    let attendees = db::workshop::attendees(&db, &id)
        .await?
        .into_iter()
        .map(|a| Attendee {
            name: a.full_name,
            org_name: a.org_name,
            org_type: a.org_type,
            place: a.place.unwrap_or_default(),
            phone: crate::text::display_phone(&a.phone),
            how: a.how,
            mode: a.mode,
            at: a.checked_in_at,
        })
        .collect();
    let phases = db::workshop::test_averages(&db, &id).await?;
    let phase = |p: &str| phases.iter().find(|r| r.phase == p).map(|r| (r.attempts, r.average)).unwrap_or((0, None));
    let mut questions: Vec<QuestionGain> = Vec::new();
    for q in db::workshop::test_questions(&db, &id).await? {
        let share = (q.answered > 0).then(|| q.right as f64 * 100.0 / q.answered as f64);
        let entry = match questions.iter_mut().find(|g| g.position == q.position) {
            Some(e) => e,
            None => {
                questions.push(QuestionGain { position: q.position, prompt_html: Html::from_stored(q.prompt_html.clone()), before: None, after: None });
                questions.last_mut().expect("just pushed")
            }
        };
        if q.phase == "before" {
            entry.before = share;
        } else {
            entry.after = share;
        }
    }
    let courses = db::workshop::courses(&db, &id).await?;
    let registrations = db::workshop::registrations(&db, &id)
        .await?
        .into_iter()
        .map(|r| super::Registered { name: r.name, org_name: r.org_name, phone: crate::text::display_phone(&r.phone), came: r.came > 0 })
        .collect();
    Ok(ManageView { workshop: view_of(&w, courses), open, code, checkin_url, qr_svg, attendees, before: phase("before"), after: phase("after"), questions, registrations })
}

/// `/lop/:id`: anyone may see a workshop; signed-in people see their own check-in and test.
#[server(endpoint = "workshop", input = server_fn::codec::GetUrl)]
pub async fn get_public(id: String) -> Result<PublicView, AppError> {
    let id = super::clean_id(&id);
    crate::state::with_status(public_inner(id).await)
}

#[cfg(feature = "ssr")]
async fn public_inner(id: String) -> Result<PublicView, AppError> {
    use crate::db;
    let db = crate::state::db()?;
    let Some(w) = db::workshop::get(&db, &id).await? else {
        // Someone with the link of a cancelled workshop is told so, not shown "not found".
        return Err(if db::workshop::was_cancelled(&db, &id).await? { AppError::invalid("id", "workshop_cancelled") } else { AppError::NotFound });
    };
    let me = crate::state::current_user();
    let (attended, before, after, registered) = match &me {
        Some(u) => (
            db::workshop::attended(&db, &id, &u.id).await?,
            db::workshop::test_attempt(&db, &id, &u.id, "before").await?,
            db::workshop::test_attempt(&db, &id, &u.id, "after").await?,
            db::workshop::registered(&db, &id, &u.id).await?,
        ),
        None => (false, None, None, false),
    };
    let is_trainer = me.as_ref().is_some_and(|u| u.id == w.created_by || u.is_admin());
    let courses = db::workshop::courses(&db, &id).await?;
    let base = match (use_context::<crate::state::AppState>(), use_context::<axum::http::request::Parts>()) {
        (Some(st), Some(parts)) => st.site.public_base(&parts.headers),
        _ => String::new(),
    };
    Ok(PublicView {
        base,
        open: checkin_open(w.starts_at, w.ends_at, db::now_ms()),
        workshop: view_of(&w, courses),
        signed_in: me.is_some(),
        attended,
        before,
        after,
        is_trainer,
        registered,
        over: db::now_ms() > w.ends_at,
    })
}

/// A signed-in person registers before the day, once; the capacity bounds registrations.
#[server(endpoint = "workshop_register")]
pub async fn register(id: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = register_inner(&id).await;
    crate::state::finish_form(r, &format!("/lop/{id}?da-dang-ky=1"), &format!("/lop/{id}"))
}

#[cfg(feature = "ssr")]
async fn register_inner(id: &str) -> Result<(), AppError> {
    use crate::db::{self, workshop::Registration};
    let me = crate::state::require_user()?;
    let db = crate::state::db()?;
    let w = db::workshop::get(&db, id).await?.ok_or(AppError::NotFound)?;
    if w.registration == 0 {
        return Err(AppError::invalid("id", "registration_off"));
    }
    if db::now_ms() > w.ends_at {
        return Err(AppError::invalid("id", "registration_over"));
    }
    match db::workshop::register(&db, &w, &me.id).await? {
        Registration::New => {
            tracing::info!(workshop = %id, user = %me.id, "registered for a workshop");
            Ok(())
        }
        Registration::Already => Err(AppError::invalid("id", "registration_already")),
        Registration::Full => Err(AppError::invalid("id", "registration_full")),
    }
}

/// A signed-in person checks in with the code on the screen (or, for a livestream, from its page).
#[server(endpoint = "workshop_checkin")]
pub async fn check_in(id: String, code: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = check_in_inner(&id, &code).await;
    let back = format!("/lop/{id}/diem-danh?ma={}", crate::text::urlencode(code.trim()));
    crate::state::finish_form(r, &format!("/lop/{id}?da-diem-danh=1"), &back)
}

#[cfg(feature = "ssr")]
async fn check_in_inner(id: &str, code: &str) -> Result<(), AppError> {
    use crate::db::{self, workshop::CheckIn};
    let me = crate::state::require_user()?;
    let db = crate::state::db()?;
    let w = db::workshop::get(&db, id).await?.ok_or(AppError::NotFound)?;
    let who = format!("user:{}", me.id);
    checkin_guard(&db, &who).await?;
    if let Some(e) = checkin_refusal(&w, code, db::now_ms()) {
        if matches!(&e, AppError::Invalid { code, .. } if code == "checkin_code") {
            checkin_wrong(&db, id, &who).await?;
        }
        return Err(e);
    }
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    match db::workshop::check_in(&db, &w, &me.id, "self", mode, &me.id).await? {
        CheckIn::New => Ok(()),
        CheckIn::Already => Err(AppError::invalid("code", "checkin_already")),
        CheckIn::Full => Err(AppError::invalid("code", "checkin_full")),
    }
}

/// The trainer checks someone in by their phone number.
#[server(endpoint = "workshop_checkin_phone")]
pub async fn check_in_phone(id: String, phone: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = check_in_phone_inner(&id, &phone).await;
    let back = format!("/lop-tap-huan/{id}#diem-danh");
    crate::state::finish_form_keeping(r, &format!("/lop-tap-huan/{id}?da-them=1#diem-danh"), &back, &[("phone", &phone)])
}

#[cfg(feature = "ssr")]
async fn check_in_phone_inner(id: &str, phone: &str) -> Result<(), AppError> {
    use crate::db::{self, workshop::CheckIn};
    let (db, me, w) = trainer_here(id).await?;
    if !trainer_window_open(&w, db::now_ms()) {
        return Err(AppError::invalid("phone", "checkin_closed_trainer"));
    }
    let phone = crate::text::normalize_phone(phone).ok_or(AppError::invalid("phone", "phone_invalid"))?;
    let user = db::user::id_by_phone(&db, &phone).await?.ok_or(AppError::invalid("phone", "checkin_no_person"))?;
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    match db::workshop::check_in(&db, &w, &user, "phone", mode, &me.id).await? {
        CheckIn::New => Ok(()),
        CheckIn::Already => Err(AppError::invalid("phone", "checkin_already")),
        CheckIn::Full => Err(AppError::invalid("phone", "checkin_full")),
    }
}

/// The trainer adds someone who has no account, from the paper sheet: the account is made without a password
/// (they set one with a link later), and the line is marked as added by hand.
#[server(endpoint = "workshop_walk_in")]
pub async fn walk_in(id: String, full_name: String, phone: String, org_name: String, org_type: String, region: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let keep = [("w_name", full_name.clone()), ("w_phone", phone.clone()), ("w_org", org_name.clone())];
    let r = walk_in_inner(&id, &full_name, &phone, &org_name, &org_type, &region).await;
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::state::finish_form_keeping(r, &format!("/lop-tap-huan/{id}?da-them=1#diem-danh"), &format!("/lop-tap-huan/{id}#them-tay"), &keep)
}

#[cfg(feature = "ssr")]
async fn walk_in_inner(id: &str, full_name: &str, phone: &str, org_name: &str, org_type: &str, region: &str) -> Result<(), AppError> {
    use crate::db::{self, workshop::CheckIn};
    let (db, me, w) = trainer_here(id).await?;
    if !trainer_window_open(&w, db::now_ms()) {
        return Err(AppError::invalid("w_name", "checkin_closed_trainer"));
    }
    let name = crate::text::nfc(full_name.trim());
    if name.chars().count() < 2 || name.chars().count() > 100 {
        return Err(AppError::invalid("w_name", "name_invalid"));
    }
    let phone = crate::text::normalize_phone(phone).ok_or(AppError::invalid("w_phone", "phone_invalid"))?;
    if !crate::auth::ORG_TYPES.contains(&org_type) {
        return Err(AppError::invalid("w_org", "org_type_invalid"));
    }
    // The person's commune: the one given, else the workshop's. A livestream has none, so the account is
    // made without one (the person sets it later, like any account from a class list).
    let region = region.trim();
    let region = if region.is_empty() { w.region_code.clone() } else { Some(region.to_string()) };
    if let Some(r) = &region {
        if db::region::describe(&db, r).await?.is_none() {
            return Err(AppError::invalid("w_region", "region_invalid"));
        }
    }
    let user = match db::user::id_by_phone(&db, &phone).await? {
        Some(u) => u,
        None => {
            let new = db::user::NewUser { phone: &phone, full_name: &name, org_name: org_name.trim(), org_type, region_code: region.as_deref(), password_hash: "" };
            match db::user::insert_user(&db.pool, &new).await {
                Ok(id) => id,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => db::user::id_by_phone(&db, &phone).await?.ok_or(AppError::Internal)?,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    match db::workshop::check_in(&db, &w, &user, "walkin", mode, &me.id).await? {
        CheckIn::New => Ok(()),
        CheckIn::Already => Err(AppError::invalid("w_phone", "checkin_already")),
        CheckIn::Full => Err(AppError::invalid("w_phone", "checkin_full")),
    }
}

/// Start the before (`truoc`) or after (`sau`) test, or go back to it.
#[server(endpoint = "workshop_test")]
pub async fn start_test(id: String, phase: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    match start_test_inner(&id, &phase).await {
        Ok(url) => crate::state::finish_form(Ok(()), &url, &format!("/lop/{id}")),
        Err(e) => crate::state::finish_form(Err(e), &format!("/lop/{id}"), &format!("/lop/{id}")),
    }
}

#[cfg(feature = "ssr")]
async fn start_test_inner(id: &str, phase: &str) -> Result<String, AppError> {
    use crate::db;
    let me = crate::state::require_user()?;
    let db = crate::state::db()?;
    let w = db::workshop::get(&db, id).await?.ok_or(AppError::NotFound)?;
    let (Some(course), Some(quiz)) = (w.test_course.clone(), w.test_quiz.clone()) else { return Err(AppError::NotFound) };
    if !db::workshop::attended(&db, id, &me.id).await? {
        return Err(AppError::invalid("phase", "test_not_checked_in"));
    }
    let phase = match phase {
        "truoc" => "before",
        "sau" => "after",
        _ => return Err(AppError::invalid("phase", "invalid")),
    };
    let url = |a: &str| format!("/khoa-hoc/{course}/kiem-tra/{quiz}/lan/{a}");
    if let Some(a) = db::workshop::test_attempt(&db, id, &me.id, phase).await? {
        return Ok(url(&a));
    }
    let before = db::workshop::test_attempt(&db, id, &me.id, "before").await?;
    let attempt = crate::quiz::api::ssr::start(course.clone(), quiz.clone()).await?;
    // The after test is a new attempt: an open before attempt is finished first.
    if phase == "after" && before.as_deref() == Some(attempt.as_str()) {
        return Err(AppError::invalid("phase", "test_finish_before"));
    }
    db::workshop::set_test_attempt(&db, id, &me.id, phase, &attempt).await?;
    Ok(url(&attempt))
}

/// The recording's address, after the session.
#[server(endpoint = "workshop_recording")]
pub async fn set_recording(id: String, url: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = recording_inner(&id, &url).await;
    crate::state::finish_form(r, &format!("/lop-tap-huan/{id}"), &format!("/lop-tap-huan/{id}"))
}

#[cfg(feature = "ssr")]
async fn recording_inner(id: &str, url: &str) -> Result<(), AppError> {
    let (db, _, _) = trainer_here(id).await?;
    let url = url.trim();
    if !url.is_empty() && !url.starts_with("https://") {
        return Err(AppError::invalid("url", "stream_url"));
    }
    crate::db::workshop::set_recording(&db, id, url).await?;
    Ok(())
}

/// The poster's workshop and a QR code of its page.
#[server(endpoint = "workshop_poster", input = server_fn::codec::GetUrl)]
pub async fn get_poster(id: String) -> Result<(PublicView, Html), AppError> {
    let id = super::clean_id(&id);
    crate::state::with_status(poster_inner(id).await)
}

#[cfg(feature = "ssr")]
async fn poster_inner(id: String) -> Result<(PublicView, Html), AppError> {
    let view = public_inner(id.clone()).await?;
    let base = match (use_context::<crate::state::AppState>(), use_context::<axum::http::request::Parts>()) {
        (Some(st), Some(parts)) => st.site.public_base(&parts.headers),
        _ => String::new(),
    };
    Ok((view, Html::from_qr(&format!("{base}/lop/{id}"))))
}

/// The signed-in person's own code and its QR (of `/ma/<code>`), for their account page.
#[server(endpoint = "my_checkin_code", input = server_fn::codec::GetUrl)]
pub async fn get_my_code() -> Result<(String, Html), AppError> {
    crate::state::with_status(my_code_inner().await)
}

#[cfg(feature = "ssr")]
async fn my_code_inner() -> Result<(String, Html), AppError> {
    let me = crate::state::require_user()?;
    let db = crate::state::db()?;
    let code = crate::db::workshop::personal_code(&db, &me.id).await?;
    let base = match (use_context::<crate::state::AppState>(), use_context::<axum::http::request::Parts>()) {
        (Some(st), Some(parts)) => st.site.public_base(&parts.headers),
        _ => String::new(),
    };
    let qr = Html::from_qr(&format!("{base}/ma/{code}"));
    Ok((code, qr))
}

/// `/ma/:code`.
#[server(endpoint = "personal_code", input = server_fn::codec::GetUrl)]
pub async fn get_personal_code(code: String) -> Result<PersonalCodeView, AppError> {
    crate::state::with_status(personal_code_inner(code).await)
}

#[cfg(feature = "ssr")]
async fn personal_code_inner(code: String) -> Result<PersonalCodeView, AppError> {
    use crate::auth::Role;
    use crate::db;
    let db = crate::state::db()?;
    let holder = db::workshop::by_personal_code(&db, code.trim()).await?;
    let valid = holder.as_ref().is_some_and(|(_, _, deleted)| !deleted);
    let me = crate::state::current_user();
    let trainer = me.as_ref().filter(|u| u.has(Role::Trainer));
    let workshops = match trainer {
        Some(u) if valid => db::workshop::open_now(&db, &u.id, u.is_admin(), db::now_ms(), CHECKIN_MARGIN_MS).await?.into_iter().map(|w| (w.id, w.title)).collect(),
        _ => vec![],
    };
    Ok(PersonalCodeView { holder: trainer.and(holder.filter(|h| !h.2)).map(|h| h.1), valid, workshops, code })
}

/// A trainer checks the holder of a personal code into one of their workshops (the code opened in the
/// phone's own camera app, without JavaScript).
#[server(endpoint = "workshop_checkin_code")]
pub async fn check_in_code(id: String, code: String) -> Result<(), AppError> {
    let id = super::clean_id(&id);
    let r = check_in_code_inner(&id, &code).await;
    crate::state::finish_form(r, &format!("/lop-tap-huan/{id}?da-them=1#diem-danh"), &format!("/ma/{}", crate::text::urlencode(code.trim())))
}

#[cfg(feature = "ssr")]
async fn check_in_code_inner(id: &str, code: &str) -> Result<(), AppError> {
    use crate::db::{self, workshop::CheckIn};
    let (db, me, w) = trainer_here(id).await?;
    let user = match db::workshop::by_personal_code(&db, code.trim()).await? {
        Some((u, _, false)) => u,
        Some((_, _, true)) => return Err(AppError::invalid("code", "checkin_deleted")),
        None => return Err(AppError::invalid("code", "checkin_unknown_code")),
    };
    if !checkin_open(w.starts_at, w.ends_at, db::now_ms()) {
        return Err(AppError::invalid("code", "checkin_closed"));
    }
    let mode = if w.region_code.is_none() { "stream" } else { "hall" };
    match db::workshop::check_in(&db, &w, &user, "scan", mode, &me.id).await? {
        CheckIn::New => Ok(()),
        CheckIn::Already => Err(AppError::invalid("code", "checkin_already")),
        CheckIn::Full => Err(AppError::invalid("code", "checkin_full")),
    }
}
