//! A worker process: one task per line in, one result per line out.
//!
//!     workbook-worker [--crash-on TASK] [--exit]
//!
//! Each input line is `<task> <n> <attempt>`; the answer is
//! `<task> <collatz steps of n>`. `--crash-on TASK` makes the worker abort on
//! the first attempt at that task, to stand for a process that dies of a
//! passing fault (a bad node, the out-of-memory killer): a rerun succeeds.
//! `--exit` exits at once: for measuring what starting a process costs.

use std::io::{self, BufRead, Write};

use workbook_worker::collatz_steps;

const USAGE: &str = "usage: workbook-worker [--crash-on TASK] [--exit]

Reads tasks on stdin, one `<task> <n> <attempt>` per line, and answers
`<task> <collatz steps of n>` on stdout, one line each.

options:
  --crash-on TASK  abort on the first attempt at TASK (a passing fault: a rerun succeeds)
  --exit           exit at once (to measure what starting a process costs)
  -h, --help       print this help";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Mode {
    Serve { crash_on: Option<u64> },
    Exit,
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Mode, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut mode = Mode::Serve { crash_on: None };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("help") | Short('h') => return Ok(Mode::Help),
            Long("exit") => mode = Mode::Exit,
            Long("crash-on") => {
                mode = Mode::Serve {
                    crash_on: Some(parser.value()?.parse()?),
                }
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(mode)
}

fn main() {
    let crash_on = match parse_args(std::env::args().skip(1)) {
        Ok(Mode::Serve { crash_on }) => crash_on,
        Ok(Mode::Exit) => return,
        Ok(Mode::Help) => {
            println!("{USAGE}");
            return;
        }
        Err(e) => fail(&e.to_string()),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { return };
        let mut words = line.split_whitespace();
        let (Some(task), Some(n), Some(attempt), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            fail(&format!("expected `<task> <n> <attempt>`, got `{line}`"));
        };
        let (Ok(task), Ok(n), Ok(attempt)) = (
            task.parse::<u64>(),
            n.parse::<u64>(),
            attempt.parse::<u64>(),
        ) else {
            fail(&format!("expected three whole numbers, got `{line}`"));
        };
        if crash_on == Some(task) && attempt == 1 {
            std::process::abort();
        }
        // One line per result, flushed, so the parent can read it at once.
        if writeln!(out, "{task} {}", collatz_steps(n))
            .and_then(|_| out.flush())
            .is_err()
        {
            return; // the parent has gone: nothing left to do
        }
    }
}

fn fail(problem: &str) -> ! {
    let usage = USAGE.lines().next().unwrap_or_default();
    eprintln!("workbook-worker: {problem}\n{usage}  (--help for more)");
    std::process::exit(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Mode, String> {
        parse_args(line.split_whitespace().map(str::to_string)).map_err(|e| e.to_string())
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
}
