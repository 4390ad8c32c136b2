//! The grading harness: runs a check (which calls the learner's answer) on a
//! thread of its own, within [`TIME_LIMIT`], and turns what happens into a
//! [`Report`]: a value, a wrong answer, a panic (with the message of the
//! learner's code, from whichever of its threads panicked first), a
//! `todo!()` (naming the function that is not written yet), an answer that
//! never returns (spinning or waiting), or threads left running.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::{Exercise, Report, Status, Wrong};
use crate::os_threads;
use crate::panics::{self, Caught, panic_message};

/// How long an answer may run before the check gives up on it.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

/// How long threads an answer started may take to end after it returns.
const SETTLE: Duration = Duration::from_secs(1);

/// How long a stuck answer is watched to tell spinning from waiting.
const WATCH: Duration = Duration::from_millis(500);

/// Which checks run on this thread: all (the default), none (the exercises
/// are only being listed), or one (a child process grading one exercise).
#[derive(Clone, Debug)]
pub(crate) enum Select {
    All,
    None,
    Only(&'static str, &'static str),
}

thread_local! {
    static SELECT: RefCell<Select> = const { RefCell::new(Select::All) };
}

/// Runs `f` with only the selected checks running; the others report
/// "not started" at once without calling their answer.
pub(crate) fn with_selection<T>(select: Select, f: impl FnOnce() -> T) -> T {
    struct Restore(Select);
    impl Drop for Restore {
        fn drop(&mut self) {
            let old = std::mem::replace(&mut self.0, Select::All);
            SELECT.with(|s| *s.borrow_mut() = old);
        }
    }
    let _restore = Restore(SELECT.with(|s| s.replace(select)));
    f()
}

fn selected(ex: &Exercise) -> bool {
    SELECT.with(|s| match *s.borrow() {
        Select::All => true,
        Select::None => false,
        Select::Only(notebook, name) => ex.notebook == notebook && ex.name == name,
    })
}

impl Exercise {
    /// Runs `check` (which calls the learner's answer) and turns what happens
    /// into a [`Report`]: `Ok` is done, `Err` is wrong, a `todo!()` panic is
    /// not started, any other panic is wrong, running past [`TIME_LIMIT`] is
    /// wrong, and so is leaving threads running after returning.
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
        let status = if selected(self) {
            run(self, limit, check)
        } else {
            Status::NotStarted
        };
        Report {
            exercise: self,
            status,
        }
    }
}

/// How running the answer on its own thread ended: a panic, or the check's verdict.
type AnswerRun = thread::Result<Result<String, Wrong>>;

fn run(
    ex: &'static Exercise,
    limit: Duration,
    check: impl FnOnce() -> Result<String, Wrong> + Send + 'static,
) -> Status {
    // rayon starts its global pool on first use; started here, its threads
    // belong to no check, and an answer that uses it leaves nothing behind.
    rayon::join(|| (), || ());
    // The answer's threads inherit this name from the check thread: at most
    // 15 bytes, as the operating system keeps it.
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let tag = format!("check#{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let capture = panics::capture(&tag);
    let (done, outcome) = mpsc::channel::<AnswerRun>();
    // The answer runs on its own thread, so that one that never returns
    // costs the learner `limit`, not the kernel.
    let spawned = thread::Builder::new().name(tag.clone()).spawn(move || {
        let _quiet = panics::mute();
        let _ = done.send(panic::catch_unwind(AssertUnwindSafe(check)));
    });
    let handle = match spawned {
        Ok(handle) => handle,
        Err(e) => return Status::Wrong(format!("the check could not start a thread: {e}")),
    };
    match outcome.recv_timeout(limit) {
        Ok(result) => {
            let _ = handle.join();
            match verdict(ex, result, &capture.caught()) {
                Status::Done(what) => match left_running(&tag) {
                    Some(Ok(())) => Status::Done(what),
                    Some(Err(problem)) => Status::Wrong(problem),
                    None => Status::Done(format!(
                        "{what} (Threads left running: not checked on this platform.)"
                    )),
                },
                other => other,
            }
        }
        Err(_) => Status::Wrong(not_finished(limit, spinning(&tag), Place::here())),
    }
}

/// What the check's outcome means, with the panics its threads raised.
fn verdict(ex: &Exercise, result: AnswerRun, caught: &[Caught]) -> Status {
    let payload: Box<dyn Any + Send> = match result {
        Ok(Ok(verified)) => return Status::Done(verified),
        Ok(Err(Wrong(problem))) => return Status::Wrong(problem),
        Err(payload) => payload,
    };
    let message = panic_message(&*payload);
    // The panic that reached the check, as raised on its thread, and the
    // first one on a thread the answer started.
    let own = caught.iter().rev().find(|c| c.on_check_thread);
    let started = caught.iter().find(|c| !c.on_check_thread);
    let todo = if panics::is_todo(&message) {
        own.filter(|c| panics::is_todo(&c.message))
            .or(caught.iter().find(|c| panics::is_todo(&c.message)))
    } else {
        caught.iter().find(|c| panics::is_todo(&c.message))
    };
    if let Some(todo) = todo {
        // Named only when it is another exercise's function: a `todo!()` in
        // a closure or a helper of the learner's own reads as not started.
        return match function_at(&todo.file, todo.line) {
            Some(f) if f != ex.name && super::EXERCISES.iter().any(|e| e.name == f) => {
                Status::HelperNotStarted(f)
            }
            _ => Status::NotStarted,
        };
    }
    if panics::is_todo(&message) {
        return Status::NotStarted;
    }
    // Locations are left out: in the notebook they point into the kernel's
    // generated code, not into a cell.
    match started {
        Some(first) if first.message != message => Status::Wrong(format!(
            "a thread it started panicked: “{}”. The panic then reached the caller as “{message}”.",
            first.message
        )),
        _ => Status::Wrong(format!("it panicked: “{message}”.")),
    }
}

/// The name of the function around `file:line`, read from the source when
/// it can be found: under the working folder or one of its parents (the
/// crates), or beside a loaded library (the notebook kernel compiles each
/// cell in a folder of its own, with its code in `src/lib.rs`).
fn function_at(file: &str, line: u32) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let libraries = os_threads::loaded_libraries();
    let folders = cwd
        .ancestors()
        .take(4)
        .chain(libraries.iter().flat_map(|l| l.ancestors().skip(1).take(4)));
    let text = folders
        .map(|dir| dir.join(file))
        .find_map(|path| std::fs::read_to_string(path).ok())?;
    let lines: Vec<&str> = text.lines().take(line as usize).collect();
    lines.iter().rev().find_map(|l| {
        let after = l.split_once("fn ")?.1;
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let is_item = l[..l.find("fn ")?].split_whitespace().all(|w| {
            matches!(
                w,
                "pub" | "pub(crate)" | "const" | "unsafe" | "async" | "extern"
            )
        });
        (is_item && !name.is_empty()).then_some(name)
    })
}

/// A problem when threads the answer started are still running once it
/// has returned (given [`SETTLE`] to end); `None` where that is not known.
fn left_running(tag: &str) -> Option<Result<(), String>> {
    let start = Instant::now();
    loop {
        let left = os_threads::named(tag)?.len();
        if left == 0 {
            return Some(Ok(()));
        }
        if start.elapsed() > SETTLE {
            let busy = match spinning(tag) {
                Some(true) => "spinning: using CPU the whole time",
                Some(false) => "waiting: blocked, using no CPU",
                None => "whether they use CPU is not known on this platform",
            };
            return Some(Err(format!(
                "it returned the right results, but left {left} thread(s) running ({busy}). \
                 Every thread an answer starts must end before it returns: join each one \
                 (or start them in `thread::scope`), and close the channels they wait on. \
                 A thread left behind cannot be stopped from outside: it stays {}.",
                Place::here().stays()
            )));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Why an answer did not finish within `limit`: spinning, waiting, or (where
/// CPU time is not known) either, and what to do.
fn not_finished(limit: Duration, spinning: Option<bool>, place: Place) -> String {
    let why = match spinning {
        Some(true) => {
            let until = match place {
                Place::Notebook => {
                    "until you restart the kernel (Kernel > Restart) and run the cells above again"
                }
                Place::Crate => {
                    "until the test process ends. Find the loop that never ends, then check again"
                }
            };
            format!(
                "it is spinning: its thread kept using CPU while the check waited (a loop that \
                 never ends, or one far too long for this input, or one waiting for a condition \
                 that never comes true). A thread cannot be stopped from outside: it keeps a \
                 core busy {until}."
            )
        }
        Some(false) => format!(
            "it is waiting (blocked, using no CPU): something waits forever, such as a thread \
             that is never joined, a lock that is never released, or a channel that is never \
             closed. The blocked thread stays {}.",
            place.stays()
        ),
        None => format!(
            "this platform does not say whether it is spinning or waiting: look for a loop \
             that never ends, a thread that is never joined, a lock that is never released or \
             a channel that is never closed. Its thread stays {}.",
            place.stays()
        ),
    };
    format!("it did not finish within {} s; {why}", limit.as_secs())
}

/// Where a check runs, for what a report says of a thread it cannot stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// In a notebook: the thread lives as long as the kernel.
    Notebook,
    /// In a crate's tests: it lives as long as the test process.
    Crate,
}

impl Place {
    /// The Rust kernel (evcxr) runs a notebook's code in a process it marks
    /// with `EVCXR_IS_RUNTIME`; anywhere else is a crate's test.
    fn here() -> Place {
        if std::env::var_os("EVCXR_IS_RUNTIME").is_some() {
            Place::Notebook
        } else {
            Place::Crate
        }
    }

    /// How long a thread that cannot be stopped stays.
    fn stays(self) -> &'static str {
        match self {
            Place::Notebook => "until the kernel restarts (Kernel > Restart)",
            Place::Crate => "until the test process ends",
        }
    }
}

/// True when the threads named `tag` (or, where threads cannot be told
/// apart, the whole process) use at least a tenth of a core over [`WATCH`];
/// `None` where CPU time is not known.
fn spinning(tag: &str) -> Option<bool> {
    let cpu = || match os_threads::named(tag) {
        Some(threads) => Some(threads.iter().map(|t| t.cpu).sum::<Duration>()),
        None => crate::platform::process_cpu_time().map(|(user, sys)| user + sys),
    };
    let before = cpu()?;
    thread::sleep(WATCH);
    // Threads that ended meanwhile take their time with them: never negative.
    Some(cpu()?.saturating_sub(before) >= WATCH / 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stuck_answer_gets_the_advice_of_where_it_runs() {
        let limit = Duration::from_secs(20);
        for spinning in [Some(true), Some(false), None] {
            let notebook = not_finished(limit, spinning, Place::Notebook);
            assert!(notebook.contains("Kernel > Restart"), "{notebook}");
            let krate = not_finished(limit, spinning, Place::Crate);
            assert!(!krate.contains("kernel"), "{krate}");
            assert!(krate.contains("until the test process ends"), "{krate}");
        }
        // `cargo test` runs outside the kernel.
        assert_eq!(Place::here(), Place::Crate);
    }

    #[test]
    fn a_stuck_answer_is_told_once_that_it_did_not_finish() {
        let limit = Duration::from_secs(20);
        let unknown = not_finished(limit, None, Place::Crate);
        assert!(
            unknown.starts_with("it did not finish within 20 s; this platform does not say"),
            "{unknown}"
        );
        assert!(!unknown.contains("did not return"), "{unknown}");
        // A loop that is only slow spins as well as one that never ends.
        let spinning = not_finished(limit, Some(true), Place::Crate);
        assert!(
            spinning.contains("far too long for this input"),
            "{spinning}"
        );
    }
}
