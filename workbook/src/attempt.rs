//! Running a learner's exercise function from a demo cell: while it is still
//! `todo!()`, the cell prints one line instead of failing.

use std::panic::{self, AssertUnwindSafe};

use crate::panics;

/// Calls `f` and returns its value, or `None` when it panicked with
/// `todo!()`: the exercise it calls is not started yet. Any other panic goes
/// on as a panic with the same message.
///
/// ```
/// fn not_started(_n: u64) -> u64 { todo!() }
/// fn started(n: u64) -> u64 { n * 2 }
/// assert_eq!(workbook::attempt(|| started(21)), Some(42));
/// assert_eq!(workbook::attempt(|| not_started(21)), None);
/// let other = std::panic::catch_unwind(|| workbook::attempt(|| -> u64 { panic!("wrong") }));
/// assert!(other.is_err(), "a panic other than todo!() is not hidden");
/// ```
pub fn attempt<T>(f: impl FnOnce() -> T) -> Option<T> {
    let quiet = panics::mute();
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    drop(quiet);
    match outcome {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = panics::panic_message(&*payload);
            // Panic again rather than resume: the muted first panic printed
            // nothing, and the learner needs its message.
            if panics::is_todo(&message) {
                None
            } else {
                panic!("{message}")
            }
        }
    }
}
