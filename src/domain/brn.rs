//! Business registration numbers (사업자등록번호): ten digits, the last a check digit.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Brn([u8; 10]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BrnError {
    #[error("a business registration number has ten digits")]
    Length,
    #[error("only digits, hyphens and spaces")]
    Characters,
    #[error("the check digit does not match")]
    CheckDigit,
}

impl Brn {
    /// Accepts `1248100998`, `124-81-00998` or `124 81 00998`.
    pub fn parse(raw: &str) -> Result<Self, BrnError> {
        let mut digits = [0u8; 10];
        let mut n = 0;
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => {
                    if n == 10 {
                        return Err(BrnError::Length);
                    }
                    digits[n] = c as u8 - b'0';
                    n += 1;
                }
                '-' | ' ' => {}
                _ => return Err(BrnError::Characters),
            }
        }
        if n != 10 {
            return Err(BrnError::Length);
        }
        if check_digit(&digits) != digits[9] {
            return Err(BrnError::CheckDigit);
        }
        Ok(Brn(digits))
    }
}

/// The National Tax Service's check: weights 1,3,7,1,3,7,1,3,5 on the first nine digits, plus
/// the tens of (ninth digit × 5).
fn check_digit(d: &[u8; 10]) -> u8 {
    const W: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let mut sum: u32 = d.iter().zip(W).map(|(x, w)| *x as u32 * w).sum();
    sum += d[8] as u32 * 5 / 10;
    ((10 - sum % 10) % 10) as u8
}

impl fmt::Display for Brn {
    /// `000-00-00000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d: String = self.0.iter().map(|x| (b'0' + x) as char).collect();
        write!(f, "{}-{}-{}", &d[..3], &d[3..5], &d[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example the form's hint gives passes its own check.
    #[test]
    fn the_hints_example_number_is_valid_in_both_languages() {
        for lang in [crate::i18n::Lang::Ko, crate::i18n::Lang::En] {
            let hint = crate::i18n::CATALOG.lookup(lang, "apply.company.brn_hint").unwrap();
            let example = hint
                .split(|c: char| !(c.is_ascii_digit() || c == '-'))
                .find(|w| w.len() == 12)
                .unwrap_or_else(|| panic!("no example in {hint:?}"));
            assert!(Brn::parse(example).is_ok(), "{example} in {hint:?}");
        }
    }

    #[test]
    fn real_registration_numbers_are_valid_and_shown_with_hyphens() {
        // Samsung Electronics, NAVER, Kakao: published on their own sites.
        for (raw, shown) in
            [("1248100998", "124-81-00998"), ("220-81-62517", "220-81-62517"), ("120 81 47521", "120-81-47521")]
        {
            assert_eq!(Brn::parse(raw).unwrap().to_string(), shown, "{raw}");
        }
    }

    #[test]
    fn each_kind_of_invalid_number_is_refused_for_its_reason() {
        assert_eq!(Brn::parse("124810099"), Err(BrnError::Length));
        assert_eq!(Brn::parse("12481009981"), Err(BrnError::Length));
        assert_eq!(Brn::parse(""), Err(BrnError::Length));
        assert_eq!(Brn::parse("124-81-0099O"), Err(BrnError::Characters));
        assert_eq!(Brn::parse("124/81/00998"), Err(BrnError::Characters));
        assert_eq!(Brn::parse("１２４８１００９９８"), Err(BrnError::Characters), "full-width digits");
        assert_eq!(Brn::parse("1248100999"), Err(BrnError::CheckDigit));
        assert_eq!(Brn::parse("2208162518"), Err(BrnError::CheckDigit));
    }

    #[test]
    fn every_wrong_last_digit_is_caught() {
        let valid = Brn::parse("1208147521").unwrap();
        for last in 0..10u8 {
            let mut d = valid.0;
            d[9] = last;
            let raw: String = d.iter().map(|x| (b'0' + x) as char).collect();
            assert_eq!(Brn::parse(&raw).is_ok(), last == 1, "{raw}");
        }
    }
}
