//! What the checks say matches what the chapters and notebooks show. Every
//! check sends the learner to a section that exists: its `section`
//! (generated from the heading the exercise cell sits under) is a `## `
//! heading of its chapter, and every checked exercise is listed in the
//! generated `workbook::check::EXERCISES` (both fail when
//! `workbook/src/check/declared.rs` is stale). And each solved notebook's
//! saved check output is what that check prints now for the reference answer.

use std::path::Path;

use serde_json::Value;
use workbook::check::{EXERCISES, exercises};

#[test]
fn every_checks_section_is_a_heading_of_its_chapter() {
    let chapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chapters");
    let listed = exercises(solutions::reports);
    assert!(!listed.is_empty());
    let mut missing = Vec::new();
    for ex in listed {
        let source = chapters.join(format!("{}.md", ex.notebook));
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e} (the check of `{}`)", source.display(), ex.name));
        let headings: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(str::trim)
            .collect();
        if !headings.contains(&ex.section) {
            missing.push(format!(
                "`{}`: “{}” is not a heading of {} (its headings: {headings:?})",
                ex.name,
                ex.section,
                source.display()
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_checked_exercise_is_listed_in_the_workbook() {
    for ex in exercises(solutions::reports) {
        assert!(
            EXERCISES.iter().any(|e| std::ptr::eq(*e, ex)),
            "`{}` has a check but is missing from workbook::check::EXERCISES",
            ex.name
        );
    }
}

/// A check's text with every number replaced by `#`: counts that depend on
/// the machine (threads at once, batches in flight) and any time measured
/// are not wording.
fn wording(text: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in text.chars() {
        let digit = c.is_ascii_digit() || (in_number && c == '.');
        if !digit {
            out.push(c);
        } else if !in_number {
            out.push('#');
        }
        in_number = digit;
    }
    out.trim_end().to_string()
}

/// The text a code cell whose source is `source` shows in `notebook`, or
/// `None` when the notebook has no such cell.
fn saved_output(notebook: &Value, source: &str) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    };
    let cell = notebook["cells"]
        .as_array()?
        .iter()
        .find(|c| c["cell_type"] == "code" && text(&c["source"]).trim() == source)?;
    let outputs = cell["outputs"].as_array()?;
    Some(
        outputs
            .iter()
            .map(|o| match o.get("text") {
                Some(stream) => text(stream),
                None => text(&o["data"]["text/plain"]),
            })
            .collect(),
    )
}

#[test]
fn every_solved_notebook_shows_what_its_checks_print_now() {
    let notebooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks");
    let mut stale = Vec::new();
    for report in solutions::reports() {
        let ex = report.exercise;
        let path = notebooks.join(format!("{}-solved.ipynb", ex.notebook));
        let json = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (the check of `{}`)", path.display(), ex.name));
        let notebook: Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let number = &ex.notebook[..2];
        let call = format!("workbook::check::ch{number}::{0}({0})", ex.name);
        let saved = saved_output(&notebook, &call)
            .unwrap_or_else(|| panic!("{} has no cell `{call}`", path.display()));
        let now = report.to_string();
        if wording(&saved) != wording(&now) {
            stale.push(format!(
                "{}, `{call}`:\n  saved: {}\n  now:   {}",
                path.display(),
                saved.trim_end(),
                now
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "these solved notebooks show a check's old words; re-run and save them \
         (`cargo xtask notebooks --save NN-slug-solved`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn numbers_are_not_wording() {
    assert_eq!(
        wording("2 batches ran at once, in 0.25 s; 10 tasks.\n"),
        "# batches ran at once, in # s; # tasks."
    );
    assert_ne!(wording("done. 2 at once"), wording("done. two at once"));
}
