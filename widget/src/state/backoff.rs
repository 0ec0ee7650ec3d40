//! The reconnect schedule: exponential backoff with jitter, capped, reset by a good connection.

/// Delays between reconnect attempts: `base · 2^attempt`, capped at `cap`, of which a random half
/// is jitter ("equal jitter"), so many widgets that lost the same server do not return in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    attempt: u32,
    base_ms: u32,
    cap_ms: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(500, 30_000)
    }
}

impl Backoff {
    /// A schedule starting at `base_ms` and never waiting longer than `cap_ms`.
    #[must_use]
    pub const fn new(base_ms: u32, cap_ms: u32) -> Self {
        Self { attempt: 0, base_ms, cap_ms }
    }

    /// The delay before the next attempt; `jitter` is a random number in `[0, 1)`.
    pub fn next_delay(&mut self, jitter: f64) -> u32 {
        let ceiling = self.ceiling(self.attempt);
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        // `half` ≤ u32::MAX / 2, so the sum cannot overflow; the cast truncates a value in [0, half].
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let extra = (f64::from(ceiling - half) * jitter.clamp(0.0, 1.0)) as u32;
        half + extra.min(ceiling - half)
    }

    /// The upper bound of the delay for `attempt` (0-based).
    #[must_use]
    pub fn ceiling(&self, attempt: u32) -> u32 {
        let factor = 1_u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }

    /// How many delays were handed out since the last reset.
    #[must_use]
    pub const fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Starts over after a connection that worked.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_until_the_cap() {
        let mut b = Backoff::new(500, 30_000);
        let upper: Vec<u32> = (0..9).map(|_| b.next_delay(1.0)).collect();
        assert_eq!(upper, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    }

    #[test]
    fn jitter_stays_within_the_upper_half() {
        let mut b = Backoff::new(1_000, 60_000);
        assert_eq!(b.next_delay(0.0), 500);
        assert_eq!(b.next_delay(0.5), 1_500);
        assert_eq!(b.next_delay(0.999_999), 3_999);
        assert_eq!(b.next_delay(7.0), 8_000, "out-of-range jitter is clamped");
    }

    #[test]
    fn reset_starts_over() {
        let mut b = Backoff::default();
        for _ in 0..5 {
            b.next_delay(0.3);
        }
        assert_eq!(b.attempt(), 5);
        b.reset();
        assert_eq!(b.attempt(), 0);
        assert_eq!(b.next_delay(1.0), 500);
    }

    #[test]
    fn many_attempts_never_overflow() {
        let mut b = Backoff::new(u32::MAX / 2, u32::MAX);
        let delays: Vec<u32> = (0..100).map(|_| b.next_delay(1.0)).collect();
        assert_eq!(delays[99], u32::MAX);
        assert_eq!(b.ceiling(1_000), u32::MAX);
    }
}
