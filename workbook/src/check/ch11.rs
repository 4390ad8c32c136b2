//! Checks for chapter 11, proving concurrent code correct with loom. Both
//! run the learner's answer under `loom::model` themselves, so a verdict
//! covers every interleaving, not the few a busy machine happened to run.
//! They need the `loom` cargo feature. The models hold their atomics in
//! std's `Arc`: loom's own aborts the process when an interleaving is
//! abandoned half-way (a deadlock, a loop that never ends), and a check must
//! report those, not crash.
#![cfg(feature = "loom")]

use std::sync::Arc;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};

use loom::sync::atomic::{AtomicBool, AtomicUsize};

use super::{Exercise, Report, Wrong};
use crate::model::{Explored, Failure, Orderings, explore};

/// `record_hit`: add one to a counter that several threads share.
pub static RECORD_HIT: Exercise = Exercise {
    notebook: "11-loom",
    name: "record_hit",
    section: "Exercise 1: a counter loom cannot break",
};

/// `message_orderings`: the weakest orderings that pass a value safely.
pub static MESSAGE_ORDERINGS: Exercise = Exercise {
    notebook: "11-loom",
    name: "message_orderings",
    section: "Exercise 2: the weakest orderings that publish a value",
};

/// Checks `record_hit(hits: &loom::sync::atomic::AtomicUsize)`.
pub fn record_hit(answer: impl Fn(&AtomicUsize) + Send + Sync + 'static) -> Report {
    let answer = Arc::new(answer);
    RECORD_HIT.grade(move || {
        // (case, threads, hits per thread); the main thread does no hits.
        let cases = [
            ("one thread, three hits", 1, 3),
            ("two threads, one hit each", 2, 1),
            ("three threads, one hit each", 3, 1),
            ("two threads, two hits each", 2, 2),
        ];
        let mut explored = Vec::new();
        for (case, threads, hits) in cases {
            let done = match count_in_model(Arc::clone(&answer), threads, hits) {
                Ok(done) => done,
                // `todo!()` panicked inside the model: pass it on, so that
                // the answer reads as not started.
                Err(f) if f.message.starts_with("not yet implemented") => panic!("{}", f.message),
                Err(f) => return Err(Wrong::in_case(case, counter_problem(&f, threads))),
            };
            explored.push(format!("{case}: {}", done.executions));
        }
        Ok(format!(
            "no interleaving lost or added a hit. Interleavings loom explored: {}.",
            explored.join("; ")
        ))
    })
}

/// Runs `threads` threads that each call `answer` `hits` times, under loom;
/// fails when the final count is not `threads * hits`.
fn count_in_model(
    answer: Arc<impl Fn(&AtomicUsize) + Send + Sync + 'static>,
    threads: usize,
    hits: usize,
) -> Result<Explored, Failure> {
    // At most two forced switches per execution keeps the biggest case to
    // seconds; a lost update needs only one.
    explore(Some(2), move || {
        let counter = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (counter, answer) = (counter.clone(), Arc::clone(&answer));
                loom::thread::spawn(move || (0..hits).for_each(|_| answer(&counter)))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let got = counter.load(SeqCst);
        let expected = threads * hits;
        assert!(got == expected, "COUNT {got} {expected}");
    })
}

fn counter_problem(failure: &Failure, threads: usize) -> String {
    let mut words = failure.message.split_whitespace();
    let counted = (words.next() == Some("COUNT"))
        .then(|| {
            words
                .next()?
                .parse::<usize>()
                .ok()
                .zip(words.next()?.parse().ok())
        })
        .flatten();
    let Some((got, expected)) = counted else {
        let retry = if failure.message.contains("never ends") {
            " A `compare_exchange` retried in a loop must retry with the value its `Err` \
             returns: the value loaded first may never come back."
        } else {
            ""
        };
        return format!(
            "loom stopped at interleaving {}: {}{retry}",
            failure.execution, failure.message
        );
    };
    let found = format!(
        "in interleaving {} of those loom tried, the counter ended at {got}, expected {expected}",
        failure.execution
    );
    if got > expected {
        format!("{found}: each call must add exactly one.")
    } else if threads == 1 {
        format!("{found}, with no other thread running: each call must add exactly one.")
    } else {
        format!(
            "{found}: {} hit(s) lost. A load followed by a store is two steps: another \
             thread can load the same value in between, and both store value + 1. A \
             single `compare_exchange` that fails loses the hit too. Use one indivisible \
             step (`fetch_add`), or retry `compare_exchange` until it succeeds.",
            expected - got
        )
    }
}

/// Checks `message_orderings() -> Orderings`.
pub fn message_orderings(answer: impl Fn() -> Orderings + Send + 'static) -> Report {
    MESSAGE_ORDERINGS.grade(move || {
        let o = answer();
        let case = "one writer, one reader";
        let stores = [("write_data", o.write_data), ("raise_flag", o.raise_flag)];
        let loads = [("read_flag", o.read_flag), ("read_data", o.read_data)];
        for (what, ordering, kind, allowed) in stores
            .map(|(w, o)| (w, o, "store", "Relaxed, Release or SeqCst"))
            .into_iter()
            .chain(loads.map(|(w, o)| (w, o, "load", "Relaxed, Acquire or SeqCst")))
        {
            // Acquire is for loads and Release for stores; AcqRel only for read-modify-writes.
            let impossible = match kind {
                "store" => matches!(ordering, Acquire | AcqRel),
                _ => matches!(ordering, Release | AcqRel),
            };
            if impossible {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "`{what}` is a {kind}, and a {kind} cannot be {ordering:?} (Rust panics): \
                         a {kind} is {allowed}."
                    ),
                ));
            }
        }
        let explored = message_in_model(o).map_err(|f| Wrong::in_case(case, stale(&o, &f)))?;
        let mut verdict = format!(
            "in all {} interleavings, a reader that saw the flag read 42.",
            explored.executions
        );
        let mut stronger = Vec::new();
        if o.raise_flag == SeqCst || o.read_flag == SeqCst {
            stronger.push("SeqCst on the flag is stronger than needed: a Release store paired with an Acquire load is enough");
        }
        if o.write_data != Relaxed || o.read_data != Relaxed {
            stronger.push("the data needs no ordering of its own: the flag's Release/Acquire orders it, so Relaxed is enough there");
        }
        if !stronger.is_empty() {
            verdict.push_str(&format!(" It passes, but {}.", stronger.join("; and ")));
        } else {
            verdict.push_str(" Release/Acquire on the flag, Relaxed on the data: the weakest that works.");
        }
        Ok(verdict)
    })
}

/// The message under loom; the model fails when the reader saw the flag
/// but not the data.
fn message_in_model(o: Orderings) -> Result<Explored, Failure> {
    explore(None, move || {
        let data = Arc::new(AtomicUsize::new(0));
        let ready = Arc::new(AtomicBool::new(false));
        let (d, r) = (data.clone(), ready.clone());
        let writer = loom::thread::spawn(move || {
            d.store(42, o.write_data);
            r.store(true, o.raise_flag);
        });
        if ready.load(o.read_flag) {
            let value = data.load(o.read_data);
            assert!(
                value == 42,
                "the reader saw the flag raised but read data = {value}"
            );
        }
        writer.join().unwrap();
    })
}

fn stale(o: &Orderings, failure: &Failure) -> String {
    let all_relaxed = [o.write_data, o.raise_flag, o.read_flag, o.read_data] == [Relaxed; 4];
    let why = match (o.raise_flag, o.read_flag) {
        (Relaxed, Relaxed) if all_relaxed => {
            "Relaxed everywhere: the reader can see the flag without the value. Relaxed keeps \
             each variable consistent on its own, and orders nothing between the two."
        }
        (Relaxed, Relaxed) => {
            "ordering the data does not help: the reader decides by the flag, so the flag \
             carries the message. Raise it with a Release store and read it with an Acquire load."
        }
        (Relaxed, _) => {
            "the flag is raised with a Relaxed store, which publishes nothing written before \
             it. Make it Release."
        }
        (_, Relaxed) => {
            "the flag is read with a Relaxed load, which does not take in what the writer \
             published. Make it Acquire, to pair with the writer's Release."
        }
        _ => "the flag's store and load do not pair up to order the data.",
    };
    format!(
        "in interleaving {} of those loom tried, {}. {why} (On x86 every test would pass: \
         the processor keeps stores in order. ARM does not.)",
        failure.execution, failure.message
    )
}
