//! The MPI programs' command lines: help and bad input are answered before
//! MPI starts, so these run the programs directly, without `mpirun`.

use std::process::{Command, Output};

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .expect("the program runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PI: &str = env!("CARGO_BIN_EXE_mpi-pi");
const QUEUE: &str = env!("CARGO_BIN_EXE_mpi-queue");

#[test]
fn help_goes_to_stdout_and_succeeds() {
    for (program, flag) in [(PI, "--throws <N>"), (QUEUE, "--crash-rank <R>")] {
        let out = run(program, &["--help"]);
        assert_eq!(out.status.code(), Some(0), "{program}");
        assert!(text(&out.stdout).contains(flag), "{}", text(&out.stdout));
    }
}

#[test]
fn bad_input_is_refused_with_the_same_rules_as_pi() {
    let cases: [(&str, &[&str], &str); 7] = [
        (PI, &["--threads", "5000"], "4096"),
        (PI, &["--threads="], "got nothing"),
        (PI, &["--throws", "0"], "at least 1"),
        (PI, &["--throws", "1e19"], "at most 1000000000000"),
        (PI, &["--rank", "1"], "--rank"),
        (QUEUE, &["--tasks", "0"], "0 is not in 1..=1000000"),
        (QUEUE, &["--crash-rank", "0"], "0 is not in 1.."),
    ];
    for (program, args, expected) in cases {
        let out = run(program, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
