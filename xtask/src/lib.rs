//! Project automation, run as `cargo xtask <command>` (`cargo xtask --help`).
//! Every command checks its arguments before it installs anything, and
//! installs only what it needs.
//!
//! A library with a thin binary (`src/main.rs`): the commands live in
//! [`cli`], each in a module of its own.

mod ansi;
mod apt;
mod bench;
mod book;
mod cargo_install;
mod child;
mod ci;
mod class;
mod cluster;
mod codegen;
mod container;
mod grading;
mod hint;
mod ipynb;
mod kernel_build;
mod kernel_warm;
mod kernelspec;
mod lab;
mod learner_work;
mod notebook_env;
mod notebooks;
mod platform;
mod probe;
mod progress;
mod protocol;
mod setup;
mod test;
#[cfg(test)]
mod test_folder;
#[cfg(test)]
mod tidy;
mod watch;

pub mod cli;

use std::path::{Path, PathBuf};

/// Cargo's target folder for the checkout at a root: one rule, `workbook`'s.
pub use workbook::target_dir_in as target_dir;

/// Where the project's own commands keep what they write (the book, logs,
/// the kernels' build folders, screenshots, benchmark results): `name` under
/// the checkout's `target/`, also when `CARGO_TARGET_DIR` moves cargo's
/// builds elsewhere, so that a kernel or JupyterLab started without cargo's
/// environment finds them, and `cargo clean` in the checkout removes them.
pub fn output_dir(root: &Path, name: &str) -> PathBuf {
    root.join("target").join(name)
}

/// The workspace root: this checkout's, or the copy named by
/// `XTASK_WORKSPACE_ROOT` (how `test` runs this binary on a clone holding a
/// learner's work, in `learner_work`).
pub fn root() -> PathBuf {
    if let Some(dir) = std::env::var_os(learner_work::ROOT_VARIABLE) {
        return PathBuf::from(dir);
    }
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// A name as echoed back in a message: whole when short, else its first
/// 60 characters and "…", so a mistyped paste does not flood the terminal.
pub fn shown(name: &str) -> String {
    const MAX: usize = 60;
    match name.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_string(),
    }
}
