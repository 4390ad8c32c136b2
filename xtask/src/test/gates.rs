//! When a step that needs something from outside (Open MPI, root and Linux
//! for the SLURM cluster, a container engine) runs: in CI always, so that
//! nothing is skipped there; elsewhere, without it, a visible skip.

use anyhow::{Result, bail};

use super::StepEnd;
use crate::setup::Mpi;

/// The MPI step: run the mpi-programs crate's checks when Open MPI is there;
/// without it, a visible skip outside CI and a failure in CI.
pub(super) fn mpi_step(mpi: Mpi, ci: bool, checks: impl FnOnce() -> Result<()>) -> Result<StepEnd> {
    match mpi {
        Mpi::Ready => checks().map(|()| StepEnd::Passed),
        Mpi::Missing(hint) if ci => {
            bail!("Open MPI is not installed, and CI runs everything: {hint}")
        }
        Mpi::Missing(hint) => Ok(StepEnd::Skipped(format!(
            "MPI programs (Open MPI not installed: {hint})"
        ))),
    }
}

/// The container step needs podman or docker (or root on Debian, which
/// installs podman): in CI it always runs; elsewhere, without, a visible skip.
pub(super) fn container_step(
    engine: bool,
    ci: bool,
    check: impl FnOnce() -> Result<()>,
) -> Result<StepEnd> {
    match (engine, ci) {
        (true, _) => check().map(|()| StepEnd::Passed),
        (false, true) => bail!("no podman or docker here, and CI runs everything"),
        (false, false) => Ok(StepEnd::Skipped(
            "container image (no podman or docker: install one, then rerun)".into(),
        )),
    }
}

/// The SLURM step needs root on Linux (it installs packages and starts
/// daemons): in CI it always runs; elsewhere, without them, a visible skip.
pub(super) fn cluster_step(
    root: bool,
    ci: bool,
    linux: bool,
    jobs: impl FnOnce() -> Result<()>,
) -> Result<StepEnd> {
    match (root && linux, ci) {
        (true, _) => jobs().map(|()| StepEnd::Passed),
        (false, true) => bail!("the SLURM step needs root on Linux, and CI runs everything"),
        (false, false) if !linux => Ok(StepEnd::Skipped(
            "SLURM cluster (Linux only: run it in a Debian container or virtual machine)".into(),
        )),
        (false, false) => Ok(StepEnd::Skipped(
            "SLURM cluster (needs root: sudo env \"PATH=$PATH\" cargo xtask cluster up, then rerun)"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_mpi_is_a_visible_skip_outside_ci_and_a_failure_in_ci() {
        let missing = || Mpi::Missing(crate::setup::mpi_hint());
        let never = || -> Result<()> { panic!("nothing to run without MPI") };
        match mpi_step(missing(), false, never).unwrap() {
            StepEnd::Skipped(why) => assert_eq!(
                why,
                "MPI programs (Open MPI not installed: run `sudo apt-get install \
                 openmpi-bin libopenmpi-dev libclang-dev`)"
            ),
            StepEnd::Passed => panic!("passed without MPI"),
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
            StepEnd::Skipped(why) => assert!(why.contains("needs root"), "{why}"),
            StepEnd::Passed => panic!("passed without root"),
        }
        match cluster_step(true, false, false, never).unwrap() {
            StepEnd::Skipped(why) => assert!(why.contains("Linux only"), "{why}"),
            StepEnd::Passed => panic!("passed off Linux"),
        }
        assert!(cluster_step(false, true, true, never).is_err());
        let ran = cluster_step(true, true, true, || bail!("job 3 ended FAILED")).unwrap_err();
        assert_eq!(ran.to_string(), "job 3 ended FAILED");
        assert!(matches!(
            cluster_step(true, false, true, || Ok(())),
            Ok(StepEnd::Passed)
        ));
    }

    #[test]
    fn the_container_step_runs_with_an_engine_skips_visibly_otherwise_and_never_in_ci() {
        let never = || -> Result<()> { panic!("no container without an engine") };
        match container_step(false, false, never).unwrap() {
            StepEnd::Skipped(why) => assert!(why.contains("no podman or docker"), "{why}"),
            StepEnd::Passed => panic!("passed without an engine"),
        }
        assert!(container_step(false, true, never).is_err());
        let ran = container_step(true, true, || bail!("the notebook failed")).unwrap_err();
        assert_eq!(ran.to_string(), "the notebook failed");
    }
}
