//! Worker processes fed over pipes, one task per line, with the fault
//! tolerance threads cannot give: a worker that crashes, answers nonsense or
//! falls silent takes only itself down. It is killed and reported, its task
//! goes back on the queue, and a fresh worker replaces it. No wait is
//! unbounded.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use wait_timeout::ChildExt;

/// What a run on worker processes produced.
#[derive(Clone, Debug, Default)]
pub struct WorkersRun {
    /// (task, result) for every task, in task order.
    pub results: Vec<(u64, u64)>,
    /// What happened to the workers, in order: crashes, restarts, reruns.
    pub log: Vec<String>,
    /// How many worker processes were started, replacements included.
    pub started: usize,
}

/// A worker may be replaced this many times before the run gives up on it.
pub const MAX_RESTARTS: usize = 3;

/// How long [`run_on_workers`] waits for one answer before it calls the worker silent.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a worker may take to exit once its input is closed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How to start worker processes, and how long to wait for each answer.
#[derive(Clone, Debug)]
pub struct Workers<'a> {
    /// The worker program.
    pub program: &'a Path,
    /// Its command-line arguments.
    pub args: Vec<String>,
    /// How many run at once.
    pub count: usize,
    /// The longest wait for one answer; a worker silent that long is killed.
    pub answer_timeout: Duration,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    /// Lines of the worker's output, read on a thread of their own so that
    /// waiting for one can time out.
    lines: Receiver<String>,
}

/// What became of one task sent to a worker.
enum Reply {
    Answer(u64),
    /// The worker's output ended: it died.
    Died,
    /// The worker answered something else than `<task> <result>`.
    Garbage(String),
    /// No answer within the timeout.
    Silent,
}

fn start(setup: &Workers) -> Result<Worker, String> {
    let mut child = Command::new(setup.program)
        .args(&setup.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", setup.program.display()))?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    let (send, lines) = mpsc::channel();
    // The thread ends with the worker's output, or when nobody listens any more.
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    Ok(Worker {
        child,
        stdin,
        lines,
    })
}

/// Sends one task and waits at most `timeout` for its answer.
fn ask(worker: &mut Worker, task: u64, n: u64, attempt: u32, timeout: Duration) -> Reply {
    let sent = writeln!(worker.stdin, "{task} {n} {attempt}").and_then(|_| worker.stdin.flush());
    if sent.is_err() {
        return Reply::Died; // its input is closed: the process is gone
    }
    let line = match worker.lines.recv_timeout(timeout) {
        Ok(line) => line,
        Err(RecvTimeoutError::Timeout) => return Reply::Silent,
        Err(RecvTimeoutError::Disconnected) => return Reply::Died,
    };
    let answer = line
        .trim()
        .split_once(' ')
        .filter(|(done, _)| done.parse::<u64>().ok() == Some(task))
        .and_then(|(_, result)| result.parse().ok());
    // A report quotes at most the start of a long line of garbage.
    let quoted = || match line.char_indices().nth(120) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.clone(),
    };
    answer.map_or_else(|| Reply::Garbage(quoted()), Reply::Answer)
}

/// Ends a worker for good: a grace period to exit by itself, then a kill.
/// Returns how it ended, in words.
fn stop(mut worker: Worker, grace: Duration) -> String {
    drop(worker.stdin); // end of input: a well-behaved worker exits
    let status = match worker.child.wait_timeout(grace) {
        Ok(Some(status)) => Ok(status),
        _ => {
            let _ = worker.child.kill();
            worker.child.wait()
        }
    };
    status.map_or_else(|e| format!("status unknown: {e}"), |s| s.to_string())
}

/// Runs task `i` (input `inputs[i]`) on `workers` processes of `program`,
/// each taking the next task from a shared queue when it is free.
/// `crash_on: Some(t)` starts the workers with `--crash-on t`: whichever
/// worker makes the first attempt at task `t` dies, as if from a passing fault.
/// Each answer is awaited at most [`ANSWER_TIMEOUT`]; see [`Workers::run`].
///
/// # Errors
/// `workers` is zero, `program` is missing, or a worker kept failing.
pub fn run_on_workers(
    program: &Path,
    workers: usize,
    inputs: &[u64],
    crash_on: Option<u64>,
) -> Result<WorkersRun, String> {
    if !program.exists() {
        return Err(format!(
            "{} does not exist: build it with `cargo build --release -p workbook-worker`",
            program.display()
        ));
    }
    let args = match crash_on {
        Some(task) => vec!["--crash-on".to_string(), task.to_string()],
        None => Vec::new(),
    };
    Workers {
        program,
        args,
        count: workers,
        answer_timeout: ANSWER_TIMEOUT,
    }
    .run(inputs)
}

impl Workers<'_> {
    /// Runs every task of `inputs` on `count` worker processes. A worker that
    /// dies, answers anything but `<task> <result>` for the task it was given,
    /// or stays silent for `answer_timeout` is killed and logged (its pid, the
    /// task, and what it sent); the task goes back on the queue and a fresh
    /// worker takes its place, at most [`MAX_RESTARTS`] times per worker.
    ///
    /// # Errors
    /// `count` is zero, the program cannot start, or a worker failed more
    /// than [`MAX_RESTARTS`] times: the message says how it failed last.
    pub fn run(&self, inputs: &[u64]) -> Result<WorkersRun, String> {
        if self.count == 0 {
            return Err("run_on_workers: `workers` must be at least 1, got 0".into());
        }
        // The queue holds (task, attempt).
        let queue = Mutex::new(
            (0..inputs.len() as u64)
                .map(|t| (t, 1))
                .collect::<VecDeque<(u64, u32)>>(),
        );
        let outcome = Mutex::new(WorkersRun::default());
        std::thread::scope(|scope| {
            let (queue, outcome) = (&queue, &outcome);
            let handles: Vec<_> = (0..self.count)
                .map(|w| scope.spawn(move || self.serve(w, inputs, queue, outcome)))
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

    /// One worker slot: takes tasks from `queue` until it is empty.
    fn serve(
        &self,
        w: usize,
        inputs: &[u64],
        queue: &Mutex<VecDeque<(u64, u32)>>,
        outcome: &Mutex<WorkersRun>,
    ) -> Result<(), String> {
        let record = || outcome.lock().unwrap_or_else(|e| e.into_inner());
        let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
        let mut worker = start(self)?;
        record().started += 1;
        let mut restarts = 0;
        while let Some((task, attempt)) = next() {
            let reply = ask(
                &mut worker,
                task,
                inputs[task as usize],
                attempt,
                self.answer_timeout,
            );
            let pid = worker.child.id();
            // A crashed worker is given a moment to be reaped, for its real
            // exit status; one that misbehaves is killed at once.
            let mut grace = Duration::ZERO;
            let what = match reply {
                Reply::Answer(result) => {
                    record().results.push((task, result));
                    continue;
                }
                Reply::Died => {
                    grace = EXIT_GRACE;
                    format!("died running task {task}")
                }
                Reply::Garbage(line) => format!(
                    "answered {line:?} to task {task} (expected `{task} <result>`) and was killed"
                ),
                Reply::Silent => format!(
                    "sent nothing for task {task} in {:?} and was killed",
                    self.answer_timeout
                ),
            };
            let status = stop(worker, grace);
            let report = format!("worker {w} (pid {pid}) {what} ({status})");
            restarts += 1;
            if restarts > MAX_RESTARTS {
                return Err(format!(
                    "worker {w} failed {restarts} times; giving up. Last: {report}"
                ));
            }
            record()
                .log
                .push(format!("{report}; task {task} goes back on the queue"));
            queue
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push_front((task, attempt + 1));
            worker = start(self)?;
            let mut log = record();
            log.started += 1;
            log.log.push(format!(
                "worker {w} replaced by a fresh process (pid {})",
                worker.child.id()
            ));
        }
        stop(worker, EXIT_GRACE);
        Ok(())
    }
}
