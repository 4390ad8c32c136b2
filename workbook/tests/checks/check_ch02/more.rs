//! More wrong answers to chapter 02's exercises, each a way a learner could
//! half-understand the section, and right answers written differently from
//! the reference, which must keep passing.

use super::*;

// ch02 map_on_pool: more wrong answers, and a right one without rayon

/// The right pool, but results pushed as tasks finish, then sorted.
fn pool_sorted_as_finished(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let out = Mutex::new(Vec::new());
    pool.install(|| {
        inputs
            .par_iter()
            .for_each(|&x| out.lock().unwrap().push(f(x)))
    });
    let mut out = out.into_inner().unwrap();
    out.sort();
    out
}

/// Inside the pool, but with a sequential `iter()`: one pool thread works.
fn sequential_inside_the_pool(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| inputs.iter().map(|&x| f(x)).collect())
}

/// A new pool of the right size for every input.
fn a_pool_per_input(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    inputs
        .iter()
        .map(|&x| {
            let pool = ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| f(x))
        })
        .collect()
}

/// Right, but the pool is never dropped: its threads outlive the call.
fn pool_kept_alive(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let out = pool.install(|| inputs.par_iter().map(|&x| f(x)).collect());
    std::mem::forget(pool);
    out
}

/// A scoped thread per input instead of a pool.
fn a_thread_per_input(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    thread::scope(|s| {
        let hs: Vec<_> = inputs.iter().map(|&x| s.spawn(move || f(x))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn sorting_results_gathered_as_they_finish_is_out_of_order() {
    assert_wrong(
        || ch02::map_on_pool(pool_sorted_as_finished),
        &["out of order"],
    );
}

#[test]
fn a_sequential_map_inside_the_pool_uses_one_thread() {
    assert_wrong(
        || ch02::map_on_pool(sequential_inside_the_pool),
        &[
            "the tasks ran on 1 thread of the pool",
            "pool.install",
            "par_iter",
        ],
    );
}

#[test]
fn a_pool_per_input_is_many_more_threads() {
    assert_wrong(
        || ch02::map_on_pool(a_pool_per_input),
        &["threads, but a pool of", "and one pool: build it once"],
    );
}

#[test]
fn a_pool_never_dropped_leaves_threads_running() {
    assert_wrong(
        || ch02::map_on_pool(pool_kept_alive),
        &["thread(s) running"],
    );
}

#[test]
fn a_thread_per_input_is_not_a_pool_of_that_size() {
    assert_wrong(
        || ch02::map_on_pool(a_thread_per_input),
        &["threads, not in a rayon pool, but a pool of"],
    );
}

#[test]
fn exactly_that_many_scoped_threads_over_chunks_is_right_too() {
    assert_done(ch02::map_on_pool(|threads, inputs, f| {
        assert!(threads > 0, "threads must be at least 1, got 0");
        let size = inputs.len().div_ceil(threads).max(1);
        thread::scope(|s| {
            let hs: Vec<_> = inputs
                .chunks(size)
                .map(|c| s.spawn(move || c.iter().map(|&x| f(x)).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        })
    }));
}

// ch02 map_in_batches: more wrong answers, and right ones written differently

/// Asks rayon for at least `batch` items per piece, but calls `work` per item.
fn min_len_per_item(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs
        .par_iter()
        .with_min_len(batch)
        .map(|&x| work(&[x])[0])
        .collect()
}

/// Reads `batch` as the number of batches.
fn batch_as_a_count(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    let size = (inputs.len() / batch).max(1);
    inputs.par_chunks(size).flat_map_iter(work).collect()
}

/// Results of each batch pushed as it finishes, then sorted.
fn batches_sorted_as_finished(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    let out = Mutex::new(Vec::new());
    inputs
        .par_chunks(batch)
        .for_each(|b| out.lock().unwrap().extend(work(b)));
    let mut out = out.into_inner().unwrap();
    out.sort();
    out
}

/// Turns a batch size of 0 into 1 instead of refusing it.
fn zero_batch_as_one(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs
        .par_chunks(batch.max(1))
        .flat_map_iter(work)
        .collect()
}

/// Merges the batches' results the wrong way round.
fn merged_backwards(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs
        .par_chunks(batch)
        .map(work)
        .reduce(Vec::new, |a, mut b| {
            b.extend(a);
            b
        })
}

#[test]
fn a_minimum_length_still_calls_work_per_item() {
    assert_wrong(
        || ch02::map_in_batches(min_len_per_item),
        &["should be called once per batch"],
    );
}

#[test]
fn the_batch_size_read_as_a_count_is_told_the_sizes() {
    assert_wrong(
        || ch02::map_in_batches(batch_as_a_count),
        &["sizes [3, 3, 2]"],
    );
}

#[test]
fn batches_sorted_as_they_finish_are_out_of_order() {
    assert_wrong(
        || ch02::map_in_batches(batches_sorted_as_finished),
        &["out of order"],
    );
}

#[test]
fn a_zero_batch_turned_into_one_is_refused() {
    assert_wrong(
        || ch02::map_in_batches(zero_batch_as_one),
        &["batches of 0", "must panic"],
    );
}

#[test]
fn batches_merged_backwards_are_out_of_order() {
    assert_wrong(|| ch02::map_in_batches(merged_backwards), &["out of order"]);
}

#[test]
fn a_scoped_thread_per_batch_and_concat_are_right_too() {
    assert_done(ch02::map_in_batches(|inputs, batch, work| {
        assert!(batch > 0, "batch must be at least 1");
        thread::scope(|s| {
            let hs: Vec<_> = inputs
                .chunks(batch)
                .map(|b| s.spawn(move || work(b)))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        })
    }));
    assert_done(ch02::map_in_batches(|inputs, batch, work| {
        inputs
            .par_chunks(batch)
            .map(work)
            .collect::<Vec<_>>()
            .concat()
    }));
}

// ch02 apply_pairs: more wrong answers, and right ones written differently

/// Results pushed as the pairs finish, then sorted.
fn pairs_sorted_as_finished(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert_eq!(xs.len(), ys.len(), "{} xs, {} ys", xs.len(), ys.len());
    let out = Mutex::new(Vec::new());
    xs.par_iter().zip(ys).for_each(|(&x, &y)| {
        let v = f(x, y);
        out.lock().unwrap().push(v);
    });
    let mut out = out.into_inner().unwrap();
    out.sort();
    out
}

/// Pads the shorter list with zeros.
fn pads_with_zeros(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    let n = xs.len().max(ys.len());
    (0..n)
        .into_par_iter()
        .map(|i| {
            f(
                xs.get(i).copied().unwrap_or(0),
                ys.get(i).copied().unwrap_or(0),
            )
        })
        .collect()
}

/// Every x with every y.
fn every_x_with_every_y(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    xs.par_iter()
        .flat_map_iter(|&x| ys.iter().map(move |&y| f(x, y)))
        .collect()
}

/// Indexes both lists by position: the shorter one panics with an index error.
fn indexed_without_a_check(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    (0..xs.len())
        .into_par_iter()
        .map(|i| f(xs[i], ys[i]))
        .collect()
}

/// Warns about the lengths, then zips anyway.
fn warns_and_goes_on(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    if xs.len() != ys.len() {
        eprintln!("warning: {} xs but {} ys", xs.len(), ys.len());
    }
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

#[test]
fn pairs_sorted_as_they_finish_are_out_of_order() {
    assert_wrong(
        || ch02::apply_pairs(pairs_sorted_as_finished),
        &["out of order"],
    );
}

#[test]
fn padding_the_shorter_list_is_refused() {
    assert_wrong(
        || ch02::apply_pairs(pads_with_zeros),
        &[
            "3 xs and 2 ys",
            "it returned",
            "lists of different lengths were not refused",
        ],
    );
}

#[test]
fn every_x_with_every_y_is_too_many_results() {
    assert_wrong(|| ch02::apply_pairs(every_x_with_every_y), &["too many"]);
}

#[test]
fn an_index_error_does_not_give_both_lengths() {
    assert_wrong(
        || ch02::apply_pairs(indexed_without_a_check),
        &["does not give both lengths (3 and 2)"],
    );
}

#[test]
fn a_warning_is_not_a_refusal() {
    assert_wrong(
        || ch02::apply_pairs(warns_and_goes_on),
        &["dropped the third x", "bad input"],
    );
}

#[test]
fn assert_eq_without_a_message_and_indexing_are_right_too() {
    assert_done(ch02::apply_pairs(|xs, ys, f| {
        assert_eq!(xs.len(), ys.len());
        xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
    }));
    assert_done(ch02::apply_pairs(|xs, ys, f| {
        let (a, b) = (xs.len(), ys.len());
        assert!(a == b, "xs has {a} items, ys has {b}");
        (0..a).into_par_iter().map(|i| f(xs[i], ys[i])).collect()
    }));
}
