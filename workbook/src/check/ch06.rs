//! Checks for chapter 06, errors and panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::probe::beyond_cores;
use super::{Expect, Probe, Report, Wrong, expect_parallel};
use crate::sharing::Fallible;

pub use super::declared::ch06::*;

/// What the tasks of a case do: `Ok(v)` or `Err(message)` after `ms`
/// milliseconds, each run as a task of `probe` (which records its thread)
/// and counted in `finished` once done.
fn jobs(plan: &[(u64, bool)], probe: &Arc<Probe>, finished: &Arc<AtomicUsize>) -> Vec<Fallible> {
    plan.iter()
        .enumerate()
        .map(|(i, &(ms, fails))| {
            let (probe, finished) = (Arc::clone(probe), Arc::clone(finished));
            Box::new(move || {
                let outcome = probe.task(move || {
                    thread::sleep(Duration::from_millis(ms));
                    if fails {
                        Err(format!("task {i} failed"))
                    } else {
                        Ok(10 + i as u64)
                    }
                });
                finished.fetch_add(1, Ordering::SeqCst);
                outcome
            }) as Fallible
        })
        .collect()
}

/// Runs the answer on one case and judges what it returned, and when: every
/// task finished, none on the calling thread. `probe` watches the tasks.
fn run_case(
    answer: &dyn Fn(Vec<Fallible>) -> Outcomes,
    case: &str,
    plan: &[(u64, bool)],
    probe: &Arc<Probe>,
) -> Result<(), Wrong> {
    let finished = Arc::new(AtomicUsize::new(0));
    let got = answer(jobs(plan, probe, &finished));
    let running = plan.len() - finished.load(Ordering::SeqCst);
    judge_outcomes(case, plan, &got, running)?;
    let caller = thread::current().id();
    let threads = probe.threads();
    if threads.contains(&caller) {
        let problem = if threads == [caller] {
            format!("every task ran on the calling thread: no thread was started. {HINT}")
        } else {
            format!(
                "the tasks ran on {} threads, one of them the calling thread. {HINT}",
                threads.len()
            )
        };
        return Err(Wrong::in_case(case, problem));
    }
    Ok(())
}

const HINT: &str = "Start every task on its own thread before waiting for any result.";

type Outcomes = Vec<(usize, Result<u64, String>)>;

/// `running`: the tasks still running when the answer returned.
fn judge_outcomes(
    case: &str,
    plan: &[(u64, bool)],
    got: &Outcomes,
    running: usize,
) -> Result<(), Wrong> {
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
        let waiting = if running == 0 {
            String::new()
        } else {
            format!(
                " {running} of them were still running when it returned: wait for every \
                 task's outcome (join each handle, or receive one message per task), rather \
                 than reading what has arrived after a while."
            )
        };
        return Err(Wrong::in_case(
            case,
            format!(
                "{} of {} tasks were never reported: tasks {missing:?} (of them, {} failed: {failed:?}). \
                 Every task must be reported, the failures too: do not stop at the first error.{waiting}",
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
        // Tasks that finish at once, and a watch that only records threads.
        let watch = || Arc::new(Probe::with_patience(1, Duration::ZERO));
        for (case, plan) in &cases {
            run_case(&answer, case, plan, &watch())?;
        }
        // One task, at a place that changes, finishes a second after the
        // rest: an answer that waits a while and reads what has arrived,
        // instead of waiting for every task, returns while it still runs.
        let late = Dice::new().between(0, 5) as usize;
        let plan: Vec<(u64, bool)> = (0..5)
            .map(|i| (if i == late { 1000 } else { 1 }, false))
            .collect();
        let case = format!("five tasks, task {late} finishing a second after the others");
        run_case(&answer, &case, &plan, &watch())?;

        // More tasks than cores: a pool sized by the machine cannot run them
        // all at once, on any machine.
        let n = beyond_cores(4);
        let case = format!("{n} tasks at once, half of them failing");
        let plan: Vec<(u64, bool)> = (0..n).map(|i| (1, i % 2 == 0)).collect();
        let probe = Arc::new(Probe::new(n));
        run_case(&answer, &case, &plan, &probe)?;
        let expect = Expect {
            at_once: n,
            threads: Some(n),
        };
        expect_parallel(&case, &probe, thread::current().id(), expect, HINT)?;
        Ok(format!(
            "every task was reported once with its own outcome, failures included \
            (none, all succeed, some fail, all fail, one finishing late); {n} tasks ran at once."
        ))
    })
}

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
        if crate::cpus().available >= 2 {
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
        Ok("all results in order when none failed, the error naming its input when one did \
            (also with two failing and with no inputs); tasks ran in parallel."
            .into())
    })
}
