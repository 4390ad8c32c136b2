//! The helper crate every notebook of the Parallel Rust Workbook loads with
//! `:dep workbook = { path = "../workbook" }`.
//!
//! - [`timing`]: the `%%time` analogue, wall time beside CPU time.
//! - [`cpus`]: how many CPUs there are, and how many this process may use.
//! - [`drain`]: a child's pipe read on a thread of its own, up to a deadline.
//! - [`tasks`]: a sleeping task and a spinning task the optimiser cannot delete.
//! - [`trace`]: when each task ran, and on which thread.
//! - [`check`]: the self-checks under every exercise (✓ done, ✗ wrong, · not started).
//! - [`panics`]: panic messages, and the one panic hook the checks and demos share.
//! - [`chart`]: SVG charts, shown inline in the notebook or saved to a file.
//! - [`scaling`]: speedups, Amdahl's law and its fit to measured runs.
//! - [`sharing`]: accounts behind locks, a lock that gives up, a task that fails at random.
//! - [`counting`]: files of numbers to count (chapter 08).
//! - [`pi`]: the dart-throwing kernel of chapter 09, its chunk seeds, and a thread-count parser.
//! - [`platform`]: every call only some operating systems have, with a plain answer elsewhere.
//! - [`process`]: the one way to run a child process: output drained, wait bounded, its group stopped with it.
//! - [`procs`]: worker processes over pipes, surviving a worker that crashes, answers garbage or falls silent.
//! - [`mpi`]: launching MPI programs with `mpirun`, with clear errors.
//! - [`if_started`]: run a cell on the learner's own answer, `None` while it is `todo!()`.
//! - [`scratch_dir`]: a private folder for the files a notebook writes; [`shown`] prints a path without the machine's own part.
//! - [`slurm`]: batch jobs on a SLURM cluster (`sbatch`, `squeue`, `sacct`), such as the local one of `cargo xtask cluster up`.
//! - [`target_dir`]: where cargo builds the programs the notebooks start.
//! - `model` (cargo feature `loom`): every interleaving of a tiny program, with loom (chapter 11).

pub mod chart;
pub mod check;
pub mod counting;
pub mod cpus;
pub mod drain;
pub mod filling;
#[cfg(feature = "loom")]
pub mod model;
pub mod model_result;
pub mod mpi;
mod os_threads;
mod page_faults;
pub mod panics;
pub mod pi;
pub mod platform;
pub mod process;
pub mod procs;
pub mod scaling;
mod scratch;
pub mod sharing;
pub mod slurm;
mod started;
mod target_dir;
pub mod tasks;
pub mod timing;
pub mod trace;

pub use chart::Chart;
pub use cpus::cpus;
pub use os_threads::count as thread_count;
pub use page_faults::page_faults;
pub use scratch::scratch_dir;
pub use started::if_started;
pub use target_dir::{
    cargo_build_release, release_program, target_dir, target_dir_in, workspace_root,
};
pub use tasks::{Job, countdown, secs, sleep_task, spin_task};
pub use timing::{Timing, measure, time};
pub use trace::Tracer;

/// Formats a duration the way a person reads it: `2.01 s`, `15.3 ms`, `820 µs`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(workbook::human(Duration::from_millis(2010)), "2.01 s");
/// assert_eq!(workbook::human(Duration::from_micros(15_300)), "15.3 ms");
/// assert_eq!(workbook::human(Duration::from_nanos(820_000)), "820 µs");
/// ```
pub fn human(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.0} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// A path as a notebook prints it, without the machine's own part (the
/// checkout's folder, the user's name, a process id), so that saved outputs
/// read the same everywhere: a file in the scratch folder of
/// [`scratch_dir`] as `<scratch>/...`, a built program as
/// `<target>/release/...`, anything else in the workspace relative to its
/// root. Any other path is shown whole.
///
/// ```
/// let worker = workbook::release_program("workbook-worker");
/// let shown = workbook::shown(&worker);
/// assert!(shown.starts_with("<target>/release/workbook-worker"), "{shown}");
/// let dir = workbook::scratch_dir("doctest-shown").unwrap();
/// assert_eq!(workbook::shown(&dir.join("a.txt")), "<scratch>/doctest-shown/a.txt");
/// let readme = workbook::workspace_root().join("README.md");
/// assert_eq!(workbook::shown(&readme), "README.md");
/// assert_eq!(workbook::shown("/etc/hosts".as_ref()), "/etc/hosts");
/// ```
pub fn shown(path: &std::path::Path) -> String {
    let scratch = scratch::scratch_base().map(std::path::Path::to_path_buf);
    let places = [
        (scratch, "<scratch>/"),
        (Some(target_dir()), "<target>/"),
        (Some(workspace_root()), ""),
    ];
    for (place, label) in places {
        if let Some(rest) = place.as_deref().and_then(|p| path.strip_prefix(p).ok()) {
            // Forward slashes on every platform, so saved outputs match.
            let parts: Vec<_> = rest.iter().map(|part| part.to_string_lossy()).collect();
            return format!("{label}{}", parts.join("/"));
        }
    }
    path.display().to_string()
}
