//! Chapter 11, exercises: write your answers here.
//! Generated from chapters/11-loom.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use workbook::model::loom::hint::spin_loop;
use workbook::model::loom::sync::atomic::AtomicBool;
use workbook::model::loom::sync::atomic::AtomicUsize;
use workbook::model::loom::sync::atomic::Ordering;

/// Raises `max` to `value` when `value` is larger; other threads do the same at the same time.
pub fn record_max(max: &AtomicUsize, value: usize) {
    todo!()
}

/// Takes `lock` (waiting while another thread holds it), runs `work` once, and gives it back.
pub fn with_lock(lock: &AtomicBool, work: &dyn Fn()) {
    todo!()
}
