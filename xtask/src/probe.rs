//! What another, unprivileged account on this machine can read of every
//! process: its command line (`/proc/PID/cmdline`, `ps -eo args`) and, where
//! the kernel lets it, its environment (`/proc/PID/environ`). The test
//! command uses it, as root, to check that no secret of the workbook
//! (JupyterLab's token, the cluster's database password) is within reach
//! of the other users of a shared machine.

use std::io::Read;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;

use anyhow::{Context, Result, bail, ensure};

use crate::child::{self, MINUTE, SECOND};

/// The system account the probe runs as (made when missing, without a home).
pub const USER: &str = "workbook-probe";

/// Reads every process's command line and environment until its input
/// closes (at once when it is empty), then `ps -eo pid,args`; prints each
/// distinct text once, then how many sweeps it made.
const SCRIPT: &str = r#"
import glob, select, subprocess, sys
seen, sweeps = set(), 0
def sweep():
    for path in glob.glob('/proc/[0-9]*/cmdline') + glob.glob('/proc/[0-9]*/environ'):
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError:
            continue
        text = data.replace(b'\0', b' ').decode('utf-8', 'replace').strip()
        if text:
            _, _, pid, kind = path.split('/')
            seen.add(f'{kind} {pid}: {text}')
while True:
    sweep()
    sweeps += 1
    if select.select([sys.stdin], [], [], 0.005)[0]:
        break
ps = subprocess.run(['ps', '-eo', 'pid,args'], capture_output=True, text=True).stdout
seen.update('ps: ' + line.strip() for line in ps.splitlines()[1:])
for text in sorted(seen):
    print(text.replace('\n', ' '))
print(f'sweeps {sweeps}')
"#;

/// Whether the probe can run here: on Linux, as root (it makes its account
/// and switches to it). Elsewhere a visible skip, except in CI, which runs
/// as root on Linux and must not skip: there it is an error.
pub fn ready(what: &str) -> Result<bool> {
    let reason = if !cfg!(target_os = "linux") {
        "not on Linux"
    } else if !crate::platform::is_root() {
        "not root"
    } else {
        ensure_user()?;
        return Ok(true);
    };
    ensure!(
        !crate::ci::in_ci(),
        "{what}: the check as a second account must run in CI ({reason})"
    );
    println!(
        "skipped: {what}, as a second, unprivileged account ({reason}: it needs root to switch accounts)"
    );
    Ok(false)
}

/// Makes the probe's system account, unless it is there already.
fn ensure_user() -> Result<()> {
    if child::first_line(Command::new("id").args(["-u", USER])).is_some() {
        return Ok(());
    }
    child::status(
        Command::new("useradd")
            .args(["--system", "--no-create-home", "--user-group"])
            .args(["--shell", "/usr/sbin/nologin", USER]),
        30 * SECOND,
    )
    .with_context(|| format!("could not create the probe's account {USER}"))
}

/// The probe as its own account, with no groups and an environment of its own.
fn command() -> Command {
    let mut cmd = Command::new("setpriv");
    cmd.arg(format!("--reuid={USER}"))
        .arg(format!("--regid={USER}"))
        .args(["--clear-groups", "--", "python3", "-c", SCRIPT])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir("/");
    cmd
}

/// A probe reading again and again until [`Poller::finish`], to catch short
/// lived processes too.
pub struct Poller {
    child: Child,
    input: Option<ChildStdin>,
    output: thread::JoinHandle<String>,
}

impl Poller {
    pub fn start() -> Result<Poller> {
        let mut child = command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("could not start the probe (setpriv, python3)")?;
        let mut stdout = child.stdout.take().context("the probe's output is piped")?;
        let output = thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let input = child.stdin.take();
        Ok(Poller {
            child,
            input,
            output,
        })
    }

    /// Stops the probe and returns all it read.
    pub fn finish(mut self) -> Result<Seen> {
        drop(self.input.take());
        let status = child::wait(&mut self.child, MINUTE, "the probe")?;
        let text = self.output.join().unwrap_or_default();
        ensure!(status.success(), "the probe failed ({status})");
        let seen = Seen {
            lines: text.lines().map(str::to_string).collect(),
        };
        // Proof that it reads other accounts' processes: root's, this one.
        let me = format!("cmdline {}: ", std::process::id());
        if !seen.lines.iter().any(|l| l.starts_with(&me)) {
            bail!("the probe did not see this process's command line: it proves nothing");
        }
        Ok(seen)
    }
}

/// One sweep: what the probe reads right now.
pub fn once() -> Result<Seen> {
    Poller::start()?.finish()
}

/// What the probe read: one line a process's command line or environment.
pub struct Seen {
    lines: Vec<String>,
}

impl Seen {
    /// The lines holding `secret`, the secret masked as `<what>` (none is good).
    pub fn showing(&self, secret: &str, what: &str) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.contains(secret))
            .map(|l| l.replace(secret, &format!("<{what}>")))
            .collect()
    }

    /// Fails, saying where, when `secret` was within the probe's reach.
    pub fn ensure_hidden(&self, secret: &str, what: &str) -> Result<()> {
        let found = self.showing(secret, what);
        ensure!(
            found.is_empty(),
            "another local account ({USER}) could read the {what}:\n  {}",
            found.join("\n  ")
        );
        println!("{what}: out of reach of another local account ({USER})");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_in_a_command_line_is_seen_and_one_in_an_environment_is_not() {
        if !ready("the probe's own check").unwrap() {
            return;
        }
        let secret = format!("probe-secret-{}", std::process::id());
        let hidden = format!("probe-hidden-{}", std::process::id());
        // A shell that waits on its input, the secret as its `$0`.
        let mut shown = Command::new("sh");
        shown
            .args(["-c", "read line", &secret])
            .stdin(Stdio::piped());
        let mut shown = shown.spawn().unwrap();
        let mut kept = Command::new("sleep");
        kept.arg("31").env("PROBE_HIDDEN", &hidden);
        let mut kept = kept.spawn().unwrap();
        let seen = once();
        for sleeper in [&mut shown, &mut kept] {
            let _ = sleeper.kill();
            let _ = sleeper.wait();
        }
        let seen = seen.unwrap();
        assert!(!seen.showing(&secret, "secret").is_empty());
        assert!(seen.ensure_hidden(&secret, "secret").is_err());
        seen.ensure_hidden(&hidden, "hidden").unwrap();
    }
}
