//! Who is calling: session tokens (visitors), agent tokens (agents), the extractors that turn a
//! bearer token into one or the other, and the start-up work that sets up both.

pub mod agent_token;
pub mod extract;
pub mod session_token;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sqlx::AnyPool;

use crate::config::Secret;
use crate::db::{DbError, agents, secrets};
pub use extract::{AgentAuth, SessionAuth};
pub use session_token::SessionKeys;

/// The name of the signing secret in `server_secrets`.
const JWT_SECRET_NAME: &str = "session_jwt_secret";
/// The name of the agent `--agent-token` provisions.
const DEMO_AGENT_NAME: &str = "Demo Agent";

/// The session-token keys: from `--jwt-secret`, else the secret stored in the database
/// (generated, 32 random bytes, on first start).
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn load_keys(pool: &AnyPool, configured: Option<&Secret>) -> Result<SessionKeys, DbError> {
    if let Some(secret) = configured {
        return Ok(SessionKeys::new(secret.expose().as_bytes()));
    }
    let stored = secrets::get_or_create(pool, JWT_SECRET_NAME, || {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    })
    .await?;
    Ok(SessionKeys::new(stored.as_bytes()))
}

/// Makes sure an agent can sign in: with `--agent-token`, an agent with that token exists; with
/// no agent at all, one is created and its new token returned (to print once).
///
/// # Errors
/// [`DbError`] on a database failure.
pub async fn bootstrap_agent(pool: &AnyPool, configured: Option<&Secret>) -> Result<Option<String>, DbError> {
    if let Some(token) = configured {
        agents::ensure(pool, DEMO_AGENT_NAME, &agent_token::hash(token.expose())).await?;
        return Ok(None);
    }
    if agents::count(pool).await? > 0 {
        return Ok(None);
    }
    let token = agent_token::generate();
    agents::ensure(pool, DEMO_AGENT_NAME, &agent_token::hash(&token)).await?;
    Ok(Some(token))
}
