//! `cargo xtask progress`: one table for the whole course. Each exercise's
//! verdict from the `exercises` crate (graded by `exercises/tests/strict.rs`,
//! each check in a process of its own, which prints one report line per
//! exercise when asked) and from the student notebook (the check's own
//! result saved under its check cell: read, never executed or written), the
//! chapters' times, and what to do next.
//!
//! It writes nothing: not to `exercises/`, not to a notebook.

mod notebooks;
mod table;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::codegen::chapter;
use crate::grading::{Grade, Graded, announce_first_build, find_exercise, first_error, grade};

/// `cargo xtask progress [NAME]`.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let only = name.map(|n| find_exercise(&chapters, n)).transpose()?;
    let (notebooks, unread) = notebooks::read_notebooks(root, &chapters);
    announce_first_build(root, "progress");
    let select = only.map(|(c, ex)| format!("{}/{ex}", c.stem));
    let graded = match grade(root, select.as_deref())? {
        Grade::Reports(graded) => graded,
        Grade::CompileError(error) => bail!(
            "the exercises crate does not compile, so it cannot be graded: {}",
            first_error(&error)
        ),
        Grade::Stopped => bail!("stopped (Ctrl-C) before the grading finished"),
    };
    let crate_verdicts: BTreeMap<(String, String), Graded> = graded
        .into_iter()
        .map(|g| ((g.notebook.clone(), g.exercise.clone()), g))
        .collect();
    print!(
        "{}",
        table::table(&chapters, &crate_verdicts, &notebooks, only.map(|(_, e)| e))
    );
    let unread: Vec<String> = unread
        .into_iter()
        .filter(|(stem, _)| only.is_none_or(|(c, _)| c.stem == *stem))
        .map(|(_, why)| why)
        .collect();
    if !unread.is_empty() {
        println!("\nNot read:\n  {}", unread.join("\n  "));
    }
    if let Some((c, ex)) = only
        && let Some(g) = crate_verdicts.get(&(c.stem.clone(), ex.to_string()))
    {
        println!("\nIn exercises/src/{}.rs:\n{}", c.module(), g.report);
    }
    Ok(())
}
