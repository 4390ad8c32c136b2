//! Wall time and CPU time of a block of code: the notebook's `%%time`.
//!
//! Wall time is what a clock on the wall measures. CPU time is how long the
//! CPUs worked for this process, summed over all its threads: `user` in our
//! own code, `sys` in the kernel on our behalf. Their ratio says how many
//! cores were busy on average: about 0 for a task that sleeps, about 1 for
//! one thread that spins, about N when N threads spin at once.

use std::fmt;
use std::time::{Duration, Instant};

use crate::{human, platform};

/// The wall time and CPU time one block of code took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Elapsed time, start to finish.
    pub wall: Duration,
    /// CPU time spent running this process's own code, all threads summed.
    pub user: Duration,
    /// CPU time the operating system spent on this process's behalf.
    pub sys: Duration,
    /// False where this platform does not say how much CPU time a process
    /// used: `user` and `sys` are then zero and mean nothing.
    pub cpu_known: bool,
}

impl Timing {
    /// User plus system CPU time.
    pub fn cpu(&self) -> Duration {
        self.user + self.sys
    }

    /// CPU time divided by wall time: roughly how many cores were busy.
    /// Not a number (NaN) where CPU time is not known.
    pub fn cores_busy(&self) -> f64 {
        if !self.cpu_known {
            return f64::NAN;
        }
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
        if !self.cpu_known {
            return write!(
                f,
                "wall {} | CPU time not known on this platform",
                human(self.wall)
            );
        }
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
    let before = platform::process_cpu_time();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let after = platform::process_cpu_time();
    let timing = match (before, after) {
        (Some((user0, sys0)), Some((user1, sys1))) => Timing {
            wall,
            user: user1.saturating_sub(user0),
            sys: sys1.saturating_sub(sys0),
            cpu_known: true,
        },
        _ => Timing {
            wall,
            user: Duration::ZERO,
            sys: Duration::ZERO,
            cpu_known: false,
        },
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
            cpu_known: true,
        };
        assert_eq!(
            t.to_string(),
            "wall 2.00 s | CPU 4.00 s (user 3.00 s, sys 1.00 s) | about 2.0 cores busy"
        );
    }

    #[test]
    fn cpu_time_that_is_not_known_is_said_and_never_shown_as_zero() {
        let t = Timing {
            wall: Duration::from_secs(2),
            user: Duration::ZERO,
            sys: Duration::ZERO,
            cpu_known: false,
        };
        assert_eq!(
            t.to_string(),
            "wall 2.00 s | CPU time not known on this platform"
        );
        assert!(t.cores_busy().is_nan());
    }

    #[cfg(unix)]
    #[test]
    fn cpu_time_is_known_on_unix() {
        assert!(measure(|| ()).1.cpu_known);
    }
}
