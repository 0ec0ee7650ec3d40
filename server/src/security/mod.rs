//! Entry-point security that does not depend on HTTP: which origins a project allows, how fast a
//! key may go, and whether a host's claim about its visitor is genuine.

pub mod identity;
pub mod origin;
pub mod rate_limit;
