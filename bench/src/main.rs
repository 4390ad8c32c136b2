//! The workbook's speed claims, measured side by side in one run.
//!
//!     cargo run --release --bin bench -- [--quick] [--out DIR] [--no-python]
//!
//! Each workload runs the reference solutions on pools of 1, 2, 4, ... threads
//! up to twice the available parallelism, several times, and keeps the median;
//! its answer is checked after every timed run. The Python originals
//! (`python/baselines.py`, multiprocessing) run beside it when `python3` exists.
//! Writes `results.csv`, `results.md` and SVG charts into DIR (default
//! `target/bench`), and prints ratios. Nothing here asserts a speed.

mod python;
mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use rayon::prelude::*;

/// The workbook's speed claims, measured side by side in one run.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Options {
    /// Seconds instead of minutes (smaller inputs, fewer runs)
    #[arg(long)]
    quick: bool,
    /// Where the tables and charts go
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    out: PathBuf,
    /// Leave out the Python originals
    #[arg(long)]
    no_python: bool,
}

/// One workload measured at one thread count.
#[derive(Clone, Debug)]
struct Row {
    workload: &'static str,
    implementation: &'static str,
    threads: usize,
    median: f64,
    spread: f64,
    /// The workload's own figure, in `unit`: a rate (M throws/s, MB/s, cores
    /// busy) where more is better, or a time (ms, µs, ns per task) where less is.
    figure: f64,
    unit: &'static str,
}

struct Plan {
    reps: usize,
    threads: Vec<usize>,
    pi_throws: u64,
    count_files: usize,
    count_lines: usize,
    fib_n: u32,
    spin_tasks: usize,
    spin: Duration,
    overhead_tasks: usize,
}

impl Plan {
    fn new(quick: bool, available: usize) -> Plan {
        let mut threads = vec![1];
        while threads.last().copied().unwrap_or(1) < 2 * available {
            let next = threads.last().copied().unwrap_or(1) * 2;
            threads.push(next.min(2 * available));
        }
        if quick {
            Plan {
                reps: 3,
                threads,
                pi_throws: 50_000_000,
                count_files: 20,
                count_lines: 200_000,
                fib_n: 30,
                spin_tasks: 8,
                spin: Duration::from_millis(20),
                overhead_tasks: 100_000,
            }
        } else {
            Plan {
                reps: 5,
                threads,
                pi_throws: 400_000_000,
                count_files: 40,
                count_lines: 400_000,
                fib_n: 32,
                spin_tasks: 16,
                spin: Duration::from_millis(25),
                overhead_tasks: 1_000_000,
            }
        }
    }
}

/// Median and spread ((max − min) / median) of `reps` timed runs of `work`,
/// each followed by `check` on its answer.
fn time_runs<T>(reps: usize, mut work: impl FnMut() -> T, check: impl Fn(&T)) -> (f64, f64) {
    let mut secs: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            let answer = work();
            let s = start.elapsed().as_secs_f64();
            check(&answer);
            s
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    (
        median,
        (secs[secs.len() - 1] - secs[0]) / median.max(f64::MIN_POSITIVE),
    )
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

fn fib_seq(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

fn main() {
    let Options {
        quick,
        out,
        no_python,
    } = Options::parse();
    let python = !no_python;
    let cpus = workbook::cpus();
    let plan = Plan::new(quick, cpus.available);
    std::fs::create_dir_all(&out).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
    println!(
        "bench: {} mode, threads {:?}, {} runs each (median kept); {} available, {} physical cores",
        if quick { "quick" } else { "full" },
        plan.threads,
        plan.reps,
        cpus.available,
        cpus.physical
    );

    let mut rows = Vec::new();
    let mut record = |row: Row| {
        println!(
            "  {:<9} {:<6} {:>3} threads  {:>9.4} s  {:>10.1} {}{}",
            row.workload,
            row.implementation,
            row.threads,
            row.median,
            row.figure,
            row.unit,
            if row.spread > 0.25 {
                format!("  (noisy: runs spread {:.0} %)", row.spread * 100.0)
            } else {
                String::new()
            }
        );
        rows.push(row);
    };

    // pi: throws per second, chapter 09's chunked estimate.
    for &t in &plan.threads {
        let (median, spread) = time_runs(
            plan.reps,
            || solutions::ch09_pi::pi_chunked(plan.pi_throws, 2024, t, &workbook::pi::count_hits),
            |pi| {
                assert!(
                    (pi.as_ref().expect("pi") - std::f64::consts::PI).abs() < 0.01,
                    "pi is off: {pi:?}"
                )
            },
        );
        record(Row {
            workload: "pi",
            implementation: "rust",
            threads: t,
            median,
            spread,
            figure: plan.pi_throws as f64 / median / 1e6,
            unit: "M throws/s",
        });
    }

    // Counting numbers in files: MB/s, chapter 08's parallel count.
    let data = out.join("numbers");
    let paths =
        workbook::counting::write_number_files(&data, plan.count_files, plan.count_lines, 8)
            .unwrap_or_else(|e| fail(&e));
    let bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let lines = (plan.count_files * plan.count_lines) as u64;
    for &t in &plan.threads {
        let pool = pool(t);
        let (median, spread) = time_runs(
            plan.reps,
            || {
                pool.install(|| {
                    solutions::ch08_counting::count_files(&paths, &workbook::counting::count_file)
                })
            },
            |table| {
                assert_eq!(
                    table.as_ref().expect("counts").iter().sum::<u64>(),
                    lines,
                    "every line counted once"
                )
            },
        );
        record(Row {
            workload: "count",
            implementation: "rust",
            threads: t,
            median,
            spread,
            figure: bytes as f64 / median / 1e6,
            unit: "MB/s",
        });
    }

    // Fibonacci: chapter 07's recursive split with the cutoff that won there.
    let expected_fib = fib_seq(plan.fib_n);
    for &t in &plan.threads {
        let pool = pool(t);
        let (median, spread) = time_runs(
            plan.reps,
            || pool.install(|| solutions::ch07_fibonacci::fib_par(plan.fib_n, 14, &fib_seq)),
            |&f| assert_eq!(f, expected_fib),
        );
        record(Row {
            workload: "fib",
            implementation: "rust",
            threads: t,
            median,
            spread,
            figure: median * 1e3,
            unit: "ms",
        });
    }
    // And the original's map of f over 0..30, two at a time: all overhead.
    let (median, spread) = time_runs(
        plan.reps,
        || {
            (0..30u32)
                .into_par_iter()
                .with_min_len(2)
                .map(|n| solutions::ch07_fibonacci::fib_checked(n).expect("fits"))
                .sum::<u64>()
        },
        |&s| assert_eq!(s, 1_346_268),
    );
    record(Row {
        workload: "fib-map",
        implementation: "rust",
        threads: cpus.available,
        median,
        spread,
        figure: median * 1e6,
        unit: "µs",
    });

    // Spinning tasks: chapter 01's CPU-bound loop on a pool.
    for &t in &plan.threads {
        let pool = pool(t);
        let (median, spread) = time_runs(
            plan.reps,
            || {
                pool.install(|| {
                    (0..plan.spin_tasks)
                        .into_par_iter()
                        .map(|_| workbook::spin_task(plan.spin))
                        .count()
                })
            },
            |&n| assert_eq!(n, plan.spin_tasks),
        );
        let work = plan.spin_tasks as f64 * plan.spin.as_secs_f64();
        record(Row {
            workload: "spin",
            implementation: "rust",
            threads: t,
            median,
            spread,
            figure: work / median,
            unit: "cores busy",
        });
    }

    // Per-task overhead of the rayon pool: empty tasks.
    for &t in &plan.threads {
        let pool = pool(t);
        let n = plan.overhead_tasks;
        let (median, spread) = time_runs(
            plan.reps,
            || {
                let done = std::sync::atomic::AtomicUsize::new(0);
                pool.scope(|s| {
                    for _ in 0..n {
                        s.spawn(|_| {
                            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        });
                    }
                });
                done.into_inner()
            },
            |&d| assert_eq!(d, n),
        );
        record(Row {
            workload: "overhead",
            implementation: "rust",
            threads: t,
            median,
            spread,
            figure: median / n as f64 * 1e9,
            unit: "ns/task",
        });
    }

    if python {
        let python_rows = python::baselines(&plan, &paths, quick);
        for row in python_rows {
            record(row);
        }
    }

    report::write_outputs(&out, &rows, cpus.side_by_side());
    report::summary(&rows, &cpus);
}

fn fail(problem: &str) -> ! {
    eprintln!("bench: {problem}");
    std::process::exit(2)
}
