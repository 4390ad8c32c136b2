//! The stress step's load. The checks are graded there while the cores are
//! kept busy; where a later step still needs a build (the Rust kernel and
//! its warm build folder, mdBook), that build is the load, so that the cores
//! do work the run needs instead of spinning. Cargo runs a compiler per core,
//! though not at every moment (fewer while it downloads crates or compiles
//! its last ones). Once the builds are done, spinning threads keep every
//! core busy until the checks end.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use anyhow::Result;

use super::Selection;

/// A build that a later step needs, done as part of the load.
pub(super) struct Build {
    /// What it makes, for the messages.
    what: &'static str,
    /// The steps that need it: each waits for the load to end first.
    needed_by: &'static [&'static str],
    run: Box<dyn FnOnce() -> Result<()> + Send>,
}

/// The steps that set up the kernel (`setup::notebook_env`) before they run.
const KERNEL_USERS: &[&str] = &["notebooks", "learner-work", "book", "bench"];

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
    running: Mutex<Option<(Vec<&'static str>, JoinHandle<()>)>>,
}

impl Load {
    /// Runs the builds one after the other, then keeps every core spinning,
    /// until [`Load::stop`]. A build that has started runs to its end (a
    /// later step needs it); none starts after the stop.
    pub fn start(&self, builds: Vec<Build>) {
        let checks_done = Arc::clone(&self.checks_done);
        let needed_by = builds.iter().flat_map(|b| b.needed_by.iter().copied());
        let needed_by: Vec<&'static str> = needed_by.collect();
        let running = thread::spawn(move || {
            for build in builds {
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
        let mut slot = self.running.lock().expect("not poisoned");
        assert!(slot.is_none(), "the load is started once");
        *slot = Some((needed_by, running));
    }

    /// The checks have ended: no build starts from now on, and the spinning stops.
    pub fn stop(&self) {
        self.checks_done.store(true, Ordering::Relaxed);
    }

    /// Before step `id`: waits for the load to end when the step needs one
    /// of its builds (the build ends, the spinning has stopped by then).
    pub fn wait_before(&self, id: &str) {
        let mut running = self.running.lock().expect("not poisoned");
        if running.as_ref().is_some_and(|(ids, _)| ids.contains(&id)) {
            Self::join_now(running.take());
        }
    }

    /// Stops the load and waits for it.
    pub fn wait(&self) {
        self.stop();
        Self::join_now(self.running.lock().expect("not poisoned").take());
    }

    fn join_now(running: Option<(Vec<&'static str>, JoinHandle<()>)>) {
        let Some((_, handle)) = running else { return };
        let start = Instant::now();
        if handle.join().is_err() {
            println!("[load] the load's thread panicked; the steps build for themselves");
        }
        if start.elapsed().as_secs() > 1 {
            println!(
                "[load] waited {} s for the builds",
                start.elapsed().as_secs()
            );
        }
    }
}

/// Never left spinning: a run that ends early stops and waits for it too.
impl Drop for Load {
    fn drop(&mut self) {
        self.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
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
                    .expect("a step that needs no build waited for one");
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
        assert!(load.running.lock().unwrap().is_some());
        release.send(()).unwrap();
        load.wait_before("book");
        assert!(load.running.lock().unwrap().is_none());
        assert!(!second_ran.load(Ordering::Relaxed));
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
        // Without the spinning, the thread would end at once.
        thread::sleep(Duration::from_millis(200));
        let spinning = load
            .running
            .lock()
            .unwrap()
            .as_ref()
            .map(|(_, h)| h.is_finished());
        assert_eq!(spinning, Some(false), "the load ended before its stop");
        load.wait();
        assert!(load.running.lock().unwrap().is_none());
    }

    #[test]
    fn the_steps_that_wait_for_a_build_run_after_the_stress_step() {
        let stress = STEP_IDS.iter().position(|id| *id == "checks-stress");
        for id in [KERNEL_USERS, MDBOOK_USERS].concat() {
            let at = STEP_IDS.iter().position(|s| *s == id);
            assert!(at > stress, "{id} is not a step after checks-stress");
        }
    }
}
