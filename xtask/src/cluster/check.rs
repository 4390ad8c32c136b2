//! The test step: bring the cluster up, submit the workbook's own batch
//! scripts with `sbatch` (the jobs and their checks are the ignored tests
//! of `workbook/tests/slurm_jobs.rs`), bring it down, and check that
//! nothing is left listening.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use super::config::Ports;
use super::daemons::START_ORDER;
use super::layout::Layout;
use super::{daemons, database, ports, up};
use crate::child::{self, MINUTE};

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs the jobs' tests matching `filter` (all when empty), ignored ones included.
fn job_tests(root: &Path, filter: &str) -> Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(root)
        // The packages and features `cargo xtask test` tests, so that cargo
        // reuses that build instead of compiling the workbook again.
        .arg("test")
        .args(crate::ci::TESTED_PACKAGES)
        .args(["--test", "slurm_jobs", "--quiet", "--"])
        .args(["--ignored", "--nocapture", "--test-threads=1"]);
    if !filter.is_empty() {
        cmd.arg(filter);
    }
    child::status(&mut cmd, 20 * MINUTE)
        .context("the batch jobs' tests (workbook/tests/slurm_jobs.rs)")
}

/// With one of the cluster's ports held by another program, `up` fails
/// before it starts anything, and names the port and who holds it.
fn busy_port_starts_nothing(layout: &Layout) -> Result<()> {
    if START_ORDER.iter().any(|d| d.running(layout).is_some()) {
        println!("[cluster] skipped the busy-port check: the cluster already runs");
        return Ok(());
    }
    let held = std::net::TcpListener::bind(("127.0.0.1", Ports::SLURMD))
        .with_context(|| format!("port {} is in use before `up`", Ports::SLURMD))?;
    let result = up::up(layout);
    drop(held);
    let err = match result {
        Ok(()) => bail!("`up` started with port {} in use", Ports::SLURMD),
        Err(e) => format!("{e:#}"),
    };
    let left: Vec<&str> = START_ORDER
        .iter()
        .filter(|d| d.running(layout).is_some())
        .map(|d| d.name())
        .collect();
    if !left.is_empty() {
        daemons::down(layout)?;
        bail!(
            "`up` failed on a busy port but left running: {}",
            left.join(", ")
        );
    }
    let who = format!(
        "{} (slurmd's) is held by pid {}",
        Ports::SLURMD,
        std::process::id()
    );
    ensure!(
        err.contains(&who),
        "`up` with a busy port should name it and who holds it; it said: {err}"
    );
    println!("[cluster] a busy port: `up` refused before starting anything");
    Ok(())
}

/// `up`, refused first on a busy port; then up twice (the second only
/// checks), while another local account reads every command line: the
/// database password must never show. Returns the first `up`'s seconds.
fn up_unseen(layout: &Layout) -> Result<f64> {
    busy_port_starts_nothing(layout)?;
    // Another local account reads every command line while `up` runs.
    let probe = crate::probe::ready("the cluster's database password")?;
    let poller = probe.then(crate::probe::Poller::start).transpose()?;
    let start = Instant::now();
    up::up(layout)?;
    let up_s = start.elapsed().as_secs_f64();
    // A second `up` only checks.
    up::up(layout)?;
    let password = database::password(layout)?;
    if let Some(poller) = poller {
        poller
            .finish()?
            .ensure_hidden(&password, "database password")?;
    }
    let account = database::ensure_account(layout, &password)?;
    ensure!(
        account.contains("already in place"),
        "a second `up` should leave the database account as it is, yet: {account}"
    );
    let log = database::log_file(layout);
    ensure!(
        fs::metadata(&log).is_ok_and(|m| m.len() > 0),
        "mariadbd wrote nothing to its log, {}",
        log.display()
    );
    Ok(up_s)
}

pub fn test_step(root: &Path) -> Result<()> {
    let layout = Layout::local();
    let start = Instant::now();
    let up_s = up_unseen(&layout)?;
    // The programs the scripts run, built before any job starts, with the
    // scripts' own commands: another package selection would build `pi` with
    // other features, and the job would spend its time rebuilding it.
    let builds: [&[&str]; 2] = [&["--bin", "pi"], &["-p", "mpi-programs", "--bin", "mpi-pi"]];
    for args in builds {
        let mut build = cargo();
        build
            .current_dir(root)
            .args(["build", "--release", "--quiet"])
            .args(args);
        child::status(&mut build, 30 * MINUTE)?;
    }
    let jobs = job_tests(root, "on_the_cluster")
        .and_then(|()| crate::class::slurm_check::on_the_cluster(root));
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
    crate::class::slurm_check::when_the_cluster_is_down(root)?;
    println!(
        "[cluster] test step: up in {up_s:.1} s, jobs and faults passed, down with nothing left on ports {:?} ({:.0} s in all)",
        Ports::ALL,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
