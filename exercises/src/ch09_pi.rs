//! Chapter 09, exercises: write your answers here.
//! Generated from chapters/09-pi.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use rayon::prelude::*;

/// `chunks` sizes, differing by at most one, that add up to `throws`.
pub fn split_throws(throws: u64, chunks: u64) -> Vec<u64> {
    assert!(
        chunks >= 1,
        "split_throws: `chunks` must be at least 1, got 0"
    );
    todo!()
}

/// How many chunks the throws are cut into, whatever the thread count.
pub const CHUNKS: u64 = 256;

/// pi from `throws` darts in `CHUNKS` seeded chunks, counted on a pool of `threads` threads.
pub fn pi_chunked(
    throws: u64,
    seed: u64,
    threads: usize,
    count_hits: &(dyn Fn(u64, u64) -> u64 + Sync),
) -> Result<f64, String> {
    todo!()
}
