//! Worker processes fed over pipes, one task per line, with the fault
//! tolerance threads cannot give: a worker that crashes takes only itself
//! down; its task goes back on the queue and a fresh worker replaces it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

/// What a run on worker processes produced.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// (task, result) for every task, in task order.
    pub results: Vec<(u64, u64)>,
    /// What happened to the workers, in order: crashes, restarts, reruns.
    pub log: Vec<String>,
    /// How many worker processes were started, replacements included.
    pub started: usize,
}

/// A worker may be replaced this many times before the run gives up on it.
const MAX_RESTARTS: usize = 3;

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn start(program: &Path, args: &[String]) -> Result<Worker, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    Ok(Worker {
        child,
        stdin,
        stdout,
    })
}

/// Sends one task and reads its answer; `None` when the worker died.
fn ask(worker: &mut Worker, task: u64, n: u64, attempt: u32) -> Option<u64> {
    writeln!(worker.stdin, "{task} {n} {attempt}").ok()?;
    worker.stdin.flush().ok()?;
    let mut line = String::new();
    if worker.stdout.read_line(&mut line).ok()? == 0 {
        return None; // end of output: the process is gone
    }
    let (done, result) = line.trim().split_once(' ')?;
    (done.parse::<u64>().ok()? == task).then_some(())?;
    result.parse().ok()
}

/// Runs task `i` (input `inputs[i]`) on `workers` processes of `program`,
/// each taking the next task from a shared queue when it is free.
/// `crash_on: Some(t)` starts the workers with `--crash-on t`: whichever
/// worker makes the first attempt at task `t` dies, as if from a passing fault.
///
/// # Errors
/// `workers` is zero, `program` is missing, or a worker kept dying.
pub fn run_on_workers(
    program: &Path,
    workers: usize,
    inputs: &[u64],
    crash_on: Option<u64>,
) -> Result<Outcome, String> {
    if workers == 0 {
        return Err("run_on_workers: `workers` must be at least 1, got 0".into());
    }
    if !program.exists() {
        return Err(format!(
            "{} does not exist: build it with `cargo build --release -p workbook-worker`",
            program.display()
        ));
    }
    // The queue holds (task, attempt).
    let queue = Mutex::new(
        (0..inputs.len() as u64)
            .map(|t| (t, 1))
            .collect::<VecDeque<(u64, u32)>>(),
    );
    let outcome = Mutex::new(Outcome::default());
    let note = |line: String| {
        outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .log
            .push(line)
    };
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();

    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (note, next, queue, outcome) = (&note, &next, &queue, &outcome);
                scope.spawn(move || -> Result<(), String> {
                    let args = match crash_on {
                        Some(task) => vec!["--crash-on".to_string(), task.to_string()],
                        None => Vec::new(),
                    };
                    let mut worker = start(program, &args)?;
                    let mut restarts = 0;
                    outcome.lock().unwrap_or_else(|e| e.into_inner()).started += 1;
                    while let Some((task, attempt)) = next() {
                        match ask(&mut worker, task, inputs[task as usize], attempt) {
                            Some(result) => {
                                outcome.lock().unwrap_or_else(|e| e.into_inner()).results.push((task, result));
                            }
                            None => {
                                let pid = worker.child.id();
                                let status = worker.child.wait().map_err(|e| e.to_string())?;
                                note(format!(
                                    "worker {w} (pid {pid}) died running task {task} ({status}); task {task} goes back on the queue"
                                ));
                                queue.lock().unwrap_or_else(|e| e.into_inner()).push_front((task, attempt + 1));
                                restarts += 1;
                                if restarts > MAX_RESTARTS {
                                    return Err(format!("worker {w} died {restarts} times; giving up"));
                                }
                                worker = start(program, &args)?;
                                outcome.lock().unwrap_or_else(|e| e.into_inner()).started += 1;
                                note(format!("worker {w} replaced by a fresh process (pid {})", worker.child.id()));
                            }
                        }
                    }
                    drop(worker.stdin); // end of input: the worker exits
                    worker.child.wait().map_err(|e| e.to_string())?;
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a worker thread panicked".into()))
            })
            .collect::<Result<Vec<()>, String>>()
    })?;
    let mut outcome = outcome.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.results.sort();
    Ok(outcome)
}
