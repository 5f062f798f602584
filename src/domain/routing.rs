//! Routing: which zones a questionnaire's answers go to, which is primary, and which finance
//! institution to suggest. The rules are data (per center, in `routing_rules`); this function
//! applies them deterministically.

use super::ZoneType;
use super::questionnaire::{Industry, Topic};

/// A condition a rule may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// A technology company: manufacturing, ICT or professional/scientific services (KSIC C, J,
    /// M), or one that also asks about IP.
    Tech,
    /// Finance needed of at least 1,000,000,000 won (10억원).
    LargeAmount,
}

impl Condition {
    pub fn code(self) -> &'static str {
        match self {
            Condition::Tech => "tech",
            Condition::LargeAmount => "large_amount",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Condition::Tech, Condition::LargeAmount].into_iter().find(|c| c.code() == code)
    }
}

pub const LARGE_AMOUNT_WON: i64 = 1_000_000_000;

/// One rule: a topic goes to a zone (and may suggest an institution) when the condition holds.
/// For each topic and zone the rule with the lowest priority number that applies wins; a topic
/// may go to several zones through several rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub topic: Topic,
    pub zone_kind: String,
    pub institution: Option<String>,
    pub condition: Option<Condition>,
    pub priority: i32,
}

#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub topics: &'a [Topic],
    pub industry: Option<Industry>,
    pub finance_amount_won: Option<i64>,
}

impl Input<'_> {
    fn holds(&self, c: Condition) -> bool {
        match c {
            Condition::Tech => {
                matches!(self.industry, Some(Industry::C | Industry::J | Industry::M))
                    || self.topics.iter().any(|t| t.zone_type() == ZoneType::Ip)
            }
            Condition::LargeAmount => self.finance_amount_won.is_some_and(|a| a >= LARGE_AMOUNT_WON),
        }
    }
}

/// One zone the case goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedZone {
    pub zone_kind: String,
    pub primary: bool,
    /// The topics that brought the case here, in vocabulary order.
    pub topics: Vec<Topic>,
    /// Suggested finance institution (code), from the first topic that suggests one.
    pub institution: Option<String>,
}

/// Applies the rules. The primary zone has the most topics; ties go to the zone whose rules
/// have the lowest priority numbers, then to `zone_order` (the zone kinds' order).
/// A topic no rule covers still goes to its own zone, so no need is ever dropped.
pub fn route(input: &Input<'_>, rules: &[Rule], zone_order: &[&str]) -> Vec<RoutedZone> {
    let mut zones: Vec<RoutedZone> = Vec::new();
    // Sum of the winning rules' priorities per zone: the tie-breaker for the primary zone.
    let mut weights: std::collections::HashMap<String, i32> = std::collections::HashMap::new();
    let mut topics = input.topics.to_vec();
    topics.sort();
    topics.dedup();
    for topic in topics {
        let mut applicable: Vec<&Rule> =
            rules.iter().filter(|r| r.topic == topic && r.condition.is_none_or(|c| input.holds(c))).collect();
        applicable.sort_by(|a, b| a.priority.cmp(&b.priority).then_with(|| a.zone_kind.cmp(&b.zone_kind)));
        let own = topic.zone_type();
        let mut targets: Vec<(&str, Option<&str>, i32)> = Vec::new();
        for r in &applicable {
            if !targets.iter().any(|(z, _, _)| *z == r.zone_kind) {
                targets.push((&r.zone_kind, r.institution.as_deref(), r.priority));
            }
        }
        if targets.is_empty() {
            targets.push((own.code(), None, i32::MAX / 64));
        }
        for (zone_kind, institution, priority) in targets {
            let zone = match zones.iter_mut().position(|z| z.zone_kind == zone_kind) {
                Some(i) => &mut zones[i],
                None => {
                    zones.push(RoutedZone {
                        zone_kind: zone_kind.to_owned(),
                        primary: false,
                        topics: vec![],
                        institution: None,
                    });
                    zones.last_mut().expect("just pushed")
                }
            };
            zone.topics.push(topic);
            *weights.entry(zone_kind.to_owned()).or_insert(0) += priority;
            if zone.institution.is_none() {
                zone.institution = institution.map(str::to_owned);
            }
        }
    }
    let rank = |kind: &str| zone_order.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
    zones.sort_by_key(|z| rank(&z.zone_kind));
    // Primary: the most topics, then the strongest rules (lowest priority sum), then zone order.
    let best = zones
        .iter()
        .enumerate()
        .min_by_key(|(i, z)| (std::cmp::Reverse(z.topics.len()), weights[&z.zone_kind], *i))
        .map(|(i, _)| i);
    if let Some(best) = best {
        zones[best].primary = true;
    }
    zones
}

/// The rules every center starts with (also seeded by the migration; the test below keeps the
/// two in step).
pub fn default_rules() -> Vec<Rule> {
    use Topic::*;
    let r = |topic, zone: &str, institution: Option<&str>, condition, priority| Rule {
        topic,
        zone_kind: zone.to_owned(),
        institution: institution.map(str::to_owned),
        condition,
        priority,
    };
    vec![
        r(Contracts, "legal", None, None, 1),
        r(Labor, "legal", None, None, 1),
        r(Governance, "legal", None, None, 1),
        r(Disputes, "legal", None, None, 1),
        r(Licensing, "legal", None, None, 1),
        r(Guarantee, "finance", Some("KIBO"), Some(Condition::Tech), 1),
        r(Guarantee, "finance", Some("KODIT"), None, 2),
        r(PolicyLoan, "finance", Some("KDB"), Some(Condition::LargeAmount), 1),
        r(PolicyLoan, "finance", Some("IBK"), None, 2),
        r(Investment, "finance", Some("KDB"), None, 1),
        r(Grants, "finance", None, None, 1),
        r(Patent, "ip", None, None, 1),
        r(TrademarkDesign, "ip", None, None, 1),
        r(PriorArt, "ip", None, None, 1),
        r(IpDispute, "ip", None, None, 1),
        r(IpDispute, "legal", None, None, 2),
        r(TechTransfer, "ip", None, None, 1),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use Topic::*;

    const ORDER: [&str; 3] = ["legal", "finance", "ip"];

    fn routed(
        topics: &[Topic],
        industry: Option<Industry>,
        amount: Option<i64>,
    ) -> Vec<(String, bool, Vec<Topic>, Option<String>)> {
        route(&Input { topics, industry, finance_amount_won: amount }, &default_rules(), &ORDER)
            .into_iter()
            .map(|z| (z.zone_kind, z.primary, z.topics, z.institution))
            .collect()
    }

    fn z(
        kind: &str,
        primary: bool,
        topics: &[Topic],
        inst: Option<&str>,
    ) -> (String, bool, Vec<Topic>, Option<String>) {
        (kind.to_owned(), primary, topics.to_vec(), inst.map(str::to_owned))
    }

    #[test]
    fn a_table_of_answer_sets_routes_as_written() {
        let table: Vec<(&[Topic], Option<Industry>, Option<i64>, Vec<(String, bool, Vec<Topic>, Option<String>)>)> = vec![
            (&[Labor], Some(Industry::G), None, vec![z("legal", true, &[Labor], None)]),
            (&[Guarantee], Some(Industry::G), Some(50_000_000), vec![z("finance", true, &[Guarantee], Some("KODIT"))]),
            (&[Guarantee], Some(Industry::J), Some(50_000_000), vec![z("finance", true, &[Guarantee], Some("KIBO"))]),
            (
                &[Guarantee, Patent],
                Some(Industry::G),
                None,
                vec![z("finance", true, &[Guarantee], Some("KIBO")), z("ip", false, &[Patent], None)],
            ),
            (&[PolicyLoan], Some(Industry::C), Some(300_000_000), vec![z("finance", true, &[PolicyLoan], Some("IBK"))]),
            (
                &[PolicyLoan],
                Some(Industry::C),
                Some(1_000_000_000),
                vec![z("finance", true, &[PolicyLoan], Some("KDB"))],
            ),
            (&[Grants], None, Some(0), vec![z("finance", true, &[Grants], None)]),
            (&[Investment, Grants], None, None, vec![z("finance", true, &[Investment, Grants], Some("KDB"))]),
            (&[IpDispute], None, None, vec![z("legal", false, &[IpDispute], None), z("ip", true, &[IpDispute], None)]),
            (
                &[Contracts, Labor, Patent],
                None,
                None,
                vec![z("legal", true, &[Contracts, Labor], None), z("ip", false, &[Patent], None)],
            ),
            (
                &[Contracts, Guarantee, TechTransfer],
                Some(Industry::M),
                Some(10),
                vec![
                    z("legal", true, &[Contracts], None),
                    z("finance", false, &[Guarantee], Some("KIBO")),
                    z("ip", false, &[TechTransfer], None),
                ],
            ),
        ];
        for (topics, industry, amount, want) in table {
            assert_eq!(routed(topics, industry, amount), want, "{topics:?} {industry:?} {amount:?}");
        }
    }

    #[test]
    fn routing_is_deterministic_whatever_the_order_of_answers_and_rules() {
        let a = routed(&[Patent, Labor, Guarantee], Some(Industry::C), None);
        let b = routed(&[Guarantee, Patent, Labor, Patent], Some(Industry::C), None);
        assert_eq!(a, b);
        let mut reversed = default_rules();
        reversed.reverse();
        let c: Vec<_> = route(
            &Input { topics: &[Patent, Labor, Guarantee], industry: Some(Industry::C), finance_amount_won: None },
            &reversed,
            &ORDER,
        )
        .into_iter()
        .map(|z| (z.zone_kind, z.primary, z.topics, z.institution))
        .collect();
        assert_eq!(a, c);
    }

    #[test]
    fn a_topic_without_rules_still_reaches_its_zone() {
        let got = route(&Input { topics: &[Labor], industry: None, finance_amount_won: None }, &[], &ORDER);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].zone_kind, "legal");
        assert!(got[0].primary);
    }

    #[test]
    fn every_topic_has_a_default_rule() {
        let rules = default_rules();
        for t in Topic::ALL {
            assert!(rules.iter().any(|r| r.topic == *t), "{t:?}");
        }
    }
}
