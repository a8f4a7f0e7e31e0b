//! A trainer runs the checker: good courses pass, broken ones are reported at the exact file, line and
//! column, and nothing panics on any input.
#![cfg(feature = "ssr")]

use app::content::{load_course, load_dir, render::{render, RenderCtx}};
use std::path::Path;

fn problems_of(dir: &str) -> Vec<String> {
    match load_course(Path::new(dir)) {
        Ok(_) => vec![],
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn has(problems: &[String], prefix: &str, needle: &str) {
    assert!(
        problems.iter().any(|p| p.starts_with(prefix) && p.contains(needle)),
        "expected `{prefix}…{needle}` in:\n{}",
        problems.join("\n")
    );
}

#[test]
fn categories_are_data_read_next_to_the_course_folders() {
    let report = load_dir(Path::new("../courses"));
    let slugs: Vec<&str> = report.categories.iter().map(|c| c.slug.as_str()).collect();
    // The list is the file's, in the file's order (the catalog's order), every entry named in both languages.
    let text = std::fs::read_to_string("../courses/categories.toml").unwrap();
    let in_file: Vec<&str> = text.lines().filter_map(|l| l.trim().strip_prefix("slug = \"")?.strip_suffix('"')).collect();
    assert_eq!(slugs, in_file, "file order is catalog order");
    assert!(!slugs.is_empty() && report.categories.iter().all(|c| !c.vi.is_empty() && !c.en.is_empty()));
    assert!(report.courses.iter().all(|c| slugs.contains(&c.meta.category.as_str())));

    // A broken list is reported at its line; a folder without one accepts any category.
    let tmp = tempfile::tempdir().unwrap();
    let text = "[[category]]\nslug = \"a\"\nvi = \"A\"\nen = \"A\"\n\n[[category]]\nslug = \"a\"\nvi = \"B\"\nen = \"\"\n";
    std::fs::write(tmp.path().join("categories.toml"), text).unwrap();
    let problems: Vec<String> = load_dir(tmp.path()).problems.iter().map(|p| p.to_string()).collect();
    let file = tmp.path().join("categories.toml").display().to_string();
    has(&problems, &format!("{file}:2:1:"), "listed twice");
    has(&problems, &format!("{file}:2:1:"), "needs both");
    let alone = tempfile::tempdir().unwrap();
    assert!(app::content::load::load_categories(alone.path()).unwrap().is_none());
}

#[test]
fn the_shipped_courses_pass_the_checker() {
    let report = load_dir(Path::new("../courses"));
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every course folder loads: the folders with a course.toml are exactly the courses loaded.
    let mut folders: Vec<String> = std::fs::read_dir("../courses")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("course.toml").exists())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    folders.sort();
    let mut slugs: Vec<String> = report.courses.iter().map(|c| c.slug.clone()).collect();
    slugs.sort();
    assert!(slugs.len() >= 3, "{slugs:?}");
    assert_eq!(slugs, folders);
    for c in &report.courses {
        assert!(c.lessons.len() >= 5, "{} has {} lessons", c.slug, c.lessons.len());
        let questions: usize = c.quizzes.iter().map(|q| q.questions.len()).sum();
        assert!(questions >= 10, "{} has {questions} questions", c.slug);
        assert!(c.glossary_html.is_some(), "{} has no glossary", c.slug);
        assert!(c.meta.last_reviewed.is_some(), "{} has no last_reviewed", c.slug);
    }
}

#[test]
fn a_good_fixture_course_loads_with_links_images_and_quiz() {
    let c = load_course(Path::new("tests/fixtures/courses/mini")).expect("mini loads");
    assert_eq!(c.lessons.iter().map(|l| l.slug.as_str()).collect::<Vec<_>>(), ["mot", "hai", "ba"]);
    assert!(c.lessons[0].html.as_str().contains("href=\"/khoa-hoc/mini/bai/hai\""), "{}", c.lessons[0].html.as_str());
    assert!(c.lessons[0].html.as_str().contains("width=\"40\" height=\"30\""), "{}", c.lessons[0].html.as_str());
    assert_eq!(c.quizzes[0].questions.len(), 5);
    assert_eq!(c.quizzes[1].settings.draw, Some(2));
    assert_eq!(c.assets.len(), 1);
}

#[test]
fn a_broken_quiz_is_reported_at_its_lines() {
    let p = problems_of("tests/fixtures/courses/broken-quiz");
    let quiz = "tests/fixtures/courses/broken-quiz/02-kiem-tra.quiz.md";
    has(&p, &format!("{quiz}:3:7:"), "`pass` must be a whole number from 1 to 100");
    has(&p, &format!("{quiz}:6:1:"), "exactly one `(x)` option, found 2");
    has(&p, &format!("{quiz}:16:9:"), "`answer` must be a number");
    has(&p, "tests/fixtures/courses/broken-quiz/course.toml:3:1:", "unknown category `bán-hàng`");
}

#[test]
fn a_broken_lesson_is_reported_at_its_lines() {
    let p = problems_of("tests/fixtures/courses/broken-lesson");
    let dir = "tests/fixtures/courses/broken-lesson";
    has(&p, &format!("{dir}/01-thieu-phut.md:1:1:"), "needs `minutes:`");
    has(&p, &format!("{dir}/02-lien-ket.md:8:5:"), "outside this course's folder");
    has(&p, &format!("{dir}/02-lien-ket.md:8:37:"), "was not found");
    has(&p, &format!("{dir}/03-sai-ma.md:6:7:"), "not UTF-8");
}

#[test]
fn a_broken_course_is_skipped_and_the_others_load() {
    let report = load_dir(Path::new("tests/fixtures/courses"));
    let slugs: Vec<&str> = report.courses.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, ["mini"]);
    assert!(report.problems.len() >= 8, "{:?}", report.problems);
}

/// Payloads from the OWASP XSS filter-evasion cheat sheet and friends. None may survive rendering.
/// One payload per line, shared with the editor's journey (`server/tests/integration/authoring.rs`).
const XSS_FILE: &str = include_str!("fixtures/xss.txt");

#[test]
fn course_markdown_cannot_inject_script_handlers_or_forms() {
    let ctx = RenderCtx::default();
    for payload in XSS_FILE.lines().filter(|l| !l.is_empty()) {
        let html = render(payload, &ctx).html.as_str().to_lowercase();
        for bad in [
            "<script", "onerror", "onload", "onclick", "onfocus", "ontoggle", "javascript:", "vbscript:", "data:text",
            "<iframe", "<form", "<input", "<style", "<object", "<embed", "<meta", "<link", "<base", "<button",
            "<textarea", "style=",
        ] {
            assert!(!html.contains(bad), "payload {payload:?} left {bad:?} in {html:?}");
        }
    }
}

mod never_panics {
    use super::*;
    use app::content::{front_matter, quiz};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn front_matter_and_quiz_parsers(s in "(---\n)?([-#>*\\[\\]()x: a-zđáàảãạ0-9\n]|type: |answer: |## |- \\( \\) |- \\[x\\] |  > ){0,80}") {
            let _ = front_matter::split(&s);
            let _ = quiz::parse(&s, 1, &RenderCtx::default());
            let _ = render(&s, &RenderCtx::default());
        }

        #[test]
        fn arbitrary_unicode(s in "\\PC{0,200}") {
            let _ = front_matter::split(&s);
            let _ = quiz::parse(&s, 1, &RenderCtx::default());
            let _ = render(&s, &RenderCtx::default());
            let _ = app::text::parse_number(&s);
        }
    }
}
