//! The editor's preview and diffs as markup. Everything here is built from escaped text, the sanitiser's
//! output and tags written below, so it may be shown with `inner_html` (see [`Html::from_builder`]).

use crate::content::{AnswerKey, Preview, Question, QuestionKind};
use crate::html::Html;
use crate::i18n::{t, tf, Locale};
use crate::text::escape_html as esc;
use std::fmt::Write as _;

/// The preview's image and file addresses point at the draft, not at the published course, so a photo just
/// uploaded shows before it is published. The prefix is one the renderer writes itself.
fn draft_urls(html: &Html, slug: &str) -> String {
    html.as_str().replace(&format!("\"/khoa-hoc/{slug}/tep/"), &format!("\"/soan-thao/{slug}/nhap/"))
}

/// What learners will see of one file, and for a quiz also the trainer's view with keys and explanations.
pub(crate) fn preview(locale: Locale, slug: &str, p: &Preview) -> (Html, Option<Html>) {
    match p {
        Preview::Page { title, html } => {
            let mut out = String::new();
            if let Some(title) = title {
                let _ = write!(out, "<h1>{}</h1>", esc(title));
            }
            out.push_str(&draft_urls(html, slug));
            (Html::from_builder(out), None)
        }
        Preview::Quiz { title, settings, questions } => {
            let head = |out: &mut String| {
                if let Some(title) = title {
                    let _ = write!(out, "<h1>{}</h1>", esc(title));
                }
                let _ = write!(out, "<p class=\"meta\">{}</p>", esc(&tf(locale, "author.quiz_facts", &[("n", questions.len().to_string()), ("p", settings.pass.to_string())])));
            };
            let (mut learner, mut trainer) = (String::new(), String::new());
            head(&mut learner);
            head(&mut trainer);
            for (i, q) in questions.iter().enumerate() {
                question(&mut learner, locale, slug, i + 1, q, false);
                question(&mut trainer, locale, slug, i + 1, q, true);
            }
            (Html::from_builder(learner), Some(Html::from_builder(trainer)))
        }
    }
}

fn question(out: &mut String, locale: Locale, slug: &str, n: usize, q: &Question, keys: bool) {
    let _ = write!(
        out,
        "<fieldset class=\"question\" disabled><legend><span class=\"qno\">{}</span> {}</legend>",
        esc(&tf(locale, "quiz.question_no", &[("n", n.to_string())])),
        draft_urls(&q.prompt_html, slug)
    );
    let kind = if q.kind == QuestionKind::Multiple { "checkbox" } else { "radio" };
    let right = |id: u32| match &q.key {
        AnswerKey::Single { correct, .. } => *correct == id,
        AnswerKey::Multiple { correct, .. } => correct.contains(&id),
        _ => false,
    };
    match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            for o in &q.options {
                let mark = if keys && right(o.id) { " <strong class=\"ok\">✓</strong>" } else { "" };
                let _ = write!(out, "<label class=\"option\"><input type=\"{kind}\"> <span>{}</span>{mark}</label>", draft_urls(&o.html, slug));
            }
        }
        QuestionKind::TrueFalse => {
            let answer = matches!(q.key, AnswerKey::TrueFalse { answer: true });
            for (value, label) in [(true, t(locale, "quiz.true")), (false, t(locale, "quiz.false"))] {
                let mark = if keys && value == answer { " <strong class=\"ok\">✓</strong>" } else { "" };
                let _ = write!(out, "<label class=\"option\"><input type=\"radio\"> <span>{}</span>{mark}</label>", esc(&label));
            }
        }
        QuestionKind::Text | QuestionKind::Number => {
            let _ = write!(out, "<input type=\"text\" aria-label=\"{}\">", esc(&t(locale, "quiz.your_answer")));
            if keys {
                let answer = match &q.key {
                    AnswerKey::Text { accepted, .. } => accepted.join(" · "),
                    AnswerKey::Number { answer, tolerance } if *tolerance > 0.0 => format!("{answer} ± {tolerance}"),
                    AnswerKey::Number { answer, .. } => answer.to_string(),
                    _ => String::new(),
                };
                let _ = write!(out, "<p class=\"ok\">✓ {}</p>", esc(&answer));
            }
        }
    }
    if keys && !q.explanation_html.is_empty() {
        let _ = write!(out, "<div class=\"explanation\">{}</div>", draft_urls(&q.explanation_html, slug));
    }
    out.push_str("</fieldset>");
}

/// The preview pane's content: the file's problems (each a link the island turns into a cursor move), what
/// learners see, and a quiz's trainer view. The page and the island's live preview both show this markup.
pub(crate) fn preview_box(locale: Locale, pv: &super::PreviewView) -> Html {
    let mut out = String::from("<div id=\"preview-problems\" role=\"status\">");
    if !pv.problems.is_empty() {
        out.push_str("<ul class=\"problems\">");
        for p in &pv.problems {
            let at = tf(locale, "author.line_col", &[("l", p.line.to_string()), ("c", p.column.to_string())]);
            let _ = write!(out, "<li><a href=\"#text\" data-line=\"{}\" data-col=\"{}\">{}</a> {}</li>", p.line, p.column, esc(&at), esc(&p.message));
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>");
    let _ = write!(out, "<h3 class=\"preview-label\">{}</h3><article class=\"prose lesson preview\" id=\"preview-html\">{}</article>", esc(&t(locale, "author.as_learner")), pv.html.as_str());
    if let Some(keys) = &pv.keys {
        let _ = write!(out, "<h3 class=\"preview-label\">{}</h3><div class=\"prose preview keys\" id=\"preview-keys\">{}</div>", esc(&t(locale, "author.as_trainer")), keys.as_str());
    }
    Html::from_builder(out)
}

/// A line diff of two texts: removed lines in `<del>`, added in `<ins>`, unchanged ones around each change
/// (three lines of context), the rest folded.
pub(crate) fn diff(old: &str, new: &str) -> Html {
    use similar::{ChangeTag, TextDiff};
    let d = TextDiff::from_lines(old, new);
    let mut out = String::from("<pre class=\"diff\">");
    for (i, group) in d.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push_str("<span class=\"fold\">…</span>\n");
        }
        for op in group {
            for change in d.iter_changes(op) {
                let line = esc(change.value().trim_end_matches('\n'));
                let n = change.new_index().or(change.old_index()).map(|n| n + 1).unwrap_or(0);
                let _ = match change.tag() {
                    ChangeTag::Delete => writeln!(out, "<del><span class=\"ln\">{n:>4}</span> − {line}</del>"),
                    ChangeTag::Insert => writeln!(out, "<ins><span class=\"ln\">{n:>4}</span> + {line}</ins>"),
                    ChangeTag::Equal => writeln!(out, "<span class=\"ln\">{n:>4}</span>   {line}"),
                };
            }
        }
    }
    out.push_str("</pre>");
    Html::from_builder(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_marks_what_changed_and_escapes_it() {
        let d = diff("một\nhai\nba\n", "một\nhai <script>\nba\n");
        let s = d.as_str();
        assert!(s.contains("<del>") && s.contains("− hai</del>"), "{s}");
        assert!(s.contains("<ins>") && s.contains("+ hai &lt;script&gt;</ins>"), "{s}");
        assert!(!s.contains("<script>"), "{s}");
    }

    #[test]
    fn the_preview_points_images_at_the_draft() {
        let html = Html::from_builder("<p><img src=\"/khoa-hoc/k/tep/images/a.jpg\" alt=\"a\"></p>".into());
        let (p, keys) = preview(Locale::Vi, "k", &Preview::Page { title: Some("Bài <1>".into()), html });
        assert!(p.as_str().contains("\"/soan-thao/k/nhap/images/a.jpg\""), "{}", p.as_str());
        assert!(p.as_str().contains("<h1>Bài &lt;1&gt;</h1>"));
        assert!(keys.is_none());
    }
}
