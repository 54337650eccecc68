//! The store's error type. Callers (the HTTP layer, the CLI) branch on the variant to pick a
//! status code, so each variant is one kind of answer, and its fields say what to show.

use crate::approval::ProposalState;

/// Everything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing named does not exist.
    #[error("{what} `{id}` not found")]
    NotFound {
        /// What kind of thing was looked up, in words (`incident`, `proposal`, `active token`).
        what: &'static str,
        /// The id or name that was asked for.
        id: String,
    },
    /// The caller may not do this; `why` says what rule stopped it.
    #[error("forbidden: {why}")]
    Forbidden {
        /// The rule that refused the caller, in words fit to show them.
        why: String,
    },
    /// The proposal has left the pending state already.
    #[error("proposal `{id}` is already {state}")]
    AlreadyDecided {
        /// The proposal's id.
        id: String,
        /// The state the proposal is already in: approved, rejected or withdrawn.
        state: ProposalState,
    },
    /// The request clashes with what is stored (a stale revision, a second vote, a name in use).
    #[error("conflict: {why}")]
    Conflict {
        /// What clashed, in words fit to show the caller.
        why: String,
    },
    /// A field of the input is wrong; `field` is its path (`events[3].id`).
    #[error("invalid `{field}`: {why}")]
    Invalid {
        /// The path of the wrong field in the input (`events[3].id`).
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// Storing the input would take what an incident holds past one of the store's
    /// [`Limits`](crate::Limits) (points in a series, events in a timeline); nothing was
    /// written. `field` is the input's field (`points`, `events`).
    #[error("too much in `{field}`: {why}")]
    OverLimit {
        /// The input field that brought too much (`points`, `events`).
        field: String,
        /// The record, the limit and the counts, in words fit to show the caller.
        why: String,
    },
    /// A stored value could not be read back (a row written by something other than the store).
    #[error("corrupt row in `{table}`: {why}")]
    Corrupt {
        /// The table the unreadable row is in.
        table: &'static str,
        /// What could not be parsed, as the parser said it.
        why: String,
    },
    /// The data folder could not be prepared.
    #[error("data folder `{path}`: {source}")]
    DataDir {
        /// The data folder that could not be created.
        path: String,
        /// The operating system's error.
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

    pub(crate) fn over_limit(field: impl Into<String>, why: impl Into<String>) -> Self {
        Error::OverLimit {
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
