//! Server functions for offline learning: a ticket's page, and the data-saver switch.

use super::TicketView;
use crate::error::AppError;
use leptos::prelude::*;

/// A ticket of the signed-in learner, as its page shows it: the questions (no keys), or that it was
/// submitted, with the attempt's id for its result.
#[server(endpoint = "ticket", input = server_fn::codec::GetUrl)]
pub async fn get_ticket(id: String) -> Result<TicketView, AppError> {
    crate::state::with_status(ssr::ticket(id).await)
}

/// Turn "Tiết kiệm dữ liệu" on or off: images then load only when tapped. A plain form post.
#[server(endpoint = "data_saver")]
pub async fn set_data_saver(on: Option<String>) -> Result<(), AppError> {
    let result = async {
        let user = crate::state::require_user()?;
        let db = crate::state::db()?;
        crate::db::offline::set_data_saver(&db, &user.id, on.is_some()).await?;
        Ok(())
    }
    .await;
    crate::state::finish_form(result, "/tai-khoan?luu=1", "/tai-khoan")
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::TicketView;
    use crate::db;
    use crate::error::AppError;
    use crate::html::Html;
    use crate::quiz::{api::ssr::options_for, AttemptView, QuestionForLearner};
    use crate::state;

    pub(super) async fn ticket(id: String) -> Result<TicketView, AppError> {
        let user = state::require_user()?;
        let db = state::db()?;
        let t = db::attempt::ticket(&db, &id).await?.filter(|t| t.user_id == user.id).ok_or(AppError::NotFound)?;
        let q = db::attempt::quiz_of_revision(&db, &t.quiz_revision_id).await?;
        let all = db::attempt::questions(&db, &t.quiz_revision_id).await?;
        let row = t.as_open_attempt(false);
        let questions = t
            .question_ids
            .iter()
            .filter_map(|qid| all.iter().find(|x| &x.id == qid))
            .map(|x| QuestionForLearner {
                id: x.id.clone(),
                kind: x.kind.clone(),
                prompt_html: Html::from_stored(x.prompt_html.clone()),
                options: options_for(&row, q.settings.shuffle, x),
                points: x.points,
            })
            .collect();
        Ok(TicketView {
            attempt: AttemptView {
                id: t.id,
                course_slug: q.course_slug,
                course_title: q.course_title,
                quiz_slug: q.quiz_slug,
                title: q.title,
                deadline_at: None,
                questions,
                result: None,
            },
            time_limit: q.settings.time_limit,
            submitted: t.submitted,
        })
    }
}
