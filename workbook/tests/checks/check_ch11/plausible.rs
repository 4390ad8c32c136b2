//! A third round of wrong answers to chapter 11's exercises, as a learner
//! could half-understand the section or game a check, each caught in every
//! run; and right answers written differently again.

use super::*;

// ch11 record_max ----------------------------------------------------------

/// Retries with the value its `Err` returns, but never compares again: once
/// a larger value is there, the retry stores the smaller one over it.
fn retries_without_comparing(max: &AtomicUsize, value: usize) {
    let mut seen = max.load(Relaxed);
    if value > seen {
        while let Err(now) = max.compare_exchange(seen, value, AcqRel, Relaxed) {
            seen = now;
        }
    }
}

/// Adds what is missing to reach the value: two adds in a race reach beyond it.
fn adds_the_difference(max: &AtomicUsize, value: usize) {
    let seen = max.load(SeqCst);
    if value > seen {
        max.fetch_add(value - seen, SeqCst);
    }
}

/// Stores until the load says it stuck: the last smaller store wins all the same.
fn stores_until_it_sticks(max: &AtomicUsize, value: usize) {
    while max.load(SeqCst) < value {
        max.store(value, SeqCst);
    }
}

/// `fetch_max`, then a store of what it saw, "to be sure": the store is stale.
fn fetch_max_then_store(max: &AtomicUsize, value: usize) {
    let before = max.fetch_max(value, SeqCst);
    max.store(before.max(value), SeqCst);
}

/// Keeps its own maximum in a static of its own, and copies it over: the
/// static outlives the run, so a later run inherits an earlier run's maximum.
fn keeps_its_own_static(max: &AtomicUsize, value: usize) {
    static SEEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    SEEN.fetch_max(value, SeqCst);
    max.store(SEEN.load(SeqCst), SeqCst);
}

#[test]
fn a_maximum_kept_in_a_static_is_caught() {
    assert_wrong(
        || ch11::record_max(keeps_its_own_static),
        &[
            "three threads record 1, 2 and 3",
            "no thread recorded",
            "in this run",
            "kept from elsewhere",
        ],
    );
}

#[test]
fn retrying_without_comparing_again_is_caught() {
    assert_wrong(
        || ch11::record_max(retries_without_comparing),
        &["two threads record 3 and 5", "ended at 3, expected 5"],
    );
}

#[test]
fn adding_the_difference_is_caught() {
    assert_wrong(
        || ch11::record_max(adds_the_difference),
        &[
            "two threads record 3 and 5",
            "ended at 8, expected 5",
            "with nothing added",
        ],
    );
}

#[test]
fn storing_until_it_sticks_is_caught() {
    assert_wrong(
        || ch11::record_max(stores_until_it_sticks),
        &["a larger value was lost", "indivisible step"],
    );
}

#[test]
fn a_stale_store_after_fetch_max_is_caught() {
    assert_wrong(
        || ch11::record_max(fetch_max_then_store),
        &["a larger value was lost"],
    );
}

#[test]
fn a_maximum_written_differently_again_passes() {
    // Always writes, the larger of the two: one indivisible read-modify-write.
    let always_writes = |max: &AtomicUsize, value: usize| {
        let _ = max.fetch_update(AcqRel, Acquire, |seen| Some(seen.max(value)));
    };
    assert_done(ch11::record_max(always_writes));
}

// ch11 with_lock -----------------------------------------------------------

/// Tries the lock once, and skips `work` when someone else holds it.
fn skips_work_when_busy(lock: &AtomicBool, work: &dyn Fn()) {
    if lock.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
        work();
        lock.store(false, Release);
    }
}

/// Gives the lock back as soon as it has it, then runs `work`.
fn gives_back_too_early(lock: &AtomicBool, work: &dyn Fn()) {
    while lock
        .compare_exchange(false, true, Acquire, Relaxed)
        .is_err()
    {
        loom::hint::spin_loop();
    }
    lock.store(false, Release);
    work();
}

/// Takes `true` for free: waits for a `true` that never comes.
fn true_means_free(lock: &AtomicBool, work: &dyn Fn()) {
    while lock
        .compare_exchange(true, false, Acquire, Relaxed)
        .is_err()
    {
        loom::hint::spin_loop();
    }
    work();
    lock.store(true, Release);
}

/// Does not wait: when the lock is taken, runs `work` beside its holder.
fn runs_beside_the_holder(lock: &AtomicBool, work: &dyn Fn()) {
    if lock.load(Acquire) {
        work();
        return;
    }
    while lock
        .compare_exchange(false, true, Acquire, Relaxed)
        .is_err()
    {
        loom::hint::spin_loop();
    }
    work();
    lock.store(false, Release);
}

/// Runs `work` first, then takes the lock and gives it back: the lock guards nothing.
fn locks_after_work(lock: &AtomicBool, work: &dyn Fn()) {
    work();
    while lock
        .compare_exchange(false, true, Acquire, Relaxed)
        .is_err()
    {
        loom::hint::spin_loop();
    }
    lock.store(false, Release);
}

#[test]
fn taking_the_lock_after_work_is_caught() {
    assert_wrong(
        || ch11::with_lock(locks_after_work),
        &[
            "ended at 1, expected 2",
            "missed the previous holder's write",
            "Run `work` only while holding the lock (after taking it, before giving it back)",
        ],
    );
}

#[test]
fn skipping_work_when_the_lock_is_busy_is_caught() {
    assert_wrong(
        || ch11::with_lock(skips_work_when_busy),
        &["two threads take the lock once each", "ran `work` 0 times"],
    );
}

#[test]
fn giving_the_lock_back_before_work_is_caught() {
    assert_wrong(
        || ch11::with_lock(gives_back_too_early),
        &[
            "ended at 1, expected 2",
            "Run `work` only while holding the lock (after taking it, before giving it back)",
        ],
    );
}

#[test]
fn a_lock_that_takes_true_for_free_is_caught() {
    assert_wrong(
        || ch11::with_lock(true_means_free),
        &[
            "one thread takes the lock twice",
            "never ends",
            "The lock starts free, holding false",
        ],
    );
    // The advice to spin comes once, not also in loom's general words.
    let text = ch11::with_lock(true_means_free).to_string();
    assert!(!text.contains("yield_now"), "{text}");
}

#[test]
fn running_beside_the_holder_is_caught() {
    assert_wrong(
        || ch11::with_lock(runs_beside_the_holder),
        &[
            "ended at 1, expected 2",
            "Run `work` only while holding the lock",
        ],
    );
}

#[test]
fn a_lock_given_back_by_compare_exchange_passes() {
    // Given back with a compare_exchange from true to false, Release.
    let handed_back = |lock: &AtomicBool, work: &dyn Fn()| {
        while lock
            .compare_exchange_weak(false, true, Acquire, Relaxed)
            .is_err()
        {
            loom::hint::spin_loop();
        }
        work();
        let given_back = lock.compare_exchange(true, false, Release, Relaxed);
        assert!(given_back.is_ok(), "the lock was not held");
    };
    assert_done(ch11::with_lock(handed_back));
}
