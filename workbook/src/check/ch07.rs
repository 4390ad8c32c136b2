//! Checks for chapter 07, Fibonacci.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use super::dice::Dice;
use super::{Probe, Report, Wrong};

pub use super::declared::ch07::*;

/// f(0) ..= f(93), every Fibonacci number that fits in a u64.
fn table() -> Vec<u64> {
    let mut t = vec![0u64, 1];
    while t.len() < 94 {
        let n = t.len();
        t.push(t[n - 1] + t[n - 2]);
    }
    t
}

/// Checks `fib_checked(n: u32) -> Result<u64, String>`.
pub fn fib_checked(answer: impl Fn(u32) -> Result<u64, String> + Send + 'static) -> Report {
    FIB_CHECKED.grade(move || {
        let table = table();
        // Besides the ends, a few n from the middle that change from run to
        // run: an answer that knows only the ends cannot pass.
        let mut dice = Dice::new();
        let middle: Vec<u32> = (0..4).map(|_| dice.between(21, 80) as u32).collect();
        for (case, ns) in [
            ("f(0) to f(20)".to_string(), (0..=20u32).collect::<Vec<_>>()),
            (format!("f(n) for n in {middle:?}"), middle.clone()),
            (
                "f(80) to f(93), the largest that fit".to_string(),
                (80..=93).collect(),
            ),
        ] {
            let case = case.as_str();
            for n in ns {
                match answer(n) {
                    Ok(v) if v == table[n as usize] => {}
                    Ok(v) => {
                        return Err(Wrong::in_case(
                            case,
                            format!("f({n}) came back as {v}; it is {}.", table[n as usize]),
                        ));
                    }
                    Err(e) => {
                        return Err(Wrong::in_case(
                            case,
                            format!(
                                "f({n}) = {} fits in a u64, but came back as the error “{e}”.",
                                table[n as usize]
                            ),
                        ));
                    }
                }
            }
        }
        // Beyond the ends too, n that change from run to run: an answer that
        // knows only the check's n cannot pass.
        let beyond = dice.between(95, 1_000) as u32;
        let far = dice.between(100_000, 4_000_000_000) as u32;
        for (case, n) in [
            ("f(94), one past the largest".to_string(), 94u32),
            ("f(100)".to_string(), 100),
            (format!("f({beyond})"), beyond),
            (
                format!("n = {far} (must fail fast, not count for minutes)"),
                far,
            ),
            (
                "n = 4 000 000 000 (must fail fast, not count for minutes)".to_string(),
                4_000_000_000,
            ),
        ] {
            let case = case.as_str();
            match answer(n) {
                Ok(v) => {
                    return Err(Wrong::in_case(
                        case,
                        format!(
                            "f({n}) does not fit in a u64, yet it came back as Ok({v}): a wrapped \
                             or capped number. Return an Err once an addition would overflow \
                             (u64::checked_add returns None then)."
                        ),
                    ));
                }
                Err(e) if !e.contains(&n.to_string()) => {
                    return Err(Wrong::in_case(
                        case,
                        format!(
                            "the error “{e}” does not say which n was asked for: \
                             name {n} in the message."
                        ),
                    ));
                }
                Err(_) => {}
            }
        }
        Ok(format!(
            "f(0) to f(20), f(80) to f(93) and f(n) for n in {middle:?} are right, and f(94), \
             f(100), f({beyond}), f({far}) and f(4 000 000 000) are errors that name n."
        ))
    })
}

/// The `n`s a correct split hands to the leaf, in any order.
fn expected_leaves(n: u32, cutoff: u32, out: &mut Vec<u32>) {
    if n < cutoff.max(2) {
        out.push(n);
    } else {
        expected_leaves(n - 1, cutoff, out);
        expected_leaves(n - 2, cutoff, out);
    }
}

fn fib_seq(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

type Answer = dyn Fn(u32, u32, &(dyn Fn(u32) -> u64 + Sync)) -> u64 + Send;

/// Runs the answer with a leaf that records its calls; checks value and leaves.
fn leaves_case(answer: &Answer, case: &str, n: u32, cutoff: u32) -> Result<(), Wrong> {
    let calls = Mutex::new(Vec::new());
    let on_caller = AtomicUsize::new(0);
    let caller = thread::current().id();
    let leaf = |k: u32| {
        calls.lock().unwrap_or_else(|e| e.into_inner()).push(k);
        if thread::current().id() == caller {
            on_caller.fetch_add(1, Ordering::SeqCst);
        }
        fib_seq(k)
    };
    let got = answer(n, cutoff, &leaf);
    let want = table()[n as usize];
    if got != want {
        return Err(Wrong::in_case(
            case,
            format!("fib_par({n}, {cutoff}, leaf) returned {got}; f({n}) is {want}."),
        ));
    }
    let mut calls = calls.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut want_calls = Vec::new();
    expected_leaves(n, cutoff, &mut want_calls);
    calls.sort();
    want_calls.sort();
    if calls != want_calls {
        let above: Vec<u32> = calls
            .iter()
            .copied()
            .filter(|&k| k >= cutoff.max(2))
            .collect();
        let problem = if calls.is_empty() {
            "the leaf was never called. Below the cutoff, return leaf(n) instead of \
             recursing further."
                .to_string()
        } else if let Some(k) = above.first() {
            let nor_two = if cutoff < 2 { " (nor below 2)" } else { "" };
            format!(
                "the leaf was called with n = {k}, which is not below the cutoff {cutoff}{nor_two}: \
                 at or above the cutoff, split in two with rayon::join instead."
            )
        } else {
            let remedy = if calls.len() < want_calls.len() {
                "Every piece below the cutoff must get its value from leaf, each time it comes \
                 up: do not compute it another way or reuse an earlier result."
            } else {
                "Call leaf(n) as soon as n is below the cutoff (or below 2), and only then."
            };
            format!(
                "the leaf was called {} times, with n from {} to {}; a split that stops \
                 exactly at the cutoff calls it {} times, with n from {} to {}. {remedy}",
                calls.len(),
                calls[0],
                calls[calls.len() - 1],
                want_calls.len(),
                want_calls[0],
                want_calls[want_calls.len() - 1]
            )
        };
        return Err(Wrong::in_case(case, problem));
    }
    // rayon::join called from outside a pool runs both halves on rayon's
    // global pool: a split into two or more leaves leaves none on the caller.
    if calls.len() > 1 && on_caller.into_inner() == calls.len() {
        return Err(Wrong::in_case(
            case,
            "it ran sequentially: every leaf ran on the calling thread. Split with \
             rayon::join(|| fib_par(n - 1, ..), || fib_par(n - 2, ..)) at every level above \
             the cutoff, for every n, not only for some.",
        ));
    }
    Ok(())
}

/// Checks `fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64`.
pub fn fib_par(
    answer: impl Fn(u32, u32, &(dyn Fn(u32) -> u64 + Sync)) -> u64 + Send + 'static,
) -> Report {
    FIB_PAR.grade(move || {
        leaves_case(&answer, "n = 10, cutoff 20: one leaf does it all", 10, 20)?;
        leaves_case(&answer, "n = 0 and cutoff 0", 0, 0)?;
        leaves_case(
            &answer,
            "n = 12, cutoff 0: split down to f(1) and f(0)",
            12,
            0,
        )?;
        leaves_case(&answer, "n = 20, cutoff 12", 20, 12)?;

        // Parallelism, counted: on a pool of four threads, four leaves must be
        // in flight at the same moment (a split that runs in parallel only at
        // the top gets two).
        let case = "n = 22, cutoff 16, on a pool of 4 threads";
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .map_err(|e| Wrong(format!("the check could not build a thread pool: {e}")))?;
        let probe = Probe::new(4);
        let outside = AtomicUsize::new(0);
        let leaf = |k: u32| {
            if pool.current_thread_index().is_none() {
                outside.fetch_add(1, Ordering::SeqCst);
            }
            probe.task(|| fib_seq(k))
        };
        let got = pool.install(move || answer(22, 16, &leaf));
        if got != table()[22] {
            return Err(Wrong::in_case(
                case,
                format!("returned {got}; f(22) is {}.", table()[22]),
            ));
        }
        let outside = outside.into_inner();
        if outside > 0 {
            return Err(Wrong::in_case(
                case,
                format!(
                    "{outside} leaves ran on threads outside the rayon pool fib_par was called \
                     in: it started threads, or a pool, of its own. Split with rayon::join, which \
                     runs both halves on the pool it is called in (the caller chooses the pool, \
                     and its size)."
                ),
            ));
        }
        let threads = probe.threads();
        if threads == [thread::current().id()] {
            return Err(Wrong::in_case(
                case,
                "every leaf ran on the calling thread: nothing ran in parallel. \
                 Split with rayon::join(|| fib_par(n - 1, ..), || fib_par(n - 2, ..)).",
            ));
        }
        if probe.peak() < 2 {
            return Err(Wrong::in_case(
                case,
                "it ran sequentially: the leaves ran one after another, never two at the \
                 same time. Compute the two halves with rayon::join, not one after the other.",
            ));
        }
        if probe.peak() < 4 {
            return Err(Wrong::in_case(
                case,
                format!(
                    "at most {} leaves ran at the same time on 4 threads; expected 4. Split with \
                     rayon::join at every level above the cutoff, not only at the top: each \
                     half must call fib_par again.",
                    probe.peak()
                ),
            ));
        }
        Ok(
            "the values are right, the leaf gets exactly the pieces below the cutoff, \
             and four leaves ran at once on a pool of 4 threads."
                .into(),
        )
    })
}
