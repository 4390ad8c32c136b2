//! `cargo xtask bench [--quick]`: the Rust workloads beside the Python
//! originals (the `bench` crate), then what a learner waits for: the kernel's
//! warm cell latency and, in the full run, each solved notebook's time; in
//! the full run too, what an instructor waits for: grading a class.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::child::{self, MINUTE};
use crate::notebooks;
use crate::setup::Env;

/// What `xtask/kernel_latency.py` reports.
#[derive(Debug, Deserialize)]
struct Latency {
    median_s: f64,
    max_s: f64,
}

/// What `xtask/first_cell.py` reports: a notebook's first cell in a kernel
/// with an empty build folder, then in the next kernel.
#[derive(Debug, Deserialize)]
struct FirstCell {
    cold_s: f64,
    warm_s: f64,
    /// The load averages (1, 5, 15 minutes) when it started, where known.
    load: Option<Vec<f64>>,
}

/// The goal for a trivial warm cell, in seconds.
const LATENCY_GOAL: f64 = 1.0;

pub fn run(env: &Env, quick: bool) -> Result<()> {
    let out = crate::output_dir(&env.root, "bench");
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&env.root)
        // By the binary's name, not `-p bench`: the workspace's default
        // selection, as in the SLURM script's `cargo build --release --bin pi`,
        // so that both use one optimised build of the workbook.
        .args([
            "run",
            "--quiet",
            "--release",
            "--bin",
            "bench",
            "--",
            "--out",
        ])
        .arg(&out);
    if quick {
        cmd.arg("--quick");
    }
    let limit = if quick { 20 * MINUTE } else { 60 * MINUTE };
    child::status(&mut cmd, limit).context("the benchmark failed")?;

    println!("\nkernel: timing trivial warm cells in the Rust kernel");
    let mut report = String::new();
    match latency(env) {
        Ok(l) => {
            let verdict = if l.median_s < LATENCY_GOAL {
                "met"
            } else {
                "MISSED"
            };
            println!(
                "  [{verdict}] kernel warm cell latency: median {:.2} s, slowest {:.2} s (goal: median under {LATENCY_GOAL} s)",
                l.median_s, l.max_s
            );
            let _ = writeln!(
                report,
                "| kernel warm cell latency, median | {:.3} s |",
                l.median_s
            );
        }
        Err(e) => println!("  kernel latency not measured: {e:#}"),
    }

    println!("\nkernel: timing a notebook's first cell, cold then warm (two new kernels)");
    match first_cell(env) {
        Ok(f) => {
            let load = f.load.map_or("not known".into(), |l| format!("{l:?}"));
            println!(
                "  first cell: {:.1} s cold (empty build folder), {:.1} s warm (the next kernel); load averages {load}",
                f.cold_s, f.warm_s
            );
            let _ = writeln!(report, "| first cell, cold | {:.1} s |", f.cold_s);
            let _ = writeln!(report, "| first cell, warm | {:.1} s |", f.warm_s);
        }
        Err(e) => println!("  first cell not measured: {e:#}"),
    }

    if !quick {
        println!("\nnotebooks: executing every solved notebook, as a learner would wait for it");
        let solved: Vec<String> = notebooks::available(&env.root)?
            .into_iter()
            .filter(|n| n.ends_with("-solved"))
            .collect();
        let paths = notebooks::resolve(&env.root, &solved)?;
        // One at a time: each notebook's time is a learner's wait.
        for o in notebooks::execute(env, &paths, false, 1)? {
            let status = if o.ok { "ok" } else { "FAIL" };
            let _ = writeln!(
                report,
                "| notebook {} ({status}) | {:.1} s |",
                o.notebook, o.seconds
            );
        }
    }
    class(&env.root, quick, &out)?;
    let md = out.join("kernel.md");
    let table = format!("| what a learner waits for | time |\n|---|---:|\n{report}");
    std::fs::write(&md, table).with_context(|| md.display().to_string())?;
    println!("bench: wrote {}", md.display());
    Ok(())
}

/// Times grading a class of synthetic learners, into `out/class.md`;
/// skipped, saying so, with `--quick`.
fn class(root: &Path, quick: bool, out: &Path) -> Result<()> {
    let learners = crate::class::BENCH_LEARNERS;
    println!(
        "\nclass: grading {learners} synthetic learners' answers, as an instructor waits for it"
    );
    if quick {
        println!(
            "  class grading skipped with --quick: it takes about 10 minutes on 2 cores \
             (`cargo xtask class bench` runs it alone)"
        );
        return Ok(());
    }
    match crate::class::bench_time(root) {
        Ok(t) => {
            println!("  class grading: {}", t.summary());
            let table = format!(
                "| what an instructor waits for | time |\n|---|---:|\n\
                 | class of {learners} graded ({} rows) | {:.0} s |\n\
                 | per learner | {:.1} s |\n",
                t.rows,
                t.grading_s,
                t.per_learner_s()
            );
            let md = out.join("class.md");
            std::fs::write(&md, table).with_context(|| md.display().to_string())?;
        }
        Err(e) => println!("  class grading not measured: {e:#}"),
    }
    Ok(())
}

/// Runs the latency probe (at most 10 minutes: the first cell compiles).
fn latency(env: &Env) -> Result<Latency> {
    probe(env, "xtask/kernel_latency.py", &[])
}

/// Times the notebooks' first cell in two kernels (at most 30 minutes).
fn first_cell(env: &Env) -> Result<FirstCell> {
    probe(env, "xtask/first_cell.py", &[crate::codegen::WORKBOOK_DEP])
}

/// Runs a probe script from `notebooks/`, as JupyterLab runs kernels, and
/// reads its last line.
fn probe<T: serde::de::DeserializeOwned>(env: &Env, script: &str, args: &[&str]) -> Result<T> {
    let output = child::output(
        env.venv_command("python")
            .arg(env.root.join(script))
            .args(args)
            .current_dir(env.root.join("notebooks")),
        30 * MINUTE,
    )?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("{}", stderr.lines().last().unwrap_or("no output"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("the probe answered {line:?}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_probe_lines_read_as_json() {
        let l: super::Latency =
            serde_json::from_str(r#"{"median_s": 0.25, "max_s": 0.5, "cells": 7}"#).unwrap();
        assert_eq!((l.median_s, l.max_s), (0.25, 0.5));
        let f: super::FirstCell =
            serde_json::from_str(r#"{"cold_s": 47.9, "warm_s": 10.9, "load": null}"#).unwrap();
        assert_eq!((f.cold_s, f.warm_s, f.load), (47.9, 10.9, None));
    }
}
