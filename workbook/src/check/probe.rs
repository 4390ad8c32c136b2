//! Parallelism verified by counting, not timing: a [`Probe`] watches the
//! tasks a check hands to the answer (which threads ran them, how many were
//! in flight at once), and [`expect_parallel`] turns that into a verdict.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use super::Wrong;
use super::wording::plural;

/// Watches the tasks a check hands to the learner's code: which threads run
/// them, and how many are in flight at once.
///
/// Each task waits until `company` tasks are in flight together, or until
/// the probe has seen no new task join the flight for its patience: the
/// wait goes on as long as the evidence grows (a loaded machine starts
/// threads late), and ends within a bound when it stops. Code that really
/// runs tasks at once reaches `company` at once; code that runs them one
/// after another never does, and the probe says so. This verifies
/// parallelism by counting, not by timing.
///
/// ```
/// use workbook::check::Probe;
/// let probe = Probe::new(3);
/// std::thread::scope(|s| {
///     for _ in 0..3 {
///         s.spawn(|| probe.task(|| ()));
///     }
/// });
/// assert_eq!(probe.peak(), 3);
/// assert_eq!(probe.threads().len(), 3);
/// ```
#[derive(Debug)]
pub struct Probe {
    company: usize,
    patience: Duration,
    /// When the flight last grew to a new peak.
    grew: Mutex<Instant>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    reached: AtomicBool,
    gave_up: AtomicBool,
    threads: Mutex<Vec<ThreadId>>,
    /// Tasks started so far.
    tasks: AtomicUsize,
}

/// Counts a task out of flight when it ends, also when its work panics.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Probe {
    /// A probe whose tasks wait for `company` tasks in flight together.
    pub fn new(company: usize) -> Probe {
        Probe::with_patience(company, Duration::from_secs(2))
    }

    /// Like [`Probe::new`], waiting at most `patience` for company.
    pub fn with_patience(company: usize, patience: Duration) -> Probe {
        Probe {
            company,
            patience,
            grew: Mutex::new(Instant::now()),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            reached: AtomicBool::new(false),
            gave_up: AtomicBool::new(false),
            threads: Mutex::new(Vec::new()),
            tasks: AtomicUsize::new(0),
        }
    }

    /// Runs `work` as one watched task.
    pub fn task<T>(&self, work: impl FnOnce() -> T) -> T {
        let me = thread::current().id();
        {
            let mut threads = self.threads.lock().unwrap_or_else(|e| e.into_inner());
            if !threads.contains(&me) {
                threads.push(me);
            }
        }
        self.tasks.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let _flight = InFlight(&self.in_flight);
        if self.peak.fetch_max(now, Ordering::SeqCst) < now {
            *self.grew.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
        if now >= self.company {
            self.reached.store(true, Ordering::SeqCst);
        }
        while !self.reached.load(Ordering::SeqCst) && !self.gave_up.load(Ordering::SeqCst) {
            let grew = *self.grew.lock().unwrap_or_else(|e| e.into_inner());
            if grew.elapsed() > self.patience {
                // Nobody new is coming: stop waiting for good, so the rest
                // of the run is not slowed.
                self.gave_up.store(true, Ordering::SeqCst);
            }
            thread::sleep(Duration::from_millis(1));
        }
        work()
    }

    /// The most tasks that were in flight at the same moment.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Tasks started so far.
    pub fn tasks(&self) -> usize {
        self.tasks.load(Ordering::SeqCst)
    }

    /// Tasks in flight now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The distinct threads that ran tasks, in order of first appearance.
    pub fn threads(&self) -> Vec<ThreadId> {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// At least `min`, and more than the cores this process may use (as
/// [`crate::cpus`] counts them, simulated counts included): a thread count
/// that a pool sized by the cores (rayon's global pool, one thread per
/// core) cannot reach, on any machine.
pub(crate) fn beyond_cores(min: usize) -> usize {
    min.max(crate::cpus().available + 2)
}

/// How many jobs a check asks to run at once, each on a thread of its own:
/// more than a pool sized from the cores can hold (one thread per core, or
/// two), and more than a hard-coded cap of 8 or 16 threads, on any machine.
pub(crate) fn beyond_pools() -> usize {
    beyond_cores(17).max(2 * crate::cpus().available + 2)
}

/// What a parallel answer must show: how many tasks in flight at once, on
/// how many distinct threads (none of them the caller's).
#[derive(Clone, Copy, Debug)]
pub struct Expect {
    /// Tasks that must have been running at the same moment.
    pub at_once: usize,
    /// Distinct new threads that must have run tasks; `None` for work handed
    /// to a pool, which may use any number of its threads (but not the caller).
    pub threads: Option<usize>,
}

/// Turns what a [`Probe`] saw into a verdict. `caller` is the thread that
/// called the answer; `hint` says how to fix a sequential answer.
pub fn expect_parallel(
    case: &str,
    probe: &Probe,
    caller: ThreadId,
    expect: Expect,
    hint: &str,
) -> Result<(), Wrong> {
    expect_parallel_of("task", case, probe, caller, expect, hint)
}

/// [`expect_parallel`] for work whose pieces the chapter calls `unit`
/// ("task", "rank"), a word whose plural takes an s.
pub fn expect_parallel_of(
    unit: &str,
    case: &str,
    probe: &Probe,
    caller: ThreadId,
    expect: Expect,
    hint: &str,
) -> Result<(), Wrong> {
    let threads = probe.threads();
    let peak = probe.peak();
    if threads.is_empty() {
        return Err(Wrong::in_case(
            case,
            format!("none of the {unit}s ran: your function returned without running any."),
        ));
    }
    if threads == [caller] {
        let problem = match expect.threads {
            Some(_) => format!("every {unit} ran on the calling thread: no thread was started."),
            None => format!(
                "every {unit} ran on the calling thread, one after another: none ran on the pool."
            ),
        };
        return Err(Wrong::in_case(case, format!("{problem} {hint}")));
    }
    if peak == 1 && expect.at_once > 1 {
        return Err(Wrong::in_case(
            case,
            format!(
                "it ran sequentially: the {unit}s ran one after another, never two at the same time. {hint}"
            ),
        ));
    }
    let on_threads = plural(threads.len(), "thread", "threads");
    let at_once = expect.at_once;
    if peak < at_once {
        let problem = match expect.threads {
            // Started on too few threads (a cap, a pool, results reused):
            // waiting too early is not the fault, so the hint would mislead.
            Some(wanted) if threads.len() != wanted => format!(
                "the {unit}s ran on {on_threads}, at most {peak} at the same time; expected \
                 {at_once}{}, all started before any is waited for.",
                if probe.tasks() == wanted {
                    format!(", one new thread per {unit}")
                } else {
                    format!(" on {}", plural(wanted, "new thread", "new threads"))
                }
            ),
            _ => format!(
                "at most {peak} {unit}s were running at the same time; expected {at_once}. {hint}"
            ),
        };
        return Err(Wrong::in_case(case, problem));
    }
    let Some(wanted) = expect.threads else {
        return Ok(());
    };
    let others = threads.iter().filter(|t| **t != caller).count();
    if threads.len() != wanted || others != wanted {
        return Err(Wrong::in_case(
            case,
            format!(
                "the {unit}s ran on {on_threads}{}; expected {}.",
                if others == threads.len() {
                    ""
                } else {
                    ", one of them the calling thread"
                },
                plural(wanted, "new thread", "new threads"),
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_sees_one_at_a_time_when_tasks_run_in_a_loop() {
        let probe = Probe::with_patience(4, Duration::from_millis(50));
        for _ in 0..4 {
            probe.task(|| ());
        }
        assert_eq!(probe.peak(), 1);
        assert_eq!(probe.threads(), vec![thread::current().id()]);
    }

    #[test]
    fn a_task_whose_work_panics_leaves_flight() {
        let probe = Probe::with_patience(1, Duration::from_millis(10));
        let _quiet = crate::panics::mute();
        let result = std::panic::catch_unwind(|| probe.task(|| panic!("work failed")));
        assert!(result.is_err());
        assert_eq!(probe.in_flight(), 0);
    }

    #[test]
    fn work_in_a_pool_may_use_any_of_its_threads_but_not_the_caller() {
        let in_pool = Expect {
            at_once: 2,
            threads: None,
        };
        let probe = Probe::new(2);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| probe.task(|| ()));
            }
        });
        let me = thread::current().id();
        assert!(expect_parallel("c", &probe, me, in_pool, "hint").is_ok());
        let exact = Expect {
            threads: Some(2),
            ..in_pool
        };
        let err = expect_parallel("c", &probe, me, exact, "hint").unwrap_err();
        assert!(err.0.contains("expected 2 new threads"), "{}", err.0);

        let alone = Probe::with_patience(2, Duration::from_millis(10));
        alone.task(|| ());
        let err = expect_parallel("c", &alone, me, in_pool, "Use par_iter.").unwrap_err();
        assert!(
            err.0.contains("none ran on the pool. Use par_iter."),
            "{}",
            err.0
        );
    }
}
