//! Keyed rate limits (GCRA, the token bucket without a timer): `limit` requests per `period`,
//! with bursts up to `limit`. Memory stays bounded: each key costs one `Instant`, and keys whose
//! bucket has refilled are swept out as the map grows.
//!
//! Time is passed in, so tests drive the clock and never sleep.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A rate: `limit` events per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many events the period allows (also the largest burst).
    pub limit: u32,
    /// The period.
    pub period: Duration,
}

impl Rate {
    /// `limit` events per minute.
    #[must_use]
    pub const fn per_minute(limit: u32) -> Self {
        Self { limit, period: Duration::from_secs(60) }
    }

    /// `limit` events per hour.
    #[must_use]
    pub const fn per_hour(limit: u32) -> Self {
        Self { limit, period: Duration::from_secs(3600) }
    }
}

/// The caller went over the limit; it may try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds to put in a `Retry-After` header (at least 1).
    #[must_use]
    pub fn seconds(self) -> u64 {
        self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)
    }
}

const SHARDS: usize = 16;
/// A shard sweeps refilled keys once it holds this many.
const SWEEP_AT: usize = 4096;

/// A rate limiter for one kind of key (an IP, a project, a session…).
#[derive(Debug)]
pub struct RateLimiter<K> {
    rate: Rate,
    /// The time one event "costs": period / limit.
    interval: Duration,
    /// How far ahead of now the theoretical arrival time may run: the burst allowance.
    tolerance: Duration,
    hasher: RandomState,
    shards: Vec<Mutex<Shard<K>>>,
}

#[derive(Debug)]
struct Shard<K> {
    /// Per key, the theoretical arrival time of the next event.
    tat: HashMap<K, Instant>,
    sweep_at: usize,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter allowing `rate`. A zero limit refuses everything.
    #[must_use]
    pub fn new(rate: Rate) -> Self {
        let interval = rate.period.checked_div(rate.limit.max(1)).unwrap_or(rate.period);
        let tolerance = interval.saturating_mul(rate.limit.saturating_sub(1));
        let shards = (0..SHARDS).map(|_| Mutex::new(Shard { tat: HashMap::new(), sweep_at: SWEEP_AT })).collect();
        Self { rate, interval, tolerance, hasher: RandomState::new(), shards }
    }

    /// The configured rate.
    #[must_use]
    pub const fn rate(&self) -> Rate {
        self.rate
    }

    /// Counts one event for `key` at `now`.
    ///
    /// # Errors
    /// [`RetryAfter`] when the key is over its limit; the event is not counted.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), RetryAfter> {
        if self.rate.limit == 0 {
            return Err(RetryAfter(self.rate.period));
        }
        let shard_index = usize::try_from(self.hasher.hash_one(key) % SHARDS as u64).unwrap_or(0);
        // A poisoned lock only means another thread panicked mid-update of plain data; go on.
        let mut shard = self.shards[shard_index].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tat = shard.tat.get(key).copied().map_or(now, |tat| tat.max(now));
        let allowed_from = tat.checked_sub(self.tolerance).unwrap_or(now);
        if allowed_from > now {
            return Err(RetryAfter(allowed_from - now));
        }
        shard.tat.insert(key.clone(), tat + self.interval);
        if shard.tat.len() >= shard.sweep_at {
            shard.tat.retain(|_, tat| *tat > now);
            shard.sweep_at = (shard.tat.len() * 2).max(SWEEP_AT);
        }
        Ok(())
    }

    /// How many keys are tracked (for tests and metrics).
    #[must_use]
    pub fn tracked_keys(&self) -> usize {
        self.shards.iter().map(|s| s.lock().map_or(0, |s| s.tat.len())).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_up_to_the_limit_then_refuses() {
        let limiter = RateLimiter::new(Rate::per_minute(10));
        let now = Instant::now();
        for i in 0..10 {
            assert!(limiter.check(&"ip", now).is_ok(), "request {i} refused");
        }
        let retry = limiter.check(&"ip", now).unwrap_err();
        assert_eq!(retry.seconds(), 6, "one token refills every 6 s");
    }

    #[test]
    fn refills_at_the_steady_rate() {
        let limiter = RateLimiter::new(Rate::per_minute(10));
        let start = Instant::now();
        for _ in 0..10 {
            limiter.check(&1, start).unwrap();
        }
        assert!(limiter.check(&1, start + Duration::from_secs(5)).is_err());
        assert!(limiter.check(&1, start + Duration::from_secs(6)).is_ok());
        assert!(limiter.check(&1, start + Duration::from_secs(6)).is_err());
        for _ in 0..10 {
            limiter.check(&1, start + Duration::from_secs(600)).unwrap();
        }
    }

    #[test]
    fn keys_are_independent() {
        let limiter = RateLimiter::new(Rate::per_minute(1));
        let now = Instant::now();
        assert!(limiter.check(&"a", now).is_ok());
        assert!(limiter.check(&"a", now).is_err());
        assert!(limiter.check(&"b", now).is_ok());
    }

    #[test]
    fn a_refused_event_is_not_counted() {
        let limiter = RateLimiter::new(Rate::per_minute(2));
        let now = Instant::now();
        limiter.check(&0, now).unwrap();
        limiter.check(&0, now).unwrap();
        for _ in 0..100 {
            assert!(limiter.check(&0, now).is_err());
        }
        assert!(limiter.check(&0, now + Duration::from_secs(30)).is_ok());
    }

    #[test]
    fn zero_limit_refuses_everything() {
        let limiter = RateLimiter::new(Rate::per_minute(0));
        assert!(limiter.check(&0, Instant::now()).is_err());
    }

    #[test]
    fn memory_stays_bounded_under_many_keys() {
        let limiter = RateLimiter::new(Rate::per_minute(5));
        let start = Instant::now();
        for i in 0..200_000_u32 {
            let now = start + Duration::from_millis(u64::from(i));
            limiter.check(&i, now).unwrap();
        }
        // Each key refills 12 s after its one request, so only the last ~12,000 can be live.
        assert!(limiter.tracked_keys() < 2 * 16 * SWEEP_AT, "{} keys tracked", limiter.tracked_keys());
    }
}
