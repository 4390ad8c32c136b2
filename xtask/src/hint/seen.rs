//! The record of which hints were shown: `hints/seen.json` in cargo's
//! target folder, read and rewritten under `hints/seen.lock`.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::Path;

use anyhow::{Context, Result};

/// Relative to cargo's target folder: how many hints of each exercise were shown.
pub(super) const SEEN: &str = "hints/seen.json";
/// Held locked while a run reads and rewrites [`SEEN`].
const LOCK: &str = "hints/seen.lock";

/// The lock on the record, held until the file is dropped.
pub(super) fn lock(target: &Path) -> Result<File> {
    let path = target.join(LOCK);
    let dir = path.parent().expect("the lock is in a folder");
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    file.lock()
        .with_context(|| format!("could not lock {}", path.display()))?;
    Ok(file)
}

/// The record; empty when there is none yet.
pub(super) fn read_seen(target: &Path) -> Result<BTreeMap<String, usize>> {
    let path = target.join(SEEN);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} does not hold a record of hints seen, as `cargo xtask hint` writes it; \
             it was left as it is, and hints were counted from the first",
            path.display()
        )
    })
}

/// Replaces the record in one step (a whole new file renamed over it), so
/// that no reader ever sees half of it.
pub(super) fn write_seen(target: &Path, seen: &BTreeMap<String, usize>) -> Result<()> {
    let path = target.join(SEEN);
    let new = path.with_extension("json.new");
    let text = serde_json::to_string_pretty(seen).expect("a map of numbers is JSON") + "\n";
    fs::write(&new, text).with_context(|| format!("could not write {}", new.display()))?;
    fs::rename(&new, &path).with_context(|| format!("could not replace {}", path.display()))
}
