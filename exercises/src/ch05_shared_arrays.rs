//! Chapter 05, exercises: write your answers here.
//! Generated from chapters/05-shared-arrays.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// Stores `value_of(i)` into `slots[i]` for every `i`, on `threads` threads with disjoint ranges.
pub fn fill_shared(slots: &[AtomicU64], threads: usize, value_of: &(dyn Fn(usize) -> u64 + Sync)) {
    assert!(
        threads > 0,
        "fill_shared: `threads` must be at least 1, got 0"
    );
    todo!()
}

/// Sets `out[i] = value_of(i)` for every `i`, one scoped thread per `chunks_mut` piece.
pub fn fill_chunks(out: &mut [u64], threads: usize, value_of: &(dyn Fn(usize) -> u64 + Sync)) {
    assert!(
        threads > 0,
        "fill_chunks: `threads` must be at least 1, got 0"
    );
    todo!()
}
