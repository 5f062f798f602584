//! The pre-brief of a case routed to the expert's zone, with the outcome and referral forms.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;

use crate::db::centers;
use crate::db::{answers, documents};
use crate::domain::CaseStatus;
use crate::domain::ZoneType;
use crate::domain::consultation::{FINANCE_PRODUCTS, INSTITUTIONS, IP_ADVICE, LEGAL_ADVICE, OutcomeForm};
use crate::domain::questionnaire::FieldError;
use crate::services::consult;
use crate::web::ctx::PageCtx;
use crate::web::errors::AppError;
use crate::web::i18n::{T, date_label, msg};
use crate::web::respond;
use crate::web::who::Expert;
use crate::web::{AppState, with_conn};

/// Another zone's leg of the same one-stop visit today.
pub struct OtherLeg {
    zone: String,
    time: String,
    state: &'static str,
    summary: Option<String>,
}

/// The lobby call of the open consultation: when, which ticket, and whether "did not come"
/// would put the visitor back in line (first call) or mark them not attended (second).
pub struct Call {
    consultation: i64,
    called: String,
    ticket: Option<i32>,
    second: bool,
}

pub struct Earlier {
    date: String,
    zone: String,
    summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert/case.html")]
pub struct CasePage {
    ctx: PageCtx,
    t: T,
    id: i64,
    version: i64,
    reference: String,
    /// What this expert's zone records: financing (finance) or patents (IP), else advice.
    finance_zone: bool,
    ip_zone: bool,
    /// Every answer the applicant gave, in words (`web::answers`), without the contact section.
    sections: Vec<crate::web::answers::Section>,
    /// Whom to greet.
    contact_name: Option<String>,
    /// No consent to provision to the finance institution: names, contact and documents held back.
    withheld: bool,
    routing: Vec<String>,
    docs: Vec<(i64, String)>,
    earlier: Vec<Earlier>,
    /// Today's legs of this visit in the other zones (done, waiting, later), with summaries.
    others: Vec<OtherLeg>,
    /// The open consultation of this expert's zone: the outcome form.
    open: Option<i64>,
    call: Option<Call>,
    /// The completed consultation of this zone, if the case can be referred on.
    referable: Option<i64>,
    form: OutcomeForm,
    errors: Vec<FieldError>,
    institutions: Vec<(&'static str, String)>,
    products: Vec<(&'static str, &'static str)>,
    advice: Vec<(&'static str, &'static str)>,
    other_zones: Vec<(String, String)>,
    message: Option<&'static str>,
    /// "상담 중 · 14:03부터": this zone's consultation is open.
    since: Option<String>,
    /// What this zone recorded last (facts in words), shown after "complete" and later.
    recorded: Vec<(&'static str, String)>,
    /// Just started (`?started=1`) or just completed (`?done=1`): said at the top, focused.
    just: Option<&'static str>,
}

impl CasePage {
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.key)
    }
}

pub async fn case(
    req: HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    case_page(&req, ctx, expert, &state, id.into_inner(), OutcomeForm::default(), Vec::new(), None, StatusCode::OK)
        .await
}

/// What the pre-brief shows, read in one trip to the database.
struct Loaded {
    case: crate::db::cases::Case,
    sees: crate::services::access::Sees,
    ans: Option<answers::Answers>,
    topics: Vec<String>,
    zones: Vec<answers::CaseZone>,
    all: Vec<(centers::Zone, centers::ZoneKind)>,
    my_kind: Option<ZoneType>,
    consultations: Vec<consult::Consultation>,
    earlier: Vec<consult::Consultation>,
    docs: Vec<documents::Document>,
    institutions: Vec<centers::Institution>,
    visit: Vec<crate::db::appointments::Appointment>,
    center: Option<centers::Center>,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn case_page(
    req: &HttpRequest,
    ctx: PageCtx,
    expert: Expert,
    state: &web::Data<AppState>,
    id: i64,
    form: OutcomeForm,
    errors: Vec<FieldError>,
    message: Option<&'static str>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let now = state.clock.now();
    let loaded = with_conn(state, move |conn| {
        // An expert sees the cases routed to their zone or consulted there.
        let (case, sees) = crate::services::access::case_for_expert(conn, expert, id, now)?;
        let all = centers::zones_of(conn, expert.center_id)?;
        let ans = answers::find(conn, case.id)?;
        let earlier = match ans.as_ref().and_then(|a| a.brn.clone()) {
            Some(brn) => consult::earlier_of_company(conn, expert.center_id, &brn, case.id)?,
            None => Vec::new(),
        };
        Ok(Loaded {
            sees,
            my_kind: all.iter().find(|(z, _)| z.id == expert.zone_id).map(|(_, k)| k.zone_type.clone()),
            zones: answers::zones(conn, case.id)?,
            topics: answers::topics(conn, case.id)?,
            consultations: consult::of_case(conn, case.id)?,
            docs: documents::of_case(conn, case.id)?,
            institutions: centers::institutions(conn)?,
            visit: crate::db::appointments::visit_of_case(conn, case.id)?,
            center: centers::by_id(conn, expert.center_id)?,
            all,
            ans,
            earlier,
            case,
        })
    })
    .await?;
    let Loaded {
        case,
        sees,
        ans,
        topics,
        zones,
        all,
        my_kind,
        consultations,
        earlier,
        docs,
        institutions,
        visit,
        center,
    } = loaded;
    // A finance institution's expert without the applicant's consent to provision: the
    // company's profile and needs, no names, contact or documents.
    let withheld = sees == crate::services::access::Sees::BusinessOnly;
    let docs = if withheld { Vec::new() } else { docs };
    let topics: Vec<crate::domain::questionnaire::Topic> =
        topics.iter().filter_map(|c| crate::domain::questionnaire::Topic::parse(c)).collect();
    let mut sections = match &ans {
        Some(a) => crate::web::answers::sections(ctx.t, a, &topics, &docs, false),
        None => Vec::new(),
    };
    if withheld {
        for row in sections.iter_mut().flat_map(|s| s.rows.iter_mut()) {
            if row.label == msg("apply.company.representative") || row.label == msg("apply.documents.uploaded") {
                row.value = ctx.t.get("expert.withheld").to_owned();
            }
        }
    }
    let open_c = consultations.iter().find(|c| c.zone_id == expert.zone_id && c.completed_at.is_none());
    let open = open_c.map(|c| c.id);
    let referable = (case.status == CaseStatus::Consulted)
        .then(|| {
            consultations.iter().rev().find(|c| c.zone_id == expert.zone_id && c.completed_at.is_some()).map(|c| c.id)
        })
        .flatten();
    let zone_name =
        |zid: i64| all.iter().find(|(z, _)| z.id == zid).map(|(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned());
    let hhmm = |t: chrono::NaiveDateTime| center.as_ref().map(|c| super::hhmm(c, t)).unwrap_or_default();
    let mine = |c: &&consult::Consultation| c.zone_id == expert.zone_id;
    let since = consultations.iter().filter(mine).find(|c| c.completed_at.is_none()).map(|c| hhmm(c.started_at));
    let mut recorded: Vec<(&'static str, String)> = Vec::new();
    if let Some(c) = consultations.iter().filter(mine).filter(|c| c.completed_at.is_some()).last() {
        let t = ctx.t;
        if let Some(i) = c.institution_id.and_then(|id| institutions.iter().find(|i| i.id == id)) {
            recorded.push((msg("outcome.institution"), lang.pick(&i.name_ko, &i.name_en).to_owned()));
        }
        if let Some(p) = &c.product {
            recorded.push((msg("outcome.product_label"), t.get(product_key(p)).to_owned()));
        }
        if let Some(n) = c.executed_won {
            recorded.push((
                msg("outcome.executed_won"),
                t.fmt("apply.details.won", "amount", crate::web::answers::group_digits(n)),
            ));
        }
        if let Some(a) = &c.advice_type {
            recorded.push((msg("outcome.advice_type"), t.get(advice_key(a)).to_owned()));
        }
        if let Some(n) = c.patents_transferred {
            recorded.push((msg("outcome.patents"), n.to_string()));
        }
        if let Some(s) = c.summary.clone().filter(|s| !s.is_empty()) {
            recorded.push((msg("outcome.summary"), s));
        }
        if let Some(d) = c.follow_up_on {
            recorded.push((msg("outcome.follow_up_on"), date_label(lang, d)));
        }
        if let Some(at) = c.completed_at {
            recorded.push((msg("expert.completed_at"), hhmm(at)));
        }
    }
    let today = center
        .as_ref()
        .map(|c| crate::domain::availability::local_date(crate::services::availability::time_zone(c), now));
    let others: Vec<OtherLeg> = visit
        .iter()
        .filter(|a| a.zone_id != expert.zone_id)
        .filter(|a| {
            let tz = center.as_ref().map(crate::services::availability::time_zone);
            tz.map(|tz| crate::domain::availability::local_date(tz, a.starts_at)) == today
        })
        .map(|a| OtherLeg {
            zone: zone_name(a.zone_id).unwrap_or_default(),
            time: hhmm(a.starts_at),
            state: crate::web::labels::appt_status_key(a.status),
            summary: consultations
                .iter()
                .find(|c| c.appointment_id == Some(a.id))
                .and_then(|c| c.summary.clone().or_else(|| c.notes.clone())),
        })
        .collect();
    let call = open_c.and_then(|c| {
        let a = visit.iter().find(|a| Some(a.id) == c.appointment_id)?;
        Some(Call {
            consultation: c.id,
            called: hhmm(a.called_at.unwrap_or(c.started_at)),
            ticket: a.ticket_number,
            second: a.call_count >= 2,
        })
    });
    let just = match req.query_string() {
        "started=1" if since.is_some() => Some(msg("expert.just_started")),
        "recalled=1" if since.is_some() => Some(msg("expert.just_recalled")),
        "done=1" if !recorded.is_empty() => Some(msg("expert.just_completed")),
        _ => None,
    };
    let page = CasePage {
        since,
        recorded,
        others,
        just,
        t: ctx.t,
        id: case.id,
        version: case.version,
        reference: case.reference.clone(),
        sections,
        contact_name: ans.as_ref().and_then(|a| a.contact_name.clone()).filter(|_| !withheld),
        withheld,
        routing: crate::web::answers::routing_for_staff(ctx.t, &zones, &topics, &all, &institutions),
        docs: docs.iter().map(|d| (d.id, d.original_name.clone())).collect(),
        earlier: earlier
            .iter()
            .map(|c| Earlier {
                date: c.consulted_on.map(|d| date_label(lang, d)).unwrap_or_default(),
                zone: zone_name(c.zone_id).unwrap_or_default(),
                summary: c.summary.clone().or_else(|| c.notes.clone()).unwrap_or_default(),
            })
            .collect(),
        open,
        call,
        referable,
        form,
        errors,
        institutions: INSTITUTIONS
            .iter()
            .map(|code| {
                let name =
                    institutions.iter().find(|i| i.code == *code).map(|i| lang.pick(&i.name_ko, &i.name_en).to_owned());
                (*code, name.unwrap_or_else(|| (*code).to_owned()))
            })
            .collect(),
        products: FINANCE_PRODUCTS.iter().map(|p| (*p, product_key(p))).collect(),
        advice: if my_kind == Some(ZoneType::Ip) { IP_ADVICE.to_vec() } else { LEGAL_ADVICE.to_vec() }
            .into_iter()
            .map(|a| (a, advice_key(a)))
            .collect(),
        other_zones: all
            .iter()
            .filter(|(z, _)| z.id != expert.zone_id)
            .map(|(_, k)| (k.code.clone(), lang.pick(&k.name_ko, &k.name_en).to_owned()))
            .collect(),
        finance_zone: my_kind == Some(ZoneType::Finance),
        ip_zone: my_kind == Some(ZoneType::Ip),
        message,
        ctx,
    };
    Ok(respond::page(req, page, code))
}

pub(super) fn product_key(p: &str) -> &'static str {
    match p {
        "guarantee" => msg("outcome.product.guarantee"),
        "loan" => msg("outcome.product.loan"),
        "investment" => msg("outcome.product.investment"),
        _ => msg("outcome.product.other"),
    }
}

pub(super) fn advice_key(a: &str) -> &'static str {
    match a {
        "application" => msg("outcome.advice.application"),
        "prior_art" => msg("outcome.advice.prior_art"),
        "transfer" => msg("outcome.advice.transfer"),
        "dispute" => msg("outcome.advice.dispute"),
        "contract" => msg("outcome.advice.contract"),
        "labor" => msg("outcome.advice.labor"),
        "governance" => msg("outcome.advice.governance"),
        "licensing" => msg("outcome.advice.licensing"),
        _ => msg("outcome.advice.other"),
    }
}
