//! Applying again from an ended case's link: a new draft, prefilled, opened at "check your
//! answers" (the consent is asked again before it can be sent).

use actix_web::{HttpRequest, HttpResponse, web};

use super::{StartForm, context, load, see_other};
use crate::services::questionnaire as q;
use crate::web::AppState;
use crate::web::book::has_ended;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::msg;
use crate::web::with_conn;

pub async fn again(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    if !has_ended(d.status) {
        return Ok(see_other(format!("/apply/{token}/visit")));
    }
    let key = form.into_inner().key;
    if !super::valid_key(&key) {
        return Err(AppError::BadRequest(msg("error.bad_request")));
    }
    let new = crate::token::derive_token(state.settings.secret.expose(), "apply", &key);
    let (st, tok, lang, now) = (state.clone(), new.clone(), ctx.lang, state.clock.now());
    let client = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into());
    let limit = state.settings.limits.drafts_per_hour;
    let started =
        with_conn(&state, move |conn| Ok(q::start_again(conn, &d, lang, &tok, &client, limit, &context(&st, now))?))
            .await?;
    if started.is_none() {
        return Err(AppError::TooMany(msg("apply.too_many_drafts"), 3600));
    }
    Ok(see_other(format!("/apply/{new}/review")))
}
