//! Wrong answers to chapter 04's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

mod common;

use common::{assert_done, assert_wrong};
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
        ch04::count_shared(load_then_store),
        &["heavy contention", "increments were lost", "fetch_add"],
    );
}

#[test]
fn counting_without_threads_is_told_no_thread_was_started() {
    assert_wrong(ch04::count_shared(no_threads), &["no thread was started"]);
}

#[test]
fn a_dropped_remainder_miscounts() {
    assert_wrong(
        ch04::count_shared(drops_the_remainder),
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
    let started = std::time::Instant::now();
    assert_wrong(
        ch04::transfer(from_then_to),
        &[
            "a deadlock",
            "took account 2's lock first",
            "lower id first",
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
}

#[test]
fn releasing_between_withdraw_and_deposit_is_seen_by_the_auditor() {
    assert_wrong(
        ch04::transfer(one_lock_at_a_time),
        &["auditor", "Hold both locks for the whole transfer"],
    );
}

#[test]
fn locking_the_same_account_twice_is_explained() {
    // The first case moves no money, so it is the balance check that speaks.
    let report = ch04::transfer(ordered_but_locks_itself);
    assert_wrong(report, &["one transfer of 30"]);
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
        ch04::transfer(mutex_twice),
        &["an account to itself", "locked the same account twice"],
    );
}

#[test]
fn money_moving_the_wrong_way_is_caught() {
    assert_wrong(ch04::transfer(backwards), &["expected balances 70 and 80"]);
}

// ch04 count_shared: more wrong answers, and right ones written differently

type IsHit<'a> = &'a (dyn Fn(u64) -> bool + Sync);

/// Chunks of `len / threads`: zero, and a panic, with more threads than inputs.
fn chunks_of_len_over_threads(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let count = AtomicU64::new(0);
    thread::scope(|s| {
        for chunk in inputs.chunks(inputs.len() / threads) {
            let count = &count;
            s.spawn(move || {
                let hits = chunk.iter().filter(|&&x| is_hit(x)).count() as u64;
                count.fetch_add(hits, Ordering::SeqCst);
            });
        }
    });
    count.into_inner()
}

/// A thread per input, whatever `threads` says.
fn a_thread_per_input(inputs: &[u64], _threads: usize, is_hit: IsHit) -> u64 {
    let count = AtomicU64::new(0);
    thread::scope(|s| {
        for &x in inputs {
            let count = &count;
            s.spawn(move || {
                if is_hit(x) {
                    count.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    count.into_inner()
}

/// Every thread counts every input.
fn everyone_counts_everything(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let count = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            let count = &count;
            s.spawn(move || {
                for &x in inputs {
                    if is_hit(x) {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    count.into_inner()
}

/// Counts the misses.
fn counts_the_misses(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let count = AtomicU64::new(0);
    let size = inputs.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for chunk in inputs.chunks(size) {
            let count = &count;
            s.spawn(move || {
                for &x in chunk {
                    if !is_hit(x) {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    count.into_inner()
}

/// The calling thread counts the first chunk while the others run.
fn caller_takes_a_chunk(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let count = AtomicU64::new(0);
    let size = inputs.len().div_ceil(threads.max(1)).max(1);
    let mut chunks = inputs.chunks(size);
    let first = chunks.next().unwrap_or(&[]);
    thread::scope(|s| {
        for chunk in chunks {
            let count = &count;
            s.spawn(move || {
                let hits = chunk.iter().filter(|&&x| is_hit(x)).count() as u64;
                count.fetch_add(hits, Ordering::SeqCst);
            });
        }
        let hits = first.iter().filter(|&&x| is_hit(x)).count() as u64;
        count.fetch_add(hits, Ordering::SeqCst);
    });
    count.into_inner()
}

#[test]
fn chunks_of_len_over_threads_fail_with_more_threads_than_inputs() {
    assert_wrong(
        ch04::count_shared(chunks_of_len_over_threads),
        &["it panicked", "chunk size must be non-zero"],
    );
}

#[test]
fn a_thread_per_input_is_not_the_threads_asked_for() {
    assert_wrong(
        ch04::count_shared(a_thread_per_input),
        &["expected 4 new threads"],
    );
}

#[test]
fn every_thread_counting_everything_overcounts() {
    assert_wrong(
        ch04::count_shared(everyone_counts_everything),
        &["expected 5 hits, got 15"],
    );
}

#[test]
fn counting_the_misses_is_caught() {
    assert_wrong(
        ch04::count_shared(counts_the_misses),
        &["one input, one thread", "expected 1 hits, got 0"],
    );
}

#[test]
fn a_chunk_counted_by_the_caller_is_caught() {
    assert_wrong(
        ch04::count_shared(caller_takes_a_chunk),
        &["one of them the calling thread"],
    );
}

#[test]
fn a_mutex_and_per_thread_sums_count_right_too() {
    assert_done(ch04::count_shared(|inputs, threads, is_hit| {
        let count = Mutex::new(0u64);
        let size = inputs.len().div_ceil(threads.max(1)).max(1);
        thread::scope(|s| {
            for chunk in inputs.chunks(size) {
                let count = &count;
                s.spawn(move || {
                    for &x in chunk {
                        if is_hit(x) {
                            *count.lock().unwrap() += 1;
                        }
                    }
                });
            }
        });
        count.into_inner().unwrap()
    }));
    assert_done(ch04::count_shared(|inputs, threads, is_hit| {
        let size = inputs.len().div_ceil(threads.max(1)).max(1);
        thread::scope(|s| {
            let hs: Vec<_> = inputs
                .chunks(size)
                .map(|c| s.spawn(move || c.iter().filter(|&&x| is_hit(x)).count() as u64))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        })
    }));
}

// ch04 transfer: more wrong answers, and a right one written differently

/// Locks the poorer account first: an order that changes as money moves.
fn poorer_first(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let from_first = from.balance() <= to.balance();
    let (mut f, mut t) = if from_first {
        let f = from.balance.lock().unwrap();
        (f, to.balance.lock().unwrap())
    } else {
        let t = to.balance.lock().unwrap();
        (from.balance.lock().unwrap(), t)
    };
    *f -= amount;
    *t += amount;
}

/// Always `to` first, then `from`: just the other inconsistent order.
fn to_then_from(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let mut t = to.balance.lock().unwrap();
    let mut f = from.balance.lock().unwrap();
    *f -= amount;
    *t += amount;
}

/// Refuses to overdraw: transfers that would go below zero vanish silently.
fn refuses_overdrafts(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let (low, high) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let _l = low.balance.lock().unwrap();
    let _h = high.balance.lock().unwrap();
    drop((_l, _h));
    let (mut l, mut h) = (low.balance.lock().unwrap(), high.balance.lock().unwrap());
    let (f, t) = if from.id < to.id {
        (&mut l, &mut h)
    } else {
        (&mut h, &mut l)
    };
    if **f >= amount {
        **f -= amount;
        **t += amount;
    }
}

/// Gives up without a word when `to` is busy: no deadlock, lost transfers.
fn gives_up_when_busy(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let mut f = from.balance.lock().unwrap();
    if let Ok(mut t) = to.balance.try_lock() {
        *f -= amount;
        *t += amount;
    }
}

/// Checks for the same account only after taking the first lock.
fn checks_same_account_too_late(from: &Account, to: &Account, amount: i64) {
    let (low, high) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let _l = low.balance.lock().unwrap();
    if from.id == to.id {
        return;
    }
    let mut h = high.balance.lock().unwrap();
    let _ = (&mut h, amount);
}

#[test]
fn locking_the_poorer_account_first_can_deadlock() {
    assert_wrong(
        ch04::transfer(poorer_first),
        &["while account 2 is held", "without first taking account 1"],
    );
}

#[test]
fn locking_to_then_from_can_deadlock() {
    assert_wrong(ch04::transfer(to_then_from), &["the lower id first"]);
}

#[test]
fn refusing_an_overdraft_loses_transfers() {
    assert_wrong(
        ch04::transfer(refuses_overdrafts),
        &["expected final balances 51000 and -49000"],
    );
}

#[test]
fn giving_up_when_busy_loses_transfers() {
    assert_wrong(
        ch04::transfer(gives_up_when_busy),
        &["expected balances 105 and 95"],
    );
}

#[test]
fn a_same_account_check_after_locking_does_nothing_to_the_money() {
    assert_wrong(
        ch04::transfer(checks_same_account_too_late),
        &["expected balances 70 and 80"],
    );
}

#[test]
fn retrying_with_try_lock_is_right_too() {
    assert_done(ch04::transfer(|from, to, amount| {
        if from.id == to.id {
            return;
        }
        let (low, high) = if from.id < to.id {
            (from, to)
        } else {
            (to, from)
        };
        let mut l = low.balance.lock().unwrap();
        let mut h = loop {
            match high.balance.try_lock() {
                Ok(h) => break h,
                Err(_) => thread::yield_now(),
            }
        };
        if from.id < to.id {
            *l -= amount;
            *h += amount;
        } else {
            *h -= amount;
            *l += amount;
        }
    }));
}
