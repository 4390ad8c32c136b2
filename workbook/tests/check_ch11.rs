//! Wrong answers to chapter 11's exercises, fed to the checks: each must be
//! rejected, with a message that says what went wrong; right answers written
//! differently from the reference must pass. Needs the `loom` feature (on
//! whenever `solutions` is built too: `cargo test -p workbook -p solutions`).
#![cfg(feature = "loom")]

use std::sync::atomic::Ordering::{self, AcqRel, Acquire, Relaxed, Release, SeqCst};

use loom::sync::atomic::AtomicUsize;
mod common;

use common::assert_wrong;
use workbook::check::ch11;
use workbook::model::Orderings;

// ch11 record_hit ---------------------------------------------------------

/// The lost update: each step atomic, the pair not.
fn load_then_store(hits: &AtomicUsize) {
    let seen = hits.load(SeqCst);
    hits.store(seen + 1, SeqCst);
}

/// One `compare_exchange`, no retry: when another thread got there first,
/// the hit is dropped.
fn compare_exchange_once(hits: &AtomicUsize) {
    let seen = hits.load(Relaxed);
    let _ = hits.compare_exchange(seen, seen + 1, AcqRel, Relaxed);
}

/// Retries, but always with the value it first saw: once another thread
/// has changed the counter, it can never succeed.
fn retries_a_stale_value(hits: &AtomicUsize) {
    let seen = hits.load(Relaxed);
    while hits
        .compare_exchange(seen, seen + 1, Relaxed, Relaxed)
        .is_err()
    {}
}

/// Strong orderings do not make two steps one.
fn load_then_store_seqcst_twice_checked(hits: &AtomicUsize) {
    let seen = hits.load(SeqCst);
    if hits.load(SeqCst) == seen {
        hits.store(seen + 1, SeqCst);
    }
}

/// `swap` replaces the value instead of adding to it.
fn swap_in_one(hits: &AtomicUsize) {
    hits.swap(1, Relaxed);
}

/// Adds two per hit.
fn adds_two(hits: &AtomicUsize) {
    hits.fetch_add(2, Relaxed);
}

/// Forgot to write anything.
fn only_reads(hits: &AtomicUsize) {
    let _ = hits.load(Relaxed);
}

#[test]
fn a_load_then_a_store_loses_hits() {
    assert_wrong(
        ch11::record_hit(load_then_store),
        &[
            "two threads, one hit each",
            "ended at 1, expected 2",
            "fetch_add",
        ],
    );
}

#[test]
fn a_compare_exchange_without_retry_loses_hits() {
    assert_wrong(
        ch11::record_hit(compare_exchange_once),
        &[
            "two threads, one hit each",
            "lost",
            "retry `compare_exchange`",
        ],
    );
}

#[test]
fn retrying_a_stale_value_never_ends() {
    assert_wrong(
        ch11::record_hit(retries_a_stale_value),
        &[
            "two threads, one hit each",
            "never ends",
            "the value its `Err` returns",
        ],
    );
}

#[test]
fn checking_twice_before_storing_still_loses_hits() {
    assert_wrong(
        ch11::record_hit(load_then_store_seqcst_twice_checked),
        &["two threads", "lost", "two steps"],
    );
}

#[test]
fn swap_counts_wrong_even_alone() {
    assert_wrong(
        ch11::record_hit(swap_in_one),
        &[
            "one thread, three hits",
            "ended at 1, expected 3",
            "exactly one",
        ],
    );
}

#[test]
fn adding_two_counts_too_many() {
    assert_wrong(
        ch11::record_hit(adds_two),
        &[
            "one thread, three hits",
            "ended at 6, expected 3",
            "exactly one",
        ],
    );
}

#[test]
fn a_counter_never_written_is_rejected() {
    assert_wrong(ch11::record_hit(only_reads), &["ended at 0, expected 3"]);
}

#[test]
fn todo_reads_as_not_started() {
    assert!(ch11::record_hit(|_| todo!()).is_not_started());
    assert!(ch11::message_orderings(|| todo!()).is_not_started());
}

#[test]
fn other_right_counters_pass() {
    fn fetch_add_seqcst(hits: &AtomicUsize) {
        hits.fetch_add(1, SeqCst);
    }
    fn compare_exchange_loop(hits: &AtomicUsize) {
        let mut seen = hits.load(Relaxed);
        while let Err(now) = hits.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            seen = now;
        }
    }
    fn fetch_update(hits: &AtomicUsize) {
        hits.fetch_update(Relaxed, Relaxed, |v| Some(v + 1))
            .unwrap();
    }
    for report in [
        ch11::record_hit(fetch_add_seqcst),
        ch11::record_hit(compare_exchange_loop),
        ch11::record_hit(fetch_update),
    ] {
        assert!(report.is_done(), "{report}");
        assert!(
            report.to_string().contains("Interleavings loom explored"),
            "{report}"
        );
    }
}

// ch11 message_orderings --------------------------------------------------

fn orderings(
    write_data: Ordering,
    raise_flag: Ordering,
    read_flag: Ordering,
    read_data: Ordering,
) -> impl Fn() -> Orderings + Send + 'static {
    move || Orderings {
        write_data,
        raise_flag,
        read_flag,
        read_data,
    }
}

#[test]
fn relaxed_everywhere_lets_the_reader_see_the_flag_without_the_value() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, Relaxed, Relaxed, Relaxed)),
        &[
            "saw the flag raised but read data = 0",
            "Relaxed everywhere",
            "the flag without the value",
            "ARM",
        ],
    );
}

#[test]
fn a_release_store_read_relaxed_is_not_enough() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, Release, Relaxed, Relaxed)),
        &["read data = 0", "Relaxed load", "Make it Acquire"],
    );
}

#[test]
fn an_acquire_load_of_a_relaxed_flag_is_not_enough() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, Relaxed, Acquire, Relaxed)),
        &["read data = 0", "Relaxed store", "Make it Release"],
    );
}

#[test]
fn ordering_the_data_instead_of_the_flag_is_not_enough() {
    assert_wrong(
        ch11::message_orderings(orderings(Release, Relaxed, Relaxed, Acquire)),
        &["read data = 0", "the reader decides by the flag"],
    );
}

#[test]
fn a_seqcst_store_read_relaxed_is_not_enough() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, SeqCst, Relaxed, Relaxed)),
        &["read data = 0", "Make it Acquire"],
    );
}

#[test]
fn an_acquire_store_does_not_exist() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, Acquire, Acquire, Relaxed)),
        &["`raise_flag` is a store", "cannot be Acquire"],
    );
}

#[test]
fn a_release_load_does_not_exist() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, Release, Release, Relaxed)),
        &["`read_flag` is a load", "cannot be Release"],
    );
}

#[test]
fn acqrel_on_a_plain_store_does_not_exist() {
    assert_wrong(
        ch11::message_orderings(orderings(Relaxed, AcqRel, Acquire, Relaxed)),
        &["`raise_flag` is a store", "cannot be AcqRel"],
    );
}

#[test]
fn the_weakest_right_answer_passes_without_remarks() {
    let report = ch11::message_orderings(orderings(Relaxed, Release, Acquire, Relaxed));
    assert!(report.is_done(), "{report}");
    assert!(
        report.to_string().contains("the weakest that works"),
        "{report}"
    );
}

#[test]
fn seqcst_passes_but_is_called_stronger_than_needed() {
    let report = ch11::message_orderings(orderings(SeqCst, SeqCst, SeqCst, SeqCst));
    assert!(report.is_done(), "{report}");
    let text = report.to_string();
    assert!(
        text.contains("SeqCst on the flag is stronger than needed"),
        "{text}"
    );
    assert!(text.contains("Relaxed is enough there"), "{text}");
    let report = ch11::message_orderings(orderings(Relaxed, SeqCst, Acquire, Relaxed));
    assert!(report.is_done(), "{report}");
    assert!(
        report.to_string().contains("stronger than needed"),
        "{report}"
    );
}

#[test]
fn ordering_the_data_as_well_passes_with_a_remark() {
    let report = ch11::message_orderings(orderings(Release, Release, Acquire, Acquire));
    assert!(report.is_done(), "{report}");
    assert!(
        report.to_string().contains("Relaxed is enough there"),
        "{report}"
    );
}
