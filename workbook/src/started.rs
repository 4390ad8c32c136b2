//! Running a notebook cell on the learner's own answer, whatever state it is in.
//!
//! A measurement in a student notebook calls an exercise function that may
//! still be `todo!()`. [`if_started`] runs it and tells "not started yet"
//! apart from a real result, so the cell can print one line instead of a
//! panic, and the same cell runs in both notebooks.

use std::panic::{self, AssertUnwindSafe};

use crate::panics::{is_todo, mute, panic_message};

/// Runs `f`; `None` when it met a `todo!()` (an exercise not started yet),
/// `Some(result)` otherwise. Any other panic is a bug in the answer, and
/// goes on with its own message.
///
/// ```
/// fn square(x: u64) -> u64 { x * x }
/// fn not_written(_x: u64) -> u64 { todo!() }
/// assert_eq!(workbook::if_started(|| square(7)), Some(49));
/// assert_eq!(workbook::if_started(|| not_written(7)), None);
/// ```
pub fn if_started<T>(f: impl FnOnce() -> T) -> Option<T> {
    let quiet = mute(); // a todo!() is expected here: no panic report for it
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    drop(quiet);
    match outcome {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = panic_message(&*payload);
            if is_todo(&message) {
                None
            } else {
                // Muted above, so it was never shown: panic again to show it.
                panic!("{message}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_written() -> u64 {
        todo!()
    }

    #[test]
    fn a_result_comes_back() {
        assert_eq!(if_started(|| 6 * 7), Some(42));
    }

    #[test]
    fn a_todo_reads_as_not_started() {
        assert_eq!(if_started(not_written), None);
    }

    #[test]
    fn a_todo_met_inside_a_rayon_task_reads_as_not_started() {
        let got = if_started(|| rayon::join(|| 1, not_written));
        assert_eq!(got, None);
    }

    #[test]
    fn another_panic_goes_on_with_its_message() {
        let payload = panic::catch_unwind(|| {
            let _quiet = mute();
            if_started(|| -> u64 { panic!("index 3 is out of bounds") })
        })
        .unwrap_err();
        assert_eq!(panic_message(&*payload), "index 3 is out of bounds");
    }
}
