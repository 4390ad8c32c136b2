//! Two kinds of task, the building blocks of every demo: one that waits
//! (like a download or a disk read) and one that computes (like a simulation).

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::platform::thread_cpu_time;

/// A unit of work to hand to a thread: it runs once and returns a number.
/// `Box<dyn ...>` lets one list hold different closures; `Send` lets a job
/// move to another thread.
pub type Job = Box<dyn FnOnce() -> u64 + Send + 'static>;

/// The longest task the workbook runs. A notebook cell cannot be interrupted
/// cleanly, so a longer one is almost certainly a typo (seconds for millis).
pub const MAX_TASK: Duration = Duration::from_secs(60);

/// Turns seconds into a [`Duration`], refusing nonsense with a clear message.
///
/// ```
/// assert_eq!(workbook::secs(0.25), std::time::Duration::from_millis(250));
/// ```
///
/// # Panics
/// When `seconds` is negative, not a number, or longer than [`MAX_TASK`].
///
/// ```should_panic
/// workbook::secs(-1.0); // "secs: `seconds` must be zero or more, got -1"
/// ```
pub fn secs(seconds: f64) -> Duration {
    assert!(
        seconds.is_finite(),
        "secs: `seconds` must be a finite number, got {seconds}"
    );
    assert!(
        seconds >= 0.0,
        "secs: `seconds` must be zero or more, got {seconds}"
    );
    // Checked before converting: `Duration` itself panics on 1e30 seconds,
    // with a message that does not say which argument was wrong.
    let shown = if seconds < 1e9 {
        seconds.to_string()
    } else {
        format!("{seconds:e}")
    };
    assert!(
        seconds <= MAX_TASK.as_secs_f64(),
        "secs: `seconds` is {shown}, longer than the {MAX_TASK:?} limit for one workbook task \
         (a cell cannot be interrupted cleanly; did you mean milliseconds?)"
    );
    Duration::from_secs_f64(seconds)
}

/// Waits for `duration` without using the CPU: the stand-in for I/O.
///
/// ```
/// workbook::sleep_task(std::time::Duration::from_millis(10));
/// ```
///
/// # Panics
/// When `duration` is longer than [`MAX_TASK`].
pub fn sleep_task(duration: Duration) {
    check_duration("sleep_task", "duration", duration);
    std::thread::sleep(duration);
}

/// Keeps one CPU 100 % busy until this thread has used `duration` of CPU
/// time, then returns how many loop rounds it managed (returning it keeps the
/// loop from being optimised away).
///
/// It counts CPU time, not wall time, like a real computation: on an idle
/// core it takes `duration`; when more spinning threads than cores share the
/// machine, each gets a slice of a core and takes longer. Nearly all of that
/// time is `user` time: the CPU-time clock is a system call, so it is read
/// only about once per millisecond of spinning.
///
/// ```
/// let rounds = workbook::spin_task(std::time::Duration::from_millis(10));
/// assert!(rounds > 0);
/// ```
///
/// # Panics
/// When `duration` is longer than [`MAX_TASK`].
pub fn spin_task(duration: Duration) -> u64 {
    check_duration("spin_task", "duration", duration);
    let wall = Instant::now();
    let start = thread_cpu_time();
    let mut clock = || match (start, thread_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => wall.elapsed(),
    };
    spin_on(duration, &mut clock).rounds
}

/// What one spin did: loop rounds, and how often it read its clock.
struct Spun {
    rounds: u64,
    clock_reads: u64,
}

/// The longest stretch of spinning between two clock reads: how far a spin
/// may overshoot its duration.
const BURST: Duration = Duration::from_millis(1);

/// Spins until `used()` reaches `duration`. Reading a CPU-time clock enters
/// the kernel (it counted as half the CPU time when read every 1 000
/// rounds), so the bursts between reads grow until one takes about
/// [`BURST`]: the spin stays in user code, and overshoots by a burst at most.
fn spin_on(duration: Duration, used: &mut dyn FnMut() -> Duration) -> Spun {
    let mut spun = Spun {
        rounds: 0,
        clock_reads: 0,
    };
    let mut burst = 1_000u64;
    let mut before = Duration::ZERO;
    loop {
        for _ in 0..burst {
            spun.rounds = black_box(spun.rounds + 1);
        }
        let now = used();
        spun.clock_reads += 1;
        if now >= duration {
            return spun;
        }
        if now.saturating_sub(before) < BURST / 2 {
            burst = burst.saturating_mul(2);
        }
        before = now;
    }
}

/// Counts `n` down to zero one step at a time: the busy loop of the Python
/// GIL experiment. `black_box` hides the counter from the optimiser, which
/// would otherwise see that the loop computes nothing and delete it.
///
/// ```
/// assert_eq!(workbook::countdown(1_000), 1_000);
/// ```
pub fn countdown(n: u64) -> u64 {
    let mut left = n;
    let mut steps = 0;
    while black_box(left) > 0 {
        left -= 1;
        steps += 1;
    }
    steps
}

fn check_duration(function: &str, argument: &str, d: Duration) {
    assert!(
        d <= MAX_TASK,
        "{function}: `{argument}` is {d:?}, longer than the {MAX_TASK:?} limit for one workbook task \
         (a cell cannot be interrupted cleanly; did you mean milliseconds?)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "sleep_task: `duration` is 3600s, longer than the 60s limit")]
    fn absurd_sleep_is_refused_by_name() {
        sleep_task(Duration::from_secs(3600));
    }

    #[test]
    #[should_panic(expected = "secs: `seconds` must be zero or more, got -0.5")]
    fn negative_seconds_are_refused_by_name() {
        secs(-0.5);
    }

    #[test]
    #[should_panic(expected = "secs: `seconds` must be a finite number")]
    fn nan_seconds_are_refused() {
        secs(f64::NAN);
    }

    #[test]
    #[should_panic(expected = "secs: `seconds` is 1e30, longer than the 60s limit")]
    fn astronomical_seconds_are_refused_by_name() {
        secs(1e30);
    }

    #[test]
    fn the_limit_itself_is_accepted() {
        assert_eq!(secs(60.0), MAX_TASK);
    }

    #[test]
    #[should_panic(expected = "spin_task: `duration`")]
    fn absurd_spin_is_refused_by_name() {
        spin_task(Duration::from_secs(61));
    }

    #[test]
    fn a_spin_reads_its_clock_about_once_a_millisecond() {
        let duration = Duration::from_millis(50);
        let wall = Instant::now();
        let start = thread_cpu_time();
        let mut clock = || match (start, thread_cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => wall.elapsed(),
        };
        let spun = spin_on(duration, &mut clock);
        assert!(spun.rounds > 0);
        // Bursts start at 1 000 rounds and double up to about 1 ms each:
        // some twenty reads to get there, then about one per millisecond.
        assert!(
            spun.clock_reads < 150,
            "{} clock reads in a 50 ms spin: the clock, a system call, is read too often",
            spun.clock_reads
        );
    }

    #[test]
    fn a_spin_stops_once_its_clock_reaches_the_duration() {
        // A clock that advances 1 ms per read: the spin stops at the 5th read.
        let mut ms = 0;
        let mut clock = || {
            ms += 1;
            Duration::from_millis(ms)
        };
        let spun = spin_on(Duration::from_millis(5), &mut clock);
        assert_eq!(spun.clock_reads, 5);
        assert!(spun.rounds >= 5_000);
    }

    #[test]
    fn countdown_counts_every_step() {
        assert_eq!(countdown(0), 0);
        assert_eq!(countdown(12_345), 12_345);
    }
}
