//! What a benchmark run leaves behind: the tables and charts in the output
//! folder, and the summary of the workbook's claims, each marked met or missed.

use std::fmt::Write as _;
use std::path::Path;

use workbook::chart;

use crate::Row;

fn rows_of<'a>(rows: &'a [Row], workload: &str, implementation: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r.workload == workload && r.implementation == implementation)
        .collect()
}

pub fn write_outputs(out: &Path, rows: &[Row], side_by_side: usize) {
    let mut csv =
        String::from("workload,implementation,threads,median_seconds,spread,figure,unit\n");
    let mut md = String::from(
        "| workload | implementation | threads | median s | spread | figure |\n|---|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            csv,
            "{},{},{},{:.6},{:.3},{:.3},{}",
            r.workload, r.implementation, r.threads, r.median, r.spread, r.figure, r.unit
        );
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.4} | {:.0} % | {:.1} {} |",
            r.workload,
            r.implementation,
            r.threads,
            r.median,
            r.spread * 100.0,
            r.figure,
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
            side_by_side,
        )
        .save(out.join(format!("{workload}-speedup.svg")));
        let _ = chart::efficiency(
            &format!("{workload}: efficiency against threads"),
            &runs,
            side_by_side,
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

pub fn summary(rows: &[Row], cpus: &workbook::cpus::Cpus) {
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
                p1.figure >= 400.0,
                format!(
                    "pi, 1 thread: {:.0} M throws/s per core (goal 400; {:+.0} %)",
                    p1.figure,
                    (p1.figure / 400.0 - 1.0) * 100.0
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
        let ratio = r.figure / py.figure;
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
                c1.figure >= 200.0,
                format!(
                    "counting numbers, 1 thread: {:.0} MB/s per core (goal 200)",
                    c1.figure
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
            r.figure / py.figure
        );
    }
    if let Some(o) = at("overhead", "rust", two) {
        let py = at("overhead", "python", two);
        println!(
            "{}",
            goal(
                o.figure < 1000.0,
                format!(
                    "rayon per-task overhead, {two} threads: {:.0} ns (goal under 1 µs){}",
                    o.figure,
                    py.map(|p| format!(
                        "; Python pool: {:.1} µs per task, {:.0}x more",
                        p.figure / 1e3,
                        p.figure / o.figure
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
            r.figure,
            py.figure,
            py.figure / r.figure
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
