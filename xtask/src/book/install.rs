//! What the book needs beyond Rust: mdBook (from crates.io, pinned), and for
//! the browser check Debian's Chromium and Playwright from the project's `.venv`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::apt::{self, Group, Recommends};
use crate::child::{self, MINUTE};
use crate::notebook_env::venv_python;

/// The pinned mdBook.
pub const MDBOOK_VERSION: &str = "0.5.4";

/// Where Debian's `chromium` package puts the browser; `book_check.py` uses the same path.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// `~/.cargo/bin/mdbook`, installed with `cargo install --locked` when it is
/// missing or another version. Only the `search` feature: the site is served
/// by `book --serve` itself, so mdBook's own server (tokio, axum) and file
/// watcher are not built, which keeps the first install short. Unoptimised
/// (`--debug`): measured on 2 cores, it builds in 37 s instead of 78 s, and
/// builds the book in 1.0 s instead of 0.2 s.
pub fn ensure_mdbook() -> Result<PathBuf> {
    if let Some(binary) = crate::cargo_install::installed("mdbook", MDBOOK_VERSION)? {
        return Ok(binary);
    }
    println!(
        "[book] building mdBook {MDBOOK_VERSION}: cargo install --locked mdbook \
         --no-default-features --features search --debug (about a minute of CPU time, once per machine)"
    );
    let start = Instant::now();
    child::status(
        crate::cargo_install::command("mdbook", MDBOOK_VERSION).args([
            "--no-default-features",
            "--features",
            "search",
            "--debug",
        ]),
        30 * MINUTE,
    )?;
    println!(
        "[book] mdBook {MDBOOK_VERSION} installed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(crate::cargo_install::bin_dir().join("mdbook"))
}

/// Whether the browser check can have Chromium here.
#[derive(Debug, PartialEq, Eq)]
pub enum Chromium {
    Found,
    /// Missing, and Debian's package may be installed (root, apt-get).
    Installable,
    /// Missing, and not installable from here; the text says what to do.
    Missing(String),
}

/// Looks for Debian's Chromium, and whether it could be installed.
pub fn chromium() -> Chromium {
    if Path::new(CHROMIUM).exists() {
        return Chromium::Found;
    }
    if !cfg!(target_os = "linux") {
        return Chromium::Missing(crate::platform::linux_only("Debian's Chromium"));
    }
    if apt::can_install() {
        return Chromium::Installable;
    }
    Chromium::Missing(format!(
        "no Chromium at {CHROMIUM}: on Debian or Ubuntu run `sudo apt-get install chromium`"
    ))
}

/// Chromium, installed first where it can be; an error saying how to get it otherwise.
pub fn ensure_chromium() -> Result<()> {
    match chromium() {
        Chromium::Found => Ok(()),
        Chromium::Installable => install_chromium(),
        Chromium::Missing(why) => bail!("{why}"),
    }
}

/// Debian's package that puts the browser at [`CHROMIUM`].
pub const CHROMIUM_APT: Group = Group {
    packages: &["chromium"],
    recommends: Recommends::With,
};

/// Installs Debian's Chromium with apt-get (about a minute).
pub fn install_chromium() -> Result<()> {
    println!("[book] installing Chromium from Debian's packages with apt-get (about a minute)");
    apt::install(CHROMIUM_APT.packages, CHROMIUM_APT.recommends)?;
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
    let found = child::output(
        Command::new(&python).args(["-c", "import playwright"]),
        MINUTE,
    )?;
    if !found.status.success() {
        bail!(
            "Playwright is not installed in .venv: run \
             `.venv/bin/python -m pip install -r xtask/requirements.txt`"
        );
    }
    Ok(python)
}
