//! The worker binary driven by `workbook::procs`, as chapter 10 uses it.

use std::path::Path;

use workbook::procs::run_on_workers;
use workbook_worker::collatz_steps as steps;

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_workbook-worker"))
}

#[test]
fn every_task_comes_back_once_in_order() {
    let inputs: Vec<u64> = (1..=40).collect();
    let out = run_on_workers(worker(), 3, &inputs, None).unwrap();
    let expected: Vec<(u64, u64)> = inputs
        .iter()
        .enumerate()
        .map(|(i, &n)| (i as u64, steps(n)))
        .collect();
    assert_eq!(out.results, expected);
    assert_eq!(out.started, 3);
    assert!(out.log.is_empty(), "{:?}", out.log);
}

#[test]
fn a_crashed_worker_is_reported_replaced_and_its_task_rerun() {
    let inputs: Vec<u64> = (1..=20).collect();
    let out = run_on_workers(worker(), 2, &inputs, Some(5)).unwrap();
    assert_eq!(out.results.len(), 20, "no task lost");
    assert_eq!(out.results[5], (5, steps(6)));
    assert_eq!(out.started, 3, "two workers and one replacement");
    assert!(out.log[0].contains("died running task 5"), "{:?}", out.log);
    assert!(
        out.log[1].contains("replaced by a fresh process"),
        "{:?}",
        out.log
    );
}

#[test]
fn bad_input_is_named() {
    let err = run_on_workers(worker(), 0, &[1], None).unwrap_err();
    assert!(err.contains("`workers` must be at least 1"), "{err}");
    let err = run_on_workers(Path::new("/no/such/worker"), 1, &[1], None).unwrap_err();
    assert!(
        err.contains("cargo build --release -p workbook-worker"),
        "{err}"
    );
    assert!(
        run_on_workers(worker(), 2, &[], None)
            .unwrap()
            .results
            .is_empty()
    );
}

#[test]
fn zero_is_answered_not_looped_on() {
    // 0 never reaches 1; the worker answers 0 steps for it instead of spinning.
    let out = run_on_workers(worker(), 1, &[0, 1, 27], None).unwrap();
    assert_eq!(out.results, [(0, 0), (1, 0), (2, 111)]);
}
