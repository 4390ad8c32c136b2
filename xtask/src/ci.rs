//! Whether this runs in CI, where nothing may be skipped, and what its
//! cargo steps test: facts that many commands read, kept in a module that
//! uses no other.

/// Whether the `CI` variable is set to something other than empty, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// What the workspace and stress steps test: every crate but the learner's
/// (`exercises`, which fails until every exercise is done) and the MPI
/// programs (which need Open MPI: a step of their own), with chapter 11's
/// `loom` feature. The SLURM step's job tests name the same, to share the build.
pub const TESTED_PACKAGES: [&str; 7] = [
    "--workspace",
    "--exclude",
    "exercises",
    "--exclude",
    "mpi-programs",
    "--features",
    LOOM,
];

/// The feature `solutions` (and so the workspace) turns on: every command
/// that tests [`TESTED_PACKAGES`] names it, so that they share one build
/// instead of compiling the workbook once per feature set.
const LOOM: &str = "workbook/loom";

/// [`TESTED_PACKAGES`] with the learner's crate (`exercises`) too, for
/// building its tests: the same features, so that on top of the workspace
/// step's build cargo compiles only that crate (`-p exercises` alone would
/// select other features of the shared crates, and compile the workbook again).
pub fn with_exercises() -> Vec<&'static str> {
    let mut args = TESTED_PACKAGES.to_vec();
    if let Some(at) = args
        .windows(2)
        .position(|w| w == ["--exclude", "exercises"])
    {
        args.drain(at..at + 2);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learners_crate_joins_the_tested_packages_with_their_features() {
        let args = with_exercises();
        assert!(!args.contains(&"exercises"), "{args:?}");
        assert_eq!(args.len(), TESTED_PACKAGES.len() - 2);
        assert!(args.windows(2).any(|w| w == ["--features", LOOM]));
        assert!(args.windows(2).any(|w| w == ["--exclude", "mpi-programs"]));
    }
}
