//! A zone's type, as the product knows it by what its consultations record. Zone kinds are data
//! (`zone_kinds`: code, names, order — a center may run more); the three the ministry counts
//! have a type of their own, and any kind added as data records advice, like legal.

use std::convert::Infallible;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ZoneType {
    /// 법률: advice given.
    Legal,
    /// 금융: the institution, the product, financing executed (억원 in the reports).
    Finance,
    /// 지식재산: advice and patents transferred.
    Ip,
    /// A zone kind added as data (its code).
    Other(String),
}

impl ZoneType {
    pub fn of(code: &str) -> Self {
        match code {
            "legal" => ZoneType::Legal,
            "finance" => ZoneType::Finance,
            "ip" => ZoneType::Ip,
            other => ZoneType::Other(other.to_owned()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ZoneType::Legal => "legal",
            ZoneType::Finance => "finance",
            ZoneType::Ip => "ip",
            ZoneType::Other(code) => code,
        }
    }
}

impl std::str::FromStr for ZoneType {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(ZoneType::of(s))
    }
}

impl std::fmt::Display for ZoneType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_counted_kinds_have_a_type_and_others_keep_their_code() {
        for t in [ZoneType::Legal, ZoneType::Finance, ZoneType::Ip] {
            assert_eq!(ZoneType::of(t.code()), t);
        }
        assert_eq!(ZoneType::of("tax"), ZoneType::Other("tax".into()));
        assert_eq!(ZoneType::of("tax").code(), "tax");
        assert_eq!(ZoneType::of("Finance"), ZoneType::Other("Finance".into()), "codes are exact");
    }
}
