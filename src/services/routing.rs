//! Routing a case's answers with its center's rules (`domain::routing`) into the zones, the
//! primary zone, a finance institution and the explanations in both languages.

use crate::db::answers::{self, CaseZone};
use crate::db::{DbConn, centers};
use crate::domain::questionnaire::Topic;
use crate::domain::routing::{self, Condition, Rule};
use crate::i18n::{Lang, T};
use crate::services::questionnaire::{Draft, topic_name};

/// Routes the answers with the center's rules into explanations in both languages.
pub fn route(conn: &mut DbConn, draft: &Draft) -> Result<Vec<CaseZone>, diesel::result::Error> {
    let rows = answers::rules_of_center(conn, draft.center.id)?;
    let rules: Vec<Rule> = rows
        .iter()
        .filter_map(|r| {
            Some(Rule {
                topic: Topic::parse(&r.topic)?,
                zone_kind: r.zone_kind.clone(),
                institution: r.institution_code.clone(),
                condition: match &r.condition {
                    Some(c) => Some(Condition::parse(c)?),
                    None => None,
                },
                priority: r.priority,
            })
        })
        .collect();
    let kinds = centers::zone_kinds(conn)?;
    let order: Vec<&str> = kinds.iter().map(|k| k.code.as_str()).collect();
    let institutions = centers::institutions(conn)?;
    let industry = draft.answers.industry.as_deref().and_then(crate::domain::questionnaire::Industry::parse);
    let input =
        routing::Input { topics: &draft.topics, industry, finance_amount_won: draft.answers.finance_amount_won };
    let routed = routing::route(&input, &rules, &order);
    let explain = |lang: Lang, z: &routing::RoutedZone| {
        let t = T(lang);
        let zone = kinds
            .iter()
            .find(|k| k.code == z.zone_kind)
            .map_or(z.zone_kind.as_str(), |k| lang.pick(&k.name_ko, &k.name_en));
        let topics: Vec<&str> = z.topics.iter().map(|t| topic_name(lang, *t)).collect();
        let mut s = t.fmt("routing.explain", "zone", zone).replace("{topics}", &topics.join(", "));
        if let Some(code) = &z.institution {
            let name = institutions
                .iter()
                .find(|i| &i.code == code)
                .map_or(code.as_str(), |i| lang.pick(&i.name_ko, &i.name_en));
            s.push_str(&t.fmt("routing.suggest", "institution", name));
        }
        s
    };
    Ok(routed
        .iter()
        .enumerate()
        .map(|(i, z)| CaseZone {
            case_id: draft.case.id,
            zone_kind: z.zone_kind.clone(),
            is_primary: z.primary,
            institution_code: z.institution.clone(),
            explanation_ko: explain(Lang::Ko, z),
            explanation_en: explain(Lang::En, z),
            sort_order: i as i32,
        })
        .collect())
}
