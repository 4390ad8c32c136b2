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
        &["tasks were running at the same time; expected 6"],
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
