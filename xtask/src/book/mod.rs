//! `cargo xtask book [--serve]`: the workbook as a static website, built with
//! mdBook into `target/book/` from the chapters' notebooks (the solved ones
//! carry the saved outputs and charts), and checked in a real browser by the test command.
//!
//! - `site` writes the mdBook source into `target/book-src/` (nothing of it is committed);
//! - `page` turns one chapter's notebooks into its page, `output` a cell's saved outputs;
//! - `links` checks that every internal link and image of the built site resolves;
//! - `install` brings mdBook, Chromium and Playwright.
//!
//! The assets (mdBook settings, the front page's template, style and script) are in `xtask/book/`.

mod install;
mod links;
pub mod output;
mod page;
mod site;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Builds the site; with `serve`, then serves it on 127.0.0.1 until Ctrl-C.
pub fn run(root: &Path, serve: bool) -> Result<()> {
    let site = build(root)?;
    if serve {
        serve_site(root, &site)
    } else {
        println!("[book] open {}", site.join("index.html").display());
        Ok(())
    }
}

/// The test command's step: the book builds, every internal link and image
/// resolves, and the browser check passes.
pub fn test_step(root: &Path) -> Result<()> {
    let site = build(root)?;
    let report = links::check(&site)?;
    println!(
        "[book] links: {} internal links and images in {} HTML files, {} broken",
        report.links,
        report.pages,
        report.broken.len()
    );
    if !report.broken.is_empty() {
        bail!(
            "broken links in target/book/:\n  {}",
            report.broken.join("\n  ")
        );
    }
    install::ensure_chromium()?;
    let python = install::venv_python_with_playwright(root)?;
    browser_check(root, &python, &site)
}

/// Writes the source and runs mdBook. Returns the site's folder, `target/book/`.
fn build(root: &Path) -> Result<PathBuf> {
    let mdbook = install::ensure_mdbook()?;
    let start = Instant::now();
    let source = root.join("target/book-src");
    let site = root.join("target/book");
    let written = site::write(root, &source, &site)?;
    if site.exists() {
        fs::remove_dir_all(&site).with_context(|| format!("{}", site.display()))?;
    }
    let out = Command::new(&mdbook)
        .arg("build")
        .arg(&source)
        .output()
        .with_context(|| format!("could not run {}", mdbook.display()))?;
    // mdBook reports on stderr; a clean build says only "INFO" lines.
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("mdbook build failed:\n{log}");
    }
    let warnings: Vec<&str> = log.lines().filter(|l| !l.contains("INFO")).collect();
    if !warnings.is_empty() {
        bail!("mdbook build warned:\n{}", warnings.join("\n"));
    }
    println!(
        "[book] {} chapters ({} exercises), {} HTML pages, {} charts as SVG files: built in {:.1} s into target/book/",
        written.chapters,
        written.exercises,
        count_files(&site, "html"),
        written.charts,
        start.elapsed().as_secs_f64()
    );
    Ok(site)
}

/// Files with extension `ext` under `dir`, at any depth.
fn count_files(dir: &Path, ext: &str) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| match p.is_dir() {
            true => count_files(&p, ext),
            false => usize::from(p.extension().is_some_and(|e| e == ext)),
        })
        .sum()
}

/// Serves the site with Python's standard file server, on 127.0.0.1 only.
fn serve_site(root: &Path, site: &Path) -> Result<()> {
    // mdBook's usual port when it is free, else any free one.
    let port = [3000, 0]
        .into_iter()
        .find_map(|p| TcpListener::bind(("127.0.0.1", p)).ok())
        .and_then(|l| l.local_addr().ok())
        .map(|a| a.port())
        .context("no free port on 127.0.0.1")?;
    println!("[book] serving the book at http://127.0.0.1:{port}/ (Ctrl-C stops)");
    install::run(
        Command::new(install::any_python(root))
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
            .arg(site)
            .arg(port.to_string()),
    )
}

/// Runs `xtask/book_check.py` and passes on its results, one JSON object a line.
fn browser_check(root: &Path, python: &Path, site: &Path) -> Result<()> {
    let shots = root.join("target/book-check");
    let out = Command::new(python)
        .arg(root.join("xtask/book_check.py"))
        .arg(site)
        .arg(&shots)
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("could not run {}", python.display()))?;
    let mut failed = Vec::new();
    let mut summary = false;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("{line}");
        let result: serde_json::Value = serde_json::from_str(line).with_context(|| {
            format!("the browser check printed a line that is not JSON: {line}")
        })?;
        summary |= result["check"] == "summary";
        if result["ok"] != true && result["check"] != "summary" {
            failed.push(line.to_string());
        }
    }
    if !failed.is_empty() || !summary || !out.status.success() {
        bail!(
            "the browser check failed ({}): {} result(s) not ok{}",
            out.status,
            failed.len(),
            if summary {
                ""
            } else {
                ", and it stopped before its summary"
            }
        );
    }
    println!("[book] screenshots in {}", shots.display());
    Ok(())
}
