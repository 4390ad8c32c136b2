//! Wrong answers to chapter 05's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

// The wrong answers index by hand, as a learner might.
#![allow(clippy::needless_range_loop)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch05;

type ValueOf<'a> = &'a (dyn Fn(usize) -> u64 + Sync);

// ch05 fill_shared -------------------------------------------------------

/// Each range runs one slot too far (`..=end`): neighbours overlap.
fn overlapping_ranges(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        for start in (0..slots.len()).step_by(size) {
            let end = (start + size).min(slots.len() - 1);
            s.spawn(move || {
                for i in start..=end {
                    slots[i].store(value_of(i), Ordering::Relaxed);
                }
            });
        }
    });
}

/// Every thread writes every slot: right values, written `threads` times.
fn everyone_writes_everything(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(move || {
                for (i, slot) in slots.iter().enumerate() {
                    slot.store(value_of(i), Ordering::Relaxed);
                }
            });
        }
    });
}

/// `len / threads` per thread: the remainder is never written.
fn forgets_the_remainder(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len() / threads;
    thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for i in t * size..(t + 1) * size {
                    slots[i].store(value_of(i), Ordering::Relaxed);
                }
            });
        }
    });
}

/// Correct slots, on the calling thread.
fn no_threads(slots: &[AtomicU64], _threads: usize, value_of: ValueOf) {
    for (i, slot) in slots.iter().enumerate() {
        slot.store(value_of(i), Ordering::Relaxed);
    }
}

#[test]
fn overlapping_ranges_are_caught_by_counting_writes() {
    assert_wrong(
        || ch05::fill_shared(overlapping_ranges),
        &["was asked for 2 times", "exactly one thread's part"],
    );
}

#[test]
fn every_thread_writing_every_slot_is_caught_though_the_values_are_right() {
    assert_wrong(
        || ch05::fill_shared(everyone_writes_everything),
        &["value_of(0) was asked for", "is asked for once"],
    );
}

#[test]
fn a_forgotten_remainder_leaves_slots_unwritten() {
    assert_wrong(
        || ch05::fill_shared(forgets_the_remainder),
        &[
            "ten slots on four threads",
            "2 of 10 slots",
            "8, 9",
            "remainder",
        ],
    );
}

#[test]
fn a_loop_without_threads_is_told_so() {
    assert_wrong(|| ch05::fill_shared(no_threads), &["no thread was started"]);
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch05::fill_shared(|_, _, _| todo!()).is_not_started());
    assert!(ch05::fill_chunks(|_, _, _| todo!()).is_not_started());
}

// ch05 fill_chunks -------------------------------------------------------

/// Uses the chunk-local position instead of the global index.
fn local_index(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        for chunk in out.chunks_mut(size) {
            s.spawn(move || {
                for (offset, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(offset);
                }
            });
        }
    });
}

/// Forgets `.max(1)`: `chunks_mut(0)` panics on an empty array.
fn zero_chunk_size(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads);
    thread::scope(|s| {
        for (piece, chunk) in out.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (offset, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(piece * size + offset);
                }
            });
        }
    });
}

/// Chunks of `len / threads` (at least 1): too many chunks, one thread each.
fn too_many_threads(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = (out.len() / threads).max(1);
    thread::scope(|s| {
        for (piece, chunk) in out.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (offset, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(piece * size + offset);
                }
            });
        }
    });
}

#[test]
fn a_chunk_local_index_writes_wrong_values() {
    assert_wrong(
        || ch05::fill_chunks(local_index),
        &[
            "ten slots on four threads",
            "is missing from 7 of 10 slots",
            "slot 3 holds 1, expected value_of(3) = 10",
            "chunk size, plus the position",
        ],
    );
}

#[test]
fn a_zero_chunk_size_panics_and_is_reported() {
    assert_wrong(
        || ch05::fill_chunks(zero_chunk_size),
        &["it panicked", "chunk size must be non-zero"],
    );
}

#[test]
fn more_chunks_than_threads_is_reported() {
    assert_wrong(
        || ch05::fill_chunks(too_many_threads),
        &["5 threads wrote slots; at most 4 were asked for"],
    );
}

#[path = "check_ch05/more.rs"]
mod more;

#[path = "check_ch05/gaming.rs"]
mod gaming;
