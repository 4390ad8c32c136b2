//! Where the cluster keeps everything, how each stage of `up` and `down` is
//! reported, and who may run them: the ground every other module of
//! `cluster` stands on (it imports none of them but `packages`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

use super::packages;

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
        bail!(crate::platform::linux_only(&format!(
            "{what}: the local SLURM cluster runs on Debian's packages"
        )));
    }
    if !crate::platform::is_root() {
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

/// Runs one stage of `up` or `down`, then prints what it did and how long it took.
pub fn timed(work: impl FnOnce() -> Result<String>) -> Result<()> {
    let start = Instant::now();
    let said = work()?;
    println!("[cluster] {said} ({:.1} s)", start.elapsed().as_secs_f64());
    Ok(())
}
