//! Per-project allowed domains, matched against a parsed and normalised browser origin.
//!
//! Patterns: `*` (any origin), `example.com`, `*.example.com`, optionally with a scheme
//! (`https://example.com`) and/or a port (`localhost:3000`). No scheme matches http and https; no
//! port matches any port. Hosts compare case-insensitively and without a trailing dot. A wildcard
//! `*.example.com` matches any subdomain, never `example.com` itself, `evilexample.com` or
//! `example.com.evil.com`. The opaque origin `null` never matches a restricted list.

/// A browser origin (`scheme://host[:port]`), normalised: lower case, no trailing dot, default
/// ports made explicit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// Why an origin or pattern could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// Not of the form `scheme://host[:port]`, or the opaque origin `null`.
    #[error("not a valid origin")]
    Malformed,
    /// The scheme is not http or https.
    #[error("only http and https origins are allowed")]
    UnsupportedScheme,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Lower-cases a host, drops one trailing dot, and checks it holds only host characters.
fn normalise_host(raw: &str) -> Result<String, OriginError> {
    let host = raw.strip_suffix('.').unwrap_or(raw).to_ascii_lowercase();
    let is_ipv6 = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
    let valid = !host.is_empty()
        && (is_ipv6
            || host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            }));
    if valid { Ok(host) } else { Err(OriginError::Malformed) }
}

/// Splits `host[:port]` (with `[v6]` hosts), returning the host and the port if one is given.
fn split_host_port(raw: &str) -> Result<(&str, Option<u16>), OriginError> {
    let (host, port) = if raw.starts_with('[') {
        match raw.find(']') {
            Some(end) => (&raw[..=end], raw[end + 1..].strip_prefix(':')),
            None => return Err(OriginError::Malformed),
        }
    } else {
        match raw.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (raw, None),
        }
    };
    let port = match port {
        None => None,
        Some(digits) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
            Some(digits.parse::<u16>().map_err(|_| OriginError::Malformed)?)
        }
        Some(_) => return Err(OriginError::Malformed),
    };
    Ok((host, port))
}

impl Origin {
    /// Parses an `Origin` header value (or any `scheme://host[:port]`, with an optional trailing `/`).
    ///
    /// # Errors
    /// [`OriginError`] for `null`, paths, user info, other schemes or bad hosts.
    pub fn parse(raw: &str) -> Result<Self, OriginError> {
        let raw = raw.trim();
        let (scheme, rest) = raw.split_once("://").ok_or(OriginError::Malformed)?;
        let scheme = scheme.to_ascii_lowercase();
        let default = default_port(&scheme).ok_or(OriginError::UnsupportedScheme)?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\']) {
            return Err(OriginError::Malformed);
        }
        let (host, port) = split_host_port(rest)?;
        Ok(Self { scheme, host: normalise_host(host)?, port: port.unwrap_or(default) })
    }

    /// The scheme, `http` or `https`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The normalised host.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, default ports included.
    #[must_use]
    pub const fn port(&self) -> u16 {
        self.port
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    Exact(String),
    /// The part after `*.`, e.g. `example.com`.
    Subdomains(String),
}

/// One allowed-domain entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainPattern {
    scheme: Option<String>,
    host: HostPattern,
    port: Option<u16>,
}

impl DomainPattern {
    /// Parses a pattern such as `*.example.com`, `https://shop.example.com` or `localhost:3000`.
    ///
    /// # Errors
    /// [`OriginError`] when it is not one of the documented forms.
    pub fn parse(raw: &str) -> Result<Self, OriginError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(Self { scheme: None, host: HostPattern::Any, port: None });
        }
        let (scheme, rest) = match raw.split_once("://") {
            Some((scheme, rest)) => {
                let scheme = scheme.to_ascii_lowercase();
                default_port(&scheme).ok_or(OriginError::UnsupportedScheme)?;
                (Some(scheme), rest)
            }
            None => (None, raw),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\']) {
            return Err(OriginError::Malformed);
        }
        let (host, port) = split_host_port(rest)?;
        let host = match host.strip_prefix("*.") {
            Some(parent) => HostPattern::Subdomains(normalise_host(parent)?),
            None => HostPattern::Exact(normalise_host(host)?),
        };
        Ok(Self { scheme, host, port })
    }

    /// Whether this pattern allows the origin.
    #[must_use]
    pub fn matches(&self, origin: &Origin) -> bool {
        let scheme_ok = self.scheme.as_deref().is_none_or(|s| s == origin.scheme);
        let port_ok = self.port.is_none_or(|p| p == origin.port);
        let host_ok = match &self.host {
            HostPattern::Any => true,
            HostPattern::Exact(host) => *host == origin.host,
            HostPattern::Subdomains(parent) => origin
                .host
                .strip_suffix(parent.as_str())
                .and_then(|prefix| prefix.strip_suffix('.'))
                .is_some_and(|label| !label.is_empty()),
        };
        scheme_ok && port_ok && host_ok
    }
}

/// A project's allowed domains. An empty list allows every origin (the project has not
/// restricted itself yet); a non-empty list allows only matching origins, and refuses requests
/// that carry no parsable origin at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedDomains(Vec<DomainPattern>);

impl AllowedDomains {
    /// Parses a list of patterns; the first bad one is an error.
    ///
    /// # Errors
    /// [`OriginError`] for the first pattern that does not parse.
    pub fn parse<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Self, OriginError> {
        patterns.into_iter().map(DomainPattern::parse).collect::<Result<Vec<_>, _>>().map(Self)
    }

    /// Whether any origin is allowed.
    #[must_use]
    pub fn is_unrestricted(&self) -> bool {
        self.0.is_empty() || self.0.iter().any(|p| p.host == HostPattern::Any && p.scheme.is_none() && p.port.is_none())
    }

    /// Whether a request with this raw `Origin` header (if any) is allowed.
    #[must_use]
    pub fn allows(&self, origin_header: Option<&str>) -> bool {
        if self.is_unrestricted() {
            return true;
        }
        let Some(origin) = origin_header.and_then(|raw| Origin::parse(raw).ok()) else {
            return false;
        };
        self.0.iter().any(|pattern| pattern.matches(&origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(patterns: &[&str], origin: &str) -> bool {
        AllowedDomains::parse(patterns.iter().copied()).unwrap().allows(Some(origin))
    }

    #[test]
    fn origins_are_normalised() {
        let origin = Origin::parse("HTTPS://Shop.Example.COM.:443").unwrap();
        assert_eq!((origin.scheme(), origin.host(), origin.port()), ("https", "shop.example.com", 443));
        assert_eq!(Origin::parse("http://localhost:3000/").unwrap().port(), 3000);
        assert_eq!(Origin::parse("http://[::1]:8080").unwrap().host(), "[::1]");
    }

    #[test]
    fn malformed_origins_are_refused() {
        for bad in ["null", "", "example.com", "ftp://example.com", "https://", "https://a/b", "https://u@a.com",
            "https://a..com", "https://a.com:99999", "https://a.com:x", "https://exa mple.com", "javascript://x"] {
            assert!(Origin::parse(bad).is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn exact_domains_match_either_scheme_and_any_port_unless_given() {
        assert!(allowed(&["example.com"], "https://example.com"));
        assert!(allowed(&["example.com"], "http://EXAMPLE.com.:8080"));
        assert!(!allowed(&["example.com"], "https://www.example.com"));
        assert!(allowed(&["https://example.com"], "https://example.com"));
        assert!(!allowed(&["https://example.com"], "http://example.com"));
        assert!(allowed(&["localhost:3000"], "http://localhost:3000"));
        assert!(!allowed(&["localhost:3000"], "http://localhost:3001"));
    }

    #[test]
    fn wildcards_match_subdomains_only() {
        let list = ["*.example.com"];
        assert!(allowed(&list, "https://shop.example.com"));
        assert!(allowed(&list, "https://a.b.example.com"));
        assert!(allowed(&list, "https://SHOP.EXAMPLE.COM."));
        assert!(!allowed(&list, "https://example.com"));
        assert!(!allowed(&list, "https://evilexample.com"));
        assert!(!allowed(&list, "https://example.com.evil.com"));
        assert!(!allowed(&list, "https://.example.com"));
        assert!(!allowed(&list, "null"));
    }

    #[test]
    fn a_restricted_list_refuses_missing_and_opaque_origins() {
        let list = AllowedDomains::parse(["example.com"]).unwrap();
        assert!(!list.allows(None));
        assert!(!list.allows(Some("null")));
    }

    #[test]
    fn an_empty_list_or_star_allows_everything() {
        assert!(AllowedDomains::default().allows(None));
        assert!(AllowedDomains::parse(["*"]).unwrap().allows(Some("null")));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["", "*.", "https://", "ftp://a.com", "a.com/path", "**.a.com", "a.com:port"] {
            assert!(DomainPattern::parse(bad).is_err(), "{bad} parsed");
        }
    }
}
