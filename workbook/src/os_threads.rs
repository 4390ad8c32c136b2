//! The operating system's view of this process's threads: their names and
//! the CPU time they used. Linux answers from `/proc/self/task`; elsewhere
//! these helpers answer `None` ("not known on this platform"), never a guess.
//!
//! A thread's operating-system name is inherited by the threads it starts
//! (unless they are given one), so every thread an answer starts carries the
//! name of the check thread that ran it: that is how a check tells its own
//! threads from anyone else's.

use std::time::Duration;

/// One live thread of this process.
#[derive(Clone, Debug)]
pub(crate) struct OsThread {
    /// The name the operating system knows it by (at most 15 bytes on Linux).
    pub name: String,
    /// User plus system CPU time it has used so far.
    pub cpu: Duration,
}

/// The name the operating system gives the calling thread.
#[cfg(target_os = "linux")]
pub(crate) fn current_name() -> Option<String> {
    let mut buf = [0u8; 16];
    // SAFETY: PR_GET_NAME writes at most 16 bytes, NUL included, into `buf`.
    let rc = unsafe { libc::prctl(libc::PR_GET_NAME, buf.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// Elsewhere only the Rust name is known, which threads do not inherit.
#[cfg(not(target_os = "linux"))]
pub(crate) fn current_name() -> Option<String> {
    std::thread::current().name().map(str::to_string)
}

/// Every live thread of this process, or `None` where that is not known.
#[cfg(target_os = "linux")]
pub(crate) fn live() -> Option<Vec<OsThread>> {
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
        out.push(OsThread {
            name: name.trim_end().to_string(),
            cpu: Duration::from_millis(used * 1000 / ticks),
        });
    }
    Some(out)
}

/// Not known on this platform.
#[cfg(not(target_os = "linux"))]
pub(crate) fn live() -> Option<Vec<OsThread>> {
    None
}

/// How many threads this process has now, or `None` where the operating
/// system does not say (Linux answers; elsewhere no guess).
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
///
/// if let Some(before) = workbook::thread_count() {
///     let (done, wait) = mpsc::channel::<()>();
///     let worker = std::thread::spawn(move || wait.recv());
///     assert_eq!(workbook::thread_count(), Some(before + 1));
///     drop(done);
///     worker.join().unwrap().unwrap_err();
/// }
/// ```
pub fn count() -> Option<usize> {
    live().map(|threads| threads.len())
}

/// The shared libraries this process has loaded (in the notebook, the
/// kernel's compiled cells sit in its build folder); empty where not known.
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

/// Not known on this platform.
#[cfg(not(target_os = "linux"))]
pub(crate) fn loaded_libraries() -> Vec<std::path::PathBuf> {
    Vec::new()
}

/// The live threads named `name`, or `None` where that is not known.
pub(crate) fn named(name: &str) -> Option<Vec<OsThread>> {
    Some(live()?.into_iter().filter(|t| t.name == name).collect())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn threads_inherit_the_name_of_the_thread_that_started_them() {
        let child_name = std::thread::Builder::new()
            .name("os-threads-t1".into())
            .spawn(|| std::thread::spawn(current_name).join().unwrap())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(child_name.as_deref(), Some("os-threads-t1"));
    }

    #[test]
    fn a_live_thread_is_listed_with_its_name() {
        let (stop, wait) = std::sync::mpsc::channel::<()>();
        let t = std::thread::Builder::new()
            .name("os-threads-t2".into())
            .spawn(move || wait.recv())
            .unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(named("os-threads-t2").unwrap().len(), 1);
        drop(stop);
        t.join().unwrap().unwrap_err();
        // `join` returns when the thread's code is done; the kernel removes
        // it from /proc a moment later (slower on a busy machine), so wait.
        let start = std::time::Instant::now();
        while named("os-threads-t2").unwrap().len() == 1 {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "a joined thread was still listed after 5 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
