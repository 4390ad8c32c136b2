//! Wrong answers to chapter 06's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use std::thread;

use crate::common::{assert_done, assert_wrong};
use rayon::prelude::*;
use std::sync::{Mutex, mpsc};
use workbook::check::ch06;
use workbook::sharing::Fallible;

type Outcomes = Vec<(usize, Result<u64, String>)>;

// ch06 report_every ------------------------------------------------------

/// Runs all at once, but stops reporting at the first error (like the original's `executor.map`).
fn only_up_to_the_first_error(jobs: Vec<Fallible>) -> Outcomes {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    let mut out = Vec::new();
    for (i, h) in handles.into_iter().enumerate() {
        let outcome = h.join().unwrap();
        let failed = outcome.is_err();
        out.push((i, outcome));
        if failed {
            break;
        }
    }
    out
}

/// Reports the successes only.
fn successes_only(jobs: Vec<Fallible>) -> Outcomes {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| h.join().unwrap().ok().map(|v| (i, Ok(v))))
        .collect()
}

/// Every outcome, but one job after another.
fn one_at_a_time(jobs: Vec<Fallible>) -> Outcomes {
    jobs.into_iter()
        .enumerate()
        .map(|(i, job)| (i, thread::spawn(job).join().unwrap()))
        .collect()
}

/// Numbers the outcomes by completion instead of by job.
fn numbered_by_completion(jobs: Vec<Fallible>) -> Outcomes {
    let (tx, rx) = std::sync::mpsc::channel();
    for job in jobs {
        let tx = tx.clone();
        thread::spawn(move || tx.send(job()).unwrap());
    }
    drop(tx);
    rx.into_iter().enumerate().collect()
}

#[test]
fn stopping_at_the_first_error_is_rejected() {
    assert_wrong(
        || ch06::report_every(only_up_to_the_first_error),
        &["never reported", "do not stop at the first error"],
    );
}

#[test]
fn dropping_the_failures_is_rejected() {
    assert_wrong(
        || ch06::report_every(successes_only),
        &[
            "3 of 6 jobs were never reported",
            "Of them, 3 jobs failed: [1, 3, 4]",
        ],
    );
}

#[test]
fn joining_each_job_at_once_ran_sequentially() {
    assert_wrong(|| ch06::report_every(one_at_a_time), &["ran sequentially"]);
}

#[test]
fn outcomes_under_the_wrong_job_number_are_caught() {
    assert_wrong(
        || ch06::report_every(numbered_by_completion),
        &["should report"],
    );
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch06::report_every(|_| todo!()).is_not_started());
    assert!(ch06::all_or_first_error(|_, _| todo!()).is_not_started());
}

// ch06 all_or_first_error ------------------------------------------------

type Task<'a> = &'a (dyn Fn(u64) -> Result<u64, String> + Sync);

/// Keeps the successes and silently drops the failures.
fn drops_failures(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    use rayon::prelude::*;
    Ok(inputs.par_iter().filter_map(|&x| task(x).ok()).collect())
}

/// The right answer, sequentially.
fn sequential(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs.iter().map(|&x| named(x, task(x))).collect()
}

/// Puts the input in front of the task's error, as the exercise asks.
fn named(x: u64, outcome: Result<u64, String>) -> Result<u64, String> {
    outcome.map_err(|e| format!("input {x}: {e}"))
}

/// Collects into a Result, but passes on the task's error as it is.
fn error_without_its_input(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs.par_iter().map(|&x| task(x)).collect()
}

#[test]
fn an_error_that_does_not_name_its_input_is_rejected() {
    assert_wrong(
        || ch06::all_or_first_error(error_without_its_input),
        &[
            "input 5 failing",
            "got Err(\"refused\")",
            "which input failed",
            "\"input 5: refused\"",
        ],
    );
}

#[test]
fn a_silently_dropped_failure_is_rejected() {
    assert_wrong(
        || ch06::all_or_first_error(drops_failures),
        &["input 5 failing", "dropped silently"],
    );
}

#[test]
fn a_sequential_answer_is_told_to_use_par_iter() {
    if workbook::cpus().available < 2 {
        return; // the check asks for parallelism only where there are two CPUs
    }
    assert_wrong(
        || ch06::all_or_first_error(sequential),
        &["ran sequentially", "par_iter"],
    );
}

// ch06 report_every: more wrong answers, and right ones written differently

/// Runs every job on its own thread, with `keep` deciding what to report.
fn all_at_once(jobs: Vec<Fallible>, keep: fn(usize, Result<u64, String>) -> Outcomes) -> Outcomes {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .enumerate()
        .flat_map(|(i, h)| keep(i, h.join().unwrap()))
        .collect()
}

/// Turns every failure into a result of 0.
fn errors_as_zero(jobs: Vec<Fallible>) -> Outcomes {
    all_at_once(jobs, |i, r| vec![(i, Ok(r.unwrap_or(0)))])
}

/// Replaces each error with a message of its own.
fn generic_error(jobs: Vec<Fallible>) -> Outcomes {
    all_at_once(jobs, |i, r| vec![(i, r.map_err(|_| "failed".to_string()))])
}

/// Reports each failure twice: once as it happens, once at the end.
fn failures_twice(jobs: Vec<Fallible>) -> Outcomes {
    all_at_once(jobs, |i, r| match r {
        Ok(v) => vec![(i, Ok(v))],
        Err(e) => vec![(i, Err(e.clone())), (i, Err(e))],
    })
}

/// Numbers the tasks from 1.
fn numbered_from_one(jobs: Vec<Fallible>) -> Outcomes {
    all_at_once(jobs, |i, r| vec![(i + 1, r)])
}

/// Unwraps in the worker: a failing task's thread panics, its outcome is lost.
fn unwraps_in_the_worker(jobs: Vec<Fallible>) -> Outcomes {
    let (tx, rx) = mpsc::channel();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || {
            let v = job().unwrap();
            tx.send((i, Ok(v))).unwrap();
        });
    }
    drop(tx);
    rx.iter().collect()
}

#[test]
fn failures_turned_into_zero_are_caught() {
    assert_wrong(
        || ch06::report_every(errors_as_zero),
        &["job 1 should report Err(\"job 1 failed\"), got Ok(0)"],
    );
}

#[test]
fn an_error_of_its_own_words_is_caught() {
    assert_wrong(
        || ch06::report_every(generic_error),
        &["got Err(\"failed\")"],
    );
}

#[test]
fn failures_reported_twice_are_caught() {
    assert_wrong(
        || ch06::report_every(failures_twice),
        &["was reported 2 times"],
    );
}

#[test]
fn tasks_numbered_from_one_are_caught() {
    assert_wrong(
        || ch06::report_every(numbered_from_one),
        &["three jobs that all succeed"],
    );
}

#[test]
fn a_worker_that_unwraps_loses_the_failures() {
    assert_wrong(
        || ch06::report_every(unwraps_in_the_worker),
        &["were never reported", "do not stop at the first error"],
    );
}

// ch06 all_or_first_error: more wrong answers, and right ones written differently

/// Results pushed as they finish, then sorted.
fn sorted_as_finished(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    let out = Mutex::new(Vec::new());
    inputs.par_iter().try_for_each(|&x| {
        let v = task(x)?;
        out.lock().unwrap().push(v);
        Ok::<(), String>(())
    })?;
    let mut out = out.into_inner().unwrap();
    out.sort();
    Ok(out)
}

/// Replaces the task's error with one of its own.
fn error_of_its_own(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs
        .par_iter()
        .map(|&x| task(x))
        .collect::<Result<Vec<u64>, String>>()
        .map_err(|_| "a task failed".to_string())
}

/// Keeps the results up to the first failure.
fn results_up_to_the_error(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    let all: Vec<Result<u64, String>> = inputs.par_iter().map(|&x| task(x)).collect();
    Ok(all.into_iter().map_while(Result::ok).collect())
}

/// Joins every failure's message into one error.
fn every_error_joined(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    let all: Vec<Result<u64, String>> = inputs.par_iter().map(|&x| named(x, task(x))).collect();
    let errors: Vec<String> = all.iter().filter_map(|r| r.clone().err()).collect();
    if errors.is_empty() {
        Ok(all.into_iter().map(Result::unwrap).collect())
    } else {
        Err(errors.join("; "))
    }
}

/// Returns Ok([]) when anything fails.
fn empty_on_failure(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    Ok(inputs
        .par_iter()
        .map(|&x| task(x))
        .collect::<Result<Vec<u64>, String>>()
        .unwrap_or_default())
}

#[test]
fn results_sorted_as_they_finish_are_out_of_order() {
    assert_wrong(
        || ch06::all_or_first_error(sorted_as_finished),
        &["8 down to 1", "in input order"],
    );
}

#[test]
fn an_error_of_its_own_words_loses_the_cause() {
    assert_wrong(
        || ch06::all_or_first_error(error_of_its_own),
        &["got Err(\"a task failed\")"],
    );
}

#[test]
fn results_up_to_the_error_drop_the_failure() {
    assert_wrong(
        || ch06::all_or_first_error(results_up_to_the_error),
        &["dropped silently"],
    );
}

#[test]
fn every_error_joined_is_not_an_error_of_one_input() {
    assert_wrong(
        || ch06::all_or_first_error(every_error_joined),
        &[
            "inputs 2 and 7 failing",
            "got Err(\"input 2: refused; input 7: refused\")",
        ],
    );
}

#[test]
fn an_empty_list_on_failure_drops_it_silently() {
    assert_wrong(
        || ch06::all_or_first_error(empty_on_failure),
        &["got Ok([])", "dropped silently"],
    );
}

#[test]
fn try_for_each_into_slots_and_scoped_threads_are_right_too() {
    assert_done(ch06::all_or_first_error(|inputs, task| {
        let mut out = vec![0; inputs.len()];
        out.par_iter_mut()
            .zip(inputs)
            .try_for_each(|(slot, &x)| named(x, task(x)).map(|v| *slot = v))?;
        Ok(out)
    }));
    assert_done(ch06::all_or_first_error(|inputs, task| {
        thread::scope(|s| {
            let hs: Vec<_> = inputs
                .iter()
                .map(|&x| s.spawn(move || named(x, task(x))))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }));
}

mod report_panics;

#[path = "check_ch06/gaming.rs"]
mod gaming;

/// The exercise's answer.
fn right(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs.par_iter().map(|&x| named(x, task(x))).collect()
}

#[test]
fn on_one_core_the_done_text_says_running_at_once_was_not_checked() {
    const NAME: &str = "check_ch06::on_one_core_the_done_text_says_running_at_once_was_not_checked";
    if workbook::cpus().available == 1 {
        let text = ch06::all_or_first_error(right).to_string();
        assert!(
            text.contains("running at once not checked: one core"),
            "{text}"
        );
        assert!(!text.contains("ran in parallel"), "{text}");
        return;
    }
    // Again, in a child process that sees one core.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME])
        .env(workbook::cpus::SIMULATED_CPUS, "1")
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
