//! Wrong answers to chapter 11's exercises, fed to the checks: each must be
//! rejected, with a message that says what went wrong; right answers written
//! differently from the reference must pass. Needs the `loom` feature (on
//! whenever `solutions` is built too: `cargo test -p workbook -p solutions`).
#![cfg(feature = "loom")]

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};

use loom::sync::atomic::{AtomicBool, AtomicUsize};

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch11;

// ch11 record_max ---------------------------------------------------------

/// Check, then store: three steps, and a larger value stored in between is
/// overwritten.
fn check_then_store(max: &AtomicUsize, value: usize) {
    if value > max.load(SeqCst) {
        max.store(value, SeqCst);
    }
}

/// One `compare_exchange`, no retry: when another thread got there first,
/// the value is dropped even if it was the larger.
fn compare_exchange_once(max: &AtomicUsize, value: usize) {
    let seen = max.load(Relaxed);
    if value > seen {
        let _ = max.compare_exchange(seen, value, AcqRel, Relaxed);
    }
}

/// Retries, but always with the value it first saw: once another thread
/// has changed the maximum, it can never succeed.
fn retries_a_stale_value(max: &AtomicUsize, value: usize) {
    let seen = max.load(Relaxed);
    if value > seen {
        while max.compare_exchange(seen, value, Relaxed, Relaxed).is_err() {}
    }
}

/// `swap` keeps the latest value, not the largest.
fn swap_in(max: &AtomicUsize, value: usize) {
    max.swap(value, SeqCst);
}

/// The counter of the chapter's demos, applied where it does not fit.
fn adds_up(max: &AtomicUsize, value: usize) {
    max.fetch_add(value, Relaxed);
}

/// Keeps the smallest: the comparison the wrong way round.
fn keeps_the_smaller(max: &AtomicUsize, value: usize) {
    let mut seen = max.load(Relaxed);
    while seen == 0 || value < seen {
        match max.compare_exchange_weak(seen, value, Relaxed, Relaxed) {
            Ok(_) => break,
            Err(now) => seen = now,
        }
    }
}

#[test]
fn checking_then_storing_loses_a_larger_value() {
    assert_wrong(
        || ch11::record_max(check_then_store),
        &[
            "two threads record 3 and 5",
            "ended at 3, expected 5",
            "which your store then overwrites",
            "one indivisible step",
        ],
    );
}

#[test]
fn a_compare_exchange_without_retry_loses_a_value() {
    assert_wrong(
        || ch11::record_max(compare_exchange_once),
        &[
            "two threads record 3 and 5",
            "expected 5",
            "retry `compare_exchange`",
        ],
    );
}

#[test]
fn retrying_a_stale_value_never_ends() {
    assert_wrong(
        // record_max waits for nothing: the advice for spin loops would mislead.
        || no_spin_advice(ch11::record_max(retries_a_stale_value)),
        &["two threads", "never ends", "the value its `Err` returns"],
    );
}

/// Puts its value in, then the larger of the two back: right at the end,
/// but the maximum falls in between.
fn swap_then_restore(max: &AtomicUsize, value: usize) {
    let old = max.swap(value, Relaxed);
    max.fetch_max(old, Relaxed);
}

#[test]
fn a_maximum_that_falls_for_a_moment_is_seen() {
    assert_wrong(
        || ch11::record_max(swap_then_restore),
        &[
            "a third watches",
            "went down for a moment",
            "indivisible step",
        ],
    );
}

#[test]
fn swap_keeps_the_last_value_even_alone() {
    assert_wrong(
        || ch11::record_max(swap_in),
        &[
            "one thread records 3, 5, 4",
            "ended at 4, expected 5",
            "no other thread running",
        ],
    );
}

#[test]
fn adding_the_values_is_a_sum_not_a_maximum() {
    assert_wrong(
        || ch11::record_max(adds_up),
        &[
            "one thread records 3, 5, 4",
            "ended at 12, expected 5",
            "no thread recorded 12 in this run",
            "with nothing added",
        ],
    );
}

#[test]
fn keeping_the_smaller_is_rejected() {
    assert_wrong(
        || ch11::record_max(keeps_the_smaller),
        &[
            "one thread records 3, 5, 4",
            "expected 5",
            "a larger value must raise the maximum",
        ],
    );
}

#[test]
fn todo_reads_as_not_started() {
    assert!(ch11::record_max(|_, _| todo!()).is_not_started());
    assert!(ch11::with_lock(|_, _| todo!()).is_not_started());
}

#[test]
fn other_right_maximums_pass() {
    fn fetch_max_seqcst(max: &AtomicUsize, value: usize) {
        max.fetch_max(value, SeqCst);
    }
    fn compare_exchange_loop(max: &AtomicUsize, value: usize) {
        let mut seen = max.load(Relaxed);
        while seen < value {
            match max.compare_exchange_weak(seen, value, Relaxed, Relaxed) {
                Ok(_) => break,
                Err(now) => seen = now,
            }
        }
    }
    fn fetch_update(max: &AtomicUsize, value: usize) {
        let _ = max.fetch_update(Relaxed, Relaxed, |seen| (value > seen).then_some(value));
    }
    for report in [
        ch11::record_max(fetch_max_seqcst),
        ch11::record_max(compare_exchange_loop),
        ch11::record_max(fetch_update),
    ] {
        // Each case with its count of interleavings.
        assert!(
            report.to_string().contains("one thread records 3, 5, 4 ("),
            "{report}"
        );
        assert!(report.to_string().contains(" interleavings); "), "{report}");
        assert_done(report);
    }
}

fn no_spin_advice(report: workbook::check::Report) -> workbook::check::Report {
    assert!(!report.to_string().contains("spin_loop"), "{report}");
    report
}

mod plausible;
mod with_lock;
