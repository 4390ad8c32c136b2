//! Chapter 03, exercises: write your answers here.
//! Generated from chapters/03-futures.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use crossbeam::channel;
use std::thread;
use workbook::Job;

/// Runs every job on a thread of its own, all at once; returns the sum of their results.
pub fn total(jobs: Vec<Job>) -> u64 {
    todo!()
}

/// Starts every job of every batch at once, then gathers the results batch by batch, in job order.
pub fn run_batches(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    todo!()
}

/// Runs every job at once; returns (job index, result) in the order the jobs finish.
pub fn in_completion_order(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    todo!()
}
