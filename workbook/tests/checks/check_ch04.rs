//! Wrong answers to chapter 04's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch04;
use workbook::sharing::Account;

// ch04 count_shared ------------------------------------------------------

/// Right shape, but each increment is a load followed by a separate store.
fn load_then_store(inputs: &[u64], threads: usize, is_hit: &(dyn Fn(u64) -> bool + Sync)) -> u64 {
    let hits = AtomicU64::new(0);
    let chunk = inputs.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        for part in inputs.chunks(chunk) {
            let hits = &hits;
            s.spawn(move || {
                for &x in part {
                    if is_hit(x) {
                        let seen = hits.load(Ordering::Relaxed);
                        hits.store(seen + 1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    hits.into_inner()
}

/// Counts correctly, but on the calling thread only.
fn no_threads(inputs: &[u64], _threads: usize, is_hit: &(dyn Fn(u64) -> bool + Sync)) -> u64 {
    inputs.iter().filter(|&&x| is_hit(x)).count() as u64
}

/// Drops the remainder: `len / threads` items per thread.
fn drops_the_remainder(
    inputs: &[u64],
    threads: usize,
    is_hit: &(dyn Fn(u64) -> bool + Sync),
) -> u64 {
    let hits = AtomicU64::new(0);
    let chunk = inputs.len() / threads;
    thread::scope(|s| {
        for t in 0..threads {
            let (hits, part) = (&hits, &inputs[t * chunk..(t + 1) * chunk]);
            s.spawn(move || {
                for &x in part {
                    if is_hit(x) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    hits.into_inner()
}

#[test]
fn a_load_then_a_store_loses_updates_under_contention() {
    assert_wrong(
        || ch04::count_shared(load_then_store),
        &["heavy contention", "increments were lost", "fetch_add"],
    );
}

#[test]
fn counting_without_threads_is_told_no_thread_was_started() {
    assert_wrong(
        || ch04::count_shared(no_threads),
        &["no thread was started"],
    );
}

#[test]
fn a_dropped_remainder_miscounts() {
    assert_wrong(
        || ch04::count_shared(drops_the_remainder),
        &["ten inputs on three threads", "expected 5 hits, got 4"],
    );
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch04::count_shared(|_, _, _| todo!()).is_not_started());
    assert!(ch04::transfer(|_, _, _| todo!()).is_not_started());
}

// ch04 transfer ----------------------------------------------------------

/// Locks `from` then `to`: deadlocks when two transfers go opposite ways.
fn from_then_to(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let mut a = from.balance.lock().unwrap();
    let mut b = to.balance.lock().unwrap();
    *a -= amount;
    *b += amount;
}

/// Never holds both locks: the money is briefly in neither account.
fn one_lock_at_a_time(from: &Account, to: &Account, amount: i64) {
    *from.balance.lock().unwrap() -= amount;
    thread::yield_now();
    *to.balance.lock().unwrap() += amount;
}

/// Orders the locks, but forgets a transfer to the same account.
fn ordered_but_locks_itself(from: &Account, to: &Account, amount: i64) {
    let (low, high) = if from.id <= to.id {
        (from, to)
    } else {
        (to, from)
    };
    let _low = low.balance.lock().unwrap();
    let _high = high.balance.lock().unwrap();
    let _ = amount;
}

/// Ordered and safe, but moves the money the wrong way.
fn backwards(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let (low, high) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut l = low.balance.lock().unwrap();
    let mut h = high.balance.lock().unwrap();
    if from.id < to.id {
        *l += amount;
        *h -= amount;
    } else {
        *h += amount;
        *l -= amount;
    }
}

#[test]
fn opposite_lock_orders_are_reported_as_a_deadlock_not_a_hang() {
    // Each grading, not the test, must end well before the check's limit: in
    // the stress mode the test grades the answer many times.
    let graded_in_time = || {
        let started = std::time::Instant::now();
        let report = ch04::transfer(from_then_to);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the deadlock took {:?} to report",
            started.elapsed()
        );
        report
    };
    assert_wrong(
        graded_in_time,
        &[
            "a deadlock",
            "from 2 to 1 it took account 2 first",
            "lower id first",
        ],
    );
}

#[test]
fn releasing_between_withdraw_and_deposit_is_seen_by_the_auditor() {
    assert_wrong(
        || ch04::transfer(one_lock_at_a_time),
        &["auditor", "Hold both locks for the whole transfer"],
    );
}

#[test]
fn locking_the_same_account_twice_is_explained() {
    // The first case moves no money, so it is the balance check that speaks.
    assert_wrong(
        || ch04::transfer(ordered_but_locks_itself),
        &["one transfer of 30"],
    );
    let mutex_twice = |from: &Account, to: &Account, amount: i64| {
        let _a = from.balance.lock().unwrap();
        let (low, high) = if from.id < to.id {
            (from, to)
        } else {
            (to, from)
        };
        drop(_a);
        let mut l = low.balance.lock().unwrap();
        let mut h = if low.id == high.id {
            // The learner's slip: lock the same Mutex again.
            let again: &Mutex<i64> = &high.balance;
            again.lock().unwrap()
        } else {
            high.balance.lock().unwrap()
        };
        if from.id < to.id {
            *l -= amount;
            *h += amount;
        } else {
            *h -= amount;
            *l += amount;
        }
    };
    assert_wrong(
        || ch04::transfer(mutex_twice),
        &["an account to itself", "locked the same account twice"],
    );
}

#[test]
fn money_moving_the_wrong_way_is_caught() {
    assert_wrong(
        || ch04::transfer(backwards),
        &["expected balances 70 and 80"],
    );
}

#[path = "check_ch04/more.rs"]
mod more;

#[path = "check_ch04/gaming.rs"]
mod gaming;
