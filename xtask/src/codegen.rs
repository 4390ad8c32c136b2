//! `cargo xtask gen`: every derived copy comes from `chapters/NN-slug.md`.
//!
//! A chapter file is Markdown. Each fenced block opened with ```` ```rust ````
//! at the start of a line is a code cell; the prose between code cells is a
//! Markdown cell (a `<!-- cell -->` line splits it in two). The fence's info
//! string may add:
//!
//! - `exercise=NAME`: the cell defines the exercise function `NAME`. Lines
//!   between `// BEGIN SOLUTION` and `// END SOLUTION` are the answer: the
//!   student copy gets `todo!()` in their place. A check cell calling
//!   `workbook::check::chNN::NAME` follows the cell in both notebooks, and
//!   the cell's code becomes `exercises::chNN_slug` (stubbed) and
//!   `solutions::chNN_slug` (answered).
//! - `solved-only`: the cell goes into the solved notebook only (it uses an
//!   exercise's answer, which the student notebook must not show above it).
//! - any other word: a cell tag, e.g. `compile-fail` for a cell that must
//!   not compile (the notebook runner checks that it fails to).
//!
//! A `<!-- deps: rayon, crossbeam -->` line adds pinned `:dep` lines (versions
//! from the workspace `Cargo.toml`) to the first cell.
//!
//! Derived files: `notebooks/NN-slug.ipynb` (student, no outputs),
//! `notebooks/NN-slug-solved.ipynb` (outputs kept where a cell is unchanged),
//! `exercises/src/{lib.rs, chNN_slug.rs}`, `solutions/src/{lib.rs, chNN_slug.rs}`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// One chapter, parsed.
pub struct Chapter {
    /// `01`
    pub number: String,
    /// `01-threads`
    pub stem: String,
    deps: Vec<String>,
    cells: Vec<Cell>,
}

enum Cell {
    Markdown(String),
    Code {
        source: String,
        exercise: Option<String>,
        tags: Vec<String>,
    },
}

/// Which copy of a notebook to build.
#[derive(Clone, Copy, PartialEq)]
enum Copy {
    Student,
    Solved,
}

const SOLUTION_BEGIN: &str = "// BEGIN SOLUTION";
const SOLUTION_END: &str = "// END SOLUTION";
/// The cell tag for a cell that only the solved notebook gets.
const SOLVED_ONLY: &str = "solved-only";

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
                Cell::Markdown(_) => None,
            })
            .collect()
    }

    fn check_call(&self, exercise: &str, krate: Option<&str>) -> String {
        let path = match krate {
            Some(k) => format!("{k}::{}::{exercise}", self.module()),
            None => exercise.to_string(),
        };
        format!("workbook::check::ch{}::{exercise}({path})", self.number)
    }
}

/// Parses `chapters/NN-slug.md`.
pub fn parse(path: &Path) -> Result<Chapter, String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a chapter file name", path.display()))?
        .to_string();
    let number = stem
        .split('-')
        .next()
        .filter(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| format!("{}: chapter files are named NN-slug.md", path.display()))?
        .to_string();
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;

    let mut deps = Vec::new();
    let mut cells = Vec::new();
    let mut prose = String::new();
    let mut lines = text.lines().enumerate();
    let flush = |prose: &mut String, cells: &mut Vec<Cell>| {
        let trimmed = prose.trim_matches('\n');
        if !trimmed.trim().is_empty() {
            cells.push(Cell::Markdown(trimmed.to_string()));
        }
        prose.clear();
    };
    while let Some((n, line)) = lines.next() {
        if let Some(list) = line
            .strip_prefix("<!-- deps:")
            .and_then(|l| l.strip_suffix("-->"))
        {
            deps.extend(
                list.split(',')
                    .map(|d| d.trim().to_string())
                    .filter(|d| !d.is_empty()),
            );
        } else if line.trim() == "<!-- cell -->" {
            flush(&mut prose, &mut cells);
        } else if let Some(info) = line.strip_prefix("```rust") {
            flush(&mut prose, &mut cells);
            let mut exercise = None;
            let mut tags = Vec::new();
            for word in info.split_whitespace() {
                match word.strip_prefix("exercise=") {
                    Some(name) => exercise = Some(name.to_string()),
                    None => tags.push(word.to_string()),
                }
            }
            let mut source = Vec::new();
            loop {
                match lines.next() {
                    Some((_, "```")) => break,
                    Some((_, code)) => source.push(code),
                    None => {
                        return Err(format!(
                            "{}:{}: code cell never closed with ```",
                            path.display(),
                            n + 1
                        ));
                    }
                }
            }
            let source = source.join("\n");
            if exercise.is_some() && !source.contains(SOLUTION_BEGIN) {
                return Err(format!(
                    "{}:{}: an exercise cell needs a `{SOLUTION_BEGIN}` region",
                    path.display(),
                    n + 1
                ));
            }
            cells.push(Cell::Code {
                source,
                exercise,
                tags,
            });
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    flush(&mut prose, &mut cells);
    Ok(Chapter {
        number,
        stem,
        deps,
        cells,
    })
}

/// The student's or the solved form of an exercise cell's code.
fn exercise_code(source: &str, copy: Copy) -> String {
    let mut out = Vec::new();
    let mut in_solution = false;
    for line in source.lines() {
        let marker = line.trim();
        if marker == SOLUTION_BEGIN {
            in_solution = true;
            if copy == Copy::Student {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push(format!("{indent}todo!()"));
            }
        } else if marker == SOLUTION_END {
            in_solution = false;
        } else if !(in_solution && copy == Copy::Student) {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

/// The pinned version of a workspace dependency, as a `:dep` value.
fn dep_line(root: &Path, name: &str) -> Result<String, String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let line = manifest
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .ok_or_else(|| format!("dependency `{name}` is not in [workspace.dependencies]"))?;
    Ok(format!(":dep {line}"))
}

fn first_cell(root: &Path, chapter: &Chapter) -> Result<String, String> {
    let mut lines = vec![
        "// Run this cell first: it loads the workbook's helpers (the first run compiles them: up to a minute).".to_string(),
        ":dep workbook = { path = \"../workbook\" }".to_string(),
    ];
    for dep in &chapter.deps {
        lines.push(dep_line(root, dep)?);
    }
    Ok(lines.join("\n"))
}

fn code_cell(source: &str, tags: &[String]) -> Value {
    let metadata = if tags.is_empty() {
        json!({})
    } else {
        json!({ "tags": tags })
    };
    json!({
        "cell_type": "code",
        "execution_count": null,
        "metadata": metadata,
        "outputs": [],
        "source": lines_of(source),
    })
}

fn lines_of(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn notebook(root: &Path, chapter: &Chapter, copy: Copy) -> Result<Value, String> {
    let mut cells = vec![code_cell(&first_cell(root, chapter)?, &[])];
    for cell in &chapter.cells {
        match cell {
            Cell::Markdown(text) => cells.push(json!({
                "cell_type": "markdown",
                "metadata": {},
                "source": lines_of(text),
            })),
            Cell::Code {
                source,
                exercise: None,
                tags,
            } => {
                if copy == Copy::Solved || !tags.iter().any(|t| t == SOLVED_ONLY) {
                    cells.push(code_cell(source, tags));
                }
            }
            Cell::Code {
                source,
                exercise: Some(name),
                tags,
            } => {
                cells.push(code_cell(&exercise_code(source, copy), tags));
                cells.push(code_cell(&chapter.check_call(name, None), &[]));
            }
        }
    }
    for (i, cell) in cells.iter_mut().enumerate() {
        cell["id"] = json!(format!("{}-{:03}", chapter.number, i));
    }
    Ok(json!({
        "cells": cells,
        "metadata": {
            "kernelspec": { "display_name": "Rust", "language": "rust", "name": "rust" },
            "language_info": {
                "codemirror_mode": "rust",
                "file_extension": ".rs",
                "mimetype": "text/rust",
                "name": "Rust",
                "pygment_lexer": "rust",
                "version": "",
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }))
}

/// Copies outputs from an already executed notebook into `fresh`, for every
/// code cell whose source is unchanged.
fn keep_outputs(fresh: &mut Value, old: &Value) {
    let old_cells = old["cells"].as_array().cloned().unwrap_or_default();
    let mut used = vec![false; old_cells.len()];
    for cell in fresh["cells"].as_array_mut().into_iter().flatten() {
        if cell["cell_type"] != "code" {
            continue;
        }
        let source = source_text(cell);
        let found = old_cells.iter().enumerate().position(|(i, old)| {
            !used[i] && old["cell_type"] == "code" && source_text(old) == source
        });
        if let Some(i) = found {
            used[i] = true;
            cell["outputs"] = old_cells[i]["outputs"].clone();
            cell["execution_count"] = old_cells[i]["execution_count"].clone();
        }
    }
}

fn source_text(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// What a notebook says, ignoring outputs and formatting: for stale checks.
fn essence(nb: &Value) -> Vec<(String, String, Value)> {
    nb["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["cell_type"].as_str().unwrap_or("").to_string(),
                source_text(c),
                c["metadata"]["tags"].clone(),
            )
        })
        .collect()
}

fn module_source(chapter: &Chapter, copy: Copy) -> String {
    let mut uses = BTreeSet::new();
    let mut items = Vec::new();
    for cell in &chapter.cells {
        if let Cell::Code {
            source,
            exercise: Some(_),
            ..
        } = cell
        {
            let code = exercise_code(source, copy);
            let (imports, body): (Vec<&str>, Vec<&str>) =
                code.lines().partition(|l| l.starts_with("use "));
            uses.extend(imports.into_iter().map(str::to_string));
            items.push(body.join("\n").trim_matches('\n').to_string());
        }
    }
    let what = match copy {
        Copy::Student => "exercises: write your answers here",
        Copy::Solved => "reference answers",
    };
    let origin = match copy {
        Copy::Student => {
            "Generated by `cargo xtask gen` from chapters/{}.md, which would reset it."
        }
        Copy::Solved => {
            "Generated by `cargo xtask gen` from chapters/{}.md: edit that file, not this one."
        }
    }
    .replace("{}", &chapter.stem);
    let mut out = format!("//! Chapter {}, {what}.\n//! {origin}\n", chapter.number);
    if copy == Copy::Student {
        // Stubs ignore their arguments, and may not need their imports yet.
        out.push_str("#![allow(unused_imports, unused_variables)]\n");
    }
    out.push('\n');
    for u in &uses {
        out.push_str(u);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&items.join("\n\n"));
    out.push('\n');
    out
}

fn lib_source(chapters: &[Chapter], krate: &str, copy: Copy) -> String {
    let mut out = String::new();
    match copy {
        Copy::Student => out.push_str(
            "//! Your answers to the workbook's exercises, one module per chapter, the same\n\
             //! functions the notebooks ask for. Fill in the `todo!()`s, then run\n\
             //! `cargo test -p solutions` (a summary of your progress) or\n\
             //! `cargo test -p exercises` (passes only when every exercise is done).\n\
             //! Generated by `cargo xtask gen` from chapters/, which would reset your answers.\n\n",
        ),
        Copy::Solved => out.push_str(
            "//! Reference answers to every exercise of the workbook, one module per chapter.\n\
             //! The tests in `tests/` grade these and the learner's `exercises` crate.\n\
             //! Generated by `cargo xtask gen` from chapters/: edit those files, not this one.\n\n",
        ),
    }
    let with_exercises: Vec<&Chapter> = chapters
        .iter()
        .filter(|c| !c.exercises().is_empty())
        .collect();
    for c in &with_exercises {
        out.push_str(&format!("pub mod {};\n", c.module()));
    }
    out.push_str("\n/// Runs every exercise's check on this crate's answers, in chapter order.\n");
    out.push_str("pub fn reports() -> Vec<workbook::check::Report> {\n    vec![\n");
    for c in &with_exercises {
        for ex in c.exercises() {
            out.push_str(&format!("        {},\n", c.check_call(ex, Some(krate))));
        }
    }
    out.push_str("    ]\n}\n");
    out
}

/// Every derived file, with the content it must have.
fn derived(root: &Path) -> Result<Vec<(PathBuf, Derived)>, String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(root.join("chapters"))
        .map_err(|e| format!("chapters/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| {
            // Chapters are NN-slug.md; other Markdown there (AUTHORING.md) is for authors.
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.len() > 3 && name[..2].bytes().all(|b| b.is_ascii_digit()) && &name[2..3] == "-"
        })
        .collect();
    paths.sort();
    let chapters = paths
        .iter()
        .map(|p| parse(p))
        .collect::<Result<Vec<_>, _>>()?;

    let mut out = Vec::new();
    for c in &chapters {
        let nb = root.join("notebooks");
        out.push((
            nb.join(format!("{}.ipynb", c.stem)),
            Derived::Notebook(notebook(root, c, Copy::Student)?, false),
        ));
        out.push((
            nb.join(format!("{}-solved.ipynb", c.stem)),
            Derived::Notebook(notebook(root, c, Copy::Solved)?, true),
        ));
        if !c.exercises().is_empty() {
            let file = format!("src/{}.rs", c.module());
            out.push((
                root.join("exercises").join(&file),
                Derived::Text(module_source(c, Copy::Student)),
            ));
            out.push((
                root.join("solutions").join(&file),
                Derived::Text(module_source(c, Copy::Solved)),
            ));
        }
    }
    out.push((
        root.join("exercises/src/lib.rs"),
        Derived::Text(lib_source(&chapters, "crate", Copy::Student)),
    ));
    out.push((
        root.join("solutions/src/lib.rs"),
        Derived::Text(lib_source(&chapters, "crate", Copy::Solved)),
    ));
    for (path, content) in &mut out {
        if let Derived::Text(text) = content {
            *text = rustfmt(text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(out)
}

enum Derived {
    Text(String),
    /// A notebook, and whether its outputs are kept (solved copies).
    Notebook(Value, bool),
}

/// Writes every derived file. Returns the files that changed.
pub fn write(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut changed = Vec::new();
    for (path, content) in derived(root)? {
        let old = fs::read_to_string(&path).ok();
        let new = match content {
            Derived::Text(text) => text,
            Derived::Notebook(mut nb, keep) => {
                let executed = old.as_deref().and_then(|o| serde_json::from_str(o).ok());
                if let (true, Some(old)) = (keep, executed) {
                    keep_outputs(&mut nb, &old);
                }
                to_json(&nb)
            }
        };
        if old.as_deref() != Some(new.as_str()) {
            fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
            changed.push(path);
        }
    }
    Ok(changed)
}

/// The derived files that differ from what the chapters generate.
pub fn stale(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut stale = Vec::new();
    for (path, content) in derived(root)? {
        let old = fs::read_to_string(&path).unwrap_or_default();
        let fresh = match content {
            Derived::Text(text) => old == text,
            Derived::Notebook(nb, _) => serde_json::from_str::<Value>(&old)
                .map(|old| essence(&old) == essence(&nb))
                .unwrap_or(false),
        };
        if !fresh {
            stale.push(path);
        }
    }
    Ok(stale)
}

/// Formats generated Rust as `cargo fmt` would, so the formatting check stays green.
fn rustfmt(source: &str) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// Notebooks are written the way Jupyter writes them: one-space indent.
fn to_json(nb: &Value) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    serde::Serialize::serialize(nb, &mut ser).expect("JSON values always serialise");
    String::from_utf8(buf).expect("JSON is UTF-8") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_fresh() {
        let root = crate::root();
        let stale = stale(&root).unwrap();
        assert!(
            stale.is_empty(),
            "stale generated files (run `cargo xtask gen`): {stale:?}"
        );
    }

    #[test]
    fn student_copy_replaces_the_solution_with_todo() {
        let source =
            "pub fn f() -> u64 {\n    // BEGIN SOLUTION\n    40 + 2\n    // END SOLUTION\n}";
        assert_eq!(
            exercise_code(source, Copy::Student),
            "pub fn f() -> u64 {\n    todo!()\n}"
        );
        assert_eq!(
            exercise_code(source, Copy::Solved),
            "pub fn f() -> u64 {\n    40 + 2\n}"
        );
    }
}
