//! The one source of truth for what crosses the wire between the Parlour server, the widget and
//! the agent page: REST request and response bodies, WebSocket frames (one enum per direction),
//! error codes, and validated values that both sides parse the same way.
//!
//! This crate stays wasm-clean: serde, uuid and thiserror only.

pub mod agent;
#[cfg(any(test, feature = "wire-decode"))]
pub mod decode;
pub mod error;
pub mod ids;
pub mod message;
pub mod rest;
pub mod session;
pub mod values;
pub mod ws;

pub use error::{ErrorBody, ErrorCode};
pub use ids::{ConversationId, MessageId, SessionId};
pub use message::{Attachment, AttachmentId, Author, AuthorKind, ConversationStatus, Message, MessagePage};
pub use values::{ClientMessageId, MessageBody, ProjectId, ValueError};
