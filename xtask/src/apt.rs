//! Debian's packages: the one way the project installs them, one apt-get at
//! a time, and a fetch in the background so that `test`'s later steps find
//! their packages there instead of waiting for the mirror one step at a time.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::child::{self, MINUTE};
use crate::platform;

/// Whether apt-get also installs the packages a package recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recommends {
    With,
    /// Fewer packages; the cluster's daemons need none of the extras.
    Without,
}

/// Packages installed by one apt-get call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub packages: &'static [&'static str],
    pub recommends: Recommends,
}

/// Held by whoever runs apt-get: dpkg allows one at a time, and a second
/// apt-get would fail on its lock instead of waiting.
static APT: Mutex<()> = Mutex::new(());

/// Whether Debian's packages may be installed from here.
pub fn can_install() -> bool {
    platform::is_root() && child::first_line(Command::new("apt-get").arg("--version")).is_some()
}

/// Whether dpkg says `package` is installed.
pub fn installed(package: &str) -> bool {
    child::first_line(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|s| s == "install ok installed")
}

/// Installs `packages` (after `apt-get update`), its output on ours.
pub fn install(packages: &[&str], recommends: Recommends) -> Result<()> {
    install_with(packages, recommends, |cmd| cmd)
}

/// Installs `packages`, with `output` deciding where apt-get's output goes.
fn install_with(
    packages: &[&str],
    recommends: Recommends,
    output: impl Fn(&mut Command) -> &mut Command,
) -> Result<()> {
    let _only_one = APT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    child::status(
        output(Command::new("apt-get").args(["update", "-q"])),
        10 * MINUTE,
    )?;
    let mut cmd = Command::new("apt-get");
    cmd.args(["install", "-y", "-q"]);
    if recommends == Recommends::Without {
        cmd.arg("--no-install-recommends");
    }
    cmd.args(packages).env("DEBIAN_FRONTEND", "noninteractive");
    child::status(output(&mut cmd), 20 * MINUTE)
}

/// The groups' packages that are not installed yet, group by group (groups
/// with none left out).
fn missing(groups: &[Group]) -> Vec<(Vec<&'static str>, Recommends)> {
    groups
        .iter()
        .map(|g| {
            let left = g.packages.iter().copied().filter(|p| !installed(p));
            (left.collect::<Vec<_>>(), g.recommends)
        })
        .filter(|(left, _)| !left.is_empty())
        .collect()
}

/// Packages being installed in the background, with what to do after them.
pub struct Prefetch {
    running: Option<JoinHandle<()>>,
}

impl Prefetch {
    /// Nothing in the background.
    pub fn none() -> Self {
        Prefetch { running: None }
    }

    /// Installs the groups' missing packages in the background, then runs
    /// `then` (more downloading work that needs them), apt-get's output in
    /// `log`. A failure is a printed line: the step that needs the package
    /// installs it again itself and fails there with the reason.
    pub fn start(groups: &[Group], log: PathBuf, then: impl FnOnce() + Send + 'static) -> Self {
        let todo = missing(groups);
        let running = thread::spawn(move || {
            if !todo.is_empty() {
                let names: Vec<&str> = todo.iter().flat_map(|(p, _)| p.iter().copied()).collect();
                println!(
                    "[apt] installing in the background, for the later steps: {} (output in {})",
                    names.join(" "),
                    log.display()
                );
                let start = Instant::now();
                match install_all(&todo, &log) {
                    Ok(()) => println!(
                        "[apt] background install done in {} s",
                        start.elapsed().as_secs()
                    ),
                    Err(e) => println!(
                        "[apt] background install failed ({e:#}); the steps that need the packages \
                         will try again (output in {})",
                        log.display()
                    ),
                }
            }
            then();
        });
        Prefetch {
            running: Some(running),
        }
    }

    /// Waits for the background work, if any, to end; says how long it waited.
    pub fn wait(&mut self) {
        if let Some(running) = self.running.take() {
            let start = Instant::now();
            if running.join().is_err() {
                println!("[apt] the background install panicked; the steps install for themselves");
            }
            let waited = start.elapsed();
            if waited > Duration::from_secs(1) {
                println!(
                    "[apt] waited {} s for the background install",
                    waited.as_secs()
                );
            }
        }
    }
}

fn install_all(todo: &[(Vec<&'static str>, Recommends)], log: &Path) -> Result<()> {
    let file = File::create(log).with_context(|| log.display().to_string())?;
    for (packages, recommends) in todo {
        install_with(packages, *recommends, |cmd| {
            // Each call gets its own handles on the one log file.
            let out = file.try_clone().map_or(Stdio::null(), Stdio::from);
            let err = file.try_clone().map_or(Stdio::null(), Stdio::from);
            cmd.stdout(out).stderr(err).stdin(Stdio::null())
        })?;
    }
    // The packages said to be installed must be there now.
    let still: Vec<&str> = todo
        .iter()
        .flat_map(|(p, _)| p.iter().copied())
        .filter(|p| !installed(p))
        .collect();
    if !still.is_empty() {
        bail!("apt-get ended, yet {} not installed", still.join(" "));
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_package_that_is_not_there_is_missing_and_an_empty_group_is_left_out() {
        let groups = [
            Group {
                packages: &["no-such-package-in-any-archive"],
                recommends: Recommends::Without,
            },
            Group {
                packages: &[],
                recommends: Recommends::With,
            },
        ];
        assert_eq!(
            missing(&groups),
            [(vec!["no-such-package-in-any-archive"], Recommends::Without)]
        );
    }

    #[test]
    fn the_work_after_the_packages_runs_and_wait_returns_once_it_ended() {
        let dir = crate::test_folder::fresh("apt-prefetch");
        let (tx, rx) = std::sync::mpsc::channel();
        let mut prefetch = Prefetch::start(&[], dir.join("apt.log"), move || {
            thread::sleep(Duration::from_millis(200));
            tx.send("done").unwrap();
        });
        prefetch.wait();
        assert_eq!(
            rx.try_recv(),
            Ok("done"),
            "wait returned before the work ended"
        );
        // Waiting twice is harmless.
        prefetch.wait();
        assert!(
            !dir.join("apt.log").exists(),
            "nothing was missing, so apt-get never ran"
        );
    }
}
