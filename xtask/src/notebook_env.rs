//! What the set-up, the kernel's build and its kernelspec share: the
//! notebooks' environment, the kernel's pinned version, and how one part of
//! the set-up is framed. Below all three, so that none imports another's parent.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::platform::venv_program;

/// The kernel's pinned version.
pub const EVCXR_VERSION: &str = "0.22.0";

/// Everything notebooks need: the virtual environment and the Rust kernel.
pub struct Env {
    pub root: PathBuf,
    pub venv: PathBuf,
    /// `.venv/share/jupyter`: put first on `JUPYTER_PATH` so our kernelspec wins.
    pub jupyter_path: PathBuf,
}

impl Env {
    /// A command from the virtual environment, with our kernelspec first in line.
    pub fn venv_command(&self, program: &str) -> Command {
        let mut cmd = Command::new(venv_program(&self.venv, program));
        cmd.env("JUPYTER_PATH", &self.jupyter_path);
        cmd
    }
}

/// Runs one part of the set-up, framed by what it is and how long it took.
pub fn timed<T>(what: &str, work: impl FnOnce() -> Result<(T, Done)>) -> Result<T> {
    let start = Instant::now();
    let (value, done) = work().with_context(|| what.to_string())?;
    let secs = start.elapsed().as_secs_f64();
    match done {
        Done::Already => println!("[setup] {what}: ready ({secs:.1} s to check)"),
        Done::Installed => println!("[setup] {what}: installed in {secs:.1} s"),
        Done::Missing(why) => println!("[setup] {what}: not installed, {why}"),
    }
    Ok(value)
}

/// What a part of the set-up found or did.
pub enum Done {
    Already,
    Installed,
    /// Could not be installed here; the message says what to do.
    Missing(String),
}

/// The virtual environment's interpreter.
pub fn venv_python(root: &Path) -> PathBuf {
    crate::platform::venv_program(&root.join(".venv"), "python")
}

/// A Python to serve the site with: the project's `.venv` when it is there, else `python3`.
pub fn any_python(root: &Path) -> PathBuf {
    let venv = venv_python(root);
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}
