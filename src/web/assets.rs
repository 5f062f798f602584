//! Static files, embedded in the binary (read from disk in debug builds).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::Embed;

use super::errors::AppError;

#[derive(Embed)]
#[folder = "static/"]
#[exclude = "*.md"]
struct Assets;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let cache = (header::CACHE_CONTROL, "public, max-age=3600");
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).insert_header(cache).finish());
    }
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") { format!("{mime}; charset=utf-8") } else { mime.to_owned() };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .insert_header(cache)
        .body(file.data.into_owned()))
}

/// Browsers ask for `/favicon.ico` on their own; point them at the SVG icon.
pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently().insert_header((header::LOCATION, "/static/img/favicon.svg")).finish()
}
