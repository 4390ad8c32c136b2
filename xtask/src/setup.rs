//! Installs what the workbook needs, idempotently: each step first looks
//! whether its work is already done, and says what it did and for how long.
//! Each command asks only for the steps it needs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use anyhow::{Context, Result, bail};

use crate::apt::{self, Recommends};
use crate::child::{self, MINUTE};
pub use crate::notebook_env::{Done, EVCXR_VERSION, Env, timed};
use crate::platform::{self, Packages, venv_bin};
use crate::{cargo_install, kernel_build, kernel_warm, kernelspec};

/// The oldest Python the pins in `xtask/requirements.txt` install on
/// (Debian 12's own python3 is 3.11.2, and it works).
pub const MIN_PYTHON: (u32, u32) = (3, 11);

/// One set-up at a time in this process: `cargo xtask test` sets up the
/// kernel in the background (the stress step's load) while a step may ask
/// for the same, and two pips or two kernel builds at once would collide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The Python packages and the Rust kernel, installed when missing.
pub fn notebook_env(root: &Path) -> Result<Env> {
    let _alone = one_at_a_time();
    let env = make_python_env(root)?;
    rust_kernel(&env)?;
    Ok(env)
}

/// The virtual environment with JupyterLab and its settings: enough to read
/// the notebooks (about a minute the first time).
pub fn python_env(root: &Path) -> Result<Env> {
    let _alone = one_at_a_time();
    make_python_env(root)
}

fn make_python_env(root: &Path) -> Result<Env> {
    let venv = root.join(".venv");
    timed("Python virtual environment (.venv)", || ensure_venv(&venv))?;
    timed("Python packages (xtask/requirements.txt)", || {
        ensure_requirements(root, &venv)
    })?;
    timed("JupyterLab settings (xtask/jupyter/overrides.json)", || {
        ensure_lab_settings(root, &venv)
    })?;
    let jupyter_path = venv.join("share/jupyter");
    Ok(Env {
        root: root.to_path_buf(),
        venv,
        jupyter_path,
    })
}

/// The Rust kernel, built here and now when missing, and its kernelspec.
pub fn rust_kernel(env: &Env) -> Result<()> {
    let evcxr = timed(
        &format!("Rust kernel evcxr_jupyter {EVCXR_VERSION}"),
        || ensure_evcxr(&env.root),
    )?;
    kernelspec::install(env, &evcxr)?;
    kernel_warm::warm(env)
}

/// The kernel's program when the pinned version is installed.
pub fn installed_evcxr() -> Result<Option<PathBuf>> {
    cargo_install::installed("evcxr_jupyter", EVCXR_VERSION)
}

/// Whether chapter 10's MPI programs can be built here.
pub enum Mpi {
    Ready,
    /// Not installed; the text says how to install it.
    Missing(String),
}

/// Open MPI and libclang, installed from Debian's packages when missing and
/// when we may (root, apt-get).
pub fn mpi() -> Result<Mpi> {
    timed(
        "Open MPI and libclang (chapter 10's MPI programs)",
        ensure_mpi,
    )
}

/// JupyterLab reads `<prefix>/share/jupyter/lab/settings/overrides.json` for
/// its defaults: ours turns off the news prompt and the update check, so the
/// first screen is the workbook.
fn ensure_lab_settings(root: &Path, venv: &Path) -> Result<((), Done)> {
    let source = root.join("xtask/jupyter/overrides.json");
    let wanted = fs::read_to_string(&source).with_context(|| source.display().to_string())?;
    let target = venv.join("share/jupyter/lab/settings/overrides.json");
    if fs::read_to_string(&target).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(((), Done::Already));
    }
    let dir = target.parent().expect("the path has a folder");
    fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    fs::write(&target, wanted).with_context(|| target.display().to_string())?;
    Ok(((), Done::Installed))
}

/// `python` (a path or a name on PATH) as (major, minor, patch).
fn python_version(python: &Path) -> Option<(u32, u32, u32)> {
    let text = child::first_line(
        Command::new(python).args(["-c", "import sys; print('%d %d %d' % sys.version_info[:3])"]),
    )?;
    let mut parts = text.split(' ').map(|p| p.parse().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// Refuses a Python older than [`MIN_PYTHON`], before pip says something obscure.
fn check_python(python: &Path, whose: &str) -> Result<()> {
    let (major, minor) = MIN_PYTHON;
    let Some(version) = python_version(python) else {
        bail!(
            "{whose} ({}) did not run. Install Python {major}.{minor} or newer \
             (Debian, Ubuntu: `sudo apt-get install python3 python3-venv`).",
            python.display()
        )
    };
    if (version.0, version.1) < MIN_PYTHON {
        bail!(
            "{whose} is Python {}.{}.{}, and the pinned packages need {major}.{minor} or newer. \
             Put a newer python3 first on PATH, delete .venv, and run this again.",
            version.0,
            version.1,
            version.2
        );
    }
    Ok(())
}

fn ensure_venv(venv: &Path) -> Result<((), Done)> {
    if venv_bin(venv).join("python").exists() {
        return Ok(((), Done::Already));
    }
    check_python(Path::new("python3"), "python3")?;
    println!(
        "[setup] creating {} with python3 -m venv (a few seconds)",
        venv.display()
    );
    let make = || {
        child::status(
            Command::new("python3").args(["-m", "venv"]).arg(venv),
            5 * MINUTE,
        )
    };
    if make().is_ok() {
        return Ok(((), Done::Installed));
    }
    // Debian ships venv support in a package of its own.
    let _ = fs::remove_dir_all(venv);
    if !apt::can_install() {
        bail!(
            "`python3 -m venv` failed. Install Python's venv module \
             (Debian, Ubuntu: `sudo apt-get install python3-venv`) and run this again."
        );
    }
    println!("[setup] python3 lacks venv: installing Debian's python3-venv (about a minute)");
    apt::install(&["python3-venv"], Recommends::With)?;
    make()?;
    Ok(((), Done::Installed))
}

fn ensure_requirements(root: &Path, venv: &Path) -> Result<((), Done)> {
    let file = root.join("xtask/requirements.txt");
    let wanted = fs::read_to_string(&file).with_context(|| file.display().to_string())?;
    let stamp = venv.join("workbook-requirements.txt");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(((), Done::Already));
    }
    let python = venv_bin(venv).join("python");
    check_python(&python, "the Python of .venv")?;
    println!("[setup] installing JupyterLab, nbclient and their pinned dependencies with pip");
    let bar = child::spinner("pip install -r xtask/requirements.txt (about a minute)".into());
    let result = child::status(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(["--disable-pip-version-check", "-r"])
            .arg(&file),
        20 * MINUTE,
    );
    bar.finish_and_clear();
    result?;
    fs::write(&stamp, wanted)?;
    Ok(((), Done::Installed))
}

fn ensure_evcxr(root: &Path) -> Result<(PathBuf, Done)> {
    if let Some(binary) = installed_evcxr()? {
        return Ok((binary, Done::Already));
    }
    println!(
        "[setup] building the Rust kernel: cargo install --locked evcxr_jupyter --version {EVCXR_VERSION}\n\
         [setup] about 6 minutes on 2 cores (1.3 GB of memory), once per machine; cargo's output goes to {}",
        kernel_build::log_file(root).display()
    );
    let bar = child::counter(0);
    bar.set_message("building evcxr_jupyter");
    let result = kernel_build::build(root, false, |p| {
        if let (Some(done), Some(total)) = (p.done, p.total) {
            bar.set_length(u64::from(total));
            bar.set_position(u64::from(done));
        }
    });
    bar.finish_and_clear();
    result?;
    Ok((
        cargo_install::bin_dir().join("evcxr_jupyter"),
        Done::Installed,
    ))
}

/// What the `mpi-programs` crate needs: `mpirun` and `mpicc` (Open MPI) and
/// libclang (the `mpi` crate generates its bindings with bindgen).
pub const MPI_PACKAGES: Packages = Packages {
    apt: &["openmpi-bin", "libopenmpi-dev", "libclang-dev"],
    brew: &["open-mpi", "llvm"],
};

/// How the test's background install and the MPI step get them.
pub const MPI_APT: apt::Group = apt::Group {
    packages: MPI_PACKAGES.apt,
    recommends: Recommends::With,
};

/// How to install Open MPI by hand, on this system.
pub fn mpi_hint() -> String {
    MPI_PACKAGES.hint()
}

fn mpi_present() -> bool {
    let works = |program: &str| child::first_line(Command::new(program).arg("--version")).is_some();
    let libclang = child::first_line(Command::new("sh").args(["-c", platform::FIND_LIBCLANG]))
        .is_some_and(|line| !line.is_empty());
    works("mpirun") && works("mpicc") && libclang
}

/// Elsewhere than root with apt-get, it says what to install and goes on:
/// everything but chapter 10's MPI programs works without them.
fn ensure_mpi() -> Result<(Mpi, Done)> {
    if mpi_present() {
        return Ok((Mpi::Ready, Done::Already));
    }
    let missing = || {
        let hint = format!("so the MPI programs cannot be built: {}", mpi_hint());
        Ok((Mpi::Missing(mpi_hint()), Done::Missing(hint)))
    };
    if !apt::can_install() {
        return missing();
    }
    println!(
        "[setup] installing Open MPI and libclang with apt-get ({}): about a minute",
        MPI_PACKAGES.apt.join(", ")
    );
    apt::install(MPI_APT.packages, MPI_APT.recommends)?;
    if mpi_present() {
        Ok((Mpi::Ready, Done::Installed))
    } else {
        missing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_floor_is_checked_by_version() {
        // This very machine's python3 runs, so its version is read.
        if let Some(v) = python_version(Path::new("python3")) {
            assert!(v.0 >= 3, "{v:?}");
        }
        let err = check_python(Path::new("/no/such/python3"), "python3").unwrap_err();
        assert!(err.to_string().contains("Python 3.11 or newer"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn an_old_python_is_refused_with_its_version_before_pip_runs() {
        let dir = std::env::temp_dir().join(format!("xtask-old-python-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let fake = dir.join("python3");
        fs::write(&fake, "#!/bin/sh\necho 3 10 12\n").unwrap();
        platform::set_mode(&fake, 0o755).unwrap();
        let err = check_python(&fake, "python3").unwrap_err().to_string();
        fs::remove_dir_all(&dir).unwrap();
        assert!(
            err.contains("python3 is Python 3.10.12, and the pinned packages need 3.11 or newer"),
            "{err}"
        );
    }
}
