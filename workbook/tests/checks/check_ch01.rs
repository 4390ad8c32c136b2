//! Wrong answers a learner could plausibly write, fed to the checks: each
//! must be rejected, and the message must say what went wrong.

use std::sync::mpsc;
use std::thread;

use workbook::Job;

use crate::common::{assert_done, assert_wrong};
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
        || ch01::run_in_threads(join_right_after_spawn),
        &[
            "ran sequentially",
            "join them only after the last one has started",
        ],
    );
}

#[test]
fn a_loop_without_threads_is_told_no_thread_was_started() {
    assert_wrong(
        || ch01::run_in_threads(plain_loop),
        &["no thread was started"],
    );
}

#[test]
fn results_in_completion_order_are_out_of_order() {
    assert_wrong(|| ch01::run_in_threads(completion_order), &["out of order"]);
}

#[test]
fn a_missing_result_is_counted() {
    assert_wrong(|| ch01::run_in_threads(loses_the_last), &["1 missing"]);
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
        || ch01::map_in_threads(scoped_but_one_at_a_time),
        &["ran sequentially"],
    );
}

#[test]
fn two_threads_for_five_inputs_is_not_one_thread_per_input() {
    assert_wrong(
        || ch01::map_in_threads(two_threads_only),
        &["one new thread per task"],
    );
}

#[test]
fn an_answer_that_panics_is_wrong_and_says_so() {
    assert_wrong(
        || ch01::map_in_threads(|inputs, _| vec![inputs[0]]),
        &["it panicked"],
    );
}

// ch01 run_in_threads: more wrong answers, and right ones written differently

/// Gathers in completion order, then sorts to "fix" the order.
fn completion_order_sorted(jobs: Vec<Job>) -> Vec<u64> {
    let mut results = completion_order(jobs);
    results.sort();
    results
}

/// Saves a thread: the first job runs on the calling thread.
fn first_job_on_the_caller(jobs: Vec<Job>) -> Vec<u64> {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else {
        return Vec::new();
    };
    let handles: Vec<_> = jobs.map(thread::spawn).collect();
    let mut results = vec![first()];
    results.extend(handles.into_iter().map(|h| h.join().unwrap()));
    results
}

/// Two threads at a time: each pair is joined before the next starts.
fn two_at_a_time(jobs: Vec<Job>) -> Vec<u64> {
    let mut results = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let pair: Vec<_> = jobs.by_ref().take(2).map(thread::spawn).collect();
        results.extend(pair.into_iter().map(|h| h.join().unwrap()));
    }
    results
}

/// Right results, but a collector thread waits forever on a channel that
/// is never closed.
fn collector_left_running(jobs: Vec<Job>) -> Vec<u64> {
    let n = jobs.len();
    let (tx, rx) = mpsc::channel::<(usize, u64)>();
    let (back, results) = mpsc::channel();
    thread::spawn(move || {
        for pair in rx {
            back.send(pair).unwrap();
        }
    });
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || tx.send((i, job())).unwrap());
    }
    let mut got: Vec<(usize, u64)> = results.iter().take(n).collect();
    got.sort();
    std::mem::forget(tx); // the collector's channel is never closed
    got.into_iter().map(|(_, v)| v).collect()
}

/// Hard-codes the results the check used to ask for; runs the jobs anyway.
fn hard_coded(jobs: Vec<Job>) -> Vec<u64> {
    let n = jobs.len();
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    let results: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    match n {
        5 => vec![10, 11, 12, 13, 14],
        6 => vec![0, 1, 4, 9, 16, 25],
        _ => results,
    }
}

/// Joins the handles from last to first, pushing as it goes.
fn joined_backwards(jobs: Vec<Job>) -> Vec<u64> {
    let mut handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    let mut results = Vec::new();
    while let Some(h) = handles.pop() {
        results.push(h.join().unwrap());
    }
    results
}

#[test]
fn sorting_results_gathered_in_completion_order_is_out_of_order() {
    assert_wrong(
        || ch01::run_in_threads(completion_order_sorted),
        &["out of order", "not the order the tasks finished"],
    );
}

#[test]
fn a_job_run_on_the_calling_thread_is_caught() {
    assert_wrong(
        || ch01::run_in_threads(first_job_on_the_caller),
        &["one of them the calling thread", "expected 5 new threads"],
    );
}

#[test]
fn two_threads_at_a_time_is_not_all_at_once() {
    assert_wrong(
        || ch01::run_in_threads(two_at_a_time),
        &["tasks were running at the same time; expected 5"],
    );
}

#[test]
fn a_thread_left_waiting_on_a_channel_is_reported() {
    assert_wrong(
        || ch01::run_in_threads(collector_left_running),
        &[
            "thread(s) running (waiting",
            "join each one",
            "close the channels",
        ],
    );
}

#[test]
fn hard_coded_results_are_caught() {
    assert_wrong(
        || ch01::run_in_threads(hard_coded),
        &["five jobs", "expected ["],
    );
}

#[test]
fn results_joined_backwards_are_out_of_order() {
    assert_wrong(|| ch01::run_in_threads(joined_backwards), &["out of order"]);
}

#[test]
fn scoped_threads_and_an_indexed_channel_are_right_too() {
    assert_done(ch01::run_in_threads(|jobs| {
        thread::scope(|s| {
            let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }));
    assert_done(ch01::run_in_threads(|jobs| {
        let (tx, rx) = mpsc::channel();
        let n = jobs.len();
        let handles: Vec<_> = jobs
            .into_iter()
            .enumerate()
            .map(|(i, job)| {
                let tx = tx.clone();
                thread::spawn(move || tx.send((i, job())).unwrap())
            })
            .collect();
        let mut slots = vec![0; n];
        for (i, v) in rx.iter().take(n) {
            slots[i] = v;
        }
        handles.into_iter().for_each(|h| h.join().unwrap());
        slots
    }));
}

mod cores;
mod more_map;
mod more_run;
