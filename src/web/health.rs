//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};

use super::AppState;
use crate::db;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok")
}

/// The database answers and every embedded migration is applied.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let result = web::block(move || -> anyhow::Result<usize> {
        let mut conn = pool.get()?;
        db::pending_migrations(&mut conn)
    })
    .await;
    match result {
        Ok(Ok(0)) => HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ready"),
        Ok(Ok(n)) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(format!("not ready: {n} migration(s) pending")),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("not ready: database unavailable")
        }
        Err(_) => HttpResponse::ServiceUnavailable().content_type("text/plain; charset=utf-8").body("not ready"),
    }
}
