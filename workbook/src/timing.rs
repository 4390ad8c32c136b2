//! Wall time and CPU time of a block of code: the notebook's `%%time`.
//!
//! Wall time is what a clock on the wall measures. CPU time is how long the
//! CPUs worked for this process, summed over all its threads: `user` in our
//! own code, `sys` in the kernel on our behalf. Their ratio says how many
//! cores were busy on average: about 0 for a task that sleeps, about 1 for
//! one thread that spins, about N when N threads spin at once.

use std::fmt;
use std::time::{Duration, Instant};

use crate::human;

/// The wall time and CPU time one block of code took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Elapsed time, start to finish.
    pub wall: Duration,
    /// CPU time spent running this process's own code, all threads summed.
    pub user: Duration,
    /// CPU time the operating system spent on this process's behalf.
    pub sys: Duration,
}

impl Timing {
    /// User plus system CPU time.
    pub fn cpu(&self) -> Duration {
        self.user + self.sys
    }

    /// CPU time divided by wall time: roughly how many cores were busy.
    pub fn cores_busy(&self) -> f64 {
        let wall = self.wall.as_secs_f64();
        if wall == 0.0 {
            0.0
        } else {
            self.cpu().as_secs_f64() / wall
        }
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wall {} | CPU {} (user {}, sys {}) | about {:.1} cores busy",
            human(self.wall),
            human(self.cpu()),
            human(self.user),
            human(self.sys),
            self.cores_busy()
        )
    }
}

/// Runs `work` and returns its value together with how long it took.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let (sum, timing) = workbook::measure(|| {
///     std::thread::sleep(Duration::from_millis(30));
///     (1..=100u64).sum::<u64>()
/// });
/// assert_eq!(sum, 5050);
/// // A sleep takes at least its time on the wall clock...
/// assert!(timing.wall >= Duration::from_millis(30));
/// // ...while the CPUs have next to nothing to do.
/// assert!(timing.cpu() < timing.wall);
/// assert!(timing.cores_busy() < 1.0);
/// ```
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Timing) {
    let (user0, sys0) = process_cpu_time();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let (user1, sys1) = process_cpu_time();
    let timing = Timing {
        wall,
        user: user1.saturating_sub(user0),
        sys: sys1.saturating_sub(sys0),
    };
    (value, timing)
}

/// Runs `work`, prints `label: wall … | CPU …`, and returns `work`'s value.
///
/// # Examples
///
/// ```
/// // Prints `add: wall … | CPU … | about … cores busy`, and passes the value on.
/// let answer = workbook::time("add", || 40 + 2);
/// assert_eq!(answer, 42);
/// ```
pub fn time<T>(label: &str, work: impl FnOnce() -> T) -> T {
    let (value, timing) = measure(work);
    println!("{label}: {timing}");
    value
}

/// CPU time used so far by the whole process (every thread), as (user, sys).
#[cfg(unix)]
pub(crate) fn process_cpu_time() -> (Duration, Duration) {
    // SAFETY: getrusage only writes into the struct we hand it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return (Duration::ZERO, Duration::ZERO);
    }
    let to_duration = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (to_duration(usage.ru_utime), to_duration(usage.ru_stime))
}

/// Elsewhere CPU time is not measured; it reads as zero.
#[cfg(not(unix))]
pub(crate) fn process_cpu_time() -> (Duration, Duration) {
    (Duration::ZERO, Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinning_uses_cpu_and_sleeping_does_not_need_it() {
        let (_, spin) = measure(|| crate::spin_task(Duration::from_millis(60)));
        assert!(spin.wall >= Duration::from_millis(60));
        assert!(
            spin.cpu() > Duration::ZERO,
            "a spinning task must use CPU time"
        );

        let (_, sleep) = measure(|| crate::sleep_task(Duration::from_millis(60)));
        assert!(sleep.wall >= Duration::from_millis(60));
    }

    #[test]
    fn display_names_every_part() {
        let t = Timing {
            wall: Duration::from_secs(2),
            user: Duration::from_secs(3),
            sys: Duration::from_secs(1),
        };
        assert_eq!(
            t.to_string(),
            "wall 2.00 s | CPU 4.00 s (user 3.00 s, sys 1.00 s) | about 2.0 cores busy"
        );
    }
}
