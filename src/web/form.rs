//! Form bodies read as raw pairs, so that repeated checkboxes, unknown and duplicate fields all
//! arrive (serde's struct forms drop or refuse them); a body that is not urlencoded is a 400.

use super::errors::AppError;
use super::i18n::msg;

pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Result<Self, AppError> {
        serde_urlencoded::from_bytes(body).map(Fields).map_err(|_| AppError::BadRequest(msg("error.bad_request")))
    }

    /// The first value of a field, or "" when it is missing.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field (checkboxes), in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}
