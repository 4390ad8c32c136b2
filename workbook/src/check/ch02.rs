//! Checks for chapter 02, thread pools.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::Duration;

use rayon::ThreadPoolBuilder;

use super::dice::Dice;
use super::wording::plural;
use super::{Expect, Probe, Report, Wrong, compare_lists, expect_parallel};
use crate::panics::panic_message;

pub use super::declared::ch02::*;

/// Runs `f`, catching a panic: `Err` holds the panic's message.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(&*payload))
}

/// How many tasks rayon's global pool runs at once, from outside the pool.
fn global_pool_size() -> usize {
    rayon::current_num_threads()
}

/// Calls `run(&answer)` on a new rayon pool of `threads` threads, and gives
/// back the answer, what `run` returned, and the pool thread that ran it
/// (the answer's caller). Inside, "rayon's pool" is that pool: with a
/// thread for every task of a case, all of them can run at once on any
/// machine, so that an answer that splits the work in two (or in as many
/// parts as the machine has cores) is caught.
fn on_a_pool_of<A: Send, T: Send>(
    threads: usize,
    answer: A,
    run: impl FnOnce(&A) -> T + Send,
) -> (A, T, ThreadId) {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("the check could not build a pool");
    pool.install(|| {
        let got = run(&answer);
        (answer, got, thread::current().id())
    })
}

/// The numbers written in `text`, as whole words ("3 xs and 2 ys": 3 and 2).
fn numbers_in(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// Checks `map_on_pool(threads: usize, inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64>`.
pub fn map_on_pool(
    answer: impl Fn(usize, &[u64], &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> + Send + 'static,
) -> Report {
    MAP_ON_POOL.grade(move || {
        // A size the global pool does not have, so that ignoring `threads`
        // shows; and a pool of one thread. The first calls ask for yet
        // another size, so that a pool built once and kept is the wrong size.
        let big = global_pool_size() + 1;
        compare_lists("no inputs", &[], &answer(big + 1, &[], &|x| x + 1))?;
        compare_lists("one input", &[10], &answer(big + 1, &[5], &|x| x * 2))?;

        // Results that change from run to run and are in no sorted order,
        // so that sorting results gathered as they finish always shows.
        let mut dice = Dice::new();
        for (k, case) in [
            (big, format!("a pool of {big} threads, 4 × {big} inputs")),
            (1, "a pool of 1 thread, 5 inputs".to_string()),
        ] {
            let inputs: Vec<u64> = (0..(if k == 1 { 5 } else { 4 * k }) as u64).collect();
            let results = dice.unsorted(inputs.len());
            let probe = Probe::new(k);
            // Inside a rayon pool, `current_num_threads` is that pool's size.
            let sizes = Mutex::new(BTreeSet::new());
            let f = |x: u64| {
                probe.task(|| {
                    if rayon::current_thread_index().is_some() {
                        sizes.lock().unwrap().insert(rayon::current_num_threads());
                    }
                    results[x as usize]
                })
            };
            compare_lists(&case, &results, &answer(k, &inputs, &f))?;
            let caller = thread::current().id();
            let threads = probe.threads();
            if threads.contains(&caller) {
                return Err(Wrong::in_case(
                    &case,
                    "tasks ran on the calling thread: run the map inside `pool.install(|| ...)`, \
                     with a parallel iterator (`par_iter`), so that the pool's threads do the work.",
                ));
            }
            let pool_hint = "Build it with `ThreadPoolBuilder::new().num_threads(threads).build()` \
                             and run the map inside `pool.install(|| ...)`.";
            // A pool of the wrong size first: its fix is the pool itself.
            let sizes = sizes.into_inner().unwrap();
            if let Some(&other) = sizes.iter().find(|&&s| s != k) {
                return Err(Wrong::in_case(
                    &case,
                    format!(
                        "the tasks ran in a rayon pool of {other} threads, but a pool of {k} threads was asked for. {pool_hint}"
                    ),
                ));
            }
            if threads.len() != k {
                let ran_on = plural(threads.len(), "thread", "threads");
                let problem = if sizes.is_empty() {
                    format!(
                        "the tasks ran on {ran_on}, not in a rayon pool, but a pool of {k} \
                         threads was asked for. {pool_hint}"
                    )
                } else if threads.len() > k {
                    format!(
                        "the tasks ran on {ran_on}, but a pool of {k} threads was asked for, and \
                         one pool: build it once and run the whole map inside its `install`."
                    )
                } else {
                    // The right pool, but not every thread of it took tasks.
                    format!(
                        "the tasks ran on {ran_on} of the pool, but a pool of {k} threads was asked \
                         for: inside `pool.install`, map with a parallel iterator (`par_iter`) so \
                         that every pool thread takes tasks."
                    )
                };
                return Err(Wrong::in_case(&case, problem));
            }
        }

        match catch(|| answer(0, &[1, 2, 3], &|x| x)) {
            Ok(got) => {
                return Err(Wrong::in_case(
                    "a pool of 0 threads",
                    format!(
                        "it returned {got:?}. A pool of zero threads cannot run anything, and rayon \
                         quietly reads 0 as “pick a size for me”: refuse it with a clear panic, \
                         such as `assert!(threads > 0, \"threads must be at least 1\")`."
                    ),
                ));
            }
            // The exercise asks for a panic that says what is wrong: the thread count.
            Err(message) if !message.to_lowercase().contains("thread") => {
                return Err(Wrong::in_case(
                    "a pool of 0 threads",
                    format!(
                        "it was refused, but with the panic message “{message}”, which does not \
                         say why. The exercise asks for a message about the thread count, such \
                         as “map_on_pool: `threads` must be at least 1, got 0”."
                    ),
                ));
            }
            Err(_) => {}
        }
        Ok(format!(
            "pools of {big} threads and of 1 thread ran the tasks on exactly that many threads; \
             results came back in input order; a pool of 0 threads was refused."
        ))
    })
}

/// Checks `map_in_batches(inputs: &[u64], batch: usize, work: &(dyn Fn(&[u64]) -> Vec<u64> + Sync)) -> Vec<u64>`.
pub fn map_in_batches(
    answer: impl Fn(&[u64], usize, &(dyn Fn(&[u64]) -> Vec<u64> + Sync)) -> Vec<u64> + Send + 'static,
) -> Report {
    MAP_IN_BATCHES.grade(move || {
        let tenfold = |b: &[u64]| b.iter().map(|x| 10 * x).collect::<Vec<u64>>();
        let hint = "Hand the batches to rayon with `inputs.par_chunks(batch)`.";
        let cases: [(&str, usize, usize); 4] = [
            ("no inputs", 0, 3),
            ("8 inputs (8 down to 1) in batches of 3", 8, 3),
            ("4 inputs, a batch bigger than all of them", 4, 10),
            ("6 inputs in batches of 1", 6, 1),
        ];
        for (case, n, batch) in cases {
            // Falling inputs: results gathered as batches finish, sorted or
            // not, come back out of order.
            let inputs: Vec<u64> = (1..=n as u64).rev().collect();
            let calls = Mutex::new(Vec::new());
            // Later batches finish first, so gathering them as they finish shows.
            let work = |b: &[u64]| {
                calls.lock().unwrap().push(b.to_vec());
                let first = b.first().copied().unwrap_or(0);
                thread::sleep(Duration::from_millis(3 * first));
                tenfold(b)
            };
            let expected: Vec<u64> = inputs.iter().map(|x| 10 * x).collect();
            compare_lists(case, &expected, &answer(&inputs, batch, &work))?;
            // Calls come in any order; shown in input order, as `want` is.
            // The inputs fall, so a batch's place is its first item, highest first.
            let mut calls = calls.into_inner().unwrap();
            calls.sort_by_key(|b| std::cmp::Reverse(b.first().copied()));
            let want: Vec<Vec<u64>> = inputs.chunks(batch).map(<[u64]>::to_vec).collect();
            if calls != want {
                let sizes = |v: &[Vec<u64>]| v.iter().map(Vec::len).collect::<Vec<_>>();
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "`work` should be called once per batch of {batch}, with the batches {want:?} \
                         (sizes {:?}); it was called {}, with {calls:?} (sizes {:?}). {hint}",
                        sizes(&want),
                        plural(calls.len(), "time", "times"),
                        sizes(&calls)
                    ),
                ));
            }
        }

        // Six batches, all at once, in a pool of six threads.
        let at_once = 6;
        let case = "12 inputs in batches of 2, at once";
        let inputs: Vec<u64> = (1..=12).collect();
        let probe = Probe::new(at_once);
        let work = |b: &[u64]| probe.task(|| tenfold(b));
        let (answer, got, caller) = on_a_pool_of(at_once, answer, |a| a(&inputs, 2, &work));
        let expected: Vec<u64> = inputs.iter().map(|x| 10 * x).collect();
        compare_lists(case, &expected, &got)?;
        let in_pool = Expect {
            at_once,
            threads: None,
        };
        expect_parallel(case, &probe, caller, in_pool, hint)?;

        if let Ok(got) = catch(|| answer(&[1, 2, 3], 0, &tenfold)) {
            return Err(Wrong::in_case(
                "batches of 0",
                format!(
                    "it returned {got:?}. Batches of zero items can never cover the inputs: \
                     this must panic with a clear message (`par_chunks(0)` does it for you)."
                ),
            ));
        }
        Ok(format!(
            "`work` got exactly one call per batch (sizes right, the last one shorter), \
             {at_once} batches ran at once, results came back in input order, batches of 0 were refused."
        ))
    })
}

/// Checks `apply_pairs(xs: &[u64], ys: &[u64], f: &(dyn Fn(u64, u64) -> u64 + Sync)) -> Vec<u64>`.
pub fn apply_pairs(
    answer: impl Fn(&[u64], &[u64], &(dyn Fn(u64, u64) -> u64 + Sync)) -> Vec<u64> + Send + 'static,
) -> Report {
    APPLY_PAIRS.grade(move || {
        let pow = |x: u64, y: u64| x.pow(y as u32);
        compare_lists("no pairs", &[], &answer(&[], &[], &pow))?;
        compare_lists(
            "three pairs, the order of arguments matters",
            &[8, 9, 1],
            &answer(&[2, 3, 1], &[3, 2, 5], &pow),
        )?;

        // Results that fall pair by pair, earlier pairs finishing last: results
        // gathered as they finish, sorted or not, come back out of order.
        let xs = Dice::new().descending(8);
        let ys: Vec<u64> = (1..=8).collect();
        let slow_first = |x: u64, y: u64| {
            thread::sleep(Duration::from_millis(3 * (9 - y)));
            x + y
        };
        let expected: Vec<u64> = xs.iter().zip(&ys).map(|(x, y)| x + y).collect();
        compare_lists(
            "eight pairs, the first ones finishing last",
            &expected,
            &answer(&xs, &ys, &slow_first),
        )?;

        // Eight pairs, all at once, in a pool of eight threads.
        let at_once = 8;
        let case = "eight pairs, at once";
        let xs: Vec<u64> = (1..=8).collect();
        let ys: Vec<u64> = (11..=18).collect();
        let probe = Probe::new(at_once);
        let add = |x: u64, y: u64| probe.task(|| x + y);
        let (answer, got, caller) = on_a_pool_of(at_once, answer, |a| a(&xs, &ys, &add));
        let expected: Vec<u64> = xs.iter().zip(&ys).map(|(x, y)| x + y).collect();
        compare_lists(case, &expected, &got)?;
        let in_pool = Expect {
            at_once,
            threads: None,
        };
        expect_parallel(
            case,
            &probe,
            caller,
            in_pool,
            "Pair the lists with `xs.par_iter().zip(ys)`.",
        )?;

        // Either list may be the longer one.
        let gives_both = |message: &str| {
            let numbers = numbers_in(message);
            numbers.contains(&3) && numbers.contains(&2)
        };
        let (three, two): (&[u64], &[u64]) = (&[1, 2, 3], &[4, 5]);
        for (xs, ys, longer) in [(three, two, "x"), (two, three, "y")] {
            let case = format!("{} xs and {} ys", xs.len(), ys.len());
            let zipped: Vec<u64> = xs.iter().zip(ys).map(|(&x, &y)| pow(x, y)).collect();
            match catch(|| answer(xs, ys, &pow)) {
                Ok(got) => {
                    let what = if got == zipped {
                        format!(
                            "`zip` stopped at the shorter list and dropped the third {longer}"
                        )
                    } else {
                        "lists of different lengths were not refused".to_string()
                    };
                    return Err(Wrong::in_case(
                        &case,
                        format!(
                            "it returned {got:?}: {what}. Lists of different lengths are bad \
                             input: check the lengths first and panic with a message that gives both."
                        ),
                    ));
                }
                // The exercise asks for a message that gives both lengths.
                Err(message) if !gives_both(&message) => {
                    return Err(Wrong::in_case(
                        &case,
                        format!(
                            "it was refused, but with the panic message “{message}”, which does \
                             not give both lengths ({} and {}). The exercise asks for a message \
                             that does, such as “apply_pairs: `xs` has {} items but `ys` has {}”.",
                            xs.len(),
                            ys.len(),
                            xs.len(),
                            ys.len()
                        ),
                    ));
                }
                Err(_) => {}
            }
        }
        Ok(format!(
            "pairs were applied in order with the arguments the right way round, {at_once} at once; \
             lists of different lengths were refused."
        ))
    })
}
