//! The Rust kernel's build folders, kept between kernels: each running
//! kernel holds one (`xtask/jupyter/rust_kernel.py` hands them out), and a
//! new kernel finds there what the last one compiled. Once the kernel is
//! built, one kernel runs a notebook's first cell, so that even a learner's
//! very first notebook answers it in seconds.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::child::{self, MINUTE};
use crate::codegen::{WORKBOOK_DEP, workbook_dep_with};
use crate::notebook_env::{Done, Env, timed};

/// Where the kernels' build folders live: `0`, `1`, ... and a lock file for each.
pub fn slots_dir(root: &Path) -> PathBuf {
    crate::output_dir(root, "kernel-slots")
}

/// The first cells the warm-up runs, one kernel each, in the same build
/// folder: most notebooks' first cell, and chapter 11's, which adds the
/// workbook's `loom` feature and compiles loom; with the library each leaves.
fn first_cells() -> [(String, &'static str); 2] {
    [
        (WORKBOOK_DEP.to_string(), "workbook"),
        (workbook_dep_with(&["loom"]), "loom"),
    ]
}

/// Whether one of the build folders holds every first cell's library.
fn warmed(root: &Path) -> bool {
    fs::read_dir(slots_dir(root)).is_ok_and(|slots| {
        slots.filter_map(|s| s.ok()).any(|s| {
            first_cells()
                .iter()
                .all(|(_, library)| holds_library(&s.path(), library))
        })
    })
}

/// Whether a kernel has compiled the crate `name` in `slot`: cargo's output
/// folder (`target/<target triple>/debug/deps`) holds it as a library (a
/// `.rlib`, or a shared library where the kernel links dynamically).
fn holds_library(slot: &Path, name: &str) -> bool {
    let Ok(triples) = fs::read_dir(slot.join("target")) else {
        return false;
    };
    let prefixes = [format!("lib{name}-"), format!("{name}-")];
    triples.filter_map(|t| t.ok()).any(|t| {
        fs::read_dir(t.path().join("debug/deps")).is_ok_and(|files| {
            files.filter_map(|f| f.ok()).any(|f| {
                let file = f.file_name().to_string_lossy().into_owned();
                let library = [".rlib", ".so", ".dylib", ".dll"]
                    .iter()
                    .any(|x| file.ends_with(x));
                library && prefixes.iter().any(|p| file.starts_with(p))
            })
        })
    })
}

/// Runs each first cell once in the real kernel, unless a build folder
/// already holds what they compile (cargo rebuilds what has changed since on
/// the next first cell: this saves the first, whole builds).
pub fn warm(env: &Env) -> Result<()> {
    timed(
        "Rust kernel warmed up (the workbook compiled once for every notebook, loom for chapter 11)",
        || {
            if warmed(&env.root) {
                return Ok(((), Done::Already));
            }
            for (cell, _) in first_cells() {
                run_first_cell(env, &cell)?;
            }
            if !warmed(&env.root) {
                bail!(
                    "the first cells ran, yet no folder under {} holds the compiled workbook and loom",
                    slots_dir(&env.root).display()
                );
            }
            Ok(((), Done::Installed))
        },
    )
}

/// A first cell, in a kernel started as JupyterLab starts one
/// (from `notebooks/`, where the cell's `../workbook` points).
fn run_first_cell(env: &Env, cell: &str) -> Result<()> {
    let out = child::output(
        env.venv_command("python")
            .arg(env.root.join("xtask/kernel_probe.py"))
            .arg(cell)
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
    fn warm_means_one_folder_holds_the_compiled_workbook_and_loom() {
        // Cargo writes the metadata (.rmeta) before the library: not enough.
        let root = scratch("warm-slots");
        assert!(!warmed(&root));
        let deps = |slot: &str| {
            let dir = slots_dir(&root)
                .join(slot)
                .join("target/x86_64-unknown-linux-gnu/debug/deps");
            fs::create_dir_all(&dir).unwrap();
            dir
        };
        fs::write(deps("1").join("libworkbook-0123.rmeta"), "").unwrap();
        fs::write(deps("1").join("librayon-0123.rlib"), "").unwrap();
        let metadata_only = warmed(&root);
        fs::write(deps("1").join("libworkbook-0123.rlib"), "").unwrap();
        let workbook_only = warmed(&root);
        fs::write(deps("2").join("libloom-4567.rlib"), "").unwrap();
        let loom_elsewhere = warmed(&root);
        fs::write(deps("1").join("libloom-4567.rlib"), "").unwrap();
        let both = warmed(&root);
        fs::remove_dir_all(&root).unwrap();
        assert!(!metadata_only);
        assert!(!workbook_only, "chapter 11's loom is not compiled yet");
        assert!(!loom_elsewhere);
        assert!(both);
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
