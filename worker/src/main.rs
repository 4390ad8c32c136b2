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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut crash_on = None;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => {}
        ["--exit"] => return,
        ["--crash-on", task] => match task.parse::<u64>() {
            Ok(t) => crash_on = Some(t),
            Err(_) => fail(&format!("--crash-on needs a task number, got `{task}`")),
        },
        _ => fail(&format!("unknown arguments {args:?}")),
    }
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
    eprintln!(
        "workbook-worker: {problem}\nusage: workbook-worker [--crash-on TASK] [--exit]  (tasks on stdin: `<task> <n> <attempt>` per line)"
    );
    std::process::exit(2)
}
