//! End-user identity verification (the host site vouches for who its visitor is).
//!
//! Two ways, per project: an HS256 JWT the host signs with the project's identity secret
//! (`iss`, `aud = "chat-widget"`, `sub`, `exp`, `org_id`, optional `user_data`), or an
//! Intercom-style `userHash` = hex HMAC-SHA256(secret, user id). Up to two secrets are valid at
//! once, so a host can rotate without downtime. The algorithm is pinned; `alg: none`, RS256/HS256
//! confusion and other audiences are refused.

use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::Sha256;

/// The audience a host identity token must carry.
pub const IDENTITY_AUDIENCE: &str = "chat-widget";
/// Clock skew tolerated on `exp`/`nbf`, in seconds.
pub const IDENTITY_LEEWAY_SECS: u64 = 60;
/// The shortest identity secret accepted, in bytes (256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// How a project treats end-user identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdentityMode {
    /// Identity tokens are ignored; every visitor is anonymous.
    #[default]
    Off,
    /// A valid token links the visitor to their user id; a bad one is refused; none is fine.
    Optional,
    /// Every session needs a valid token.
    Required,
}

impl IdentityMode {
    /// Parses the stored form: `off`, `optional` or `required`.
    #[must_use]
    pub fn from_str_opt(raw: &str) -> Option<Self> {
        match raw {
            "off" => Some(Self::Off),
            "optional" => Some(Self::Optional),
            "required" => Some(Self::Required),
            _ => None,
        }
    }

    /// The stored form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }
}

impl std::str::FromStr for IdentityMode {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::from_str_opt(raw).ok_or_else(|| format!("`{raw}` is not off, optional or required"))
    }
}

/// A project identity secret (≥ 256 bits). Debug never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentitySecret(Vec<u8>);

impl IdentitySecret {
    /// Wraps a secret, refusing short ones.
    ///
    /// # Errors
    /// [`IdentityError::WeakSecret`] when shorter than [`MIN_SECRET_BYTES`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, IdentityError> {
        let bytes = bytes.into();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(IdentityError::WeakSecret);
        }
        Ok(Self(bytes))
    }
}

impl std::fmt::Debug for IdentitySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentitySecret([redacted])")
    }
}

/// What the host may send about the visitor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityClaimsInput<'a> {
    /// The host's signed JWT.
    pub jwt: Option<&'a str>,
    /// The host's user id, with `user_hash`.
    pub user_id: Option<&'a str>,
    /// Hex HMAC-SHA256 of `user_id`.
    pub user_hash: Option<&'a str>,
}

/// Optional facts the host vouched for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserData {
    /// The visitor's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The visitor's email.
    #[serde(default)]
    pub email: Option<String>,
    /// Anything else, kept as JSON.
    #[serde(default)]
    pub custom_fields: Option<serde_json::Value>,
}

/// A verified end-user identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The host's user id (`sub`, or the hashed user id).
    pub external_user_id: String,
    /// The token's issuer, when verified by JWT.
    pub issuer: Option<String>,
    /// What the host said about the user.
    pub user_data: UserData,
}

/// Why an identity was refused. Maps to `JWT_REQUIRED` / `JWT_INVALID`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The project requires an identity and none was given (401 JWT_REQUIRED).
    #[error("this project requires a signed user identity")]
    Required,
    /// The token or hash was given but is not valid (401 JWT_INVALID).
    #[error("the user identity token is not valid")]
    Invalid,
    /// A configured secret is shorter than 256 bits.
    #[error("identity secrets must be at least 256 bits")]
    WeakSecret,
}

#[derive(Debug, Deserialize)]
struct HostClaims {
    iss: String,
    sub: String,
    org_id: String,
    #[serde(default)]
    user_data: Option<UserData>,
}

/// HS256 only (so `alg: none` and algorithm confusion fail), our audience, explicit leeway.
fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[IDENTITY_AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
    validation.leeway = IDENTITY_LEEWAY_SECS;
    validation.validate_nbf = true;
    validation
}

fn verify_jwt(token: &str, project_id: &str, secrets: &[IdentitySecret]) -> Result<VerifiedIdentity, IdentityError> {
    let validation = validation();
    let claims = secrets
        .iter()
        .find_map(|secret| jsonwebtoken::decode::<HostClaims>(token, &DecodingKey::from_secret(&secret.0), &validation).ok())
        .ok_or(IdentityError::Invalid)?
        .claims;
    if claims.org_id != project_id || claims.sub.is_empty() || claims.sub.len() > 256 || claims.iss.is_empty() {
        return Err(IdentityError::Invalid);
    }
    Ok(VerifiedIdentity {
        external_user_id: claims.sub,
        issuer: Some(claims.iss),
        user_data: claims.user_data.unwrap_or_default(),
    })
}

/// An HMAC-SHA256 of `user_id` under `secret` (`None` never happens: HMAC takes keys of any length).
fn mac_of(secret: &IdentitySecret, user_id: &str) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&secret.0).ok()?;
    mac.update(user_id.as_bytes());
    Some(mac)
}

/// Hex HMAC-SHA256 of `user_id` under `secret`: what a host computes for `userHash`.
#[must_use]
pub fn user_hash(secret: &IdentitySecret, user_id: &str) -> String {
    mac_of(secret, user_id).map(|mac| mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()).unwrap_or_default()
}

fn verify_user_hash(user_id: &str, hash: &str, secrets: &[IdentitySecret]) -> Result<VerifiedIdentity, IdentityError> {
    let Some(expected) = decode_hex(hash) else { return Err(IdentityError::Invalid) };
    if user_id.is_empty() || user_id.len() > 256 {
        return Err(IdentityError::Invalid);
    }
    // `verify_slice` compares in constant time.
    let matches = secrets.iter().any(|secret| mac_of(secret, user_id).is_some_and(|mac| mac.verify_slice(&expected).is_ok()));
    if !matches {
        return Err(IdentityError::Invalid);
    }
    Ok(VerifiedIdentity { external_user_id: user_id.to_owned(), issuer: None, user_data: UserData::default() })
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Verifies what the host sent about the visitor under the project's mode and secrets.
/// `Ok(None)` means anonymous (allowed by the mode).
///
/// # Errors
/// [`IdentityError::Required`] when the mode requires an identity and none was given;
/// [`IdentityError::Invalid`] when a token or hash was given and does not verify (in any mode but
/// off: a bad token is never silently ignored).
pub fn verify_identity(
    mode: IdentityMode,
    project_id: &str,
    secrets: &[IdentitySecret],
    input: &IdentityClaimsInput<'_>,
) -> Result<Option<VerifiedIdentity>, IdentityError> {
    if mode == IdentityMode::Off {
        return Ok(None);
    }
    if let Some(jwt) = input.jwt.filter(|t| !t.is_empty()) {
        return verify_jwt(jwt, project_id, secrets).map(Some);
    }
    if let (Some(user_id), Some(hash)) = (input.user_id, input.user_hash.filter(|h| !h.is_empty())) {
        return verify_user_hash(user_id, hash, secrets).map(Some);
    }
    match mode {
        IdentityMode::Required => Err(IdentityError::Required),
        IdentityMode::Optional | IdentityMode::Off => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    const PROJECT: &str = "demo";

    fn secret(byte: u8) -> IdentitySecret {
        IdentitySecret::new(vec![byte; 32]).unwrap()
    }

    fn now() -> i64 {
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap()
    }

    fn sign(claims: &serde_json::Value, key: u8) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(&[key; 32])).unwrap()
    }

    fn good_claims() -> serde_json::Value {
        json!({"iss": "https://shop.example.com", "aud": "chat-widget", "sub": "user-42", "exp": now() + 900,
               "org_id": PROJECT, "user_data": {"name": "Ada", "email": "ada@example.com"}})
    }

    fn check(mode: IdentityMode, jwt: &str) -> Result<Option<VerifiedIdentity>, IdentityError> {
        verify_identity(mode, PROJECT, &[secret(1)], &IdentityClaimsInput { jwt: Some(jwt), ..Default::default() })
    }

    #[test]
    fn a_well_signed_token_verifies_and_links_the_user() {
        let identity = check(IdentityMode::Required, &sign(&good_claims(), 1)).unwrap().unwrap();
        assert_eq!(identity.external_user_id, "user-42");
        assert_eq!(identity.user_data.name.as_deref(), Some("Ada"));
    }

    #[test]
    fn either_of_two_rotating_secrets_verifies() {
        let secrets = [secret(1), secret(2)];
        for key in [1, 2] {
            let token = sign(&good_claims(), key);
            let input = IdentityClaimsInput { jwt: Some(&token), ..Default::default() };
            assert!(verify_identity(IdentityMode::Required, PROJECT, &secrets, &input).unwrap().is_some());
        }
        let token = sign(&good_claims(), 3);
        let input = IdentityClaimsInput { jwt: Some(&token), ..Default::default() };
        assert_eq!(verify_identity(IdentityMode::Required, PROJECT, &secrets, &input), Err(IdentityError::Invalid));
    }

    #[test]
    fn missing_identity_is_required_only_in_required_mode() {
        let none = IdentityClaimsInput::default();
        assert_eq!(verify_identity(IdentityMode::Required, PROJECT, &[secret(1)], &none), Err(IdentityError::Required));
        assert_eq!(verify_identity(IdentityMode::Optional, PROJECT, &[secret(1)], &none), Ok(None));
        assert_eq!(check(IdentityMode::Off, "garbage"), Ok(None));
    }

    #[test]
    fn a_bad_token_is_refused_even_when_optional() {
        assert_eq!(check(IdentityMode::Optional, "not.a.jwt"), Err(IdentityError::Invalid));
    }

    #[test]
    fn forged_expired_and_misdirected_tokens_are_refused() {
        let mut cases = Vec::new();
        cases.push(("wrong key", sign(&good_claims(), 9)));
        let mut expired = good_claims();
        expired["exp"] = json!(now() - 120);
        cases.push(("expired past leeway", sign(&expired, 1)));
        for (claim, value) in [("aud", json!("parlour-session")), ("org_id", json!("other")), ("iss", json!(""))] {
            let mut claims = good_claims();
            claims[claim] = value;
            cases.push((claim, sign(&claims, 1)));
        }
        for missing in ["iss", "sub", "exp", "aud", "org_id"] {
            let mut claims = good_claims();
            claims.as_object_mut().unwrap().remove(missing);
            cases.push((missing, sign(&claims, 1)));
        }
        let mut not_yet = good_claims();
        not_yet["nbf"] = json!(now() + 3600);
        cases.push(("not yet valid", sign(&not_yet, 1)));
        for (what, token) in cases {
            assert_eq!(check(IdentityMode::Required, &token), Err(IdentityError::Invalid), "{what}");
        }
    }

    #[test]
    fn expiry_within_the_leeway_is_accepted() {
        let mut claims = good_claims();
        claims["exp"] = json!(now() - 10);
        assert!(check(IdentityMode::Required, &sign(&claims, 1)).is_ok());
    }

    #[test]
    fn algorithm_games_are_refused() {
        use base64::Engine as _;
        let b64 = |v: &serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let payload = b64(&good_claims());
        let none = format!("{}.{payload}.", b64(&json!({"alg": "none", "typ": "JWT"})));
        assert_eq!(check(IdentityMode::Required, &none), Err(IdentityError::Invalid));
        let hs512 = jsonwebtoken::encode(&Header::new(Algorithm::HS512), &good_claims(), &EncodingKey::from_secret(&[1; 32])).unwrap();
        assert_eq!(check(IdentityMode::Required, &hs512), Err(IdentityError::Invalid));
    }

    #[test]
    fn user_hash_verifies_with_constant_time_comparison() {
        let hash = user_hash(&secret(1), "user-42");
        let ok = IdentityClaimsInput { user_id: Some("user-42"), user_hash: Some(&hash), ..Default::default() };
        assert_eq!(verify_identity(IdentityMode::Required, PROJECT, &[secret(1)], &ok).unwrap().unwrap().external_user_id, "user-42");
        let other = IdentityClaimsInput { user_id: Some("user-43"), user_hash: Some(&hash), ..Default::default() };
        assert_eq!(verify_identity(IdentityMode::Required, PROJECT, &[secret(1)], &other), Err(IdentityError::Invalid));
        let junk = IdentityClaimsInput { user_id: Some("user-42"), user_hash: Some("zz"), ..Default::default() };
        assert_eq!(verify_identity(IdentityMode::Optional, PROJECT, &[secret(1)], &junk), Err(IdentityError::Invalid));
    }

    #[test]
    fn short_secrets_are_refused_and_never_printed() {
        assert_eq!(IdentitySecret::new(vec![1; 31]).unwrap_err(), IdentityError::WeakSecret);
        assert_eq!(format!("{:?}", secret(7)), "IdentitySecret([redacted])");
    }
}
