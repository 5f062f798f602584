//! The needs step: the topics (which route the case) and the question.

use super::*;
use crate::domain::form::{choice, err, long_text};

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
