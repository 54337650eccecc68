//! One incident's plugin jobs at a time across every replica over the same PostgreSQL. Within
//! one process the worker's lines already run an incident's jobs one at a time; replicas each
//! queue what reached them, so two of them could run the same incident at once, and a plugin
//! that acts only once ("not proposed yet") would act twice.
//!
//! The turn is a PostgreSQL session-level advisory lock, held on a connection of its own for
//! the run: should the process die, the server drops the connection and the lock with it. On
//! SQLite (one server per file) a turn is free.

use sqlx::Any;
use sqlx::pool::PoolConnection;

use crate::Store;
use crate::db::Backend;
use crate::error::Result;

/// The first key of Rhyme's advisory locks, so they cannot collide with another
/// application's on the same database; the second is a hash of the incident id.
const LOCK_SPACE: i32 = 0x5248_594d; // "RHYM"

/// An incident's turn, held until [`IncidentTurn::end`]; dropped without it, the connection
/// is closed, which also ends the turn.
pub struct IncidentTurn {
    held: Option<(PoolConnection<Any>, String)>,
}

impl Store {
    /// Waits until no other replica is running plugin jobs of `incident`, then holds its turn.
    pub async fn incident_turn(&self, incident: &str) -> Result<IncidentTurn> {
        if self.db().backend != Backend::Postgres {
            return Ok(IncidentTurn { held: None });
        }
        let mut conn = self.db().pool.acquire().await?;
        // `pg_advisory_lock` returns void, which the Any driver cannot decode: select a
        // constant once it returns.
        sqlx::query("SELECT 1 AS turn FROM (SELECT pg_advisory_lock($1, hashtext($2))) AS l")
            .bind(LOCK_SPACE)
            .bind(incident)
            .fetch_one(&mut *conn)
            .await?;
        Ok(IncidentTurn {
            held: Some((conn, incident.to_string())),
        })
    }
}

impl IncidentTurn {
    /// Ends the turn: the incident's next job, on any replica, may run.
    pub async fn end(mut self) -> Result<()> {
        if let Some((mut conn, incident)) = self.held.take() {
            let unlocked = sqlx::query(
                "SELECT 1 AS done FROM (SELECT pg_advisory_unlock($1, hashtext($2))) AS u",
            )
            .bind(LOCK_SPACE)
            .bind(&incident)
            .fetch_one(&mut *conn)
            .await;
            if unlocked.is_err() {
                // Perhaps still locked: closed rather than given back to the pool.
                drop(conn.detach());
            }
            unlocked?;
        }
        Ok(())
    }
}

impl Drop for IncidentTurn {
    fn drop(&mut self) {
        if let Some((conn, _)) = self.held.take() {
            // Not given back to the pool still locked: closing it ends the turn.
            drop(conn.detach());
        }
    }
}
