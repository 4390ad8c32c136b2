//! Wrong answers to chapter 02's exercises that game the check or split the
//! work too coarsely (a pool kept from one call to the next, two halves,
//! lengths checked one way only), and right answers written differently.

use super::*;
use std::sync::OnceLock;

// ch02 map_on_pool ----------------------------------------------------------

/// Builds the pool once, on the first call, and keeps it for every call.
fn pool_kept_in_a_static(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    });
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

/// Tries to resize the global pool (which rayon refuses once it runs) and
/// uses it anyway.
fn resizes_the_global_pool(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let _ = ThreadPoolBuilder::new().num_threads(threads).build_global();
    inputs.par_iter().map(|&x| f(x)).collect()
}

/// "More threads than cores is pointless": caps the pool at the cores.
fn capped_at_the_cores(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads.min(cores))
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

/// "A pool of one is a loop": runs it on the calling thread.
fn one_thread_as_a_loop(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    if threads == 1 {
        return inputs.iter().map(|&x| f(x)).collect();
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

/// Keeps one thread for the caller: a pool of `threads - 1`.
fn one_less_for_the_caller(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0, "threads must be at least 1");
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads - 1)
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

/// Reads 0 threads as 1 instead of refusing it.
fn zero_read_as_one(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

#[test]
fn a_pool_kept_from_the_first_call_is_the_wrong_size() {
    assert_wrong(
        || ch02::map_on_pool(pool_kept_in_a_static),
        &["threads was asked for"],
    );
}

#[test]
fn resizing_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch02::map_on_pool(resizes_the_global_pool),
        &["threads was asked for"],
    );
}

#[test]
fn a_pool_capped_at_the_cores_is_the_wrong_size() {
    assert_wrong(
        || ch02::map_on_pool(capped_at_the_cores),
        &["threads was asked for"],
    );
}

#[test]
fn a_pool_of_one_run_as_a_loop_is_on_the_calling_thread() {
    assert_wrong(
        || ch02::map_on_pool(one_thread_as_a_loop),
        &["a pool of 1 thread", "calling thread"],
    );
}

#[test]
fn a_pool_one_thread_short_is_the_wrong_size() {
    assert_wrong(
        || ch02::map_on_pool(one_less_for_the_caller),
        &["threads was asked for"],
    );
}

#[test]
fn zero_threads_read_as_one_must_be_refused() {
    assert_wrong(
        || ch02::map_on_pool(zero_read_as_one),
        &["a pool of 0 threads", "it returned [1, 2, 3]"],
    );
}

#[test]
fn slots_filled_by_par_iter_mut_on_the_pool_are_right_too() {
    assert_done(ch02::map_on_pool(|threads, inputs, f| {
        assert!(threads >= 1, "need at least 1 thread, got {threads}");
        let pool = ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut out = vec![0; inputs.len()];
        pool.install(|| {
            out.par_iter_mut()
                .zip(inputs)
                .for_each(|(slot, &x)| *slot = f(x))
        });
        out
    }));
}

// ch02 map_in_batches -------------------------------------------------------

/// `par_chunks_exact`: the shorter last batch is dropped.
fn exact_chunks_only(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs.par_chunks_exact(batch).flat_map_iter(work).collect()
}

/// Batches cut from the end (`par_rchunks`), put back in order.
fn batches_from_the_end(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    let mut parts: Vec<Vec<u64>> = inputs.par_rchunks(batch).map(work).collect();
    parts.reverse();
    parts.concat()
}

/// Two halves with `rayon::join`, each going through its batches in a loop.
fn two_halves(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    assert!(batch > 0, "batch must be at least 1");
    let cut = (inputs.len() / batch / 2) * batch;
    let (left, right) = inputs.split_at(cut);
    let run = |part: &[u64]| part.chunks(batch).flat_map(work).collect::<Vec<u64>>();
    let (mut a, b) = rayon::join(|| run(left), || run(right));
    a.extend(b);
    a
}

/// Gives up quietly on a batch of 0: returns nothing.
fn nothing_for_zero(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    if batch == 0 {
        return Vec::new();
    }
    inputs.par_chunks(batch).flat_map_iter(work).collect()
}

/// A batch size hard-coded to the one the check seemed to use.
fn batch_of_three_always(inputs: &[u64], _batch: usize, work: Work) -> Vec<u64> {
    inputs.par_chunks(3).flat_map_iter(work).collect()
}

#[test]
fn exact_chunks_lose_the_last_batch() {
    assert_wrong(
        || ch02::map_in_batches(exact_chunks_only),
        &["8 inputs", "missing"],
    );
}

#[test]
fn batches_cut_from_the_end_are_the_wrong_batches() {
    assert_wrong(
        || ch02::map_in_batches(batches_from_the_end),
        &["once per batch of 3", "sizes [3, 3, 2]"],
    );
}

#[test]
fn two_halves_are_not_every_batch_at_once() {
    assert_wrong(
        || ch02::map_in_batches(two_halves),
        &["at most 2 tasks were running at the same time; expected 6"],
    );
}

#[test]
fn returning_nothing_for_a_zero_batch_is_not_a_refusal() {
    assert_wrong(
        || ch02::map_in_batches(nothing_for_zero),
        &["batches of 0", "it returned []"],
    );
}

#[test]
fn a_hard_coded_batch_size_is_caught() {
    assert_wrong(
        || ch02::map_in_batches(batch_of_three_always),
        &["batch of 10", "sizes [4]"],
    );
}

#[test]
fn exact_chunks_with_the_remainder_and_rayons_chunks_are_right_too() {
    assert_done(ch02::map_in_batches(|inputs, batch, work| {
        let whole = inputs.par_chunks_exact(batch);
        let rest = whole.remainder();
        let mut out: Vec<u64> = whole.flat_map_iter(work).collect();
        if !rest.is_empty() {
            out.extend(work(rest));
        }
        out
    }));
    assert_done(ch02::map_in_batches(|inputs, batch, work| {
        assert!(batch > 0, "batch must be at least 1");
        inputs
            .par_iter()
            .copied()
            .chunks(batch)
            .map(|b| work(&b))
            .collect::<Vec<Vec<u64>>>()
            .concat()
    }));
}

// ch02 apply_pairs ----------------------------------------------------------

/// Two halves with `rayon::join`, each zipped in a loop.
fn pairs_in_two_halves(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert_eq!(xs.len(), ys.len(), "{} xs, {} ys", xs.len(), ys.len());
    let mid = xs.len() / 2;
    let run = |a: &[u64], b: &[u64]| a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect::<Vec<_>>();
    let (mut left, right) = rayon::join(
        || run(&xs[..mid], &ys[..mid]),
        || run(&xs[mid..], &ys[mid..]),
    );
    left.extend(right);
    left
}

/// Checks only that `ys` is long enough for every x.
fn checks_one_way(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert!(
        ys.len() >= xs.len(),
        "{} xs but only {} ys",
        xs.len(),
        ys.len()
    );
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

/// Cuts `ys` to the length of `xs`: the index error names both lengths
/// when `ys` is shorter, and extra ys are dropped silently.
fn ys_cut_to_xs(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    xs.par_iter()
        .zip(&ys[..xs.len()])
        .map(|(&x, &y)| f(x, y))
        .collect()
}

/// Swallows the mismatch: returns nothing for lists of different lengths.
fn nothing_for_a_mismatch(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    if xs.len() != ys.len() {
        return Vec::new();
    }
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

/// Takes `f` for addition: adds the pair instead of calling `f`.
fn adds_instead_of_f(xs: &[u64], ys: &[u64], _f: F2) -> Vec<u64> {
    assert_eq!(xs.len(), ys.len(), "{} xs, {} ys", xs.len(), ys.len());
    xs.par_iter().zip(ys).map(|(&x, &y)| x + y).collect()
}

#[test]
fn pairs_in_two_halves_are_not_every_pair_at_once() {
    assert_wrong(
        || ch02::apply_pairs(pairs_in_two_halves),
        &["at most 2 tasks were running at the same time; expected 8"],
    );
}

#[test]
fn checking_the_lengths_one_way_drops_extra_ys() {
    assert_wrong(
        || ch02::apply_pairs(checks_one_way),
        &["2 xs and 3 ys", "dropped the third y"],
    );
}

#[test]
fn cutting_ys_to_the_length_of_xs_drops_extra_ys() {
    assert_wrong(
        || ch02::apply_pairs(ys_cut_to_xs),
        &["2 xs and 3 ys", "dropped the third y"],
    );
}

#[test]
fn returning_nothing_for_a_mismatch_is_not_a_refusal() {
    assert_wrong(
        || ch02::apply_pairs(nothing_for_a_mismatch),
        &["3 xs and 2 ys", "it returned []", "were not refused"],
    );
}

#[test]
fn adding_instead_of_calling_f_gives_wrong_values() {
    assert_wrong(
        || ch02::apply_pairs(adds_instead_of_f),
        &["the order of arguments matters", "expected [8, 9, 1]"],
    );
}

#[test]
fn an_indexed_parallel_range_and_a_scoped_thread_per_pair_are_right_too() {
    assert_done(ch02::apply_pairs(|xs, ys, f| {
        if xs.len() != ys.len() {
            panic!("lengths differ: {} and {}", xs.len(), ys.len());
        }
        let mut out = vec![0; xs.len()];
        out.par_iter_mut()
            .enumerate()
            .for_each(|(i, slot)| *slot = f(xs[i], ys[i]));
        out
    }));
    assert_done(ch02::apply_pairs(|xs, ys, f| {
        assert_eq!(xs.len(), ys.len(), "xs: {}, ys: {}", xs.len(), ys.len());
        thread::scope(|s| {
            let hs: Vec<_> = xs
                .iter()
                .zip(ys)
                .map(|(&x, &y)| s.spawn(move || f(x, y)))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }));
}
