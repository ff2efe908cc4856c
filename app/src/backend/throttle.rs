//! Slows down password guessing: after repeated failed logins for one account or from one
//! address, further attempts are refused for a while. Best effort per instance, as the
//! architecture allows: the state lives in memory and is lost on restart.

use crate::error::AppError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures per account within the window before it is paused.
pub const ACCOUNT_LIMIT: u32 = 5;
/// Failures per client address within the window (several people may share one).
pub const ADDRESS_LIMIT: u32 = 20;
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Refuses the attempt if the account or the address has failed too often lately.
    pub fn check(&self, account: &str, address: &str) -> Result<(), AppError> {
        let Ok(windows) = self.windows.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        for (key, limit) in [
            (account_key(account), ACCOUNT_LIMIT),
            (address_key(address), ADDRESS_LIMIT),
        ] {
            if let Some((failures, started)) = windows.get(&key) {
                let elapsed = now.duration_since(*started);
                if *failures >= limit && elapsed < WINDOW {
                    return Err(AppError::RateLimited {
                        retry_after_secs: (WINDOW - elapsed).as_secs().max(1),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, account: &str, address: &str) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        let now = Instant::now();
        if windows.len() > MAX_ENTRIES {
            windows.retain(|_, (_, started)| now.duration_since(*started) < WINDOW);
        }
        for key in [account_key(account), address_key(address)] {
            let entry = windows.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= WINDOW {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful login forgets the account's failures (not the address's).
    pub fn succeeded(&self, account: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(&account_key(account));
        }
    }
}

fn account_key(account: &str) -> String {
    format!("account:{account}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
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
    fn an_account_is_paused_after_repeated_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..ACCOUNT_LIMIT {
            assert!(throttle.check("anna@example.org", "10.0.0.1").is_ok());
            throttle.failed("anna@example.org", "10.0.0.1");
        }
        let refused = throttle.check("anna@example.org", "10.0.0.2");
        assert!(
            matches!(refused, Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs > 800)
        );
        // Another account from the same address is still fine.
        assert!(throttle.check("bernd@example.org", "10.0.0.1").is_ok());
    }

    #[test]
    fn an_address_is_paused_after_failures_across_accounts() {
        let throttle = LoginThrottle::default();
        for n in 0..ADDRESS_LIMIT {
            throttle.failed(&format!("user{n}@example.org"), "10.0.0.9");
        }
        assert!(throttle.check("new@example.org", "10.0.0.9").is_err());
        assert!(throttle.check("new@example.org", "10.0.0.10").is_ok());
    }
}
