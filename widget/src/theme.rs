//! The look a host picks with attributes: `theme` (`light`, `dark`, or `auto` following the
//! visitor's `prefers-color-scheme`, live), `position` (`bottom-right` or `bottom-left`; unset, the
//! launcher sits at the end of the reading direction: right in English, left in Arabic) and
//! `z-index`. The colours themselves live in `widget.css`; a unit test checks that every text and
//! background pair there meets WCAG AA in both themes.

/// Light, dark, or following the operating system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThemeMode {
    /// The default.
    #[default]
    Light,
    /// Dark.
    Dark,
    /// Follows `prefers-color-scheme` (pure CSS, so it changes with the OS setting).
    Auto,
}

impl ThemeMode {
    /// Reads the `theme` attribute; anything unknown is light.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            Some("dark") => Self::Dark,
            Some("auto" | "system") => Self::Auto,
            _ => Self::Light,
        }
    }

    /// The value of the root's `data-theme`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Auto => "auto",
        }
    }
}

/// The corner the launcher and panel sit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Bottom right.
    Right,
    /// Bottom left.
    Left,
}

impl Side {
    /// Reads the `position` attribute; `None` when absent or unknown.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            Some("bottom-right" | "right") => Some(Self::Right),
            Some("bottom-left" | "left") => Some(Self::Left),
            _ => None,
        }
    }

    /// The side for an optional choice: unset follows the reading direction's end.
    #[must_use]
    pub fn resolve(choice: Option<Self>, rtl: bool) -> Self {
        choice.unwrap_or(if rtl { Self::Left } else { Self::Right })
    }

    /// The value of the root's `data-position`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Right => "right",
            Self::Left => "left",
        }
    }
}

/// Reads the `z-index` attribute: an integer, or `None`.
#[must_use]
pub fn parse_z_index(raw: Option<&str>) -> Option<i32> {
    raw.and_then(|r| r.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_leniently() {
        assert_eq!(ThemeMode::parse(Some(" Dark ")), ThemeMode::Dark);
        assert_eq!(ThemeMode::parse(Some("auto")), ThemeMode::Auto);
        assert_eq!(ThemeMode::parse(Some("neon")), ThemeMode::Light);
        assert_eq!(ThemeMode::parse(None), ThemeMode::Light);
        assert_eq!(Side::parse(Some("bottom-left")), Some(Side::Left));
        assert_eq!(Side::parse(Some("top-left")), None);
        assert_eq!(Side::resolve(None, true), Side::Left);
        assert_eq!(Side::resolve(None, false), Side::Right);
        assert_eq!(Side::resolve(Some(Side::Right), true), Side::Right);
        assert_eq!(parse_z_index(Some(" 10 ")), Some(10));
        assert_eq!(parse_z_index(Some("10; color: red")), None);
    }

    /// The `--pw-*` colours declared in the first rule whose selector is exactly `selector`.
    fn palette(selector: &str) -> Vec<(String, String)> {
        let css = include_str!("widget.css");
        let start = css.find(&format!("{selector} {{")).unwrap_or_else(|| panic!("no rule {selector}"));
        let body = &css[start..start + css[start..].find('}').unwrap()];
        body.split(';')
            .filter_map(|decl| {
                let (name, value) = decl.split_once(':')?;
                let name = name.trim().rsplit('{').next()?.trim();
                let value = value.trim();
                (name.starts_with("--pw-") && value.starts_with('#')).then(|| (name.to_owned(), value.to_owned()))
            })
            .collect()
    }

    fn luminance(hex: &str) -> f64 {
        let h = hex.trim_start_matches('#');
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn both_themes_meet_wcag_aa_contrast() {
        // (text, background): body text needs 4.5:1.
        let pairs = [
            ("--pw-ink", "--pw-surface"),
            ("--pw-ink", "--pw-canvas"),
            ("--pw-ink", "--pw-field"),
            ("--pw-muted", "--pw-surface"),
            ("--pw-muted", "--pw-canvas"),
            ("--pw-muted", "--pw-field"),
            ("--pw-author", "--pw-canvas"),
            ("--pw-link", "--pw-surface"),
            ("--pw-danger", "--pw-canvas"),
            ("--pw-notice-ink", "--pw-notice"),
            ("--pw-error-ink", "--pw-error"),
            ("--pw-closed-ink", "--pw-closed"),
            ("--pw-code-ink", "--pw-code"),
            ("--pw-failed-ink", "--pw-failed"),
        ];
        let light = palette(".root");
        for selector in [".root", ".root[data-theme=\"dark\"]"] {
            // Dark overrides what it names; the rest comes from the light rule.
            let theme = palette(selector);
            let get = |name: &str| {
                theme.iter().chain(light.iter()).find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("{selector} has no {name}"))
            };
            for (text, background) in pairs {
                let ratio = contrast(&get(text), &get(background));
                assert!(ratio >= 4.5, "{selector}: {text} on {background} is {ratio:.2}:1");
            }
        }
        // The auto theme's dark block repeats the dark rule.
        let css = include_str!("widget.css");
        let auto = css.find(".root[data-theme=\"auto\"] {").expect("an auto rule");
        let dark = palette(".root[data-theme=\"dark\"]");
        for (name, value) in dark {
            assert!(css[auto..].contains(&format!("{name}: {value}")), "auto lacks {name}");
        }
        // The default accent carries white text.
        assert!(contrast("#4f46e5", "#ffffff") >= 4.5);
    }
}
