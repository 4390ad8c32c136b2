//! Reads a chapter's Markdown into cells: top-level ```` ```rust ```` blocks
//! are code cells, hints join their exercise, and the generator's own
//! comments (`<!-- cell -->`, `<!-- deps -->`, ...) are taken out of the prose.

use std::ops::Range;

use anyhow::{Result, anyhow, bail};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use super::{Cell, Minutes, SOLUTION_BEGIN, SOLVED_ONLY_PROSE};

const CELL_BREAK: &str = "<!-- cell -->";
/// How a hint's blockquote starts: `> **Hint 1.** Think of ...`.
const HINT_START: &str = "**Hint ";
const MINUTES: &str = "<!-- minutes:";
pub(super) const MINUTES_FORMAT: &str = "<!-- minutes: reading=N exercises=M -->";

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
pub(super) fn cells(text: &str) -> Result<(Vec<String>, Option<Minutes>, Vec<Cell>)> {
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
