//! Chapter 06's Exercise 1: every job reported, failures and panics
//! included.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::super::dice::Dice;
use super::super::probe::beyond_cores;
use super::super::wording::plural;
use super::{Expect, Probe, REPORT_EVERY, Report, Wrong};
use crate::check::expect_parallel_of;
use crate::panics::{is_todo, panic_message};
use crate::sharing::Fallible;

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
            Ends::Fails => Err(format!("job {i} failed")),
            Ends::PanicsWithStr(text) | Ends::PanicsWithString(text) => {
                Err(format!("panicked: {text}"))
            }
        }
    }

    fn panics(self) -> bool {
        matches!(self, Ends::PanicsWithStr(_) | Ends::PanicsWithString(_))
    }
}

/// What the tasks of a case do: work `ms` milliseconds, then end as the
/// plan says, each run as a task of `probe` (which records its thread) and
/// counted in `finished` once its work is over (a panic included).
fn jobs(plan: &[(u64, Ends)], probe: &Arc<Probe>, finished: &Arc<AtomicUsize>) -> Vec<Fallible> {
    plan.iter()
        .enumerate()
        .map(|(i, &(ms, ends))| {
            let (probe, finished) = (Arc::clone(probe), Arc::clone(finished));
            Box::new(move || {
                probe.task(move || {
                    thread::sleep(Duration::from_millis(ms));
                    finished.fetch_add(1, Ordering::SeqCst);
                    match ends {
                        Ends::PanicsWithStr(text) => std::panic::panic_any(text),
                        Ends::PanicsWithString(text) => panic!("{text}"),
                        _ => ends.outcome(i),
                    }
                })
            }) as Fallible
        })
        .collect()
}

/// Runs the answer on one case (a panic that gets out of it contained) and
/// judges what it returned, and when: every task finished, none on the
/// calling thread. `probe` watches the tasks.
fn run_case(
    answer: &dyn Fn(Vec<Fallible>) -> Outcomes,
    case: &str,
    plan: &[(u64, Ends)],
    probe: &Arc<Probe>,
) -> Result<(), Wrong> {
    let finished = Arc::new(AtomicUsize::new(0));
    let got = std::panic::catch_unwind(AssertUnwindSafe(|| answer(jobs(plan, probe, &finished))));
    let got = match got {
        Ok(got) => got,
        // `todo!()`: passed on, so that the answer reads as not started.
        Err(payload) if is_todo(&panic_message(&*payload)) => std::panic::resume_unwind(payload),
        Err(payload) => {
            return Err(Wrong::in_case(
                case,
                escaped(plan, &panic_message(&*payload)),
            ));
        }
    };
    let running = plan.len() - finished.load(Ordering::SeqCst);
    judge_outcomes(case, plan, &got, running)?;
    let caller = thread::current().id();
    let threads = probe.threads();
    if threads.contains(&caller) {
        let problem = if threads == [caller] {
            format!("every job ran on the calling thread: no thread was started. {HINT}")
        } else {
            format!(
                "the jobs ran on {} threads, one of them the calling thread. {HINT}",
                threads.len()
            )
        };
        return Err(Wrong::in_case(case, problem));
    }
    Ok(())
}

/// What to say when a panic got out of the answer: its own message, and,
/// where a job of the case panics, how to keep that panic in.
fn escaped(plan: &[(u64, Ends)], message: &str) -> String {
    let said = format!("your function panicked (“{message}”) instead of returning.");
    match plan.iter().position(|(_, ends)| ends.panics()) {
        Some(i) => format!(
            "{said} Job {i} panics in this case: `join()` hands you its panic as \
             `Err(payload)`: turn that into job {i}'s outcome, {:?}, instead of unwrapping it.",
            plan[i].1.outcome(i)
        ),
        None => said,
    }
}

const HINT: &str = "Start every job on its own thread before waiting for any result.";

type Outcomes = Vec<(usize, Result<u64, String>)>;

/// `running`: the jobs still running when the answer returned.
fn judge_outcomes(
    case: &str,
    plan: &[(u64, Ends)],
    got: &Outcomes,
    running: usize,
) -> Result<(), Wrong> {
    let mut seen = vec![0usize; plan.len()];
    for (i, outcome) in got {
        let Some(count) = seen.get_mut(*i) else {
            return Err(Wrong::in_case(
                case,
                format!(
                    "an outcome names job {i}, but there are only {}.",
                    plural(plan.len(), "job", "jobs")
                ),
            ));
        };
        *count += 1;
        let want = plan[*i].1.outcome(*i);
        if *outcome != want {
            let how = if plan[*i].1.panics() {
                format!(
                    " Job {i} panicked: report it as `panicked: ` followed by the panic's \
                     message, which its payload holds as a `&str` or a `String`."
                )
            } else {
                String::new()
            };
            return Err(Wrong::in_case(
                case,
                format!("job {i} should report {want:?}, got {outcome:?}.{how}"),
            ));
        }
    }
    if let Some(i) = seen.iter().position(|&c| c > 1) {
        return Err(Wrong::in_case(
            case,
            format!(
                "job {i} was reported {} times; report each job once.",
                seen[i]
            ),
        ));
    }
    let missing: Vec<usize> = (0..plan.len()).filter(|&i| seen[i] == 0).collect();
    if let Some(&i) = missing.iter().find(|&&i| plan[i].1.panics()) {
        return Err(Wrong::in_case(
            case,
            format!(
                "job {i} panicked and was never reported: its thread ended before it could hand \
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
        let unreported = format!(
            "{} of {} {} never reported: {missing:?}.",
            missing.len(),
            plural(plan.len(), "job", "jobs"),
            if missing.len() == 1 { "was" } else { "were" }
        );
        let failures = if failed.is_empty() {
            String::new()
        } else {
            format!(
                " Of them, {} failed: {failed:?}. Report the failures too: do not stop at \
                 the first error.",
                plural(failed.len(), "job", "jobs")
            )
        };
        let waiting = if running == 0 {
            String::new()
        } else {
            format!(
                " {} still running when your function returned: wait for every job's \
                 outcome (join each handle) rather than taking what has arrived after a while.",
                plural(running, "job was", "jobs were")
            )
        };
        let remedy = if failures.is_empty() && waiting.is_empty() {
            " Report every job, whatever its outcome."
        } else {
            ""
        };
        return Err(Wrong::in_case(
            case,
            format!("{unreported}{failures}{waiting}{remedy}"),
        ));
    }
    Ok(())
}

/// Checks `report_every(jobs: Vec<Fallible>) -> Vec<(usize, Result<u64, String>)>`.
pub fn report_every(answer: impl Fn(Vec<Fallible>) -> Outcomes + Send + 'static) -> Report {
    use Ends::{Fails, PanicsWithStr, PanicsWithString, Returns};
    REPORT_EVERY.grade(move || {
        let cases: [(&str, Vec<(u64, Ends)>); 4] = [
            ("no jobs", vec![]),
            (
                "three jobs that all succeed",
                vec![(3, Returns), (1, Returns), (2, Returns)],
            ),
            (
                "six jobs, three of them failing",
                vec![
                    (1, Returns),
                    (2, Fails),
                    (6, Returns),
                    (3, Fails),
                    (8, Fails),
                    (4, Returns),
                ],
            ),
            ("every job fails", vec![(2, Fails), (1, Fails), (3, Fails)]),
        ];
        // Tasks that finish at once, and a watch that only records threads.
        let watch = || Arc::new(Probe::with_patience(1, Duration::ZERO));
        for (case, plan) in &cases {
            run_case(&answer, case, plan, &watch())?;
        }
        // One job, at a place that changes, finishes a second after the
        // rest: an answer that waits a while and reads what has arrived,
        // instead of waiting for every job, returns while it still runs.
        let late = Dice::new().between(0, 5) as usize;
        let plan: Vec<(u64, Ends)> = (0..5)
            .map(|i| (if i == late { 1000 } else { 1 }, Returns))
            .collect();
        let case = format!("five jobs, job {late} finishing a second after the others");
        run_case(&answer, &case, &plan, &watch())?;

        // More jobs than cores: a pool sized by the machine cannot run them
        // all at once, on any machine.
        let n = beyond_cores(4);
        let case = format!("{n} jobs at once, half of them failing");
        let plan: Vec<(u64, Ends)> = (0..n)
            .map(|i| (1, if i % 2 == 0 { Fails } else { Returns }))
            .collect();
        let probe = Arc::new(Probe::new(n));
        run_case(&answer, &case, &plan, &probe)?;
        let expect = Expect {
            at_once: n,
            threads: Some(n),
        };
        expect_parallel_of("job", &case, &probe, thread::current().id(), expect, HINT)?;

        run_case(
            &answer,
            "five jobs, job 1 failing, job 3 panicking",
            &[
                (4, Returns),
                (1, Fails),
                (6, Returns),
                (2, PanicsWithString("job 3 divided by zero")),
                (3, Returns),
            ],
            &watch(),
        )?;
        run_case(
            &answer,
            "four jobs, job 0 panicking with a `&str` message, job 2 failing",
            &[
                (3, PanicsWithStr("job 0 found no input")),
                (1, Returns),
                (2, Fails),
                (1, Returns),
            ],
            &watch(),
        )?;
        Ok(format!(
            "every job was reported once with its own outcome, failures and panics included \
            (none, all succeed, some fail, all fail, one finishing late, one panicking); \
            {n} jobs ran at once."
        ))
    })
}
