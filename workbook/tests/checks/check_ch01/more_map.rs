//! More wrong answers to chapter 01's `map_in_threads`, and a right one
//! written differently.

use super::*;

// ch01 map_in_threads: more wrong answers, and a right one written differently

/// Gathers (input, result) as threads finish, and sorts by result.
fn map_sorted(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for &x in inputs {
            let tx = tx.clone();
            s.spawn(move || tx.send(f(x)).unwrap());
        }
    });
    drop(tx);
    let mut out: Vec<u64> = rx.iter().collect();
    out.sort();
    out
}

/// Computes each distinct input once: fewer threads than inputs.
fn memoized(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    let mut distinct = inputs.to_vec();
    distinct.sort();
    distinct.dedup();
    let results: Vec<u64> = thread::scope(|s| {
        let hs: Vec<_> = distinct.iter().map(|&x| s.spawn(move || f(x))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    inputs
        .iter()
        .map(|x| results[distinct.binary_search(x).unwrap()])
        .collect()
}

/// Maps the index instead of the value.
fn maps_the_index(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    thread::scope(|s| {
        let hs: Vec<_> = (0..inputs.len() as u64)
            .map(|i| s.spawn(move || f(i)))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The first input on the calling thread, the rest on scoped threads.
fn first_on_the_caller(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    let Some((&first, rest)) = inputs.split_first() else {
        return Vec::new();
    };
    thread::scope(|s| {
        let hs: Vec<_> = rest.iter().map(|&x| s.spawn(move || f(x))).collect();
        let mut out = vec![f(first)];
        out.extend(hs.into_iter().map(|h| h.join().unwrap()));
        out
    })
}

/// Results pushed into a shared vector as each thread finishes.
fn pushed_as_they_finish(inputs: &[u64], f: &(dyn Fn(u64) -> u64 + Sync)) -> Vec<u64> {
    let out = std::sync::Mutex::new(Vec::new());
    thread::scope(|s| {
        for &x in inputs {
            let out = &out;
            s.spawn(move || {
                let y = f(x);
                out.lock().unwrap().push(y);
            });
        }
    });
    out.into_inner().unwrap()
}

#[test]
fn results_sorted_by_value_are_out_of_order() {
    assert_wrong(|| ch01::map_in_threads(map_sorted), &["out of order"]);
}

#[test]
fn computing_each_distinct_input_once_is_not_a_thread_per_input() {
    assert_wrong(
        || ch01::map_in_threads(memoized),
        &["new threads, all started before any is waited for"],
    );
}

#[test]
fn mapping_the_index_gives_wrong_values() {
    assert_wrong(
        || ch01::map_in_threads(maps_the_index),
        &["one input", "expected [9], got [0]"],
    );
}

#[test]
fn mapping_one_input_on_the_caller_is_caught() {
    assert_wrong(
        || ch01::map_in_threads(first_on_the_caller),
        &["one of them the calling thread"],
    );
}

#[test]
fn pushing_results_as_threads_finish_is_out_of_order() {
    assert_wrong(
        || ch01::map_in_threads(pushed_as_they_finish),
        &["out of order"],
    );
}

#[test]
fn slots_filled_by_scoped_threads_are_right_too() {
    assert_done(ch01::map_in_threads(|inputs, f| {
        let mut out = vec![0; inputs.len()];
        thread::scope(|s| {
            for (slot, &x) in out.iter_mut().zip(inputs) {
                s.spawn(move || *slot = f(x));
            }
        });
        out
    }));
}

// ch01 map_in_threads: fixed and core-sized thread counts, threads only for
// large inputs, one thread for all, and a right answer with rayon's scope
// in a pool of its own.

type F<'a> = &'a (dyn Fn(u64) -> u64 + Sync);

/// Deals the inputs to `parts` scoped threads (input `i` to thread
/// `i % parts`), each mapping its share in a loop.
fn in_parts(inputs: &[u64], f: F, parts: usize) -> Vec<u64> {
    let parts = parts.clamp(1, inputs.len().max(1));
    let mut out = vec![0; inputs.len()];
    let shares: Vec<Vec<(usize, u64)>> = thread::scope(|s| {
        let hs: Vec<_> = (0..parts)
            .map(|k| {
                s.spawn(move || {
                    (k..inputs.len())
                        .step_by(parts)
                        .map(|i| (i, f(inputs[i])))
                        .collect()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, v) in shares.into_iter().flatten() {
        out[i] = v;
    }
    out
}

/// "Never more than 8 threads."
fn map_at_most_eight(inputs: &[u64], f: F) -> Vec<u64> {
    in_parts(inputs, f, 8)
}

/// Two threads per core.
fn map_twice_the_cores(inputs: &[u64], f: F) -> Vec<u64> {
    in_parts(inputs, f, 2 * workbook::cpus().available)
}

/// A plain loop for five inputs or fewer, threads beyond.
fn map_threads_only_for_many(inputs: &[u64], f: F) -> Vec<u64> {
    if inputs.len() <= 5 {
        return inputs.iter().map(|&x| f(x)).collect();
    }
    in_parts(inputs, f, inputs.len())
}

/// One scoped thread for every input.
fn map_on_one_thread(inputs: &[u64], f: F) -> Vec<u64> {
    in_parts(inputs, f, 1)
}

/// rayon's scope, a task per input, on the global pool.
fn map_with_rayon_scope(inputs: &[u64], f: F) -> Vec<u64> {
    let mut out = vec![0; inputs.len()];
    rayon::scope(|s| {
        for (slot, &x) in out.iter_mut().zip(inputs) {
            s.spawn(move |_| *slot = f(x));
        }
    });
    out
}

#[test]
fn mapping_on_at_most_eight_threads_is_caught() {
    assert_wrong(
        || ch01::map_in_threads(map_at_most_eight),
        &["ran on 8 threads, at most 8 at the same time"],
    );
}

#[test]
fn mapping_on_two_threads_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::map_in_threads(map_twice_the_cores),
        &["one new thread per task"],
    );
}

#[test]
fn a_loop_for_few_inputs_is_caught() {
    assert_wrong(
        || ch01::map_in_threads(map_threads_only_for_many),
        &[
            "five inputs that finish in reverse order",
            "no thread was started",
        ],
    );
}

#[test]
fn one_scoped_thread_for_every_input_ran_sequentially() {
    assert_wrong(
        || ch01::map_in_threads(map_on_one_thread),
        &["ran sequentially"],
    );
}

#[test]
fn rayons_scope_on_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch01::map_in_threads(map_with_rayon_scope),
        &["one new thread per task"],
    );
}

#[test]
fn a_rayon_scope_on_a_pool_with_a_thread_per_input_is_right_too() {
    assert_done(ch01::map_in_threads(|inputs, f| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(inputs.len().max(1))
            .build()
            .unwrap();
        let mut out = vec![0; inputs.len()];
        pool.scope(|s| {
            for (slot, &x) in out.iter_mut().zip(inputs) {
                s.spawn(move |_| *slot = f(x));
            }
        });
        out
    }));
}
