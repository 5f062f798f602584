//! Every message exists in Korean and English, and every key the code uses is in the catalogs.

use std::collections::BTreeSet;
use std::path::Path;

use onestop::web::i18n::{CATALOG, Lang};

#[test]
fn both_catalogs_have_exactly_the_same_keys() {
    let ko: BTreeSet<&str> = CATALOG.keys(Lang::Ko).collect();
    let en: BTreeSet<&str> = CATALOG.keys(Lang::En).collect();
    let only_ko: Vec<_> = ko.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ko).collect();
    assert!(only_ko.is_empty() && only_en.is_empty(), "missing in en: {only_ko:?}; missing in ko: {only_en:?}");
    assert!(ko.len() > 50);
}

/// Particles written for either kind of word ("센터을(를)") read as a form, not as a person
/// writing: a message chooses the particle for its word, or words itself around a placeholder.
pub const BOTH_PARTICLES: [&str; 10] =
    ["을(를)", "를(을)", "이(가)", "가(이)", "은(는)", "는(은)", "(으)로", "과(와)", "와(과)", "(이)나"];

#[test]
fn korean_messages_choose_their_particles() {
    let mut found = Vec::new();
    for key in CATALOG.keys(Lang::Ko) {
        let ko = CATALOG.lookup(Lang::Ko, key).unwrap();
        if let Some(p) = BOTH_PARTICLES.iter().find(|p| ko.contains(*p)) {
            found.push(format!("{key}: {p} in {ko:?}"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_message_is_empty_or_untranslated() {
    for key in CATALOG.keys(Lang::Ko) {
        let ko = CATALOG.lookup(Lang::Ko, key).unwrap();
        let en = CATALOG.lookup(Lang::En, key).unwrap();
        assert!(!ko.trim().is_empty() && !en.trim().is_empty(), "{key} is empty");
        // Korean text that shows up unchanged in English was forgotten (names like "IP" aside).
        if ko.chars().any(|c| ('가'..='힣').contains(&c)) && key != "nav.other_language" {
            assert_ne!(ko, en, "{key} is not translated");
        }
    }
}

/// Keys written in templates (`t.get("…")`, `t.fmt("…"`) and in Rust (`msg("…")`).
fn used_keys(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_keys(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for marker in ["t.get(\"", "t.fmt(\"", "msg(\""] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    out.insert(rest[..end].to_owned());
                }
            }
        }
    }
}

#[test]
fn every_key_the_templates_and_code_use_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = BTreeSet::new();
    used_keys(&root.join("templates"), &mut keys);
    used_keys(&root.join("src"), &mut keys);
    keys.remove("");
    assert!(keys.len() > 40, "found only {keys:?}");
    for lang in Lang::ALL {
        let missing: Vec<_> = keys.iter().filter(|k| CATALOG.lookup(lang, k).is_none()).collect();
        assert!(missing.is_empty(), "missing in {}: {missing:?}", lang.code());
    }
}
