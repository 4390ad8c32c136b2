//! The test step: bring the cluster up, submit the workbook's own batch
//! scripts with `sbatch` (the jobs and their checks are the ignored tests
//! of `workbook/tests/slurm_jobs.rs`), bring it down, and check that
//! nothing is left listening.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::config::Ports;
use super::daemons::START_ORDER;
use super::{Layout, daemons, ports, up};
use crate::child::{self, MINUTE};

/// Runs the jobs' tests matching `filter` (all when empty), ignored ones included.
fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn job_tests(root: &Path, filter: &str) -> Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(root)
        .args([
            "test",
            "-p",
            "workbook",
            "--test",
            "slurm_jobs",
            "--quiet",
            "--",
        ])
        .args(["--ignored", "--nocapture", "--test-threads=1"]);
    if !filter.is_empty() {
        cmd.arg(filter);
    }
    child::status(&mut cmd, 20 * MINUTE)
        .context("the batch jobs' tests (workbook/tests/slurm_jobs.rs)")
}

pub fn test_step(root: &Path) -> Result<()> {
    let layout = Layout::local();
    let start = Instant::now();
    up::up(&layout)?;
    let up_s = start.elapsed().as_secs_f64();
    // A second `up` only checks.
    up::up(&layout)?;
    // The programs the scripts run, built before any job starts, with the
    // scripts' own commands: another package selection would build `pi` with
    // other features, and the job would spend its time rebuilding it.
    let builds: [&[&str]; 2] = [&["--bin", "pi"], &["-p", "cluster", "--bin", "mpi-pi"]];
    for args in builds {
        let mut build = cargo();
        build
            .current_dir(root)
            .args(["build", "--release", "--quiet"])
            .args(args);
        child::status(&mut build, 30 * MINUTE)?;
    }
    let jobs = job_tests(root, "on_the_cluster");
    // Down whatever happened to the jobs: a failed test must not leave daemons behind.
    let pids: Vec<(&str, u32)> = START_ORDER
        .iter()
        .filter_map(|d| Some((d.name(), d.running(&layout)?)))
        .collect();
    let down = daemons::down(&layout);
    jobs?;
    down?;
    let left: Vec<String> = pids
        .iter()
        .filter(|(name, pid)| daemons::alive(*pid, name))
        .map(|(name, pid)| format!("{name} (pid {pid})"))
        .collect();
    if !left.is_empty() {
        bail!("after down, still running: {}", left.join(", "));
    }
    let open = ports::open_among(&Ports::ALL);
    if !open.is_empty() {
        bail!("after down, still listening: {}", open.join(", "));
    }
    // With the daemons gone, a job submitted from a cell gets one clear line.
    job_tests(root, "when_the_cluster_is_down")?;
    println!(
        "[cluster] test step: up in {up_s:.1} s, jobs and faults passed, down with nothing left on ports {:?} ({:.0} s in all)",
        Ports::ALL,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
