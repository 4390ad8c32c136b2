//! The Rust kernel's build folders, kept between kernels: each running
//! kernel holds one (`xtask/jupyter/rust_kernel.py` hands them out), and a
//! new kernel finds there what the last one compiled. Once the kernel is
//! built, one kernel runs a notebook's first cell, so that even a learner's
//! very first notebook answers it in seconds.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::child::{self, MINUTE};
use crate::codegen::WORKBOOK_DEP;
use crate::notebook_env::{Done, Env, timed};

/// Where the kernels' build folders live: `0`, `1`, ... and a lock file for each.
pub fn slots_dir(root: &Path) -> PathBuf {
    root.join("target/kernel-slots")
}

/// Whether a kernel has compiled the workbook in one of the build folders.
fn warmed(root: &Path) -> bool {
    fs::read_dir(slots_dir(root)).is_ok_and(|slots| {
        slots
            .filter_map(|s| s.ok())
            .any(|s| holds_workbook(&s.path()))
    })
}

/// Whether a kernel has compiled the workbook in `slot`: cargo's output
/// folder (`target/<target triple>/debug/deps`) holds it as a library (a
/// `.rlib`, or a shared library where the kernel links dynamically).
fn holds_workbook(slot: &Path) -> bool {
    let Ok(triples) = fs::read_dir(slot.join("target")) else {
        return false;
    };
    triples.filter_map(|t| t.ok()).any(|t| {
        fs::read_dir(t.path().join("debug/deps")).is_ok_and(|files| {
            files.filter_map(|f| f.ok()).any(|f| {
                let name = f.file_name().to_string_lossy().into_owned();
                let library = [".rlib", ".so", ".dylib", ".dll"]
                    .iter()
                    .any(|x| name.ends_with(x));
                name.contains("workbook-") && library
            })
        })
    })
}

/// Runs a notebook's first cell once in the real kernel, unless a build
/// folder already holds the workbook (cargo rebuilds what has changed
/// since on the next first cell: this saves the first, whole build).
pub fn warm(env: &Env) -> Result<()> {
    timed(
        "Rust kernel warmed up (the workbook compiled once for every notebook)",
        || {
            if warmed(&env.root) {
                return Ok(((), Done::Already));
            }
            run_first_cell(env)?;
            if !warmed(&env.root) {
                bail!(
                    "the first cell ran, yet no folder under {} holds the compiled workbook",
                    slots_dir(&env.root).display()
                );
            }
            Ok(((), Done::Installed))
        },
    )
}

/// The notebooks' first cell, in a kernel started as JupyterLab starts one
/// (from `notebooks/`, where the cell's `../workbook` points).
fn run_first_cell(env: &Env) -> Result<()> {
    let out = child::output(
        env.venv_command("python")
            .arg(env.root.join("xtask/kernel_probe.py"))
            .arg(WORKBOOK_DEP)
            .current_dir(env.root.join("notebooks")),
        20 * MINUTE,
    )?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let answer: Option<serde_json::Value> = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok());
    match answer {
        Some(a) if out.status.success() && a["status"] == "ok" => Ok(()),
        _ => bail!(
            "the kernel did not run the first cell ({}): {}{}",
            out.status,
            stdout.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn only_a_compiled_workbook_library_counts_as_warm() {
        // Cargo writes the metadata (.rmeta) before the library: not enough.
        let root = scratch("warm-slots");
        assert!(!warmed(&root));
        let deps = slots_dir(&root).join("1/target/x86_64-unknown-linux-gnu/debug/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(deps.join("libworkbook-0123.rmeta"), "").unwrap();
        fs::write(deps.join("librayon-0123.rlib"), "").unwrap();
        let before = warmed(&root);
        fs::write(deps.join("libworkbook-0123.rlib"), "").unwrap();
        let after = warmed(&root);
        fs::remove_dir_all(&root).unwrap();
        assert!(!before);
        assert!(after);
    }

    /// The launcher with a stand-in kernel that prints its build folder
    /// and then runs for `seconds`; the folder it printed.
    #[cfg(unix)]
    fn launch(slots: &Path, fake: &Path, seconds: u32) -> (std::process::Child, String) {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};

        let mut kernel = Command::new("python3")
            .arg(crate::root().join("xtask/jupyter/rust_kernel.py"))
            .arg(slots)
            .arg(fake)
            .arg(seconds.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(kernel.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        (kernel, line.trim().to_string())
    }

    #[cfg(unix)]
    #[test]
    fn kernels_at_once_get_folders_of_their_own_and_a_later_one_reuses_the_first() {
        let dir = scratch("kernel-launcher");
        let fake = dir.join("fake-kernel");
        fs::write(&fake, "#!/bin/sh\necho \"$EVCXR_TMPDIR\"\nsleep \"$1\"\n").unwrap();
        workbook::platform::set_mode(&fake, 0o755).unwrap();
        let slots = dir.join("slots");
        let (mut first, a) = launch(&slots, &fake, 5);
        let (mut second, b) = launch(&slots, &fake, 0);
        second.wait().unwrap();
        first.wait().unwrap();
        let (mut third, c) = launch(&slots, &fake, 0);
        third.wait().unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let slot = |n: &str| slots.join(n).display().to_string();
        assert_eq!(a, slot("0"));
        assert_eq!(b, slot("1"));
        assert_eq!(c, slot("0"));
    }
}
