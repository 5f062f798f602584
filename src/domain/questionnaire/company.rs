//! Step 1, the company: name, business number, founding, size, industry, stage, revenue, region.

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::domain::brn::{Brn, BrnError};
use crate::domain::form::{choice, err, text};

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
