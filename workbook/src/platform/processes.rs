//! Processes: groups, signals, parent death, priority. Unix has all of
//! them; elsewhere a stop is a kill and the rest does nothing.

use std::process::{Child, Command, ExitStatus};

/// Whether no process `pid` runs any more. Where that cannot be known, the
/// answer is no.
#[cfg(unix)]
pub fn process_ended(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    !alive && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
pub fn process_ended(_pid: u32) -> bool {
    false
}

/// Puts the child `cmd` starts in a process group of its own (Unix), so
/// that [`signal_group`] reaches what it starts too. Elsewhere: nothing.
pub fn own_group(cmd: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(not(unix))]
    let _ = cmd;
}

/// How a stop is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A request it may act on (SIGTERM): a server shuts down cleanly.
    Ask,
    /// No choice (SIGKILL).
    Kill,
}

#[cfg(unix)]
fn signal_number(stop: Stop) -> libc::c_int {
    match stop {
        Stop::Ask => libc::SIGTERM,
        Stop::Kill => libc::SIGKILL,
    }
}

/// Sends `stop` to `child` alone. Off Unix there is no request: it is killed.
pub fn signal_child(child: &mut Child, stop: Stop) {
    #[cfg(unix)]
    // SAFETY: kill only sends a signal, to a child we started and have not reaped.
    unsafe {
        libc::kill(child.id() as libc::pid_t, signal_number(stop));
    }
    #[cfg(not(unix))]
    {
        let _ = stop;
        let _ = child.kill();
    }
}

/// Sends `stop` to the group [`own_group`] made for `child` (its id is the
/// child's pid, reserved while the group lives). Off Unix: the child alone,
/// killed.
pub fn signal_group(child: &mut Child, stop: Stop) {
    #[cfg(unix)]
    // SAFETY: kill only sends a signal, to the group made for this child.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), signal_number(stop));
    }
    #[cfg(not(unix))]
    {
        let _ = stop;
        let _ = child.kill();
    }
}

/// Sends `stop` to process `pid`, which need not be our child (a daemon
/// that forked into the background). Off Unix: nothing is sent, and `false`.
pub fn signal_pid(pid: u32, stop: Stop) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill(2) only sends a signal; the caller checked who `pid` is.
        unsafe { libc::kill(pid, signal_number(stop)) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = (pid, stop);
        false
    }
}

/// Whether anything is left in the group [`own_group`] made for `child`
/// (Unix); elsewhere, whether the child itself still runs.
pub fn group_alive(child: &mut Child) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: signal 0 sends nothing; it only asks whether the group exists.
        unsafe { libc::kill(-(child.id() as libc::pid_t), 0) == 0 }
    }
    #[cfg(not(unix))]
    {
        matches!(child.try_wait(), Ok(None))
    }
}

/// Makes the child `cmd` starts receive SIGTERM when the thread that starts
/// it ends, even by `kill -9` of this process: nothing keeps running on its
/// own. Linux only (`PR_SET_PDEATHSIG`); elsewhere it does nothing. Start the
/// child from a thread that outlives it (the main one).
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

/// Resource limits for a child running code nobody vouches for.
#[derive(Clone, Copy, Debug)]
pub struct ResourceLimits {
    pub cpu_secs: u64,
    pub memory_bytes: u64,
    /// Processes and threads of the child's user, all together.
    pub processes: u64,
    pub file_bytes: u64,
    pub open_files: u64,
}

/// How much CPU time a child that ignores SIGXCPU (sent at its CPU limit)
/// still has before it is killed.
#[cfg(unix)]
const CPU_MARGIN_SECS: u64 = 5;

/// Starts the child `cmd` starts under `limits` (no core files either), in a
/// process group of its own, killed (SIGKILL) if the thread that starts it
/// ends. Unix (the parent-death part on Linux only); elsewhere an error, since
/// nothing would hold the child back.
pub fn limit_resources(cmd: &mut Command, limits: ResourceLimits) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Soft and hard limits: at a soft CPU limit below the hard one the
        // kernel sends SIGXCPU, which says why the child ended; at the
        // hard limit it sends SIGKILL, which says nothing.
        let rlimits = [
            (
                libc::RLIMIT_CPU,
                limits.cpu_secs,
                limits.cpu_secs + CPU_MARGIN_SECS,
            ),
            (libc::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
            (libc::RLIMIT_NPROC, limits.processes, limits.processes),
            (libc::RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
            (libc::RLIMIT_NOFILE, limits.open_files, limits.open_files),
            (libc::RLIMIT_CORE, 0, 0),
        ];
        cmd.process_group(0);
        // SAFETY: between fork and exec the hook calls only setrlimit(2) and
        // prctl(2), which allocate nothing and take no lock.
        unsafe {
            cmd.pre_exec(move || {
                for (resource, soft, hard) in rlimits {
                    let limit = libc::rlimit {
                        rlim_cur: soft as libc::rlim_t,
                        rlim_max: hard as libc::rlim_t,
                    };
                    if libc::setrlimit(resource, &limit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = (cmd, limits);
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "resource limits are not known on this platform",
        ))
    }
}

/// Runs the child `cmd` starts at a lower priority (Unix: `nice` 10), so that
/// a long build leaves the machine quick to answer. Elsewhere: as it is.
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

/// The signal that ended a process, where there are signals.
pub(crate) fn ending_signal(status: &ExitStatus) -> Option<i32> {
    #[cfg(unix)]
    {
        std::os::unix::process::ExitStatusExt::signal(status)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}

/// The number of the signal a polite stop sends (SIGTERM), where there are signals.
pub fn terminate_signal() -> Option<i32> {
    #[cfg(unix)]
    {
        Some(libc::SIGTERM)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The signal that ended a process, by what it means for a limited child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGXCPU: its CPU-time limit ran out.
    CpuTime,
    /// SIGSEGV or SIGBUS: a memory access fault.
    MemoryFault,
    /// SIGABRT: `abort()`.
    Abort,
    Other(i32),
}

/// The signal that ended `status`'s process, if one did (Unix); `None` elsewhere.
pub fn ended_by_signal(status: std::process::ExitStatus) -> Option<Signal> {
    #[cfg(unix)]
    {
        let signal = std::os::unix::process::ExitStatusExt::signal(&status)?;
        Some(match signal {
            libc::SIGXCPU => Signal::CpuTime,
            libc::SIGSEGV | libc::SIGBUS => Signal::MemoryFault,
            libc::SIGABRT => Signal::Abort,
            other => Signal::Other(other),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        None
    }
}
