//! Staff passwords: the rules a new password must meet, and generated ones.

use std::fmt;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// A password that meets the length rules. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    #[error("a password may have at most {MAX_CHARS} characters")]
    TooLong,
    /// Among the common or easily guessed (zxcvbn: found in about a million guesses or fewer).
    #[error("a common or easily guessed password")]
    TooCommon,
}

impl NewPassword {
    pub fn parse(raw: String) -> Result<Self, PasswordError> {
        let n = raw.chars().count();
        if n < MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if n > MAX_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(NewPassword(raw))
        }
    }

    /// A random password of 20 characters from an unambiguous alphabet (≈ 114 bits).
    pub fn generate(random: &[u8; 20]) -> Self {
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        // Rejection-free but only slightly biased mapping is fine for 57 symbols and 20 bytes
        // of fresh randomness per password; each byte selects one symbol.
        let s = random.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
        NewPassword(s)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Refuses common and easily guessed passwords, and ones built from the account's own
    /// details (`user_inputs`: email, name), by zxcvbn's estimate: score 2 (about 10^8
    /// guesses) or better is required.
    pub fn check_not_common(&self, user_inputs: &[&str]) -> Result<(), PasswordError> {
        let score = zxcvbn::zxcvbn(&self.0, user_inputs).score();
        if matches!(score, zxcvbn::Score::Zero | zxcvbn::Score::One) { Err(PasswordError::TooCommon) } else { Ok(()) }
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for common in ["password1", "qwerty123", "12345678", "iloveyou", "P@ssw0rd"] {
            let p = NewPassword::parse(common.into()).unwrap();
            assert_eq!(p.check_not_common(&[]), Err(PasswordError::TooCommon), "{common}");
        }
        let own = NewPassword::parse("kimjiwon2026".into()).unwrap();
        assert_eq!(own.check_not_common(&["kimjiwon", "jiwon@example.com"]), Err(PasswordError::TooCommon));
        assert!(NewPassword::parse("창원 바닷가 등대 2026".into()).unwrap().check_not_common(&[]).is_ok());
        assert!(NewPassword::parse("correct horse battery staple".into()).unwrap().check_not_common(&[]).is_ok());
    }

    #[test]
    fn length_rules_count_characters_not_bytes() {
        assert_eq!(NewPassword::parse("short".into()), Err(PasswordError::TooShort));
        assert!(NewPassword::parse("비밀번호여덟글자".into()).is_ok());
        assert_eq!(NewPassword::parse("x".repeat(129)), Err(PasswordError::TooLong));
        assert!(NewPassword::parse("x".repeat(128)).is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let p = NewPassword::parse("correct horse".into()).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn generated_passwords_are_twenty_characters() {
        let p = NewPassword::generate(&[7u8; 20]);
        assert_eq!(p.expose().chars().count(), 20);
    }
}
