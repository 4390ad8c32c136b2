//! Debian's packages of `test`'s later steps, installed in the background
//! while the first steps, which need none, compile and run.

use std::fs::File;
use std::path::Path;

use super::{STEP_IDS, Selection};
use crate::apt::{self, Prefetch};
use crate::{container, setup};

/// Debian's packages a step installs when they are missing. `test` fetches
/// them all in the background while the first steps, which need none,
/// compile and run.
fn packages_of(step: &str) -> &'static [apt::Group] {
    match step {
        "mpi" => &[setup::MPI_APT],
        // The class dashboard is checked in Chromium.
        "class" => &[
            crate::class::SANDBOX_APT,
            crate::book::install::CHROMIUM_APT,
        ],
        "slurm" => &[crate::cluster::SLURM_APT],
        "book" => &[crate::book::install::CHROMIUM_APT],
        "container" => &[container::ENGINE_APT, container::BASE_APT],
        _ => &[],
    }
}

/// The steps that need nothing from Debian's packages (cargo, and pip for
/// the `.venv`): they run while the background install goes on; any other
/// step waits for it to end first, so that it never sees a half-installed
/// package.
const NEED_NO_PACKAGES: [&str; 7] = [
    "gen-check",
    "fmt",
    "clippy",
    "cross-check",
    "workspace",
    "checks-stress",
    "exercises-build",
];

/// The background install for the selected steps' packages, where this
/// machine installs them itself (root, apt-get); else nothing.
pub(super) fn prefetch(root: &Path, selection: &Selection) -> Prefetch {
    if !cfg!(target_os = "linux") || !apt::can_install() {
        return Prefetch::none();
    }
    let mut groups: Vec<apt::Group> = Vec::new();
    for group in STEP_IDS
        .iter()
        .filter(|id| selection.runs(id))
        .flat_map(|id| packages_of(id).iter().copied())
    {
        // An engine that answers (docker, or podman) needs no podman installed.
        let engine_there = group == container::ENGINE_APT && container::engine_answers();
        if !groups.contains(&group) && !engine_there {
            groups.push(group);
        }
    }
    let logs = crate::output_dir(root, "setup");
    if let Err(e) = std::fs::create_dir_all(&logs) {
        println!("[apt] nothing installed ahead: {}: {e}", logs.display());
        return Prefetch::none();
    }
    // The container's base image, pulled or made from Debian's mirror: next.
    let base = selection.runs("container").then(|| {
        let (root, log) = (
            root.to_path_buf(),
            logs.join("container-base-background.log"),
        );
        move || {
            let made = File::create(&log)
                .map_err(anyhow::Error::from)
                .and_then(|file| container::prepare_base(&root, &file));
            if let Err(e) = made {
                println!(
                    "[container] the base's Debian could not be made ahead ({e:#}); \
                     the container step tries again (output in {})",
                    log.display()
                );
            }
        }
    });
    Prefetch::start(&groups, logs.join("apt-background.log"), move || {
        base.into_iter().for_each(|make| make())
    })
}

/// Before step `id`: waits for the packages unless it needs none, and for
/// all the work (the container's base) before the container step and the
/// benchmark, whose speeds need a machine doing nothing else.
pub(super) fn wait_before(background: &mut Prefetch, id: &str) {
    if id == "container" || id == "bench" {
        background.wait_for_all();
    } else if !NEED_NO_PACKAGES.contains(&id) {
        background.wait_for_packages();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_steps_that_need_no_packages_run_beside_the_background_install() {
        assert!(NEED_NO_PACKAGES.iter().all(|id| STEP_IDS.contains(id)));
        let with_packages: Vec<_> = STEP_IDS
            .iter()
            .filter(|id| !packages_of(id).is_empty())
            .collect();
        assert_eq!(
            with_packages,
            [&"mpi", &"class", &"slurm", &"book", &"container"]
        );
        assert!(
            with_packages
                .iter()
                .all(|id| !NEED_NO_PACKAGES.contains(id)),
            "a step that installs packages must wait for the background install"
        );
    }
}
