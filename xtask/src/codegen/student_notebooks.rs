//! Guards on whole student notebooks: they never send the learner to the solved notebook, which
//! holds every answer of the chapter, and they never read an output they do not have.

use super::chapter::{self, Cell, Chapter, ChapterCopy, SOLVED_ONLY_PROSE};
use super::notebook;

/// Words that, right before "solved", make it name a notebook ("the solved notebook", "copy
/// it from the solved one", "its solved twin").
const BEFORE_SOLVED: &[&str] = &["the", "a", "its", "their", "your", "each", "every", "this"];
/// Words that, right after "solved", make it name a notebook.
const AFTER_SOLVED: &[&str] = &[
    "notebook",
    "notebooks",
    "twin",
    "twins",
    "copy",
    "copies",
    "version",
    "versions",
    "one",
    "ones",
    "cell",
    "cells",
    "output",
    "outputs",
    "chapter",
    "chapters",
];
/// Other names for the notebook with the answers.
const ANSWER_NOTEBOOK: &[[&str; 2]] = &[
    ["answer", "notebook"],
    ["answers", "notebook"],
    ["solution", "notebook"],
    ["solutions", "notebook"],
];

/// The sentences of `text` that point to the solved notebook: its file name (`-solved`), or
/// "solved" used as the name of a notebook, even across a line break or inside Markdown emphasis.
fn pointers_to_solved(text: &str) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // ASCII lower case keeps every byte where it was, so offsets hold in `flat` too.
    let lower = flat.to_ascii_lowercase();
    // Words, each with the byte offset where it starts.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices().chain([(lower.len(), ' ')]) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &lower[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    let mut at: Vec<usize> = lower.match_indices("-solved").map(|(i, _)| i).collect();
    for (k, &(offset, word)) in words.iter().enumerate() {
        let before = k.checked_sub(1).map(|p| words[p].1);
        let after = words.get(k + 1).map(|w| w.1);
        let names_a_notebook = word == "solved"
            && (before.is_some_and(|b| BEFORE_SOLVED.contains(&b))
                || after.is_some_and(|a| AFTER_SOLVED.contains(&a)));
        let other_name = ANSWER_NOTEBOOK
            .iter()
            .any(|[first, second]| word == *first && after == Some(*second));
        if names_a_notebook || other_name {
            at.push(offset);
        }
    }
    at.sort_unstable();
    let mut sentences: Vec<String> = at
        .into_iter()
        .map(|offset| {
            let start = flat[..offset].rfind(". ").map_or(0, |n| n + 2);
            let end = flat[offset..]
                .find(". ")
                .map_or(flat.len(), |n| offset + n + 1);
            flat[start..end].to_string()
        })
        .collect();
    sentences.dedup();
    sentences
}

/// Every line of `chapter`'s student notebook, Markdown or code, that points to the solved one.
fn pointers_in(deps: &toml::Table, chapter: &Chapter) -> Vec<String> {
    let student =
        notebook::notebook(deps, chapter, ChapterCopy::Student).expect("the notebook builds");
    let mut found = Vec::new();
    for cell in student["cells"].as_array().into_iter().flatten() {
        let id = cell["id"].as_str().unwrap_or_default();
        for sentence in pointers_to_solved(&notebook::source_text(cell)) {
            found.push(format!(
                "notebooks/{}.ipynb, cell {id} ({}): {sentence}",
                chapter.stem,
                cell["cell_type"].as_str().unwrap_or_default()
            ));
        }
    }
    found
}

#[test]
fn no_student_notebook_sends_the_learner_to_the_solved_one() {
    let root = crate::root();
    let deps = notebook::workspace_deps(&root).unwrap();
    let found: Vec<String> = chapter::read_all(&root)
        .unwrap()
        .iter()
        .flat_map(|c| pointers_in(&deps, c))
        .collect();
    assert!(
        found.is_empty(),
        "{} sentence(s) of student notebooks point to the solved notebook, which holds every answer \
         of the chapter. Make the cell run in the student notebook too (on the learner's own \
         function, printing one line while it is `todo!()`), or say nothing of it:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Prose the student notebook shows where a `solved-only` cell's output would be: the Markdown
/// after such a cell, up to the next code cell the student notebook has or the next heading.
/// Each finding names the `solved-only` cell (its first line) and quotes the prose's first line.
fn prose_without_its_output(chapter: &Chapter) -> Vec<String> {
    let mut found = Vec::new();
    let mut after: Option<&str> = None; // the first line of the last solved-only code cell
    for cell in &chapter.cells {
        match cell {
            Cell::Code { source, .. } if cell.solved_only() => {
                after = Some(source.lines().next().unwrap_or_default());
            }
            Cell::Code { .. } => after = None,
            Cell::Markdown { .. } if cell.solved_only() => {}
            Cell::Markdown { text, .. } => {
                let Some(code) = after else { continue };
                let before_heading: Vec<&str> = text
                    .lines()
                    .take_while(|l| !l.trim_start().starts_with('#'))
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                if !before_heading.is_empty() {
                    let joined = before_heading.join(" ");
                    let prose = joined.split_whitespace().collect::<Vec<_>>().join(" ");
                    let sentence = prose.find(". ").map_or(prose.as_str(), |n| &prose[..=n]);
                    found.push(format!(
                        "chapters/{}.md: after the solved-only cell `{code}`, the student \
                         notebook reads: {sentence}",
                        chapter.stem
                    ));
                }
                if before_heading.len() < text.lines().filter(|l| !l.trim().is_empty()).count() {
                    after = None; // a heading: a new subject starts
                }
            }
        }
    }
    found
}

#[test]
fn no_student_notebook_reads_an_output_it_does_not_have() {
    let found: Vec<String> = chapter::read_all(&crate::root())
        .unwrap()
        .iter()
        .flat_map(prose_without_its_output)
        .collect();
    assert!(
        found.is_empty(),
        "{} place(s) where a student notebook shows prose in place of a solved-only cell's \
         output, which it does not have. Give the cell a student-side counterpart that runs \
         there (a code cell right after it), or start that prose with a `{SOLVED_ONLY_PROSE}` \
         line so that only the solved notebook shows it:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn a_pointer_to_the_solved_notebook_is_found_however_it_is_phrased() {
    for text in [
        "Open the solved notebook and compare.",
        "They run in `07-fibonacci-solved.ipynb`, where you can read the chart.",
        "Copy the cell from the solved\none once your answer passes.",
        "Its *solved* twin keeps the outputs.",
        "Compare with the saved outputs of the Solved Notebooks.",
        "The answers notebook has the chart.",
    ] {
        assert_eq!(pointers_to_solved(text).len(), 1, "{text:?}");
    }
    for text in [
        "The lost update is solved by one lock.",
        "Once solved, run the check again.",
        "The problem, solved in chapter 04 with a lock, comes back here.",
    ] {
        assert!(pointers_to_solved(text).is_empty(), "{text:?}");
    }
}

#[test]
fn prose_in_place_of_a_missing_output_is_found_and_marked_prose_is_not() {
    let chapter = |text: &str| super::test_support::chapter_of(text).unwrap();
    let unmarked = chapter(
        "Intro.\n\n```rust solved-only\nlet t = 1;\n```\n\nThe chart\nshows it. It rises.\n\n## Next\n\nOn.\n",
    );
    let found = prose_without_its_output(&unmarked);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`let t = 1;`") && found[0].ends_with("reads: The chart shows it."));
    // Two solved-only cells in a row: the prose after the second is checked too.
    let two = "```rust solved-only\nlet t = 1;\n```\n\n```rust solved-only\nlet u = 2;\n```\n\nRead it.\n";
    assert_eq!(prose_without_its_output(&chapter(two)).len(), 1);
    for fine in [
        // The reading is marked: only the solved notebook shows it.
        "```rust solved-only\nlet t = 1;\n```\n\n<!-- solved-only -->\nThe chart shows it.\n\n<!-- cell -->\n## Next\n\nOn.\n",
        // A counterpart runs in the student notebook right after it.
        "```rust solved-only\nlet t = 1;\n```\n\n```rust\nlet t = 2;\n```\n\nThe chart shows it.\n",
        // A new section starts right away.
        "```rust solved-only\nlet t = 1;\n```\n\n## Next\n\nOn.\n",
    ] {
        let found = prose_without_its_output(&chapter(fine));
        assert!(found.is_empty(), "{fine:?}: {found:?}");
    }
}
