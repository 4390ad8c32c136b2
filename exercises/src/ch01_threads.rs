//! Chapter 01, exercises: write your answers here.
//! Generated from chapters/01-threads.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use std::thread;
use workbook::Job;

/// Runs every job on a thread of its own, all at once; returns the results in job order.
pub fn run_in_threads(jobs: Vec<Job>) -> Vec<u64> {
    todo!()
}

/// Applies `f` to each input on a scoped thread of its own; results in input order.
pub fn map_in_threads(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    todo!()
}
