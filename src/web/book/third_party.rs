//! The consent to give the case to the finance institution, given later or withdrawn from the
//! applicant's link (the finance expert sees names, contact and documents only with it).

use actix_web::{HttpResponse, web};

use crate::services::questionnaire;
use crate::web::apply::{load, see_other};
use crate::web::errors::AppError;
use crate::web::{AppState, with_conn};

#[derive(serde::Deserialize)]
pub struct ThirdPartyForm {
    #[serde(default)]
    given: String,
}

pub async fn third_party(
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<ThirdPartyForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = load(&state, &token).await?;
    let given = form.given == "yes";
    let (case_id, now) = (d.case.id, state.clock.now());
    with_conn(&state, move |conn| Ok(questionnaire::set_third_party(conn, case_id, given, now)?)).await?;
    let said = if given { "given" } else { "withdrawn" };
    Ok(see_other(format!("/apply/{token}/visit?consent={said}#third-party")))
}
