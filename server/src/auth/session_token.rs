//! Session tokens: HS256 JWTs signed with the server secret, bound to one session and project
//! (`sub` = session id, `pid` = project id, `aud` = `parlour-session`, 7 days, and `uid` = the
//! end user the host vouched for, when it did). The algorithm is pinned, so `alg: none` and
//! algorithm confusion fail.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use parlour_shared::{ProjectId, SessionId};
use serde::{Deserialize, Serialize};

/// The session token's audience.
pub const AUDIENCE: &str = "parlour-session";
/// How long a session token lives, in seconds.
pub const TTL_SECS: i64 = 7 * 24 * 60 * 60;
/// Clock skew tolerated when checking `exp`, in seconds.
const LEEWAY_SECS: u64 = 30;

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Malformed, wrongly signed, expired or meant for something else.
    #[error("invalid session token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// Well signed, but `sub` or `pid` does not parse.
    #[error("invalid session token claims")]
    BadClaims,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    pid: String,
    aud: String,
    iat: i64,
    exp: i64,
    /// The verified external user id (only ever set after the host's proof verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uid: Option<String>,
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    /// The session it is bound to.
    pub session_id: SessionId,
    /// The session's project.
    pub project_id: ProjectId,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// The end user the host vouched for at init, if it did.
    pub verified_user: Option<String>,
}

/// Signs and checks session tokens with the server secret.
#[derive(Clone)]
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(***)")
    }
}

impl SessionKeys {
    /// Keys for this secret.
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        validation.leeway = LEEWAY_SECS;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    /// A token for `session` of `project`, issued at `now` (Unix seconds), and its expiry.
    ///
    /// # Errors
    /// [`TokenError`] if signing fails.
    pub fn issue(&self, session: SessionId, project: &ProjectId, now: i64) -> Result<(String, i64), TokenError> {
        self.issue_for(session, project, None, now)
    }

    /// A token for `session` of `project` recording the verified end user, issued at `now`.
    ///
    /// # Errors
    /// [`TokenError`] if signing fails.
    pub fn issue_for(&self, session: SessionId, project: &ProjectId, verified_user: Option<&str>, now: i64) -> Result<(String, i64), TokenError> {
        let exp = now + TTL_SECS;
        let uid = verified_user.map(str::to_owned);
        let claims = Claims { sub: session.to_string(), pid: project.to_string(), aud: AUDIENCE.to_owned(), iat: now, exp, uid };
        Ok((jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, exp))
    }

    /// Checks a token and returns what it says.
    ///
    /// # Errors
    /// [`TokenError`] for any token that is not a valid, unexpired session token of this server.
    pub fn verify(&self, token: &str) -> Result<SessionClaims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?;
        Ok(SessionClaims {
            session_id: data.claims.sub.parse().map_err(|_| TokenError::BadClaims)?,
            project_id: ProjectId::parse(data.claims.pid).map_err(|_| TokenError::BadClaims)?,
            expires_at: data.claims.exp,
            verified_user: data.claims.uid,
        })
    }
}

/// Now, in Unix seconds.
#[must_use]
pub fn now_secs() -> i64 {
    crate::db::now_ms() / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use uuid::Uuid;

    fn keys() -> SessionKeys {
        SessionKeys::new(b"0123456789abcdef0123456789abcdef")
    }

    fn ids() -> (SessionId, ProjectId) {
        (SessionId(Uuid::new_v4()), ProjectId::parse("demo").unwrap())
    }

    #[test]
    fn an_issued_token_verifies_with_its_session_and_project() {
        let (session, project) = ids();
        let (token, exp) = keys().issue(session, &project, now_secs()).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims, SessionClaims { session_id: session, project_id: project, expires_at: exp, verified_user: None });
    }

    #[test]
    fn a_token_records_the_verified_user() {
        let (session, project) = ids();
        let (token, _) = keys().issue_for(session, &project, Some("user-42"), now_secs()).unwrap();
        assert_eq!(keys().verify(&token).unwrap().verified_user.as_deref(), Some("user-42"));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let (session, project) = ids();
        let (token, _) = keys().issue(session, &project, now_secs() - TTL_SECS - 120).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let (session, project) = ids();
        let (token, _) = SessionKeys::new(b"another secret, also thirty-two!").issue(session, &project, now_secs()).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let claims = Claims { sub: Uuid::new_v4().to_string(), pid: "demo".into(), aud: "chat-widget".into(), iat: now_secs(), exp: now_secs() + 60, uid: None };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys().encoding).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn an_unsigned_alg_none_token_is_refused() {
        let (session, project) = ids();
        let (good, _) = keys().issue(session, &project, now_secs()).unwrap();
        let payload = good.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(keys().verify(&format!("{header}.{payload}.")).is_err());
        assert!(keys().verify(&format!("{header}.{payload}")).is_err());
    }

    #[test]
    fn a_token_without_exp_is_refused() {
        #[derive(Serialize)]
        struct NoExp<'a> {
            sub: &'a str,
            pid: &'a str,
            aud: &'a str,
        }
        let sub = Uuid::new_v4().to_string();
        let claims = NoExp { sub: &sub, pid: "demo", aud: AUDIENCE };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys().encoding).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
