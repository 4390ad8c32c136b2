//! Folders for the tests of `gen`, `reset` and `hint`.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use super::{chapter, declarations};

/// An empty folder of its own under the temp folder, for one test's files.
pub(crate) fn fresh_dir(what: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-{what}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workspace with one chapter, `01-test`, holding exercise `add` (two
/// hints) under a `## ` heading, a checks file, and a target folder;
/// removed when dropped.
pub(crate) struct OneChapter(pub PathBuf);

impl OneChapter {
    /// `heading` above exercise `add`; `checks` as `workbook/src/check/ch01.rs`.
    pub fn new(heading: &str, checks: &str) -> Self {
        let root = OneChapter(fresh_dir("one-chapter"));
        for dir in ["chapters", "workbook/src/check", "target"] {
            fs::create_dir_all(root.path(dir)).unwrap();
        }
        fs::write(root.path("workbook/src/check/ch01.rs"), checks).unwrap();
        root.write_chapter(&Self::text_under(heading));
        root
    }

    /// The chapter's text below its title: exercise `add` under `## {heading}`.
    pub fn text_under(heading: &str) -> String {
        format!(
            "## {heading}\n\nWrite it.\n\n```rust exercise=add\npub fn add() -> u64 {{\n    \
             // BEGIN SOLUTION\n    42\n    // END SOLUTION\n}}\n```\n\n\
             > **Hint 1.** Think of the number that answers everything.\n\n\
             > **Hint 2.** Return `42`.\n"
        )
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Replaces the chapter's text (under its title and minutes line).
    pub fn write_chapter(&self, text: &str) {
        let title = "# 01 · Test\n<!-- minutes: reading=5 exercises=5 -->\n\n";
        fs::write(self.path("chapters/01-test.md"), format!("{title}{text}")).unwrap();
    }

    /// What `gen` writes as `workbook/src/check/declared.rs`.
    pub fn declared(&self) -> Result<String> {
        declarations::exercises_source(&self.0, &chapter::read_all(&self.0)?)
    }

    /// What `cargo xtask hint add` (with `--all` when `all`) prints.
    pub fn hint(&self, all: bool) -> String {
        crate::hint::next(&self.0, &self.path("target"), "add", all)
            .unwrap()
            .text
    }
}

impl Drop for OneChapter {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
