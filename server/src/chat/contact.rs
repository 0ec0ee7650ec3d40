//! Visitor contact details: what the pre-chat form (`POST /v1/widget/contact`) and the init
//! request's `name`/`email` store, and what agents read back. Values are personal data and are
//! never logged; a refusal names only the offending key.
//!
//! **Which name/email wins.** A name or email in the verified identity token's `user_data` is
//! stored as verified and is never replaced by an unverified one (the init request's `name` /
//! `email`, or the pre-chat form); otherwise the latest value given wins.

use parlour_shared::agent::VisitorContact;
use parlour_shared::rest::{ContactRequest, check_contact_value};
use parlour_shared::session::PreChat;
use parlour_shared::{ConversationId, ProjectId, SessionId};

use crate::db::contact::{self, ContactUpdate};
use crate::db::conversations;
use crate::db::sessions::SessionRow;
use crate::error::ApiError;
use crate::security::identity::UserData;
use crate::state::AppState;

/// A trimmed value, `None` when blank.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Checks `req` against the project's pre-chat form and stores it on the caller's session.
///
/// # Errors
/// 400 `INVALID_REQUEST` (`<key>: <reason>`: too long, not an email, no such field, required);
/// database errors.
pub async fn save_visitor(
    state: &AppState,
    session: &SessionRow,
    req: ContactRequest,
) -> Result<(), ApiError> {
    let form = contact::pre_chat(&state.pool, &session.project_id)
        .await?
        .unwrap_or_default();
    // The stored details count for required fields only when the form has some.
    let stored = if form.enabled && form.fields.iter().any(|f| f.required) {
        contact::find(&state.pool, session.id)
            .await?
            .unwrap_or_default()
    } else {
        VisitorContact::default()
    };
    let has = |key: &str| match key {
        "name" => stored.name.is_some(),
        "email" => stored.email.is_some(),
        key => stored.fields.get(key).is_some_and(|v| !v.is_empty()),
    };
    form.check_contact(&req, has)
        .map_err(|err| ApiError::InvalidRequest(err.to_string()))?;
    let fields = req
        .fields
        .into_iter()
        .filter_map(|(key, value)| Some((key, given(Some(value))?)))
        .collect();
    let update = ContactUpdate {
        name: given(req.name),
        email: given(req.email),
        fields,
        ..ContactUpdate::default()
    };
    if update == ContactUpdate::default() {
        return Ok(());
    }
    contact::save(&state.pool, session.id, &session.project_id, update).await?;
    Ok(())
}

/// Checks the init request's `name` / `email` (before the session is stored).
///
/// # Errors
/// 400 `INVALID_REQUEST` (`name: too long`, `email: not an email address`).
pub fn check_init(name: Option<&str>, email: Option<&str>) -> Result<(), ApiError> {
    let bad = |err: parlour_shared::rest::ContactError| ApiError::InvalidRequest(err.to_string());
    if let Some(name) = name {
        check_contact_value("name", name, false).map_err(bad)?;
    }
    if let Some(email) = email {
        check_contact_value("email", email, true).map_err(bad)?;
    }
    Ok(())
}

/// Stores a new session's name and email: the verified token's `user_data` wins over what the
/// widget sent. Does nothing when there is neither.
///
/// # Errors
/// Database errors.
pub async fn record_init(
    state: &AppState,
    session: SessionId,
    project: &ProjectId,
    claimed: (Option<String>, Option<String>),
    verified: Option<&UserData>,
) -> Result<(), ApiError> {
    let verified_name = given(verified.and_then(|data| data.name.clone()));
    let verified_email = given(verified.and_then(|data| data.email.clone()))
        .filter(|email| check_contact_value("email", email, true).is_ok());
    let update = ContactUpdate {
        name_verified: verified_name.is_some(),
        name: verified_name.or_else(|| given(claimed.0)),
        email_verified: verified_email.is_some(),
        email: verified_email.or_else(|| given(claimed.1)),
        fields: std::collections::BTreeMap::new(),
    };
    if update.name.is_some() || update.email.is_some() {
        contact::save(&state.pool, session, project, update).await?;
    }
    Ok(())
}

/// The pre-chat form to send with an init response: the project's, when switched on.
///
/// # Errors
/// Database errors.
pub async fn form_for_init(
    state: &AppState,
    project: &ProjectId,
) -> Result<Option<PreChat>, ApiError> {
    let form = state.projects.pre_chat(&state.pool, project).await?;
    Ok(form.filter(|form| form.enabled).map(|form| (*form).clone()))
}

/// What the visitor of conversation `id` told us (agents).
///
/// # Errors
/// 404 `NOT_FOUND` for an unknown conversation; database errors.
pub async fn for_conversation(
    state: &AppState,
    id: ConversationId,
) -> Result<VisitorContact, ApiError> {
    let conversation = conversations::find(&state.pool, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(contact::find(&state.pool, conversation.session_id)
        .await?
        .unwrap_or_default())
}
