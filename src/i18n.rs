//! Korean first, English complete: the message catalogs in `locales/` and the visitor's language.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::HttpRequest;

/// The cookie that keeps the language chosen with the switch.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// Korean unless the visitor chose English with the switch.
    pub fn of_request(req: &HttpRequest) -> Lang {
        req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default()
    }

    /// Picks the Korean or English variant of a stored bilingual field.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}

/// Marks a message key used from Rust code, so that the catalog test finds it.
pub const fn msg(key: &'static str) -> &'static str {
    key
}

pub struct Catalog {
    ko: HashMap<String, String>,
    en: HashMap<String, String>,
}

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::parse(include_str!("../locales/ko.toml"), include_str!("../locales/en.toml"))
        .expect("the message catalogs are valid TOML")
});

impl Catalog {
    pub fn parse(ko: &str, en: &str) -> Result<Self, toml::de::Error> {
        Ok(Catalog { ko: flatten(ko)?, en: flatten(en)? })
    }

    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.table(lang).keys().map(String::as_str)
    }

    fn table(&self, lang: Lang) -> &HashMap<String, String> {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }

    pub fn lookup(&self, lang: Lang, key: &str) -> Option<&str> {
        self.table(lang).get(key).map(String::as_str)
    }
}

/// Nested TOML tables become dotted keys: `[nav] home = "…"` is `nav.home`.
fn flatten(text: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (k, v) in table {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                other => {
                    out.insert(key, format!("{other:?}"));
                }
            }
        }
    }
    let table: toml::Table = toml::from_str(text)?;
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    Ok(out)
}

/// The translator handed to templates: `t.get("nav.home")`.
#[derive(Debug, Clone, Copy)]
pub struct T(pub Lang);

impl T {
    /// The message; a missing key shows itself (and the catalog test fails on it).
    pub fn get(&self, key: &'static str) -> &'static str {
        match CATALOG.lookup(self.0, key) {
            Some(s) => s,
            None => {
                tracing::warn!(key, lang = self.0.code(), "missing message");
                key
            }
        }
    }

    /// The message with its `{name}` placeholder filled in.
    pub fn fmt(&self, key: &'static str, name: &str, value: impl std::fmt::Display) -> String {
        self.get(key).replace(&format!("{{{name}}}"), &value.to_string())
    }

    /// As `fmt`, with two placeholders.
    pub fn fmt2(
        &self,
        key: &'static str,
        a: &str,
        a_value: impl std::fmt::Display,
        b: &str,
        b_value: impl std::fmt::Display,
    ) -> String {
        self.get(key)
            .replace(&format!("{{{a}}}"), &a_value.to_string())
            .replace(&format!("{{{b}}}"), &b_value.to_string())
    }
}

impl T {
    /// As `fmt`, with three placeholders.
    #[allow(clippy::too_many_arguments)]
    pub fn fmt3(
        &self,
        key: &'static str,
        a: &str,
        a_value: impl std::fmt::Display,
        b: &str,
        b_value: impl std::fmt::Display,
        c: &str,
        c_value: impl std::fmt::Display,
    ) -> String {
        self.fmt2(key, a, a_value, b, b_value).replace(&format!("{{{c}}}"), &c_value.to_string())
    }
}

/// A day with its year: `2026년 12월 3일 (목)`, `Thu 3 Dec 2026`.
pub fn date_with_year(lang: Lang, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Ko => format!("{}년 {}", d.year(), date_label(lang, d)),
        Lang::En => format!("{} {}", date_label(lang, d), d.year()),
    }
}

/// A day as the pages and mails show it: `12월 3일 (목)`, `Thu 3 Dec`.
pub fn date_label(lang: Lang, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let weekday = CATALOG.lookup(lang, &format!("weekday_short.{}", d.weekday().number_from_monday())).unwrap_or("");
    match lang {
        Lang::Ko => format!("{}월 {}일 ({weekday})", d.month(), d.day()),
        Lang::En => format!("{weekday} {} {}", d.day(), d.format("%b")),
    }
}
