//! Wrong answers to chapter 03's exercises that escaped narrow checks: pools
//! sized by the cores or capped, a sleep instead of joins, the check's own
//! finishing orders hard-coded; and right answers written differently.

use super::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// Runs the jobs on `lanes` threads that take the next job from a shared
/// queue, and hands each (job index, result) to `done` as it finishes.
fn on_lanes(jobs: Vec<Job>, lanes: usize, done: impl Fn(usize, u64) + Send + Sync) {
    let queue = Mutex::new(jobs.into_iter().enumerate());
    thread::scope(|s| {
        for _ in 0..lanes.max(1) {
            s.spawn(|| {
                loop {
                    // The queue's lock is released before the job runs.
                    let next = queue.lock().unwrap().next();
                    let Some((i, job)) = next else { break };
                    done(i, job());
                }
            });
        }
    });
}

fn cores() -> usize {
    workbook::cpus().available
}

// ch03 total ----------------------------------------------------------------

fn total_on_lanes(jobs: Vec<Job>, lanes: usize) -> u64 {
    let sum = AtomicU64::new(0);
    on_lanes(jobs, lanes, |_, v| {
        sum.fetch_add(v, Ordering::SeqCst);
    });
    sum.into_inner()
}

/// rayon's global pool: one thread per core.
fn total_on_the_global_pool(jobs: Vec<Job>) -> u64 {
    jobs.into_par_iter().map(|job| job()).sum()
}

/// "Never more than 8 threads."
fn total_on_eight_threads(jobs: Vec<Job>) -> u64 {
    total_on_lanes(jobs, 8)
}

/// Two threads per core.
fn total_on_twice_the_cores(jobs: Vec<Job>) -> u64 {
    total_on_lanes(jobs, 2 * cores())
}

/// Threads add to a shared total; the answer sleeps, then reads it.
fn total_after_a_nap(jobs: Vec<Job>) -> u64 {
    let sum = Arc::new(AtomicU64::new(0));
    for job in jobs {
        let sum = Arc::clone(&sum);
        thread::spawn(move || sum.fetch_add(job(), Ordering::SeqCst));
    }
    thread::sleep(Duration::from_millis(300));
    sum.load(Ordering::SeqCst)
}

/// Counts the jobs instead of adding their results.
fn counts_the_jobs(jobs: Vec<Job>) -> u64 {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles.into_iter().map(|h| h.join().map_or(0, |_| 1)).sum()
}

#[test]
fn a_total_on_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch03::total(total_on_the_global_pool),
        &["one new thread per task"],
    );
}

#[test]
fn a_total_on_eight_threads_is_caught() {
    assert_wrong(
        || ch03::total(total_on_eight_threads),
        &["ran on 8 threads, at most 8 at the same time"],
    );
}

#[test]
fn a_total_on_two_threads_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch03::total(total_on_twice_the_cores),
        &["one new thread per task"],
    );
}

#[test]
fn a_total_read_after_a_nap_is_caught() {
    assert_wrong(
        || ch03::total(total_after_a_nap),
        &["s after the others", "were still running"],
    );
}

#[test]
fn counting_the_jobs_is_not_the_total() {
    assert_wrong(
        || ch03::total(counts_the_jobs),
        &["one job", "expected a total of"],
    );
}

#[test]
fn an_atomic_total_added_to_by_joined_threads_is_right_too() {
    assert_done(ch03::total(|jobs| {
        let sum = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let sum = Arc::clone(&sum);
                thread::spawn(move || {
                    sum.fetch_add(job(), Ordering::SeqCst);
                })
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        sum.load(Ordering::SeqCst)
    }));
}

// ch03 run_batches ----------------------------------------------------------

/// Nested parallel iterators on rayon's global pool.
fn batches_on_the_global_pool(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    batches
        .into_par_iter()
        .map(|b| b.into_par_iter().map(|job| job()).collect())
        .collect()
}

/// Every job in flight, each batch gathered as its jobs finish, then
/// reversed: right when jobs finish last to first.
fn batches_reversed_completion(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let mut out = batches_in_completion_order(batches);
    out.iter_mut().for_each(|b| b.reverse());
    out
}

/// Threads fill slots; the answer sleeps, then reads the slots.
fn batches_after_a_nap(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let slots: Vec<Arc<Mutex<Vec<u64>>>> = batches
        .iter()
        .map(|b| Arc::new(Mutex::new(vec![0; b.len()])))
        .collect();
    for (batch, slot) in batches.into_iter().zip(&slots) {
        for (i, job) in batch.into_iter().enumerate() {
            let slot = Arc::clone(slot);
            thread::spawn(move || {
                let v = job();
                slot.lock().unwrap()[i] = v;
            });
        }
    }
    thread::sleep(Duration::from_millis(300));
    slots.iter().map(|s| s.lock().unwrap().clone()).collect()
}

/// "Never more than 16 threads", every job on the shared lanes.
fn batches_on_sixteen_threads(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    let flat: Vec<Job> = batches.into_iter().flatten().collect();
    let results = Mutex::new(vec![0; flat.len()]);
    on_lanes(flat, 16, |i, v| results.lock().unwrap()[i] = v);
    let mut results = results.into_inner().unwrap().into_iter();
    sizes
        .iter()
        .map(|&n| results.by_ref().take(n).collect())
        .collect()
}

/// A scope per batch: each batch's threads are joined before the next starts.
fn a_scope_per_batch(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    batches
        .into_iter()
        .map(|b| {
            thread::scope(|s| {
                let hs: Vec<_> = b.into_iter().map(|j| s.spawn(j)).collect();
                hs.into_iter().map(|h| h.join().unwrap()).collect()
            })
        })
        .collect()
}

#[test]
fn batches_on_the_global_pool_are_caught_on_any_machine() {
    assert_wrong(
        || ch03::run_batches(batches_on_the_global_pool),
        &["one new thread per task"],
    );
}

#[test]
fn completion_order_reversed_is_out_of_order_on_every_run() {
    assert_wrong(
        || ch03::run_batches(batches_reversed_completion),
        &["the right results, but out of order"],
    );
}

#[test]
fn batches_read_after_a_nap_are_caught() {
    assert_wrong(
        || ch03::run_batches(batches_after_a_nap),
        &["s after the others", "were still running"],
    );
}

#[test]
fn batches_on_sixteen_threads_are_caught() {
    assert_wrong(
        || ch03::run_batches(batches_on_sixteen_threads),
        &["ran on 16 threads, at most 16 at the same time"],
    );
}

#[test]
fn a_scope_per_batch_is_not_every_job_in_flight() {
    assert_wrong(
        || ch03::run_batches(a_scope_per_batch),
        &[
            "tasks were running at the same time",
            "before waiting for the first batch",
        ],
    );
}

#[test]
fn handles_joined_in_one_list_and_cut_back_into_batches_are_right_too() {
    assert_done(ch03::run_batches(|batches| {
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        let handles: Vec<_> = batches.into_iter().flatten().map(thread::spawn).collect();
        let mut results = handles.into_iter().map(|h| h.join().unwrap());
        sizes
            .iter()
            .map(|&n| results.by_ref().take(n).collect())
            .collect()
    }));
}

// ch03 in_completion_order --------------------------------------------------

/// Sends each result as it finishes, from rayon's global pool.
fn sent_from_the_global_pool(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = channel::unbounded();
    jobs.into_par_iter()
        .enumerate()
        .for_each_with(tx, |tx, (i, job)| tx.send((i, job())).unwrap());
    rx.iter().collect()
}

/// Gives the check the finishing orders it seemed to ask for.
fn the_checks_orders(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let n = jobs.len();
    let got = in_submission_order(jobs);
    match n {
        4 => [2, 0, 3, 1].iter().map(|&i| got[i]).collect(),
        _ => got.into_iter().rev().collect(),
    }
}

/// Threads send as they finish; the answer sleeps, then takes what came.
fn received_after_a_nap(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = channel::unbounded();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send((i, job()));
        });
    }
    thread::sleep(Duration::from_millis(300));
    rx.try_iter().collect()
}

fn sent_from_lanes(jobs: Vec<Job>, lanes: usize) -> Vec<(usize, u64)> {
    let (tx, rx) = channel::unbounded();
    on_lanes(jobs, lanes, |i, v| tx.send((i, v)).unwrap());
    drop(tx);
    rx.iter().collect()
}

/// "Never more than 8 threads", sending as they finish.
fn sent_from_eight_threads(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    sent_from_lanes(jobs, 8)
}

/// Two threads per core, sending as they finish.
fn sent_from_twice_the_cores(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    sent_from_lanes(jobs, 2 * cores())
}

#[test]
fn sending_from_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch03::in_completion_order(sent_from_the_global_pool),
        &["one new thread per task"],
    );
}

#[test]
fn the_checks_finishing_orders_hard_coded_are_caught() {
    assert_wrong(
        || ch03::in_completion_order(the_checks_orders),
        &[
            "four jobs that finish in the order",
            "Return the pairs in the order",
        ],
    );
}

#[test]
fn results_taken_after_a_nap_are_caught() {
    assert_wrong(
        || ch03::in_completion_order(received_after_a_nap),
        &[
            "s after the others",
            "were still running",
            "Receive until every sender is gone",
        ],
    );
}

#[test]
fn eight_threads_sending_as_they_finish_are_caught() {
    assert_wrong(
        || ch03::in_completion_order(sent_from_eight_threads),
        &["ran on 8 threads, at most 8 at the same time"],
    );
}

#[test]
fn two_threads_per_core_sending_are_caught_on_any_machine() {
    assert_wrong(
        || ch03::in_completion_order(sent_from_twice_the_cores),
        &["one new thread per task"],
    );
}

#[test]
fn finishing_times_sorted_after_joining_are_right_too() {
    assert_done(ch03::in_completion_order(|jobs| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| thread::spawn(move || (job(), Instant::now())))
            .collect();
        let mut done: Vec<(Instant, usize, u64)> = handles
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let (v, at) = h.join().unwrap();
                (at, i, v)
            })
            .collect();
        done.sort();
        done.into_iter().map(|(_, i, v)| (i, v)).collect()
    }));
}
