//! Chapter 06, exercises: write your answers here.
//! Generated from chapters/06-errors.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use rayon::prelude::*;
use std::thread;
use workbook::panics::panic_message;
use workbook::sharing::Fallible;

/// Runs every job at once; returns (job index, outcome) for every job, failures and panics included.
pub fn report_every(jobs: Vec<Fallible>) -> Vec<(usize, Result<u64, String>)> {
    todo!()
}

/// Applies `task` to every input in parallel: every result in order, or one error naming its input.
pub fn all_or_first_error(
    inputs: &[u64],
    task: &(dyn Fn(u64) -> Result<u64, String> + Sync),
) -> Result<Vec<u64>, String> {
    todo!()
}
