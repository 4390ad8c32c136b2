//! Wrong answers to chapter 05's exercises that aim at what the check looks
//! at (the thread counts it watches, the sizes it uses), and right answers
//! written differently, which must keep passing.

#![allow(clippy::needless_range_loop)]

use super::*;
use rayon::prelude::*;

/// Ranges of `len.div_ceil(threads)`, a scoped thread each.
fn in_ranges(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in slots.chunks(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter().enumerate() {
                    slot.store(value_of(k * size + o), Ordering::SeqCst);
                }
            });
        }
    });
}

/// `chunks_mut` pieces of `len.div_ceil(threads)`, a scoped thread each.
fn in_chunks(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in out.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(k * size + o);
                }
            });
        }
    });
}

// ch05 fill_shared -------------------------------------------------------

/// Starts threads only when asked for four, the count the check used to watch.
fn shared_threads_only_for_four(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    if threads == 4 {
        return in_ranges(slots, threads, value_of);
    }
    for (i, slot) in slots.iter().enumerate() {
        slot.store(value_of(i), Ordering::SeqCst);
    }
}

/// No more threads than cores, whatever `threads` says.
fn shared_one_thread_per_core(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    in_ranges(slots, threads.min(workbook::cpus().available), value_of);
}

/// rayon's global pool, whatever `threads` says (rayon runs a slot it does
/// not split on the calling thread).
fn shared_global_pool(slots: &[AtomicU64], _threads: usize, value_of: ValueOf) {
    slots
        .par_iter()
        .enumerate()
        .for_each(|(i, slot)| slot.store(value_of(i), Ordering::SeqCst));
}

/// Forgets to clamp the last range's end: slicing past the end panics.
fn unclamped_end(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        for start in (0..slots.len()).step_by(size) {
            let mine = &slots[start..start + size];
            s.spawn(move || {
                for (o, slot) in mine.iter().enumerate() {
                    slot.store(value_of(start + o), Ordering::SeqCst);
                }
            });
        }
    });
}

/// Stores only into slots that still hold 0, as if the array started empty.
fn only_into_zero_slots(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in slots.chunks(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter().enumerate() {
                    let v = value_of(k * size + o);
                    let _ = slot.compare_exchange(0, v, Ordering::SeqCst, Ordering::SeqCst);
                }
            });
        }
    });
}

#[test]
fn fill_shared_threads_started_only_for_the_watched_count_are_caught() {
    assert_wrong(
        || ch05::fill_shared(shared_threads_only_for_four),
        &["one slot, one thread", "no thread was started"],
    );
}

#[test]
fn fill_shared_one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch05::fill_shared(shared_one_thread_per_core),
        &["threads at once", "new threads, all started"],
    );
}

#[test]
fn fill_shared_on_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch05::fill_shared(shared_global_pool),
        &["one slot, one thread", "no thread was started"],
    );
}

#[test]
fn an_unclamped_last_range_panics_and_is_reported() {
    assert_wrong(
        || ch05::fill_shared(unclamped_end),
        &["it panicked", "out of range"],
    );
}

#[test]
fn storing_only_into_empty_slots_is_caught() {
    assert_wrong(
        || ch05::fill_shared(only_into_zero_slots),
        &[
            "slot 0 still holds its starting value 3 (not 0)",
            "combined",
        ],
    );
}

#[test]
fn slots_taken_in_turn_are_right_too() {
    // Thread t writes every `threads`-th slot from t: another decomposition.
    assert_done(ch05::fill_shared(|slots, threads, value_of| {
        let threads = threads.max(1).min(slots.len());
        thread::scope(|s| {
            for t in 0..threads {
                s.spawn(move || {
                    for i in (t..slots.len()).step_by(threads) {
                        slots[i].store(value_of(i), Ordering::Relaxed);
                    }
                });
            }
        });
    }));
}

// ch05 fill_chunks -------------------------------------------------------

/// Starts threads only when asked for four, the count the check used to watch.
fn chunks_threads_only_for_four(out: &mut [u64], threads: usize, value_of: ValueOf) {
    if threads == 4 {
        return in_chunks(out, threads, value_of);
    }
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = value_of(i);
    }
}

/// No more threads than cores, whatever `threads` says.
fn chunks_one_thread_per_core(out: &mut [u64], threads: usize, value_of: ValueOf) {
    in_chunks(out, threads.min(workbook::cpus().available), value_of);
}

/// rayon's `par_chunks_mut` on the global pool, whatever `threads` says.
fn chunks_global_pool(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    out.par_chunks_mut(size).enumerate().for_each(|(k, chunk)| {
        for (o, slot) in chunk.iter_mut().enumerate() {
            *slot = value_of(k * size + o);
        }
    });
}

/// `chunks_exact_mut`: a last chunk shorter than the others is never written.
fn exact_chunks(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in out.chunks_exact_mut(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(k * size + o);
                }
            });
        }
    });
}

/// Always two halves, whatever `threads` says.
fn two_halves(out: &mut [u64], _threads: usize, value_of: ValueOf) {
    let half = out.len() / 2;
    let (left, right) = out.split_at_mut(half);
    thread::scope(|s| {
        s.spawn(move || {
            for (o, slot) in left.iter_mut().enumerate() {
                *slot = value_of(o);
            }
        });
        s.spawn(move || {
            for (o, slot) in right.iter_mut().enumerate() {
                *slot = value_of(half + o);
            }
        });
    });
}

#[test]
fn fill_chunks_threads_started_only_for_the_watched_count_are_caught() {
    assert_wrong(
        || ch05::fill_chunks(chunks_threads_only_for_four),
        &["one slot, one thread", "no thread was started"],
    );
}

#[test]
fn fill_chunks_one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch05::fill_chunks(chunks_one_thread_per_core),
        &["threads at once", "new threads, all started"],
    );
}

#[test]
fn fill_chunks_on_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch05::fill_chunks(chunks_global_pool),
        &["one slot, one thread", "no thread was started"],
    );
}

#[test]
fn exact_chunks_leave_the_remainder_unwritten() {
    assert_wrong(
        || ch05::fill_chunks(exact_chunks),
        &["ten slots on four threads", "is missing from"],
    );
}

#[test]
fn two_halves_whatever_the_thread_count_are_caught() {
    assert_wrong(
        || ch05::fill_chunks(two_halves),
        &[
            "threads at once",
            "ran on 2 threads, at most 2 at the same time",
        ],
    );
}

#[test]
fn chunks_on_a_pool_of_the_asked_size_are_right_too() {
    assert_done(ch05::fill_chunks(|out, threads, value_of| {
        let size = out.len().div_ceil(threads.max(1)).max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .unwrap();
        pool.install(|| {
            out.par_chunks_mut(size).enumerate().for_each(|(k, chunk)| {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(k * size + o);
                }
            });
        });
    }));
}
