//! Self-checks: one per exercise, run under the exercise in the notebook and
//! by `cargo test`. A check feeds the learner's function cases (edge cases
//! named), and reports:
//!
//! - `✓ done`, with what was verified;
//! - `✗ wrong`, with what was expected, what came back, and the notebook
//!   section to revisit;
//! - `· not started`, while the body is still `todo!()`.
//!
//! A check never crashes the notebook: panics are caught, and an answer that
//! hangs is reported after [`TIME_LIMIT`] instead of hanging the kernel.
//! Parallelism is verified without timing thresholds, with a [`Probe`]: which
//! threads ran the tasks, and how many tasks were in flight at once.

use std::any::Any;
use std::fmt::{self, Debug};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

pub mod ch01;
pub mod ch02;
pub mod ch03;
pub mod ch04;
pub mod ch05;
pub mod ch06;
pub mod ch07;
pub mod ch08;
pub mod ch09;
pub mod ch10;
pub mod ch11;

/// How long an answer may run before the check gives up on it.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Where an exercise lives, so a report can send the learner back to it.
#[derive(Debug, PartialEq, Eq)]
pub struct Exercise {
    /// The chapter's notebook, without `.ipynb`: `01-threads`.
    pub notebook: &'static str,
    /// The function the learner writes.
    pub name: &'static str,
    /// The notebook section (its heading) that teaches what the exercise needs.
    pub section: &'static str,
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every case passed; the text says what was verified.
    Done(String),
    /// A case failed; the text says which, what was expected and what came back.
    Wrong(String),
    /// The function still panics with `todo!()`.
    NotStarted,
}

/// What a check found, ready to print.
#[derive(Clone, PartialEq, Eq)]
pub struct Report {
    /// The exercise checked.
    pub exercise: &'static Exercise,
    /// What the check found.
    pub status: Status,
}

impl Report {
    /// True when every case passed.
    pub fn is_done(&self) -> bool {
        matches!(self.status, Status::Done(_))
    }
    /// True when a case failed.
    pub fn is_wrong(&self) -> bool {
        matches!(self.status, Status::Wrong(_))
    }
    /// True while the body is still `todo!()`.
    pub fn is_not_started(&self) -> bool {
        self.status == Status::NotStarted
    }
    /// Shows the report under the check cell: the evcxr kernel calls this.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/plain\n{self}\nEVCXR_END_CONTENT");
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Exercise {
            notebook,
            name,
            section,
        } = self.exercise;
        match &self.status {
            Status::Done(what) => write!(f, "✓ {name}: done. {what}"),
            Status::Wrong(problem) => write!(
                f,
                "✗ {name}: wrong. {problem}\n  Revisit {notebook}.ipynb, section “{section}”."
            ),
            Status::NotStarted => write!(
                f,
                "· {name}: not started (its body is still `todo!()`). \
                 It is in {notebook}.ipynb, section “{section}”."
            ),
        }
    }
}

impl Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A progress table for many reports: one line per exercise, then the full
/// report of every wrong one.
///
/// ```
/// let reports = [workbook::check::ch01::run_in_threads(|_| todo!())];
/// let table = workbook::check::summary(&reports);
/// assert!(table.contains("0 done, 0 wrong, 1 not started"));
/// ```
pub fn summary(reports: &[Report]) -> String {
    let count = |f: fn(&Report) -> bool| reports.iter().filter(|r| f(r)).count();
    let mut out = format!(
        "{} done, {} wrong, {} not started\n",
        count(Report::is_done),
        count(Report::is_wrong),
        count(Report::is_not_started)
    );
    for r in reports {
        let mark = match r.status {
            Status::Done(_) => "✓ done       ",
            Status::Wrong(_) => "✗ wrong      ",
            Status::NotStarted => "· not started",
        };
        out.push_str(&format!(
            "  {mark}  {:<24} {}.ipynb, “{}”\n",
            r.exercise.name, r.exercise.notebook, r.exercise.section
        ));
    }
    for r in reports.iter().filter(|r| r.is_wrong()) {
        out.push_str(&format!("\n{r}\n"));
    }
    out
}

/// For the tests of the checks: asserts that `report` is a wrong verdict whose
/// message mentions every one of `words` and sends the learner back to the
/// exercise's notebook section.
///
/// # Panics
/// When any of that is not so, with the report's text.
pub fn assert_wrong(report: Report, words: &[&str]) {
    assert!(report.is_wrong(), "expected a wrong verdict, got: {report}");
    let text = report.to_string();
    for w in words {
        assert!(
            text.contains(w),
            "the message should mention {w:?}:\n{text}"
        );
    }
    let revisit = format!("Revisit {}.ipynb, section", report.exercise.notebook);
    assert!(
        text.contains(&revisit),
        "the message should name the notebook section:\n{text}"
    );
}

/// Why an answer is wrong, in words a learner understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrong(pub String);

impl Wrong {
    /// A problem found in the named case.
    pub fn in_case(case: &str, problem: impl fmt::Display) -> Wrong {
        Wrong(format!("Case “{case}”: {problem}"))
    }
}

/// Compares a returned list with the expected one and, when they differ,
/// says how: items missing, items extra, the right items in the wrong order,
/// or wrong values.
///
/// ```
/// use workbook::check::compare_lists;
/// let err = compare_lists("three jobs", &[1, 2, 3], &[3, 1, 2]).unwrap_err();
/// assert!(err.0.contains("out of order"));
/// let err = compare_lists("three jobs", &[1, 2, 3], &[1, 2]).unwrap_err();
/// assert!(err.0.contains("missing"));
/// ```
pub fn compare_lists<T: PartialEq + Ord + Clone + Debug>(
    case: &str,
    expected: &[T],
    got: &[T],
) -> Result<(), Wrong> {
    if expected == got {
        return Ok(());
    }
    let (mut want, mut have) = (expected.to_vec(), got.to_vec());
    want.sort();
    have.sort();
    let problem = if want == have {
        format!(
            "the right results, but out of order: expected {expected:?}, got {got:?}. \
             Results must come back in the order the inputs were given, \
             not the order the tasks finished."
        )
    } else if got.len() < expected.len() {
        format!(
            "expected {} results, got {}: {} missing. Expected {expected:?}, got {got:?}.",
            expected.len(),
            got.len(),
            expected.len() - got.len()
        )
    } else if got.len() > expected.len() {
        format!(
            "expected {} results, got {}: {} too many. Expected {expected:?}, got {got:?}.",
            expected.len(),
            got.len(),
            got.len() - expected.len()
        )
    } else {
        format!("expected {expected:?}, got {got:?}.")
    };
    Err(Wrong::in_case(case, problem))
}

impl Exercise {
    /// Runs `check` (which calls the learner's answer) and turns what happens
    /// into a [`Report`]: `Ok` is done, `Err` is wrong, a `todo!()` panic is
    /// not started, any other panic is wrong, and running past [`TIME_LIMIT`]
    /// is wrong.
    pub fn grade(
        &'static self,
        check: impl FnOnce() -> Result<String, Wrong> + Send + 'static,
    ) -> Report {
        self.grade_within(TIME_LIMIT, check)
    }

    /// [`Exercise::grade`] with a time limit of your choosing.
    pub fn grade_within(
        &'static self,
        limit: Duration,
        check: impl FnOnce() -> Result<String, Wrong> + Send + 'static,
    ) -> Report {
        let status = silence_panics(|| {
            let (done, outcome) = mpsc::channel();
            // The answer runs on its own thread, so that one that never
            // returns costs the learner `limit`, not the kernel.
            let spawned = thread::Builder::new()
                .name(format!("check {}", self.name))
                .spawn(move || {
                    let _ = done.send(panic::catch_unwind(AssertUnwindSafe(check)));
                });
            if let Err(e) = spawned {
                return Status::Wrong(format!("the check could not start a thread: {e}"));
            }
            match outcome.recv_timeout(limit) {
                Ok(Ok(Ok(verified))) => Status::Done(verified),
                Ok(Ok(Err(Wrong(problem)))) => Status::Wrong(problem),
                Ok(Err(payload)) => panic_status(payload),
                Err(_) => Status::Wrong(format!(
                    "it did not finish within {} s. Something waits forever: \
                     a thread that is never joined, a lock that is never released, \
                     or a channel that is never closed.",
                    limit.as_secs()
                )),
            }
        });
        Report {
            exercise: self,
            status,
        }
    }
}

fn panic_status(payload: Box<dyn Any + Send>) -> Status {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    if message.starts_with("not yet implemented") {
        Status::NotStarted
    } else {
        Status::Wrong(format!("it panicked: “{message}”."))
    }
}

static QUIET: AtomicUsize = AtomicUsize::new(0);
static QUIET_HOOK: Once = Once::new();

/// Runs `f` with panic messages muted: a check expects the learner's code to
/// panic (`todo!()`), and reports the panic itself instead of printing it.
fn silence_panics<T>(f: impl FnOnce() -> T) -> T {
    QUIET_HOOK.call_once(|| {
        let loud = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.load(Ordering::SeqCst) == 0 {
                loud(info);
            }
        }));
    });
    QUIET.fetch_add(1, Ordering::SeqCst);
    let value = f();
    QUIET.fetch_sub(1, Ordering::SeqCst);
    value
}

/// Watches the tasks a check hands to the learner's code: which threads run
/// them, and how many are in flight at once.
///
/// Each task waits (up to its patience) until `company` tasks are in flight
/// together. Code that really runs tasks at once reaches that at once; code
/// that runs them one after another never does, and the probe says so. This
/// verifies parallelism by counting, not by timing.
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
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    reached: AtomicBool,
    gave_up: AtomicBool,
    threads: Mutex<Vec<ThreadId>>,
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
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            reached: AtomicBool::new(false),
            gave_up: AtomicBool::new(false),
            threads: Mutex::new(Vec::new()),
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
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        if now >= self.company {
            self.reached.store(true, Ordering::SeqCst);
        }
        let start = Instant::now();
        while !self.reached.load(Ordering::SeqCst) && !self.gave_up.load(Ordering::SeqCst) {
            if start.elapsed() > self.patience {
                // Nobody is coming: the tasks run one after another. Stop
                // waiting for good, so the rest of the run is not slowed.
                self.gave_up.store(true, Ordering::SeqCst);
            }
            thread::sleep(Duration::from_millis(1));
        }
        let value = work();
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        value
    }

    /// The most tasks that were in flight at the same moment.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// The distinct threads that ran tasks, in order of first appearance.
    pub fn threads(&self) -> Vec<ThreadId> {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// What a parallel answer must show: how many tasks in flight at once, on
/// how many distinct threads (none of them the caller's).
#[derive(Clone, Copy, Debug)]
pub struct Expect {
    /// Tasks that must have been running at the same moment.
    pub at_once: usize,
    /// Distinct threads that must have run tasks.
    pub threads: usize,
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
    let threads = probe.threads();
    let peak = probe.peak();
    if threads.is_empty() {
        return Err(Wrong::in_case(case, "none of the tasks ran."));
    }
    if threads == [caller] {
        return Err(Wrong::in_case(
            case,
            format!("every task ran on the calling thread: no thread was started. {hint}"),
        ));
    }
    if peak == 1 && expect.at_once > 1 {
        return Err(Wrong::in_case(
            case,
            format!(
                "it ran sequentially: the tasks ran one after another, never two at the same time. {hint}"
            ),
        ));
    }
    if peak < expect.at_once {
        return Err(Wrong::in_case(
            case,
            format!(
                "at most {peak} tasks were running at the same time; expected {}. {hint}",
                expect.at_once
            ),
        ));
    }
    let others = threads.iter().filter(|t| **t != caller).count();
    if threads.len() != expect.threads || others != expect.threads {
        return Err(Wrong::in_case(
            case,
            format!(
                "the tasks ran on {} thread(s){}; expected {} new threads.",
                threads.len(),
                if others == threads.len() {
                    ""
                } else {
                    ", one of them the calling thread"
                },
                expect.threads
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static EX: Exercise = Exercise {
        notebook: "00-test",
        name: "example",
        section: "A section",
    };

    #[test]
    fn todo_reads_as_not_started() {
        let report = EX.grade(|| todo!());
        assert!(report.is_not_started(), "{report}");
        assert!(report.to_string().starts_with("· example: not started"));
    }

    #[test]
    fn other_panics_read_as_wrong_with_their_message() {
        let report = EX.grade(|| {
            let empty: Vec<u8> = Vec::new();
            Ok(format!("{}", empty[3]))
        });
        assert!(report.is_wrong());
        assert!(report.to_string().contains("it panicked"), "{report}");
        assert!(
            report
                .to_string()
                .contains("Revisit 00-test.ipynb, section “A section”")
        );
    }

    #[test]
    fn an_answer_that_never_returns_is_reported_not_waited_for() {
        let started = Instant::now();
        let report = EX.grade_within(Duration::from_millis(200), || {
            loop {
                thread::sleep(Duration::from_millis(50));
            }
        });
        assert!(
            report.to_string().contains("did not finish within"),
            "{report}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

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
    fn lists_that_differ_are_explained() {
        assert!(compare_lists("c", &[1, 2], &[1, 2]).is_ok());
        let extra = compare_lists("c", &[1], &[1, 1]).unwrap_err();
        assert!(extra.0.contains("too many"), "{}", extra.0);
        let values = compare_lists("c", &[1, 2], &[1, 3]).unwrap_err();
        assert_eq!(values.0, "Case “c”: expected [1, 2], got [1, 3].");
    }
}
