//! How an entry's hash is computed: sha256 over the previous hash and the entry's fields,
//! exactly as stored (the detail is already canonical text), so any changed byte shows.

use super::AuditEntry;
use crate::ids::sha256_hex;

/// The hash an entry must carry, given its fields and `prev_hash`.
pub(crate) fn hash_of(entry: &AuditEntry) -> String {
    let fields = (
        entry.seq,
        entry.at,
        &entry.actor,
        &entry.role,
        &entry.action,
        &entry.subject,
        &entry.detail,
    );
    // A tuple of integers and strings serialises the same way on every build.
    let body = serde_json::to_string(&fields).expect("integers and strings always serialise");
    let mut input = Vec::with_capacity(entry.prev_hash.len() + 1 + body.len());
    input.extend_from_slice(entry.prev_hash.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(body.as_bytes());
    sha256_hex(&input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::GENESIS_HASH;

    fn entry() -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: 5,
            actor: "ana".into(),
            role: "reviewer".into(),
            action: "proposal.approve".into(),
            subject: "p1".into(),
            detail: "{}".into(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_count() {
        let base = hash_of(&entry());
        let changes: [fn(&mut AuditEntry); 8] = [
            |e| e.seq = 2,
            |e| e.at = 6,
            |e| e.actor = "bo".into(),
            |e| e.role = "admin".into(),
            |e| e.action = "proposal.reject".into(),
            |e| e.subject = "p2".into(),
            |e| e.detail = "{\"a\":1}".into(),
            |e| e.prev_hash = "1".repeat(64),
        ];
        for change in changes {
            let mut altered = entry();
            change(&mut altered);
            assert_ne!(hash_of(&altered), base);
        }
        assert_eq!(hash_of(&entry()), base);
    }
}
