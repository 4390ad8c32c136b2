//! `cargo xtask test`: everything CI checks, in one command, one line per step.

use std::process::Command;
use std::time::Instant;

use crate::setup::{self, Env};

/// One step of the suite: a name and the work, which says why it failed.
type Step<'a> = Box<dyn FnOnce() -> Result<(), String> + 'a>;

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("test takes no options, got `{arg}`"));
    }
    let env = setup::ensure_all()?;
    let cargo = || {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(&env.root);
        cmd
    };
    // Without Open MPI the `cluster` crate cannot build: leave it out of the
    // cargo steps, and fail its own step with the install hint instead.
    let skip_mpi: &[&str] = if env.mpi_ready {
        &[]
    } else {
        &["--exclude", "cluster"]
    };
    let mut steps: Vec<(&str, Step)> = vec![
        (
            "generated copies up to date (gen --check)",
            Box::new(|| crate::gen_command(&["--check".into()])),
        ),
        (
            "cargo fmt --check",
            Box::new(|| status(cargo().args(["fmt", "--all", "--", "--check"]))),
        ),
        (
            "cargo clippy --all-targets -- -D warnings",
            Box::new(|| {
                status(
                    cargo()
                        .args(["clippy", "--workspace", "--all-targets", "--quiet"])
                        .args(skip_mpi)
                        .args(["--", "-D", "warnings"]),
                )
            }),
        ),
        (
            // `cargo test -p exercises` is the learner's strict grade: it fails
            // until every exercise is done, so here it is only built.
            "cargo test (workspace: reference solutions, learner summary, MPI runs under mpirun)",
            Box::new(|| {
                status(
                    cargo()
                        .args(["test", "--workspace", "--exclude", "exercises"])
                        .args(skip_mpi),
                )
            }),
        ),
        (
            "cargo test -p exercises builds",
            Box::new(|| status(cargo().args(["test", "-p", "exercises", "--no-run", "--quiet"]))),
        ),
        (
            "every notebook, through the Rust kernel",
            Box::new(|| notebooks(&env, &[])),
        ),
        (
            "the book: builds, every link resolves, checked in headless Chromium",
            Box::new(|| crate::book::test_step(&env.root).map_err(|e| format!("{e:#}"))),
        ),
        (
            // Run so that it cannot rot; it prints speeds and asserts none.
            "cargo xtask bench --quick",
            Box::new(|| crate::bench::run(&env, &["--quick".into()])),
        ),
    ];
    if !env.mpi_ready {
        steps.push((
            "Open MPI for chapter 10",
            Box::new(|| {
                Err(
                    "Open MPI or libclang is missing, so the MPI programs were not built or run: \
                     see [setup] above"
                        .into(),
                )
            }),
        ));
    }
    let mut failed = Vec::new();
    let total = steps.len();
    for (name, step) in steps.drain(..) {
        println!("\n=== {name}");
        let start = Instant::now();
        let result = step();
        let secs = start.elapsed().as_secs_f64();
        match result {
            Ok(()) => println!("=== ok: {name} ({secs:.1} s)"),
            Err(e) => {
                println!("=== FAILED: {name} ({secs:.1} s): {e}");
                failed.push(name);
            }
        }
    }
    println!();
    for name in &failed {
        println!("failed: {name}");
    }
    println!(
        "steps: {} passed, {} failed",
        total - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failed.len()))
    }
}

fn status(cmd: &mut Command) -> Result<(), String> {
    let s = cmd
        .status()
        .map_err(|e| format!("could not start {:?}: {e}", cmd.get_program()))?;
    if s.success() {
        Ok(())
    } else {
        Err(format!("exit status {s}"))
    }
}

/// Executes notebooks through the real kernel: all of them, or those named
/// (`01-threads`, `01-threads-solved.ipynb`). `--save` writes outputs back
/// into the solved notebooks.
pub fn notebooks(env: &Env, args: &[String]) -> Result<(), String> {
    let mut save = false;
    let mut names = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--save" => save = true,
            name => names.push(name.trim_end_matches(".ipynb").to_string()),
        }
    }
    let dir = env.root.join("notebooks");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("notebooks/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ipynb"))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            names.is_empty() || names.iter().any(|n| n == stem)
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no notebook matches {names:?}"));
    }
    let mut cmd = env.venv_command("python");
    cmd.arg(env.root.join("xtask/nbrun.py"));
    if save {
        cmd.arg("--save");
    }
    status(cmd.args(&paths))
}
