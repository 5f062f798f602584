//! The computed holidays against an independent source: the KR calendar of the Python
//! `holidays` package (snapshot in tests/data/kr_holidays.json, made by
//! tests/tools/kr_holidays.py; when that package is installed the test also asks it live).

use std::collections::BTreeMap;
use std::process::Command;

use onestop::domain::holidays::{self, Holiday};

fn ours(first: i32, last: i32) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for y in first..=last {
        for (d, hs) in holidays::of_year(y) {
            let mut kinds: Vec<String> = hs.iter().map(|h| h.key().trim_start_matches("holiday.").to_owned()).collect();
            kinds.sort();
            kinds.dedup();
            out.insert(d.to_string(), kinds);
        }
    }
    out
}

fn parse(json: &str) -> BTreeMap<String, Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["holidays"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(d, kinds)| {
            (d.clone(), kinds.as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_owned()).collect())
        })
        .collect()
}

fn compare(theirs: &BTreeMap<String, Vec<String>>, source: &str) {
    let ours = ours(holidays::FIRST_YEAR, holidays::LAST_YEAR);
    let mut diffs = Vec::new();
    for (d, kinds) in theirs {
        match ours.get(d) {
            Some(k) if k == kinds => {}
            other => diffs.push(format!("{d}: {source} {kinds:?}, ours {other:?}")),
        }
    }
    for (d, kinds) in &ours {
        if !theirs.contains_key(d) {
            diffs.push(format!("{d}: ours {kinds:?}, not in {source}"));
        }
    }
    assert!(diffs.is_empty(), "{} difference(s):\n{}", diffs.len(), diffs.join("\n"));
    assert!(theirs.len() > 650, "the whole range 2015–2050 is compared");
}

#[test]
fn holidays_of_every_computed_year_2015_to_2050_match_the_python_holidays_package() {
    let snapshot = include_str!("../data/kr_holidays.json");
    compare(&parse(snapshot), "snapshot");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/kr_holidays.py");
    match Command::new("python3")
        .args([script, &holidays::FIRST_YEAR.to_string(), &holidays::LAST_YEAR.to_string()])
        .output()
    {
        Ok(out) if out.status.success() => compare(&parse(&String::from_utf8(out.stdout).unwrap()), "live package"),
        _ => eprintln!("python3 with the `holidays` package is not installed: compared with the snapshot only"),
    }
}

#[test]
fn substitute_holidays_follow_the_law_of_their_year() {
    let at = |y, m, d| {
        holidays::of_year(y).get(&chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()).cloned().unwrap_or_default()
    };
    // 광복절 on a Sunday: no substitute before the 2021 amendment, one after.
    assert!(at(2020, 8, 17).is_empty() || at(2020, 8, 17) == vec![Holiday::Substitute]);
    assert_eq!(at(2021, 8, 16), vec![Holiday::Substitute]);
    // 성탄절 on a Saturday: substitutes only since May 2023.
    assert!(at(2021, 12, 27).is_empty());
    assert_eq!(at(2027, 12, 27), vec![Holiday::Substitute]);
    // Labour Day is a public holiday from 2026 on.
    assert!(at(2025, 5, 1).is_empty());
    assert_eq!(at(2026, 5, 1), vec![Holiday::Labor]);
}

#[test]
fn chuseok_2039_on_a_sunday_and_foundation_day_gets_two_substitute_holidays() {
    let y = holidays::of_year(2039);
    let at = |m, d| y.get(&chrono::NaiveDate::from_ymd_opt(2039, m, d).unwrap()).cloned().unwrap_or_default();
    // 1–3 Oct: Saturday, Sunday, Monday (with 개천절): one substitute for the Sunday, one for the
    // overlap.
    assert_eq!(at(10, 3), vec![Holiday::ChuseokSecond, Holiday::Foundation]);
    assert_eq!(at(10, 4), vec![Holiday::Substitute]);
    assert_eq!(at(10, 5), vec![Holiday::Substitute]);
    assert!(at(10, 6).is_empty());
}
