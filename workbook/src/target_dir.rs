//! Where cargo puts what it builds: the programs the notebooks start
//! (chapter 10's worker and MPI programs, the `pi` program under SLURM) and
//! the local cluster's state folder.
//!
//! A notebook cell that hard-codes `../target/release` breaks as soon as
//! `CARGO_TARGET_DIR` points elsewhere; these functions follow cargo's rule.

use std::path::{Path, PathBuf};

/// The workspace's root folder (the parent of this crate's folder), fixed
/// when `workbook` is compiled, so it is right from any working directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target folder for this workspace: `CARGO_TARGET_DIR` when it is
/// set (a relative one taken from the workspace root), else the workspace's
/// `target/`.
///
/// ```
/// let target = workbook::target_dir();
/// assert!(target.is_absolute());
/// match std::env::var_os("CARGO_TARGET_DIR") {
///     Some(dir) if !dir.is_empty() => assert!(target.ends_with(dir)),
///     _ => assert_eq!(target, workbook::workspace_root().join("target")),
/// }
/// ```
pub fn target_dir() -> PathBuf {
    target_dir_in(&workspace_root())
}

/// [`target_dir`] for the workspace at `root`, which may be another checkout
/// than the one this crate was compiled in (`cargo xtask` run on a clone).
pub fn target_dir_in(root: &Path) -> PathBuf {
    resolve(
        root,
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from),
    )
}

/// Cargo's rule, with the variable's value given: `None` or empty means unset.
fn resolve(root: &Path, variable: Option<PathBuf>) -> PathBuf {
    match variable {
        Some(dir) if !dir.as_os_str().is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The path of a program built with `cargo build --release`, such as
/// `release_program("workbook-worker")`. It may not exist yet: build first.
///
/// ```
/// let pi = workbook::release_program("pi");
/// assert!(pi.starts_with(workbook::target_dir().join("release")));
/// ```
pub fn release_program(name: &str) -> PathBuf {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    target_dir().join("release").join(file)
}

/// Builds in release mode, in the workspace root: `cargo build --release
/// --quiet` followed by `args` (`["-p", "workbook-worker"]`). Cargo follows
/// `CARGO_TARGET_DIR` as [`target_dir`] does, so the program lands where
/// [`release_program`] looks.
///
/// # Errors
/// Cargo could not start, or the build failed: its own message.
pub fn cargo_build_release(args: &[&str]) -> Result<(), String> {
    use crate::process::{Ended, Run};
    // A cold release build of the workspace takes minutes; an hour means it hangs.
    let limit = std::time::Duration::from_secs(3600);
    let mut cargo =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(["build", "--release", "--quiet"])
        .args(args)
        .current_dir(workspace_root());
    let ran = Run::new(limit)
        .own_group()
        .start(&mut cargo)
        .map_err(|e| format!("could not run cargo: {e}"))?;
    match ran.ended {
        Ended::Exited(status) if status.success() => Ok(()),
        Ended::Exited(_) => Err(ran.stderr_text()),
        _ => Err(format!(
            "cargo was still building after {} s and was stopped",
            limit.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_and_a_relative_one_starts_at_the_workspace() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file(), "{}", root.display());
        assert_eq!(resolve(&root, None), root.join("target"));
        assert_eq!(resolve(&root, Some("".into())), root.join("target"));
        assert_eq!(resolve(&root, Some("build".into())), root.join("build"));
        let other = Path::new("/elsewhere/clone");
        assert_eq!(resolve(other, Some("build".into())), other.join("build"));
        assert_eq!(
            resolve(&root, Some("/tmp/cargo-out".into())),
            PathBuf::from("/tmp/cargo-out")
        );
    }
}
