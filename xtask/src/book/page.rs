//! One chapter page, written as mdBook Markdown from the chapter's two notebooks:
//! the solved one gives the prose, the code and the saved outputs; the student
//! one tells which cells are exercises (the generator puts `todo!()` there, so
//! those are the cells whose code differs), and gives the code a reader starts from.

use anyhow::{Result, bail};
use serde_json::Value;

use super::output::{Chart, outputs};
use crate::ipynb::text;

/// A chapter page, ready for mdBook.
pub struct Page {
    /// `09 · Monte Carlo pi and scaling`: the notebook's first heading.
    pub title: String,
    /// `45 min`, when the chapter states how long it takes.
    pub time: Option<String>,
    /// The first of "By the end ... you will be able to:", for the front page.
    pub first_goal: Option<String>,
    pub markdown: String,
    /// How many exercises (solution folds) it has.
    pub exercises: usize,
    /// Every chart of the page, in order, each its own file.
    pub charts: Vec<Chart>,
}

/// Renders `notebooks/{stem}-solved.ipynb`, with `student` its student twin.
pub fn render(stem: &str, student: &Value, solved: &Value) -> Result<Page> {
    let solved_cells = cells(solved);
    // A cell tagged `solved-only` has no student twin: it pairs with itself.
    let mut student_iter = cells(student).iter();
    let student_cells: Vec<Option<&Value>> = solved_cells
        .iter()
        .map(|c| {
            if tags(c).contains(&"solved-only") {
                Some(c)
            } else {
                student_iter.next()
            }
        })
        .collect();
    let same_shape = student_iter.next().is_none()
        && solved_cells
            .iter()
            .zip(&student_cells)
            .all(|(a, b)| b.is_some_and(|b| a["cell_type"] == b["cell_type"]));
    if !same_shape {
        bail!(
            "notebooks/{stem}.ipynb and {stem}-solved.ipynb do not have the same cells: \
             run `cargo xtask gen`"
        );
    }
    // The page opens with the title and the notebook bar, even though the
    // notebook opens with its set-up cell: the title is the opening cell's heading.
    let opening = solved_cells
        .iter()
        .find(|c| c["cell_type"] == "markdown")
        .map(|c| text(&c["source"]))
        .unwrap_or_default();
    let title = first_heading(&opening).unwrap_or(stem).to_string();
    let time = estimated_time(&opening);
    let mut page = Page {
        markdown: header(&title, stem, time.as_deref()),
        first_goal: first_goal(&opening),
        title,
        time,
        exercises: 0,
        charts: Vec::new(),
    };
    let (mut hints, mut opened) = (0, false);
    for (cell, student_cell) in solved_cells.iter().zip(student_cells.into_iter().flatten()) {
        let source = text(&cell["source"]);
        let tags = tags(cell);
        if cell["cell_type"] == "markdown" {
            if !opened {
                opened = true;
                page.markdown += &without_heading(&source);
            } else if let Some((summary, body)) = unfold(&source).filter(|_| is_hint(cell, &tags)) {
                // The generator's hint: folded already, refolded in the book's style.
                hints += 1;
                page.markdown += &fold("hint", summary, body);
            } else if is_hint(cell, &tags) && !source.trim_start().starts_with("<details") {
                hints += 1;
                page.markdown += &fold("hint", &format!("Hint {hints}"), &source);
            } else {
                page.markdown += &source;
            }
            page.markdown += "\n\n";
            continue;
        }
        let student_source = text(&student_cell["source"]);
        if student_source != source || tags.contains(&"solution") {
            page.exercises += 1;
            hints = 0; // each exercise's hints count from 1
            page.markdown +=
                "<p class=\"nb-label\">The exercise, as the student notebook has it:</p>\n\n";
            page.markdown += &code_block(&student_source);
            page.markdown += &fold("solution", "Show the solution", &code_block(&source));
        } else {
            if tags.contains(&"compile-fail") {
                page.markdown += "<p class=\"nb-label\">This cell does not compile, on purpose: \
                                  the compiler's error below is the lesson.</p>\n\n";
            }
            page.markdown += &code_block(&source);
        }
        page.markdown += &outputs(cell, stem, &mut page.charts);
    }
    Ok(page)
}

fn cells(notebook: &Value) -> &[Value] {
    notebook["cells"].as_array().map_or(&[], Vec::as_slice)
}

/// A hint: a Markdown cell tagged `hint`, or one JupyterLab keeps collapsed.
fn is_hint(cell: &Value, tags: &[&str]) -> bool {
    tags.contains(&"hint") || cell["metadata"]["jupyter"]["source_hidden"] == true
}

/// The summary and the body of a cell that is one `<details>` block, as the
/// generator writes hints: `<details><summary>Hint 1</summary>\n\nText\n\n</details>`.
fn unfold(source: &str) -> Option<(&str, &str)> {
    let rest = source.trim().strip_prefix("<details>")?.trim_start();
    let (summary, rest) = rest.strip_prefix("<summary>")?.split_once("</summary>")?;
    let body = rest.trim().strip_suffix("</details>")?;
    (!body.contains("<details")).then_some((summary.trim(), body.trim()))
}

fn tags(cell: &Value) -> Vec<&str> {
    cell["metadata"]["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
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

/// How long the chapter takes, from a line of its opening cell that mentions
/// time and a number of minutes or hours ("Time: about 45 minutes" gives `45 min`).
pub fn estimated_time(markdown: &str) -> Option<String> {
    markdown.lines().find_map(|line| {
        let lower = line.to_lowercase();
        if !(lower.contains("time") || lower.contains("takes")) {
            return None;
        }
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || "*_():,;".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        words.windows(2).find_map(|pair| {
            let number = pair[0];
            let is_number = number.chars().next()?.is_ascii_digit()
                && number
                    .chars()
                    .all(|c| c.is_ascii_digit() || "–-.".contains(c));
            let unit = if pair[1].starts_with("min") {
                "min"
            } else if pair[1].starts_with("hour") || pair[1] == "h" {
                "h"
            } else {
                return None;
            };
            is_number.then(|| format!("{number} {unit}"))
        })
    })
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
    use serde_json::json;

    fn notebook(cells: Vec<Value>) -> Value {
        json!({ "cells": cells })
    }

    #[test]
    fn folds_the_solution_and_writes_each_chart_as_a_file() {
        let heading = json!({"cell_type": "markdown", "metadata": {},
            "source": "# 09 · Pi\n\nBy the end you will be able to:\n\n- throw darts\n  in parallel;\n- more"});
        let hint =
            json!({"cell_type": "markdown", "metadata": {"tags": ["hint"]}, "source": "Split it."});
        let folded = json!({"cell_type": "markdown", "metadata": {"tags": ["hint"]},
            "source": ["<details><summary>Hint 2</summary>\n", "\n", "Count the *leaves*.\n", "\n", "</details>"]});
        let collapsed = json!({"cell_type": "markdown",
            "metadata": {"jupyter": {"source_hidden": true}}, "source": "Use `%`."});
        let code = |source: &str, outputs: Value| json!({"cell_type": "code", "metadata": {}, "source": source, "outputs": outputs});
        let chart = json!([{"output_type": "execute_result", "data": {
            "image/svg+xml": "<svg><text x=\"1\">Strong scaling &amp; more</text></svg>"}}]);
        let printed = json!([{"output_type": "stream", "name": "stdout", "text": ["a < b\n"]},
                             {"output_type": "stream", "name": "stdout", "text": "c\n"}]);
        let student = notebook(vec![
            heading.clone(),
            code("fn f() -> u64 {\n    todo!()\n}", json!([])),
            code("draw()", json!([])),
            hint.clone(),
            folded.clone(),
            collapsed.clone(),
        ]);
        let solved = notebook(vec![
            heading,
            code("fn f() -> u64 {\n    42\n}", printed),
            code("draw()", chart),
            hint,
            folded,
            collapsed,
        ]);
        let page = render("09-pi", &student, &solved).unwrap();
        assert_eq!(page.title, "09 · Pi");
        assert_eq!(page.first_goal.as_deref(), Some("throw darts in parallel"));
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
    fn notebooks_out_of_step_are_refused() {
        let md = json!({"cell_type": "markdown", "metadata": {}, "source": "# 01"});
        let err = render(
            "01-x",
            &notebook(vec![md.clone()]),
            &notebook(vec![md.clone(), md]),
        )
        .err()
        .expect("different cells");
        assert!(err.to_string().contains("cargo xtask gen"), "{err}");
    }

    #[test]
    fn reads_the_estimated_time_when_the_chapter_states_one() {
        let opening = "# 09 · Pi\n\n**Time:** about 45 minutes (15 reading, 30 exercises).";
        assert_eq!(estimated_time(opening).as_deref(), Some("45 min"));
        assert_eq!(
            estimated_time("Estimated time: 1 hour").as_deref(),
            Some("1 h")
        );
        assert_eq!(
            estimated_time("It takes 30–40 min.").as_deref(),
            Some("30–40 min")
        );
        assert_eq!(estimated_time("A run of minutes, not 10 seconds."), None);
        assert_eq!(estimated_time("Wall time against 8 threads"), None);
    }

    #[test]
    fn code_fences_outgrow_the_backticks_inside() {
        assert_eq!(
            code_block("let s = \"```\";"),
            "````rust\nlet s = \"```\";\n````\n\n"
        );
    }
}
