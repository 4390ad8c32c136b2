//! Wrong answers to chapter 02's exercises, fed to the checks: each must be
//! rejected, and the message must say what went wrong.

use rayon::ThreadPoolBuilder;
use rayon::prelude::*;

use crate::common::{assert_done, assert_wrong};
use std::sync::Mutex;
use std::thread;
use workbook::check::ch02;

type F1<'a> = &'a (dyn Fn(u64) -> u64 + Sync);

// ch02 map_on_pool ----------------------------------------------------------

/// Ignores `threads` and uses rayon's global pool.
fn global_pool(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0);
    inputs.par_iter().map(|&x| f(x)).collect()
}

/// One thread too many.
fn off_by_one(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0);
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads + 1)
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

/// Right pool, but the map runs on the caller: `install` forgotten.
fn pool_built_but_not_used(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    assert!(threads > 0);
    let _pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    inputs.iter().map(|&x| f(x)).collect()
}

/// Right in every way but lets 0 through (rayon reads it as "default").
fn zero_let_through(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

#[test]
fn the_global_pool_is_a_pool_of_the_wrong_size() {
    assert_wrong(
        || ch02::map_on_pool(global_pool),
        &["threads was asked for"],
    );
}

#[test]
fn a_pool_one_thread_too_big_is_the_wrong_size() {
    assert_wrong(|| ch02::map_on_pool(off_by_one), &["threads was asked for"]);
}

#[test]
fn forgetting_install_runs_on_the_calling_thread() {
    assert_wrong(
        || ch02::map_on_pool(pool_built_but_not_used),
        &["calling thread", "pool.install", "parallel iterator"],
    );
}

#[test]
fn a_pool_of_zero_threads_must_be_refused() {
    assert_wrong(
        || ch02::map_on_pool(zero_let_through),
        &["a pool of 0 threads", "clear panic"],
    );
}

// ch02 map_in_batches -------------------------------------------------------

type Work<'a> = &'a (dyn Fn(&[u64]) -> Vec<u64> + Sync);

/// Ignores `batch`: one call per input.
fn one_by_one(inputs: &[u64], _batch: usize, work: Work) -> Vec<u64> {
    inputs.par_iter().flat_map_iter(|x| work(&[*x])).collect()
}

/// Batches right, but one after another on the calling thread.
fn sequential_batches(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs.chunks(batch).flat_map(work).collect()
}

/// Keeps only the first result of each batch.
fn loses_results(inputs: &[u64], batch: usize, work: Work) -> Vec<u64> {
    inputs.par_chunks(batch).map(|b| work(b)[0]).collect()
}

#[test]
fn ignoring_the_batch_size_is_told_the_batch_sizes() {
    assert_wrong(
        || ch02::map_in_batches(one_by_one),
        &[
            "once per batch of 3",
            "sizes [3, 3, 2]",
            "called 8 times, with [[8], [7], [6]",
        ],
    );
}

#[test]
fn batches_in_a_plain_loop_run_on_the_calling_thread() {
    assert_wrong(
        || ch02::map_in_batches(sequential_batches),
        &["calling thread", "par_chunks"],
    );
}

#[test]
fn keeping_one_result_per_batch_loses_results() {
    assert_wrong(|| ch02::map_in_batches(loses_results), &["missing"]);
}

// ch02 apply_pairs ----------------------------------------------------------

type F2<'a> = &'a (dyn Fn(u64, u64) -> u64 + Sync);

/// Zips without checking the lengths.
fn silent_zip(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

/// Passes the arguments the wrong way round.
fn swapped(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert_eq!(xs.len(), ys.len());
    xs.par_iter().zip(ys).map(|(&x, &y)| f(y, x)).collect()
}

/// Sequential on the calling thread.
fn plain_zip(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert_eq!(xs.len(), ys.len());
    xs.iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

#[test]
fn a_zip_that_drops_values_silently_is_wrong() {
    assert_wrong(
        || ch02::apply_pairs(silent_zip),
        &["3 xs and 2 ys", "dropped the third x"],
    );
}

#[test]
fn swapped_arguments_give_wrong_values() {
    assert_wrong(|| ch02::apply_pairs(swapped), &["expected [8, 9, 1]"]);
}

#[test]
fn a_plain_zip_runs_on_the_calling_thread() {
    assert_wrong(|| ch02::apply_pairs(plain_zip), &["calling thread"]);
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch02::map_on_pool(|_, _, _| todo!()).is_not_started());
    assert!(ch02::map_in_batches(|_, _, _| todo!()).is_not_started());
    assert!(ch02::apply_pairs(|_, _, _| todo!()).is_not_started());
}

/// Refuses 0, but with a message that does not say why.
fn zero_refused_without_a_reason(threads: usize, inputs: &[u64], f: F1) -> Vec<u64> {
    if threads == 0 {
        panic!("bad input");
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| inputs.par_iter().map(|&x| f(x)).collect())
}

#[test]
fn refusing_zero_threads_must_say_why() {
    assert_wrong(
        || ch02::map_on_pool(zero_refused_without_a_reason),
        &["“bad input”", "does not", "must be at least 1"],
    );
}

/// Refuses unequal lengths, but without giving them.
fn lengths_not_given(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    assert!(xs.len() == ys.len(), "the lists differ");
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

#[test]
fn refusing_unequal_lists_must_give_both_lengths() {
    assert_wrong(
        || ch02::apply_pairs(lengths_not_given),
        &["“the lists differ”", "both lengths (3 and 2)"],
    );
}

/// Right, with messages of its own words.
fn right_in_other_words(xs: &[u64], ys: &[u64], f: F2) -> Vec<u64> {
    if xs.len() != ys.len() {
        panic!("{} xs but {} ys", xs.len(), ys.len());
    }
    xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
}

#[test]
fn a_message_in_other_words_that_gives_both_lengths_passes() {
    let report = ch02::apply_pairs(right_in_other_words);
    assert!(report.is_done(), "{report}");
}

#[path = "check_ch02/more.rs"]
mod more;

#[path = "check_ch02/escapes.rs"]
mod escapes;
