//! What a learner's folder holds: their `exercises/src/chNN_*.rs` files and
//! the exercise cells of their `notebooks/NN-*.ipynb`, found in the folder
//! itself or in a clone of the repository inside it. Nothing else is read.
//! Symbolic links are never followed (one could point at another learner's
//! answer, or at a file only root may read), and a file that is too large,
//! binary or not a notebook of the Rust kernel is an answer that reads as an
//! error, in words.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::codegen::chapter::{Cell, Chapter, ChapterCopy, exercise_code};

/// The largest `.rs` file read as an answer.
const MAX_SOURCE: u64 = 1 << 20;
/// The largest notebook read.
const MAX_NOTEBOOK: u64 = 20 << 20;
/// How deep a clone of the repository is looked for.
const SEARCH_DEPTH: usize = 3;

/// A file of answers, or why it cannot be graded.
pub type Answer = Result<String, String>;

/// One learner's answers, by chapter stem (`01-threads`).
#[derive(Debug, Default)]
pub struct Submission {
    /// A chapter's `exercises/src` module.
    pub files: BTreeMap<String, Answer>,
    /// A chapter's notebook: each exercise's cell, by exercise name (a
    /// missing one is the stub), or why the notebook cannot be read.
    pub notebooks: BTreeMap<String, Result<BTreeMap<String, String>, String>>,
}

impl Submission {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.notebooks.is_empty()
    }
}

/// Reads what `folder` holds for `chapters`.
pub fn read(folder: &Path, chapters: &[Chapter]) -> Submission {
    let mut found = Submission::default();
    if let Some(src) = find_dir(folder, &["exercises", "src"], SEARCH_DEPTH) {
        for chapter in chapters {
            let file = src.join(format!("{}.rs", chapter.module()));
            if let Some(answer) = read_text(&file, MAX_SOURCE) {
                found.files.insert(chapter.stem.clone(), answer);
            }
        }
    }
    if let Some(dir) = find_dir(folder, &["notebooks"], SEARCH_DEPTH) {
        for chapter in chapters {
            let file = dir.join(format!("{}.ipynb", chapter.stem));
            if let Some(text) = read_text(&file, MAX_NOTEBOOK) {
                let cells = text.and_then(|t| exercise_cells(&t, chapter));
                found.notebooks.insert(chapter.stem.clone(), cells);
            }
        }
    }
    found
}

/// The shallowest folder `<folder>/.../<parts>`, symbolic links not followed.
fn find_dir(folder: &Path, parts: &[&str], depth: usize) -> Option<PathBuf> {
    let mut level = vec![folder.to_path_buf()];
    for _ in 0..=depth {
        let mut next = Vec::new();
        for dir in &level {
            if let Some(found) = real_path(dir, parts) {
                return Some(found);
            }
            let Ok(entries) = fs::read_dir(dir) else {
                continue;
            };
            let mut children: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_real_dir(p))
                .collect();
            children.sort();
            next.extend(children);
        }
        level = next;
    }
    None
}

/// `dir/parts...` when every part is a folder, not a link to one.
fn real_path(dir: &Path, parts: &[&str]) -> Option<PathBuf> {
    let mut path = dir.to_path_buf();
    for part in parts {
        path.push(part);
        if !is_real_dir(&path) {
            return None;
        }
    }
    Some(path)
}

fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// A text file's content (`None` when absent), or why it is not one.
fn read_text(path: &Path, max: u64) -> Option<Answer> {
    let meta = fs::symlink_metadata(path).ok()?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if meta.file_type().is_symlink() {
        return Some(Err(format!(
            "{name} is a symbolic link, which grading does not follow: copy the file itself"
        )));
    }
    if !meta.is_file() {
        return Some(Err(format!("{name} is not a regular file")));
    }
    if meta.len() > max {
        return Some(Err(format!(
            "{name} is {} KiB, more than the {} KiB an answer may be",
            meta.len() >> 10,
            max >> 10
        )));
    }
    let mut bytes = Vec::new();
    let read = workbook::platform::open_no_follow(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Some(Err(format!("{name} could not be read: {e}")));
    }
    Some(match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(text),
        _ => Err(format!("{name} is not a text file (it holds binary data)")),
    })
}

/// A student notebook of the Rust kernel whose code cells are `cells`, as a
/// learner's would be saved.
pub fn notebook(cells: impl IntoIterator<Item = String>) -> Value {
    let cells: Vec<Value> = cells
        .into_iter()
        .map(|code| json!({"cell_type": "code", "metadata": {}, "source": code, "outputs": []}))
        .collect();
    json!({
        "cells": cells,
        "metadata": {"kernelspec": {"name": "rust", "display_name": "Rust"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    })
}

/// Each exercise's cell in a notebook's text: the last code cell that
/// defines the exercise's function (the kernel keeps the last definition).
fn exercise_cells(text: &str, chapter: &Chapter) -> Result<BTreeMap<String, String>, String> {
    let notebook: Value = serde_json::from_str(text).map_err(|e| {
        format!("the notebook is not valid JSON ({e}): open it in JupyterLab and save it again")
    })?;
    let kernel = notebook["metadata"]["kernelspec"]["name"]
        .as_str()
        .unwrap_or("none");
    if kernel != "rust" {
        return Err(format!(
            "the notebook was saved by another kernel ({kernel}), not the Rust one: \
             answer the exercises in the workbook's own notebook"
        ));
    }
    let cells = notebook["cells"].as_array().cloned().unwrap_or_default();
    let code: Vec<String> = cells
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(crate::ipynb::source)
        .collect();
    let mut found = BTreeMap::new();
    for name in chapter.exercises() {
        if let Some(cell) = code.iter().rev().find(|c| defines(c, name)) {
            found.insert(name.to_string(), without_commands(cell));
        }
    }
    Ok(found)
}

/// Whether `code` defines `fn name(` or `fn name<`.
fn defines(code: &str, name: &str) -> bool {
    let wanted = format!("fn {name}");
    code.match_indices(&wanted).any(|(at, _)| {
        let after = code[at + wanted.len()..].trim_start();
        after.starts_with('(') || after.starts_with('<')
    })
}

/// The kernel's own commands (`:dep`, `:timing`) are not Rust.
fn without_commands(cell: &str) -> String {
    cell.lines()
        .filter(|l| !l.trim_start().starts_with(':'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each exercise cell of `chapter` as the student notebook has it (`todo!()` bodies).
pub fn stub_cells(chapter: &Chapter) -> BTreeMap<String, String> {
    cells_as(chapter, ChapterCopy::Student)
}

/// Each exercise cell of `chapter` as the `copy` notebook has it, by exercise name.
pub fn cells_as(chapter: &Chapter, copy: ChapterCopy) -> BTreeMap<String, String> {
    chapter
        .cells
        .iter()
        .filter_map(|cell| match cell {
            Cell::Code {
                source,
                exercise: Some(name),
                ..
            } => Some((name.clone(), exercise_code(source, copy))),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(root: &Path) -> Chapter {
        crate::codegen::chapter::parse(&root.join("chapters/01-threads.md")).unwrap()
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn a_generated_notebook_gives_each_exercise_cell() {
        let root = root();
        let text = fs::read_to_string(root.join("notebooks/01-threads.ipynb")).unwrap();
        let cells = exercise_cells(&text, &chapter(&root)).unwrap();
        assert_eq!(
            cells.keys().collect::<Vec<_>>(),
            ["map_in_threads", "run_in_threads"]
        );
        assert!(cells["run_in_threads"].contains("todo!()"));
        assert!(!cells["run_in_threads"].contains("workbook::check"));
    }

    #[test]
    fn bad_notebooks_say_what_is_wrong() {
        let ch = chapter(&root());
        let not_json = exercise_cells("{ not json", &ch).unwrap_err();
        assert!(not_json.contains("not valid JSON"), "{not_json}");
        let python = r#"{"metadata": {"kernelspec": {"name": "python3"}}, "cells": []}"#;
        let other = exercise_cells(python, &ch).unwrap_err();
        assert!(other.contains("another kernel (python3)"), "{other}");
    }

    #[test]
    fn a_definition_is_told_from_a_call() {
        assert!(defines("pub fn fib_par (n: u64)", "fib_par"));
        assert!(defines("fn total<T>(x: T)", "total"));
        assert!(!defines(
            "workbook::check::ch07::fib_par(fib_par)",
            "fib_par"
        ));
        assert!(!defines("fn fib_parallel()", "fib_par"));
    }

    #[cfg(unix)]
    #[test]
    fn links_binaries_and_huge_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("class-read-{}", std::process::id()));
        let src = dir.join("clone/exercises/src");
        fs::create_dir_all(&src).unwrap();
        workbook::platform::symlink_file(Path::new("/etc/hostname"), &src.join("ch01_threads.rs"))
            .unwrap();
        fs::write(src.join("ch02_thread_pools.rs"), [0u8, 159, 146, 150]).unwrap();
        fs::write(src.join("ch03_futures.rs"), vec![b'a'; 2 << 20]).unwrap();
        fs::write(src.join("ch04_locks.rs"), "pub fn x() {}").unwrap();
        let chapters = crate::codegen::chapter::read_all(&root()).unwrap();
        let found = read(&dir, &chapters);
        let said = |stem: &str| found.files[stem].clone().unwrap_err();
        assert!(said("01-threads").contains("symbolic link"));
        assert!(said("02-thread-pools").contains("binary"));
        assert!(said("03-futures").contains("more than"));
        assert_eq!(found.files["04-locks"].as_deref(), Ok("pub fn x() {}"));
        assert_eq!(found.files.len(), 4);
        fs::remove_dir_all(&dir).unwrap();
    }
}
