//! Child processes with a bound on every wait, and progress for long ones.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use wait_timeout::ChildExt;

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
    let what = program(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {what}"))?;
    // Both pipes are drained on their own threads, so that a chatty child
    // never blocks on a full pipe while we wait for it.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = wait(&mut child, limit, &what)?;
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
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
        let err = status(Command::new("false").stdout(Stdio::null()), MINUTE).unwrap_err();
        assert!(err.to_string().contains("false failed"), "{err}");
    }
}
