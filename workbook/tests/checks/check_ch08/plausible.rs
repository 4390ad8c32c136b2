//! A third round of wrong answers to chapter 08's first two exercises: ways
//! to half-understand the section, and ways to game the check, each caught
//! on every run; and right answers written differently again.

use std::collections::HashMap;
use std::iter::repeat;
use std::thread;

use crate::common::assert_done;

use super::*;

// ch08 merge_counts --------------------------------------------------------

/// Takes the table with the larger total for the long one: right whenever
/// the longer table also holds more, as in the section's examples.
fn long_by_total(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let a_first = a.iter().sum::<u64>() >= b.iter().sum::<u64>();
    let (mut long, short) = if a_first { (a, b) } else { (b, a) };
    long.iter_mut().zip(short).for_each(|(x, y)| *x += y);
    long
}

/// Knows what the check asks, and zips anything else.
fn knows_the_checks_tables(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    match (a.as_slice(), b.as_slice()) {
        ([1, 1, 1, 7], [2, 2]) | ([2, 2], [1, 1, 1, 7]) => vec![3, 3, 1, 7],
        ([6, 6], [1, 0, 0, 2]) => vec![7, 6, 0, 2],
        ([], other) | (other, []) => other.to_vec(),
        _ => zip_only(a, b),
    }
}

/// Indexes the first table by the second one's positions: panics when the
/// first is the shorter.
#[allow(clippy::needless_range_loop)] // the learner's own loop, on purpose
fn indexes_past_the_end(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    for i in 0..b.len() {
        a[i] += b[i];
    }
    a
}

/// Grows the second table to the first one's length, cutting it when it is
/// the longer.
fn resizes_to_the_first(a: Vec<u64>, mut b: Vec<u64>) -> Vec<u64> {
    b.resize(a.len(), 0);
    a.into_iter().zip(b).map(|(x, y)| x + y).collect()
}

/// Counts by value in a hash map, then lists the counts in the map's order.
fn through_a_hash_map(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let mut counts: HashMap<usize, u64> = HashMap::new();
    for (i, n) in a.into_iter().enumerate().chain(b.into_iter().enumerate()) {
        *counts.entry(i).or_insert(0) += n;
    }
    counts.into_values().collect()
}

#[test]
fn choosing_the_long_table_by_its_total_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(long_by_total),
        &["a longer table with fewer values", "dropped"],
    );
}

#[test]
fn an_answer_that_knows_the_checks_tables_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(knows_the_checks_tables),
        &["dropped", "keep every value of the longer table"],
    );
}

#[test]
fn indexing_past_the_shorter_table_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(indexes_past_the_end),
        &["it panicked", "index out of bounds"],
    );
}

#[test]
fn cutting_the_second_table_to_the_first_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(resizes_to_the_first),
        &["an empty table and a full one", "9 dropped"],
    );
}

#[test]
fn a_hash_map_that_loses_the_order_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(through_a_hash_map),
        &["expected", "value by value"],
    );
}

/// Right: both tables padded with zeros for ever, zipped, cut to the longer length.
fn padded_for_ever(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let n = a.len().max(b.len());
    let a = a.into_iter().chain(repeat(0));
    let b = b.into_iter().chain(repeat(0));
    a.zip(b).take(n).map(|(x, y)| x + y).collect()
}

#[test]
fn endless_padding_merges_right() {
    assert_done(ch08::merge_counts(padded_for_ever));
}

// ch08 count_files ---------------------------------------------------------

/// Counts every file once to find a bad one, then again, in parallel, to merge.
fn checks_first_then_counts(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    for p in paths {
        count(p)?;
    }
    Ok(paths
        .par_iter()
        .map(|p| count(p).unwrap_or_default())
        .reduce(Vec::new, good_merge))
}

/// A thread of its own for every file, each joined before the next starts.
fn a_thread_per_file_in_turn(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let mut total = Vec::new();
    for p in paths {
        let table = thread::scope(|s| s.spawn(|| count(p)).join().unwrap())?;
        total = good_merge(total, table);
    }
    Ok(total)
}

/// Calls no files an error, as if there had to be something to count.
fn no_files_is_an_error(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    if paths.is_empty() {
        return Err("no files to count".into());
    }
    paths
        .par_iter()
        .map(|p| count(p))
        .try_reduce(Vec::new, |a, b| Ok(good_merge(a, b)))
}

/// Reduces without an identity: with no files there is nothing to unwrap.
fn reduce_with_unwrapped(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .par_iter()
        .map(|p| count(p))
        .try_reduce_with(|a, b| Ok(good_merge(a, b)))
        .unwrap()
}

/// A pool of its own, of one thread: parallel in name only.
fn a_pool_of_one(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| e.to_string())?;
    pool.install(|| {
        paths
            .par_iter()
            .map(|p| count(p))
            .try_reduce(Vec::new, |a, b| Ok(good_merge(a, b)))
    })
}

#[test]
fn counting_every_file_twice_is_rejected() {
    assert_wrong(
        || ch08::count_files(checks_first_then_counts),
        &["counted 2 times", "exactly once"],
    );
}

#[test]
fn a_thread_per_file_joined_at_once_is_rejected() {
    assert_wrong(
        || ch08::count_files(a_thread_per_file_in_turn),
        &["it ran sequentially"],
    );
}

#[test]
fn calling_no_files_an_error_is_rejected() {
    assert_wrong(
        || ch08::count_files(no_files_is_an_error),
        &["no files", "not the error “no files to count”"],
    );
}

#[test]
fn unwrapping_a_reduce_with_no_files_is_rejected() {
    assert_wrong(
        || ch08::count_files(reduce_with_unwrapped),
        &["it panicked"],
    );
}

#[test]
fn a_pool_of_one_thread_is_rejected() {
    assert_wrong(
        || ch08::count_files(a_pool_of_one),
        &["it ran sequentially"],
    );
}

/// Right: every table added into one shared total behind a lock.
fn into_a_locked_total(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let total = std::sync::Mutex::new(Vec::new());
    paths.par_iter().try_for_each(|p| {
        let table = count(p)?;
        let mut total = total.lock().unwrap();
        *total = good_merge(std::mem::take(&mut *total), table);
        Ok::<(), String>(())
    })?;
    Ok(total.into_inner().unwrap())
}

/// Right: the sequential iterator bridged onto the pool, folded per thread.
fn bridged_and_folded(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .iter()
        .par_bridge()
        .map(|p| count(p))
        .try_fold(Vec::new, |acc, table| Ok(good_merge(acc, table?)))
        .try_reduce(Vec::new, |a, b| Ok(good_merge(a, b)))
}

#[test]
fn counts_written_differently_again_pass() {
    assert_done(ch08::count_files(into_a_locked_total));
    assert_done(ch08::count_files(bridged_and_folded));
}
