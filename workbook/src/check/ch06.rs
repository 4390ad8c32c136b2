//! Checks for chapter 06, errors and panics.

use std::thread;
use std::time::Duration;

mod reporting;

use super::{Expect, Probe, Report, Wrong, expect_parallel};

pub use super::declared::ch06::*;
pub use reporting::report_every;

/// The error the tasks of `all_or_first_error`'s check return: it does not name the input.
const REFUSED: &str = "refused";

/// The error `all_or_first_error` should return when input `x` fails.
fn named(x: u64) -> String {
    format!("input {x}: {REFUSED}")
}

const PAR_ITER: &str = "Use rayon's `par_iter()` instead of `iter()`.";

/// Every case, not only the one a probe watches, must run its tasks on
/// rayon's threads: an answer may go parallel for some inputs only. (rayon
/// runs work handed over from outside its pool on the pool's threads only.)
fn not_on_the_caller(case: &str, watch: &Probe) -> Result<(), Wrong> {
    if watch.threads() != [thread::current().id()] {
        return Ok(());
    }
    Err(Wrong::in_case(
        case,
        format!(
            "it ran sequentially: every task ran on the calling thread, one after another. \
             {PAR_ITER}"
        ),
    ))
}

/// Checks `all_or_first_error(inputs: &[u64], task: &(dyn Fn(u64) -> Result<u64, String> + Sync)) -> Result<Vec<u64>, String>`.
pub fn all_or_first_error(
    answer: impl Fn(&[u64], &(dyn Fn(u64) -> Result<u64, String> + Sync)) -> Result<Vec<u64>, String>
    + Send
    + 'static,
) -> Report {
    ALL_OR_FIRST_ERROR.grade(move || {
        // The task's own error does not name its input: the answer has to.
        let fails_on = |bad: &'static [u64]| {
            move |x: u64| {
                if bad.contains(&x) {
                    Err(REFUSED.to_string())
                } else {
                    Ok(x * 10)
                }
            }
        };
        let got = answer(&[], &fails_on(&[]));
        if got != Ok(vec![]) {
            return Err(Wrong::in_case("no inputs", format!("expected Ok([]), got {got:?}.")));
        }
        // Falling inputs, the first ones finishing last: results gathered as
        // they finish, sorted or not, come back out of order.
        let falling: Vec<u64> = (1..=8).rev().collect();
        let want: Vec<u64> = falling.iter().map(|x| x * 10).collect();
        let slow_first = |x: u64| {
            thread::sleep(Duration::from_millis(3 * x));
            Ok(x * 10)
        };
        let watch = Probe::with_patience(1, Duration::ZERO);
        let got = answer(&falling, &|x| watch.task(|| slow_first(x)));
        if got.as_ref() != Ok(&want) {
            return Err(Wrong::in_case(
                "eight inputs, 8 down to 1, none failing",
                format!(
                    "expected Ok({want:?}), got {got:?}. With no failure, every result comes \
                     back, in input order."
                ),
            ));
        }
        not_on_the_caller("eight inputs, 8 down to 1, none failing", &watch)?;
        let inputs: Vec<u64> = (1..=8).collect();
        let case = "eight inputs, input 5 failing";
        let want = named(5);
        let watch = Probe::with_patience(1, Duration::ZERO);
        let fails_on_5 = fails_on(&[5]);
        match answer(&inputs, &|x| watch.task(|| fails_on_5(x))) {
            Err(e) if e == want => {}
            Ok(v) => {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected Err({want:?}), got Ok({v:?}): the failure was dropped \
                         silently. Collect into a Result so that one error makes the whole answer an error."
                    ),
                ));
            }
            Err(e) if e == REFUSED => {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected Err({want:?}), got Err({e:?}): the task's error alone does not say \
                         which input failed. Put the input in front of it, as in {want:?}."
                    ),
                ));
            }
            Err(e) => {
                return Err(Wrong::in_case(
                    case,
                    format!("expected Err({want:?}), got Err({e:?})."),
                ));
            }
        }
        not_on_the_caller(case, &watch)?;
        let case = "eight inputs, inputs 2 and 7 failing";
        let watch = Probe::with_patience(1, Duration::ZERO);
        let fails_on_2_7 = fails_on(&[2, 7]);
        match answer(&inputs, &|x| watch.task(|| fails_on_2_7(x))) {
            Err(e) if e == named(2) || e == named(7) => {}
            other => {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected the error of input 2 or of input 7 ({:?} or {:?}), got {other:?}.",
                        named(2),
                        named(7)
                    ),
                ));
            }
        }
        not_on_the_caller(case, &watch)?;
        let parallel = crate::cpus().available >= 2;
        if parallel {
            let case = "two inputs at once";
            let probe = Probe::new(2);
            let got = answer(&[1, 2, 3, 4], &|x| probe.task(|| Ok(x)));
            if got != Ok(vec![1, 2, 3, 4]) {
                return Err(Wrong::in_case(case, format!("expected Ok([1, 2, 3, 4]), got {got:?}.")));
            }
            let expect = Expect {
                at_once: 2,
                threads: None,
            };
            expect_parallel(case, &probe, thread::current().id(), expect, PAR_ITER)?;
        }
        let at_once = if parallel {
            "tasks ran in parallel"
        } else {
            "tasks ran on rayon's threads (running at once not checked: one core)"
        };
        Ok(format!(
            "all results in order when none failed, the error naming its input when one did \
             (also with two failing and with no inputs); {at_once}."
        ))
    })
}
