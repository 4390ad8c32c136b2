//! Checks for chapter 04, locks and sharing.

use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

mod transfer;
mod watch;

use super::dice::Dice;
use super::probe::beyond_cores;
use super::{Expect, Probe, Report, Wrong, expect_parallel};
use watch::Gate;

pub use super::declared::ch04::*;
pub use transfer::transfer;

const HINT: &str = "Split the inputs into one chunk per thread, and start every thread \
     before waiting for any.";

/// Says whether the calling thread counted inputs itself (`counted_on`: the
/// threads that asked `is_hit`), which every case forbids: a check that
/// watched threads in one case only would pass an answer that starts threads
/// for that case alone.
fn counted_by_caller(case: &str, counted_on: &[ThreadId], caller: ThreadId) -> Result<(), Wrong> {
    if !counted_on.contains(&caller) {
        return Ok(());
    }
    let problem = if counted_on == [caller] {
        format!("every input was counted on the calling thread: no thread was started. {HINT}")
    } else {
        format!(
            "the inputs were counted on {} threads, one of them the calling thread. Count \
             every chunk on a thread of its own; the calling thread only waits and reads the total.",
            counted_on.len()
        )
    };
    Err(Wrong::in_case(case, problem))
}

/// Checks `count_shared(inputs: &[u64], threads: usize, is_hit: &(dyn Fn(u64) -> bool + Sync)) -> u64`.
pub fn count_shared(
    answer: impl Fn(&[u64], usize, &(dyn Fn(u64) -> bool + Sync)) -> u64 + Send + 'static,
) -> Report {
    COUNT_SHARED.grade(move || {
        let caller = thread::current().id();
        // `rule` decides the expected count; the answer gets the same rule,
        // watched: which threads asked it.
        let count = |case: &str, inputs: &[u64], threads, rule: fn(u64) -> bool| {
            let expected = inputs.iter().filter(|&&x| rule(x)).count() as u64;
            let watch = Probe::with_patience(1, Duration::ZERO);
            let got = answer(inputs, threads, &|x| watch.task(|| rule(x)));
            if got != expected {
                return Err(Wrong::in_case(
                    case,
                    format!("expected {expected} hits, got {got}."),
                ));
            }
            counted_by_caller(case, &watch.threads(), caller)
        };
        let even = |x: u64| x.is_multiple_of(2);
        count("no inputs", &[], 2, |_| true)?;
        count("one input, one thread", &[4], 1, even)?;
        let ten: Vec<u64> = (1..=10).collect();
        count("ten inputs on three threads", &ten, 3, even)?;
        count("more threads than inputs", &ten[..2], 5, |_| true)?;

        // More threads than cores: a pool sized by the machine cannot run
        // them all at once, on any machine.
        let threads = beyond_cores(4);
        let case = format!("{threads} threads at once");
        let inputs: Vec<u64> = (0..10 * threads as u64).collect();
        let probe = Probe::new(threads);
        let fourth = |x: u64| x.is_multiple_of(4);
        let expected = inputs.iter().filter(|&&x| fourth(x)).count() as u64;
        let got = answer(&inputs, threads, &|x| probe.task(|| fourth(x)));
        if got != expected {
            return Err(Wrong::in_case(&case, format!("expected {expected} hits, got {got}.")));
        }
        let expect = Expect {
            at_once: threads,
            threads: Some(threads),
        };
        expect_parallel(&case, &probe, caller, expect, HINT)?;

        // Many threads hammering one counter: an increment written as a load
        // and a separate store loses updates here. A gate holds every thread
        // at its first input until all have arrived, so that they really run
        // at the same time, and the rounds repeat until one loses updates.
        // Every input but the multiples of `skip` is a hit, `skip` drawn
        // afresh: an answer that returns the number of inputs is caught too.
        let n = 1_000_000u64;
        let threads = 4;
        let inputs: Vec<u64> = (0..n).collect();
        let skip = Dice::new().between(7, 14);
        let expected = n - n.div_ceil(skip);
        // At least 10 rounds, and on for a second and a half: on a busy
        // machine the threads take turns, and a lost update needs a thread
        // to be paused between its load and its store, so more rounds.
        let started = Instant::now();
        let mut rounds = 0;
        while rounds < 10 || started.elapsed() < Duration::from_millis(1500) {
            rounds += 1;
            let round = rounds;
            let gate = Gate::new(threads);
            let got = answer(&inputs, threads, &|x| gate.pass() && !x.is_multiple_of(skip));
            let case = "heavy contention: 4 threads, nearly every input a hit";
            if got < expected {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected {expected} hits, counted {got}: {} increments were lost (round {round}). \
                         Reading the counter and then storing the value plus one is two steps: \
                         two threads can read the same value, both store value + 1, and one \
                         increment vanishes. Use one atomic step, `fetch_add`.",
                        expected - got
                    ),
                ));
            }
            if got > expected {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "expected {expected} hits (every input but the multiples of {skip}), \
                         counted {got}: {} too many. Count the inputs for which `is_hit` says \
                         true, each once.",
                        got - expected
                    ),
                ));
            }
        }
        Ok(format!(
            "counts were exact (none, one, uneven chunks, more threads than inputs); \
             {} threads ran at once; {rounds} rounds of {expected} contended increments lost none.",
            beyond_cores(4)
        ))
    })
}
