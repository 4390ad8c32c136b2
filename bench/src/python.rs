//! The Python originals' versions (`python/baselines.py`, multiprocessing),
//! run once each at the same worker counts as the Rust side, when `python3` exists.
//! Where CPython's free-threaded build is installed too, the pi workload also
//! runs on a pool of threads under both interpreters: the GIL against none.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;
use workbook::process::{Ended, Run};

use crate::{Plan, Row};

/// CPython's free-threaded build: optional since 3.13, officially supported
/// since 3.14 (PEP 779). Its threads run Python code on every core at once.
const FREE_THREADED: &str = "python3.14t";

/// The longest one baseline may run: the full run's slowest takes seconds.
const LIMIT: Duration = Duration::from_secs(300);

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/baselines.py")
}

/// Command-line words from anything printable.
fn argv(parts: &[&dyn std::fmt::Display]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// What `baselines.py` prints: one JSON object.
#[derive(Debug, Deserialize)]
struct Answer {
    seconds: f64,
    result: serde_json::Value,
}

impl Answer {
    /// The result as text: `3.14`, `1346268`.
    fn result_text(&self) -> String {
        match &self.result {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Runs one baseline with the interpreter `python`, at most [`LIMIT`] long;
/// its answer, or says why not.
fn run(python: &str, args: &[String]) -> Result<Answer, String> {
    let ran = Run::new(LIMIT)
        .own_group()
        .start(Command::new(python).arg(script()).args(args))
        .map_err(|e| format!("{python} could not start ({e})"))?;
    match ran.ended {
        Ended::Exited(status) if status.success() => {}
        Ended::Exited(_) => return Err(format!("{args:?} failed: {}", ran.stderr_text().trim())),
        _ => return Err(format!("{args:?} ran past {} s: stopped", LIMIT.as_secs())),
    }
    let stdout = ran.stdout_text();
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("{args:?} answered {line:?} ({e})"))
}

/// Whether `<python> --version` answers within 10 s.
fn present(python: &str) -> bool {
    Run::new(Duration::from_secs(10))
        .start(Command::new(python).arg("--version"))
        .is_ok_and(|ran| matches!(ran.ended, Ended::Exited(s) if s.success()))
}

/// Runs a baseline and checks its answer; `None` (with the reason printed) when it fails.
fn checked(python: &str, args: Vec<String>, check: &dyn Fn(&str) -> bool) -> Option<f64> {
    match run(python, &args) {
        Ok(answer) if check(&answer.result_text()) => Some(answer.seconds),
        Ok(answer) => {
            println!(
                "  python {} gave a wrong answer ({}): skipped",
                args[0],
                answer.result_text()
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
    if !present("python3") {
        println!("  python3 is not installed: the Python baselines are skipped");
        return Vec::new();
    }
    let available = workbook::cpus().available;
    let mut workers = vec![1, 2.min(available)];
    workers.dedup();
    let mut rows = Vec::new();
    let mut push_as = |implementation, workload, threads, seconds: f64, figure, unit| {
        rows.push(Row {
            workload,
            implementation,
            threads,
            median: seconds,
            spread: 0.0,
            figure,
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
    let pi_ok = |r: &str| {
        r.parse::<f64>()
            .is_ok_and(|pi| (pi - std::f64::consts::PI).abs() < 0.05)
    };
    let free_threaded = present(FREE_THREADED);
    if !free_threaded {
        println!(
            "  {FREE_THREADED} (CPython's free-threaded build) is not installed: \
             the Python thread-pool baselines are skipped"
        );
    }

    for &w in &workers {
        let with_workers =
            |parts: &[&dyn std::fmt::Display]| [argv(parts), argv(&[&"--workers", &w])].concat();
        let mut push = |workload, threads, seconds, figure, unit| {
            push_as("python", workload, threads, seconds, figure, unit)
        };
        let pi = with_workers(&[&"pi", &"--throws", &throws]);
        if let Some(secs) = checked("python3", pi.clone(), &pi_ok) {
            push("pi", w, secs, throws as f64 / secs / 1e6, "M throws/s");
        }
        let dir = subset.display();
        if let Some(secs) = checked("python3", with_workers(&[&"count", &"--dir", &dir]), &|r| {
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
        if let Some(secs) = checked("python3", spin, &|r| !r.is_empty()) {
            push(
                "spin",
                w,
                secs,
                plan.spin_tasks as f64 * spin_secs / secs,
                "cores busy",
            );
        }
        let overhead = with_workers(&[&"overhead", &"--tasks", &overhead_tasks]);
        if let Some(secs) = checked("python3", overhead, &|r| r == overhead_tasks.to_string()) {
            push(
                "overhead",
                w,
                secs,
                secs / overhead_tasks as f64 * 1e9,
                "ns/task",
            );
        }
        if free_threaded {
            let on_threads = [pi, argv(&[&"--pool", &"thread"])].concat();
            for (python, implementation) in [
                ("python3", "python-threads"),
                (FREE_THREADED, "python3.14t-threads"),
            ] {
                if let Some(secs) = checked(python, on_threads.clone(), &pi_ok) {
                    let rate = throws as f64 / secs / 1e6;
                    push_as(implementation, "pi", w, secs, rate, "M throws/s");
                }
            }
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
    if let Some(secs) = checked("python3", fib, &|r| r == "1346268") {
        push_as("python", "fib-map", available, secs, secs * 1e6, "µs");
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_as_json_and_its_result_as_text() {
        let a: Answer = serde_json::from_str(
            r#"{"workload": "fib", "workers": 2, "seconds": 0.5, "result": 1346268}"#,
        )
        .unwrap();
        assert_eq!((a.seconds, a.result_text().as_str()), (0.5, "1346268"));
        assert!(serde_json::from_str::<Answer>("seconds=0.5 result=3").is_err());
    }

    #[test]
    fn the_python_script_answers_in_json() {
        if !present("python3") {
            return; // nothing to talk to here
        }
        let answer = run(
            "python3",
            &argv(&[&"pi", &"--throws", &20_000, &"--workers", &1]),
        )
        .unwrap();
        let pi: f64 = answer.result_text().parse().unwrap();
        assert!((pi - std::f64::consts::PI).abs() < 0.1, "{pi}");
        assert!(answer.seconds >= 0.0);
        let err = run("python3", &argv(&[&"pi", &"--workers", &0])).unwrap_err();
        assert!(err.contains("at least 1"), "{err}");
    }

    #[test]
    fn the_python_script_runs_pi_on_a_pool_of_threads() {
        if !present("python3") {
            return; // nothing to talk to here
        }
        let args = argv(&[
            &"pi",
            &"--throws",
            &20_000,
            &"--workers",
            &2,
            &"--pool",
            &"thread",
        ]);
        let answer = run("python3", &args).unwrap();
        let pi: f64 = answer.result_text().parse().unwrap();
        assert!((pi - std::f64::consts::PI).abs() < 0.1, "{pi}");
    }

    #[test]
    fn a_missing_interpreter_is_not_present() {
        assert!(!present("python3.14t-that-does-not-exist"));
    }
}
