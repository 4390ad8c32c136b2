//! One chapter page, written as mdBook Markdown from the chapter model
//! (`chapters/NN-slug.md`: prose, code, exercises with their stub and answer,
//! hints, tags); the solved notebook gives only the saved outputs, found through
//! the generator's own mapping from notebook cells to chapter cells.

use anyhow::{Result, bail};
use serde_json::Value;

use super::output::{Chart, outputs};
use crate::codegen::chapter::{Cell, Chapter, ChapterCopy, exercise_code};
use crate::codegen::notebook::{self, Origin};
use crate::ipynb::source;
use crate::protocol::COMPILE_FAIL_TAG;

/// A chapter page, ready for mdBook.
pub struct Page {
    /// `09 · Monte Carlo pi and scaling`: the chapter's first heading.
    pub title: String,
    /// `45 min`: the chapter's estimated time.
    pub time: Option<String>,
    /// The first of "By the end ... you will be able to:", for the front page.
    pub first_goal: Option<String>,
    pub markdown: String,
    /// How many exercises (solution folds) it has.
    pub exercises: usize,
    /// Every chart of the page, in order, each its own file.
    pub charts: Vec<Chart>,
}

/// Renders `chapter`, with `solved` its saved solved notebook and `deps` the
/// workspace's dependencies (the set-up cell names them).
pub fn render(chapter: &Chapter, deps: &toml::Table, solved: &Value) -> Result<Page> {
    let stem = chapter.stem.as_str();
    let generated = notebook::cells(deps, chapter, ChapterCopy::Solved)?;
    let saved = solved["cells"].as_array().map_or(&[][..], Vec::as_slice);
    let in_step = saved.len() == generated.len()
        && generated.iter().zip(saved).all(|((_, fresh), old)| {
            fresh["cell_type"] == old["cell_type"] && source(fresh) == source(old)
        });
    if !in_step {
        bail!(
            "notebooks/{stem}-solved.ipynb is not what chapters/{stem}.md makes: run `cargo xtask gen`"
        );
    }
    // The page opens with the title and the notebook bar, even though the
    // notebook opens with its set-up cell: the title is the opening cell's heading.
    let opening = chapter
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Markdown { text, .. } => Some(text.as_str()),
            Cell::Code { .. } => None,
        })
        .unwrap_or_default();
    let title = first_heading(opening).unwrap_or(stem).to_string();
    let time = Some(format!("{} min", chapter.minutes.total()));
    let mut page = Page {
        markdown: header(&title, stem, time.as_deref()),
        first_goal: first_goal(opening),
        title,
        time,
        exercises: 0,
        charts: Vec::new(),
    };
    let mut opened = false;
    for ((origin, fresh), saved) in generated.iter().zip(saved) {
        let cell = match origin {
            Origin::Cell(n) => &chapter.cells[*n],
            Origin::Hint(n, number) => {
                let hint = match &chapter.cells[*n] {
                    Cell::Code { hints, .. } => &hints[number - 1],
                    Cell::Markdown { .. } => unreachable!("only an exercise has hints"),
                };
                page.markdown += &fold("hint", &format!("Hint {number}"), hint.trim());
                page.markdown += "\n\n";
                continue;
            }
            Origin::Setup | Origin::Check(_) => {
                page.markdown += &code_block(&source(fresh));
                page.markdown += &outputs(saved, stem, &mut page.charts);
                continue;
            }
        };
        match cell {
            Cell::Markdown { text, .. } if !opened => {
                opened = true;
                page.markdown += &without_heading(text);
                page.markdown += "\n\n";
            }
            Cell::Markdown { text, .. } => {
                page.markdown += text;
                page.markdown += "\n\n";
            }
            Cell::Code {
                source,
                exercise: Some(_),
                ..
            } => {
                page.exercises += 1;
                page.markdown +=
                    "<p class=\"nb-label\">The exercise, as the student notebook has it:</p>\n\n";
                page.markdown += &code_block(&exercise_code(source, ChapterCopy::Student));
                let answer = code_block(&exercise_code(source, ChapterCopy::Solved));
                page.markdown += &fold("solution", "Show the solution", &answer);
                page.markdown += &outputs(saved, stem, &mut page.charts);
            }
            Cell::Code { source, tags, .. } => {
                if tags.iter().any(|t| t == COMPILE_FAIL_TAG) {
                    page.markdown += "<p class=\"nb-label\">This cell does not compile, on purpose: \
                                      the compiler's error below is the lesson.</p>\n\n";
                }
                page.markdown += &code_block(source);
                page.markdown += &outputs(saved, stem, &mut page.charts);
            }
        }
    }
    Ok(page)
}

fn first_heading(markdown: &str) -> Option<&str> {
    markdown
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(str::trim)
}

/// The first item of the list after "... able to:", its wrapped lines joined.
fn first_goal(markdown: &str) -> Option<String> {
    let mut lines = markdown
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("able to:"));
    lines.next()?;
    let mut lines = lines.skip_while(|l| l.trim().is_empty());
    let mut goal = lines.next()?.strip_prefix("- ")?.trim().to_string();
    for more in lines.take_while(|l| l.starts_with("  ")) {
        goal = goal + " " + more.trim();
    }
    Some(goal.trim_end_matches([';', '.']).to_string())
}

/// The page's title and the notebook bar: downloads, time, how to run it.
fn header(title: &str, stem: &str, time: Option<&str>) -> String {
    let time = time
        .map(|t| format!("<span class=\"nb-time\">⏱ {t}</span>\n"))
        .unwrap_or_default();
    format!(
        "# {title}\n\n\
         <div class=\"nb-bar\">\n\
         <a class=\"nb-download\" href=\"notebooks/{stem}.ipynb\" download>⬇ Student notebook</a>\n\
         <a class=\"nb-download\" href=\"notebooks/{stem}-solved.ipynb\" download>⬇ Solved notebook, with outputs</a>\n\
         {time}\
         <span class=\"nb-run\">To run it: <code>cargo xtask lab</code> in the repository opens both in JupyterLab.</span>\n\
         </div>\n\n"
    )
}

/// The opening cell without its `# title` line, which the header already shows.
fn without_heading(markdown: &str) -> String {
    let mut lines = markdown.lines();
    let mut rest: Vec<&str> = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("# ") {
            break;
        }
        rest.push(line);
    }
    rest.extend(lines);
    rest.join("\n").trim().to_string()
}

/// A block folded behind a `<details>` control, closed until clicked.
fn fold(class: &str, summary: &str, markdown: &str) -> String {
    format!(
        "<details class=\"{class}\">\n<summary>{summary}</summary>\n\n{}\n\n</details>\n\n",
        markdown.trim_end()
    )
}

/// A Rust code block, fenced with more backticks than the code contains.
fn code_block(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}rust\n{}\n{fence}\n\n", code.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::chapter::Minutes;
    use serde_json::json;

    fn markdown(text: &str) -> Cell {
        Cell::Markdown {
            text: text.into(),
            solved_only: false,
        }
    }

    fn code(source: &str, exercise: Option<&str>, hints: &[&str]) -> Cell {
        Cell::Code {
            source: source.into(),
            exercise: exercise.map(str::to_string),
            tags: Vec::new(),
            hints: hints.iter().map(|h| h.to_string()).collect(),
        }
    }

    fn chapter(cells: Vec<Cell>) -> Chapter {
        Chapter {
            number: "09".into(),
            stem: "09-pi".into(),
            deps: Vec::new(),
            minutes: Minutes {
                reading: 15,
                exercises: 30,
            },
            cells,
        }
    }

    /// The solved notebook `gen` writes for `chapter`, with `outputs` saved
    /// under the cells the chapter's cells `n` became.
    fn solved(chapter: &Chapter, outputs: Vec<(usize, Value)>) -> Value {
        let mut cells = notebook::cells(&toml::Table::new(), chapter, ChapterCopy::Solved).unwrap();
        for (n, saved) in outputs {
            let (_, cell) = cells
                .iter_mut()
                .find(|(origin, _)| *origin == Origin::Cell(n))
                .unwrap();
            cell["outputs"] = saved;
        }
        json!({ "cells": cells.into_iter().map(|(_, c)| c).collect::<Vec<_>>() })
    }

    #[test]
    fn folds_the_solution_and_writes_each_chart_as_a_file() {
        let chapter = chapter(vec![
            markdown(
                "# 09 · Pi\n\nBy the end you will be able to:\n\n- throw darts\n  in parallel;\n- more",
            ),
            code(
                "fn f() -> u64 {\n    // BEGIN SOLUTION\n    42\n    // END SOLUTION\n}",
                Some("f"),
                &["Split it.", "Count the *leaves*.", "Use `%`."],
            ),
            code("draw()", None, &[]),
        ]);
        let chart = json!([{"output_type": "execute_result", "data": {
            "image/svg+xml": "<svg><text x=\"1\">Strong scaling &amp; more</text></svg>"}}]);
        let printed = json!([{"output_type": "stream", "name": "stdout", "text": ["a < b\n"]},
                             {"output_type": "stream", "name": "stdout", "text": "c\n"}]);
        let solved = solved(&chapter, vec![(1, printed), (2, chart)]);
        let page = render(&chapter, &toml::Table::new(), &solved).unwrap();
        assert_eq!(page.title, "09 · Pi");
        assert_eq!(page.first_goal.as_deref(), Some("throw darts in parallel"));
        assert_eq!(page.time.as_deref(), Some("45 min"));
        assert_eq!(page.exercises, 1);
        let md = &page.markdown;
        let todo = md.find("todo!()").expect("the student's cell is shown");
        let fold = md
            .find("<details class=\"solution\">")
            .expect("a solution fold");
        assert!(todo < fold && md[fold..].contains("42"), "{md}");
        assert!(md.contains("notebooks/09-pi-solved.ipynb"), "{md}");
        assert!(
            md.contains("<pre class=\"nb-output nb-stdout\">a &lt; b\nc</pre>"),
            "{md}"
        );
        assert!(
            md.contains("<details class=\"hint\">\n<summary>Hint 1</summary>"),
            "{md}"
        );
        assert!(
            md.contains("<details class=\"hint\">\n<summary>Hint 2</summary>\n\nCount the *leaves*.\n\n</details>"),
            "a generated hint is folded once, in the book's style: {md}"
        );
        assert!(!md.contains("<details><summary>"), "{md}");
        assert!(
            md.contains("<details class=\"hint\">\n<summary>Hint 3</summary>\n\nUse `%`."),
            "{md}"
        );
        assert_eq!(page.charts.len(), 1);
        assert_eq!(page.charts[0].file, "09-pi/chart-1.svg");
        assert_eq!(page.charts[0].caption, "Strong scaling & more");
        assert!(md.contains("<img src=\"09-pi/chart-1.svg\" alt=\"Strong scaling &amp; more\">"));
    }

    #[test]
    fn a_solved_notebook_out_of_step_with_its_chapter_is_refused() {
        let chapter = chapter(vec![markdown("# 09 · Pi"), code("f()", None, &[])]);
        let mut stale = solved(&chapter, Vec::new());
        stale["cells"][2]["source"] = json!("g()");
        let err = render(&chapter, &toml::Table::new(), &stale)
            .err()
            .expect("a cell's code differs");
        assert!(err.to_string().contains("cargo xtask gen"), "{err}");
        let mut short = solved(&chapter, Vec::new());
        short["cells"].as_array_mut().unwrap().pop();
        assert!(render(&chapter, &toml::Table::new(), &short).is_err());
    }

    #[test]
    fn code_fences_outgrow_the_backticks_inside() {
        assert_eq!(
            code_block("let s = \"```\";"),
            "````rust\nlet s = \"```\";\n````\n\n"
        );
    }
}
