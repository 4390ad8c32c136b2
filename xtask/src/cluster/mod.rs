//! `cargo xtask cluster up | status | env | down`: a one-node SLURM cluster
//! on this machine, from Debian's packages, with accounting (slurmdbd on
//! MariaDB) so that `sacct` works as on a real site. Everything it writes
//! lives in one state folder, `target/cluster/`; every daemon listens on
//! 127.0.0.1 only; `down` stops only the daemons `up` started, by pid file.

mod config;
mod daemons;
mod database;
mod packages;
pub mod ports;
mod step;
mod up;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Subcommand;

pub use step::test_step;

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Install what is missing (root), configure and start the cluster
    Up,
    /// `sinfo`, and each daemon: its pid, whether it runs, where it listens
    Status,
    /// The `export` lines for the client tools: eval "$(cargo xtask cluster env)"
    Env,
    /// Cancel the cluster's jobs and stop the daemons `up` started
    Down,
}

pub fn run(action: Action) -> Result<()> {
    let layout = Layout::local();
    match action {
        Action::Up => up::up(&layout),
        Action::Status => daemons::status(&layout),
        Action::Env => {
            println!("export SLURM_CONF={}", shell_quote(&layout.slurm_conf()));
            if !layout.slurm_conf().is_file() {
                eprintln!("(no cluster configured yet: run `cargo xtask cluster up` first)");
            }
            Ok(())
        }
        Action::Down => daemons::down(&layout),
    }
}

/// Where the cluster keeps everything: `target/cluster/` and folders in it.
#[derive(Clone, Debug)]
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    /// The state folder of this workspace: `cluster/` in cargo's target
    /// folder (`CARGO_TARGET_DIR` when set), where `workbook::slurm` looks.
    pub fn local() -> Layout {
        Layout {
            dir: crate::target_dir(&crate::root()).join("cluster"),
        }
    }

    /// Configuration files, the database password among them.
    pub fn etc(&self) -> PathBuf {
        self.dir.join("etc")
    }
    pub fn slurm_conf(&self) -> PathBuf {
        self.etc().join("slurm.conf")
    }
    /// Pid files and sockets.
    pub fn run(&self) -> PathBuf {
        self.dir.join("run")
    }
    pub fn log(&self) -> PathBuf {
        self.dir.join("log")
    }
    pub fn spool(&self) -> PathBuf {
        self.dir.join("spool")
    }
    /// MariaDB's data folder.
    pub fn db(&self) -> PathBuf {
        self.dir.join("mariadb")
    }
    /// The output files of the test step's jobs.
    pub fn jobs(&self) -> PathBuf {
        self.dir.join("jobs")
    }
    /// munged's folder (socket, pid, log, seed): it must belong to user munge.
    pub fn munge(&self) -> PathBuf {
        self.dir.join("munge")
    }
    pub fn munge_socket(&self) -> PathBuf {
        self.munge().join("munge.socket")
    }
}

/// Refuses to go on where the daemons cannot run, saying what to do instead.
pub fn require_root_on_linux(what: &str) -> Result<()> {
    if !cfg!(target_os = "linux") {
        bail!(
            "{what}: not on this platform. The local SLURM cluster needs Linux (Debian's \
             packages); on macOS or Windows, run it in a Debian container or virtual machine"
        );
    }
    if !crate::setup::is_root() {
        println!("{what} needs root: the cluster's daemons (munged, MariaDB, slurmdbd, slurmctld,");
        println!(
            "slurmd) run as root or as their own users, and jobs as whoever submits them. Run:"
        );
        println!();
        if what.ends_with(" up") {
            let packages = packages::PACKAGES.join(" ");
            println!("  sudo apt-get install -y --no-install-recommends {packages}");
        }
        println!("  sudo env \"PATH=$PATH\" {what}");
        println!();
        bail!("{what}: not root");
    }
    Ok(())
}

/// Runs one step, then prints what it did and how long it took.
pub fn step(work: impl FnOnce() -> Result<String>) -> Result<()> {
    let start = Instant::now();
    let said = work()?;
    println!("[cluster] {said} ({:.1} s)", start.elapsed().as_secs_f64());
    Ok(())
}

/// A path quoted for a POSIX shell.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(
            shell_quote(Path::new("/work/target/cluster")),
            "/work/target/cluster"
        );
        assert_eq!(shell_quote(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }

    #[test]
    fn everything_lives_in_the_state_folder_under_target() {
        let layout = Layout::local();
        assert!(layout.dir.ends_with("cluster"));
        for path in [
            layout.slurm_conf(),
            layout.db(),
            layout.munge_socket(),
            layout.jobs(),
        ] {
            assert!(path.starts_with(&layout.dir), "{}", path.display());
        }
    }
}
