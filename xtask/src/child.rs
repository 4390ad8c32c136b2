//! Child processes with a bound on every wait, and progress for long ones.

use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use wait_timeout::ChildExt;
use workbook::drain::Drained;

pub const SECOND: Duration = Duration::from_secs(1);
pub const MINUTE: Duration = Duration::from_secs(60);

/// The program a command runs, for messages.
pub fn program(cmd: &Command) -> String {
    cmd.get_program().to_string_lossy().into_owned()
}

/// Waits for `child` at most `limit`; past it, kills the child and says so.
pub fn wait(child: &mut Child, limit: Duration, what: &str) -> Result<ExitStatus> {
    match child.wait_timeout(limit)? {
        Some(status) => Ok(status),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{what} was still running after {} s and was stopped",
                limit.as_secs()
            )
        }
    }
}

/// Runs `cmd` with its output on ours; an error when it fails or outlives `limit`.
pub fn status(cmd: &mut Command, limit: Duration) -> Result<()> {
    let what = program(cmd);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start {what}"))?;
    let status = wait(&mut child, limit, &what)?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` and collects its output, at most `limit` long. The exit status
/// is the caller's to judge.
pub fn output(cmd: &mut Command, limit: Duration) -> Result<Output> {
    collect(cmd, None, limit)
}

/// Like [`output`], with `input` written to the child's standard input, then
/// closed: the way to hand a child a secret, which its arguments would show
/// to every local user.
pub fn output_with_input(cmd: &mut Command, input: &[u8], limit: Duration) -> Result<Output> {
    collect(cmd, Some(input), limit)
}

/// How long a command's output is still read once it has ended: a process
/// it started and left running would otherwise hold the pipes, and the
/// wait, open until it ends.
const DRAIN: Duration = Duration::from_secs(2);

fn collect(cmd: &mut Command, input: Option<&[u8]>, limit: Duration) -> Result<Output> {
    let what = program(cmd);
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let (mut child, stdout, stderr) = spawn_drained(cmd, stdin, &what)?;
    // Written on a thread of its own: a child that answers before it has
    // read everything must not block us.
    let writer = match (input, child.stdin.take()) {
        (Some(input), Some(mut pipe)) => {
            let input = input.to_vec();
            Some(thread::spawn(move || {
                std::io::Write::write_all(&mut pipe, &input)
            }))
        }
        _ => None,
    };
    let status = wait(&mut child, limit, &what)?;
    let ended = Instant::now();
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    Ok(Output {
        status,
        stdout: stdout.finish(ended + DRAIN),
        stderr: stderr.finish(ended + DRAIN),
    })
}

/// Starts `cmd` with both outputs drained (see [`Drained`]).
fn spawn_drained(cmd: &mut Command, stdin: Stdio, what: &str) -> Result<(Child, Drained, Drained)> {
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {what}"))?;
    let stdout = Drained::start(child.stdout.take());
    let stderr = Drained::start(child.stderr.take());
    Ok((child, stdout, stderr))
}

/// Set once Ctrl-C (or a termination signal) arrives. The first call
/// installs the handler, which only sets this flag, so that a command can
/// stop its children ([`output_or_stop`]) and end cleanly.
pub fn interrupted() -> &'static AtomicBool {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Without a handler, Ctrl-C ends the process as usual: still clean.
        let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    });
    &STOP
}

/// The flag behind [`interrupted`]. Read on its own it installs nothing, so
/// a command that never asked keeps Ctrl-C's usual meaning.
static STOP: AtomicBool = AtomicBool::new(false);

/// Like [`wait`], and once [`interrupted`] is set (in a command that called
/// it), ends `child` too: first asked to stop (SIGTERM on Unix, so that
/// JupyterLab can shut its kernels down), killed if it is still there after
/// `grace`. `Ok(None)` when stopped.
pub fn wait_or_stop(
    child: &mut Child,
    limit: Duration,
    grace: Duration,
    what: &str,
) -> Result<Option<ExitStatus>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if STOP.load(Ordering::SeqCst) {
            terminate(child);
            wait(child, grace, what)?;
            return Ok(None);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{what} was still running after {} s and was stopped",
                limit.as_secs()
            );
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Asks `child` to stop: SIGTERM on Unix, a kill elsewhere.
fn terminate(child: &mut Child) {
    #[cfg(unix)]
    {
        // SAFETY: kill only sends a signal, to a child we started.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    }
    #[cfg(not(unix))]
    let _ = child.kill();
}

/// Like [`output`], with `cmd` and everything it starts in a group of their
/// own, stopped together when [`interrupted`] is set (`Ok(None)`), past
/// `limit` (an error), or once `cmd` has ended (what it left running).
pub fn output_or_stop(cmd: &mut Command, limit: Duration) -> Result<Option<Output>> {
    let what = program(cmd);
    let stop = interrupted();
    own_group(cmd);
    let (mut child, stdout, stderr) = spawn_drained(cmd, Stdio::null(), &what)?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if stop.load(Ordering::SeqCst) || start.elapsed() > limit {
            kill_group(&mut child);
            let _ = child.wait();
            if stop.load(Ordering::SeqCst) {
                return Ok(None);
            }
            bail!(
                "{what} was still running after {} s and was stopped",
                limit.as_secs()
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    // It has ended: whatever it left running in its group would only hold
    // the pipes open.
    kill_group(&mut child);
    let ended = Instant::now();
    Ok(Some(Output {
        status,
        stdout: stdout.finish(ended + DRAIN),
        stderr: stderr.finish(ended + DRAIN),
    }))
}

/// Puts the child `cmd` starts in a process group of its own (on Unix), so
/// that [`kill_group`] reaches its children too. Elsewhere it does nothing.
fn own_group(cmd: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(not(unix))]
    let _ = cmd;
}

/// Kills `child` and, on Unix, the whole group [`own_group`] made for it.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        // The group's id is the child's pid (`process_group(0)`).
        let group = -(child.id() as libc::pid_t);
        // SAFETY: kill only sends a signal, to the group made for this child.
        unsafe { libc::kill(group, libc::SIGKILL) };
    }
    let _ = child.kill();
}

/// The first line of a command's standard output, when it succeeds within 30 s.
pub fn first_line(cmd: &mut Command) -> Option<String> {
    let out = output(cmd, 30 * SECOND).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    out.status
        .success()
        .then(|| text.lines().next().unwrap_or_default().trim().to_string())
}

/// Runs `cmd` at a lower priority (Unix: `nice` 10), so that a long build
/// beside JupyterLab leaves it quick to answer. Elsewhere it runs as it is.
pub fn lower_priority(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the hook only calls nice(2), which
        // allocates nothing and takes no lock.
        unsafe {
            cmd.pre_exec(|| {
                libc::nice(10);
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

/// Makes the child `cmd` starts end (SIGTERM) when the thread that starts it
/// ends, even by `kill -9` of this command: a server such as JupyterLab must
/// not keep serving on its own. Linux only (`PR_SET_PDEATHSIG`); elsewhere it
/// does nothing. Start the child from a thread that outlives it (the main one).
pub fn die_with_parent(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the hook only calls prctl(2) and
        // getppid(2), which allocate nothing and take no lock.
        unsafe {
            let parent = libc::getpid();
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// A spinner with the time spent, for a step that takes minutes (drawn only
/// on a terminal; elsewhere the caller's plain lines say what happens).
pub fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .expect("a valid progress template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A bar counting done out of `total`, with the time spent and the current item.
pub fn counter(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("[{pos}/{len}] {elapsed:>4} {wide_msg}")
            .expect("a valid progress template"),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_its_limit_is_stopped_and_named() {
        let mut sleeper = Command::new("sleep");
        sleeper.arg("30");
        let err = status(&mut sleeper, Duration::from_millis(200)).unwrap_err();
        assert!(err.to_string().contains("sleep was still running"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_child_run_gently_has_a_higher_niceness() {
        let niceness = |gently: bool| -> i32 {
            let mut cmd = Command::new("nice");
            if gently {
                lower_priority(&mut cmd);
            }
            first_line(&mut cmd)
                .expect("nice runs")
                .parse()
                .expect("a number")
        };
        let (plain, gentle) = (niceness(false), niceness(true));
        assert_eq!(gentle, (plain + 10).min(19), "{plain} then {gentle}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_child_made_to_die_with_its_parent_ends_when_the_parent_thread_ends() {
        use std::os::unix::process::ExitStatusExt;
        // The kernel's "parent" is the thread that started the child: its
        // end stands for this command being killed.
        let mut sleeper = thread::spawn(|| {
            let mut cmd = Command::new("sleep");
            cmd.arg("30");
            die_with_parent(&mut cmd);
            cmd.spawn().unwrap()
        })
        .join()
        .unwrap();
        let status = wait(&mut sleeper, 10 * SECOND, "sleep").unwrap();
        assert_eq!(status.signal(), Some(libc::SIGTERM), "{status}");
    }

    #[test]
    fn output_is_collected_and_a_failure_is_reported() {
        let out = output(Command::new("sh").args(["-c", "echo hi; exit 3"]), MINUTE).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
        assert_eq!(out.status.code(), Some(3));
        let err = status(Command::new("false").stdout(Stdio::null()), MINUTE).unwrap_err();
        assert!(err.to_string().contains("false failed"), "{err}");
    }

    #[test]
    fn input_reaches_the_child_and_not_its_arguments() {
        let mut cat = Command::new("cat");
        let out = output_with_input(&mut cat, b"secret\n", MINUTE).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "secret\n");
        assert_eq!(cat.get_args().count(), 0);
    }

    #[test]
    fn a_group_past_its_limit_is_stopped_children_included() {
        let marker = std::env::temp_dir().join(format!("xtask-group-{}", std::process::id()));
        let _ = std::fs::remove_file(&marker);
        // The shell's child would touch the marker after a second, were it left running.
        let script = format!("(sleep 1; touch '{}') & wait", marker.display());
        let mut cmd = Command::new("sh");
        cmd.args(["-c", &script]);
        let err = output_or_stop(&mut cmd, Duration::from_millis(200)).unwrap_err();
        assert!(err.to_string().contains("sh was still running"), "{err}");
        thread::sleep(Duration::from_millis(1500));
        assert!(!marker.exists(), "the shell's child outlived the stop");
        let out = output_or_stop(Command::new("sh").args(["-c", "echo hi"]), MINUTE)
            .unwrap()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_process_left_running_neither_holds_the_output_nor_survives_it() {
        let marker = std::env::temp_dir().join(format!("xtask-left-{}", std::process::id()));
        let _ = std::fs::remove_file(&marker);
        // Like an answer that starts a process and returns: the shell ends at
        // once, its child holds the pipes for three seconds, then touches the marker.
        let script = format!("(sleep 3; touch '{}') & echo hi", marker.display());
        let start = Instant::now();
        let out = output_or_stop(Command::new("sh").args(["-c", &script]), MINUTE)
            .unwrap()
            .unwrap();
        let took = start.elapsed();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
        assert!(
            took < 2 * SECOND,
            "it waited {took:?} for the process left running"
        );
        thread::sleep(4 * SECOND);
        assert!(
            !marker.exists(),
            "the process left running outlived the command"
        );
    }
}
