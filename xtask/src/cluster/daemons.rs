//! The five daemons, started in order and stopped by their pid files: only
//! what `up` started is ever stopped.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::config::Ports;
use super::layout::{Layout, timed};
use super::ports;
use crate::child::{self, SECOND};
use workbook::process::{self, Stop};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Daemon {
    Munged,
    Mariadb,
    Slurmdbd,
    Slurmctld,
    Slurmd,
}

/// Each needs the ones before it.
pub const START_ORDER: [Daemon; 5] = [
    Daemon::Munged,
    Daemon::Mariadb,
    Daemon::Slurmdbd,
    Daemon::Slurmctld,
    Daemon::Slurmd,
];

/// How long a daemon may take to start answering, or to stop. The first
/// start on a cold machine once took close to a minute.
const START_LIMIT: Duration = Duration::from_secs(120);
const STOP_LIMIT: Duration = Duration::from_secs(20);

impl Daemon {
    /// The program's name, as the kernel reports it (`/proc/PID/comm`).
    pub fn name(self) -> &'static str {
        match self {
            Daemon::Munged => "munged",
            Daemon::Mariadb => "mariadbd",
            Daemon::Slurmdbd => "slurmdbd",
            Daemon::Slurmctld => "slurmctld",
            Daemon::Slurmd => "slurmd",
        }
    }

    pub fn pid_file(self, layout: &Layout) -> PathBuf {
        match self {
            Daemon::Munged => layout.munge().join("munged.pid"),
            Daemon::Mariadb => layout.run().join("mariadb/mariadbd.pid"),
            _ => layout.run().join(format!("{}.pid", self.name())),
        }
    }

    /// The TCP port it listens on (munged has a Unix socket only).
    pub fn port(self) -> Option<u16> {
        match self {
            Daemon::Munged => None,
            Daemon::Mariadb => Some(Ports::MARIADB),
            Daemon::Slurmdbd => Some(Ports::SLURMDBD),
            Daemon::Slurmctld => Some(Ports::SLURMCTLD),
            Daemon::Slurmd => Some(Ports::SLURMD),
        }
    }

    /// The command that starts it. All but MariaDB fork into the background
    /// and write their pid file themselves.
    fn command(self, layout: &Layout) -> Command {
        let mut cmd = match self {
            Daemon::Munged => {
                let munge = layout.munge();
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", "munge", "--", "/usr/sbin/munged", "--num-threads=10"])
                    .arg(format!("--socket={}", layout.munge_socket().display()))
                    .arg(format!("--key-file={}", munge.join("munge.key").display()))
                    .arg(format!("--pid-file={}", self.pid_file(layout).display()))
                    .arg(format!("--log-file={}", munge.join("munged.log").display()))
                    .arg(format!(
                        "--seed-file={}",
                        munge.join("munged.seed").display()
                    ));
                cmd
            }
            Daemon::Mariadb => super::database::server_command(layout),
            _ => Command::new(self.name()),
        };
        cmd.env("SLURM_CONF", layout.slurm_conf());
        cmd
    }

    /// The pid in its pid file, when that process is alive and is this daemon.
    pub fn running(self, layout: &Layout) -> Option<u32> {
        let text = fs::read_to_string(self.pid_file(layout)).ok()?;
        let pid: u32 = text.trim().parse().ok()?;
        alive(pid, self.name()).then_some(pid)
    }

    /// Starts it unless it already runs, and waits until it answers.
    pub fn start(self, layout: &Layout) -> Result<String> {
        if let Some(pid) = self.running(layout) {
            return Ok(format!("{}: already running (pid {pid})", self.name()));
        }
        if let Some(port) = self.port() {
            let taken = ports::open_among(&[port]);
            if !taken.is_empty() {
                bail!(
                    "{} cannot start: something else already listens on {} (another checkout's \
                     cluster? run `cargo xtask cluster down` there, or see `ss -ltnp`)",
                    self.name(),
                    taken.join(", ")
                );
            }
        }
        // A pid file left by a crash names a dead process: it goes.
        let _ = fs::remove_file(self.pid_file(layout));
        let log = fs::File::create(layout.log().join(format!("{}.start.log", self.name())))?;
        let mut cmd = self.command(layout);
        // Its own process group: a Ctrl-C in the learner's terminal is not for it.
        process::own_group(&mut cmd);
        cmd.stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut launcher = cmd
            .spawn()
            .with_context(|| format!("could not start {}", self.name()))?;
        if self != Daemon::Mariadb {
            let status = child::wait(&mut launcher, 30 * SECOND, self.name())?;
            if !status.success() {
                bail!(
                    "{} did not start ({status}): {}",
                    self.name(),
                    self.log_tail(layout)
                );
            }
        }
        let start = Instant::now();
        loop {
            if let Some(pid) = self.running(layout)
                && self.answers(layout, pid)
            {
                return Ok(format!("{}: started (pid {pid})", self.name()));
            }
            if self == Daemon::Mariadb && launcher.try_wait()?.is_some() {
                bail!("mariadbd stopped at once: {}", self.log_tail(layout));
            }
            if start.elapsed() > START_LIMIT {
                bail!(
                    "{} did not answer within {} s: {}",
                    self.name(),
                    START_LIMIT.as_secs(),
                    self.log_tail(layout)
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// Whether it is ready for the next daemon: its socket or port is open.
    fn answers(self, layout: &Layout, pid: u32) -> bool {
        match self.port() {
            None => layout.munge_socket().exists(),
            Some(port) => ports::listening(pid).iter().any(|a| a.port() == port),
        }
    }

    /// The end of its log, for an error message.
    fn log_tail(self, layout: &Layout) -> String {
        let file = match self {
            Daemon::Munged => layout.munge().join("munged.log"),
            _ => layout.log().join(format!("{}.log", self.name())),
        };
        let start_log = layout.log().join(format!("{}.start.log", self.name()));
        let text = [start_log, file.clone()]
            .iter()
            .filter_map(|f| fs::read_to_string(f).ok())
            .collect::<Vec<_>>()
            .join("\n");
        let last: Vec<&str> = text.lines().rev().take(4).collect();
        let last: Vec<&str> = last.into_iter().rev().collect();
        format!("(see {}) {}", file.display(), last.join(" | "))
    }

    /// TERM, then KILL past the bound; a no-op when it does not run.
    pub fn stop(self, layout: &Layout) -> Result<String> {
        let Some(pid) = self.running(layout) else {
            let _ = fs::remove_file(self.pid_file(layout));
            return Ok(format!("{}: not running", self.name()));
        };
        process::signal_pid(pid, Stop::Ask);
        let start = Instant::now();
        while alive(pid, self.name()) {
            if start.elapsed() > STOP_LIMIT {
                process::signal_pid(pid, Stop::Kill);
                thread::sleep(SECOND);
                if alive(pid, self.name()) {
                    bail!(
                        "{} (pid {pid}) did not stop, even after SIGKILL",
                        self.name()
                    );
                }
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = fs::remove_file(self.pid_file(layout));
        Ok(format!("{}: stopped (pid {pid})", self.name()))
    }
}

/// Whether `pid` runs the program `name`. A zombie (state Z: dead, not yet
/// reaped) does not count; `kill -0` would still say yes for one.
pub fn alive(pid: u32, name: &str) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (comm) state ...`: comm may hold spaces, so read around the last ')'.
    let Some((head, rest)) = stat.rsplit_once(')') else {
        return false;
    };
    let comm = head.split_once('(').map(|(_, c)| c).unwrap_or_default();
    let state = rest.split_whitespace().next().unwrap_or_default();
    comm == name && state != "Z" && state != "X"
}

/// `status`: `sinfo`, then each daemon, its pid and where it listens.
pub fn status(layout: &Layout) -> Result<()> {
    if !layout.slurm_conf().is_file() {
        println!(
            "no cluster here yet ({} is missing): run `cargo xtask cluster up`",
            layout.slurm_conf().display()
        );
        return Ok(());
    }
    let sinfo = child::output(
        Command::new("sinfo").env("SLURM_CONF", layout.slurm_conf()),
        20 * SECOND,
    );
    match sinfo {
        Ok(out) if out.status.success() => {
            print!("$ sinfo\n{}", String::from_utf8_lossy(&out.stdout))
        }
        Ok(out) => println!("$ sinfo\n{}", String::from_utf8_lossy(&out.stderr).trim()),
        Err(e) => println!("$ sinfo\n{e:#}"),
    }
    println!();
    for daemon in START_ORDER {
        match daemon.running(layout) {
            Some(pid) => {
                let addrs: Vec<String> = ports::listening(pid)
                    .iter()
                    .map(|a| a.to_string())
                    .collect();
                let listens = match (daemon.port(), ports::visible(pid)) {
                    (None, _) => format!("the socket {}", layout.munge_socket().display()),
                    (Some(_), false) => "(only root may see its sockets)".to_string(),
                    (Some(port), true) if addrs.is_empty() => {
                        format!("nothing yet (expected :{port})")
                    }
                    (Some(_), true) => addrs.join(", "),
                };
                println!(
                    "{:<10} running, pid {pid:<7} listens on {listens}",
                    daemon.name()
                );
            }
            None if fs::read(daemon.pid_file(layout)).is_err()
                && daemon.pid_file(layout).exists() =>
            {
                println!(
                    "{:<10} unknown: only root may read its pid file",
                    daemon.name()
                )
            }
            None => println!("{:<10} not running", daemon.name()),
        }
    }
    println!("state: {}", layout.dir.display());
    Ok(())
}

/// `down`: cancel the cluster's jobs, then stop the daemons in reverse order.
pub fn down(layout: &Layout) -> Result<()> {
    super::layout::require_root_on_linux("cargo xtask cluster down")?;
    if Daemon::Slurmctld.running(layout).is_some() {
        timed(|| cancel_all(layout))?;
    }
    let start = Instant::now();
    let mut stopped = Vec::new();
    for daemon in START_ORDER.iter().rev() {
        stopped.push(daemon.stop(layout)?);
    }
    println!(
        "[cluster] {} ({:.1} s)",
        stopped.join("; "),
        start.elapsed().as_secs_f64()
    );
    let open = ports::open_among(&Ports::ALL);
    if !open.is_empty() {
        bail!(
            "after down, something still listens on the cluster's ports: {}",
            open.join(", ")
        );
    }
    println!("[cluster] down: nothing listens on ports {:?}", Ports::ALL);
    Ok(())
}

/// Cancels every job, and waits (bounded) until the queue is empty.
fn cancel_all(layout: &Layout) -> Result<String> {
    let squeue = || -> Result<String> {
        let out = child::output(
            Command::new("squeue")
                .args(["-h", "-o", "%i"])
                .env("SLURM_CONF", layout.slurm_conf()),
            20 * SECOND,
        )?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let jobs = squeue()?;
    if jobs.is_empty() {
        return Ok("no jobs to cancel".into());
    }
    let ids: Vec<&str> = jobs.split_whitespace().collect();
    child::output(
        Command::new("scancel")
            .args(&ids)
            .env("SLURM_CONF", layout.slurm_conf()),
        20 * SECOND,
    )?;
    let start = Instant::now();
    while !squeue()?.is_empty() && start.elapsed() < STOP_LIMIT {
        thread::sleep(Duration::from_millis(250));
    }
    Ok(format!("cancelled jobs {}", ids.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reads /proc, which only Linux has.
    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_alive_under_its_own_name_only() {
        let me = std::process::id();
        let comm = fs::read_to_string("/proc/self/comm").unwrap();
        assert!(alive(me, comm.trim()));
        assert!(!alive(me, "slurmctld"));
        assert!(!alive(u32::MAX - 1, "slurmctld"));
    }

    #[test]
    fn pid_files_live_in_the_state_folder() {
        let layout = Layout {
            dir: "/x/cluster".into(),
        };
        for daemon in START_ORDER {
            assert!(
                daemon.pid_file(&layout).starts_with("/x/cluster"),
                "{daemon:?}"
            );
        }
        assert_eq!(Daemon::Slurmd.port(), Some(6818));
    }
}
