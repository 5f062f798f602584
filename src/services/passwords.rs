//! Password hashing with argon2id at the OWASP-recommended parameters
//! (19 MiB of memory, 2 iterations, 1 lane).

use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::password::NewPassword;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes at once, at most: each takes 19 MiB for its few milliseconds, so a burst of
/// sign-ins queues here instead of growing the server's memory (see bench/README.md).
const AT_ONCE: usize = 2;
static RUNNING: (std::sync::Mutex<usize>, std::sync::Condvar) = (std::sync::Mutex::new(0), std::sync::Condvar::new());

fn limited<T>(f: impl FnOnce() -> T) -> T {
    let (count, freed) = &RUNNING;
    {
        let mut n = count.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *n >= AT_ONCE {
            n = freed.wait(n).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *n += 1;
    }
    let out = f();
    *count.lock().unwrap_or_else(std::sync::PoisonError::into_inner) -= 1;
    freed.notify_one();
    out
}

/// The PHC string to store, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…`.
pub fn hash(password: &NewPassword) -> String {
    limited(|| {
        hasher()
            .hash_password(password.expose().as_bytes())
            .expect("argon2 hashing with valid parameters cannot fail")
            .to_string()
    })
}

/// Checks a password against a stored hash. An unparsable hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => limited(|| hasher().verify_password(password.as_bytes(), &parsed).is_ok()),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the account does not exist, so that an
/// unknown user costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash(&NewPassword::generate(&crate::token::random_bytes::<20>())));
    &DUMMY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let pw = NewPassword::parse("correct horse battery".into()).unwrap();
        let stored = hash(&pw);
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse battery!", &stored));
        assert!(!verify("anything", "not a hash"));
    }
}
