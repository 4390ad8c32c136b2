//! Checks for chapter 06, errors and panics.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{Expect, Probe, Report, Wrong, expect_parallel};
use crate::sharing::Fallible;

pub use super::declared::ch06::*;

/// What the tasks of a case do: `Ok(v)` or `Err(message)` after `ms` milliseconds.
fn jobs(plan: &[(u64, bool)], probe: Option<Arc<Probe>>) -> Vec<Fallible> {
    plan.iter()
        .enumerate()
        .map(|(i, &(ms, fails))| {
            let probe = probe.clone();
            Box::new(move || {
                let work = move || {
                    thread::sleep(Duration::from_millis(ms));
                    if fails {
                        Err(format!("task {i} failed"))
                    } else {
                        Ok(10 + i as u64)
                    }
                };
                match probe {
                    Some(p) => p.task(work),
                    None => work(),
                }
            }) as Fallible
        })
        .collect()
}

type Outcomes = Vec<(usize, Result<u64, String>)>;

fn judge_outcomes(case: &str, plan: &[(u64, bool)], got: &Outcomes) -> Result<(), Wrong> {
    let mut seen = vec![0usize; plan.len()];
    for (i, outcome) in got {
        let Some(count) = seen.get_mut(*i) else {
            return Err(Wrong::in_case(
                case,
                format!(
                    "an outcome names task {i}, but there are only {} tasks.",
                    plan.len()
                ),
            ));
        };
        *count += 1;
        let want = if plan[*i].1 {
            Err(format!("task {i} failed"))
        } else {
            Ok(10 + *i as u64)
        };
        if *outcome != want {
            return Err(Wrong::in_case(
                case,
                format!("task {i} should report {want:?}, got {outcome:?}."),
            ));
        }
    }
    if let Some(i) = seen.iter().position(|&c| c > 1) {
        return Err(Wrong::in_case(
            case,
            format!(
                "task {i} was reported {} times; report each task once.",
                seen[i]
            ),
        ));
    }
    let missing: Vec<usize> = (0..plan.len()).filter(|&i| seen[i] == 0).collect();
    if !missing.is_empty() {
        let failed: Vec<usize> = missing.iter().copied().filter(|&i| plan[i].1).collect();
        return Err(Wrong::in_case(
            case,
            format!(
                "{} of {} tasks were never reported: tasks {missing:?} (of them, {} failed: {failed:?}). \
                 Every task must be reported, the failures too: do not stop at the first error.",
                missing.len(),
                plan.len(),
                failed.len()
            ),
        ));
    }
    Ok(())
}

/// Checks `report_every(jobs: Vec<Fallible>) -> Vec<(usize, Result<u64, String>)>`.
pub fn report_every(answer: impl Fn(Vec<Fallible>) -> Outcomes + Send + 'static) -> Report {
    REPORT_EVERY.grade(move || {
        let cases: [(&str, Vec<(u64, bool)>); 4] = [
            ("no tasks", vec![]),
            (
                "three tasks that all succeed",
                vec![(3, false), (1, false), (2, false)],
            ),
            (
                "six tasks, three of them failing",
                vec![
                    (1, false),
                    (2, true),
                    (6, false),
                    (3, true),
                    (8, true),
                    (4, false),
                ],
            ),
            ("every task fails", vec![(2, true), (1, true), (3, true)]),
        ];
        for (case, plan) in &cases {
            judge_outcomes(case, plan, &answer(jobs(plan, None)))?;
        }
        let case = "four tasks at once, two failing";
        let plan = [(1, true), (1, false), (1, true), (1, false)];
        let probe = Arc::new(Probe::new(4));
        let got = answer(jobs(&plan, Some(Arc::clone(&probe))));
        judge_outcomes(case, &plan, &got)?;
        expect_parallel(
            case,
            &probe,
            thread::current().id(),
            Expect {
                at_once: 4,
                threads: Some(4),
            },
            "Start every task on its own thread before waiting for any result.",
        )?;
        Ok(
            "every task was reported once with its own outcome, failures included \
            (none, all succeed, some fail, all fail); 4 tasks ran at once."
                .into(),
        )
    })
}

/// The error the tasks of `all_or_first_error`'s check return: it does not name the input.
const REFUSED: &str = "refused";

/// The error `all_or_first_error` should return when input `x` fails.
fn named(x: u64) -> String {
    format!("input {x}: {REFUSED}")
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
        let got = answer(&falling, &slow_first);
        if got.as_ref() != Ok(&want) {
            return Err(Wrong::in_case(
                "eight inputs, 8 down to 1, none failing",
                format!(
                    "expected Ok({want:?}), got {got:?}. With no failure, every result comes \
                     back, in input order."
                ),
            ));
        }
        let inputs: Vec<u64> = (1..=8).collect();
        let case = "eight inputs, input 5 failing";
        let want = named(5);
        match answer(&inputs, &fails_on(&[5])) {
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
        let case = "eight inputs, inputs 2 and 7 failing";
        match answer(&inputs, &fails_on(&[2, 7])) {
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
        if crate::cpus().available >= 2 {
            let case = "two inputs at once";
            let probe = Probe::new(2);
            let got = answer(&[1, 2, 3, 4], &|x| probe.task(|| Ok(x)));
            if got != Ok(vec![1, 2, 3, 4]) {
                return Err(Wrong::in_case(case, format!("expected Ok([1, 2, 3, 4]), got {got:?}.")));
            }
            let threads = probe.threads();
            if threads == [thread::current().id()] || probe.peak() < 2 {
                return Err(Wrong::in_case(
                    case,
                    "it ran sequentially: the tasks ran one after another, never two at the same \
                     time. Use rayon's `par_iter()` instead of `iter()`.",
                ));
            }
        }
        Ok("all results in order when none failed, the error naming its input when one did \
            (also with two failing and with no inputs); tasks ran in parallel."
            .into())
    })
}
