//! `cargo xtask book [--serve]`: the workbook as a static website, built with
//! mdBook into `target/book/` from the chapters (`chapters/NN-slug.md`) and the
//! outputs and charts saved in the solved notebooks, and checked in a real browser by the test command.
//!
//! - `site` writes the mdBook source into `target/book-src/` (nothing of it is committed);
//! - `page` turns one chapter into its page, `output` a cell's saved outputs;
//! - `links` checks that every internal link and image of the built site resolves;
//! - `install` brings mdBook, Chromium and Playwright.
//!
//! The assets (mdBook settings, the front page's template, style and script) are in `xtask/book/`.

mod favicon;
pub mod install;
mod links;
pub mod output;
mod page;
mod site;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::child;
use install::Chromium;

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
/// resolves, and the browser check passes. Without Chromium (and no way to
/// install it) the browser check is skipped outside CI, which runs
/// everything: `Some(why)` says so.
pub fn test_step(root: &Path, ci: bool) -> Result<Option<String>> {
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
    if let Some(why) = browser_skip(install::chromium(), ci)? {
        return Ok(Some(why));
    }
    let python = install::venv_python_with_playwright(root)?;
    browser_check(root, &python, &site).map(|()| None)
}

/// Whether the browser check is skipped (`Some(why)`), installing Chromium
/// first where it can be.
fn browser_skip(chromium: Chromium, ci: bool) -> Result<Option<String>> {
    match chromium {
        Chromium::Found => Ok(None),
        Chromium::Installable => install::install_chromium().map(|()| None),
        Chromium::Missing(why) if ci => bail!("{why}, and CI runs everything"),
        Chromium::Missing(why) => Ok(Some(format!(
            "the book's browser check (built and links checked; {why})"
        ))),
    }
}

/// Writes the source and runs mdBook. Returns the site's folder, `target/book/`.
fn build(root: &Path) -> Result<PathBuf> {
    let mdbook = install::ensure_mdbook()?;
    let start = Instant::now();
    let source = crate::output_dir(root, "book-src");
    let site = crate::output_dir(root, "book");
    let written = site::write(root, &source, &site)?;
    if site.exists() {
        fs::remove_dir_all(&site).with_context(|| format!("{}", site.display()))?;
    }
    let out = child::output(
        Command::new(&mdbook).arg("build").arg(&source),
        10 * child::MINUTE,
    )?;
    // mdBook reports on stderr; a clean build says only "INFO" lines.
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("mdbook build failed:\n{log}");
    }
    let warnings: Vec<&str> = log.lines().filter(|l| !l.contains("INFO")).collect();
    if !warnings.is_empty() {
        bail!("mdbook build warned:\n{}", warnings.join("\n"));
    }
    favicon::write(&site)?;
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

/// Serves the site on 127.0.0.1 until Ctrl-C, or a signal to this command:
/// Python's file server, which never lists a folder (`xtask/book/serve.py`).
fn serve_site(root: &Path, site: &Path) -> Result<()> {
    // mdBook's usual port when it is free, else any free one.
    let port = [3000, 0]
        .into_iter()
        .find_map(|p| TcpListener::bind(("127.0.0.1", p)).ok())
        .and_then(|l| l.local_addr().ok())
        .map(|a| a.port())
        .context("no free port on 127.0.0.1")?;
    println!("[book] serving the book at http://127.0.0.1:{port}/ (Ctrl-C stops)");
    let stop = child::interrupted();
    let mut server = serve_command(root, site, port)
        .spawn()
        .context("could not start Python's file server")?;
    let status = child::wait_or_stop(&mut server, Duration::MAX, 10 * child::SECOND, "the server")?;
    match status {
        Some(status) if !status.success() && !stop.load(Ordering::SeqCst) => {
            bail!("the book's server stopped ({status})")
        }
        _ => Ok(()),
    }
}

/// The file server for `site` on `port`; it ends with this command, even
/// one killed with `kill -9`.
fn serve_command(root: &Path, site: &Path, port: u16) -> Command {
    let mut cmd = Command::new(crate::notebook_env::any_python(root));
    cmd.arg(root.join("xtask/book/serve.py"))
        .arg(site)
        .arg(port.to_string());
    child::die_with_parent(&mut cmd);
    cmd
}

/// Runs `xtask/book_check.py` and passes on its results, one JSON object a line.
fn browser_check(root: &Path, python: &Path, site: &Path) -> Result<()> {
    let shots = crate::output_dir(root, "book-check");
    let out = child::output(
        Command::new(python)
            .arg(root.join("xtask/book_check.py"))
            .arg(site)
            .arg(&shots),
        20 * child::MINUTE,
    )?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::thread;

    /// The status line of a GET on the loopback, or the error.
    fn get(port: u16, path: &str) -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
        write!(stream, "GET {path} HTTP/1.0\r\n\r\n")?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        Ok(reply.lines().next().unwrap_or_default().to_string())
    }

    #[test]
    fn without_chromium_the_browser_check_skips_visibly_and_fails_in_ci() {
        let missing = || Chromium::Missing("no Chromium at /usr/bin/chromium".into());
        let why = browser_skip(missing(), false).unwrap().unwrap();
        assert!(why.contains("no Chromium at /usr/bin/chromium"), "{why}");
        let err = browser_skip(missing(), true).unwrap_err();
        assert!(err.to_string().contains("CI runs everything"), "{err}");
        assert_eq!(browser_skip(Chromium::Found, true).unwrap(), None);
    }

    #[test]
    fn the_server_serves_files_lists_no_folder_and_ends_with_its_parent() {
        let site = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        fs::create_dir_all(site.join("charts")).unwrap();
        fs::write(site.join("index.html"), "<p>book</p>").unwrap();
        fs::write(site.join("charts/a.svg"), "<svg/>").unwrap();
        let port = TcpListener::bind(("127.0.0.1", 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Started from a thread that ends on a word: its end stands for this
        // command being killed.
        let (end, ended) = mpsc::channel::<()>();
        let (started, server) = mpsc::channel();
        let root = crate::root();
        let parent = {
            let site = site.clone();
            thread::spawn(move || {
                let child = serve_command(&root, &site, port).spawn().unwrap();
                started.send(child).unwrap();
                let _ = ended.recv();
            })
        };
        let mut server = server.recv().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while get(port, "/").is_err() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(100));
        }
        let replies = [
            get(port, "/"),
            get(port, "/charts/a.svg"),
            get(port, "/charts/"),
        ];
        drop(end);
        parent.join().unwrap();
        let status = child::wait(&mut server, Duration::from_secs(10), "the server");
        let _ = fs::remove_dir_all(&site);
        let replies: Vec<String> = replies.into_iter().map(|r| r.unwrap()).collect();
        assert!(replies[0].contains(" 200 "), "{replies:?}");
        assert!(replies[1].contains(" 200 "), "{replies:?}");
        assert!(
            replies[2].contains(" 404 "),
            "a folder was listed: {replies:?}"
        );
        if cfg!(target_os = "linux") {
            status.expect("the server ended with the thread that started it");
        } else {
            let _ = server.kill();
        }
    }
}
