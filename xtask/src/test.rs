//! `cargo xtask test`: everything CI checks, in one command, one line per
//! step. The quick steps come first, so a formatting slip shows in seconds;
//! each later step installs only what it needs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::codegen::{self, GenMode};
use crate::learner_work;
use crate::setup::{self, Mpi};
use crate::{child, container};

/// How a step ended.
#[derive(Debug)]
enum Outcome {
    Passed,
    /// Not run here, and why (outside CI only).
    Skipped(String),
}

/// One step of the suite: the work, which says why it failed.
type Step<'a> = Box<dyn FnOnce() -> Result<Outcome> + 'a>;

/// The steps, by the short name `--only` and `--skip` take, in the order
/// they run (cheap ones first).
pub const STEP_IDS: [&str; 12] = [
    "gen-check",
    "fmt",
    "clippy",
    "workspace",
    "exercises-build",
    "mpi",
    "notebooks",
    "learner-work",
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

/// A cargo build or test that has not finished in this long is stuck.
const CARGO_LIMIT: Duration = Duration::from_secs(60 * 60);

/// Whether this runs in CI, where nothing may be skipped.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The MPI step: run the cluster crate's checks when Open MPI is there;
/// without it, a visible skip outside CI and a failure in CI.
fn mpi_step(mpi: Mpi, ci: bool, checks: impl FnOnce() -> Result<()>) -> Result<Outcome> {
    match mpi {
        Mpi::Ready => checks().map(|()| Outcome::Passed),
        Mpi::Missing(hint) if ci => {
            bail!("Open MPI is not installed, and CI runs everything: {hint}")
        }
        Mpi::Missing(hint) => Ok(Outcome::Skipped(format!(
            "MPI programs (Open MPI not installed: {hint})"
        ))),
    }
}

/// The SLURM step needs root on Linux (it installs packages and starts
/// daemons): in CI it always runs; elsewhere, without them, a visible skip.
fn cluster_step(
    root: bool,
    ci: bool,
    linux: bool,
    jobs: impl FnOnce() -> Result<()>,
) -> Result<Outcome> {
    match (root && linux, ci) {
        (true, _) => jobs().map(|()| Outcome::Passed),
        (false, true) => bail!("the SLURM step needs root on Linux, and CI runs everything"),
        (false, false) if !linux => Ok(Outcome::Skipped(
            "SLURM cluster (Linux only: run it in a Debian container or virtual machine)".into(),
        )),
        (false, false) => Ok(Outcome::Skipped(
            "SLURM cluster (needs root: sudo env \"PATH=$PATH\" cargo xtask cluster up, then rerun)"
                .into(),
        )),
    }
}

/// The container step needs podman or docker (or root on Debian, which
/// installs podman): in CI it always runs; elsewhere, without, a visible skip.
fn container_step(engine: bool, ci: bool, check: impl FnOnce() -> Result<()>) -> Result<Outcome> {
    match (engine, ci) {
        (true, _) => check().map(|()| Outcome::Passed),
        (false, true) => bail!("no podman or docker here, and CI runs everything"),
        (false, false) => Ok(Outcome::Skipped(
            "container image (no podman or docker: install one, then rerun)".into(),
        )),
    }
}

pub fn run(root: &Path, selection: &Selection) -> Result<()> {
    let cargo = || {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root);
        cmd
    };
    let passed = |cmd: &mut Command| child::status(cmd, CARGO_LIMIT).map(|()| Outcome::Passed);
    // `cluster` needs Open MPI to build: it has a step of its own, below.
    let steps: Vec<(&str, &str, Step)> = vec![
        (
            "gen-check",
            "generated copies up to date (gen --check)",
            Box::new(|| {
                codegen::r#gen(root, &crate::target_dir(root), GenMode::Check)
                    .map(|_| Outcome::Passed)
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
                        .args(["clippy", "--workspace", "--exclude", "cluster"])
                        .args(["--all-targets", "--quiet", "--", "-D", "warnings"]),
                )
            }),
        ),
        (
            "workspace",
            // `cargo test -p exercises` is the learner's strict grade: it fails
            // until every exercise is done, so here it is only built.
            "cargo test (workspace: reference solutions, learner summary)",
            Box::new(|| {
                // Two of xtask's tests run the placeholder kernel in the .venv's Jupyter.
                setup::python_env(root)?;
                passed(cargo().args(["test", "--workspace"]).args([
                    "--exclude",
                    "exercises",
                    "--exclude",
                    "cluster",
                ]))
            }),
        ),
        (
            "exercises-build",
            "cargo test -p exercises builds",
            Box::new(|| passed(cargo().args(["test", "-p", "exercises", "--no-run", "--quiet"]))),
        ),
        (
            "mpi",
            "MPI programs (chapter 10): clippy and tests under mpirun",
            Box::new(|| {
                mpi_step(setup::mpi()?, in_ci(), || {
                    child::status(
                        cargo()
                            .args(["clippy", "-p", "cluster", "--all-targets", "--quiet"])
                            .args(["--", "-D", "warnings"]),
                        CARGO_LIMIT,
                    )?;
                    child::status(cargo().args(["test", "-p", "cluster"]), CARGO_LIMIT)
                })
            }),
        ),
        (
            "notebooks",
            "every notebook, through the Rust kernel",
            Box::new(|| {
                let env = setup::notebook_env(root)?;
                let all = crate::notebooks::resolve(root, &[])?;
                crate::notebooks::run(&env, &all, false).map(|()| Outcome::Passed)
            }),
        ),
        (
            "learner-work",
            "a learner's work survives gen, notebooks --save and lab (on a clone)",
            Box::new(|| {
                setup::notebook_env(root)?;
                crate::learner_work::step(root).map(|()| Outcome::Passed)
            }),
        ),
        (
            "slurm",
            "SLURM: cluster up, sbatch the workbook's scripts, faults, cluster down",
            Box::new(|| {
                cluster_step(setup::is_root(), in_ci(), cfg!(target_os = "linux"), || {
                    crate::cluster::test_step(root)
                })
            }),
        ),
        (
            "book",
            "the book: builds, every link resolves, checked in headless Chromium",
            Box::new(|| {
                setup::notebook_env(root)?; // the .venv with Playwright
                crate::book::test_step(root).map(|()| Outcome::Passed)
            }),
        ),
        (
            "bench",
            // Run so that it cannot rot; it prints speeds and asserts none.
            "cargo xtask bench --quick",
            Box::new(|| {
                let env = setup::notebook_env(root)?;
                crate::bench::run(&env, true).map(|()| Outcome::Passed)
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
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for (_, name, step) in steps {
        println!("\n=== {name}");
        let start = Instant::now();
        let result = step();
        let secs = start.elapsed().as_secs_f64();
        match result {
            Ok(Outcome::Passed) => println!("=== ok: {name} ({secs:.1} s)"),
            Ok(Outcome::Skipped(why)) => {
                println!("=== skipped: {why}");
                skipped.push(why);
            }
            Err(e) => {
                println!("=== FAILED: {name} ({secs:.1} s): {e:#}");
                failed.push(name);
            }
        }
    }
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
    fn missing_mpi_is_a_visible_skip_outside_ci_and_a_failure_in_ci() {
        let missing = || Mpi::Missing(setup::mpi_hint());
        let never = || -> Result<()> { panic!("nothing to run without MPI") };
        match mpi_step(missing(), false, never).unwrap() {
            Outcome::Skipped(why) => assert_eq!(
                why,
                "MPI programs (Open MPI not installed: run `sudo apt-get install \
                 openmpi-bin libopenmpi-dev libclang-dev`)"
            ),
            Outcome::Passed => panic!("passed without MPI"),
        }
        let err = mpi_step(missing(), true, never).unwrap_err();
        assert!(err.to_string().contains("CI runs everything"), "{err}");
        let ran = mpi_step(Mpi::Ready, true, || bail!("a lint failed")).unwrap_err();
        assert_eq!(ran.to_string(), "a lint failed");
    }

    #[test]
    fn the_cluster_step_runs_as_root_skips_visibly_otherwise_and_never_in_ci() {
        let never = || -> Result<()> { panic!("no cluster without root") };
        match cluster_step(false, false, true, never).unwrap() {
            Outcome::Skipped(why) => assert!(why.contains("needs root"), "{why}"),
            Outcome::Passed => panic!("passed without root"),
        }
        match cluster_step(true, false, false, never).unwrap() {
            Outcome::Skipped(why) => assert!(why.contains("Linux only"), "{why}"),
            Outcome::Passed => panic!("passed off Linux"),
        }
        assert!(cluster_step(false, true, true, never).is_err());
        let ran = cluster_step(true, true, true, || bail!("job 3 ended FAILED")).unwrap_err();
        assert_eq!(ran.to_string(), "job 3 ended FAILED");
        assert!(matches!(
            cluster_step(true, false, true, || Ok(())),
            Ok(Outcome::Passed)
        ));
    }

    #[test]
    fn the_container_step_runs_with_an_engine_skips_visibly_otherwise_and_never_in_ci() {
        let never = || -> Result<()> { panic!("no container without an engine") };
        match container_step(false, false, never).unwrap() {
            Outcome::Skipped(why) => assert!(why.contains("no podman or docker"), "{why}"),
            Outcome::Passed => panic!("passed without an engine"),
        }
        assert!(container_step(false, true, never).is_err());
        let ran = container_step(true, true, || bail!("the notebook failed")).unwrap_err();
        assert_eq!(ran.to_string(), "the notebook failed");
    }
}
