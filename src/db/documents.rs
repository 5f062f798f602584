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
