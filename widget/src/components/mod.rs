//! The widget's UI, one component per file.

pub mod announcer;
pub mod composer;
pub mod icons;
pub mod launcher;
pub mod locale;
pub mod message;
pub mod message_list;
pub mod panel;
pub mod rich_text;
pub mod viewport;
