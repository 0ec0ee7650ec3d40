//! The widget's UI, one part per file, drawn with DOM calls.

pub mod announcer;
pub mod attachments;
pub mod away;
pub mod composer;
pub mod dom;
pub mod draft;
pub mod header;
pub mod history;
pub mod history_rows;
pub mod icons;
pub mod launcher;
pub mod message;
pub mod message_list;
pub mod panel;
pub mod prechat;
pub mod react;
pub mod rating;
pub mod rich_text;
pub mod tabs;
pub mod viewport;
