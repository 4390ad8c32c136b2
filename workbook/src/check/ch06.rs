//! Checks for chapter 06, errors and panics.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{Expect, Probe, Report, Wrong, expect_parallel};
use crate::sharing::Fallible;

pub use super::declared::ch06::*;

/// How a job of `report_every`'s check ends.
#[derive(Clone, Copy)]
enum Ends {
    Returns,
    Fails,
    /// Panics with this message as a `&str` payload, as `panic!("text")` does.
    PanicsWithStr(&'static str),
    /// Panics with this message as a `String` payload, as `panic!` with arguments does.
    PanicsWithString(&'static str),
}

impl Ends {
    /// The outcome job `i` should be reported with.
    fn outcome(self, i: usize) -> Result<u64, String> {
        match self {
            Ends::Returns => Ok(10 + i as u64),
            Ends::Fails => Err(format!("task {i} failed")),
            Ends::PanicsWithStr(text) | Ends::PanicsWithString(text) => {
                Err(format!("panicked: {text}"))
            }
        }
    }

    fn panics(self) -> bool {
        matches!(self, Ends::PanicsWithStr(_) | Ends::PanicsWithString(_))
    }
}

/// A case's jobs: job `i` works `ms` milliseconds, then ends as `plan[i]` says.
fn jobs(plan: &[(u64, Ends)], probe: Option<Arc<Probe>>) -> Vec<Fallible> {
    plan.iter()
        .enumerate()
        .map(|(i, &(ms, ends))| {
            let probe = probe.clone();
            Box::new(move || {
                let work = move || {
                    thread::sleep(Duration::from_millis(ms));
                    match ends {
                        Ends::PanicsWithStr(text) => std::panic::panic_any(text),
                        Ends::PanicsWithString(text) => panic!("{text}"),
                        _ => ends.outcome(i),
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

fn judge_outcomes(case: &str, plan: &[(u64, Ends)], got: &Outcomes) -> Result<(), Wrong> {
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
        let want = plan[*i].1.outcome(*i);
        if *outcome != want {
            let how = if plan[*i].1.panics() {
                format!(
                    " Task {i} panicked: report it as `panicked: ` followed by the panic's \
                     message, which its payload holds as a `&str` or a `String`."
                )
            } else {
                String::new()
            };
            return Err(Wrong::in_case(
                case,
                format!("task {i} should report {want:?}, got {outcome:?}.{how}"),
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
    if let Some(&i) = missing.iter().find(|&&i| plan[i].1.panics()) {
        return Err(Wrong::in_case(
            case,
            format!(
                "task {i} panicked and was never reported: its thread ended before it could hand \
                 over an outcome. Catch the panic where you can see it (`join()` returns \
                 `Err(payload)` for a thread that panicked) and report it as {:?}.",
                plan[i].1.outcome(i)
            ),
        ));
    }
    if !missing.is_empty() {
        let failed: Vec<usize> = missing
            .iter()
            .copied()
            .filter(|&i| matches!(plan[i].1, Ends::Fails))
            .collect();
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

/// Runs `answer` on a case with one panicking job: a panic that gets through
/// the answer is reported, not passed on to the harness.
fn with_a_panicking_job(
    answer: &impl Fn(Vec<Fallible>) -> Outcomes,
    case: &str,
    plan: &[(u64, Ends)],
) -> Result<(), Wrong> {
    let got = std::panic::catch_unwind(AssertUnwindSafe(|| answer(jobs(plan, None))));
    match got {
        Ok(got) => judge_outcomes(case, plan, &got),
        Err(_) => {
            let i = plan.iter().position(|(_, ends)| ends.panics()).unwrap_or(0);
            Err(Wrong::in_case(
                case,
                format!(
                    "a panic from job {i} ended your function: it reached the caller instead of \
                     being reported. `join()` hands you the panic as `Err(payload)`: turn that \
                     into job {i}'s outcome, {:?}, instead of unwrapping it.",
                    plan[i].1.outcome(i)
                ),
            ))
        }
    }
}

/// Checks `report_every(jobs: Vec<Fallible>) -> Vec<(usize, Result<u64, String>)>`.
pub fn report_every(answer: impl Fn(Vec<Fallible>) -> Outcomes + Send + 'static) -> Report {
    use Ends::{Fails, PanicsWithStr, PanicsWithString, Returns};
    REPORT_EVERY.grade(move || {
        let cases: [(&str, Vec<(u64, Ends)>); 4] = [
            ("no tasks", vec![]),
            (
                "three tasks that all succeed",
                vec![(3, Returns), (1, Returns), (2, Returns)],
            ),
            (
                "six tasks, three of them failing",
                vec![
                    (1, Returns),
                    (2, Fails),
                    (6, Returns),
                    (3, Fails),
                    (8, Fails),
                    (4, Returns),
                ],
            ),
            ("every task fails", vec![(2, Fails), (1, Fails), (3, Fails)]),
        ];
        for (case, plan) in &cases {
            judge_outcomes(case, plan, &answer(jobs(plan, None)))?;
        }
        let case = "four tasks at once, two failing";
        let plan = [(1, Fails), (1, Returns), (1, Fails), (1, Returns)];
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
        with_a_panicking_job(
            &answer,
            "five tasks, task 1 failing, task 3 panicking",
            &[
                (4, Returns),
                (1, Fails),
                (6, Returns),
                (2, PanicsWithString("task 3 divided by zero")),
                (3, Returns),
            ],
        )?;
        with_a_panicking_job(
            &answer,
            "four tasks, task 0 panicking with a `&str` message, task 2 failing",
            &[
                (3, PanicsWithStr("task 0 found no input")),
                (1, Returns),
                (2, Fails),
                (1, Returns),
            ],
        )?;
        Ok(
            "every task was reported once with its own outcome, failures and panics included \
            (none, all succeed, some fail, all fail, one panics); 4 tasks ran at once."
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
