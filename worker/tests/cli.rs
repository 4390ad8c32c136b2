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

/// Runs the worker on `input`, with its output sent to `stdout` (piped to us
/// when `None`).
fn serve(input: Vec<u8>, stdout: Option<std::process::Stdio>) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_workbook-worker"))
        .stdin(Stdio::piped())
        .stdout(stdout.unwrap_or_else(Stdio::piped))
        .stderr(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let mut stdin = child.stdin.take().unwrap();
    // The worker may stop reading early: a failed write here is expected then.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn exit_and_crash_on_together_are_refused() {
    let out = worker(&["--exit", "--crash-on", "3"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("do not go together"), "{err}");
}

#[test]
fn a_line_that_is_not_utf8_is_an_error_naming_it() {
    let out = serve(b"0 6 1\n1 \xff\xfe 1\n2 27 1\n".to_vec(), None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(text(&out.stdout), "0 8\n");
    assert!(err.contains("line 2 is not UTF-8 text"), "{err}");
}

#[test]
fn an_over_long_line_is_an_error_quoted_short() {
    let mut input = vec![b'5'; 50 << 20];
    input.push(b'\n');
    let out = serve(input, None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", &err[..err.len().min(300)]);
    assert!(err.len() < 300, "{} bytes of error", err.len());
    assert!(err.contains("line 1 is longer than 1024 KiB"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_not_a_parent_gone() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = serve(b"0 6 1\n1 27 1\n".to_vec(), Some(full.into()));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not write the answer to task 0") && err.contains("No space left"),
        "{err}"
    );
}

#[test]
fn a_parent_that_has_gone_ends_the_worker_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = serve(b"0 6 1\n1 27 1\n".to_vec(), Some(writer.into()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}
