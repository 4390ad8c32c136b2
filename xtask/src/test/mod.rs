//! `cargo xtask test`: everything CI checks, in one command, one line per
//! step. The quick steps come first, so a formatting slip shows in seconds;
//! each later step installs only what it needs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

mod cross;
mod gates;
mod load;
mod packages;
use gates::{cluster_step, container_step, mpi_step};

use crate::ci::{TESTED_PACKAGES, in_ci};
use crate::codegen::{self, GenMode};
use crate::learner_work;
use crate::setup;
use crate::{child, container};
use workbook::check::protocol::{STRESS_LOADED_ENV, STRESS_RUNS_ENV};

/// How a step ended.
#[derive(Debug)]
pub(crate) enum StepEnd {
    Passed,
    /// Not run here, and why (outside CI only).
    Skipped(String),
}

/// One step of the suite: the work, which says why it failed.
type Step<'a> = Box<dyn FnOnce() -> Result<StepEnd> + 'a>;

/// The steps, by the short name `--only` and `--skip` take, in the order
/// they run (cheap ones first).
pub const STEP_IDS: [&str; 15] = [
    "gen-check",
    "fmt",
    "clippy",
    "cross-check",
    "workspace",
    "checks-stress",
    "exercises-build",
    "mpi",
    "notebooks",
    "learner-work",
    "class",
    "slurm",
    "book",
    "bench",
    "container",
];

/// Which steps a run takes: all of them, only some, or all but some (the
/// names are checked by the command line parser).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

impl Selection {
    fn runs(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| o == id))
            && !self.skip.iter().any(|s| s == id)
    }
}

/// The test-name filter that leaves out of the workspace step the checks'
/// tests that the stress step runs anyway (each of them, several times).
const STRESSED_TESTS: &str = "check_ch";

/// The stress step's full run, when asked for by name.
const FULL_STRESS_RUNS: u32 = 20;

/// How many times the stress step grades each wrong answer: many when asked
/// for by name, a sample in CI's full run, none in a full run elsewhere.
fn stress_runs(selection: &Selection, ci: bool) -> Option<u32> {
    if selection.only.iter().any(|o| o == "checks-stress") {
        Some(FULL_STRESS_RUNS)
    } else if ci {
        Some(3)
    } else {
        None
    }
}

/// A cargo build or test that has not finished in this long is stuck.
const CARGO_LIMIT: Duration = Duration::from_secs(60 * 60);

pub fn run(root: &Path, selection: &Selection) -> Result<()> {
    let cargo = || {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root);
        cmd
    };
    let passed = |cmd: &mut Command| child::status(cmd, CARGO_LIMIT).map(|()| StepEnd::Passed);
    let stress_step_runs =
        selection.runs("checks-stress") && stress_runs(selection, in_ci()).is_some();
    let load = load::Load::default();
    // `mpi-programs` needs Open MPI to build: it has a step of its own, below.
    let steps: Vec<(&str, &str, Step)> = vec![
        (
            "gen-check",
            "generated copies up to date (gen --check)",
            Box::new(|| {
                codegen::r#gen(root, &crate::target_dir(root), GenMode::Check)
                    .map(|_| StepEnd::Passed)
            }),
        ),
        (
            "fmt",
            "cargo fmt --check",
            Box::new(|| passed(cargo().args(["fmt", "--all", "--", "--check"]))),
        ),
        (
            "clippy",
            "cargo clippy --all-targets -- -D warnings",
            Box::new(|| {
                passed(
                    cargo()
                        .args(["clippy", "--workspace", "--exclude", "mpi-programs"])
                        .args(["--all-targets", "--quiet", "--", "-D", "warnings"]),
                )
            }),
        ),
        (
            "cross-check",
            "cargo check for macOS and Windows (std built from rust-src)",
            Box::new(|| {
                cross::step(cross::ensure_rust_src(), || {
                    let mut cmd = cargo();
                    cross::command(&mut cmd, &crate::target_dir(root));
                    child::status(&mut cmd, CARGO_LIMIT)
                })
            }),
        ),
        (
            "workspace",
            // `cargo test -p exercises` is the learner's strict grade: it fails
            // until every exercise is done, so here it is only built.
            "cargo test (workspace: reference solutions, learner summary)",
            Box::new(|| {
                setup::python_env(root)?;
                let mut cmd = cargo();
                cmd.arg("test").args(TESTED_PACKAGES);
                if stress_step_runs {
                    println!("(the checks' `{STRESSED_TESTS}` tests: in the stress step, below)");
                    cmd.args(["--", "--skip", STRESSED_TESTS]);
                }
                passed(&mut cmd)?;
                // xtask's tests that need the .venv's Jupyter, made just above
                // (the packages as above: the same build).
                passed(cargo().arg("test").args(TESTED_PACKAGES).args([
                    "--lib",
                    "--",
                    "--ignored",
                    "kernelspec::",
                ]))
            }),
        ),
        (
            "checks-stress",
            "the checks' wrong-answer tests, graded again and again under load",
            Box::new(|| match stress_runs(selection, in_ci()) {
                // The helpers in workbook/tests/checks/common/ read the runs;
                // a verdict that changes fails its test. The load on every
                // core is ours: the later steps' builds, or spinning.
                Some(runs) => {
                    // The workspace step's packages and features, so that
                    // cargo reuses its build of the checks' tests; compiled
                    // first (where that step did not run), with no load.
                    let checks = || {
                        let mut cmd = cargo();
                        cmd.arg("test")
                            .args(TESTED_PACKAGES)
                            .args(["--test", "checks"]);
                        cmd
                    };
                    passed(checks().arg("--no-run"))?;
                    load.start(load::later_builds(root, selection));
                    let mut cmd = checks();
                    cmd.args(["--", STRESSED_TESTS])
                        .env(STRESS_RUNS_ENV, runs.to_string())
                        .env(STRESS_LOADED_ENV, "1");
                    let checked = passed(&mut cmd);
                    load.stop();
                    checked
                }
                None => Ok(StepEnd::Skipped(
                    "checks under stress (run it with --only checks-stress)".into(),
                )),
            }),
        ),
        (
            "exercises-build",
            "the learner's crate (exercises) and its tests build",
            Box::new(|| {
                passed(
                    cargo()
                        .arg("test")
                        .args(crate::ci::with_exercises())
                        .args(["--no-run", "--quiet"]),
                )
            }),
        ),
        (
            "mpi",
            "MPI programs (chapter 10): clippy and tests under mpirun",
            Box::new(|| {
                mpi_step(setup::mpi()?, in_ci(), || {
                    child::status(
                        cargo()
                            .args(["clippy", "-p", "mpi-programs", "--all-targets", "--quiet"])
                            .args(["--", "-D", "warnings"]),
                        CARGO_LIMIT,
                    )?;
                    child::status(cargo().args(["test", "-p", "mpi-programs"]), CARGO_LIMIT)
                })
            }),
        ),
        (
            "notebooks",
            "every notebook, through the Rust kernel",
            Box::new(|| {
                let env = setup::notebook_env(root)?;
                let all = crate::notebooks::resolve(root, &[])?;
                crate::notebooks::run(&env, &all, false).map(|()| StepEnd::Passed)
            }),
        ),
        (
            "learner-work",
            "a learner's work survives gen, notebooks --save and lab (on a clone)",
            Box::new(|| {
                setup::notebook_env(root)?;
                crate::learner_work::step(root).map(|()| StepEnd::Passed)
            }),
        ),
        (
            "class",
            "class grade: real and hostile submissions, each contained in the sandbox",
            Box::new(|| {
                setup::python_env(root)?; // the .venv with Playwright, for the dashboard
                match crate::class::test_step(root)? {
                    None => Ok(StepEnd::Passed),
                    Some(why) if in_ci() => bail!("{why} must run in CI"),
                    Some(why) => Ok(StepEnd::Skipped(why)),
                }
            }),
        ),
        (
            "slurm",
            "SLURM: cluster up, sbatch the workbook's scripts, faults, cluster down",
            Box::new(|| {
                cluster_step(
                    crate::platform::is_root(),
                    in_ci(),
                    cfg!(target_os = "linux"),
                    || crate::cluster::test_step(root),
                )
            }),
        ),
        (
            "book",
            "the book: builds, every link resolves, checked in headless Chromium",
            Box::new(|| {
                setup::python_env(root)?; // the .venv with Playwright
                let skipped = crate::book::test_step(root, in_ci())?;
                Ok(skipped.map_or(StepEnd::Passed, StepEnd::Skipped))
            }),
        ),
        (
            "bench",
            // Run so that it cannot rot; it prints speeds and asserts none.
            "cargo xtask bench --quick",
            Box::new(|| {
                let env = setup::notebook_env(root)?;
                crate::bench::run(&env, true).map(|()| StepEnd::Passed)
            }),
        ),
        (
            "container",
            "the container image: built, and a student notebook run in it (container check)",
            Box::new(|| container_step(container::can_check(), in_ci(), || container::check(root))),
        ),
    ];
    // `test` itself must leave every learner-facing file as it found it.
    let before = learner_work::snapshot(root)?;
    let steps: Vec<_> = steps
        .into_iter()
        .filter(|(id, _, _)| selection.runs(id))
        .collect();
    let total = steps.len() + 1;
    let mut background = packages::prefetch(root, selection);
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for (id, name, step) in steps {
        println!("\n=== {name}");
        let start = Instant::now();
        // A step's time includes its wait for what is installed or built for it.
        packages::wait_before(&mut background, id);
        load.wait_before(id);
        let result = step();
        let secs = start.elapsed().as_secs_f64();
        match result {
            Ok(StepEnd::Passed) => println!("=== ok: {name} ({secs:.1} s)"),
            Ok(StepEnd::Skipped(why)) => {
                println!("=== skipped: {why}");
                skipped.push(why);
            }
            Err(e) => {
                println!("=== FAILED: {name} ({secs:.1} s): {e:#}");
                failed.push(name);
            }
        }
    }
    load.wait();
    background.wait_for_all();
    let name = "test changed none of exercises/ and notebooks/";
    let touched = learner_work::changed(&before, &learner_work::snapshot(root)?);
    println!("\n=== {name}");
    if touched.is_empty() {
        println!("=== ok: {name}");
    } else {
        println!("=== FAILED: {name}: {}", touched.join(", "));
        failed.push(name);
    }
    println!();
    for why in &skipped {
        println!("skipped: {why}");
    }
    for name in &failed {
        println!("failed: {name}");
    }
    println!(
        "steps: {} passed, {} skipped, {} failed",
        total - failed.len() - skipped.len(),
        skipped.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!("{} step(s) failed", failed.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_runs_what_it_names_and_refuses_unknown_steps() {
        let all = Selection::default();
        assert!(STEP_IDS.iter().all(|id| all.runs(id)));
        let only = Selection {
            only: vec!["fmt".into(), "book".into()],
            skip: vec![],
        };
        let ran: Vec<_> = STEP_IDS.iter().filter(|id| only.runs(id)).collect();
        assert_eq!(ran, [&"fmt", &"book"]);
        let skip = Selection {
            only: vec![],
            skip: vec!["slurm".into()],
        };
        assert!(!skip.runs("slurm") && skip.runs("notebooks"));
    }

    #[test]
    fn the_stress_step_runs_many_times_by_name_a_sample_in_ci_and_none_elsewhere() {
        let by_name = Selection {
            only: vec!["checks-stress".into()],
            skip: vec![],
        };
        assert_eq!(stress_runs(&by_name, false), Some(20));
        assert_eq!(stress_runs(&Selection::default(), true), Some(3));
        assert_eq!(stress_runs(&Selection::default(), false), None);
    }
}
