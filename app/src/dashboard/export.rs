//! `GET /thong-ke/xuat.csv` and `/thong-ke/xuat.xlsx`: the dashboard view in the URL, for Excel. Both read
//! `api::ssr::export`, the same code as the pages, after the same authorisation.
//! CSV is UTF-8 with a BOM (so Excel shows Vietnamese), a few header lines naming the filter and the date,
//! then one line per learner and course. XLSX adds a summary sheet with every table of the page.

use super::api::ssr::export;
use super::pages::describe_filter;
use super::{Dashboard, Filter, Learner, LearnerCourse};
use crate::error::AppError;
use crate::i18n::{format_date, t, Locale};
use crate::state::{AppState, ClientAddr, Viewer};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::collections::HashMap;

/// The dashboard's plain HTTP routes: the two exports.
pub fn routes() -> Router<AppState> {
    Router::new().route("/thong-ke/xuat.csv", get(csv)).route("/thong-ke/xuat.xlsx", get(xlsx))
}

type Rows = Vec<(Learner, LearnerCourse)>;

/// An anonymous visitor signs in first and comes back to the same export.
fn sign_in(filter: &Filter, path: &str) -> Response {
    Redirect::to(&format!("/dang-nhap?next={}", crate::text::urlencode(&filter.href(path)))).into_response()
}

/// Column titles of the learner lines.
fn columns(locale: Locale) -> Vec<String> {
    ["x.name", "x.org", "x.org_type", "x.region", "x.course", "x.lessons_done", "x.lessons_total", "x.best_score", "x.enrolled_on", "x.completed_on", "x.certificate"]
        .iter()
        .map(|k| t(locale, k))
        .collect()
}

fn stamp(d: &Dashboard) -> String {
    let (y, m, day) = crate::calendar::civil(d.as_of);
    format!("{y:04}-{m:02}-{day:02}")
}

/// A spreadsheet cell that starts like a formula is written with a leading apostrophe, so a crafted name
/// never runs in Excel (CSV injection).
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The CSV export.
async fn csv(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Extension(addr): Extension<ClientAddr>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Result<Response, AppError> {
    let locale = Locale::from_headers(&headers);
    let filter = Filter::from_query(|k| query.get(k).cloned());
    let Some(me) = viewer.0 else { return Ok(sign_in(&filter, "/thong-ke/xuat.csv")) };
    let (dash, rows) = export(&state.db, &me, &filter).await?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut body = "\u{feff}".as_bytes().to_vec();
    let header_lines = [
        vec![t(locale, "dash.report_title")],
        vec![t(locale, "x.filter"), describe_filter(locale, &dash)],
        vec![t(locale, "x.date"), format_date(dash.as_of)],
        vec![t(locale, "dash.workshops_held"), dash.workshops.held.to_string()],
        vec![t(locale, "dash.trained"), dash.workshops.people.to_string()],
        vec![],
    ];
    let mut ok = header_lines.iter().all(|l| w.write_record(l).is_ok()) && w.write_record(columns(locale)).is_ok();
    for (who, c) in &rows {
        let line = [
            defuse(&who.name),
            defuse(&who.org_name),
            t(locale, &format!("org.{}", who.org_type)),
            defuse(&who.region),
            defuse(&c.course),
            c.lessons_done.to_string(),
            c.lessons_total.to_string(),
            c.best_score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            format_date(c.enrolled_at),
            c.completed_at.map(format_date).unwrap_or_default(),
            c.certificate.clone().unwrap_or_default(),
        ];
        ok &= w.write_record(&line).is_ok();
    }
    match (ok, w.into_inner()) {
        (true, Ok(bytes)) => body.extend(bytes),
        _ => {
            tracing::error!("CSV export failed");
            return Err(AppError::Internal);
        }
    }
    tracing::info!(lines = rows.len(), "dashboard CSV exported");
    crate::audit::note_from(&state.db, Some(&me), &addr.0, "export", "thong-ke.csv", &format!("{} lines · {}", rows.len(), stamp(&dash))).await;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"thong-ke-{}.csv\"", stamp(&dash))),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// The XLSX export.
async fn xlsx(State(state): State<AppState>, Extension(viewer): Extension<Viewer>, Extension(addr): Extension<ClientAddr>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Result<Response, AppError> {
    let locale = Locale::from_headers(&headers);
    let filter = Filter::from_query(|k| query.get(k).cloned());
    let Some(me) = viewer.0 else { return Ok(sign_in(&filter, "/thong-ke/xuat.xlsx")) };
    let (dash, rows) = export(&state.db, &me, &filter).await?;
    let n = rows.len();
    // Building a workbook of 100,000 lines takes a second of CPU: off the async threads.
    let built = tokio::task::spawn_blocking(move || workbook(locale, &dash, &rows).map(|b| (b, stamp(&dash)))).await;
    match built {
        Ok(Ok((bytes, stamp))) => {
            tracing::info!(lines = n, "dashboard XLSX exported");
            crate::audit::note_from(&state.db, Some(&me), &addr.0, "export", "thong-ke.xlsx", &format!("{n} lines · {stamp}")).await;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"thong-ke-{stamp}.xlsx\"")),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                bytes,
            )
                .into_response())
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "XLSX export failed");
            Err(AppError::Internal)
        }
        Err(e) => {
            tracing::error!(error = %e, "XLSX export task failed");
            Err(AppError::Internal)
        }
    }
}

fn workbook(locale: Locale, d: &Dashboard, rows: &Rows) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let pct = Format::new().set_num_format("0.0");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let excel_date = |ms: i64| {
        let (y, m, day) = crate::calendar::civil(ms);
        ExcelDateTime::from_ymd(y as u16, m as u8, day as u8)
    };

    let s = wb.add_worksheet();
    s.set_name(t(locale, "x.sheet_summary"))?;
    s.set_column_width(0, 42)?;
    for c in 1..5 {
        s.set_column_width(c, 14)?;
    }
    s.write_with_format(0, 0, t(locale, "dash.report_title"), &title)?;
    s.write(1, 0, t(locale, "x.filter"))?;
    s.write(1, 1, describe_filter(locale, d))?;
    s.write(2, 0, t(locale, "x.date"))?;
    s.write_with_format(2, 1, &excel_date(d.as_of)?, &date)?;
    let h = d.headline;
    let mut r = 4u32;
    for (k, v) in [("dash.learners", h.learners), ("dash.enrolled", h.enrolled), ("dash.active", h.active), ("dash.completed", h.completed), ("dash.certified", h.certified)] {
        s.write_with_format(r, 0, t(locale, k), &bold)?;
        s.write(r, 1, v as f64)?;
        r += 1;
    }
    for (kind, title_key, lines) in [("course", "dash.by_course", &d.by_course), ("region", "dash.by_region", &d.by_region), ("org", "dash.by_org", &d.by_org)] {
        r += 1;
        s.write_with_format(r, 0, t(locale, title_key), &title)?;
        r += 1;
        for (c, k) in [format!("dash.col_{kind}"), "dash.enrolled".into(), "dash.completed".into(), "x.rate_pct".into(), "dash.certified".into()].iter().enumerate() {
            s.write_with_format(r, c as u16, t(locale, k), &bold)?;
        }
        r += 1;
        for l in lines.iter() {
            s.write(r, 0, l.label(locale, kind))?;
            s.write(r, 1, l.counts.enrolled as f64)?;
            s.write(r, 2, l.counts.completed as f64)?;
            s.write_with_format(r, 3, l.counts.rate(), &pct)?;
            s.write(r, 4, l.counts.certified as f64)?;
            r += 1;
        }
    }
    r += 1;
    s.write_with_format(r, 0, t(locale, "dash.by_month"), &title)?;
    r += 1;
    for (c, k) in ["dash.month", "dash.enrolments", "dash.completions"].iter().enumerate() {
        s.write_with_format(r, c as u16, t(locale, k), &bold)?;
    }
    r += 1;
    for m in &d.by_month {
        s.write(r, 0, &m.month)?;
        s.write(r, 1, m.enrolled as f64)?;
        s.write(r, 2, m.completions as f64)?;
        r += 1;
    }
    // Workshops: held, and people trained (each once) in a hall, by livestream and by type.
    let w = &d.workshops;
    r += 1;
    s.write_with_format(r, 0, t(locale, "dash.workshops"), &title)?;
    r += 1;
    for (k, v) in [("dash.workshops_held", w.held), ("dash.trained", w.people), ("dash.trained_hall", w.in_hall), ("dash.trained_stream", w.by_stream)] {
        s.write_with_format(r, 0, t(locale, k), &bold)?;
        s.write(r, 1, v as f64)?;
        r += 1;
    }
    for (org, n) in &w.by_org {
        s.write(r, 0, t(locale, &format!("org.{org}")))?;
        s.write(r, 1, *n as f64)?;
        r += 1;
    }
    s.write(r, 0, t(locale, "dash.trained_note"))?;
    r += 1;
    if !d.targets.is_empty() {
        r += 1;
        s.write_with_format(r, 0, t(locale, "dash.targets"), &title)?;
        r += 1;
        for (c, k) in ["dash.course", "dash.region", "dash.org_type", "dash.target_people", "x.target_done", "dash.due", "dash.measure"].iter().enumerate() {
            s.write_with_format(r, c as u16, t(locale, k), &bold)?;
        }
        r += 1;
        for tg in &d.targets {
            s.write(r, 0, &tg.course)?;
            s.write(r, 1, &tg.region)?;
            s.write(r, 2, if tg.org_type.is_empty() { t(locale, "dash.all_types") } else { t(locale, &format!("org.{}", tg.org_type)) })?;
            s.write(r, 3, tg.target as f64)?;
            s.write(r, 4, tg.certified as f64)?;
            s.write(r, 5, crate::i18n::format_iso_date(&tg.due_on))?;
            s.write(r, 6, t(locale, &format!("dash.measure_{}", tg.measure)))?;
            r += 1;
        }
    }

    let s = wb.add_worksheet();
    s.set_name(t(locale, "x.sheet_learners"))?;
    s.write(0, 0, describe_filter(locale, d))?;
    s.write_with_format(0, 5, &excel_date(d.as_of)?, &date)?;
    for (c, name) in columns(locale).iter().enumerate() {
        s.write_with_format(2, c as u16, name, &bold)?;
    }
    for (c, w) in [26, 34, 18, 34, 40, 8, 8, 10, 12, 12, 22].iter().enumerate() {
        s.set_column_width(c as u16, *w)?;
    }
    s.set_freeze_panes(3, 1)?;
    let mut r = 3u32;
    for (who, c) in rows {
        s.write(r, 0, &who.name)?;
        s.write(r, 1, &who.org_name)?;
        s.write(r, 2, t(locale, &format!("org.{}", who.org_type)))?;
        s.write(r, 3, &who.region)?;
        s.write(r, 4, &c.course)?;
        s.write(r, 5, c.lessons_done as f64)?;
        s.write(r, 6, c.lessons_total as f64)?;
        if let Some(b) = c.best_score {
            s.write_with_format(r, 7, b, &pct)?;
        }
        s.write_with_format(r, 8, &excel_date(c.enrolled_at)?, &date)?;
        if let Some(done) = c.completed_at {
            s.write_with_format(r, 9, &excel_date(done)?, &date)?;
        }
        if let Some(code) = &c.certificate {
            s.write(r, 10, code)?;
        }
        r += 1;
    }
    if r > 3 {
        s.autofilter(2, 0, r - 1, 10)?;
    }
    wb.save_to_buffer()
}
