//! The SLURM step's check of `class grade --slurm`: a small class graded
//! once here and once on the local cluster must give the same gradebook,
//! `seconds` aside; with the cluster down, one clear message instead.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Result, ensure};

use super::gradebook::{self, Row};
use super::{Action, Options};

/// The rows of a gradebook, without the `seconds` column.
fn timeless(path: &Path) -> Result<Vec<[String; 5]>> {
    let rows = gradebook::read(path)?;
    Ok(rows
        .into_iter()
        .map(|r: Row| {
            [
                r.learner,
                r.exercise,
                r.source.name().into(),
                r.verdict.name().into(),
                r.message,
            ]
        })
        .collect())
}

/// With the cluster up: the small class of the `class` step, graded here and
/// on the cluster, one array task per learner.
pub fn on_the_cluster(root: &Path) -> Result<()> {
    let dir = crate::target_dir(root).join("class-slurm-test");
    let _ = fs::remove_dir_all(&dir);
    let class = dir.join("class");
    super::selftest::write_small_class(root, &class)?;
    let options = |name: &str, slurm| Options {
        dir: class.clone(),
        out: dir.join(name),
        html: None,
        jobs: 2,
        no_sandbox: false,
        slurm,
    };
    let start = Instant::now();
    super::run(root, Action::Grade(options("local.csv", false)))?;
    let local_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    super::run(root, Action::Grade(options("cluster.csv", true)))?;
    let cluster_s = start.elapsed().as_secs_f64();
    let local = timeless(&dir.join("local.csv"))?;
    let cluster = timeless(&dir.join("cluster.csv"))?;
    // 24 rows each, plus a second source: alice's chapter 1, carol's chapter 2.
    ensure!(
        local.len() == 3 * 24 + 2 + 3,
        "the local gradebook has {} rows",
        local.len()
    );
    let differ: Vec<String> = local
        .iter()
        .zip(&cluster)
        .filter(|(l, c)| l != c)
        .map(|(l, c)| format!("here {l:?}, on the cluster {c:?}"))
        .collect();
    ensure!(
        local.len() == cluster.len() && differ.is_empty(),
        "class grade --slurm gave {} rows, {} here; differing:\n  {}",
        cluster.len(),
        local.len(),
        differ.join("\n  ")
    );
    let tasks = crate::target_dir(root).join("class/slurm");
    for index in 0..3 {
        let out = tasks.join(format!("task-{index}.out"));
        ensure!(out.is_file(), "no array task wrote {}", out.display());
    }
    println!(
        "[cluster] class grade --slurm: the same {} rows as a local run ({cluster_s:.0} s on the \
         cluster, {local_s:.0} s here)",
        local.len()
    );
    Ok(())
}

/// With the cluster down: `--slurm` says so in one message, before building anything.
pub fn when_the_cluster_is_down(root: &Path) -> Result<()> {
    let dir = crate::target_dir(root).join("class-slurm-test");
    let options = Options {
        dir: dir.join("class"),
        out: dir.join("down.csv"),
        html: None,
        jobs: 2,
        no_sandbox: false,
        slurm: true,
    };
    let said = match super::run(root, Action::Grade(options)) {
        Ok(()) => anyhow::bail!("class grade --slurm ran with the cluster down"),
        Err(e) => format!("{e:#}"),
    };
    ensure!(
        said.contains("no SLURM controller answers") && said.contains("cargo xtask cluster up"),
        "with the cluster down, class grade --slurm said: {said}"
    );
    println!("[cluster] class grade --slurm with the cluster down: {said}");
    Ok(())
}
