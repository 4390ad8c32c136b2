//! The workbook's speed claims, measured side by side in one run.
//!
//!     cargo run --release -p bench -- [--quick] [--out DIR] [--no-python]
//!
//! Each workload runs the reference solutions on pools of 1, 2, 4, ... threads
//! up to twice the available parallelism, several times, and keeps the median;
//! its answer is checked after every timed run. The Python originals
//! (`python/baselines.py`, multiprocessing) run beside it when `python3` exists.
//! Writes `results.csv`, `results.md` and SVG charts into DIR (default
//! `target/bench`), and prints ratios. Nothing here asserts a speed.

mod python;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use workbook::chart;

/// One workload measured at one thread count.
#[derive(Clone, Debug)]
struct Row {
    workload: &'static str,
    implementation: &'static str,
    threads: usize,
    median: f64,
    spread: f64,
    /// The workload's own rate (throws/s, MB/s, ns per task), with its unit.
    rate: f64,
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut quick = false;
    let mut python = true;
    let mut out = PathBuf::from("target/bench");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--no-python" => python = false,
            "--out" => {
                out = it
                    .next()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| usage("--out needs a folder"))
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let cpus = workbook::cpus();
    let plan = Plan::new(quick, cpus.available);
    std::fs::create_dir_all(&out).unwrap_or_else(|e| usage(&format!("{}: {e}", out.display())));
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
            row.rate,
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
            rate: plan.pi_throws as f64 / median / 1e6,
            unit: "M throws/s",
        });
    }

    // Counting numbers in files: MB/s, chapter 08's parallel count.
    let data = out.join("numbers");
    let paths =
        workbook::counting::write_number_files(&data, plan.count_files, plan.count_lines, 8)
            .unwrap_or_else(|e| usage(&e));
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
            rate: bytes as f64 / median / 1e6,
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
            rate: median * 1e3,
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
        rate: median * 1e6,
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
            rate: work / median,
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
            rate: median / n as f64 * 1e9,
            unit: "ns/task",
        });
    }

    if python {
        let python_rows = python::baselines(&plan, &paths, quick);
        for row in python_rows {
            record(row);
        }
    }

    let physical = cpus.physical;
    write_outputs(&out, &rows, physical);
    summary(&rows, &cpus);
}

fn usage(problem: &str) -> ! {
    eprintln!("bench: {problem}\nusage: bench [--quick] [--out DIR] [--no-python]");
    std::process::exit(2)
}

fn rows_of<'a>(rows: &'a [Row], workload: &str, implementation: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r.workload == workload && r.implementation == implementation)
        .collect()
}

fn write_outputs(out: &Path, rows: &[Row], physical: usize) {
    let mut csv = String::from("workload,implementation,threads,median_seconds,spread,rate,unit\n");
    let mut md = String::from(
        "| workload | implementation | threads | median s | spread | rate |\n|---|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            csv,
            "{},{},{},{:.6},{:.3},{:.3},{}",
            r.workload, r.implementation, r.threads, r.median, r.spread, r.rate, r.unit
        );
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.4} | {:.0} % | {:.1} {} |",
            r.workload,
            r.implementation,
            r.threads,
            r.median,
            r.spread * 100.0,
            r.rate,
            r.unit
        );
    }
    let write = |name: &str, text: &str| {
        if let Err(e) = std::fs::write(out.join(name), text) {
            eprintln!("bench: could not write {name}: {e}");
        }
    };
    write("results.csv", &csv);
    write("results.md", &md);
    for workload in ["pi", "count", "fib", "spin"] {
        let runs: Vec<(usize, f64)> = rows_of(rows, workload, "rust")
            .iter()
            .map(|r| (r.threads, r.median))
            .collect();
        if runs.len() < 2 {
            continue;
        }
        let _ = chart::speedup(
            &format!("{workload}: speedup against threads"),
            &runs,
            physical,
        )
        .save(out.join(format!("{workload}-speedup.svg")));
        let _ = chart::efficiency(
            &format!("{workload}: efficiency against threads"),
            &runs,
            physical,
        )
        .save(out.join(format!("{workload}-efficiency.svg")));
    }
    println!(
        "bench: wrote {}/results.csv, results.md and *-speedup.svg, *-efficiency.svg",
        out.display()
    );
}

/// A goal line: `met` or how far off.
fn goal(met: bool, what: String) -> String {
    format!("  [{}] {what}", if met { "met" } else { "MISSED" })
}

fn summary(rows: &[Row], cpus: &workbook::cpus::Cpus) {
    let at = |w: &str, i: &str, t: usize| {
        rows_of(rows, w, i)
            .into_iter()
            .find(|r| r.threads == t)
            .cloned()
    };
    let two = 2.min(cpus.available.max(1));
    println!(
        "\nsummary (ratios measured side by side in this run; goals from the workbook's claims):"
    );
    if let (Some(p1), Some(p2)) = (at("pi", "rust", 1), at("pi", "rust", 2)) {
        println!(
            "{}",
            goal(
                p1.rate >= 400.0,
                format!(
                    "pi, 1 thread: {:.0} M throws/s per core (goal 400; {:+.0} %)",
                    p1.rate,
                    (p1.rate / 400.0 - 1.0) * 100.0
                )
            )
        );
        let s = p1.median / p2.median;
        println!(
            "{}",
            goal(
                s >= 1.8,
                format!(
                    "pi, 2 threads: {s:.2}x the 1-thread speed (goal 1.8x on 2 cores; {} available here)",
                    cpus.available
                )
            )
        );
    }
    if let (Some(r), Some(py)) = (at("pi", "rust", two), at("pi", "python", two)) {
        let ratio = r.rate / py.rate;
        println!(
            "{}",
            goal(
                ratio >= 30.0,
                format!(
                    "pi, {two} workers: Rust {ratio:.0}x the Python multiprocessing rate (goal 30x)"
                )
            )
        );
    }
    if let (Some(c1), Some(c2)) = (at("count", "rust", 1), at("count", "rust", 2)) {
        println!(
            "{}",
            goal(
                c1.rate >= 200.0,
                format!(
                    "counting numbers, 1 thread: {:.0} MB/s per core (goal 200)",
                    c1.rate
                )
            )
        );
        let s = c1.median / c2.median;
        println!(
            "{}",
            goal(
                s >= 1.8,
                format!("counting numbers, 2 threads: {s:.2}x (goal 1.8x)")
            )
        );
    }
    if let (Some(r), Some(py)) = (at("count", "rust", two), at("count", "python", two)) {
        println!(
            "  counting numbers, {two} workers: Rust {:.0}x the Python rate",
            r.rate / py.rate
        );
    }
    if let Some(o) = at("overhead", "rust", two) {
        let py = at("overhead", "python", two);
        println!(
            "{}",
            goal(
                o.rate < 1000.0,
                format!(
                    "rayon per-task overhead, {two} threads: {:.0} ns (goal under 1 µs){}",
                    o.rate,
                    py.map(|p| format!(
                        "; Python pool: {:.1} µs per task, {:.0}x more",
                        p.rate / 1e3,
                        p.rate / o.rate
                    ))
                    .unwrap_or_default()
                )
            )
        );
    }
    if let (Some(r), Some(py)) = (
        at("fib-map", "rust", cpus.available),
        at("fib-map", "python", cpus.available),
    ) {
        println!(
            "  Fibonacci map over 0..30 (chunks of 2): Rust {:.0} µs, Python {:.0} µs ({:.0}x)",
            r.rate,
            py.rate,
            py.rate / r.rate
        );
    }
    if let (Some(r), Some(py)) = (at("spin", "rust", two), at("spin", "python", two)) {
        println!(
            "  spinning tasks, {two} workers: Rust {:.2} s, Python {:.2} s (fixed-length tasks: equal by design; the gap is pool overhead)",
            r.median, py.median
        );
    }
    let noisy = rows.iter().filter(|r| r.spread > 0.25).count();
    if noisy > 0 {
        println!(
            "  warning: {noisy} of {} measurements spread more than 25 % between runs: the machine is busy, trust the ratios less",
            rows.len()
        );
    }
}
