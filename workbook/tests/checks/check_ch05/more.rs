//! More wrong answers to chapter 05's exercises, each a way a learner could
//! half-understand the section, and right answers written differently from
//! the reference, which must keep passing.

#![allow(clippy::needless_range_loop)]

use super::*;

// ch05 fill_shared: more wrong answers, and a right one written differently

/// Ranges of `len.div_ceil(threads)`, as in the reference, filled by `f`.
fn ranges(slots: &[AtomicU64], threads: usize, f: impl Fn(usize, &AtomicU64) + Sync) {
    let size = slots.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in slots.chunks(size).enumerate() {
            let f = &f;
            s.spawn(move || {
                for (o, slot) in chunk.iter().enumerate() {
                    f(k * size + o, slot);
                }
            });
        }
    });
}

/// Adds the value to the slot instead of storing it.
fn adds_instead_of_storing(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    ranges(slots, threads, |i, slot| {
        slot.fetch_add(value_of(i), Ordering::SeqCst);
    });
}

/// Keeps the larger of the old and new value.
fn keeps_the_larger(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    ranges(slots, threads, |i, slot| {
        slot.fetch_max(value_of(i), Ordering::SeqCst);
    });
}

/// A thread per slot, whatever `threads` says.
fn a_thread_per_slot(slots: &[AtomicU64], _threads: usize, value_of: ValueOf) {
    thread::scope(|s| {
        for (i, slot) in slots.iter().enumerate() {
            s.spawn(move || slot.store(value_of(i), Ordering::SeqCst));
        }
    });
}

/// Off by one: slot `i` gets `value_of(i + 1)`.
fn off_by_one_value(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    ranges(slots, threads, |i, slot| {
        slot.store(value_of(i + 1), Ordering::SeqCst)
    });
}

/// Spawns a thread per range but joins it before starting the next.
fn joined_one_by_one(slots: &[AtomicU64], threads: usize, value_of: ValueOf) {
    let size = slots.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in slots.chunks(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter().enumerate() {
                    slot.store(value_of(k * size + o), Ordering::SeqCst);
                }
            })
            .join()
            .unwrap();
        }
    });
}

#[test]
fn adding_to_a_slot_instead_of_storing_is_caught() {
    assert_wrong(
        || ch05::fill_shared(adds_instead_of_storing),
        &[
            "The slots start at 3, not 0",
            "with `store`, do not combine it",
        ],
    );
}

#[test]
fn keeping_the_larger_value_is_caught() {
    assert_wrong(
        || ch05::fill_shared(keeps_the_larger),
        &["slot 0 still holds its starting value 3", "with `store`"],
    );
}

#[test]
fn a_thread_per_slot_is_more_threads_than_asked() {
    assert_wrong(
        || ch05::fill_shared(a_thread_per_slot),
        &["threads wrote slots; at most"],
    );
}

#[test]
fn an_off_by_one_value_is_caught() {
    assert_wrong(
        || ch05::fill_shared(off_by_one_value),
        &[
            "is missing from 1 of 1 slot",
            "slot 0 holds 2, expected value_of(0) = 1",
            "for that same i",
        ],
    );
}

#[test]
fn ranges_joined_one_by_one_ran_sequentially() {
    assert_wrong(
        || ch05::fill_shared(joined_one_by_one),
        &["ran sequentially"],
    );
}

#[test]
fn ranges_by_start_and_end_fill_right_too() {
    assert_done(ch05::fill_shared(|slots, threads, value_of| {
        let (len, t) = (slots.len(), threads.max(1));
        thread::scope(|s| {
            for k in 0..t.min(len) {
                let (start, end) = (k * len / t.min(len), (k + 1) * len / t.min(len));
                s.spawn(move || {
                    for i in start..end {
                        slots[i].store(value_of(i), Ordering::Relaxed);
                    }
                });
            }
        });
    }));
}

// ch05 fill_chunks: more wrong answers, and a right one written differently

/// Adds to each slot instead of setting it.
fn chunks_add(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in out.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot += value_of(k * size + o);
                }
            });
        }
    });
}

/// Offsets by `len / threads` while the chunks are `len.div_ceil(threads)` long.
fn offset_by_the_wrong_size(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    let step = out.len() / threads.max(1);
    thread::scope(|s| {
        for (k, chunk) in out.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(k * step + o);
                }
            });
        }
    });
}

/// Fills a copy and forgets to write it back.
fn fills_a_copy(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let mut copy = out.to_vec();
    let size = copy.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (k, chunk) in copy.chunks_mut(size).enumerate() {
            s.spawn(move || {
                for (o, slot) in chunk.iter_mut().enumerate() {
                    *slot = value_of(k * size + o);
                }
            });
        }
    });
}

/// Chunks of one slot: a thread per slot.
fn chunks_of_one(out: &mut [u64], _threads: usize, value_of: ValueOf) {
    thread::scope(|s| {
        for (i, slot) in out.chunks_mut(1).enumerate() {
            s.spawn(move || slot[0] = value_of(i));
        }
    });
}

/// Chunks filled one after another on the calling thread.
fn chunks_in_a_loop(out: &mut [u64], threads: usize, value_of: ValueOf) {
    let size = out.len().div_ceil(threads.max(1)).max(1);
    for (k, chunk) in out.chunks_mut(size).enumerate() {
        for (o, slot) in chunk.iter_mut().enumerate() {
            *slot = value_of(k * size + o);
        }
    }
}

#[test]
fn adding_to_a_chunk_slot_is_caught() {
    assert_wrong(
        || ch05::fill_chunks(chunks_add),
        &["The slots start at 3, not 0", "with `=`"],
    );
}

#[test]
fn an_offset_from_the_wrong_chunk_size_is_caught() {
    assert_wrong(
        || ch05::fill_chunks(offset_by_the_wrong_size),
        &["ten slots on four threads", "global index"],
    );
}

#[test]
fn a_copy_never_written_back_is_caught() {
    assert_wrong(
        || ch05::fill_chunks(fills_a_copy),
        &[
            "slot 0 still holds its starting value 3",
            "was a copy filled?",
            "with `=`",
        ],
    );
}

#[test]
fn chunks_of_one_slot_are_too_many_threads() {
    assert_wrong(
        || ch05::fill_chunks(chunks_of_one),
        &["threads wrote slots; at most"],
    );
}

#[test]
fn chunks_in_a_loop_start_no_thread() {
    assert_wrong(
        || ch05::fill_chunks(chunks_in_a_loop),
        &["no thread was started"],
    );
}

#[test]
fn split_at_mut_pieces_fill_right_too() {
    assert_done(ch05::fill_chunks(|out, threads, value_of| {
        let size = out.len().div_ceil(threads.max(1)).max(1);
        thread::scope(|s| {
            let mut rest = out;
            let mut start = 0;
            while !rest.is_empty() {
                let (mine, tail) = rest.split_at_mut(size.min(rest.len()));
                let first = start;
                start += mine.len();
                s.spawn(move || {
                    for (o, slot) in mine.iter_mut().enumerate() {
                        *slot = value_of(first + o);
                    }
                });
                rest = tail;
            }
        });
    }));
}
