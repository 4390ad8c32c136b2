//! Jobs that count themselves finished, for the checks that hand the answer
//! jobs (chapters 01 and 03): an answer that returns before every job has
//! (reading what its threads left so far instead of joining them) is caught,
//! whatever results it read.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::Wrong;
use crate::Job;

/// How much later than the others the late job of a case ends: not a round
/// number, so that an answer that sleeps a round second instead of joining
/// is caught on every run, not only when its sleep loses a race.
pub(crate) const LATE: Duration = Duration::from_millis(1500);

/// Counts the jobs of one case that have finished.
#[derive(Default)]
pub(crate) struct Finished(Arc<AtomicUsize>);

impl Finished {
    pub(crate) fn job(&self, work: impl FnOnce() -> u64 + Send + 'static) -> Job {
        let finished = Arc::clone(&self.0);
        Box::new(move || {
            let v = work();
            finished.fetch_add(1, Ordering::SeqCst);
            v
        })
    }

    /// One job per value, job `i` returning its value after sleeping `nap(i)`.
    pub(crate) fn napping(&self, values: &[u64], nap: impl Fn(usize) -> Duration) -> Vec<Job> {
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

    /// Jobs returning `values`, all as quick as can be but the one at
    /// `late`, which ends [`LATE`] after the others.
    pub(crate) fn one_late(&self, values: &[u64], late: usize) -> Vec<Job> {
        self.napping(values, |i| if i == late { LATE } else { Duration::ZERO })
    }

    /// `Err` when fewer than `jobs` jobs had finished when the answer
    /// returned `got` (shown in the message); `remedy` says what to do
    /// instead, for this exercise.
    pub(crate) fn all(
        &self,
        case: &str,
        jobs: usize,
        got: impl std::fmt::Debug,
        remedy: &str,
    ) -> Result<(), Wrong> {
        let left = jobs.saturating_sub(self.0.load(Ordering::SeqCst));
        if left == 0 {
            return Ok(());
        }
        Err(Wrong::in_case(
            case,
            format!(
                "it returned {got:?} while {left} of the {jobs} jobs were still running: the \
                 results were read before every thread had finished. {remedy}"
            ),
        ))
    }
}

/// The remedy for results read too early, where each job has a handle.
pub(crate) const JOIN_EVERY: &str = "Join every JoinHandle and take each job's result from its \
     join(), rather than waiting a while and reading what the threads left.";
