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
        "isolated::an_answer_that_exits_the_process_is_wrong_and_named",
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

#[cfg(target_os = "linux")]
/// Where `fib_checked`'s answer below writes the id of the process it starts.
fn pid_file() -> PathBuf {
    std::env::temp_dir().join(format!("workbook-left-running-{}", std::process::id()))
}

#[cfg(target_os = "linux")]
/// Right, but starts a process that outlives it, as a learner's worker
/// might (its output goes where the answer's does).
fn starts_a_process() -> Vec<workbook::check::Report> {
    vec![ch07::fib_checked(|n| {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let child = std::process::Command::new("sleep").arg("60").spawn();
            let pid = child.map(|c| c.id().to_string()).unwrap_or_default();
            // Named by the grading process, the parent of this one.
            let parent = std::os::unix::process::parent_id();
            let file = std::env::temp_dir().join(format!("workbook-left-running-{parent}"));
            std::fs::write(file, pid).unwrap();
        });
        if n == 0 {
            return Ok(0);
        }
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 1..n {
            let next = a.checked_add(b).ok_or(format!("f({n}) does not fit"))?;
            (a, b) = (b, next);
        }
        Ok(b)
    })]
}

#[cfg(target_os = "linux")]
#[test]
fn a_process_an_answer_leaves_running_neither_holds_the_grade_nor_survives_it() {
    let started = std::time::Instant::now();
    let graded = isolated(
        "isolated::a_process_an_answer_leaves_running_neither_holds_the_grade_nor_survives_it",
        starts_a_process,
    );
    let took = started.elapsed();
    assert!(graded[0].is_done(), "{}", graded[0]);
    assert!(
        took < std::time::Duration::from_secs(30),
        "the grade waited {took:?} for the process the answer left running"
    );
    let pid = std::fs::read_to_string(pid_file()).unwrap();
    let _ = std::fs::remove_file(pid_file());
    // Gone, or a zombie waiting to be reaped: not running (once the kill
    // the grade sent has been delivered, which a busy machine may delay).
    let running = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat.rsplit(')').next().unwrap_or_default().trim_start();
        (!stat.is_empty() && !state.starts_with('Z')).then_some(stat)
    };
    let killed_by = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running().is_some() && std::time::Instant::now() < killed_by {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        running(),
        None,
        "the process the answer started is still running"
    );
}
