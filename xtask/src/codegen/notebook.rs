//! The notebooks: `notebooks/NN-slug.ipynb` (student, no outputs) and
//! `notebooks/NN-slug-solved.ipynb` (outputs kept where a cell is unchanged).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};
use workbook::check::protocol::NOTEBOOK_MIME;
use workbook::model_result::MODEL_MIME;

use super::chapter::{Cell, Chapter, ChapterCopy, exercise_code};
use crate::protocol::HINT_TAG;

/// Which chapter cell a notebook cell came from: the generator's own mapping,
/// which the book follows to find each chapter cell's saved outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The set-up cell that loads the workbook: no chapter cell has it.
    Setup,
    /// Chapter cell `n` itself (for an exercise, its student or solved code).
    Cell(usize),
    /// The check cell under exercise cell `n`.
    Check(usize),
    /// Hint `hint` (counted from 1) under exercise cell `n`.
    Hint(usize, usize),
}

/// The notebook for one copy of a chapter, without outputs.
/// `deps` is the root `Cargo.toml`'s `[workspace.dependencies]` table.
pub fn notebook(deps: &toml::Table, chapter: &Chapter, copy: ChapterCopy) -> Result<Value> {
    let mut cells: Vec<Value> = cells(deps, chapter, copy)?
        .into_iter()
        .map(|(_, cell)| cell)
        .collect();
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

/// A copy's cells, in order, each with the chapter cell it came from.
pub fn cells(
    deps: &toml::Table,
    chapter: &Chapter,
    copy: ChapterCopy,
) -> Result<Vec<(Origin, Value)>> {
    let mut cells = vec![(Origin::Setup, code_cell(&first_cell(deps, chapter)?, &[]))];
    for (n, cell) in chapter.cells.iter().enumerate() {
        if copy == ChapterCopy::Student && cell.solved_only() {
            continue;
        }
        match cell {
            Cell::Markdown { text, .. } => cells.push((
                Origin::Cell(n),
                json!({
                    "cell_type": "markdown",
                    "metadata": {},
                    "source": lines_of(text),
                }),
            )),
            Cell::Code {
                source,
                exercise: None,
                tags,
                ..
            } => cells.push((Origin::Cell(n), code_cell(source, tags))),
            Cell::Code {
                source,
                exercise: Some(name),
                tags,
                hints,
            } => {
                let code = code_cell(&exercise_code(source, copy), tags);
                cells.push((Origin::Cell(n), code));
                let check = code_cell(&chapter.check_call(name, None), &[]);
                cells.push((Origin::Check(n), check));
                for (i, hint) in hints.iter().enumerate() {
                    cells.push((Origin::Hint(n, i + 1), hint_cell(i + 1, hint)));
                }
            }
        }
    }
    Ok(cells)
}

/// The `[workspace.dependencies]` table of the root `Cargo.toml`.
pub fn workspace_deps(root: &Path) -> Result<toml::Table> {
    let path = root.join("Cargo.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .cloned()
        .ok_or_else(|| anyhow!("{} has no [workspace.dependencies]", path.display()))
}

/// The line that loads the workbook in most notebooks' first cell (and in the kernel's warm-up).
pub const WORKBOOK_DEP: &str = ":dep workbook = { path = \"../workbook\" }";

/// The line that loads the workbook with some of its features turned on
/// (chapter 11's first cell, and the kernel's warm-up for it).
pub fn workbook_dep_with(features: &[&str]) -> String {
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    format!(
        ":dep workbook = {{ path = \"../workbook\", features = [{}] }}",
        quoted.join(", ")
    )
}

/// The first cell's comment: seconds once the kept build folder holds the
/// compiled crates (`kernel_warm`), longer when they were never compiled.
fn first_cell_comment(features: &[&str]) -> String {
    if features.is_empty() {
        return "// Run this cell first: it loads the workbook's helpers (about 10 s; up to a \
                minute when they were not compiled yet)."
            .into();
    }
    let names: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
    format!(
        "// Run this cell first: it loads the workbook's helpers with its {} feature (about 10 s; \
         up to two minutes when they were not compiled yet).",
        names.join(", ")
    )
}

fn first_cell(deps: &toml::Table, chapter: &Chapter) -> Result<String> {
    let features = chapter.workbook_features();
    let workbook = if features.is_empty() {
        WORKBOOK_DEP.to_string()
    } else {
        workbook_dep_with(&features)
    };
    let comment = first_cell_comment(&features);
    let mut lines = vec![comment, workbook];
    for name in chapter.crate_deps() {
        let spec = deps.get(name).ok_or_else(|| {
            anyhow!(
                "chapters/{}.md: dependency `{name}` is not in [workspace.dependencies]",
                chapter.stem
            )
        })?;
        lines.push(format!(":dep {name} = {spec}"));
    }
    Ok(lines.join("\n"))
}

/// Hint `number` of an exercise, closed until the learner opens it: a
/// `<details>` block, which JupyterLab and the book both show folded.
pub(super) fn hint_cell(number: usize, text: &str) -> Value {
    json!({
        "cell_type": "markdown",
        "metadata": { "tags": [HINT_TAG] },
        "source": lines_of(&format!(
            "<details><summary>Hint {number}</summary>\n\n{text}\n\n</details>"
        )),
    })
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

/// Copies outputs from an executed notebook into `fresh` (a solved
/// notebook), for every code cell whose source is unchanged. A check's
/// machine-readable result (and a loom model's) is left out: a check cell copied from a solved
/// notebook into a student one must not count as the learner's (`cargo
/// xtask progress` reads only that result); its text stays.
pub fn keep_outputs(fresh: &mut Value, executed: &Value) {
    let old_cells = executed["cells"].as_array().cloned().unwrap_or_default();
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
            let mut outputs = old_cells[i]["outputs"].clone();
            for out in outputs.as_array_mut().into_iter().flatten() {
                if let Some(data) = out.get_mut("data").and_then(Value::as_object_mut) {
                    data.remove(NOTEBOOK_MIME);
                    data.remove(MODEL_MIME);
                }
            }
            cell["outputs"] = outputs;
            cell["execution_count"] = old_cells[i]["execution_count"].clone();
        }
    }
}

/// A cell's source, whichever of the two forms a notebook holds it in.
pub(super) fn source_text(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// Notebooks are written the way Jupyter writes them: one-space indent.
pub fn to_json(nb: &Value) -> String {
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
    fn a_solved_notebook_keeps_a_checks_text_but_not_its_result() {
        let source = "workbook::check::ch01::a(a)";
        let cell = |outputs: Value| {
            json!({"cell_type": "code", "execution_count": 2, "metadata": {},
                   "outputs": outputs, "source": [source]})
        };
        let executed = json!({"cells": [cell(json!([{
            "output_type": "execute_result", "execution_count": 2, "metadata": {},
            "data": {"text/plain": "✓ a: done.", NOTEBOOK_MIME: {"exercise": "a", "status": "done"}},
        }]))]});
        let mut fresh = json!({"cells": [cell(json!([]))]});
        keep_outputs(&mut fresh, &executed);
        let data = &fresh["cells"][0]["outputs"][0]["data"];
        assert_eq!(data["text/plain"], "✓ a: done.");
        assert!(data.get(NOTEBOOK_MIME).is_none(), "{data}");
    }
}
