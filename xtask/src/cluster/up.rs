//! `up`: packages, folders, the munge key, the configuration, then the
//! daemons in order, and a bounded wait until the node is idle. Every stage
//! is skipped when already done, so a second `up` only checks.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::config::{self, Node};
use super::daemons::{Daemon, START_ORDER};
use super::layout::{Layout, timed};
use super::{database, packages, ports, privileges};
use crate::child::{self, SECOND};
use crate::platform;

/// How long the node may take to report itself idle after slurmd starts.
const IDLE_LIMIT: Duration = Duration::from_secs(120);

pub fn up(layout: &Layout) -> Result<()> {
    super::layout::require_root_on_linux("cargo xtask cluster up")?;
    let facts = privileges::Facts::here();
    if let Some(why) =
        privileges::container_lacks(&facts).or(privileges::host_name_unusable(&facts))
    {
        bail!(why);
    }
    let start = Instant::now();
    // Before anything is installed or started: a port in use would stop
    // `up` half-way, with the daemons before it left running.
    timed(|| ports_free(layout))?;
    timed(packages::ensure)?;
    timed(|| folders(layout))?;
    let node = Node::detect()?;
    let conf = config::slurm_conf(layout, &node);
    if write_if_changed(&layout.slurm_conf(), &conf, 0o644)? {
        // Daemons started with another configuration would disagree with it.
        for daemon in [Daemon::Slurmd, Daemon::Slurmctld, Daemon::Slurmdbd] {
            if daemon.running(layout).is_some() {
                println!(
                    "[cluster] the configuration changed: {}",
                    daemon.stop(layout)?
                );
            }
        }
        println!(
            "[cluster] wrote {} (node {}: {})",
            layout.slurm_conf().display(),
            node.name,
            node.hardware
        );
    }
    let mut started = Vec::new();
    if let Err(e) = start_all(layout, &mut started) {
        // Stop what this `up` started, so that a failed one leaves nothing
        // running (what an earlier `up` started stays).
        for daemon in started.iter().rev() {
            match daemon.stop(layout) {
                Ok(said) => println!("[cluster] {said}"),
                Err(stop) => println!("[cluster] {stop:#}"),
            }
        }
        return Err(e);
    }
    println!(
        "[cluster] up in {:.1} s: node {} with {} CPUs, every daemon on 127.0.0.1 only",
        start.elapsed().as_secs_f64(),
        node.name,
        node.cpus
    );
    println!(
        "[cluster] in your shell: eval \"$(cargo xtask cluster env)\"   then sbatch, squeue, sacct"
    );
    println!("[cluster] stop it with: cargo xtask cluster down");
    Ok(())
}

/// Every daemon's port is free, unless that daemon already runs.
fn ports_free(layout: &Layout) -> Result<String> {
    let taken: Vec<String> = START_ORDER
        .iter()
        .filter(|d| d.running(layout).is_none())
        .filter_map(|d| {
            let port = d.port()?;
            if ports::open_among(&[port]).is_empty() {
                return None;
            }
            let who = ports::holder(port).unwrap_or_else(|| "another program".into());
            Some(format!("{port} ({}'s) is held by {who}", d.name()))
        })
        .collect();
    if !taken.is_empty() {
        bail!(
            "the cluster cannot start, its ports are in use: {}. Nothing was started. \
             Another checkout's cluster? Run `cargo xtask cluster down` there (or see `ss -ltnp`)",
            taken.join("; ")
        );
    }
    Ok("the cluster's ports: free".into())
}

/// Starts the daemons in order, noting in `started` those this call started,
/// then waits for the node and checks where each listens.
fn start_all(layout: &Layout, started: &mut Vec<Daemon>) -> Result<()> {
    for daemon in START_ORDER {
        match daemon {
            Daemon::Mariadb => println!("[cluster] {}", database::ensure_installed(layout)?),
            Daemon::Slurmdbd => database_account(layout)?,
            _ => {}
        }
        if daemon.running(layout).is_none() {
            started.push(daemon);
        }
        timed(|| daemon.start(layout))?;
    }
    timed(|| wait_idle(layout))?;
    for daemon in START_ORDER {
        if let Some(pid) = daemon.running(layout) {
            let exposed = ports::exposed(pid);
            if !exposed.is_empty() {
                bail!(
                    "{} listens beyond this machine, on {}: stopping here",
                    daemon.name(),
                    exposed.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// The state folder's layout, and munged's key (made once, this cluster's own).
fn folders(layout: &Layout) -> Result<String> {
    for dir in [
        layout.run(),
        layout.log(),
        layout.spool().join("slurmctld"),
        layout.spool().join("slurmd"),
        layout.jobs(),
    ] {
        fs::create_dir_all(dir)?;
    }
    fs::create_dir_all(layout.etc())?;
    // Readable by all: the client tools of a learner who is not root read slurm.conf here
    // (the files holding the database password are mode 600 themselves).
    platform::set_mode(&layout.etc(), 0o755)?;
    // munged refuses a socket folder it does not own, or one of mode 0700.
    fs::create_dir_all(layout.munge())?;
    platform::set_mode(&layout.munge(), 0o755)?;
    database::chown(&layout.munge(), "munge")?;
    let key = layout.munge().join("munge.key");
    if !key.is_file() {
        child::status(
            Command::new("mungekey")
                .arg("--create")
                .arg(format!("--keyfile={}", key.display())),
            30 * SECOND,
        )?;
    }
    database::chown(&key, "munge")?;
    platform::set_mode(&key, 0o600)?;
    Ok(format!(
        "state folder {} and munge key: ready",
        layout.dir.display()
    ))
}

/// Before slurmdbd: its account in MariaDB and its configuration (mode 600).
fn database_account(layout: &Layout) -> Result<()> {
    let password = database::password(layout)?;
    println!("[cluster] {}", database::ensure_account(layout, &password)?);
    let conf = config::slurmdbd_conf(layout, &password);
    let path = layout.etc().join("slurmdbd.conf");
    if write_if_changed(&path, &conf, 0o600)? && Daemon::Slurmdbd.running(layout).is_some() {
        println!("[cluster] {}", Daemon::Slurmdbd.stop(layout)?);
    }
    Ok(())
}

/// Writes `text` when the file differs; the mode is set either way.
fn write_if_changed(path: &Path, text: &str, mode: u32) -> Result<bool> {
    let changed = fs::read_to_string(path).ok().as_deref() != Some(text);
    if changed {
        fs::write(path, text)?;
    }
    platform::set_mode(path, mode)?;
    Ok(changed)
}

/// Waits until `sinfo` reports the node usable (idle, or running jobs).
fn wait_idle(layout: &Layout) -> Result<String> {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < IDLE_LIMIT {
        let out = child::output(
            Command::new("sinfo")
                .args(["-h", "-o", "%T"])
                .env("SLURM_CONF", layout.slurm_conf()),
            20 * SECOND,
        )?;
        last = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if matches!(last.as_str(), "idle" | "mixed" | "allocated") {
            return Ok(format!("node {last} in sinfo"));
        }
        thread::sleep(Duration::from_millis(500));
    }
    bail!(
        "the node was still {last:?} after {} s (see {}/slurmd.log and slurmctld.log)",
        IDLE_LIMIT.as_secs(),
        layout.log().display()
    )
}
