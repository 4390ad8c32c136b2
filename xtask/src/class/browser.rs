//! The dashboard, checked in Debian's headless Chromium with Playwright
//! (`xtask/class_check.py`), as the book's pages are; the screenshot is kept
//! under `target/class-test/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::book::install;

pub fn check(root: &Path, dashboard: &Path) -> Result<()> {
    install::ensure_chromium()?;
    let python = install::venv_python_with_playwright(root)?;
    let shot = dashboard.with_file_name("dashboard.png");
    let out = Command::new(&python)
        .arg(root.join("xtask/class_check.py"))
        .arg(dashboard)
        .arg(&shot)
        .output()
        .with_context(|| format!("could not run {}", python.display()))?;
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{}", said.trim());
    if !out.status.success() {
        bail!(
            "the dashboard's browser check failed ({}): {}{}",
            out.status,
            said.trim(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!("[class] dashboard screenshot: {}", shot.display());
    Ok(())
}
