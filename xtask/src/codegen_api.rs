//! The generator's interface as the commands use it: `gen` in one of three
//! modes, `reset` of one exercise, `save_notebook` after a solved notebook ran.
//!
//! This thin layer maps that interface onto the generator's present functions
//! (`codegen::write`, `codegen::stale`); once `codegen` offers the same names
//! itself, this file becomes a re-export of them.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::codegen;

/// What `gen` does with the files derived from `chapters/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenMode {
    /// Write what changed.
    Write,
    /// Only compare, and fail on a difference.
    Check,
    /// Write even over a learner's work.
    Force,
}

pub fn r#gen(root: &Path, mode: GenMode) -> Result<()> {
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    match mode {
        GenMode::Check => {
            let stale = codegen::stale(root).map_err(|e| anyhow!(e))?;
            if stale.is_empty() {
                println!("gen --check: every generated file is up to date");
                return Ok(());
            }
            let list: Vec<String> = stale.iter().map(|p| format!("  {}", shown(p))).collect();
            bail!(
                "these files differ from what chapters/ generates:\n{}",
                list.join("\n")
            )
        }
        GenMode::Write | GenMode::Force => {
            let changed = codegen::write(root).map_err(|e| anyhow!(e))?;
            for path in &changed {
                println!("wrote {}", shown(path));
            }
            println!("gen: {} file(s) changed", changed.len());
            Ok(())
        }
    }
}

pub fn reset(_root: &Path, exercise: &str) -> Result<()> {
    bail!("reset {exercise}: this generator cannot restore a single exercise yet")
}

/// Called after a solved notebook was executed and saved: the generator
/// keeps its own layout for that one file. The present generator only lays
/// out every file at once, which would touch a learner's files, so here it
/// leaves the saved notebook as the runner wrote it.
pub fn save_notebook(_root: &Path, _notebook: &Path) -> Result<()> {
    Ok(())
}
