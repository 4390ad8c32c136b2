//! Chapter 04, exercises: write your answers here.
//! Generated from chapters/04-locks.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use workbook::sharing::Account;

/// Counts the inputs for which `is_hit` is true, on `threads` scoped threads sharing one atomic counter.
pub fn count_shared(inputs: &[u64], threads: usize, is_hit: &(dyn Fn(u64) -> bool + Sync)) -> u64 {
    assert!(
        threads > 0,
        "count_shared: `threads` must be at least 1, got 0"
    );
    todo!()
}

/// Moves `amount` from `from` to `to`, holding both accounts' locks at once.
pub fn transfer(from: &Account, to: &Account, amount: i64) {
    todo!()
}
