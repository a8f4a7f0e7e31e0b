//! The officials' dashboard: where training stands by course, region and organisation type, inside the
//! viewer's own area. Filters live in the URL; pages, the print report and the CSV/XLSX exports all read the
//! same `api::load` so they never disagree.

pub mod api;
pub mod charts;
#[cfg(feature = "ssr")]
mod export;
pub mod pages;

#[cfg(feature = "ssr")]
pub use export::routes;
pub use pages::{DashboardPage, LearnersPage, ReportPage};

use serde::{Deserialize, Serialize};

/// The filters, as they appear in the URL (`?khoa=…&vung=…&loai=…&tu=YYYY-MM&den=YYYY-MM`). Empty means
/// "all". The month range selects learners by the month they enrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub khoa: String,
    #[serde(default)]
    pub vung: String,
    #[serde(default)]
    pub loai: String,
    #[serde(default)]
    pub tu: String,
    #[serde(default)]
    pub den: String,
}

impl Filter {
    /// The filter from a query map.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Filter {
        let g = |k: &str| get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        Filter { khoa: g("khoa"), vung: g("vung"), loai: g("loai"), tu: g("tu"), den: g("den") }
    }

    /// `khoa=…&vung=…` with empty values left out (no leading `?`).
    pub fn query_string(&self) -> String {
        [("khoa", &self.khoa), ("vung", &self.vung), ("loai", &self.loai), ("tu", &self.tu), ("den", &self.den)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::text::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `path` with this filter as its query.
    pub fn href(&self, path: &str) -> String {
        let q = self.query_string();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The same filter in another region.
    pub fn in_region(&self, code: &str) -> Filter {
        Filter { vung: code.to_string(), ..self.clone() }
    }
}

/// Enrolments of a group, and how many of them completed and hold a valid certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub enrolled: i64,
    pub completed: i64,
    pub certified: i64,
}

impl Counts {
    /// Completed as a share of enrolled, in percent (0 when nobody enrolled).
    pub fn rate(&self) -> f64 {
        if self.enrolled == 0 {
            0.0
        } else {
            self.completed as f64 * 100.0 / self.enrolled as f64
        }
    }

    pub fn add(&mut self, o: Counts) {
        self.enrolled += o.enrolled;
        self.completed += o.completed;
        self.certified += o.certified;
    }
}

/// One line of a breakdown table: a course, a region or an organisation type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub key: String,
    pub label: String,
    pub counts: Counts,
}

impl Line {
    /// What a person reads for this line of a breakdown of `kind` (`course`, `region` or `org`).
    pub fn label(&self, locale: crate::i18n::Locale, kind: &str) -> String {
        match kind {
            "org" => crate::i18n::t(locale, &format!("org.{}", self.key)),
            "region" if self.key.is_empty() => crate::i18n::t(locale, "dash.region_unknown"),
            _ => self.label.clone(),
        }
    }
}

/// Enrolments and completions made in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthLine {
    pub month: String,
    pub enrolled: i64,
    pub completions: i64,
}

/// The five headline figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// Live accounts in the area (and organisation type; registered in the month range).
    pub learners: i64,
    /// Enrolments (a learner in a course).
    pub enrolled: i64,
    /// Learners who did something in the last 30 days.
    pub active: i64,
    pub completed: i64,
    pub certified: i64,
}

/// A training target and how far it has come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub region: String,
    pub course: String,
    pub org_type: String,
    pub target: i64,
    pub due_on: String,
    /// What counts: `certified`, `workshop` (trained at a workshop covering the course) or `either`.
    pub measure: String,
    /// People counted so far by the measure.
    pub certified: i64,
    pub overdue: bool,
}

impl Target {
    /// Progress in percent, capped at 100.
    pub fn percent(&self) -> f64 {
        if self.target <= 0 {
            100.0
        } else {
            (self.certified as f64 * 100.0 / self.target as f64).min(100.0)
        }
    }
}

/// Workshops in the view: how many were held, and the people trained there (each once), in a hall or by
/// livestream, and by organisation type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopFigures {
    pub held: i64,
    pub people: i64,
    pub in_hall: i64,
    pub by_stream: i64,
    /// (organisation type, people).
    pub by_org: Vec<(String, i64)>,
}

/// A choice in a filter's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Everything one dashboard view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filter: Filter,
    /// From the viewer's own area down to the region shown: (code, name); empty code is the whole country.
    pub crumbs: Vec<Choice>,
    pub courses: Vec<Choice>,
    /// The regions right below the one shown.
    pub subregions: Vec<Choice>,
    pub headline: Headline,
    pub by_course: Vec<Line>,
    pub by_region: Vec<Line>,
    pub by_org: Vec<Line>,
    pub by_month: Vec<MonthLine>,
    pub targets: Vec<Target>,
    pub can_set_targets: bool,
    pub workshops: WorkshopFigures,
    /// Learning records of this area that reached the server more than an hour late (taken offline).
    pub late_records: i64,
    /// When the figures were read (Unix ms).
    pub as_of: i64,
}

impl Dashboard {
    /// The name of the region shown.
    pub fn region_name(&self) -> String {
        self.crumbs.last().map(|c| c.label.clone()).unwrap_or_default()
    }

    /// The course filter's title, if any.
    pub fn course_name(&self) -> Option<String> {
        self.courses.iter().find(|c| c.value == self.filter.khoa).map(|c| c.label.clone())
    }
}

/// One course of a learner in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerCourse {
    pub course: String,
    pub lessons_done: i64,
    pub lessons_total: i64,
    pub best_score: Option<f64>,
    pub enrolled_at: i64,
    pub completed_at: Option<i64>,
    pub certificate: Option<String>,
}

/// A learner in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Learner {
    pub name: String,
    pub org_name: String,
    pub org_type: String,
    pub region: String,
    pub courses: Vec<LearnerCourse>,
}

/// One page of the learner list. Pages follow each other by name (`sau=` holds where the page ended), so
/// page 2,000 is as fast as page 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerList {
    pub filter: Filter,
    pub q: String,
    pub learners: Vec<Learner>,
    pub next: Option<String>,
    pub region_name: String,
}

/// What a target can count: valid certificates of the course; people trained at a workshop covering it; or
/// either, each person once.
pub const MEASURES: &[&str] = &["certified", "workshop", "either"];

/// How many learners a page lists.
pub const PAGE_SIZE: usize = 50;
