//! A worker process: one task per line in, one result per line out.
//!
//!     workbook-worker [--crash-on TASK] [--exit]
//!
//! Each input line is `<task> <n> <attempt>`; the answer is
//! `<task> <collatz steps of n>`. `--crash-on TASK` makes the worker abort on
//! the first attempt at that task, to stand for a process that dies of a
//! passing fault (a bad node, the out-of-memory killer): a rerun succeeds.
//! `--exit` exits at once: for measuring what starting a process costs.
//!
//! It stops at the end of its input (exit code 0), or when the parent closes
//! its output (0: nobody wants the answers). A line that is not a task (not
//! UTF-8, longer than 1 MiB, not three whole numbers) stops it with exit
//! code 2, a write that fails otherwise (a full disk) with 1: each names the
//! line or task, so no task is lost without a word.

use std::io::{self, BufRead, Write};

use workbook_worker::collatz_steps;

const USAGE: &str = "usage: workbook-worker [--crash-on TASK] [--exit]

Reads tasks on stdin, one `<task> <n> <attempt>` per line, and answers
`<task> <collatz steps of n>` on stdout, one line each.

options:
  --crash-on TASK  abort on the first attempt at TASK (a passing fault: a rerun succeeds)
  --exit           exit at once (to measure what starting a process costs)
  -h, --help       print this help";

/// The longest input line read into memory: a task line is a few dozen
/// bytes, so anything longer is not a task.
const MAX_LINE: usize = 1 << 20;

/// How much of a bad line an error message quotes.
const QUOTE_CHARS: usize = 80;

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Mode {
    Serve { crash_on: Option<u64> },
    Exit,
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Mode, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let (mut exit, mut crash_on) = (false, None);
    let said = |e: lexopt::Error| e.to_string();
    while let Some(arg) = parser.next().map_err(said)? {
        match arg {
            Long("help") | Short('h') => return Ok(Mode::Help),
            Long("exit") => exit = true,
            Long("crash-on") => {
                crash_on = Some(parser.value().and_then(|v| v.parse()).map_err(said)?);
            }
            _ => return Err(said(arg.unexpected())),
        }
    }
    match (exit, crash_on) {
        (true, Some(_)) => {
            Err("--exit and --crash-on do not go together: --exit runs no task to crash on".into())
        }
        (true, None) => Ok(Mode::Exit),
        (false, crash_on) => Ok(Mode::Serve { crash_on }),
    }
}

fn main() {
    let crash_on = match parse_args(std::env::args().skip(1)) {
        Ok(Mode::Serve { crash_on }) => crash_on,
        Ok(Mode::Exit) => return,
        Ok(Mode::Help) => {
            println!("{USAGE}");
            return;
        }
        Err(e) => usage_error(&e),
    };
    if let Err(e) = serve(io::stdin().lock(), io::stdout().lock(), crash_on) {
        e.exit();
    }
}

/// Why the worker stopped before the end of its input.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The parent closed our output: nobody wants the answers any more.
    ParentGone,
    /// An input line is not a task: a bug in the parent, worth exit code 2.
    BadLine(String),
    /// Reading or writing failed (a full disk, an I/O error).
    Io(String),
}

impl Stop {
    fn exit(self) -> ! {
        match self {
            Stop::ParentGone => std::process::exit(0),
            Stop::BadLine(problem) => {
                eprintln!("workbook-worker: {problem}");
                std::process::exit(2)
            }
            Stop::Io(problem) => {
                eprintln!("workbook-worker: {problem}");
                std::process::exit(1)
            }
        }
    }
}

/// Answers every task line of `input` on `output`, one flushed line each.
fn serve(
    mut input: impl BufRead,
    mut output: impl Write,
    crash_on: Option<u64>,
) -> Result<(), Stop> {
    let mut buffer = Vec::new();
    for number in 1.. {
        let Some(line) = read_line(&mut input, &mut buffer, number)? else {
            return Ok(());
        };
        let (task, n, attempt) = parse_task(line).map_err(|problem| {
            Stop::BadLine(format!("line {number}: {problem}, got `{}`", quote(line)))
        })?;
        if crash_on == Some(task) && attempt == 1 {
            std::process::abort();
        }
        // One line per result, flushed, so the parent can read it at once.
        writeln!(output, "{task} {}", collatz_steps(n))
            .and_then(|()| output.flush())
            .map_err(|e| match e.kind() {
                io::ErrorKind::BrokenPipe => Stop::ParentGone,
                _ => Stop::Io(format!("could not write the answer to task {task}: {e}")),
            })?;
    }
    Ok(())
}

/// Reads line `number` into `buffer`, at most [`MAX_LINE`] bytes of it, and
/// returns it without its line ending; `None` at the end of the input.
fn read_line(input: impl BufRead, buffer: &mut Vec<u8>, number: u64) -> Result<Option<&str>, Stop> {
    buffer.clear();
    let read = io::Read::take(input, MAX_LINE as u64 + 1)
        .read_until(b'\n', buffer)
        .map_err(|e| Stop::Io(format!("could not read line {number} of the tasks: {e}")))?;
    if read == 0 {
        return Ok(None);
    }
    if buffer.last() == Some(&b'\n') {
        buffer.pop();
    } else if buffer.len() > MAX_LINE {
        return Err(Stop::BadLine(format!(
            "line {number} is longer than {} KiB: not a task line",
            MAX_LINE / 1024
        )));
    }
    let text = std::str::from_utf8(buffer)
        .map_err(|_| Stop::BadLine(format!("line {number} is not UTF-8 text: not a task line")))?;
    Ok(Some(text.strip_suffix('\r').unwrap_or(text)))
}

/// `<task> <n> <attempt>`, three whole numbers.
fn parse_task(line: &str) -> Result<(u64, u64, u64), &'static str> {
    let mut words = line.split_whitespace();
    let (Some(task), Some(n), Some(attempt), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err("expected `<task> <n> <attempt>`");
    };
    match (task.parse(), n.parse(), attempt.parse()) {
        (Ok(task), Ok(n), Ok(attempt)) => Ok((task, n, attempt)),
        _ => Err("expected three whole numbers"),
    }
}

/// The start of `line`, cut short so that a huge line stays a short message.
fn quote(line: &str) -> String {
    match line.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}... ({} bytes in all)", &line[..cut], line.len()),
        None => line.to_string(),
    }
}

fn usage_error(problem: &str) -> ! {
    let usage = USAGE.lines().next().unwrap_or_default();
    eprintln!("workbook-worker: {problem}\n{usage}  (--help for more)");
    std::process::exit(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Mode, String> {
        parse_args(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(""), Ok(Mode::Serve { crash_on: None }));
        assert_eq!(parse("--crash-on 7"), Ok(Mode::Serve { crash_on: Some(7) }));
        assert_eq!(parse("--crash-on=7"), Ok(Mode::Serve { crash_on: Some(7) }));
        assert_eq!(parse("--exit"), Ok(Mode::Exit));
        assert_eq!(parse("--help"), Ok(Mode::Help));
        assert!(
            parse("--crash-on")
                .unwrap_err()
                .contains("missing argument")
        );
        assert!(parse("--crash-on seven").unwrap_err().contains("seven"));
        assert!(parse("--fast").unwrap_err().contains("--fast"));
        assert!(parse("extra").unwrap_err().contains("extra"));
    }

    #[test]
    fn exit_and_crash_on_are_refused_together() {
        for line in ["--exit --crash-on 3", "--crash-on 3 --exit"] {
            let err = parse(line).unwrap_err();
            assert!(err.contains("do not go together"), "{line}: {err}");
        }
    }

    fn served(input: &[u8]) -> (Result<(), Stop>, String) {
        let mut output = Vec::new();
        let stop = serve(input, &mut output, None);
        (stop, String::from_utf8(output).unwrap())
    }

    #[test]
    fn every_task_line_is_answered() {
        let (stop, output) = served(b"0 6 1\r\n1 27 1\n2 1 2");
        assert_eq!(stop, Ok(()));
        assert_eq!(output, "0 8\n1 111\n2 0\n");
    }

    #[test]
    fn a_line_that_is_not_utf8_stops_the_worker_with_its_number() {
        let (stop, output) = served(b"0 6 1\n1 2\xff 1\n2 6 1\n");
        assert_eq!(
            stop,
            Err(Stop::BadLine(
                "line 2 is not UTF-8 text: not a task line".into()
            ))
        );
        assert_eq!(output, "0 8\n", "nothing after the bad line");
    }

    #[test]
    fn an_over_long_line_is_refused_and_quoted_short() {
        let mut input = b"0 6 1\n".to_vec();
        input.extend(vec![b'7'; MAX_LINE + 1]);
        let (stop, _) = served(&input);
        assert_eq!(
            stop,
            Err(Stop::BadLine(
                "line 2 is longer than 1024 KiB: not a task line".into()
            ))
        );
        let long = "9".repeat(MAX_LINE);
        let Err(Stop::BadLine(problem)) = served(long.as_bytes()).0 else {
            panic!("a line of one huge word is not a task");
        };
        assert!(problem.len() < 200, "{problem}");
        assert!(problem.contains("bytes in all"), "{problem}");
    }

    #[test]
    fn only_a_closed_pipe_means_the_parent_has_gone() {
        struct Failing(io::ErrorKind);
        impl Write for Failing {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(self.0))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let input: &[u8] = b"4 6 1\n";
        let closed = serve(input, Failing(io::ErrorKind::BrokenPipe), None);
        assert_eq!(closed, Err(Stop::ParentGone));
        let full = serve(input, Failing(io::ErrorKind::StorageFull), None);
        let Err(Stop::Io(problem)) = full else {
            panic!("a full disk is an error: {full:?}");
        };
        assert!(
            problem.starts_with("could not write the answer to task 4: "),
            "{problem}"
        );
    }
}
