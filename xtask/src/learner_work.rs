//! Proof that no command loses a learner's work. In a clone of the
//! repository, a learner's answer goes into `exercises/src/` and a note into a
//! student notebook; then the commands a learner runs (`gen`, `gen --check`,
//! the notebook run that `test` does, `notebooks --save`, `lab`) each run for
//! real, through this very binary, and the learner's files must come out
//! byte for byte as they went in. `test` also compares the checkout's own
//! learner files before and after the whole run ([`snapshot`]).

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use workbook::process::{self, Stop};

use crate::child::{self, MINUTE, SECOND};

/// Set for a run of this binary on another copy of the repository.
pub const ROOT_VARIABLE: &str = "XTASK_WORKSPACE_ROOT";

/// The learner's answer and note, planted in the clone.
const ANSWER_FILE: &str = "exercises/src/ch01_threads.rs";
const NOTEBOOK: &str = "notebooks/00-getting-started.ipynb";

/// Every file a learner writes in, or that holds what they read: the
/// `exercises` crate's sources and every notebook, with their bytes.
pub fn snapshot(root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for dir in ["exercises/src", "exercises/tests", "notebooks"] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_file() {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                files.insert(rel, fs::read(&path)?);
            }
        }
    }
    Ok(files)
}

/// The files whose bytes differ between two snapshots (changed, added or gone).
pub fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<String> {
    let mut paths: Vec<&PathBuf> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| before.get(*p) != after.get(*p))
        .map(|p| p.display().to_string())
        .collect()
}

/// The step of `cargo xtask test`: every command on a clone holding a
/// learner's work, and the bytes compared after each.
pub fn step(root: &Path) -> Result<()> {
    let clone = crate::output_dir(root, "learner-work");
    if clone.exists() {
        fs::remove_dir_all(&clone).with_context(|| format!("removing {}", clone.display()))?;
    }
    let mut git = Command::new("git");
    git.args(["clone", "--quiet", "--local"])
        .arg(root)
        .arg(&clone);
    child::status(&mut git, MINUTE).context("cloning the repository for the check")?;
    // What is checked is the learner's files, not a first build: the
    // clone's kernels start from this checkout's compiled crates.
    let start = Instant::now();
    match crate::kernel_warm::seed(root, &clone) {
        Ok(0) => {}
        Ok(n) => println!(
            "learner's work: the clone's {n} kernel build folders copied from this checkout's in {:.1} s",
            start.elapsed().as_secs_f64()
        ),
        Err(e) => {
            println!("learner's work: the clone's kernel folders were not all copied ({e:#})")
        }
    }
    let result = check_commands(&clone);
    if result.is_ok() {
        let _ = fs::remove_dir_all(&clone);
    }
    result
}

fn check_commands(clone: &Path) -> Result<()> {
    plant_learner_work(clone)?;
    let learner = || -> Result<BTreeMap<PathBuf, Vec<u8>>> {
        let mut files = snapshot(clone)?;
        files.retain(|p, _| !p.to_string_lossy().ends_with("-solved.ipynb"));
        Ok(files)
    };
    let before = learner()?;
    let unchanged = |command: &str| -> Result<()> {
        let lost = changed(&before, &learner()?);
        ensure!(
            lost.is_empty(),
            "`cargo xtask {command}` changed a learner's files: {}",
            lost.join(", ")
        );
        println!("learner's work: unchanged after `cargo xtask {command}`");
        Ok(())
    };

    let gen_out = run(clone, &["gen"], MINUTE)?;
    ensure!(
        gen_out.0 && gen_out.1.contains(ANSWER_FILE) && gen_out.1.contains(NOTEBOOK),
        "`gen` should succeed, keeping the learner's files, and name both:\n{}",
        gen_out.1
    );
    unchanged("gen")?;
    let check = run(clone, &["gen", "--check"], MINUTE)?;
    ensure!(
        check.0 && check.1.contains("hold a learner's answers") && check.1.contains(ANSWER_FILE),
        "`gen --check` should pass and name the learner's work:\n{}",
        check.1
    );
    unchanged("gen --check")?;
    // What `test` does with a student notebook: execute it, keep nothing.
    let ran = run(clone, &["notebooks", "00-getting-started"], 15 * MINUTE)?;
    ensure!(ran.0, "the student notebook with a note failed:\n{}", ran.1);
    unchanged("notebooks 00-getting-started")?;
    let saved = run(
        clone,
        &["notebooks", "--save", "00-getting-started-solved"],
        15 * MINUTE,
    )?;
    ensure!(saved.0, "saving the solved notebook failed:\n{}", saved.1);
    unchanged("notebooks --save 00-getting-started-solved")?;
    open_in_lab(clone)?;
    unchanged("lab")
}

/// An answer begun in chapter 01's crate module, and a note added to chapter
/// 00's student notebook, as JupyterLab saves it.
fn plant_learner_work(clone: &Path) -> Result<()> {
    let answers = clone.join(ANSWER_FILE);
    let text = fs::read_to_string(&answers)?;
    ensure!(
        text.contains("todo!()"),
        "{ANSWER_FILE} has no stub to answer"
    );
    let answered = text.replacen("todo!()", "todo!() // my attempt: one thread per task", 1);
    fs::write(&answers, answered)?;

    let path = clone.join(NOTEBOOK);
    let mut nb: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path)?)?;
    let cells = nb["cells"].as_array_mut().context("a notebook has cells")?;
    cells.push(serde_json::json!({
        "cell_type": "markdown",
        "id": "my-notes",
        "metadata": {},
        "source": ["My notes: `cpus()` said 2 here."],
    }));
    fs::write(&path, serde_json::to_string_pretty(&nb)? + "\n")?;
    Ok(())
}

/// `cargo xtask`, as a learner types it, built from this checkout but working
/// on the clone. (Not this process's own binary: `cargo test` and `clippy`
/// earlier in the run may have rebuilt it, and then the file is gone.)
fn xtask(clone: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["run", "--quiet", "--package", "xtask", "--manifest-path"])
        .arg(crate::root().join("Cargo.toml"))
        .arg("--")
        .env(ROOT_VARIABLE, clone)
        .current_dir(clone);
    cmd
}

/// Runs `cargo xtask ARGS` on the clone: whether it succeeded, and all it printed.
fn run(clone: &Path, args: &[&str], limit: Duration) -> Result<(bool, String)> {
    let mut cmd = xtask(clone);
    cmd.args(args);
    let out = child::output(&mut cmd, limit)?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Ok((out.status.success(), text))
}

/// Starts `lab` on the clone, asks it for the student notebook as JupyterLab
/// does when it opens one, checks that another local account cannot read
/// its token, and stops it with SIGTERM; then starts it again and kills it
/// with SIGKILL. Either way nothing of it may be left serving.
fn open_in_lab(clone: &Path) -> Result<()> {
    let probe = crate::probe::ready("lab's token")?;
    let (mut lab, port) = start_lab(clone)?;
    let asked = ask_lab(&mut lab, port).and_then(|token| match probe {
        true => crate::probe::once()?.ensure_hidden(&token, "JupyterLab token"),
        false => Ok(()),
    });
    // A signal to `lab` alone, as `kill PID` sends: it must stop JupyterLab
    // too, not leave it serving on its own.
    let stopped = stop_lab(&mut lab, Stop::Ask);
    asked?;
    stopped?;
    // `kill -9` gives `lab` no chance to stop anything itself.
    let (mut lab, port) = start_lab(clone)?;
    let asked = ask_lab(&mut lab, port);
    let stopped = stop_lab(&mut lab, Stop::Kill);
    asked?;
    stopped
}

/// `cargo xtask lab --headless` on a free port of the clone, in a process
/// group of its own (so that the check can find what it leaves).
fn start_lab(clone: &Path) -> Result<(Child, u16)> {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port();
    let mut cmd = xtask(clone);
    cmd.args(["lab", "--headless", "--port", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    process::own_group(&mut cmd);
    let lab = cmd.spawn().context("could not start `cargo xtask lab`")?;
    Ok((lab, port))
}

/// Sends `signal` to `lab` alone, then checks that nothing of its process
/// group is left (JupyterLab may take a few seconds to shut down).
fn stop_lab(lab: &mut Child, stop: Stop) -> Result<()> {
    let how = match stop {
        Stop::Kill => "kill -9",
        Stop::Ask => "SIGTERM",
    };
    process::signal_child(lab, stop);
    let exited = child::wait(lab, 40 * SECOND, &format!("`cargo xtask lab` after {how}"));
    let stopped = Instant::now() + 10 * SECOND;
    while process::group_alive(lab) && Instant::now() < stopped {
        thread::sleep(SECOND / 5);
    }
    let left = process::group_alive(lab);
    if left {
        process::signal_group(lab, Stop::Kill);
    }
    let status = exited?;
    ensure!(
        stop == Stop::Kill || status.success(),
        "`cargo xtask lab` ended with {status} on {how}"
    );
    ensure!(
        !left,
        "`cargo xtask lab` was stopped with {how} but left JupyterLab running"
    );
    println!("lab: nothing left running after {how}");
    Ok(())
}

/// Waits for the address `lab` prints, then for JupyterLab to serve the
/// learner's notebook there; returns the token.
fn ask_lab(lab: &mut Child, port: u16) -> Result<String> {
    let (lines, printed) = mpsc::channel();
    let stdout = lab.stdout.take().context("lab's output is piped")?;
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + 2 * MINUTE;
    let token = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = printed
            .recv_timeout(left)
            .context("`lab` printed no address within 2 minutes")?;
        if let Some((_, token)) = line.split_once("?token=") {
            break token.trim().to_string();
        }
    };
    let notebook = NOTEBOOK.trim_start_matches("notebooks/");
    loop {
        match http_get(port, &format!("/api/contents/{notebook}?content=1"), &token) {
            Ok(reply) if reply.starts_with("HTTP/1.1 200") => {
                ensure!(
                    reply.contains("My notes"),
                    "JupyterLab served the notebook without the learner's note"
                );
                return Ok(token);
            }
            _ if Instant::now() < deadline => thread::sleep(SECOND),
            Ok(reply) => bail!(
                "JupyterLab answered: {}",
                reply.lines().next().unwrap_or("")
            ),
            Err(e) => bail!("JupyterLab did not answer on port {port} within 2 minutes: {e}"),
        }
    }
}

/// One HTTP GET on the loopback, the whole reply as text.
fn http_get(port: u16, path: &str, token: &str) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(30 * SECOND))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: token {token}\r\n\
         Connection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_added_or_removed_file_is_named() {
        let files = |pairs: &[(&str, &str)]| -> BTreeMap<PathBuf, Vec<u8>> {
            pairs
                .iter()
                .map(|(p, c)| (PathBuf::from(p), c.as_bytes().to_vec()))
                .collect()
        };
        let before = files(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let after = files(&[("a", "1"), ("b", "two"), ("d", "4")]);
        assert_eq!(changed(&before, &after), ["b", "c", "d"]);
        assert!(changed(&before, &before).is_empty());
    }
}
