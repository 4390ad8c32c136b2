//! Checks for chapter 03, futures and gathering results.

use std::sync::Arc;
use std::thread;

use super::dice::Dice;
use super::finished::{Finished, JOIN_EVERY, LATE};
use super::probe::beyond_pools;
use super::{Expect, Probe, Report, Wrong, compare_lists, expect_parallel};
use crate::Job;

mod relay;

use relay::Relay;

pub use super::declared::ch03::*;

const SUBMIT_ALL_HINT: &str = "Submit every job first and keep its handle; \
     wait for the results only after the last one has been submitted.";

/// For `in_completion_order`, whose jobs keep no handles to wait on.
const EACH_SENDS_HINT: &str = "Start every job on its own `thread::spawn` (not a pool), \
     all of them before receiving any result; each sends (index, result) into one channel.";

/// For `in_completion_order`'s results read too early: joining would give
/// submission order, which that exercise forbids.
const RECEIVE_ALL: &str = "Receive until every sender is gone (drop the original sender \
     once the threads are started) instead of waiting a while and taking what has arrived.";

/// Jobs that must all be in flight, watched by `probe`, returning `values`.
fn probed_jobs(probe: &Arc<Probe>, values: &[u64]) -> Vec<Job> {
    values
        .iter()
        .map(|&v| {
            let probe = Arc::clone(probe);
            Box::new(move || probe.task(|| v)) as Job
        })
        .collect()
}

/// Checks `total(jobs: Vec<Job>) -> u64`.
pub fn total(answer: impl Fn(Vec<Job>) -> u64 + Send + 'static) -> Report {
    TOTAL.grade(move || {
        let sum_case = |case: &str, expected: u64, got: u64| {
            if got == expected {
                Ok(())
            } else if got < expected {
                Err(Wrong::in_case(
                    case,
                    format!(
                        "expected a total of {expected}, got {got}: {} short, so at least one job's \
                         result was not added. Every handle must be joined and its value counted.",
                        expected - got
                    ),
                ))
            } else {
                Err(Wrong::in_case(
                    case,
                    format!(
                        "expected a total of {expected}, got {got}: {} too much. Is a result counted twice?",
                        got - expected
                    ),
                ))
            }
        };
        sum_case("no jobs", 0, answer(Vec::new()))?;
        // Values that change from run to run: a hard-coded total cannot pass.
        let mut dice = Dice::new();
        let one = dice.between(1, 1000);
        sum_case("one job", one, answer(vec![Box::new(move || one)]))?;

        // One job, at a place that changes, finishes well after the rest: an
        // answer that waits a while instead of joining misses its result.
        let values: Vec<u64> = (0..5).map(|_| dice.between(1, 1000)).collect();
        let late = dice.between(0, 5) as usize;
        let finished = Finished::default();
        let case = format!(
            "five jobs, job {late} finishing {} s after the others",
            LATE.as_secs_f32()
        );
        let got = answer(finished.one_late(&values, late));
        finished.all(&case, 5, got, JOIN_EVERY)?;
        sum_case(&case, values.iter().sum(), got)?;

        // More jobs than a pool sized by the cores has threads.
        let n = beyond_pools();
        let values: Vec<u64> = (0..n).map(|_| dice.between(1, 1000)).collect();
        let probe = Arc::new(Probe::new(n));
        let case = format!("{n} jobs at once");
        sum_case(&case, values.iter().sum(), answer(probed_jobs(&probe, &values)))?;
        let expect = Expect {
            at_once: n,
            threads: Some(n),
        };
        expect_parallel(
            &case,
            &probe,
            thread::current().id(),
            expect,
            SUBMIT_ALL_HINT,
        )?;
        Ok(format!(
            "{n} jobs ran at once, one thread each, and every result was added (also for no jobs, \
             one job and a job finishing late)."
        ))
    })
}

/// Checks `run_batches(batches: Vec<Vec<Job>>) -> Vec<Vec<u64>>`.
pub fn run_batches(answer: impl Fn(Vec<Vec<Job>>) -> Vec<Vec<u64>> + Send + 'static) -> Report {
    RUN_BATCHES.grade(move || {
        let check_shape = |case: &str, expected: &[Vec<u64>], got: &[Vec<u64>]| {
            if got.len() != expected.len() {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected one list of results per batch, {} lists, got {}: {got:?}.",
                        expected.len(),
                        got.len()
                    ),
                ));
            }
            for (i, (want, have)) in expected.iter().zip(got).enumerate() {
                compare_lists(&format!("{case}, batch {}", i + 1), want, have)?;
            }
            Ok(())
        };
        check_shape("no batches", &[], &answer(Vec::new()))?;
        check_shape(
            "an empty batch between two others",
            &[vec![1], vec![], vec![2, 3]],
            &answer(vec![
                vec![Box::new(|| 1)],
                Vec::new(),
                vec![Box::new(|| 2), Box::new(|| 3)],
            ]),
        )?;

        // Jobs finish in an order that changes from run to run and is
        // neither job order nor its reverse, so that gathering in completion
        // order shows, reversed or not. Values that change from run to run
        // and fall in job order, so that neither a hard-coded list nor
        // sorting each batch can pass.
        let mut dice = Dice::new();
        let values: Vec<Vec<u64>> = (0..2).map(|_| dice.descending(4)).collect();
        let scrambled: Vec<Vec<Job>> = values
            .iter()
            .map(|batch| {
                let relay = Arc::new(Relay::in_order(&dice.shuffled(4)));
                batch
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let relay = Arc::clone(&relay);
                        Box::new(move || {
                            relay.leg(i);
                            v
                        }) as Job
                    })
                    .collect()
            })
            .collect();
        check_shape(
            "two batches whose jobs finish in a scrambled order",
            &values,
            &answer(scrambled),
        )?;

        // One job, at a place that changes, finishes well after the rest.
        let values: Vec<Vec<u64>> = (0..2).map(|_| dice.descending(3)).collect();
        let late = dice.between(0, 6) as usize;
        let finished = Finished::default();
        let flat: Vec<u64> = values.concat();
        let mut jobs = finished.one_late(&flat, late).into_iter();
        let late_jobs: Vec<Vec<Job>> = values
            .iter()
            .map(|b| jobs.by_ref().take(b.len()).collect())
            .collect();
        let case = late_in_batches(late);
        let got = answer(late_jobs);
        finished.all(&case, flat.len(), &got, JOIN_EVERY)?;
        check_shape(&case, &values, &got)?;

        // More jobs than a pool sized by the cores has threads.
        let batches = 3;
        let size = beyond_pools().div_ceil(batches);
        let probe = Arc::new(Probe::new(batches * size));
        let values: Vec<Vec<u64>> = (0..batches as u64)
            .map(|b| (0..size as u64).map(|i| 100 * b + i).collect())
            .collect();
        let jobs: Vec<Vec<Job>> = values.iter().map(|b| probed_jobs(&probe, b)).collect();
        let case = format!("three batches of {size}, all in flight at once");
        check_shape(&case, &values, &answer(jobs))?;
        let expect = Expect {
            at_once: batches * size,
            threads: Some(batches * size),
        };
        expect_parallel(
            &case,
            &probe,
            thread::current().id(),
            expect,
            "Submit every job of every batch before waiting for the first batch.",
        )?;
        Ok(format!(
            "{} jobs in {batches} batches were in flight at once; each batch's results came back \
             in job order, batch after batch (also for empty batches, jobs finishing out of order \
             and a job finishing late).",
            batches * size
        ))
    })
}

/// Checks `in_completion_order(jobs: Vec<Job>) -> Vec<(usize, u64)>`.
pub fn in_completion_order(
    answer: impl Fn(Vec<Job>) -> Vec<(usize, u64)> + Send + 'static,
) -> Report {
    IN_COMPLETION_ORDER.grade(move || {
        compare_lists("no jobs", &[], &answer(Vec::new()))?;
        compare_lists("one job", &[(0, 7)], &answer(vec![Box::new(|| 7)]))?;

        // More jobs than a pool sized by the cores has threads.
        let n = beyond_pools();
        let probe = Arc::new(Probe::new(n));
        let relay = Arc::new(Relay::new(n));
        let jobs: Vec<Job> = (0..n)
            .map(|i| {
                let (probe, relay) = (Arc::clone(&probe), Arc::clone(&relay));
                Box::new(move || {
                    probe.task(|| relay.leg(i));
                    100 + i as u64
                }) as Job
            })
            .collect();
        let case = &format!("{n} jobs that finish last to first");
        let got = answer(jobs);
        expect_parallel(
            case,
            &probe,
            thread::current().id(),
            Expect {
                at_once: n,
                threads: Some(n),
            },
            EACH_SENDS_HINT,
        )?;
        let submission: Vec<(usize, u64)> = (0..n).map(|i| (i, 100 + i as u64)).collect();
        let mut sorted = got.clone();
        sorted.sort();
        if sorted != submission {
            let mut problem = compare_lists(case, &submission, &sorted)
                .err()
                .map(|w| w.0)
                .unwrap_or_default();
            problem.push_str(&format!(
                " (Sorted by job; as returned: {got:?}.) Each pair is (job index, that job's result)."
            ));
            return Err(Wrong(problem));
        }
        if got == submission {
            return Err(Wrong::in_case(
                case,
                format!(
                    "the results came back in submission order, {got:?}, but these jobs finished \
                     last to first. Have every thread send (index, result) into one channel as it \
                     finishes, and receive from that channel."
                ),
            ));
        }
        // A finishing order that changes from run to run, and is neither
        // submission order nor its reverse.
        let mut dice = Dice::new();
        let order = dice.shuffled(4);
        let relay = Arc::new(Relay::in_order(&order));
        let jobs: Vec<Job> = (0..order.len())
            .map(|i| {
                let relay = Arc::clone(&relay);
                Box::new(move || {
                    relay.leg(i);
                    100 + i as u64
                }) as Job
            })
            .collect();
        let want: Vec<(usize, u64)> = order.iter().map(|&i| (i, 100 + i as u64)).collect();
        let second = answer(jobs);
        if second != want {
            return Err(Wrong::in_case(
                &format!("four jobs that finish in the order {order:?}"),
                format!(
                    "expected {want:?}, got {second:?}. Return the pairs in the order the jobs \
                     finish, whatever that order is: have every thread send (index, result) \
                     into one channel as it finishes, and receive from that channel."
                ),
            ));
        }

        // One job, at a place that changes, finishes well after the rest: it
        // must be there, and last.
        let values: Vec<u64> = (0..4).map(|i| 100 + i).collect();
        let late = dice.between(0, 4) as usize;
        let finished = Finished::default();
        let case = format!(
            "four jobs, job {late} finishing {} s after the others",
            LATE.as_secs_f32()
        );
        let got_late = answer(finished.one_late(&values, late));
        finished.all(&case, 4, &got_late, RECEIVE_ALL)?;
        if got_late.last() != Some(&(late, 100 + late as u64)) {
            return Err(Wrong::in_case(
                &case,
                format!(
                    "expected the pair ({late}, {}) last, as that job finished last; got \
                     {got_late:?}.",
                    100 + late
                ),
            ));
        }
        Ok(format!(
            "{n} jobs ran at once; their results came back as they finished, each tagged with \
             its job (also for jobs finishing in the order {order:?}, and a job finishing late)."
        ))
    })
}

/// Names the case of `run_batches` whose job `late` (counted over both
/// batches of three, from 0) finishes late: jobs and batches from 1.
fn late_in_batches(late: usize) -> String {
    format!(
        "two batches of three, job {} of batch {} finishing {} s after the others",
        late % 3 + 1,
        late / 3 + 1,
        LATE.as_secs_f32()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_and_batches_are_both_counted_from_one() {
        assert!(late_in_batches(0).starts_with("two batches of three, job 1 of batch 1 finishing"));
        assert!(late_in_batches(5).starts_with("two batches of three, job 3 of batch 2 finishing"));
    }
}
