//! The rate limits every visitor entry point applies (`--limit-*` flags, all off with
//! `--rate-limits off`): session inits per IP and per project, visitor requests per IP, messages
//! per visitor and per project, frames per socket, and open sockets per IP.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use parlour_shared::{ProjectId, SessionId};

use super::client_ip::limit_key;
use super::rate_limit::{Bucket, Rate, RateLimiter, RetryAfter};
use crate::error::ApiError;

impl From<RetryAfter> for ApiError {
    fn from(retry: RetryAfter) -> Self {
        ApiError::RateLimited { retry_after_secs: retry.seconds() }
    }
}

/// The configured rates (see `config::LimitsConfig` for the defaults and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Session inits per client IP.
    pub init_per_ip: Rate,
    /// Session inits per project.
    pub init_per_project: Rate,
    /// Visitor REST calls and socket handshakes per client IP.
    pub requests_per_ip: Rate,
    /// Messages per visitor session (REST and socket together).
    pub messages_per_visitor: Rate,
    /// Messages per project.
    pub messages_per_project: Rate,
    /// Frames per socket.
    pub ws_frames: Rate,
}

/// Refused frames a socket may accumulate (burst, refilled over the period) before it is closed
/// with 4429: a client a little over its frame rate gets error frames, a flood gets cut off.
const STRIKES: Rate = Rate { limit: 20, period: Duration::from_secs(10) };

/// The shared limiters.
#[derive(Debug)]
pub struct Limiters {
    init_per_ip: RateLimiter<IpAddr>,
    init_per_project: RateLimiter<ProjectId>,
    requests_per_ip: RateLimiter<IpAddr>,
    messages_per_visitor: RateLimiter<SessionId>,
    messages_per_project: RateLimiter<ProjectId>,
    ws_frames: Rate,
}

impl Limiters {
    /// Limiters for these rates.
    #[must_use]
    pub fn new(rates: Rates) -> Self {
        Self {
            init_per_ip: RateLimiter::new(rates.init_per_ip),
            init_per_project: RateLimiter::new(rates.init_per_project),
            requests_per_ip: RateLimiter::new(rates.requests_per_ip),
            messages_per_visitor: RateLimiter::new(rates.messages_per_visitor),
            messages_per_project: RateLimiter::new(rates.messages_per_project),
            ws_frames: rates.ws_frames,
        }
    }

    /// Counts a session init from `ip` (before the project is read).
    ///
    /// # Errors
    /// [`RetryAfter`] when the IP is over its limit.
    pub fn init_from(&self, ip: IpAddr) -> Result<(), RetryAfter> {
        self.init_per_ip.check(&limit_key(ip), Instant::now())
    }

    /// Counts a session init for `project`.
    ///
    /// # Errors
    /// [`RetryAfter`] when the project is over its limit.
    pub fn init_of(&self, project: &ProjectId) -> Result<(), RetryAfter> {
        self.init_per_project.check(project, Instant::now())
    }

    /// Counts a visitor request (REST call or socket handshake) from `ip`.
    ///
    /// # Errors
    /// [`RetryAfter`] when the IP is over its limit.
    pub fn request_from(&self, ip: IpAddr) -> Result<(), RetryAfter> {
        self.requests_per_ip.check(&limit_key(ip), Instant::now())
    }

    /// Counts a visitor message of `session` in `project`.
    ///
    /// # Errors
    /// [`RetryAfter`] when the visitor or the project is over its limit.
    pub fn message(&self, session: SessionId, project: &ProjectId) -> Result<(), RetryAfter> {
        let now = Instant::now();
        self.messages_per_visitor.check(&session, now)?;
        self.messages_per_project.check(project, now)
    }

    /// A fresh frame budget for one socket.
    #[must_use]
    pub fn frame_budget(&self) -> FrameBudget {
        FrameBudget { frames: Bucket::new(self.ws_frames), strikes: Bucket::new(STRIKES) }
    }
}

/// What to do with an incoming frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameVerdict {
    /// Within the budget: handle it.
    Accept,
    /// Over the budget: drop it and answer an error frame `RATE_LIMITED`.
    Refuse,
    /// Sustained abuse: close the socket with 4429.
    Close,
}

/// One socket's frame budget (no locks: the socket's task owns it).
#[derive(Debug, Clone)]
pub struct FrameBudget {
    frames: Bucket,
    strikes: Bucket,
}

impl FrameBudget {
    /// Counts one incoming frame at `now`.
    pub fn check(&mut self, now: Instant) -> FrameVerdict {
        if self.frames.check(now).is_ok() {
            FrameVerdict::Accept
        } else if self.strikes.check(now).is_ok() {
            FrameVerdict::Refuse
        } else {
            FrameVerdict::Close
        }
    }
}

/// Open sockets per client IP, capped.
#[derive(Debug, Clone)]
pub struct SocketCounter {
    max_per_ip: u32,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// One open socket, counted until dropped.
#[derive(Debug)]
pub struct SocketPermit {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

impl SocketCounter {
    /// At most `max_per_ip` open sockets per IP (IPv6 per /64).
    #[must_use]
    pub fn new(max_per_ip: u32) -> Self {
        Self { max_per_ip, open: Arc::default() }
    }

    /// A permit for one more socket from `ip`, or `None` when it has its maximum open.
    #[must_use]
    pub fn acquire(&self, ip: IpAddr) -> Option<SocketPermit> {
        let ip = limit_key(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        if *count >= self.max_per_ip {
            return None;
        }
        *count += 1;
        Some(SocketPermit { ip, open: Arc::clone(&self.open) })
    }

    /// How many sockets `ip` has open.
    #[must_use]
    pub fn open_from(&self, ip: IpAddr) -> u32 {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).get(&limit_key(ip)).copied().unwrap_or(0)
    }
}

impl Drop for SocketPermit {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_over_its_frame_rate_is_refused_then_closed_when_it_keeps_going() {
        let limiters = Limiters::new(Rates {
            init_per_ip: Rate::per_minute(1),
            init_per_project: Rate::per_minute(1),
            requests_per_ip: Rate::per_minute(1),
            messages_per_visitor: Rate::per_minute(1),
            messages_per_project: Rate::per_minute(1),
            ws_frames: "4/s".parse().unwrap(),
        });
        let mut budget = limiters.frame_budget();
        let now = Instant::now();
        let verdicts: Vec<_> = (0..30).map(|_| budget.check(now)).collect();
        assert!(verdicts[..4].iter().all(|v| *v == FrameVerdict::Accept));
        assert!(verdicts[4..24].iter().all(|v| *v == FrameVerdict::Refuse));
        assert_eq!(verdicts[24], FrameVerdict::Close);
        assert_eq!(budget.check(now + Duration::from_secs(60)), FrameVerdict::Accept, "a pause restores the budget");
    }

    #[test]
    fn socket_permits_are_capped_per_ip_and_released_on_drop() {
        let counter = SocketCounter::new(2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let first = counter.acquire(ip).unwrap();
        let _second = counter.acquire(ip).unwrap();
        assert!(counter.acquire(ip).is_none());
        assert!(counter.acquire("192.0.2.2".parse().unwrap()).is_some(), "other IPs are independent");
        drop(first);
        assert_eq!(counter.open_from(ip), 1);
        assert!(counter.acquire(ip).is_some());
    }

    #[test]
    fn a_retry_after_becomes_rate_limited_with_whole_seconds() {
        let err = ApiError::from(RetryAfter(Duration::from_millis(1500)));
        assert!(matches!(err, ApiError::RateLimited { retry_after_secs: 2 }));
    }
}
