//! More wrong answers to chapter 08's first two exercises, each a way a
//! learner could half-understand the section, and right answers written
//! differently from the reference, which must keep passing.

use std::thread;

use crate::common::assert_done;

use super::*;

// ch08 merge_counts: more wrong answers, and right ones written differently

/// Adds the second table into the first: the second's tail is lost when it is longer.
fn adds_into_first(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

/// Appends one table to the other: every count is kept, but in the wrong slots.
fn concatenates(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.extend(b);
    a
}

/// Keeps the larger count of each slot instead of adding them.
fn keeps_larger(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| (*a.get(i).unwrap_or(&0)).max(*b.get(i).unwrap_or(&0)))
        .collect()
}

/// Written to pass the first case the section shows, and nothing else.
fn the_first_example_only(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    if a.is_empty() { b } else { vec![11, 22, 33] }
}

/// Pads the shorter table with zeros at the front, not the back.
fn pads_at_the_front(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let n = a.len().max(b.len());
    let pad = |t: Vec<u64>| {
        let mut p = vec![0; n - t.len()];
        p.extend(t);
        p
    };
    pad(a).into_iter().zip(pad(b)).map(|(x, y)| x + y).collect()
}

#[test]
fn adding_into_the_first_table_only_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(adds_into_first),
        &["an empty table and a full one", "9 dropped"],
    );
}

#[test]
fn appending_one_table_to_the_other_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(concatenates),
        &["gave [1, 2, 3, 10, 20, 30]", "value by value"],
    );
}

#[test]
fn keeping_the_larger_count_is_rejected() {
    assert_wrong(|| ch08::merge_counts(keeps_larger), &["6 dropped"]);
}

#[test]
fn an_answer_written_for_the_first_example_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(the_first_example_only),
        &["a longer first table", "gave [11, 22, 33]", "counted twice"],
    );
}

#[test]
fn padding_at_the_front_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(pads_at_the_front),
        &["a longer first table", "expected [3, 3, 1, 7]"],
    );
}

/// Right: slot by slot over the longer length.
fn by_index(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    (0..a.len().max(b.len()))
        .map(|i| a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0))
        .collect()
}

/// Right: grow the first table, then add.
fn resize_then_add(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (i, n) in b.into_iter().enumerate() {
        a[i] += n;
    }
    a
}

#[test]
fn merges_written_differently_pass() {
    assert_done(ch08::merge_counts(by_index));
    assert_done(ch08::merge_counts(resize_then_add));
}

// ch08 count_files: more wrong answers, and right ones written differently

/// Parallel, but merged with a `zip`, which stops at the shorter table.
fn merged_with_zip(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let tables: Vec<Vec<u64>> = paths
        .par_iter()
        .map(|p| count(p))
        .collect::<Result<_, _>>()?;
    Ok(tables.into_iter().reduce(zip_only).unwrap_or_default())
}

/// Parallel, but a bad file panics (`unwrap`) instead of returning its error.
fn unwraps(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    Ok(paths
        .par_iter()
        .map(|p| count(p).unwrap())
        .reduce(Vec::new, good_merge))
}

/// Counts only the first file, in a pool so that it looks parallel.
fn first_file_only(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    match paths.first() {
        Some(p) => count(p),
        None => Ok(Vec::new()),
    }
}

/// Parallel, and stops at the first error, but returns the tables' sum
/// only of the files that came before it in the list.
fn gives_up_quietly(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let results: Vec<Result<Vec<u64>, String>> = paths.par_iter().map(|p| count(p)).collect();
    Ok(results
        .into_iter()
        .map_while(Result::ok)
        .fold(Vec::new(), good_merge))
}

/// Two files at a time by hand, on threads of its own, one after the other pair.
fn pairs_in_turn(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let mut total = Vec::new();
    for pair in paths.chunks(2) {
        let tables: Vec<Result<Vec<u64>, String>> = thread::scope(|s| {
            let handles: Vec<_> = pair.iter().map(|p| s.spawn(move || count(p))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for t in tables {
            total = good_merge(total, t?);
        }
    }
    Ok(total)
}

#[test]
fn merging_with_zip_is_rejected() {
    assert_wrong(
        || ch08::count_files(merged_with_zip),
        &[
            "lost, by a table left out or by a merge that stops at the shorter table",
            "with merge_counts, which keeps every value of the longer table",
        ],
    );
}

/// Merges with the shorter table lined up at the end of the longer one:
/// no value lost, but counts added to the wrong values.
fn lined_up_at_the_end(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let tables: Vec<Vec<u64>> = paths
        .par_iter()
        .map(|p| count(p))
        .collect::<Result<_, _>>()?;
    Ok(tables.into_iter().fold(Vec::new(), |a, b| {
        let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
        let start = long.len() - short.len();
        long[start..]
            .iter_mut()
            .zip(short)
            .for_each(|(x, y)| *x += y);
        long
    }))
}

#[test]
fn counts_added_to_the_wrong_values_are_named() {
    assert_wrong(
        || ch08::count_files(lined_up_at_the_end),
        &[
            "was counted",
            "the count at index i is the count of value i",
        ],
    );
}

#[test]
fn unwrapping_a_bad_file_is_rejected() {
    assert_wrong(|| ch08::count_files(unwraps), &["ccc.txt, line 7"]);
}

#[test]
fn counting_only_the_first_file_is_rejected() {
    assert_wrong(
        || ch08::count_files(first_file_only),
        &["the merged table only", "Merge each file's table once"],
    );
}

#[test]
fn giving_up_quietly_at_a_bad_file_is_rejected() {
    assert_wrong(
        || ch08::count_files(gives_up_quietly),
        &["skipped silently"],
    );
}

/// Right: collect every table in parallel, then merge them in order.
fn collect_then_merge(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let tables: Vec<Vec<u64>> = paths
        .par_iter()
        .map(|p| count(p))
        .collect::<Result<_, _>>()?;
    Ok(tables.into_iter().fold(Vec::new(), good_merge))
}

#[test]
fn counts_written_differently_pass() {
    assert_done(ch08::count_files(collect_then_merge));
    // Not rayon, but parallel all the same: two files at once on threads of its own.
    assert_done(ch08::count_files(pairs_in_turn));
}
