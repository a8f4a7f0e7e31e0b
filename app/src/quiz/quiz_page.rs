//! `/khoa-hoc/:course/kiem-tra/:quiz` (start), `…/lan/:attempt` (answer, then the result) and
//! `…/thong-ke` (figures for trainers). Plain forms: they work without JavaScript.

use super::api::{get_attempt, get_quiz, get_quiz_stats, StartAttempt};
use super::{AttemptView, QuestionForLearner, QuizIntro, Verdict};
use crate::components::{ErrorView, FormError, Interactive};
use super::progress_island::QuizProgress;
use crate::i18n::{format_date, t, tf, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn pct(p: f64) -> String {
    let s = if (p - p.round()).abs() < 0.05 { format!("{}", p.round() as i64) } else { format!("{p:.1}") };
    format!("{}%", s.replace('.', ","))
}

/// The quiz's front page.
#[component]
pub fn QuizPage() -> impl IntoView {
    let p = use_params_map().read_untracked().clone();
    let (course, quiz) = (p.get("course").unwrap_or_default(), p.get("quiz").unwrap_or_default());
    view! {
        <Suspense>
            {move || {
                let (course, quiz) = (course.clone(), quiz.clone());
                Suspend::new(async move {
                    match get_quiz(course, quiz).await {
                        Ok(q) => view! { <Intro quiz=q/> }.into_any(),
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Intro(quiz: QuizIntro) -> impl IntoView {
    let locale = use_locale();
    let base = format!("/khoa-hoc/{}/kiem-tra/{}", quiz.course_slug, quiz.quiz_slug);
    let left = (quiz.attempts_max > 0).then(|| i64::from(quiz.attempts_max) - quiz.attempts_used);
    let can_start = left.is_none_or(|l| l > 0) || quiz.open_attempt.is_some();
    view! {
        <Title text=format!("{} · {}", quiz.title, quiz.course_title)/>
        <nav class="crumbs" aria-label="breadcrumb"><a href=format!("/khoa-hoc/{}", quiz.course_slug)>{quiz.course_title.clone()}</a></nav>
        <h1>{quiz.title.clone()}</h1>
        <FormError/>
        <ul class="facts-list">
            <li>{tf(locale, "quiz.questions", &[("n", quiz.questions.to_string())])}</li>
            <li>{tf(locale, "quiz.pass_mark", &[("p", quiz.pass.to_string())])}</li>
            <li>{match left {
                Some(l) => tf(locale, "quiz.attempts_left", &[("n", l.max(0).to_string()), ("max", quiz.attempts_max.to_string())]),
                None => t(locale, "quiz.attempts_unlimited"),
            }}</li>
            {quiz.time_limit.map(|m| view! { <li>{tf(locale, "quiz.time_limit", &[("n", m.to_string())])}</li> })}
        </ul>
        {quiz.best_percent.map(|b| view! {
            <p class=if quiz.passed { "ok" } else { "muted" }>
                {tf(locale, "quiz.best", &[("p", pct(b))])} " "
                {if quiz.passed { t(locale, "quiz.passed") } else { t(locale, "quiz.not_passed") }}
            </p>
        })}
        {if !quiz.signed_in {
            view! {
                <p>{t(locale, "quiz.sign_in")}</p>
                <p><a class="button primary" href=format!("/dang-nhap?next={}", crate::text::urlencode(&base))>{t(locale, "auth.login")}</a></p>
            }.into_any()
        } else if can_start {
            view! {
                <form method="post" action=StartAttempt::url()>
                    <input type="hidden" name="course" value=quiz.course_slug.clone()/>
                    <input type="hidden" name="quiz" value=quiz.quiz_slug.clone()/>
                    <button type="submit">{if quiz.open_attempt.is_some() { t(locale, "quiz.continue") } else { t(locale, "quiz.start") }}</button>
                </form>
            }.into_any()
        } else {
            view! { <p class="muted">{t(locale, "form.no_attempts_left")}</p> }.into_any()
        }}
        {(!quiz.history.is_empty()).then(|| view! {
            <h2>{t(locale, "quiz.history")}</h2>
            <ol class="items">
                {quiz.history.iter().map(|h| view! {
                    <li class="item"><a href=format!("{base}/lan/{}", h.id)>
                        <span class="title">{h.submitted_at.map(format_date).unwrap_or_default()}</span>
                        <span class="meta">{h.percent.map(pct).unwrap_or_default()}</span>
                        {h.passed.then(|| view! { <span class="badge done">{t(locale, "quiz.passed_badge")}</span> })}
                    </a></li>
                }).collect_view()}
            </ol>
        })}
        {quiz.is_trainer.then(|| view! { <p><a href=format!("{base}/thong-ke")>{t(locale, "quiz.stats")}</a></p> })}
    }
}

/// An attempt: the questions while open, the result once submitted.
#[component]
pub fn AttemptPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("attempt").unwrap_or_default();
    let locale = use_locale();
    view! {
        <Suspense>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match get_attempt(id).await {
                        Ok(a) if a.result.is_some() => view! { <Result attempt=a/> }.into_any(),
                        Ok(a) => {
                            let action = format!("/khoa-hoc/{}/kiem-tra/{}/lan/{}/nop", a.course_slug, a.quiz_slug, a.id);
                            view! { <Questions attempt=a action=action/> }.into_any()
                        }
                        Err(crate::AppError::Unauthorized) => view! {
                            <p><a href="/dang-nhap">{t(locale, "auth.login")}</a></p>
                        }.into_any(),
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The questions of an open attempt, posted to `action`. A ticket taken offline (`ticket`) carries the
/// phone's times, which the offline script fills in, and leaves out the progress island: its wasm is not
/// among what a saved course keeps.
#[component]
pub(crate) fn Questions(attempt: AttemptView, action: String, #[prop(optional)] ticket: Option<Option<u32>>) -> impl IntoView {
    let locale = use_locale();
    let offline = ticket.is_some();
    view! {
        <Title text=attempt.title.clone()/>
        <nav class="crumbs" aria-label="breadcrumb"><a href=format!("/khoa-hoc/{}/kiem-tra/{}", attempt.course_slug, attempt.quiz_slug)>{attempt.title.clone()}</a></nav>
        <h1>{attempt.title.clone()}</h1>
        <FormError/>
        {attempt.deadline_at.map(|d| view! { <p class="muted">{tf(locale, "quiz.deadline", &[("t", format_time(d))])}</p> })}
        {ticket.flatten().map(|m| view! { <p class="muted">{tf(locale, "quiz.time_limit", &[("n", m.to_string())])}</p> })}
        {(!offline).then(|| view! {
            <QuizProgress
                total=attempt.questions.len()
                deadline_ms=attempt.deadline_at
                answered_label=t(locale, "quiz.answered")
                left_label=t(locale, "quiz.left")
            />
        })}
        <form method="post" action=action class="quiz" data-live="off" data-ticket=offline.then(|| attempt.id.clone())>
            {offline.then(|| view! {
                <input type="hidden" name="started" value=""/>
                <input type="hidden" name="at" value=""/>
            })}
            {attempt.questions.iter().enumerate().map(|(i, q)| view! { <Question n=i + 1 q=q.clone()/> }).collect_view()}
            <button type="submit">{t(locale, "quiz.submit")}</button>
        </form>
        {(!offline).then(|| view! { <Interactive/> })}
    }
}

fn format_time(ms: i64) -> String {
    let mins = (ms + 7 * 3_600_000).div_euclid(60_000);
    format!("{:02}:{:02}", mins.div_euclid(60).rem_euclid(24), mins.rem_euclid(60))
}

#[component]
fn Question(n: usize, q: QuestionForLearner) -> impl IntoView {
    let locale = use_locale();
    let name = format!("q_{}", q.id);
    let field = match q.kind.as_str() {
        "text" => view! {
            <label class="sr-only" for=name.clone()>{t(locale, "quiz.your_answer")}</label>
            <input id=name.clone() name=name.clone() maxlength="500" autocomplete="off" placeholder=t(locale, "quiz.your_answer")/>
        }.into_any(),
        "number" => view! {
            <label class="sr-only" for=name.clone()>{t(locale, "quiz.your_answer")}</label>
            <input id=name.clone() name=name.clone() inputmode="decimal" maxlength="50" autocomplete="off" placeholder=t(locale, "quiz.number_hint")/>
        }.into_any(),
        kind => {
            let input_type = if kind == "multiple" { "checkbox" } else { "radio" };
            q.options
                .iter()
                .map(|o| {
                    let label = if kind == "true_false" { t(locale, &format!("quiz.{}", if o.id == 1 { "true" } else { "false" })) } else { String::new() };
                    let html = o.html.clone();
                    view! {
                        <label class="option">
                            <input type=input_type name=name.clone() value=o.id.to_string()/>
                            {if label.is_empty() { view! { <span inner_html=html></span> }.into_any() } else { view! { <span>{label}</span> }.into_any() }}
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let hint = (q.kind == "multiple").then(|| view! { <p class="hint">{t(locale, "quiz.pick_all")}</p> });
    view! {
        <fieldset class="question">
            <legend>
                <span class="qno">{tf(locale, "quiz.question_no", &[("n", n.to_string())])}</span>
                // Sanitised at import.
                <span inner_html=q.prompt_html.clone()></span>
            </legend>
            {hint}
            {field}
        </fieldset>
    }
}

#[component]
fn Result(attempt: AttemptView) -> impl IntoView {
    let locale = use_locale();
    let r = attempt.result.clone().unwrap_or_else(|| unreachable!());
    let back = format!("/khoa-hoc/{}/kiem-tra/{}", attempt.course_slug, attempt.quiz_slug);
    view! {
        <Title text=attempt.title.clone()/>
        <nav class="crumbs" aria-label="breadcrumb"><a href=format!("/khoa-hoc/{}", attempt.course_slug)>{attempt.course_title.clone()}</a></nav>
        <h1>{attempt.title.clone()}</h1>
        <section class=if r.passed { "score passed" } else { "score" } role="status">
            <p class="big">{pct(r.percent)}</p>
            <p>{if r.passed { t(locale, "quiz.passed") } else { tf(locale, "quiz.need", &[("p", r.pass_mark.to_string())]) }}</p>
            {r.timed_out.then(|| view! { <p>{t(locale, "quiz.timed_out")}</p> })}
            {r.over_limit.then(|| view! { <p>{t(locale, "offline.over_limit")}</p> })}
            <p class="muted">{tf(locale, "quiz.best", &[("p", pct(r.best_percent))])}
                {r.attempts_left.map(|l| format!(" · {}", tf(locale, "quiz.attempts_left_short", &[("n", l.max(0).to_string())])))}
            </p>
        </section>
        <ol class="results">
            {r.items.iter().map(|it| {
                let (class, label) = match it.verdict {
                    Verdict::Right => ("right", t(locale, "quiz.right")),
                    Verdict::Partial => ("partial", t(locale, "quiz.partial")),
                    Verdict::Wrong => ("wrong", t(locale, "quiz.wrong")),
                };
                view! {
                    <li class=format!("result {class}")>
                        <p class="verdict">{label}</p>
                        <div inner_html=it.prompt_html.clone()></div>
                        <p><strong>{t(locale, "quiz.your_answer")} ": "</strong><span inner_html=it.your_answer.clone()></span></p>
                        {it.feedback_html.iter().map(|f| view! { <div class="feedback" inner_html=f.clone()></div> }).collect_view()}
                        <div class="explanation" inner_html=it.explanation_html.clone()></div>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p><a class="button" href=back>{t(locale, "quiz.back")}</a></p>
    }
}

/// Figures for trainers.
#[component]
pub fn QuizStatsPage() -> impl IntoView {
    let locale = use_locale();
    let p = use_params_map().read_untracked().clone();
    let (course, quiz) = (p.get("course").unwrap_or_default(), p.get("quiz").unwrap_or_default());
    view! {
        <Suspense>
            {move || {
                let (course, quiz) = (course.clone(), quiz.clone());
                Suspend::new(async move {
                    match get_quiz_stats(course, quiz).await {
                        Ok(s) => view! {
                            <Title text=format!("{} · {}", t(locale, "quiz.stats"), s.title)/>
                            <h1>{t(locale, "quiz.stats")} ": " {s.title.clone()}</h1>
                            <dl class="facts">
                                <dt>{t(locale, "quiz.stat_attempts")}</dt><dd>{s.attempts} " (" {tf(locale, "quiz.stat_learners", &[("n", s.learners.to_string())])} ")"</dd>
                                <dt>{t(locale, "quiz.stat_pass_rate")}</dt><dd>{pct(s.pass_rate)}</dd>
                                <dt>{t(locale, "quiz.stat_average")}</dt><dd>{pct(s.average)}</dd>
                                {(s.refused + s.over_limit + s.late > 0).then(|| view! {
                                    <dt>{t(locale, "quiz.stat_offline")}</dt>
                                    <dd>{tf(locale, "quiz.stat_offline_text", &[("refused", s.refused.to_string()), ("over", s.over_limit.to_string()), ("late", s.late.to_string())])}</dd>
                                })}
                            </dl>
                            <table class="stats">
                                <caption>{t(locale, "quiz.stat_questions")}</caption>
                                <thead><tr>
                                    <th scope="col">{t(locale, "quiz.stat_question")}</th>
                                    <th scope="col">{t(locale, "quiz.stat_right")}</th>
                                    <th scope="col">{t(locale, "quiz.stat_wrong")}</th>
                                </tr></thead>
                                <tbody>
                                    {s.questions.iter().map(|q| view! {
                                        <tr>
                                            <td inner_html=q.prompt_html.clone()></td>
                                            <td>{pct(q.percent_right)} " (" {q.answers} ")"</td>
                                            <td>{q.common_wrong.clone().map(|(a, n)| view! { <span inner_html=a></span> " (" {n} ")" })}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p><a href=format!("/khoa-hoc/{}", s.course_slug)>{t(locale, "lesson.back")}</a></p>
                        }.into_any(),
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
