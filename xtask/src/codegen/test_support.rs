//! Workspaces for the tests of `gen`, `reset` and `hint`: one with a single
//! small chapter, and a copy of the repository's chapters and generated files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{Value, json};

use super::{chapter, learner, notebook};
use crate::test_folder;

/// A workspace with one chapter, `01-test`, holding exercise `add` (two
/// hints) under a `## ` heading, a checks file, and a target folder;
/// removed when dropped.
pub(crate) struct OneChapter(pub PathBuf);

impl OneChapter {
    /// `heading` above exercise `add`; `checks` as `workbook/src/check/ch01.rs`.
    pub fn new(heading: &str, checks: &str) -> Self {
        let root = OneChapter(test_folder::fresh("one-chapter"));
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

    /// An error's text, with this folder replaced by `[root]`.
    pub fn error_of<T>(&self, result: Result<T>) -> String {
        let Err(e) = result else {
            panic!("an error was expected");
        };
        format!("{e:#}").replace(&self.0.display().to_string(), "[root]")
    }
}

impl Drop for OneChapter {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `text` parsed as chapter `01-test`, under a title and a minutes line.
pub(crate) fn chapter_of(text: &str) -> Result<chapter::Chapter> {
    let dir = test_folder::fresh("chapter");
    let path = dir.join("01-test.md");
    // Every chapter opens with its title and its time.
    let exercises = if text.contains("exercise=") { 5 } else { 0 };
    let heading = format!("# 01 · Test\n<!-- minutes: reading=5 exercises={exercises} -->\n\n");
    fs::write(&path, format!("{heading}{text}")).unwrap();
    let parsed = chapter::parse(&path);
    let _ = fs::remove_dir_all(&dir);
    parsed
}

/// A copy of what the generator reads and writes, removed when dropped.
pub(crate) struct Workspace(pub PathBuf);

impl Workspace {
    pub fn copy() -> Self {
        let dir = test_folder::fresh("codegen");
        let root = crate::root();
        for part in [
            "chapters",
            "notebooks",
            "exercises",
            "solutions",
            "workbook/src/check",
        ] {
            copy_dir(&root.join(part), &dir.join(part));
        }
        for file in [
            "Cargo.toml",
            learner::MANIFEST,
            crate::protocol::PYTHON_MODULE,
        ] {
            fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
            fs::copy(root.join(file), dir.join(file)).unwrap();
        }
        Workspace(dir)
    }

    /// Changes chapter 01's prose, as an author would: its notebooks go stale.
    pub fn change_chapter_01(&self) {
        let chapter = self.path("chapters/01-threads.md");
        let text = fs::read_to_string(&chapter).unwrap();
        fs::write(&chapter, text.replacen("thread", "thread (edited)", 1)).unwrap();
    }

    /// Its cargo target folder, where backups go.
    pub fn target(&self) -> PathBuf {
        self.path("target")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap()
    }

    /// Every file's bytes, by path.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for part in ["chapters", "notebooks", "exercises", "solutions"] {
            collect(&self.0, &self.path(part), &mut files);
        }
        files
    }

    /// The only backup folder, holding `rel`'s old bytes.
    pub fn backup_of(&self, rel: &str) -> Vec<u8> {
        let dirs: Vec<_> = fs::read_dir(self.target().join("backups"))
            .unwrap()
            .collect();
        assert_eq!(dirs.len(), 1, "one backup folder per command");
        fs::read(dirs[0].as_ref().unwrap().path().join(rel)).unwrap()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if entry.file_type().unwrap().is_dir() {
            if name != "target" {
                copy_dir(&entry.path(), &to.join(name));
            }
        } else {
            fs::copy(entry.path(), to.join(name)).unwrap();
        }
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, fs::read(&path).unwrap());
        }
    }
}

pub(crate) const EXERCISE: &str = "exercises/src/ch01_threads.rs";
pub(crate) const NOTEBOOK: &str = "notebooks/01-threads.ipynb";
pub(crate) const ANSWER: &str = "/* my answer */ unimplemented!()";

/// Writes an answer into chapter 01's first exercise, and runs and edits a
/// cell of its student notebook, as a learner would.
pub(crate) fn learner_works(ws: &Workspace) {
    let stub = String::from_utf8(ws.read(EXERCISE)).unwrap();
    assert!(stub.contains("todo!()"));
    fs::write(ws.path(EXERCISE), stub.replacen("todo!()", ANSWER, 1)).unwrap();

    let mut nb: Value = serde_json::from_slice(&ws.read(NOTEBOOK)).unwrap();
    let cell = &mut nb["cells"][1];
    cell["source"] = json!(["My own notes.\n"]);
    nb["cells"][0]["outputs"] =
        json!([{"name": "stdout", "output_type": "stream", "text": ["hi\n"]}]);
    fs::write(ws.path(NOTEBOOK), notebook::to_json(&nb)).unwrap();
}
