//! A chapter, `chapters/NN-slug.md`, as cells (the format is in chapters/AUTHORING.md):
//! the model here, the Markdown reader in [`read`].

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::protocol::SOLVED_ONLY_TAG;
use read::{MINUTES_FORMAT, cells};

mod read;
#[cfg(test)]
mod tests;

/// One chapter, parsed.
pub struct Chapter {
    /// `01`
    pub number: String,
    /// `01-threads`
    pub stem: String,
    /// Workspace dependencies the notebook loads (`<!-- deps: ... -->`).
    pub deps: Vec<String>,
    /// How long the chapter takes (`<!-- minutes: ... -->`).
    pub minutes: Minutes,
    pub cells: Vec<Cell>,
}

pub enum Cell {
    Markdown {
        text: String,
        /// Prose only the solved notebook gets (after a `<!-- solved-only -->` line): it reads
        /// the output of a `solved-only` code cell, which the student notebook does not have.
        solved_only: bool,
    },
    Code {
        source: String,
        exercise: Option<String>,
        tags: Vec<String>,
        /// An exercise's hints (`> **Hint N.** ...` right after its cell), in order.
        hints: Vec<String>,
    },
}

impl Cell {
    /// Whether only the solved notebook gets this cell: a ```` ```rust solved-only ```` code
    /// cell, or prose after a `<!-- solved-only -->` line.
    pub fn solved_only(&self) -> bool {
        match self {
            Cell::Markdown { solved_only, .. } => *solved_only,
            Cell::Code {
                exercise: None,
                tags,
                ..
            } => tags.iter().any(|t| t == SOLVED_ONLY_TAG),
            Cell::Code { .. } => false,
        }
    }
}

/// A chapter's estimated time, from `<!-- minutes: reading=N exercises=M -->`
/// on the line under its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Minutes {
    /// Reading the prose and running the demo cells.
    pub reading: u32,
    /// Writing the exercises until their checks pass.
    pub exercises: u32,
}

impl Minutes {
    pub fn total(self) -> u32 {
        self.reading + self.exercises
    }

    /// The italic line the opening Markdown cell shows under the title.
    pub fn line(self) -> String {
        match self.exercises {
            0 => format!(
                "*Time: about {} minutes of reading and running the demos.*",
                self.reading
            ),
            ex => format!(
                "*Time: about {} minutes ({} reading and running the demos, {ex} for the exercises).*",
                self.total(),
                self.reading
            ),
        }
    }
}

/// Which copy of a chapter to build: the student's (each answer a `todo!()`)
/// or the solved one.
#[derive(Clone, Copy, PartialEq)]
pub enum ChapterCopy {
    Student,
    Solved,
}

pub(super) const SOLUTION_BEGIN: &str = "// BEGIN SOLUTION";
pub(super) const SOLUTION_END: &str = "// END SOLUTION";
/// Starts prose that only the solved notebook gets, up to the next cell.
pub(super) const SOLVED_ONLY_PROSE: &str = "<!-- solved-only -->";
/// `<!-- deps: workbook/loom -->` turns on a feature of the workbook itself,
/// in cargo's `crate/feature` spelling.
const WORKBOOK_FEATURE: &str = "workbook/";

impl Chapter {
    /// `ch01_threads`: the chapter's module in `exercises` and `solutions`.
    pub fn module(&self) -> String {
        format!("ch{}", self.stem.replace('-', "_"))
    }

    /// The exercise functions, in order.
    pub fn exercises(&self) -> Vec<&str> {
        self.cells
            .iter()
            .filter_map(|c| match c {
                Cell::Code { exercise, .. } => exercise.as_deref(),
                Cell::Markdown { .. } => None,
            })
            .collect()
    }

    /// The hints written under exercise `name`, or `None` when the chapter has no such exercise.
    pub fn hints(&self, name: &str) -> Option<&[String]> {
        self.cells.iter().find_map(|c| match c {
            Cell::Code {
                exercise: Some(e),
                hints,
                ..
            } if e == name => Some(hints.as_slice()),
            _ => None,
        })
    }

    /// The crates the chapter loads (`<!-- deps: rayon, rand -->`), the workbook aside.
    pub fn crate_deps(&self) -> impl Iterator<Item = &str> {
        self.deps
            .iter()
            .map(String::as_str)
            .filter(|d| !d.starts_with(WORKBOOK_FEATURE))
    }

    /// The workbook features the chapter turns on (`<!-- deps: workbook/loom -->`).
    pub fn workbook_features(&self) -> Vec<&str> {
        self.deps
            .iter()
            .filter_map(|d| d.strip_prefix(WORKBOOK_FEATURE))
            .collect()
    }

    /// An exercise's section: the last `## ` heading above its cell. Every
    /// report that sends the learner back (the check's, `cargo xtask hint`)
    /// names this one.
    pub fn section_of(&self, name: &str) -> Option<String> {
        let mut section = None;
        for cell in &self.cells {
            match cell {
                Cell::Markdown { text, .. } => {
                    if let Some(h) = text.lines().rev().find_map(|l| l.strip_prefix("## ")) {
                        section = Some(h.trim().to_string());
                    }
                }
                Cell::Code {
                    exercise: Some(e), ..
                } if e == name => return section,
                Cell::Code { .. } => {}
            }
        }
        None
    }

    /// The check cell's call: `workbook::check::chNN::NAME(path)`.
    pub fn check_call(&self, exercise: &str, krate: Option<&str>) -> String {
        let path = match krate {
            Some(k) => format!("{k}::{}::{exercise}", self.module()),
            None => exercise.to_string(),
        };
        format!("workbook::check::ch{}::{exercise}({path})", self.number)
    }
}

/// The one rule for chapter names: `NN-slug` (two digits, a dash, lower-case
/// words joined by dashes). Returns the number.
pub fn chapter_number(stem: &str) -> Option<&str> {
    let (number, slug) = stem.split_once('-')?;
    let number_ok = number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit());
    let slug_ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (number_ok && slug_ok).then_some(number)
}

/// Every chapter in `chapters/`, in order. Other Markdown there
/// (AUTHORING.md) is for authors and is skipped.
pub fn read_all(root: &Path) -> Result<Vec<Chapter>> {
    let dir = root.join("chapters");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            chapter_number(stem).is_some()
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| parse(p)).collect()
}

/// Parses `chapters/NN-slug.md`.
pub fn parse(path: &Path) -> Result<Chapter> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let Some(number) = chapter_number(&stem).map(str::to_string) else {
        bail!("{}: chapter files are named NN-slug.md", path.display());
    };
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (deps, minutes, cells) = cells(&text).with_context(|| path.display().to_string())?;
    let Some(minutes) = minutes else {
        bail!(
            "{}: the line under the chapter's `# ` title must say how long it takes: `{MINUTES_FORMAT}`",
            path.display()
        );
    };
    let chapter = Chapter {
        number,
        stem,
        deps,
        minutes,
        cells,
    };
    let exercises = chapter.exercises().len();
    if (exercises == 0) != (minutes.exercises == 0) {
        bail!(
            "{}: `exercises={}` in its minutes line, but the chapter has {exercises} exercise(s){}",
            path.display(),
            minutes.exercises,
            if exercises == 0 {
                ": write exercises=0"
            } else {
                ""
            }
        );
    }
    Ok(chapter)
}

/// The student's or the solved form of an exercise cell's code.
pub fn exercise_code(source: &str, copy: ChapterCopy) -> String {
    let mut out = Vec::new();
    let mut in_solution = false;
    for line in source.lines() {
        let marker = line.trim();
        if marker == SOLUTION_BEGIN {
            in_solution = true;
            if copy == ChapterCopy::Student {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push(format!("{indent}todo!()"));
            }
        } else if marker == SOLUTION_END {
            in_solution = false;
        } else if !(in_solution && copy == ChapterCopy::Student) {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}
