//! `cargo xtask class grade DIR`: an instructor grades a whole class with
//! their own checkout. Every learner's code is compiled and run in a sandbox
//! ([`sandbox`]); each exercise's check runs alone; the verdicts go to a
//! gradebook (CSV) and, with `--html`, a class dashboard.

mod bench;
mod browser;
mod build;
mod confine;
mod dashboard;
mod grade;
mod gradebook;
mod hostile;
mod rustc;
mod sandbox;
mod selftest;

pub use sandbox::SANDBOX_APT;
mod slurm;
pub mod slurm_check;
mod submission;

use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::codegen::chapter;
use confine::Choice;
use gradebook::{Row, Verdict};
use sandbox::Sandbox;

pub use bench::{LEARNERS as BENCH_LEARNERS, time as bench_time};
pub use selftest::step as test_step;

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Grade every learner's answers (one folder per learner) into a gradebook
    Grade(Options),
    /// One learner of a `--slurm` run: what each task of its array job runs
    #[command(hide = true)]
    GradeOne(slurm::Task),
    /// Time grading 30 learners of a class made on the fly (also part of `cargo xtask bench`)
    Bench,
}

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The class: one folder per learner, named after them, holding their
    /// exercises/src/chNN_*.rs files, notebooks/NN-*.ipynb, or a whole clone
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The gradebook to write (CSV: learner,exercise,source,verdict,message,seconds)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also write the class dashboard (a static HTML page) here
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Learners graded at once
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// Run learners' code without the sandbox: it can then read your files and
    /// other learners' answers, use the network and outlive the grading
    #[arg(long)]
    no_sandbox: bool,
    /// Grade each learner in a task of a SLURM array job (the cluster of
    /// `cargo xtask cluster up`, or the one SLURM_CONF names), then merge
    #[arg(long)]
    slurm: bool,
}

pub fn run(root: &Path, action: Action) -> Result<()> {
    let options = match action {
        Action::Grade(options) => options,
        Action::GradeOne(task) => return slurm::grade_one(&task),
        Action::Bench => return bench::run(root),
    };
    let rows = if options.slurm {
        slurm::grade(root, &options)?
    } else {
        grade(root, &options)?
    };
    gradebook::write(&options.out, &rows)?;
    if let Some(html) = &options.html {
        dashboard::write(html, &rows)?;
    }
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    println!(
        "[class] {} rows: {} done, {} wrong, {} not started, {} errors; gradebook: {}",
        rows.len(),
        count(Verdict::Done),
        count(Verdict::Wrong),
        count(Verdict::NotStarted),
        count(Verdict::Error),
        options.out.display()
    );
    Ok(())
}

/// Every row of the class, learners in name order.
fn grade(root: &Path, options: &Options) -> Result<Vec<Row>> {
    let learners = learners(&options.dir)?;
    let jobs = usize::from(options.jobs);
    let sandbox = sandbox(options.no_sandbox, jobs)?;
    let chapters = graded_chapters(root)?;
    let class_dir = crate::target_dir(root).join("class");
    let work = class_dir.join("work");
    let _ = fs::remove_dir_all(&work);
    let shared = build::shared(root, &class_dir.join("shared"))?;
    let grader = grade::Grader {
        sandbox: &sandbox,
        shared: &shared,
        chapters: &chapters,
        work: &work,
    };
    let queue = Mutex::new(learners.iter().enumerate().collect::<VecDeque<_>>());
    let graded = Mutex::new(BTreeMap::new());
    let start = Instant::now();
    std::thread::scope(|scope| {
        for slot in 0..jobs {
            let (queue, graded, grader) = (&queue, &graded, &grader);
            scope.spawn(move || {
                loop {
                    let Some((index, (name, folder))) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let rows = grade_learner(grader, slot, index, name, folder);
                    graded.lock().unwrap().insert(index, rows);
                }
            });
        }
    });
    println!(
        "[class] {} learners graded in {:.1} s",
        learners.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(graded
        .into_inner()
        .unwrap()
        .into_values()
        .flatten()
        .collect())
}

/// The sandbox learners' code runs in, for `jobs` learners at once; an
/// error when there is none and `--no-sandbox` was not given.
fn sandbox(no_sandbox: bool, jobs: usize) -> Result<Sandbox> {
    match confine::choose(&confine::Facts::here(), no_sandbox) {
        Choice::Sandbox { install } => Sandbox::prepare(jobs, install),
        Choice::Unconfined(warning) => {
            eprintln!("warning: {warning}");
            Ok(Sandbox::None)
        }
        Choice::Refuse(why) => bail!("{why}"),
    }
}

/// The chapters that have exercises, in order.
fn graded_chapters(root: &Path) -> Result<Vec<chapter::Chapter>> {
    Ok(chapter::read_all(root)?
        .into_iter()
        .filter(|c| !c.exercises().is_empty())
        .collect())
}

/// Every row of the learner `name`, the `index`th of the class, whose answers are in `folder`.
fn grade_learner(
    grader: &grade::Grader,
    slot: usize,
    index: usize,
    name: &str,
    folder: &Path,
) -> Vec<Row> {
    let began = Instant::now();
    let found = submission::read(folder, grader.chapters);
    if found.is_empty() {
        eprintln!(
            "warning: {name}: no answers found (no exercises/src/chNN_*.rs, no \
             notebooks/NN-*.ipynb): every exercise is not-started"
        );
    }
    let rows = grader.learner(slot, index, name, &found);
    let done = rows.iter().filter(|r| r.verdict == Verdict::Done).count();
    println!(
        "[class] {name}: {done} of {} rows done ({:.1} s)",
        rows.len(),
        began.elapsed().as_secs_f64()
    );
    rows
}

/// The learners' folders in `dir`, by name; what is not a folder is left
/// out with a warning, and names that differ only by case are pointed out.
fn learners(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder: give the folder that holds one folder per learner",
            dir.display()
        );
    }
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            found.push((name, entry.path()));
        } else {
            eprintln!(
                "warning: {name} in {} is not a folder: left out",
                dir.display()
            );
        }
    }
    found.sort();
    let mut by_case: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, _) in &found {
        by_case.entry(name.to_lowercase()).or_default().push(name);
    }
    for names in by_case.values().filter(|n| n.len() > 1) {
        eprintln!(
            "warning: the folders {} differ only by case: graded as separate learners; \
             check they are not the same person",
            names.join(" and ")
        );
    }
    if found.is_empty() {
        bail!("{} holds no learner's folder", dir.display());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_folder_must_exist_and_hold_learners() {
        let missing = learners(Path::new("/no/such/class")).unwrap_err();
        assert!(missing.to_string().contains("is not a folder"), "{missing}");
        let dir = std::env::temp_dir().join(format!("class-empty-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let empty = learners(&dir).unwrap_err();
        assert!(empty.to_string().contains("holds no learner"), "{empty}");
        fs::create_dir_all(dir.join("Ann")).unwrap();
        fs::create_dir_all(dir.join("ann")).unwrap();
        fs::write(dir.join("notes.txt"), "not a learner").unwrap();
        let names: Vec<String> = learners(&dir)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["Ann", "ann"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
