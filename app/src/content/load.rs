//! Reading courses from disk: one folder per course, checked into a [`Course`] or a list of [`Problem`]s.

use super::front_matter::{self, Split};
use super::model::*;
use super::render::{render, RenderCtx};
use super::{quiz, sha256_hex, Problem};
use crate::text::{is_slug, nfc};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const MAX_MARKDOWN: u64 = 1024 * 1024;
const MAX_ASSET: u64 = 5 * 1024 * 1024;

/// Every course that loaded, and every problem of those that did not.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub courses: Vec<Course>,
    /// The categories of `categories.toml`, in catalog order; empty when there is no such file.
    pub categories: Vec<Category>,
    pub problems: Vec<Problem>,
}

/// The file, next to the course folders, that lists the categories.
pub const CATEGORIES_FILE: &str = "categories.toml";

/// Read and check `dir/categories.toml`. `Ok(None)` when there is no such file: then any category slug is
/// accepted and the catalog shows the slug as its name (fixtures copied alone to a temporary folder, the
/// fuzz target). A file that exists but is broken is a list of positioned problems.
pub fn load_categories(dir: &Path) -> Result<Option<Vec<Category>>, Vec<Problem>> {
    let path = dir.join(CATEGORIES_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    let Some(file) = read_text(&path, &mut problems) else { return Err(problems) };
    let parsed = match toml::from_str::<CategoryFile>(&file.text) {
        Ok(p) => p,
        Err(e) => {
            let (line, col) = toml_position(&file.text, e.span());
            return Err(vec![Problem::at(&path, line, col, e.message().to_string())]);
        }
    };
    let line_of = |slug: &str| -> usize {
        let needle = format!("\"{slug}\"");
        file.text.lines().position(|l| l.trim_start().starts_with("slug") && l.contains(&needle)).map(|i| i + 1).unwrap_or(1)
    };
    let mut seen = std::collections::HashSet::new();
    for c in &parsed.category {
        if !is_slug(&c.slug) {
            problems.push(Problem::at(&path, line_of(&c.slug), 1, format!("the category slug `{}` must use only a-z, 0-9 and -", c.slug)));
        }
        if !seen.insert(c.slug.as_str()) {
            problems.push(Problem::at(&path, line_of(&c.slug), 1, format!("the category `{}` is listed twice", c.slug)));
        }
        if c.vi.trim().is_empty() || c.en.trim().is_empty() {
            problems.push(Problem::at(&path, line_of(&c.slug), 1, format!("the category `{}` needs both a `vi` and an `en` name", c.slug)));
        }
    }
    if problems.is_empty() {
        Ok(Some(parsed.category.into_iter().map(|c| Category { slug: c.slug, vi: nfc(c.vi.trim()), en: nfc(c.en.trim()) }).collect()))
    } else {
        Err(problems)
    }
}

/// Load every course folder under `dir`, checking categories against `dir/categories.toml`. A broken course
/// is reported and left out; the others load.
pub fn load_dir(dir: &Path) -> LoadReport {
    let mut report = LoadReport::default();
    let known = match load_categories(dir) {
        Ok(k) => k,
        Err(p) => {
            // Reported once here; the courses are then loaded without a category check.
            report.problems.extend(p);
            None
        }
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            report.problems.push(Problem::at(dir, 0, 0, format!("cannot read the courses folder: {e}")));
            return report;
        }
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .filter(|p| !p.file_name().and_then(|n| n.to_str()).unwrap_or(".").starts_with('.'))
        .collect();
    dirs.sort();
    for d in dirs {
        match load_course_with(&d, known.as_deref()) {
            Ok(c) => report.courses.push(c),
            Err(p) => report.problems.extend(p),
        }
    }
    report.categories = known.unwrap_or_default();
    report
}

struct FileText {
    path: PathBuf,
    text: String,
}

fn read_text(path: &Path, problems: &mut Vec<Problem>) -> Option<FileText> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_MARKDOWN => {
            problems.push(Problem::at(path, 0, 0, "the file is larger than 1 MB; split it into several lessons"));
            return None;
        }
        Err(e) => {
            problems.push(Problem::at(path, 0, 0, format!("cannot read the file: {e}")));
            return None;
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(Problem::at(path, 0, 0, format!("cannot read the file: {e}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(t) => Some(FileText { path: path.to_path_buf(), text: nfc(&t.replace("\r\n", "\n")) }),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            problems.push(Problem::at(path, line, col, "the file is not UTF-8 text; save it as UTF-8"));
            None
        }
    }
}

/// `NN-slug.md` / `NN-slug.quiz.md` → (NN, slug).
fn numbered(name: &str, suffix: &str) -> Option<(u32, String)> {
    let stem = name.strip_suffix(suffix)?;
    let (num, slug) = stem.split_once('-')?;
    if num.len() != 2 || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((num.parse().ok()?, slug.to_string()))
}

fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

fn walk_assets(root: &Path, dir: &Path, out: &mut Vec<Asset>, problems: &mut Vec<Problem>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            problems.push(Problem::at(&path, 0, 0, "symbolic links are not allowed in a course folder"));
            continue;
        }
        if meta.is_dir() {
            walk_assets(root, &path, out, problems);
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if dir == root && (name.ends_with(".md") || name == "course.toml") {
            continue;
        }
        let Some(ct) = content_type(&name) else {
            problems.push(Problem::at(&path, 0, 0, "unsupported file type: a course may hold .md, .png, .jpg, .webp, .gif and .pdf files"));
            continue;
        };
        if meta.len() > MAX_ASSET {
            problems.push(Problem::at(&path, 0, 0, "the file is larger than 5 MB; make the image smaller"));
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let (width, height) = match imagesize::blob_size(&bytes) {
            Ok(s) if ct.starts_with("image/") => (u32::try_from(s.width).ok(), u32::try_from(s.height).ok()),
            Err(_) if ct.starts_with("image/") => {
                problems.push(Problem::at(&path, 0, 0, "the image could not be read; is the file damaged?"));
                continue;
            }
            _ => (None, None),
        };
        out.push(Asset { path: rel, content_type: ct, bytes, width, height });
    }
}

fn toml_position(text: &str, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
    let Some(span) = span else { return (1, 1) };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

fn meta_problems(meta: &CourseMeta, known: Option<&[Category]>, text: &str, path: &Path, lesson_count: usize, out: &mut Vec<Problem>) {
    let line_of = |key: &str| -> usize {
        text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1).unwrap_or(1)
    };
    let mut p = |key: &str, msg: String| out.push(Problem::at(path, line_of(key), 1, msg));
    if meta.title.trim().is_empty() {
        p("title", "`title` is empty".into());
    }
    if meta.summary.trim().is_empty() {
        p("summary", "`summary` is empty".into());
    }
    if let Some(known) = known.filter(|k| !k.iter().any(|c| c.slug == meta.category)) {
        let slugs: Vec<&str> = known.iter().map(|c| c.slug.as_str()).collect();
        p("category", format!("unknown category `{}`: use one of {} (listed in {CATEGORIES_FILE})", meta.category, slugs.join(", ")));
    }
    if !(meta.hours > 0.0 && meta.hours <= 500.0) {
        p("hours", format!("`hours` must be more than 0 and at most 500, found {}", meta.hours));
    }
    if !["vi", "en"].contains(&meta.language.as_str()) {
        p("language", format!("`language` must be vi or en, found `{}`", meta.language));
    }
    if meta.version.trim().is_empty() {
        p("version", "`version` is empty".into());
    }
    if let Some(d) = &meta.last_reviewed {
        let ok = d.len() == 10
            && d.as_bytes()[4] == b'-'
            && d.as_bytes()[7] == b'-'
            && d[..4].parse::<u32>().is_ok()
            && d[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
            && d[8..].parse::<u32>().is_ok_and(|m| (1..=31).contains(&m));
        if !ok {
            p("last_reviewed", format!("`last_reviewed` must be a date like 2026-11-29, found `{d}`"));
        }
    }
    match &meta.completion.lessons {
        LessonsRule::Word(w) if w == "all" => {}
        LessonsRule::Count(n) if (*n as usize) <= lesson_count => {}
        LessonsRule::Count(n) => p("lessons", format!("the completion rule asks for {n} lessons but the course has {lesson_count}")),
        LessonsRule::Word(w) => p("lessons", format!("`lessons` must be \"all\" or a number, found `{w}`")),
    }
    if !["all", "none"].contains(&meta.completion.quizzes.as_str()) {
        p("quizzes", format!("`quizzes` must be \"all\" or \"none\", found `{}`", meta.completion.quizzes));
    }
}

fn fm_problem(path: &Path, offset: usize, (line, col, msg): (usize, usize, String)) -> Problem {
    Problem::at(path, line + offset, col, msg)
}

/// Load and check one course folder, its category against the `categories.toml` of the folder it sits in.
pub fn load_course(dir: &Path) -> Result<Course, Vec<Problem>> {
    let known = load_categories(dir.parent().unwrap_or(Path::new(".")))?;
    load_course_with(dir, known.as_deref())
}

/// Load and check one course folder; `known` is the category list, None to accept any category.
fn load_course_with(dir: &Path, known: Option<&[Category]>) -> Result<Course, Vec<Problem>> {
    let mut problems = Vec::new();
    let slug = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if !is_slug(&slug) {
        problems.push(Problem::at(dir, 0, 0, format!("the folder name `{slug}` must use only a-z, 0-9 and -")));
    }
    let toml_path = dir.join("course.toml");
    let meta_text = if toml_path.exists() { read_text(&toml_path, &mut problems) } else {
        problems.push(Problem::at(&toml_path, 0, 0, "missing course.toml"));
        None
    };
    let meta = meta_text.as_ref().and_then(|t| match toml::from_str::<CourseMeta>(&t.text) {
        Ok(m) => Some(m),
        Err(e) => {
            let (line, col) = toml_position(&t.text, e.span());
            problems.push(Problem::at(&toml_path, line, col, e.message().to_string()));
            None
        }
    });

    // Classify the top-level markdown files.
    let mut lesson_files: BTreeMap<u32, (String, PathBuf)> = BTreeMap::new();
    let mut quiz_files: BTreeMap<u32, (String, PathBuf)> = BTreeMap::new();
    let mut glossary: Option<PathBuf> = None;
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| (e.file_name().to_string_lossy().to_string(), e.path())).collect())
        .unwrap_or_default();
    names.sort();
    let mut seen_numbers: HashMap<u32, PathBuf> = HashMap::new();
    let mut seen_slugs: HashMap<String, PathBuf> = HashMap::new();
    for (name, path) in &names {
        if !name.ends_with(".md") || path.is_dir() {
            continue;
        }
        if std::fs::symlink_metadata(path).map(|m| m.file_type().is_symlink()).unwrap_or(false) {
            problems.push(Problem::at(path, 0, 0, "symbolic links are not allowed in a course folder"));
            continue;
        }
        if name == "glossary.md" {
            glossary = Some(path.clone());
            continue;
        }
        let stem = name.trim_end_matches(".md");
        if stem.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()) {
            continue; // README.md, SOURCES.md: notes for maintainers, never served
        }
        let (target, parsed) = match numbered(name, ".quiz.md") {
            Some(p) => (&mut quiz_files, Some(p)),
            None => (&mut lesson_files, numbered(name, ".md")),
        };
        let Some((n, s)) = parsed else {
            problems.push(Problem::at(path, 0, 0, "file name must be NN-slug.md (lesson) or NN-slug.quiz.md (quiz), e.g. 01-gioi-thieu.md"));
            continue;
        };
        if !is_slug(&s) {
            problems.push(Problem::at(path, 0, 0, format!("`{s}` in the file name must use only a-z, 0-9 and -")));
            continue;
        }
        if let Some(other) = seen_numbers.insert(n, path.clone()) {
            problems.push(Problem::at(path, 0, 0, format!("number {n:02} is also used by {}", other.display())));
            continue;
        }
        if let Some(other) = seen_slugs.insert(s.clone(), path.clone()) {
            problems.push(Problem::at(path, 0, 0, format!("`{s}` is also the name of {}", other.display())));
            continue;
        }
        target.insert(n, (s, path.clone()));
    }
    if lesson_files.is_empty() && meta.is_some() {
        problems.push(Problem::at(dir, 0, 0, "the course has no lessons (files named like 01-gioi-thieu.md)"));
    }

    let mut assets = Vec::new();
    walk_assets(dir, dir, &mut assets, &mut problems);
    let ctx = RenderCtx {
        course_slug: slug.clone(),
        lesson_files: lesson_files
            .iter()
            .map(|(n, (s, _))| (format!("{n:02}-{s}.md"), s.clone()))
            .collect(),
        assets: assets.iter().map(|a| (a.path.clone(), (a.width, a.height))).collect(),
    };

    let mut hash_input = format!("render:{}\n", super::RENDER_VERSION);
    hash_input.push_str(&meta_text.as_ref().map(|t| t.text.clone()).unwrap_or_default());
    let mut lessons = Vec::new();
    for (n, (s, path)) in &lesson_files {
        let Some(file) = read_text(path, &mut problems) else { continue };
        let split = match front_matter::split(&file.text) {
            Ok(s) => s,
            Err(e) => {
                problems.push(fm_problem(path, 0, e));
                continue;
            }
        };
        let lesson = lesson_from(&split, &file, *n, s, &ctx, &mut problems);
        hash_input.push_str(&format!("\n{n:02}-{s}:{}", sha256_hex(file.text.as_bytes())));
        lessons.extend(lesson);
    }
    let mut quizzes = Vec::new();
    for (n, (s, path)) in &quiz_files {
        let Some(file) = read_text(path, &mut problems) else { continue };
        hash_input.push_str(&format!("\n{n:02}-{s}.quiz:{}", sha256_hex(file.text.as_bytes())));
        match front_matter::split(&file.text) {
            Ok(split) => quizzes.extend(quiz_from(&split, &file, *n, s, &ctx, &mut problems)),
            Err(e) => problems.push(fm_problem(path, 0, e)),
        }
    }
    let mut glossary_html = None;
    if let Some(path) = glossary {
        if let Some(file) = read_text(&path, &mut problems) {
            hash_input.push_str(&format!("\nglossary:{}", sha256_hex(file.text.as_bytes())));
            match front_matter::split(&file.text) {
                Ok(split) => {
                    let r = render(split.body, &ctx);
                    for (l, c, m) in r.problems {
                        problems.push(Problem::at(&path, l + split.body_line - 1, c, m));
                    }
                    glossary_html = Some(r.html);
                }
                Err(e) => problems.push(fm_problem(&path, 0, e)),
            }
        }
    }
    for a in &assets {
        hash_input.push_str(&format!("\nasset {}:{}", a.path, sha256_hex(&a.bytes)));
    }
    if let (Some(meta), Some(t)) = (&meta, &meta_text) {
        meta_problems(meta, known, &t.text, &toml_path, lessons.len(), &mut problems);
    }
    match meta {
        Some(meta) if problems.is_empty() => Ok(Course {
            slug,
            dir: dir.to_path_buf(),
            meta,
            lessons,
            quizzes,
            glossary_html,
            assets,
            content_hash: sha256_hex(hash_input.as_bytes()),
        }),
        _ => Err(problems),
    }
}

fn lesson_from(split: &Split<'_>, file: &FileText, n: u32, slug: &str, ctx: &RenderCtx, problems: &mut Vec<Problem>) -> Option<Lesson> {
    let path = &file.path;
    let before = problems.len();
    for (k, line) in split.unknown(&["title", "minutes"]) {
        problems.push(Problem::at(path, line, 1, format!("unknown key `{k}`: a lesson takes title and minutes")));
    }
    let title = split.text("title").map_err(|e| problems.push(fm_problem(path, 0, e))).ok().map(|f| f.value.clone());
    let minutes = match split.number("minutes", 1, 240) {
        Ok(Some(m)) => Some(m),
        Ok(None) => {
            problems.push(Problem::at(path, 1, 1, "the front matter needs `minutes:` (estimated reading time)"));
            None
        }
        Err(e) => {
            problems.push(fm_problem(path, 0, e));
            None
        }
    };
    if split.body.trim().is_empty() {
        problems.push(Problem::at(path, split.body_line, 1, "the lesson has no text"));
    }
    let r = render(split.body, ctx);
    for (l, c, m) in r.problems {
        problems.push(Problem::at(path, l + split.body_line - 1, c, m));
    }
    if problems.len() > before {
        return None;
    }
    Some(Lesson {
        number: n,
        slug: slug.to_string(),
        title: title?,
        minutes: minutes?,
        html: r.html,
        text: r.text,
        content_hash: sha256_hex(file.text.as_bytes()),
    })
}

fn quiz_from(split: &Split<'_>, file: &FileText, n: u32, slug: &str, ctx: &RenderCtx, problems: &mut Vec<Problem>) -> Option<Quiz> {
    let path = &file.path;
    let before = problems.len();
    let mut fm = |r: Result<Option<u32>, front_matter::FmError>| match r {
        Ok(v) => v,
        Err(e) => {
            problems.push(fm_problem(path, 0, e));
            None
        }
    };
    let pass = fm(split.number("pass", 1, 100));
    let attempts = fm(split.number("attempts", 0, 100));
    let draw = fm(split.number("draw", 1, 500));
    let time_limit = fm(split.number("time_limit", 1, 600));
    let shuffle = match split.flag("shuffle") {
        Ok(v) => v.unwrap_or(false),
        Err(e) => {
            problems.push(fm_problem(path, 0, e));
            false
        }
    };
    for (k, line) in split.unknown(&["title", "pass", "attempts", "shuffle", "draw", "time_limit"]) {
        problems.push(Problem::at(path, line, 1, format!("unknown key `{k}`: a quiz takes title, pass, attempts, shuffle, draw and time_limit")));
    }
    let title = split.text("title").map_err(|e| problems.push(fm_problem(path, 0, e))).ok().map(|f| f.value.clone());
    let (questions, qp) = quiz::parse(split.body, split.body_line, ctx);
    for (l, c, m) in qp {
        problems.push(Problem::at(path, l, c, m));
    }
    if let Some(d) = draw {
        if d as usize > questions.len() {
            let line = split.fields.get("draw").map(|f| f.line).unwrap_or(1);
            problems.push(Problem::at(path, line, 7, format!("`draw: {d}` is more than the {} questions in the file", questions.len())));
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Quiz {
        number: n,
        slug: slug.to_string(),
        title: title?,
        settings: QuizSettings { pass: pass.unwrap_or(70), attempts: attempts.unwrap_or(0), shuffle, draw, time_limit },
        questions,
        content_hash: sha256_hex(file.text.as_bytes()),
    })
}
