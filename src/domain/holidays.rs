//! Korean public holidays (공휴일), computed: the solar ones, the lunar ones (설날 and 추석 with
//! the days either side, 부처님오신날) through a lunar-calendar table, and substitute holidays
//! (대체공휴일) under the rules in force each year. One-off days (elections, temporary holidays)
//! are not here: a center enters them as closures.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use korean_lunar_calendar::{LunarDate, lunar_to_gregorian};

/// The years the computation is checked for (the lunar table reaches 2050).
pub const FIRST_YEAR: i32 = 2015;
pub const LAST_YEAR: i32 = 2050;

/// Message-catalog keys of the holidays (`holiday.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holiday {
    NewYear,
    SeollalEve,
    Seollal,
    SeollalSecond,
    Independence,
    Labor,
    Children,
    Buddha,
    Memorial,
    Constitution,
    Liberation,
    ChuseokEve,
    Chuseok,
    ChuseokSecond,
    Foundation,
    Hangul,
    Christmas,
    /// 대체공휴일
    Substitute,
}

impl Holiday {
    pub fn key(self) -> &'static str {
        use Holiday::*;
        match self {
            NewYear => "holiday.new_year",
            SeollalEve => "holiday.seollal_eve",
            Seollal => "holiday.seollal",
            SeollalSecond => "holiday.seollal_second",
            Independence => "holiday.independence",
            Labor => "holiday.labor",
            Children => "holiday.children",
            Buddha => "holiday.buddha",
            Memorial => "holiday.memorial",
            Constitution => "holiday.constitution",
            Liberation => "holiday.liberation",
            ChuseokEve => "holiday.chuseok_eve",
            Chuseok => "holiday.chuseok",
            ChuseokSecond => "holiday.chuseok_second",
            Foundation => "holiday.foundation",
            Hangul => "holiday.hangul",
            Christmas => "holiday.christmas",
            Substitute => "holiday.substitute",
        }
    }
}

/// How a holiday (or a three-day lunar holiday) gets a substitute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// No substitute.
    None,
    /// 설날·추석: when a day falls on a Sunday or on another holiday.
    SundayOrOverlap,
    /// When it falls on a Saturday, a Sunday or another holiday.
    WeekendOrOverlap,
}

struct Unit {
    days: Vec<(NaiveDate, Holiday)>,
    rule: Rule,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

fn lunar(y: i32, m: u8, d: u8) -> NaiveDate {
    lunar_to_gregorian(&LunarDate { year: y, month: (m, false), day: d }).expect("the lunar table covers the year")
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The substitute rules by law: 설날·추석 and 어린이날 since 2014; 3·1절, 광복절, 개천절 and 한글날
/// from 4 August 2021; 부처님오신날 and 성탄절 from 4 May 2023; 근로자의 날 and 제헌절 (public holidays
/// again from 2026) from 2026.
fn units(y: i32) -> Vec<Unit> {
    let from = |d: NaiveDate, start: NaiveDate| if d >= start { Rule::WeekendOrOverlap } else { Rule::None };
    let single = |d: NaiveDate, h: Holiday, rule: Rule| Unit { days: vec![(d, h)], rule };
    let group = |d: NaiveDate, hs: [Holiday; 3]| Unit {
        days: vec![(d - Days::new(1), hs[0]), (d, hs[1]), (d + Days::new(1), hs[2])],
        rule: Rule::SundayOrOverlap,
    };
    let aug_2021 = ymd(2021, 8, 4);
    let may_2023 = ymd(2023, 5, 4);
    let mut u = vec![
        single(ymd(y, 1, 1), Holiday::NewYear, Rule::None),
        group(lunar(y, 1, 1), [Holiday::SeollalEve, Holiday::Seollal, Holiday::SeollalSecond]),
        single(ymd(y, 3, 1), Holiday::Independence, from(ymd(y, 3, 1), aug_2021)),
        single(ymd(y, 5, 5), Holiday::Children, Rule::WeekendOrOverlap),
        single(lunar(y, 4, 8), Holiday::Buddha, from(lunar(y, 4, 8), may_2023)),
        single(ymd(y, 6, 6), Holiday::Memorial, Rule::None),
        single(ymd(y, 8, 15), Holiday::Liberation, from(ymd(y, 8, 15), aug_2021)),
        group(lunar(y, 8, 15), [Holiday::ChuseokEve, Holiday::Chuseok, Holiday::ChuseokSecond]),
        single(ymd(y, 10, 3), Holiday::Foundation, from(ymd(y, 10, 3), aug_2021)),
        single(ymd(y, 10, 9), Holiday::Hangul, from(ymd(y, 10, 9), aug_2021)),
        single(ymd(y, 12, 25), Holiday::Christmas, from(ymd(y, 12, 25), may_2023)),
    ];
    if y >= 2026 {
        u.push(single(ymd(y, 5, 1), Holiday::Labor, Rule::WeekendOrOverlap));
        u.push(single(ymd(y, 7, 17), Holiday::Constitution, Rule::WeekendOrOverlap));
    }
    u.sort_by_key(|u| u.days.last().map(|(d, _)| *d));
    u
}

/// The holidays of a year, by date (a date may carry two holidays, e.g. 2025-05-05).
pub fn of_year(y: i32) -> BTreeMap<NaiveDate, Vec<Holiday>> {
    assert!((FIRST_YEAR..=LAST_YEAR).contains(&y), "holidays are computed for {FIRST_YEAR}–{LAST_YEAR}");
    let units = units(y);
    let mut days: BTreeMap<NaiveDate, Vec<Holiday>> = BTreeMap::new();
    for u in &units {
        for (d, h) in &u.days {
            days.entry(*d).or_default().push(*h);
        }
    }
    let base = days.clone();
    // Dates whose overlap already produced a substitute: one substitute per overlap.
    let mut settled_overlaps: Vec<NaiveDate> = Vec::new();
    for u in &units {
        if u.rule == Rule::None {
            continue;
        }
        // Each day of the unit that calls for a substitute gets one: a day on the weekend the
        // rule names, or a day shared with another holiday that no other unit settled yet.
        // 추석 2039 (1–3 Oct: Sat, Sun, Mon with 개천절) has two — for the Sunday and for the
        // overlap (4 and 5 Oct); 2025-05-05 (어린이날 and 부처님오신날) has one.
        let mut wanted = 0;
        for (d, _) in &u.days {
            let weekend = match u.rule {
                Rule::SundayOrOverlap => d.weekday() == Weekday::Sun,
                Rule::WeekendOrOverlap => is_weekend(*d),
                Rule::None => false,
            };
            let overlap = base[d].len() > 1 && !settled_overlaps.contains(d);
            if overlap {
                settled_overlaps.push(*d);
            }
            if weekend || overlap {
                wanted += 1;
            }
        }
        let mut x = u.days.last().expect("a unit has days").0;
        for _ in 0..wanted {
            x = x + Days::new(1);
            while is_weekend(x) || days.contains_key(&x) {
                x = x + Days::new(1);
            }
            days.entry(x).or_default().push(Holiday::Substitute);
        }
    }
    days
}

/// Every holiday date of the supported years, computed once (the lunar conversions behind
/// them cost more than the rest of an availability page; see bench/README.md).
static ALL_DATES: std::sync::LazyLock<std::collections::HashSet<NaiveDate>> =
    std::sync::LazyLock::new(|| (FIRST_YEAR..=LAST_YEAR).flat_map(|y| of_year(y).into_keys()).collect());

/// Whether the date is a public holiday (Sundays are days off anyway and not listed).
pub fn is_holiday(d: NaiveDate) -> bool {
    ALL_DATES.contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(y: i32) -> Vec<String> {
        of_year(y).keys().map(|d| d.to_string()).collect()
    }

    #[test]
    fn the_2024_calendar() {
        assert_eq!(
            dates(2024),
            [
                "2024-01-01",
                "2024-02-09",
                "2024-02-10",
                "2024-02-11",
                "2024-02-12",
                "2024-03-01",
                "2024-05-05",
                "2024-05-06",
                "2024-05-15",
                "2024-06-06",
                "2024-08-15",
                "2024-09-16",
                "2024-09-17",
                "2024-09-18",
                "2024-10-03",
                "2024-10-09",
                "2024-12-25"
            ]
        );
    }

    #[test]
    fn one_substitute_for_two_holidays_on_one_day() {
        let y = of_year(2025);
        assert_eq!(y[&ymd(2025, 5, 5)], vec![Holiday::Children, Holiday::Buddha]);
        assert_eq!(y[&ymd(2025, 5, 6)], vec![Holiday::Substitute]);
        assert!(!y.contains_key(&ymd(2025, 5, 7)));
    }
}
