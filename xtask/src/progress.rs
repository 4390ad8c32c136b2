//! `cargo xtask progress`: one table for the whole course. Each exercise's
//! verdict from the `exercises` crate (graded by `exercises/tests/strict.rs`,
//! each check in a process of its own, which prints one report line per
//! exercise when asked) and from the student notebook (the check's own
//! result saved under its check cell: read, never executed or written), the
//! chapters' times, and what to do next.
//!
//! It writes nothing: not to `exercises/`, not to a notebook.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde_json::Value;
pub use workbook::check::protocol::Graded;
use workbook::check::protocol::{JSON_ENV, JSON_PREFIX, NOTEBOOK_MIME, Outcome, SELECT_ENV};

use crate::child;
use crate::codegen::chapter::{self, Chapter};

/// A first build of the crate can take minutes; grading all of it, a few more.
const GRADE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// One exercise's verdict, in the crate or in a notebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Done,
    /// The first line of what the check said.
    Wrong(String),
    NotStarted,
    /// A notebook whose check cell has no saved output.
    NotRun,
    /// A notebook whose check cell ended in an error (an answer that did
    /// not compile, say): its first line.
    Failed(String),
    /// A notebook that could not be read (the reason is told under the table).
    Unread,
}

impl Verdict {
    pub fn is_done(&self) -> bool {
        *self == Verdict::Done
    }

    /// The table's word for it.
    fn word(&self) -> &'static str {
        match self {
            Verdict::Done => "✓ done",
            Verdict::Wrong(_) => "✗ wrong",
            Verdict::NotStarted => "· not started",
            Verdict::NotRun => "not run yet",
            Verdict::Failed(_) => "✗ error",
            Verdict::Unread => "(not read)",
        }
    }
}

/// What a check reported, in the crate or in a notebook.
impl From<&Graded> for Verdict {
    fn from(g: &Graded) -> Verdict {
        match g.status {
            Outcome::Done => Verdict::Done,
            Outcome::Wrong => Verdict::Wrong(first_line(&g.message)),
            Outcome::NotStarted => Verdict::NotStarted,
        }
    }
}

/// What grading the crate came to.
pub enum Grade {
    /// One entry per exercise graded.
    Reports(Vec<Graded>),
    /// The crate does not compile: cargo's error output, trimmed.
    CompileError(String),
    /// Ctrl-C stopped it.
    Stopped,
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

/// `cargo xtask progress [NAME]`.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let only = name.map(|n| find_exercise(&chapters, n)).transpose()?;
    let (notebooks, unread) = read_notebooks(root, &chapters);
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
        table(&chapters, &crate_verdicts, &notebooks, only.map(|(_, e)| e))
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

/// The chapter and exercise named `name`, or an error suggesting the closest name.
pub fn find_exercise<'a>(chapters: &'a [Chapter], name: &str) -> Result<(&'a Chapter, &'a str)> {
    for c in chapters {
        if let Some(ex) = c.exercises().into_iter().find(|e| *e == name) {
            return Ok((c, ex));
        }
    }
    let names = chapters.iter().flat_map(|c| c.exercises());
    Err(anyhow!(
        "there is no exercise named `{name}`{}",
        crate::codegen::closest(name, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| "; `cargo xtask progress` lists them all".to_string())
    ))
}

/// Before a first build of the exercises crate's strict test (minutes, in
/// silence, since cargo runs quietly here), says that one is coming.
/// (`cargo xtask` itself builds `xtask` into the target folder first, so
/// that folder alone tells nothing.)
pub fn announce_first_build(root: &Path, command: &str) {
    if !strict_test_built(&crate::target_dir(root)) {
        println!(
            "{command}: building the exercises crate and its tests first: the first build \
             takes a few minutes; later runs start at once."
        );
    }
}

/// Whether cargo left a strict test binary (`debug/deps/strict-HASH`) in `target`.
fn strict_test_built(target: &Path) -> bool {
    let Ok(entries) = fs::read_dir(target.join("debug/deps")) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with("strict-") && !name.ends_with(".d")
    })
}

/// A value no answer can guess, which marks the grade's own report lines.
fn nonce() -> String {
    use std::hash::{BuildHasher, RandomState};
    // Each `RandomState` is keyed from the operating system's randomness.
    let part = || RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{:016x}{:016x}", part(), part())
}

/// Grades the crate's answers with its strict test, only the exercises or
/// chapters in `select` (`01-threads`, `01-threads/map_in_threads`,
/// comma-separated) when given.
pub fn grade(root: &Path, select: Option<&str>) -> Result<Grade> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let nonce = nonce();
    let mut cmd = Command::new(cargo);
    cmd.args(["test", "--quiet", "-p", "exercises", "--test", "strict"])
        .args(["--", "--nocapture"])
        .current_dir(root)
        .env(JSON_ENV, &nonce)
        .env(SELECT_ENV, select.unwrap_or_default());
    let Some(out) = child::output_or_stop(&mut cmd, GRADE_LIMIT)? else {
        return Ok(Grade::Stopped);
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (graded, unreadable) = parse_lines(&stdout, &nonce);
    for problem in unreadable {
        eprintln!("{problem}");
    }
    if !graded.is_empty() {
        return Ok(Grade::Reports(graded));
    }
    if let Some(error) = compiler_errors(&stderr) {
        return Ok(Grade::CompileError(error));
    }
    if out.status.success() && select.is_some() {
        return Ok(Grade::Reports(graded));
    }
    bail!(
        "`cargo test -p exercises --test strict` reported no exercise ({}): {}",
        out.status,
        first_line(stderr.trim())
    )
}

/// The exercises' report lines among the strict test's output: only those
/// marked with `nonce` (an answer may print anything, report lines
/// included), and what was wrong with any of those that could not be read.
pub fn parse_lines(stdout: &str, nonce: &str) -> (Vec<Graded>, Vec<String>) {
    let mut graded = Vec::new();
    let mut unreadable = Vec::new();
    let ours = format!("{JSON_PREFIX}{nonce} ");
    for line in stdout.lines() {
        let Some(json) = line.find(&ours).map(|i| &line[i + ours.len()..]) else {
            continue;
        };
        match serde_json::from_str(json) {
            Ok(g) => graded.push(g),
            Err(e) => unreadable.push(format!(
                "A report line of the strict test could not be read ({e}), and was skipped: {json}"
            )),
        }
    }
    (graded, unreadable)
}

/// Cargo's error output from the first `error` line on, without warnings;
/// `None` when there is no compiler error.
pub fn compiler_errors(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error"))?;
    let mut kept = Vec::new();
    let mut in_warning = false;
    for line in &lines[start..] {
        if line.starts_with("warning") {
            in_warning = true;
        } else if line.starts_with("error") {
            in_warning = false;
        }
        if !in_warning {
            kept.push(*line);
        }
    }
    const MOST: usize = 40;
    let more = kept.len().saturating_sub(MOST);
    kept.truncate(MOST);
    let mut text = kept.join("\n").trim_end().to_string();
    if more > 0 {
        let _ = write!(text, "\n… ({more} more lines)");
    }
    Some(text)
}

/// The first compiler error in one line: its message and where it is.
pub fn first_error(errors: &str) -> String {
    let mut lines = errors.lines();
    let head = lines.next().unwrap_or_default().trim();
    match lines
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "))
    {
        Some(at) => format!("{head} (at {at})"),
        None => head.to_string(),
    }
}

/// Verdicts by (chapter, exercise).
type Verdicts = BTreeMap<(String, String), Verdict>;

/// The notebook verdicts of every chapter with exercises, by (chapter,
/// exercise), and why a notebook could not be read, by chapter: such a
/// notebook's exercises show as not read, and the others count as usual.
fn read_notebooks(root: &Path, chapters: &[Chapter]) -> (Verdicts, Vec<(String, String)>) {
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

fn source(cell: &Value) -> String {
    text_of(&cell["source"])
}

/// Jupyter stores text as a string or a list of lines.
pub(crate) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
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

/// The progress table, the totals, the time left and what to do next;
/// with `only`, that exercise's row alone.
fn table(
    chapters: &[Chapter],
    krate: &BTreeMap<(String, String), Graded>,
    notebooks: &BTreeMap<(String, String), Verdict>,
    only: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:>7}  {:<22} {:<15} Notebook",
        "Chapter", "Time", "Exercise", "Crate"
    );
    let mut wrong = Vec::new();
    let mut total = (0, 0, 0, 0); // exercises, crate done, notebook done, either done
    let mut left = 0;
    let mut course = 0;
    let mut next: Option<(&Chapter, &str, String)> = None;
    // Reading counts as done up to the last chapter with an exercise done.
    let last_started = chapters.iter().rposition(|c| {
        c.exercises().iter().any(|ex| {
            let key = (c.stem.clone(), ex.to_string());
            krate.get(&key).is_some_and(|g| Verdict::from(g).is_done())
                || notebooks.get(&key).is_some_and(Verdict::is_done)
        })
    });
    for (i, c) in chapters.iter().enumerate() {
        course += c.minutes.total();
        let time = format!("{} min", c.minutes.total());
        let mut all_done = true;
        let mut first = true;
        for ex in c.exercises() {
            let key = (c.stem.clone(), ex.to_string());
            let in_crate = krate.get(&key).map(Verdict::from);
            let in_notebook = notebooks.get(&key).cloned().unwrap_or(Verdict::NotRun);
            let done = in_crate.as_ref().is_some_and(Verdict::is_done) || in_notebook.is_done();
            total.0 += 1;
            total.1 += usize::from(in_crate.as_ref().is_some_and(Verdict::is_done));
            total.2 += usize::from(in_notebook.is_done());
            total.3 += usize::from(done);
            all_done &= done;
            if !done && next.is_none() {
                let section = krate
                    .get(&key)
                    .map(|g| g.section.clone())
                    .unwrap_or_default();
                next = Some((c, ex, section));
            }
            for (place, v) in [
                ("crate", in_crate.as_ref()),
                ("notebook", Some(&in_notebook)),
            ] {
                if let Some(Verdict::Wrong(why) | Verdict::Failed(why)) = v {
                    wrong.push(format!("  {ex} ({place}): {why}"));
                }
            }
            if only.is_some_and(|o| o != ex) {
                continue;
            }
            let crate_word = in_crate.as_ref().map_or("(not graded)", Verdict::word);
            let (name, shown) = if first || only.is_some() {
                (c.stem.as_str(), time.as_str())
            } else {
                ("", "")
            };
            first = false;
            let _ = writeln!(
                out,
                "{name:<22} {shown:>7}  {ex:<22} {crate_word:<15} {}",
                in_notebook.word()
            );
        }
        if c.exercises().is_empty() && only.is_none() {
            let _ = writeln!(out, "{:<22} {time:>7}  (reading only)", c.stem);
        }
        let read = last_started.is_some_and(|last| i <= last);
        if !read {
            left += c.minutes.reading;
        }
        if !all_done {
            left += c.minutes.exercises;
        }
    }
    if only.is_some() {
        if !wrong.is_empty() {
            let _ = writeln!(out, "\nWhat the checks said:\n{}", wrong.join("\n"));
        }
        return out;
    }
    let _ = writeln!(
        out,
        "\nDone: {} of {} exercises in either place ({} in the crate, {} in the notebooks).",
        total.3, total.0, total.1, total.2
    );
    if !wrong.is_empty() {
        let _ = writeln!(out, "Not right yet:\n{}", wrong.join("\n"));
    }
    let _ = writeln!(
        out,
        "Left: about {} of the course's {}. (A chapter counts as read once one of its \
         exercises, or one in a later chapter, is done; its exercise time counts once all \
         its exercises are done, in the crate or in the notebook.)",
        hours(left),
        hours(course)
    );
    match next {
        Some((c, ex, section)) => {
            let section = if section.is_empty() {
                String::new()
            } else {
                format!(", section “{section}”")
            };
            let _ = writeln!(
                out,
                "Next: `{ex}`: write it in exercises/src/{}.rs, or in notebooks/{}.ipynb{section}.",
                c.module(),
                c.stem
            );
        }
        None => {
            let _ = writeln!(out, "Next: nothing: every exercise is done.");
        }
    }
    out
}

/// `1 h 05 min`, or `40 min`.
fn hours(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    const LINES: &str = "\nrunning 1 test\nan answer's own print\n\
        WORKBOOK-CHECK-JSON {\"notebook\":\"07-forged\",\"exercise\":\"total\",\"section\":\"S\",\"status\":\"done\",\"message\":\"\",\"report\":\"\"}\n\
        WORKBOOK-CHECK-JSON 0ld {\"notebook\":\"07-forged\",\"exercise\":\"total\",\"section\":\"S\",\"status\":\"done\",\"message\":\"\",\"report\":\"\"}\n\
        WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"01-threads\",\"exercise\":\"run_in_threads\",\"section\":\"S\",\"status\":\"done\",\"message\":\"6 jobs\",\"report\":\"✓ run_in_threads: done. 6 jobs\"}\n\
        no newline before it: WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"01-threads\",\"exercise\":\"map_in_threads\",\"section\":\"T\",\"status\":\"wrong\",\"message\":\"Case “x”: got 1\\nsecond line\",\"report\":\"✗ map_in_threads: wrong.\"}\n\
        WORKBOOK-CHECK-JSON n0nce {\"notebook\":\"02-thread-pools\",\"exercise\":\"map_on_pool\",\"section\":\"U\",\"status\":\"not-started\",\"message\":\"\",\"report\":\"·\"}\n\
        test every_exercise_is_done ... FAILED\n";

    #[test]
    fn the_strict_tests_own_lines_are_read_among_other_output() {
        let (graded, unreadable) = parse_lines(LINES, "n0nce");
        assert!(unreadable.is_empty(), "{unreadable:?}");
        let verdicts: Vec<(&str, Verdict)> = graded
            .iter()
            .map(|g| (g.exercise.as_str(), Verdict::from(g)))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("run_in_threads", Verdict::Done),
                ("map_in_threads", Verdict::Wrong("Case “x”: got 1".into())),
                ("map_on_pool", Verdict::NotStarted),
            ]
        );
        assert_eq!(graded[0].report, "✓ run_in_threads: done. 6 jobs");
        let broken = format!("{JSON_PREFIX}n0nce {{\"notebook\": 1}}\n{LINES}");
        let (graded, unreadable) = parse_lines(&broken, "n0nce");
        assert_eq!(graded.len(), 3, "the good lines are still read");
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert!(
            unreadable[0].contains("could not be read"),
            "{unreadable:?}"
        );
    }

    #[test]
    fn a_nonce_is_new_each_time() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32, "{a}");
    }

    #[test]
    fn a_first_build_is_told_by_the_strict_test_binary() {
        let target = std::env::temp_dir().join(format!("xtask-built-{}", std::process::id()));
        let _ = fs::remove_dir_all(&target);
        let deps = target.join("debug/deps");
        fs::create_dir_all(&deps).unwrap();
        fs::write(deps.join("strict-0123abcd.d"), "").unwrap();
        fs::write(deps.join("xtask-0123abcd"), "").unwrap();
        let before = strict_test_built(&target);
        fs::write(deps.join("strict-0123abcd"), "").unwrap();
        let after = strict_test_built(&target);
        fs::remove_dir_all(&target).unwrap();
        assert!(!before && after);
    }

    #[test]
    fn a_compiler_error_is_kept_without_the_warnings() {
        let stderr = "warning: unused variable: `x`\n --> exercises/src/ch01_threads.rs:3:9\n  |\n\n\
            error[E0308]: mismatched types\n --> exercises/src/ch01_threads.rs:12:5\n   |\n12 |     1u8\n   |     ^^^ expected `Vec<u64>`\n\n\
            warning: unused import\n --> x.rs:1:1\n\n\
            error: could not compile `exercises` (lib) due to 1 previous error; 1 warning emitted\n";
        let errors = compiler_errors(stderr).unwrap();
        assert!(
            errors.starts_with("error[E0308]: mismatched types"),
            "{errors}"
        );
        assert!(
            errors.ends_with("due to 1 previous error; 1 warning emitted"),
            "{errors}"
        );
        assert!(!errors.contains("unused"), "{errors}");
        assert_eq!(
            first_error(&errors),
            "error[E0308]: mismatched types (at exercises/src/ch01_threads.rs:12:5)"
        );
        assert_eq!(compiler_errors("warning: only a warning\n"), None);
    }

    fn chapters() -> Vec<Chapter> {
        chapter::read_all(&crate::root()).unwrap()
    }

    #[test]
    fn the_table_counts_either_place_and_names_the_next_exercise() {
        let chapters = chapters();
        let c1 = chapters.iter().find(|c| c.number == "01").unwrap();
        let [first, second] = c1.exercises()[..] else {
            panic!("chapter 01 has two exercises");
        };
        let graded = |ex: &str, status: Outcome| Graded {
            notebook: c1.stem.clone(),
            exercise: ex.into(),
            section: "Sec".into(),
            status,
            message: "Case “c”: got 2\nmore".into(),
            report: String::new(),
        };
        let key = |ex: &str| (c1.stem.clone(), ex.to_string());
        let untouched = table(&chapters, &BTreeMap::new(), &BTreeMap::new(), None);
        let course: u32 = chapters.iter().map(|c| c.minutes.total()).sum();
        assert!(
            untouched.contains(&format!(
                "Left: about {} of the course's {}",
                hours(course),
                hours(course)
            )),
            "{untouched}"
        );
        assert!(untouched.contains("Done: 0 of"), "{untouched}");
        assert!(
            untouched.contains(&format!(
                "Next: `{first}`: write it in exercises/src/{}.rs",
                c1.module()
            )),
            "{untouched}"
        );

        let krate = BTreeMap::from([
            (key(first), graded(first, Outcome::Done)),
            (key(second), graded(second, Outcome::Wrong)),
        ]);
        let notebooks = BTreeMap::from([(key(second), Verdict::Done)]);
        let out = table(&chapters, &krate, &notebooks, None);
        let count: usize = chapters.iter().map(|c| c.exercises().len()).sum();
        assert!(
            out.contains(&format!(
                "Done: 2 of {count} exercises in either place (1 in the crate, 1 in the notebooks)"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!("  {second} (crate): Case “c”: got 2\n")),
            "{out}"
        );
        // Chapters 00 and 01 are read and chapter 01's exercises are done.
        let c0 = &chapters[0];
        let left = course - c0.minutes.total() - c1.minutes.total();
        assert!(
            out.contains(&format!("Left: about {} of", hours(left))),
            "{out}"
        );
        let c2 = chapters.iter().find(|c| c.number == "02").unwrap();
        assert!(
            out.contains(&format!("Next: `{}`", c2.exercises()[0])),
            "{out}"
        );
        let row = out.lines().find(|l| l.contains(second)).unwrap();
        assert!(row.contains("✗ wrong") && row.ends_with("✓ done"), "{row}");
        let row = out.lines().find(|l| l.contains(first)).unwrap();
        assert!(
            row.starts_with(&c1.stem) && row.ends_with("not run yet"),
            "{row}"
        );
    }

    #[test]
    fn an_unknown_exercise_name_suggests_the_closest() {
        let chapters = chapters();
        let err = find_exercise(&chapters, "map_in_thread")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "there is no exercise named `map_in_thread`; did you mean `map_in_threads`?"
        );
        let err = find_exercise(&chapters, "zzzzzzzzzzzzzzzzzzzz")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`cargo xtask progress` lists them all"),
            "{err}"
        );
        let (c, ex) = find_exercise(&chapters, "fib_par").unwrap();
        assert_eq!((c.number.as_str(), ex), ("07", "fib_par"));
    }

    #[test]
    fn hours_read_well() {
        assert_eq!(hours(40), "40 min");
        assert_eq!(hours(65), "1 h 05 min");
        assert_eq!(hours(615), "10 h 15 min");
    }
}
