//! Wrong answers to chapter 03's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use std::thread;

use crossbeam::channel;
use workbook::Job;

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch03;

// ch03 total ----------------------------------------------------------------

/// The classic mistake: submit and wait in the same loop iteration.
fn submit_and_wait(jobs: Vec<Job>) -> u64 {
    let mut sum = 0;
    for job in jobs {
        let handle = thread::spawn(job);
        sum += handle.join().unwrap();
    }
    sum
}

/// Parallel, but the last handle is never joined: its result is lost.
fn forgets_the_last(jobs: Vec<Job>) -> u64 {
    let mut handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles.pop();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

/// The chapter's buggy cell: spawn and join in one lazy chain, one job at a time.
fn one_lazy_chain(jobs: Vec<Job>) -> u64 {
    jobs.into_iter()
        .map(thread::spawn)
        .map(|handle| handle.join().unwrap())
        .sum()
}

#[test]
fn spawning_and_joining_in_one_lazy_chain_is_told_it_ran_sequentially() {
    assert_wrong(
        || ch03::total(one_lazy_chain),
        &["ran sequentially", "Submit every job first"],
    );
}

#[test]
fn submitting_and_waiting_in_one_loop_is_told_it_ran_sequentially() {
    assert_wrong(
        || ch03::total(submit_and_wait),
        &["ran sequentially", "Submit every job first"],
    );
}

#[test]
fn a_lost_result_makes_the_total_short() {
    assert_wrong(|| ch03::total(forgets_the_last), &["short", "not added"]);
}

// ch03 run_batches ----------------------------------------------------------

/// Waits for each batch before submitting the next.
fn one_batch_at_a_time(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    batches
        .into_iter()
        .map(|batch| {
            let handles: Vec<_> = batch.into_iter().map(thread::spawn).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
        .collect()
}

/// All in flight, but each batch's results gathered as they finish.
fn batches_in_completion_order(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let receivers: Vec<_> = batches
        .into_iter()
        .map(|batch| {
            let (tx, rx) = channel::unbounded();
            let n = batch.len();
            for job in batch {
                let tx = tx.clone();
                thread::spawn(move || tx.send(job()).unwrap());
            }
            (rx, n)
        })
        .collect();
    receivers
        .into_iter()
        .map(|(rx, n)| rx.iter().take(n).collect())
        .collect()
}

/// Skips empty batches: the lists no longer line up with the batches.
fn skips_empty_batches(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let mut out = one_batch_at_a_time(batches);
    out.retain(|b| !b.is_empty());
    out
}

#[test]
fn waiting_for_each_batch_before_the_next_is_not_all_in_flight() {
    assert_wrong(
        || ch03::run_batches(one_batch_at_a_time),
        &[
            "tasks were running at the same time; expected",
            "before waiting for the first batch",
        ],
    );
}

#[test]
fn completion_order_where_submission_order_was_asked_is_out_of_order() {
    assert_wrong(
        || ch03::run_batches(batches_in_completion_order),
        &["out of order", "not the order the tasks finished"],
    );
}

#[test]
fn a_lost_batch_is_counted() {
    assert_wrong(
        || ch03::run_batches(skips_empty_batches),
        &["one list of results per batch, 3 lists, got 2"],
    );
}

// ch03 in_completion_order --------------------------------------------------

/// Parallel, but gathered in submission order.
fn in_submission_order(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .enumerate()
        .map(|(i, h)| (i, h.join().unwrap()))
        .collect()
}

/// Completion order, but tagged with the arrival position, not the job.
fn tagged_by_arrival(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = channel::unbounded();
    for job in jobs {
        let tx = tx.clone();
        thread::spawn(move || tx.send(job()).unwrap());
    }
    drop(tx);
    rx.iter().enumerate().collect()
}

/// Receives one result fewer than it started.
fn stops_one_early(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = channel::unbounded();
    let n = jobs.len();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send((i, job()));
        });
    }
    rx.iter().take(n.saturating_sub(1)).collect()
}

/// Runs the jobs one after another, sending each result as it comes.
fn one_thread_for_all(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    thread::spawn(move || jobs.into_iter().map(|j| j()).enumerate().collect())
        .join()
        .unwrap()
}

#[test]
fn submission_order_where_completion_order_was_asked_is_caught() {
    assert_wrong(
        || ch03::in_completion_order(in_submission_order),
        &["submission order", "finished last to first"],
    );
}

#[test]
fn results_tagged_with_the_wrong_index_are_caught() {
    assert_wrong(
        || ch03::in_completion_order(tagged_by_arrival),
        &["job index"],
    );
}

#[test]
fn a_result_never_received_is_missing() {
    assert_wrong(|| ch03::in_completion_order(stops_one_early), &["missing"]);
}

#[test]
fn one_worker_thread_runs_them_sequentially() {
    assert_wrong(
        || ch03::in_completion_order(one_thread_for_all),
        &["ran sequentially", "on its own `thread::spawn`"],
    );
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch03::total(|_| todo!()).is_not_started());
    assert!(ch03::run_batches(|_| todo!()).is_not_started());
    assert!(ch03::in_completion_order(|_| todo!()).is_not_started());
}

#[path = "check_ch03/more.rs"]
mod more;

#[path = "check_ch03/escapes.rs"]
mod escapes;
