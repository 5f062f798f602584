//! Who is asking. Each role is an extractor, so that a handler's signature says who may call
//! it: `staff: Staff` (a staff member or admin of a center), `expert: Expert` (an expert of one
//! zone), `admin: Admin` (an admin of a center), `_: National` (the national account). Without a
//! session the request is sent to the sign-in page (which comes back here); with the wrong role
//! it gets the 403 page. The page context they read is extracted once per request.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use super::ctx::{CurrentUser, PageCtx};
use super::errors::AppError;
use crate::domain::Role;
pub use crate::services::consult::Expert;
pub use crate::services::desk::Staff;

/// An admin of a center (the people page is theirs).
#[derive(Debug, Clone, Copy)]
pub struct Admin {
    pub user_id: i64,
    pub center_id: i64,
}

/// The national account: an admin without a center, who reads every center's reports.
#[derive(Debug, Clone, Copy)]
pub struct National;

impl Staff {
    pub fn of(user: &CurrentUser) -> Result<Self, AppError> {
        if user.role == Role::Expert {
            return Err(AppError::Forbidden);
        }
        Ok(Staff { user_id: user.id, center_id: user.center_id.ok_or(AppError::Forbidden)? })
    }
}

impl Expert {
    pub fn of(user: &CurrentUser) -> Result<Self, AppError> {
        if user.role != Role::Expert {
            return Err(AppError::Forbidden);
        }
        Ok(Expert {
            user_id: user.id,
            center_id: user.center_id.ok_or(AppError::Forbidden)?,
            zone_id: user.zone_id.ok_or(AppError::Forbidden)?,
        })
    }
}

impl Admin {
    pub fn of(user: &CurrentUser) -> Result<Self, AppError> {
        if user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(Admin { user_id: user.id, center_id: user.center_id.ok_or(AppError::Forbidden)? })
    }
}

impl National {
    pub fn of(user: &CurrentUser) -> Result<Self, AppError> {
        if user.role == Role::Admin && user.center_id.is_none() { Ok(National) } else { Err(AppError::Forbidden) }
    }
}

/// `FromRequest` for a role: the signed-in user (from the page context), then the role's check.
macro_rules! role_extractor {
    ($($role:ty),*) => {$(
        impl FromRequest for $role {
            type Error = AppError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let ctx = PageCtx::from_request(req, payload);
                Box::pin(async move { <$role>::of(ctx.await?.require_user()?) })
            }
        }
    )*};
}

role_extractor!(Staff, Expert, Admin, National);
