//! Reading `chapters/NN-slug.md` into cells (the format is in chapters/AUTHORING.md).

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// One chapter, parsed.
pub struct Chapter {
    /// `01`
    pub number: String,
    /// `01-threads`
    pub stem: String,
    /// Workspace dependencies the notebook loads (`<!-- deps: ... -->`).
    pub deps: Vec<String>,
    /// How long the chapter takes (`<!-- minutes: ... -->`).
    pub minutes: Minutes,
    pub cells: Vec<Cell>,
}

pub enum Cell {
    Markdown {
        text: String,
        /// Prose only the solved notebook gets (after a `<!-- solved-only -->` line): it reads
        /// the output of a `solved-only` code cell, which the student notebook does not have.
        solved_only: bool,
    },
    Code {
        source: String,
        exercise: Option<String>,
        tags: Vec<String>,
        /// An exercise's hints (`> **Hint N.** ...` right after its cell), in order.
        hints: Vec<String>,
    },
}

/// The cell tag for a code cell that only the solved notebook gets: it uses an
/// exercise's answer, which the student notebook must not show above it.
const SOLVED_ONLY: &str = "solved-only";

impl Cell {
    /// Whether only the solved notebook gets this cell: a ```` ```rust solved-only ```` code
    /// cell, or prose after a `<!-- solved-only -->` line.
    pub fn solved_only(&self) -> bool {
        match self {
            Cell::Markdown { solved_only, .. } => *solved_only,
            Cell::Code {
                exercise: None,
                tags,
                ..
            } => tags.iter().any(|t| t == SOLVED_ONLY),
            Cell::Code { .. } => false,
        }
    }
}

/// A chapter's estimated time, from `<!-- minutes: reading=N exercises=M -->`
/// on the line under its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Minutes {
    /// Reading the prose and running the demo cells.
    pub reading: u32,
    /// Writing the exercises until their checks pass.
    pub exercises: u32,
}

impl Minutes {
    pub fn total(self) -> u32 {
        self.reading + self.exercises
    }

    /// The italic line the opening Markdown cell shows under the title.
    pub fn line(self) -> String {
        match self.exercises {
            0 => format!(
                "*Time: about {} minutes of reading and running the demos.*",
                self.reading
            ),
            ex => format!(
                "*Time: about {} minutes ({} reading and running the demos, {ex} for the exercises).*",
                self.total(),
                self.reading
            ),
        }
    }
}

/// Which copy of a chapter to build.
#[derive(Clone, Copy, PartialEq)]
pub enum Copy {
    Student,
    Solved,
}

pub(super) const SOLUTION_BEGIN: &str = "// BEGIN SOLUTION";
pub(super) const SOLUTION_END: &str = "// END SOLUTION";
const CELL_BREAK: &str = "<!-- cell -->";
/// Starts prose that only the solved notebook gets, up to the next cell.
pub(super) const SOLVED_ONLY_PROSE: &str = "<!-- solved-only -->";
/// How a hint's blockquote starts: `> **Hint 1.** Think of ...`.
const HINT_START: &str = "**Hint ";
const MINUTES: &str = "<!-- minutes:";
/// `<!-- deps: workbook/loom -->` turns on a feature of the workbook itself,
/// in cargo's `crate/feature` spelling.
const WORKBOOK_FEATURE: &str = "workbook/";
const MINUTES_FORMAT: &str = "<!-- minutes: reading=N exercises=M -->";

impl Chapter {
    /// `ch01_threads`: the chapter's module in `exercises` and `solutions`.
    pub fn module(&self) -> String {
        format!("ch{}", self.stem.replace('-', "_"))
    }

    /// The exercise functions, in order.
    pub fn exercises(&self) -> Vec<&str> {
        self.cells
            .iter()
            .filter_map(|c| match c {
                Cell::Code { exercise, .. } => exercise.as_deref(),
                Cell::Markdown { .. } => None,
            })
            .collect()
    }

    /// The hints written under exercise `name`, or `None` when the chapter has no such exercise.
    pub fn hints(&self, name: &str) -> Option<&[String]> {
        self.cells.iter().find_map(|c| match c {
            Cell::Code {
                exercise: Some(e),
                hints,
                ..
            } if e == name => Some(hints.as_slice()),
            _ => None,
        })
    }

    /// The crates the chapter loads (`<!-- deps: rayon, rand -->`), the workbook aside.
    pub fn crate_deps(&self) -> impl Iterator<Item = &str> {
        self.deps
            .iter()
            .map(String::as_str)
            .filter(|d| !d.starts_with(WORKBOOK_FEATURE))
    }

    /// The workbook features the chapter turns on (`<!-- deps: workbook/loom -->`).
    pub fn workbook_features(&self) -> Vec<&str> {
        self.deps
            .iter()
            .filter_map(|d| d.strip_prefix(WORKBOOK_FEATURE))
            .collect()
    }

    /// An exercise's section: the last `## ` heading above its cell. Every
    /// report that sends the learner back (the check's, `cargo xtask hint`)
    /// names this one.
    pub fn section_of(&self, name: &str) -> Option<String> {
        let mut section = None;
        for cell in &self.cells {
            match cell {
                Cell::Markdown { text, .. } => {
                    if let Some(h) = text.lines().rev().find_map(|l| l.strip_prefix("## ")) {
                        section = Some(h.trim().to_string());
                    }
                }
                Cell::Code {
                    exercise: Some(e), ..
                } if e == name => return section,
                Cell::Code { .. } => {}
            }
        }
        None
    }

    /// The check cell's call: `workbook::check::chNN::NAME(path)`.
    pub fn check_call(&self, exercise: &str, krate: Option<&str>) -> String {
        let path = match krate {
            Some(k) => format!("{k}::{}::{exercise}", self.module()),
            None => exercise.to_string(),
        };
        format!("workbook::check::ch{}::{exercise}({path})", self.number)
    }
}

/// The one rule for chapter names: `NN-slug` (two digits, a dash, lower-case
/// words joined by dashes). Returns the number.
pub fn chapter_number(stem: &str) -> Option<&str> {
    let (number, slug) = stem.split_once('-')?;
    let number_ok = number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit());
    let slug_ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (number_ok && slug_ok).then_some(number)
}

/// Every chapter in `chapters/`, in order. Other Markdown there
/// (AUTHORING.md) is for authors and is skipped.
pub fn read_all(root: &Path) -> Result<Vec<Chapter>> {
    let dir = root.join("chapters");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            chapter_number(stem).is_some()
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| parse(p)).collect()
}

/// Parses `chapters/NN-slug.md`.
pub fn parse(path: &Path) -> Result<Chapter> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let Some(number) = chapter_number(&stem).map(str::to_string) else {
        bail!("{}: chapter files are named NN-slug.md", path.display());
    };
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (deps, minutes, cells) = cells(&text).with_context(|| path.display().to_string())?;
    let Some(minutes) = minutes else {
        bail!(
            "{}: the line under the chapter's `# ` title must say how long it takes: `{MINUTES_FORMAT}`",
            path.display()
        );
    };
    let chapter = Chapter {
        number,
        stem,
        deps,
        minutes,
        cells,
    };
    let exercises = chapter.exercises().len();
    if (exercises == 0) != (minutes.exercises == 0) {
        bail!(
            "{}: `exercises={}` in its minutes line, but the chapter has {exercises} exercise(s){}",
            path.display(),
            minutes.exercises,
            if exercises == 0 {
                ": write exercises=0"
            } else {
                ""
            }
        );
    }
    Ok(chapter)
}

/// A top-level block that is not prose.
enum Block {
    Code(Cell),
    /// `<!-- cell -->`: ends a Markdown cell.
    Break,
    /// `<!-- solved-only -->`: ends a Markdown cell; the next is for the solved notebook only.
    SolvedOnlyProse,
    /// `<!-- deps: a, b -->`
    Deps(Vec<String>),
    /// `> **Hint N.** text`: the number, and the text without the marker.
    Hint(usize, String),
    /// `<!-- minutes: reading=N exercises=M -->`: replaced by its italic line.
    Minutes(Minutes),
}

/// Splits a chapter's text into cells. Top-level ```` ```rust ```` blocks are
/// code cells; the text between them, kept verbatim, is Markdown.
fn cells(text: &str) -> Result<(Vec<String>, Option<Minutes>, Vec<Cell>)> {
    let mut deps = Vec::new();
    let mut minutes = None;
    let mut cells = Vec::new();
    let mut prose = Prose::default();
    let mut taken = 0; // bytes of `text` already used
    let mut depth = 0;
    let mut events = Parser::new_ext(text, Options::empty()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        let top = depth == 0;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        let block = match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if top && info.split_whitespace().next() == Some("rust") =>
            {
                let mut source = String::new();
                for (inner, _) in events.by_ref() {
                    match inner {
                        Event::Text(code) => source.push_str(&code),
                        _ => break, // the block's end
                    }
                }
                depth -= 1;
                Block::Code(code_cell(text, &range, &info, source)?)
            }
            Event::Start(Tag::HtmlBlock) if top => match comment(text, &range)? {
                Some(block) => block,
                None => continue,
            },
            Event::Start(Tag::BlockQuote(_)) if top && is_hint(&text[range.clone()]) => {
                for (inner, _) in events.by_ref() {
                    match inner {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => {
                            depth -= 1;
                            if depth == 0 {
                                break; // the quote's end
                            }
                        }
                        _ => {}
                    }
                }
                let (number, hint) = hint_parts(&text[range.clone()]);
                Block::Hint(number, hint)
            }
            _ => continue,
        };
        let before = &text[taken..range.start];
        if let Block::Hint(number, hint) = block {
            let line = text[..range.start].matches('\n').count() + 1;
            add_hint(&mut cells, before, number, hint).map_err(|e| anyhow!("line {line}: {e}"))?;
            taken = line_end(text, range.end);
            continue;
        }
        // The block's whole lines leave the prose.
        prose.text.push_str(before);
        taken = line_end(text, range.end);
        match block {
            Block::Hint(..) => unreachable!("hints are handled above"),
            Block::Deps(names) => deps.extend(names),
            Block::Minutes(found) => {
                if minutes.replace(found).is_some() {
                    bail!("{}: a second minutes line", at_line(text, range.start));
                }
                prose.text.push_str(&format!("\n{}\n", found.line()));
            }
            Block::Break => prose.flush(&mut cells)?,
            Block::SolvedOnlyProse => {
                prose.flush(&mut cells)?;
                prose.solved_only_from = Some(at_line(text, range.start));
            }
            Block::Code(cell) => {
                prose.flush(&mut cells)?;
                cells.push(cell);
            }
        }
    }
    prose.text.push_str(&text[taken..]);
    prose.flush(&mut cells)?;
    Ok((deps, minutes, cells))
}

/// `line N`, for the line that holds `offset`.
fn at_line(text: &str, offset: usize) -> String {
    format!("line {}", text[..offset].matches('\n').count() + 1)
}

/// Whether a top-level blockquote is a hint: `> **Hint 1.** ...`.
fn is_hint(quote: &str) -> bool {
    quote
        .trim_start()
        .strip_prefix('>')
        .is_some_and(|rest| rest.trim_start().starts_with(HINT_START))
}

/// A hint's number and its text: the quote's lines without `> ` and without
/// the `**Hint N.**` marker. A marker without a number reads as hint 0.
fn hint_parts(quote: &str) -> (usize, String) {
    let lines: Vec<&str> = quote
        .trim_end()
        .lines()
        .map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix('>').unwrap_or(l);
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    let joined = lines.join("\n");
    let rest = joined
        .trim_start()
        .strip_prefix(HINT_START)
        .unwrap_or(&joined);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse().unwrap_or(0);
    let rest = &rest[digits.len()..];
    let rest = rest
        .strip_prefix(".**")
        .or_else(|| rest.strip_prefix("**"))
        .unwrap_or(rest);
    (number, rest.trim().to_string())
}

/// Adds hint `number` to the exercise cell just before it; `before` is the
/// text between that cell (or the hint before) and this one.
fn add_hint(cells: &mut [Cell], before: &str, number: usize, hint: String) -> Result<()> {
    let after_exercise = match cells.last_mut() {
        Some(Cell::Code {
            exercise: Some(_),
            hints,
            ..
        }) if before.trim().is_empty() => Some(hints),
        _ => None,
    };
    let Some(hints) = after_exercise else {
        bail!(
            "a hint (`> {HINT_START}{number}.**`) must come right after its exercise's \
             ```rust exercise=NAME cell, or right after the hint before it"
        );
    };
    if number != hints.len() + 1 {
        bail!(
            "expected `{HINT_START}{}.**` here, found hint {number}: number an exercise's hints 1, 2, 3",
            hints.len() + 1
        );
    }
    if hint.is_empty() {
        bail!("hint {number} is empty");
    }
    hints.push(hint);
    Ok(())
}

/// The generator's own HTML comments; any other HTML stays in the prose.
fn comment(text: &str, range: &Range<usize>) -> Result<Option<Block>> {
    let html = text[range.clone()].trim();
    if html == CELL_BREAK {
        return Ok(Some(Block::Break));
    }
    if html == SOLVED_ONLY_PROSE {
        return Ok(Some(Block::SolvedOnlyProse));
    }
    if html.starts_with(MINUTES) {
        let title = text[..range.start].lines().last().unwrap_or_default();
        if !title.starts_with("# ") {
            bail!(
                "{}: the minutes line belongs right under the chapter's `# ` title",
                at_line(text, range.start)
            );
        }
        return match minutes(html) {
            Some(m) => Ok(Some(Block::Minutes(m))),
            None => bail!(
                "{}: write the minutes line as `{MINUTES_FORMAT}` (whole numbers), not `{html}`",
                at_line(text, range.start)
            ),
        };
    }
    let Some(list) = html
        .strip_prefix("<!-- deps:")
        .and_then(|l| l.strip_suffix("-->"))
    else {
        return Ok(None);
    };
    let names = list.split(',').map(str::trim).filter(|d| !d.is_empty());
    Ok(Some(Block::Deps(names.map(str::to_string).collect())))
}

/// `<!-- minutes: reading=25 exercises=20 -->`, both numbers, in that order.
fn minutes(html: &str) -> Option<Minutes> {
    let body = html.strip_prefix(MINUTES)?.strip_suffix("-->")?;
    let mut words = body.split_whitespace();
    let mut number = |key: &str| -> Option<u32> {
        words
            .next()?
            .strip_prefix(key)?
            .strip_prefix('=')?
            .parse()
            .ok()
    };
    let found = Minutes {
        reading: number("reading")?,
        exercises: number("exercises")?,
    };
    (words.next().is_none() && found.reading > 0).then_some(found)
}

/// The Markdown cell being read.
#[derive(Default)]
struct Prose {
    text: String,
    /// `line N` of the `<!-- solved-only -->` that started it, if one did.
    solved_only_from: Option<String>,
}

impl Prose {
    /// Ends the cell: adds it to `cells` unless it is blank.
    fn flush(&mut self, cells: &mut Vec<Cell>) -> Result<()> {
        let trimmed = self.text.trim_matches('\n');
        let marker = self.solved_only_from.take();
        if !trimmed.trim().is_empty() {
            cells.push(Cell::Markdown {
                text: trimmed.to_string(),
                solved_only: marker.is_some(),
            });
        } else if let Some(line) = marker {
            bail!("{line}: `{SOLVED_ONLY_PROSE}` marks the prose after it, but none follows");
        }
        self.text.clear();
        Ok(())
    }
}

/// The offset just past the line that holds `offset - 1`.
fn line_end(text: &str, offset: usize) -> usize {
    if offset == 0 || text[..offset].ends_with('\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |n| offset + n + 1)
}

fn code_cell(text: &str, range: &Range<usize>, info: &str, source: String) -> Result<Cell> {
    let line = text[..range.start].matches('\n').count() + 1;
    let block = text[range.clone()].trim_end();
    let closed = block.lines().count() >= 2
        && block
            .lines()
            .last()
            .is_some_and(|l| l.trim_start().starts_with("```"));
    if !closed {
        bail!("line {line}: code cell never closed with ```");
    }
    let mut exercise = None;
    let mut tags = Vec::new();
    for word in info.split_whitespace().skip(1) {
        match word.strip_prefix("exercise=") {
            Some(name) => exercise = Some(name.to_string()),
            None => tags.push(word.to_string()),
        }
    }
    let source = source.strip_suffix('\n').unwrap_or(&source).to_string();
    if exercise.is_some() && !source.contains(SOLUTION_BEGIN) {
        bail!("line {line}: an exercise cell needs a `{SOLUTION_BEGIN}` region");
    }
    Ok(Cell::Code {
        source,
        exercise,
        tags,
        hints: Vec::new(),
    })
}

/// The student's or the solved form of an exercise cell's code.
pub fn exercise_code(source: &str, copy: Copy) -> String {
    let mut out = Vec::new();
    let mut in_solution = false;
    for line in source.lines() {
        let marker = line.trim();
        if marker == SOLUTION_BEGIN {
            in_solution = true;
            if copy == Copy::Student {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push(format!("{indent}todo!()"));
            }
        } else if marker == SOLUTION_END {
            in_solution = false;
        } else if !(in_solution && copy == Copy::Student) {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(cell: &Cell) -> &str {
        match cell {
            Cell::Markdown { text, .. } => text,
            Cell::Code { .. } => panic!("a code cell where Markdown was expected"),
        }
    }

    #[test]
    fn top_level_rust_fences_are_cells_and_everything_else_stays_prose() {
        let text = "<!-- deps: rayon, rand -->\n# Title\n\nIntro.\n<!-- cell -->\nMore.\n\n\
                    ```text\nnot a cell\n```\n\n- a list\n\n  ```rust\n  nested: prose\n  ```\n\n\
                    ```rust exercise=f compile-fail\nuse std::{\n    sync::Arc,\n};\n\
                    pub fn f() {\n    // BEGIN SOLUTION\n    Arc::new(1);\n    // END SOLUTION\n}\n```\nAfter.\n";
        let (deps, _, cells) = cells(text).unwrap();
        assert_eq!(deps, ["rayon", "rand"]);
        assert_eq!(cells.len(), 4);
        assert_eq!(markdown(&cells[0]), "# Title\n\nIntro.");
        assert!(markdown(&cells[1]).starts_with("More.\n\n```text\nnot a cell\n```"));
        assert!(markdown(&cells[1]).ends_with("  ```rust\n  nested: prose\n  ```"));
        let Cell::Code {
            source,
            exercise,
            tags,
            ..
        } = &cells[2]
        else {
            panic!("a code cell was expected");
        };
        assert!(source.starts_with("use std::{\n    sync::Arc,\n};\npub fn f() {"));
        assert!(source.ends_with("// END SOLUTION\n}"));
        assert_eq!(exercise.as_deref(), Some("f"));
        assert_eq!(tags, &["compile-fail"]);
        assert_eq!(markdown(&cells[3]), "After.");
    }

    #[test]
    fn a_multi_line_use_reaches_the_crate_module_whole() {
        let text = "```rust exercise=f\nuse std::sync::{\n    Arc,\n    Mutex,\n};\n\n\
                    pub fn f() -> Arc<Mutex<u8>> {\n    // BEGIN SOLUTION\n    Arc::new(Mutex::new(1))\n    // END SOLUTION\n}\n```\n";
        let (deps, _, cells) = cells(text).unwrap();
        let chapter = Chapter {
            number: "01".into(),
            stem: "01-test".into(),
            deps,
            minutes: Minutes {
                reading: 1,
                exercises: 1,
            },
            cells,
        };
        let module = super::super::crates::module_source(&chapter, Copy::Student).unwrap();
        assert!(
            module.contains("use std::sync::{Arc, Mutex};\n"),
            "{module}"
        );
        assert!(
            module.contains("pub fn f() -> Arc<Mutex<u8>> {\n    todo!()\n}"),
            "{module}"
        );
    }

    #[test]
    fn an_unclosed_cell_and_a_bad_name_are_errors() {
        let unclosed = cells("Text.\n\n```rust\nlet x = 1;\n").err().unwrap();
        assert_eq!(
            unclosed.to_string(),
            "line 3: code cell never closed with ```"
        );
        for bad in ["1-threads", "01_threads", "01-", "01-Threads", "AUTHORING"] {
            assert_eq!(chapter_number(bad), None, "{bad}");
        }
        assert_eq!(chapter_number("10-processes-and-mpi"), Some("10"));
    }

    #[test]
    fn the_minutes_line_becomes_an_italic_line_under_the_title() {
        let text = "# 01 · Title\n<!-- minutes: reading=25 exercises=20 -->\n\nIntro.\n";
        let (_, minutes, parsed) = cells(text).unwrap();
        assert_eq!(
            minutes,
            Some(Minutes {
                reading: 25,
                exercises: 20
            })
        );
        assert_eq!(
            markdown(&parsed[0]),
            "# 01 · Title\n\n*Time: about 45 minutes (25 reading and running the demos, \
             20 for the exercises).*\n\nIntro."
        );
        let (_, none, _) = cells("# Title\n\nNo estimate.\n").unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn a_malformed_or_misplaced_minutes_line_is_an_error() {
        for (text, says) in [
            (
                "# T\n<!-- minutes: reading=25 -->\n",
                "write the minutes line as",
            ),
            (
                "# T\n<!-- minutes: reading=x exercises=2 -->\n",
                "write the minutes line as",
            ),
            (
                "# T\n<!-- minutes: exercises=2 reading=3 -->\n",
                "write the minutes line as",
            ),
            (
                "# T\n<!-- minutes: reading=0 exercises=0 -->\n",
                "write the minutes line as",
            ),
            (
                "# T\n\nText.\n\n<!-- minutes: reading=5 exercises=2 -->\n",
                "right under",
            ),
            (
                "# T\n<!-- minutes: reading=5 exercises=2 -->\n# U\n<!-- minutes: reading=5 exercises=2 -->\n",
                "a second minutes line",
            ),
        ] {
            let err = cells(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(says), "{text:?} gave {err:?}");
            assert!(err.starts_with("line "), "{err}");
        }
    }

    #[test]
    fn every_chapter_says_how_long_it_takes() {
        let chapters = read_all(&crate::root()).unwrap();
        assert!(!chapters.is_empty());
        for c in &chapters {
            assert!(c.minutes.reading > 0, "{}", c.stem);
            assert_eq!(
                c.exercises().is_empty(),
                c.minutes.exercises == 0,
                "{}",
                c.stem
            );
        }
    }
}
