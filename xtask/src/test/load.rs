//! The stress step's load. The checks are graded there while the cores are
//! kept busy; where a later step still needs a build (the Rust kernel and
//! its warm build folder, mdBook), that build is the load, so that the cores
//! do work the run needs instead of spinning. Cargo runs a compiler per core,
//! though not at every moment (fewer while it downloads crates or compiles
//! its last ones). Once the builds are done, spinning threads keep every
//! core busy until the checks end.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use anyhow::Result;

use super::Selection;

/// A build that a later step needs, done as part of the load.
pub(super) struct Build {
    /// What it makes, for the messages.
    what: &'static str,
    /// The steps that need it: each waits for this build to end first.
    needed_by: &'static [&'static str],
    run: Box<dyn FnOnce() -> Result<()> + Send>,
}

/// The steps that set up the kernel (`setup::notebook_env`) before they run.
const KERNEL_USERS: &[&str] = &["notebooks", "learner-work", "bench"];

/// The step that builds the book with mdBook.
const MDBOOK_USERS: &[&str] = &["book"];

/// The builds the selected later steps need and this machine lacks, the
/// kernel first (the notebooks come before the book).
pub(super) fn later_builds(root: &Path, selection: &Selection) -> Vec<Build> {
    let mut builds = Vec::new();
    let kernel_missing = crate::setup::installed_evcxr().map_or(true, |b| b.is_none())
        || crate::kernel_warm::warm_slot(root).is_none();
    if KERNEL_USERS.iter().any(|id| selection.runs(id)) && kernel_missing {
        let root = root.to_path_buf();
        builds.push(Build {
            what: "the Rust kernel and its warm build folder",
            needed_by: KERNEL_USERS,
            run: Box::new(move || crate::setup::notebook_env(&root).map(drop)),
        });
    }
    let mdbook = crate::book::install::MDBOOK_VERSION;
    let mdbook_missing =
        crate::cargo_install::installed("mdbook", mdbook).map_or(true, |b| b.is_none());
    if MDBOOK_USERS.iter().any(|id| selection.runs(id)) && mdbook_missing {
        builds.push(Build {
            what: "mdBook",
            needed_by: MDBOOK_USERS,
            run: Box::new(|| crate::book::install::ensure_mdbook().map(drop)),
        });
    }
    builds
}

/// The load: started by the stress step, stopped when its checks end, and
/// waited for by the steps that need what it builds.
#[derive(Default)]
pub(super) struct Load {
    checks_done: Arc<AtomicBool>,
    /// Per build: the steps that need it, and word that it has ended (a
    /// message; or its sender dropped, when it never started).
    builds: Mutex<Vec<(&'static [&'static str], Receiver<()>)>>,
    running: Mutex<Option<JoinHandle<()>>>,
}

/// The lock's contents even after a panic elsewhere: the load must still
/// stop, from `Drop` included.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Load {
    /// Runs the builds one after the other, then keeps every core spinning,
    /// until [`Load::stop`]. A build that has started runs to its end (a
    /// later step needs it); none starts after the stop.
    pub fn start(&self, builds: Vec<Build>) {
        let checks_done = Arc::clone(&self.checks_done);
        let mut todo = Vec::new();
        let mut waits = lock(&self.builds);
        for build in builds {
            let (ended, on_end) = mpsc::channel();
            waits.push((build.needed_by, on_end));
            todo.push((build, ended));
        }
        let running = thread::spawn(move || {
            for (build, ended) in todo {
                if checks_done.load(Ordering::Relaxed) {
                    println!("[load] {}: left to the step that needs it", build.what);
                    continue;
                }
                println!("[load] building {} while the checks run", build.what);
                let start = Instant::now();
                match (build.run)() {
                    Ok(()) => println!(
                        "[load] {}: built in {} s",
                        build.what,
                        start.elapsed().as_secs()
                    ),
                    Err(e) => println!(
                        "[load] {} failed ({e:#}); the step that needs it tries again",
                        build.what
                    ),
                }
                let _ = ended.send(());
            }
            let cores = thread::available_parallelism().map_or(1, |n| n.get());
            thread::scope(|s| {
                for _ in 0..cores {
                    s.spawn(|| {
                        while !checks_done.load(Ordering::Relaxed) {
                            std::hint::spin_loop();
                        }
                    });
                }
            });
        });
        let mut slot = lock(&self.running);
        assert!(slot.is_none(), "the load is started once");
        *slot = Some(running);
    }

    /// The checks have ended: no build starts from now on, and the spinning stops.
    pub fn stop(&self) {
        self.checks_done.store(true, Ordering::Relaxed);
    }

    /// Before step `id`: waits for the builds it needs to end, if any.
    pub fn wait_before(&self, id: &str) {
        let start = Instant::now();
        lock(&self.builds).retain(|(needed_by, on_end)| {
            if !needed_by.contains(&id) {
                return true;
            }
            // An error means the build never started, or its thread ended.
            let _ = on_end.recv();
            false
        });
        if start.elapsed().as_secs() > 1 {
            println!(
                "[load] waited {} s for what {id} needs",
                start.elapsed().as_secs()
            );
        }
    }

    /// Stops the load and waits for its thread.
    pub fn wait(&self) {
        self.stop();
        let running = lock(&self.running).take();
        if running.is_some_and(|thread| thread.join().is_err()) {
            println!("[load] the load's thread panicked; the steps build for themselves");
        }
    }
}

/// Never left spinning: a run that ends early stops the load and waits for
/// it, unless it ends in a panic (then a build's wait would only delay it).
impl Drop for Load {
    fn drop(&mut self) {
        if thread::panicking() {
            self.stop();
        } else {
            self.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::test::STEP_IDS;

    /// Long enough for any of these tests; a wait past it is a failure, not a hang.
    const LIMIT: Duration = Duration::from_secs(30);

    fn build(
        what: &'static str,
        needed_by: &'static [&'static str],
        run: impl FnOnce() -> Result<()> + Send + 'static,
    ) -> Build {
        Build {
            what,
            needed_by,
            run: Box::new(run),
        }
    }

    #[test]
    fn a_started_build_ends_after_the_stop_and_none_starts_after_it() {
        let load = Load::default();
        let (started, is_started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let second_ran = Arc::new(AtomicBool::new(false));
        let ran = Arc::clone(&second_ran);
        load.start(vec![
            build("first", &["notebooks"], move || {
                started.send(()).unwrap();
                released
                    .recv_timeout(LIMIT)
                    .expect("a step waited for a build it does not need");
                Ok(())
            }),
            build("second", &["book"], move || {
                ran.store(true, Ordering::Relaxed);
                Ok(())
            }),
        ]);
        is_started.recv_timeout(LIMIT).unwrap();
        load.stop();
        // A step that needs none of the builds does not wait, even for a
        // build still running.
        load.wait_before("mpi");
        assert_eq!(lock(&load.builds).len(), 2);
        release.send(()).unwrap();
        // The book's build never starts: its step does not wait for it.
        load.wait_before("book");
        assert_eq!(lock(&load.builds).len(), 1);
        load.wait_before("notebooks");
        assert!(lock(&load.builds).is_empty());
        assert!(!second_ran.load(Ordering::Relaxed));
        load.wait();
        assert!(lock(&load.running).is_none());
    }

    #[test]
    fn after_the_builds_the_cores_spin_until_the_stop() {
        let load = Load::default();
        let (built, is_built) = mpsc::channel();
        load.start(vec![build("only", &["book"], move || {
            built.send(()).unwrap();
            Err(anyhow::anyhow!("a failed build does not end the load"))
        })]);
        is_built.recv_timeout(LIMIT).unwrap();
        load.wait_before("book");
        // Without the spinning, the thread would end at once.
        thread::sleep(Duration::from_millis(200));
        let finished = lock(&load.running).as_ref().map(JoinHandle::is_finished);
        assert_eq!(finished, Some(false), "the load ended before its stop");
        load.wait();
        assert!(lock(&load.running).is_none());
    }

    #[test]
    fn the_steps_that_wait_for_a_build_run_after_the_stress_step() {
        let at = |id: &str| STEP_IDS.iter().position(|s| *s == id);
        let stress = at("checks-stress").expect("checks-stress is a step");
        for id in [KERNEL_USERS, MDBOOK_USERS].concat() {
            let step = at(id).unwrap_or_else(|| panic!("{id} is not a step"));
            assert!(step > stress, "{id} runs before checks-stress");
        }
    }
}
