//! Arbitrary bytes as a lesson, a quiz and a course.toml: the checker must report, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ctx = app::content::render::RenderCtx::default();
    let _ = app::content::front_matter::split(&text);
    let _ = app::content::quiz::parse(&text, 1, &ctx);
    let _ = app::content::render::render(&text, &ctx);
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("khoa-thu");
    std::fs::create_dir(&course).unwrap();
    let third = data.len() / 3;
    std::fs::write(course.join("course.toml"), &data[..third]).unwrap();
    std::fs::write(course.join("01-bai.md"), &data[third..2 * third]).unwrap();
    std::fs::write(course.join("02-kiem-tra.quiz.md"), &data[2 * third..]).unwrap();
    let _ = app::content::load_course(&course);
});
