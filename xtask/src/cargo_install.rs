//! Programs from crates.io that the workbook installs with `cargo install`
//! (the Rust kernel, mdBook): where they go, whether the pinned version is
//! there, and the command that installs it.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Result;

use crate::child::{self, MINUTE};

/// Where `cargo install` puts programs: `CARGO_INSTALL_ROOT` (a clean root,
/// to time a first install without losing this machine's kernel), else
/// cargo's home.
pub fn bin_dir() -> PathBuf {
    if let Some(root) = std::env::var_os("CARGO_INSTALL_ROOT") {
        return PathBuf::from(root).join("bin");
    }
    crate::platform::cargo_home().join("bin")
}

/// The program `name` when `cargo install` put that version there.
pub fn installed(name: &str, version: &str) -> Result<Option<PathBuf>> {
    let binary = bin_dir().join(name);
    if !binary.exists() {
        return Ok(None);
    }
    let listed = child::output(Command::new("cargo").args(["install", "--list"]), MINUTE)?;
    let want = format!("{name} v{version}:");
    Ok(String::from_utf8_lossy(&listed.stdout)
        .contains(&want)
        .then_some(binary))
}

/// `cargo install --locked NAME --version VERSION`, with `CARGO_TARGET_DIR`
/// unset so that cargo builds in a temporary folder of its own: where that
/// variable is set, `cargo install` builds in that target folder, and would
/// wait for its lock while `cargo xtask test` runs cargo there beside it.
pub fn command(name: &str, version: &str) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["install", "--locked", name, "--version", version])
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    cmd
}
