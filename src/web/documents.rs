//! The questionnaire's optional documents step: upload (multipart, size and type checked),
//! list, download and delete. Files are served only through the applicant's link (staff and
//! experts get them through their own pages, issue 6/7).

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use futures_util::StreamExt;

use super::apply::{StepFrame, frame, load_draft, render, see_other};
use super::ctx::PageCtx;
use super::errors::AppError;
use super::i18n::{T, msg};
use super::{AppState, with_conn};
use crate::db::documents::{self, Document};
use crate::domain::documents::{KINDS, MAX_FILE_BYTES, MAX_FILES, check_kind, clean_name, detect};
use crate::domain::questionnaire::{FieldError, Step};
use crate::services::documents::{self as services_documents, DocumentError, Upload};
use crate::services::questionnaire::Draft;

/// Beyond this the request is refused outright (413); up to it an oversize file gets a message.
const HARD_LIMIT_BYTES: usize = 24 * 1024 * 1024;

pub struct DocRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub size: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "apply/documents.html")]
pub struct DocumentsPage {
    ctx: PageCtx,
    t: T,
    f: StepFrame,
    docs: Vec<DocRow>,
    kinds: Vec<(&'static str, &'static str)>,
    can_add: bool,
    max_files: i64,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "brn_certificate" => msg("doc.brn_certificate"),
        "financial_statements" => msg("doc.financial_statements"),
        "patent_spec" => msg("doc.patent_spec"),
        _ => msg("doc.other"),
    }
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

pub(super) async fn page(
    req: &HttpRequest,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    d: &Draft,
    token: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let case_id = d.case.id;
    let docs = with_conn(state, move |conn| Ok(documents::of_case(conn, case_id)?)).await?;
    let t = ctx.t;
    let page = DocumentsPage {
        f: frame(d, token, Step::Documents, ctx.lang, errors),
        can_add: (docs.len() as i64) < MAX_FILES,
        docs: docs
            .iter()
            .map(|doc| DocRow {
                id: doc.id,
                name: doc.original_name.clone(),
                kind: kind_label(&doc.kind),
                size: human_size(doc.size_bytes),
            })
            .collect(),
        kinds: KINDS.iter().map(|k| (*k, t.get(kind_label(k)))).collect(),
        max_files: MAX_FILES,
        t,
        ctx,
    };
    Ok(render(req, page, status))
}

fn upload_dir(state: &AppState, case_id: i64) -> std::path::PathBuf {
    services_documents::upload_dir(&state.settings.data_dir, case_id)
}

/// Reads a small text field.
async fn read_text(field: &mut actix_multipart::Field) -> Result<String, AppError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
        if buf.len() + chunk.len() > 256 {
            return Err(AppError::BadRequest(msg("error.bad_request")));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub async fn upload(
    req: HttpRequest,
    ctx: PageCtx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let d = match load_draft(&state, &token).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    let mut kind = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut oversize = false;
    let mut total = 0usize;
    // "Save and continue" pressed in the upload form: a chosen file is uploaded first.
    let mut then_continue = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
        match field.name() {
            Some("kind") => kind = read_text(&mut field).await?,
            Some("next") => then_continue = read_text(&mut field).await? == "1",
            Some("file") => {
                let name =
                    field.content_disposition().and_then(|cd| cd.get_filename()).map(clean_name).unwrap_or_default();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| AppError::BadRequest(msg("error.bad_request")))?;
                    total += chunk.len();
                    if total > HARD_LIMIT_BYTES {
                        return Err(AppError::TooLarge);
                    }
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        oversize = true;
                        bytes.clear();
                        continue;
                    }
                    if !oversize {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                file = Some((name, bytes));
            }
            _ => {
                // Unknown fields are read and ignored.
                while let Some(chunk) = field.next().await {
                    total += chunk.map_err(|_| AppError::BadRequest(msg("error.bad_request")))?.len();
                    if total > HARD_LIMIT_BYTES {
                        return Err(AppError::TooLarge);
                    }
                }
            }
        }
    }
    let nothing_chosen = kind.trim().is_empty() && file.as_ref().is_none_or(|(_, b)| b.is_empty()) && !oversize;
    if then_continue && nothing_chosen {
        return continue_on(&state, d.case.id, &token).await;
    }
    let mut errors = Vec::new();
    if let Err(e) = check_kind(kind.trim()) {
        errors.push(e);
    }
    let content_type = match &file {
        _ if oversize => {
            errors.push(FieldError { field: "file", key: "apply.error.file_too_large" });
            None
        }
        Some((name, bytes)) if !bytes.is_empty() => match detect(name, bytes) {
            Ok(ct) => Some(ct),
            Err(key) => {
                errors.push(FieldError { field: "file", key });
                None
            }
        },
        _ => {
            errors.push(FieldError { field: "file", key: "apply.error.file_required" });
            None
        }
    };
    let case_id = d.case.id;
    let existing = with_conn(&state, move |conn| Ok(documents::count(conn, case_id)?)).await?;
    if existing >= MAX_FILES {
        errors.push(FieldError { field: "file", key: "apply.error.file_count" });
    }
    let (Some(content_type), true) = (content_type, errors.is_empty()) else {
        return page(&req, ctx, &state, &d, &token, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (name, bytes) = file.expect("checked above");
    let (now, data_dir) = (state.clock.now(), state.settings.data_dir.clone());
    let kind = kind.trim().to_owned();
    // The file is written before a connection is taken from the pool, then recorded.
    let (bytes, stored) = web::block(move || {
        let stored = services_documents::store(&data_dir, case_id, &bytes);
        (bytes, stored)
    })
    .await?;
    let stored = stored.map_err(|e| AppError::Internal(e.into()))?;
    let outcome = with_conn(&state, move |conn| {
        let upload = Upload { kind: &kind, original_name: &name, content_type, bytes: &bytes };
        Ok(services_documents::record(conn, case_id, &stored, &upload, now))
    })
    .await?;
    match outcome {
        Ok(()) => {}
        Err(DocumentError::Refused(refused)) => {
            let key = match refused {
                documents::Refused::TooMany => "apply.error.file_count",
                documents::Refused::TooLarge => "apply.error.file_total",
            };
            return page(
                &req,
                ctx,
                &state,
                &d,
                &token,
                vec![FieldError { field: "file", key }],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(DocumentError::Io(e)) => {
            return Err(AppError::Internal(anyhow::Error::new(e).context("storing an upload")));
        }
        Err(DocumentError::Db(e)) => return Err(e.into()),
    }
    if then_continue {
        return continue_on(&state, case_id, &token).await;
    }
    Ok(see_other(format!("/apply/{token}/documents")))
}

/// The documents step done: on to the first step still to answer.
async fn continue_on(state: &web::Data<AppState>, case_id: i64, token: &str) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    with_conn(state, move |conn| Ok(crate::services::questionnaire::save_documents_step(conn, case_id, now)?)).await?;
    Ok(see_other(format!("/apply/{token}")))
}

async fn owned_document(state: &web::Data<AppState>, token: &str, id: &str) -> Result<(Draft, Document), AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let d = match load_draft(state, token).await? {
        Ok(d) => d,
        Err(_) => return Err(AppError::NotFound),
    };
    let case_id = d.case.id;
    let doc =
        with_conn(state, move |conn| documents::find_of_case(conn, case_id, id)?.ok_or(AppError::NotFound)).await?;
    Ok((d, doc))
}

/// Always as an attachment, with the type we detected, never rendered inline.
pub async fn download(state: web::Data<AppState>, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (token, id) = path.into_inner();
    let (d, doc) = owned_document(&state, &token, &id).await?;
    send_document(&state, d.case.id, doc).await
}

/// The file, always as an attachment under its original name.
pub async fn send_document(
    state: &web::Data<AppState>,
    case_id: i64,
    doc: documents::Document,
) -> Result<HttpResponse, AppError> {
    let file = upload_dir(state, case_id).join(&doc.stored_name);
    let bytes = web::block(move || std::fs::read(file)).await?.map_err(|_| AppError::NotFound)?;
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: doc.original_name.into_bytes(),
        })],
    };
    let mut res = HttpResponse::Ok().content_type(doc.content_type).insert_header(disposition).body(bytes);
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    Ok(res)
}

pub async fn delete(state: web::Data<AppState>, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (token, id) = path.into_inner();
    let (d, doc) = owned_document(&state, &token, &id).await?;
    let (case_id, doc_id) = (d.case.id, doc.id);
    let data_dir = state.settings.data_dir.clone();
    with_conn(&state, move |conn| {
        services_documents::remove(conn, &data_dir, case_id, doc_id).map_err(|e| match e {
            DocumentError::Db(e) => e.into(),
            e => AppError::Internal(e.into()),
        })
    })
    .await?;
    Ok(see_other(format!("/apply/{token}/documents")))
}
