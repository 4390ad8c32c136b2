//! Writes the mdBook source (`target/book-src/`) from the chapters and their
//! solved notebooks' saved outputs:
//! `book.toml`, the table of contents, the front page, one page per chapter,
//! every chart as its own SVG file, and the notebooks to download.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::page::{self, Page};
use crate::codegen::{chapter, notebook};

/// What the source holds, for the build's summary line.
pub struct Written {
    pub chapters: usize,
    pub charts: usize,
    pub exercises: usize,
}

/// One chapter: its file stem (`09-pi`) and its rendered page.
struct Chapter {
    stem: String,
    page: Page,
}

/// Writes the whole source into `src_dir` (emptied first); mdBook renders into `out_dir`.
pub fn write(root: &Path, src_dir: &Path, out_dir: &Path) -> Result<Written> {
    if src_dir.exists() {
        fs::remove_dir_all(src_dir).with_context(|| format!("{}", src_dir.display()))?;
    }
    let pages = src_dir.join("src");
    fs::create_dir_all(pages.join("notebooks"))?;
    let assets = root.join("xtask/book");

    let mut chapters = Vec::new();
    let sources = chapter::read_all(root)?;
    if sources.is_empty() {
        bail!("no chapter files (chapters/NN-slug.md) found");
    }
    let deps = notebook::workspace_deps(root)?;
    for source in &sources {
        let stem = source.stem.clone();
        let student_file = root.join(format!("notebooks/{stem}.ipynb"));
        let solved_file = root.join(format!("notebooks/{stem}-solved.ipynb"));
        let page = page::render(source, &deps, &read_json(&solved_file)?)?;
        write_file(&pages.join(format!("{stem}.md")), &page.markdown)?;
        for chart in &page.charts {
            write_file(&pages.join(&chart.file), &chart.svg)?;
        }
        for file in [&student_file, &solved_file] {
            let name = file.file_name().expect("a notebook file has a name");
            fs::copy(file, pages.join("notebooks").join(name))
                .with_context(|| format!("copying {}", file.display()))?;
        }
        chapters.push(Chapter { stem, page });
    }

    let mut summary = String::from("# Summary\n\n[The Parallel Rust Workbook](index.md)\n\n");
    for c in &chapters {
        summary += &format!("- [{}]({}.md)\n", c.page.title, c.stem);
    }
    write_file(&pages.join("SUMMARY.md"), &summary)?;
    let template = read_text(&assets.join("index.md"))?;
    write_file(
        &pages.join("index.md"),
        &front_page(root, &template, &chapters)?,
    )?;

    let toml = read_text(&assets.join("book.toml"))?.replace(
        "{{build-dir}}",
        &out_dir.display().to_string().replace('\\', "/"),
    );
    write_file(&src_dir.join("book.toml"), &toml)?;
    for asset in ["workbook.css", "workbook.js"] {
        fs::copy(assets.join(asset), src_dir.join(asset))
            .with_context(|| format!("copying xtask/book/{asset}"))?;
    }
    Ok(Written {
        chapters: chapters.len(),
        charts: chapters.iter().map(|c| c.page.charts.len()).sum(),
        exercises: chapters.iter().map(|c| c.page.exercises).sum(),
    })
}

/// The front page: the template `xtask/book/index.md` with its placeholders filled:
/// `{{about}}` (the README's opening paragraph), `{{chapters}}` (the chapter
/// table) and `{{chart NN words}}` (chapter NN's chart whose title has those words).
fn front_page(root: &Path, template: &str, chapters: &[Chapter]) -> Result<String> {
    let readme = read_text(&root.join("README.md"))?;
    let about: Vec<&str> = readme
        .lines()
        .skip_while(|l| l.starts_with("# ") || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let mut page = template
        .replace("{{about}}", &about.join("\n"))
        .replace("{{chapters}}", &chapter_table(chapters));
    while let Some(start) = page.find("{{chart ") {
        let end = start + page[start..].find("}}").context("`{{chart` never closed")?;
        let wanted = &page[start + "{{chart ".len()..end];
        let (number, words) = wanted.split_once(' ').unwrap_or((wanted, ""));
        let chart = chapters
            .iter()
            .filter(|c| c.stem.starts_with(&format!("{number}-")))
            .flat_map(|c| &c.page.charts)
            .find(|chart| chart.caption.contains(words.trim()))
            .with_context(|| {
                format!("xtask/book/index.md asks for chapter {number}'s chart \"{words}\": none has that title")
            })?;
        let img = format!(
            "<img src=\"{}\" alt=\"{}\">",
            chart.file,
            super::output::escape(&chart.caption)
        );
        page.replace_range(start..end + 2, &img);
    }
    Ok(page)
}

fn chapter_table(chapters: &[Chapter]) -> String {
    let timed = chapters.iter().any(|c| c.page.time.is_some());
    let mut table = String::from("| Chapter | You will be able to | Exercises | Charts |");
    table += if timed {
        " Time |\n|---|---|---|---|---|\n"
    } else {
        "\n|---|---|---|---|\n"
    };
    for c in chapters {
        let count = |n: usize| {
            if n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            }
        };
        table += &format!(
            "| [{}]({}.md) | {} | {} | {} |",
            c.page.title,
            c.stem,
            c.page
                .first_goal
                .as_deref()
                .unwrap_or("")
                .replace('|', "\\|"),
            count(c.page.exercises),
            count(c.page.charts.len())
        );
        if timed {
            table += &format!(" {} |", c.page.time.as_deref().unwrap_or("·"));
        }
        table.push('\n');
    }
    table
}

fn read_json(path: &Path) -> Result<Value> {
    serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{} is not valid JSON", path.display()))
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write_file(path: &PathBuf, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
