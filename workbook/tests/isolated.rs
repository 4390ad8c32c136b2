//! Grading each check in a process of its own: an answer that ends the
//! process cannot make a grade pass in silence.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use workbook::check::{Status, ch01, ch07, ch08, isolated};

/// Chapter 08's first exercise, not written yet.
fn merge_counts(_a: Vec<u64>, _b: Vec<u64>) -> Vec<u64> {
    todo!()
}

type Counter<'a> = &'a (dyn Fn(&Path) -> Result<Vec<u64>, String> + Sync);

/// Written, in parallel on rayon's global pool, but `merge_counts` is not.
fn count_files(paths: &[PathBuf], count: Counter) -> Result<Vec<u64>, String> {
    paths
        .par_iter()
        .map(|p| count(p))
        .try_reduce(Vec::new, |a, b| Ok(merge_counts(a, b)))
}

fn reports() -> Vec<workbook::check::Report> {
    vec![
        ch07::fib_checked(|n| {
            if n > 10_000 {
                return Err(format!("{n} is too big"));
            }
            // Ends the whole test process, as `cargo test` would see it.
            std::process::exit(0)
        }),
        ch01::run_in_threads(|_| todo!()),
        ch08::count_files(count_files),
    ]
}

#[test]
fn an_answer_that_exits_the_process_is_wrong_and_named() {
    let graded = isolated(
        "an_answer_that_exits_the_process_is_wrong_and_named",
        reports,
    );
    assert_eq!(graded.len(), 3);
    let text = graded[0].to_string();
    assert!(graded[0].is_wrong(), "{text}");
    assert!(text.contains("never reported"), "{text}");
    assert!(text.contains("check of `fib_checked`"), "{text}");
    assert!(text.contains("exit code 0"), "{text}");
    // The other exercise is graded all the same, in its own process.
    assert_eq!(graded[1].status, Status::NotStarted);
    // Alone in its process, a check names the helper that is still `todo!()`,
    // even when it panicked on rayon's global pool.
    assert_eq!(
        graded[2].status,
        Status::HelperNotStarted("merge_counts".into()),
        "{}",
        graded[2]
    );
}
