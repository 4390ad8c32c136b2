//! Helpers for the chapters on sharing (04 to 06): bank accounts behind
//! locks, a lock that gives up instead of waiting forever, a task that fails
//! at random (seeded), and a panic hook that reports panics in one quiet line.

use std::sync::{Mutex, MutexGuard, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A bank account: an id and a balance behind a `Mutex`.
#[derive(Debug)]
pub struct Account {
    /// Unique per account: no two accounts share one.
    pub id: u32,
    /// The money, behind its lock.
    pub balance: Mutex<i64>,
}

impl Account {
    /// A new account.
    ///
    /// ```
    /// let a = workbook::sharing::Account::new(1, 100);
    /// assert_eq!(a.balance(), 100);
    /// ```
    pub fn new(id: u32, balance: i64) -> Account {
        Account {
            id,
            balance: Mutex::new(balance),
        }
    }

    /// The balance now (a poisoned lock still holds a whole number).
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Locks `mutex`, waiting at most `patience`: `None` when it stayed locked
/// that long. `Mutex::lock` waits forever; this is how a demo detects a
/// deadlock without hanging. (A poisoned lock is taken anyway.)
///
/// ```
/// use std::sync::Mutex;
/// use std::time::Duration;
/// use workbook::sharing::lock_within;
/// let m = Mutex::new(1);
/// let held = m.lock().unwrap();
/// assert!(lock_within(&m, Duration::from_millis(20)).is_none());
/// drop(held);
/// assert_eq!(*lock_within(&m, Duration::from_millis(20)).unwrap(), 1);
/// ```
pub fn lock_within<T>(mutex: &Mutex<T>, patience: Duration) -> Option<MutexGuard<'_, T>> {
    let start = Instant::now();
    loop {
        match mutex.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::Poisoned(e)) => return Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => {
                if start.elapsed() >= patience {
                    return None;
                }
                thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

/// A task that fails half the time, the same way on every run: whether task
/// `task` fails, and how long it works first (5 to 40 ms), depend only on
/// `task` and `seed`, not on which thread runs it or when. On success it
/// returns `task * task`; on failure, the message `task N failed`.
/// A task past [`MAX_FLAKY_TASK`] (whose square does not fit a `u64`) fails
/// at once with a message that names `task`.
///
/// ```
/// use workbook::sharing::flaky;
/// let first: Vec<bool> = (0..10).map(|t| flaky(t, 7).is_ok()).collect();
/// let again: Vec<bool> = (0..10).map(|t| flaky(t, 7).is_ok()).collect();
/// assert_eq!(first, again);
/// ```
pub fn flaky(task: u64, seed: u64) -> Result<u64, String> {
    if task > MAX_FLAKY_TASK {
        return Err(format!(
            "flaky: `task` must be at most {MAX_FLAKY_TASK} (2^32 - 1, so that its square fits a u64), got {task}"
        ));
    }
    let (fails, work) = flaky_plan(task, seed);
    thread::sleep(work);
    if fails {
        Err(format!("task {task} failed"))
    } else {
        Ok(task * task)
    }
}

/// The largest task number [`flaky`] accepts.
pub const MAX_FLAKY_TASK: u64 = u32::MAX as u64;

/// Whether [`flaky`] task `task` fails under `seed`, and how long it works.
pub fn flaky_plan(task: u64, seed: u64) -> (bool, Duration) {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(crate::pi::SEED_SPREAD) ^ task);
    let fails = rng.random_bool(0.5);
    let work = Duration::from_millis(rng.random_range(5..=40));
    (fails, work)
}

/// A boxed task that may fail: it runs once on any thread.
pub type Fallible = Box<dyn FnOnce() -> Result<u64, String> + Send + 'static>;

/// Replaces the panic report (`thread 'x' panicked at src/...`, and a note
/// about backtraces) with one line: `[panic on thread x: message]`. The
/// panic itself still happens; only its printout changes. Call it once
/// before code that panics on purpose. It shares the one hook of
/// [`crate::panics`] with the checks, so it may be called before or after them.
pub fn quiet_panics() {
    crate::panics::quiet_lines();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flaky_fails_about_half_the_time_and_always_alike() {
        let fails = (0..200).filter(|&t| flaky_plan(t, 1).0).count();
        assert!((60..140).contains(&fails), "{fails} of 200 failed");
        assert_eq!(flaky_plan(3, 9), flaky_plan(3, 9));
    }

    #[test]
    fn a_task_number_past_2_to_the_32_is_refused_by_name() {
        let err = flaky(1 << 32, 1).unwrap_err();
        assert!(
            err.starts_with("flaky: `task` must be at most 4294967295"),
            "{err}"
        );
        assert!(err.ends_with("got 4294967296"), "{err}");
        // The largest accepted task still works (or fails as planned), without overflow.
        let last = flaky(MAX_FLAKY_TASK, 1);
        assert!(last.is_ok() || last == Err(format!("task {MAX_FLAKY_TASK} failed")));
    }
}
