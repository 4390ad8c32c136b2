//! The `cross-check` step: the crates a learner builds type-check for macOS
//! and Windows too, without those machines. No other target's standard
//! library is installed here, so cargo builds it from the `rust-src`
//! component (`-Zbuild-std`, a nightly option that `RUSTC_BOOTSTRAP` allows
//! on this stable toolchain), which the step adds with rustup when missing.
//! Only `check`: no linker or SDK is needed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use super::StepEnd;
use crate::child::{self, MINUTE};

/// The learners' other systems: Apple silicon and Windows. Intel Macs would
/// add nothing: no crate here asks for the processor in a `cfg`.
pub const TARGETS: [&str; 2] = ["aarch64-apple-darwin", "x86_64-pc-windows-msvc"];

/// Where the standard library's sources are, when `rust-src` is installed.
fn library_sources(sysroot: &Path) -> PathBuf {
    sysroot.join("lib/rustlib/src/rust/library")
}

/// The toolchain's sysroot (`rustc --print sysroot`), if rustc answers.
fn sysroot() -> Option<PathBuf> {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?;
    out.status.success().then(|| PathBuf::from(path.trim_end()))
}

/// Whether cargo can build the standard library from source here.
fn rust_src_installed() -> bool {
    sysroot().is_some_and(|s| library_sources(&s).join("Cargo.lock").is_file())
}

/// Whether `rust-src` is installed, after asking rustup to add it when it is
/// missing (about 30 MB; a failure is printed, and the step is skipped).
pub fn ensure_rust_src() -> bool {
    if rust_src_installed() {
        return true;
    }
    println!("[setup] adding the standard library's sources: rustup component add rust-src");
    let added = child::status(
        Command::new("rustup").args(["component", "add", "rust-src"]),
        10 * MINUTE,
    );
    if let Err(e) = &added {
        println!("[setup] rustup could not add rust-src: {e:#}");
    }
    rust_src_installed()
}

/// The type-check of every crate but `mpi-programs` (Open MPI's C library)
/// for every target, tests and chapter 11's `loom` feature included, with
/// warnings as errors as the host's clippy step has them. Its own target
/// folder keeps the host's build warm.
pub fn command(cargo: &mut Command, target_dir: &Path) {
    cargo
        .args(["check", "-Zbuild-std=std,panic_abort", "--quiet"])
        .args(TARGETS.iter().flat_map(|t| ["--target", t]))
        .args(["--workspace", "--exclude", "mpi-programs", "--all-targets"])
        .args(["--features", "workbook/loom"])
        .env("CARGO_TARGET_DIR", target_dir.join("cross-check"))
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", "-D warnings");
}

/// Runs the check when `rust-src` is installed; without it (rustup could
/// not fetch it: offline, or no rustup), a visible skip, in CI too.
pub fn step(rust_src: bool, check: impl FnOnce() -> Result<()>) -> Result<StepEnd> {
    if rust_src {
        check().map(|()| StepEnd::Passed)
    } else {
        Ok(StepEnd::Skipped(
            "macOS and Windows type-check (the standard library's sources are not installed, \
             and `rustup component add rust-src` could not fetch them: see its error above)"
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_rust_src_the_cross_check_is_a_visible_skip_that_says_what_to_install() {
        let never = || -> Result<()> { panic!("nothing to check without rust-src") };
        match step(false, never).unwrap() {
            StepEnd::Skipped(why) => {
                assert!(why.contains("rustup component add rust-src"), "{why}")
            }
            StepEnd::Passed => panic!("passed without rust-src"),
        }
        let ran = step(true, || anyhow::bail!("E0433 in platform.rs")).unwrap_err();
        assert_eq!(ran.to_string(), "E0433 in platform.rs");
    }
}
