//! Child processes with a bound on every wait, and progress for long ones.

use std::process::{Child, Command, ExitStatus, Output};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use workbook::process::{self, Ended, Run, Stop};
pub use workbook::process::{die_with_parent, lower_priority};

pub const SECOND: Duration = Duration::from_secs(1);
pub const MINUTE: Duration = Duration::from_secs(60);

/// The program a command runs, for messages.
pub fn program(cmd: &Command) -> String {
    cmd.get_program().to_string_lossy().into_owned()
}

/// Waits for `child` at most `limit`; past it, kills the child and says so.
pub fn wait(child: &mut Child, limit: Duration, what: &str) -> Result<ExitStatus> {
    match process::wait(child, limit)? {
        Some(status) => Ok(status),
        None => bail!(
            "{what} was still running after {} s and was stopped",
            limit.as_secs()
        ),
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
    collected(cmd, limit, Run::new(limit))?.context("not interrupted")
}

/// Like [`output`], with `input` written to the child's standard input, then
/// closed: the way to hand a child a secret, which its arguments would show
/// to every local user.
pub fn output_with_input(cmd: &mut Command, input: &[u8], limit: Duration) -> Result<Output> {
    collected(cmd, limit, Run::new(limit).input(input))?.context("not interrupted")
}

/// Like [`output`], with `cmd` and everything it starts in a group of their
/// own, stopped together when [`interrupted`] is set (`Ok(None)`), past
/// `limit` (an error), or once `cmd` has ended (what it left running).
pub fn output_or_stop(cmd: &mut Command, limit: Duration) -> Result<Option<Output>> {
    collected(
        cmd,
        limit,
        Run::new(limit).own_group().stop_when(interrupted()),
    )
}

/// Runs `cmd` as `run` (bounded by `limit`) says; `None` when [`interrupted`] stopped it.
fn collected(cmd: &mut Command, limit: Duration, run: Run) -> Result<Option<Output>> {
    let what = program(cmd);
    let ran = run
        .start(cmd)
        .with_context(|| format!("could not start {what}"))?;
    match ran.ended {
        Ended::Exited(status) => Ok(Some(Output {
            status,
            stdout: ran.stdout,
            stderr: ran.stderr,
        })),
        Ended::Interrupted => Ok(None),
        Ended::PastLimit => bail!(
            "{what} was still running after {} s and was stopped",
            limit.as_secs()
        ),
    }
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
            process::signal_child(child, Stop::Ask);
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

/// The first line of a command's standard output, when it succeeds within 30 s.
pub fn first_line(cmd: &mut Command) -> Option<String> {
    let out = output(cmd, 30 * SECOND).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    out.status
        .success()
        .then(|| text.lines().next().unwrap_or_default().trim().to_string())
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

    #[test]
    fn output_is_collected_and_a_failure_is_reported() {
        let out = output(Command::new("sh").args(["-c", "echo hi; exit 3"]), MINUTE).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
        assert_eq!(out.status.code(), Some(3));
        let err = status(&mut Command::new("false"), MINUTE).unwrap_err();
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
    fn a_group_past_its_limit_is_named_and_one_that_ends_gives_its_output() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & wait"]);
        let err = output_or_stop(&mut cmd, Duration::from_millis(200)).unwrap_err();
        assert!(err.to_string().contains("sh was still running"), "{err}");
        let out = output_or_stop(Command::new("sh").args(["-c", "echo hi"]), MINUTE)
            .unwrap()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
    }
}
