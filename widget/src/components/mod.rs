//! The widget's UI, one component per file.

pub mod composer;
pub mod icons;
pub mod launcher;
pub mod message;
pub mod message_list;
pub mod panel;
