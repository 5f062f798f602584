//! The applicant's answers in words, by section — the same rows on the applicant's "check your
//! answers", the desk's case page and the expert's pre-brief: labels from the catalog for every
//! code (stage, industry, revenue, region, topics, time, direction), amounts grouped in won.

use crate::db::answers::Answers;
use crate::db::documents::Document;
use crate::domain::questionnaire::{DetailQuestions, Topic};
use crate::i18n::{CATALOG, T, msg};
use crate::services::questionnaire as q;

/// One answered question.
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

pub struct Section {
    pub title: &'static str,
    /// The step the answers come from (the applicant's review links back to it).
    pub step: &'static str,
    pub rows: Vec<Row>,
}

/// 12345678 → 12,345,678
pub fn group_digits(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The sections of the company, contact (when `with_contact`), needs, the conditional details
/// and the documents.
pub fn sections(t: T, a: &Answers, topics: &[Topic], docs: &[Document], with_contact: bool) -> Vec<Section> {
    let lang = t.0;
    let label = |prefix: &str, code: &Option<String>| -> String {
        code.as_deref()
            .map(|c| CATALOG.lookup(lang, &format!("{prefix}.{c}")).unwrap_or(c).to_owned())
            .unwrap_or_else(|| t.get("apply.review.none").to_owned())
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| t.get("apply.review.none").to_owned());
    let mut sections = vec![Section {
        title: msg("apply.step.company"),
        step: "company",
        rows: vec![
            Row { label: msg("apply.company.name"), value: text(&a.company_name) },
            Row { label: msg("apply.company.brn"), value: text(&a.brn) },
            Row { label: msg("apply.company.representative"), value: text(&a.representative) },
            Row { label: msg("apply.company.founded_on"), value: text(&a.founded_on.map(|d| d.to_string())) },
            Row { label: msg("apply.company.employees"), value: text(&a.employees.map(|n| n.to_string())) },
            Row { label: msg("apply.company.industry"), value: label("industry", &a.industry) },
            Row { label: msg("apply.company.stage"), value: label("stage", &a.stage) },
            Row { label: msg("apply.company.revenue_band"), value: label("revenue", &a.revenue_band) },
            Row { label: msg("apply.company.region"), value: label("region", &a.region) },
        ],
    }];
    if with_contact {
        sections.push(Section {
            title: msg("apply.step.contact"),
            step: "contact",
            rows: vec![
                Row { label: msg("apply.contact.name"), value: text(&a.contact_name) },
                Row { label: msg("apply.contact.email"), value: text(&a.contact_email) },
                Row { label: msg("apply.contact.phone"), value: text(&a.contact_phone) },
            ],
        });
    }
    sections.push(Section {
        title: msg("apply.step.needs"),
        step: "needs",
        rows: vec![
            Row {
                label: msg("apply.needs.topics"),
                value: if topics.is_empty() {
                    t.get("apply.review.none").to_owned()
                } else {
                    topics.iter().map(|tp| q::topic_name(lang, *tp)).collect::<Vec<_>>().join(", ")
                },
            },
            Row { label: msg("apply.needs.question"), value: text(&a.question) },
            Row {
                label: msg("apply.needs.weekdays"),
                value: if a.preferred_weekdays.is_empty() {
                    t.get("apply.needs.any_day").to_owned()
                } else {
                    a.preferred_weekdays
                        .split(',')
                        .filter_map(|w| CATALOG.lookup(lang, &format!("weekday.{w}")))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            },
            Row { label: msg("apply.needs.time"), value: label("time", &a.preferred_time) },
        ],
    });
    let ask = DetailQuestions::for_topics(topics);
    if ask.any() {
        let mut rows = Vec::new();
        if ask.finance {
            rows.push(Row {
                label: msg("apply.details.amount"),
                value: a
                    .finance_amount_won
                    .map(|n| t.fmt("apply.details.won", "amount", group_digits(n)))
                    .unwrap_or_else(|| t.get("apply.review.none").to_owned()),
            });
            rows.push(Row { label: msg("apply.details.purpose"), value: text(&a.finance_purpose) });
        }
        if ask.transfer {
            rows.push(Row { label: msg("apply.details.direction"), value: label("transfer", &a.transfer_direction) });
        }
        sections.push(Section { title: msg("apply.step.details"), step: "details", rows });
    }
    sections.push(Section {
        title: msg("apply.step.documents"),
        step: "documents",
        rows: vec![Row {
            label: msg("apply.documents.uploaded"),
            value: if docs.is_empty() {
                t.get("apply.review.none").to_owned()
            } else {
                docs.iter().map(|doc| doc.original_name.as_str()).collect::<Vec<_>>().join(", ")
            },
        }],
    });
    sections
}

/// Why a case went to each zone, written for staff (the stored explanation speaks to the
/// applicant): "법률존: 계약 요청", "금융존: 보증 요청 → 기술보증기금 추천"; a zone given by hand
/// has no topic of its own.
pub fn routing_for_staff(
    t: T,
    routed: &[crate::db::answers::CaseZone],
    topics: &[Topic],
    zones: &[(crate::db::centers::Zone, crate::db::centers::ZoneKind)],
    institutions: &[crate::db::centers::Institution],
) -> Vec<String> {
    let lang = t.0;
    routed
        .iter()
        .map(|z| {
            let zone = zones
                .iter()
                .find(|(_, k)| k.code == z.zone_kind)
                .map_or(z.zone_kind.clone(), |(_, k)| lang.pick(&k.name_ko, &k.name_en).to_owned());
            let asked: Vec<&str> = topics
                .iter()
                .filter(|tp| tp.zone_type().code() == z.zone_kind)
                .map(|tp| q::topic_name(lang, *tp))
                .collect();
            let mut line = if asked.is_empty() {
                t.fmt("routing.staff.by_hand", "zone", &zone)
            } else {
                t.fmt2("routing.staff.asked", "zone", &zone, "topics", asked.join(", "))
            };
            if let Some(i) = z.institution_code.as_deref().and_then(|c| institutions.iter().find(|i| i.code == c)) {
                line.push_str(&t.fmt("routing.staff.recommended", "institution", lang.pick(&i.name_ko, &i.name_en)));
            }
            if z.is_primary {
                line.push_str(t.get("routing.staff.primary"));
            }
            line
        })
        .collect()
}
