//! Visitor contact details (`session_contacts`: name, email, pre-chat fields per session) and
//! projects' pre-chat forms (`project_pre_chat`). Values here are personal data: nothing in this
//! module logs them, and errors carry only database messages.

use std::collections::BTreeMap;

use parlour_shared::agent::VisitorContact;
use parlour_shared::session::PreChat;
use parlour_shared::{ProjectId, SessionId};
use sqlx::{AnyPool, Row};

use super::projects::to_json;
use super::{DbError, now_ms};

/// A change to a session's contact details: `Some` values replace stored ones, `None` keeps
/// them; `fields` are merged key by key. A `*_verified` value came from a verified identity
/// token and is never replaced by an unverified one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactUpdate {
    /// The name.
    pub name: Option<String>,
    /// Whether `name` is vouched for by the host.
    pub name_verified: bool,
    /// The email.
    pub email: Option<String>,
    /// Whether `email` is vouched for by the host.
    pub email_verified: bool,
    /// Pre-chat field values by key.
    pub fields: BTreeMap<String, String>,
}

/// The stored contact details of `session`, if any.
///
/// # Errors
/// [`DbError`] on a database failure or unreadable JSON.
pub async fn find(pool: &AnyPool, session: SessionId) -> Result<Option<VisitorContact>, DbError> {
    let row = sqlx::query("SELECT name, email, fields, name_verified, email_verified FROM session_contacts WHERE session_id = $1")
        .bind(session.to_string())
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let fields: String = row.try_get("fields")?;
    Ok(Some(VisitorContact {
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        fields: serde_json::from_str(&fields).map_err(|e| DbError::Corrupt(e.to_string()))?,
        verified: row.try_get::<i64, _>("name_verified")? != 0
            || row.try_get::<i64, _>("email_verified")? != 0,
    }))
}

/// Applies `update` to `session`'s contact details (creating them), keeping verified values
/// against unverified ones and merging fields.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn save(
    pool: &AnyPool,
    session: SessionId,
    project: &ProjectId,
    update: ContactUpdate,
) -> Result<(), DbError> {
    let current = sqlx::query("SELECT name, email, fields, name_verified, email_verified FROM session_contacts WHERE session_id = $1")
        .bind(session.to_string())
        .fetch_optional(pool)
        .await?;
    let (mut name, mut email, mut fields, mut name_verified, mut email_verified) = match current {
        Some(row) => (
            row.try_get::<Option<String>, _>("name")?,
            row.try_get::<Option<String>, _>("email")?,
            serde_json::from_str::<BTreeMap<String, String>>(&row.try_get::<String, _>("fields")?)
                .map_err(|e| DbError::Corrupt(e.to_string()))?,
            row.try_get::<i64, _>("name_verified")? != 0,
            row.try_get::<i64, _>("email_verified")? != 0,
        ),
        None => (None, None, BTreeMap::new(), false, false),
    };
    if let Some(new) = update
        .name
        .filter(|_| update.name_verified || !name_verified)
    {
        name = Some(new);
        name_verified = update.name_verified;
    }
    if let Some(new) = update
        .email
        .filter(|_| update.email_verified || !email_verified)
    {
        email = Some(new);
        email_verified = update.email_verified;
    }
    fields.extend(update.fields);
    sqlx::query(
        "INSERT INTO session_contacts (session_id, project_id, name, email, fields, name_verified, email_verified, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (session_id) DO UPDATE SET name = excluded.name, email = excluded.email, fields = excluded.fields,
         name_verified = excluded.name_verified, email_verified = excluded.email_verified, updated_at = excluded.updated_at",
    )
    .bind(session.to_string())
    .bind(project.as_str())
    .bind(name)
    .bind(email)
    .bind(to_json(&fields)?)
    .bind(i64::from(name_verified))
    .bind(i64::from(email_verified))
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}

/// The project's pre-chat form, if one is stored.
///
/// # Errors
/// [`DbError`] on a database failure or unreadable JSON.
pub async fn pre_chat(pool: &AnyPool, project: &ProjectId) -> Result<Option<PreChat>, DbError> {
    let raw: Option<String> =
        sqlx::query_scalar("SELECT config FROM project_pre_chat WHERE project_id = $1")
            .bind(project.as_str())
            .fetch_optional(pool)
            .await?;
    raw.map(|raw| serde_json::from_str(&raw).map_err(|e| DbError::Corrupt(e.to_string())))
        .transpose()
}

/// Stores (replaces) the project's pre-chat form.
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn set_pre_chat(
    pool: &AnyPool,
    project: &ProjectId,
    form: &PreChat,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO project_pre_chat (project_id, config, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (project_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
    )
    .bind(project.as_str())
    .bind(to_json(form)?)
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}
