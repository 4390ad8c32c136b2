//! `run_on_workers` against fake workers (small shell scripts) that crash,
//! answer garbage or the wrong task, or never answer: every run ends, the
//! misbehaving process is named, and its task is rerun or the run fails.
#![cfg(unix)]

use std::path::Path;
use std::time::{Duration, Instant};

use workbook::procs::{MAX_RESTARTS, Workers};

/// A worker that runs `script` under `sh`; answers are awaited 300 ms.
fn fake(script: &str, count: usize) -> Workers<'static> {
    Workers {
        program: Path::new("/bin/sh"),
        args: vec!["-c".into(), script.into()],
        count,
        answer_timeout: Duration::from_millis(300),
    }
}

/// Doubles n: `<task> <2n>` for every `<task> <n> <attempt>` line.
const DOUBLER: &str = r#"while read t n a; do echo "$t $((n * 2))"; done"#;

#[test]
fn well_behaved_workers_answer_every_task() {
    let outcome = fake(DOUBLER, 3).run(&[5, 6, 7, 8]).unwrap();
    assert_eq!(outcome.results, [(0, 10), (1, 12), (2, 14), (3, 16)]);
    assert_eq!(outcome.started, 3);
    assert!(outcome.log.is_empty(), "{:?}", outcome.log);
}

#[test]
fn a_worker_that_answers_garbage_is_killed_named_and_the_run_fails() {
    let started = Instant::now();
    let err = fake("while read line; do echo garbage; done", 1)
        .run(&[1, 2])
        .unwrap_err();
    assert!(
        err.contains(&format!("failed {} times", MAX_RESTARTS + 1)),
        "{err}"
    );
    assert!(err.contains("(pid "), "{err}");
    assert!(err.contains(r#"answered "garbage" to task 0"#), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_long_line_of_garbage_is_quoted_in_part() {
    let err = fake(
        "while read line; do printf 'x%.0s' $(seq 1000); echo; done",
        1,
    )
    .run(&[1])
    .unwrap_err();
    assert!(
        err.contains(&format!("answered \"{}...\" to task 0", "x".repeat(120))),
        "{err}"
    );
    assert!(err.len() < 400, "{err}");
}

#[test]
fn an_answer_for_the_wrong_task_is_not_taken() {
    let wrong = r#"while read t n a; do echo "$((t + 1)) $n"; done"#;
    let err = fake(wrong, 2).run(&[10, 20, 30]).unwrap_err();
    assert!(
        err.contains(r#"answered "1 10" to task 0"#) || err.contains("to task 1"),
        "{err}"
    );
    assert!(err.contains("expected `"), "{err}");
}

#[test]
fn a_silent_worker_is_killed_after_the_timeout() {
    let started = Instant::now();
    let err = fake("exec sleep 60", 1).run(&[1]).unwrap_err();
    assert!(
        err.contains("sent nothing for task 0 in 300ms and was killed"),
        "{err}"
    );
    assert!(err.contains("SIGKILL"), "{err}");
    // Four timeouts of 0.3 s, not a minute of sleep.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_task_whose_first_answer_was_garbage_is_rerun() {
    // Garbage on the first attempt at every task, the right answer after.
    let flaky = r#"while read t n a; do if [ "$a" = 1 ]; then echo "oops"; else echo "$t $((n * 2))"; fi; done"#;
    let outcome = fake(flaky, 1).run(&[4, 9]).unwrap();
    assert_eq!(outcome.results, [(0, 8), (1, 18)]);
    assert_eq!(outcome.started, 3, "{:?}", outcome.log);
    assert!(
        outcome.log[0].contains(r#"answered "oops" to task 0"#),
        "{:?}",
        outcome.log
    );
    assert!(
        outcome.log[0].ends_with("task 0 goes back on the queue"),
        "{:?}",
        outcome.log
    );
    assert!(outcome.log[1].starts_with("worker 0 replaced by a fresh process (pid "));
}

#[test]
fn a_worker_that_dies_is_replaced_and_its_exit_reported() {
    // Dies (exit 3) on the first attempt at task 1.
    let dies =
        r#"while read t n a; do if [ "$t $a" = "1 1" ]; then exit 3; fi; echo "$t $n"; done"#;
    let outcome = fake(dies, 1).run(&[7, 8, 9]).unwrap();
    assert_eq!(outcome.results, [(0, 7), (1, 8), (2, 9)]);
    assert!(
        outcome.log[0].contains("died running task 1 (exit status: 3)"),
        "{:?}",
        outcome.log
    );
}

#[test]
fn a_worker_that_ignores_the_end_of_its_input_is_stopped() {
    // Answers, then never reads again nor exits by itself.
    let lingers = r#"read t n a; echo "$t $n"; exec sleep 60"#;
    let started = Instant::now();
    let outcome = fake(lingers, 1).run(&[3]).unwrap();
    assert_eq!(outcome.results, [(0, 3)]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn zero_workers_and_missing_programs_are_refused() {
    let err = fake(DOUBLER, 0).run(&[1]).unwrap_err();
    assert_eq!(err, "run_on_workers: `workers` must be at least 1, got 0");
    let err =
        workbook::procs::run_on_workers(Path::new("/no/such/worker"), 1, &[1], None).unwrap_err();
    assert!(
        err.contains("cargo build --release -p workbook-worker"),
        "{err}"
    );
}
