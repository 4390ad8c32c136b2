//! The MPI programs run under `mpirun` on this machine (more ranks than
//! cores: oversubscribed), checked for the right answer and for clear
//! failures. Needs Open MPI; `cargo xtask test` installs it first.

use std::path::Path;
use std::time::Duration;

use workbook::mpi::mpirun;

const LIMIT: Duration = Duration::from_secs(120);

fn pi() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mpi-pi"))
}

fn queue() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mpi-queue"))
}

#[test]
fn pi_across_ranks_is_close_and_the_same_for_any_ranks_and_threads() {
    let args = ["--throws", "4000000"]; // 256 chunks over 1, 2 or 4 ranks
    let one = mpirun(1, pi(), &args, LIMIT).unwrap();
    let four = mpirun(4, pi(), &args, LIMIT).unwrap();
    let hybrid = mpirun(2, pi(), &["--throws", "4000000", "--threads", "2"], LIMIT).unwrap();
    let estimate = four.value("pi").expect("a pi= line");
    assert!(
        (estimate - std::f64::consts::PI).abs() < 0.005,
        "{}",
        four.stdout
    );
    assert_eq!(four.value("ranks"), Some(4.0));
    assert_eq!(hybrid.value("threads"), Some(2.0));
    // Seeded chunks: who computes them does not change the answer.
    assert_eq!(one.value("pi"), four.value("pi"));
    assert_eq!(hybrid.value("pi"), four.value("pi"));
}

#[test]
fn mpi_pi_agrees_with_chapter_09s_pi_chunked() {
    let run = mpirun(3, pi(), &["--throws", "1000000", "--seed", "7"], LIMIT).unwrap();
    let local = solutions::ch09_pi::pi_chunked(1_000_000, 7, 1, &workbook::pi::count_hits).unwrap();
    // mpi-pi prints six decimals.
    assert_eq!(
        run.value("pi"),
        Some((local * 1e6).round() / 1e6),
        "{}",
        run.stdout
    );
}

#[test]
fn the_queue_does_every_task_exactly_once() {
    let run = mpirun(4, queue(), &["--tasks", "60"], LIMIT).unwrap();
    for field in ["tasks=60", "done_once=60", "duplicates=0", "missing=0"] {
        assert!(
            run.stdout.contains(field),
            "expected {field} in:\n{}",
            run.stdout
        );
    }
    let sequential: u64 = (0..60).map(mpi_programs::collatz_block).sum();
    assert_eq!(run.value("total"), Some(sequential as f64));
    let per_rank: u64 = run
        .stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix("rank ")?
                .split(": ")
                .nth(1)?
                .strip_suffix(" tasks")?
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert_eq!(
        per_rank, 60,
        "every task is credited to one worker:\n{}",
        run.stdout
    );
}

#[test]
fn a_worker_that_dies_is_named_by_rank_and_nothing_hangs() {
    let err = mpirun(4, queue(), &["--tasks", "60", "--crash-rank", "2"], LIMIT).unwrap_err();
    assert!(err.starts_with("rank 2 died"), "{err}");
}

#[test]
fn the_queue_refuses_a_single_rank_with_a_reason() {
    let err = mpirun(1, queue(), &[], LIMIT).unwrap_err();
    assert!(err.contains("needs at least 2 ranks"), "{err}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let err = mpirun(2, pi(), &["--threads", "0"], LIMIT).unwrap_err();
    assert!(
        err.contains("--threads <T>") && err.contains("at least 1"),
        "{err}"
    );
}

#[test]
fn a_crash_rank_past_the_last_rank_is_refused_once() {
    let err = mpirun(2, queue(), &["--crash-rank", "99"], LIMIT).unwrap_err();
    assert!(
        err.contains("--crash-rank 99 names no worker: this run's workers are ranks 1 to 1"),
        "{err}"
    );
    assert_eq!(err.matches("--crash-rank 99").count(), 1, "{err}");
}

#[test]
fn a_usage_error_is_printed_once_and_every_rank_fails() {
    let err = mpirun(3, pi(), &["--throws", "0"], LIMIT).unwrap_err();
    assert_eq!(err.matches("at least 1").count(), 1, "{err}");
    assert!(
        err.starts_with("rank ") && err.contains("exited with code 2, and mpirun ended the run."),
        "{err}"
    );
}

#[test]
fn on_a_usage_error_every_rank_exits_with_code_2() {
    // Each rank runs mpi-pi from a shell that reports its exit code and then
    // succeeds, so mpirun lets every rank finish.
    let script = "\"$0\" --threads 0 2>/dev/null; echo \"exit code $?\"";
    let program = pi().to_str().unwrap();
    let run = mpirun(3, Path::new("/bin/sh"), &["-c", script, program], LIMIT).unwrap();
    assert_eq!(
        run.stdout.matches("exit code 2").count(),
        3,
        "{}",
        run.stdout
    );
}

#[test]
fn a_closed_standard_output_loses_no_result_and_crashes_nothing() {
    use std::process::{Command, Stdio};
    // Run as a singleton (no mpirun), its stdout a pipe whose reading end is closed.
    let mut child = Command::new(pi())
        .args(["--throws", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", out.status);
    assert!(
        stderr.contains("could not write to standard output") && stderr.contains("pi="),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
