//! The operating system's view of this process's threads: their names and
//! the CPU time they used. Linux answers everything; macOS and FreeBSD the
//! count; elsewhere these helpers answer `None` ("not known on this
//! platform"), never a guess (see [`crate::platform`]).
//!
//! A thread's operating-system name is inherited by the threads it starts
//! (unless they are given one), so every thread an answer starts carries the
//! name of the check thread that ran it: that is how a check tells its own
//! threads from anyone else's.

use std::time::Duration;

use crate::platform;

/// One live thread of this process.
#[derive(Clone, Debug)]
pub(crate) struct OsThread {
    /// The name the operating system knows it by (at most 15 bytes on Linux).
    pub name: String,
    /// User plus system CPU time it has used so far.
    pub cpu: Duration,
}

/// The name the operating system gives the calling thread.
pub(crate) fn current_name() -> Option<String> {
    platform::current_thread_name()
}

/// Every live thread of this process, or `None` where that is not known.
pub(crate) fn live() -> Option<Vec<OsThread>> {
    let threads = platform::live_threads()?;
    Some(
        threads
            .into_iter()
            .map(|(name, cpu)| OsThread { name, cpu })
            .collect(),
    )
}

/// How many threads this process has now, or `None` where the operating
/// system does not say (Linux, macOS and FreeBSD answer; elsewhere no guess).
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
    platform::thread_count()
}

/// The shared libraries this process has loaded (in the notebook, the
/// kernel's compiled cells sit in its build folder); empty where not known.
pub(crate) fn loaded_libraries() -> Vec<std::path::PathBuf> {
    platform::loaded_libraries()
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
