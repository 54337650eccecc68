//! The operator's audit key: 32 random bytes kept in a file outside the database, so that
//! whoever can rewrite the database still cannot make a seal (see `seal`) that verifies.
//!
//! The file holds the key as 64 hex digits. It must be readable by its owner only (like an SSH
//! key): a key others can read is no secret. The key is never printed, logged or stored in the
//! database; what is shown and stored is its id, a fingerprint that reveals nothing of it.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a key file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or created.
    #[error("audit key file {path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file does not hold 64 hex digits.
    #[error("audit key file {path}: expected 64 hex digits (make one with `rhyme audit keygen`)")]
    Format {
        /// The key file.
        path: PathBuf,
    },
    /// Others than the owner may read the file.
    #[error(
        "audit key file {path} may be read by others (mode {mode:o}): `chmod 600` it, and consider the key seen"
    )]
    Exposed {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// `create` found a file there already; it is never overwritten.
    #[error(
        "audit key file {path} exists already: it is kept (a new key would not verify old seals)"
    )]
    Exists {
        /// The key file.
        path: PathBuf,
    },
}

/// The secret behind seals. `Debug` shows its id only.
#[derive(Clone)]
pub struct AuditKey {
    bytes: [u8; 32],
    id: String,
}

impl AuditKey {
    /// A key from its bytes (tests, or keys kept elsewhere).
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        let mut key = AuditKey {
            bytes,
            id: String::new(),
        };
        // The id is a MAC of a fixed text: it names the key without helping anyone guess it.
        key.id = key.mac(b"rhyme-audit-key-id")[..16].to_string();
        key
    }

    /// A fresh random key.
    pub fn generate() -> Result<AuditKey, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(AuditKey::from_bytes(bytes))
    }

    /// Reads the key file, refusing one that others may read.
    pub fn read_file(path: &Path) -> Result<AuditKey, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let metadata = std::fs::metadata(path).map_err(io)?;
        check_private(path, &metadata)?;
        let text = std::fs::read_to_string(path).map_err(io)?;
        let format = || KeyError::Format {
            path: path.to_path_buf(),
        };
        let decoded = hex::decode(text.trim()).map_err(|_| format())?;
        let bytes: [u8; 32] = decoded.try_into().map_err(|_| format())?;
        Ok(AuditKey::from_bytes(bytes))
    }

    /// Writes a fresh key to `path` (mode 0600, never over an existing file) and returns it.
    pub fn create_file(path: &Path) -> Result<AuditKey, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let key = AuditKey::generate()
            .map_err(|e| io(std::io::Error::other(format!("no randomness: {e}"))))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => KeyError::Exists {
                path: path.to_path_buf(),
            },
            _ => io(e),
        })?;
        file.write_all(format!("{}\n", hex::encode(key.bytes)).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        Ok(key)
    }

    /// The key's fingerprint (16 hex digits), safe to show and store.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// HMAC-SHA256 of `message`, hex.
    pub(crate) fn mac(&self, message: &[u8]) -> String {
        hex::encode(self.hmac(message).finalize().into_bytes())
    }

    /// Whether `mac_hex` is this key's MAC of `message`, compared in constant time.
    pub(crate) fn verifies(&self, message: &[u8], mac_hex: &str) -> bool {
        hex::decode(mac_hex).is_ok_and(|mac| self.hmac(message).verify_slice(&mac).is_ok())
    }

    fn hmac(&self, message: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(message);
        mac
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Exposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_file_is_private_and_reads_back_as_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let key = AuditKey::create_file(&path).unwrap();
        let again = AuditKey::read_file(&path).unwrap();
        assert_eq!(key.id(), again.id());
        assert_eq!(key.mac(b"x"), again.mac(b"x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            AuditKey::create_file(&path),
            Err(KeyError::Exists { .. })
        ));
        assert_eq!(AuditKey::read_file(&path).unwrap().id(), key.id(), "kept");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        AuditKey::create_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            AuditKey::read_file(&path),
            Err(KeyError::Exposed { mode: 0o644, .. })
        ));
    }

    #[test]
    fn a_key_file_without_a_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        std::fs::write(&path, "not a key\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            AuditKey::read_file(&path),
            Err(KeyError::Format { .. })
        ));
    }

    #[test]
    fn the_key_shows_only_its_id_and_macs_verify_only_under_it() {
        let key = AuditKey::from_bytes([7; 32]);
        let shown = format!("{key:?}");
        assert!(shown.contains(key.id()) && !shown.contains(&hex::encode([7u8; 32])));
        let mac = key.mac(b"seal");
        assert!(key.verifies(b"seal", &mac));
        assert!(!key.verifies(b"seal!", &mac));
        assert!(!AuditKey::from_bytes([8; 32]).verifies(b"seal", &mac));
        assert!(!key.verifies(b"seal", "zz"));
    }
}
