//! Chapter 01: answers that wait instead of joining, and pools sized by the
//! cores (caught on any machine: the checks ask for more threads than cores).

use std::thread;

use workbook::Job;
use workbook::check::ch01;

use crate::common::assert_wrong;

/// Starts every job, waits a while, then reads what the threads left behind
/// instead of joining them.
fn sleeps_then_reads(jobs: Vec<Job>) -> Vec<u64> {
    use std::sync::{Arc, Mutex};
    let slots = Arc::new(Mutex::new(vec![0; jobs.len()]));
    for (i, job) in jobs.into_iter().enumerate() {
        let slots = Arc::clone(&slots);
        thread::spawn(move || {
            let v = job();
            slots.lock().unwrap()[i] = v;
        });
    }
    thread::sleep(std::time::Duration::from_millis(200));
    slots.lock().unwrap().clone()
}

/// One thread per core, each running every `cores`-th job.
fn run_thread_per_core(jobs: Vec<Job>) -> Vec<u64> {
    let cores = workbook::cpus().available;
    let n = jobs.len();
    let mut lanes: Vec<Vec<(usize, Job)>> = (0..cores).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        lanes[i % cores].push((i, job));
    }
    let handles: Vec<_> = lanes
        .into_iter()
        .map(|lane| {
            thread::spawn(move || {
                lane.into_iter()
                    .map(|(i, job)| (i, job()))
                    .collect::<Vec<_>>()
            })
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
        &["tasks were running at the same time"],
    );
}

#[test]
fn the_global_pool_for_inputs_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::map_in_threads(map_on_global_pool),
        &["tasks were running at the same time"],
    );
}
