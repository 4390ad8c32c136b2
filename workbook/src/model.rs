//! Chapter 11: running a tiny concurrent program under every interleaving,
//! with the `loom` model checker (cargo feature `loom`).
//!
//! [`explore`] runs a model with loom, counts the executions it tried and
//! times them, and turns loom's panic (a failed assertion, a deadlock) into
//! a [`Failure`] instead of crashing the notebook. A [`Story`] records what
//! the threads did in the current execution, so that the failing one can be
//! told in words.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use loom;

use crate::model_result::{MODEL_MIME, ModelResult};

/// What a model run that found nothing wrong explored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explored {
    /// Executions (interleavings) loom ran.
    pub executions: usize,
    /// How long they took together.
    pub time: Duration,
}

impl fmt::Display for Explored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "every one of {} interleavings passed ({})",
            self.executions,
            crate::human(self.time)
        )
    }
}

/// The execution that broke a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong: the failed assertion's message, or the deadlock.
    pub message: String,
    /// Which execution failed (1 is the first loom tried).
    pub execution: usize,
    /// How long loom searched until then.
    pub time: Duration,
}

/// How [`Failure::message`] begins when loom gave up on a model that never ends.
const NEVER_ENDS: &str = "the model never ends: a thread loops without making progress";

impl Failure {
    /// Whether loom gave up because the model never ends (a thread loops
    /// without making progress), rather than finding a failed assertion.
    pub fn never_ends(&self) -> bool {
        self.message.starts_with(NEVER_ENDS)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "interleaving {} failed ({}): {}",
            self.execution,
            crate::human(self.time),
            self.message
        )
    }
}

/// Runs `model` under every interleaving loom allows, with at most
/// `preemptions` forced thread switches per execution (`None`: no bound;
/// small bounds keep big models fast and still find most bugs).
///
/// ```
/// use workbook::model::{explore, loom};
/// use loom::sync::atomic::{AtomicUsize, Ordering};
/// use loom::sync::Arc;
/// let explored = explore(None, || {
///     let n = Arc::new(AtomicUsize::new(0));
///     let m = Arc::clone(&n);
///     let t = loom::thread::spawn(move || { m.fetch_add(1, Ordering::Relaxed); });
///     n.fetch_add(1, Ordering::Relaxed);
///     t.join().unwrap();
///     assert_eq!(n.load(Ordering::Relaxed), 2);
/// })
/// .unwrap();
/// assert!(explored.executions >= 2);
/// ```
pub fn explore(
    preemptions: Option<usize>,
    model: impl Fn() + Sync + Send + 'static,
) -> Result<Explored, Failure> {
    let executions = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&executions);
    let mut builder = loom::model::Builder::new();
    // Set here, not from LOOM_* variables, so a run is the same everywhere.
    builder.preemption_bound = preemptions;
    builder.max_branches = 10_000;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.checkpoint_file = None;
    builder.log = false;
    builder.location = false;
    let start = Instant::now();
    let outcome = quietly(|| {
        panic::catch_unwind(AssertUnwindSafe(|| {
            builder.check(move || {
                counted.fetch_add(1, Ordering::Relaxed);
                model();
            })
        }))
    });
    let time = start.elapsed();
    let executions = executions.load(Ordering::Relaxed);
    match outcome {
        Ok(()) => Ok(Explored { executions, time }),
        Err(payload) => Err(Failure {
            message: in_words(&panic_message(payload.as_ref())),
            execution: executions,
            time,
        }),
    }
}

/// The four orderings of a flag-and-data message: the writer stores the
/// data, then raises the flag; the reader loads the flag, and once it sees
/// it raised, loads the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Orderings {
    /// The writer's `data.store(42, _)`.
    pub write_data: std::sync::atomic::Ordering,
    /// The writer's `ready.store(true, _)`.
    pub raise_flag: std::sync::atomic::Ordering,
    /// The reader's `ready.load(_)`.
    pub read_flag: std::sync::atomic::Ordering,
    /// The reader's `data.load(_)`, once it saw the flag.
    pub read_data: std::sync::atomic::Ordering,
}

/// One line for a model run: `✓` with the interleavings explored, or `✗`
/// with the one that failed.
pub fn verdict(outcome: &Result<Explored, Failure>) -> String {
    match outcome {
        Ok(explored) => format!("✓ {explored}"),
        Err(failure) => format!("✗ {failure}"),
    }
}

/// Shows model runs under the cell, each as its title and [`verdict`], and
/// beside them a [`ModelResult`] as [`MODEL_MIME`] JSON, from which the
/// notebook runner reads whether one failed (never from the `✗`).
///
/// One call per cell, with every run the cell shows: the evcxr kernel keeps
/// one output per MIME type and cell, the last one printed.
pub fn show(runs: &[(&str, &Result<Explored, Failure>)]) {
    print!("{}", shown(runs));
}

/// The blocks [`show`] prints, one per MIME type.
fn shown(runs: &[(&str, &Result<Explored, Failure>)]) -> String {
    let text: Vec<String> = runs
        .iter()
        .map(|(title, outcome)| format!("{title}:\n{}", verdict(outcome)))
        .collect();
    let result = ModelResult {
        failed: runs.iter().any(|(_, outcome)| outcome.is_err()),
        runs: runs.len(),
    };
    let json = serde_json::to_string(&result).expect("a model result serialises");
    format!(
        "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\n\
         EVCXR_BEGIN_CONTENT {MODEL_MIME}\n{json}\nEVCXR_END_CONTENT\n",
        text.join("\n")
    )
}

/// What happened in one execution, line by line, in the order it happened.
///
/// loom runs the threads of an execution one at a time on one real thread,
/// so a plain lock records their steps in the order loom chose.
#[derive(Clone, Debug, Default)]
pub struct Story(Arc<Mutex<Vec<String>>>);

impl Story {
    /// An empty story.
    pub fn new() -> Story {
        Story::default()
    }

    /// Forgets the last execution: call it first thing in the model.
    pub fn begin(&self) {
        self.lines_mut().clear();
    }

    /// Adds one step.
    pub fn tell(&self, step: impl Into<String>) {
        self.lines_mut().push(step.into());
    }

    /// The steps so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines_mut().clone()
    }

    fn lines_mut(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Display for Story {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines().iter().enumerate() {
            writeln!(f, "  {}. {line}", i + 1)?;
        }
        Ok(())
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// loom's own messages, said plainly.
fn in_words(message: &str) -> String {
    if message.starts_with("deadlock") {
        "deadlock: every thread that is still running waits for a lock another one holds."
            .to_string()
    } else if message.starts_with("Model exceeded maximum number of branches") {
        format!(
            "{NEVER_ENDS} (a spin loop must call `loom::thread::yield_now()` or \
             `loom::hint::spin_loop()`)."
        )
    } else {
        message.to_string()
    }
}

/// Runs `f` with panic printouts muted on this thread, where loom runs
/// every thread of a model: a failing model panics on purpose, and
/// [`explore`] reports the panic as a [`Failure`]. (A process-wide switch
/// would also silence, and keep from the checks, panics on other threads.)
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let _quiet = crate::panics::mute();
    f()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loom::sync::Arc;
    use loom::sync::atomic::AtomicUsize;

    #[test]
    fn a_lost_update_is_found_and_told() {
        let story = Story::new();
        let told = story.clone();
        let failure = explore(None, move || {
            told.begin();
            let n = Arc::new(AtomicUsize::new(0));
            let (m, s) = (Arc::clone(&n), told.clone());
            let t = loom::thread::spawn(move || {
                let v = m.load(Ordering::SeqCst);
                s.tell(format!("thread 1 loads {v}"));
                m.store(v + 1, Ordering::SeqCst);
            });
            let v = n.load(Ordering::SeqCst);
            told.tell(format!("main loads {v}"));
            n.store(v + 1, Ordering::SeqCst);
            t.join().unwrap();
            assert_eq!(n.load(Ordering::SeqCst), 2, "an update was lost");
        })
        .unwrap_err();
        assert!(failure.message.contains("an update was lost"), "{failure}");
        assert!(failure.execution >= 1);
        assert_eq!(story.lines().len(), 2, "{story}");
        assert!(story.to_string().contains("loads 0"), "{story}");
    }

    #[test]
    fn a_deadlock_is_said_plainly() {
        let failure = explore(None, || {
            // std's Arc: loom's own would be checked for leaks as the
            // deadlocked execution is torn down.
            let a = std::sync::Arc::new(loom::sync::Mutex::new(()));
            let b = std::sync::Arc::new(loom::sync::Mutex::new(()));
            let (a2, b2) = (a.clone(), b.clone());
            let one = loom::thread::spawn(move || {
                let _a = a2.lock().unwrap();
                let _b = b2.lock().unwrap();
            });
            let two = loom::thread::spawn(move || {
                let _b = b.lock().unwrap();
                let _a = a.lock().unwrap();
            });
            one.join().unwrap();
            two.join().unwrap();
        })
        .unwrap_err();
        assert!(failure.message.starts_with("deadlock"), "{failure}");
    }

    #[test]
    fn shown_runs_carry_their_result_beside_the_text() {
        let failed: Result<Explored, Failure> = Err(Failure {
            message: "an update was lost".into(),
            execution: 3,
            time: Duration::from_millis(2),
        });
        let passed = Ok(Explored {
            executions: 7,
            time: Duration::ZERO,
        });
        let blocks = shown(&[("Two threads", &failed), ("Fixed", &passed)]);
        let (text, json) = blocks
            .strip_prefix("EVCXR_BEGIN_CONTENT text/plain\n")
            .and_then(|rest| rest.split_once("\nEVCXR_END_CONTENT\n"))
            .expect(&blocks);
        assert!(text.starts_with("Two threads:\n✗ "), "{text}");
        assert!(text.contains("\nFixed:\n✓ "), "{text}");
        let json = json
            .strip_prefix(&format!("EVCXR_BEGIN_CONTENT {MODEL_MIME}\n"))
            .and_then(|rest| rest.strip_suffix("\nEVCXR_END_CONTENT\n"))
            .expect(json);
        let result: ModelResult = serde_json::from_str(json).unwrap();
        assert_eq!(
            result,
            ModelResult {
                failed: true,
                runs: 2
            }
        );
        assert!(shown(&[("Fixed", &passed)]).contains(r#"{"failed":false,"runs":1}"#));
    }
}
