//! Random identifiers and secrets. Ids are made by the application (not the database) so the
//! same SQL serves SQLite and PostgreSQL and replicas never collide.

use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system, hex-encoded.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS generator failing means the machine cannot make secrets at all; carrying on
    // with a predictable value would be worse than stopping.
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    hex::encode(buf)
}

/// A fresh 128-bit identifier.
pub fn new_id() -> String {
    random_hex(16)
}

/// The sha256 of `text`, hex-encoded.
pub(crate) fn sha256_hex(text: &[u8]) -> String {
    hex::encode(Sha256::digest(text))
}
