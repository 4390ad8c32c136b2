//! Wrong answers to chapter 06's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use std::thread;

mod common;

use common::assert_wrong;
use workbook::check::ch06;
use workbook::sharing::Fallible;

type Outcomes = Vec<(usize, Result<u64, String>)>;

// ch06 report_every ------------------------------------------------------

/// Runs all at once, but stops reporting at the first error (like `pool.map`).
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
        ch06::report_every(only_up_to_the_first_error),
        &["never reported", "do not stop at the first error"],
    );
}

#[test]
fn dropping_the_failures_is_rejected() {
    assert_wrong(
        ch06::report_every(successes_only),
        &[
            "3 of 6 tasks were never reported",
            "of them, 3 failed: [1, 3, 4]",
        ],
    );
}

#[test]
fn joining_each_job_at_once_ran_sequentially() {
    assert_wrong(ch06::report_every(one_at_a_time), &["ran sequentially"]);
}

#[test]
fn outcomes_under_the_wrong_job_number_are_caught() {
    assert_wrong(
        ch06::report_every(numbered_by_completion),
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
    inputs.iter().map(|&x| task(x)).collect()
}

#[test]
fn a_silently_dropped_failure_is_rejected() {
    assert_wrong(
        ch06::all_or_first_error(drops_failures),
        &["input 5 failing", "dropped silently"],
    );
}

#[test]
fn a_sequential_answer_is_told_to_use_par_iter() {
    if workbook::cpus().available < 2 {
        return; // the check asks for parallelism only where there are two CPUs
    }
    assert_wrong(
        ch06::all_or_first_error(sequential),
        &["ran sequentially", "par_iter"],
    );
}
