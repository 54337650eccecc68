//! The store's error type. Callers (the HTTP layer, the CLI) branch on the variant to pick a
//! status code, so each variant is one kind of answer, and its fields say what to show.

use crate::approval::ProposalState;

/// Everything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing named does not exist.
    #[error("{what} `{id}` not found")]
    NotFound { what: &'static str, id: String },
    /// The caller may not do this; `why` says what rule stopped it.
    #[error("forbidden: {why}")]
    Forbidden { why: String },
    /// The proposal has left the pending state already.
    #[error("proposal `{id}` is already {state}")]
    AlreadyDecided { id: String, state: ProposalState },
    /// The request clashes with what is stored (a stale revision, a second vote, a name in use).
    #[error("conflict: {why}")]
    Conflict { why: String },
    /// A field of the input is wrong; `field` is its path (`events[3].id`).
    #[error("invalid `{field}`: {why}")]
    Invalid { field: String, why: String },
    /// A stored value could not be read back (a row written by something other than the store).
    #[error("corrupt row in `{table}`: {why}")]
    Corrupt { table: &'static str, why: String },
    /// The data folder could not be prepared.
    #[error("data folder `{path}`: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    /// The schema migrations failed.
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, why: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            why: why.into(),
        }
    }

    pub(crate) fn forbidden(why: impl Into<String>) -> Self {
        Error::Forbidden { why: why.into() }
    }

    pub(crate) fn conflict(why: impl Into<String>) -> Self {
        Error::Conflict { why: why.into() }
    }

    pub(crate) fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            id: id.into(),
        }
    }

    pub(crate) fn corrupt(table: &'static str, why: impl std::fmt::Display) -> Self {
        Error::Corrupt {
            table,
            why: why.to_string(),
        }
    }
}
