//! The one way this workspace runs a child process and waits for it: both
//! outputs drained on threads of their own ([`crate::drain`]), every wait
//! bounded, and, for a child in a group of its own, everything it started
//! stopped with it. The checks, `mpirun`, the SLURM clients, `cargo xtask`
//! and the benchmark all run their children through here; the operating
//! system's part is in [`crate::platform`].

use std::io::{self, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::drain::Drained;
use crate::platform;

pub use crate::platform::{
    Stop, die_with_parent, group_alive, lower_priority, own_group, signal_child, signal_group,
    signal_pid,
};

/// How long output is still read once a child has ended: a process it left
/// running would otherwise hold the pipes, and the wait, open until it ends.
const DRAIN: Duration = Duration::from_secs(2);

/// How long a child asked to stop (SIGTERM) has before it is killed.
const GRACE: Duration = Duration::from_secs(2);

/// How often a running child is looked at.
const POLL: Duration = Duration::from_millis(20);

/// How a bounded run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// It ended by itself.
    Exited(ExitStatus),
    /// It ran past its limit and was stopped.
    PastLimit,
    /// The flag given to [`Run::stop_when`] was set, and it was stopped.
    Interrupted,
}

/// What a bounded run gave.
#[derive(Debug)]
pub struct Ran {
    pub ended: Ended,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// From start to end (or stop).
    pub elapsed: Duration,
    /// Bytes written to stdout and stderr together, kept or not (see [`Run::keep_head`]).
    pub printed: u64,
}

impl Ran {
    /// The standard output as text.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The standard error as text.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// A child to run with its output collected, at most `limit` long.
///
/// ```
/// # #[cfg(unix)] {
/// use std::process::Command;
/// use std::time::Duration;
/// use workbook::process::{Ended, Run};
///
/// let ran = Run::new(Duration::from_secs(30))
///     .input(b"hi")
///     .start(&mut Command::new("cat"))
///     .unwrap();
/// assert!(matches!(ran.ended, Ended::Exited(s) if s.success()));
/// assert_eq!(ran.stdout, b"hi");
/// # }
/// ```
pub struct Run<'a> {
    limit: Duration,
    input: Option<&'a [u8]>,
    stop: Option<&'a AtomicBool>,
    group: bool,
    head: Option<usize>,
    grace: Duration,
}

impl<'a> Run<'a> {
    pub fn new(limit: Duration) -> Self {
        Run {
            limit,
            input: None,
            stop: None,
            group: false,
            head: None,
            grace: GRACE,
        }
    }

    /// Written to the child's standard input, then closed (otherwise it
    /// reads nothing): the way to hand a child a secret, which its
    /// arguments would show to every local user.
    pub fn input(mut self, input: &'a [u8]) -> Self {
        self.input = Some(input);
        self
    }

    /// Stops the child once `flag` is set (Ctrl-C, say).
    pub fn stop_when(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Runs the child in a process group of its own that ends with it: what
    /// it left running is killed once it has ended, a stop reaches its
    /// children too, and (on Linux) it dies with this process.
    pub fn own_group(mut self) -> Self {
        self.group = true;
        self
    }

    /// Keeps only the first `bytes` of each output and, past them, its last
    /// line; the rest is counted ([`Ran::printed`]), never held in memory:
    /// for a child whose output is not to be trusted.
    pub fn keep_head(mut self, bytes: usize) -> Self {
        self.head = Some(bytes);
        self
    }

    /// Kills the group at once when it is stopped, with no request first:
    /// for code that must get no chance to linger (a learner's answer).
    pub fn no_grace(mut self) -> Self {
        self.grace = Duration::ZERO;
        self
    }

    /// Starts `cmd` and waits for it as set up. An error only when it could
    /// not be started.
    pub fn start(self, cmd: &mut Command) -> io::Result<Ran> {
        let stdin = if self.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        cmd.stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if self.group {
            platform::own_group(cmd);
            platform::die_with_parent(cmd);
        }
        let start = Instant::now();
        let mut child = cmd.spawn()?;
        let stdout = Drained::start(child.stdout.take(), self.head);
        let stderr = Drained::start(child.stderr.take(), self.head);
        // Written on a thread of its own: a child that answers before it has
        // read everything must not block us.
        let writer = match (self.input, child.stdin.take()) {
            (Some(input), Some(mut pipe)) => {
                let input = input.to_vec();
                Some(thread::spawn(move || pipe.write_all(&input)))
            }
            _ => None,
        };
        let ended = self.wait(&mut child, start)?;
        let elapsed = start.elapsed();
        if self.group {
            // Whatever it left running would only hold the pipes open.
            platform::signal_group(&mut child, Stop::Kill);
        }
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let deadline = Instant::now() + DRAIN;
        let (stdout, stderr) = (stdout.finish(deadline), stderr.finish(deadline));
        Ok(Ran {
            ended,
            stdout: stdout.kept,
            stderr: stderr.kept,
            elapsed,
            printed: stdout.total + stderr.total,
        })
    }

    fn wait(&self, child: &mut Child, start: Instant) -> io::Result<Ended> {
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(Ended::Exited(status));
            }
            let why = if self.stop.is_some_and(|f| f.load(Ordering::SeqCst)) {
                Ended::Interrupted
            } else if start.elapsed() > self.limit {
                Ended::PastLimit
            } else {
                thread::sleep(POLL);
                continue;
            };
            if self.group {
                stop_group(child, self.grace);
            } else {
                let _ = child.kill();
                let _ = child.wait();
            }
            return Ok(why);
        }
    }
}

/// Asks the group made for `child` to stop (SIGTERM: `mpirun` passes it on
/// to its ranks, JupyterLab shuts its kernels down), then kills what is left
/// after `grace` (at once when it is zero).
fn stop_group(child: &mut Child, grace: Duration) {
    if !grace.is_zero() {
        platform::signal_group(child, Stop::Ask);
    }
    let asked = Instant::now();
    while asked.elapsed() < grace {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        thread::sleep(POLL);
    }
    platform::signal_group(child, Stop::Kill);
    let _ = child.wait();
}

/// Waits for a child started elsewhere at most `limit`; past it, kills it.
/// `None` when it was killed.
pub fn wait(child: &mut Child, limit: Duration) -> io::Result<Option<ExitStatus>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(POLL);
    }
}

/// How a child ended, in words: "ended with exit code 3", "was killed by
/// signal 9".
pub fn ended_how(status: ExitStatus) -> String {
    if let Some(signal) = platform::ending_signal(&status) {
        return format!("was killed by signal {signal}");
    }
    match status.code() {
        Some(code) => format!("ended with exit code {code}"),
        None => "ended".to_string(),
    }
}

#[cfg(all(test, unix))]
mod tests;
