//! Checks for chapter 11, proving concurrent code correct with loom. Both
//! run the learner's answer under `loom::model` themselves, so a verdict
//! covers every interleaving loom explores, not the few a busy machine
//! happened to run. They need the `loom` cargo feature. The models hold
//! their atomics in std's `Arc`: loom's own aborts the process when an
//! interleaving is abandoned half-way (a deadlock, a loop that never ends),
//! and a check must report those, not crash.
#![cfg(feature = "loom")]

use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

use loom::sync::atomic::{AtomicBool, AtomicUsize};

use super::wording::plural;
use super::{Report, Wrong};
use crate::model::{Explored, Failure, explore};

pub use super::declared::ch11::*;

/// Checks `record_max(max: &loom::sync::atomic::AtomicUsize, value: usize)`.
pub fn record_max(answer: impl Fn(&AtomicUsize, usize) + Send + Sync + 'static) -> Report {
    let answer = Arc::new(answer);
    RECORD_MAX.grade(move || {
        // (case, the values each thread records, in order); the maximum starts at 0.
        let cases: [(&str, &[&[usize]]); 4] = [
            ("one thread records 3, 5, 4", &[&[3, 5, 4]]),
            ("two threads record 3 and 5, a third watches", &[&[3], &[5]]),
            ("three threads record 1, 2 and 3", &[&[1], &[2], &[3]]),
            ("two threads record 2, 7 and 5, 4", &[&[2, 7], &[5, 4]]),
        ];
        let mut explored = Vec::new();
        for (case, values) in cases {
            let values: Vec<Vec<usize>> = values.iter().map(|v| v.to_vec()).collect();
            let threads = values.len();
            let watch = case.ends_with("watches");
            let done = match max_in_model(Arc::clone(&answer), values, watch) {
                Ok(done) => done,
                // `todo!()` panicked inside the model: pass it on, so that
                // the answer reads as not started.
                Err(f) if crate::panics::is_todo(&f.message) => panic!("{}", f.message),
                Err(f) => return Err(Wrong::in_case(case, max_problem(&f, threads))),
            };
            explored.push(format!(
                "{case} ({})",
                plural(done.executions, "interleaving", "interleavings")
            ));
        }
        Ok(format!(
            "in every interleaving loom tried (up to 2 preemptions each, enough to lose a value) \
             the largest value survived: {}.",
            explored.join("; ")
        ))
    })
}

/// One thread per list of values, each recording its values in order, under
/// loom; fails when the final maximum is not the largest value recorded, or,
/// with `watch`, when one more thread reading it twice sees it go down.
fn max_in_model(
    answer: Arc<impl Fn(&AtomicUsize, usize) + Send + Sync + 'static>,
    values: Vec<Vec<usize>>,
    watch: bool,
) -> Result<Explored, Failure> {
    let expected = values.iter().flatten().copied().max().unwrap_or(0);
    // At most two forced switches per execution keeps the biggest case to
    // seconds; losing a larger value needs only one.
    explore(Some(2), move || {
        let max = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = values
            .iter()
            .cloned()
            .map(|mine| {
                let (max, answer) = (max.clone(), Arc::clone(&answer));
                loom::thread::spawn(move || mine.into_iter().for_each(|v| answer(&max, v)))
            })
            .collect();
        let watcher = watch.then(|| {
            let max = max.clone();
            loom::thread::spawn(move || {
                let (first, then) = (max.load(SeqCst), max.load(SeqCst));
                assert!(then >= first, "FELL {first} {then}");
            })
        });
        for h in handles.into_iter().chain(watcher) {
            h.join().unwrap();
        }
        let got = max.load(SeqCst);
        assert!(got == expected, "MAX {got} {expected}");
    })
}

/// Reads the `MAX got expected` marker of [`max_in_model`]'s assertion.
fn read_marker(message: &str, marker: &str) -> Option<(usize, usize)> {
    let mut words = message.split_whitespace();
    if words.next() != Some(marker) {
        return None;
    }
    Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
}

/// Where loom gave up on a model that never ends.
fn never_ends(failure: &Failure) -> String {
    format!(
        "loom stopped at interleaving {}: the model never ends, a thread loops without making \
         progress.",
        failure.execution
    )
}

/// What loom stopped on, when it is not the model's own assertion.
fn stopped(failure: &Failure) -> String {
    format!(
        "loom stopped at interleaving {}: {}",
        failure.execution, failure.message
    )
}

fn max_problem(failure: &Failure, threads: usize) -> String {
    if let Some((first, then)) = read_marker(&failure.message, "FELL") {
        return format!(
            "in interleaving {} of those loom tried, another thread read the maximum as {first}, \
             then as {then}: it went down for a moment, even if it ended right. Never store a \
             value smaller than the one there: compare and store in one indivisible step.",
            failure.execution
        );
    }
    let Some((got, expected)) = read_marker(&failure.message, "MAX") else {
        if failure.never_ends() {
            // `record_max` waits for nothing: a loop that never ends retries a
            // stale value, and loom's general advice (a spin loop must let
            // others run) would send the learner the wrong way.
            return format!(
                "{} A `compare_exchange` retried in a loop must retry with the value its `Err` \
                 returns: the value loaded first may never come back.",
                never_ends(failure)
            );
        }
        return stopped(failure);
    };
    let found = format!(
        "in interleaving {} of those loom tried, the maximum ended at {got}, expected {expected}",
        failure.execution
    );
    if got > expected {
        format!(
            "{found}: no thread recorded {got} in this run. The maximum must end at the largest \
             value recorded into it, with nothing added or kept from elsewhere."
        )
    } else if threads == 1 {
        format!(
            "{found}, with no other thread running: a larger value must raise the maximum, and \
             a smaller one leave it as it is."
        )
    } else {
        format!(
            "{found}: a larger value was lost. Loading, comparing and storing are separate \
             steps: another thread can store a larger value in between, which your store then \
             overwrites (a single failed `compare_exchange` loses it too). Use one indivisible \
             step, or retry `compare_exchange` until it succeeds or the stored value is larger."
        )
    }
}

/// Checks `with_lock(lock: &loom::sync::atomic::AtomicBool, work: &dyn Fn())`.
pub fn with_lock(answer: impl Fn(&AtomicBool, &dyn Fn()) + Send + Sync + 'static) -> Report {
    let answer = Arc::new(answer);
    WITH_LOCK.grade(move || {
        let cases = [
            ("one thread takes the lock twice", 1, 2),
            ("two threads take the lock once each", 2, 1),
        ];
        let mut explored = Vec::new();
        for (case, threads, rounds) in cases {
            let done = match lock_in_model(Arc::clone(&answer), threads, rounds) {
                Ok(done) => done,
                Err(f) if crate::panics::is_todo(&f.message) => panic!("{}", f.message),
                Err(f) => return Err(Wrong::in_case(case, lock_problem(&f))),
            };
            explored.push(format!(
                "{case} ({})",
                plural(done.executions, "interleaving", "interleavings")
            ));
        }
        Ok(format!(
            "in every interleaving one thread at a time ran `work`, and each saw the writes of \
             the one before: {}.",
            explored.join("; ")
        ))
    })
}

/// `threads` threads each call `answer` `rounds` times; `work` adds one to a
/// counter with a Relaxed load and store, so only the lock can keep the
/// counter right: by letting one `work` run at a time, and by handing its
/// writes to the next holder.
fn lock_in_model(
    answer: Arc<impl Fn(&AtomicBool, &dyn Fn()) + Send + Sync + 'static>,
    threads: usize,
    rounds: usize,
) -> Result<Explored, Failure> {
    explore(None, move || {
        let lock = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        // loom runs one thread at a time, on one real thread: a plain
        // counter says how many are inside `work` right now.
        let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (lock, count, inside) = (lock.clone(), count.clone(), inside.clone());
                let answer = Arc::clone(&answer);
                loom::thread::spawn(move || {
                    let calls = std::sync::atomic::AtomicUsize::new(0);
                    let work = || {
                        calls.fetch_add(1, Relaxed);
                        let others = inside.fetch_add(1, SeqCst);
                        assert!(others == 0, "TWO_INSIDE");
                        let seen = count.load(Relaxed);
                        count.store(seen + 1, Relaxed);
                        inside.fetch_sub(1, SeqCst);
                    };
                    for _ in 0..rounds {
                        let before = calls.load(Relaxed);
                        answer(&lock, &work);
                        let ran = calls.load(Relaxed) - before;
                        assert!(ran == 1, "CALLS {ran} 1");
                        if threads == 1 {
                            assert!(!lock.load(Relaxed), "STILL_TAKEN");
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let got = count.load(Relaxed);
        assert!(got == threads * rounds, "COUNT {got} {}", threads * rounds);
    })
}

fn lock_problem(failure: &Failure) -> String {
    let at = format!("in interleaving {} of those loom tried", failure.execution);
    let message = failure.message.as_str();
    if message.starts_with("TWO_INSIDE") {
        format!(
            "{at}, two threads ran `work` at the same time: the lock let both in. Checking that \
             the lock is free and then taking it are two steps, and another thread can take it \
             in between. Take it in one indivisible step that fails when it is already taken \
             (`compare_exchange(false, true, ..)`), and run `work` only once you hold it."
        )
    } else if message.starts_with("STILL_TAKEN") {
        format!(
            "{at}, the lock was still taken after `with_lock` returned: give it back after \
             `work`, by storing `false`."
        )
    } else if let Some((ran, _)) = read_marker(message, "CALLS") {
        format!("{at}, one call of `with_lock` ran `work` {ran} times: run it exactly once.")
    } else if let Some((got, expected)) = read_marker(message, "COUNT") {
        format!(
            "{at}, the counter that `work` increments ended at {got}, expected {expected}: a \
             thread in `work` missed the previous holder's write. Run `work` only while holding \
             the lock (after taking it, before giving it back); see that it is free and take it \
             in one indivisible step (`compare_exchange(false, true, ..)`); give it back with a \
             Release store and take it with Acquire, which hand the holder's writes on (x86 does \
             that anyway, ARM does not)."
        )
    } else if failure.never_ends() {
        format!(
            "{} The lock starts free, holding false: take it by turning false into true, give \
             it back by storing false. Wait by retrying `compare_exchange`, calling \
             `loom::hint::spin_loop()` after each failed try (loom 0.7 never finishes a waiting \
             loop of `swap`s, right as one is on a real machine).",
            never_ends(failure)
        )
    } else {
        stopped(failure)
    }
}
