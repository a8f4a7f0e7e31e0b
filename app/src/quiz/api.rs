//! Server functions for quizzes. Submitting is a plain form post handled in `quiz/http.rs`, because an
//! attempt's fields depend on its questions.

use super::{AttemptView, QuizIntro, QuizStats};
use crate::error::AppError;
use leptos::prelude::*;

/// The quiz's front page, with the learner's attempts.
#[server(endpoint = "quiz", input = server_fn::codec::GetUrl)]
pub async fn get_quiz(course: String, quiz: String) -> Result<QuizIntro, AppError> {
    crate::state::with_status(ssr::intro(course, quiz).await)
}

/// Start an attempt (or go back to the open one) and go to it.
#[server(endpoint = "start_attempt")]
pub async fn start_attempt(course: String, quiz: String) -> Result<(), AppError> {
    let back = format!("/khoa-hoc/{}/kiem-tra/{}", crate::text::urlencode(&course), crate::text::urlencode(&quiz));
    match ssr::start(course, quiz).await {
        Ok(id) => crate::state::finish_form(Ok(()), &format!("{back}/lan/{id}"), &back),
        Err(e) => crate::state::finish_form(Err(e), &back, &back),
    }
}

/// An attempt of the signed-in learner: questions while open, the result once submitted.
#[server(endpoint = "attempt", input = server_fn::codec::GetUrl)]
pub async fn get_attempt(id: String) -> Result<AttemptView, AppError> {
    crate::state::with_status(ssr::attempt_view(id).await)
}

/// Figures for trainers: attempts, pass rate, average; per question the share right and the most chosen
/// wrong answer.
#[server(endpoint = "quiz_stats", input = server_fn::codec::GetUrl)]
pub async fn get_quiz_stats(course: String, quiz: String) -> Result<QuizStats, AppError> {
    crate::state::with_status(ssr::stats(course, quiz).await)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The bodies, shared with the feature's own submit handler (`quiz/http.rs`).
    use super::super::grade::{question_seed, shuffle, Response};
    use super::super::*;
    use crate::auth::Role;
    use crate::content::{AnswerKey, QuestionOption};
    use crate::db::{self, attempt::AttemptRow};
    use crate::error::AppError;
    use crate::html::Html;
    use crate::state;

    /// Submissions this long after the deadline still count (slow networks).
    pub(crate) const GRACE_MS: i64 = 30_000;

    pub(super) async fn intro(course: String, quiz: String) -> Result<QuizIntro, AppError> {
        let db = state::db()?;
        let q = db::attempt::quiz(&db, &course, &quiz).await?.ok_or(AppError::NotFound)?;
        let total = db::attempt::questions(&db, &q.revision_id).await?.len() as i64;
        let user = state::current_user();
        let history = match &user {
            Some(u) => db::attempt::attempts_for(&db, &u.id, &q.quiz_id).await?,
            None => vec![],
        };
        let now = db::now_ms();
        let open = history.iter().find(|a| a.submitted_at.is_none() && a.deadline_at.is_none_or(|d| d + GRACE_MS > now));
        Ok(QuizIntro {
            course_slug: course,
            course_title: q.course_title,
            quiz_slug: quiz,
            title: q.title,
            questions: q.settings.draw.map(i64::from).unwrap_or(total).min(total),
            pass: q.settings.pass,
            attempts_max: q.settings.attempts,
            attempts_used: history.iter().filter(|a| !a.over_limit).count() as i64,
            time_limit: q.settings.time_limit,
            best_percent: history.iter().filter(|a| !a.over_limit).filter_map(|a| a.percent).reduce(f64::max),
            passed: history.iter().any(|a| a.passed && !a.over_limit),
            open_attempt: open.map(|a| a.id.clone()),
            signed_in: user.is_some(),
            is_trainer: user.as_ref().is_some_and(|u| u.has(Role::Trainer)),
            history: history
                .iter()
                .filter(|a| a.submitted_at.is_some())
                .map(|a| AttemptSummary { id: a.id.clone(), submitted_at: a.submitted_at, percent: a.percent, passed: a.passed })
                .collect(),
        })
    }

    /// The questions of one attempt: drawn and shuffled by its seed, so a ticket drawn for a phone and an
    /// attempt started online follow the same rule.
    pub(crate) fn draw(settings: &crate::content::QuizSettings, mut ids: Vec<String>, seed: i64) -> Vec<String> {
        if let Some(n) = settings.draw {
            let mut drawn: Vec<usize> = (0..ids.len()).collect();
            shuffle(&mut drawn, seed as u64);
            drawn.truncate(n as usize);
            drawn.sort_unstable();
            ids = drawn.into_iter().map(|i| ids[i].clone()).collect();
        }
        if settings.shuffle {
            shuffle(&mut ids, (seed as u64).rotate_left(17));
        }
        ids
    }

    pub(crate) fn new_seed() -> i64 {
        use rand::Rng;
        rand::rng().random::<i64>()
    }

    pub(crate) async fn start(course: String, quiz: String) -> Result<String, AppError> {
        let user = state::require_user()?;
        let db = state::db()?;
        let q = db::attempt::quiz(&db, &course, &quiz).await?.ok_or(AppError::NotFound)?;
        let seed = new_seed();
        let all: Vec<String> = db::attempt::questions(&db, &q.revision_id).await?.into_iter().map(|q| q.id).collect();
        let ids = draw(&q.settings, all, seed);
        let new = db::learning::NewAttempt {
            user_id: &user.id,
            quiz_id: &q.quiz_id,
            quiz_revision_id: &q.revision_id,
            seed,
            question_ids: &ids,
            attempts_max: q.settings.attempts,
            time_limit_minutes: q.settings.time_limit,
            grace_ms: GRACE_MS,
        };
        match db::learning::start_attempt(&db, &new).await? {
            db::learning::Started::New(id) => {
                tracing::info!(user = %user.id, attempt = %id, "attempt started");
                Ok(id)
            }
            db::learning::Started::Open(id) => Ok(id),
            db::learning::Started::NoAttemptsLeft => Err(AppError::invalid("attempt", "no_attempts_left")),
        }
    }

    /// The options of a question in this attempt's order. True/false questions get two options, 1 = đúng, 2 = sai.
    pub(crate) fn options_for(a: &AttemptRow, shuffle_on: bool, q: &db::attempt::QuestionRow) -> Vec<QuestionOption> {
        let mut options: Vec<QuestionOption> = q.options.clone();
        if q.kind == "true_false" {
            options = vec![QuestionOption { id: 1, html: Html::escape("đúng") }, QuestionOption { id: 2, html: Html::escape("sai") }];
        } else if shuffle_on {
            shuffle(&mut options, question_seed(a.seed as u64, &q.id));
        }
        options
    }

    pub(super) async fn attempt_view(id: String) -> Result<AttemptView, AppError> {
        let user = state::require_user()?;
        let db = state::db()?;
        let a = db::attempt::attempt(&db, &id).await?.filter(|a| a.user_id == user.id).ok_or(AppError::NotFound)?;
        let db::attempt::RevisionQuizRow { course_slug, quiz_slug, course_title, title, settings } = db::attempt::quiz_of_revision(&db, &a.revision_id).await?;
        let all = db::attempt::questions(&db, &a.revision_id).await?;
        let ordered: Vec<&db::attempt::QuestionRow> = a.question_ids.iter().filter_map(|qid| all.iter().find(|q| &q.id == qid)).collect();
        let questions = ordered
            .iter()
            .map(|q| QuestionForLearner {
                id: q.id.clone(),
                kind: q.kind.clone(),
                prompt_html: Html::from_stored(q.prompt_html.clone()),
                options: options_for(&a, settings.shuffle, q),
                points: q.points,
            })
            .collect::<Vec<_>>();
        let result = match a.submitted_at {
            None => None,
            Some(submitted) => {
                let keys = db::attempt::question_keys(&db, &a.revision_id).await?;
                let answers = db::attempt::answers(&db, &a.id).await?;
                let history = db::attempt::attempts_for(&db, &user.id, &a.quiz_id).await?;
                let items = questions
                    .iter()
                    .map(|q| {
                        let ans = answers.iter().find(|x| x.question_id == q.id);
                        let key: Option<&AnswerKey> = keys.get(&q.id).map(|k| &k.key);
                        let response: Option<Response> = ans.and_then(|x| serde_json::from_str(&x.response).ok());
                        let verdict = match ans {
                            Some(x) if x.points >= x.max_points - 1e-9 && x.max_points > 0.0 => Verdict::Right,
                            Some(x) if x.points > 0.0 => Verdict::Partial,
                            _ => Verdict::Wrong,
                        };
                        let feedback_html = match (&key, &response) {
                            (Some(AnswerKey::Single { feedback, .. }) | Some(AnswerKey::Multiple { feedback, .. }), Some(Response::Choices(c))) => {
                                feedback.iter().filter(|(id, _)| c.contains(id)).map(|(_, h)| h.clone()).collect()
                            }
                            _ => vec![],
                        };
                        ResultItem {
                            prompt_html: q.prompt_html.clone(),
                            verdict,
                            your_answer: your_answer(&q.options, response.as_ref()),
                            explanation_html: keys.get(&q.id).map(|k| k.explanation_html.clone()).unwrap_or_default(),
                            feedback_html,
                        }
                    })
                    .collect();
                Some(AttemptResult {
                    percent: a.percent.unwrap_or(0.0),
                    passed: a.passed,
                    pass_mark: settings.pass,
                    attempts_left: (settings.attempts > 0).then(|| i64::from(settings.attempts) - history.iter().filter(|h| !h.over_limit).count() as i64),
                    best_percent: history.iter().filter(|h| !h.over_limit).filter_map(|h| h.percent).fold(0.0, f64::max),
                    timed_out: a.timed_out || a.deadline_at.is_some_and(|d| submitted > d + GRACE_MS),
                    over_limit: a.over_limit,
                    items,
                })
            }
        };
        Ok(AttemptView { id: a.id, course_slug, course_title, quiz_slug, title, deadline_at: a.deadline_at, questions, result })
    }

    /// What the learner answered, for the results: the chosen options' stored HTML, or their own text escaped.
    pub(crate) fn your_answer(options: &[QuestionOption], response: Option<&Response>) -> Html {
        match response {
            Some(Response::Choices(c)) => Html::join(options.iter().filter(|o| c.contains(&o.id)).map(|o| o.html.clone()), "; "),
            Some(Response::Text(t)) => Html::escape(&crate::text::nfc(t)),
            None => Html::default(),
        }
    }

    /// Why a submission was refused; the attempt stays open.
    #[derive(Debug, PartialEq)]
    pub(crate) enum Refused {
        NotInAttempt(String),
        BadOption(String),
        TooLong(String),
    }

    /// Grade and record a submission from form fields (`q_<question id>` = option id or text), through the
    /// one write path: a resend of the same answers gets the stored outcome, other answers for a submitted
    /// attempt are refused ([`db::learning::Stored::Conflict`]) and the first result stands. An attempt
    /// started online is judged on the time of receipt; `device_at` (the phone's clock, when an offline
    /// phone queued the post) is stored beside it.
    pub(crate) async fn submit(
        db: &db::Db,
        user_id: &str,
        attempt_id: &str,
        fields: &[(String, String)],
        device: db::learning::DeviceClock,
    ) -> Result<Result<db::learning::Stored<db::learning::AttemptOutcome>, Refused>, AppError> {
        let a = db::attempt::attempt(db, attempt_id).await?.filter(|a| a.user_id == user_id).ok_or(AppError::NotFound)?;
        let late = a.deadline_at.is_some_and(|d| db::now_ms() > d + GRACE_MS);
        let graded = match grade(db, &a, fields, late).await? {
            Ok(g) => g,
            // Whatever is sent after the attempt was submitted, the first result stands.
            Err(_) if a.submitted_at.is_some() => return Ok(Ok(db::learning::Stored::Conflict)),
            Err(r) => return Ok(Err(r)),
        };
        let stored = db::learning::attempt_submitted(db, &graded.submission(&a.id, user_id, device)).await?;
        log_new(user_id, &a.id, &stored);
        Ok(Ok(stored))
    }

    /// A submission graded, not yet recorded.
    pub(crate) struct Graded {
        answers: Vec<db::learning::GradedAnswer>,
        points: f64,
        max: f64,
        percent: f64,
        passed: bool,
        hash: String,
    }

    impl Graded {
        pub(crate) fn submission<'a>(&'a self, attempt_id: &'a str, user_id: &'a str, device: db::learning::DeviceClock) -> db::learning::Submission<'a> {
            db::learning::Submission {
                attempt_id,
                user_id,
                payload_hash: self.hash.clone(),
                device,
                answers: &self.answers,
                points: self.points,
                max_points: self.max,
                percent: self.percent,
                passed: self.passed,
            }
        }
    }

    pub(crate) fn log_new(user_id: &str, attempt: &str, stored: &db::learning::Stored<db::learning::AttemptOutcome>) {
        if let db::learning::Stored::New(o) = stored {
            tracing::info!(user = %user_id, attempt = %attempt, percent = o.percent, passed = o.passed, over_limit = o.over_limit, certificate = o.certificate.is_some(), "attempt submitted");
        }
    }

    /// Grade form fields against the attempt's pinned revision. `late`: past the time limit, so every answer
    /// earns nothing (the answers are still stored). The hash is of the answers as sent.
    pub(crate) async fn grade(db: &db::Db, a: &AttemptRow, fields: &[(String, String)], late: bool) -> Result<Result<Graded, Refused>, AppError> {
        let db::attempt::RevisionQuizRow { settings, .. } = db::attempt::quiz_of_revision(db, &a.revision_id).await?;
        let all = db::attempt::questions(db, &a.revision_id).await?;
        let keys = db::attempt::question_keys(db, &a.revision_id).await?;
        let mut responses: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (name, value) in fields {
            let Some(qid) = name.strip_prefix("q_") else { continue };
            if !a.question_ids.iter().any(|x| x == qid) {
                return Ok(Err(Refused::NotInAttempt(qid.to_string())));
            }
            responses.entry(qid.to_string()).or_default().push(value.clone());
        }
        let mut answers = Vec::new();
        let (mut points, mut max) = (0.0, 0.0);
        for qid in &a.question_ids {
            let Some(q) = all.iter().find(|q| &q.id == qid) else { continue };
            let given = responses.get(qid).cloned().unwrap_or_default();
            let response = match q.kind.as_str() {
                "text" | "number" => {
                    let t = given.first().cloned().unwrap_or_default();
                    if t.chars().count() > 500 || given.len() > 1 {
                        return Ok(Err(Refused::TooLong(qid.clone())));
                    }
                    Response::Text(t)
                }
                kind => {
                    let valid: Vec<u32> = options_for(a, settings.shuffle, q).iter().map(|o| o.id).collect();
                    let mut chosen = Vec::new();
                    for v in &given {
                        match v.parse::<u32>() {
                            Ok(id) if valid.contains(&id) => chosen.push(id),
                            _ => return Ok(Err(Refused::BadOption(qid.clone()))),
                        }
                    }
                    if kind != "multiple" && chosen.len() > 1 {
                        return Ok(Err(Refused::BadOption(qid.clone())));
                    }
                    Response::Choices(chosen)
                }
            };
            let weight = q.points as f64;
            let earned = match (late, keys.get(qid).map(|k| &k.key)) {
                (false, Some(key)) => super::super::grade::grade(key, &response, weight),
                _ => 0.0,
            };
            points += earned;
            max += weight;
            answers.push(db::learning::GradedAnswer {
                question_id: qid.clone(),
                response: serde_json::to_string(&response).unwrap_or_default(),
                points: earned,
                max_points: weight,
            });
        }
        let percent = if max > 0.0 { (points / max * 1000.0).round() / 10.0 } else { 0.0 };
        let passed = percent + 1e-9 >= f64::from(settings.pass);
        Ok(Ok(Graded { answers, points, max, percent, passed, hash: db::learning::payload_hash(&responses) }))
    }

    pub(super) async fn stats(course: String, quiz: String) -> Result<QuizStats, AppError> {
        state::require_role(Role::Trainer)?;
        let db = state::db()?;
        let q = db::attempt::quiz(&db, &course, &quiz).await?.ok_or(AppError::NotFound)?;
        let db::attempt::QuizTotalsRow { attempts, learners, passed, average } = db::attempt::totals(&db, &q.quiz_id).await?;
        let (over_limit, late) = db::attempt::offline_flags(&db, &q.quiz_id).await?;
        let mut questions = Vec::new();
        for row in db::attempt::questions(&db, &q.revision_id).await? {
            let answers = db::attempt::answers_to(&db, &row.id).await?;
            let right = answers.iter().filter(|a| a.correct == 1).count();
            let options = &row.options;
            let mut wrong: std::collections::BTreeMap<Html, i64> = Default::default();
            for a in &answers {
                if a.correct == 1 {
                    continue;
                }
                match serde_json::from_str::<Response>(&a.response) {
                    Ok(Response::Choices(c)) => {
                        for id in c {
                            let label = if row.kind == "true_false" {
                                Html::escape(if id == 1 { "đúng" } else { "sai" })
                            } else {
                                options.iter().find(|o| o.id == id).map(|o| o.html.clone()).unwrap_or_default()
                            };
                            *wrong.entry(label).or_default() += 1;
                        }
                    }
                    Ok(Response::Text(t)) if !t.trim().is_empty() => {
                        *wrong.entry(Html::escape(&crate::text::nfc(t.trim()))).or_default() += 1;
                    }
                    _ => {}
                }
            }
            questions.push(QuestionStats {
                prompt_html: Html::from_stored(row.prompt_html),
                answers: answers.len() as i64,
                percent_right: if answers.is_empty() { 0.0 } else { right as f64 * 100.0 / answers.len() as f64 },
                common_wrong: wrong.into_iter().max_by_key(|(_, n)| *n),
            });
        }
        Ok(QuizStats {
            course_slug: course,
            title: q.title,
            attempts,
            learners,
            pass_rate: if attempts > 0 { passed as f64 * 100.0 / attempts as f64 } else { 0.0 },
            average,
            refused: db::attempt::conflicts(&db, &q.quiz_id).await?,
            over_limit,
            late,
            questions,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_typed_answer_is_escaped_and_chosen_options_keep_their_markup() {
            let options = vec![
                QuestionOption { id: 1, html: Html::from_stored("<em>a</em>".into()) },
                QuestionOption { id: 2, html: Html::from_stored("b".into()) },
            ];
            let typed = your_answer(&options, Some(&Response::Text("<script>&\"".into())));
            assert_eq!(typed.as_str(), "&lt;script&gt;&amp;&quot;");
            let chosen = your_answer(&options, Some(&Response::Choices(vec![2, 1])));
            assert_eq!(chosen.as_str(), "<em>a</em>; b");
            assert!(your_answer(&options, None).is_empty());
        }
    }
}
