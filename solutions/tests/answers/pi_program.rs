//! The `pi` program as a user meets it: help, bad input, a good run.

use std::process::{Command, Output};

fn pi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pi"))
        .args(args)
        .env_remove("PI_THREADS")
        .output()
        .expect("the pi program runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_goes_to_stdout_and_succeeds() {
    let out = pi(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains("--throws <N>") && help.contains("1 to 4096"),
        "{help}"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn each_bad_input_is_refused_with_a_reason() {
    let cases: [(&[&str], &str); 6] = [
        (&["--throws", "100", "--threads="], "got nothing"),
        (&["--throws", "0"], "at least 1"),
        (&["--throws", "1e19"], "at most 1000000000000"),
        (&["--throws", "100", "--threads", "5000"], "4096"),
        (&["--throws", "many"], "\"many\""),
        (&["--bogus"], "--bogus"),
    ];
    for (args, expected) in cases {
        let out = pi(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_bad_pi_threads_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_pi"))
        .args(["--throws", "100"])
        .env("PI_THREADS", "zero")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("PI_THREADS"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_good_run_ends_with_the_record_line() {
    let out = pi(&["--throws", "1e5", "--threads", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("pi=3.1") && last.contains("throws=100000 threads=2"),
        "{last}"
    );
}

/// Runs `pi` with its standard output sent to `stdout`.
fn pi_into(stdout: impl Into<std::process::Stdio>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pi"))
        .args(["--throws", "1000", "--threads", "1"])
        .env_remove("PI_THREADS")
        .stdout(stdout)
        .output()
        .expect("the pi program runs")
}

#[test]
fn a_reader_that_has_gone_ends_the_run_quietly() {
    // As `pi ... | head -c1` after head has exited: nobody reads the pipe.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = pi_into(writer);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_of_error() {
    let out = pi_into(std::fs::File::create("/dev/full").unwrap());
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("pi: could not write the result: ") && err.contains("No space left"),
        "{err}"
    );
}
