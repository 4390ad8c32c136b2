//! Installs what the workbook needs, idempotently: each step first looks
//! whether its work is already done, and says what it is doing and for how long.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::root;

/// The kernel's pinned version.
pub const EVCXR_VERSION: &str = "0.22.0";

/// Where everything the workbook installed lives.
pub struct Env {
    pub root: PathBuf,
    /// `.venv/share/jupyter`: put first on `JUPYTER_PATH` so our kernelspec wins.
    pub jupyter_path: PathBuf,
    /// Whether Open MPI (and what the `mpi` crate's build needs) is installed.
    pub mpi_ready: bool,
}

impl Env {
    /// A command from the virtual environment, with our kernelspec first in line.
    pub fn venv_command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.root.join(".venv/bin").join(program));
        cmd.env("JUPYTER_PATH", &self.jupyter_path);
        cmd
    }
}

/// Runs every set-up step; a second run finds everything done and installs nothing.
pub fn ensure_all() -> Result<Env, String> {
    let root = root();
    let venv = root.join(".venv");
    step("Python virtual environment (.venv)", || ensure_venv(&venv))?;
    step("Python packages (xtask/requirements.txt)", || {
        ensure_requirements(&root, &venv)
    })?;
    let evcxr = step(
        &format!("Rust kernel evcxr_jupyter {EVCXR_VERSION}"),
        ensure_evcxr,
    )?;
    step("Rust kernelspec and kernel settings", || {
        ensure_kernelspec(&root, &venv, &evcxr)
    })?;
    step("JupyterLab settings (xtask/jupyter/overrides.json)", || {
        ensure_lab_settings(&root, &venv)
    })?;
    let mpi_ready = step("Open MPI and libclang (chapter 10)", ensure_mpi)?;
    Ok(Env {
        mpi_ready,
        jupyter_path: venv.join("share/jupyter"),
        root,
    })
}

/// JupyterLab reads `<prefix>/share/jupyter/lab/settings/overrides.json` for
/// its defaults: ours turns off the news prompt and the update check, so the
/// first screen is the workbook.
fn ensure_lab_settings(root: &Path, venv: &Path) -> Result<((), Done), String> {
    let wanted = fs::read_to_string(root.join("xtask/jupyter/overrides.json"))
        .map_err(|e| format!("xtask/jupyter/overrides.json: {e}"))?;
    let target = venv.join("share/jupyter/lab/settings/overrides.json");
    if fs::read_to_string(&target).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(((), Done::Already));
    }
    let dir = target.parent().expect("the path has a folder");
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(&target, wanted).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(((), Done::Installed))
}

/// Runs one set-up step, framed by what it is and how long it took.
fn step<T>(what: &str, work: impl FnOnce() -> Result<(T, Done), String>) -> Result<T, String> {
    let start = Instant::now();
    let (value, done) = work().map_err(|e| format!("{what}: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    match done {
        Done::Already => println!("[setup] {what}: already in place ({secs:.1} s)"),
        Done::Installed => println!("[setup] {what}: installed in {secs:.1} s"),
        Done::Missing(why) => println!("[setup] {what}: NOT installed: {why}"),
    }
    Ok(value)
}

enum Done {
    Already,
    Installed,
    /// Could not be installed here; the message says what to do.
    Missing(String),
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn ensure_venv(venv: &Path) -> Result<((), Done), String> {
    if venv.join("bin/python").exists() {
        return Ok(((), Done::Already));
    }
    println!(
        "[setup] creating {} with python3 -m venv (a few seconds)",
        venv.display()
    );
    let attempt = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status();
    if matches!(attempt, Ok(s) if s.success()) {
        return Ok(((), Done::Installed));
    }
    // Debian ships venv support in a package of its own.
    let _ = fs::remove_dir_all(venv);
    if !is_root() || Command::new("apt-get").arg("--version").output().is_err() {
        return Err("`python3 -m venv` failed. Install Python's venv module \
             (on Debian or Ubuntu: `sudo apt-get install python3-venv`) and run this again."
            .into());
    }
    println!(
        "[setup] python3 lacks venv: installing Debian's python3-venv with apt-get (about a minute)"
    );
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "python3-venv"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("python3").args(["-m", "venv"]).arg(venv))?;
    Ok(((), Done::Installed))
}

fn ensure_requirements(root: &Path, venv: &Path) -> Result<((), Done), String> {
    let wanted = fs::read_to_string(root.join("xtask/requirements.txt"))
        .map_err(|e| format!("xtask/requirements.txt: {e}"))?;
    let stamp = venv.join("workbook-requirements.txt");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(((), Done::Already));
    }
    println!(
        "[setup] installing JupyterLab, nbclient and their pinned dependencies with pip (1 to 3 minutes)"
    );
    run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(root.join("xtask/requirements.txt")))?;
    fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(((), Done::Installed))
}

pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

fn ensure_evcxr() -> Result<(PathBuf, Done), String> {
    let binary = cargo_bin().join("evcxr_jupyter");
    let listed = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let want = format!("evcxr_jupyter v{EVCXR_VERSION}:");
    if binary.exists() && String::from_utf8_lossy(&listed.stdout).contains(&want) {
        return Ok((binary, Done::Already));
    }
    println!(
        "[setup] building the Rust kernel: cargo install --locked evcxr_jupyter --version {EVCXR_VERSION}\n\
         [setup] this takes about 12 minutes on 2 cores (1.3 GB of memory), once per machine"
    );
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "evcxr_jupyter",
        "--version",
        EVCXR_VERSION,
    ]))?;
    Ok((binary, Done::Installed))
}

/// Writes the kernelspec into the virtual environment, where its Jupyter
/// looks, with the settings our kernel needs in its environment.
fn ensure_kernelspec(root: &Path, venv: &Path, evcxr: &Path) -> Result<((), Done), String> {
    let jupyter_path = venv.join("share/jupyter");
    let dir = jupyter_path.join("kernels/rust");
    let libdir = Command::new("rustc")
        .args(["--print", "target-libdir"])
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    let libdir = String::from_utf8_lossy(&libdir.stdout).trim().to_string();
    let spec = serde_json::json!({
        "argv": [evcxr, "--control_file", "{connection_file}"],
        "display_name": "Rust",
        "language": "rust",
        "interrupt_mode": "message",
        "env": {
            // init.evcxr there turns on the compile cache and makes a panic an error.
            "EVCXR_CONFIG_DIR": root.join("xtask/evcxr"),
            // Without it the kernel can die at start when its temp folder and the
            // toolchain share a parent folder.
            "LD_LIBRARY_PATH": libdir,
        },
    });
    let text = serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())? + "\n";
    let file = dir.join("kernel.json");
    if fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
        return Ok(((), Done::Already));
    }
    // The kernel rewrites its kernelspec when it finds its files missing or
    // out of date, so let it install them (logo, version.txt) first; then
    // add our settings to kernel.json, which it leaves alone from then on.
    let out = Command::new(evcxr)
        .arg("--install")
        .env("JUPYTER_PATH", &jupyter_path)
        .output()
        .map_err(|e| format!("could not run {}: {e}", evcxr.display()))?;
    if !out.status.success() {
        return Err(format!(
            "`evcxr_jupyter --install` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(((), Done::Installed))
}

/// What the `cluster` crate needs from Debian: `mpirun` and `mpicc` (Open MPI)
/// and libclang (the `mpi` crate generates its bindings with bindgen).
const MPI_PACKAGES: [&str; 3] = ["openmpi-bin", "libopenmpi-dev", "libclang-dev"];

fn mpi_present() -> bool {
    let works = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let libclang = Command::new("sh")
        .args([
            "-c",
            "ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/*/libclang*.so* 2>/dev/null | head -1",
        ])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    works("mpirun") && works("mpicc") && libclang
}

/// Installs Open MPI and libclang from Debian's packages when they are missing
/// and we may (root, apt-get). Elsewhere it says what to install and goes on:
/// everything but chapter 10's MPI programs works without them.
fn ensure_mpi() -> Result<(bool, Done), String> {
    if mpi_present() {
        return Ok((true, Done::Already));
    }
    let hint = format!(
        "install them with `sudo apt-get install {}`",
        MPI_PACKAGES.join(" ")
    );
    if !is_root() || Command::new("apt-get").arg("--version").output().is_err() {
        return Ok((false, Done::Missing(hint)));
    }
    println!(
        "[setup] installing Open MPI and libclang from Debian's packages with apt-get ({}): about a minute",
        MPI_PACKAGES.join(", ")
    );
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q"])
        .args(MPI_PACKAGES)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    if mpi_present() {
        Ok((true, Done::Installed))
    } else {
        Ok((false, Done::Missing(hint)))
    }
}
