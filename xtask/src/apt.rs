//! Debian's packages: the one way the project installs them, one apt-get at
//! a time, and a fetch in the background so that `test`'s later steps find
//! their packages there instead of waiting for the mirror one step at a time.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver};
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
    let _only_one = APT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    child::status(&mut update(), 10 * MINUTE)?;
    child::status(&mut install_command(packages, recommends), 20 * MINUTE)
}

/// apt-get, waiting up to 10 minutes for dpkg's lock, should another process
/// (another `cargo xtask`, the system's own updates) hold it.
fn apt_get() -> Command {
    let mut cmd = Command::new("apt-get");
    cmd.args(["-o", "DPkg::Lock::Timeout=600"]);
    cmd
}

fn update() -> Command {
    let mut cmd = apt_get();
    cmd.args(["update", "-q"]);
    cmd
}

fn install_command(packages: &[&str], recommends: Recommends) -> Command {
    let mut cmd = apt_get();
    cmd.args(["install", "-y", "-q"]);
    if recommends == Recommends::Without {
        cmd.arg("--no-install-recommends");
    }
    cmd.args(packages).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
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

/// Work in the background: Debian's packages first, then `then` (more
/// downloading that needs them). Each part can be waited for on its own.
pub struct Prefetch {
    packages: Option<Receiver<()>>,
    running: Option<JoinHandle<()>>,
}

impl Prefetch {
    /// Nothing in the background.
    pub fn none() -> Self {
        Prefetch {
            packages: None,
            running: None,
        }
    }

    /// Installs the groups' missing packages in the background, then runs
    /// `then`, apt-get's output in `log`. A failure is a printed line: the
    /// step that needs the package installs it again itself and fails there
    /// with the reason.
    pub fn start(groups: &[Group], log: PathBuf, then: impl FnOnce() + Send + 'static) -> Self {
        let todo = missing(groups);
        let (installed, packages) = mpsc::channel();
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
            let _ = installed.send(());
            then();
        });
        Prefetch {
            packages: Some(packages),
            running: Some(running),
        }
    }

    /// Waits for the packages, if any are being installed.
    pub fn wait_for_packages(&mut self) {
        if let Some(packages) = self.packages.take() {
            // An error means the thread ended without saying: as good as done.
            said_how_long("the background install", || {
                let _ = packages.recv();
            });
        }
    }

    /// Waits for all the background work, `then` included.
    pub fn wait_for_all(&mut self) {
        self.packages = None;
        if let Some(running) = self.running.take() {
            said_how_long("the background work", || {
                if running.join().is_err() {
                    println!(
                        "[apt] the background work panicked; the steps install for themselves"
                    );
                }
            });
        }
    }
}

/// Runs `wait`, and says how long it took when that was noticeable.
fn said_how_long(what: &str, wait: impl FnOnce()) {
    let start = Instant::now();
    wait();
    let waited = start.elapsed();
    if waited > Duration::from_secs(1) {
        println!("[apt] waited {} s for {what}", waited.as_secs());
    }
}

/// Installs every group after one `apt-get update`, output in `log`; a
/// group that fails does not keep the next ones from being installed.
fn install_all(todo: &[(Vec<&'static str>, Recommends)], log: &Path) -> Result<()> {
    let file = File::create(log).with_context(|| log.display().to_string())?;
    let to_log = |mut cmd: Command| -> Result<Command> {
        cmd.stdout(file.try_clone()?)
            .stderr(file.try_clone()?)
            .stdin(Stdio::null());
        Ok(cmd)
    };
    let _only_one = APT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    child::status(&mut to_log(update())?, 10 * MINUTE)?;
    let mut failed = Vec::new();
    for (packages, recommends) in todo {
        let mut cmd = to_log(install_command(packages, *recommends))?;
        if let Err(e) = child::status(&mut cmd, 20 * MINUTE) {
            failed.push(format!("{}: {e:#}", packages.join(" ")));
        }
    }
    if !failed.is_empty() {
        bail!("{}", failed.join("; "));
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
    fn the_packages_can_be_waited_for_without_the_work_after_them() {
        let dir = crate::test_folder::fresh("apt-prefetch");
        let (release, released) = mpsc::channel::<()>();
        let (tx, rx) = mpsc::channel();
        let mut prefetch = Prefetch::start(&[], dir.join("apt.log"), move || {
            // The work after the packages ends only once the test says so.
            let _ = released.recv();
            tx.send("done").unwrap();
        });
        prefetch.wait_for_packages();
        let after_packages = rx.try_recv();
        release.send(()).unwrap();
        prefetch.wait_for_all();
        assert!(
            after_packages.is_err(),
            "waiting for the packages waited for the work after them too"
        );
        assert_eq!(
            rx.try_recv(),
            Ok("done"),
            "wait returned before the work ended"
        );
        // Waiting twice is harmless.
        prefetch.wait_for_all();
        assert!(
            !dir.join("apt.log").exists(),
            "nothing was missing, so apt-get never ran"
        );
    }
}
