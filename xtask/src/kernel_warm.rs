//! The Rust kernel's build folders, kept between kernels: each running
//! kernel holds one (`xtask/jupyter/rust_kernel.py` hands them out), and a
//! new kernel finds there what the last one compiled. Once the kernel is
//! built, one kernel runs a notebook's first cell, so that even a learner's
//! very first notebook answers it in seconds, and the folder it filled is
//! copied to the second, for a second notebook open at the same time.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

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

/// A build folder (`0`, `1`, ...) that holds every first cell's library, if
/// one does.
pub(crate) fn warm_slot(root: &Path) -> Option<PathBuf> {
    let slots = fs::read_dir(slots_dir(root)).ok()?;
    let numbered = slots.filter_map(|s| s.ok()).filter(|s| {
        let name = s.file_name();
        name.to_str().is_some_and(|n| n.parse::<usize>().is_ok()) && s.path().is_dir()
    });
    numbered.map(|s| s.path()).find(|slot| {
        first_cells()
            .iter()
            .all(|(_, library)| holds_library(slot, library))
    })
}

/// Whether one of the build folders holds every first cell's library.
#[cfg(test)]
fn warmed(root: &Path) -> bool {
    warm_slot(root).is_some()
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

/// How many build folders are kept warm: the first kernel's, and a second
/// for a second notebook open at once (and the second kernel of
/// `cargo xtask notebooks`).
const WARM_SLOTS: usize = 2;

/// Runs each first cell once in the real kernel, unless a build folder
/// already holds what they compile (cargo rebuilds what has changed since on
/// the next first cell: this saves the first, whole builds). Then copies
/// that folder to the next ones no kernel has made yet.
pub fn warm(env: &Env) -> Result<()> {
    timed(
        "Rust kernel warmed up (the workbook compiled once for every notebook, loom for chapter 11)",
        || {
            let done = match warm_slot(&env.root) {
                Some(_) => Done::Already,
                None => {
                    for (cell, _) in first_cells() {
                        run_first_cell(env, &cell)?;
                    }
                    Done::Installed
                }
            };
            let Some(warm) = warm_slot(&env.root) else {
                bail!(
                    "the first cells ran, yet no folder under {} holds the compiled workbook and loom",
                    slots_dir(&env.root).display()
                );
            };
            // A copy that fails costs a second kernel its first build, no more.
            match copy_to_unused_slots(&slots_dir(&env.root), &warm) {
                Ok(0) => Ok(((), done)),
                Ok(_) => Ok(((), Done::Installed)),
                Err(e) => {
                    println!(
                        "[setup] the warm build folder was not copied for a second kernel: {e:#}"
                    );
                    Ok(((), done))
                }
            }
        },
    )
}

/// Fills another checkout's empty build folders from this one's warm folder,
/// if it has one (a clone's, whose own warm-up would compile every crate
/// again: it now compiles its own workbook only). How many it copied.
pub fn seed(root: &Path, other: &Path) -> Result<usize> {
    match (warm_slot(other), warm_slot(root)) {
        (None, Some(warm)) => copy_to_unused_slots(&slots_dir(other), &warm),
        _ => Ok(0),
    }
}

/// Copies the build folder `warm` to each of the first [`WARM_SLOTS`]
/// folders under `dir` that no kernel has made yet, keeping every file's modification
/// time, by which cargo judges what is fresh (250 MB just warmed, more after use). Each copy
/// holds the lock a kernel takes on its folder (`xtask/jupyter/rust_kernel.py`),
/// and the source's, so that no kernel builds in either meanwhile; a folder
/// whose lock is taken is left alone. How many it copied.
fn copy_to_unused_slots(dir: &Path, warm: &Path) -> Result<usize> {
    fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    let lock = |slot: &Path| -> Result<Option<fs::File>> {
        let file = slot.with_extension("lock");
        let file = fs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&file)
            .with_context(|| file.display().to_string())?;
        Ok(file.try_lock().is_ok().then_some(file))
    };
    let Some(_source) = lock(warm)? else {
        return Ok(0); // a kernel is building there: a copy could be half-written
    };
    let mut copied = 0;
    for n in 0..WARM_SLOTS {
        let slot = dir.join(n.to_string());
        if slot == warm || slot.exists() {
            continue;
        }
        let Some(_held) = lock(&slot)? else { continue };
        if slot.exists() {
            continue; // a kernel made it before the lock was ours
        }
        // Built aside and renamed into place: whoever looks finds the folder
        // missing or whole.
        let partial = dir.join(format!("{n}.copying"));
        let _ = fs::remove_dir_all(&partial);
        let result = copy_tree(warm, &partial).and_then(|()| fs::rename(&partial, &slot));
        if let Err(e) = result {
            let _ = fs::remove_dir_all(&partial);
            return Err(e)
                .with_context(|| format!("copying {} to {}", warm.display(), slot.display()));
        }
        copied += 1;
    }
    Ok(copied)
}

/// Copies the folder `from` to `to` (which must not exist): folders and
/// files, with the files' modification times; links are left out (cargo
/// writes none in a build folder).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target)?;
            let modified = entry.metadata()?.modified()?;
            fs::File::options()
                .write(true)
                .open(&target)?
                .set_modified(modified)?;
        }
    }
    Ok(())
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

    #[test]
    fn the_warm_folder_is_copied_to_unused_slots_with_its_times_and_no_slot_in_use_is_touched() {
        let root = scratch("copy-slots");
        let deps = slots_dir(&root).join("0/target/x86_64-unknown-linux-gnu/debug/deps");
        fs::create_dir_all(&deps).unwrap();
        let library = deps.join("libworkbook-0123.rlib");
        fs::write(&library, "compiled").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(&library)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let warm = slots_dir(&root).join("0");
        assert_eq!(copy_to_unused_slots(&slots_dir(&root), &warm).unwrap(), 1);
        let copy = slots_dir(&root)
            .join("1/target/x86_64-unknown-linux-gnu/debug/deps/libworkbook-0123.rlib");
        let copied = (
            fs::read_to_string(&copy).unwrap(),
            fs::metadata(&copy).unwrap().modified().unwrap(),
        );
        // A slot a kernel has made is its own: the next call copies nothing.
        fs::write(&copy, "the kernel's own").unwrap();
        let again = copy_to_unused_slots(&slots_dir(&root), &warm).unwrap();
        let kept = fs::read_to_string(&copy).unwrap();
        let mut left: Vec<String> = fs::read_dir(slots_dir(&root))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // A folder held by a running kernel (its lock taken) is not copied into.
        fs::remove_dir_all(slots_dir(&root).join("1")).unwrap();
        let held = fs::File::open(slots_dir(&root).join("1.lock")).unwrap();
        held.lock().unwrap();
        let while_held = copy_to_unused_slots(&slots_dir(&root), &warm).unwrap();
        drop(held);
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(copied, ("compiled".to_string(), old));
        assert_eq!((again, kept.as_str()), (0, "the kernel's own"));
        assert_eq!(
            left,
            ["0", "0.lock", "1", "1.lock"],
            "nothing half-copied left"
        );
        assert_eq!(while_held, 0);
    }

    #[test]
    fn a_clone_is_seeded_from_a_warm_checkout_only_while_it_has_no_warm_folder_itself() {
        let (root, clone) = (scratch("seed-root"), scratch("seed-clone"));
        let deps = slots_dir(&root).join("0/target/x86_64-unknown-linux-gnu/debug/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(deps.join("libworkbook-0123.rlib"), "compiled").unwrap();
        let cold_source = seed(&root, &clone).unwrap();
        fs::write(deps.join("libloom-4567.rlib"), "compiled").unwrap();
        let seeded = seed(&root, &clone).unwrap();
        let clone_warm = warmed(&clone);
        let again = seed(&root, &clone).unwrap();
        fs::remove_dir_all(&root).unwrap();
        fs::remove_dir_all(&clone).unwrap();
        assert_eq!(
            cold_source, 0,
            "a checkout that is not warm has nothing to give"
        );
        assert_eq!(seeded, WARM_SLOTS);
        assert!(clone_warm);
        assert_eq!(again, 0, "a warm clone is left as it is");
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
