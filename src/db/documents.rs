//! A case's uploaded documents (the files live under the data directory).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::case_documents;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_documents)]
pub struct Document {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = case_documents)]
pub struct NewDocument<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub original_name: &'a str,
    pub stored_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub uploaded_at: NaiveDateTime,
}

pub fn of_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Document>> {
    case_documents::table
        .filter(case_documents::case_id.eq(case_id))
        .order(case_documents::id)
        .select(Document::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn, case_id: i64) -> QueryResult<i64> {
    case_documents::table.filter(case_documents::case_id.eq(case_id)).count().get_result(conn)
}

/// Why an upload was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooMany,
    TooLarge,
}

/// Stores the document only if the case then holds at most `max_files` documents of at most
/// `max_bytes` together — decided by the database: the count and the insert are one write
/// transaction under a lock on the case, so concurrent uploads never pass the limit.
pub fn insert_within(
    conn: &mut DbConn,
    d: &NewDocument<'_>,
    max_files: i64,
    max_bytes: i64,
) -> QueryResult<Result<(), Refused>> {
    super::write_tx(conn, |conn| {
        super::lock_key(conn, &format!("documents:{}", d.case_id))?;
        let (n, bytes): (i64, Option<i64>) = case_documents::table
            .filter(case_documents::case_id.eq(d.case_id))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
                    "CAST(SUM(size_bytes) AS BIGINT)",
                ),
            ))
            .first(conn)?;
        if n >= max_files {
            return Ok(Err(Refused::TooMany));
        }
        if bytes.unwrap_or(0) + d.size_bytes > max_bytes {
            return Ok(Err(Refused::TooLarge));
        }
        insert(conn, d)?;
        Ok(Ok(()))
    })
}

pub fn insert(conn: &mut DbConn, d: &NewDocument<'_>) -> QueryResult<()> {
    diesel::insert_into(case_documents::table).values(d).execute(conn).map(|_| ())
}

/// The document, only if it belongs to the case (no reaching another case's file by id).
pub fn find_of_case(conn: &mut DbConn, case_id: i64, id: i64) -> QueryResult<Option<Document>> {
    case_documents::table
        .filter(case_documents::case_id.eq(case_id))
        .filter(case_documents::id.eq(id))
        .select(Document::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConn, case_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(case_documents::table.filter(case_documents::case_id.eq(case_id)).filter(case_documents::id.eq(id)))
        .execute(conn)
}

pub fn delete_all(conn: &mut DbConn, case_id: i64) -> QueryResult<usize> {
    diesel::delete(case_documents::table.filter(case_documents::case_id.eq(case_id))).execute(conn)
}
