//! The benchmark's class entry (`cargo xtask bench`, or alone `cargo xtask
//! class bench`): the time to grade a class made on the fly, [`LEARNERS`]
//! learners whose notebooks answer each exercise right (the reference
//! answer), wrong (an answer that panics) or not at all (the stub), in a
//! mix that differs from one learner to the next.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Result, ensure};

use super::confine::{self, Choice};
use super::gradebook::Verdict;
use super::submission::{cells_as, notebook, stub_cells};
use super::{Options, build, graded_chapters};
use crate::codegen::chapter::{Chapter, ChapterCopy};

/// How many learners the benchmark's class has.
pub const LEARNERS: usize = 30;

/// What grading the benchmark's class took.
pub struct Timing {
    pub learners: usize,
    pub rows: usize,
    /// How many rows are done, wrong, not started.
    pub mix: [usize; 3],
    /// Compiling the instructor's crates, once per checkout (seconds; a
    /// few when they are already built).
    pub shared_s: f64,
    /// Grading every learner, the shared crates built.
    pub grading_s: f64,
    /// Whether learners' code ran in the sandbox (it needs root on Linux).
    pub sandboxed: bool,
}

impl Timing {
    pub fn per_learner_s(&self) -> f64 {
        self.grading_s / self.learners as f64
    }

    /// The timing in one line.
    pub fn summary(&self) -> String {
        let how = if self.sandboxed {
            "sandboxed"
        } else {
            "without the sandbox (it needs root on Linux)"
        };
        let [done, wrong, not_started] = self.mix;
        format!(
            "{} learners, {} rows ({done} done, {wrong} wrong, {not_started} not started): \
             {:.0} s, {:.1} s a learner, {how}, 2 jobs; the shared crates before it: {:.0} s",
            self.learners,
            self.rows,
            self.grading_s,
            self.per_learner_s(),
            self.shared_s
        )
    }
}

/// `cargo xtask class bench`: times the class and says what it took.
pub fn run(root: &Path) -> Result<()> {
    println!("class grading: {}", time(root)?.summary());
    Ok(())
}

/// Writes the class under the target folder and grades it with two jobs.
pub fn time(root: &Path) -> Result<Timing> {
    let dir = crate::target_dir(root).join("bench/class");
    let _ = fs::remove_dir_all(&dir);
    let chapters = graded_chapters(root)?;
    write(&dir.join("learners"), &chapters, LEARNERS)?;
    let sandboxed = matches!(
        confine::choose(&confine::Facts::here(), false),
        Choice::Sandbox { .. }
    );
    let start = Instant::now();
    build::shared(root, &crate::target_dir(root).join("class/shared"))?;
    let shared_s = start.elapsed().as_secs_f64();
    let options = Options {
        dir: dir.join("learners"),
        out: dir.join("gradebook.csv"),
        html: None,
        jobs: 2,
        // Only the workbook's own answers run: safe without the sandbox.
        no_sandbox: !sandboxed,
        slurm: false,
    };
    let start = Instant::now();
    let rows = super::grade(root, &options)?;
    let grading_s = start.elapsed().as_secs_f64();
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let exercises: usize = chapters.iter().map(|c| c.exercises().len()).sum();
    ensure!(
        rows.len() == LEARNERS * exercises,
        "the benchmark's class gave {} rows, not {}",
        rows.len(),
        LEARNERS * exercises
    );
    if let Some(row) = rows.iter().find(|r| r.verdict == Verdict::Error) {
        anyhow::bail!(
            "the benchmark's class has an error row ({} {}: {}): its time would not be a grading's",
            row.learner,
            row.exercise,
            row.message
        );
    }
    let mix = [Verdict::Done, Verdict::Wrong, Verdict::NotStarted].map(count);
    ensure!(
        mix.iter().all(|n| *n > 0),
        "the benchmark's class is not a mix of right, wrong and untouched answers"
    );
    Ok(Timing {
        learners: LEARNERS,
        rows: rows.len(),
        mix,
        shared_s,
        grading_s,
        sandboxed,
    })
}

/// Writes `learners` learners' notebooks into `class`: exercise `k` (of the
/// whole workbook) of learner `i` is right when `(i + k) % 3` is 0, wrong
/// when 1, the untouched stub when 2.
pub fn write(class: &Path, chapters: &[Chapter], learners: usize) -> Result<()> {
    for learner in 0..learners {
        let notebooks = class.join(format!("learner{learner:02}/notebooks"));
        fs::create_dir_all(&notebooks)?;
        let mut k = learner;
        for chapter in chapters {
            let solved = cells_as(chapter, ChapterCopy::Solved);
            let mut cells = Vec::new();
            for (name, stub) in stub_cells(chapter) {
                cells.push(match k % 3 {
                    0 => solved[&name].clone(),
                    1 => stub.replacen("todo!()", "panic!(\"not this way\")", 1),
                    _ => stub,
                });
                k += 1;
            }
            let path = notebooks.join(format!("{}.ipynb", chapter.stem));
            fs::write(path, serde_json::to_string(&notebook(cells))?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::submission;

    #[test]
    fn each_learner_answers_a_mix_the_grader_reads_back() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let chapters = graded_chapters(&root).unwrap();
        let class = std::env::temp_dir().join(format!("class-bench-{}", std::process::id()));
        write(&class, &chapters, 2).unwrap();
        let found = submission::read(&class.join("learner01"), &chapters);
        let cells: Vec<String> = found
            .notebooks
            .into_values()
            .flat_map(|n| n.unwrap().into_values())
            .collect();
        let exercises: usize = chapters.iter().map(|c| c.exercises().len()).sum();
        assert_eq!(cells.len(), exercises);
        let wrong = cells.iter().filter(|c| c.contains("not this way")).count();
        let stubs = cells.iter().filter(|c| c.contains("todo!()")).count();
        assert!(
            wrong > 0 && stubs > 0 && wrong + stubs < exercises,
            "{wrong} wrong, {stubs} stubs"
        );
        fs::remove_dir_all(&class).unwrap();
    }
}
