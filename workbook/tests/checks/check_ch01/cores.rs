//! Chapter 01: answers that wait instead of joining, and pools sized by the
//! cores (caught on any machine: the checks ask for more threads than cores).

use std::thread;

use workbook::Job;
use workbook::check::ch01;

use crate::common::assert_wrong;

/// Starts every job, waits `nap`, then reads what the threads left behind
/// instead of joining them.
pub(super) fn reads_after(nap: std::time::Duration, jobs: Vec<Job>) -> Vec<u64> {
    use std::sync::{Arc, Mutex};
    let slots = Arc::new(Mutex::new(vec![0; jobs.len()]));
    for (i, job) in jobs.into_iter().enumerate() {
        let slots = Arc::clone(&slots);
        thread::spawn(move || {
            let v = job();
            slots.lock().unwrap()[i] = v;
        });
    }
    thread::sleep(nap);
    slots.lock().unwrap().clone()
}

/// Waits a fifth of a second instead of joining.
fn sleeps_then_reads(jobs: Vec<Job>) -> Vec<u64> {
    reads_after(std::time::Duration::from_millis(200), jobs)
}

/// Deals the jobs to `lanes` threads (job `i` to thread `i % lanes`), each
/// running its share one after another; the results are put back in job order.
pub(super) fn in_lanes(jobs: Vec<Job>, lanes: usize) -> Vec<u64> {
    let n = jobs.len();
    let lanes = lanes.max(1);
    let mut shares: Vec<Vec<(usize, Job)>> = (0..lanes).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        shares[i % lanes].push((i, job));
    }
    let handles: Vec<_> = shares
        .into_iter()
        .map(|share| {
            thread::spawn(move || share.into_iter().map(|(i, j)| (i, j())).collect::<Vec<_>>())
        })
        .collect();
    let mut results = vec![0; n];
    for h in handles {
        for (i, v) in h.join().unwrap() {
            results[i] = v;
        }
    }
    results
}

/// One thread per core, each running every `cores`-th job.
fn run_thread_per_core(jobs: Vec<Job>) -> Vec<u64> {
    in_lanes(jobs, workbook::cpus().available)
}

/// rayon's global pool, one thread per core, for the inputs.
fn map_on_global_pool(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    use rayon::prelude::*;
    inputs.par_iter().map(|&x| f(x)).collect()
}

#[test]
fn waiting_a_while_instead_of_joining_is_caught() {
    assert_wrong(
        || ch01::run_in_threads(sleeps_then_reads),
        &["were still running", "Join every JoinHandle"],
    );
}

#[test]
fn one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::run_in_threads(run_thread_per_core),
        &["one new thread per task"],
    );
}

#[test]
fn the_global_pool_for_inputs_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::map_in_threads(map_on_global_pool),
        &["one new thread per task"],
    );
}
