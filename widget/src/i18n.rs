//! The widget's languages: English, French and Arabic (right to left). Every string the widget
//! shows or announces is a [`Key`] looked up with [`t`]; counts go through [`unread_label`], which
//! knows each language's plural forms. The locale comes from the `locale` attribute, then the
//! `ChatWidget.boot({ locale })` option, then `navigator.language`, then English: the first one
//! the widget speaks wins ([`Locale::resolve`]).

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// French.
    Fr,
    /// Arabic, written right to left.
    Ar,
}

impl Locale {
    /// The language of a BCP 47 tag (`fr-CA` → French); `None` when the widget does not speak it.
    #[must_use]
    pub fn parse(tag: &str) -> Option<Self> {
        // Byte checks rather than split/lowercase: this ships in the wasm.
        let tag = tag.trim().as_bytes();
        if tag.get(2).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        match tag.get(..2).map(|p| [p[0].to_ascii_lowercase(), p[1].to_ascii_lowercase()]) {
            Some([b'e', b'n']) => Some(Self::En),
            Some([b'f', b'r']) => Some(Self::Fr),
            Some([b'a', b'r']) => Some(Self::Ar),
            _ => None,
        }
    }

    /// The first supported of: the `locale` attribute, the boot option, the browser's language.
    #[must_use]
    pub fn resolve(candidates: &[Option<&str>]) -> Self {
        candidates.iter().flatten().find_map(|tag| Self::parse(tag)).unwrap_or_default()
    }

    /// The language tag for `lang` and date formatting.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Ar => "ar",
        }
    }

    /// Whether the language is written right to left.
    #[must_use]
    pub fn is_rtl(self) -> bool {
        self == Self::Ar
    }

    /// `"rtl"` or `"ltr"`, for the `dir` attribute.
    #[must_use]
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }
}

/// A UI string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // The names are the English strings.
pub enum Key {
    Chat,
    OpenChat,
    MinimiseChat,
    CloseChat,
    Message,
    Placeholder,
    SendMessage,
    Conversation,
    Welcome,
    You,
    Agent,
    Assistant,
    Sending,
    Sent,
    Seen,
    NotSent,
    Retry,
    RetryLabel,
    IsTyping,
    Closed,
    ConnectionLost,
    UnavailablePrefix,
    StatusOnline,
    StatusConnecting,
    StatusReconnecting,
    StatusUnavailable,
    Today,
    Yesterday,
    NewMessageFrom,
}

/// The string for `key` in `locale`. [`Key::IsTyping`] and [`Key::NewMessageFrom`] hold a `{}`
/// for a name (see [`fill`]).
#[must_use]
pub fn t(locale: Locale, key: Key) -> &'static str {
    let [en, fr, ar] = strings(key);
    match locale {
        Locale::En => en,
        Locale::Fr => fr,
        Locale::Ar => ar,
    }
}

/// Puts `value` where the `{}` is.
#[must_use]
pub fn fill(template: &str, value: &str) -> String {
    match template.find('{') {
        Some(at) => format!("{}{value}{}", &template[..at], &template[at + 2..]),
        None => template.to_owned(),
    }
}

/// English, French, Arabic.
fn strings(key: Key) -> [&'static str; 3] {
    match key {
        Key::Chat => ["Chat", "Discussion", "محادثة"],
        Key::OpenChat => ["Open chat", "Ouvrir la discussion", "فتح المحادثة"],
        Key::MinimiseChat => ["Minimise chat", "Réduire la discussion", "تصغير المحادثة"],
        Key::CloseChat => ["Close chat", "Fermer la discussion", "إغلاق المحادثة"],
        Key::Message => ["Message", "Message", "الرسالة"],
        Key::Placeholder => ["Write a message…", "Écrivez un message…", "اكتب رسالة…"],
        Key::SendMessage => ["Send message", "Envoyer le message", "إرسال الرسالة"],
        Key::Conversation => ["Conversation", "Conversation", "المحادثة"],
        Key::Welcome => ["Hi! How can we help?", "Bonjour ! Comment pouvons-nous vous aider ?", "مرحبًا! كيف يمكننا مساعدتك؟"],
        Key::You => ["You", "Vous", "أنت"],
        Key::Agent => ["Agent", "Conseiller", "موظف الدعم"],
        Key::Assistant => ["Assistant", "Assistant", "المساعد"],
        Key::Sending => ["Sending…", "Envoi…", "جارٍ الإرسال…"],
        Key::Sent => ["Sent", "Envoyé", "أُرسلت"],
        Key::Seen => ["Seen", "Vu", "شوهدت"],
        Key::NotSent => ["Not sent", "Non envoyé", "لم تُرسل"],
        Key::Retry => ["Retry", "Réessayer", "إعادة المحاولة"],
        Key::RetryLabel => ["Retry sending this message", "Réessayer d’envoyer ce message", "إعادة محاولة إرسال هذه الرسالة"],
        Key::IsTyping => ["{} is typing…", "{} écrit…", "{} يكتب…"],
        Key::Closed => [
            "This conversation was closed — write to start a new one.",
            "Cette conversation est terminée — écrivez pour en commencer une nouvelle.",
            "أُغلقت هذه المحادثة — اكتب لبدء محادثة جديدة.",
        ],
        Key::ConnectionLost => [
            "Connection lost. We will send your messages when it is back.",
            "Connexion perdue. Vos messages partiront dès son retour.",
            "انقطع الاتصال. سنرسل رسائلك عند عودته.",
        ],
        Key::UnavailablePrefix => ["Chat is unavailable: ", "La discussion est indisponible : ", "المحادثة غير متاحة: "],
        Key::StatusOnline => ["We reply in a few minutes", "Nous répondons en quelques minutes", "نرد خلال دقائق"],
        Key::StatusConnecting => ["Connecting…", "Connexion…", "جارٍ الاتصال…"],
        Key::StatusReconnecting => ["Offline · reconnecting…", "Hors ligne · reconnexion…", "غير متصل · جارٍ إعادة الاتصال…"],
        Key::StatusUnavailable => ["Chat is unavailable", "La discussion est indisponible", "المحادثة غير متاحة"],
        Key::Today => ["Today", "Aujourd’hui", "اليوم"],
        Key::Yesterday => ["Yesterday", "Hier", "أمس"],
        Key::NewMessageFrom => ["New message from {}", "Nouveau message de {}", "رسالة جديدة من {}"],
    }
}

/// The launcher's label while closed: "Open chat", then the unread count in the language's
/// plural form (Arabic has six: zero, one, two, few, many, other).
#[must_use]
pub fn unread_label(locale: Locale, n: usize) -> String {
    let open = t(locale, Key::OpenChat);
    let count = match (locale, n) {
        (_, 0) => return open.to_owned(),
        (Locale::En, 1) => "1 unread message".to_owned(),
        (Locale::En, n) => format!("{n} unread messages"),
        (Locale::Fr, 1) => "1 message non lu".to_owned(),
        (Locale::Fr, n) => format!("{n} messages non lus"),
        (Locale::Ar, 1) => "رسالة واحدة غير مقروءة".to_owned(),
        (Locale::Ar, 2) => "رسالتان غير مقروءتين".to_owned(),
        (Locale::Ar, n) if (3..=10).contains(&(n % 100)) => format!("{n} رسائل غير مقروءة"),
        (Locale::Ar, n) => format!("{n} رسالة غير مقروءة"),
    };
    let comma = if locale == Locale::Ar { "، " } else { ", " };
    format!("{open}{comma}{count}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_locale_wins() {
        assert_eq!(Locale::resolve(&[Some("fr-CA"), Some("ar"), Some("en-US")]), Locale::Fr);
        assert_eq!(Locale::resolve(&[None, Some("AR_eg"), Some("en-US")]), Locale::Ar);
        assert_eq!(Locale::resolve(&[Some("de"), None, Some("fr")]), Locale::Fr);
        assert_eq!(Locale::resolve(&[Some(""), Some("xx"), None]), Locale::En);
        assert_eq!(Locale::resolve(&[Some("ara"), Some("f"), Some("fra"), Some("fr_BE")]), Locale::Fr);
        assert!(Locale::Ar.is_rtl() && !Locale::Fr.is_rtl());
        assert_eq!(Locale::Ar.dir(), "rtl");
    }

    #[test]
    fn every_string_exists_in_every_language() {
        use Key::*;
        for key in [
            Chat, OpenChat, MinimiseChat, CloseChat, Message, Placeholder, SendMessage, Conversation, Welcome, You, Agent,
            Assistant, Sending, Sent, Seen, NotSent, Retry, RetryLabel, IsTyping, Closed, ConnectionLost, UnavailablePrefix,
            StatusOnline, StatusConnecting, StatusReconnecting, StatusUnavailable, Today, Yesterday, NewMessageFrom,
        ] {
            let [en, fr, ar] = strings(key);
            assert!(!en.is_empty() && !fr.is_empty() && !ar.is_empty(), "{key:?}");
            assert_eq!(en.contains("{}"), ar.contains("{}"), "{key:?}");
            assert_eq!(en.contains("{}"), fr.contains("{}"), "{key:?}");
            assert!(ar.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)), "{key:?} is Arabic");
        }
        assert_eq!(fill(t(Locale::Fr, IsTyping), "Ada"), "Ada écrit…");
        assert_eq!(fill(t(Locale::En, NewMessageFrom), "Ada"), "New message from Ada");
    }

    #[test]
    fn unread_counts_use_each_languages_plurals() {
        assert_eq!(unread_label(Locale::En, 0), "Open chat");
        assert_eq!(unread_label(Locale::En, 1), "Open chat, 1 unread message");
        assert_eq!(unread_label(Locale::En, 5), "Open chat, 5 unread messages");
        assert_eq!(unread_label(Locale::Fr, 1), "Ouvrir la discussion, 1 message non lu");
        assert_eq!(unread_label(Locale::Fr, 2), "Ouvrir la discussion, 2 messages non lus");
        assert!(unread_label(Locale::Ar, 2).ends_with("رسالتان غير مقروءتين"));
        assert!(unread_label(Locale::Ar, 3).ends_with("3 رسائل غير مقروءة"));
        assert!(unread_label(Locale::Ar, 11).ends_with("11 رسالة غير مقروءة"));
        assert!(unread_label(Locale::Ar, 103).ends_with("103 رسائل غير مقروءة"));
    }
}
