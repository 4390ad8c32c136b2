//! Chapter 02, exercises: write your answers here.
//! Generated from chapters/02-thread-pools.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use rayon::ThreadPoolBuilder;
use rayon::prelude::*;

/// Applies `f` to every input on a new pool of `threads` threads; results in input order.
pub fn map_on_pool(threads: usize, inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    todo!()
}

/// Calls `work` once per batch of `batch` inputs, batches in parallel; results in input order.
pub fn map_in_batches(
    inputs: &[u64],
    batch: usize,
    work: &(dyn Fn(&[u64]) -> Vec<u64> + Sync),
) -> Vec<u64> {
    todo!()
}

/// `f(xs[i], ys[i])` for every i, in parallel; panics when the lengths differ.
pub fn apply_pairs(xs: &[u64], ys: &[u64], f: &(dyn Fn(u64, u64) -> u64 + Sync)) -> Vec<u64> {
    todo!()
}
