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
const TOO_LONG: &str = "the file is larger than 1 MB; split it into several lessons";
const TOO_BIG: &str = "the file is larger than 5 MB; make the image smaller";

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
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return Err(vec![Problem::at(&path, 0, 0, format!("cannot read the file: {e}"))]),
    };
    let Some(file) = text_of(&path, &bytes, &mut problems) else { return Err(problems) };
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

/// A course's files before checking: the path relative to the course folder, with `/` separators, and its
/// bytes. The folder import, the browser's drafts and the zip upload all fill one of these, so every way in
/// goes through the same checks.
pub type CourseFiles = BTreeMap<String, Vec<u8>>;

/// Decode a text file as the checker reads it: UTF-8, NFC, `\n` line ends. `None` (and a problem) when it
/// is too large or not UTF-8.
fn text_of(path: &Path, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<FileText> {
    if bytes.len() as u64 > MAX_MARKDOWN {
        problems.push(Problem::at(path, 0, 0, TOO_LONG));
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Some(FileText { path: path.to_path_buf(), text: normalise_text(t) }),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            problems.push(Problem::at(path, line, col, "the file is not UTF-8 text; save it as UTF-8"));
            None
        }
    }
}

/// The form a course's text is stored and compared in: NFC, `\n` line ends. Export writes it back as is,
/// so export → import → export gives the same bytes.
pub fn normalise_text(t: &str) -> String {
    nfc(&t.replace("\r\n", "\n"))
}

/// Whether a top-level file is text the checker reads (lessons, quizzes, glossary, notes, `course.toml`).
pub fn is_text_file(rel: &str) -> bool {
    !rel.contains('/') && (rel.ends_with(".md") || rel == "course.toml")
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

/// Read a course folder into memory. Symbolic links, files over the size limits and unreadable files are
/// problems; hidden files are skipped.
pub fn read_folder(dir: &Path) -> (CourseFiles, Vec<Problem>) {
    let mut files = CourseFiles::new();
    let mut problems = Vec::new();
    walk(dir, dir, &mut files, &mut problems);
    (files, problems)
}

fn walk(root: &Path, dir: &Path, out: &mut CourseFiles, problems: &mut Vec<Problem>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        problems.push(Problem::at(dir, 0, 0, "cannot read the folder"));
        return;
    };
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
            walk(root, &path, out, problems);
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        // Refused by its size before it is read.
        let limit = if is_text_file(&rel) { MAX_MARKDOWN } else { MAX_ASSET };
        if meta.len() > limit {
            problems.push(Problem::at(&path, 0, 0, if limit == MAX_MARKDOWN { TOO_LONG } else { TOO_BIG }));
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => {
                out.insert(rel, bytes);
            }
            Err(e) => problems.push(Problem::at(&path, 0, 0, format!("cannot read the file: {e}"))),
        }
    }
}

/// The course's files that are not text: images and PDFs, checked.
fn assets_of(base: &Path, files: &CourseFiles, problems: &mut Vec<Problem>) -> Vec<Asset> {
    let mut out = Vec::new();
    for (rel, bytes) in files {
        if is_text_file(rel) {
            continue;
        }
        let path = base.join(rel);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(ct) = content_type(name) else {
            problems.push(Problem::at(&path, 0, 0, "unsupported file type: a course may hold .md, .png, .jpg, .webp, .gif and .pdf files"));
            continue;
        };
        if bytes.len() as u64 > MAX_ASSET {
            problems.push(Problem::at(&path, 0, 0, TOO_BIG));
            continue;
        }
        let (width, height) = match imagesize::blob_size(bytes) {
            Ok(s) if ct.starts_with("image/") => (u32::try_from(s.width).ok(), u32::try_from(s.height).ok()),
            Err(_) if ct.starts_with("image/") => {
                problems.push(Problem::at(&path, 0, 0, "the image could not be read; is the file damaged?"));
                continue;
            }
            _ => (None, None),
        };
        out.push(Asset { path: rel.clone(), content_type: ct, bytes: bytes.clone(), width, height });
    }
    out
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
    let slug = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let (files, mut problems) = read_folder(dir);
    let checked = check(&slug, dir, &files, known);
    problems.extend(checked.problems.iter().cloned());
    match checked.course {
        Some(c) if problems.is_empty() => Ok(c),
        _ => Err(problems),
    }
}

/// Load and check a course held in memory (a browser draft, an uploaded zip). Problems name `base/<file>`.
pub fn load_files(slug: &str, base: &Path, files: &CourseFiles, known: Option<&[Category]>) -> Result<Course, Vec<Problem>> {
    let checked = check(slug, base, files, known);
    match checked.course {
        Some(c) if checked.problems.is_empty() => Ok(c),
        _ => Err(checked.problems),
    }
}

/// What the checker made of a course's files: the course when nothing is wrong, every problem, and what each
/// lesson and quiz renders to even when another file is broken (the editor's preview).
#[derive(Debug, Default)]
pub struct Checked {
    pub course: Option<Course>,
    pub problems: Vec<Problem>,
    pub previews: BTreeMap<String, Preview>,
}

/// One file as learners would see it.
#[derive(Debug, Clone)]
pub enum Preview {
    /// A lesson or the glossary: its title (when the front matter has one) and its sanitised HTML.
    Page { title: Option<String>, html: crate::html::Html },
    /// A quiz: its title and its questions, with keys and explanations.
    Quiz { title: Option<String>, settings: QuizSettings, questions: Vec<Question> },
}

/// Check a course's files: the one pipeline (front matter, quiz parser, render, sanitise, checker) behind the
/// folder import, the editor's preview and publishing.
pub fn check(slug: &str, base: &Path, files: &CourseFiles, known: Option<&[Category]>) -> Checked {
    let mut problems = Vec::new();
    let mut previews = BTreeMap::new();
    if !is_slug(slug) {
        problems.push(Problem::at(base, 0, 0, format!("the folder name `{slug}` must use only a-z, 0-9 and -")));
    }
    let toml_path = base.join("course.toml");
    let meta_text = match files.get("course.toml") {
        Some(b) => text_of(&toml_path, b, &mut problems),
        None => {
            problems.push(Problem::at(&toml_path, 0, 0, "missing course.toml"));
            None
        }
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
    let mut lesson_files: BTreeMap<u32, (String, String)> = BTreeMap::new();
    let mut quiz_files: BTreeMap<u32, (String, String)> = BTreeMap::new();
    let mut glossary: Option<String> = None;
    let mut seen_numbers: HashMap<u32, PathBuf> = HashMap::new();
    let mut seen_slugs: HashMap<String, PathBuf> = HashMap::new();
    let mut sources = BTreeMap::new();
    for name in files.keys().filter(|n| is_text_file(n) && n.ends_with(".md")) {
        let path = base.join(name);
        if name == "glossary.md" {
            glossary = Some(name.clone());
            continue;
        }
        let stem = name.trim_end_matches(".md");
        if stem.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()) {
            // README.md, SOURCES.md: notes for maintainers, never served, kept with the sources.
            if let Some(f) = text_of(&path, &files[name], &mut problems) {
                sources.insert(name.clone(), f.text);
            }
            continue;
        }
        let (target, parsed) = match numbered(name, ".quiz.md") {
            Some(p) => (&mut quiz_files, Some(p)),
            None => (&mut lesson_files, numbered(name, ".md")),
        };
        let Some((n, s)) = parsed else {
            problems.push(Problem::at(&path, 0, 0, "file name must be NN-slug.md (lesson) or NN-slug.quiz.md (quiz), e.g. 01-gioi-thieu.md"));
            continue;
        };
        if !is_slug(&s) {
            problems.push(Problem::at(&path, 0, 0, format!("`{s}` in the file name must use only a-z, 0-9 and -")));
            continue;
        }
        if let Some(other) = seen_numbers.insert(n, path.clone()) {
            problems.push(Problem::at(&path, 0, 0, format!("number {n:02} is also used by {}", other.display())));
            continue;
        }
        if let Some(other) = seen_slugs.insert(s.clone(), path.clone()) {
            problems.push(Problem::at(&path, 0, 0, format!("`{s}` is also the name of {}", other.display())));
            continue;
        }
        target.insert(n, (s, name.clone()));
    }
    if lesson_files.is_empty() && meta.is_some() {
        problems.push(Problem::at(base, 0, 0, "the course has no lessons (files named like 01-gioi-thieu.md)"));
    }

    let assets = assets_of(base, files, &mut problems);
    let ctx = RenderCtx {
        course_slug: slug.to_string(),
        lesson_files: lesson_files.iter().map(|(n, (s, _))| (format!("{n:02}-{s}.md"), s.clone())).collect(),
        assets: assets.iter().map(|a| (a.path.clone(), (a.width, a.height))).collect(),
    };

    let mut hash_input = format!("render:{}\n", super::RENDER_VERSION);
    hash_input.push_str(&meta_text.as_ref().map(|t| t.text.clone()).unwrap_or_default());
    if let Some(t) = &meta_text {
        sources.insert("course.toml".to_string(), t.text.clone());
    }
    let mut lessons = Vec::new();
    for (n, (s, name)) in &lesson_files {
        let Some(file) = text_of(&base.join(name), &files[name], &mut problems) else { continue };
        hash_input.push_str(&format!("\n{n:02}-{s}:{}", sha256_hex(file.text.as_bytes())));
        sources.insert(name.clone(), file.text.clone());
        let split = match front_matter::split(&file.text) {
            Ok(s) => s,
            Err(e) => {
                problems.push(fm_problem(&file.path, 0, e));
                continue;
            }
        };
        let (lesson, preview) = lesson_from(&split, &file, *n, s, &ctx, &mut problems);
        previews.insert(name.clone(), preview);
        lessons.extend(lesson);
    }
    let mut quizzes = Vec::new();
    for (n, (s, name)) in &quiz_files {
        let Some(file) = text_of(&base.join(name), &files[name], &mut problems) else { continue };
        hash_input.push_str(&format!("\n{n:02}-{s}.quiz:{}", sha256_hex(file.text.as_bytes())));
        sources.insert(name.clone(), file.text.clone());
        match front_matter::split(&file.text) {
            Ok(split) => {
                let (quiz, preview) = quiz_from(&split, &file, *n, s, &ctx, &mut problems);
                previews.insert(name.clone(), preview);
                quizzes.extend(quiz);
            }
            Err(e) => problems.push(fm_problem(&file.path, 0, e)),
        }
    }
    let mut glossary_html = None;
    if let Some(name) = glossary {
        let path = base.join(&name);
        if let Some(file) = text_of(&path, &files[&name], &mut problems) {
            hash_input.push_str(&format!("\nglossary:{}", sha256_hex(file.text.as_bytes())));
            sources.insert(name.clone(), file.text.clone());
            match front_matter::split(&file.text) {
                Ok(split) => {
                    let r = render(split.body, &ctx);
                    for (l, c, m) in r.problems {
                        problems.push(Problem::at(&path, l + split.body_line - 1, c, m));
                    }
                    previews.insert(name.clone(), Preview::Page { title: None, html: r.html.clone() });
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
    let course = match meta {
        Some(meta) if problems.is_empty() => Some(Course {
            slug: slug.to_string(),
            dir: base.to_path_buf(),
            meta,
            lessons,
            quizzes,
            glossary_html,
            assets,
            sources,
            content_hash: sha256_hex(hash_input.as_bytes()),
        }),
        _ => None,
    };
    Checked { course, problems, previews }
}

fn lesson_from(split: &Split<'_>, file: &FileText, n: u32, slug: &str, ctx: &RenderCtx, problems: &mut Vec<Problem>) -> (Option<Lesson>, Preview) {
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
    let preview = Preview::Page { title: title.clone(), html: r.html.clone() };
    let lesson = match (title, minutes) {
        (Some(title), Some(minutes)) if problems.len() == before => Some(Lesson {
            number: n,
            slug: slug.to_string(),
            title,
            minutes,
            html: r.html,
            text: r.text,
            content_hash: sha256_hex(file.text.as_bytes()),
        }),
        _ => None,
    };
    (lesson, preview)
}

fn quiz_from(split: &Split<'_>, file: &FileText, n: u32, slug: &str, ctx: &RenderCtx, problems: &mut Vec<Problem>) -> (Option<Quiz>, Preview) {
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
    let settings = QuizSettings { pass: pass.unwrap_or(70), attempts: attempts.unwrap_or(0), shuffle, draw, time_limit };
    let preview = Preview::Quiz { title: title.clone(), settings: settings.clone(), questions: questions.clone() };
    let quiz = match title {
        Some(title) if problems.len() == before => Some(Quiz {
            number: n,
            slug: slug.to_string(),
            title,
            settings,
            questions,
            content_hash: sha256_hex(file.text.as_bytes()),
        }),
        _ => None,
    };
    (quiz, preview)
}
