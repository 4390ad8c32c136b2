//! `cargo xtask notebooks`: executes notebooks through the real kernel with
//! `xtask/nbrun.py`, which answers with one JSON object per notebook.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::setup::Env;

mod runners;

/// The longest one notebook may take before the run is stopped: nbrun.py
/// stops a single cell after 10 minutes, and no notebook comes near this.
const NOTEBOOK_LIMIT: Duration = Duration::from_secs(30 * 60);

/// What nbrun.py reports about one notebook.
#[derive(Debug, Deserialize)]
pub struct NotebookRun {
    pub notebook: String,
    pub ok: bool,
    pub code_cells: u32,
    pub charts: u32,
    pub seconds: f64,
    pub problems: Vec<Problem>,
    pub log: String,
    pub saved: bool,
}

#[derive(Debug, Deserialize)]
pub struct Problem {
    /// 0 for the kernel itself.
    pub cell: u32,
    pub what: String,
}

/// Every notebook's name (file stem), sorted.
pub fn available(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("notebooks");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ipynb"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    names.sort();
    Ok(names)
}

/// The notebooks `names` stand for (`01-threads` or `01-threads.ipynb`), all
/// when none is named. An unknown name is an error that lists the real ones.
pub fn resolve(root: &Path, names: &[String]) -> Result<Vec<PathBuf>> {
    let known = available(root)?;
    // One `.ipynb` at most: `01-threads.ipynb.ipynb` names no notebook.
    let stems: Vec<&str> = names
        .iter()
        .map(|n| n.strip_suffix(".ipynb").unwrap_or(n))
        .collect();
    let unknown: Vec<String> = stems
        .iter()
        .filter(|n| !known.iter().any(|k| k == *n))
        .map(|n| match *n {
            "" => "`` (an empty name)".to_string(),
            n => format!("`{}`", crate::shown(n)),
        })
        .collect();
    if !unknown.is_empty() {
        let chapters: Vec<&str> = known
            .iter()
            .filter(|k| !k.ends_with("-solved"))
            .map(String::as_str)
            .collect();
        bail!(
            "no notebook named {}; the notebooks are {}, each also as NAME-solved",
            unknown.join(", "),
            chapters.join(", ")
        );
    }
    let chosen = known
        .into_iter()
        .filter(|k| stems.is_empty() || stems.contains(&k.as_str()));
    Ok(chosen
        .map(|k| root.join("notebooks").join(k + ".ipynb"))
        .collect())
}

/// Where the runner keeps executed solved notebooks for `--save`.
fn runs_dir(root: &Path) -> PathBuf {
    crate::output_dir(root, "notebook-runs")
}

/// How many kernels run notebooks at once when only their verdicts count:
/// two where two cores compute side by side (a kernel spends most of a cell
/// compiling it, on one core). Where timings are kept or reported (`--save`,
/// the benchmark), one: they come from a machine doing nothing else.
fn kernels_at_once() -> usize {
    workbook::cpus().side_by_side().clamp(1, 2)
}

/// Runs `paths`, `kernels` at once, printing one line per notebook as it
/// finishes; with `save`, solved notebooks keep their new outputs. Every
/// notebook's outcome, in the order they finished, or an error when a runner
/// itself broke.
pub fn execute(
    env: &Env,
    paths: &[PathBuf],
    save: bool,
    kernels: usize,
) -> Result<Vec<NotebookRun>> {
    let runner = || {
        let mut cmd = env.venv_command("python");
        cmd.arg(env.root.join("xtask/nbrun.py"));
        if save {
            cmd.arg("--save");
        }
        cmd.arg(crate::output_dir(&env.root, "notebook-logs"))
            .arg(runs_dir(&env.root));
        cmd
    };
    runners::execute_with(&runner, paths, kernels, NOTEBOOK_LIMIT)
}

/// `[3/22] ok   02-thread-pools.ipynb  14 code cells, 3 charts  41.2 s  (2:05 in all)`
/// and the problems under it.
fn describe(n: usize, total: usize, start: Instant, o: &NotebookRun) -> String {
    let spent = start.elapsed().as_secs();
    let mut text = format!(
        "[{n}/{total}] {} {:<34} {:>3} code cells, {} chart(s) {:>7.1} s  ({}:{:02} in all){}",
        if o.ok { "ok  " } else { "FAIL" },
        o.notebook,
        o.code_cells,
        o.charts,
        o.seconds,
        spent / 60,
        spent % 60,
        if o.saved { "  saved" } else { "" }
    );
    for p in &o.problems {
        let where_ = if p.cell == 0 {
            "kernel".to_string()
        } else {
            format!("cell {}", p.cell)
        };
        text.push_str(&format!(
            "\n     {where_}: {}",
            p.what.replace('\n', "\n       ")
        ));
    }
    if !o.ok {
        text.push_str(&format!("\n     kernel log: {}", o.log));
    }
    text
}

/// Runs the notebooks and fails when any of them failed.
pub fn run(env: &Env, paths: &[PathBuf], save: bool) -> Result<()> {
    // The runner keeps each executed solved notebook in the runs folder;
    // the generator, the one notebook writer, then lays out its outputs.
    let runs = runs_dir(&env.root);
    if save {
        let _ = std::fs::remove_dir_all(&runs); // runs of an earlier command
    }
    let kernels = if save { 1 } else { kernels_at_once() };
    let outcomes = execute(env, paths, save, kernels)?;
    for o in outcomes.iter().filter(|o| o.saved) {
        crate::codegen::save_notebook(&env.root, &runs.join(&o.notebook))?;
    }
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    println!(
        "notebooks: {} passed, {failed} failed",
        outcomes.len() - failed
    );
    if failed > 0 {
        bail!("{failed} notebook(s) failed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_with_or_without_the_extension_and_unknown_ones_fail() {
        let root = crate::root();
        let found = resolve(
            &root,
            &["00-getting-started".into(), "01-threads.ipynb".into()],
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[1].ends_with("notebooks/01-threads.ipynb"));
        let err = resolve(&root, &["bad-name".into(), "00-getting-started".into()]).unwrap_err();
        assert!(
            err.to_string().contains("no notebook named `bad-name`"),
            "{err}"
        );
        for bad in ["", "01-threads.ipynb.ipynb"] {
            assert!(
                resolve(&root, &[bad.into()]).is_err(),
                "`{bad}` was accepted"
            );
        }
        let empty = resolve(&root, &["".into()]).unwrap_err().to_string();
        assert!(empty.contains("`` (an empty name)"), "{empty}");
        let long = resolve(&root, &["x".repeat(100_000)])
            .unwrap_err()
            .to_string();
        assert!(
            long.contains(&format!("`{}…`", "x".repeat(60))),
            "{}",
            &long[..100]
        );
        assert!(long.len() < 1_000, "the name is cut short");
        assert_eq!(
            resolve(&root, &[]).unwrap().len(),
            available(&root).unwrap().len()
        );
    }

    #[test]
    fn a_runner_line_reads_as_an_outcome() {
        let line = r#"{"notebook": "a.ipynb", "ok": false, "code_cells": 3, "charts": 1, "seconds": 1.5,
            "problems": [{"cell": 2, "what": "boom"}], "log": "x.log", "saved": false}"#;
        let o: NotebookRun = serde_json::from_str(line).unwrap();
        let text = describe(1, 2, Instant::now(), &o);
        assert!(text.starts_with("[1/2] FAIL a.ipynb"), "{text}");
        assert!(
            text.contains("cell 2: boom") && text.contains("kernel log: x.log"),
            "{text}"
        );
    }
}
