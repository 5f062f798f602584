//! An applicant's documents: the file on disk under `<data dir>/uploads/<case>/` and its row,
//! kept together — a file is written before its row (`store`, then `record`), and goes again when the row is refused
//! (limits decided by the database) or deleted.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::documents::{self, NewDocument, Refused};
use crate::domain::documents::{MAX_FILES, MAX_TOTAL_BYTES};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The draft holds as many files, or as many bytes, as it may.
    #[error("refused: {0:?}")]
    Refused(Refused),
    #[error("storing the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A checked upload (type detected, name cleaned, size within the limit).
pub struct Upload<'a> {
    pub kind: &'a str,
    pub original_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// Where a case's files are kept.
pub fn upload_dir(data_dir: &Path, case_id: i64) -> PathBuf {
    data_dir.join("uploads").join(case_id.to_string())
}

/// A file written under a random name, not yet recorded.
pub struct Stored {
    name: String,
    path: PathBuf,
    sha256: String,
}

/// Writes the file under a random name (step one of an upload, done without holding a
/// database connection).
pub fn store(data_dir: &Path, case_id: i64, bytes: &[u8]) -> std::io::Result<Stored> {
    let name = crate::token::random_hex::<16>();
    let dir = upload_dir(data_dir, case_id);
    let path = dir.join(&name);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(&path, bytes)?;
    Ok(Stored { name, path, sha256: hex::encode(Sha256::digest(bytes)) })
}

/// Records a stored file within the draft's limits (step two); a refused row takes its file
/// with it.
pub fn record(
    conn: &mut DbConn,
    case_id: i64,
    stored: &Stored,
    u: &Upload<'_>,
    now: NaiveDateTime,
) -> Result<(), DocumentError> {
    let row = NewDocument {
        case_id,
        kind: u.kind,
        original_name: u.original_name,
        stored_name: &stored.name,
        content_type: u.content_type,
        size_bytes: u.bytes.len() as i64,
        sha256: &stored.sha256,
        uploaded_at: now,
    };
    let refused = match documents::insert_within(conn, &row, MAX_FILES, MAX_TOTAL_BYTES) {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(refused)) => DocumentError::Refused(refused),
        Err(e) => DocumentError::Db(e),
    };
    // A concurrent upload took the last place (or the insert failed): the file goes too.
    let _ = std::fs::remove_file(&stored.path);
    Err(refused)
}

/// Deletes a document of the case, row and file.
pub fn remove(conn: &mut DbConn, data_dir: &Path, case_id: i64, doc_id: i64) -> Result<(), DocumentError> {
    if let Some(doc) = documents::find_of_case(conn, case_id, doc_id)? {
        documents::delete(conn, case_id, doc_id)?;
        if let Err(e) = std::fs::remove_file(upload_dir(data_dir, case_id).join(&doc.stored_name)) {
            tracing::warn!(case_id, error = %e, "could not remove a deleted document's file");
        }
    }
    Ok(())
}
