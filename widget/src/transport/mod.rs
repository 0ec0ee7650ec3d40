//! How the widget talks to the server: [`http`] for the session endpoints and history, [`socket`]
//! for the live conversation. Both speak only the types of `parlour-shared`.

pub mod http;
pub mod socket;
