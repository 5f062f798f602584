//! Follow-ups: finance consultations whose execution is not recorded yet.

use crate::services::access;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::Duration;

use super::case::product_key;
use crate::db::centers;
use crate::services::availability::time_zone;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label};
use crate::web::respond;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

pub struct FollowUp {
    id: i64,
    case_id: i64,
    due: String,
    reference: String,
    product: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert/follow_ups.html")]
pub struct FollowUpsPage {
    ctx: PageCtx,
    t: T,
    items: Vec<FollowUp>,
    is_finance: bool,
    message: Option<&'static str>,
}

pub async fn follow_ups(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    follow_ups_page(&req, ctx, expert, &state, None, StatusCode::OK).await
}

pub(super) async fn follow_ups_page(
    req: &HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: &web::Data<AppState>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let now = state.clock.now();
    let (items, cases, is_finance) = with_conn(state, move |conn| {
        let center = centers::by_id(conn, expert.center_id)?.ok_or(AppError::Forbidden)?;
        let today = crate::domain::availability::local_date(time_zone(&center), now);
        let items = consult::due_follow_ups(conn, expert.zone_id, today + Duration::days(7))?;
        let ids: Vec<i64> = items.iter().filter_map(|c| c.case_id).collect();
        let (list, consultation) = (access::list::FOLLOW_UPS, access::Purpose::Consultation);
        access::listed(conn, expert.user_id, list, ids.len(), consultation, now)?;
        let is_finance = centers::zones_of(conn, expert.center_id)?
            .iter()
            .any(|(z, k)| z.id == expert.zone_id && k.zone_type == crate::domain::ZoneType::Finance);
        Ok((items, crate::db::cases::cases_by_ids(conn, &ids)?, is_finance))
    })
    .await?;
    let page = FollowUpsPage {
        t: ctx.t,
        items: items
            .iter()
            .map(|c| FollowUp {
                id: c.id,
                case_id: c.case_id.unwrap_or_default(),
                due: c.follow_up_on.map(|d| date_label(lang, d)).unwrap_or_default(),
                reference: cases
                    .iter()
                    .find(|x| Some(x.id) == c.case_id)
                    .map(|x| x.reference.clone())
                    .unwrap_or_default(),
                product: c.product.as_deref().map(product_key),
            })
            .collect(),
        is_finance,
        message,
        ctx,
    };
    Ok(respond::page(req, page, code))
}
