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
    PresenceOnline,
    PresenceAway,
    PresenceAwayEmail,
    AwayAsk,
    AwaySaved,
    EmailLabel,
    Save,
    Today,
    Yesterday,
    NewMessageFrom,
    Writing,
    History,
    Sections,
    NoConversations,
    LoadMore,
    LoadFailed,
    BadgeOpen,
    BadgePending,
    BadgeClosed,
    BackToHistory,
    StartNew,
    ContinueChat,
    AttachmentOnly,
    RateTitle,
    RateScore,
    RateComment,
    RateSubmit,
    RateThanks,
    PreChatIntro,
    PreChatSubmit,
    FieldRequired,
    FieldBadEmail,
    FieldTooLong,
    PreChatFailed,
    AttachFiles,
    Attachments,
    RemoveFile,
    RetryUpload,
    Uploading,
    UploadTooLarge,
    FileTooLarge,
    UploadUnsupported,
    UploadFailed,
    TooManyFiles,
    DropFiles,
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
        Key::PresenceOnline => ["We're online", "Nous sommes en ligne", "نحن متصلون الآن"],
        Key::PresenceAway => ["Away — we'll reply here soon", "Absents — nous répondrons ici dès que possible", "غير متواجدين — سنرد هنا قريبًا"],
        Key::PresenceAwayEmail => ["Away — we'll reply by email", "Absents — nous répondrons par e-mail", "غير متواجدين — سنرد عبر البريد الإلكتروني"],
        Key::AwayAsk => [
            "We're away. Leave your email and we'll reply there.",
            "Nous sommes absents. Laissez votre e-mail et nous vous répondrons par ce biais.",
            "نحن غير متواجدين الآن. اترك بريدك الإلكتروني وسنرد عليك هناك.",
        ],
        Key::AwaySaved => ["We'll reply to you at {}", "Nous vous répondrons à {}", "سنرد عليك على {}"],
        Key::EmailLabel => ["Your email", "Votre e-mail", "بريدك الإلكتروني"],
        Key::Save => ["Save", "Enregistrer", "حفظ"],
        Key::Today => ["Today", "Aujourd’hui", "اليوم"],
        Key::Yesterday => ["Yesterday", "Hier", "أمس"],
        Key::NewMessageFrom => ["New message from {}", "Nouveau message de {}", "رسالة جديدة من {}"],
        Key::Writing => ["Writing…", "Rédaction…", "جارٍ الكتابة…"],
        Key::History => ["History", "Historique", "السجل"],
        Key::Sections => ["Chat sections", "Sections de la discussion", "أقسام المحادثة"],
        Key::NoConversations => ["No conversations yet.", "Aucune conversation pour l’instant.", "لا توجد محادثات بعد."],
        Key::LoadMore => ["Load more", "Afficher plus", "عرض المزيد"],
        Key::LoadFailed => ["Could not load the history.", "Impossible de charger l’historique.", "تعذّر تحميل السجل."],
        Key::BadgeOpen => ["Open", "Ouverte", "مفتوحة"],
        Key::BadgePending => ["Waiting", "En attente", "قيد الانتظار"],
        Key::BadgeClosed => ["Closed", "Terminée", "مغلقة"],
        Key::BackToHistory => ["Back to history", "Retour à l’historique", "العودة إلى السجل"],
        Key::StartNew => ["Start a new conversation", "Nouvelle conversation", "بدء محادثة جديدة"],
        Key::ContinueChat => ["Continue the conversation", "Reprendre la conversation", "متابعة المحادثة"],
        Key::AttachmentOnly => ["Attachment", "Pièce jointe", "مرفق"],
        Key::RateTitle => ["How was this conversation?", "Comment s’est passée cette conversation ?", "كيف كانت هذه المحادثة؟"],
        Key::RateScore => ["{} out of 5", "{} sur 5", "{} من 5"],
        Key::RateComment => ["Add a comment (optional)", "Ajouter un commentaire (facultatif)", "أضف تعليقًا (اختياري)"],
        Key::RateSubmit => ["Send rating", "Envoyer la note", "إرسال التقييم"],
        Key::RateThanks => ["Thanks for your feedback!", "Merci pour votre avis !", "شكرًا على ملاحظاتك!"],
        Key::PreChatIntro => ["Before we start, tell us a little about you.", "Avant de commencer, parlez-nous un peu de vous.", "قبل أن نبدأ، أخبرنا قليلًا عنك."],
        Key::PreChatSubmit => ["Start the chat", "Commencer la discussion", "بدء المحادثة"],
        Key::FieldRequired => ["Please fill in this field.", "Veuillez remplir ce champ.", "يُرجى ملء هذا الحقل."],
        Key::FieldBadEmail => ["Please enter a valid email address.", "Veuillez saisir une adresse e-mail valide.", "يُرجى إدخال بريد إلكتروني صالح."],
        Key::FieldTooLong => ["This is too long.", "C’est trop long.", "هذا طويل جدًا."],
        Key::PreChatFailed => ["Your details could not be sent. Please try again.", "Vos informations n’ont pas pu être envoyées. Veuillez réessayer.", "تعذّر إرسال معلوماتك. يُرجى المحاولة مرة أخرى."],
        Key::AttachFiles => ["Attach files", "Joindre des fichiers", "إرفاق ملفات"],
        Key::Attachments => ["Attachments", "Pièces jointes", "المرفقات"],
        Key::RemoveFile => ["Remove {}", "Retirer {}", "إزالة {}"],
        Key::RetryUpload => ["Retry uploading {}", "Réessayer d’envoyer {}", "إعادة محاولة رفع {}"],
        Key::Uploading => ["Uploading {}", "Envoi de {}", "جارٍ رفع {}"],
        Key::UploadTooLarge => ["Too large: {} at most", "Trop volumineux : {} au maximum", "الملف كبير جدًا: {} كحد أقصى"],
        Key::FileTooLarge => ["This file is too large", "Ce fichier est trop volumineux", "هذا الملف كبير جدًا"],
        Key::UploadUnsupported => ["This type of file is not supported", "Ce type de fichier n’est pas accepté", "هذا النوع من الملفات غير مدعوم"],
        Key::UploadFailed => ["Upload failed", "Échec de l’envoi", "تعذّر رفع الملف"],
        Key::TooManyFiles => ["Up to 10 files per message", "10 fichiers au maximum par message", "10 ملفات كحد أقصى لكل رسالة"],
        Key::DropFiles => ["Drop files to attach them", "Déposez des fichiers pour les joindre", "أفلت الملفات لإرفاقها"],
    }
}

/// A file size in the language's units and decimal mark, with one decimal below 10 ("1.2 MB",
/// "1,2 Mo", "532 KB"; 1024-based, like the upload limit). Integer arithmetic only: formatting a
/// float would link the float printer into the wasm.
#[must_use]
pub fn file_size(locale: Locale, bytes: u64) -> String {
    let (units, mark) = match locale {
        Locale::En => (["B", "KB", "MB", "GB"], '.'),
        Locale::Fr => (["o", "Ko", "Mo", "Go"], ','),
        Locale::Ar => (["بايت", "ك.ب", "م.ب", "ج.ب"], '.'),
    };
    // u64 only (u128 division and printing would cost the wasm kilobytes), split into whole
    // units and the remainder so nothing overflows.
    let mut level = 0;
    while level < 3 && bytes >= 1024u64.pow(level + 1) {
        level += 1;
    }
    loop {
        let unit = 1024u64.pow(level);
        let (units_in, rest) = (bytes / unit, bytes % unit);
        let tenths = units_in * 10 + (rest * 10 + unit / 2) / unit;
        let whole = units_in + u64::from(rest >= unit - unit / 2);
        // Rounding can reach the next unit (1023.96 KB is 1 MB).
        if level < 3 && whole >= 1024 {
            level += 1;
            continue;
        }
        let unit = units[level as usize];
        return if level > 0 && tenths < 100 && tenths % 10 != 0 {
            format!("{}{mark}{} {unit}", tenths / 10, tenths % 10)
        } else if level > 0 && tenths < 100 {
            format!("{} {unit}", tenths / 10)
        } else {
            format!("{whole} {unit}")
        };
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
            StatusOnline, StatusConnecting, StatusReconnecting, StatusUnavailable, PresenceOnline, PresenceAway,
            PresenceAwayEmail, AwayAsk, AwaySaved, EmailLabel, Save, Today, Yesterday, NewMessageFrom, Writing,
            History, Sections, NoConversations, LoadMore, LoadFailed, BadgeOpen, BadgePending, BadgeClosed, BackToHistory,
            StartNew, ContinueChat, AttachmentOnly, RateTitle, RateScore, RateComment, RateSubmit, RateThanks,
            PreChatIntro, PreChatSubmit, FieldRequired, FieldBadEmail, FieldTooLong, PreChatFailed,
            AttachFiles, Attachments, RemoveFile, RetryUpload, Uploading, UploadTooLarge, FileTooLarge, UploadUnsupported,
            UploadFailed, TooManyFiles, DropFiles,
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
    fn file_sizes_round_to_one_decimal_below_ten_units() {
        let en = |b| file_size(Locale::En, b);
        assert_eq!(en(0), "0 B");
        assert_eq!(en(1023), "1023 B");
        assert_eq!(en(1024), "1 KB");
        assert_eq!(en(1229), "1.2 KB");
        assert_eq!(en(1_258_291), "1.2 MB");
        assert_eq!(en(9 * 1024 * 1024 + 1023 * 1024), "10 MB", "9.999 MB rounds up");
        assert_eq!(en(10 * 1024 * 1024), "10 MB");
        assert_eq!(en(544_768), "532 KB");
        assert_eq!(en(1_048_575), "1 MB", "1023.999 KB is shown as the next unit");
        assert_eq!(en(5 * 1024 * 1024 * 1024 * 1024), "5120 GB");
        assert_eq!(en(u64::MAX), "17179869184 GB");
        assert_eq!(file_size(Locale::Fr, 1_258_291), "1,2 Mo");
        assert_eq!(file_size(Locale::Fr, 12), "12 o");
        assert_eq!(file_size(Locale::Ar, 1_258_291), "1.2 م.ب");
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
