//! The Python originals' versions (`python/baselines.py`, multiprocessing),
//! run once each at the same worker counts as the Rust side, when `python3` exists.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Plan, Row};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/baselines.py")
}

/// Runs one baseline; returns (seconds, result) or says why not.
/// Command-line words from anything printable.
fn argv(parts: &[&dyn std::fmt::Display]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

fn run(args: &[String]) -> Result<(f64, String), String> {
    let out = Command::new("python3")
        .arg(script())
        .args(args)
        .output()
        .map_err(|e| format!("python3 could not start ({e})"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
    };
    let seconds = field("seconds")
        .and_then(|s| s.parse().ok())
        .ok_or(format!("no seconds= in {text:?}"))?;
    Ok((seconds, field("result").unwrap_or_default()))
}

/// Runs a baseline and checks its answer; `None` (with the reason printed) when it fails.
fn checked(args: Vec<String>, check: &dyn Fn(&str) -> bool) -> Option<f64> {
    match run(&args) {
        Ok((secs, result)) if check(&result) => Some(secs),
        Ok((_, result)) => {
            println!(
                "  python {} gave a wrong answer ({result}): skipped",
                args[0]
            );
            None
        }
        Err(e) => {
            println!("  python baseline: {e}");
            None
        }
    }
}

pub fn baselines(plan: &Plan, paths: &[PathBuf], quick: bool) -> Vec<Row> {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("  python3 is not installed: the Python baselines are skipped");
        return Vec::new();
    }
    let available = workbook::cpus().available;
    let mut workers = vec![1, 2.min(available)];
    workers.dedup();
    let mut rows = Vec::new();
    let mut push = |workload, threads, seconds: f64, rate, unit| {
        rows.push(Row {
            workload,
            implementation: "python",
            threads,
            median: seconds,
            spread: 0.0,
            rate,
            unit,
        });
    };

    // Python is far slower: smaller inputs, compared by rate.
    let throws: u64 = if quick { 200_000 } else { 2_000_000 };
    let overhead_tasks = if quick { 5_000 } else { 20_000 };
    let files = (paths.len() / 10).max(1);
    // A tenth of the files, in a folder of their own beside the Rust data.
    let data_dir = paths[0].parent().unwrap_or(Path::new("."));
    let subset = data_dir.with_file_name("numbers-python");
    let _ = std::fs::create_dir_all(&subset);
    let mut subset_bytes = 0;
    for p in &paths[..files] {
        let _ = std::fs::copy(p, subset.join(p.file_name().unwrap_or_default()));
        subset_bytes += std::fs::metadata(p).map_or(0, |m| m.len());
    }
    let subset_lines = (files * plan.count_lines).to_string();
    let spin_secs = plan.spin.as_secs_f64();

    for &w in &workers {
        let with_workers =
            |parts: &[&dyn std::fmt::Display]| [argv(parts), argv(&[&"--workers", &w])].concat();
        let pi_ok = |r: &str| {
            r.parse::<f64>()
                .is_ok_and(|pi| (pi - std::f64::consts::PI).abs() < 0.05)
        };
        if let Some(secs) = checked(with_workers(&[&"pi", &"--throws", &throws]), &pi_ok) {
            push("pi", w, secs, throws as f64 / secs / 1e6, "M throws/s");
        }
        let dir = subset.display();
        if let Some(secs) = checked(with_workers(&[&"count", &"--dir", &dir]), &|r| {
            r == subset_lines
        }) {
            push("count", w, secs, subset_bytes as f64 / secs / 1e6, "MB/s");
        }
        let spin = with_workers(&[
            &"spin",
            &"--tasks",
            &plan.spin_tasks,
            &"--seconds",
            &spin_secs,
        ]);
        if let Some(secs) = checked(spin, &|r| !r.is_empty()) {
            push(
                "spin",
                w,
                secs,
                plan.spin_tasks as f64 * spin_secs / secs,
                "cores busy",
            );
        }
        let overhead = with_workers(&[&"overhead", &"--tasks", &overhead_tasks]);
        if let Some(secs) = checked(overhead, &|r| r == overhead_tasks.to_string()) {
            push(
                "overhead",
                w,
                secs,
                secs / overhead_tasks as f64 * 1e9,
                "ns/task",
            );
        }
    }
    let fib = argv(&[
        &"fib",
        &"--workers",
        &available,
        &"--n",
        &30,
        &"--chunksize",
        &2,
    ]);
    if let Some(secs) = checked(fib, &|r| r == "1346268") {
        push("fib-map", available, secs, secs * 1e6, "µs");
    }
    rows
}
