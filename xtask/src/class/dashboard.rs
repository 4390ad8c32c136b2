//! The class dashboard: one static HTML page, readable offline (no script,
//! no outside resource): learners × exercises as a heat map of verdicts,
//! how many are done per exercise, and per exercise the most common
//! messages of wrong answers, which is what the class is stuck on.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::gradebook::{Row, Verdict, first_line};
use crate::book::output::escape;

/// How many of an exercise's most common wrong-answer messages are shown.
const COMMON: usize = 3;

pub fn write(path: &Path, rows: &[Row]) -> Result<()> {
    fs::write(path, page(rows)).with_context(|| path.display().to_string())
}

/// A cell's verdict: the best of its sources (a learner done in a notebook is done).
fn best(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v| match v {
        Verdict::Done => 3,
        Verdict::Wrong => 2,
        Verdict::Error => 1,
        Verdict::NotStarted => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn symbol(v: Verdict) -> &'static str {
    match v {
        Verdict::Done => "✓",
        Verdict::Wrong => "✗",
        Verdict::Error => "!",
        Verdict::NotStarted => "·",
    }
}

fn page(rows: &[Row]) -> String {
    let mut exercises: Vec<&str> = Vec::new();
    let mut learners: Vec<&str> = Vec::new();
    let mut cells: BTreeMap<(&str, &str), Verdict> = BTreeMap::new();
    for row in rows {
        if !exercises.contains(&row.exercise.as_str()) {
            exercises.push(&row.exercise);
        }
        if !learners.contains(&row.learner.as_str()) {
            learners.push(&row.learner);
        }
        let key = (row.learner.as_str(), row.exercise.as_str());
        let verdict = cells
            .get(&key)
            .map_or(row.verdict, |v| best(*v, row.verdict));
        cells.insert(key, verdict);
    }
    let mut html = String::from(HEAD);
    html.push_str(&format!(
        "<h1>Class dashboard</h1>\n<p>{} learners, {} exercises. \
         ✓ done · ✗ wrong · ! error (did not compile, crashed, out of time or memory) · \
         · not started. A learner's best source counts.</p>\n",
        learners.len(),
        exercises.len()
    ));
    html.push_str("<table id=\"heatmap\">\n<tr><th>learner</th>");
    for ex in &exercises {
        html.push_str(&format!(
            "<th class=\"ex\"><span>{}</span></th>",
            escape(ex)
        ));
    }
    html.push_str("</tr>\n");
    for learner in &learners {
        html.push_str(&format!("<tr><th>{}</th>", escape(learner)));
        for ex in &exercises {
            let v = cells
                .get(&(*learner, *ex))
                .copied()
                .unwrap_or(Verdict::NotStarted);
            html.push_str(&format!(
                "<td class=\"{0}\" title=\"{1}: {2}\">{3}</td>",
                v.name(),
                escape(learner),
                escape(ex),
                symbol(v)
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("<tr id=\"done\"><th>done</th>");
    for ex in &exercises {
        let done = learners
            .iter()
            .filter(|l| cells.get(&(**l, *ex)) == Some(&Verdict::Done))
            .count();
        html.push_str(&format!("<td>{done}</td>"));
    }
    html.push_str("</tr>\n</table>\n<h2>What the class is stuck on</h2>\n<dl id=\"stuck\">\n");
    for ex in &exercises {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows
            .iter()
            .filter(|r| r.exercise == *ex && r.verdict == Verdict::Wrong)
        {
            *counts.entry(first_line(&row.message)).or_default() += 1;
        }
        if counts.is_empty() {
            continue;
        }
        let mut common: Vec<(String, usize)> = counts.into_iter().collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        html.push_str(&format!("<dt>{}</dt>\n", escape(ex)));
        for (message, n) in common.into_iter().take(COMMON) {
            html.push_str(&format!("<dd>✗ {n} × {}</dd>\n", escape(&message)));
        }
    }
    html.push_str("</dl>\n</body>\n</html>\n");
    html
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Class dashboard</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.4em; text-align: center; }
th.ex { height: 9em; vertical-align: bottom; }
th.ex span { writing-mode: vertical-rl; transform: rotate(180deg); }
td.done { background: #2e9d4b; color: white; }
td.wrong { background: #d9483b; color: white; }
td.error { background: #e9a23b; }
td.not-started { background: #eee; color: #888; }
dd { margin-bottom: 0.3em; }
</style>
</head>
<body>
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::gradebook::Source;

    fn row(learner: &str, exercise: &str, verdict: Verdict, message: &str) -> Row {
        Row {
            learner: learner.into(),
            exercise: exercise.into(),
            source: Source::Crate,
            verdict,
            message: message.into(),
            seconds: 0.0,
        }
    }

    #[test]
    fn the_page_counts_done_and_ranks_wrong_messages() {
        let rows = [
            row("ann", "total", Verdict::Done, "ok"),
            row("bob", "total", Verdict::Wrong, "off by <one>"),
            row("cy", "total", Verdict::Wrong, "off by <one>"),
            row("dee", "total", Verdict::Wrong, "empty"),
            row("dee", "fib_par", Verdict::NotStarted, ""),
        ];
        let html = page(&rows);
        assert!(
            html.contains("<tr id=\"done\"><th>done</th><td>1</td><td>0</td></tr>"),
            "{html}"
        );
        let first = html
            .find("✗ 2 × off by &lt;one&gt;")
            .expect("the most common message");
        assert!(first < html.find("✗ 1 × empty").unwrap());
        assert!(!html.contains("<script") && !html.contains("http"));
    }
}
