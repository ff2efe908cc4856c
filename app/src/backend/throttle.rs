//! Slows down password guessing without letting anyone lock others out. Every attempt is
//! counted before its password is checked (parallel attempts cannot slip past), per
//! account and address pair, per account and per address. Past a number of free attempts
//! each further one must wait a delay that doubles with every failure, up to a cap; the
//! pair's cap is long, the account's and the address's short, so a stranger's failures
//! slow a person down by a minute at most instead of locking them out. Best effort per
//! instance, as the architecture allows: the state lives in memory.

use crate::error::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures are forgotten this long after the last attempt.
const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_ENTRIES: usize = 100_000;

/// One kind of counter: attempts free of delay, and the longest delay.
struct Rule {
    free: u32,
    cap: Duration,
}

/// One account from one address: a guesser's own attempts.
const PAIR: Rule = Rule {
    free: 5,
    cap: WINDOW,
};
/// One account from anywhere: spread guessing, slowed but never a lock-out.
const ACCOUNT: Rule = Rule {
    free: 20,
    cap: Duration::from_secs(60),
};
/// One address for any account: credential stuffing. Behind a reverse proxy the address
/// is the client's only when the proxy is configured as trusted.
const ADDRESS: Rule = Rule {
    free: 50,
    cap: Duration::from_secs(60),
};

impl Rule {
    /// How long after the last attempt the next may come, with `failures` counted.
    fn delay(&self, failures: u32) -> Duration {
        if failures < self.free {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free).min(20);
        Duration::from_secs(1u64 << doublings).min(self.cap)
    }
}

#[derive(Clone, Copy)]
struct Count {
    failures: u32,
    last: Instant,
}

#[derive(Default)]
pub struct LoginThrottle {
    counts: Mutex<HashMap<String, Count>>,
}

impl LoginThrottle {
    /// Counts an attempt at `account` from `address`, before its password is checked; an
    /// attempt that comes before its delay has passed is refused with the seconds to wait.
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), AppError> {
        let Ok(mut counts) = self.counts.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if counts.len() > MAX_ENTRIES {
            counts.retain(|_, count| now.duration_since(count.last) < WINDOW);
        }
        let keys = [
            (pair_key(account, address), &PAIR),
            (format!("account:{account}"), &ACCOUNT),
            (format!("address:{address}"), &ADDRESS),
        ];
        let mut wait = Duration::ZERO;
        for (key, rule) in &keys {
            if let Some(count) = counts.get(key) {
                let since = now.duration_since(count.last);
                if since < WINDOW {
                    wait = wait.max(rule.delay(count.failures).saturating_sub(since));
                }
            }
        }
        if !wait.is_zero() {
            return Err(AppError::RateLimited {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        for (key, _) in keys {
            let count = counts.entry(key).or_insert(Count {
                failures: 0,
                last: now,
            });
            if now.duration_since(count.last) >= WINDOW {
                count.failures = 0;
            }
            count.failures += 1;
            count.last = now;
        }
        Ok(())
    }

    /// The password was right: the account's own counts start again, and the address's
    /// count takes back this attempt (its other attempts stay: one good login says nothing
    /// about them). So the people behind one address (an office, a library, a carrier's
    /// NAT) can sign in as often as they like; only failures add up.
    pub fn succeeded(&self, account: &str, address: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(&pair_key(account, address));
            counts.remove(&format!("account:{account}"));
            if let Some(count) = counts.get_mut(&format!("address:{address}")) {
                count.failures = count.failures.saturating_sub(1);
            }
        }
    }
}

fn pair_key(account: &str, address: &str) -> String {
    format!("pair:{account}\n{address}")
}

/// Requests per key (an address, an account) in fixed one-minute windows: the API's rate
/// limit. Best effort per instance, like the login throttle.
#[derive(Default)]
pub struct RequestLimiter {
    windows: Mutex<HashMap<String, (u32, Instant)>>,
}

const MINUTE: Duration = Duration::from_secs(60);

impl RequestLimiter {
    /// Counts a request under `key`; past `limit` in the current minute it is refused with
    /// the seconds until the window ends. A limit of 0 lets everything through.
    pub fn hit(&self, key: &str, limit: u32) -> Result<(), AppError> {
        if limit == 0 {
            return Ok(());
        }
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if windows.len() > MAX_ENTRIES {
            windows.retain(|_, (_, started)| now.duration_since(*started) < MINUTE);
        }
        let entry = windows.entry(key.to_owned()).or_insert((0, now));
        let elapsed = now.duration_since(entry.1);
        if elapsed >= MINUTE {
            *entry = (0, now);
        }
        if entry.0 >= limit {
            return Err(AppError::RateLimited {
                retry_after_secs: (MINUTE - now.duration_since(entry.1)).as_secs().max(1),
            });
        }
        entry.0 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_past_the_limit_wait_for_the_next_minute() {
        let limiter = RequestLimiter::default();
        for _ in 0..3 {
            assert!(limiter.hit("address:10.0.0.1", 3).is_ok());
        }
        assert!(matches!(
            limiter.hit("address:10.0.0.1", 3),
            Err(AppError::RateLimited { retry_after_secs }) if (1..=60).contains(&retry_after_secs)
        ));
        assert!(limiter.hit("address:10.0.0.2", 3).is_ok());
        assert!(limiter.hit("address:10.0.0.1", 0).is_ok(), "0 is no limit");
    }

    #[test]
    fn attempts_are_counted_before_the_password_is_checked() {
        let throttle = LoginThrottle::default();
        // Thirty at once from one place: the free ones pass, the rest wait.
        let passed = (0..30)
            .filter(|_| throttle.attempt("anna@example.org", "10.0.0.1").is_ok())
            .count();
        assert_eq!(passed, 5);
        assert!(matches!(
            throttle.attempt("anna@example.org", "10.0.0.1"),
            Err(AppError::RateLimited {
                retry_after_secs: 1
            })
        ));
    }

    #[test]
    fn a_strangers_failures_slow_an_account_but_never_lock_it() {
        let throttle = LoginThrottle::default();
        for n in 0..200 {
            let _ = throttle.attempt("anna@example.org", &format!("10.0.{}.{}", n / 250, n % 250));
        }
        // From her own address Anna waits at most a minute, whatever others tried.
        let waited = match throttle.attempt("anna@example.org", "192.0.2.7") {
            Ok(()) => 0,
            Err(AppError::RateLimited { retry_after_secs }) => retry_after_secs,
            Err(other) => panic!("{other:?}"),
        };
        assert!(waited <= 60, "{waited}");
    }

    #[test]
    fn delays_double_up_to_their_cap_and_a_success_clears_them() {
        assert_eq!(PAIR.delay(4), Duration::ZERO);
        assert_eq!(PAIR.delay(5), Duration::from_secs(1));
        assert_eq!(PAIR.delay(8), Duration::from_secs(8));
        assert_eq!(PAIR.delay(40), WINDOW);
        assert_eq!(ACCOUNT.delay(100), Duration::from_secs(60));
        let throttle = LoginThrottle::default();
        for _ in 0..5 {
            assert!(throttle.attempt("bernd@example.org", "10.0.0.2").is_ok());
        }
        throttle.succeeded("bernd@example.org", "10.0.0.2");
        assert!(throttle.attempt("bernd@example.org", "10.0.0.2").is_ok());
    }

    #[test]
    fn people_behind_one_address_sign_in_as_often_as_they_like() {
        let throttle = LoginThrottle::default();
        // A library's public computers: three hundred good sign-ins from one address.
        for n in 0..300 {
            let account = format!("person{n}@example.org");
            assert!(
                throttle.attempt(&account, "203.0.113.9").is_ok(),
                "sign-in {n}"
            );
            throttle.succeeded(&account, "203.0.113.9");
        }
        // Failures from there still add up.
        let refused = (0..80)
            .filter(|n| {
                throttle
                    .attempt(&format!("guess{n}@example.org"), "203.0.113.9")
                    .is_err()
            })
            .count();
        assert!(refused > 0, "fifty free failures per address, then delays");
    }
}
