//! The pre-questionnaire (사전문진): its vocabularies, and parsing each step's raw form into
//! typed answers or a message per field. Message values are catalog keys.

use super::ZoneType;
pub use super::form::FieldError;

mod company;
mod contact;
mod details;
mod needs;

pub use company::*;
pub use contact::*;
pub use details::*;
pub use needs::*;

/// The steps, in order. `Details` is asked only when the chosen needs require it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Company,
    Contact,
    Needs,
    Details,
    Documents,
    Consent,
    Review,
}

impl Step {
    pub const ALL: [Step; 7] =
        [Step::Company, Step::Contact, Step::Needs, Step::Details, Step::Documents, Step::Consent, Step::Review];

    pub fn slug(self) -> &'static str {
        match self {
            Step::Company => "company",
            Step::Contact => "contact",
            Step::Needs => "needs",
            Step::Details => "details",
            Step::Documents => "documents",
            Step::Consent => "consent",
            Step::Review => "review",
        }
    }

    pub fn from_slug(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.slug() == s)
    }
}

/// A small closed vocabulary: code as stored and sent in forms.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn parse(code: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == code) }
        }
    };
}

vocabulary!(
    /// Where the company is in its life.
    Stage { PreFounder = "pre_founder", UpTo3Years = "up_to_3y", UpTo7Years = "up_to_7y", Sme = "sme" }
);
vocabulary!(
    /// Last year's revenue.
    RevenueBand { None = "none", Under100M = "under_100m", Under1B = "under_1b", Under10B = "under_10b", Over10B = "over_10b" }
);
vocabulary!(
    /// Korean Standard Industrial Classification, sections A–U.
    Industry {
        A = "A", B = "B", C = "C", D = "D", E = "E", F = "F", G = "G", H = "H", I = "I", J = "J", K = "K",
        L = "L", M = "M", N = "N", O = "O", P = "P", Q = "Q", R = "R", S = "S", T = "T", U = "U",
    }
);
vocabulary!(
    /// The 17 metropolitan cities and provinces (the centers' slugs).
    Region {
        Seoul = "seoul", Busan = "busan", Daegu = "daegu", Incheon = "incheon", Gwangju = "gwangju",
        Daejeon = "daejeon", Ulsan = "ulsan", Sejong = "sejong", Gyeonggi = "gyeonggi", Gangwon = "gangwon",
        Chungbuk = "chungbuk", Chungnam = "chungnam", Jeonbuk = "jeonbuk", Jeonnam = "jeonnam",
        Gyeongbuk = "gyeongbuk", Gyeongnam = "gyeongnam", Jeju = "jeju",
    }
);
vocabulary!(
    /// What the applicant needs help with; each belongs to one zone kind.
    Topic {
        Contracts = "contracts", Labor = "labor", Governance = "governance", Disputes = "disputes", Licensing = "licensing",
        Guarantee = "guarantee", PolicyLoan = "policy_loan", Investment = "investment", Grants = "grants",
        Patent = "patent", TrademarkDesign = "trademark_design", PriorArt = "prior_art", IpDispute = "ip_dispute",
        TechTransfer = "tech_transfer",
    }
);
vocabulary!(
    PreferredTime { Any = "any", Morning = "morning", Afternoon = "afternoon" }
);
vocabulary!(
    /// For technology transfer: which way the technology goes.
    TransferDirection { Acquire = "acquire", LicenseOut = "license_out" }
);

impl Topic {
    /// The zone kind a topic belongs to in the vocabulary (routing rules decide the rest).
    pub fn zone_type(self) -> ZoneType {
        use Topic::*;
        match self {
            Contracts | Labor | Governance | Disputes | Licensing => ZoneType::Legal,
            Guarantee | PolicyLoan | Investment | Grants => ZoneType::Finance,
            Patent | TrademarkDesign | PriorArt | IpDispute | TechTransfer => ZoneType::Ip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::err;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn company() -> CompanyForm {
        CompanyForm {
            company_name: "주식회사 원스톱".into(),
            brn: "120-81-47521".into(),
            representative: "김창업".into(),
            founded_on: "2024-03-02".into(),
            employees: "12".into(),
            industry: "J".into(),
            stage: "up_to_3y".into(),
            revenue_band: "under_1b".into(),
            region: "gyeongnam".into(),
        }
    }

    #[test]
    fn a_complete_company_step_parses() {
        let c = company().parse(today()).unwrap();
        assert_eq!(c.brn.unwrap().to_string(), "120-81-47521");
        assert_eq!(c.stage, Stage::UpTo3Years);
        assert_eq!(c.employees, 12);
    }

    #[test]
    fn a_pre_founder_may_leave_the_brn_and_founding_date_empty() {
        let f = CompanyForm { brn: "".into(), founded_on: "".into(), stage: "pre_founder".into(), ..company() };
        let c = f.parse(today()).unwrap();
        assert!(c.brn.is_none() && c.founded_on.is_none());
        let f = CompanyForm { brn: "".into(), ..company() };
        assert_eq!(f.parse(today()).unwrap_err(), vec![err("brn", "apply.error.brn_required")]);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let f = CompanyForm {
            company_name: " ".into(),
            brn: "120-81-47522".into(),
            representative: "x".repeat(51),
            founded_on: "2030-01-01".into(),
            employees: "many".into(),
            industry: "Z".into(),
            stage: "".into(),
            revenue_band: "lots".into(),
            region: "mars".into(),
        };
        let fields: Vec<_> = f.parse(today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "company_name",
                "stage",
                "brn",
                "representative",
                "founded_on",
                "employees",
                "industry",
                "revenue_band",
                "region"
            ]
        );
    }

    #[test]
    fn needs_dedupe_sort_and_refuse_unknown_topics() {
        let pairs: Vec<(String, String)> = [
            ("topic", "patent"),
            ("topic", "guarantee"),
            ("topic", "patent"),
            ("weekday", "3"),
            ("weekday", "1"),
            ("preferred_time", "morning"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let n = NeedsForm::from_pairs(&pairs).parse().unwrap();
        assert_eq!(n.topics, vec![Topic::Guarantee, Topic::Patent]);
        assert_eq!(n.weekdays, vec![1, 3]);
        assert_eq!(NeedsForm::default().parse().unwrap_err(), vec![err("topics", "apply.error.topics_required")]);
        let bad = NeedsForm { topics: vec!["astrology".into()], ..Default::default() };
        assert_eq!(bad.parse().unwrap_err()[0].field, "topics");
        let bad = NeedsForm { topics: vec!["labor".into()], weekdays: vec!["7".into()], ..Default::default() };
        assert_eq!(bad.parse().unwrap_err()[0].field, "weekdays");
    }

    #[test]
    fn only_the_questions_the_needs_require_are_asked_and_read() {
        assert!(!DetailQuestions::for_topics(&[Topic::Labor, Topic::Patent]).any());
        let ask = DetailQuestions::for_topics(&[Topic::Grants]);
        assert!(ask.finance && !ask.transfer);
        let sent = DetailsForm {
            finance_amount: "50,000,000".into(),
            finance_purpose: "시제품 제작".into(),
            transfer_direction: "nonsense".into(),
        };
        let d = sent.parse(ask).unwrap();
        assert_eq!(d.finance_amount_won, Some(50_000_000));
        assert_eq!(d.transfer_direction, None, "not asked, so not read");
        let errors = DetailsForm::default().parse(DetailQuestions { finance: true, transfer: true }).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["finance_amount", "finance_purpose", "transfer_direction"]);
    }

    #[test]
    fn amounts_are_whole_won() {
        assert_eq!(parse_won("1,000,000"), Some(1_000_000));
        assert_eq!(parse_won("0"), Some(0));
        for bad in ["", "-5", "1.5", "1e6", "12345678901234", "오백만"] {
            assert_eq!(parse_won(bad), None, "{bad}");
        }
    }
}
