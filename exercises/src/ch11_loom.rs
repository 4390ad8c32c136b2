//! Chapter 11, exercises: write your answers here.
//! Generated from chapters/11-loom.md; `cargo xtask gen` keeps your answers here, `cargo xtask reset NAME` restores one stub.
#![allow(unused_imports, unused_variables)]

use workbook::model::Orderings;
use workbook::model::loom::sync::atomic::AtomicUsize;
use workbook::model::loom::sync::atomic::Ordering;

/// Adds one hit to `hits`, a counter that other threads update at the same time.
pub fn record_hit(hits: &AtomicUsize) {
    todo!()
}

/// The orderings of the flag-and-data message: the weakest that loom accepts.
pub fn message_orderings() -> Orderings {
    todo!()
}
