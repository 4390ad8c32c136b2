//! Each check in a process of its own, for the crates' grades: an answer
//! that ends the process (`std::process::exit(0)`), aborts it or crashes it
//! takes only its own check down, and a check that never reports counts as
//! wrong, by name, instead of passing in silence. Processes an answer starts
//! and leaves running end with its check's process.
//!
//! The test calls [`isolated`] with its own name; that runs the test binary
//! again once per exercise (`TEST --exact`, told which exercise by the
//! environment), and the child grades that one exercise and prints its
//! report, marked with a token it was given on its standard input (which
//! the answer, run later in the same process, cannot read back).
//!
//! Two variables of the parent's environment serve `cargo xtask progress`
//! and `cargo xtask watch` ([`protocol`](super::protocol)):
//! `WORKBOOK_CHECK_SELECT` grades only the chapters or exercises it lists,
//! and `WORKBOOK_CHECK_JSON=NONCE` prints one report line per exercise graded,
//! marked with that nonce. The children never see the nonce, so an answer's
//! own output cannot pass for a report.

use std::io::{BufRead, Write};
use std::process::Command;
use std::time::Duration;

use super::grade::{Select, with_selection};
use super::protocol::{Graded, JSON_ENV, SELECT_ENV};
use super::{Exercise, Report, Status, TIME_LIMIT};
use crate::process::{Ended, Run, ended_how};

const ONLY: &str = "WORKBOOK_CHECK_ONLY";

/// The exercises `reports` checks, in order, without running any answer.
///
/// ```
/// use workbook::check::{ch01, exercises};
/// let listed = exercises(|| vec![ch01::run_in_threads(|_| unreachable!())]);
/// assert_eq!(listed, [&ch01::RUN_IN_THREADS]);
/// ```
pub fn exercises(reports: impl FnOnce() -> Vec<Report>) -> Vec<&'static Exercise> {
    with_selection(Select::None, reports)
        .into_iter()
        .map(|r| r.exercise)
        .collect()
}

/// The reports of `reports`, each check run in a child process: `test` is
/// the name of the calling test (as `cargo test` lists it), which the child
/// runs again. In that child, this grades its one exercise, prints the
/// report and ends the process.
pub fn isolated(test: &str, reports: fn() -> Vec<Report>) -> Vec<Report> {
    let listed = exercises(reports);
    if let Ok(only) = std::env::var(ONLY) {
        // Read before any answer runs, so that none can read it after.
        let mut token = String::new();
        let _ = std::io::stdin().lock().read_line(&mut token);
        child(&listed, &only, token.trim(), reports);
    }
    let select = std::env::var(SELECT_ENV).unwrap_or_default();
    let nonce = std::env::var(JSON_ENV).unwrap_or_default();
    listed
        .into_iter()
        .filter(|ex| selected(&select, ex))
        .map(|ex| {
            let report = in_child(test, ex);
            if !nonce.is_empty() {
                let mut out = std::io::stdout().lock();
                // On a line of its own, whatever the output before it left unfinished.
                let _ = writeln!(out, "\n{}", Graded::from(&report).line(&nonce));
                let _ = out.flush();
            }
            report
        })
        .collect()
}

/// Whether `WORKBOOK_CHECK_SELECT`'s list (empty: everything) names `ex` or its chapter.
fn selected(list: &str, ex: &Exercise) -> bool {
    let names: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let key = key(ex);
    names.is_empty() || names.iter().any(|n| *n == ex.notebook || *n == key)
}

/// Grades the one exercise named `only`, prints its report, ends the process.
fn child(listed: &[&'static Exercise], only: &str, token: &str, reports: fn() -> Vec<Report>) -> ! {
    let line = match listed.iter().find(|ex| key(ex) == only) {
        Some(ex) => {
            let all = with_selection(Select::Only(ex.notebook, ex.name), reports);
            let report = all.into_iter().find(|r| std::ptr::eq(r.exercise, *ex));
            match report {
                Some(r) => encode(&r.status),
                None => encode(&Status::Wrong(
                    "the check of this exercise did not run.".into(),
                )),
            }
        }
        None => encode(&Status::Wrong(format!("no exercise is named {only}."))),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\n{token}\t{line}");
    let _ = out.flush();
    std::process::exit(0)
}

fn key(ex: &Exercise) -> String {
    format!("{}/{}", ex.notebook, ex.name)
}

/// Runs the test binary again for `ex`, and reads back its report.
fn in_child(test: &str, ex: &'static Exercise) -> Report {
    let status = match run_child(test, ex) {
        Ok(status) => status,
        Err(how) => Status::Wrong(format!(
            "Its check never reported: the test process {how} before the check of `{}` \
             finished. An answer must return its result; it must not end the process \
             (`std::process::exit`, `abort`) or crash it.",
            ex.name
        )),
    };
    Report {
        exercise: ex,
        status,
    }
}

fn run_child(test: &str, ex: &Exercise) -> Result<Status, String> {
    let token = format!(
        "WORKBOOK-REPORT-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let exe = std::env::current_exe().map_err(|e| format!("could not be found ({e})"))?;
    let mut cmd = Command::new(exe);
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ONLY, key(ex))
        .env_remove(JSON_ENV);
    let limit = TIME_LIMIT + Duration::from_secs(20);
    let ran = Run::new(limit)
        .input(format!("{token}\n").as_bytes())
        .own_group()
        .start(&mut cmd)
        .map_err(|e| format!("could not start ({e})"))?;
    let (stdout, stderr) = (ran.stdout_text(), ran.stderr_text());
    let mut status = None;
    for line in stdout.lines() {
        match line.strip_prefix(&token).and_then(|l| l.strip_prefix('\t')) {
            Some(report) => status = parse(report),
            // The test harness's own lines in the child are noise here.
            None if line.is_empty() || line.starts_with("running ") => {}
            None if line.starts_with(&format!("test {test} ...")) => {}
            // The answer's own output, passed on.
            None => println!("{line}"),
        }
    }
    if !stderr.trim().is_empty() {
        eprint!("{stderr}");
    }
    match (status, ran.ended) {
        (Some(status), _) => Ok(status),
        (None, Ended::Exited(exit)) => Err(ended_how(exit)),
        (None, _) => Err(format!("was stopped after {} s", limit.as_secs())),
    }
}

/// One line: the kind, a tab, the text with its line breaks escaped.
fn encode(status: &Status) -> String {
    let (kind, text) = match status {
        Status::Done(t) => ("done", t.as_str()),
        Status::Wrong(t) => ("wrong", t.as_str()),
        Status::NotStarted => ("not-started", ""),
        Status::HelperNotStarted(f) => ("helper", f.as_str()),
    };
    format!("{kind}\t{}", escape(text))
}

fn parse(line: &str) -> Option<Status> {
    let (kind, text) = line.split_once('\t')?;
    let text = unescape(text);
    Some(match kind {
        "done" => Status::Done(text),
        "wrong" => Status::Wrong(text),
        "not-started" => Status::NotStarted,
        "helper" => Status::HelperNotStarted(text),
        _ => return None,
    })
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_survive_the_trip_through_a_line() {
        for status in [
            Status::Done("a\\b\nc\td".into()),
            Status::Wrong("x".into()),
            Status::NotStarted,
            Status::HelperNotStarted("merge_counts".into()),
        ] {
            let line = encode(&status);
            assert!(!line.contains('\n'));
            assert_eq!(parse(&line), Some(status));
        }
    }

    static EX: Exercise = Exercise {
        notebook: "01-threads",
        name: "map_in_threads",
        section: "Scoped \"threads\"",
    };

    #[test]
    fn a_selection_names_chapters_or_exercises() {
        assert!(selected("", &EX));
        assert!(selected(" , ", &EX));
        assert!(selected("01-threads", &EX));
        assert!(selected("02-thread-pools, 01-threads/map_in_threads", &EX));
        assert!(!selected("02-thread-pools", &EX));
        assert!(!selected("01-threads/run_in_threads", &EX));
    }
}
