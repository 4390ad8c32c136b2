//! How a chapter's hints, solved-only prose and minutes reach the notebooks
//! and README.

use std::collections::BTreeMap;
use std::fs;

use serde_json::{Value, json};

use super::super::test_support::chapter_of;
use super::super::*;

const WITH_HINTS: &str = "## Exercise 1: add\n\nWrite it.\n\n```rust exercise=f\n\
                          pub fn f() -> u64 {\n    // BEGIN SOLUTION\n    40 + 2\n    // END SOLUTION\n}\n```\n\n\
                          > **Hint 1.** Start from\n> `40`.\n\n> **Hint 2.** Add *two*.\n\nAfter.\n";

#[test]
fn hints_after_an_exercise_belong_to_it_and_leave_the_prose() {
    let c = chapter_of(WITH_HINTS).unwrap();
    assert_eq!(
        hints_of(&c, "f"),
        ["Start from\n`40`.", "Add *two*."],
        "each hint's text, without `> ` and its marker"
    );
    let prose: Vec<&str> = c
        .cells
        .iter()
        .filter_map(|cell| match cell {
            chapter::Cell::Markdown { text, .. } => Some(text.as_str()),
            chapter::Cell::Code { .. } => None,
        })
        .collect();
    assert_eq!(prose.len(), 2, "{prose:?}");
    assert!(
        prose[0].starts_with("# 01 · Test\n")
            && prose[0].ends_with("## Exercise 1: add\n\nWrite it.")
    );
    assert_eq!(prose[1], "After.");
    // An ordinary quote stays prose.
    let quoted = chapter_of(&WITH_HINTS.replace("After.", "> A quote.")).unwrap();
    assert_eq!(hints_of(&quoted, "f").len(), 2);
    assert!(
        matches!(quoted.cells.last(), Some(chapter::Cell::Markdown { text, .. }) if text == "> A quote.")
    );
}

#[test]
fn hint_cells_follow_the_check_folded_in_both_notebooks() {
    let c = chapter_of(WITH_HINTS).unwrap();
    let deps = toml::Table::new();
    for copy in [ChapterCopy::Student, ChapterCopy::Solved] {
        let nb = notebook::notebook(&deps, &c, copy).unwrap();
        let cells = nb["cells"].as_array().unwrap();
        let check = cells
            .iter()
            .position(|cell| notebook_text(cell) == "workbook::check::ch01::f(f)")
            .expect("a check cell");
        let hint = &cells[check + 1];
        assert_eq!(hint["cell_type"], "markdown");
        assert_eq!(hint["metadata"]["tags"], json!(["hint"]));
        assert_eq!(
            notebook_text(hint),
            "<details><summary>Hint 1</summary>\n\nStart from\n`40`.\n\n</details>"
        );
        assert!(notebook_text(&cells[check + 2]).starts_with("<details><summary>Hint 2</summary>"));
        assert_eq!(notebook_text(&cells[check + 3]), "After.");
    }
}

#[test]
fn prose_after_a_solved_only_line_reaches_only_the_solved_notebook() {
    let c = chapter_of(
        "Intro.\n\n```rust solved-only\nlet t = 1;\n```\n\n<!-- solved-only -->\nIt printed 1.\n\n\
         <!-- cell -->\n## Next\n\nOn.\n",
    )
    .unwrap();
    let deps = toml::Table::new();
    let markdown = |copy| -> Vec<String> {
        let nb = notebook::notebook(&deps, &c, copy).unwrap();
        let cells = nb["cells"].as_array().unwrap().iter();
        cells
            .filter(|cell| cell["cell_type"] == "markdown")
            .map(notebook_text)
            .skip(1) // the title
            .collect()
    };
    assert_eq!(markdown(ChapterCopy::Student), ["## Next\n\nOn."]);
    assert_eq!(
        markdown(ChapterCopy::Solved),
        ["It printed 1.", "## Next\n\nOn."]
    );

    let empty = chapter_of("Text.\n\n<!-- solved-only -->\n\n```rust\nlet t = 1;\n```\n")
        .err()
        .unwrap();
    let text = format!("{empty:#}");
    assert!(
        text.contains("line 6: `<!-- solved-only -->` marks the prose after it, but none follows"),
        "{text}"
    );
}

/// The hints of exercise `name`.
fn hints_of<'a>(c: &'a chapter::Chapter, name: &str) -> &'a [String] {
    c.cells
        .iter()
        .find_map(|cell| match cell {
            chapter::Cell::Code {
                exercise: Some(e),
                hints,
                ..
            } if e == name => Some(hints.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no exercise `{name}`"))
}

fn notebook_text(cell: &Value) -> String {
    cell["source"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_hint_away_from_its_exercise_is_an_error_naming_the_line() {
    let stray = chapter_of("Text.\n\n> **Hint 1.** Lost.\n").err().unwrap();
    let text = format!("{stray:#}");
    assert!(text.contains("01-test.md: line 6: a hint"), "{text}");
    assert!(text.contains("right after its exercise"), "{text}");

    let after_prose = WITH_HINTS.replace("\n\n> **Hint 2.**", "\n\nMore words.\n\n> **Hint 2.**");
    let text = format!("{:#}", chapter_of(&after_prose).err().unwrap());
    assert!(text.contains("line 21: a hint"), "{text}");

    let misnumbered = WITH_HINTS.replace("**Hint 2.**", "**Hint 3.**");
    let text = format!("{:#}", chapter_of(&misnumbered).err().unwrap());
    assert!(text.contains("line 19: expected `**Hint 2.**`"), "{text}");
}

#[test]
fn every_exercise_has_two_or_three_hints() {
    let chapters = chapter::read_all(&crate::root()).unwrap();
    let mut count = 0;
    for c in &chapters {
        for name in c.exercises() {
            let hints = hints_of(c, name);
            assert!(
                (2..=3).contains(&hints.len()),
                "chapters/{}.md: `{name}` has {} hints; write 2 or 3, from a nudge to nearly the answer",
                c.stem,
                hints.len()
            );
            count += 1;
        }
    }
    assert!(count >= 20, "only {count} exercises found");
}

#[test]
fn the_readme_chapter_table_shows_each_chapters_time() {
    let readme = fs::read_to_string(crate::root().join("README.md")).unwrap();
    let rows: BTreeMap<String, String> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let [_, notebook, time] = cells[..] else {
                return None;
            };
            let stem = notebook.trim().strip_prefix('`')?.strip_suffix(".ipynb`")?;
            chapter::chapter_number(stem)?;
            Some((stem.to_string(), time.trim().to_string()))
        })
        .collect();
    let chapters = chapter::read_all(&crate::root()).unwrap();
    let expected: BTreeMap<String, String> = chapters
        .iter()
        .map(|c| (c.stem.clone(), format!("{} min", c.minutes.total())))
        .collect();
    assert_eq!(
        rows, expected,
        "README.md's chapter table: one row per chapter, its time the sum of the chapter's minutes line"
    );
}

/// A learner reads a cell whole, and a long one hides what it teaches.
const MOST_LINES: usize = 40;

/// The code cells of `chapter` over [`MOST_LINES`] lines: its name, the
/// cell's first line and its length.
fn long_cells(chapter: &chapter::Chapter) -> Vec<String> {
    let sources = chapter.cells.iter().filter_map(|c| match c {
        chapter::Cell::Code { source, .. } => Some(source),
        chapter::Cell::Markdown { .. } => None,
    });
    sources
        .filter(|s| s.lines().count() > MOST_LINES)
        .map(|s| {
            let first = s.lines().next().unwrap_or_default();
            format!(
                "{}: the cell `{first}`: {} lines",
                chapter.stem,
                s.lines().count()
            )
        })
        .collect()
}

#[test]
fn no_code_cell_is_over_40_lines() {
    let long: Vec<String> = chapter::read_all(&crate::root())
        .unwrap()
        .iter()
        .flat_map(long_cells)
        .collect();
    assert!(
        long.is_empty(),
        "code cells over {MOST_LINES} lines (split them): {long:#?}"
    );
    let body = "let x = 1;\n".repeat(MOST_LINES);
    let at_most = chapter_of(&format!("```rust\n{body}```\n")).unwrap();
    assert!(long_cells(&at_most).is_empty());
    let over = chapter_of(&format!("```rust\n// one too many\n{body}```\n")).unwrap();
    assert_eq!(
        long_cells(&over),
        ["01-test: the cell `// one too many`: 41 lines"]
    );
}
