//! Checks for chapter 01, sequential loops vs threads.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::{Expect, Probe, Report, compare_lists, expect_parallel};
use crate::Job;

pub use super::declared::ch01::*;

const SEQUENTIAL_HINT: &str = "Start every thread first and keep its JoinHandle; \
     join them only after the last one has started.";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Checks `run_in_threads(jobs: Vec<Job>) -> Vec<u64>`.
pub fn run_in_threads(answer: impl Fn(Vec<Job>) -> Vec<u64> + Send + 'static) -> Report {
    RUN_IN_THREADS.grade(move || {
        compare_lists("no jobs", &[], &answer(Vec::new()))?;
        compare_lists("one job", &[7], &answer(vec![Box::new(|| 7)]))?;

        // Later jobs finish first: the results must still follow job order.
        // The values change from run to run and fall in job order, so that
        // neither a hard-coded list nor sorting the results can pass.
        let mut dice = Dice::new();
        let values = dice.descending(5);
        let jobs = values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                Box::new(move || {
                    thread::sleep(ms((5 - i as u64) * 4));
                    v
                }) as Job
            })
            .collect();
        compare_lists(
            "five jobs that finish in reverse order",
            &values,
            &answer(jobs),
        )?;

        let n = 6;
        let values = dice.descending(n);
        let probe = Arc::new(Probe::new(n));
        let jobs = values
            .iter()
            .map(|&v| {
                let probe = Arc::clone(&probe);
                Box::new(move || probe.task(|| v)) as Job
            })
            .collect();
        let case = "six jobs at once";
        compare_lists(case, &values, &answer(jobs))?;
        let expect = Expect {
            at_once: n,
            threads: Some(n),
        };
        expect_parallel(
            case,
            &probe,
            thread::current().id(),
            expect,
            SEQUENTIAL_HINT,
        )?;
        Ok(format!(
            "{n} jobs ran at once on {n} threads; results came back in job order \
             (also for no jobs, one job, and jobs finishing in reverse)."
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

        let mut inputs = [3, 1, 4, 1, 5, 9];
        inputs[0] = dice.between(2, 100);
        let probe = Probe::new(inputs.len());
        let square = |x: u64| probe.task(|| x * x);
        let case = "six inputs at once";
        let expected: Vec<u64> = inputs.iter().map(|x| x * x).collect();
        compare_lists(case, &expected, &answer(&inputs, &square))?;
        let expect = Expect {
            at_once: inputs.len(),
            threads: Some(inputs.len()),
        };
        expect_parallel(case, &probe, thread::current().id(), expect, SEQUENTIAL_HINT)?;
        Ok(format!(
            "{n} inputs were mapped at once on {n} scoped threads; results came back in input order.",
            n = inputs.len()
        ))
    })
}
