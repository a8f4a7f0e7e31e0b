//! Grading: pure functions from an answer key and a learner's response to points. Server-only; the key
//! never leaves the server before the attempt is submitted.

use crate::content::{AnswerKey, TextMatch};
use crate::text::{fold, nfc, parse_number};

/// What a learner sent for one question: chosen option ids, or typed text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Response {
    Choices(Vec<u32>),
    Text(String),
}

/// Points earned (0..=max) for a response.
pub fn grade(key: &AnswerKey, response: &Response, max: f64) -> f64 {
    let fraction = match (key, response) {
        (AnswerKey::Single { correct, .. }, Response::Choices(c)) => f64::from(u8::from(c.as_slice() == [*correct])),
        (AnswerKey::TrueFalse { answer }, Response::Choices(c)) => {
            // Option 1 is "đúng", option 2 is "sai".
            let chosen = match c.as_slice() {
                [1] => Some(true),
                [2] => Some(false),
                _ => None,
            };
            f64::from(u8::from(chosen == Some(*answer)))
        }
        (AnswerKey::Multiple { correct, partial, .. }, Response::Choices(c)) => {
            let mut chosen = c.clone();
            chosen.sort_unstable();
            chosen.dedup();
            if *partial {
                // Each right tick earns 1/|correct|, each wrong tick costs as much; never below zero.
                let n = correct.len().max(1) as f64;
                let right = chosen.iter().filter(|o| correct.contains(o)).count() as f64;
                let wrong = chosen.len() as f64 - right;
                ((right - wrong) / n).clamp(0.0, 1.0)
            } else {
                let mut want = correct.clone();
                want.sort_unstable();
                f64::from(u8::from(chosen == want))
            }
        }
        (AnswerKey::Text { accepted, mode }, Response::Text(t)) => {
            let norm = |s: &str| -> String {
                match mode {
                    TextMatch::Exact => nfc(s.trim()),
                    TextMatch::Normal => nfc(s).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" "),
                    TextMatch::Loose => fold(s),
                }
            };
            let given = norm(t);
            f64::from(u8::from(!given.is_empty() && accepted.iter().any(|a| norm(a) == given)))
        }
        (AnswerKey::Number { answer, tolerance }, Response::Text(t)) => match parse_number(t) {
            Some(x) => f64::from(u8::from((x - answer).abs() <= tolerance + 1e-9)),
            None => 0.0,
        },
        _ => 0.0,
    };
    fraction * max
}

/// A deterministic shuffle from a seed (SplitMix64 + Fisher–Yates): the same attempt shows the same order
/// after every reload, and different attempts differ.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// A per-question seed from the attempt's seed and the question's id.
pub fn question_seed(seed: u64, question_id: &str) -> u64 {
    question_id.bytes().fold(seed ^ 0xA076_1D64_78BD_642F, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(c: &[u32]) -> Response {
        Response::Choices(c.to_vec())
    }
    fn text(s: &str) -> Response {
        Response::Text(s.into())
    }

    #[test]
    fn single_and_true_false() {
        let k = AnswerKey::Single { correct: 2, feedback: vec![] };
        assert_eq!(grade(&k, &choices(&[2]), 1.0), 1.0);
        assert_eq!(grade(&k, &choices(&[1]), 1.0), 0.0);
        assert_eq!(grade(&k, &choices(&[1, 2]), 1.0), 0.0, "two choices for a single answer earn nothing");
        let tf = AnswerKey::TrueFalse { answer: false };
        assert_eq!(grade(&tf, &choices(&[2]), 2.0), 2.0);
        assert_eq!(grade(&tf, &choices(&[1]), 2.0), 0.0);
    }

    #[test]
    fn multiple_all_or_nothing_and_partial() {
        let all = AnswerKey::Multiple { correct: vec![1, 3], partial: false, feedback: vec![] };
        assert_eq!(grade(&all, &choices(&[3, 1]), 1.0), 1.0);
        assert_eq!(grade(&all, &choices(&[1]), 1.0), 0.0);
        let part = AnswerKey::Multiple { correct: vec![1, 2, 3], partial: true, feedback: vec![] };
        assert!((grade(&part, &choices(&[1, 2]), 3.0) - 2.0).abs() < 1e-9);
        assert!((grade(&part, &choices(&[1, 2, 4]), 3.0) - 1.0).abs() < 1e-9);
        assert_eq!(grade(&part, &choices(&[4, 5]), 3.0), 0.0, "never below zero");
        assert_eq!(grade(&part, &choices(&[1, 2, 3]), 3.0), 3.0);
    }

    #[test]
    fn text_matching_modes() {
        let loose = AnswerKey::Text { accepted: vec!["Chuyển đổi số".into()], mode: TextMatch::Loose };
        assert_eq!(grade(&loose, &text("  chuyen   doi SO "), 1.0), 1.0);
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("CHUYỂN ĐỔI SỐ").collect();
        assert_eq!(grade(&loose, &text(&nfd), 1.0), 1.0);
        let normal = AnswerKey::Text { accepted: vec!["Chuyển đổi số".into()], mode: TextMatch::Normal };
        assert_eq!(grade(&normal, &text("chuyển  ĐỔI số"), 1.0), 1.0);
        assert_eq!(grade(&normal, &text("chuyen doi so"), 1.0), 0.0, "normal keeps diacritics");
        let exact = AnswerKey::Text { accepted: vec!["OCOP".into()], mode: TextMatch::Exact };
        assert_eq!(grade(&exact, &text("ocop"), 1.0), 0.0);
        assert_eq!(grade(&exact, &text(" OCOP "), 1.0), 1.0);
        assert_eq!(grade(&loose, &text(""), 1.0), 0.0);
    }

    #[test]
    fn numbers_with_tolerance_and_vietnamese_forms() {
        let k = AnswerKey::Number { answer: 22500.0, tolerance: 500.0 };
        for ok in ["22500", "22.500", "22 500", "23.000", "22000"] {
            assert_eq!(grade(&k, &text(ok), 1.0), 1.0, "{ok}");
        }
        for bad in ["23.001", "hai mươi", "", "21999"] {
            assert_eq!(grade(&k, &text(bad), 1.0), 0.0, "{bad}");
        }
        let exact = AnswerKey::Number { answer: 2.5, tolerance: 0.0 };
        assert_eq!(grade(&exact, &text("2,5"), 1.0), 1.0);
    }

    #[test]
    fn shuffles_are_stable_per_seed() {
        let mut a: Vec<u32> = (1..=10).collect();
        let mut b = a.clone();
        shuffle(&mut a, 42);
        shuffle(&mut b, 42);
        assert_eq!(a, b);
        let mut c: Vec<u32> = (1..=10).collect();
        shuffle(&mut c, 43);
        assert_ne!(a, c);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=10).collect::<Vec<_>>());
    }
}
