//! The verdicts saved in the student notebooks: the check's own result
//! under each check cell, read, never executed or written.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;
use workbook::check::protocol::{Graded, NOTEBOOK_MIME};

use crate::codegen::chapter::Chapter;
use crate::grading::{Verdict, first_line};
use crate::ipynb::source;

/// Verdicts by (chapter, exercise).
type Verdicts = BTreeMap<(String, String), Verdict>;

/// The notebook verdicts of every chapter with exercises, by (chapter,
/// exercise), and why a notebook could not be read, by chapter: such a
/// notebook's exercises show as not read, and the others count as usual.
pub(super) fn read_notebooks(
    root: &Path,
    chapters: &[Chapter],
) -> (Verdicts, Vec<(String, String)>) {
    let mut all = BTreeMap::new();
    let mut unread = Vec::new();
    for c in chapters.iter().filter(|c| !c.exercises().is_empty()) {
        let rel = format!("notebooks/{}.ipynb", c.stem);
        let verdicts = match fs::read_to_string(root.join(&rel)) {
            Err(e) => Err(format!(
                "{rel} could not be read ({e}); `cargo xtask gen` writes it again"
            )),
            Ok(text) => notebook_verdicts(&text, &c.number, &c.exercises()).map_err(|problem| {
                // A file that is not JSON holds no answers JupyterLab can open:
                // say where the last good copy is, before the one that loses them.
                let broken = serde_json::from_str::<Value>(&text).is_err();
                let way_back = if broken {
                    way_back(root, &c.stem)
                } else {
                    String::new()
                };
                format!("{rel} {problem}{way_back}")
            }),
        };
        match verdicts {
            Ok(verdicts) => {
                for (ex, v) in verdicts {
                    all.insert((c.stem.clone(), ex), v);
                }
            }
            Err(why) => {
                for ex in c.exercises() {
                    all.insert((c.stem.clone(), ex.to_string()), Verdict::Unread);
                }
                unread.push((c.stem.clone(), why));
            }
        }
    }
    (all, unread)
}

/// Reads a saved student notebook: the verdict of each named exercise's
/// check cell (exactly `workbook::check::chNN::NAME(NAME)`, as generated).
/// The error completes a sentence that starts with the notebook's path.
pub fn notebook_verdicts(
    text: &str,
    number: &str,
    exercises: &[&str],
) -> Result<Vec<(String, Verdict)>, String> {
    let nb: Value = serde_json::from_str(text).map_err(|e| {
        format!("is not valid JSON ({e}): it cannot be read back, by this command or by JupyterLab")
    })?;
    let kernel = nb["metadata"]["kernelspec"]["name"].as_str().unwrap_or("");
    if kernel != "rust" {
        let shown = if kernel.is_empty() { "no" } else { kernel };
        return Err(format!(
            "was saved with {shown} kernel, not the Rust kernel (evcxr, kernelspec `rust`): \
             its outputs are not the checks'. Open it with the Rust kernel (`cargo xtask lab`) \
             and run it again"
        ));
    }
    let cells = nb["cells"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(exercises
        .iter()
        .map(|ex| {
            let call = format!("workbook::check::ch{number}::{ex}({ex})");
            let cell = cells
                .iter()
                .find(|c| c["cell_type"] == "code" && source(c).trim() == call);
            let verdict = cell.map_or(Verdict::NotRun, |c| cell_verdict(c, ex));
            (ex.to_string(), verdict)
        })
        .collect())
}

/// How to get a broken student notebook back: JupyterLab's checkpoint (the
/// last Ctrl-S) keeps the learner's answers; `git checkout` does not.
fn way_back(root: &Path, stem: &str) -> String {
    let checkpoint = format!("notebooks/.ipynb_checkpoints/{stem}-checkpoint.ipynb");
    if root.join(&checkpoint).is_file() {
        format!(
            ". JupyterLab's copy from your last Ctrl-S is {checkpoint}: copy it over \
             notebooks/{stem}.ipynb to get your answers back"
        )
    } else {
        format!(
            ". There is no JupyterLab checkpoint of it; `git checkout notebooks/{stem}.ipynb` \
             gives the notebook back as it first came, without your answers"
        )
    }
}

/// What a check cell's saved outputs say: only the check's own result (its
/// [`NOTEBOOK_MIME`] output) counts, never printed text, which an answer
/// can print too.
fn cell_verdict(cell: &Value, exercise: &str) -> Verdict {
    let outputs = cell["outputs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if outputs.is_empty() {
        return Verdict::NotRun;
    }
    let results = outputs
        .iter()
        .filter(|o| {
            matches!(
                o["output_type"].as_str(),
                Some("execute_result" | "display_data")
            )
        })
        .filter_map(|o| check_result(&o["data"][NOTEBOOK_MIME]));
    if let Some(g) = results.into_iter().find(|g| g.exercise == exercise) {
        return Verdict::from(&g);
    }
    let error = outputs
        .iter()
        .find(|o| o["output_type"] == "error")
        .map(|o| {
            let line = first_line(o["evalue"].as_str().unwrap_or_default());
            if line.is_empty() {
                o["ename"].as_str().unwrap_or("error").to_string()
            } else {
                line
            }
        });
    Verdict::Failed(error.unwrap_or_else(|| {
        "the check cell's saved output holds no result of this check: run the cell again".into()
    }))
}

/// A check's result as a notebook keeps it: a JSON object (or, written by
/// another front end, its text).
fn check_result(data: &Value) -> Option<Graded> {
    match data {
        Value::String(text) => serde_json::from_str(text).ok(),
        Value::Null => None,
        value => serde_json::from_value(value.clone()).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::codegen::chapter;

    fn chapters() -> Vec<Chapter> {
        chapter::read_all(&crate::root()).unwrap()
    }

    fn notebook(cells: Value, kernel: &str) -> String {
        json!({
            "cells": cells,
            "metadata": {"kernelspec": {"display_name": kernel, "language": kernel, "name": kernel}},
            "nbformat": 4, "nbformat_minor": 5,
        })
        .to_string()
    }

    fn check_cell(exercise: &str, outputs: Value) -> Value {
        json!({
            "cell_type": "code", "execution_count": null, "metadata": {},
            "outputs": outputs,
            "source": [format!("workbook::check::ch01::{exercise}({exercise})")],
        })
    }

    /// A check's result as the Rust kernel shows it: its text, and the JSON
    /// that `Report::evcxr_display` puts beside it.
    fn result(text: &str) -> Value {
        let head = text.split(':').next().unwrap();
        let exercise = head.split_whitespace().last().unwrap();
        let (status, message) = match text.chars().next().unwrap() {
            '✓' => ("done", ""),
            '✗' => ("wrong", text.split_once("wrong. ").unwrap().1),
            _ => ("not-started", ""),
        };
        let graded = json!({"notebook": "01-threads", "exercise": exercise, "section": "S",
            "status": status, "message": message, "report": text});
        json!({"output_type": "execute_result", "execution_count": 3, "metadata": {},
               "data": {"text/plain": [text], NOTEBOOK_MIME: graded}})
    }

    fn text_only(text: &str) -> Value {
        json!({"output_type": "execute_result", "execution_count": 3, "metadata": {},
               "data": {"text/plain": [text]}})
    }

    fn stream(text: &str) -> Value {
        json!({"output_type": "stream", "name": "stdout", "text": [text]})
    }

    #[test]
    fn saved_check_outputs_read_as_verdicts() {
        let cells = json!([
            {"cell_type": "markdown", "metadata": {}, "source": ["workbook::check::ch01::a(a) in prose"]},
            check_cell("a", json!([result("✓ a: done. 6 jobs ran at once.")])),
            check_cell("b", json!([
                {"output_type": "stream", "name": "stdout", "text": ["my own print\n"]},
                result("✗ b: wrong. Case “one job”: got [], expected [1].\n  Revisit 01-threads.ipynb, section “S”."),
            ])),
            check_cell("c", json!([result("· c: not started (its body is still `todo!()`).")])),
            check_cell("d", json!([])),
            check_cell("e", json!([{"output_type": "error", "ename": "Error",
                "evalue": "cannot find function `e` in this scope\nmore", "traceback": []}])),
            check_cell("f", json!([{"output_type": "stream", "name": "stdout", "text": "hello\n"}])),
        ]);
        let text = notebook(cells, "rust");
        let got = notebook_verdicts(&text, "01", &["a", "b", "c", "d", "e", "f", "g"]).unwrap();
        let want = [
            Verdict::Done,
            Verdict::Wrong("Case “one job”: got [], expected [1].".into()),
            Verdict::NotStarted,
            Verdict::NotRun,
            Verdict::Failed("cannot find function `e` in this scope".into()),
            Verdict::Failed(
                "the check cell's saved output holds no result of this check: run the cell again"
                    .into(),
            ),
            Verdict::NotRun, // no check cell at all
        ];
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let want: Vec<(String, Verdict)> = names.iter().map(|n| n.to_string()).zip(want).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn only_the_checks_own_result_in_its_own_cell_counts() {
        let done = "✓ a: done. 6 jobs ran at once.";
        let decoy = |source: &str| {
            json!({"cell_type": "code", "execution_count": 1, "metadata": {},
                   "outputs": [result(done)], "source": [source]})
        };
        let cells = [
            // The answer prints the check's words itself.
            json!([check_cell(
                "a",
                json!([stream(&format!("{done}\n")), stream("x\n")])
            )]),
            // Above the check cell, a cell that mentions the check and shows a verdict.
            json!([
                decoy("// workbook::check::ch01::a(a)\nprintln!(\"✓ a: done.\")"),
                check_cell("a", json!([])),
            ]),
            // The check cell did not compile, after a print of the verdict.
            json!([check_cell(
                "a",
                json!([
                    stream(&format!("{done}\n")),
                    {"output_type": "error", "ename": "Error", "evalue": "cannot find value `a`", "traceback": []},
                ])
            )]),
            // Text alone (a copy from before the check's own result was saved, or hand-made).
            json!([check_cell("a", json!([text_only(done)]))]),
        ];
        let want = [
            Verdict::Failed(
                "the check cell's saved output holds no result of this check: run the cell again"
                    .into(),
            ),
            Verdict::NotRun,
            Verdict::Failed("cannot find value `a`".into()),
            Verdict::Failed(
                "the check cell's saved output holds no result of this check: run the cell again"
                    .into(),
            ),
        ];
        for (cells, want) in cells.into_iter().zip(want) {
            let got = notebook_verdicts(&notebook(cells.clone(), "rust"), "01", &["a"]).unwrap();
            assert_eq!(got[0].1, want, "{cells}");
        }
        // A result kept as text by another front end still reads.
        let graded = json!({"notebook": "01-threads", "exercise": "a", "section": "S",
            "status": "done", "message": "m", "report": done})
        .to_string();
        let out = json!({"output_type": "display_data", "metadata": {},
            "data": {"text/plain": done, NOTEBOOK_MIME: graded}});
        let cells = json!([check_cell("a", json!([out]))]);
        let got = notebook_verdicts(&notebook(cells, "rust"), "01", &["a"]).unwrap();
        assert_eq!(got[0].1, Verdict::Done);
    }

    #[test]
    fn a_notebook_with_another_kernel_is_reported_alone() {
        let root = std::env::temp_dir().join(format!("xtask-unread-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("notebooks")).unwrap();
        let chapters = chapters();
        let real = crate::root();
        for c in chapters.iter().filter(|c| !c.exercises().is_empty()) {
            let name = format!("notebooks/{}.ipynb", c.stem);
            fs::copy(real.join(&name), root.join(&name)).unwrap();
        }
        let c7 = chapters.iter().find(|c| c.number == "07").unwrap();
        let python = notebook(json!([]), "python3");
        fs::write(root.join(format!("notebooks/{}.ipynb", c7.stem)), python).unwrap();
        let (verdicts, unread) = read_notebooks(&root, &chapters);
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert_eq!(unread[0].0, c7.stem);
        assert!(
            unread[0].1.contains("saved with python3 kernel"),
            "{unread:?}"
        );
        let c1 = chapters.iter().find(|c| c.number == "01").unwrap();
        let key = |c: &Chapter, ex: &str| (c.stem.clone(), ex.to_string());
        assert_eq!(verdicts[&key(c1, c1.exercises()[0])], Verdict::NotRun);
        assert_eq!(verdicts[&key(c7, "fib_par")], Verdict::Unread);
    }

    #[test]
    fn another_chapters_check_or_another_exercise_does_not_count() {
        let cells = json!([check_cell("ab", json!([result("✓ ab: done.")]))]);
        let got = notebook_verdicts(&notebook(cells, "rust"), "02", &["ab"]).unwrap();
        assert_eq!(got[0].1, Verdict::NotRun, "ch01's cell is not ch02's");
        let cells = json!([check_cell("a", json!([result("✓ ab: done.")]))]);
        let got = notebook_verdicts(&notebook(cells, "rust"), "01", &["a"]).unwrap();
        assert!(matches!(got[0].1, Verdict::Failed(_)), "{:?}", got[0].1);
    }

    #[test]
    fn a_notebook_that_is_not_json_or_not_rust_is_refused() {
        let err = notebook_verdicts("{\"cells\": [", "01", &["a"]).unwrap_err();
        assert!(err.starts_with("is not valid JSON"), "{err}");
        let err = notebook_verdicts(&notebook(json!([]), "python3"), "01", &["a"]).unwrap_err();
        assert!(
            err.contains("saved with python3 kernel, not the Rust kernel"),
            "{err}"
        );
        let no_kernel = json!({"cells": [], "metadata": {}}).to_string();
        let err = notebook_verdicts(&no_kernel, "01", &["a"]).unwrap_err();
        assert!(err.contains("saved with no kernel"), "{err}");
    }

    #[test]
    fn a_broken_notebook_points_at_its_checkpoint_before_git() {
        let root = std::env::temp_dir().join(format!("xtask-way-back-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let without = way_back(&root, "01-threads");
        assert!(without.contains("no JupyterLab checkpoint"), "{without}");
        assert!(without.contains("without your answers"), "{without}");
        let dir = root.join("notebooks/.ipynb_checkpoints");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("01-threads-checkpoint.ipynb"), "{}").unwrap();
        let with = way_back(&root, "01-threads");
        fs::remove_dir_all(&root).unwrap();
        assert!(
            with.contains("notebooks/.ipynb_checkpoints/01-threads-checkpoint.ipynb"),
            "{with}"
        );
        assert!(!with.contains("git checkout"), "{with}");
    }
}
