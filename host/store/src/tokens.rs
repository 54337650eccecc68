//! API tokens. The secret is shown once, at creation; the store keeps only its sha256, so a
//! copy of the database does not hand out access. A token has a name, a role, and can be
//! revoked; the name is unique among tokens not revoked.

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::append_and_commit;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::{new_id, random_hex, sha256_hex};
use crate::roles::{Actor, Principal, Role};
use crate::store::Store;

/// What every secret starts with, so a leaked one is easy to recognise in logs and scanners.
pub const SECRET_PREFIX: &str = "rhyme_";

/// A token as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The token's id, made by the store; stays unique even when a name is reused.
    pub id: String,
    /// Who holds it (a person or a bot); unique among tokens not revoked.
    pub name: String,
    /// What its holder may do.
    pub role: Role,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_at: Timestamp,
    /// The name of the operator or admin who created it.
    pub created_by: String,
    /// When it was revoked, in milliseconds since the Unix epoch; `None` while it still works.
    pub revoked_at: Option<Timestamp>,
}

/// What a presented secret turned out to be ([`Store::check_token`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// An active token: who holds it and their role.
    Active(Principal),
    /// A token that was revoked at `at` (milliseconds since the Unix epoch).
    Revoked {
        /// When it was revoked.
        at: Timestamp,
    },
    /// No token has this secret (a typo, a token of another server, or not a Rhyme secret).
    Unknown,
}

/// A token just created: the only time its secret is known.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The token as it will be listed.
    pub info: TokenInfo,
    /// The secret to hand to its holder (starts with [`SECRET_PREFIX`]); the store keeps
    /// only its hash.
    pub secret: String,
}

impl Store {
    /// Creates a token with `role` under `name`. Only the operator or an admin may.
    ///
    /// The name is trimmed and case-folded first (`" Responder-1"` is `responder-1`), and must
    /// then differ from every active token's: otherwise a look-alike name could pass for another
    /// person where the gate compares who requested with who approves.
    pub async fn create_token(&self, by: &Actor, name: &str, role: Role) -> Result<NewToken> {
        check_manager(by)?;
        crate::model::check_id("name", name)?;
        let name = &normalise_name(name);
        let secret = format!("{SECRET_PREFIX}{}", random_hex(32));
        let info = TokenInfo {
            id: new_id(),
            name: name.to_string(),
            role,
            created_at: self.now(),
            created_by: by.name.clone(),
            revoked_at: None,
        };
        let mut tx = self.db().write().await?;
        if active_by_name(tx.conn(), name).await?.is_some() {
            return Err(Error::conflict(format!(
                "a token named `{name}` exists; revoke it first"
            )));
        }
        insert(tx.conn(), &info, &sha256_hex(secret.as_bytes())).await?;
        let detail = serde_json::json!({"id": info.id, "role": role.as_str()});
        append_and_commit(tx, info.created_at, by, "token.create", name, &detail).await?;
        Ok(NewToken { info, secret })
    }

    /// Revokes the active token named `name` (or with that id).
    pub async fn revoke_token(&self, by: &Actor, name_or_id: &str) -> Result<TokenInfo> {
        check_manager(by)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        let mut info = match active_by_name(tx.conn(), name_or_id).await? {
            Some(info) => info,
            None => by_id(tx.conn(), name_or_id)
                .await?
                .filter(|info| info.revoked_at.is_none())
                .ok_or_else(|| Error::not_found("active token", name_or_id))?,
        };
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2
             WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(&by.name)
        .bind(&info.id)
        .execute(tx.conn())
        .await?;
        let detail = serde_json::json!({"id": info.id, "role": info.role.as_str()});
        append_and_commit(tx, now, by, "token.revoke", &info.name, &detail).await?;
        info.revoked_at = Some(now);
        Ok(info)
    }

    /// The principal a secret stands for, or `None` when it is unknown or revoked.
    pub async fn verify_token(&self, secret: &str) -> Result<Option<Principal>> {
        Ok(match self.check_token(secret).await? {
            TokenCheck::Active(principal) => Some(principal),
            TokenCheck::Revoked { .. } | TokenCheck::Unknown => None,
        })
    }

    /// What a secret stands for: an active token's principal, a revoked token, or nothing.
    /// Telling revoked from unknown reveals nothing to the caller: only the holder of the
    /// secret can learn that it was revoked, and no name is given either way.
    pub async fn check_token(&self, secret: &str) -> Result<TokenCheck> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(TokenCheck::Unknown);
        }
        let row =
            sqlx::query("SELECT name, role, revoked_at FROM api_tokens WHERE secret_hash = $1")
                .bind(sha256_hex(secret.as_bytes()))
                .fetch_optional(&self.db().pool)
                .await?;
        let Some(row) = row else {
            return Ok(TokenCheck::Unknown);
        };
        if let Some(at) = row.try_get::<Option<Timestamp>, _>("revoked_at")? {
            return Ok(TokenCheck::Revoked { at });
        }
        let role: String = row.try_get("role")?;
        let role = role.parse().map_err(|e| Error::corrupt("api_tokens", e))?;
        Ok(TokenCheck::Active(Principal {
            name: row.try_get("name")?,
            role,
        }))
    }

    /// All tokens, revoked ones included, newest first.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY created_at DESC, name"))
            .fetch_all(&self.db().pool)
            .await?;
        rows.iter().map(info_from_row).collect()
    }
}

const SELECT: &str = "SELECT id, name, role, created_at, created_by, revoked_at FROM api_tokens";

pub(crate) fn check_manager(by: &Actor) -> Result<()> {
    if by.manages_tokens() {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only an admin manages tokens, not a {}",
            by.role
        )))
    }
}

/// A token name as stored and compared: trimmed and case-folded.
fn normalise_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The active token whose name is `name` once both are normalised (tokens made before names
/// were normalised included).
pub(crate) async fn active_by_name(
    conn: &mut sqlx::AnyConnection,
    name: &str,
) -> Result<Option<TokenInfo>> {
    let wanted = normalise_name(name);
    let rows = sqlx::query(&format!("{SELECT} WHERE revoked_at IS NULL"))
        .fetch_all(conn)
        .await?;
    for row in &rows {
        let info = info_from_row(row)?;
        if normalise_name(&info.name) == wanted {
            return Ok(Some(info));
        }
    }
    Ok(None)
}

async fn by_id(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<TokenInfo>> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(info_from_row).transpose()
}

async fn insert(conn: &mut sqlx::AnyConnection, info: &TokenInfo, hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, name, role, secret_hash, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&info.id)
    .bind(&info.name)
    .bind(info.role.as_str())
    .bind(hash)
    .bind(info.created_at)
    .bind(&info.created_by)
    .execute(conn)
    .await?;
    Ok(())
}

fn info_from_row(row: &AnyRow) -> Result<TokenInfo> {
    let role: String = row.try_get("role")?;
    Ok(TokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|e| Error::corrupt("api_tokens", e))?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}
