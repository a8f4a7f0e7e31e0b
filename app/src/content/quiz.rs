//! The quiz pass: a quiz file's body (after front matter) into typed questions with answer keys.
//! The format is documented in `courses/README.md`.

use super::model::{AnswerKey, Question, QuestionKind, QuestionOption, TextMatch};
use super::render::{render, render_inline, RenderCtx};

/// A problem at (line, column) in the file.
pub type QuizProblem = (usize, usize, String);

const KEYS: [&str; 6] = ["type", "answer", "tolerance", "match", "scoring", "points"];

#[derive(Default)]
struct Draft {
    line: usize,
    heading: String,
    prompt: Vec<String>,
    prompt_line: usize,
    /// (marker, text, feedback lines, line)
    options: Vec<(char, String, Vec<String>, usize)>,
    keys: Vec<(String, String, usize)>,
    explanation: Vec<String>,
    explanation_line: usize,
}

/// Parse the questions of a quiz body whose first line is line `first_line` of the file.
pub fn parse(body: &str, first_line: usize, ctx: &RenderCtx) -> (Vec<Question>, Vec<QuizProblem>) {
    let mut problems = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut in_fence = false;
    for (i, raw) in body.lines().enumerate() {
        let line_no = first_line + i;
        let line = raw.trim_end();
        if let Some(h) = line.strip_prefix("## ").filter(|_| !in_fence) {
            drafts.push(Draft { line: line_no, heading: h.trim().to_string(), ..Default::default() });
            continue;
        }
        let Some(d) = drafts.last_mut() else {
            if !line.trim().is_empty() {
                problems.push((line_no, 1, "text before the first question: each question starts with `## `".into()));
            }
            continue;
        };
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || line.trim_start().starts_with("```") {
            if d.options.is_empty() && d.keys.is_empty() {
                d.prompt.push(raw.to_string());
            } else {
                problems.push((line_no, 1, "code blocks belong in the question text, before the options".into()));
            }
            continue;
        }
        if let Some((marker, text)) = option_line(line) {
            if !d.explanation.is_empty() {
                problems.push((line_no, 1, "options must come before the explanation (`> ` lines)".into()));
            }
            d.options.push((marker, text.to_string(), Vec::new(), line_no));
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if indented && line.trim_start().starts_with('>') {
            let fb = line.trim_start().trim_start_matches('>').trim_start();
            match d.options.last_mut() {
                Some(o) => o.2.push(fb.to_string()),
                None => problems.push((line_no, 1, "option feedback (`  > `) must follow an option line".into())),
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('>') {
            if d.explanation.is_empty() {
                d.explanation_line = line_no;
            }
            d.explanation.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            continue;
        }
        if let Some((k, v)) = key_line(line) {
            d.keys.push((k.to_string(), v.trim().to_string(), line_no));
            continue;
        }
        if line.trim().is_empty() {
            if d.options.is_empty() && d.keys.is_empty() && d.explanation.is_empty() {
                d.prompt.push(String::new());
            } else if !d.explanation.is_empty() {
                d.explanation.push(String::new());
            }
            continue;
        }
        if !d.explanation.is_empty() {
            problems.push((line_no, 1, "text after the explanation: start each explanation line with `> `".into()));
        } else if !d.options.is_empty() || !d.keys.is_empty() {
            problems.push((line_no, 1, "text after the options or keys: put the question text before them".into()));
        } else {
            if d.prompt.iter().all(|p| p.is_empty()) {
                d.prompt_line = line_no;
            }
            d.prompt.push(raw.to_string());
        }
    }
    if drafts.is_empty() && problems.is_empty() {
        problems.push((first_line, 1, "the quiz has no questions: start each one with `## `".into()));
    }
    let questions = drafts.into_iter().filter_map(|d| build(d, ctx, &mut problems)).collect();
    (questions, problems)
}

fn option_line(line: &str) -> Option<(char, &str)> {
    let rest = line.strip_prefix("- ").or_else(|| line.strip_prefix("* "))?;
    let marker = match rest.get(..3)? {
        "( )" => '(',
        "(x)" | "(X)" => 'o',
        "[ ]" => '[',
        "[x]" | "[X]" => 'x',
        _ => return None,
    };
    Some((marker, rest[3..].trim()))
}

fn key_line(line: &str) -> Option<(&str, &str)> {
    let (k, v) = line.split_once(':')?;
    KEYS.contains(&k).then_some((k, v))
}

fn build(d: Draft, ctx: &RenderCtx, problems: &mut Vec<QuizProblem>) -> Option<Question> {
    let before = problems.len();
    let mut push = |line: usize, col: usize, msg: String| problems.push((line, col, msg));
    let mut prompt_md = d.heading.clone();
    let body = d.prompt.join("\n");
    if !body.trim().is_empty() {
        prompt_md = format!("**{}**\n\n{}", d.heading, body.trim_matches('\n'));
    }
    if d.heading.is_empty() {
        push(d.line, 4, "the question heading is empty".into());
    }
    let prompt = if body.trim().is_empty() { render_inline(&prompt_md, ctx) } else { render(&prompt_md, ctx) };
    for (l, c, m) in prompt.problems {
        let line = if l <= 1 { d.line } else { d.prompt_line.max(d.line) + l - 3 };
        push(line, c, m);
    }
    let mut keys: std::collections::HashMap<&str, Vec<(&str, usize)>> = Default::default();
    for (k, v, l) in &d.keys {
        keys.entry(k.as_str()).or_default().push((v.as_str(), *l));
    }
    let one = |name: &str, push: &mut dyn FnMut(usize, usize, String)| -> Option<(String, usize)> {
        let vals = keys.get(name)?;
        if vals.len() > 1 {
            push(vals[1].1, 1, format!("`{name}:` is given more than once"));
        }
        Some((vals[0].0.to_string(), vals[0].1))
    };

    let points = match one("points", &mut push) {
        Some((v, l)) => match v.parse::<u32>() {
            Ok(p) if (1..=100).contains(&p) => p,
            _ => {
                push(l, 9, format!("`points` must be a whole number from 1 to 100, found `{v}`"));
                1
            }
        },
        None => 1,
    };

    let declared = one("type", &mut push);
    let has_round = d.options.iter().any(|o| o.0 == '(' || o.0 == 'o');
    let has_square = d.options.iter().any(|o| o.0 == '[' || o.0 == 'x');
    let kind = match declared.as_ref().map(|(v, l)| (v.as_str(), *l)) {
        Some(("single", _)) | Some(("multiple", _)) | None if !d.options.is_empty() => {
            if has_round && has_square {
                push(d.options[0].3, 3, "mix of `( )` and `[ ]` options: use `( )` for one answer, `[ ]` for several".into());
            }
            if has_square { QuestionKind::Multiple } else { QuestionKind::Single }
        }
        Some(("truefalse", _)) | Some(("true_false", _)) | Some(("đúng-sai", _)) => QuestionKind::TrueFalse,
        Some(("text", _)) => QuestionKind::Text,
        Some(("number", _)) => QuestionKind::Number,
        Some((other, l)) => {
            push(l, 7, format!("unknown question type `{other}`: use truefalse, text or number (choices need no type)"));
            return None;
        }
        None => {
            push(d.line, 1, "the question has no options and no `type:`".into());
            return None;
        }
    };
    if !matches!(kind, QuestionKind::Single | QuestionKind::Multiple) && !d.options.is_empty() {
        push(d.options[0].3, 1, "options are only for choice questions; remove them or the `type:` line".into());
    }

    let mut options = Vec::new();
    let mut correct = Vec::new();
    let mut feedback = Vec::new();
    for (i, (marker, text, fb, line)) in d.options.iter().enumerate() {
        let id = i as u32 + 1;
        if text.is_empty() {
            push(*line, 7, "the option has no text".into());
        }
        let r = render_inline(text, ctx);
        for (_, c, m) in r.problems {
            push(*line, c + 6, m);
        }
        options.push(QuestionOption { id, html: r.html });
        if matches!(marker, 'o' | 'x') {
            correct.push(id);
        }
        if !fb.is_empty() {
            feedback.push((id, render(&fb.join("\n"), ctx).html));
        }
    }

    let answers = keys.get("answer").cloned().unwrap_or_default();
    let key = match kind {
        QuestionKind::Single => {
            if options.len() < 2 {
                push(d.line, 1, "a choice question needs at least two options".into());
            }
            if correct.len() != 1 {
                push(d.line, 1, format!("a single-choice question needs exactly one `(x)` option, found {}", correct.len()));
            }
            AnswerKey::Single { correct: correct.first().copied().unwrap_or(0), feedback }
        }
        QuestionKind::Multiple => {
            if options.len() < 2 {
                push(d.line, 1, "a choice question needs at least two options".into());
            }
            if correct.is_empty() {
                push(d.line, 1, "a multiple-choice question needs at least one `[x]` option".into());
            }
            let partial = match one("scoring", &mut push) {
                Some((v, _)) if v == "partial" => true,
                Some((v, _)) if v == "all" => false,
                Some((v, l)) => {
                    push(l, 10, format!("`scoring` must be `all` or `partial`, found `{v}`"));
                    false
                }
                None => false,
            };
            AnswerKey::Multiple { correct, partial, feedback }
        }
        QuestionKind::TrueFalse => match answers.first() {
            Some((v, l)) => match v.to_lowercase().as_str() {
                "đúng" | "true" | "đ" => AnswerKey::TrueFalse { answer: true },
                "sai" | "false" | "s" => AnswerKey::TrueFalse { answer: false },
                _ => {
                    push(*l, 9, format!("a true/false answer must be `đúng` or `sai`, found `{v}`"));
                    return None;
                }
            },
            None => {
                push(d.line, 1, "a true/false question needs `answer: đúng` or `answer: sai`".into());
                return None;
            }
        },
        QuestionKind::Text => {
            if answers.is_empty() || answers.iter().any(|(v, _)| v.is_empty()) {
                push(d.line, 1, "a text question needs at least one non-empty `answer:` line".into());
            }
            let mode = match one("match", &mut push) {
                Some((v, l)) => match v.as_str() {
                    "exact" => TextMatch::Exact,
                    "normal" => TextMatch::Normal,
                    "loose" => TextMatch::Loose,
                    _ => {
                        push(l, 8, format!("`match` must be exact, normal or loose, found `{v}`"));
                        TextMatch::Normal
                    }
                },
                None => TextMatch::Normal,
            };
            AnswerKey::Text { accepted: answers.iter().map(|(v, _)| crate::text::nfc(v)).collect(), mode }
        }
        QuestionKind::Number => {
            let answer = match answers.first() {
                Some((v, l)) => crate::text::parse_number(v).unwrap_or_else(|| {
                    push(*l, 9, format!("`answer` must be a number, found `{v}`"));
                    0.0
                }),
                None => {
                    push(d.line, 1, "a number question needs `answer:`".into());
                    0.0
                }
            };
            let tolerance = match one("tolerance", &mut push) {
                Some((v, l)) => match crate::text::parse_number(&v) {
                    Some(t) if t >= 0.0 => t,
                    _ => {
                        push(l, 12, format!("`tolerance` must be a number of 0 or more, found `{v}`"));
                        0.0
                    }
                },
                None => 0.0,
            };
            AnswerKey::Number { answer, tolerance }
        }
    };
    if d.explanation.iter().all(|l| l.trim().is_empty()) {
        push(d.line, 1, "the question needs an explanation: add `> ` lines after the options".into());
    }
    let explanation = render(&d.explanation.join("\n"), ctx);
    for (l, c, m) in explanation.problems {
        push(d.explanation_line + l - 1, c + 2, m);
    }
    if problems.len() > before {
        return None;
    }
    Some(Question {
        kind,
        prompt_html: prompt.html,
        options,
        key,
        explanation_html: explanation.html,
        points,
        line: d.line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "## Câu một?\n\n- ( ) 3\n  > Sai vì...\n- (x) 5\n\n> Giải thích.\n\n## Chọn nhiều\n\nscoring: partial\n\n- [x] A\n- [ ] B\n- [x] C\n\n> Vì A và C.\n\n## Nhãn ghi tiếng Việt.\n\ntype: truefalse\nanswer: đúng\n\n> Đúng.\n\n## Viết tắt?\n\ntype: text\nanswer: OCOP\nmatch: loose\n\n> OCOP.\n\n## Giá?\n\ntype: number\nanswer: 22.500\ntolerance: 100\n\n> 22.500 đồng.\n";

    #[test]
    fn parses_every_kind() {
        let (qs, problems) = parse(SAMPLE, 5, &RenderCtx::default());
        assert!(problems.is_empty(), "{problems:?}");
        let kinds: Vec<_> = qs.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [QuestionKind::Single, QuestionKind::Multiple, QuestionKind::TrueFalse, QuestionKind::Text, QuestionKind::Number]
        );
        assert_eq!(qs[0].line, 5);
        match &qs[0].key {
            AnswerKey::Single { correct, feedback } => {
                assert_eq!(*correct, 2);
                assert_eq!(feedback[0].0, 1);
            }
            k => panic!("{k:?}"),
        }
        assert_eq!(qs[1].key, AnswerKey::Multiple { correct: vec![1, 3], partial: true, feedback: vec![] });
        assert_eq!(qs[4].key, AnswerKey::Number { answer: 22500.0, tolerance: 100.0 });
        // The learner-visible options carry no correctness.
        assert!(!qs[0].options.iter().any(|o| o.html.as_str().contains('x')));
    }

    #[test]
    fn two_correct_single_options_is_an_error_at_the_heading() {
        let (_, p) = parse("\n## Q\n\n- (x) a\n- (x) b\n\n> e\n", 10, &RenderCtx::default());
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 11);
        assert!(p[0].2.contains("exactly one"));
    }

    #[test]
    fn bad_values_point_at_their_line() {
        let (_, p) = parse("## Q\n\ntype: number\nanswer: nhiều\n\n> e\n", 1, &RenderCtx::default());
        assert_eq!(p[0].0, 4, "{p:?}");
        let (_, p) = parse("## Q\n\ntype: essay\n\n> e\n", 1, &RenderCtx::default());
        assert_eq!(p[0].0, 3, "{p:?}");
        let (_, p) = parse("## Q\n\n- ( ) a\n- (x) b\n", 1, &RenderCtx::default());
        assert!(p[0].2.contains("explanation"), "{p:?}");
        let (_, p) = parse("stray\n## Q\n", 7, &RenderCtx::default());
        assert_eq!(p[0].0, 7, "{p:?}");
    }
}
