//! The worker's command line, as a user meets it.

use std::process::Command;

fn worker(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_workbook-worker"))
        .args(args)
        .output()
        .expect("the worker runs")
}

#[test]
fn help_goes_to_stdout_and_succeeds() {
    let out = worker(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--crash-on TASK"));
    assert!(out.stderr.is_empty());
}

#[test]
fn bad_arguments_are_refused_with_a_reason() {
    for (args, expected) in [
        (&["--crash-on", "seven"][..], "seven"),
        (&["--crash-on"][..], "missing argument"),
        (&["--fast"][..], "--fast"),
    ] {
        let out = worker(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected) && err.contains("usage:"),
            "{args:?}: {err}"
        );
    }
}
