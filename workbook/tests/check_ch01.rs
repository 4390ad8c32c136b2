//! Wrong answers a learner could plausibly write, fed to the checks: each
//! must be rejected, and the message must say what went wrong.

use std::sync::mpsc;
use std::thread;

use workbook::Job;
mod common;

use common::assert_wrong;
use workbook::check::ch01;

// ch01 run_in_threads ------------------------------------------------------

/// Joins each thread right after starting it: correct results, no parallelism.
fn join_right_after_spawn(jobs: Vec<Job>) -> Vec<u64> {
    jobs.into_iter()
        .map(|job| thread::spawn(job).join().unwrap())
        .collect()
}

/// Never starts a thread at all.
fn plain_loop(jobs: Vec<Job>) -> Vec<u64> {
    jobs.into_iter().map(|job| job()).collect()
}

/// Runs in parallel but gathers results in the order the jobs finish.
fn completion_order(jobs: Vec<Job>) -> Vec<u64> {
    let (tx, rx) = mpsc::channel();
    let n = jobs.len();
    for job in jobs {
        let tx = tx.clone();
        thread::spawn(move || tx.send(job()).unwrap());
    }
    rx.iter().take(n).collect()
}

/// Parallel and ordered, but drops the last job's result.
fn loses_the_last(jobs: Vec<Job>) -> Vec<u64> {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    let mut results: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    results.pop();
    results
}

#[test]
fn joining_each_thread_at_once_is_told_it_ran_sequentially() {
    assert_wrong(
        ch01::run_in_threads(join_right_after_spawn),
        &[
            "ran sequentially",
            "join them only after the last one has started",
        ],
    );
}

#[test]
fn a_loop_without_threads_is_told_no_thread_was_started() {
    assert_wrong(ch01::run_in_threads(plain_loop), &["no thread was started"]);
}

#[test]
fn results_in_completion_order_are_out_of_order() {
    assert_wrong(ch01::run_in_threads(completion_order), &["out of order"]);
}

#[test]
fn a_missing_result_is_counted() {
    assert_wrong(ch01::run_in_threads(loses_the_last), &["1 missing"]);
}

#[test]
fn an_untouched_stub_is_not_started_and_not_wrong() {
    let report = ch01::run_in_threads(|_| todo!());
    assert!(report.is_not_started(), "{report}");
    let report = ch01::map_in_threads(|_, _| todo!());
    assert!(report.is_not_started(), "{report}");
}

// ch01 map_in_threads ------------------------------------------------------

/// Scoped threads, but each joined before the next starts.
fn scoped_but_one_at_a_time(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    thread::scope(|s| {
        inputs
            .iter()
            .map(|&x| s.spawn(move || f(x)).join().unwrap())
            .collect()
    })
}

/// Splits the inputs over two threads only: parallel, but not a thread per input.
fn two_threads_only(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    let (left, right) = inputs.split_at(inputs.len() / 2);
    thread::scope(|s| {
        let a = s.spawn(|| left.iter().map(|&x| f(x)).collect::<Vec<_>>());
        let b = s.spawn(|| right.iter().map(|&x| f(x)).collect::<Vec<_>>());
        let mut out = a.join().unwrap();
        out.extend(b.join().unwrap());
        out
    })
}

#[test]
fn scoped_threads_joined_one_by_one_ran_sequentially() {
    assert_wrong(
        ch01::map_in_threads(scoped_but_one_at_a_time),
        &["ran sequentially"],
    );
}

#[test]
fn two_threads_for_six_inputs_is_not_one_thread_per_input() {
    assert_wrong(
        ch01::map_in_threads(two_threads_only),
        &["at most 2 tasks were running at the same time; expected 6"],
    );
}

#[test]
fn an_answer_that_panics_is_wrong_and_says_so() {
    assert_wrong(
        ch01::map_in_threads(|inputs, _| vec![inputs[0]]),
        &["it panicked"],
    );
}
