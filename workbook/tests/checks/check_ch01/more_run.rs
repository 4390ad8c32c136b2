//! Still more wrong answers to chapter 01's `run_in_threads`: pools of a
//! fixed or core-sized number of threads, threads only for large inputs, a
//! round second of sleep instead of joins, and a right answer written with
//! a channel per job.

use super::*;

use super::cores::in_lanes;

/// "Never more than 8 threads": a cap that looks prudent.
fn at_most_eight_threads(jobs: Vec<Job>) -> Vec<u64> {
    let lanes = jobs.len().min(8);
    in_lanes(jobs, lanes)
}

/// Two threads per core, the rule of thumb for oversubscribing.
fn twice_the_cores(jobs: Vec<Job>) -> Vec<u64> {
    let lanes = jobs.len().min(2 * workbook::cpus().available);
    in_lanes(jobs, lanes)
}

/// Threads only for "big" inputs; a plain loop for five jobs or fewer.
fn threads_only_for_many_jobs(jobs: Vec<Job>) -> Vec<u64> {
    if jobs.len() <= 5 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// One thread, started and joined, that runs every job in turn.
fn one_thread_for_all(jobs: Vec<Job>) -> Vec<u64> {
    thread::spawn(move || jobs.into_iter().map(|job| job()).collect())
        .join()
        .unwrap()
}

/// rayon's global pool: one thread per core.
fn on_the_global_pool(jobs: Vec<Job>) -> Vec<u64> {
    use rayon::prelude::*;
    jobs.into_par_iter().map(|job| job()).collect()
}

/// Starts every job, sleeps a round second, then reads what the threads left.
fn sleeps_a_second(jobs: Vec<Job>) -> Vec<u64> {
    super::cores::reads_after(std::time::Duration::from_secs(1), jobs)
}

#[test]
fn a_cap_of_eight_threads_is_caught() {
    assert_wrong(
        || ch01::run_in_threads(at_most_eight_threads),
        &["ran on 8 threads, at most 8 at the same time"],
    );
}

#[test]
fn two_threads_per_core_are_caught_on_any_machine() {
    assert_wrong(
        || ch01::run_in_threads(twice_the_cores),
        &["one new thread per task"],
    );
}

#[test]
fn a_loop_for_few_jobs_is_caught() {
    assert_wrong(
        || ch01::run_in_threads(threads_only_for_many_jobs),
        &[
            "five jobs that finish in reverse order",
            "no thread was started",
        ],
    );
}

#[test]
fn one_thread_running_every_job_ran_sequentially() {
    assert_wrong(
        || ch01::run_in_threads(one_thread_for_all),
        &["ran sequentially", "Start every thread first"],
    );
}

#[test]
fn rayons_global_pool_for_jobs_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::run_in_threads(on_the_global_pool),
        &["one new thread per task"],
    );
}

#[test]
fn sleeping_a_round_second_instead_of_joining_is_caught() {
    assert_wrong(
        || ch01::run_in_threads(sleeps_a_second),
        &[
            "s after the others",
            "were still running",
            "Join every JoinHandle",
        ],
    );
}

#[test]
fn a_channel_per_job_read_in_job_order_is_right_too() {
    assert_done(ch01::run_in_threads(|jobs| {
        let receivers: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let (tx, rx) = mpsc::channel();
                thread::spawn(move || tx.send(job()).unwrap());
                rx
            })
            .collect();
        receivers.into_iter().map(|rx| rx.recv().unwrap()).collect()
    }));
}
