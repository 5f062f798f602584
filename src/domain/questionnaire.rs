//! The pre-questionnaire (사전문진): its vocabularies, and parsing each step's raw form into
//! typed answers or a message per field. Message values are catalog keys.

use chrono::{Datelike, NaiveDate};

use super::ZoneType;
use super::brn::{Brn, BrnError};
use super::contact::{Email, Phone};
pub use super::form::FieldError;
use super::form::{choice, err, long_text, text};

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

/// The raw company step, as the form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CompanyForm {
    pub company_name: String,
    pub brn: String,
    pub representative: String,
    pub founded_on: String,
    pub employees: String,
    pub industry: String,
    pub stage: String,
    pub revenue_band: String,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub company_name: String,
    pub brn: Option<Brn>,
    pub representative: String,
    pub founded_on: Option<NaiveDate>,
    pub employees: i32,
    pub industry: Industry,
    pub stage: Stage,
    pub revenue_band: RevenueBand,
    pub region: Region,
}

impl CompanyForm {
    pub fn parse(&self, today: NaiveDate) -> Result<Company, Vec<FieldError>> {
        let mut e = Vec::new();
        let company_name = text(&mut e, "company_name", &self.company_name, 100, true);
        let stage = choice(&mut e, "stage", &self.stage, Stage::parse);
        let pre_founder = stage == Some(Stage::PreFounder);
        let brn = match self.brn.trim() {
            "" if pre_founder => None,
            "" => {
                e.push(err("brn", "apply.error.brn_required"));
                None
            }
            raw => match Brn::parse(raw) {
                Ok(b) => Some(b),
                Err(BrnError::Length) => {
                    e.push(err("brn", "apply.error.brn_length"));
                    None
                }
                Err(BrnError::Characters) => {
                    e.push(err("brn", "apply.error.brn_characters"));
                    None
                }
                Err(BrnError::CheckDigit) => {
                    e.push(err("brn", "apply.error.brn_check"));
                    None
                }
            },
        };
        let representative = text(&mut e, "representative", &self.representative, 50, true);
        let founded_on = match self.founded_on.trim() {
            "" if pre_founder => None,
            "" => {
                e.push(err("founded_on", "apply.error.date_required"));
                None
            }
            raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    e.push(err("founded_on", "apply.error.date_future"));
                    None
                }
                Ok(d) if d.year() < 1900 => {
                    e.push(err("founded_on", "apply.error.date_format"));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    e.push(err("founded_on", "apply.error.date_format"));
                    None
                }
            },
        };
        let employees = match self.employees.trim().replace(',', "").parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
            _ if self.employees.trim().is_empty() => {
                e.push(err("employees", "apply.error.required"));
                None
            }
            _ => {
                e.push(err("employees", "apply.error.whole_number"));
                None
            }
        };
        let industry = choice(&mut e, "industry", &self.industry, Industry::parse);
        let revenue_band = choice(&mut e, "revenue_band", &self.revenue_band, RevenueBand::parse);
        let region = choice(&mut e, "region", &self.region, Region::parse);
        match (company_name, representative, employees, industry, stage, revenue_band, region) {
            (
                Some(company_name),
                Some(representative),
                Some(employees),
                Some(industry),
                Some(stage),
                Some(revenue_band),
                Some(region),
            ) if e.is_empty() => Ok(Company {
                company_name,
                brn,
                representative,
                founded_on,
                employees,
                industry,
                stage,
                revenue_band,
                region,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ContactForm {
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: Email,
    pub phone: Phone,
}

impl ContactForm {
    pub fn parse(&self) -> Result<Contact, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = text(&mut e, "contact_name", &self.contact_name, 50, true);
        let email = match self.contact_email.trim() {
            "" => {
                e.push(err("contact_email", "apply.error.required"));
                None
            }
            raw => Email::parse(raw).or_else(|| {
                e.push(err("contact_email", "apply.error.email"));
                None
            }),
        };
        let phone = match self.contact_phone.trim() {
            "" => {
                e.push(err("contact_phone", "apply.error.required"));
                None
            }
            raw => Phone::parse(raw).ok().or_else(|| {
                e.push(err("contact_phone", "apply.error.phone"));
                None
            }),
        };
        match (name, email, phone) {
            (Some(name), Some(email), Some(phone)) => Ok(Contact { name, email, phone }),
            _ => Err(e),
        }
    }
}

/// The needs step; checkboxes arrive as repeated fields, hence the pair list.
#[derive(Debug, Clone, Default)]
pub struct NeedsForm {
    pub topics: Vec<String>,
    pub question: String,
    pub weekdays: Vec<String>,
    pub preferred_time: String,
}

impl NeedsForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = NeedsForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "topic" => f.topics.push(v.clone()),
                "weekday" => f.weekdays.push(v.clone()),
                "question" => f.question = v.clone(),
                "preferred_time" => f.preferred_time = v.clone(),
                _ => {}
            }
        }
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub topics: Vec<Topic>,
    pub question: Option<String>,
    /// ISO weekdays 1 (Monday) to 5 (Friday); empty means any.
    pub weekdays: Vec<u8>,
    pub preferred_time: PreferredTime,
}

impl NeedsForm {
    pub fn parse(&self) -> Result<Needs, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut topics = Vec::new();
        for raw in &self.topics {
            match Topic::parse(raw.trim()) {
                Some(t) if !topics.contains(&t) => topics.push(t),
                Some(_) => {}
                None => {
                    e.push(err("topics", "apply.error.choose"));
                    break;
                }
            }
        }
        if topics.is_empty() && e.is_empty() {
            e.push(err("topics", "apply.error.topics_required"));
        }
        topics.sort();
        let question = long_text(&mut e, "question", &self.question, 2000, false);
        let mut weekdays = Vec::new();
        for raw in &self.weekdays {
            match raw.trim().parse::<u8>() {
                Ok(d @ 1..=5) if !weekdays.contains(&d) => weekdays.push(d),
                Ok(1..=5) => {}
                _ => {
                    e.push(err("weekdays", "apply.error.choose"));
                    break;
                }
            }
        }
        weekdays.sort();
        let preferred_time = if self.preferred_time.trim().is_empty() {
            Some(PreferredTime::Any)
        } else {
            choice(&mut e, "preferred_time", &self.preferred_time, PreferredTime::parse)
        };
        match preferred_time {
            Some(preferred_time) if e.is_empty() => Ok(Needs { topics, question, weekdays, preferred_time }),
            _ => Err(e),
        }
    }
}

/// Which conditional questions the chosen topics require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DetailQuestions {
    /// Any finance topic: the amount needed and its purpose.
    pub finance: bool,
    /// Technology transfer: which way.
    pub transfer: bool,
}

impl DetailQuestions {
    pub fn for_topics(topics: &[Topic]) -> Self {
        DetailQuestions {
            finance: topics.iter().any(|t| t.zone_type() == ZoneType::Finance),
            transfer: topics.contains(&Topic::TechTransfer),
        }
    }

    pub fn any(self) -> bool {
        self.finance || self.transfer
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct DetailsForm {
    pub finance_amount: String,
    pub finance_purpose: String,
    pub transfer_direction: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details {
    /// Won, as an integer.
    pub finance_amount_won: Option<i64>,
    pub finance_purpose: Option<String>,
    pub transfer_direction: Option<TransferDirection>,
}

/// Up to 1조 won; commas and spaces allowed.
pub fn parse_won(raw: &str) -> Option<i64> {
    let digits: String = raw.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    if digits.is_empty() || digits.len() > 13 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl DetailsForm {
    /// Only the questions `ask` requires are read; anything else sent is ignored.
    pub fn parse(&self, ask: DetailQuestions) -> Result<Details, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut d = Details::default();
        if ask.finance {
            d.finance_amount_won = match self.finance_amount.trim() {
                "" => {
                    e.push(err("finance_amount", "apply.error.required"));
                    None
                }
                raw => parse_won(raw).or_else(|| {
                    e.push(err("finance_amount", "apply.error.amount"));
                    None
                }),
            };
            d.finance_purpose = long_text(&mut e, "finance_purpose", &self.finance_purpose, 500, true);
        }
        if ask.transfer {
            d.transfer_direction =
                choice(&mut e, "transfer_direction", &self.transfer_direction, TransferDirection::parse);
        }
        if e.is_empty() { Ok(d) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
