//! Server functions of the dashboard. Every one checks on the server that the caller is an official (inside
//! their own area) or an admin, before any query.

use super::{Dashboard, Filter, LearnerList};
use crate::error::AppError;
use leptos::prelude::*;

/// The dashboard for a filter.
#[server(endpoint = "dashboard", input = server_fn::codec::GetUrl)]
pub async fn get_dashboard(filter: Filter) -> Result<Dashboard, AppError> {
    crate::state::with_status(async { ssr::load(&crate::state::db()?, &crate::state::require_user()?, &filter).await }.await)
}

/// One page of the learner list.
#[server(endpoint = "dashboard_learners", input = server_fn::codec::GetUrl)]
pub async fn get_learners(filter: Filter, q: String, sau: String) -> Result<LearnerList, AppError> {
    crate::state::with_status(async { ssr::learners(&crate::state::db()?, &crate::state::require_user()?, &filter, &q, &sau).await }.await)
}

/// Set a target: `target` people of type `loai` ('' for all) certified in course `khoa` in region `vung` by
/// `han` (YYYY-MM-DD).
#[server(endpoint = "add_target")]
pub async fn add_target(
    vung: String,
    khoa: String,
    loai: String,
    target: String,
    han: String,
    /// What counts (`certified`, `workshop`, `either`); a form without it counts certificates.
    #[server(default)]
    dem: String,
) -> Result<(), AppError> {
    let back = Filter { vung: vung.clone(), ..Filter::default() }.href("/thong-ke");
    let result = async {
        let me = crate::state::require_user()?;
        ssr::add_target(&crate::state::db()?, &me, &vung, &khoa, &loai, &target, &han, &dem).await
    }
    .await;
    // The form comes back filled in; its values are named `t-…` so the dashboard's own filter (`khoa`,
    // `loai`…) does not read them.
    let keep = [("t-vung", vung.as_str()), ("t-khoa", khoa.as_str()), ("t-loai", loai.as_str()), ("t-target", target.as_str()), ("t-han", han.as_str()), ("t-dem", dem.as_str())];
    crate::state::finish_form_keeping(result, &format!("{back}#chi-tieu"), &format!("{back}#chi-tieu"), &keep)
}

/// Remove a target.
#[server(endpoint = "remove_target")]
pub async fn remove_target(id: String) -> Result<(), AppError> {
    let result = async {
        let me = crate::state::require_user()?;
        ssr::remove_target(&crate::state::db()?, &me, &id).await
    }
    .await;
    crate::state::finish_form(result, "/thong-ke#chi-tieu", "/thong-ke")
}

/// The dashboard and learner list for a viewer, without the server-function context: the integration tests
/// check them against figures computed by hand.
#[cfg(feature = "ssr")]
pub use ssr::{learners, load};

/// The work behind the server functions, also called by the CSV and XLSX handlers (`dashboard/export.rs`)
/// so an export is exactly the view it came from.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::*;
    use crate::auth::{in_area, CurrentUser, Role, ORG_TYPES};
    use crate::db::dashboard::{self as q, Scope};
    use crate::db::{now_ms, Db};
    use crate::error::AppError;
    use std::collections::{BTreeMap, HashMap};

    /// The area the viewer may see: `''` for admins, the region path of an official's grant.
    pub(crate) fn area(me: &CurrentUser) -> Result<String, AppError> {
        if me.is_admin() {
            return Ok(String::new());
        }
        match me.roles.iter().find(|g| g.role == Role::Official) {
            Some(g) => g.scope_path.clone().ok_or(AppError::Forbidden),
            None => {
                tracing::warn!(user = %me.id, "dashboard refused: not an official");
                Err(AppError::Forbidden)
            }
        }
    }

    /// A filter checked against the database and the viewer's area, plus the courses for labels.
    pub(crate) struct Checked {
        pub(crate) scope: Scope,
        pub(crate) area: String,
        pub(crate) courses: Vec<q::CourseRow>,
    }

    /// Check a filter. A region outside the viewer's area is refused, never silently widened or narrowed.
    pub(crate) async fn check(db: &Db, me: &CurrentUser, f: &Filter) -> Result<Checked, AppError> {
        let area = area(me)?;
        let path = if f.vung.is_empty() {
            area.clone()
        } else {
            let path = crate::db::region::describe(db, &f.vung).await?.ok_or_else(|| AppError::invalid("vung", "region_unknown"))?.path;
            if !in_area(&path, &area) {
                tracing::warn!(user = %me.id, region = %f.vung, "dashboard refused: region outside the official's area");
                return Err(AppError::Forbidden);
            }
            path
        };
        let courses = q::courses(db).await?;
        let course_id = if f.khoa.is_empty() {
            None
        } else {
            Some(courses.iter().find(|c| c.slug == f.khoa).map(|c| c.id.clone()).ok_or_else(|| AppError::invalid("khoa", "course_unknown"))?)
        };
        let org_type = if f.loai.is_empty() {
            None
        } else if ORG_TYPES.contains(&f.loai.as_str()) {
            Some(f.loai.clone())
        } else {
            return Err(AppError::invalid("loai", "org_type_invalid"));
        };
        let month = |s: &str| -> Result<Option<String>, AppError> {
            if s.is_empty() {
                Ok(None)
            } else {
                crate::calendar::parse_month(s).map(|_| Some(s.to_string())).ok_or_else(|| AppError::invalid("tu", "month_invalid"))
            }
        };
        let (from, to) = (month(&f.tu)?, month(&f.den)?);
        if let (Some(a), Some(b)) = (&from, &to) {
            if a > b {
                return Err(AppError::invalid("den", "month_order"));
            }
        }
        Ok(Checked { scope: Scope { path, course_id, org_type, from, to }, area, courses })
    }

    /// A target's view: overdue when the due day has ended (Vietnam time) short of the number.
    fn target(t: q::TargetRow, now: i64) -> Target {
        Target {
            overdue: t.certified < t.target && crate::calendar::day_end_ms(&t.due_on).is_some_and(|end| end < now),
            id: t.id,
            region: t.region,
            course: t.course,
            org_type: t.org_type,
            target: t.target,
            due_on: t.due_on,
            measure: t.measure,
            certified: t.certified,
        }
    }

    fn last_code(path: &str) -> Option<&str> {
        path.rsplit('/').next().filter(|s| !s.is_empty())
    }

    /// Everything the dashboard, the report and the exports show for a filter.
    pub async fn load(db: &Db, me: &CurrentUser, f: &Filter) -> Result<Dashboard, AppError> {
        figures(db, f, &check(db, me, f).await?).await
    }

    /// The figures of a checked filter.
    async fn figures(db: &Db, f: &Filter, checked: &Checked) -> Result<Dashboard, AppError> {
        let Checked { scope, area, courses } = checked;
        let as_of = now_ms();
        let since = as_of - 30 * 86_400_000;
        let shown_code = last_code(&scope.path).map(str::to_string);
        // The queries do not depend on each other: sent at once, each on its own pooled connection, so the
        // page waits for the slowest rather than for the sum (at national scale the learner and activity
        // counts take tens of milliseconds each).
        let (cells, names, kids, learners, active, targets, trained, held, people, late_records) = tokio::try_join!(
            q::cells(db, scope),
            q::region_names(db, shown_code.as_deref()),
            q::children(db, scope),
            q::learners(db, scope),
            q::active(db, scope, since),
            q::targets(db, &scope.path, scope.course_id.as_deref()),
            q::trained(db, scope),
            q::workshops_held(db, scope),
            q::trained_total(db, scope),
            crate::db::offline::late_records(db, &scope.path),
        )?;

        let mut by_course: HashMap<&str, Counts> = HashMap::new();
        let mut by_org: HashMap<&str, Counts> = HashMap::new();
        let mut by_month: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        let mut total = Counts::default();
        for c in &cells {
            let counts = Counts { enrolled: c.enrolled, completed: c.completed, certified: c.certified };
            by_course.entry(&c.course_id).or_default().add(counts);
            by_org.entry(&c.org_type).or_default().add(counts);
            let m = by_month.entry(&c.month).or_default();
            m.0 += counts.enrolled;
            m.1 += c.completions;
            total.add(counts);
        }

        // Regions right below the one shown, with names; what is not in any of them is shown as its own line.
        let kid_counts: HashMap<&str, Counts> = kids
            .iter()
            .filter_map(|k| last_code(&k.region_path).map(|code| (code, Counts { enrolled: k.enrolled, completed: k.completed, certified: k.certified })))
            .collect();
        let mut by_region: Vec<Line> = names
            .iter()
            .filter(|r| kid_counts.contains_key(r.code.as_str()))
            .map(|r| Line { key: r.code.clone(), label: r.name.clone(), counts: kid_counts[r.code.as_str()] })
            .collect();
        by_region.sort_by(|a, b| b.counts.enrolled.cmp(&a.counts.enrolled).then(a.label.cmp(&b.label)));
        let mut rest = total;
        for l in &by_region {
            rest.enrolled -= l.counts.enrolled;
            rest.completed -= l.counts.completed;
            rest.certified -= l.counts.certified;
        }
        if rest.enrolled > 0 && !names.is_empty() {
            by_region.push(Line { key: String::new(), label: String::new(), counts: rest });
        }

        let subregions = names.iter().map(|r| Choice { value: r.code.clone(), label: r.name.clone() }).collect();
        let mut crumbs = Vec::new();
        if area.is_empty() {
            crumbs.push(Choice { value: String::new(), label: String::new() });
        }
        let segs: Vec<&str> = scope.path.split('/').filter(|s| !s.is_empty()).collect();
        let area_depth = area.split('/').filter(|s| !s.is_empty()).count();
        for (i, code) in segs.iter().enumerate() {
            if i + 1 >= area_depth {
                let name = crate::db::region::describe(db, code).await?.map(|r| r.full_name).unwrap_or_else(|| code.to_string());
                let short = name.split(", ").next().unwrap_or(&name).to_string();
                crumbs.push(Choice { value: code.to_string(), label: short });
            }
        }

        let headline = Headline {
            learners,
            enrolled: total.enrolled,
            active,
            completed: total.completed,
            certified: total.certified,
        };

        let course_lines = courses
            .iter()
            .filter(|c| scope.course_id.as_deref().is_none_or(|id| id == c.id))
            .map(|c| Line { key: c.slug.clone(), label: c.title.clone(), counts: by_course.get(c.id.as_str()).copied().unwrap_or_default() })
            .collect();
        let org_lines = ORG_TYPES
            .iter()
            .filter(|o| scope.org_type.as_deref().is_none_or(|t| t == **o))
            .map(|o| Line { key: o.to_string(), label: String::new(), counts: by_org.get(o).copied().unwrap_or_default() })
            .collect();
        let month_lines = fill_months(&by_month, scope.from.as_deref(), scope.to.as_deref());

        let targets = targets.into_iter().map(|t| target(t, as_of)).collect();
        let mut by_org_trained: BTreeMap<String, i64> = BTreeMap::new();
        for t in &trained {
            *by_org_trained.entry(t.org_type.clone()).or_default() += t.people;
        }
        let workshops = crate::dashboard::WorkshopFigures {
            held,
            people,
            in_hall: trained.iter().filter(|t| t.mode == "hall").map(|t| t.people).sum(),
            by_stream: trained.iter().filter(|t| t.mode == "stream").map(|t| t.people).sum(),
            by_org: by_org_trained.into_iter().collect(),
        };
        Ok(Dashboard {
            filter: f.clone(),
            crumbs,
            workshops,
            late_records,
            courses: courses.iter().map(|c| Choice { value: c.slug.clone(), label: c.title.clone() }).collect(),
            subregions,
            headline,
            by_course: course_lines,
            by_region,
            by_org: org_lines,
            by_month: month_lines,
            targets,
            can_set_targets: true,
            as_of,
        })
    }

    /// Every month from the first to the last with data (or the filter's bounds), gaps as zero, so a quiet
    /// month shows as a gap and not as nothing.
    fn fill_months(data: &BTreeMap<&str, (i64, i64)>, from: Option<&str>, to: Option<&str>) -> Vec<MonthLine> {
        use crate::calendar::{next_month, parse_month};
        let first = from.or_else(|| data.keys().next().copied()).and_then(parse_month);
        let last = to.or_else(|| data.keys().next_back().copied()).and_then(parse_month);
        let (Some(mut cur), Some(last)) = (first, last) else { return Vec::new() };
        let mut out = Vec::new();
        while cur <= last && out.len() < 240 {
            let key = format!("{:04}-{:02}", cur.0, cur.1);
            let (enrolled, completions) = data.get(key.as_str()).copied().unwrap_or_default();
            out.push(MonthLine { month: key, enrolled, completions });
            cur = next_month(cur.0, cur.1);
        }
        out
    }

    fn parse_after(sau: &str) -> Option<(String, String)> {
        let (k, id) = sau.rsplit_once('|')?;
        Some((k.to_string(), id.to_string()))
    }

    /// One page of the learner list.
    pub async fn learners(db: &Db, me: &CurrentUser, f: &Filter, search: &str, sau: &str) -> Result<LearnerList, AppError> {
        let Checked { scope, courses, .. } = check(db, me, f).await?;
        let after = parse_after(sau);
        let mut rows = q::learner_page(db, &scope, search, after.as_ref().map(|(k, i)| (k.as_str(), i.as_str())), PAGE_SIZE as i64 + 1).await?;
        let next = (rows.len() > PAGE_SIZE).then(|| {
            rows.truncate(PAGE_SIZE);
            rows.last().map(|r| format!("{}|{}", r.name_key, r.id)).unwrap_or_default()
        });
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let enrolments = q::enrolments_of(db, &scope, &ids).await?;
        let codes: Vec<String> = rows.iter().filter_map(|r| r.region_code.clone()).collect();
        let labels = q::region_labels(db, &codes).await?;
        let course_of: HashMap<&str, (&str, i64)> = courses.iter().map(|c| (c.id.as_str(), (c.title.as_str(), c.lessons))).collect();
        let mut by_user: HashMap<&str, Vec<LearnerCourse>> = HashMap::new();
        for e in &enrolments {
            by_user.entry(&e.user_id).or_default().push(learner_course(e, &course_of));
        }
        let learners = rows
            .iter()
            .map(|r| {
                let mut courses = by_user.remove(r.id.as_str()).unwrap_or_default();
                courses.sort_by(|a, b| a.course.cmp(&b.course));
                Learner {
                    name: r.name.clone(),
                    org_name: r.org_name.clone(),
                    org_type: r.org_type.clone(),
                    region: r.region_code.as_ref().and_then(|c| labels.get(c).cloned()).unwrap_or_default(),
                    courses,
                }
            })
            .collect();
        let region_name = match scope.path.rsplit('/').next().filter(|s| !s.is_empty()) {
            Some(code) => crate::db::region::describe(db, code).await?.map(|r| r.full_name).unwrap_or_default(),
            None => String::new(),
        };
        Ok(LearnerList { filter: f.clone(), q: search.to_string(), learners, next, region_name })
    }

    fn learner_course(e: &q::EnrolmentRow, course_of: &HashMap<&str, (&str, i64)>) -> LearnerCourse {
        let (title, total) = course_of.get(e.course_id.as_str()).copied().unwrap_or(("", 0));
        LearnerCourse {
            course: title.to_string(),
            lessons_done: e.lessons_done.min(total),
            lessons_total: total,
            best_score: e.best_score,
            enrolled_at: e.enrolled_at,
            completed_at: e.completed_at,
            certificate: e.certificate_code.clone(),
        }
    }

    /// The dashboard and every learner line of a filter, for the CSV and XLSX exports.
    pub(crate) async fn export(db: &Db, me: &CurrentUser, f: &Filter) -> Result<(Dashboard, Vec<(Learner, LearnerCourse)>), AppError> {
        let checked = check(db, me, f).await?;
        let dash = figures(db, f, &checked).await?;
        let Checked { scope, courses, .. } = checked;
        let lines = q::export_lines(db, &scope).await?;
        let codes: Vec<String> = lines.iter().filter_map(|l| l.region_code.clone()).collect();
        let labels = q::region_labels(db, &codes).await?;
        let course_of: HashMap<&str, (&str, i64)> = courses.iter().map(|c| (c.id.as_str(), (c.title.as_str(), c.lessons))).collect();
        let rows = lines
            .iter()
            .map(|l| {
                let who = Learner {
                    name: l.name.clone(),
                    org_name: l.org_name.clone(),
                    org_type: l.org_type.clone(),
                    region: l.region_code.as_ref().and_then(|c| labels.get(c).cloned()).unwrap_or_default(),
                    courses: Vec::new(),
                };
                (who, learner_course(&l.enrolment, &course_of))
            })
            .collect();
        Ok((dash, rows))
    }

    /// Store a target after checking it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn add_target(db: &Db, me: &CurrentUser, vung: &str, khoa: &str, loai: &str, target: &str, han: &str, dem: &str) -> Result<(), AppError> {
        let measure = match dem.trim() {
            "" => "certified",
            m => *crate::dashboard::MEASURES.iter().find(|x| **x == m).ok_or_else(|| AppError::invalid("dem", "target_measure"))?,
        };
        let area = area(me)?;
        let code = if vung.trim().is_empty() { last_code(&area).unwrap_or("").to_string() } else { vung.trim().to_string() };
        let path = crate::db::region::describe(db, &code).await?.ok_or_else(|| AppError::invalid("vung", "target_region"))?.path;
        if !in_area(&path, &area) {
            tracing::warn!(user = %me.id, region = %code, "target refused: region outside the official's area");
            return Err(AppError::Forbidden);
        }
        let course_id = crate::db::certificate::course_id(db, khoa.trim()).await?.ok_or_else(|| AppError::invalid("khoa", "course_unknown"))?;
        let loai = loai.trim();
        if !loai.is_empty() && !ORG_TYPES.contains(&loai) {
            return Err(AppError::invalid("loai", "org_type_invalid"));
        }
        let n = crate::text::parse_number(target).filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= 1_000_000.0).ok_or_else(|| AppError::invalid("target", "target_number"))?;
        if crate::calendar::day_end_ms(han).is_none() {
            return Err(AppError::invalid("han", "target_date"));
        }
        crate::db::dashboard::upsert_target(
            db,
            &crate::db::dashboard::NewTarget { region_code: &code, course_id: &course_id, org_type: loai, target: n as i64, due_on: han.trim(), measure, created_by: &me.id },
        )
        .await?;
        tracing::info!(by = %me.id, region = %code, course = %khoa, "training target set");
        crate::audit::note(db, Some(me), "training_target", &format!("{code} · {khoa}"), &format!("{n} · {} · {}", han.trim(), loai)).await;
        Ok(())
    }

    /// Remove a target inside the viewer's area.
    pub(crate) async fn remove_target(db: &Db, me: &CurrentUser, id: &str) -> Result<(), AppError> {
        let area = area(me)?;
        let path = crate::db::dashboard::target_path(db, id).await?.ok_or(AppError::NotFound)?;
        if !in_area(&path, &area) {
            return Err(AppError::Forbidden);
        }
        crate::db::dashboard::delete_target(db, id).await?;
        tracing::info!(by = %me.id, target = %id, "training target removed");
        crate::audit::note(db, Some(me), "training_target", id, "removed").await;
        Ok(())
    }
}
