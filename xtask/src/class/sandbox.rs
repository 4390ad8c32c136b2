//! Where a learner's code runs: Debian's `bubblewrap` with no network, a
//! read-only view of `/usr` and of the folders a job names, a private
//! size-limited `/tmp`, in a PID namespace (killing the sandbox kills all it
//! started, however it forked), as an unprivileged account of its own per
//! parallel job (as root, RLIMIT_NPROC is not enforced), under rlimits on
//! CPU time, memory, processes, file sizes and open files. Its output is read
//! as it comes and only a head of it is kept.
//!
//! With `--no-sandbox`, the same job runs as a plain child process with the
//! same rlimits and wall-time limit, and the folders at their own paths.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use workbook::platform::{ResourceLimits, limit_resources};
pub use workbook::process::Ran;
use workbook::process::{Ended, Run};

use crate::child::{self, SECOND};

/// The limits one job runs under.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub wall: Duration,
    pub cpu_secs: u64,
    pub memory_bytes: u64,
    pub processes: u64,
    pub file_bytes: u64,
    pub open_files: u64,
}

const GIB: u64 = 1 << 30;

/// How much of each of a job's output streams is kept (its head, and its
/// last line past it, where a check's report ends up after a flood).
pub const KEPT_OUTPUT: usize = 64 << 10;

/// A check: 2 GiB of address space, 60 s of CPU and 90 s in all (the
/// check's own time limit is 20 s), 256 processes and threads.
pub const CHECK: Limits = Limits {
    wall: Duration::from_secs(90),
    cpu_secs: 60,
    memory_bytes: 2 * GIB,
    processes: 256,
    file_bytes: 64 << 20,
    open_files: 256,
};

/// A compile: rustc and its linker need more memory and time than a check.
pub const COMPILE: Limits = Limits {
    wall: Duration::from_secs(300),
    cpu_secs: 300,
    memory_bytes: 6 * GIB,
    processes: 256,
    file_bytes: 512 << 20,
    open_files: 1024,
};

/// A folder a job sees: `host` shown at `inside` (in the sandbox), writable or not.
pub struct Mount {
    pub host: PathBuf,
    pub inside: &'static str,
    pub writable: bool,
}

/// Whether learners' code runs in bubblewrap, or (`--no-sandbox`) as a plain child.
pub enum Sandbox {
    Bwrap { users: Vec<(u32, u32)> },
    None,
}

/// The system accounts the jobs run as, one per parallel job.
fn user_name(slot: usize) -> String {
    format!("workbook-class{slot}")
}

impl Sandbox {
    /// Bubblewrap (installed first when `install`, with apt-get) and `jobs`
    /// accounts, made when missing; for [`super::confine::choose`]'s `Sandbox`.
    pub fn prepare(jobs: usize, install: bool) -> Result<Sandbox> {
        if install {
            install_bwrap()?;
        }
        let users = (0..jobs).map(ensure_user).collect::<Result<_>>()?;
        Ok(Sandbox::Bwrap { users })
    }

    /// Where a mount's folder is, as the job sees it.
    pub fn path(&self, mount: &Mount) -> PathBuf {
        match self {
            Sandbox::Bwrap { .. } => PathBuf::from(mount.inside),
            Sandbox::None => mount.host.clone(),
        }
    }

    /// The account of parallel job `slot`, to own what its jobs may write.
    pub fn owner(&self, slot: usize) -> Option<(u32, u32)> {
        match self {
            Sandbox::Bwrap { users } => Some(users[slot % users.len()]),
            Sandbox::None => None,
        }
    }

    /// Runs `program args` (paths as [`Sandbox::path`] gives them) seeing
    /// `mounts`, with `input` on its standard input, under `limits`.
    pub fn run(
        &self,
        slot: usize,
        mounts: &[Mount],
        program: &Path,
        args: &[String],
        input: &str,
        limits: Limits,
    ) -> Result<Ran> {
        let mut cmd = match self {
            Sandbox::Bwrap { users } => bwrap(users[slot % users.len()], mounts, program, args),
            Sandbox::None => {
                let mut cmd = Command::new(program);
                cmd.args(args).env_clear().env("PATH", "/usr/bin:/bin");
                cmd.env("TMPDIR", std::env::temp_dir());
                cmd
            }
        };
        // glibc reserves 64 MiB of address space per malloc arena: a few
        // arenas keep a many-threaded answer under the memory limit.
        cmd.env("MALLOC_ARENA_MAX", "2");
        let mut ran = run_limited(&mut cmd, input, limits)?;
        if let (Sandbox::Bwrap { .. }, Ended::Exited(status)) = (self, ran.ended) {
            ran.ended = Ended::Exited(program_status(status));
        }
        Ok(ran)
    }
}

/// The sandbox's program, `bwrap`.
pub const SANDBOX_APT: crate::apt::Group = crate::apt::Group {
    packages: &["bubblewrap"],
    recommends: crate::apt::Recommends::With,
};

fn install_bwrap() -> Result<()> {
    crate::setup::timed("bubblewrap (the sandbox for learners' code)", || {
        crate::apt::install(SANDBOX_APT.packages, SANDBOX_APT.recommends)?;
        Ok(((), crate::setup::Done::Installed))
    })?;
    if child::first_line(Command::new("bwrap").arg("--version")).is_none() {
        bail!("apt-get installed bubblewrap, yet `bwrap --version` does not run");
    }
    Ok(())
}

/// The uid and gid of job slot `slot`'s account, made when missing.
fn ensure_user(slot: usize) -> Result<(u32, u32)> {
    let name = user_name(slot);
    let id = |flag: &str| {
        child::first_line(Command::new("id").args([flag, &name])).and_then(|t| t.parse().ok())
    };
    if id("-u").is_none() {
        child::status(
            Command::new("useradd")
                .args(["--system", "--no-create-home", "--user-group"])
                .args(["--shell", "/usr/sbin/nologin", &name]),
            30 * SECOND,
        )
        .with_context(|| format!("could not create the grading account {name}"))?;
    }
    match (id("-u"), id("-g")) {
        (Some(uid), Some(gid)) => Ok((uid, gid)),
        _ => bail!("the grading account {name} has no uid or gid"),
    }
}

/// The bubblewrap command for one job, as `user`.
fn bwrap((uid, gid): (u32, u32), mounts: &[Mount], program: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new("bwrap");
    cmd.args([
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
    ])
    .args(["--die-with-parent", "--new-session"])
    .args(["--ro-bind", "/usr", "/usr"])
    .args([
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
    ])
    .args([
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
    ])
    .args(["--proc", "/proc", "--dev", "/dev"])
    .args(["--perms", "1777", "--size", &(256u64 << 20).to_string()])
    .args(["--tmpfs", "/tmp"]);
    for mount in mounts {
        let how = if mount.writable {
            "--bind"
        } else {
            "--ro-bind"
        };
        cmd.arg(how).arg(&mount.host).arg(mount.inside);
    }
    cmd.args(["--clearenv", "--setenv", "PATH", "/usr/bin:/bin"])
        .args(["--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp"])
        .args(["--chdir", "/tmp", "--"])
        .arg("setpriv")
        .arg(format!("--reuid={uid}"))
        .arg(format!("--regid={gid}"))
        .args(["--clear-groups", "--"])
        .arg(program)
        .args(args);
    cmd
}

/// How the program bubblewrap ran ended: bubblewrap itself ends with exit
/// code 128 + N when its program was killed by signal N (out of CPU time, say).
fn program_status(status: ExitStatus) -> ExitStatus {
    #[cfg(unix)]
    if let Some(code @ 129..=192) = status.code() {
        return std::os::unix::process::ExitStatusExt::from_raw(code - 128);
    }
    status
}

/// Runs `cmd` under `limits`: rlimits set before it starts, its output
/// read as it comes (a head kept), killed with everything in its process
/// group, at once, at the wall-time limit or once it has ended. In
/// bubblewrap, that ends the PID namespace's first process, and the kernel
/// then kills every process left in it.
fn run_limited(cmd: &mut Command, input: &str, limits: Limits) -> Result<Ran> {
    set_limits(cmd, limits)?;
    Run::new(limits.wall)
        .input(input.as_bytes())
        .own_group()
        .no_grace()
        .keep_head(KEPT_OUTPUT)
        .start(cmd)
        .with_context(|| format!("could not start {}", child::program(cmd)))
}

fn set_limits(cmd: &mut Command, limits: Limits) -> Result<()> {
    let limits = ResourceLimits {
        cpu_secs: limits.cpu_secs,
        memory_bytes: limits.memory_bytes,
        processes: limits.processes,
        file_bytes: limits.file_bytes,
        open_files: limits.open_files,
    };
    limit_resources(cmd, limits).context("setting the sandbox's limits")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Instant;

    #[cfg(unix)]
    #[test]
    fn a_flood_of_output_is_counted_not_kept() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 50000000 /dev/zero; echo; echo last"]);
        let ran = run_limited(&mut cmd, "", CHECK).unwrap();
        assert_eq!(ran.printed, 50_000_000 + 6);
        assert!(
            ran.stdout.len() <= 2 * KEPT_OUTPUT + 2,
            "{}",
            ran.stdout.len()
        );
        assert!(ran.stdout.ends_with(b"\nlast\n"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_signal_bubblewrap_reports_as_an_exit_code_is_read_as_the_signal() {
        use std::os::unix::process::ExitStatusExt;
        use workbook::platform::{Signal, ended_by_signal};
        let sigxcpu = 24;
        let out_of_cpu = program_status(ExitStatus::from_raw((128 + sigxcpu) << 8));
        assert_eq!(ended_by_signal(out_of_cpu), Some(Signal::CpuTime));
        let exit_3 = program_status(ExitStatus::from_raw(3 << 8));
        assert_eq!((exit_3.code(), ended_by_signal(exit_3)), (Some(3), None));
    }

    #[cfg(unix)]
    #[test]
    fn the_wall_time_limit_stops_a_job() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let limits = Limits {
            wall: Duration::from_millis(300),
            ..CHECK
        };
        let start = Instant::now();
        let ran = run_limited(&mut cmd, "", limits).unwrap();
        assert_eq!(ran.ended, Ended::PastLimit);
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
