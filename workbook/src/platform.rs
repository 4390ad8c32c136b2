//! Every call that only some operating systems have, in one place: the rest
//! of the crate asks here and gets a plain answer, or `None` where this
//! platform cannot tell ("not known on this platform"), never a guess.
//!
//! Linux answers everything; macOS and the BSDs answer what POSIX and their
//! own calls give (CPU time, page faults, thread counts); Windows answers
//! what the standard library knows.

use std::io;
use std::path::Path;
use std::time::Duration;

mod processes;

pub use processes::*;

/// The way to a system that has what this one lacks (a macro, so that
/// `concat!` can build constants with it).
#[macro_export]
macro_rules! use_linux_instead {
    () => {
        "use WSL2 or the container instead (README, section \"Your computer\")"
    };
}

/// The words of [`use_linux_instead!`], for messages built at run time.
pub const USE_LINUX_INSTEAD: &str = use_linux_instead!();

/// How to install Open MPI on this system.
#[cfg(target_os = "linux")]
pub const OPEN_MPI_INSTALL_HINT: &str = "Install Open MPI (Debian or Ubuntu: \
     `sudo apt-get install openmpi-bin libopenmpi-dev`), or run `cargo xtask lab`, which installs it.";
#[cfg(target_os = "macos")]
pub const OPEN_MPI_INSTALL_HINT: &str = "Install Open MPI with Homebrew: `brew install open-mpi`.";
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub const OPEN_MPI_INSTALL_HINT: &str = concat!(
    "Open MPI does not run natively on this system: ",
    use_linux_instead!(),
    "."
);

/// CPU time used so far by the whole process (every thread), as (user, sys).
#[cfg(unix)]
pub(crate) fn process_cpu_time() -> Option<(Duration, Duration)> {
    let usage = rusage()?;
    let to_duration = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Some((to_duration(usage.ru_utime), to_duration(usage.ru_stime)))
}

#[cfg(not(unix))]
pub(crate) fn process_cpu_time() -> Option<(Duration, Duration)> {
    None
}

/// Page faults of the whole process (every thread) so far.
#[cfg(unix)]
pub(crate) fn page_faults() -> Option<u64> {
    let usage = rusage()?;
    Some((usage.ru_minflt + usage.ru_majflt) as u64)
}

#[cfg(not(unix))]
pub(crate) fn page_faults() -> Option<u64> {
    None
}

#[cfg(unix)]
fn rusage() -> Option<libc::rusage> {
    // SAFETY: getrusage only writes into the struct we hand it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    (rc == 0).then_some(usage)
}

/// CPU time the calling thread has used so far (Linux, macOS and the BSDs
/// all have the thread's CPU clock).
#[cfg(unix)]
pub(crate) fn thread_cpu_time() -> Option<Duration> {
    // SAFETY: clock_gettime only writes into the struct we hand it.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[cfg(not(unix))]
pub(crate) fn thread_cpu_time() -> Option<Duration> {
    None
}

/// How many CPUs are online now.
#[cfg(unix)]
pub(crate) fn online_cpus() -> Option<usize> {
    // SAFETY: sysconf has no preconditions; it returns -1 when unknown.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).ok().filter(|&n| n > 0)
}

#[cfg(not(unix))]
pub(crate) fn online_cpus() -> Option<usize> {
    Some(num_cpus::get())
}

/// Whether a thread's operating-system name passes to the threads it starts
/// (Linux only): where it does, a check tells its answer's threads by name.
pub(crate) const THREAD_NAMES_INHERITED: bool = cfg!(target_os = "linux");

/// The name the operating system gives the calling thread.
#[cfg(target_os = "linux")]
pub(crate) fn current_thread_name() -> Option<String> {
    let mut buf = [0u8; 16];
    // SAFETY: PR_GET_NAME writes at most 16 bytes, NUL included, into `buf`.
    let rc = unsafe { libc::prctl(libc::PR_GET_NAME, buf.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// Elsewhere the Rust name, which the standard library also gives the
/// operating system.
#[cfg(not(target_os = "linux"))]
pub(crate) fn current_thread_name() -> Option<String> {
    std::thread::current().name().map(str::to_string)
}

/// Every live thread of this process: its name and the CPU time it used.
#[cfg(target_os = "linux")]
pub(crate) fn live_threads() -> Option<Vec<(String, Duration)>> {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let ticks = u64::try_from(ticks).ok().filter(|&t| t > 0)?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        // A thread may end between the listing and the read: skip it.
        let (Ok(name), Ok(stat)) = (
            std::fs::read_to_string(entry.path().join("comm")),
            std::fs::read_to_string(entry.path().join("stat")),
        ) else {
            continue;
        };
        // The fields after the name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let field = |i: usize| -> u64 {
            rest.split_whitespace()
                .nth(i)
                .and_then(|f| f.parse().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of stat; `rest` starts at field 3.
        let used = field(11) + field(12);
        out.push((
            name.trim_end().to_string(),
            Duration::from_millis(used * 1000 / ticks),
        ));
    }
    Some(out)
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn live_threads() -> Option<Vec<(String, Duration)>> {
    None
}

/// How many threads this process has now (Linux, macOS, FreeBSD, AIX).
pub(crate) fn thread_count() -> Option<usize> {
    num_threads::num_threads().map(usize::from)
}

/// The shared libraries this process has loaded; empty where not known.
#[cfg(target_os = "linux")]
pub(crate) fn loaded_libraries() -> Vec<std::path::PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let mut out: Vec<std::path::PathBuf> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.ends_with(".so"))
        .map(std::path::PathBuf::from)
        .collect();
    out.dedup();
    out
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn loaded_libraries() -> Vec<std::path::PathBuf> {
    Vec::new()
}

/// Makes a folder only its owner may enter (elsewhere: a plain folder).
#[cfg(unix)]
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

/// A real folder (not a link), owned by this user, that nobody else may
/// write into. Elsewhere: a real folder.
#[cfg(unix)]
pub(crate) fn is_private_dir(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    meta.is_dir() && meta.uid() == me && meta.mode() & 0o077 == 0
}

#[cfg(not(unix))]
pub(crate) fn is_private_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Sets a file's Unix permission bits (`0o755`); elsewhere does nothing.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// The Unix permission bits of a file; `None` elsewhere.
pub fn mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::metadata(path).ok()?.permissions().mode())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// This user's numeric id, where there is one.
pub fn user_id() -> Option<u32> {
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        Some(unsafe { libc::getuid() })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Options that create a file only its owner may read (mode 0600 on Unix)
/// from its first byte: for passwords.
pub fn private_file() -> std::fs::OpenOptions {
    #[cfg(unix)]
    {
        let mut options = std::fs::OpenOptions::new();
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
    }
    #[cfg(not(unix))]
    std::fs::OpenOptions::new()
}

/// Opens `path` for reading, refusing a symbolic link in its last part
/// (Unix: `O_NOFOLLOW`; elsewhere the link is followed, so check it first).
pub fn open_no_follow(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path)
}

/// Makes `path` belong to user `uid` and group `gid` (Unix); elsewhere nothing.
pub fn give_to(path: &std::path::Path, uid: u32, gid: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::chown(path, Some(uid), Some(gid));
    #[cfg(not(unix))]
    {
        let _ = (path, uid, gid);
        Ok(())
    }
}

/// Makes `link` a symbolic link to the file `target`.
pub fn symlink_file(target: &std::path::Path, link: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::symlink(target, link);
    #[cfg(windows)]
    return std::os::windows::fs::symlink_file(target, link);
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (target, link);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn spinning_counts_as_cpu_time_of_the_thread_and_the_process() {
        let (thread0, (user0, sys0)) = (thread_cpu_time().unwrap(), process_cpu_time().unwrap());
        crate::spin_task(Duration::from_millis(50));
        let (thread1, (user1, sys1)) = (thread_cpu_time().unwrap(), process_cpu_time().unwrap());
        assert!(
            thread1 - thread0 >= Duration::from_millis(40),
            "{thread0:?} {thread1:?}"
        );
        assert!((user1 + sys1) - (user0 + sys0) >= Duration::from_millis(40));
    }
}
