//! The element's attributes, parsed once into a [`WidgetConfig`]: `project-id` (required),
//! `api-base-url` (default: the page's origin), `title`, `primary-color`, `default-open`,
//! `transport` (`auto`, the default, `websocket` or `polling`).
//!
//! Everything here is plain Rust so it is unit-tested on the host; the browser side only hands in
//! an attribute getter and the page's origin.

use parlour_shared::{ProjectId, ValueError};

/// The attributes `<chat-widget>` observes (`attributeChangedCallback`).
pub const OBSERVED_ATTRIBUTES: [&str; 6] = ["project-id", "api-base-url", "title", "primary-color", "default-open", "transport"];

/// Attributes whose change restarts the widget (they name another backend, project or way in,
/// or another language: every string is drawn once per mount).
pub const RESTART_ATTRIBUTES: [&str; 4] = ["project-id", "api-base-url", "transport", "locale"];

/// How the widget reaches the server, from the `transport` attribute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TransportMode {
    /// A WebSocket, falling back to polling for the page view when it keeps failing.
    #[default]
    Auto,
    /// Only a WebSocket.
    WebSocket,
    /// Only REST polling (networks that block WebSockets).
    Polling,
}

impl TransportMode {
    /// Reads the attribute; anything unknown is `Auto`.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            Some("websocket" | "ws") => Self::WebSocket,
            Some("polling" | "poll") => Self::Polling,
            _ => Self::Auto,
        }
    }
}

/// What one `<chat-widget>` element asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// The project, from `project-id`.
    pub project_id: ProjectId,
    /// The server's base URL without a trailing slash, e.g. `https://chat.example.com`.
    pub api_base: String,
    /// The look the host asked for (overrides the project's own).
    pub appearance: Appearance,
    /// Whether the panel starts open (`default-open` present and not `"false"`).
    pub default_open: bool,
    /// How to reach the server.
    pub transport: TransportMode,
}

/// The parts of the look a host can override with attributes, live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appearance {
    /// The panel's title, from `title`.
    pub title: Option<String>,
    /// The accent colour, from `primary-color`, only when it is a valid hex colour.
    pub primary_color: Option<String>,
    /// The language asked for with `locale` (see [`crate::i18n::Locale::resolve`]).
    pub locale: Option<String>,
    /// `theme`: light, dark or auto.
    pub theme: crate::theme::ThemeMode,
    /// `position`: bottom-right or bottom-left (unset: the reading direction's end).
    pub position: Option<crate::theme::Side>,
    /// `z-index`.
    pub z_index: Option<i32>,
}

impl Appearance {
    /// Reads the appearance attributes.
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            title: get("title").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
            primary_color: get("primary-color").as_deref().and_then(sanitize_color),
            locale: get("locale").filter(|l| !l.trim().is_empty()),
            theme: crate::theme::ThemeMode::parse(get("theme").as_deref()),
            position: crate::theme::Side::parse(get("position").as_deref()),
            z_index: crate::theme::parse_z_index(get("z-index").as_deref()),
        }
    }
}

/// Why an element cannot start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// `project-id` is missing.
    MissingProjectId,
    /// `project-id` is not a valid project id.
    BadProjectId(ValueError),
    /// Neither `api-base-url` nor the page gives an http(s) origin.
    NoApiBase,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingProjectId => f.write_str("<chat-widget> needs a project-id attribute"),
            Self::BadProjectId(e) => write!(f, "<chat-widget> project-id is invalid: {e}"),
            Self::NoApiBase => f.write_str("<chat-widget> needs an http(s) api-base-url on this page"),
        }
    }
}

impl WidgetConfig {
    /// Parses the attributes given by `get`; `page_origin` is `location.origin`.
    ///
    /// # Errors
    /// [`ConfigError`] when the project id is missing or invalid, or no API base URL is known.
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>, page_origin: &str) -> Result<Self, ConfigError> {
        let raw_project = get("project-id").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        let project_id = ProjectId::parse(raw_project.ok_or(ConfigError::MissingProjectId)?)
            .map_err(ConfigError::BadProjectId)?;
        let api_base = get("api-base-url")
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| page_origin.to_owned());
        let api_base = normalize_base(&api_base).ok_or(ConfigError::NoApiBase)?;
        Ok(Self {
            project_id,
            api_base,
            appearance: Appearance::from_attributes(&get),
            default_open: bool_attribute(get("default-open").as_deref()),
            transport: TransportMode::parse(get("transport").as_deref()),
        })
    }
}

/// An http(s) base URL without trailing slashes; `None` for anything else (e.g. `null` origins).
#[must_use]
pub fn normalize_base(raw: &str) -> Option<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let host = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"))?;
    (!host.is_empty()).then(|| trimmed.to_owned())
}

/// A boolean attribute: present means true, except the explicit string `"false"`.
#[must_use]
pub fn bool_attribute(raw: Option<&str>) -> bool {
    raw.is_some_and(|v| !v.trim().eq_ignore_ascii_case("false"))
}

/// Accepts `#rgb`, `#rgba`, `#rrggbb` and `#rrggbbaa` only: the value goes into CSS, so nothing
/// else may pass.
#[must_use]
pub fn sanitize_color(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let hex = raw.strip_prefix('#')?;
    (matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| raw.to_ascii_lowercase())
}

/// The text colour that reads well on `background` (a colour [`sanitize_color`] accepted):
/// near-black on light accents, white on dark ones. Luminance uses a gamma of 2 instead of the
/// exact sRGB curve: close enough to pick a side, and no `powf` in the wasm.
#[must_use]
pub fn contrast_text(background: &str) -> &'static str {
    let hex = background.trim_start_matches('#').as_bytes();
    let digit = |i: usize| hex.get(i).and_then(|d| char::from(*d).to_digit(16)).unwrap_or(0);
    let channel = |i: usize| -> f64 {
        let v = if hex.len() < 6 { digit(i) * 17 } else { digit(i * 2) * 16 + digit(i * 2 + 1) };
        let c = f64::from(v) / 255.0;
        c * c
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    // Contrast with white is 1.05 / (L + 0.05); with #111827 about (L + 0.05) / 0.058.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.058 { "#ffffff" } else { "#111827" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_project_id_and_the_page_origin_are_enough() {
        let cfg = WidgetConfig::from_attributes(attrs(&[("project-id", "demo")]), "http://127.0.0.1:8080").unwrap();
        assert_eq!(cfg.project_id.as_str(), "demo");
        assert_eq!(cfg.api_base, "http://127.0.0.1:8080");
        assert_eq!(cfg.appearance, Appearance::default());
        assert!(!cfg.default_open);
    }

    #[test]
    fn every_attribute_is_read() {
        let cfg = WidgetConfig::from_attributes(
            attrs(&[
                ("project-id", " shop "),
                ("api-base-url", "https://chat.example.com/"),
                ("title", " Help "),
                ("primary-color", "#0F766E"),
                ("default-open", ""),
            ]),
            "https://shop.example.com",
        )
        .unwrap();
        assert_eq!(cfg.api_base, "https://chat.example.com");
        assert_eq!(cfg.appearance.title.as_deref(), Some("Help"));
        assert_eq!(cfg.appearance.primary_color.as_deref(), Some("#0f766e"));
        assert!(cfg.default_open);
    }

    #[test]
    fn a_missing_or_bad_project_id_is_refused() {
        assert_eq!(WidgetConfig::from_attributes(attrs(&[]), "http://x"), Err(ConfigError::MissingProjectId));
        assert!(matches!(
            WidgetConfig::from_attributes(attrs(&[("project-id", "../x")]), "http://x"),
            Err(ConfigError::BadProjectId(_))
        ));
        assert_eq!(
            WidgetConfig::from_attributes(attrs(&[("project-id", "demo")]), "null"),
            Err(ConfigError::NoApiBase)
        );
    }

    #[test]
    fn the_transport_attribute_picks_the_way_in() {
        assert_eq!(TransportMode::parse(None), TransportMode::Auto);
        assert_eq!(TransportMode::parse(Some(" Polling ")), TransportMode::Polling);
        assert_eq!(TransportMode::parse(Some("websocket")), TransportMode::WebSocket);
        assert_eq!(TransportMode::parse(Some("carrier-pigeon")), TransportMode::Auto);
        let cfg = WidgetConfig::from_attributes(attrs(&[("project-id", "demo"), ("transport", "polling")]), "http://x").unwrap();
        assert_eq!(cfg.transport, TransportMode::Polling);
    }

    #[test]
    fn only_hex_colours_reach_css() {
        assert_eq!(sanitize_color("#abc").as_deref(), Some("#abc"));
        assert_eq!(sanitize_color("#AABBCCDD").as_deref(), Some("#aabbccdd"));
        for bad in ["red", "#ab", "#abcde", "#ggg", "#fff; background: url(x)", "", "abc"] {
            assert_eq!(sanitize_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn default_open_is_false_only_when_absent_or_false() {
        assert!(!bool_attribute(None));
        assert!(!bool_attribute(Some("false")));
        assert!(bool_attribute(Some("")));
        assert!(bool_attribute(Some("true")));
    }

    #[test]
    fn text_contrasts_with_the_accent() {
        assert_eq!(contrast_text("#4f46e5"), "#ffffff");
        assert_eq!(contrast_text("#000"), "#ffffff");
        assert_eq!(contrast_text("#facc15"), "#111827");
        assert_eq!(contrast_text("#fff"), "#111827");
    }
}
