//! Server functions for authoring. Every one checks on the server, before anything else, that the caller
//! maintains the course (or reviews it, for review steps), or is an admin.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::auth::CurrentUser;
    use crate::content::{self, CourseFiles, Preview};
    use crate::db::{self, authoring::CourseRow};
    use crate::i18n::Locale;

    /// Who the caller is to a course.
    pub(crate) struct Access {
        pub me: CurrentUser,
        pub course: CourseRow,
        pub maintainer: bool,
        pub reviewer: bool,
    }

    /// The caller's standing on the course `slug`: `Unauthorized` when signed out, `NotFound` for no such
    /// course, `Forbidden` when they neither maintain nor review it.
    pub(crate) async fn access(db: &db::Db, me: Option<CurrentUser>, slug: &str) -> Result<Access, AppError> {
        let me = me.ok_or(AppError::Unauthorized)?;
        let course = db::authoring::course(db, slug).await?.ok_or(AppError::NotFound)?;
        let roles = db::authoring::member_roles(db, &course.id, &me.id).await?;
        let admin = me.is_admin();
        let maintainer = admin || roles.iter().any(|r| r == "maintainer");
        let reviewer = admin || roles.iter().any(|r| r == "reviewer");
        if !maintainer && !reviewer {
            tracing::warn!(user = %me.id, course = %slug, "authoring refused: not a maintainer or reviewer");
            return Err(AppError::Forbidden);
        }
        Ok(Access { me, course, maintainer, reviewer })
    }

    impl Access {
        pub(crate) fn need_maintainer(&self) -> Result<(), AppError> {
            if self.maintainer {
                Ok(())
            } else {
                tracing::warn!(user = %self.me.id, course = %self.course.slug, "authoring refused: not a maintainer");
                Err(AppError::Forbidden)
            }
        }
    }

    pub(crate) async fn here(slug: &str) -> Result<(db::Db, Access), AppError> {
        let db = crate::state::db()?;
        let a = access(&db, crate::state::current_user(), slug).await?;
        Ok((db, a))
    }

    /// The working copy as files.
    pub(crate) async fn working(db: &db::Db, course: &CourseRow) -> Result<(CourseFiles, Vec<db::authoring::FileRow>), AppError> {
        let rows = db::authoring::working_files(db, course).await?;
        let files = rows.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect();
        Ok((files, rows))
    }

    /// Check files with the stored categories (any category when none are stored).
    pub(crate) async fn check(db: &db::Db, slug: &str, files: &CourseFiles) -> Result<content::Checked, AppError> {
        let known = db::authoring::categories(db).await?;
        let known = (!known.is_empty()).then_some(known);
        Ok(content::check(slug, std::path::Path::new(slug), files, known.as_deref()))
    }

    pub(crate) fn problem_views(slug: &str, problems: &[content::Problem]) -> Vec<ProblemView> {
        problems
            .iter()
            .map(|p| {
                let path = p.path.strip_prefix(slug).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default();
                ProblemView { path, line: p.line, column: p.column, message: p.message.clone() }
            })
            .collect()
    }

    /// The preview of one file of a checked draft.
    pub(crate) fn preview_of(locale: Locale, slug: &str, path: &str, checked: &content::Checked) -> PreviewView {
        let problems: Vec<ProblemView> = problem_views(slug, &checked.problems).into_iter().filter(|p| p.path == path || p.path.is_empty()).collect();
        match checked.previews.get(path) {
            Some(p) => {
                let (html, keys) = super::super::render::preview(locale, slug, p);
                PreviewView { html, keys, problems }
            }
            None => PreviewView { problems, ..Default::default() },
        }
    }

    pub(crate) fn title_of(p: Option<&Preview>) -> Option<String> {
        match p? {
            Preview::Page { title, .. } | Preview::Quiz { title, .. } => title.clone(),
        }
    }

    /// The course's title from its draft's course.toml, else its slug.
    pub(crate) fn draft_title(files: &CourseFiles, slug: &str) -> String {
        files
            .get("course.toml")
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| toml::from_str::<content::CourseMeta>(t).ok())
            .map(|m| m.title)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| slug.to_string())
    }

    pub(crate) fn locale() -> Locale {
        use_context::<axum::http::request::Parts>().map(|p| Locale::from_headers(&p.headers)).unwrap_or_default()
    }

    /// Autosave and preview are rate-limited per person: a stuck script cannot fill the database or the CPU.
    pub(crate) async fn rate(db: &db::Db, me: &CurrentUser, what: &str, per_minute: i64) -> Result<(), AppError> {
        if db::user::rate_hit(db, &format!("author:{what}:{}", me.id), per_minute, 60_000).await? {
            Ok(())
        } else {
            tracing::warn!(user = %me.id, what, "authoring rate limit");
            Err(AppError::invalid("text", "author_rate"))
        }
    }

    /// The text of a new course's course.toml.
    pub(crate) fn card_toml(card: &Card) -> Result<String, AppError> {
        use content::{CompletionRule, CourseMeta, LessonsRule};
        let hours = crate::text::parse_number(&card.hours).ok_or_else(|| AppError::invalid("hours", "author_hours"))?;
        let lessons = match card.lessons.trim() {
            "" | "all" => LessonsRule::Word("all".into()),
            n => LessonsRule::Count(n.parse().map_err(|_| AppError::invalid("lessons", "author_lessons"))?),
        };
        let quizzes = if card.quizzes == "none" { "none" } else { "all" };
        let meta = CourseMeta {
            title: card.title.trim().to_string(),
            summary: card.summary.trim().to_string(),
            category: card.category.trim().to_string(),
            audience: card.audience.trim().to_string(),
            hours,
            language: "vi".into(),
            version: if card.version.trim().is_empty() { "1.0".into() } else { card.version.trim().to_string() },
            last_reviewed: Some(card.last_reviewed.trim().to_string()).filter(|s| !s.is_empty()),
            authors: card.authors.lines().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect(),
            completion: CompletionRule { lessons, quizzes: quizzes.into() },
        };
        if meta.title.is_empty() {
            return Err(AppError::invalid("title", "author_title"));
        }
        toml::to_string(&meta).map_err(|e| {
            tracing::error!(error = %e, "course.toml does not serialise");
            AppError::Internal
        })
    }

    pub(crate) fn card_of(files: &CourseFiles) -> Option<Card> {
        let text = std::str::from_utf8(files.get("course.toml")?).ok()?;
        let m: content::CourseMeta = toml::from_str(text).ok()?;
        Some(Card {
            title: m.title,
            summary: m.summary,
            category: m.category,
            audience: m.audience,
            hours: m.hours.to_string(),
            version: m.version,
            last_reviewed: m.last_reviewed.unwrap_or_default(),
            authors: m.authors.join("\n"),
            lessons: match m.completion.lessons {
                content::LessonsRule::Count(n) => n.to_string(),
                content::LessonsRule::Word(w) => w,
            },
            quizzes: m.completion.quizzes,
        })
    }

    /// A new lesson or quiz file's starting text, in the format's own words.
    pub(crate) fn template(kind: &str, title: &str) -> String {
        let title = title.replace('"', "'");
        if kind == "quiz" {
            format!(
                "---\ntitle: \"{title}\"\npass: 70\n---\n\n## Câu hỏi đầu tiên?\n\n- (x) Đáp án đúng\n- ( ) Đáp án sai\n\n> Giải thích vì sao đáp án đúng.\n"
            )
        } else {
            format!("---\ntitle: \"{title}\"\nminutes: 10\n---\n\nViết nội dung bài học ở đây.\n")
        }
    }
}

/// `/soan-thao`: the courses this person maintains or reviews.
#[server(endpoint = "author/courses", input = server_fn::codec::GetUrl)]
pub async fn get_my_courses() -> Result<MyCoursesView, AppError> {
    crate::state::with_status(my_courses_inner().await)
}

#[cfg(feature = "ssr")]
async fn my_courses_inner() -> Result<MyCoursesView, AppError> {
    use crate::auth::Role;
    use crate::db;
    let me = crate::state::require_user()?;
    let db = crate::state::db()?;
    let rows = db::authoring::my_courses(&db, &me.id, me.is_admin()).await?;
    let can_create = me.has(Role::Trainer);
    if rows.is_empty() && !can_create {
        return Err(AppError::Forbidden);
    }
    let mut courses = Vec::new();
    let mut to_review = Vec::new();
    for r in rows {
        let status = match (&r.draft_state, r.title.is_some()) {
            (Some(s), _) if s == "review" => "review",
            (Some(_), true) => "editing",
            (Some(_), false) | (None, false) => "draft",
            (None, true) => "published",
        };
        let title = match &r.title {
            Some(t) => t.clone(),
            None => {
                let c = db::authoring::course(&db, &r.slug).await?.ok_or(AppError::NotFound)?;
                let (files, _) = working(&db, &c).await?;
                draft_title(&files, &r.slug)
            }
        };
        let (changed_at, changed_by) = match (r.draft_at, r.published_at) {
            (Some(d), _) => (d, r.draft_by.clone().unwrap_or_default()),
            (None, Some(p)) => (p, r.published_by.clone().unwrap_or_default()),
            (None, None) => (0, String::new()),
        };
        let entry = MyCourse { slug: r.slug.clone(), title, status: status.into(), changed_at, changed_by };
        if status == "review" {
            let c = db::authoring::course(&db, &r.slug).await?.ok_or(AppError::NotFound)?;
            let roles = db::authoring::member_roles(&db, &c.id, &me.id).await?;
            if me.is_admin() || roles.iter().any(|r| r == "reviewer") {
                to_review.push(entry.clone());
            }
        }
        courses.push(entry);
    }
    Ok(MyCoursesView { can_create, courses, to_review })
}

/// Create a course: a trainer names it, and becomes its maintainer. The slug is proposed from the title.
#[server(endpoint = "author/create")]
pub async fn create_course(title: String, slug: String) -> Result<(), AppError> {
    let t = crate::text::nfc(title.trim());
    let s = if slug.trim().is_empty() { crate::text::slugify(&t) } else { slug.trim().to_ascii_lowercase() };
    let r = create_inner(&t, &s).await;
    let ok = format!("/soan-thao/{s}");
    crate::state::finish_form_keeping(r, &ok, "/soan-thao#moi", &[("title", &t), ("slug", &s)])
}

#[cfg(feature = "ssr")]
async fn create_inner(title: &str, slug: &str) -> Result<(), AppError> {
    use crate::auth::Role;
    let me = crate::state::require_role(Role::Trainer)?;
    if title.is_empty() {
        return Err(AppError::invalid("title", "author_title"));
    }
    if !crate::text::is_slug(slug) || slug.len() > 80 {
        return Err(AppError::invalid("slug", "author_slug"));
    }
    let db = crate::state::db()?;
    let card = Card { title: title.into(), summary: String::new(), category: String::new(), hours: "1".into(), ..Default::default() };
    let mut toml_text = card_toml(&card)?;
    // The first category stored, so the new course is valid as soon as it has a summary.
    if let Some(c) = crate::db::authoring::categories(&db).await?.first() {
        toml_text = toml_text.replace("category = \"\"", &format!("category = \"{}\"", c.slug));
    }
    let mut files = crate::content::CourseFiles::new();
    files.insert("course.toml".into(), toml_text.into_bytes());
    files.insert("01-gioi-thieu.md".into(), template("lesson", "Giới thiệu").into_bytes());
    match crate::db::authoring::create_course(&db, slug, &me.id, &files).await? {
        Ok(_) => Ok(()),
        Err(_) => Err(AppError::invalid("slug", "author_slug_taken")),
    }
}

/// `/soan-thao/:course`: the card, the files, the people.
#[server(endpoint = "author/course", input = server_fn::codec::GetUrl)]
pub async fn get_course(slug: String) -> Result<CourseView, AppError> {
    crate::state::with_status(course_view_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn course_view_inner(slug: String) -> Result<CourseView, AppError> {
    use crate::db;
    let (db, a) = here(&slug).await?;
    let (files, rows) = working(&db, &a.course).await?;
    let checked = check(&db, &slug, &files).await?;
    let problems = problem_views(&slug, &checked.problems);
    let draft = db::authoring::draft(&db, &a.course.id).await?;
    let entries = rows
        .iter()
        .map(|f| FileEntry {
            path: f.path.clone(),
            kind: file_kind(&f.path).into(),
            title: title_of(checked.previews.get(&f.path)),
            problems: problems.iter().filter(|p| p.path == f.path).count(),
            version: f.version,
        })
        .collect();
    let card = card_of(&files);
    let members = db::authoring::members(&db, &a.course.id)
        .await?
        .into_iter()
        .map(|m| Member { user_id: m.user_id, name: m.full_name, phone: crate::text::display_phone(&m.phone), role: m.role })
        .collect();
    let categories = db::authoring::categories(&db).await?.into_iter().map(|c| (c.slug, c.vi)).collect();
    Ok(CourseView {
        title: draft_title(&files, &slug),
        published: a.course.current_revision_id.is_some(),
        review_required: a.course.review_required != 0,
        draft_state: draft.map(|d| d.state),
        card_ok: card.is_some(),
        card: card.unwrap_or_default(),
        categories,
        files: entries,
        problems: problems.len(),
        conflicts: db::authoring::conflicts(&db, &a.course.id).await?.len(),
        members,
        is_admin: a.me.is_admin(),
        is_maintainer: a.maintainer,
        slug,
    })
}

/// Save the course card: it becomes the draft's course.toml.
pub use card::*;

/// The card form's server function takes one argument per field of course.toml, so the card is a plain HTML
/// form whose fields keep their own names; the macro's client half cannot take an `allow` of its own.
mod card {
    #![allow(clippy::too_many_arguments)]
    #[cfg(feature = "ssr")]
    use super::ssr::*;
    use super::*;

    #[server(endpoint = "author/card")]
    pub async fn save_card(
        course: String,
        new_slug: String,
        title: String,
        summary: String,
        category: String,
        audience: String,
        hours: String,
        version: String,
        last_reviewed: String,
        authors: String,
        lessons: String,
        quizzes: String,
        v: i64,
    ) -> Result<(), AppError> {
        let card = Card { title, summary, category, audience, hours, version, last_reviewed, authors, lessons, quizzes };
        let r = save_card_inner(&course, &new_slug, &card, v).await;
        let target = match &r {
            Ok(s) => s.clone(),
            Err(_) => course.clone(),
        };
        let keep = [("title", card.title.as_str()), ("summary", &card.summary), ("hours", &card.hours), ("audience", &card.audience)];
        crate::state::finish_form_keeping(r.map(|_| ()), &format!("/soan-thao/{target}?luu=1"), &format!("/soan-thao/{course}#the"), &keep)
    }

    #[cfg(feature = "ssr")]
    async fn save_card_inner(slug: &str, new_slug: &str, card: &Card, v: i64) -> Result<String, AppError> {
        use crate::db::authoring::{self, Saved};
        let (db, a) = here(slug).await?;
        a.need_maintainer()?;
        let text = card_toml(card)?;
        let mut slug = slug.to_string();
        let new_slug = new_slug.trim();
        if !new_slug.is_empty() && new_slug != slug && a.course.current_revision_id.is_none() {
            if !crate::text::is_slug(new_slug) || new_slug.len() > 80 {
                return Err(AppError::invalid("new_slug", "author_slug"));
            }
            if authoring::rename_unpublished(&db, &a.course.id, new_slug).await?.is_err() {
                return Err(AppError::invalid("new_slug", "author_slug_taken"));
            }
            slug = new_slug.to_string();
        }
        match authoring::save_file(&db, &a.course, "course.toml", Some(text.as_bytes()), v, &a.me.id).await? {
            Saved::Saved { .. } => Ok(slug),
            Saved::Conflict { .. } => Err(AppError::invalid("title", "author_conflict")),
            Saved::Frozen => Err(AppError::invalid("title", "author_frozen")),
        }
    }
}

/// Add a lesson or a quiz, numbered after the last one.
#[server(endpoint = "author/add")]
pub async fn add_file(course: String, kind: String, title: String) -> Result<(), AppError> {
    let r = add_file_inner(&course, &kind, &title).await;
    let ok = match &r {
        Ok(p) => format!("/soan-thao/{course}/tep/{p}"),
        Err(_) => String::new(),
    };
    crate::state::finish_form_keeping(r.map(|_| ()), &ok, &format!("/soan-thao/{course}#them"), &[("new_title", &title)])
}

#[cfg(feature = "ssr")]
async fn add_file_inner(slug: &str, kind: &str, title: &str) -> Result<String, AppError> {
    use crate::db::authoring::{self, Saved};
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    let title = crate::text::nfc(title.trim());
    let file_slug = crate::text::slugify(&title);
    if title.is_empty() || file_slug.is_empty() {
        return Err(AppError::invalid("new_title", "author_title"));
    }
    let (files, _) = working(&db, &a.course).await?;
    let last = files
        .keys()
        .filter_map(|p| p.split_once('-').and_then(|(n, _)| (n.len() == 2).then(|| n.parse::<u32>().ok()).flatten()))
        .max()
        .unwrap_or(0);
    if last >= 99 {
        return Err(AppError::invalid("new_title", "author_too_many"));
    }
    let file_slug: String = file_slug.chars().take(60).collect::<String>().trim_end_matches('-').to_string();
    let path = if kind == "quiz" { format!("{:02}-{file_slug}.quiz.md", last + 1) } else { format!("{:02}-{file_slug}.md", last + 1) };
    match authoring::save_file(&db, &a.course, &path, Some(template(kind, &title).as_bytes()), 0, &a.me.id).await? {
        Saved::Saved { .. } => Ok(path),
        Saved::Conflict { .. } => Err(AppError::invalid("new_title", "author_conflict")),
        Saved::Frozen => Err(AppError::invalid("new_title", "author_frozen")),
    }
}

/// Remove a file from the draft.
#[server(endpoint = "author/remove")]
pub async fn remove_file(course: String, path: String, v: i64) -> Result<(), AppError> {
    let r = remove_inner(&course, &path, v).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}?xoa=1"), &format!("/soan-thao/{course}/tep/{path}"))
}

#[cfg(feature = "ssr")]
async fn remove_inner(slug: &str, path: &str, v: i64) -> Result<(), AppError> {
    use crate::db::authoring::{self, Saved};
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    if path == "course.toml" {
        return Err(AppError::invalid("path", "author_keep_card"));
    }
    match authoring::save_file(&db, &a.course, path, None, v, &a.me.id).await? {
        Saved::Saved { .. } => Ok(()),
        Saved::Conflict { id } => {
            // Nothing to keep aside for a removal.
            authoring::drop_conflict(&db, &a.course.id, &id).await?;
            Err(AppError::invalid("path", "author_conflict"))
        }
        Saved::Frozen => Err(AppError::invalid("path", "author_frozen")),
    }
}

/// `/soan-thao/:course/tep/:file`: the text, its preview and any texts kept aside.
#[server(endpoint = "author/file", input = server_fn::codec::GetUrl)]
pub async fn get_file(slug: String, path: String) -> Result<FileView, AppError> {
    crate::state::with_status(file_view_inner(slug, path).await)
}

#[cfg(feature = "ssr")]
async fn file_view_inner(slug: String, path: String) -> Result<FileView, AppError> {
    use crate::db;
    if !editable(&path) {
        return Err(AppError::NotFound);
    }
    let (db, a) = here(&slug).await?;
    let (files, rows) = working(&db, &a.course).await?;
    let row = rows.iter().find(|f| f.path == path);
    let text = row.map(|f| String::from_utf8_lossy(&f.bytes).into_owned()).unwrap_or_default();
    let checked = check(&db, &slug, &files).await?;
    let locale = locale();
    let preview = super::render::preview_box(locale, &preview_of(locale, &slug, &path, &checked));
    let conflicts = db::authoring::conflicts(&db, &a.course.id)
        .await?
        .into_iter()
        .filter(|c| c.path == path)
        .map(|c| ConflictView { diff: super::render::diff(&text, &c.text), id: c.id, saved_by: c.saved_by_name, saved_at: c.saved_at, text: c.text })
        .collect();
    let frozen = db::authoring::draft(&db, &a.course.id).await?.is_some_and(|d| d.state == "review") || !a.maintainer;
    Ok(FileView {
        course_title: draft_title(&files, &slug),
        exists: row.is_some(),
        version: row.map(|f| f.version).unwrap_or(0),
        slug,
        path,
        text,
        frozen,
        preview,
        conflicts,
    })
}

/// Resolve a text kept aside: `use` makes it the file's text (over the version shown), `drop` forgets it.
#[server(endpoint = "author/resolve")]
pub async fn resolve_conflict(course: String, path: String, id: String, action: String, v: i64) -> Result<(), AppError> {
    let r = resolve_inner(&course, &path, &id, &action, v).await;
    let back = format!("/soan-thao/{course}/tep/{path}");
    crate::state::finish_form(r, &back, &back)
}

#[cfg(feature = "ssr")]
async fn resolve_inner(slug: &str, path: &str, id: &str, action: &str, v: i64) -> Result<(), AppError> {
    use crate::db::authoring::{self, Saved};
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    let kept = authoring::conflicts(&db, &a.course.id).await?.into_iter().find(|c| c.id == id && c.path == path).ok_or(AppError::NotFound)?;
    if action == "use" {
        match authoring::save_file(&db, &a.course, path, Some(kept.text.as_bytes()), v, &a.me.id).await? {
            Saved::Saved { .. } => {}
            // Yet another save came in: this one is kept too, and the page shows them all.
            Saved::Conflict { .. } => return Err(AppError::invalid("text", "author_conflict")),
            Saved::Frozen => return Err(AppError::invalid("text", "author_frozen")),
        }
    }
    authoring::drop_conflict(&db, &a.course.id, id).await?;
    Ok(())
}

/// `/soan-thao/:course/xuat-ban`: what publishing would change, and whether it may.
#[server(endpoint = "author/plan", input = server_fn::codec::GetUrl)]
pub async fn get_publish_plan(slug: String) -> Result<PublishPlan, AppError> {
    crate::state::with_status(plan_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn plan_inner(slug: String) -> Result<PublishPlan, AppError> {
    use crate::db;
    let (db, a) = here(&slug).await?;
    let draft = db::authoring::draft(&db, &a.course.id).await?;
    let (files, _) = working(&db, &a.course).await?;
    let published = match &a.course.current_revision_id {
        Some(rev) => db::authoring::revision_files(&db, rev).await?,
        None => Default::default(),
    };
    let checked = check(&db, &slug, &files).await?;
    let mut changes = Vec::new();
    for (path, bytes) in &files {
        let kind = file_kind(path).to_string();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match published.get(path) {
            None => changes.push(FileChange { path: path.clone(), diff: (kind != "image").then(|| super::render::diff("", &text(bytes))), kind, change: "added".into() }),
            Some(old) if old != bytes => changes.push(FileChange { path: path.clone(), diff: (kind != "image").then(|| super::render::diff(&text(old), &text(bytes))), kind, change: "changed".into() }),
            Some(_) => {}
        }
    }
    for path in published.keys().filter(|p| !files.contains_key(*p)) {
        changes.push(FileChange { path: path.clone(), kind: file_kind(path).into(), change: "removed".into(), diff: None });
    }
    let state = draft.as_ref().map(|d| d.state.clone()).unwrap_or_default();
    let requester = draft.as_ref().and_then(|d| d.requested_by.clone());
    // A reviewer does not approve their own request, unless they are an admin.
    let can_approve = state == "review" && a.reviewer && (a.me.is_admin() || requester.as_deref() != Some(a.me.id.as_str()));
    Ok(PublishPlan {
        title: draft_title(&files, &slug),
        has_draft: draft.is_some(),
        review_required: a.course.review_required != 0,
        requested_by: draft.and_then(|d| d.requested_by_name),
        can_publish: a.maintainer && state == "editing",
        is_maintainer: a.maintainer,
        can_approve,
        state,
        hash: db::authoring::files_hash(&files),
        problems: problem_views(&slug, &checked.problems),
        changes,
        slug,
    })
}

/// Publish the draft, or ask for review when the course needs it. `hash` is the draft the page showed.
#[server(endpoint = "author/publish")]
pub async fn publish(course: String, hash: String, comment: String) -> Result<(), AppError> {
    let r = step_inner(&course, &hash, &comment, false).await;
    let ok = match &r {
        Ok(true) => format!("/soan-thao/{course}?da-xuat-ban=1"),
        _ => format!("/soan-thao/{course}/xuat-ban?da-gui=1"),
    };
    crate::state::finish_form(r.map(|_| ()), &ok, &format!("/soan-thao/{course}/xuat-ban"))
}

/// Approve a waiting publish request: it reaches learners now.
#[server(endpoint = "author/approve")]
pub async fn approve(course: String, hash: String, comment: String) -> Result<(), AppError> {
    let r = step_inner(&course, &hash, &comment, true).await;
    crate::state::finish_form(r.map(|_| ()), &format!("/soan-thao/{course}?da-duyet=1"), &format!("/soan-thao/{course}/xuat-ban"))
}

/// Ok(true) when published, Ok(false) when sent for review.
#[cfg(feature = "ssr")]
async fn step_inner(slug: &str, hash: &str, comment: &str, approving: bool) -> Result<bool, AppError> {
    use crate::db::authoring::{self, NotPublished, Step};
    let (db, a) = here(slug).await?;
    let comment: String = comment.trim().chars().take(2000).collect();
    let step = if approving {
        if !a.reviewer {
            return Err(AppError::Forbidden);
        }
        let d = authoring::draft(&db, &a.course.id).await?.ok_or(AppError::invalid("hash", "author_no_draft"))?;
        if !a.me.is_admin() && d.requested_by.as_deref() == Some(a.me.id.as_str()) {
            tracing::warn!(user = %a.me.id, "own publish request not approved");
            return Err(AppError::invalid("hash", "author_own_request"));
        }
        Step::Approve
    } else {
        a.need_maintainer()?;
        if a.course.review_required != 0 {
            Step::Request
        } else {
            Step::Publish
        }
    };
    match authoring::publish(&db, &a.course, hash, step, &a.me.id, &comment).await? {
        Ok(outcome) => {
            if let Some(o) = &outcome {
                tracing::info!(course = %slug, user = %a.me.id, added = o.added.len(), changed = o.changed.len(), removed = o.removed.len(), "course published in the browser");
                let detail = format!("+{} ~{} -{}", o.added.len(), o.changed.len(), o.removed.len());
                crate::audit::note(&db, Some(&a.me), "publish", slug, &detail).await;
            }
            Ok(outcome.is_some())
        }
        Err(NotPublished::NoDraft) => Err(AppError::invalid("hash", "author_no_draft")),
        Err(NotPublished::Changed) => Err(AppError::invalid("hash", "author_changed")),
        Err(NotPublished::Problems(_)) => Err(AppError::invalid("hash", "author_problems")),
        Err(NotPublished::WrongState) => Err(AppError::invalid("hash", "author_frozen")),
    }
}

/// Send a publish request back with a comment.
#[server(endpoint = "author/reject")]
pub async fn reject(course: String, comment: String) -> Result<(), AppError> {
    let r = reject_inner(&course, &comment).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}?tra-lai=1"), &format!("/soan-thao/{course}/xuat-ban"))
}

#[cfg(feature = "ssr")]
async fn reject_inner(slug: &str, comment: &str) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    if !a.reviewer {
        return Err(AppError::Forbidden);
    }
    let comment: String = comment.trim().chars().take(2000).collect();
    if comment.is_empty() {
        return Err(AppError::invalid("comment", "author_comment"));
    }
    if crate::db::authoring::reject(&db, &a.course.id, &a.me.id, &comment).await? {
        Ok(())
    } else {
        Err(AppError::invalid("comment", "author_no_request"))
    }
}

/// Take back a publish request (the draft can be edited again).
#[server(endpoint = "author/withdraw")]
pub async fn withdraw(course: String) -> Result<(), AppError> {
    let r = withdraw_inner(&course).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}"), &format!("/soan-thao/{course}/xuat-ban"))
}

#[cfg(feature = "ssr")]
async fn withdraw_inner(slug: &str) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    crate::db::authoring::withdraw(&db, &a.course.id, &a.me.id).await?;
    Ok(())
}

/// Throw the draft away.
#[server(endpoint = "author/discard")]
pub async fn discard(course: String) -> Result<(), AppError> {
    let r = discard_inner(&course).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}"), &format!("/soan-thao/{course}"))
}

#[cfg(feature = "ssr")]
async fn discard_inner(slug: &str) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    if a.course.current_revision_id.is_none() {
        // An unpublished course has nothing to go back to.
        return Err(AppError::invalid("course", "author_nothing_published"));
    }
    crate::db::authoring::discard_draft(&db, &a.course.id).await?;
    Ok(())
}

/// `/soan-thao/:course/lich-su`.
#[server(endpoint = "author/history", input = server_fn::codec::GetUrl)]
pub async fn get_history(slug: String) -> Result<HistoryView, AppError> {
    crate::state::with_status(history_inner(slug).await)
}

#[cfg(feature = "ssr")]
async fn history_inner(slug: String) -> Result<HistoryView, AppError> {
    use crate::db;
    let (db, a) = here(&slug).await?;
    let (files, _) = working(&db, &a.course).await?;
    let current = a.course.current_revision_id.clone();
    let revisions = db::authoring::revisions(&db, &a.course.id)
        .await?
        .into_iter()
        .map(|r| RevisionEntry { current: current.as_deref() == Some(r.id.as_str()), id: r.id, version: r.version, at: r.imported_at, by: r.published_by, source: r.source })
        .collect();
    let events = db::authoring::events(&db, &a.course.id)
        .await?
        .into_iter()
        .map(|e| EventEntry { kind: e.kind, at: e.at, by: e.user_name, comment: e.comment, revision: e.revision_id })
        .collect();
    Ok(HistoryView { title: draft_title(&files, &slug), revisions, events, can_restore: a.maintainer, slug })
}

/// `/soan-thao/:course/lich-su/:rev`: one revision as it was published.
#[server(endpoint = "author/revision", input = server_fn::codec::GetUrl)]
pub async fn get_revision(slug: String, rev: String) -> Result<RevisionView, AppError> {
    crate::state::with_status(revision_inner(slug, rev).await)
}

#[cfg(feature = "ssr")]
async fn revision_inner(slug: String, rev: String) -> Result<RevisionView, AppError> {
    use crate::db;
    let (db, a) = here(&slug).await?;
    let r = db::authoring::revisions(&db, &a.course.id).await?.into_iter().find(|r| r.id == rev).ok_or(AppError::NotFound)?;
    let files = db::authoring::revision_files(&db, &rev).await?;
    // Checked as a whole, with no category list: an old revision may name a category since removed.
    let checked = crate::content::check(&slug, std::path::Path::new(&slug), &files, None);
    let locale = locale();
    let shown = files
        .iter()
        .filter(|(p, _)| crate::content::is_text_file(p))
        .map(|(p, b)| {
            let html = checked.previews.get(p).map(|pv| super::render::preview(locale, &slug, pv).0).unwrap_or_default();
            (p.clone(), String::from_utf8_lossy(b).into_owned(), html)
        })
        .collect();
    Ok(RevisionView { slug, id: r.id, title: r.title, version: r.version, at: r.imported_at, by: r.published_by, can_restore: a.maintainer, files: shown })
}

/// Restore a revision as the draft (it is published only when someone publishes it).
#[server(endpoint = "author/restore")]
pub async fn restore(course: String, rev: String) -> Result<(), AppError> {
    let r = restore_inner(&course, &rev).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}?khoi-phuc=1"), &format!("/soan-thao/{course}/lich-su"))
}

#[cfg(feature = "ssr")]
async fn restore_inner(slug: &str, rev: &str) -> Result<(), AppError> {
    use crate::db;
    let (db, a) = here(slug).await?;
    a.need_maintainer()?;
    if !db::authoring::revisions(&db, &a.course.id).await?.iter().any(|r| r.id == rev) {
        return Err(AppError::NotFound);
    }
    let files = db::authoring::revision_files(&db, rev).await?;
    if db::authoring::replace_draft(&db, &a.course, &files, &a.me.id, Some(("restore", rev))).await? {
        Ok(())
    } else {
        Err(AppError::invalid("rev", "author_frozen"))
    }
}

/// Name a maintainer or reviewer, by phone number. Admins only.
#[server(endpoint = "author/member")]
pub async fn add_member(course: String, phone: String, role: String) -> Result<(), AppError> {
    let r = member_inner(&course, &phone, &role).await;
    crate::state::finish_form_keeping(r, &format!("/soan-thao/{course}#nguoi"), &format!("/soan-thao/{course}#nguoi"), &[("phone", &phone)])
}

#[cfg(feature = "ssr")]
async fn member_inner(slug: &str, phone: &str, role: &str) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    if !a.me.is_admin() {
        return Err(AppError::Forbidden);
    }
    if role != "maintainer" && role != "reviewer" {
        return Err(AppError::invalid("role", "role_invalid"));
    }
    let phone = crate::text::normalize_phone(phone).ok_or(AppError::invalid("phone", "phone_invalid"))?;
    let user = crate::db::authoring::user_by_phone(&db, &phone).await?.ok_or(AppError::invalid("phone", "author_no_person"))?;
    crate::db::authoring::add_member(&db, &a.course.id, &user, role).await?;
    Ok(())
}

/// Remove a maintainer or reviewer. Admins only.
#[server(endpoint = "author/unmember")]
pub async fn remove_member(course: String, user: String, role: String) -> Result<(), AppError> {
    let r = unmember_inner(&course, &user, &role).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}#nguoi"), &format!("/soan-thao/{course}#nguoi"))
}

#[cfg(feature = "ssr")]
async fn unmember_inner(slug: &str, user: &str, role: &str) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    if !a.me.is_admin() {
        return Err(AppError::Forbidden);
    }
    crate::db::authoring::remove_member(&db, &a.course.id, user, role).await?;
    Ok(())
}

/// Whether publishing this course needs a reviewer. Admins only.
#[server(endpoint = "author/review-setting")]
pub async fn set_review(course: String, required: Option<String>) -> Result<(), AppError> {
    let r = review_inner(&course, required.is_some()).await;
    crate::state::finish_form(r, &format!("/soan-thao/{course}#duyet"), &format!("/soan-thao/{course}#duyet"))
}

#[cfg(feature = "ssr")]
async fn review_inner(slug: &str, required: bool) -> Result<(), AppError> {
    let (db, a) = here(slug).await?;
    if !a.me.is_admin() {
        return Err(AppError::Forbidden);
    }
    crate::db::authoring::set_review_required(&db, &a.course.id, required).await?;
    Ok(())
}
