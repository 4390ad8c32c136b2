//! Guard: no exercise's answer is shown elsewhere in its student notebook.
//!
//! Each answer (the lines between `// BEGIN SOLUTION` and `// END SOLUTION`) is compared with
//! every other code cell of the student notebook, after both are normalised: names the code
//! binds itself (`let`, parameters, closure parameters, `for` patterns, its own `fn` items)
//! become one placeholder, string literals another, borrows (`&`) are dropped, and the owning
//! and borrowing forms of an iterator (`into_iter`, `iter`, `iter_mut`; rayon's `par_` forms)
//! read alike. Method names, paths, types, keywords and numbers stay. A run of at least
//! [`needed_run`] tokens in common fails the test, naming the chapter, the exercise, the cell and
//! the shared code. There is no list of exceptions on purpose: a cell flagged wrongly is fixed
//! here, by reading code more exactly, never by excusing that cell.

use std::collections::HashSet;

use normalise::{Normalised, longest_shared_run, words};

use super::chapter::{self, Cell, Chapter, ChapterCopy};
use super::notebook;

mod normalise;

/// How many normalised tokens an answer and another cell must share, in one run, for the cell
/// to show the answer: half the answer, so that a short answer seen mostly whole counts
/// (`hits.fetch_add(1, Ordering::Relaxed);` is 11 tokens, and rayon's
/// `.into_par_iter().map(|t|` is 10 of a 20-token answer), but from [`MIN_RUN`] to [`MAX_RUN`].
fn needed_run(answer_tokens: usize) -> usize {
    (answer_tokens / 2).clamp(MIN_RUN, MAX_RUN)
}

/// Shorter runs are phrases any two cells may share, such as `.lock().unwrap();` (8 tokens).
const MIN_RUN: usize = 10;
/// A long answer is shown when about three of its lines are (the channel demo of chapter 03
/// shares 47 tokens with `in_completion_order`). The boilerplate an answer shares with the
/// demos stays under it: building a pool of n threads, or joining every handle in order, is 23.
const MAX_RUN: usize = 25;

/// An exercise's answer: its solved cell, normalised as a whole, only the answer's tokens kept.
fn answer(source: &str) -> Option<Normalised> {
    // The solved code drops the two marker lines: number the answer's lines as it does (1-based).
    let mut lines = HashSet::new();
    let (mut inside, mut line) = (false, 0);
    for l in source.lines() {
        match l.trim() {
            chapter::SOLUTION_BEGIN => inside = true,
            chapter::SOLUTION_END => inside = false,
            _ => {
                line += 1;
                if inside {
                    lines.insert(line);
                }
            }
        }
    }
    let solved = chapter::exercise_code(source, ChapterCopy::Solved);
    Normalised::of(&solved, |t| lines.contains(&t.start.line))
}

/// Every answer shown in another code cell of its student notebook, one paragraph each.
fn shown_answers(deps: &toml::Table, chapter: &Chapter) -> Vec<String> {
    let student =
        notebook::notebook(deps, chapter, ChapterCopy::Student).expect("the notebook builds");
    let cells: Vec<(String, String)> = student["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                notebook::source_text(c),
            )
        })
        .collect();
    let mut found = Vec::new();
    for cell in &chapter.cells {
        let Cell::Code {
            source,
            exercise: Some(name),
            ..
        } = cell
        else {
            continue;
        };
        let own_cell = chapter::exercise_code(source, ChapterCopy::Student);
        let own_check = chapter.check_call(name, None);
        let Some(answer) = answer(source) else {
            found.push(format!(
                "chapters/{}.md, exercise `{name}`: its cell does not read as Rust tokens",
                chapter.stem
            ));
            continue;
        };
        for (id, text) in &cells {
            if *text == own_cell || *text == own_check {
                continue;
            }
            let Some(other) = Normalised::of(text, |_| true) else {
                found.push(format!(
                    "chapters/{}.md, cell {id}: it does not read as Rust tokens",
                    chapter.stem
                ));
                continue;
            };
            let (length, at) = longest_shared_run(&answer.words, &other.words);
            if length >= needed_run(answer.words.len()) {
                let first_line = text.lines().next().unwrap_or_default();
                found.push(format!(
                    "chapters/{}.md, exercise `{name}`: cell {id} of notebooks/{}.ipynb (first line \
                     `{first_line}`) shows {length} of the {} tokens of its answer:\n{}",
                    chapter.stem,
                    chapter.stem,
                    answer.words.len(),
                    indent(&other.source_lines(at, at + length))
                ));
            }
        }
    }
    found
}

fn indent(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("    | {l}\n")).collect()
}

#[test]
fn no_student_notebook_shows_an_answer_in_another_cell() {
    let root = crate::root();
    let deps = notebook::workspace_deps(&root).unwrap();
    let chapters = chapter::read_all(&root).unwrap();
    let found: Vec<String> = chapters
        .iter()
        .flat_map(|c| shown_answers(&deps, c))
        .collect();
    assert!(
        found.is_empty(),
        "{} answer(s) shown in a student notebook, outside their exercise (after renaming the \
         code's own names: half of the answer's tokens in one run, from {MIN_RUN} to {MAX_RUN}). \
         An exercise must ask the learner to apply an idea to a case no cell above shows; \
         change the demo or the exercise:\n\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_codes_own_names_become_one_placeholder_and_the_rest_stays() {
    assert_eq!(
        words(
            "/// Counts.\nlet hits = AtomicUsize::new(0);\nhits.fetch_add(1, Ordering::Relaxed); // one"
        ),
        "let $ = AtomicUsize :: new ( 0 ) ; $ . fetch_add ( 1 , Ordering :: Relaxed ) ;"
    );
    // Parameters, closure parameters, `for` patterns and `fn` items; a field after `.` stays.
    assert_eq!(
        words("fn f(xs: &[u64]) { for (i, x) in xs.iter().enumerate() { g(|y| y.len + i, x); } }"),
        "fn $ ( $ : [ u64 ] ) { for ( $ , $ ) in $ . iter ( ) . enumerate ( ) \
         { g ( | $ | $ . len + $ , $ ) ; } }"
    );
    assert_ne!(words("let v = 1;"), words("let v = 2;"), "numbers stay");
    assert_eq!(
        words(r#"let v = 1; v.into_par_iter().map(|x| x).expect("a")"#),
        words(r#"let w = 1; w.par_iter().map(|y| y).expect("b")"#)
    );
    assert_ne!(
        words("let v = 1; v.iter().sum::<u64>()"),
        words("let v = 1; v.iter().product::<u64>()")
    );
}

const EXERCISE: &str = "```rust exercise=pairs\nuse rayon::prelude::*;\n\n\
    pub fn pairs(xs: &[u64], ys: &[u64]) -> Vec<u64> {\n    // BEGIN SOLUTION\n    \
    assert_eq!(xs.len(), ys.len(), \"lengths differ\");\n    \
    xs.par_iter().zip(ys).map(|(&x, &y)| x * y).collect()\n    // END SOLUTION\n}\n```\n";

fn shown(demo: &str) -> Vec<String> {
    let chapter = super::test_support::chapter_of(&format!(
        "{demo}\n{EXERCISE}\n> **Hint 1.** a\n\n> **Hint 2.** b\n"
    ))
    .unwrap();
    shown_answers(&toml::Table::new(), &chapter)
}

#[test]
fn an_answer_shown_with_other_names_is_found_and_named() {
    let demo = "```rust\nlet (a, b) = (vec![1u64], vec![2u64]);\n\
                let p: Vec<u64> = a.par_iter().zip(&b).map(|(p, q)| p * q).collect();\n```\n";
    let found = shown(demo);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "chapters/01-test.md, exercise `pairs`: cell 01-002 of notebooks/01-test.ipynb"
        ) && found[0].contains("let (a, b) = (vec![1u64], vec![2u64]);`)")
            && found[0].contains(
                "    | let p: Vec<u64> = a.par_iter().zip(&b).map(|(p, q)| p * q).collect();"
            ),
        "{}",
        found[0]
    );
}

#[test]
fn its_own_cell_its_check_and_shared_boilerplate_are_not_findings() {
    // The answer's opening check alone: a common line, short of half the answer.
    let demo = "```rust\nlet (u, v) = (vec![1u64], vec![2u64]);\nassert_eq!(u.len(), v.len(), \"no\");\n```\n";
    assert_eq!(shown(demo), Vec::<String>::new());
    assert_eq!(shown("Only prose."), Vec::<String>::new());
}
