//! What the book needs beyond Rust: mdBook (from crates.io, pinned), and for
//! the browser check Debian's Chromium and Playwright from the project's `.venv`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The pinned mdBook.
pub const MDBOOK_VERSION: &str = "0.5.4";

/// Where Debian's `chromium` package puts the browser; `book_check.py` uses the same path.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// `~/.cargo/bin/mdbook`, installed with `cargo install --locked` when it is
/// missing or another version. Only the `search` feature: the site is served
/// by `book --serve` itself, so mdBook's own server (tokio, axum) and file
/// watcher are not built, which keeps the first install short.
pub fn ensure_mdbook() -> Result<PathBuf> {
    let binary = crate::setup::cargo_bin().join("mdbook");
    let listed = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .context("could not run `cargo install --list`")?;
    let want = format!("mdbook v{MDBOOK_VERSION}:");
    if binary.exists() && String::from_utf8_lossy(&listed.stdout).contains(&want) {
        return Ok(binary);
    }
    println!(
        "[book] building mdBook {MDBOOK_VERSION}: cargo install --locked mdbook \
         --no-default-features --features search (about 3 minutes of CPU time, once per machine)"
    );
    let start = Instant::now();
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "mdbook",
        "--version",
        MDBOOK_VERSION,
        "--no-default-features",
        "--features",
        "search",
    ]))?;
    println!(
        "[book] mdBook {MDBOOK_VERSION} installed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(binary)
}

/// Debian's Chromium, installed with apt-get when missing and we are root;
/// otherwise an error that says what to install.
pub fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let apt = Command::new("apt-get").arg("--version").output().is_ok();
    if !apt || !crate::setup::is_root() {
        bail!(
            "the browser check needs Chromium at {CHROMIUM}: on Debian or Ubuntu run \
             `sudo apt-get install chromium`; elsewhere this check runs only on Debian"
        );
    }
    println!("[book] installing Chromium from Debian's packages with apt-get (about a minute)");
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    if !Path::new(CHROMIUM).exists() {
        bail!("apt-get installed chromium, yet {CHROMIUM} is missing");
    }
    Ok(())
}

/// The project's Python (`.venv`, made by the set-up from `xtask/requirements.txt`),
/// checked to have Playwright.
pub fn venv_python_with_playwright(root: &Path) -> Result<PathBuf> {
    let python = venv_python(root);
    if !python.exists() {
        bail!(
            "{} is missing: run `cargo xtask lab --install-only` (or `cargo xtask test`), \
             which makes it and installs xtask/requirements.txt",
            python.display()
        );
    }
    let found = Command::new(&python)
        .args(["-c", "import playwright"])
        .output()
        .with_context(|| format!("could not run {}", python.display()))?;
    if !found.status.success() {
        bail!(
            "Playwright is not installed in .venv: run \
             `.venv/bin/python -m pip install -r xtask/requirements.txt`"
        );
    }
    Ok(python)
}

/// The virtual environment's interpreter: `bin/python` on Unix, `Scripts\python.exe` on Windows.
fn venv_python(root: &Path) -> PathBuf {
    if cfg!(windows) {
        root.join(".venv/Scripts/python.exe")
    } else {
        root.join(".venv/bin/python")
    }
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

pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}
