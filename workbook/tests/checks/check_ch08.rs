//! Wrong answers to chapter 08's exercises: each must be rejected, and the
//! message must say what went wrong.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::common::assert_wrong;
use workbook::check::ch08;

fn good_merge(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let (mut long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    long.iter_mut().zip(short).for_each(|(x, y)| *x += y);
    long
}

// ch08 merge_counts --------------------------------------------------------

/// `zip` stops at the shorter table: the rest of the longer one is dropped.
fn zip_only(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.iter().zip(&b).map(|(x, y)| x + y).collect()
}

/// Adds the second table twice.
fn double_counts(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let twice = good_merge(b.clone(), b);
    good_merge(a, twice)
}

/// Keeps the first table and forgets the second.
fn keeps_first(a: Vec<u64>, _b: Vec<u64>) -> Vec<u64> {
    a
}

#[test]
fn a_zip_that_drops_the_tail_is_rejected() {
    assert_wrong(
        || ch08::merge_counts(zip_only),
        &["the merged table only 0: 9 dropped"],
    );
}

#[test]
fn a_merge_that_double_counts_is_rejected() {
    assert_wrong(|| ch08::merge_counts(double_counts), &["60 counted twice"]);
}

#[test]
fn a_merge_that_forgets_one_table_is_rejected() {
    assert_wrong(|| ch08::merge_counts(keeps_first), &["60 dropped"]);
}

// ch08 count_files ---------------------------------------------------------

type Counter<'a> = &'a (dyn Fn(&Path) -> Result<Vec<u64>, String> + Sync);

/// Counts in a plain loop: right answer, no parallelism.
fn sequential(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .iter()
        .try_fold(Vec::new(), |total, p| Ok(good_merge(total, count(p)?)))
}

/// Skips files whose count fails.
fn skips_errors(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    Ok(paths
        .par_iter()
        .filter_map(|p| count(p).ok())
        .reduce(Vec::new, good_merge))
}

/// Merges only the first file's table... and the last's.
fn drops_middle(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    let tables: Vec<Vec<u64>> = paths
        .par_iter()
        .map(|p| count(p))
        .collect::<Result<_, _>>()?;
    Ok(match tables.len() {
        0 => Vec::new(),
        1 => tables[0].clone(),
        n => good_merge(tables[0].clone(), tables[n - 1].clone()),
    })
}

/// Replaces the counting error with a vague one of its own.
fn vague_error(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .par_iter()
        .map(|p| count(p).map_err(|_| "a file could not be counted".to_string()))
        .try_reduce(Vec::new, |a, b| Ok(good_merge(a, b)))
}

#[test]
fn counting_that_never_runs_in_parallel_is_rejected() {
    assert_wrong(
        || ch08::count_files(sequential),
        &["it ran sequentially", "par_iter"],
    );
}

#[test]
fn a_skipped_bad_file_is_rejected() {
    assert_wrong(|| ch08::count_files(skips_errors), &["skipped silently"]);
}

#[test]
fn tables_left_out_of_the_merge_are_rejected() {
    assert_wrong(
        || ch08::count_files(drops_middle),
        &["lost, by a table left out", "Merge each file's table once"],
    );
}

#[test]
fn an_error_that_loses_the_file_name_is_rejected() {
    assert_wrong(|| ch08::count_files(vague_error), &["pass it on unchanged"]);
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch08::merge_counts(|_, _| todo!()).is_not_started());
    assert!(ch08::count_files(|_, _| todo!()).is_not_started());
}

/// Chapter 08's first exercise, not written yet.
fn merge_counts(_a: Vec<u64>, _b: Vec<u64>) -> Vec<u64> {
    todo!()
}

/// Written, but it calls `merge_counts`, which is still `todo!()`. (In a
/// plain loop: in this test binary other checks run beside it, and a
/// `todo!()` on rayon's global pool is named only when one check runs alone,
/// as `isolated.rs` shows.)
fn count_files_before_merge(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .iter()
        .try_fold(Vec::new(), |acc, p| Ok(merge_counts(acc, count(p)?)))
}

#[test]
fn a_helper_still_todo_is_named_in_the_report() {
    let report = ch08::count_files(count_files_before_merge);
    assert!(report.is_not_started(), "{report}");
    let text = report.to_string();
    assert!(text.contains("it calls `merge_counts`"), "{text}");
}

#[path = "check_ch08/more.rs"]
mod more;

#[path = "check_ch08/plausible.rs"]
mod plausible;
