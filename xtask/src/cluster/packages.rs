//! Debian's packages for the cluster, installed once and idempotently.

use std::process::Command;

use anyhow::{Result, bail};

use crate::apt::{self, Group, Recommends};
use crate::child;

/// munge (authentication), the controller, the node daemon, the client tools,
/// the PMIx MPI plugin (in the basic plugins), and accounting: slurmdbd on MariaDB.
pub const PACKAGES: [&str; 7] = [
    "munge",
    "slurmctld",
    "slurmd",
    "slurm-client",
    "slurm-wlm-basic-plugins",
    "mariadb-server",
    "slurmdbd",
];

/// The SLURM release Debian 12 ships, which this set-up was written for.
pub const TESTED_SLURM: &str = "22.05";

/// Without the recommended extras. Debian's policy-rc.d keeps them from
/// starting daemons: `up` starts its own.
pub const APT: Group = Group {
    packages: &PACKAGES,
    recommends: Recommends::Without,
};

/// Installs the packages that are missing (none: nothing runs).
pub fn ensure() -> Result<String> {
    let missing: Vec<&str> = PACKAGES
        .iter()
        .copied()
        .filter(|p| !apt::installed(p))
        .collect();
    if !missing.is_empty() {
        if child::first_line(Command::new("apt-get").arg("--version")).is_none() {
            bail!(
                "apt-get is not here: install {} with this system's package manager",
                missing.join(" ")
            );
        }
        println!("[cluster] installing {} with apt-get", missing.join(" "));
        apt::install(&missing, APT.recommends)?;
    }
    let version = child::first_line(Command::new("slurmd").arg("-V")).unwrap_or_default();
    // `slurm-wlm 22.05.8` on Debian 12.
    if !version
        .split_whitespace()
        .any(|w| w.starts_with(TESTED_SLURM))
    {
        println!(
            "[cluster] note: this is {version:?}; the set-up was written for SLURM {TESTED_SLURM} (Debian 12)"
        );
    }
    Ok(if missing.is_empty() {
        format!("packages: all installed ({version})")
    } else {
        format!("packages: installed {} ({version})", missing.join(" "))
    })
}
