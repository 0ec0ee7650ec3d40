//! The admin commands as plain functions (the CLI in [`crate::cli`] calls [`run`]; tests call
//! the functions directly): create and change projects, rotate identity secrets, show settings.
//! Every value is validated here, so a typo cannot store a domain pattern that never matches.

use std::fmt::Write as _;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use parlour_shared::ProjectId;
use rand::RngCore;
use sqlx::AnyPool;

use crate::cli::ProjectCommand;
use crate::db::project_admin::{self, NewProject, ProjectChanges};
use crate::db::{DbError, projects};
use crate::security::identity::{IdentityMode, IdentitySecret};
use crate::security::origin::DomainPattern;

/// Why an admin command failed (printed to the operator).
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The id is not a valid project id.
    #[error("invalid project id: {0}")]
    InvalidId(String),
    /// A domain pattern does not parse.
    #[error("invalid domain `{0}` (use example.com, *.example.com, https://shop.example.com or localhost:3000)")]
    InvalidDomain(String),
    /// The name is empty or too long.
    #[error("the name must be 1 to 200 characters")]
    InvalidName,
    /// No such project.
    #[error("no project `{0}`")]
    NotFound(String),
    /// The id is taken.
    #[error("a project `{0}` already exists")]
    Exists(String),
    /// The pre-chat form JSON does not parse or is not a valid form.
    #[error("invalid --pre-chat-json: {0}")]
    InvalidPreChat(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new identity secret: 32 random bytes (256 bits), base64url, 43 characters. Hosts sign with
/// this text as the HMAC key.
#[must_use]
pub fn generate_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn project_id(raw: &str) -> Result<ProjectId, AdminError> {
    ProjectId::parse(raw).map_err(|e| AdminError::InvalidId(e.to_string()))
}

fn check_name(name: &str) -> Result<(), AdminError> {
    let len = name.trim().chars().count();
    if (1..=200).contains(&len) { Ok(()) } else { Err(AdminError::InvalidName) }
}

/// Validates domain patterns and returns them trimmed.
///
/// # Errors
/// [`AdminError::InvalidDomain`] for the first one that does not parse.
pub fn check_domains(domains: &[String]) -> Result<Vec<String>, AdminError> {
    domains
        .iter()
        .map(|d| DomainPattern::parse(d).map(|_| d.trim().to_owned()).map_err(|_| AdminError::InvalidDomain(d.clone())))
        .collect()
}

/// Creates a project; returns its first identity secret when identity is on (print it once).
///
/// # Errors
/// [`AdminError`] for bad values, a taken id or a database failure.
pub async fn add_project(pool: &AnyPool, id: &str, name: &str, domains: &[String], identity: IdentityMode) -> Result<Option<String>, AdminError> {
    let id = project_id(id)?;
    check_name(name)?;
    let domains = check_domains(domains)?;
    let secret = (identity != IdentityMode::Off).then(generate_secret);
    let project = NewProject { id: &id, name: name.trim(), allowed_domains: &domains, identity_mode: identity, identity_secret: secret.as_deref() };
    if !project_admin::create(pool, &project).await? {
        return Err(AdminError::Exists(id.to_string()));
    }
    Ok(secret)
}

/// Changes a project; when identity is switched on and the project has no secret yet, makes one
/// and returns it (print it once).
///
/// # Errors
/// [`AdminError`] for bad values, an unknown project or a database failure.
pub async fn set_project(pool: &AnyPool, id: &str, mut changes: ProjectChanges) -> Result<Option<String>, AdminError> {
    let id = project_id(id)?;
    if let Some(name) = &changes.name {
        check_name(name)?;
        changes.name = Some(name.trim().to_owned());
    }
    if let Some(domains) = &changes.allowed_domains {
        changes.allowed_domains = Some(check_domains(domains)?);
    }
    if !project_admin::update(pool, &id, &changes).await? {
        return Err(AdminError::NotFound(id.to_string()));
    }
    let wants_secret = changes.identity_mode.is_some_and(|mode| mode != IdentityMode::Off);
    let project = projects::find(pool, &id).await?.ok_or_else(|| AdminError::NotFound(id.to_string()))?;
    if wants_secret && project.identity_secrets.is_empty() {
        return rotate_secret(pool, id.as_str()).await.map(Some);
    }
    Ok(None)
}

/// Makes a new identity secret current (the previous one stays valid, the one before is
/// retired) and returns it (print it once).
///
/// # Errors
/// [`AdminError`] for an unknown project or a database failure.
pub async fn rotate_secret(pool: &AnyPool, id: &str) -> Result<String, AdminError> {
    let id = project_id(id)?;
    let secret = generate_secret();
    debug_assert!(IdentitySecret::new(secret.clone().into_bytes()).is_ok());
    if !project_admin::rotate_secret(pool, &id, &secret).await? {
        return Err(AdminError::NotFound(id.to_string()));
    }
    Ok(secret)
}

/// Switches a project's away mode on or off (see [`crate::db::away`]).
///
/// # Errors
/// [`AdminError`] for an unknown project or a database failure.
pub async fn set_away_mode(pool: &AnyPool, id: &str, on: bool) -> Result<(), AdminError> {
    let id = project_id(id)?;
    if crate::db::away::set_away_mode(pool, &id, on).await? { Ok(()) } else { Err(AdminError::NotFound(id.to_string())) }
}

/// Parses and checks a pre-chat form given as JSON.
///
/// # Errors
/// [`AdminError::InvalidPreChat`] for bad JSON or an invalid form.
pub fn parse_pre_chat(json: &str) -> Result<parlour_shared::session::PreChat, AdminError> {
    let form: parlour_shared::session::PreChat = serde_json::from_str(json).map_err(|e| AdminError::InvalidPreChat(e.to_string()))?;
    form.validate().map_err(AdminError::InvalidPreChat)?;
    Ok(form)
}

/// Replaces a project's pre-chat form with `json` (a `PreChat`: `{enabled, fields: [{key,
/// label, kind, required}]}`).
///
/// # Errors
/// [`AdminError`] for bad JSON or form, an unknown project or a database failure.
pub async fn set_pre_chat(pool: &AnyPool, id: &str, json: &str) -> Result<(), AdminError> {
    let id = project_id(id)?;
    let form = parse_pre_chat(json)?;
    projects::find(pool, &id).await?.ok_or_else(|| AdminError::NotFound(id.to_string()))?;
    crate::db::contact::set_pre_chat(pool, &id, &form).await?;
    Ok(())
}

/// A project's settings as text (how many identity secrets are valid, never the secrets).
///
/// # Errors
/// [`AdminError`] for an unknown project or a database failure.
pub async fn show_project(pool: &AnyPool, id: &str) -> Result<String, AdminError> {
    let id = project_id(id)?;
    let project = projects::find(pool, &id).await?.ok_or_else(|| AdminError::NotFound(id.to_string()))?;
    let domains = if project.allowed_domains.is_empty() { "(any origin)".to_owned() } else { project.allowed_domains.join(", ") };
    let mut out = String::new();
    let _ = writeln!(out, "id:               {}", project.id);
    let _ = writeln!(out, "name:             {}", project.name);
    let _ = writeln!(out, "active:           {}", project.active);
    let _ = writeln!(out, "allowed domains:  {domains}");
    let _ = writeln!(out, "identity:         {}", project.identity_mode.as_str());
    let _ = writeln!(out, "away mode:        {}", if project.config.features.away_mode { "on" } else { "off" });
    let form = crate::db::contact::pre_chat(pool, &id).await?.unwrap_or_default();
    let keys: Vec<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    let _ = writeln!(out, "pre-chat form:    {} [{}]", if form.enabled { "on" } else { "off" }, keys.join(", "));
    let _ = write!(out, "identity secrets: {} valid", project.identity_secrets.len());
    Ok(out)
}

/// Runs one `project …` command and returns what to print.
///
/// # Errors
/// [`AdminError`] as the command's function reports it.
pub async fn run(pool: &AnyPool, command: ProjectCommand) -> Result<String, AdminError> {
    let secret_line = |id: &str, secret: String| {
        format!("identity secret for {id} (shown once; sign host tokens with it): {secret}")
    };
    match command {
        ProjectCommand::Add { id, name, domains, identity } => {
            let secret = add_project(pool, &id, &name, &domains, identity).await?;
            let mut out = format!("project {id} created");
            if let Some(secret) = secret {
                out = format!("{out}\n{}", secret_line(&id, secret));
            }
            Ok(out)
        }
        ProjectCommand::Set { id, name, domains, any_domain, identity, active, away_mode, pre_chat_json } => {
            // A bad form is refused before anything else changes.
            if let Some(json) = &pre_chat_json {
                parse_pre_chat(json)?;
            }
            let allowed_domains = if any_domain { Some(Vec::new()) } else { Some(domains).filter(|d| !d.is_empty()) };
            let secret = set_project(pool, &id, ProjectChanges { name, allowed_domains, identity_mode: identity, active }).await?;
            if let Some(on) = away_mode {
                set_away_mode(pool, &id, on).await?;
            }
            if let Some(json) = pre_chat_json {
                set_pre_chat(pool, &id, &json).await?;
            }
            let mut out = format!("project {id} updated");
            if let Some(secret) = secret {
                out = format!("{out}\n{}", secret_line(&id, secret));
            }
            Ok(out)
        }
        ProjectCommand::RotateSecret { id } => {
            let secret = rotate_secret(pool, &id).await?;
            Ok(format!("{}\nthe previous secret stays valid until the next rotation", secret_line(&id, secret)))
        }
        ProjectCommand::Show { id } => show_project(pool, &id).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool() -> (tempfile::TempDir, AnyPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::connect(&format!("sqlite://{}/admin.db", dir.path().display())).await.unwrap();
        (dir, pool)
    }

    #[test]
    fn secrets_are_256_bits_of_base64url() {
        let secret = generate_secret();
        assert_eq!(secret.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&secret).unwrap().len(), 32);
        assert_ne!(secret, generate_secret());
    }

    #[test]
    fn domain_patterns_are_validated() {
        assert_eq!(check_domains(&[" *.example.com ".into()]).unwrap(), vec!["*.example.com".to_owned()]);
        assert!(matches!(check_domains(&["example.com/path".into()]), Err(AdminError::InvalidDomain(_))));
    }

    #[tokio::test]
    async fn a_project_is_added_shown_changed_and_its_secret_rotated() {
        let (_dir, pool) = pool().await;
        let secret = add_project(&pool, "shop", "Shop", &["*.example.com".into()], IdentityMode::Required).await.unwrap().unwrap();
        let project = projects::find(&pool, &ProjectId::parse("shop").unwrap()).await.unwrap().unwrap();
        assert_eq!((project.identity_mode, project.allowed_domains.clone()), (IdentityMode::Required, vec!["*.example.com".to_owned()]));
        assert_eq!(project.identity_secrets, vec![IdentitySecret::new(secret.clone().into_bytes()).unwrap()]);
        assert_eq!(project.config.ui_hints.widget_title, "Shop");

        let rotated = rotate_secret(&pool, "shop").await.unwrap();
        let project = projects::find(&pool, &project.id).await.unwrap().unwrap();
        let expected: Vec<_> = [&rotated, &secret].iter().map(|s| IdentitySecret::new(s.as_bytes().to_vec()).unwrap()).collect();
        assert_eq!(project.identity_secrets, expected, "the new secret first, the previous one still valid");

        let shown = show_project(&pool, "shop").await.unwrap();
        assert!(shown.contains("identity:         required") && shown.contains("2 valid"), "{shown}");
        assert!(!shown.contains(&secret) && !shown.contains(&rotated), "secrets are never shown");

        let changes = ProjectChanges { allowed_domains: Some(Vec::new()), active: Some(false), ..Default::default() };
        assert_eq!(set_project(&pool, "shop", changes).await.unwrap(), None);
        let project = projects::find(&pool, &project.id).await.unwrap().unwrap();
        assert!(!project.active && project.allowed_domains.is_empty());
    }

    #[tokio::test]
    async fn away_mode_is_on_by_default_and_can_be_switched() {
        let (_dir, pool) = pool().await;
        add_project(&pool, "shop", "Shop", &[], IdentityMode::Off).await.unwrap();
        let id = ProjectId::parse("shop").unwrap();
        assert!(projects::find(&pool, &id).await.unwrap().unwrap().config.features.away_mode);
        let command = ProjectCommand::Set {
            id: "shop".into(),
            name: None,
            domains: Vec::new(),
            any_domain: false,
            identity: None,
            active: None,
            away_mode: Some(false),
            pre_chat_json: None,
        };
        run(&pool, command).await.unwrap();
        let project = projects::find(&pool, &id).await.unwrap().unwrap();
        assert!(!project.config.features.away_mode && project.config.features.text_chat, "other features are kept");
        assert!(show_project(&pool, "shop").await.unwrap().contains("away mode:        off"));
        set_away_mode(&pool, "shop", true).await.unwrap();
        assert!(projects::find(&pool, &id).await.unwrap().unwrap().config.features.away_mode);
        assert!(matches!(set_away_mode(&pool, "ghost", false).await, Err(AdminError::NotFound(_))));
    }

    #[tokio::test]
    async fn switching_identity_on_makes_a_secret_once() {
        let (_dir, pool) = pool().await;
        assert_eq!(add_project(&pool, "blog", "Blog", &[], IdentityMode::Off).await.unwrap(), None);
        let on = ProjectChanges { identity_mode: Some(IdentityMode::Optional), ..Default::default() };
        assert!(set_project(&pool, "blog", on.clone()).await.unwrap().is_some());
        assert!(set_project(&pool, "blog", on).await.unwrap().is_none(), "an existing secret is kept");
    }

    #[tokio::test]
    async fn bad_ids_names_domains_and_unknown_or_taken_projects_are_refused() {
        let (_dir, pool) = pool().await;
        assert!(matches!(add_project(&pool, "no spaces", "X", &[], IdentityMode::Off).await, Err(AdminError::InvalidId(_))));
        assert!(matches!(add_project(&pool, "x", " ", &[], IdentityMode::Off).await, Err(AdminError::InvalidName)));
        assert!(matches!(add_project(&pool, "x", "X", &["ftp://a.com".into()], IdentityMode::Off).await, Err(AdminError::InvalidDomain(_))));
        crate::db::projects::seed_demo(&pool).await.unwrap();
        assert!(matches!(add_project(&pool, "demo", "Again", &[], IdentityMode::Off).await, Err(AdminError::Exists(_))));
        assert!(matches!(rotate_secret(&pool, "ghost").await, Err(AdminError::NotFound(_))));
        assert!(matches!(show_project(&pool, "ghost").await, Err(AdminError::NotFound(_))));
        assert!(matches!(set_project(&pool, "ghost", ProjectChanges::default()).await, Err(AdminError::NotFound(_))));
    }
}
