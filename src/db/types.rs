//! Typed values stored as text: a column of such a type is read as the type, parsed once at the
//! boundary; a code the type does not know is an error when the row is read, never a silent
//! default. Writes pass the value's `as_str()`. (The domain stays free of diesel: the mapping is
//! here.)

use crate::domain::appointment::AppointmentStatus;
use crate::domain::message::{MessageKind, MessageStatus};
use crate::domain::{CaseStatus, Role, ZoneType};

/// Reading a `Text` column as the type on every backend (SQLite, PostgreSQL and the
/// multi-backend connection), for a type with `FromStr`.
macro_rules! text_column {
    ($($t:ty),*) => {$(
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                Ok(s.parse::<$t>()?)
            }
        }

        impl<DB> diesel::deserialize::Queryable<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            Self: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> diesel::deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}

text_column!(AppointmentStatus, CaseStatus, Role, ZoneType, MessageKind, MessageStatus);

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    #[test]
    fn a_known_code_reads_as_its_value_and_an_unknown_one_is_an_error_not_a_default() {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        let read = |c: &mut SqliteConnection, code: &str| {
            diesel::select(code.to_owned().into_sql::<Text>()).get_result::<AppointmentStatus>(c)
        };
        assert_eq!(read(&mut c, "in_consultation").unwrap(), AppointmentStatus::InConsultation);
        assert!(read(&mut c, "booked ").is_err());
        let case = diesel::select("no_show".to_owned().into_sql::<Text>()).get_result::<CaseStatus>(&mut c);
        assert_eq!(case.unwrap(), CaseStatus::NoShow);
        assert!(diesel::select("Draft".to_owned().into_sql::<Text>()).get_result::<CaseStatus>(&mut c).is_err());
    }
}
