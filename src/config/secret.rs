//! The signing secret: given, or generated once into `DATA_DIR/secret.key`.

use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};

/// Key material for signing (CSRF tokens). Never printed.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn from_text(s: &str) -> anyhow::Result<Self> {
        if s.chars().count() < 32 {
            bail!("the secret must have at least 32 characters");
        }
        Ok(Secret(s.as_bytes().to_vec()))
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The secret generated on first start, kept in `DATA_DIR/secret.key` (mode 0600).
/// Several instances behind one load balancer must share it: set ONESTOP_SECRET for them.
pub(super) fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Secret> {
    let path = data_dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Secret::from_text(text.trim()).with_context(|| format!("the secret in {} is unusable", path.display()));
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    // Written whole under a temporary name, then linked into place: of several processes
    // starting at once, one link wins and every other reads the winner's complete file.
    let hex = crate::token::random_hex::<32>();
    let tmp = data_dir.join(format!(".secret.key.{}", crate::token::random_hex::<8>()));
    write_private(&tmp, &hex).with_context(|| format!("writing {}", tmp.display()))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Secret::from_text(&hex),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            Secret::from_text(text.trim()).with_context(|| format!("the secret in {} is unusable", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("writing {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
