//! The kernel build's progress file: what it holds (its field names reach the
//! placeholder kernel through the generated `xtask/protocol.py`), written
//! whole so that a reader never sees half of it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The progress file the placeholder kernel reads.
pub fn progress_file(root: &Path) -> PathBuf {
    crate::output_dir(root, "setup").join("evcxr-progress.json")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Building,
    /// Built, and the real kernelspec is in place.
    Ready,
    Failed,
}

/// What the progress file holds (times in seconds since 1970).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub state: State,
    pub started: u64,
    /// When `left_s` was estimated.
    pub updated: u64,
    /// Units compiled and cargo's total, once cargo has counted them.
    pub done: Option<u32>,
    pub total: Option<u32>,
    pub left_s: Option<u64>,
    /// The `cargo install` process: when it is gone and the state is still
    /// `building`, the build was stopped.
    pub pid: u32,
    pub log: PathBuf,
}

impl Progress {
    pub fn write(&self, file: &Path) -> Result<()> {
        // Written whole to a side file, then renamed: a reader never sees half of it.
        let part = file.with_extension("json.part");
        fs::write(&part, serde_json::to_string_pretty(self)? + "\n")?;
        fs::rename(&part, file).with_context(|| file.display().to_string())
    }

    pub fn read(file: &Path) -> Option<Progress> {
        serde_json::from_str(&fs::read_to_string(file).ok()?).ok()
    }

    /// The terminal's line: how far, and how long is left.
    pub fn line(&self, elapsed: Duration) -> String {
        let so_far = format!(
            "{}:{:02} so far",
            elapsed.as_secs() / 60,
            elapsed.as_secs() % 60
        );
        let left = match self.left_s {
            Some(s) if s < 60 => "less than a minute left".to_string(),
            Some(s) => format!("about {} min left", s.div_ceil(60)),
            None => "time left not known yet".to_string(),
        };
        match (self.done, self.total) {
            (Some(done), Some(total)) => {
                format!("{done}/{total} crates compiled, {left} ({so_far})")
            }
            _ => format!("downloading its crates, {left} ({so_far})"),
        }
    }
}

/// Marks an existing progress file ready, so a placeholder kernel restarted
/// from now on hands over to the real one.
pub fn mark_ready(root: &Path) -> Result<()> {
    let file = progress_file(root);
    if let Some(mut progress) = Progress::read(&file) {
        progress.state = State::Ready;
        progress.updated = unix_now();
        progress.write(&file)?;
    }
    Ok(())
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
