//! Checks for chapter 01, sequential loops vs threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::probe::beyond_cores;
use super::{Expect, Probe, Report, Wrong, compare_lists, expect_parallel};
use crate::Job;

pub use super::declared::ch01::*;

const SEQUENTIAL_HINT: &str = "Start every thread first and keep its JoinHandle; \
     join them only after the last one has started.";

/// How much later than the others the late job of `run_in_threads` ends.
const LATE: Duration = Duration::from_secs(1);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Counts the jobs of one case that have finished: an answer that returns
/// before every job has (reading what the threads left so far instead of
/// joining them) is caught, whatever results it read.
#[derive(Default)]
struct Finished(Arc<AtomicUsize>);

impl Finished {
    fn job(&self, work: impl FnOnce() -> u64 + Send + 'static) -> Job {
        let finished = Arc::clone(&self.0);
        Box::new(move || {
            let v = work();
            finished.fetch_add(1, Ordering::SeqCst);
            v
        })
    }

    /// One job per value, job `i` returning its value after sleeping `nap(i)`.
    fn napping(&self, values: &[u64], nap: impl Fn(usize) -> Duration) -> Vec<Job> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let nap = nap(i);
                self.job(move || {
                    thread::sleep(nap);
                    v
                })
            })
            .collect()
    }

    fn all(&self, case: &str, jobs: usize, got: &[u64]) -> Result<(), Wrong> {
        let left = jobs.saturating_sub(self.0.load(Ordering::SeqCst));
        if left == 0 {
            return Ok(());
        }
        Err(Wrong::in_case(
            case,
            format!(
                "it returned {got:?} while {left} of the {jobs} jobs were still running: the \
                 results were read before every thread had finished. Join every JoinHandle and \
                 take each job's result from its join(), rather than waiting a while and reading \
                 what the threads left."
            ),
        ))
    }
}

/// Checks `run_in_threads(jobs: Vec<Job>) -> Vec<u64>`.
pub fn run_in_threads(answer: impl Fn(Vec<Job>) -> Vec<u64> + Send + 'static) -> Report {
    RUN_IN_THREADS.grade(move || {
        compare_lists("no jobs", &[], &answer(Vec::new()))?;
        let finished = Finished::default();
        let got = answer(vec![finished.job(|| 7)]);
        finished.all("one job", 1, &got)?;
        compare_lists("one job", &[7], &got)?;

        // Later jobs finish first: the results must still follow job order.
        // The values change from run to run and fall in job order, so that
        // neither a hard-coded list nor sorting the results can pass.
        let mut dice = Dice::new();
        let values = dice.descending(5);
        let finished = Finished::default();
        let jobs = finished.napping(&values, |i| ms((5 - i as u64) * 4));
        let case = "five jobs that finish in reverse order";
        let got = answer(jobs);
        finished.all(case, 5, &got)?;
        compare_lists(case, &values, &got)?;

        // One job, at a place that changes, finishes a second after the rest:
        // an answer that waits a while and reads what the threads left,
        // instead of joining them, returns while it is still running.
        let values = dice.descending(5);
        let late = dice.between(0, 5) as usize;
        let finished = Finished::default();
        let jobs = finished.napping(&values, |i| if i == late { LATE } else { Duration::ZERO });
        let case = format!("five jobs, job {late} finishing a second after the others");
        let got = answer(jobs);
        finished.all(&case, 5, &got)?;
        compare_lists(&case, &values, &got)?;

        let n = beyond_cores(6);
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
        finished.all(&case, n, &got)?;
        compare_lists(&case, &values, &got)?;
        let expect = Expect {
            at_once: n,
            threads: Some(n),
        };
        expect_parallel(
            &case,
            &probe,
            thread::current().id(),
            expect,
            SEQUENTIAL_HINT,
        )?;
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

        // Inputs that change from run to run, later ones finishing first.
        let mut dice = Dice::new();
        let inputs = dice.descending(5);
        let slow_first = |x: u64| {
            let rank = inputs.iter().position(|&v| v == x).unwrap_or(0) as u64;
            thread::sleep(ms((6 - rank) * 4));
            x + 1
        };
        let expected: Vec<u64> = inputs.iter().map(|x| x + 1).collect();
        compare_lists(
            "five inputs that finish in reverse order",
            &expected,
            &answer(&inputs, &slow_first),
        )?;

        // More inputs than cores, so that a pool sized by the cores cannot
        // pass, one of them twice, so that mapping each distinct input once
        // starts too few threads.
        let mut inputs = dice.unsorted(beyond_cores(6));
        let twice = inputs[1];
        if let Some(last) = inputs.last_mut() {
            *last = twice;
        }
        let probe = Probe::new(inputs.len());
        let square = |x: u64| probe.task(|| x * x);
        let case = format!("{} inputs at once", inputs.len());
        let expected: Vec<u64> = inputs.iter().map(|x| x * x).collect();
        compare_lists(&case, &expected, &answer(&inputs, &square))?;
        let expect = Expect {
            at_once: inputs.len(),
            threads: Some(inputs.len()),
        };
        expect_parallel(&case, &probe, thread::current().id(), expect, SEQUENTIAL_HINT)?;
        Ok(format!(
            "{n} inputs were mapped at once on {n} scoped threads; results came back in input order.",
            n = inputs.len()
        ))
    })
}
