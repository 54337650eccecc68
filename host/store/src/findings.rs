//! Findings, stored with the plugin (name and version) that made them. A finding's id is
//! derived from what it is about (incident, plugin, kind, subject, moment), so a plugin that
//! says the same thing again on the next tick, or in a replay, does not pile up copies.

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::sha256_hex;
use crate::incidents;
use crate::model::{Finding, FindingKind, PluginRef, StoredFinding, check_id};
use crate::store::Store;

/// What storing a plugin's findings did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingsAdded {
    /// Ids of the findings that were new, in input order: the ones to show.
    pub new: Vec<String>,
    /// Ids already stored.
    pub repeated: Vec<String>,
}

impl Store {
    /// Stores findings a plugin returned for an incident.
    pub async fn add_findings(
        &self,
        incident_id: &str,
        plugin: &PluginRef,
        findings: &[Finding],
    ) -> Result<FindingsAdded> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let added = insert_in(tx.conn(), now, incident_id, plugin, findings).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// An incident's findings in the order they arrived.
    pub async fn findings(&self, incident_id: &str) -> Result<Vec<StoredFinding>> {
        let mut conn = self.db().pool.acquire().await?;
        incidents::require(&mut conn, incident_id).await?;
        let rows = sqlx::query(
            "SELECT id, incident_id, plugin, plugin_version, kind, subject, title, detail,
             evidence, confidence, at, created_at
             FROM findings WHERE incident_id = $1 ORDER BY created_at, id",
        )
        .bind(incident_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

/// Stores findings inside the caller's transaction; ids already stored are `repeated`.
pub(crate) async fn insert_in(
    conn: &mut AnyConnection,
    now: Timestamp,
    incident_id: &str,
    plugin: &PluginRef,
    findings: &[Finding],
) -> Result<FindingsAdded> {
    validate(plugin, findings)?;
    incidents::require(conn, incident_id).await?;
    let rows: Vec<(String, &Finding)> = findings
        .iter()
        .map(|f| (finding_id(incident_id, plugin, f), f))
        .collect();
    let mut new_ids = std::collections::HashSet::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        new_ids.extend(insert_chunk(conn, now, incident_id, plugin, chunk).await?);
    }
    let mut added = FindingsAdded::default();
    for (id, _) in rows {
        // A finding repeated within one batch is new once, then a repeat.
        if new_ids.remove(&id) {
            added.new.push(id)
        } else {
            added.repeated.push(id)
        }
    }
    Ok(added)
}

/// Findings per INSERT: 12 parameters a row stays far below SQLite's limit of 32,766.
const ROWS_PER_INSERT: usize = 500;

/// One multi-row INSERT; returns the ids it stored (those not stored before).
async fn insert_chunk(
    conn: &mut AnyConnection,
    now: Timestamp,
    incident_id: &str,
    plugin: &PluginRef,
    rows: &[(String, &Finding)],
) -> Result<Vec<String>> {
    let mut sql = String::from(
        "INSERT INTO findings (id, incident_id, plugin, plugin_version, kind, subject, title,
         detail, evidence, confidence, at, created_at) VALUES ",
    );
    for i in 0..rows.len() {
        let n = i * 12;
        let params: Vec<String> = (1..=12).map(|k| format!("${}", n + k)).collect();
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (id) DO NOTHING RETURNING id");
    let mut query = sqlx::query(&sql);
    for (id, finding) in rows {
        let evidence = serde_json::to_string(&finding.evidence).expect("evidence serialises");
        query = query
            .bind(id)
            .bind(incident_id)
            .bind(&plugin.name)
            .bind(&plugin.version)
            .bind(finding.kind.as_str())
            .bind(&finding.subject)
            .bind(&finding.title)
            .bind(&finding.detail)
            .bind(evidence)
            .bind(f64::from(finding.confidence))
            .bind(finding.at)
            .bind(now);
    }
    let stored = query.fetch_all(&mut *conn).await?;
    Ok(stored
        .iter()
        .map(|row| row.get::<String, _>("id"))
        .collect())
}

fn validate(plugin: &PluginRef, findings: &[Finding]) -> Result<()> {
    check_id("plugin.name", &plugin.name)?;
    check_id("plugin.version", &plugin.version)?;
    for (i, finding) in findings.iter().enumerate() {
        if !(0.0..=1.0).contains(&finding.confidence) {
            let why = format!("{} is outside 0.0..=1.0", finding.confidence);
            return Err(Error::invalid(format!("findings[{i}].confidence"), why));
        }
        if finding.title.trim().is_empty() {
            return Err(Error::invalid(
                format!("findings[{i}].title"),
                "must not be empty",
            ));
        }
    }
    Ok(())
}

/// Same incident, plugin, kind, subject and moment: same finding, whatever the wording.
fn finding_id(incident_id: &str, plugin: &PluginRef, finding: &Finding) -> String {
    let at = finding
        .at
        .map_or_else(|| "-".to_string(), |at| at.to_string());
    let key = [
        incident_id,
        &plugin.name,
        finding.kind.as_str(),
        &finding.subject,
        &at,
    ]
    .join("\u{0}");
    sha256_hex(key.as_bytes())[..32].to_string()
}

fn from_row(row: &AnyRow) -> Result<StoredFinding> {
    let kind: String = row.try_get("kind")?;
    let evidence: String = row.try_get("evidence")?;
    let confidence: f64 = row.try_get("confidence")?;
    let finding = Finding {
        kind: FindingKind::parse(&kind)
            .ok_or_else(|| Error::corrupt("findings", format!("unknown kind `{kind}`")))?,
        subject: row.try_get("subject")?,
        title: row.try_get("title")?,
        detail: row.try_get("detail")?,
        evidence: serde_json::from_str(&evidence).map_err(|e| Error::corrupt("findings", e))?,
        confidence: confidence as f32,
        at: row.try_get("at")?,
    };
    Ok(StoredFinding {
        id: row.try_get("id")?,
        incident: row.try_get("incident_id")?,
        plugin: PluginRef {
            name: row.try_get("plugin")?,
            version: row.try_get("plugin_version")?,
        },
        finding,
        created_at: row.try_get("created_at")?,
    })
}
