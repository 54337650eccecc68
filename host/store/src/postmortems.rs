//! The postmortem corpus. A write-up is one entry whether it arrives under its id or under
//! its URL: importing the same corpus twice, or the same write-up from two lists with
//! different ids, never makes a duplicate.

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::error::{Error, Result};
use crate::incidents::Put;
use crate::model::{Postmortem, check_id};
use crate::store::Store;

/// What an upsert did, and the id the entry is stored under (the existing one when the
/// write-up was matched by URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upserted {
    /// The id the write-up is stored under: the one sent, or the existing entry's when
    /// matched by URL.
    pub id: String,
    /// Whether the entry was created, updated or already identical.
    pub put: Put,
}

impl Store {
    /// Inserts or updates a postmortem, matched by id, else by URL.
    pub async fn upsert_postmortem(&self, postmortem: &Postmortem) -> Result<Upserted> {
        validate(postmortem)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        let by_id = fetch(tx.conn(), "id", &postmortem.id).await?;
        let by_url = match &postmortem.url {
            Some(url) => fetch(tx.conn(), "url", url).await?,
            None => None,
        };
        let target = match (by_id, by_url) {
            (Some(a), Some(b)) if a.id != b.id => {
                return Err(Error::conflict(format!(
                    "url `{}` belongs to postmortem `{}`, not `{}`",
                    b.url.unwrap_or_default(),
                    b.id,
                    a.id
                )));
            }
            (Some(found), _) | (None, Some(found)) => Some(found),
            (None, None) => None,
        };
        let upserted = match target {
            None => {
                write(tx.conn(), INSERT, postmortem, &postmortem.id, now).await?;
                Upserted {
                    id: postmortem.id.clone(),
                    put: Put::Created,
                }
            }
            Some(found) => {
                let wanted = Postmortem {
                    id: found.id.clone(),
                    ..postmortem.clone()
                };
                let put = if wanted == found {
                    Put::Unchanged
                } else {
                    Put::Updated
                };
                if put == Put::Updated {
                    write(tx.conn(), UPDATE, postmortem, &found.id, now).await?;
                }
                Upserted { id: found.id, put }
            }
        };
        tx.commit().await?;
        Ok(upserted)
    }

    /// The postmortem with this id.
    pub async fn postmortem(&self, id: &str) -> Result<Postmortem> {
        let mut conn = self.db().pool.acquire().await?;
        fetch(&mut conn, "id", id)
            .await?
            .ok_or_else(|| Error::not_found("postmortem", id))
    }

    /// The whole corpus, by id.
    pub async fn postmortems(&self) -> Result<Vec<Postmortem>> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY id"))
            .fetch_all(&self.db().pool)
            .await?;
        rows.iter().map(from_row).collect()
    }
}

fn validate(postmortem: &Postmortem) -> Result<()> {
    check_id("id", &postmortem.id)?;
    if postmortem.title.trim().is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    if postmortem
        .url
        .as_deref()
        .is_some_and(|u| u.trim().is_empty())
    {
        return Err(Error::invalid("url", "must be absent or non-empty"));
    }
    Ok(())
}

const SELECT: &str = "SELECT id, title, company, summary, body, categories, url FROM postmortems";
const INSERT: &str = "INSERT INTO postmortems
    (id, title, company, summary, body, categories, url, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const UPDATE: &str = "UPDATE postmortems SET title = $2, company = $3, summary = $4, body = $5,
    categories = $6, url = $7, updated_at = $8 WHERE id = $1";

/// Finds by `column` (`id` or `url`; never caller text).
async fn fetch(conn: &mut AnyConnection, column: &str, value: &str) -> Result<Option<Postmortem>> {
    let row = sqlx::query(&format!("{SELECT} WHERE {column} = $1"))
        .bind(value)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

async fn write(
    conn: &mut AnyConnection,
    sql: &str,
    postmortem: &Postmortem,
    id: &str,
    now: i64,
) -> Result<()> {
    let categories = serde_json::to_string(&postmortem.categories).expect("strings serialise");
    sqlx::query(sql)
        .bind(id)
        .bind(&postmortem.title)
        .bind(&postmortem.company)
        .bind(&postmortem.summary)
        .bind(&postmortem.body)
        .bind(categories)
        .bind(&postmortem.url)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Postmortem> {
    let categories: String = row.try_get("categories")?;
    Ok(Postmortem {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        company: row.try_get("company")?,
        summary: row.try_get("summary")?,
        body: row.try_get("body")?,
        categories: serde_json::from_str(&categories)
            .map_err(|e| Error::corrupt("postmortems", e))?,
        url: row.try_get("url")?,
    })
}
