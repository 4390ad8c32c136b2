//! Checks for chapter 01, sequential loops vs threads.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::finished::{Finished, JOIN_EVERY, LATE};
use super::probe::beyond_pools;
use super::{Expect, Probe, Report, Wrong, compare_lists, expect_parallel};
use crate::Job;

pub use super::declared::ch01::*;

const SEQUENTIAL_HINT: &str = "Start every thread first and keep its JoinHandle; \
     join them only after the last one has started.";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `Err` unless the `n` tasks `probe` watched in `case` ran at once, each
/// on a new thread of its own.
fn all_at_once(case: &str, probe: &Probe, n: usize) -> Result<(), Wrong> {
    let expect = Expect {
        at_once: n,
        threads: Some(n),
    };
    expect_parallel(case, probe, thread::current().id(), expect, SEQUENTIAL_HINT)
}

/// Checks `run_in_threads(jobs: Vec<Job>) -> Vec<u64>`.
pub fn run_in_threads(answer: impl Fn(Vec<Job>) -> Vec<u64> + Send + 'static) -> Report {
    RUN_IN_THREADS.grade(move || {
        compare_lists("no jobs", &[], &answer(Vec::new()))?;
        let finished = Finished::default();
        let got = answer(vec![finished.job(|| 7)]);
        finished.all("one job", 1, &got, JOIN_EVERY)?;
        compare_lists("one job", &[7], &got)?;

        // Later jobs finish first: the results must still follow job order.
        // The values change from run to run and fall in job order, so that
        // neither a hard-coded list nor sorting the results can pass. The
        // jobs are watched too: an answer that runs a few jobs in a loop,
        // and starts threads only for as many as the last case has, is caught.
        let mut dice = Dice::new();
        let values = dice.descending(5);
        let probe = Arc::new(Probe::new(5));
        let finished = Finished::default();
        let jobs = values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let probe = Arc::clone(&probe);
                finished.job(move || {
                    probe.task(|| thread::sleep(ms((5 - i as u64) * 4)));
                    v
                })
            })
            .collect();
        let case = "five jobs that finish in reverse order";
        let got = answer(jobs);
        finished.all(case, 5, &got, JOIN_EVERY)?;
        compare_lists(case, &values, &got)?;
        all_at_once(case, &probe, 5)?;

        // One job, at a place that changes, finishes well after the rest:
        // an answer that waits a while and reads what the threads left,
        // instead of joining them, returns while it is still running.
        let values = dice.descending(5);
        let late = dice.between(0, 5) as usize;
        let finished = Finished::default();
        let jobs = finished.one_late(&values, late);
        let case = format!(
            "five jobs, job {late} finishing {} s after the others",
            LATE.as_secs_f32()
        );
        let got = answer(jobs);
        finished.all(&case, 5, &got, JOIN_EVERY)?;
        compare_lists(&case, &values, &got)?;

        let n = beyond_pools();
        let values = dice.descending(n);
        let probe = Arc::new(Probe::new(n));
        let finished = Finished::default();
        let jobs = values
            .iter()
            .map(|&v| {
                let probe = Arc::clone(&probe);
                finished.job(move || probe.task(|| v))
            })
            .collect();
        let case = format!("{n} jobs at once");
        let got = answer(jobs);
        finished.all(&case, n, &got, JOIN_EVERY)?;
        compare_lists(&case, &values, &got)?;
        all_at_once(&case, &probe, n)?;
        Ok(format!(
            "{n} jobs ran at once on {n} threads; results came back in job order \
             (also for no jobs, one job, jobs finishing in reverse, and a job finishing late)."
        ))
    })
}

/// Checks `map_in_threads(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64>`.
pub fn map_in_threads(
    answer: impl Fn(&[u64], &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> + Send + 'static,
) -> Report {
    MAP_IN_THREADS.grade(move || {
        compare_lists("no inputs", &[], &answer(&[], &|x| x * x))?;
        compare_lists("one input", &[9], &answer(&[3], &|x| x * x))?;

        // Inputs that change from run to run, later ones finishing first,
        // watched as in `run_in_threads`.
        let mut dice = Dice::new();
        let inputs = dice.descending(5);
        let probe = Probe::new(5);
        let slow_first = |x: u64| {
            let rank = inputs.iter().position(|&v| v == x).unwrap_or(0) as u64;
            probe.task(|| thread::sleep(ms((6 - rank) * 4)));
            x + 1
        };
        let case = "five inputs that finish in reverse order";
        let expected: Vec<u64> = inputs.iter().map(|x| x + 1).collect();
        compare_lists(case, &expected, &answer(&inputs, &slow_first))?;
        all_at_once(case, &probe, 5)?;

        // More inputs than a pool sized by the cores has threads, one of
        // them twice, so that mapping each distinct input once starts too
        // few threads.
        let mut inputs = dice.unsorted(beyond_pools());
        let twice = inputs[1];
        if let Some(last) = inputs.last_mut() {
            *last = twice;
        }
        let probe = Probe::new(inputs.len());
        let square = |x: u64| probe.task(|| x * x);
        let case = format!("{} inputs at once", inputs.len());
        let expected: Vec<u64> = inputs.iter().map(|x| x * x).collect();
        compare_lists(&case, &expected, &answer(&inputs, &square))?;
        all_at_once(&case, &probe, inputs.len())?;
        Ok(format!(
            "{n} inputs were mapped at once on {n} scoped threads; results came back in input order.",
            n = inputs.len()
        ))
    })
}
