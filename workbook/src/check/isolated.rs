//! Each check in a process of its own, for the crates' grades: an answer
//! that ends the process (`std::process::exit(0)`), aborts it or crashes it
//! takes only its own check down, and a check that never reports counts as
//! wrong, by name, instead of passing in silence.
//!
//! The test calls [`isolated`] with its own name; that runs the test binary
//! again once per exercise (`TEST --exact`, told which exercise by the
//! environment), and the child grades that one exercise and prints its report.
//!
//! Two variables of the parent's environment serve `cargo xtask progress`
//! and `cargo xtask watch`: `WORKBOOK_CHECK_SELECT` (a comma-separated list
//! of chapters, `01-threads`, or exercises, `01-threads/map_in_threads`)
//! grades only those, and `WORKBOOK_CHECK_JSON=1` prints one line per
//! exercise graded: `WORKBOOK-CHECK-JSON ` and a JSON object with
//! `notebook`, `exercise`, `section`, `status` (`done`, `wrong` or
//! `not-started`), `message` (the status's text) and `report` (the report as
//! a notebook shows it).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::grade::{Select, with_selection};
use super::{Exercise, Report, Status, TIME_LIMIT};

const ONLY: &str = "WORKBOOK_CHECK_ONLY";
const TOKEN: &str = "WORKBOOK_CHECK_TOKEN";
const SELECT: &str = "WORKBOOK_CHECK_SELECT";
const JSON: &str = "WORKBOOK_CHECK_JSON";
/// What starts each machine-readable line, so a reader finds it among an
/// answer's own output.
const JSON_PREFIX: &str = "WORKBOOK-CHECK-JSON ";

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
    if let (Ok(only), Ok(token)) = (std::env::var(ONLY), std::env::var(TOKEN)) {
        child(&listed, &only, &token, reports);
    }
    let select = std::env::var(SELECT).unwrap_or_default();
    let json = std::env::var(JSON).is_ok_and(|v| v == "1");
    listed
        .into_iter()
        .filter(|ex| selected(&select, ex))
        .map(|ex| {
            let report = in_child(test, ex);
            if json {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "\n{JSON_PREFIX}{}", json_line(&report));
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

/// One report as a JSON object on one line.
fn json_line(report: &Report) -> String {
    let (status, message) = match &report.status {
        Status::Done(t) => ("done", t.clone()),
        Status::Wrong(t) => ("wrong", t.clone()),
        Status::NotStarted => ("not-started", String::new()),
        Status::HelperNotStarted(f) => (
            "not-started",
            format!("it calls `{f}`, whose body is still `todo!()`"),
        ),
    };
    let ex = report.exercise;
    let fields = [
        ("notebook", ex.notebook.to_string()),
        ("exercise", ex.name.to_string()),
        ("section", ex.section.to_string()),
        ("status", status.to_string()),
        ("message", message),
        ("report", report.to_string()),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":{}", json_string(v)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    let mut child = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ONLY, key(ex))
        .env(TOKEN, &token)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start ({e})"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped")));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let limit = TIME_LIMIT + Duration::from_secs(20);
    let start = Instant::now();
    let exit = loop {
        match child.try_wait() {
            Ok(Some(exit)) => break Some(exit),
            Ok(None) if start.elapsed() < limit => thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let mut status = None;
    for line in out.lines() {
        match line.strip_prefix(&token).and_then(|l| l.strip_prefix('\t')) {
            Some(report) => status = parse(report),
            // The test harness's own lines in the child are noise here.
            None if line.is_empty() || line.starts_with("running ") => {}
            None if line.starts_with(&format!("test {test} ...")) => {}
            // The answer's own output, passed on.
            None => println!("{line}"),
        }
    }
    if !err.trim().is_empty() {
        eprint!("{err}");
    }
    match (status, exit) {
        (Some(status), _) => Ok(status),
        (None, None) => Err(format!("was stopped after {} s", limit.as_secs())),
        (None, Some(exit)) => Err(ended(exit)),
    }
}

fn ended(exit: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&exit) {
        return format!("was killed by signal {signal}");
    }
    match exit.code() {
        Some(code) => format!("ended with exit code {code}"),
        None => "ended".to_string(),
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

    #[test]
    fn a_json_line_escapes_what_json_needs() {
        let report = Report {
            exercise: &EX,
            status: Status::Wrong("Case “one”:\n\tgot \\ \u{1}".into()),
        };
        let line = json_line(&report);
        assert!(!line.contains('\n'), "{line}");
        assert!(line.starts_with("{\"notebook\":\"01-threads\",\"exercise\":\"map_in_threads\","));
        assert!(
            line.contains("\"section\":\"Scoped \\\"threads\\\"\""),
            "{line}"
        );
        assert!(line.contains("\"status\":\"wrong\""), "{line}");
        assert!(
            line.contains("\"message\":\"Case “one”:\\n\\tgot \\\\ \\u0001\""),
            "{line}"
        );
    }
}
