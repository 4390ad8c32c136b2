//! `class grade --slurm`: the shared build once, here; then one task of a
//! SLURM array job per learner, each running this same program's hidden
//! `class grade-one` with the same sandboxed grading, writing its rows to a
//! part file; then the parts merged, in learner order, into the gradebook.
//! A task that left no part still gives its learner's rows, as errors.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use workbook::slurm::Slurm;

use super::build;
use super::gradebook::{self, Row, Source, Verdict};
use super::rustc::Shared;
use super::{Options, grade::Grader};
use crate::child::{self, MINUTE, SECOND};
use crate::codegen::chapter::Chapter;

/// The script each task runs: the grader and the plan come in its environment.
const SCRIPT: &str = "#!/bin/sh\n\
    # One learner of `cargo xtask class grade --slurm`, in a task of its array job.\n\
    exec \"$CLASS_GRADER\" class grade-one \"$CLASS_PLAN\" --task \"$SLURM_ARRAY_TASK_ID\"\n";

/// The longest a whole class may take on the cluster, queueing included.
const CLASS_LIMIT: Duration = Duration::from_secs(24 * 3600);

/// What every task reads: the class, the shared build, where to work.
#[derive(Serialize, Deserialize)]
struct Plan {
    /// The instructor's checkout, whose chapters and checks grade.
    root: PathBuf,
    learners: Vec<(String, PathBuf)>,
    shared: Shared,
    work: PathBuf,
    jobs: usize,
    no_sandbox: bool,
}

/// The hidden `class grade-one`: grades one learner of a plan.
#[derive(Debug, clap::Args)]
pub struct Task {
    /// The plan.json that `class grade --slurm` wrote
    plan: PathBuf,
    /// Which learner (the array task's index)
    #[arg(long)]
    task: usize,
}

/// The part file of task `index`, and the file that says why it failed.
fn part(dir: &Path, index: usize) -> (PathBuf, PathBuf) {
    (
        dir.join(format!("part-{index}.csv")),
        dir.join(format!("part-{index}.failed")),
    )
}

/// Grades the class on the cluster and returns its rows, as a local run would.
pub fn grade(root: &Path, options: &Options) -> Result<Vec<Row>> {
    let slurm = cluster()?;
    let learners = super::learners(&options.dir)?;
    let chapters = super::graded_chapters(root)?;
    let class_dir = crate::target_dir(root).join("class");
    let dir = class_dir.join("slurm");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let plan = Plan {
        root: root.to_path_buf(),
        learners: learners.clone(),
        shared: build::shared(root, &class_dir.join("shared"))?,
        work: dir.join("work"),
        jobs: usize::from(options.jobs),
        no_sandbox: options.no_sandbox,
    };
    let plan_file = dir.join("plan.json");
    fs::write(&plan_file, serde_json::to_vec_pretty(&plan)?)?;
    let script = dir.join("grade.sbatch");
    fs::write(&script, SCRIPT)?;
    let grader = std::env::current_exe().context("where this program is")?;
    let mut sbatch = slurm.command("sbatch");
    sbatch
        .arg("--wait")
        .arg(format!("--array=0-{}%{}", learners.len() - 1, plan.jobs))
        .arg("--job-name=class-grade")
        .arg(format!("--output={}/task-%a.out", dir.display()))
        .arg(&script)
        .env("CLASS_GRADER", &grader)
        .env("CLASS_PLAN", &plan_file);
    println!(
        "[class] grading {} learners on the cluster, one task each, {} at a time (watch with squeue; \
         each task's output: {}/task-N.out)",
        learners.len(),
        plan.jobs,
        dir.display()
    );
    let out = child::output(&mut sbatch, CLASS_LIMIT)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(job) = stdout
        .lines()
        .find(|l| l.starts_with("Submitted batch job"))
    else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!(
            "sbatch refused the grading job: {}",
            stderr.trim().lines().last().unwrap_or("it gave no reason")
        );
    };
    println!("[class] {job}: every task has ended");
    merge(&dir, &learners, &chapters)
}

/// The SLURM cluster to use, or why there is none to reach.
fn cluster() -> Result<Slurm> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !on_path("sbatch", &path) {
        bail!(
            "--slurm needs SLURM's `sbatch`, and it is not installed here: run \
             `cargo xtask cluster up` (as root) for a cluster on this machine, or run this on a \
             SLURM site's login node"
        );
    }
    let slurm = match std::env::var_os("SLURM_CONF") {
        Some(conf) => Slurm::with_conf(conf),
        None => Slurm::local(),
    };
    reachable(slurm)
}

/// `slurm`, when its controller answers; else what to do.
fn reachable(slurm: Slurm) -> Result<Slurm> {
    if slurm.check_up().is_err() {
        bail!(
            "--slurm: no SLURM controller answers (configuration: {}): start this machine's \
             cluster with `cargo xtask cluster up` (as root), or set SLURM_CONF to your site's \
             slurm.conf",
            slurm.conf().display()
        );
    }
    Ok(slurm)
}

/// Whether `program` is a file in one of `path`'s folders.
fn on_path(program: &str, path: &OsStr) -> bool {
    std::env::split_paths(path).any(|dir| dir.join(program).is_file())
}

/// The rows of every task's part, in learner order; a learner whose task
/// left no part gets an `error` row per exercise saying why.
fn merge(dir: &Path, learners: &[(String, PathBuf)], chapters: &[Chapter]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (index, (name, _)) in learners.iter().enumerate() {
        let (part, failed) = part(dir, index);
        if let Ok(graded) = gradebook::read(&part) {
            rows.extend(graded);
            continue;
        }
        let why = match fs::read_to_string(&failed) {
            Ok(why) => format!("its grading task on the cluster failed: {}", why.trim()),
            Err(_) => format!(
                "its grading task on the cluster ended without a result (cancelled, or out of \
                 time?): see {}",
                dir.join(format!("task-{index}.out")).display()
            ),
        };
        eprintln!("warning: {name}: {why}");
        for exercise in chapters.iter().flat_map(|c| c.exercises()) {
            rows.push(Row {
                learner: name.clone(),
                exercise: exercise.to_string(),
                source: Source::Crate,
                verdict: Verdict::Error,
                message: why.clone(),
                seconds: 0.0,
            });
        }
    }
    Ok(rows)
}

/// One array task: grades its learner into its part file, or writes why it could not.
pub fn grade_one(task: &Task) -> Result<()> {
    let dir = task.plan.parent().context("the plan is in a folder")?;
    let (part, failed) = part(dir, task.task);
    let graded = read_plan(&task.plan).and_then(|plan| {
        let (name, folder) = plan
            .learners
            .get(task.task)
            .with_context(|| format!("the plan has no learner {}", task.task))?;
        // Tasks of the same class share the grading accounts: each takes one no other holds.
        let (slot, _held) = claim_slot(dir, plan.jobs)?;
        let sandbox = {
            let _setup = locked(&dir.join("setup.lock"))?;
            super::sandbox(plan.no_sandbox, plan.jobs)?
        };
        let chapters = super::graded_chapters(&plan.root)?;
        let grader = Grader {
            sandbox: &sandbox,
            shared: &plan.shared,
            chapters: &chapters,
            work: &plan.work,
        };
        let rows = super::grade_learner(&grader, slot, task.task, name, folder);
        gradebook::write(&part, &rows)
    });
    if let Err(e) = &graded {
        let _ = fs::write(&failed, format!("{e:#}"));
    }
    graded
}

fn read_plan(path: &Path) -> Result<Plan> {
    let text = fs::read(path).with_context(|| path.display().to_string())?;
    serde_json::from_slice(&text).with_context(|| format!("{} is not a plan", path.display()))
}

/// The first of `jobs` slots whose lock file in `dir` no running task holds,
/// waiting for one if need be; the lock is held as long as the file is open.
fn claim_slot(dir: &Path, jobs: usize) -> Result<(usize, File)> {
    for _ in 0..(10 * MINUTE).as_secs() {
        for slot in 0..jobs {
            let file = File::create(dir.join(format!("slot-{slot}.lock")))?;
            if file.try_lock().is_ok() {
                return Ok((slot, file));
            }
        }
        std::thread::sleep(SECOND);
    }
    bail!("no grading account was free for 10 minutes: more tasks run at once than --jobs")
}

/// `path`, created if need be, locked until the file is dropped.
fn locked(path: &Path) -> Result<File> {
    let file = File::create(path).with_context(|| path.display().to_string())?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("class-slurm-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn no_cluster_is_one_clear_message() {
        assert!(!on_path("sbatch", OsStr::new("")));
        assert!(on_path("sh", OsStr::new("/usr/bin:/bin")));
        let down = reachable(Slurm::with_conf("/no/such/slurm.conf")).unwrap_err();
        let said = down.to_string();
        assert!(said.contains("no SLURM controller answers"), "{said}");
        assert!(said.contains("cargo xtask cluster up"), "{said}");
    }

    #[test]
    fn a_task_without_a_part_still_gives_its_learners_rows() {
        let dir = temp("merge");
        let row = |learner: &str, exercise: &str| Row {
            learner: learner.into(),
            exercise: exercise.into(),
            source: Source::Notebook,
            verdict: Verdict::Done,
            message: String::new(),
            seconds: 1.0,
        };
        gradebook::write(&part(&dir, 0).0, &[row("ann", "a"), row("ann", "b")]).unwrap();
        fs::write(part(&dir, 1).1, "grading needs root\n").unwrap();
        gradebook::write(&part(&dir, 3).0, &[row("dan", "a")]).unwrap();
        let learners: Vec<(String, PathBuf)> = ["ann", "bob", "cat", "dan"]
            .iter()
            .map(|n| (n.to_string(), dir.join(n)))
            .collect();
        let root = crate::root();
        let chapters = super::super::graded_chapters(&root).unwrap();
        let exercises = chapters.iter().flat_map(|c| c.exercises()).count();
        let rows = merge(&dir, &learners, &chapters).unwrap();
        assert_eq!(rows.len(), 2 + 2 * exercises + 1);
        let order: Vec<&str> = rows.iter().map(|r| r.learner.as_str()).collect();
        assert!(
            order.is_sorted_by_key(|l| ["ann", "bob", "cat", "dan"].iter().position(|n| n == l))
        );
        let bob = rows.iter().find(|r| r.learner == "bob").unwrap();
        assert_eq!(bob.verdict, Verdict::Error);
        assert!(
            bob.message.contains("failed: grading needs root"),
            "{}",
            bob.message
        );
        let cat = rows.iter().find(|r| r.learner == "cat").unwrap();
        assert!(cat.message.contains("task-2.out"), "{}", cat.message);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tasks_on_the_same_node_take_different_accounts() {
        let dir = temp("slots");
        let (first, _a) = claim_slot(&dir, 2).unwrap();
        let (second, _b) = claim_slot(&dir, 2).unwrap();
        assert_eq!((first, second), (0, 1));
        drop(_a);
        assert_eq!(claim_slot(&dir, 2).unwrap().0, 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
