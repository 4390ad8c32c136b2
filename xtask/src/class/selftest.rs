//! The test command's `class` step: `class grade` on a small class of real,
//! broken and hostile submissions, in the sandbox. Each attack must be
//! contained and put in words in the gradebook, nothing the learners
//! started may outlive the grading, and the other learners' rows must be right.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use super::gradebook::{Row, Source, Verdict};
use super::{Options, hostile};
use crate::codegen::chapter;

/// Runs the step; `Some(why)` when it cannot run here (not Linux, not root).
pub fn step(root: &Path) -> Result<Option<String>> {
    if !cfg!(target_os = "linux") {
        return Ok(Some("class grade's sandbox (Linux only)".into()));
    }
    if !crate::platform::is_root() {
        return Ok(Some(
            "class grade's sandbox (needs root, to run submissions as unprivileged accounts)"
                .into(),
        ));
    }
    let dir = crate::target_dir(root).join("class-test");
    let _ = fs::remove_dir_all(&dir);
    let class = dir.join("class");
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        for _ in listener.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let alice = write_class(root, &class, port)?;
    let alice_before = fs::read(&alice)?;
    let options = Options {
        dir: class.clone(),
        out: dir.join("gradebook.csv"),
        html: Some(dir.join("dashboard.html")),
        jobs: 2,
        no_sandbox: false,
        slurm: false,
    };
    let start = Instant::now();
    super::run(root, super::Action::Grade(options))?;
    println!(
        "[class] the test class was graded in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    let rows = super::gradebook::read(&dir.join("gradebook.csv"))?;
    check_rows(&rows)?;
    ensure!(
        connections.load(Ordering::SeqCst) == 0,
        "a submission reached a server on 127.0.0.1"
    );
    ensure!(
        fs::read(&alice)? == alice_before,
        "alice's answer was changed"
    );
    let fake = class.join("mallory/workbook/src/check/ch05.rs");
    ensure!(
        fs::read_to_string(fake)? == hostile::FAKE_CHECK,
        "mallory's folder was written to"
    );
    ensure!(
        !class.join("mallory/pwned").exists(),
        "mallory wrote into its own folder"
    );
    nothing_left_running()?;
    super::browser::check(root, &dir.join("dashboard.html"))?;
    Ok(None)
}

/// The class: [`write_small_class`], Frank and frank (folders that differ
/// by case), mallory (the attacks). Returns alice's answer.
fn write_class(root: &Path, class: &Path, port: u16) -> Result<PathBuf> {
    let alice = write_small_class(root, class)?;
    for empty in ["Frank", "frank"] {
        fs::create_dir_all(class.join(empty))?;
    }
    let chapters = chapter::read_all(root)?;
    hostile::write(&class.join("mallory"), &chapters, port, &alice)?;
    Ok(alice)
}

/// alice (a crate file and a notebook, both right), carol (broken and
/// unreadable files, one right file), dave (nothing). Returns alice's answer.
pub fn write_small_class(root: &Path, class: &Path) -> Result<PathBuf> {
    let solution =
        |module: &str| fs::read_to_string(root.join(format!("solutions/src/{module}.rs")));
    let put = |path: PathBuf, text: &[u8]| -> Result<()> {
        fs::create_dir_all(path.parent().expect("a file has a folder"))?;
        fs::write(&path, text).with_context(|| path.display().to_string())
    };
    let alice = class.join("alice/exercises/src/ch01_threads.rs");
    put(alice.clone(), solution("ch01_threads")?.as_bytes())?;
    put(
        class.join("alice/notebooks/01-threads.ipynb"),
        &fs::read(root.join("notebooks/01-threads-solved.ipynb"))?,
    )?;
    let carol = class.join("carol/exercises/src");
    let shadow = "\nconst SECRET: &[u8] = include_bytes!(\"/etc/shadow\");\n";
    put(
        carol.join("ch01_threads.rs"),
        (solution("ch01_threads")? + shadow).as_bytes(),
    )?;
    put(
        carol.join("ch02_thread_pools.rs"),
        solution("ch02_thread_pools")?.as_bytes(),
    )?;
    put(
        carol.join("ch04_locks.rs"),
        &[0x7f, b'E', b'L', b'F', 0, 1, 2],
    )?;
    put(carol.join("ch05_shared_arrays.rs"), &vec![b'/'; 3 << 20])?;
    let notebooks = class.join("carol/notebooks");
    put(
        notebooks.join("02-thread-pools.ipynb"),
        b"{ this is not JSON",
    )?;
    let python = r#"{"cells": [], "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}"#;
    put(notebooks.join("03-futures.ipynb"), python.as_bytes())?;
    fs::create_dir_all(class.join("dave"))?;
    Ok(alice)
}

/// Rows the class must have: learner, exercise, source, verdict, words in the message.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, Source, Verdict, &str)] = {
    use Source::{Crate, Notebook};
    use Verdict::{Done, Error, NotStarted, Wrong};
    &[
        ("alice", "run_in_threads", Crate, Done, ""),
        ("alice", "run_in_threads", Notebook, Done, ""),
        ("alice", "map_in_threads", Notebook, Done, ""),
        ("alice", "fib_par", Crate, NotStarted, "no answer"),
        ("carol", "run_in_threads", Crate, Error, "/etc/shadow"),
        ("carol", "map_on_pool", Crate, Done, ""),
        ("carol", "map_on_pool", Notebook, Error, "not valid JSON"),
        ("carol", "total", Notebook, Error, "another kernel (python3)"),
        ("carol", "count_shared", Crate, Error, "binary"),
        ("carol", "fill_shared", Crate, Error, "more than"),
        ("dave", "with_lock", Crate, NotStarted, "no answer"),
        ("Frank", "total", Crate, NotStarted, ""),
        ("frank", "total", Crate, NotStarted, ""),
        ("mallory", "run_in_threads", Notebook, Wrong, "no connection to 127.0.0.1"),
        ("mallory", "map_in_threads", Notebook, Wrong, "no connection outside"),
        ("mallory", "map_on_pool", Notebook, Wrong, "out of reach"),
        ("mallory", "map_in_batches", Notebook, Wrong, "no relative path"),
        ("mallory", "apply_pairs", Notebook, Wrong, "nothing outside"),
        ("mallory", "total", Notebook, Wrong, "processes, then"),
        ("mallory", "run_batches", Notebook, NotStarted, ""),
        ("mallory", "in_completion_order", Notebook, Error, "ran out of memory"),
        ("mallory", "count_shared", Notebook, Wrong, "did not finish within"),
        ("mallory", "transfer", Notebook, NotStarted, "MB of output"),
        ("mallory", "fill_shared", Notebook, Error, "std::process::exit"),
        ("mallory", "count_words", Notebook, Error, "looks like a verdict"),
        ("mallory", "fill_chunks", Notebook, NotStarted, ""),
    ]
};

/// The gradebook has every row of [`EXPECTED`], no breach, and 24 rows a learner.
fn check_rows(rows: &[Row]) -> Result<()> {
    let mut wrong = Vec::new();
    for &(learner, exercise, source, verdict, words) in EXPECTED {
        let row = rows
            .iter()
            .find(|r| r.learner == learner && r.exercise == exercise && r.source == source);
        match row {
            Some(r) if r.verdict == verdict && r.message.contains(words) => {}
            Some(r) => wrong.push(format!(
                "{learner} {exercise} {}: {} “{}”, expected {} with “{words}”",
                source.name(),
                r.verdict.name(),
                r.message,
                verdict.name()
            )),
            None => wrong.push(format!("{learner} {exercise} {}: no row", source.name())),
        }
    }
    for r in rows.iter().filter(|r| r.message.contains("BREACH")) {
        wrong.push(format!("{} {}: {}", r.learner, r.exercise, r.message));
    }
    // 24 rows each, plus a second source: alice's chapter 1, carol's chapter 2.
    let per_learner = 24;
    ensure!(
        rows.len() == 6 * per_learner + 2 + 3,
        "the gradebook has {} rows",
        rows.len()
    );
    ensure!(
        wrong.is_empty(),
        "rows not as expected:\n  {}",
        wrong.join("\n  ")
    );
    Ok(())
}

/// No process of the grading accounts is left once grading is over.
fn nothing_left_running() -> Result<()> {
    let uids: Vec<String> = (0..2)
        .filter_map(|slot| {
            crate::child::first_line(
                std::process::Command::new("id").args(["-u", &format!("workbook-class{slot}")]),
            )
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left: Vec<String> = fs::read_dir("/proc")?
            .filter_map(|e| e.ok())
            .filter_map(|e| fs::read_to_string(e.path().join("status")).ok())
            .filter(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with("Uid:"))
                    .is_some_and(|l| uids.iter().any(|u| l.split_whitespace().nth(1) == Some(u)))
            })
            .filter_map(|status| status.lines().next().map(String::from))
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "processes of the submissions outlived the grading: {}",
                left.join(", ")
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
