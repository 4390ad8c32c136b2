//! The notebook runners: several `xtask/nbrun.py` processes, each handed
//! one notebook at a time on its stdin, the next going to whichever answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{NotebookRun, describe};
use crate::child::{self, MINUTE};

/// What a runner's output thread tells: a result line, or that its output
/// ended (the runner has exited).
type Said = (usize, Option<String>);

/// One `nbrun.py` process, handed notebooks one at a time on its stdin.
struct Runner {
    process: Child,
    /// Closed (`None`) once it has no more notebooks to run.
    stdin: Option<ChildStdin>,
    /// The notebook it runs now, and since when.
    running: Option<(String, Instant)>,
    errors: thread::JoinHandle<String>,
}

impl Runner {
    /// Starts `cmd` (nbrun.py, its arguments but no notebook) as a runner
    /// whose result lines go to `lines`, tagged with `number`.
    fn start(mut cmd: Command, number: usize, lines: mpsc::Sender<Said>) -> Result<Runner> {
        let mut process = cmd
            // Paths and results cross the pipes as UTF-8 on every platform.
            .env("PYTHONUTF8", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("could not start xtask/nbrun.py")?;
        let stdout = process.stdout.take().expect("stdout is piped");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send((number, Some(line))).is_err() {
                    return;
                }
            }
            let _ = lines.send((number, None));
        });
        let mut stderr = process.stderr.take().expect("stderr is piped");
        let errors = thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(Runner {
            stdin: process.stdin.take(),
            process,
            running: None,
            errors,
        })
    }

    /// Hands it the notebook at `path` (checked by [`handed_paths`]), or
    /// closes its stdin when there is none, so that it ends.
    fn hand(&mut self, path: Option<&str>) {
        self.running = None;
        let Some(path) = path else {
            self.stdin = None;
            return;
        };
        if let Some(stdin) = self.stdin.as_mut() {
            // A runner that died cannot take it: its output has ended, which
            // the loop in `execute_with` hears and reports.
            let _ = writeln!(stdin, "{path}").and_then(|()| stdin.flush());
        }
        let name = Path::new(path).file_name().unwrap_or_default();
        self.running = Some((name.to_string_lossy().into_owned(), Instant::now()));
    }

    /// Stops it, and its notebook with it, without waiting for either.
    fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The paths as lines a runner reads: an error for one that cannot be one.
fn handed_paths(paths: &[PathBuf]) -> Result<Vec<&str>> {
    paths
        .iter()
        .map(|p| {
            p.to_str()
                .filter(|t| !t.contains('\n'))
                .with_context(|| format!("{} cannot be handed to nbrun.py", p.display()))
        })
        .collect()
}

/// [`execute`] with `runner` making each runner's command, and `limit` on
/// each notebook.
pub(super) fn execute_with(
    runner: &dyn Fn() -> Command,
    paths: &[PathBuf],
    kernels: usize,
    limit: Duration,
) -> Result<Vec<NotebookRun>> {
    let mut queue = handed_paths(paths)?.into_iter();
    let (lines, answers) = mpsc::channel();
    let mut runners = Vec::new();
    for number in 0..kernels.clamp(1, paths.len().max(1)) {
        let mut runner = Runner::start(runner(), number, lines.clone())?;
        runner.hand(queue.next());
        runners.push(runner);
    }
    drop(lines);

    let total = paths.len();
    let bar = child::counter(total as u64);
    let start = Instant::now();
    let mut outcomes = Vec::new();
    // Notebooks whose runner ended before answering, with the runner's number.
    let mut lost: Vec<(String, usize)> = Vec::new();
    let mut ended = 0;
    while outcomes.len() + lost.len() < total && ended < runners.len() {
        let running: Vec<&(String, Instant)> =
            runners.iter().filter_map(|r| r.running.as_ref()).collect();
        let names: Vec<&str> = running.iter().map(|(name, _)| name.as_str()).collect();
        bar.set_message(format!("running {}", names.join(", ")));
        // The wait ends at the first notebook's limit.
        let first = running.iter().map(|(_, since)| *since).min();
        let wait = first.map_or(limit, |since| limit.saturating_sub(since.elapsed()));
        let (number, said) = match answers.recv_timeout(wait) {
            Ok(said) => said,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let late: Vec<&str> = running
                    .iter()
                    .filter(|(_, since)| since.elapsed() >= limit)
                    .map(|(name, _)| name.as_str())
                    .collect();
                let late = late.join(", ");
                runners.iter_mut().for_each(Runner::stop);
                bar.finish_and_clear();
                let limit = match limit.as_secs() {
                    s if s >= 60 => format!("{} min", s / 60),
                    s => format!("{s} s"),
                };
                bail!("{late} gave no result within {limit}: stopped");
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let Some(line) = said else {
            // This runner has exited: whatever it ran is lost, the rest go on.
            ended += 1;
            if let Some((name, _)) = runners[number].running.take() {
                lost.push((name, number));
            }
            continue;
        };
        let outcome: NotebookRun = match serde_json::from_str(&line) {
            Ok(outcome) => outcome,
            Err(e) => {
                runners.iter_mut().for_each(Runner::stop);
                bar.finish_and_clear();
                bail!("nbrun.py sent something that is not a result ({e}): {line}");
            }
        };
        outcomes.push(outcome);
        let report = describe(outcomes.len(), total, start, &outcomes[outcomes.len() - 1]);
        if bar.is_hidden() {
            println!("{report}");
        } else {
            bar.println(report);
        }
        bar.inc(1);
        runners[number].hand(queue.next());
    }
    bar.finish_and_clear();
    let mut said = Vec::new();
    for (number, mut runner) in runners.into_iter().enumerate() {
        runner.stdin = None;
        let status = child::wait(&mut runner.process, MINUTE, "xtask/nbrun.py")?;
        let errors = runner.errors.join().unwrap_or_default();
        let errors = errors.trim();
        if let Some((name, _)) = lost.iter().find(|(_, n)| *n == number) {
            said.push(format!(
                "{name}: its runner {} before answering:\n{errors}",
                workbook::process::ended_how(status)
            ));
        } else if !errors.is_empty() {
            said.push(errors.to_string());
        }
    }
    if outcomes.len() < total {
        let not_run: Vec<&str> = queue.collect();
        let not_run = match not_run.is_empty() {
            true => String::new(),
            false => format!("\nnot run: {}", not_run.join(", ")),
        };
        bail!(
            "nbrun.py stopped after {} of {total} notebooks:\n{}{not_run}",
            outcomes.len(),
            said.join("\n")
        );
    }
    Ok(outcomes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A stand-in for nbrun.py: answers each notebook on its stdin, with its
    /// own process id as the log, at once, or after 1.5 s for a name holding
    /// `slow`; for one holding `hang` it sleeps a minute, and for one holding
    /// `die` it exits without answering.
    fn stand_in() -> Command {
        let script = r#"
import json, os, sys, time
for line in sys.stdin:
    name = line.strip()
    if "die" in name:
        sys.exit("the kernel died")
    time.sleep(60 if "hang" in name else 1.5 if "slow" in name else 0)
    print(json.dumps({"notebook": name, "ok": True, "code_cells": 1, "charts": 0, "seconds": 0,
                      "problems": [], "log": str(os.getpid()), "saved": False}), flush=True)
"#;
        let mut cmd = Command::new("python3");
        cmd.args(["-c", script]);
        cmd
    }

    fn names(paths: &[&str]) -> Vec<PathBuf> {
        paths.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn the_next_notebook_goes_to_the_runner_that_answered_and_each_runs_once() {
        let paths = names(&["slow.ipynb", "2.ipynb", "3.ipynb", "4.ipynb", "5.ipynb"]);
        let runs = execute_with(&stand_in, &paths, 2, MINUTE).unwrap();
        let mut ran: Vec<&str> = runs.iter().map(|r| r.notebook.as_str()).collect();
        ran.sort();
        assert_eq!(
            ran,
            ["2.ipynb", "3.ipynb", "4.ipynb", "5.ipynb", "slow.ipynb"]
        );
        let runner_of = |name: &str| {
            runs.iter()
                .find(|r| r.notebook == name)
                .unwrap()
                .log
                .clone()
        };
        let slow = runner_of("slow.ipynb");
        // Taking turns would have given the slow one's runner 3.ipynb and 5.ipynb.
        let beside: Vec<&str> = runs
            .iter()
            .filter(|r| r.log == slow)
            .map(|r| r.notebook.as_str())
            .collect();
        assert_eq!(beside, ["slow.ipynb"]);
        assert_ne!(runner_of("2.ipynb"), slow);
        let one = execute_with(&stand_in, &paths[1..3], 1, MINUTE).unwrap();
        assert_eq!((one.len(), one[0].log == one[1].log), (2, true));
    }

    #[test]
    fn a_runner_that_dies_loses_its_notebook_only_and_says_why() {
        let paths = names(&["die.ipynb", "2.ipynb", "3.ipynb", "4.ipynb"]);
        let err = execute_with(&stand_in, &paths, 2, MINUTE)
            .unwrap_err()
            .to_string();
        assert!(err.contains("stopped after 3 of 4 notebooks"), "{err}");
        assert!(
            err.contains("die.ipynb: its runner ended with exit code 1 before answering")
                && err.contains("the kernel died"),
            "{err}"
        );
        let alone = names(&["1.ipynb", "die.ipynb", "3.ipynb"]);
        let err = execute_with(&stand_in, &alone, 1, MINUTE)
            .unwrap_err()
            .to_string();
        assert!(err.contains("stopped after 1 of 3 notebooks"), "{err}");
        assert!(err.contains("not run: 3.ipynb"), "{err}");
    }

    #[test]
    fn a_notebook_past_its_limit_is_named_while_the_other_runner_goes_on() {
        let paths = names(&["hang.ipynb", "slow.ipynb", "3.ipynb"]);
        let start = Instant::now();
        let err = execute_with(&stand_in, &paths, 2, Duration::from_secs(2))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "hang.ipynb gave no result within 2 s: stopped");
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the runners were stopped"
        );
    }
}
