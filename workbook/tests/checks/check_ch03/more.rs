//! More wrong answers to chapter 03's exercises, each a way a learner could
//! half-understand the section, and right answers written differently from
//! the reference, which must keep passing.

use super::*;

// ch03 total: more wrong answers, and right ones written differently

/// Returns the totals the check used to ask for; runs the jobs anyway.
fn hard_coded_total(jobs: Vec<Job>) -> u64 {
    let n = jobs.len();
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    match n {
        1 => 42,
        8 => 31,
        _ => sum,
    }
}

/// Two jobs at a time, each pair joined before the next starts.
fn total_two_at_a_time(jobs: Vec<Job>) -> u64 {
    let mut jobs = jobs.into_iter().peekable();
    let mut sum = 0;
    while jobs.peek().is_some() {
        let pair: Vec<_> = jobs.by_ref().take(2).map(thread::spawn).collect();
        sum += pair.into_iter().map(|h| h.join().unwrap()).sum::<u64>();
    }
    sum
}

/// Runs the first job itself while the others run on threads.
fn total_first_on_the_caller(jobs: Vec<Job>) -> u64 {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else { return 0 };
    let handles: Vec<_> = jobs.map(thread::spawn).collect();
    first() + handles.into_iter().map(|h| h.join().unwrap()).sum::<u64>()
}

/// Receives one result fewer than it started.
fn total_one_short(jobs: Vec<Job>) -> u64 {
    let n = jobs.len();
    let (tx, rx) = std::sync::mpsc::channel();
    for job in jobs {
        let tx = tx.clone();
        thread::spawn(move || tx.send(job()).unwrap());
    }
    rx.iter().take(n.saturating_sub(1)).sum()
}

/// Keeps the largest result instead of adding them up.
fn total_as_max(jobs: Vec<Job>) -> u64 {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .max()
        .unwrap_or(0)
}

#[test]
fn a_hard_coded_total_is_caught() {
    assert_wrong(
        || ch03::total(hard_coded_total),
        &["one job", "expected a total of"],
    );
}

#[test]
fn two_jobs_at_a_time_are_not_all_in_flight() {
    assert_wrong(
        || ch03::total(total_two_at_a_time),
        &["tasks were running at the same time; expected"],
    );
}

#[test]
fn a_job_run_by_the_caller_is_caught() {
    assert_wrong(
        || ch03::total(total_first_on_the_caller),
        &["one of them the calling thread"],
    );
}

#[test]
fn a_result_never_received_makes_the_total_short() {
    assert_wrong(
        || ch03::total(total_one_short),
        &["short", "Every handle must be joined"],
    );
}

#[test]
fn the_largest_result_is_not_the_total() {
    assert_wrong(|| ch03::total(total_as_max), &["expected a total of"]);
}

#[test]
fn scoped_threads_and_a_channel_total_right_too() {
    assert_done(ch03::total(|jobs| {
        thread::scope(|s| {
            let hs: Vec<_> = jobs.into_iter().map(|j| s.spawn(j)).collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        })
    }));
    assert_done(ch03::total(|jobs| {
        let (tx, rx) = std::sync::mpsc::channel();
        let hs: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let tx = tx.clone();
                thread::spawn(move || tx.send(job()).unwrap())
            })
            .collect();
        drop(tx);
        let sum = rx.iter().sum();
        hs.into_iter().for_each(|h| h.join().unwrap());
        sum
    }));
}

// ch03 run_batches: more wrong answers, and a right one written differently

/// All in flight, then each batch sorted to undo completion order.
fn batches_sorted(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let mut out = batches_in_completion_order(batches);
    out.iter_mut().for_each(|b| b.sort());
    out
}

/// One list for everything: the batches are lost.
fn flattened(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let handles: Vec<_> = batches.into_iter().flatten().map(thread::spawn).collect();
    let all: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    if all.is_empty() {
        Vec::new()
    } else {
        vec![all]
    }
}

/// Batches gathered last to first.
fn batches_reversed(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let in_flight: Vec<Vec<_>> = batches
        .into_iter()
        .map(|b| b.into_iter().map(thread::spawn).collect())
        .collect();
    in_flight
        .into_iter()
        .rev()
        .map(|hs: Vec<thread::JoinHandle<u64>>| hs.into_iter().map(|h| h.join().unwrap()).collect())
        .collect()
}

/// One thread per batch, running its jobs one after another.
fn a_thread_per_batch(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let handles: Vec<_> = batches
        .into_iter()
        .map(|b| thread::spawn(move || b.into_iter().map(|job| job()).collect::<Vec<u64>>()))
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Returns the lists the check used to ask for; runs the jobs anyway.
fn hard_coded_batches(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>> {
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    let got = a_thread_per_batch(batches);
    match sizes.as_slice() {
        [4, 4] => vec![vec![0, 1, 2, 3], vec![10, 11, 12, 13]],
        _ => got,
    }
}

#[test]
fn batches_sorted_after_completion_order_are_out_of_order() {
    assert_wrong(
        || ch03::run_batches(batches_sorted),
        &["batch 1", "out of order"],
    );
}

#[test]
fn one_flat_list_loses_the_batches() {
    assert_wrong(
        || ch03::run_batches(flattened),
        &["one list of results per batch"],
    );
}

#[test]
fn batches_gathered_last_to_first_are_caught() {
    assert_wrong(
        || ch03::run_batches(batches_reversed),
        &["batch 1", "Expected [1], got [2, 3]"],
    );
}

#[test]
fn a_thread_per_batch_is_not_every_job_in_flight() {
    assert_wrong(
        || ch03::run_batches(a_thread_per_batch),
        &["one new thread per task"],
    );
}

#[test]
fn hard_coded_batches_are_caught() {
    assert_wrong(
        || ch03::run_batches(hard_coded_batches),
        &["two batches whose jobs finish in a scrambled order"],
    );
}

#[test]
fn scoped_threads_run_batches_right_too() {
    assert_done(ch03::run_batches(|batches| {
        thread::scope(|s| {
            let in_flight: Vec<Vec<_>> = batches
                .into_iter()
                .map(|b| b.into_iter().map(|j| s.spawn(j)).collect())
                .collect();
            in_flight
                .into_iter()
                .map(|hs: Vec<_>| hs.into_iter().map(|h| h.join().unwrap()).collect())
                .collect()
        })
    }));
}

// ch03 in_completion_order: more wrong answers, and a right one written differently

/// Submission order, reversed: right only when jobs finish last to first.
fn reversed_submission(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let mut got = in_submission_order(jobs);
    got.reverse();
    got
}

/// Sorted by job index, highest first.
fn highest_index_first(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let mut got = in_submission_order(jobs);
    got.sort_by_key(|pair| std::cmp::Reverse(pair.0));
    got
}

/// Completion order, but jobs numbered from 1.
fn numbered_from_one(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = crossbeam::channel::unbounded();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || tx.send((i + 1, job())).unwrap());
    }
    drop(tx);
    rx.iter().collect()
}

/// Two worker threads, each running half the jobs and sending as it goes.
fn two_workers(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let (tx, rx) = crossbeam::channel::unbounded();
    let mut halves: Vec<Vec<(usize, Job)>> = vec![Vec::new(), Vec::new()];
    for (i, job) in jobs.into_iter().enumerate() {
        halves[i % 2].push((i, job));
    }
    for half in halves {
        let tx = tx.clone();
        thread::spawn(move || {
            for (i, job) in half {
                tx.send((i, job())).unwrap();
            }
        });
    }
    drop(tx);
    rx.iter().collect()
}

/// Runs the first job on the calling thread before starting the others.
fn first_before_the_rest(jobs: Vec<Job>) -> Vec<(usize, u64)> {
    let mut jobs = jobs.into_iter().enumerate();
    let Some((i0, first)) = jobs.next() else {
        return Vec::new();
    };
    let (tx, rx) = crossbeam::channel::unbounded();
    tx.send((i0, first())).unwrap();
    for (i, job) in jobs {
        let tx = tx.clone();
        thread::spawn(move || tx.send((i, job())).unwrap());
    }
    drop(tx);
    rx.iter().collect()
}

#[test]
fn reversed_submission_order_is_caught_by_a_shuffled_finish() {
    assert_wrong(
        || ch03::in_completion_order(reversed_submission),
        &["four jobs that finish in the order [", "expected [("],
    );
}

#[test]
fn highest_index_first_is_caught_by_a_shuffled_finish() {
    assert_wrong(
        || ch03::in_completion_order(highest_index_first),
        &["four jobs that finish in the order ["],
    );
}

#[test]
fn jobs_numbered_from_one_are_caught() {
    assert_wrong(
        || ch03::in_completion_order(numbered_from_one),
        &["one job", "expected [(0, 7)]"],
    );
}

#[test]
fn two_worker_threads_are_not_every_job_at_once() {
    assert_wrong(
        || ch03::in_completion_order(two_workers),
        &["one new thread per task"],
    );
}

#[test]
fn a_first_job_run_before_the_others_start_is_caught() {
    assert_wrong(
        || ch03::in_completion_order(first_before_the_rest),
        &["tasks were running at the same time; expected"],
    );
}

#[test]
fn a_shared_list_pushed_as_jobs_finish_is_right_too() {
    assert_done(ch03::in_completion_order(|jobs| {
        let done = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let hs: Vec<_> = jobs
            .into_iter()
            .enumerate()
            .map(|(i, job)| {
                let done = std::sync::Arc::clone(&done);
                thread::spawn(move || {
                    let v = job();
                    done.lock().unwrap().push((i, v));
                })
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        std::mem::take(&mut *done.lock().unwrap())
    }));
}
