//! The workbook's batch scripts, submitted with `sbatch` to the local
//! cluster. `cargo xtask test` runs these between `cargo xtask cluster up`
//! and `down` (they are ignored otherwise: they need the daemons):
//!
//! ```text
//! cargo xtask cluster up
//! cargo test --workspace --exclude exercises --exclude mpi-programs --features workbook/loom \
//!     --test slurm_jobs -- --ignored --nocapture --test-threads=1 on_the_cluster
//! ```
//!
//! This is `cargo xtask test`'s own selection, which reuses its build;
//! `cargo test -p workbook --test slurm_jobs ...` runs them too, after
//! compiling the workbook again for that narrower selection.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use workbook::slurm::{Finished, NOT_UP, Slurm, Submitted};

fn cluster() -> Slurm {
    let slurm = Slurm::local();
    if let Err(e) = slurm.check_up() {
        panic!("{e}");
    }
    slurm
}

fn script(name: &str) -> PathBuf {
    workbook::workspace_root().join("slurm").join(name)
}

fn out_dir() -> PathBuf {
    workbook::slurm::local_state_dir().join("jobs")
}

/// Submits, prints what a learner would type and see, waits (bounded).
fn run(slurm: &Slurm, name: &str, options: &[&str], env: &[(&str, &str)]) -> Finished {
    let job = slurm
        .sbatch(&script(name), options, env, &out_dir())
        .unwrap();
    print!("{job}");
    let finished = slurm.wait(&job, Duration::from_secs(300)).unwrap();
    print!("{finished}");
    finished
}

/// The `key=value` fields of the program's last line (`pi=3.14 throws=...`).
fn record(output: &str) -> Vec<(String, String)> {
    let last = output
        .lines()
        .rev()
        .find(|l| l.starts_with("pi="))
        .unwrap_or_else(|| {
            panic!("the job's output has no pi= line:\n{output}");
        });
    last.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn field(record: &[(String, String)], key: &str) -> String {
    let found = record.iter().find(|(k, _)| k == key);
    found
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {key}= in {record:?}"))
}

fn assert_close_to_pi(record: &[(String, String)]) {
    let estimate: f64 = field(record, "pi").parse().unwrap();
    assert!(
        (estimate - std::f64::consts::PI).abs() < 1e-3,
        "estimate {estimate}"
    );
}

#[test]
#[ignore = "needs the local cluster: cargo xtask cluster up"]
fn pi_sbatch_on_the_cluster() {
    let slurm = cluster();
    let cpus = slurm.node_cpus().unwrap();
    let option = format!("--cpus-per-task={cpus}");
    let done = run(&slurm, "pi.sbatch", &[&option], &[("THROWS", "200000000")]);
    done.completed().unwrap();
    let record = record(&done.output);
    assert_close_to_pi(&record);
    assert_eq!(
        field(&record, "threads"),
        cpus.to_string(),
        "threads follow SLURM_CPUS_PER_TASK"
    );
    assert_eq!(
        (done.accounting.state.as_str(), done.accounting.cpus),
        ("COMPLETED", cpus)
    );
    assert!(done.accounting.elapsed_s < 120, "{}", done.accounting.table);
}

#[test]
#[ignore = "needs the local cluster: cargo xtask cluster up"]
fn pi_mpi_sbatch_on_the_cluster() {
    let slurm = cluster();
    let ranks = slurm.node_cpus().unwrap().min(2);
    let option = format!("--ntasks={ranks}");
    let env = [("THROWS", "200000000")];
    let done = run(
        &slurm,
        "pi-mpi.sbatch",
        &[&option, "--cpus-per-task=1"],
        &env,
    );
    done.completed().unwrap();
    let record = record(&done.output);
    assert_close_to_pi(&record);
    assert_eq!(
        field(&record, "ranks"),
        ranks.to_string(),
        "srun started every rank"
    );
    assert_eq!(done.accounting.state, "COMPLETED");
}

/// The HPC original's scaling run: the same script at 1, 2, 4, ... CPUs,
/// the times read back from `sacct`, drawn with the workbook's chart.
#[test]
#[ignore = "needs the local cluster: cargo xtask cluster up"]
fn scaling_on_the_cluster() {
    let slurm = cluster();
    let node = slurm.node_cpus().unwrap();
    let counts: Vec<usize> = (0..).map(|k| 1 << k).take_while(|&c| c <= node).collect();
    // sacct counts whole seconds: enough darts that one CPU takes several.
    let throws = "4000000000";
    let mut runs = Vec::new();
    println!("cpus  sacct elapsed  program's seconds  estimate");
    for &cpus in &counts {
        let option = format!("--cpus-per-task={cpus}");
        let done = run(
            &slurm,
            "pi.sbatch",
            &[&option, "--job-name=scaling"],
            &[("THROWS", throws)],
        );
        done.completed().unwrap();
        let record = record(&done.output);
        assert_close_to_pi(&record);
        let a = &done.accounting;
        println!(
            "{cpus:>4}  {:>13}  {:>17}  {}",
            a.elapsed,
            field(&record, "seconds"),
            field(&record, "pi")
        );
        runs.push((cpus, a.elapsed_s.max(1) as f64));
    }
    let chart = workbook::chart::speedup(
        "pi.sbatch on the local cluster: elapsed time from sacct",
        &runs,
        workbook::cpus().side_by_side(),
    );
    let file = workbook::slurm::local_state_dir().join("scaling.svg");
    chart.save(&file).unwrap();
    println!(
        "speedups {:?}, chart in {}",
        workbook::scaling::speedups(&runs),
        file.display()
    );
    assert!(chart.svg().contains("ideal"));
}

/// Each way a job goes wrong gives a message naming the job, its state and the cause.
#[test]
#[ignore = "needs the local cluster: cargo xtask cluster up"]
fn faults_on_the_cluster() {
    let slurm = cluster();
    let node = slurm.node_cpus().unwrap();
    let pi = script("pi.sbatch");

    let too_many = format!("--cpus-per-task={}", node + 1);
    let refused = slurm
        .sbatch(&pi, &[&too_many], &[], &out_dir())
        .unwrap_err();
    println!("more CPUs than the node has: {refused}");
    assert!(
        refused.contains("more than the cluster has") && refused.contains(&format!("{node} CPUs")),
        "{refused}"
    );

    // Past --time (SLURM's smallest limit is a minute; it checks every 30 s or so).
    let long = slurm
        .sbatch(
            &pi,
            &["--cpus-per-task=1", "--time=1", "--job-name=too-long"],
            &[("THROWS", "1000000000000")],
            &out_dir(),
        )
        .unwrap();
    let bad = slurm
        .sbatch(
            &pi,
            &["--cpus-per-task=1"],
            &[("THROWS", "lots")],
            &out_dir(),
        )
        .unwrap();
    let failed = slurm
        .wait(&bad, Duration::from_secs(120))
        .unwrap()
        .completed()
        .unwrap_err();
    println!("a bad argument: {failed}");
    assert!(
        failed.starts_with(&format!("job {} (pi) ended FAILED", bad.id)),
        "{failed}"
    );
    assert!(
        failed.contains("lots"),
        "the program's own complaint is shown: {failed}"
    );
    let start = Instant::now();
    let timeout = slurm
        .wait(&long, Duration::from_secs(240))
        .unwrap()
        .completed()
        .unwrap_err();
    println!(
        "past --time ({} s more): {timeout}",
        start.elapsed().as_secs()
    );
    assert!(
        timeout.starts_with(&format!("job {} (too-long) ended TIMEOUT", long.id)),
        "{timeout}"
    );
    assert!(timeout.contains("--time limit of 00:01:00"), "{timeout}");

    // slurmd killed under a running job: the controller declares the node dead.
    let doomed = slurm
        .sbatch(
            &pi,
            &["--cpus-per-task=1", "--no-requeue", "--job-name=doomed"],
            &[("THROWS", "1000000000000")],
            &out_dir(),
        )
        .unwrap();
    wait_for_program(&slurm, &doomed);
    // From here on, slurmd comes back however this test ends, for the tests after it.
    let _back = SlurmdBack(&slurm);
    let slurmd = workbook::slurm::local_state_dir().join("run/slurmd.pid");
    let pid = std::fs::read_to_string(&slurmd).unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    let lost = slurm
        .wait(&doomed, Duration::from_secs(120))
        .unwrap()
        .completed()
        .unwrap_err();
    println!("slurmd killed: {lost}");
    assert!(
        lost.starts_with(&format!("job {} (doomed) ended NODE_FAIL", doomed.id)),
        "{lost}"
    );
    assert!(lost.contains("slurmd died"), "{lost}");
}

/// Waits until the job's program runs: its first step (`ID.0`, started by
/// the script's `srun`), not only the batch script, which may build first.
fn wait_for_program(slurm: &Slurm, job: &Submitted) {
    let start = Instant::now();
    let step = format!("{}.0", job.id);
    loop {
        let out = slurm
            .command("squeue")
            .args(["-h", "-s", "-o", "%i"])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .any(|s| s == step)
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "job {} never reached srun",
            job.id
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Restarts slurmd when dropped, and waits for the node to be idle again
/// (`ReturnToService=2` lets it rejoin).
struct SlurmdBack<'a>(&'a Slurm);

impl Drop for SlurmdBack<'_> {
    fn drop(&mut self) {
        restart_slurmd(self.0);
    }
}

fn restart_slurmd(slurm: &Slurm) {
    let started = slurm.command("slurmd").status().unwrap();
    assert!(started.success());
    let start = Instant::now();
    loop {
        let out = slurm
            .command("sinfo")
            .args(["-h", "-o", "%T"])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).trim() == "idle" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the node did not come back"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Run by `cargo xtask test` after `cluster down`.
#[test]
#[ignore = "needs the local cluster stopped: cargo xtask cluster down"]
fn sbatch_when_the_cluster_is_down() {
    let slurm = Slurm::local();
    assert_eq!(slurm.check_up().unwrap_err(), NOT_UP);
    let refused = slurm
        .sbatch(&script("pi.sbatch"), &[], &[], &out_dir())
        .unwrap_err();
    println!("the cluster down: {refused}");
    assert_eq!(refused, NOT_UP);
}
