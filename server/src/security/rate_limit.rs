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

/// Reads `N/period`: `120/min`, `20/s`, `1000/h`, or with a count of units such as `40/2s`
/// (40 events per 2 seconds: 20 a second, in bursts of up to 40).
impl std::str::FromStr for Rate {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{raw}` is not a rate such as 120/min, 20/s, 1000/h or 40/2s");
        let (limit, period) = raw.trim().split_once('/').ok_or_else(bad)?;
        let limit = limit.trim().parse::<u32>().map_err(|_| bad())?;
        let period = period.trim();
        let unit_at = period.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (count, unit) = period.split_at(unit_at);
        let count = if count.is_empty() { 1 } else { count.parse::<u64>().map_err(|_| bad())? };
        let unit_secs = match unit {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(bad());
        }
        Ok(Self { limit, period: Duration::from_secs(count.saturating_mul(unit_secs)) })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}s", self.limit, self.period.as_secs())
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

/// The GCRA step: the theoretical arrival time after one more event at `now`, or how long to wait.
fn gcra(tat: Option<Instant>, now: Instant, interval: Duration, tolerance: Duration) -> Result<Instant, RetryAfter> {
    let tat = tat.map_or(now, |tat| tat.max(now));
    let allowed_from = tat.checked_sub(tolerance).unwrap_or(now);
    if allowed_from > now {
        return Err(RetryAfter(allowed_from - now));
    }
    Ok(tat + interval)
}

/// The interval (time one event costs) and tolerance (burst allowance) of a rate.
fn shape(rate: Rate) -> (Duration, Duration) {
    let interval = rate.period.checked_div(rate.limit.max(1)).unwrap_or(rate.period);
    (interval, interval.saturating_mul(rate.limit.saturating_sub(1)))
}

/// One key's limit, owned by its user (a socket's frame budget): no map, no lock.
#[derive(Debug, Clone)]
pub struct Bucket {
    limit: u32,
    period: Duration,
    interval: Duration,
    tolerance: Duration,
    tat: Option<Instant>,
}

impl Bucket {
    /// A full bucket for `rate`. A zero limit refuses everything.
    #[must_use]
    pub fn new(rate: Rate) -> Self {
        let (interval, tolerance) = shape(rate);
        Self { limit: rate.limit, period: rate.period, interval, tolerance, tat: None }
    }

    /// Counts one event at `now`.
    ///
    /// # Errors
    /// [`RetryAfter`] when over the limit; the event is not counted.
    pub fn check(&mut self, now: Instant) -> Result<(), RetryAfter> {
        if self.limit == 0 {
            return Err(RetryAfter(self.period));
        }
        self.tat = Some(gcra(self.tat, now, self.interval, self.tolerance)?);
        Ok(())
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
        let (interval, tolerance) = shape(rate);
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
        let next = gcra(shard.tat.get(key).copied(), now, self.interval, self.tolerance)?;
        shard.tat.insert(key.clone(), next);
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
    fn rates_read_from_flags() {
        assert_eq!("120/min".parse::<Rate>().unwrap(), Rate::per_minute(120));
        assert_eq!("1000/h".parse::<Rate>().unwrap(), Rate::per_hour(1000));
        assert_eq!("40/2s".parse::<Rate>().unwrap(), Rate { limit: 40, period: Duration::from_secs(2) });
        for bad in ["", "10", "x/min", "10/", "10/0s", "10/fortnight", "-1/s"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn a_bucket_allows_its_burst_then_the_steady_rate() {
        let mut bucket = Bucket::new("40/2s".parse().unwrap());
        let start = Instant::now();
        for _ in 0..40 {
            bucket.check(start).unwrap();
        }
        assert!(bucket.check(start).is_err());
        assert!(bucket.check(start + Duration::from_millis(50)).is_ok(), "one frame refills every 50 ms");
        assert!(bucket.check(start + Duration::from_millis(50)).is_err());
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
